/* A refused action on a work-order page comes back as the form with the domain's message and a
   4xx status (400 invalid input, 403 not allowed, 409 the status does not allow it; see
   views/order.py and views/desks.py). htmx 2 does not swap 4xx answers by default, which would
   leave the person looking at a button that did nothing: on these pages, swap them. */
(function () {
  "use strict";
  var SHOWN = [400, 403, 409, 422];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var elt = event.detail.elt;
    if (xhr && SHOWN.indexOf(xhr.status) >= 0 && elt && elt.closest && elt.closest(".wo-page")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
