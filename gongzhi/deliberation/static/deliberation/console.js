/* The meeting console: − / + buttons beside each hand count, and the running total against
   the number present (the domain refuses a total above it; this only warns early). */
(function () {
  "use strict";

  function update(form) {
    var total = 0;
    form.querySelectorAll("input.dl-count-input").forEach(function (input) {
      total += Math.max(0, parseInt(input.value, 10) || 0);
    });
    var present = parseInt(form.dataset.present, 10) || 0;
    var sum = form.querySelector("[data-sum] b");
    if (sum) {
      sum.textContent = String(total);
      form.querySelector("[data-sum]").classList.toggle("too-many", total > present);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".dl-counter button[data-step]");
    if (!button) {
      return;
    }
    var input = button.parentElement.querySelector("input");
    var value = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
    input.value = String(Math.max(0, value));
    update(button.closest("form"));
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input.dl-count-input")) {
      update(event.target.closest("form"));
    }
  });
})();
