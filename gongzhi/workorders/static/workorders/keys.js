/* Keyboard use of the work-order pages.

   - Ctrl/⌘+Enter submits the form the focus is in (also from a textarea).
   - In a search box with a result list (.wo-picker), ↓/↑ move through the results, Enter picks
     the highlighted (or first) result instead of submitting the form, Esc closes the list.
   - A result button with data-choose-target / data-choose-value / data-choose-label fills a
     hidden input and shows the choice in the element named by data-choose-show, then moves the
     focus to the element named by data-choose-next.
   - [data-autofocus-after-swap] regains the focus after an htmx swap (the intake's next form).
*/
(function () {
  "use strict";

  function results(picker) { return picker ? Array.from(picker.querySelectorAll(".wo-results button")) : []; }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = e.target.closest && e.target.closest("form");
      if (form) { e.preventDefault(); form.requestSubmit(); }
      return;
    }
    var picker = e.target.closest && e.target.closest(".wo-picker");
    if (!picker) return;
    var items = results(picker);
    var idx = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      items[Math.min(idx + 1, items.length - 1)].focus();
    } else if (e.key === "ArrowUp" && items.length) {
      e.preventDefault();
      if (idx <= 0) picker.querySelector("input[type=search], input[type=text]").focus();
      else items[idx - 1].focus();
    } else if (e.key === "Enter" && e.target.matches("input") && items.length) {
      e.preventDefault();
      items[0].click();
    } else if (e.key === "Escape") {
      var list = picker.querySelector(".wo-results");
      if (list) list.innerHTML = "";
    }
  });

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-choose-target]");
    if (!btn) return;
    e.preventDefault();
    var target = document.getElementById(btn.dataset.chooseTarget);
    if (target) { target.value = btn.dataset.chooseValue; target.dispatchEvent(new Event("change", { bubbles: true })); }
    var show = btn.dataset.chooseShow && document.getElementById(btn.dataset.chooseShow);
    if (show) show.textContent = btn.dataset.chooseLabel || "";
    var box = btn.closest(".wo-picker");
    if (box) {
      var input = box.querySelector("input[type=search]");
      if (input) input.value = btn.dataset.chooseLabel || "";
      var list = box.querySelector(".wo-results");
      if (list) list.innerHTML = "";
    }
    var next = btn.dataset.chooseNext && document.getElementById(btn.dataset.chooseNext);
    if (next) next.focus();
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var el = e.target.querySelector && e.target.querySelector("[data-autofocus-after-swap]");
    if (el) el.focus();
  });
})();

/* A suggestion button fills a form: data-fill='{"lead": "5", "assisting": ["3"]}' and
   data-fill-target="#form-id". Multiple selects take a list. */
document.addEventListener("click", function (e) {
  "use strict";
  var btn = e.target.closest && e.target.closest("[data-fill]");
  if (!btn) return;
  e.preventDefault();
  var form = document.querySelector(btn.dataset.fillTarget);
  if (!form) return;
  var values = JSON.parse(btn.dataset.fill);
  Object.keys(values).forEach(function (name) {
    var field = form.elements[name];
    if (!field) return;
    var value = values[name];
    if (field.multiple) {
      Array.from(field.options).forEach(function (o) { o.selected = value.indexOf(o.value) !== -1; });
    } else {
      field.value = value;
    }
  });
  var details = form.closest("details");
  if (details) details.open = true;
});
