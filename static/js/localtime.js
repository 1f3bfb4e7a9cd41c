/* Show <time data-local="datetime|date" datetime="…Z"> in the viewer's own time
   zone and language. Loaded once by base.html on every page; loading it again
   (a page's own <script> tag) only re-runs the rewrite, which is idempotent.
   Pages that add times later call window.livestallLocalTime(root). */
(function () {
  "use strict";
  if (typeof window.livestallLocalTime === "function") {
    window.livestallLocalTime(document);
    return;
  }
  var lang = document.documentElement.lang || undefined;
  var formats = {};
  function formatFor(style) {
    if (!(style in formats)) {
      var options = style === "date"
        ? { dateStyle: "medium" }
        : { dateStyle: "medium", timeStyle: "short" };
      try {
        formats[style] = new Intl.DateTimeFormat(lang, options);
      } catch (e) {
        formats[style] = null;
      }
    }
    return formats[style];
  }
  function localise(root) {
    var nodes = (root || document).querySelectorAll("time[data-local]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      var style = node.getAttribute("data-local") === "date" ? "date" : "datetime";
      var format = formatFor(style);
      var text = format ? format.format(when)
        : (style === "date" ? when.toLocaleDateString() : when.toLocaleString());
      if (node.textContent !== text) node.textContent = text;
      node.title = node.getAttribute("datetime");
    }
  }
  window.livestallLocalTime = localise;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { localise(document); });
  } else {
    localise(document);
  }
})();
