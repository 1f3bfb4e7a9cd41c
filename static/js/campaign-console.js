/* The merchant's campaign consoles (group buying, bargaining): the campaign's end
   is typed in the browser's time zone (the server reads the hidden tz_offset:
   minutes, UTC minus local; without this script the time is taken as UTC, which
   the page then says), and "End" asks first. The form is the one marked
   data-campaign-form. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var form = document.querySelector("form[data-campaign-form]");
  var input = document.getElementById("f-ends_at");
  var offset = document.getElementById("f-tz_offset");
  var hint = document.getElementById("tz-hint");
  if (!form || !input || !offset) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (hint && hint.getAttribute("data-local-hint")) {
    hint.textContent = hint.getAttribute("data-local-hint").replace("{zone}", zone || "UTC");
  }
  form.addEventListener("submit", function () {
    var local = input.value ? new Date(input.value) : null;  // parsed as local time
    offset.value = local && !isNaN(local.getTime()) ? String(local.getTimezoneOffset())
      : String(new Date().getTimezoneOffset());
  });
})();
