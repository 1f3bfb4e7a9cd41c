/* Bargaining (砍价) in the live room (/live/ID), over live.js's socket
   (window.LiveRoom).

   When the pinned product has a running campaign (the room state's and
   `pinned`'s `bargain`), a card sits over the stream just above the pinned card:
   "Bargain · Bargain it down to ¥10.00 · Friends cut it from ¥100.00" with one
   "Start bargaining" button. A tap sends `start_bargain {bargain_id}`; its ack
   names the viewer's record page (`url`, a new record or the one already
   running) and the page goes there, where the viewer shares it with friends.
   Anonymous viewers get a sign-in link instead of the button. The card comes and
   goes with pin changes and with the state a reconnect brings.

   User text only ever goes in through textContent. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var box = document.getElementById("live-bargain");
  var R = window.LiveRoom;
  if (!root || !box || !R || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var loginUrl = K.safeUrl(box.getAttribute("data-login-url") || root.getAttribute("data-login-url"));
  var ACK_TIMEOUT_MS = 10000;
  var SVG = "http://www.w3.org/2000/svg";
  var shown = null;  // the campaign on the card (null: no card)
  var busy = false;

  function id(value) { return String(parseInt(value, 10)); }

  /* A small pair of scissors (decoration: the label says what it is). */
  function scissors() {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2.2");
    path.setAttribute("stroke-linecap", "round");
    // two finger rings and two crossed blades
    path.setAttribute("d", "M9 6a3 3 0 1 1-6 0 3 3 0 0 1 6 0ZM9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0ZM8.2 8.2 20 20M8.2 15.8 20 4");
    svg.appendChild(path);
    return svg;
  }

  /* "Bargain it down to {price}" with the price in <strong>, whatever the
     language puts around it. */
  function title(campaign) {
    var node = K.el("p", "live-bargain-title");
    node.id = "live-bargain-title";
    var parts = t("bg_title").split("{price}");
    node.appendChild(document.createTextNode(parts[0]));
    if (parts.length > 1) {
      node.appendChild(K.el("strong", "live-bargain-floor", K.money(campaign.floor_price_cents, campaign.currency)));
      node.appendChild(document.createTextNode(parts.slice(1).join("{price}")));
    }
    return node;
  }

  function say(text) {
    var note = box.querySelector(".live-bargain-error");
    if (!note) return;
    note.textContent = text || "";
    note.hidden = !text;
  }

  function action(campaign) {
    if (!(campaign.units_left > 0)) {
      return K.el("span", "live-bargain-out", t("bg_sold_out"));
    }
    if (!signedIn) {
      var link = K.el("a", "btn live-bargain-go", t("bg_sign_in"));
      link.href = loginUrl;
      return link;
    }
    var button = K.el("button", "btn live-bargain-go", t("bg_start"));
    button.type = "button";
    button.setAttribute("data-bargain-id", id(campaign.id));
    button.addEventListener("click", function () { start(button, campaign); });
    return button;
  }

  function render(campaign) {
    shown = campaign;
    busy = false;
    K.clear(box);
    var head = K.el("div", "live-bargain-head");
    var label = K.el("span", "live-bargain-label");
    label.appendChild(scissors());
    label.appendChild(K.el("span", null, t("bg_label")));
    head.appendChild(label);
    head.appendChild(K.el("span", "live-bargain-from",
      t("bg_from", { price: K.money(campaign.start_price_cents, campaign.currency) })));
    var main = K.el("div", "live-bargain-main");
    main.appendChild(title(campaign));
    main.appendChild(action(campaign));
    box.appendChild(head);
    box.appendChild(main);
    var error = K.el("p", "live-bargain-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    box.appendChild(error);
    box.setAttribute("data-bargain-id", id(campaign.id));
    box.hidden = false;
  }

  function hide() {
    shown = null;
    busy = false;
    K.clear(box);
    box.removeAttribute("data-bargain-id");
    box.hidden = true;
  }

  /* The pinned product (`card`) and its campaign (`campaign`), from the state or
     a `pinned` broadcast. */
  function update(card, campaign) {
    var on = !!(card && campaign && campaign.status === "active" &&
      campaign.product_id === card.id);
    if (!on) {
      hide();
      return;
    }
    if (busy && shown && shown.id === campaign.id) return;  // a tap on its way
    render(campaign);
  }

  function start(button, campaign) {
    if (busy) return;
    busy = true;
    say("");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("bg_starting");
    var answered = false;
    function done(ack) {
      if (answered) return;
      answered = true;
      if (ack && ack.ok && ack.url) {
        window.location.assign(K.safeUrl(ack.url));
        return;
      }
      var code = ack && ack.error ? ack.error.code : null;
      if (code === "not_signed_in") {
        window.location.href = loginUrl;
        return;
      }
      busy = false;
      if (!shown || shown.id !== campaign.id || !button.isConnected) return;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = t("bg_start");
      say(K.ackError(ack, t));
    }
    setTimeout(function () {
      done({ ok: false, error: { code: "timeout", message: t("error") } });
    }, ACK_TIMEOUT_MS);
    R.socket.emit("start_bargain", { bargain_id: campaign.id }, done);
  }

  R.onState.push(function (state) {
    update(state.pinned_product || null, state.bargain || null);
  });
  R.socket.on("pinned", function (data) {
    if (data.session_id === R.sessionId) update(data.product || null, data.bargain || null);
  });
})();
