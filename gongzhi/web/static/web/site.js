/* 共治: small behaviours shared by every page. No framework; htmx does the requests. */
(function () {
  "use strict";

  // Close the person menu (a <details>) when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.who[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.who[open]").forEach(function (menu) {
        menu.removeAttribute("open");
      });
    }
  });
})();
