/* A neighbourhood group's chat (/groups/ID) over Socket.IO /live.

   Without JavaScript the page works by its forms (send, delete, release, post a
   card, claim). With it: on every (re)connect the page watches the group again
   (`watch_group`) and merges the history its ack brings (what came or went while
   the connection was down); the input sends by `group_send`; `group_message` and
   `group_held` add messages live, `group_message_deleted` removes them;
   `group_muted` and `group_removed` say so and close the input. The owner's
   Delete and Release go by the socket too. User text only ever goes in through
   textContent. Config comes from the root's data- attributes. */
(function () {
  "use strict";
  var root = document.getElementById("group-chat");
  if (!root || typeof window.io !== "function" || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var $ = function (id) { return document.getElementById(id); };
  var groupId = parseInt(root.getAttribute("data-group-id"), 10);
  var me = parseInt(root.getAttribute("data-me"), 10);
  var ownerId = parseInt(root.getAttribute("data-owner-id"), 10);
  var isOwner = root.getAttribute("data-is-owner") === "yes";
  var list = $("gc-list");
  var form = $("gc-form");
  var input = $("gc-body");
  var notice = $("gc-notice");
  var errorBox = $("gc-error");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var removed = false;
  var ACK_TIMEOUT_MS = 10000;

  /* A path of the root's (made with the id 999999999) for `id`. */
  function path(attr, id) {
    return K.safeUrl(root.getAttribute(attr)).replace("999999999", String(parseInt(id, 10)));
  }

  function day(text) {  // "2026-12-08" in the page's language, as the server shows it
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!parts) return text || "";
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeZone: "UTC" }).format(
        new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3])));
    } catch (e) {
      return text;
    }
  }

  function when(iso) {
    var moment = new Date(iso);
    if (!iso || isNaN(moment.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { dateStyle: "medium", timeStyle: "short" }).format(moment);
    } catch (e) {
      return moment.toLocaleString();
    }
  }

  function postForm(action, className, label, hidden) {
    var f = K.el("form", className);
    f.method = "post";
    f.action = action;
    var token = K.el("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    f.appendChild(token);
    Object.keys(hidden || {}).forEach(function (name) {
      var field = K.el("input");
      field.type = "hidden";
      field.name = name;
      field.value = hidden[name];
      f.appendChild(field);
    });
    f.appendChild(label);
    return f;
  }

  function cardBlock(message) {
    var c = message.card || {};
    var kind = c.kind || "product";
    var box = K.el("div", "gc-card gc-card-" + kind);
    var text = K.el("span", "gc-card-text");
    text.appendChild(K.el("span", "gc-card-label", t("k_" + kind)));
    text.appendChild(K.el("span", "gc-card-title", c.title));
    if (kind === "coupon") {
      var head = K.el("div", "gc-card-link");
      var badge = K.el("span", "gc-card-img gc-card-coupon", t("k_coupon"));
      badge.setAttribute("aria-hidden", "true");
      head.appendChild(badge);
      if (c.min_spend_cents) text.appendChild(K.el("span", "gc-card-note", t("over", { amount: K.money(c.min_spend_cents, c.currency) })));
      head.appendChild(text);
      box.appendChild(head);
      var button = K.el("button", "btn btn-block gc-claim", t("claim"));
      button.type = "submit";
      button.appendChild(K.el("span", "visually-hidden", " · " + (c.title || "")));
      box.appendChild(postForm(path("data-claim-url", c.id), "gc-card-claim", button,
        { next: root.getAttribute("data-page-url") }));
      return box;
    }
    var link = K.el("a", "gc-card-link");
    link.href = path("data-card-url", message.id);
    var img = K.thumb(c.image_url, c.title, 64, "gc-card-img gc-card-empty");
    if (c.image_url) img.className = "gc-card-img";
    else img.setAttribute("aria-hidden", "true");
    link.appendChild(img);
    var price = K.money(c.price_cents || 0, c.currency);
    if (kind === "campaign" && c.items > 1) price = t("from", { price: price });
    var priceLine = K.el("span", "gc-card-price", price);
    if (kind === "group_buy" && c.team_size) priceLine.appendChild(K.el("span", "gc-card-note", " · " + t("teams_of", { n: c.team_size })));
    text.appendChild(priceLine);
    if (kind === "campaign") {
      text.appendChild(K.el("span", "gc-card-note", t("cutoff") + " " + when(c.cutoff_at)));
      var pickup = K.el("span", "gc-card-note gc-card-pickup", t("pickup") + " ");
      pickup.appendChild(K.el("strong", null, day(c.pickup_on)));
      text.appendChild(pickup);
    }
    link.appendChild(text);
    box.appendChild(link);
    return box;
  }

  function messageItem(message) {
    var user = message.user || {};
    var mine = user.id === me;
    var item = K.el("li", "gc-msg" + (mine ? " is-mine" : "") + (message.status === "held" ? " is-held" : "") +
      (message.card ? " has-card" : ""));
    item.setAttribute("data-id", String(message.id));
    item.id = "m-" + String(parseInt(message.id, 10));
    var face = K.thumb(user.avatar_url, user.display_name || user.username, 96, "avatar avatar-sm avatar-empty");
    if (user.avatar_url) face.className = "avatar avatar-sm";
    else face.setAttribute("aria-hidden", "true");
    item.appendChild(face);
    var main = K.el("div", "gc-msg-main");
    if (mine) {
      main.appendChild(K.el("span", "visually-hidden", t("you")));
    } else {
      var name = K.el("span", "gc-name", user.display_name || user.username);
      if (user.id === ownerId) {
        name.appendChild(document.createTextNode(" "));
        name.appendChild(K.el("span", "gc-owner-tag", t("owner")));
      }
      main.appendChild(name);
    }
    if (message.body) main.appendChild(K.el("p", "gc-bubble", message.body));
    if (message.card) main.appendChild(cardBlock(message));
    if (message.status === "held") main.appendChild(K.el("p", "gc-held-note", t("held")));
    if (isOwner || mine) {
      var del = K.el("button", "link gc-del", t("delete"));
      del.type = "submit";
      del.appendChild(K.el("span", "visually-hidden", " · " + (message.body || (message.card || {}).title || "")));
      var f = postForm(path("data-delete-url", message.id), "gc-del-form", del);
      f.setAttribute("data-gc-delete", String(message.id));
      main.appendChild(f);
    }
    item.appendChild(main);
    return item;
  }

  function nearBottom() {
    var doc = document.scrollingElement || document.documentElement;
    return doc.scrollHeight - doc.scrollTop - window.innerHeight < 160;
  }

  function toBottom() { window.scrollTo(0, (document.scrollingElement || document.documentElement).scrollHeight); }

  function shownIds() {
    var ids = {};
    var nodes = list.querySelectorAll(".gc-msg[data-id]");
    for (var i = 0; i < nodes.length; i++) ids[nodes[i].getAttribute("data-id")] = nodes[i];
    return ids;
  }

  function emptyState() { $("gc-empty").hidden = list.children.length > 0; }

  /* A message in its place (ids grow with time), once. */
  function addMessage(message, announce) {
    if (!message || shownIds()[String(message.id)]) return;
    var stick = nearBottom() || (message.user && message.user.id === me);
    var item = messageItem(message);
    var after = null;
    var nodes = list.children;
    for (var i = nodes.length - 1; i >= 0; i--) {
      if (parseInt(nodes[i].getAttribute("data-id"), 10) < message.id) { after = nodes[i]; break; }
    }
    list.insertBefore(item, after ? after.nextSibling : list.firstChild);
    emptyState();
    if (announce && message.user && message.user.id !== me) {
      $("gc-live-text").textContent = (message.user.display_name || "") + ": " + (message.body || (message.card || {}).title || "");
    }
    if (stick) toBottom();
  }

  function removeMessage(id) {
    var key = String(parseInt(id, 10));
    var item = list.querySelector('.gc-msg[data-id="' + key + '"]');
    if (item) item.parentNode.removeChild(item);
    removeHeld(key);
    emptyState();
  }

  function removeHeld(key) {
    var held = $("gc-held-list");
    if (!held) return;
    var item = held.querySelector('[data-id="' + key + '"]');
    if (item) item.parentNode.removeChild(item);
    $("gc-held").hidden = held.children.length === 0;
  }

  /* A held message in the owner's list, with Release and Delete. */
  function addHeld(message) {
    var held = $("gc-held-list");
    var key = String(parseInt(message.id, 10));
    if (!held || held.querySelector('[data-id="' + key + '"]')) return;
    var item = K.el("li", "gc-held-item");
    item.setAttribute("data-id", key);
    var body = K.el("p", "gc-held-body");
    body.appendChild(K.el("strong", null, message.user.display_name || message.user.username));
    body.appendChild(document.createTextNode(": " + (message.body || "")));
    item.appendChild(body);
    var actions = K.el("div", "gc-held-actions");
    var release = K.el("button", "btn btn-small", t("release"));
    release.type = "submit";
    var rf = postForm(path("data-release-url", message.id), "", release);
    rf.setAttribute("data-gc-release", key);
    actions.appendChild(rf);
    var del = K.el("button", "btn btn-small btn-ghost", t("delete"));
    del.type = "submit";
    var df = postForm(path("data-delete-url", message.id), "", del);
    df.setAttribute("data-gc-delete", key);
    actions.appendChild(df);
    item.appendChild(actions);
    held.appendChild(item);
    $("gc-held").hidden = false;
  }

  /* The history of a (re)join: add what is missing, drop what was deleted. */
  function merge(messages) {
    var shown = shownIds();
    var keep = {};
    var oldest = messages.length ? messages[0].id : Infinity;
    messages.forEach(function (m) { keep[String(m.id)] = true; });
    Object.keys(shown).forEach(function (id) {
      if (!keep[id] && parseInt(id, 10) >= oldest) shown[id].parentNode.removeChild(shown[id]);
    });
    messages.forEach(function (m) { addMessage(m, false); });
    emptyState();
  }

  function say(node, text) {
    if (!node) return;
    node.textContent = text || "";
    node.hidden = !text;
  }

  function closeInput(text) {
    say(notice, text);
    var bar = $("gc-input");
    if (bar) bar.classList.add("is-closed");
  }

  function setMuted(until) {
    var bar = $("gc-input");
    var send = form ? form.querySelector("button[type=submit]") : null;
    var muted = !!(until && Date.parse(until) > Date.now());
    if (send) send.disabled = muted;
    if (muted) {
      say(notice, t("muted_until", { time: when(until) }));
      if (input) input.disabled = true;
    } else {
      say(notice, "");
      if (input) input.disabled = false;
      if (bar) bar.classList.remove("is-closed");
    }
  }

  function emit(name, payload, done) {
    var answered = false;
    function once(ack) {
      if (answered) return;
      answered = true;
      done(ack);
    }
    setTimeout(function () { once({ ok: false, error: { code: "timeout", message: t("error") } }); }, ACK_TIMEOUT_MS);
    socket.emit(name, payload, once);
  }

  var socket = window.io("/live");

  function watch() {
    emit("watch_group", { group_id: groupId }, function (ack) {
      if (ack && ack.ok) {
        merge(ack.messages || []);
        if (ack.you) setMuted(ack.you.muted_until);
        return;
      }
      var code = ack && ack.error && ack.error.code;
      if (code === "not_a_member" || code === "removed_from_group") {
        removed = true;
        closeInput(t("removed"));
      } else {
        say(errorBox, K.ackError(ack, t));
      }
    });
  }

  socket.on("connect", function () {
    say($("gc-conn"), "");
    if (!removed) watch();
  });
  socket.on("disconnect", function () { say($("gc-conn"), t("reconnecting")); });
  socket.on("group_message", function (message) {
    if (!message || message.group_id !== groupId) return;
    var key = String(parseInt(message.id, 10));
    removeHeld(key);  // released: out of the owner's list
    var was = shownIds()[key];
    if (was && was.classList.contains("is-held")) {  // the sender's own, now for all
      list.replaceChild(messageItem(message), was);
      return;
    }
    addMessage(message, true);
  });
  socket.on("group_held", function (message) {
    if (!message || message.group_id !== groupId || !message.user) return;
    if (message.user.id === me) addMessage(message, false);
    else if (isOwner) addHeld(message);
  });
  socket.on("group_message_deleted", function (data) {
    if (data && data.group_id === groupId) removeMessage(data.message_id);
  });
  socket.on("group_muted", function (data) {
    if (data && data.group_id === groupId) setMuted(data.until);
  });
  socket.on("group_removed", function (data) {
    if (!data || data.group_id !== groupId) return;
    removed = true;
    closeInput(t("removed"));
  });

  if (form && input) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (!socket.connected) return;  // the form posts it
      event.preventDefault();
      var body = input.value.trim();
      if (!body || sending) return;
      sending = true;
      emit("group_send", { group_id: groupId, body: body }, function (ack) {
        sending = false;
        if (ack && ack.ok) {
          input.value = "";
          say(errorBox, "");
          addMessage(ack.message, false);
          toBottom();
        } else {
          say(errorBox, K.ackError(ack, t));
        }
        input.focus();
      });
    });
  }

  /* Delete (the owner's, or one's own) and Release (the owner's) by the socket. */
  root.addEventListener("submit", function (event) {
    var f = event.target;
    var del = f.getAttribute("data-gc-delete");
    var release = f.getAttribute("data-gc-release");
    if ((!del && !release) || !socket.connected) return;
    event.preventDefault();
    var id = parseInt(del || release, 10);
    emit(del ? "group_delete" : "group_release", { group_id: groupId, message_id: id }, function (ack) {
      if (ack && ack.ok) {
        if (del) removeMessage(id);
        else removeHeld(String(id));
        say(errorBox, "");
      } else {
        say(errorBox, K.ackError(ack, t));
      }
    });
  });

  toBottom();
})();
