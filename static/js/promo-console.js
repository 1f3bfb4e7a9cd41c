/* Coupons and red packets in the host console (/live/ID/console): the live's red
   packet pools ("Open" a ready one: `open_red_packet {red_packet_id}`, and the
   room sees it rain) with how many were grabbed, kept current by the room's
   `red_packet` events; the coupons the host may drop ("Drop":
   `drop_coupon {session_id, coupon_id, window_s}` with the chosen window); and
   the live stats tiles for red packets grabbed and coupons claimed (re-read from
   the console's stats URL after grabs, and every 15 s). Loaded after console.js,
   which shares its socket through window.LiveConsole. */
(function () {
  "use strict";
  var root = document.getElementById("live-console");
  var panel = document.getElementById("promo");
  if (!root || !window.LiveKit || !window.LiveConsole) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var socket = window.LiveConsole.socket;
  var sessionId = parseInt(root.getAttribute("data-session-id"), 10);
  var $ = function (id) { return document.getElementById(id); };
  var ACK_TIMEOUT_MS = 10000;

  function showError(text) {
    var box = $("promo-error");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
    if (text && $("promo-notice")) $("promo-notice").hidden = true;
  }

  function showNotice(text) {
    var box = $("promo-notice");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    showError("");
    clearTimeout(showNotice.timer);
    showNotice.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  function emit(name, payload, button, busyLabel, onOk) {
    var label = button.textContent;
    var answered = false;
    button.disabled = true;
    button.textContent = busyLabel;
    function done(ack) {
      if (answered) return;
      answered = true;
      button.disabled = false;
      button.textContent = label;
      if (ack && ack.ok) {
        showError("");
        onOk(ack);
      } else {
        showError(K.ackError(ack, t));
      }
    }
    setTimeout(function () { done({ ok: false, error: { message: t("error") } }); }, ACK_TIMEOUT_MS);
    socket.emit(name, payload, done);
  }

  // --- red packet pools --------------------------------------------------------------

  function poolRow(id) {
    return document.querySelector('#promo-pools .promo-pool[data-red-packet-id="' + String(parseInt(id, 10)) + '"]');
  }

  function paintPool(data) {
    var row = poolRow(data.id);
    if (!row) return;
    var status = data.status || row.getAttribute("data-status");
    row.setAttribute("data-status", status);
    row.className = "promo-row promo-pool is-" + status;
    row.querySelector('[data-role="state"]').textContent = t("pc_" + status);
    if (typeof data.count_left === "number" && typeof data.count === "number") {
      row.querySelector('[data-role="grabbed"]').textContent = t("pc_grabbed", {
        n: data.count - data.count_left, count: data.count
      });
    }
    if (typeof data.grabbed_cents === "number") {
      row.querySelector('[data-role="cents"]').textContent = K.money(data.grabbed_cents, data.currency);
    }
    if (status !== "ready") {
      var gone = row.querySelectorAll('.promo-open, [data-role="window"]');
      for (var i = 0; i < gone.length; i++) gone[i].parentNode.removeChild(gone[i]);
    }
  }

  if (panel) {
    panel.addEventListener("click", function (event) {
      var open = event.target.closest(".promo-open");
      if (open) {
        emit("open_red_packet", { red_packet_id: parseInt(open.getAttribute("data-red-packet-id"), 10) },
          open, t("pc_opening"), function (ack) {
            paintPool(ack.red_packet);
            showNotice(t("pc_opened"));
          });
        return;
      }
      var drop = event.target.closest(".promo-drop");
      if (drop) {
        var windowSelect = $("promo-window");
        var windowS = windowSelect ? parseInt(windowSelect.value, 10) : 60;
        emit("drop_coupon", {
          session_id: sessionId,
          coupon_id: parseInt(drop.getAttribute("data-coupon-id"), 10),
          window_s: windowS
        }, drop, t("pc_dropping"), function (ack) {
          var left = Math.round((Date.parse(ack.ends_at) - Date.parse(ack.coupon.claim_starts_at)) / 1000);
          showNotice(t("pc_dropped", { time: K.countdown(left > 0 ? left : windowS) }));
        });
      }
    });
  }

  // --- the numbers -------------------------------------------------------------------

  function viewers(n) {
    return t(n === 1 ? "pc_viewers_one" : "pc_viewers_many", { n: n });
  }

  function setPart(cell, role, text) {
    var node = cell && cell.querySelector('[data-role="' + role + '"]');
    if (!node || node.textContent === text) return false;
    node.textContent = text;
    return true;
  }

  function bump(cell) {
    var tile = cell.parentNode;
    tile.classList.remove("is-bumped");
    void tile.offsetWidth;  // restart the animation
    tile.classList.add("is-bumped");
  }

  function paintStats(promo) {
    var packets = $("stat-red-packets");
    if (packets) {
      var cents = (promo.red_packet_cents || []).map(function (row) {
        return K.money(row.cents, row.currency);
      }).join(" + ") || "—";
      var changed = setPart(packets, "n", String(promo.red_packets_grabbed));
      changed = setPart(packets, "cents", cents) || changed;
      setPart(packets, "viewers", viewers(promo.red_packet_viewers));
      if (changed) bump(packets);
    }
    var claims = $("stat-coupons");
    if (claims) {
      if (setPart(claims, "n", String(promo.coupons_claimed))) bump(claims);
      setPart(claims, "viewers", viewers(promo.coupon_claimers));
    }
  }

  var statsTimer = null;
  function refreshStats() {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(function () {
      fetch(root.getAttribute("data-stats-url"), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (resp) {
        return resp.ok ? resp.json() : null;
      }).then(function (data) {
        if (data && data.stats && data.stats.promo) paintStats(data.stats.promo);
      }).catch(function () { /* the next event tries again */ });
    }, 1000);
  }
  if ($("stat-red-packets") && root.getAttribute("data-status") === "live") {
    setInterval(refreshStats, 15000);
  }

  // --- the room ----------------------------------------------------------------------

  window.LiveConsole.onState.push(function (state) {
    (state.red_packets || []).forEach(paintPool);
  });

  socket.on("red_packet", function (data) {
    if (!data || data.session_id !== sessionId) return;
    paintPool(data);
    refreshStats();
  });
})();
