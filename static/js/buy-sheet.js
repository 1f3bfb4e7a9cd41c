/* Buying without leaving the stream: a bottom sheet over the live room (and its
   replay) with quantity, the remembered delivery address, the payment method and
   the place button; the stream keeps playing above it.

   Opened by any [data-buy=PRODUCT_ID] link in the room (the pinned card, the bag
   sheet, the product grid, the replay's timeline) and by flash-room.js after a
   successful grab (window.LiveBuy.open({reservation, sale})). Without JavaScript
   those links go to the product page as before.

   JSON API only (docs/API.md): GET /api/v1/products/ID (price, stock, the shop's
   payment methods), GET /api/v1/addresses (the address book), POST /api/v1/orders
   with `address_id` (or a typed `shipping`, which the server remembers) and one
   idempotency key per sheet, reused on retry, so a double tap or a lost answer
   never makes two orders. User text only ever goes in through textContent.

   Group mode (拼团): LiveBuy.open({product_id, group: {group_buy_id, team_id}})
   (a team_id joins that team, none starts a new one) reads the deal
   (GET /api/v1/group-buys/ID) for its price and per-person limit and posts the
   same body, with `source` (live:ID), to /api/v1/group-buys/ID/teams or
   /api/v1/teams/ID/join; the answer says how many more are needed, with the
   team's link to share. [data-buy][data-group-buy][data-team] links open it.

   Coupons (优惠券): outside group mode the sheet asks POST /api/v1/coupons/best for
   its line (again when the quantity changes), pre-selects the best coupon the
   buyer holds for the shop, shows "Coupon −¥20.00" and the total after it, offers
   the others (or none) in a select, and sends `coupon_ids` with the order; the
   done screen says what the coupon saved (the order's `discount_cents`). */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var sheet = document.getElementById("buy-sheet");
  var bag = document.getElementById("room-bag-sheet");
  if (!root || !sheet || !window.LiveKit || typeof sheet.showModal !== "function") return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var source = root.getAttribute("data-source");
  var loginUrl = K.safeUrl(root.getAttribute("data-login-url"));
  var productApi = sheet.getAttribute("data-api-product").replace(/0$/, "");
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  var PAY_KEY = "livestall.payment_method";
  var QTY_MAX = 99;

  var current = null;  // {product, reservation, group, deal, qty, key, busy, onPlaced}

  function api(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        return { ok: resp.ok, status: resp.status, data: data || {} };
      });
    });
  }

  function newKey() {
    var random = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
      : String(Date.now()) + "-" + Math.random().toString(36).slice(2);
    return "room-" + random;
  }

  function field(labelText, input, id) {
    var wrap = K.el("div", "field");
    var label = K.el("label", null, labelText);
    label.htmlFor = id;
    input.id = id;
    wrap.appendChild(label);
    wrap.appendChild(input);
    var error = K.el("small", "error");
    error.id = id + "-error";
    error.hidden = true;
    wrap.appendChild(error);
    return wrap;
  }

  function input(type, name, attrs) {
    var node = K.el(type === "textarea" ? "textarea" : "input");
    if (type !== "textarea") node.type = type;
    node.name = name;
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function head(title) {
    var top = K.el("div", "sheet-head");
    var h = K.el("h2", null, title);
    h.id = "buy-sheet-title";
    top.appendChild(h);
    var close = K.el("button", "sheet-close");
    close.type = "button";
    close.setAttribute("data-close", "");
    close.setAttribute("aria-label", t("b_close"));
    var x = K.el("span", null, "✕");
    x.setAttribute("aria-hidden", "true");
    close.appendChild(x);
    top.appendChild(close);
    return top;
  }

  function unitPrice() {
    if (current.deal) return current.deal.price_cents;
    return current.reservation ? current.sale.price_cents : current.product.price_cents;
  }

  function title() {
    if (!current || !current.group) return t("b_title");
    return current.group.team_id ? t("g_join_title") : t("g_start_title");
  }

  function placeLabel() {
    if (!current.group) return t("b_place");
    return current.group.team_id ? t("g_place_join") : t("g_place_start");
  }

  // --- the sheet's parts -------------------------------------------------------------

  function productRow(product) {
    var row = K.el("div", "buy-product");
    var image = (product.images && product.images[0] && product.images[0].thumb_url) ||
      (current.sale && current.sale.product && current.sale.product.image_url);
    row.appendChild(K.thumb(image, product.title, 88, "bag-empty"));
    var text = K.el("div", "buy-product-text");
    text.appendChild(K.el("span", "buy-product-title", product.title));
    var prices = K.el("span", "buy-prices");
    prices.appendChild(K.el("span", "buy-price", K.money(unitPrice(), product.currency)));
    if ((current.reservation || current.deal) && product.price_cents > unitPrice()) {
      prices.appendChild(document.createTextNode(" "));
      prices.appendChild(K.el("s", "fsale-was", K.money(product.price_cents, product.currency)));
    }
    text.appendChild(prices);
    var note = K.el("span", "muted small buy-stock");
    if (current.reservation) {
      current.holdNote = note;
      note.classList.add("buy-held");
    } else if (current.deal) {
      note.textContent = t("g_team_of", { n: current.deal.team_size }) + " · " +
        t("fs_limit", { n: current.deal.per_user_limit });
    } else {
      note.textContent = t("b_stock", { n: product.stock });
    }
    text.appendChild(note);
    row.appendChild(text);
    return row;
  }

  function qtyRow(product) {
    var row = K.el("div", "buy-qty");
    var label = K.el("span", "buy-qty-label", t("b_qty"));
    label.id = "buy-qty-label";
    row.appendChild(label);
    var stepper = K.el("div", "stepper");
    stepper.setAttribute("role", "group");
    stepper.setAttribute("aria-labelledby", "buy-qty-label");
    var max = current.reservation ? current.reservation.qty : Math.max(1, Math.min(product.stock,
      current.deal ? current.deal.per_user_limit : QTY_MAX));
    var less = K.el("button", "stepper-btn", "−");
    less.type = "button";
    less.setAttribute("aria-label", t("b_less"));
    var box = input("number", "qty", { min: "1", max: String(max), inputmode: "numeric" });
    box.value = String(current.qty);
    box.setAttribute("aria-labelledby", "buy-qty-label");
    box.id = "buy-qty";
    var more = K.el("button", "stepper-btn", "+");
    more.type = "button";
    more.setAttribute("aria-label", t("b_more"));
    function set(n) {
      current.qty = Math.max(1, Math.min(max, n || 1));
      box.value = String(current.qty);
      less.disabled = current.qty <= 1 || !!current.reservation;
      more.disabled = current.qty >= max || !!current.reservation;
      sums();
      requote();
    }
    less.addEventListener("click", function () { set(current.qty - 1); });
    more.addEventListener("click", function () { set(current.qty + 1); });
    box.addEventListener("change", function () { set(parseInt(box.value, 10)); });
    if (current.reservation) box.readOnly = true;
    stepper.appendChild(less);
    stepper.appendChild(box);
    stepper.appendChild(more);
    row.appendChild(stepper);
    current.setQty = set;
    return row;
  }

  function addressPart(addresses) {
    var set = K.el("fieldset", "buy-address");
    set.appendChild(K.el("legend", null, t("b_deliver_to")));
    var fields = K.el("div", "buy-new-address");
    fields.appendChild(field(t("b_name"), input("text", "name", { maxlength: "60", autocomplete: "name" }), "buy-name"));
    fields.appendChild(field(t("b_phone"), input("tel", "phone", { maxlength: "30", autocomplete: "tel", inputmode: "tel" }), "buy-phone"));
    fields.appendChild(field(t("b_address"), input("textarea", "address", { maxlength: "300", rows: "2", autocomplete: "street-address" }), "buy-address"));
    if (!addresses.length) {
      set.appendChild(fields);
      return set;
    }
    var list = K.el("div", "buy-address-list");
    var picked = addresses.filter(function (a) { return a.is_default; })[0] || addresses[0];
    function option(value, checked, build) {
      var label = K.el("label", "choice buy-address-choice");
      var radio = input("radio", "address_id", {});
      radio.value = value;
      radio.checked = checked;
      label.appendChild(radio);
      var body = K.el("span");
      build(body);
      label.appendChild(body);
      list.appendChild(label);
      if (!checked) label.hidden = true;
      return label;
    }
    addresses.forEach(function (a) {
      option(String(a.id), a === picked, function (body) {
        body.appendChild(K.el("strong", null, a.name + "  " + a.phone));
        body.appendChild(K.el("small", null, a.address));
      });
    });
    option("new", false, function (body) { body.appendChild(K.el("strong", null, t("b_new_address"))); });
    set.appendChild(list);
    var change = K.el("button", "link buy-change", t("b_change"));
    change.type = "button";
    change.setAttribute("aria-expanded", "false");
    change.addEventListener("click", function () {
      var labels = list.querySelectorAll("label");
      for (var i = 0; i < labels.length; i++) labels[i].hidden = false;
      change.hidden = true;
    });
    set.appendChild(change);
    fields.hidden = true;
    set.appendChild(fields);
    list.addEventListener("change", function () {
      fields.hidden = chosenAddress() !== "new";
    });
    return set;
  }

  function chosenAddress() {
    var radio = sheet.querySelector("input[name=address_id]:checked");
    return radio ? radio.value : "new";
  }

  var LABELS = { cod: ["b_cod", "b_cod_note"], bank_transfer: ["b_bank", "b_bank_note"] };

  function paymentPart(methods) {
    var set = K.el("fieldset", "buy-pay");
    set.appendChild(K.el("legend", null, t("b_payment")));
    if (!methods.length) {
      set.appendChild(K.el("p", "error", t("b_no_method")));
      return set;
    }
    var remembered = null;
    try { remembered = window.localStorage.getItem(PAY_KEY); } catch (e) { remembered = null; }
    var chosen = methods.indexOf(remembered) >= 0 ? remembered : methods[0];
    methods.forEach(function (code) {
      var label = K.el("label", "choice");
      var radio = input("radio", "payment_method", {});
      radio.value = code;
      radio.checked = code === chosen;
      label.appendChild(radio);
      var body = K.el("span");
      var names = LABELS[code] || [code, null];
      body.appendChild(K.el("strong", null, t(names[0])));
      if (names[1]) body.appendChild(K.el("small", null, t(names[1])));
      label.appendChild(body);
      set.appendChild(label);
    });
    return set;
  }

  // The shop's shipping fee on `goods` cents (product.shipping, issue 16): free from
  // free_over_cents on, as the server computes it when the order is placed.
  function shippingFee(goods) {
    var terms = current.product.shipping || {};
    var over = terms.free_over_cents;
    if (typeof over === "number" && goods >= over) return 0;
    return terms.fee_cents || 0;
  }

  function sums() {
    if (!current || !current.sumNodes) return;
    var nodes = current.sumNodes;
    var off = couponOff();
    var goods = unitPrice() * current.qty - off;
    var fee = shippingFee(goods);
    var over = (current.product.shipping || {}).free_over_cents;
    var currency = current.product.currency;
    nodes.subtotal.textContent = K.money(goods + off, currency);
    nodes.coupon.textContent = "−" + K.money(off, currency);
    nodes.coupon.parentNode.hidden = !off;
    K.clear(nodes.shipping);
    nodes.shipping.appendChild(document.createTextNode(fee ? K.money(fee, currency) : t("b_free")));
    if (fee && typeof over === "number") {
      nodes.shipping.appendChild(document.createTextNode(" "));
      nodes.shipping.appendChild(K.el("small", "buy-free-over",
        "(" + t("b_free_over", { amount: K.money(over, currency) }) + ")"));
    }
    nodes.total.textContent = K.money(goods + fee, currency);
    nodes.bar.textContent = K.money(goods + fee, currency);
  }

  function sumsPart() {
    var list = K.el("dl", "buy-sums");
    var nodes = {};
    [["b_subtotal", "subtotal"], ["b_coupon", "coupon"], ["b_shipping", "shipping"],
      ["b_total", "total"]].forEach(function (pair) {
      var row = K.el("div", "buy-sum-" + pair[1]);
      row.appendChild(K.el("dt", null, t(pair[0])));
      nodes[pair[1]] = row.appendChild(K.el("dd"));
      list.appendChild(row);
    });
    current.sumNodes = nodes;  // filled by sums()
    return list;
  }

  function footer(methods) {
    var bar = K.el("div", "buy-footer");
    var total = K.el("p", "buy-footer-total");
    total.appendChild(K.el("span", "muted", t("b_total") + " "));
    var amount = total.appendChild(K.el("strong"));
    bar.appendChild(total);
    current.sumNodes.bar = amount;
    var place = K.el("button", "btn buy-place", placeLabel());
    place.type = "submit";
    place.disabled = !methods.length;
    bar.appendChild(place);
    current.placeButton = place;
    return bar;
  }

  // --- the coupon (not on group seats: coupons do not apply to them) -----------------

  function couponOff() {
    var coupon = current && current.coupon;
    if (!coupon || !coupon.chosen) return 0;
    var entry = coupon.usable.filter(function (u) { return u.user_coupon.id === coupon.chosen; })[0];
    return entry ? entry.discount_cents : 0;
  }

  function couponTerms(uc) {
    var min = uc.min_spend_cents ? K.money(uc.min_spend_cents, uc.currency) : null;
    if (uc.percent_off) {
      var text = min ? t("pc_pct_off_over", { pct: uc.percent_off, min: min }) : t("pc_pct_off", { pct: uc.percent_off });
      if (uc.max_discount_cents) text += " · " + t("pc_cap", { amount: K.money(uc.max_discount_cents, uc.currency) });
      return text;
    }
    var amount = K.money(uc.amount_off_cents, uc.currency);
    if (uc.red_packet_id) {
      var credit = t("pc_rp_credit", { amount: amount });
      return min ? credit + " · " + t("pc_off_over", { amount: amount, min: min }) : credit;
    }
    return min ? t("pc_off_over", { amount: amount, min: min }) : t("pc_off_no_min", { amount: amount });
  }

  function couponPart() {
    var wrap = K.el("div", "buy-coupon");
    wrap.hidden = true;
    var label = K.el("label", null, t("b_coupon"));
    label.htmlFor = "buy-coupon";
    wrap.appendChild(label);
    var select = K.el("select");
    select.id = "buy-coupon";
    select.name = "coupon";
    select.addEventListener("change", function () {
      current.coupon.manual = true;
      current.coupon.chosen = select.value ? parseInt(select.value, 10) : null;
      sums();
    });
    wrap.appendChild(select);
    current.coupon = { usable: [], chosen: null, manual: false, node: wrap, select: select, asked: 0 };
    return wrap;
  }

  function paintCoupon() {
    var coupon = current.coupon;
    var select = coupon.select;
    K.clear(select);
    var none = K.el("option", null, t("b_no_coupon"));
    none.value = "";
    select.appendChild(none);
    coupon.usable.forEach(function (u) {
      var uc = u.user_coupon;
      var text = couponTerms(uc) + (u.discount_cents > 0
        ? " (−" + K.money(u.discount_cents, uc.currency) + ")" : " · " + t("b_coupon_not_yet"));
      var option = K.el("option", null, text);
      option.value = String(uc.id);
      option.disabled = !(u.discount_cents > 0);
      select.appendChild(option);
    });
    select.value = coupon.chosen ? String(coupon.chosen) : "";
    coupon.node.hidden = !coupon.usable.length;
    sums();
  }

  /* The best coupon for the line now; the buyer's own pick holds while it still
     takes something off. */
  function quote() {
    var mine = current;
    if (!mine || !mine.coupon) return;
    var body = mine.reservation ? { items: [], reservation_ids: [mine.reservation.id] }
      : { items: [{ product_id: mine.product.id, qty: mine.qty }] };
    var asked = ++mine.coupon.asked;
    api("POST", "/api/v1/coupons/best", body).then(function (answer) {
      if (current !== mine || mine.finished || asked !== mine.coupon.asked || !answer.ok) return;
      var coupon = mine.coupon;
      coupon.usable = answer.data.usable || [];
      var best = (answer.data.coupons || [])[0];
      var still = coupon.usable.filter(function (u) {
        return u.user_coupon.id === coupon.chosen && u.discount_cents > 0;
      }).length;
      if (!coupon.manual || (coupon.chosen && !still)) {
        coupon.chosen = best ? best.user_coupon.id : null;
        if (coupon.manual && coupon.chosen) coupon.manual = false;
      }
      paintCoupon();
    }, function () { /* no quote: the order goes without a coupon */ });
  }

  function requote() {
    if (!current || !current.coupon) return;
    clearTimeout(requote.timer);
    requote.timer = setTimeout(quote, 250);
  }

  // --- opening, placing, done -----------------------------------------------------------

  function render(product, addresses) {
    K.clear(sheet);
    var form = K.el("form", "buy-form");
    form.noValidate = true;
    form.appendChild(head(title()));
    var body = K.el("div", "sheet-body");
    body.appendChild(productRow(product));
    if (!current.reservation && !product.available) {
      body.appendChild(K.el("p", "error", t("b_unavailable")));
      form.appendChild(body);
      sheet.appendChild(form);
      return;
    }
    body.appendChild(qtyRow(product));
    body.appendChild(addressPart(addresses));
    var methods = product.payment_methods || [];
    body.appendChild(paymentPart(methods));
    if (!current.group) body.appendChild(couponPart());
    body.appendChild(sumsPart());
    var error = K.el("p", "error buy-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    body.appendChild(error);
    current.errorBox = error;
    form.appendChild(body);
    form.appendChild(footer(methods));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      place();
    });
    sheet.appendChild(form);
    current.setQty(current.qty);
    if (current.coupon) {
      clearTimeout(requote.timer);
      quote();
    }
    tickHold();
  }

  function tickHold() {
    if (!current || !current.reservation || !current.holdNote) return;
    var left = Math.ceil((current.heldUntil - Date.now()) / 1000);
    if (left <= 0) {
      current.holdNote.textContent = t("b_hold_gone");
      if (current.placeButton) current.placeButton.disabled = true;
      return;
    }
    current.holdNote.textContent = t("b_held", { time: K.countdown(left) });
  }

  function clearErrors() {
    var boxes = sheet.querySelectorAll(".field small.error");
    for (var i = 0; i < boxes.length; i++) { boxes[i].hidden = true; boxes[i].textContent = ""; }
    var inputs = sheet.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < inputs.length; j++) inputs[j].removeAttribute("aria-invalid");
    if (current.errorBox) current.errorBox.hidden = true;
  }

  var FIELDS = { "shipping.name": "buy-name", "shipping.phone": "buy-phone",
    "shipping.address": "buy-address", "phone": "buy-phone", "name": "buy-name",
    "address": "buy-address" };

  function showError(error) {
    var id = FIELDS[error.field];
    var target = id && document.getElementById(id);
    if (target && !target.closest("[hidden]")) {
      var box = document.getElementById(id + "-error");
      box.textContent = error.message || t("error");
      box.hidden = false;
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", id + "-error");
      target.focus();
      return;
    }
    current.errorBox.textContent = error.message || t("error");
    current.errorBox.hidden = false;
  }

  function place() {
    if (!current || current.busy) return;
    clearErrors();
    var method = sheet.querySelector("input[name=payment_method]:checked");
    var body = {
      idempotency_key: current.key,
      payment_method: method ? method.value : null
    };
    var url = "/api/v1/orders";
    if (current.group) {
      body.qty = current.qty;
      body.source = source;
      url = current.group.team_id
        ? "/api/v1/teams/" + encodeURIComponent(current.group.team_id) + "/join"
        : "/api/v1/group-buys/" + encodeURIComponent(current.group.group_buy_id) + "/teams";
    } else if (current.reservation) {
      body.reservation_ids = [current.reservation.id];
    } else {
      body.items = [{ product_id: current.product.id, qty: current.qty, source: source }];
    }
    if (!current.group && couponOff() > 0) body.coupon_ids = [current.coupon.chosen];
    var address = chosenAddress();
    if (address === "new") {
      body.shipping = {
        name: document.getElementById("buy-name").value,
        phone: document.getElementById("buy-phone").value,
        address: document.getElementById("buy-address").value
      };
    } else {
      body.address_id = parseInt(address, 10);
    }
    current.busy = true;
    var button = current.placeButton;
    button.disabled = true;
    button.textContent = t("b_placing");
    var mine = current;
    api("POST", url, body).then(function (answer) {
      if (current !== mine) return;
      mine.busy = false;
      button.disabled = false;
      button.textContent = placeLabel();
      if (answer.ok) {
        try { window.localStorage.setItem(PAY_KEY, body.payment_method); } catch (e) { /* private mode */ }
        if (mine.group) groupDone(answer.data.team, answer.data.order);
        else done(answer.data.order);
      } else if (answer.status === 401) {
        window.location.href = loginUrl;
      } else {
        // a refused body may be sent again changed: a new key for the next try
        if (answer.status < 500) mine.key = newKey();
        var error = (answer.data && answer.data.error) || {};
        showError(error);
        if (error.field === "coupon_ids") quote();  // used or expired meanwhile
      }
    }, function () {
      if (current !== mine) return;
      mine.busy = false;  // the same key on retry: never two orders
      button.disabled = false;
      button.textContent = placeLabel();
      showError({ message: t("error") });
    });
  }

  function paidText(order) {
    var pay = order.payment || {};
    var ref = "#" + order.id;
    var amount = K.money(order.total_cents, order.currency);
    return pay.method === "bank_transfer"
      ? t("b_done_bank", { amount: amount, bank: pay.bank_name || "", account: pay.account_number || "",
        name: pay.account_name || "", ref: pay.reference || ref })
      : t("b_done_cod", { ref: ref, amount: amount });
  }

  /* A seat taken: "You're in! N more needed", the team's link to share, its page. */
  function groupDone(team, order) {
    var onPlaced = current.onPlaced;
    current.finished = true;
    K.clear(sheet);
    var box = K.el("div", "buy-done group-done");
    var formed = team.status === "succeeded";
    box.appendChild(head(formed ? t("g_formed_title") : t("g_in_title")));
    var body = K.el("div", "sheet-body");
    var need = K.el("p", "group-done-need", formed ? t("g_formed_text")
      : t("g_need", { n: team.seats_left }));
    need.setAttribute("role", "status");
    body.appendChild(need);
    var seats = K.el("ol", "group-seats");
    seats.setAttribute("aria-label", t("g_members"));
    (team.members || []).forEach(function (m) {
      var seat = K.el("li", "group-seat" + (m.is_leader ? " is-leader" : ""),
        (m.display_name || m.username || "?").slice(0, 1));
      seat.title = m.display_name || m.username || "";
      seats.appendChild(seat);
    });
    for (var i = 0; i < (formed ? 0 : team.seats_left); i++) {
      var empty = K.el("li", "group-seat is-empty", "?");
      empty.setAttribute("aria-label", t("g_empty_seat"));
      seats.appendChild(empty);
    }
    body.appendChild(seats);
    body.appendChild(K.el("p", "buy-done-text small", paidText(order)));
    var actions = K.el("div", "buy-done-actions");
    var shareUrl = typeof team.share_url === "string" && /^https?:\/\//.test(team.share_url)
      ? team.share_url : window.location.origin + K.safeUrl(team.url);
    if (!formed) {
      var share = K.el("button", "btn group-share", t("g_share"));
      share.type = "button";
      share.addEventListener("click", function () {
        if (navigator.share) {
          navigator.share({ title: t("g_share_title"), url: shareUrl }).catch(function () { /* dismissed */ });
        } else if (navigator.clipboard) {
          navigator.clipboard.writeText(shareUrl).then(function () {
            share.textContent = t("g_copied");
          }, function () { share.textContent = shareUrl; });
        } else {
          share.textContent = shareUrl;
        }
      });
      actions.appendChild(share);
    }
    var view = K.el("a", "btn btn-light group-view", t("g_view"));
    view.href = K.safeUrl(team.url || "");
    actions.appendChild(view);
    var keep = K.el("button", "btn btn-light buy-keep", t("b_keep_watching"));
    keep.type = "button";
    keep.setAttribute("data-close", "");
    actions.appendChild(keep);
    body.appendChild(actions);
    box.appendChild(body);
    sheet.appendChild(box);
    (actions.querySelector(".group-share") || keep).focus();
    if (onPlaced) onPlaced(order, team);
  }

  function done(order) {
    var onPlaced = current.onPlaced;
    current.finished = true;
    K.clear(sheet);
    var box = K.el("div", "buy-done");
    box.appendChild(head(t("b_done")));
    var body = K.el("div", "sheet-body");
    var tick = K.el("p", "buy-done-mark", "✓");
    tick.setAttribute("aria-hidden", "true");
    body.appendChild(tick);
    var note = body.appendChild(K.el("p", "buy-done-text", paidText(order)));
    note.setAttribute("role", "status");
    if (order.discount_cents > 0) {
      body.appendChild(K.el("p", "buy-done-saved",
        t("b_saved", { amount: K.money(order.discount_cents, order.currency) })));
    }
    var actions = K.el("div", "buy-done-actions");
    var keep = K.el("button", "btn buy-keep", t("b_keep_watching"));
    keep.type = "button";
    keep.setAttribute("data-close", "");
    actions.appendChild(keep);
    var view = K.el("a", "btn btn-light", t("b_view_order"));
    view.href = K.safeUrl(order.url || "");
    actions.appendChild(view);
    body.appendChild(actions);
    box.appendChild(body);
    sheet.appendChild(box);
    keep.focus();
    if (onPlaced) onPlaced(order);
  }

  function open(options) {
    if (!signedIn) {
      window.location.href = loginUrl;
      return;
    }
    if (bag && bag.open) bag.close();
    var productId = options.product_id || (options.sale && options.sale.product && options.sale.product.id) ||
      (options.sale && options.sale.product_id);
    var group = options.group && options.group.group_buy_id ? {
      group_buy_id: parseInt(options.group.group_buy_id, 10),
      team_id: options.group.team_id ? parseInt(options.group.team_id, 10) : null
    } : null;
    current = {
      productId: productId,
      group: group,
      deal: null,
      reservation: options.reservation || null,
      sale: options.sale || null,
      heldUntil: options.heldUntil || 0,
      onPlaced: options.onPlaced || null,
      qty: options.reservation ? options.reservation.qty : 1,
      key: newKey(),
      busy: false
    };
    K.clear(sheet);
    sheet.appendChild(head(title()));
    var loading = K.el("p", "sheet-body muted", t("b_loading"));
    loading.setAttribute("role", "status");
    sheet.appendChild(loading);
    if (!sheet.open) sheet.showModal();
    var mine = current;
    Promise.all([
      api("GET", productApi + encodeURIComponent(productId)),
      api("GET", "/api/v1/addresses"),
      group ? api("GET", "/api/v1/group-buys/" + encodeURIComponent(group.group_buy_id)) : null
    ]).then(function (answers) {
      if (current !== mine) return;
      var failed = !answers[0].ok ? answers[0] : (answers[2] && !answers[2].ok ? answers[2] : null);
      if (failed) {
        K.clear(sheet);
        sheet.appendChild(head(title()));
        sheet.appendChild(K.el("p", "sheet-body error", (failed.data.error || {}).message || t("b_unavailable")));
        return;
      }
      if (group) mine.deal = answers[2].data.group_buy;
      mine.product = answers[0].data.product;
      var addresses = answers[1].ok ? (answers[1].data.items || []) : [];
      render(mine.product, addresses);
    }, function () {
      if (current !== mine) return;
      K.clear(sheet);
      sheet.appendChild(head(title()));
      sheet.appendChild(K.el("p", "sheet-body error", t("error")));
    });
  }

  // --- wiring -----------------------------------------------------------------------

  function wireSheet(dialog) {
    dialog.addEventListener("click", function (event) {
      var target = event.target;
      if (target === dialog || (target.closest && target.closest("[data-close]"))) dialog.close();
    });
  }
  wireSheet(sheet);
  sheet.addEventListener("close", function () { current = null; });
  if (bag) {
    wireSheet(bag);
    var bagButton = document.getElementById("room-bag");
    if (bagButton) {
      bagButton.addEventListener("click", function () {
        bag.showModal();
        bagButton.setAttribute("aria-expanded", "true");
      });
      bag.addEventListener("close", function () { bagButton.setAttribute("aria-expanded", "false"); });
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-buy]");
    if (!link || event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey) return;
    var id = parseInt(link.getAttribute("data-buy"), 10);
    if (!id) return;
    event.preventDefault();
    var deal = parseInt(link.getAttribute("data-group-buy"), 10);
    var team = parseInt(link.getAttribute("data-team"), 10);
    open({ product_id: id, group: deal ? { group_buy_id: deal, team_id: team || null } : null });
  });

  setInterval(tickHold, 500);
  window.LiveBuy = { open: open };
})();
