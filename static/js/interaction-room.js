/* Live interaction in the room (/live/ID), over live.js's socket (window.LiveRoom):
   docs/API.md "Live interaction (互动 ...)".

   - Announcement (公告): a banner pinned above the chat (`state.announcement`, the
     `announcement` event); long text folds to two lines with a button to unfold.
   - Poll: a card in the dock: the question, one big button per option (`vote
     {poll_id, option}`); after voting, when it ended, or signed out, the results
     as bars with counts, percentages and "Your vote". The countdown runs on the
     server's clock; `poll` events update the counts; refusals come as a toast.
   - Lucky bag (福袋): prize, winners, keyword, countdown, entrants; "Send 「keyword」
     to enter" (`draw_enter {draw_id}`), entered; at the end the winners, "You won!"
     (`draw_won`) with a ¥0 checkout in the buy sheet (a product) or My coupons (a
     coupon), and the seed hash, revealed seed and public record to verify it.
   - Lottery flash sales (抽签): flash-room.js draws the sale's panel; for a sale
     with `mode: "lottery"` this file marks it (data-mode) and adds the registration
     block: countdown to the close, registered count, "Enter the lottery"
     (`flash_enter {flash_sale_id}`), and a win with its hold and "Pay now".
   - PK (连麦PK): a bar over the stream under the host's name: both hosts, the split
     by score, the countdown, top supporters, the winner at the end (`pk` events).

   On an ended session's page the replay's panel (#ia-replay, when the view did not
   render it) is filled from GET /api/v1/live/ID/polls, /draws and /pks: each poll
   with its results, each lucky bag with its entrants, winners and seed, each PK's
   result, at its moment of the live (a tap plays the recording from there).

   User text only ever goes in through textContent. */

/* --- the replay ------------------------------------------------------------------------ */
(function () {
  "use strict";
  var panel = document.getElementById("ia-replay");
  if (!panel || !panel.hasAttribute("data-i18n") || !window.LiveKit || !window.fetch) return;
  var K = window.LiveKit;
  var t = K.translator(panel);
  var sid = encodeURIComponent(panel.getAttribute("data-session-id"));
  var startedAt = Date.parse(panel.getAttribute("data-started-at"));
  var firstFrame = parseInt(panel.getAttribute("data-offset-s"), 10) || 0;
  var seekable = panel.getAttribute("data-seekable") === "yes";
  var status = panel.querySelector(".ia-replay-status");

  function count(prefix, n) { return t(prefix + (n === 1 ? "_one" : "_many"), { n: n }); }
  var name = window.LiveKit.userName;
  function two(n) { return (n < 10 ? "0" : "") + n; }

  function when(iso) {
    var at = Date.parse(iso);
    if (isNaN(at) || isNaN(startedAt)) return null;
    var offset = Math.max(0, Math.floor((at - startedAt) / 1000));
    var clock = two(Math.floor(offset / 3600)) + ":" + two(Math.floor(offset % 3600 / 60)) + ":" + two(offset % 60);
    var node;
    if (seekable) {
      node = K.el("a", "mono chapter-clock chapter-seek", clock);
      node.href = "#live-video";
      node.title = t("play");
      node.setAttribute("data-ia-seek", String(Math.max(0, offset - firstFrame)));
    } else {
      node = K.el("span", "mono chapter-clock", clock);
    }
    return node;
  }

  function head(item, iso, title) {
    var line = item.appendChild(K.el("p", "ia-replay-head"));
    var clock = when(iso);
    if (clock) {
      line.appendChild(clock);
      line.appendChild(document.createTextNode(" "));
    }
    line.appendChild(title);
    return line;
  }

  function section(label, list) {
    panel.appendChild(K.el("h4", "ia-replay-sub", label));
    return panel.appendChild(list || K.el("ol", "ia-replay-list"));
  }

  function renderPolls(polls) {
    var list = section(t("polls"));
    polls.forEach(function (poll) {
      var item = list.appendChild(K.el("li", "ia-replay-item ia-replay-poll"));
      item.setAttribute("data-poll-id", String(poll.id));
      head(item, poll.starts_at, K.el("strong", "ia-replay-q", poll.question));
      var results = item.appendChild(K.el("ul", "ia-results"));
      var total = poll.total || 0;
      var best = 0;
      (poll.options || []).forEach(function (o) { best = Math.max(best, o.count || 0); });
      (poll.options || []).forEach(function (o) {
        var n = o.count || 0;
        var pct = total ? Math.round(n * 100 / total) : 0;
        var row = results.appendChild(K.el("li", "ia-result" + (total && n === best ? " is-top" : "")));
        row.appendChild(K.el("span", "ia-result-text", o.text));
        row.appendChild(K.el("span", "ia-result-n", count("votes", n) + " · " + pct + "%"));
        var bar = row.appendChild(K.el("progress", "ia-result-bar"));
        bar.max = Math.max(total, 1);
        bar.value = n;
        bar.setAttribute("aria-hidden", "true");
      });
      item.appendChild(K.el("p", "muted small", count("votes", total)));
    });
  }

  function renderDraws(draws) {
    var list = section(t("draws"));
    draws.forEach(function (d) {
      var item = list.appendChild(K.el("li", "ia-replay-item ia-replay-draw"));
      item.setAttribute("data-draw-id", String(d.id));
      var prize = d.prize || {};
      var title = prize.kind === "product" && prize.product ? prize.product.title
        : prize.coupon ? t("coupon", { terms: prize.coupon.title || "" }) : t("lucky_bag");
      head(item, d.starts_at, K.el("strong", null, title));
      item.appendChild(K.el("p", "small", t("keyword", { keyword: d.keyword || "" }) + " · " +
        count("winners", d.winners_count || 0) + " · " + count("entrants", d.entrants || 0)));
      if (d.status === "cancelled") {
        item.appendChild(K.el("p", "muted small", t("cancelled")));
      } else if ((d.winners || []).length) {
        var line = item.appendChild(K.el("p", "small"));
        line.appendChild(K.el("span", "ia-label", t("winners") + ":"));
        line.appendChild(document.createTextNode(" " + d.winners.map(name).join(", ")));
      } else if (d.status === "drawn") {
        item.appendChild(K.el("p", "muted small", t("nobody")));
      }
      var verify = item.appendChild(K.el("details", "ia-verify"));
      verify.appendChild(K.el("summary", null, t("verify")));
      var dl = verify.appendChild(K.el("dl", "ia-verify-list"));
      dl.appendChild(K.el("dt", null, t("seed_hash")));
      dl.appendChild(K.el("dd", "mono", d.seed_sha256 || "—"));
      dl.appendChild(K.el("dt", null, t("seed")));
      dl.appendChild(K.el("dd", "mono", d.seed || "—"));
      dl.appendChild(K.el("dt", null, t("algorithm")));
      dl.appendChild(K.el("dd", "mono", d.algorithm || ""));
      var a = verify.appendChild(K.el("p", "small")).appendChild(K.el("a", null, t("record")));
      a.href = "/api/v1/draws/" + encodeURIComponent(d.id);
    });
  }

  function renderPks(pks) {
    var list = section(t("pks"));
    pks.forEach(function (pk) {
      var item = list.appendChild(K.el("li", "ia-replay-item ia-replay-pk"));
      item.setAttribute("data-pk-id", String(pk.id));
      var title = K.el("strong");
      (pk.sides || []).forEach(function (side, i) {
        if (i) {
          title.appendChild(document.createTextNode(" "));
          title.appendChild(K.el("span", "ia-vs", "VS"));
          title.appendChild(document.createTextNode(" "));
        }
        title.appendChild(document.createTextNode(name(side.host)));
      });
      head(item, pk.starts_at || pk.invited_at, title);
      if (pk.status !== "ended") {
        item.appendChild(K.el("p", "muted small", pk.status === "refused" ? t("refused")
          : pk.status === "lapsed" ? t("lapsed") : pk.status));
        return;
      }
      var sides = item.appendChild(K.el("ul", "ia-replay-sides"));
      (pk.sides || []).forEach(function (side) {
        var won = pk.winner_session_id === side.session_id;
        var row = sides.appendChild(K.el("li", won ? "is-winner" : null));
        row.appendChild(K.el("span", null, name(side.host)));
        row.appendChild(K.el("span", "ia-result-n", t("points", { n: side.score || 0 }) + (won ? " · " + t("winner") : "")));
        if ((side.supporters || []).length) {
          row.appendChild(K.el("span", "muted small", t("supporters") + ": " +
            side.supporters.map(function (s) { return name(s.user); }).join(", ")));
        }
      });
      if (!pk.winner_session_id) item.appendChild(K.el("p", "small", t("draw")));
    });
  }

  function get(path) {
    return fetch("/api/v1/live/" + sid + path, {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (resp) { return resp.ok ? resp.json() : {}; });
  }

  Promise.all([get("/polls"), get("/draws"), get("/pks")]).then(function (answers) {
    var polls = answers[0].polls || [];
    var draws = answers[1].draws || [];
    var pks = answers[2].pks || [];
    status.hidden = !!(polls.length || draws.length || pks.length);
    status.textContent = t("none");
    if (polls.length) renderPolls(polls);
    if (draws.length) renderDraws(draws);
    if (pks.length) renderPks(pks);
    panel.removeAttribute("aria-busy");
  }, function () {
    status.textContent = t("failed");
    panel.removeAttribute("aria-busy");
  });

  panel.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-ia-seek]");
    var player = document.getElementById("replay-player");
    if (!link || !player) return;
    event.preventDefault();
    player.currentTime = parseFloat(link.getAttribute("data-ia-seek")) || 0;
    var promise = player.play();
    if (promise && promise.catch) promise.catch(function () {});
    player.scrollIntoView({ block: "nearest" });
  });
})();

