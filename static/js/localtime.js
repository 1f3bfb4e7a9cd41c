/* Show <time data-local="datetime"> in the viewer's own time zone and language. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var format;
  try {
    format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  } catch (e) {
    format = null;
  }
  function localise(root) {
    var nodes = (root || document).querySelectorAll("time[data-local]");
    for (var i = 0; i < nodes.length; i++) {
      var when = new Date(nodes[i].getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      nodes[i].textContent = format ? format.format(when) : when.toLocaleString();
      nodes[i].title = nodes[i].getAttribute("datetime");
    }
  }
  window.livestallLocalTime = localise;
  localise(document);
})();
