/* Cart: quantity changes apply at once (a stepper, or a changed number) without a
   page load: the line's form is posted as it would be without JavaScript, and the
   cart page it leads to replaces this one's lines and totals in place; focus stays
   on the control used. Without JavaScript the same forms post and reload. */
(function () {
  "use strict";
  var body = document.querySelector("[data-cart-body]");
  var status = document.getElementById("cart-status");
  if (!body || !window.fetch || !window.DOMParser) return;
  document.documentElement.classList.add("cart-live");
  var busy = false;

  function announce(doc) {
    var messages = doc.querySelectorAll(".flashes .flash");
    var text = Array.prototype.map.call(messages, function (m) {
      return m.textContent.trim();
    }).join(" ");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function swap(doc, focusId) {
    var fresh = doc.querySelector("[data-cart-body]");
    if (!fresh) return false;
    body.innerHTML = fresh.innerHTML;
    // the page's messages become the new ones (read out by #cart-status)
    var old = document.querySelector(".flashes");
    if (old) old.remove();
    var flashes = doc.querySelector(".flashes");
    if (flashes) {
      flashes.removeAttribute("role");
      body.parentNode.insertBefore(document.importNode(flashes, true), body);
    }
    var badge = document.querySelector(".nav-cart");
    var freshBadge = doc.querySelector(".nav-cart");
    if (badge && freshBadge) badge.innerHTML = freshBadge.innerHTML;
    if (window.livestallLocalTime) window.livestallLocalTime(body);
    var target = (focusId && document.getElementById(focusId)) || body.querySelector("h1");
    if (target) target.focus();
    return true;
  }

  function send(form, submitter) {
    if (busy) return;
    busy = true;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var focusId = submitter && submitter.id && submitter.name !== "remove"
      ? submitter.id : (form.querySelector("input[name=qty]") || {}).id;
    form.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (resp) { return resp.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!swap(doc, focusId)) throw new Error("no cart");
        announce(doc);
      })
      .catch(function () { form.submit(); })
      .then(function () { busy = false; });
  }

  body.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-cart-form]");
    if (!form) return;
    event.preventDefault();
    send(form, event.submitter);
  });
  body.addEventListener("change", function (event) {
    if (event.target.name !== "qty") return;
    var form = event.target.closest("[data-cart-form]");
    if (form) send(form, null);
  });
})();
