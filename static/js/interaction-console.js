/* Live interaction in the host console (/live/ID/console), over console.js's
   socket (window.LiveConsole): docs/API.md "Live interaction (互动 ...)".

   - Poll: question, 2–5 options (add / remove), duration → `poll_start`; the open
     poll's live results (the room's `poll` events) and "End the poll" (`poll_end`).
   - Announcement (公告): pin a text above the room's chat (`announce`), or remove it
     (`text: ""`); the current one is shown (join state, `announcement` events).
   - Lucky bag (福袋): a product of the live or one of the host's shop coupons,
     winners, keyword, followers only, duration → `draw_start`; the entrants as
     they come (`draw` events), "Draw now" (`draw_end`), then the winners and seed.
   - PK (the host alone): the other lives on air (GET /api/v1/live?status=live, the
     host's own left out), a duration → `pk_invite`; invitations to this host
     (`pk` with status invited) with Accept / Refuse; the running PK's bar and
     "End the PK" (`pk_end`).
   - The flash-sale form's "Lottery" box shows the registration time only when
     ticked (the form posts `mode=lottery` and `register_s`).

   User text only ever goes in through textContent. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  // The flash-sale form's lottery mode: works without the socket.
  var modeBox = $("f-mode");
  var registerField = $("ia-register-field");
  if (modeBox && registerField) {
    var syncMode = function () { registerField.hidden = !modeBox.checked; };
    modeBox.addEventListener("change", syncMode);
    syncMode();
  }

  var box = $("ia-console");
  var C = window.LiveConsole;
  if (!box || !C || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(box);
  var socket = C.socket;
  var sessionId = parseInt(box.getAttribute("data-session-id"), 10);
  var hostId = parseInt(box.getAttribute("data-host-id"), 10);
  var drawApi = box.getAttribute("data-draw-api");
  var roomUrl = box.getAttribute("data-room-url");
  var ACK_TIMEOUT_MS = 10000;
  var INVITE_S = 60;

  // --- helpers -----------------------------------------------------------------------

  var offset = 0;  // server clock minus this browser's, from the join state
  function serverNow() { return Date.now() + offset; }
  function endsAt(data) { return data.ends_at_ms || Date.parse(data.ends_at); }
  function secondsLeft(at) { return Math.ceil((at - serverNow()) / 1000); }
  function id(value) { return String(parseInt(value, 10)); }
  var name = window.LiveKit.userName;
  function count(prefix, n) { return t(prefix + (n === 1 ? "_one" : "_many"), { n: n }); }
  function unwrap(data, key) {
    return data && data[key] && typeof data[key] === "object" ? data[key] : data;
  }
  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }

  function say(part, text, isError) {
    var error = $("ia-" + part + "-error");
    var notice = $("ia-" + part + "-notice");
    if (isError) {
      if (error) { error.textContent = text || ""; error.hidden = !text; }
      if (text && notice) notice.hidden = true;
      return;
    }
    if (error) error.hidden = true;
    if (!notice) return;
    notice.textContent = text;
    notice.hidden = !text;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { notice.hidden = true; }, 6000);
  }

  /* Emit with the button busy; the ack's error goes to the panel. */
  function emit(part, eventName, payload, button, busyLabel, onOk) {
    var label = button ? button.textContent : "";
    var answered = false;
    if (button) {
      button.disabled = true;
      if (busyLabel) button.textContent = busyLabel;
    }
    function done(ack) {
      if (answered) return;
      answered = true;
      if (button) {
        button.disabled = false;
        button.textContent = label;
      }
      if (ack && ack.ok) {
        say(part, "", true);
        onOk(ack);
      } else {
        say(part, K.ackError(ack, t), true);
      }
    }
    setTimeout(function () { done({ ok: false, error: { message: t("error") } }); }, ACK_TIMEOUT_MS);
    socket.emit(eventName, payload, done);
  }

  function resultsList(options, total, mine) {
    var list = K.el("ol", "ia-options");
    var best = 0;
    options.forEach(function (o) { best = Math.max(best, o.count || 0); });
    options.forEach(function (o, i) {
      var n = o.count || 0;
      var pct = total ? Math.round(n * 100 / total) : 0;
      var row = list.appendChild(K.el("li", "ia-option-item")).appendChild(K.el("div", "ia-result"));
      if (total && n === best) row.classList.add("is-top");
      if (mine === i) row.classList.add("is-mine");
      var line = row.appendChild(K.el("div", "ia-result-line"));
      line.appendChild(K.el("span", "ia-result-text", o.text));
      line.appendChild(K.el("span", "ia-result-n", n + " · " + pct + "%"));
      var bar = row.appendChild(K.el("div", "ia-result-bar"));
      bar.setAttribute("aria-hidden", "true");
      bar.appendChild(K.el("span", "ia-result-fill")).style.width = pct + "%";
    });
    return list;
  }

  // --- polls -------------------------------------------------------------------------

  var pollForm = $("ia-poll-form");
  var pollLive = $("ia-poll-live");
  var optionList = $("ia-poll-options");
  var addOption = $("ia-poll-add");
  var poll = null;

  function renumber() {
    var rows = optionList.querySelectorAll(".ia-poll-option");
    for (var i = 0; i < rows.length; i++) {
      var n = i + 1;
      var input = rows[i].querySelector("input");
      var label = rows[i].querySelector("label");
      input.id = "ia-poll-option-" + n;
      label.htmlFor = input.id;
      label.textContent = t("option_n", { n: n });
      input.placeholder = t("option_n", { n: n });
      var remove = rows[i].querySelector(".ia-remove");
      remove.disabled = rows.length <= 2;
      remove.querySelector(".visually-hidden").textContent = t("remove_n", { n: n });
    }
    addOption.disabled = rows.length >= 5;
  }

  function optionRow() {
    var item = K.el("li", "ia-poll-option");
    item.appendChild(K.el("label", "visually-hidden"));
    var input = item.appendChild(K.el("input"));
    input.type = "text";
    input.maxLength = 40;
    input.autocomplete = "off";
    var remove = item.appendChild(K.el("button", "ia-remove"));
    remove.type = "button";
    remove.appendChild(K.el("span", null, "✕")).setAttribute("aria-hidden", "true");
    remove.appendChild(K.el("span", "visually-hidden"));
    return item;
  }

  if (pollForm) {
    addOption.addEventListener("click", function () {
      if (optionList.children.length >= 5) return;
      var row = optionList.appendChild(optionRow());
      renumber();
      row.querySelector("input").focus();
    });
    optionList.addEventListener("click", function (event) {
      var remove = event.target.closest(".ia-remove");
      if (!remove || optionList.children.length <= 2) return;
      var row = remove.closest(".ia-poll-option");
      row.parentNode.removeChild(row);
      renumber();
      var first = optionList.querySelector("input");
      if (first) first.focus();
    });
    renumber();
    pollForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = $("ia-poll-question").value.trim();
      var inputs = optionList.querySelectorAll("input");
      var options = [];
      var seen = {};
      for (var i = 0; i < inputs.length; i++) {
        var text = inputs[i].value.trim();
        if (text && !seen[text]) { options.push(text); seen[text] = true; }
      }
      if (!question) { say("poll", t("po_need_question"), true); $("ia-poll-question").focus(); return; }
      if (options.length < 2 || options.length !== inputs.length) { say("poll", t("po_need_options"), true); return; }
      emit("poll", "poll_start", {
        session_id: sessionId, question: question, options: options,
        duration_s: parseInt($("ia-poll-duration").value, 10)
      }, $("ia-poll-start"), null, function (ack) {
        $("ia-poll-question").value = "";
        for (var j = 0; j < inputs.length; j++) inputs[j].value = "";
        say("poll", t("po_started"));
        showPoll(ack.poll);
      });
    });
  }

  function showPoll(data) {
    if (!pollLive) return;
    if (data && data.session_id !== undefined && data.session_id !== sessionId) return;
    var rebuild = !poll || !data || poll.id !== data.id || poll.status !== data.status;
    if (data && poll && poll.id === data.id && !data.options) data.options = poll.options;
    poll = data || null;
    paintPoll(rebuild, true);
  }

  function paintPoll(rebuild, fresh) {
    if (!pollLive) return;
    var data = poll;
    var open = !!data && data.status === "open" && secondsLeft(endsAt(data)) > 0;
    pollForm.hidden = open;
    if (!data) {
      pollLive.hidden = true;
      K.clear(pollLive);
      return;
    }
    if (!open && pollLive.querySelector(".ia-poll-end")) rebuild = true;  // its time is up
    if (rebuild || !pollLive.firstChild) {
      K.clear(pollLive);
      var head = pollLive.appendChild(K.el("div", "ia-live-head"));
      head.appendChild(K.el("span", "ia-live-title", data.question));
      head.appendChild(K.el("span", "ia-live-meta ia-poll-clock"));
      pollLive.appendChild(K.el("div", "ia-poll-results"));
      pollLive.appendChild(K.el("p", "ia-live-meta ia-poll-total")).setAttribute("aria-live", "polite");
      if (open) {
        var end = pollLive.appendChild(K.el("button", "btn btn-ghost btn-block ia-poll-end", t("po_end")));
        end.type = "button";
        end.addEventListener("click", function () {
          emit("poll", "poll_end", { poll_id: data.id }, end, t("po_ending"), function (ack) {
            say("poll", t("po_ended"));
            showPoll(ack.poll);
          });
        });
      }
      fresh = true;
    }
    if (fresh) {
      var results = pollLive.querySelector(".ia-poll-results");
      K.clear(results);
      results.appendChild(resultsList(data.options || [], data.total || 0, null));
      setText(pollLive.querySelector(".ia-poll-total"), count("po_votes", data.total || 0));
    }
    setText(pollLive.querySelector(".ia-poll-clock"),
      open ? t("time_left", { time: K.countdown(secondsLeft(endsAt(data))) }) : t("ended"));
    pollLive.hidden = false;
  }

  // --- the announcement --------------------------------------------------------------

  var announceForm = $("ia-announce-form");
  function showAnnouncement(announcement) {
    var current = $("ia-announce-current");
    if (!current) return;
    var text = announcement && announcement.text ? announcement.text : "";
    current.textContent = text || t("an_none");
    current.classList.toggle("is-empty", !text);
  }

  if (announceForm) {
    announceForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("ia-announce-input").value.trim();
      if (!text) { say("announce", t("an_need_text"), true); return; }
      emit("announce", "announce", { session_id: sessionId, text: text }, $("ia-announce-set"), null, function (ack) {
        $("ia-announce-input").value = "";
        showAnnouncement(ack.announcement);
        say("announce", t("an_set"));
      });
    });
    $("ia-announce-clear").addEventListener("click", function () {
      emit("announce", "announce", { session_id: sessionId, text: "" }, $("ia-announce-clear"), null, function () {
        showAnnouncement(null);
        say("announce", t("an_cleared"));
      });
    });
  }

  // --- lucky bags (福袋) ------------------------------------------------------------

  var drawForm = $("ia-draw-form");
  var drawLive = $("ia-draw-live");
  var draw = null;

  function prizeKind() {
    var checked = drawForm && drawForm.querySelector("input[name=ia-prize-kind]:checked");
    return checked ? checked.value : "product";
  }

  if (drawForm) {
    var syncPrize = function () {
      var kind = prizeKind();
      $("ia-draw-product-field").hidden = kind !== "product";
      $("ia-draw-coupon-field").hidden = kind !== "coupon";
    };
    var kinds = drawForm.querySelectorAll("input[name=ia-prize-kind]");
    for (var k = 0; k < kinds.length; k++) kinds[k].addEventListener("change", syncPrize);
    if (!$("ia-draw-product").options.length) {
      var coupon = drawForm.querySelector("input[name=ia-prize-kind][value=coupon]");
      if (coupon && !coupon.disabled) coupon.checked = true;
    }
    syncPrize();
    drawForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var keyword = $("ia-draw-keyword").value.trim();
      if (!keyword || keyword.length > 20) { say("draw", t("dr_need_keyword"), true); $("ia-draw-keyword").focus(); return; }
      var kind = prizeKind();
      var select = $(kind === "coupon" ? "ia-draw-coupon" : "ia-draw-product");
      var prize = {};
      prize[kind === "coupon" ? "coupon_id" : "product_id"] = parseInt(select.value, 10);
      emit("draw", "draw_start", {
        session_id: sessionId,
        prize: prize,
        winners: parseInt($("ia-draw-winners").value, 10) || 1,
        keyword: keyword,
        follow_required: $("ia-draw-follow").checked,
        duration_s: parseInt($("ia-draw-duration").value, 10)
      }, $("ia-draw-start"), null, function (ack) {
        say("draw", t("dr_started"));
        showDraw(ack.draw);
      });
    });
  }

  function prizeTitle(data) {
    var prize = data.prize || {};
    if (prize.kind === "product") return (prize.product || {}).title || "";
    var c = prize.coupon || {};
    return t("dr_coupon", { terms: c.title || "" });
  }

  function showDraw(data) {
    if (!drawLive) return;
    if (data && data.session_id !== undefined && data.session_id !== sessionId) return;
    var rebuild = !draw || !data || draw.id !== data.id || draw.status !== data.status;
    draw = data || null;
    paintDraw(rebuild);
  }

  function paintDraw(rebuild) {
    if (!drawLive) return;
    var data = draw;
    var open = !!data && data.status === "open";
    drawForm.hidden = open;
    if (!data) {
      drawLive.hidden = true;
      K.clear(drawLive);
      return;
    }
    if (rebuild || !drawLive.firstChild) {
      K.clear(drawLive);
      var head = drawLive.appendChild(K.el("div", "ia-live-head"));
      head.appendChild(K.el("span", "ia-live-title", prizeTitle(data)));
      head.appendChild(K.el("span", "ia-live-meta ia-draw-clock"));
      var meta = drawLive.appendChild(K.el("p", "ia-live-meta"));
      meta.textContent = t("dr_keyword", { keyword: data.keyword || "" }) + " · " +
        count("dr_winners", data.winners_count || 0) + (data.follow_required ? " · " + t("dr_followers") : "");
      var entrants = drawLive.appendChild(K.el("p", "ia-big-n ia-draw-entrants"));
      entrants.setAttribute("aria-live", "polite");
      if (open) {
        var end = drawLive.appendChild(K.el("button", "btn btn-block ia-draw-end", t("dr_end")));
        end.type = "button";
        end.addEventListener("click", function () {
          emit("draw", "draw_end", { draw_id: data.id }, end, t("dr_ending"), function (ack) {
            say("draw", t("dr_drawn"));
            showDraw(ack.draw);
          });
        });
      } else if (data.status === "cancelled") {
        drawLive.appendChild(K.el("p", null, t("dr_cancelled")));
      } else {
        var winners = data.winners || [];
        if (winners.length) {
          drawLive.appendChild(K.el("p", "ia-winners-title", t("dr_winners")));
          var list = drawLive.appendChild(K.el("ul", "ia-winners ia-draw-winners"));
          winners.forEach(function (w) { list.appendChild(K.el("li", null, name(w))); });
        } else {
          drawLive.appendChild(K.el("p", null, t("dr_nobody")));
        }
      }
      var dl = drawLive.appendChild(K.el("dl", "ia-verify-list ia-verify"));
      dl.appendChild(K.el("dt", null, t("dr_seed_hash")));
      dl.appendChild(K.el("dd", "mono ia-draw-hash", data.seed_sha256 || "—"));
      if (data.seed) {
        dl.appendChild(K.el("dt", null, t("dr_seed")));
        dl.appendChild(K.el("dd", "mono ia-draw-seed", data.seed));
      }
      var a = drawLive.appendChild(K.el("p", "small")).appendChild(K.el("a", null, t("dr_record")));
      a.href = K.safeUrl(drawApi + id(data.id));
    }
    setText(drawLive.querySelector(".ia-draw-entrants"), count("dr_entrants", data.entrants || 0));
    var left = secondsLeft(endsAt(data));
    setText(drawLive.querySelector(".ia-draw-clock"), open
      ? (left > 0 ? t("time_left", { time: K.countdown(left) }) : t("dr_ending")) : t("ended"));
    drawLive.hidden = false;
  }

  // --- PK battles ------------------------------------------------------------------

  var pkForm = $("ia-pk-form");
  var pkLive = $("ia-pk-live");
  var invites = $("ia-pk-invites");
  var opponent = $("ia-pk-opponent");
  var pk = null;          // the running (or just ended) PK of this session
  var outgoing = null;    // {pk, until}: the invitation this host sent
  var incoming = {};      // pk id -> {pk, until, node}

  function loadOpponents() {
    if (!opponent) return;
    opponent.disabled = true;
    K.clear(opponent);
    opponent.appendChild(K.el("option", null, t("pk_loading"))).value = "";
    fetch(box.getAttribute("data-live-api"), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (resp) {
      return resp.ok ? resp.json() : { items: [] };
    }).then(function (data) {
      var items = (data.items || []).filter(function (s) {
        return s.id !== sessionId && (!s.creator || s.creator.id !== hostId) && s.status === "live";
      });
      K.clear(opponent);
      if (!items.length) {
        opponent.appendChild(K.el("option", null, t("pk_none"))).value = "";
      }
      items.forEach(function (s) {
        var option = opponent.appendChild(K.el("option", null, name(s.creator) + " · " + s.title));
        option.value = String(s.id);
      });
      opponent.disabled = !items.length;
      paintPkForm();
    }).catch(function () {
      K.clear(opponent);
      opponent.appendChild(K.el("option", null, t("error"))).value = "";
    });
  }

  function paintPkForm() {
    if (!pkForm) return;
    var busy = !!(pk && pk.status === "running") || !!(outgoing && outgoing.until > Date.now());
    pkForm.hidden = !!(pk && pk.status === "running");
    var invite = $("ia-pk-invite");
    invite.disabled = busy || !opponent.value || box.getAttribute("data-live") !== "yes";
  }

  if (pkForm) {
    $("ia-pk-refresh").addEventListener("click", loadOpponents);
    opponent.addEventListener("change", paintPkForm);
    pkForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var target = parseInt(opponent.value, 10);
      if (!target) return;
      var label = opponent.options[opponent.selectedIndex].textContent;
      emit("pk", "pk_invite", {
        session_id: sessionId, opponent_session_id: target,
        duration_s: parseInt($("ia-pk-duration").value, 10)
      }, $("ia-pk-invite"), null, function (ack) {
        outgoing = { pk: ack.pk, until: answerBy(ack.pk), label: label.split(" · ")[0] };
        paintOutgoing();
        paintPkForm();
      });
    });
    loadOpponents();
  }

  function paintOutgoing() {
    if (!outgoing) return;
    var left = Math.ceil((outgoing.until - Date.now()) / 1000);
    if (left <= 0) {
      outgoing = null;
      say("pk", t("pk_lapsed"));
      paintPkForm();
      return;
    }
    var notice = $("ia-pk-notice");
    notice.textContent = t("pk_invited", { name: outgoing.label, time: K.countdown(left) });
    notice.hidden = false;
    clearTimeout(notice.timer);
  }

  /* When an invitation lapses, on this browser's clock. */
  function answerBy(data) {
    var at = data && Date.parse(data.answer_by);
    return isNaN(at) || !at ? Date.now() + INVITE_S * 1000 : at - offset;
  }

  function otherSide(data) {
    return (data.sides || []).filter(function (s) { return s.session_id !== sessionId; })[0] || {};
  }

  function addInvite(data) {
    var key = id(data.id);
    if (incoming[key] || !invites) return;
    var record = incoming[key] = { pk: data, until: answerBy(data) };
    var item = K.el("li", "ia-invite");
    item.setAttribute("data-pk-id", key);
    var from = otherSide(data);
    item.appendChild(K.el("p", "ia-live-title", t("pk_incoming", {
      name: name(from.host), minutes: Math.round((data.duration_s || 0) / 60)
    })));
    record.clock = item.appendChild(K.el("p", "ia-live-meta"));
    var actions = item.appendChild(K.el("div", "ia-actions"));
    var accept = actions.appendChild(K.el("button", "btn ia-pk-accept", t("pk_accept")));
    accept.type = "button";
    var refuse = actions.appendChild(K.el("button", "btn btn-ghost ia-pk-refuse", t("pk_refuse")));
    refuse.type = "button";
    accept.addEventListener("click", function () {
      emit("pk", "pk_accept", { pk_id: data.id }, accept, null, function (ack) {
        dropInvite(key);
        say("pk", t("pk_accepted"));
        showPk(ack.pk);
      });
    });
    refuse.addEventListener("click", function () {
      emit("pk", "pk_refuse", { pk_id: data.id }, refuse, null, function () {
        dropInvite(key);
        say("pk", t("pk_refused_by"));
      });
    });
    record.node = item;
    invites.appendChild(item);
    paintInvites();
  }

  function dropInvite(key) {
    var record = incoming[key];
    if (!record) return;
    if (record.node.parentNode) record.node.parentNode.removeChild(record.node);
    delete incoming[key];
  }

  function paintInvites() {
    Object.keys(incoming).forEach(function (key) {
      var record = incoming[key];
      var left = Math.ceil((record.until - Date.now()) / 1000);
      if (left <= 0) dropInvite(key);
      else setText(record.clock, t("time_left", { time: K.countdown(left) }));
    });
  }

  function buildPkBar() {
    K.clear(pkLive);
    var parts = {};
    var head = pkLive.appendChild(K.el("div", "ia-pk-head"));
    head.appendChild(K.el("span", "ia-pk-badge", t("pk_badge")));
    parts.clock = head.appendChild(K.el("span", "ia-pk-clock"));
    var bar = pkLive.appendChild(K.el("div", "ia-pk-bar"));
    parts.sides = [0, 1].map(function (i) {
      var side = bar.appendChild(K.el("div", "ia-pk-side ia-pk-side-" + (i ? "them" : "us")));
      return {
        node: side,
        name: side.appendChild(i ? K.el("a", "ia-pk-name") : K.el("span", "ia-pk-name")),
        score: side.appendChild(K.el("span", "ia-pk-score"))
      };
    });
    var fans = pkLive.appendChild(K.el("div", "ia-pk-fans"));
    parts.fans = [0, 1].map(function (i) {
      return fans.appendChild(K.el("ol", "ia-pk-sup ia-pk-sup-" + (i ? "them" : "us")));
    });
    parts.result = pkLive.appendChild(K.el("p", "ia-pk-result"));
    parts.result.setAttribute("aria-live", "polite");
    parts.end = pkLive.appendChild(K.el("button", "btn btn-ghost btn-block ia-pk-end", t("pk_end")));
    parts.end.type = "button";
    parts.end.addEventListener("click", function () {
      if (!pk) return;
      emit("pk", "pk_end", { pk_id: pk.id }, parts.end, t("pk_ending"), function (ack) {
        showPk(ack.pk);
      });
    });
    return parts;
  }

  function showPk(data) {
    if (!pkLive || !data) return;
    var ours = (data.sides || []).some(function (s) { return s.session_id === sessionId; });
    if (!ours) return;
    if (data.status === "invited") {
      if (outgoing && outgoing.pk && outgoing.pk.id === data.id) return;
      var invited = (data.sides || [])[1];
      if (!invited || invited.session_id === sessionId) addInvite(data);
      return;
    }
    dropInvite(id(data.id));
    if (outgoing && outgoing.pk && outgoing.pk.id === data.id) {
      outgoing = null;
      if (data.status === "refused") say("pk", t("pk_refused_by"));
      else if (data.status === "lapsed") say("pk", t("pk_lapsed"));
      else if (data.status === "running") say("pk", t("pk_accepted"));
    }
    if (data.status !== "running" && data.status !== "ended") {
      paintPkForm();
      return;
    }
    if (!pk || pk.id !== data.id || !pkLive.parts) pkLive.parts = buildPkBar();
    pk = data;
    paintPk();
    paintPkForm();
  }

  function paintPk() {
    if (!pk || !pkLive.parts) return;
    var parts = pkLive.parts;
    var sides = (pk.sides || []).slice(0, 2);
    if (sides.length === 2 && sides[1].session_id === sessionId) sides.reverse();
    var running = pk.status === "running";
    setText(parts.clock, running ? t("time_left", { time: K.countdown(secondsLeft(endsAt(pk))) }) : t("pk_ended"));
    var scores = sides.map(function (s) { return Math.max(0, s.score || 0); });
    var sum = scores[0] + (scores[1] || 0);
    var share = Math.min(78, Math.max(22, sum ? scores[0] * 100 / sum : 50));
    sides.forEach(function (side, i) {
      var view = parts.sides[i];
      setText(view.name, name(side.host));
      if (i === 1) view.name.href = K.safeUrl(roomUrl + id(side.session_id));
      setText(view.score, Number(scores[i]).toLocaleString());
      view.node.setAttribute("title", t("pk_score", { name: name(side.host), score: scores[i] }) +
        " · " + t("pk_hearts", { n: side.hearts || 0 }));
      view.node.classList.toggle("is-winner", !running && pk.winner_session_id === side.session_id);
      K.pkSupporters(parts.fans[i], side.supporters,
        t("pk_supporters", { name: name(side.host) }));
    });
    parts.sides[0].node.style.width = share + "%";
    parts.sides[1].node.style.width = (100 - share) + "%";
    var result = K.pkResult(pk, t);
    setText(parts.result, result);
    parts.result.hidden = !result;
    parts.end.hidden = !running;
    pkLive.hidden = false;
  }

  // --- the room ----------------------------------------------------------------------

  C.onState.push(function (state) {
    if (typeof state.server_time_ms === "number") offset = state.server_time_ms - Date.now();
    showAnnouncement(state.announcement || null);
    showPoll(state.poll || null);
    showDraw(state.draw || null);
    if (state.pk) showPk(state.pk);
  });

  socket.on("announcement", function (data) {
    if (data && data.session_id === sessionId) showAnnouncement(data.announcement || null);
  });
  socket.on("poll", function (data) { showPoll(unwrap(data, "poll")); });
  socket.on("draw", function (data) { showDraw(unwrap(data, "draw")); });
  socket.on("pk", function (data) { showPk(unwrap(data, "pk")); });

  setInterval(function () {
    if (poll) paintPoll(false, false);
    if (draw) paintDraw(false);
    if (pk) paintPk();
    paintInvites();
    if (outgoing) paintOutgoing();
  }, 500);
})();