/* --- the live room ------------------------------------------------------------------ */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var stack = document.getElementById("ia-stack");
  var R = window.LiveRoom;
  if (!root || !stack || !R || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(stack);
  var $ = function (id) { return document.getElementById(id); };
  var socket = R.socket;
  var sessionId = R.sessionId;
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var loginUrl = K.safeUrl(stack.getAttribute("data-login-url"));
  var checkoutUrl = K.safeUrl(stack.getAttribute("data-checkout-url"));
  var couponsUrl = K.safeUrl(stack.getAttribute("data-coupons-url"));
  var hostUrl = K.safeUrl(stack.getAttribute("data-host-url"));
  var drawApi = stack.getAttribute("data-draw-api");
  var roomUrl = stack.getAttribute("data-room-url");
  var ACK_TIMEOUT_MS = 10000;
  var POLL_KEEP_MS = 20000;   // an ended poll's results stay this long
  var DRAW_KEEP_MS = 30000;   // a drawn lucky bag's winners (not for its winner: until closed)
  var PAID_KEEP_MS = 8000;    // the winner's card, once the prize is ordered
  var PK_KEEP_MS = 120000;

  // --- helpers -----------------------------------------------------------------------

  function serverNow() { return Date.now() + R.clockOffset(); }
  function id(value) { return String(parseInt(value, 10)); }
  function endsAt(data) { return data.ends_at_ms || Date.parse(data.ends_at); }
  function secondsLeft(at) { return Math.ceil((at - serverNow()) / 1000); }
  var name = window.LiveKit.userName;
  function count(prefix, n) { return t(prefix + (n === 1 ? "_one" : "_many"), { n: n }); }
  function ours(data) { return data && (data.session_id === undefined || data.session_id === sessionId); }
  /* A room event's payload: `{poll: {...}}` or the dict itself. */
  function unwrap(data, key) {
    return data && data[key] && typeof data[key] === "object" ? data[key] : data;
  }

  function emit(eventName, payload, done) {
    var answered = false;
    var timer = setTimeout(function () {
      if (answered) return;
      answered = true;
      done({ ok: false, error: { code: "timeout", message: t("error") } });
    }, ACK_TIMEOUT_MS);
    socket.emit(eventName, payload, function (ack) {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      done(ack || { ok: false, error: {} });
    });
  }

  function codeOf(ack) { return ack && ack.error && ack.error.code; }

  function button(className, label, onClick) {
    var b = K.el("button", "btn " + className, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function link(className, label, href) {
    var a = K.el("a", className, label);
    a.href = href;
    return a;
  }

  function dismissButton(onClick) {
    var b = K.el("button", "ia-dismiss");
    b.type = "button";
    b.setAttribute("aria-label", t("close"));
    var x = b.appendChild(K.el("span", null, "✕"));
    x.setAttribute("aria-hidden", "true");
    b.addEventListener("click", onClick);
    return b;
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function showStack() {
    stack.hidden = !stack.querySelector(".ia-card");
  }

  // --- the toast ---------------------------------------------------------------------

  var toastBox = $("ia-toast");
  function toast(text) {
    if (!toastBox || !text) return;
    toastBox.textContent = text;
    toastBox.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { toastBox.hidden = true; }, 3500);
  }

  // --- the announcement (公告) -------------------------------------------------------

  var banner = $("ia-announce");
  var bannerText = $("ia-announce-text");
  var bannerMore = $("ia-announce-more");
  var bannerClamp = banner ? banner.querySelector(".ia-announce-text") : null;  // two lines

  function measureBanner() {
    if (!banner) return;
    if (banner.hidden) {
      root.classList.remove("ia-has-announce");
      root.style.removeProperty("--ia-announce-h");
      return;
    }
    var open = banner.classList.contains("is-open");
    if (!open) bannerMore.hidden = bannerClamp.scrollHeight <= bannerClamp.clientHeight + 1;
    root.classList.add("ia-has-announce");
    root.style.setProperty("--ia-announce-h", banner.offsetHeight + "px");
  }

  function setAnnouncement(announcement) {
    if (!banner) return;
    var text = announcement && announcement.text ? String(announcement.text) : "";
    if (bannerText.textContent !== text) {
      bannerText.textContent = text;
      banner.classList.remove("is-open");
      bannerMore.setAttribute("aria-expanded", "false");
      if (text) {
        banner.classList.remove("ia-fresh");
        void banner.offsetWidth;  // restart the entrance
        banner.classList.add("ia-fresh");
      }
    }
    banner.hidden = !text;
    measureBanner();
  }

  if (bannerMore) {
    bannerMore.addEventListener("click", function () {
      var open = !banner.classList.contains("is-open");
      banner.classList.toggle("is-open", open);
      bannerMore.setAttribute("aria-expanded", open ? "true" : "false");
      measureBanner();
    });
    window.addEventListener("resize", measureBanner);
    // the text's size changes when its fonts arrive (CJK fonts load late)
    if (window.ResizeObserver) new window.ResizeObserver(measureBanner).observe(bannerText);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(measureBanner);
  }

  // --- polls -------------------------------------------------------------------------

  var poll = null;       // {data, node, parts, myVote, voted, inFlight, mode, endedAt}
  var gonePolls = {};    // poll id -> true: dismissed or timed out on this page

  function pollEnded(record) {
    return record.data.status === "ended" || secondsLeft(endsAt(record.data)) <= 0;
  }

  function buildPoll(record) {
    var node = K.el("section", "ia-card ia-poll");
    node.setAttribute("data-poll-id", id(record.data.id));
    var parts = {};
    var top = node.appendChild(K.el("div", "ia-top"));
    var badge = top.appendChild(K.el("span", "ia-badge ia-badge-poll"));
    var chart = badge.appendChild(K.el("span", "ia-poll-icon"));
    chart.setAttribute("aria-hidden", "true");
    chart.appendChild(K.el("span"));
    badge.appendChild(document.createTextNode(" " + t("po_badge")));
    parts.clock = top.appendChild(K.el("span", "ia-clock"));
    parts.dismiss = top.appendChild(dismissButton(function () {
      gonePolls[id(record.data.id)] = true;
      removePoll();
    }));
    parts.question = node.appendChild(K.el("p", "ia-question"));
    parts.question.id = "ia-poll-q-" + id(record.data.id);
    node.setAttribute("aria-labelledby", parts.question.id);
    parts.options = node.appendChild(K.el("ol", "ia-options"));
    parts.options.setAttribute("aria-labelledby", parts.question.id);
    var foot = node.appendChild(K.el("div", "ia-foot"));
    parts.total = foot.appendChild(K.el("span", "ia-total"));
    parts.total.setAttribute("aria-live", "polite");
    if (!signedIn) parts.signIn = foot.appendChild(link("btn btn-small ia-sign-in", t("po_sign_in"), loginUrl));
    record.node = node;
    record.parts = parts;
  }

  function percent(n, total) { return total ? Math.round(n * 100 / total) : 0; }

  function paintPoll() {
    var record = poll;
    if (!record) return;
    var data = record.data;
    var parts = record.parts;
    var ended = pollEnded(record);
    var voted = record.myVote !== null || record.voted;
    setText(parts.question, data.question || "");
    setText(parts.clock, ended ? t("ended") : t("time_left", { time: K.countdown(secondsLeft(endsAt(data))) }));
    parts.dismiss.hidden = !ended;
    if (parts.signIn) parts.signIn.hidden = ended;
    var options = data.options || [];
    var total = data.total || 0;
    setText(parts.total, count("po_votes", total));
    var mode = signedIn && !ended && !voted ? "vote" : "results";
    record.node.className = "ia-card ia-poll ia-poll-" + (ended ? "ended" : mode) + (record.fresh ? " ia-fresh" : "");
    if (record.mode !== mode || parts.options.children.length !== options.length) {
      record.mode = mode;
      K.clear(parts.options);
      options.forEach(function (option, index) {
        var item = parts.options.appendChild(K.el("li", "ia-option-item"));
        if (mode === "vote") {
          var b = item.appendChild(button("ia-option", option.text, function () { vote(index); }));
          b.setAttribute("aria-label", t("po_vote_label", { option: option.text }));
        } else {
          var row = item.appendChild(K.el("div", "ia-result"));
          var line = row.appendChild(K.el("div", "ia-result-line"));
          var label = line.appendChild(K.el("span", "ia-result-text", option.text));
          label.appendChild(K.el("span", "ia-yours", t("po_yours"))).hidden = true;
          line.appendChild(K.el("span", "ia-result-n"));
          var bar = row.appendChild(K.el("div", "ia-result-bar"));
          bar.setAttribute("aria-hidden", "true");
          bar.appendChild(K.el("span", "ia-result-fill"));
        }
      });
    }
    var best = 0;
    options.forEach(function (o) { best = Math.max(best, o.count || 0); });
    var items = parts.options.children;
    for (var i = 0; i < items.length; i++) {
      var o = options[i] || {};
      if (mode === "vote") {
        var b = items[i].querySelector(".ia-option");
        b.disabled = record.inFlight;
        b.classList.toggle("is-pending", record.inFlight && record.pending === i);
        continue;
      }
      var n = o.count || 0;
      var pct = percent(n, total);
      var row = items[i].querySelector(".ia-result");
      row.classList.toggle("is-mine", record.myVote === i);
      row.classList.toggle("is-top", ended && total > 0 && n === best);
      row.querySelector(".ia-yours").hidden = record.myVote !== i;
      setText(row.querySelector(".ia-result-n"), n + " · " + pct + "%");
      row.querySelector(".ia-result-fill").style.width = pct + "%";
    }
  }

  function removePoll() {
    if (!poll) return;
    if (poll.node.parentNode) poll.node.parentNode.removeChild(poll.node);
    poll = null;
    showStack();
  }

  function setPoll(data) {
    if (!data) {
      if (poll && !poll.inFlight) removePoll();
      return;
    }
    if (!ours(data) || data.id === undefined) return;
    if (poll && poll.data.id !== data.id) removePoll();
    if (!poll) {
      if (gonePolls[id(data.id)]) return;
      poll = { data: data, myVote: null, voted: false, inFlight: false, mode: null, fresh: true };
      buildPoll(poll);
      stack.insertBefore(poll.node, stack.firstChild);
    }
    var keep = poll.data;
    poll.data = data;
    if (!data.options && keep.options) poll.data.options = keep.options;
    if (typeof data.my_vote === "number") poll.myVote = data.my_vote;
    if (data.status === "ended" && !poll.endedAt) poll.endedAt = Date.now();
    paintPoll();
    showStack();
  }

  function vote(index) {
    var record = poll;
    if (!record || record.inFlight || pollEnded(record)) return;
    record.inFlight = true;
    record.pending = index;
    paintPoll();
    emit("vote", { poll_id: record.data.id, option: index }, function (ack) {
      record.inFlight = false;
      if (ack.ok) {
        record.myVote = ack.poll && typeof ack.poll.my_vote === "number" ? ack.poll.my_vote : index;
        if (poll === record && ack.poll) setPoll(ack.poll);
        toast(t("po_thanks"));
      } else {
        var code = codeOf(ack);
        if (code === "not_signed_in") {
          window.location.href = loginUrl;
          return;
        }
        if (code === "already_voted") {
          record.voted = true;
          toast(t("po_already_voted"));
        } else if (code === "poll_ended") {
          record.data.status = "ended";
          toast(t("po_poll_ended"));
        } else {
          toast(K.ackError(ack, t));
        }
      }
      if (poll === record) paintPoll();
    });
  }

  // --- lucky draws (福袋) ------------------------------------------------------------

  var draw = null;      // {data, node, parts, entered, won, reservation, userCoupon, inFlight, note}
  var goneDraws = {};

  function drawOpen(record) {
    return record.data.status === "open" && secondsLeft(endsAt(record.data)) > 0;
  }

  function prizeProduct(data) {
    var prize = data.prize || {};
    return prize.kind === "product" ? (prize.product || {}) : null;
  }

  function couponTerms(c) {
    if (!c) return "";
    if (c.title) return c.title;
    if (c.kind === "percent_off" || c.percent_off) return t("dr_pct_off", { pct: c.percent_off });
    return t("dr_off", { amount: K.money(c.amount_off_cents, c.currency) });
  }

  function prizeTitle(data) {
    var product = prizeProduct(data);
    if (product) return product.title || "";
    return t("dr_coupon", { terms: couponTerms((data.prize || {}).coupon) });
  }

  function buildDraw(record) {
    var data = record.data;
    var node = K.el("section", "ia-card ia-draw");
    node.setAttribute("data-draw-id", id(data.id));
    node.setAttribute("aria-label", t("dr_badge") + ": " + prizeTitle(data));
    var parts = {};
    var top = node.appendChild(K.el("div", "ia-top"));
    var badge = top.appendChild(K.el("span", "ia-badge ia-badge-draw"));
    badge.appendChild(K.el("span", "ia-bag-icon")).setAttribute("aria-hidden", "true");
    badge.appendChild(document.createTextNode(" " + t("dr_badge")));
    parts.clock = top.appendChild(K.el("span", "ia-clock"));
    parts.dismiss = top.appendChild(dismissButton(function () {
      goneDraws[id(record.data.id)] = true;
      removeDraw();
    }));
    var main = node.appendChild(K.el("div", "ia-prize"));
    var product = prizeProduct(data);
    if (product) main.appendChild(K.thumb(product.image_url, product.title, 48, "ia-prize-empty"));
    else main.appendChild(K.el("span", "ia-prize-empty ia-prize-coupon", "券")).setAttribute("aria-hidden", "true");
    var text = main.appendChild(K.el("div", "ia-prize-text"));
    parts.title = text.appendChild(K.el("span", "ia-prize-title"));
    var meta = text.appendChild(K.el("span", "ia-prize-meta"));
    parts.winnersCount = meta.appendChild(K.el("span"));
    meta.appendChild(document.createTextNode(" · "));
    parts.entrants = meta.appendChild(K.el("span", "ia-entrants"));
    parts.entrants.setAttribute("aria-live", "polite");
    parts.followers = text.appendChild(K.el("span", "ia-prize-note", t("dr_followers")));
    if (signedIn) {
      parts.enter = node.appendChild(button("btn-block ia-enter", "", function () { enterDraw(); }));
    } else {
      parts.enter = node.appendChild(link("btn btn-block ia-enter", t("dr_sign_in"), loginUrl));
    }
    parts.result = node.appendChild(K.el("div", "ia-result-box"));
    parts.result.setAttribute("role", "status");
    parts.verify = node.appendChild(K.el("details", "ia-verify"));
    parts.verify.appendChild(K.el("summary", null, t("dr_verify")));
    var list = parts.verify.appendChild(K.el("dl", "ia-verify-list"));
    list.appendChild(K.el("dt", null, t("dr_seed_hash")));
    parts.hash = list.appendChild(K.el("dd", "mono"));
    list.appendChild(K.el("dt", null, t("dr_seed")));
    parts.seed = list.appendChild(K.el("dd", "mono"));
    list.appendChild(K.el("dt", null, t("dr_algorithm")));
    parts.algorithm = list.appendChild(K.el("dd", "mono"));
    parts.verify.appendChild(K.el("p", "ia-verify-how", t("dr_how")));
    var recordLine = parts.verify.appendChild(K.el("p", "ia-verify-how"));
    var a = recordLine.appendChild(K.el("a", null, t("dr_record")));
    a.href = K.safeUrl(drawApi + id(data.id));
    record.node = node;
    record.parts = parts;
  }

  function paintDrawResult(record) {
    var data = record.data;
    var box = record.parts.result;
    var key;
    if (data.status === "cancelled") key = "cancelled";
    else if (record.won) key = "won|" + (record.reservation ? record.reservation.id : "") + "|" + (record.paid ? 1 : 0);
    else if (data.status === "drawn") key = "drawn|" + (data.winners || []).map(function (w) { return w.id; }).join(",");
    else if (record.note) key = "note|" + record.note + "|" + (record.followLink ? 1 : 0);
    else if (record.entered) key = "entered";
    else key = "";
    if (box.getAttribute("data-key") === key) return;
    box.setAttribute("data-key", key);
    K.clear(box);
    box.className = "ia-result-box";
    if (!key) { box.hidden = true; return; }
    box.hidden = false;
    if (key === "cancelled") {
      box.appendChild(K.el("p", null, t("dr_cancelled")));
      return;
    }
    if (record.won) {
      box.classList.add("ia-won");
      box.appendChild(K.el("p", "ia-won-title", t("dr_you_won")));
      var product = prizeProduct(data);
      if (product) {
        box.appendChild(K.el("p", "ia-won-note", record.paid ? t("lo_paid") : t("dr_won_product", { product: product.title || "" })));
        if (!record.paid) {
          var go = box.appendChild(link("btn btn-block btn-ok ia-checkout", t("dr_checkout"), checkoutUrl));
          go.addEventListener("click", function (event) {
            if (!window.LiveBuy || !record.reservation) return;  // the checkout page lists the hold
            event.preventDefault();
            payPrize(record);
          });
        }
      } else {
        box.appendChild(K.el("p", "ia-won-note", t("dr_won_coupon")));
        box.appendChild(link("btn btn-block btn-ok ia-coupons", t("dr_my_coupons"), couponsUrl));
      }
    }
    if (data.status === "drawn") {
      var winners = data.winners || [];
      if (!winners.length) {
        box.appendChild(K.el("p", null, t("dr_nobody")));
      } else {
        box.appendChild(K.el("p", "ia-winners-title", t("dr_winners")));
        var list = box.appendChild(K.el("ul", "ia-winners"));
        winners.forEach(function (w) { list.appendChild(K.el("li", null, name(w))); });
        if (!record.won && record.entered) box.appendChild(K.el("p", "ia-muted", t("dr_not_won")));
      }
      return;
    }
    if (key.indexOf("note|") === 0) {
      box.appendChild(K.el("p", null, record.note));
      if (record.followLink) box.appendChild(link("btn btn-small ia-follow", t("dr_follow"), hostUrl));
      return;
    }
    if (record.entered) box.appendChild(K.el("p", "ia-entered", t("dr_entered")));
  }

  function paintDraw() {
    var record = draw;
    if (!record) return;
    var data = record.data;
    var parts = record.parts;
    var open = drawOpen(record);
    var status = data.status === "open" && !open ? "drawing" : data.status;
    record.node.className = "ia-card ia-draw ia-draw-" + status + (record.won ? " ia-draw-won" : "") +
      (record.fresh ? " ia-fresh" : "");
    setText(parts.clock, status === "open" ? t("time_left", { time: K.countdown(secondsLeft(endsAt(data))) })
      : status === "drawing" ? t("dr_drawing") : t("ended"));
    parts.dismiss.hidden = open || status === "drawing";
    setText(parts.title, prizeTitle(data));
    setText(parts.winnersCount, count("dr_winners", data.winners_count || 0));
    setText(parts.entrants, count("dr_entrants", data.entrants || 0));
    parts.followers.hidden = !data.follow_required;
    var label = record.inFlight ? t("dr_sending") : record.entered ? t("dr_entered_short")
      : t("dr_send", { keyword: data.keyword || "" });
    if (signedIn) {
      setText(parts.enter, label);
      parts.enter.disabled = record.inFlight || record.entered || !open;
      parts.enter.classList.toggle("is-entered", !!record.entered);
    }
    parts.enter.hidden = !open;
    setText(parts.hash, data.seed_sha256 || "—");
    setText(parts.seed, data.seed || t("dr_seed_later"));
    setText(parts.algorithm, data.algorithm || "sha256-rank-v1");
    paintDrawResult(record);
  }

  function removeDraw() {
    if (!draw) return;
    if (draw.node.parentNode) draw.node.parentNode.removeChild(draw.node);
    draw = null;
    showStack();
  }

  function setDraw(data) {
    if (!data) {
      if (draw && !draw.inFlight && !draw.won) removeDraw();
      return;
    }
    if (!ours(data) || data.id === undefined) return;
    if (draw && draw.data.id !== data.id) {
      if (draw.won && data.status !== "open") return;  // keep the viewer's prize in view
      removeDraw();
    }
    if (!draw) {
      if (goneDraws[id(data.id)]) return;
      draw = { data: data, entered: false, won: false, reservation: null, inFlight: false, note: "", fresh: true };
      buildDraw(draw);
      var after = poll && poll.node.parentNode === stack ? poll.node.nextSibling : stack.firstChild;
      stack.insertBefore(draw.node, after);
    }
    draw.data = data;
    if (data.entered) draw.entered = true;
    if (data.won) draw.won = true;
    if (data.status !== "open" && !draw.doneAt) draw.doneAt = Date.now();
    paintDraw();
    showStack();
  }

  function markEntered(drawId) {
    if (!draw || id(draw.data.id) !== id(drawId)) return;
    draw.entered = true;
    draw.note = "";
    paintDraw();
  }

  function enterDraw() {
    var record = draw;
    if (!record || record.inFlight || record.entered || !drawOpen(record)) return;
    record.inFlight = true;
    record.note = "";
    record.followLink = false;
    paintDraw();
    emit("draw_enter", { draw_id: record.data.id }, function (ack) {
      record.inFlight = false;
      if (ack.ok && ack.draw_entered) {
        record.entered = true;
      } else if (ack.ok) {
        if (ack.draw_refused === "follow_required") {
          record.note = t("dr_follow_required");
          record.followLink = true;
        } else if (ack.draw_refused === "draw_ended") {
          record.note = t("dr_closed");
        } else {
          record.entered = true;  // already in: the keyword again is just chat
        }
      } else {
        var code = codeOf(ack);
        if (code === "not_signed_in") {
          window.location.href = loginUrl;
          return;
        }
        if (code === "already_entered") {
          record.entered = true;
        } else if (code === "follow_required") {
          record.note = t("dr_follow_required");
          record.followLink = true;
        } else if (code === "draw_ended" || code === "not_live") {
          record.note = t("dr_closed");
        } else {
          toast(K.ackError(ack, t));
        }
      }
      if (draw === record) paintDraw();
    });
  }

  function payPrize(record) {
    var product = prizeProduct(record.data) || {};
    window.LiveBuy.open({
      reservation: record.reservation,
      sale: {
        price_cents: typeof record.reservation.price_cents === "number" ? record.reservation.price_cents : 0,
        currency: product.currency || "CNY",
        product: { id: product.id, image_url: product.image_url, title: product.title }
      },
      product_id: product.id,
      heldUntil: Date.parse(record.reservation.expires_at) - R.clockOffset(),
      onPlaced: function () {
        record.paid = true;
        record.paidAt = Date.now();
        if (draw === record) paintDraw();
      }
    });
  }

  // The chat's keyword enters too: its ack (live.js sends it) says so.
  var plainEmit = socket.emit;
  socket.emit = function (eventName) {
    var args = Array.prototype.slice.call(arguments);
    var last = args[args.length - 1];
    if (eventName === "chat" && typeof last === "function") {
      args[args.length - 1] = function (ack) {
        if (ack && ack.ok && ack.draw_entered) markEntered(ack.draw_entered);
        return last.apply(this, arguments);
      };
    }
    return plainEmit.apply(this, args);
  };

  // --- lottery flash sales (抽签) ----------------------------------------------------

  var lotteries = {};   // sale id -> {sale, entered, inFlight, note, hold, paid, block, parts}

  function adoptLottery(sale) {
    if (!sale || sale.id === undefined || sale.mode !== "lottery") return;
    if (sale.session_id !== undefined && sale.session_id !== sessionId) return;
    var record = lotteries[id(sale.id)];
    if (!record) record = lotteries[id(sale.id)] = { sale: {}, entered: false, inFlight: false, note: "", hold: null };
    Object.keys(sale).forEach(function (key) { record.sale[key] = sale[key]; });
    if (sale.entered) record.entered = true;
    paintLottery(record);
  }

  function buildLottery(record) {
    var block = K.el("div", "ia-lottery");
    var parts = {};
    var top = block.appendChild(K.el("p", "ia-lottery-top"));
    parts.badge = top.appendChild(K.el("span", "ia-badge ia-badge-lottery", t("lo_badge")));
    parts.clock = top.appendChild(K.el("span", "ia-clock"));
    var line = block.appendChild(K.el("p", "ia-lottery-line"));
    parts.units = line.appendChild(K.el("span"));
    line.appendChild(document.createTextNode(" · "));
    parts.entrants = line.appendChild(K.el("span", "ia-entrants"));
    parts.entrants.setAttribute("aria-live", "polite");
    if (signedIn) {
      parts.enter = block.appendChild(button("btn-block ia-lottery-enter", t("lo_enter"), function () {
        enterLottery(record);
      }));
    } else {
      parts.enter = block.appendChild(link("btn btn-block ia-lottery-enter", t("lo_sign_in"), loginUrl));
    }
    parts.result = block.appendChild(K.el("div", "ia-result-box"));
    parts.result.setAttribute("role", "status");
    parts.verify = block.appendChild(K.el("details", "ia-verify"));
    parts.verify.appendChild(K.el("summary", null, t("dr_verify")));
    var list = parts.verify.appendChild(K.el("dl", "ia-verify-list"));
    list.appendChild(K.el("dt", null, t("dr_seed_hash")));
    parts.hash = list.appendChild(K.el("dd", "mono"));
    list.appendChild(K.el("dt", null, t("dr_seed")));
    parts.seed = list.appendChild(K.el("dd", "mono"));
    parts.recordLine = parts.verify.appendChild(K.el("p", "ia-verify-how"));
    record.block = block;
    record.parts = parts;
  }

  function lotteryPhase(sale) {
    var closes = sale.registration_ends_at_ms || Date.parse(sale.registration_ends_at);
    if (sale.seed || sale.drawn) return "drawn";
    if (!isNaN(closes) && secondsLeft(closes) > 0) return "open";
    return "drawing";
  }

  function paintLottery(record) {
    var node = document.querySelector('#fsale-stack .fsale[data-sale-id="' + id(record.sale.id) + '"]');
    if (!node) return;
    if (!record.block) buildLottery(record);
    if (node.getAttribute("data-mode") !== "lottery") node.setAttribute("data-mode", "lottery");
    if (record.block.parentNode !== node) {
      var result = node.querySelector(".fsale-result");
      node.insertBefore(record.block, result || null);
    }
    var sale = record.sale;
    var parts = record.parts;
    var phase = lotteryPhase(sale);
    var closes = sale.registration_ends_at_ms || Date.parse(sale.registration_ends_at);
    setText(parts.clock, phase === "open" ? t("lo_closes_in", { time: K.countdown(secondsLeft(closes)) })
      : phase === "drawing" ? t("lo_drawing") : t("lo_drawn"));
    setText(parts.units, count("lo_units", sale.quantity || 0));
    setText(parts.entrants, count("lo_entrants", sale.entrants || 0));
    if (signedIn) {
      setText(parts.enter, record.inFlight ? t("lo_entering") : record.entered ? t("dr_entered_short") : t("lo_enter"));
      parts.enter.disabled = record.inFlight || record.entered || phase !== "open";
      parts.enter.classList.toggle("is-entered", !!record.entered);
    }
    parts.enter.hidden = phase !== "open";
    setText(parts.hash, sale.seed_sha256 || "—");
    setText(parts.seed, sale.seed || t("dr_seed_later"));
    parts.verify.hidden = !sale.seed_sha256;
    if (sale.draw_id && !parts.recordLine.firstChild) {
      var a = parts.recordLine.appendChild(K.el("a", null, t("dr_record")));
      a.href = K.safeUrl(drawApi + id(sale.draw_id));
    }
    paintLotteryResult(record, phase);
  }

  function paintLotteryResult(record, phase) {
    var box = record.parts.result;
    var hold = record.hold;
    var left = hold ? secondsLeft(Date.parse(hold.expires_at)) : 0;
    if (hold && left <= 0 && !record.paid) {
      record.hold = null;
      record.note = t("lo_hold_gone");
    }
    var key = record.paid ? "paid" : record.hold ? "won" : record.note ? "note|" + record.note
      : record.entered && phase !== "drawn" ? "entered" : phase === "drawing" && !record.entered ? "closed" : "";
    if (key === "won") {
      var line = box.querySelector(".ia-won-note");
      if (box.getAttribute("data-key") !== "won" || !line) {
        box.setAttribute("data-key", "won");
        K.clear(box);
        box.className = "ia-result-box ia-won";
        box.hidden = false;
        line = box.appendChild(K.el("p", "ia-won-note"));
        var go = box.appendChild(link("btn btn-block btn-ok ia-checkout", t("lo_pay"), checkoutUrl));
        go.addEventListener("click", function (event) {
          if (!window.LiveBuy || !record.hold) return;
          event.preventDefault();
          payLottery(record);
        });
      }
      setText(line, t("lo_won", { n: record.hold.qty, time: K.countdown(left) }));
      return;
    }
    if (box.getAttribute("data-key") === key) return;
    box.setAttribute("data-key", key);
    K.clear(box);
    box.className = "ia-result-box";
    box.hidden = !key;
    if (key === "paid") box.appendChild(K.el("p", null, t("lo_paid")));
    else if (key === "entered") box.appendChild(K.el("p", "ia-entered", t("lo_entered")));
    else if (key === "closed") box.appendChild(K.el("p", null, t("lo_closed")));
    else if (key) box.appendChild(K.el("p", null, record.note));
  }

  function enterLottery(record) {
    if (record.inFlight || record.entered || lotteryPhase(record.sale) !== "open") return;
    record.inFlight = true;
    record.note = "";
    paintLottery(record);
    emit("flash_enter", { flash_sale_id: record.sale.id }, function (ack) {
      record.inFlight = false;
      if (ack.ok) {
        record.entered = true;
        if (typeof ack.entrants === "number") record.sale.entrants = ack.entrants;
      } else {
        var code = codeOf(ack);
        if (code === "not_signed_in") {
          window.location.href = loginUrl;
          return;
        }
        if (code === "already_entered") record.entered = true;
        else if (code === "registration_closed") record.note = t("lo_closed");
        else toast(K.ackError(ack, t));
      }
      paintLottery(record);
    });
  }

  function payLottery(record) {
    window.LiveBuy.open({
      reservation: record.hold,
      sale: record.sale,
      heldUntil: Date.parse(record.hold.expires_at) - R.clockOffset(),
      onPlaced: function () {
        record.paid = true;
        record.hold = null;
        paintLottery(record);
      }
    });
  }

  // --- PK battles (连麦PK) -----------------------------------------------------------

  var pkBox = $("ia-pk");
  var pk = null;        // {data, parts, doneAt}
  var gonePks = {};

  function sidesOf(data) {
    var sides = (data.sides || []).slice(0, 2);
    if (sides.length === 2 && sides[1].session_id === sessionId) sides.reverse();  // ours on the left
    return sides;
  }

  function buildPk() {
    K.clear(pkBox);
    var parts = {};
    var head = pkBox.appendChild(K.el("div", "ia-pk-head"));
    head.appendChild(K.el("span", "ia-pk-badge", t("pk_badge")));
    parts.clock = head.appendChild(K.el("span", "ia-pk-clock"));
    parts.dismiss = head.appendChild(dismissButton(function () {
      if (pk) gonePks[id(pk.data.id)] = true;
      hidePk();
    }));
    var bar = pkBox.appendChild(K.el("div", "ia-pk-bar"));
    parts.sides = [0, 1].map(function (i) {
      var side = bar.appendChild(K.el("div", "ia-pk-side ia-pk-side-" + (i ? "them" : "us")));
      var who = side.appendChild(i ? K.el("a", "ia-pk-name") : K.el("span", "ia-pk-name"));
      var score = side.appendChild(K.el("span", "ia-pk-score"));
      return { node: side, name: who, score: score };
    });
    var fans = pkBox.appendChild(K.el("div", "ia-pk-fans"));
    parts.fans = [0, 1].map(function (i) {
      return fans.appendChild(K.el("ol", "ia-pk-sup ia-pk-sup-" + (i ? "them" : "us")));
    });
    parts.result = pkBox.appendChild(K.el("p", "ia-pk-result"));
    parts.result.setAttribute("aria-live", "polite");
    return parts;
  }

  function paintPk() {
    if (!pk) return;
    var data = pk.data;
    var parts = pk.parts;
    var sides = sidesOf(data);
    var running = data.status === "running";
    setText(parts.clock, running ? t("time_left", { time: K.countdown(secondsLeft(endsAt(data))) }) : t("pk_ended"));
    parts.dismiss.hidden = running;
    var scores = sides.map(function (s) { return Math.max(0, s.score || 0); });
    var sum = scores[0] + (scores[1] || 0);
    var share = sum ? scores[0] * 100 / sum : 50;
    share = Math.min(78, Math.max(22, share));
    sides.forEach(function (side, i) {
      var view = parts.sides[i];
      setText(view.name, name(side.host));
      if (i === 1) {
        view.name.href = K.safeUrl(roomUrl + id(side.session_id));
        view.name.setAttribute("aria-label", t("pk_visit", { name: name(side.host) }));
      }
      setText(view.score, Number(scores[i]).toLocaleString());
      view.node.setAttribute("title", t("pk_score", { name: name(side.host), score: scores[i] }));
      view.node.classList.toggle("is-winner", !running && data.winner_session_id === side.session_id);
      K.pkSupporters(parts.fans[i], side.supporters,
        t("pk_supporters", { name: name(side.host) }));
    });
    parts.sides[0].node.style.width = share + "%";
    parts.sides[1].node.style.width = (100 - share) + "%";
    var result = K.pkResult(data, t);
    setText(parts.result, result);
    parts.result.hidden = !result;
    pkBox.className = "ia-pk ia-pk-" + data.status;
    measurePk();
  }

  function measurePk() {
    var shown = pkBox && !pkBox.hidden;
    root.classList.toggle("ia-has-pk", !!shown);
    if (shown) root.style.setProperty("--ia-pk-h", pkBox.offsetHeight + "px");
  }

  function hidePk() {
    if (!pkBox) return;
    pk = null;
    pkBox.hidden = true;
    K.clear(pkBox);
    measurePk();
  }

  function setPk(data) {
    if (!pkBox) return;
    if (!data || (data.status !== "running" && data.status !== "ended")) {
      if (!data || (pk && pk.data.id === data.id)) hidePk();
      return;
    }
    var mine = (data.sides || []).some(function (s) { return s.session_id === sessionId; });
    if (!mine || gonePks[id(data.id)]) return;
    if (!pk || pk.data.id !== data.id) {
      pk = { data: data, parts: buildPk() };
      pkBox.hidden = false;
    }
    pk.data = data;
    if (data.status === "ended" && !pk.doneAt) pk.doneAt = Date.now();
    paintPk();
  }

  // --- the room ----------------------------------------------------------------------

  R.onState.push(function (state) {
    setAnnouncement(state.announcement || null);
    setPoll(state.poll || null);
    setDraw(state.draw || null);
    setPk(state.pk || null);
    (state.flash_sales || []).forEach(adoptLottery);
  });

  socket.on("announcement", function (data) {
    if (data && data.session_id === sessionId) setAnnouncement(data.announcement || null);
  });
  socket.on("poll", function (data) { setPoll(unwrap(data, "poll")); });
  socket.on("draw", function (data) { setDraw(unwrap(data, "draw")); });
  socket.on("pk", function (data) { setPk(unwrap(data, "pk")); });
  socket.on("draw_won", function (data) {
    if (!data) return;
    var reservation = data.reservation || null;
    var lottery = reservation && lotteries[id(reservation.sale_id)];
    if (!lottery && data.flash_sale) lottery = lotteries[id(data.flash_sale.id)];
    if (lottery && reservation) {
      lottery.hold = reservation;
      lottery.entered = true;
      paintLottery(lottery);
      return;
    }
    var won = data.draw;
    if (!won || !ours(won)) return;
    setDraw(won);
    if (!draw || draw.data.id !== won.id) return;
    draw.won = true;
    draw.entered = true;
    if (reservation) draw.reservation = reservation;
    if (data.user_coupon) draw.userCoupon = data.user_coupon;
    paintDraw();
  });
  socket.on("flash_sale", function (data) {
    var sale = data && data.flash_sale;
    if (!sale) return;
    if (data.event === "drawn" && sale.drawn === undefined) sale.drawn = true;
    adoptLottery(sale);
  });
  socket.on("stock", function (data) {
    var record = data && lotteries[id(data.flash_sale_id)];
    if (record && typeof data.entrants === "number") {
      record.sale.entrants = data.entrants;
      paintLottery(record);
    }
  });

  setInterval(function () {
    var now = Date.now();
    if (poll) {
      if (poll.endedAt === undefined && pollEnded(poll)) poll.endedAt = now;
      if (poll.endedAt && now - poll.endedAt > POLL_KEEP_MS) {
        gonePolls[id(poll.data.id)] = true;
        removePoll();
      } else {
        paintPoll();
      }
    }
    if (draw) {
      var gone = draw.paidAt ? now - draw.paidAt > PAID_KEEP_MS
        : draw.doneAt && !draw.won && now - draw.doneAt > DRAW_KEEP_MS;
      if (gone) {
        goneDraws[id(draw.data.id)] = true;
        removeDraw();
      } else {
        paintDraw();
      }
    }
    if (pk) {
      if (pk.doneAt && now - pk.doneAt > PK_KEEP_MS) hidePk();
      else paintPk();
    }
    Object.keys(lotteries).forEach(function (key) { paintLottery(lotteries[key]); });
  }, 500);
})();
