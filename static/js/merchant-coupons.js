/* The merchant's coupon and red-packet console (/merchant/coupons, and a coupon's
   page): "End" and "Open now" ask first; the claim window is typed in the
   browser's time zone (each datetime-local input names, in data-tz, the hidden
   input that carries its getTimezoneOffset(): minutes, UTC minus local; without
   this script the times are taken as UTC, which the page then says); the coupon
   form shows only the fields of the chosen kind, and the product list only for
   "Chosen products" (without this script every field shows, and the server
   reads only those that apply). */
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var form = document.getElementById("coupon-form");
  if (!form) return;

  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  form.querySelectorAll("[data-local-hint]").forEach(function (hint) {
    hint.textContent = hint.getAttribute("data-local-hint").replace("{zone}", zone || "UTC");
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll("input[type=datetime-local][data-tz]").forEach(function (input) {
      var offset = document.getElementById(input.getAttribute("data-tz"));
      if (!offset) return;
      var local = input.value ? new Date(input.value) : null;  // parsed as local time
      offset.value = local && !isNaN(local.getTime()) ? String(local.getTimezoneOffset())
        : String(new Date().getTimezoneOffset());
    });
  });

  function checked(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }
  function sync() {
    var kind = checked("kind");
    form.querySelectorAll("[data-kind]").forEach(function (box) {
      box.hidden = Boolean(kind) && box.getAttribute("data-kind") !== kind;
    });
    var scope = checked("scope");
    form.querySelectorAll("[data-scope]").forEach(function (box) {
      box.hidden = box.getAttribute("data-scope") !== scope;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind" || event.target.name === "scope") sync();
  });
  sync();
})();
