/* The live session form: the start time is typed in the browser's time zone.
   The server reads the hidden tz_offset (minutes, UTC minus local); without this
   script the time is taken as UTC, which is what the page then says. */
(function () {
  "use strict";
  var form = document.getElementById("live-form");
  var input = document.getElementById("f-scheduled_at");
  var offset = document.getElementById("f-tz_offset");
  var hint = document.getElementById("tz-hint");
  if (!form || !input || !offset) return;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A stored time arrives as UTC: show it in local time.
  var utc = input.getAttribute("data-utc");
  if (utc) {
    var d = new Date(utc);
    if (!isNaN(d.getTime())) {
      input.value = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
        "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
      offset.value = "0";
    }
  } else if (offset.value !== "0" && offset.value !== "") {
    // A form sent back with an error keeps the offset it was typed with.
  }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (hint && hint.getAttribute("data-local-hint")) {
    var text = hint.getAttribute("data-local-hint").replace("{zone}", zone || "UTC");
    hint.textContent = text;
  }

  function fill() {
    var value = input.value;
    if (!value) { offset.value = "0"; return; }
    var local = new Date(value);  // datetime-local values parse as local time
    offset.value = isNaN(local.getTime()) ? String(new Date().getTimezoneOffset())
      : String(local.getTimezoneOffset());
  }
  form.addEventListener("submit", fill);
})();
