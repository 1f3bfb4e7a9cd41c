/* The header's account menu: a disclosure button (progressive enhancement: without
   JavaScript the link to /me stays). Enter/Space/click toggles; Esc closes and
   returns focus to the button; a click or focus outside closes it. */
(function () {
  "use strict";
  var wraps = document.querySelectorAll("[data-me-menu]");
  Array.prototype.forEach.call(wraps, function (wrap) {
    var link = wrap.querySelector(".nav-me");
    var button = wrap.querySelector(".nav-me-btn");
    var menu = wrap.querySelector(".me-menu");
    if (!button || !menu || wrap.dataset.ready) return;
    wrap.dataset.ready = "1";
    if (link) link.hidden = true;
    button.hidden = false;

    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }
    function open() {
      button.setAttribute("aria-expanded", "true");
      menu.hidden = false;
    }
    function close(focusButton) {
      if (!isOpen()) return;
      button.setAttribute("aria-expanded", "false");
      menu.hidden = true;
      if (focusButton) button.focus();
    }
    button.addEventListener("click", function () {
      if (isOpen()) {
        close(false);
      } else {
        open();  // the menu follows the button: Tab goes into it
      }
    });
    wrap.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close(true);
      }
    });
    document.addEventListener("click", function (event) {
      if (!wrap.contains(event.target)) close(false);
    });
    wrap.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !wrap.contains(event.relatedTarget)) close(false);
    });
  });
})();

/* A table that scrolls sideways inside its box (.table-wrap) must be reachable by
   keyboard to scroll it: make the box focusable and name it by its caption or
   section heading (axe scrollable-region-focusable). */
(function () {
  "use strict";
  function mark() {
    var boxes = document.querySelectorAll(".table-wrap, [data-scroll-region]");
    Array.prototype.forEach.call(boxes, function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var caption = box.querySelector("caption");
          var section = box.closest("section");
          var heading = section && section.querySelector("h1, h2, h3");
          var name = (caption || heading || document.querySelector("h1"));
          if (name) box.setAttribute("aria-label", name.textContent.trim());
        }
      }
    });
  }
  mark();
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  });
})();
