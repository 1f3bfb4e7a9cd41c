/* The host console (/live/ID/console): chat with moderation controls, held
   messages, pins, slow mode and live stats, over Socket.IO /live. Every control
   emits the event of docs/API.md and shows the ack's error, if any. */
(function () {
  "use strict";
  var root = document.getElementById("live-console");
  if (!root || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var $ = function (id) { return document.getElementById(id); };

  // A row's "Flash sale": the launch form with that product chosen (a page load
  // without JavaScript, the server choosing it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.flash-pick");
    var select = $("f-product_id");
    if (!link || !select) return;
    event.preventDefault();
    select.value = link.getAttribute("data-product-id");
    $("flash-launch").scrollIntoView({ block: "start", behavior: "smooth" });
    var price = $("f-price");
    if (price) price.focus({ preventScroll: true });
  });

  // Ending a live (or cancelling one) asks first.
  var endForms = document.querySelectorAll("form.confirm-end");
  for (var i = 0; i < endForms.length; i++) {
    endForms[i].addEventListener("submit", function (event) {
      if (!window.confirm(t("confirm_end"))) event.preventDefault();
    });
  }
  if (typeof window.io !== "function" || root.getAttribute("data-status") === "ended") return;

  var sessionId = parseInt(root.getAttribute("data-session-id"), 10);
  var meId = parseInt(root.getAttribute("data-user-id"), 10);
  var status = root.getAttribute("data-status");
  var chat = $("console-chat");
  var held = $("console-held");
  var slowSelect = $("slow-mode");
  var MAX_MESSAGES = 300;
  var seen = {};
  var peak = parseInt(root.getAttribute("data-peak"), 10) || 0;

  // Chat per minute: chat events of the last 60 s, seeded with the server's count
  // (spread over the minute before the page loaded).
  var chatTimes = [];
  var seeded = parseInt(root.getAttribute("data-chat-rate"), 10) || 0;
  var loadedAt = Date.now();
  for (var s = 0; s < seeded; s++) chatTimes.push(loadedAt - 60000 * (s + 0.5) / seeded);

  function showError(text) {
    var box = $("console-error");
    box.textContent = text || "";
    box.hidden = !text;
    if (text) $("console-notice").hidden = true;
  }

  function showNotice(text) {
    var box = $("console-notice");
    box.textContent = text;
    box.hidden = false;
    showError("");
    clearTimeout(showNotice.timer);
    showNotice.timer = setTimeout(function () { box.hidden = true; }, 5000);
  }

  function answer(onOk) {
    return function (ack) {
      if (ack && ack.ok) {
        showError("");
        if (onOk) onOk(ack);
      } else {
        showError(K.ackError(ack, t));
      }
    };
  }

  function button(label, action, extra) {
    var b = K.el("button", "link small" + (extra ? " " + extra : ""), label);
    b.type = "button";
    b.setAttribute("data-action", action);
    return b;
  }

  // --- chat with controls -------------------------------------------------------------

  function controlled(message, heldItem) {
    var item = K.messageItem(message);
    if (message.user) {
      item.setAttribute("data-user-id", String(message.user.id));
      item.setAttribute("data-name", message.user.display_name || message.user.username);
    }
    var actions = K.el("span", "chat-actions");
    if (heldItem) actions.appendChild(button(t("release"), "release"));
    actions.appendChild(button(t("delete"), "delete", "danger"));
    if (message.user && message.user.id !== meId) {
      actions.appendChild(button(t("mute"), "mute"));
      actions.appendChild(button(t("ban"), "ban", "danger"));
    }
    item.appendChild(actions);
    return item;
  }

  function addMessage(message) {
    if (!chat || !message || seen[message.id]) return;
    seen[message.id] = true;
    var stick = K.nearBottom(chat);
    chat.appendChild(controlled(message, false));
    while (chat.children.length > MAX_MESSAGES) chat.removeChild(chat.firstChild);
    if (stick) chat.scrollTop = chat.scrollHeight;
  }

  function renderList(list, messages, isHeld) {
    K.clear(list);
    (messages || []).forEach(function (m) { list.appendChild(controlled(m, isHeld)); });
    if (!messages || !messages.length) {
      list.appendChild(K.el("li", "chat-empty muted small", t(isHeld ? "held_none" : "chat_none")));
    }
  }

  function removeFrom(list, id) {
    if (!list) return;
    var item = list.querySelector('[data-id="' + String(parseInt(id, 10)) + '"]');
    if (item) item.parentNode.removeChild(item);
    if (list === held && !held.querySelector("[data-id]")) renderList(held, [], true);
  }

  function dropEmpty(list) {
    var empty = list.querySelector(".chat-empty");
    if (empty) empty.parentNode.removeChild(empty);
  }

  function onAction(event) {
    var target = event.target.closest("button[data-action]");
    if (!target) return;
    var item = target.closest("li");
    var messageId = parseInt(item.getAttribute("data-id"), 10);
    var userId = parseInt(item.getAttribute("data-user-id"), 10);
    var name = item.getAttribute("data-name") || "";
    var action = target.getAttribute("data-action");
    if (action === "delete") {
      socket.emit("delete_message", { message_id: messageId }, answer(function () {
        removeFrom(chat, messageId);
        removeFrom(held, messageId);
      }));
    } else if (action === "release") {
      socket.emit("release_message", { message_id: messageId }, answer(function () {
        removeFrom(held, messageId);
        showNotice(t("released"));
      }));
    } else if (action === "mute") {
      socket.emit("mute", { session_id: sessionId, user_id: userId, minutes: 10 },
        answer(function () { showNotice(t("muted", { name: name })); }));
    } else if (action === "ban") {
      if (!window.confirm(t("confirm_ban", { name: name }))) return;
      socket.emit("ban", { session_id: sessionId, user_id: userId },
        answer(function () { showNotice(t("banned", { name: name })); }));
    }
  }
  if (chat) chat.addEventListener("click", onAction);
  if (held) held.addEventListener("click", onAction);

  var form = $("console-chat-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = $("console-chat-input");
      var body = input.value.trim();
      if (!body) return;
      socket.emit("chat", { session_id: sessionId, body: body }, answer(function (ack) {
        input.value = "";
        addMessage(ack.message);
      }));
    });
  }

  // --- pins ---------------------------------------------------------------------------

  function markPinned(card) {
    var rows = document.querySelectorAll("#console-pins .console-pin");
    for (var r = 0; r < rows.length; r++) {
      var on = !!card && rows[r].getAttribute("data-product-id") === String(card.id);
      rows[r].classList.toggle("is-pinned", on);
      rows[r].querySelector(".pin-btn").textContent = on ? t("pinned") : t("pin");
    }
  }

  function pin(productId) {
    socket.emit("pin", { session_id: sessionId, product_id: productId }, answer(function (ack) {
      markPinned(ack.pinned_product);
    }));
  }

  // One tap: "Feature now" pins the row's product; on the featured row, "Unpin".
  var pins = $("console-pins");
  if (pins) {
    pins.addEventListener("click", function (event) {
      var target = event.target.closest(".pin-btn");
      if (!target) return;
      var row = target.closest(".console-pin");
      pin(row && row.classList.contains("is-pinned") ? null
        : parseInt(target.getAttribute("data-product-id"), 10));
    });
  }

  // --- slow mode ----------------------------------------------------------------------

  function setSlow(seconds) {
    if (!slowSelect) return;
    var value = String(seconds);
    var found = false;
    for (var o = 0; o < slowSelect.options.length; o++) {
      if (slowSelect.options[o].value === value) found = true;
    }
    if (!found) {
      var option = K.el("option", null, value + " s");
      option.value = value;
      slowSelect.appendChild(option);
    }
    slowSelect.value = value;
    slowSelect.setAttribute("data-current", value);
  }

  if (slowSelect) {
    slowSelect.setAttribute("data-current", slowSelect.value);
    slowSelect.addEventListener("change", function () {
      var seconds = parseInt(slowSelect.value, 10);
      socket.emit("slow_mode", { session_id: sessionId, seconds: seconds }, function (ack) {
        if (ack && ack.ok) {
          setSlow(ack.seconds);
          showNotice(ack.seconds ? t("slow_on", { n: ack.seconds }) : t("slow_off"));
        } else {
          slowSelect.value = slowSelect.getAttribute("data-current");
          showError(K.ackError(ack, t));
        }
      });
    });
  }

  // --- stats --------------------------------------------------------------------------

  function setViewers(count) {
    $("stat-viewers").textContent = String(count);
    if (count > peak) peak = count;
    $("stat-peak").textContent = String(peak);
  }

  function updateRate() {
    var since = Date.now() - 60000;
    while (chatTimes.length && chatTimes[0] < since) chatTimes.shift();
    chatTimes = chatTimes.filter(function (at) { return at >= since; });
    $("stat-rate").textContent = String(chatTimes.length);
  }
  setInterval(updateRate, 1000);
  // Purchases re-read the numbers at once; this catches any the socket missed.
  if (status === "live") setInterval(function () { refreshStats(); }, 15000);

  // A number that changed shows it for a moment.
  function setTile(id, value) {
    var cell = $(id);
    if (!cell || cell.textContent === value) return;
    cell.textContent = value;
    var tile = cell.parentNode;
    tile.classList.remove("is-bumped");
    void tile.offsetWidth;  // restart the animation
    tile.classList.add("is-bumped");
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
        if (!data || !data.stats) return;
        setTile("stat-orders", String(data.stats.orders));
        setTile("stat-gmv", data.stats.gmv);
        if (data.stats.peak_viewers > peak) {
          peak = data.stats.peak_viewers;
          $("stat-peak").textContent = String(peak);
        }
      }).catch(function () { /* the next purchase tries again */ });
    }, 500);
  }

  // --- the socket ---------------------------------------------------------------------

  var socket = window.io("/live");
  // A form of this page (start, end, pin...) is on its way: its own response
  // redraws the page, and a reload now would cancel it (and its message).
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; }, true);
  function reloadSoon() { if (!leaving) window.location.reload(); }
  // flash-console.js (loaded after this file) listens to the room through these.
  window.LiveConsole = { socket: socket, onState: [] };

  function render(state) {
    var session = state.session || {};
    if (session.status && session.status !== status) {
      reloadSoon();  // started or ended elsewhere: the controls change
      return;
    }
    seen = {};
    if (chat) {
      renderList(chat, [], false);
      (state.chat || []).forEach(function (m) { dropEmpty(chat); addMessage(m); });
      chat.scrollTop = chat.scrollHeight;
    }
    if (held) renderList(held, state.held || [], true);
    setViewers(state.viewers || 0);
    $("stat-likes").textContent = String(state.likes || 0);
    markPinned(state.pinned_product);
    setSlow(session.slow_mode_s || 0);
    window.LiveConsole.onState.forEach(function (listener) { listener(state); });
  }

  socket.on("connect", function () {
    $("console-conn").hidden = true;
    socket.emit("join", { session_id: sessionId }, answer(function (ack) { render(ack.state); }));
  });
  socket.on("disconnect", function () { $("console-conn").hidden = false; });
  socket.on("chat", function (message) {
    if (message.session_id !== sessionId) return;
    chatTimes.push(Date.now());
    updateRate();
    dropEmpty(chat);
    addMessage(message);
  });
  socket.on("held", function (message) {
    if (message.session_id !== sessionId || !held) return;
    if (held.querySelector('[data-id="' + message.id + '"]')) return;
    dropEmpty(held);
    held.appendChild(controlled(message, true));
  });
  socket.on("chat_deleted", function (data) {
    if (data.session_id !== sessionId) return;
    removeFrom(chat, data.message_id);
    removeFrom(held, data.message_id);
  });
  socket.on("pinned", function (data) {
    if (data.session_id === sessionId) markPinned(data.product);
  });
  socket.on("viewers", function (data) {
    if (data.session_id === undefined || data.session_id === sessionId) setViewers(data.count);
  });
  socket.on("likes", function (data) {
    if (data.session_id === sessionId) setTile("stat-likes", String(data.count));
  });
  socket.on("purchase", function (data) {
    if (data.session_id === sessionId) refreshStats();
  });
  socket.on("slow_mode", function (data) {
    if (data.session_id === sessionId) setSlow(data.seconds);
  });
  socket.on("session", function (data) {
    var session = data.session || {};
    if (session.id === sessionId && session.status !== status) reloadSoon();
  });
  socket.on("signed_out", function () {
    showError(t("signed_out"));
    setTimeout(function () { window.location.reload(); }, 1500);
  });
})();
