/* The live room (/live/ID): Socket.IO /live keeps the page in step with the room.

   The server is the authority: on every (re)connect the page joins again and
   re-renders everything from the join ack's `state`, so nothing is lost while the
   connection was down. User text is only ever set with textContent. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  if (!root || typeof window.io !== "function" || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var $ = function (id) { return document.getElementById(id); };
  var sessionId = parseInt(root.getAttribute("data-session-id"), 10);
  var signedIn = root.getAttribute("data-signed-in") === "yes";
  var MAX_MESSAGES = 200;
  var LIKES_MAX = 50;

  var room = {
    status: root.getAttribute("data-status"),
    scheduledAt: Date.parse(root.getAttribute("data-scheduled-at")),
    clockOffset: null,  // server clock minus this browser's clock, in ms
    you: null,
    banned: false,
    mutedUntil: null,
    slow: 0,
    likes: 0,
    pendingLikes: 0,
    seen: {}
  };

  var chat = $("live-chat");
  var form = $("live-chat-form");
  var input = $("live-chat-input");
  var note = $("live-chat-note");
  var errorBox = $("live-chat-error");

  // --- status, countdown, counters ----------------------------------------------------

  function setStatus(status) {
    room.status = status;
    root.className = root.className.replace(/\blive-status-\w+/, "") + " live-status-" + status;
    var badge = $("live-badge");
    K.clear(badge);
    badge.appendChild(K.el("span", "live-badge live-badge-" + status, t("badge_" + status)));
    $("live-state").textContent = status === "live" ? t("on_air")
      : status === "ended" ? t("ended") : t("waiting");
    $("live-viewers").hidden = status !== "live";
    $("live-like").hidden = status !== "live";
    $("live-likes").hidden = status === "scheduled";
    tick();
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var box = $("live-countdown");
    if (room.status !== "scheduled") {
      if (room.clockOffset !== null) box.textContent = "";
      return;
    }
    if (room.clockOffset === null || isNaN(room.scheduledAt)) return;  // not joined yet
    var left = Math.floor((room.scheduledAt - (Date.now() + room.clockOffset)) / 1000);
    if (left <= 0) {
      box.textContent = t("starting_soon");
      return;
    }
    var days = Math.floor(left / 86400);
    var rest = left % 86400;
    var clock = two(Math.floor(rest / 3600)) + ":" + two(Math.floor(rest % 3600 / 60)) +
      ":" + two(rest % 60);
    box.textContent = t("starts_in", { time: (days ? t("days", { n: days }) + " " : "") + clock });
  }

  function setViewers(count) {
    $("live-viewers").textContent = t("watching", { n: count });
  }

  function setLikes(count) {
    room.likes = count;
    $("live-likes-n").textContent = String(count + room.pendingLikes);
  }

  // --- the pinned product -------------------------------------------------------------

  function renderPinned(card, groupBuy) {
    var box = $("live-pinned");
    K.clear(box);
    var cards = document.querySelectorAll("#live-products [data-product-id]");
    for (var i = 0; i < cards.length; i++) {
      cards[i].classList.toggle("is-pinned",
        !!card && cards[i].getAttribute("data-product-id") === String(card.id));
    }
    if (!card) {
      box.hidden = true;
      window.LiveRoom.onPinned.forEach(function (listener) { listener(null, null, box); });
      return;
    }
    var inner = K.el("div", "live-pinned-inner");
    inner.appendChild(K.thumb(card.image_url, card.title, 72, "live-pinned-empty"));
    var text = K.el("div", "live-pinned-text");
    text.appendChild(K.el("span", "live-pinned-label", t("featured")));
    text.appendChild(K.el("span", "live-pinned-title", card.title));
    text.appendChild(K.el("span", "price", K.money(card.price_cents, card.currency)));
    inner.appendChild(text);
    var buy = K.el("a", "btn btn-small live-buy", t("buy"));
    buy.href = K.safeUrl(card.url);
    buy.setAttribute("data-buy", String(parseInt(card.id, 10)));  // buy-sheet.js
    inner.appendChild(buy);
    box.appendChild(inner);
    box.hidden = false;
    addToBag(card);
    // group-room.js adds the pinned product's group deal (拼团) to the card
    window.LiveRoom.onPinned.forEach(function (listener) { listener(card, groupBuy || null, box); });
  }

  /* A product pinned mid-show joins the bag sheet's list (server-rendered at load). */
  function addToBag(card) {
    var list = $("room-bag-list");
    if (!list || list.querySelector('[data-product-id="' + String(parseInt(card.id, 10)) + '"]')) return;
    var none = list.querySelector(".bag-none");
    if (none) none.parentNode.removeChild(none);
    var item = K.el("li", "bag-item");
    item.setAttribute("data-product-id", String(parseInt(card.id, 10)));
    item.appendChild(K.thumb(card.image_url, card.title, 72, "bag-empty"));
    var text = K.el("div", "bag-text");
    var title = text.appendChild(K.el("a", "bag-title", card.title));
    title.href = K.safeUrl(card.url);
    text.appendChild(K.el("span", "price", K.money(card.price_cents, card.currency)));
    item.appendChild(text);
    var buy = K.el("a", "btn btn-small live-buy", t("buy"));
    buy.href = K.safeUrl(card.url);
    buy.setAttribute("data-buy", String(parseInt(card.id, 10)));
    item.appendChild(buy);
    list.insertBefore(item, list.firstChild);
    var count = $("room-bag-n");
    if (count) count.textContent = String(list.querySelectorAll(".bag-item").length);
  }

  // --- chat ---------------------------------------------------------------------------

  function addMessage(message) {
    if (!chat || !message || room.seen[message.id]) return;
    room.seen[message.id] = true;
    var stick = K.nearBottom(chat);
    var item = K.messageItem(message);
    if (message.status === "held") item.appendChild(K.el("span", "chat-note", t("held")));
    chat.appendChild(item);
    while (chat.children.length > MAX_MESSAGES) chat.removeChild(chat.firstChild);
    if (stick) chat.scrollTop = chat.scrollHeight;
  }

  function renderChat(messages) {
    if (!chat) return;
    K.clear(chat);
    room.seen = {};
    (messages || []).forEach(addMessage);
    chat.scrollTop = chat.scrollHeight;
  }

  function removeMessage(id) {
    if (!chat) return;
    var item = chat.querySelector('[data-id="' + String(parseInt(id, 10)) + '"]');
    if (item) item.parentNode.removeChild(item);
  }

  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function updateChatBox() {
    var you = room.you || {};
    var muted = room.mutedUntil && Date.parse(room.mutedUntil) > Date.now() + (room.clockOffset || 0);
    var open = signedIn && !room.banned && room.status === "live" && you.can_chat !== false;
    if (form) form.hidden = !open;
    var slow = $("live-slow");
    if (slow) {
      slow.textContent = room.slow ? t("slow_mode", { n: room.slow }) : "";
      slow.hidden = !room.slow || room.status !== "live";
    }
    if (!note || !signedIn) return;  // anonymous: the sign-in link stays
    if (room.banned) note.textContent = t("banned");
    else if (room.status !== "live") note.textContent = t("chat_closed");
    else if (muted) note.textContent = t("muted_until", { time: K.localTime(room.mutedUntil) });
    else note.textContent = "";
  }

  if (form) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body || sending) return;
      sending = true;
      socket.emit("chat", { session_id: sessionId, body: body }, function (ack) {
        sending = false;
        if (ack && ack.ok) {
          input.value = "";
          showError("");
          addMessage(ack.message);
          chat.scrollTop = chat.scrollHeight;
        } else {
          var code = ack && ack.error && ack.error.code;
          if (code === "banned") room.banned = true;
          showError(K.ackError(ack, t));
          updateChatBox();
        }
      });
    });
  }

  // --- hearts: taps are batched, at most one `like` a second ------------------------

  var likeButton = $("live-like");
  likeButton.addEventListener("click", function () {
    room.pendingLikes += 1;
    setLikes(room.likes);
    var heart = K.el("span", "live-heart-float");
    heart.setAttribute("aria-hidden", "true");
    heart.textContent = "♥";
    $("live-video").appendChild(heart);
    heart.addEventListener("animationend", function () { heart.remove(); });
  });
  setInterval(function () {
    if (!room.pendingLikes || !socket.connected || room.status !== "live") return;
    var count = Math.min(room.pendingLikes, LIKES_MAX);
    socket.emit("like", { session_id: sessionId, count: count }, function (ack) {
      if (ack && ack.ok) {
        room.likes += count;
      }
      room.pendingLikes = Math.max(0, room.pendingLikes - count);
      setLikes(room.likes);
    });
  }, 1000);

  // --- "X just bought Y" --------------------------------------------------------------

  var tickerQueue = [];
  var tickerBusy = false;
  function tickerPush(text) {
    tickerQueue.push(text);
    if (tickerQueue.length > 5) tickerQueue.shift();
    if (!tickerBusy) nextPurchase();
  }

  function nextPurchase() {
    var ticker = $("live-ticker");
    if (!tickerQueue.length) {
      ticker.hidden = true;
      tickerBusy = false;
      return;
    }
    tickerBusy = true;
    ticker.textContent = tickerQueue.shift();
    ticker.hidden = false;
    setTimeout(nextPurchase, 4000);
  }

  // --- the socket ---------------------------------------------------------------------

  var socket = window.io("/live");
  // flash-room.js (loaded after this file) listens to the room through these.
  window.LiveRoom = {
    socket: socket, onState: [], onPinned: [], ticker: tickerPush, sessionId: sessionId,
    clockOffset: function () { return room.clockOffset || 0; }
  };

  function render(state, sentAt) {
    // The server read its clock somewhere between our asking and its answer:
    // take the middle, so a slow answer does not set our clocks behind.
    var now = Date.now();
    room.clockOffset = state.server_time_ms - (sentAt ? (sentAt + now) / 2 : now);
    var session = state.session || {};
    if (session.status === "ended" && root.getAttribute("data-status") !== "ended") {
      window.location.reload();  // the server renders the replay
      return;
    }
    room.scheduledAt = Date.parse(session.scheduled_at);
    room.you = state.you || {};
    room.mutedUntil = room.you.muted_until || null;
    room.slow = session.slow_mode_s || 0;
    setStatus(session.status);
    setViewers(state.viewers || 0);
    setLikes(state.likes || 0);
    renderPinned(state.pinned_product, state.group_buy);
    renderChat(state.chat);
    updateChatBox();
    window.LiveRoom.onState.forEach(function (listener) { listener(state); });
  }

  function join() {
    var sentAt = Date.now();
    socket.emit("join", { session_id: sessionId }, function (ack) {
      if (ack && ack.ok) {
        render(ack.state, sentAt);
      } else if (ack && ack.error && ack.error.code === "banned") {
        room.banned = true;
        updateChatBox();
      } else {
        showError(K.ackError(ack, t));
      }
    });
  }

  socket.on("connect", function () {
    $("live-conn").hidden = true;
    if (!room.banned) join();
  });
  socket.on("disconnect", function () { $("live-conn").hidden = false; });
  socket.on("chat", function (message) {
    if (message.session_id === sessionId) addMessage(message);
  });
  socket.on("chat_deleted", function (data) {
    if (data.session_id === sessionId) removeMessage(data.message_id);
  });
  socket.on("pinned", function (data) {
    if (data.session_id === sessionId) renderPinned(data.product, data.group_buy);
  });
  socket.on("viewers", function (data) {
    if (data.session_id === undefined || data.session_id === sessionId) setViewers(data.count);
  });
  socket.on("likes", function (data) {
    if (data.session_id === sessionId) setLikes(data.count);
  });
  socket.on("purchase", function (data) {
    if (data.session_id !== sessionId || !data.product) return;
    tickerPush(t("bought", { buyer: data.buyer, product: data.product.title }));
  });
  socket.on("session", function (data) {
    var session = data.session || {};
    if (session.id !== sessionId) return;
    if (session.status === "ended" || session.status === "removed") {
      window.location.reload();  // a replay, or a 404 for a live taken down
    } else if (session.status !== room.status) {
      join();  // started: the state (chat allowed, pinned product) comes fresh
    }
  });
  socket.on("slow_mode", function (data) {
    if (data.session_id !== sessionId) return;
    room.slow = data.seconds;
    updateChatBox();
  });
  socket.on("muted", function (data) {
    if (data.session_id !== sessionId) return;
    room.mutedUntil = data.until;
    updateChatBox();
  });
  socket.on("banned", function (data) {
    if (data.session_id !== sessionId) return;
    room.banned = true;
    updateChatBox();
  });
  socket.on("signed_out", function () {
    signedIn = false;
    if (form) form.hidden = true;
    if (note) note.textContent = t("signed_out");
    setTimeout(function () { window.location.reload(); }, 1500);
  });

  setInterval(tick, 1000);
})();
