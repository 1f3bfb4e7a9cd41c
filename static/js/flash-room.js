/* Flash sales in the live room (/live/ID): one panel per open sale, kept current
   by the room's `state`, `flash_sale` and `stock` events. Countdowns use the
   server's clock (the offset is taken again on every join); the Grab button sends
   `grab {flash_sale_id, qty: 1}` and shows the ack at once, one grab at a time.
   Loaded after live.js, which shares its socket through window.LiveRoom. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var stack = document.getElementById("fsale-stack");
  if (!root || !stack || !window.LiveRoom || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var socket = window.LiveRoom.socket;
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var loginUrl = K.safeUrl(stack.getAttribute("data-login-url"));
  var checkoutUrl = K.safeUrl(stack.getAttribute("data-checkout-url"));
  var GRAB_TIMEOUT_MS = 10000;

  var offset = null;  // server clock minus this browser's clock, in ms
  var sales = {};     // sale id -> {sale, node, parts, inFlight, hold, message}

  function serverNow() { return Date.now() + (offset || 0); }

  /* The sale's status now: the server says when it ended; the clock says when it
     starts and ends; the numbers say when it is sold out (and open again). */
  function statusOf(sale) {
    var now = serverNow();
    if (sale.status === "ended" || now >= sale.endsAt) return "ended";
    if (now < sale.startsAt) return "scheduled";
    if (sale.remaining <= 0) return "sold_out";
    return "open";
  }

  function adopt(data, into) {
    var sale = into || {};
    ["id", "quantity", "remaining", "held", "sold", "per_user_limit", "price_cents",
      "currency", "status"].forEach(function (key) {
      if (data[key] !== undefined) sale[key] = data[key];
    });
    if (data.product) sale.product = data.product;
    // The *_ms fields are exact; the ISO ones are rounded down to the second.
    if (data.starts_at_ms) sale.startsAt = data.starts_at_ms;
    else if (data.starts_at) sale.startsAt = Date.parse(data.starts_at) + 999;
    if (data.ends_at_ms) sale.endsAt = data.ends_at_ms;
    else if (data.ends_at) sale.endsAt = Date.parse(data.ends_at);
    return sale;
  }

  // --- the panel ----------------------------------------------------------------------

  function build(sale) {
    var product = sale.product || {};
    var node = K.el("section", "fsale");
    node.setAttribute("data-sale-id", String(sale.id));
    node.setAttribute("aria-label", t("fs_flash") + ": " + (product.title || ""));
    var parts = {};
    var top = K.el("div", "fsale-top");
    var badge = K.el("span", "fsale-badge");
    var bolt = K.el("span", null, "⚡");
    bolt.setAttribute("aria-hidden", "true");
    badge.appendChild(bolt);
    badge.appendChild(document.createTextNode(" " + t("fs_flash")));
    top.appendChild(badge);
    parts.clock = top.appendChild(K.el("span", "fsale-clock"));
    node.appendChild(top);

    var main = K.el("div", "fsale-main");
    main.appendChild(K.thumb(product.image_url, product.title, 64, "fsale-empty"));
    var text = K.el("div", "fsale-text");
    text.appendChild(K.el("span", "fsale-title", product.title));
    var prices = K.el("span", "fsale-prices");
    prices.appendChild(K.el("span", "fsale-price", K.money(sale.price_cents, sale.currency)));
    var list = product.price_cents;
    if (typeof list === "number" && list > sale.price_cents) {
      prices.appendChild(document.createTextNode(" "));
      prices.appendChild(K.el("s", "fsale-was", K.money(list, sale.currency)));
      prices.appendChild(document.createTextNode(" "));
      prices.appendChild(K.el("span", "fsale-off",
        "-" + Math.floor((list - sale.price_cents) * 100 / list) + "%"));
    }
    text.appendChild(prices);
    text.appendChild(K.el("span", "fsale-limit", t("fs_limit", { n: sale.per_user_limit })));
    main.appendChild(text);
    node.appendChild(main);

    parts.bar = node.appendChild(K.el("progress", "fsale-bar"));
    var stock = K.el("div", "fsale-stock");
    parts.left = stock.appendChild(K.el("span"));
    parts.pct = stock.appendChild(K.el("span"));
    node.appendChild(stock);

    if (signedIn) {
      parts.grab = K.el("button", "btn btn-block fsale-grab", t("fs_grab"));
      parts.grab.type = "button";
      parts.grab.addEventListener("click", function () { grab(sale.id); });
    } else {
      parts.grab = K.el("a", "btn btn-block fsale-grab", t("fs_sign_in"));
      parts.grab.href = loginUrl;
    }
    node.appendChild(parts.grab);
    parts.result = node.appendChild(K.el("div", "fsale-result"));
    parts.result.setAttribute("role", "status");
    parts.result.hidden = true;
    return { node: node, parts: parts };
  }

  function paint(record) {
    var sale = record.sale;
    var parts = record.parts;
    var status = statusOf(sale);
    var now = serverNow();
    record.node.className = "fsale fsale-status-" + status + (record.fresh ? " fsale-new" : "");
    record.node.setAttribute("data-status", status);
    if (status === "scheduled") {
      parts.clock.textContent = t("fs_starts_in", { time: K.countdown(Math.floor((sale.startsAt - now) / 1000)) });
    } else if (status === "ended") {
      parts.clock.textContent = t("fs_ended");
    } else {
      parts.clock.textContent = t("fs_ends_in", { time: K.countdown(Math.ceil((sale.endsAt - now) / 1000)) });
    }
    var quantity = sale.quantity || 0;
    var taken = Math.max(0, quantity - sale.remaining);
    parts.bar.max = Math.max(quantity, 1);
    parts.bar.value = taken;
    parts.bar.textContent = taken + " / " + quantity;
    parts.left.textContent = t("fs_left", { n: Math.max(sale.remaining, 0) });
    parts.pct.textContent = t("fs_pct", { n: quantity ? Math.floor(taken * 100 / quantity) : 0 });

    var label = status === "open" ? (signedIn ? t("fs_grab") : t("fs_sign_in"))
      : status === "scheduled" ? (signedIn ? t("fs_soon") : t("fs_sign_in"))
      : status === "sold_out" ? t("fs_sold_out") : t("fs_ended");
    if (parts.grab.textContent !== label) parts.grab.textContent = label;
    if (signedIn) {
      parts.grab.disabled = status !== "open" || record.inFlight;
    } else {
      parts.grab.hidden = status === "ended" || status === "sold_out";
    }
    paintResult(record);
  }

  function paintResult(record) {
    var box = record.parts.result;
    var hold = record.hold;
    if (hold) {
      var left = Math.ceil((Date.parse(hold.expires_at) - serverNow()) / 1000);
      if (left <= 0) {
        record.hold = null;
        record.message = { text: t("fs_expired"), kind: "fsale-msg-bad" };
      } else {
        var line = box.querySelector(".fsale-held");
        if (!line) {
          K.clear(box);
          box.removeAttribute("data-text");
          box.className = "fsale-result fsale-msg-ok";
          line = box.appendChild(K.el("p", "fsale-held"));
          // Pay inside the room (buy-sheet.js); the checkout page without it
          var go = box.appendChild(K.el("a", "btn btn-block btn-ok fsale-checkout",
            window.LiveBuy ? t("fs_pay") : t("fs_checkout")));
          go.href = checkoutUrl;
          go.addEventListener("click", function (event) {
            if (!window.LiveBuy || !record.hold) return;
            event.preventDefault();
            pay(record);
          });
        }
        line.textContent = t("fs_reserved", { n: hold.qty, time: K.countdown(left) });
        box.hidden = false;
        return;
      }
    }
    var message = record.message;
    if (!message) {
      box.hidden = true;
      return;
    }
    if (box.getAttribute("data-text") !== message.text) {
      K.clear(box);
      box.className = "fsale-result " + (message.kind || "");
      box.setAttribute("data-text", message.text);
      box.appendChild(K.el("p", null, message.text));
      if (message.signIn) {
        var link = box.appendChild(K.el("a", "btn btn-small", t("fs_sign_in")));
        link.href = loginUrl;
      }
    }
    box.hidden = false;
  }

  // --- grabbing -----------------------------------------------------------------------

  var REFUSALS = {
    out_of_stock: "fs_msg_sold_out",
    limit_reached: "fs_msg_limit",
    sale_ended: "fs_msg_ended",
    sale_not_started: "fs_msg_not_started",
    grab_in_flight: "fs_msg_in_flight",
    not_signed_in: "fs_msg_sign_in"
  };

  function grab(id) {
    var record = sales[id];
    if (!record || record.inFlight || statusOf(record.sale) !== "open") return;
    record.inFlight = true;
    record.hold = null;
    record.message = { text: t("fs_grabbing"), kind: "fsale-msg-wait" };
    paint(record);
    socket.timeout(GRAB_TIMEOUT_MS).emit("grab", { flash_sale_id: id, qty: 1 }, function (err, ack) {
      record.inFlight = false;
      if (err) {
        record.message = { text: t("error"), kind: "fsale-msg-bad" };
      } else if (ack && ack.ok) {
        record.hold = ack.reservation;
        record.message = null;
        paint(record);
        pay(record);  // straight to the buy sheet: grab, place order, done
        return;
      } else {
        var code = ack && ack.error && ack.error.code;
        record.message = {
          text: REFUSALS[code] ? t(REFUSALS[code]) : K.ackError(ack, t),
          kind: code === "out_of_stock" || code === "sale_ended" ? "fsale-msg-gone" : "fsale-msg-bad",
          signIn: code === "not_signed_in"
        };
        if (code === "out_of_stock") record.sale.remaining = 0;
        if (code === "sale_ended") record.sale.status = "ended";
      }
      paint(record);
    });
  }

  /* The buy sheet over the stream for this hold; placing the order ends the hold. */
  function pay(record) {
    if (!window.LiveBuy || !record.hold) return;
    window.LiveBuy.open({
      reservation: record.hold,
      sale: record.sale,
      heldUntil: Date.parse(record.hold.expires_at) - (offset || 0),
      onPlaced: function () {
        record.hold = null;
        record.message = { text: t("fs_paid"), kind: "fsale-msg-ok" };
        paint(record);
      }
    });
  }

  // --- the room's events --------------------------------------------------------------

  function show(data) {
    var record = sales[data.id];
    if (record) {
      adopt(data, record.sale);
    } else {
      var sale = adopt(data);
      var made = build(sale);
      record = sales[sale.id] = { sale: sale, node: made.node, parts: made.parts,
        inFlight: false, hold: null, message: null };
      var old = stack.querySelector('[data-sale-id="' + String(parseInt(sale.id, 10)) + '"]');
      // The server's panel is swapped in place (no animation); a new sale slides in.
      if (old) old.parentNode.replaceChild(made.node, old);
      else stack.appendChild(made.node);
      record.fresh = !old;
    }
    stack.hidden = false;
    paint(record);
  }

  function forget(id) {
    var record = sales[id];
    if (record && record.node.parentNode) record.node.parentNode.removeChild(record.node);
    delete sales[id];
  }

  window.LiveRoom.onState.push(function (state) {
    offset = state.server_time_ms - Date.now();
    var open = {};
    (state.flash_sales || []).forEach(function (data) {
      open[data.id] = true;
      show(data);
    });
    Object.keys(sales).forEach(function (id) {
      // A sale gone from the state has ended: keep the panel (and its hold) as ended.
      if (!open[id]) {
        if (sales[id].hold) { sales[id].sale.status = "ended"; paint(sales[id]); }
        else forget(id);
      }
    });
    var stale = stack.querySelectorAll(".fsale:not([data-status])");
    for (var i = 0; i < stale.length; i++) stale[i].parentNode.removeChild(stale[i]);
    stack.hidden = !stack.querySelector(".fsale");
  });

  socket.on("flash_sale", function (data) {
    var sale = data && data.flash_sale;
    if (!sale || sale.session_id !== parseInt(root.getAttribute("data-session-id"), 10)) return;
    if (data.event === "ended") sale.status = "ended";
    if (data.event === "ended" && !sales[sale.id]) return;  // never shown here
    show(sale);
  });

  socket.on("stock", function (data) {
    var record = data && sales[data.flash_sale_id];
    if (!record) return;
    adopt({ remaining: data.remaining, held: data.held, sold: data.sold,
      quantity: data.quantity }, record.sale);
    if (data.status === "ended") record.sale.status = "ended";
    paint(record);
  });

  setInterval(function () {
    if (offset === null) return;
    Object.keys(sales).forEach(function (id) { paint(sales[id]); });
  }, 250);
})();
