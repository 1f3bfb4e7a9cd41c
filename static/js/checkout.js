/* Checkout: the chosen saved address as a compact card with "Change" (the radio
   list folds away), and the new-address fields only when "New address" is chosen.
   Without JavaScript the list and the fields are all shown and the form works. */
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) return;
  var choices = document.getElementById("address-choices");
  var fields = form.querySelector("[data-new-address]");
  var card = form.querySelector("[data-address-card]");
  var change = form.querySelector("[data-address-change]");
  if (!choices || !fields) return;

  function chosen() {
    return form.querySelector("input[name=address_id]:checked");
  }

  function showList(open) {
    choices.hidden = !open;
    if (change) change.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function sync() {
    var radio = chosen();
    var isNew = !radio || radio.value === "new";
    fields.hidden = !isNew;
    if (card) {
      card.hidden = isNew;
      if (!isNew) {
        card.querySelector("[data-card=name]").textContent = radio.dataset.name;
        card.querySelector("[data-card=phone]").textContent = radio.dataset.phone;
        card.querySelector("[data-card=address]").textContent = radio.dataset.address;
      }
    }
  }

  var note = fields.querySelector(".new-address-note");
  if (note) note.hidden = true;
  var hasError = choices.classList.contains("has-error") || fields.querySelector(".has-error");
  if (card && change && !hasError && chosen() && chosen().value !== "new") {
    change.hidden = false;
    showList(false);
  }
  if (change) {
    change.addEventListener("click", function () {
      showList(choices.hidden);
      if (!choices.hidden) {
        var radio = chosen() || choices.querySelector("input");
        if (radio) radio.focus();
      }
    });
  }
  choices.addEventListener("change", function (event) {
    if (event.target.name !== "address_id") return;
    sync();
  });
  sync();
})();

/* Coupons: choosing another coupon (or none) recalculates the page at once (the
   "Apply" button does it without JavaScript). */
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  var apply = form && form.querySelector("[data-coupon-apply]");
  if (!apply) return;
  apply.hidden = true;
  var selects = form.querySelectorAll("[data-coupon-select]");
  for (var i = 0; i < selects.length; i++) {
    selects[i].addEventListener("change", function () {
      if (form.requestSubmit) form.requestSubmit(apply);
      else apply.click();
    });
  }
})();
