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

  // After an htmx drill-down the address bar has moved on: switch language on the page shown.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("lang")) {
      var next = form.querySelector("input[name=next]");
      if (next) {
        next.value = window.location.pathname + window.location.search;
      }
    }
  });

  // A session that ran out turns an htmx request into the login page: show it as a page,
  // not inside the panel that asked.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr && event.detail.xhr.responseURL;
    if (url && new URL(url).pathname === document.body.dataset.loginPath) {
      event.detail.shouldSwap = false;
      window.location.assign(url);
    }
  });
})();
