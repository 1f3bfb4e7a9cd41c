/* The merchant's community campaign page: the Print button (hidden without
   JavaScript: the browser's own Print works the same, one sheet a page). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
