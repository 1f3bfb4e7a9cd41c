/* Coupons and red packets in the live room (/live/ID), over live.js's socket
   (window.LiveRoom) — docs/API.md "Coupons and red packets".

   Red packet rain (红包雨): a pool the host opens (`red_packet` with event
   "opened", or the room state's `red_packets` on (re)join) shows a card in the
   dock with its countdown on the server's clock (`ends_at`), what is left (the
   coalesced `red_packet` events) and one big "Grab" button: `grab_red_packet
   {red_packet_id}`, whose ack says "You got ¥3.52 shop credit", "All gone" or
   "You already grabbed one". A few packets fall over the stream for a moment when
   it opens (not with reduced motion). A finished pool leaves.

   Coupon drops (直播间发券): `coupon_drop` (and the state's `coupon_drops`) shows
   "¥20 off over ¥100 · 1:00 left · Claim"; one tap sends `claim_coupon
   {coupon_id}`. The card says claimed / all claimed, and leaves when its window
   ends. Anonymous viewers get a sign-in link instead of the buttons.

   User text only ever goes in through textContent. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var stack = document.getElementById("promo-stack");
  var R = window.LiveRoom;
  if (!root || !stack || !R || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var loginUrl = K.safeUrl(stack.getAttribute("data-login-url"));
  var rain = document.getElementById("promo-rain");
  var ACK_TIMEOUT_MS = 10000;
  var GONE_MS = 4000;     // a finished pool's card stays this long ("All gone")
  var MINE_MS = 8000;     // a card whose packet or coupon the viewer took: this long
  var RAIN_MS = 5000;
  var DROPS = 14;

  var pools = {};   // red packet id -> {data, node, parts, mine, inFlight, note, gone, refused}
  var coupons = {}; // coupon id -> {coupon, endsAt, node, parts, held, inFlight, note, out}
  var taken = {};   // red packet id -> true: grabbed (or refused) on this page
  var held = {};    // coupon id -> how many the viewer holds, as this page learnt

  function serverNow() { return Date.now() + R.clockOffset(); }
  function id(value) { return String(parseInt(value, 10)); }

  function secondsLeft(endsAt) {
    return Math.ceil((endsAt - serverNow()) / 1000);
  }

  function show() {
    stack.hidden = !stack.querySelector(".rp-card, .cd-card");
  }

  function emitWithTimeout(name, payload, done) {
    var answered = false;
    var timer = setTimeout(function () {
      if (answered) return;
      answered = true;
      done({ ok: false, error: { code: "timeout", message: t("error") } });
    }, ACK_TIMEOUT_MS);
    R.socket.emit(name, payload, function (ack) {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      done(ack);
    });
  }

  function action(className, label, onClick) {
    if (!signedIn) {
      var link = K.el("a", "btn " + className, label);
      link.href = loginUrl;
      return link;
    }
    var button = K.el("button", "btn " + className, label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  // --- red packet rain ---------------------------------------------------------------

  function poolText(data) {
    return t(data.count === 1 ? "pc_pool_one" : "pc_pool_many",
      { amount: K.money(data.total_cents, data.currency), n: data.count });
  }

  function buildPool(record) {
    var data = record.data;
    var node = K.el("section", "rp-card");
    node.setAttribute("data-red-packet-id", id(data.id));
    node.setAttribute("aria-label", t("pc_rain"));
    var parts = {};
    var top = K.el("div", "rp-top");
    var badge = K.el("span", "rp-badge");
    var icon = K.el("span", "rp-icon");  // a small envelope, drawn in CSS
    icon.setAttribute("aria-hidden", "true");
    badge.appendChild(icon);
    badge.appendChild(document.createTextNode(" " + t("pc_rain")));
    top.appendChild(badge);
    parts.clock = top.appendChild(K.el("span", "rp-clock"));
    node.appendChild(top);
    var line = K.el("p", "rp-pool");
    parts.pool = line.appendChild(K.el("span", "rp-amount"));
    line.appendChild(document.createTextNode(" · "));
    parts.left = line.appendChild(K.el("span", "rp-left"));
    node.appendChild(line);
    parts.grab = node.appendChild(action("btn-block rp-grab",
      signedIn ? t("pc_grab") : t("pc_sign_in_grab"), function () { grab(data.id); }));
    parts.result = node.appendChild(K.el("p", "rp-result"));
    parts.result.setAttribute("role", "status");
    parts.result.hidden = true;
    record.node = node;
    record.parts = parts;
  }

  function paintPool(record) {
    var data = record.data;
    var parts = record.parts;
    var left = Math.max(0, data.count_left || 0);
    var clock = record.endsAt ? Math.max(0, secondsLeft(record.endsAt)) : 0;
    // never longer than the rain lasts, whatever our guess of the server's clock
    if (data.grab_window_s > 0) clock = Math.min(clock, data.grab_window_s);
    parts.pool.textContent = poolText(data);
    parts.left.textContent = t("pc_packets_left", { n: left });
    parts.clock.textContent = record.gone ? "" : t("pc_time_left", { time: K.countdown(clock) });
    var state = record.mine !== null ? "mine" : record.gone || left <= 0 ? "gone"
      : record.refused ? "refused" : "open";
    record.node.className = "rp-card rp-" + state;
    if (signedIn) {
      var label = record.inFlight ? t("pc_grabbing") : t("pc_grab");
      if (parts.grab.textContent !== label) parts.grab.textContent = label;
      parts.grab.disabled = state !== "open" || record.inFlight;
      if (record.inFlight) parts.grab.removeAttribute("aria-label");
      else parts.grab.setAttribute("aria-label", t("pc_grab_label", { pool: poolText(data) }));
    }
    parts.grab.hidden = state !== "open";
    var text = "";
    var detail = "";
    if (record.mine !== null) {
      text = t("pc_got", { amount: K.money(record.mine, data.currency) });
      detail = data.min_spend_cents ? t("pc_got_min", { amount: K.money(data.min_spend_cents, data.currency) })
        : t("pc_got_note");
    } else if (record.note) {
      text = record.note;
    } else if (state === "gone") {
      text = t("pc_all_gone");
    }
    if (parts.result.getAttribute("data-text") !== text + "|" + detail) {
      parts.result.setAttribute("data-text", text + "|" + detail);
      K.clear(parts.result);
      if (text) parts.result.appendChild(K.el("strong", "rp-result-main", text));
      if (detail) parts.result.appendChild(K.el("small", "rp-result-note", detail));
    }
    parts.result.hidden = !text;
  }

  function upsertPool(data, opened) {
    if (!data || data.id === undefined || data.session_id !== undefined && data.session_id !== R.sessionId) return;
    var key = id(data.id);
    var record = pools[key];
    if (!record) {
      if (data.status !== "open" || !(data.count_left > 0)) return;  // nothing to grab
      if (typeof data.mine_cents === "number" || taken[key]) return;  // theirs already
      record = pools[key] = { data: data, mine: null, inFlight: false, note: "", gone: false };
      buildPool(record);
      stack.insertBefore(record.node, stack.firstChild);
      if (opened) letItRain();
    } else {
      var keep = record.data;
      record.data = data;
      if (typeof data.count_left !== "number") record.data.count_left = keep.count_left;
    }
    if (typeof data.mine_cents === "number") record.mine = data.mine_cents;
    record.endsAt = Date.parse(data.ends_at);
    if (data.status === "finished" || data.count_left <= 0) finishPool(record);
    paintPool(record);
    show();
  }

  function finishPool(record) {
    if (record.gone) return;
    record.gone = true;
    if (!record.leaving) setTimeout(function () { removePool(record); }, GONE_MS);
  }

  /* The viewer has their packet (or was told they had one): the card says so for
     a moment and leaves the stream to the host. */
  function leaveSoon(record, remove) {
    if (record.data) taken[id(record.data.id)] = true;
    if (record.leaving) return;
    record.leaving = true;
    setTimeout(remove, MINE_MS);
  }

  function removePool(record) {
    if (record.inFlight) {  // its answer first
      setTimeout(function () { removePool(record); }, 1000);
      return;
    }
    if (record.node.parentNode) record.node.parentNode.removeChild(record.node);
    if (pools[id(record.data.id)] === record) delete pools[id(record.data.id)];
    show();
  }

  var GRAB_NOTES = { sold_out: "pc_all_gone", limit_reached: "pc_already", not_open: "pc_not_open" };

  function grab(poolId) {
    var record = pools[id(poolId)];
    if (!record || record.inFlight || record.mine !== null || record.gone) return;
    record.inFlight = true;
    record.note = "";
    paintPool(record);
    emitWithTimeout("grab_red_packet", { red_packet_id: record.data.id }, function (ack) {
      record.inFlight = false;
      if (ack && ack.ok) {
        record.mine = ack.amount_cents;
        leaveSoon(record, function () { removePool(record); });
      } else {
        var code = ack && ack.error && ack.error.code;
        if (code === "not_signed_in") {
          window.location.href = loginUrl;
          return;
        }
        record.note = GRAB_NOTES[code] ? t(GRAB_NOTES[code]) : K.ackError(ack, t);
        if (code === "sold_out") finishPool(record);
        if (code === "limit_reached") {
          record.refused = true;
          leaveSoon(record, function () { removePool(record); });
        }
      }
      paintPool(record);
    });
  }

  // a few packets fall over the stream when a pool opens (decoration only)
  function letItRain() {
    if (!rain || (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches)) return;
    K.clear(rain);
    for (var i = 0; i < DROPS; i++) {
      var drop = K.el("span", "rain-drop");
      drop.style.left = Math.floor(Math.random() * 92) + "%";
      drop.style.animationDelay = (Math.random() * 1.6).toFixed(2) + "s";
      drop.style.animationDuration = (2.2 + Math.random() * 1.4).toFixed(2) + "s";
      rain.appendChild(drop);
    }
    rain.hidden = false;
    clearTimeout(letItRain.timer);
    letItRain.timer = setTimeout(function () {
      rain.hidden = true;
      K.clear(rain);
    }, RAIN_MS);
  }

  // --- coupon drops ------------------------------------------------------------------

  function terms(c) {
    var min = c.min_spend_cents ? K.money(c.min_spend_cents, c.currency) : null;
    var text;
    if (c.kind === "percent_off" || c.percent_off) {
      text = min ? t("pc_pct_off_over", { pct: c.percent_off, min: min }) : t("pc_pct_off", { pct: c.percent_off });
      if (c.max_discount_cents) text += " · " + t("pc_cap", { amount: K.money(c.max_discount_cents, c.currency) });
      return text;
    }
    var amount = K.money(c.amount_off_cents, c.currency);
    if (c.red_packet_id) return t("pc_rp_credit", { amount: amount });
    return min ? t("pc_off_over", { amount: amount, min: min }) : t("pc_off_no_min", { amount: amount });
  }

  function buildCoupon(record) {
    var c = record.coupon;
    var node = K.el("section", "cd-card");
    node.setAttribute("data-coupon-id", id(c.id));
    node.setAttribute("aria-label", t("pc_coupon"));
    var parts = {};
    var text = K.el("span", "cd-text");
    var top = text.appendChild(K.el("span", "cd-top"));
    top.appendChild(K.el("span", "cd-label", t("pc_coupon")));
    parts.clock = top.appendChild(K.el("span", "cd-clock"));
    parts.terms = text.appendChild(K.el("strong", "cd-terms"));
    node.appendChild(text);
    parts.claim = node.appendChild(action("btn-small cd-claim",
      signedIn ? t("pc_claim") : t("pc_sign_in_claim"), function () { claim(c.id); }));
    parts.result = node.appendChild(K.el("p", "cd-result"));
    parts.result.setAttribute("role", "status");
    parts.result.hidden = true;
    record.node = node;
    record.parts = parts;
  }

  function paintCoupon(record) {
    var c = record.coupon;
    var parts = record.parts;
    parts.terms.textContent = terms(c);
    parts.clock.textContent = t("pc_time_left", { time: K.countdown(Math.max(0, secondsLeft(record.endsAt))) });
    var limit = c.per_user_limit || 1;
    var state = record.out ? "out" : record.held >= limit ? "held" : "open";
    record.node.className = "cd-card cd-" + state;
    if (signedIn) {
      var label = record.inFlight ? t("pc_claiming")
        : state === "held" ? t("pc_claimed") : state === "out" ? t("pc_claimed_out") : t("pc_claim");
      if (parts.claim.textContent !== label) parts.claim.textContent = label;
      parts.claim.disabled = state !== "open" || record.inFlight;
      if (state === "open" && !record.inFlight) {
        parts.claim.setAttribute("aria-label", t("pc_claim_label", { terms: terms(c) }));
      } else {
        parts.claim.removeAttribute("aria-label");
      }
    }
    parts.result.textContent = record.note || "";
    parts.result.hidden = !record.note;
  }

  function upsertCoupon(drop) {
    if (!drop || !drop.coupon || drop.session_id !== R.sessionId) return;
    var c = drop.coupon;
    var key = id(c.id);
    var record = coupons[key];
    if (typeof c.held === "number") held[key] = c.held;
    if (!record) {
      if ((held[key] || 0) >= (c.per_user_limit || 1)) return;  // theirs already
      record = coupons[key] = { held: held[key] || 0, inFlight: false, note: "", out: false };
      record.coupon = c;
      buildCoupon(record);
      var firstCoupon = stack.querySelector(".cd-card");
      stack.insertBefore(record.node, firstCoupon || null);
    }
    record.coupon = c;
    if (typeof held[key] === "number") record.held = Math.max(record.held, held[key]);
    record.out = c.claim_state === "sold_out" || c.left === 0;
    record.endsAt = Date.parse(drop.ends_at);
    if (!(secondsLeft(record.endsAt) > 0)) {
      removeCoupon(record);
      return;
    }
    paintCoupon(record);
    show();
  }

  function removeCoupon(record) {
    if (record.node.parentNode) record.node.parentNode.removeChild(record.node);
    if (coupons[id(record.coupon.id)] === record) delete coupons[id(record.coupon.id)];
    show();
  }

  function claim(couponId) {
    var record = coupons[id(couponId)];
    if (!record || record.inFlight) return;
    record.inFlight = true;
    record.note = "";
    paintCoupon(record);
    emitWithTimeout("claim_coupon", { coupon_id: record.coupon.id }, function (ack) {
      record.inFlight = false;
      if (ack && ack.ok) {
        record.held += 1;
        held[id(couponId)] = record.held;
        record.note = t("pc_claimed_note");
        if (record.held >= (record.coupon.per_user_limit || 1)) {
          leaveSoon(record, function () { removeCoupon(record); });
        }
      } else {
        var code = ack && ack.error && ack.error.code;
        if (code === "not_signed_in") {
          window.location.href = loginUrl;
          return;
        }
        if (code === "sold_out") {
          record.out = true;
          record.note = t("pc_claimed_out");
        } else if (code === "limit_reached") {
          record.held = Math.max(record.held, record.coupon.per_user_limit || 1);
          held[id(couponId)] = record.held;
          record.note = t("pc_have_it");
          leaveSoon(record, function () { removeCoupon(record); });
        } else if (code === "not_claimable") {
          record.note = t("pc_not_claimable");
          record.out = true;
          setTimeout(function () { removeCoupon(record); }, GONE_MS);
        } else {
          record.note = K.ackError(ack, t);
        }
      }
      if (coupons[id(couponId)] === record) paintCoupon(record);
    });
  }

  // --- the room ----------------------------------------------------------------------

  function tick() {
    Object.keys(pools).forEach(function (key) {
      var record = pools[key];
      if (!record.gone && record.endsAt && !(secondsLeft(record.endsAt) > 0)) finishPool(record);
      paintPool(record);
    });
    Object.keys(coupons).forEach(function (key) {
      var record = coupons[key];
      if (!(secondsLeft(record.endsAt) > 0) && !record.inFlight) removeCoupon(record);
      else paintCoupon(record);
    });
  }

  R.onState.push(function (state) {
    var openPools = {};
    (state.red_packets || []).forEach(function (data) {
      openPools[id(data.id)] = true;
      upsertPool(data, false);
    });
    Object.keys(pools).forEach(function (key) {  // finished while we were away
      if (!openPools[key] && !pools[key].gone) finishPool(pools[key]);
    });
    var live = {};
    (state.coupon_drops || []).forEach(function (drop) {
      live[id(drop.coupon.id)] = true;
      upsertCoupon(drop);
    });
    Object.keys(coupons).forEach(function (key) {
      if (!live[key] && !coupons[key].inFlight) removeCoupon(coupons[key]);
    });
  });

  R.socket.on("red_packet", function (data) {
    if (!data || data.session_id !== R.sessionId) return;
    upsertPool(data, data.event === "opened");
    var record = pools[id(data.id)];
    if (record) paintPool(record);
  });

  R.socket.on("coupon_drop", function (drop) {
    upsertCoupon(drop);
  });

  setInterval(tick, 1000);
})();
