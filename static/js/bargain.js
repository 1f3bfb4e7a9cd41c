/* Bargaining (砍价): countdowns (<time data-countdown>, HH:MM:SS from the server's
   clock), the record page's live price (Socket.IO `/live`: `watch_bargain`, then
   `bargain` events as friends help) and its share box (Copy, and the Web Share API
   when present). Without JavaScript the pages show the server's state and work. */
(function () {
  "use strict";

  var clockRoot = document.querySelector("[data-server-ms]");
  var offset = 0;  // the server's clock minus this browser's, in ms
  if (clockRoot) {
    var serverMs = parseInt(clockRoot.getAttribute("data-server-ms"), 10);
    if (!isNaN(serverMs)) offset = serverMs - Date.now();
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function hms(seconds) {
    var left = Math.max(0, Math.floor(seconds));
    return pad(Math.floor(left / 3600)) + ":" + pad(Math.floor(left % 3600 / 60)) + ":" + pad(left % 60);
  }

  function tick() {
    var now = Date.now() + offset;
    var clocks = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < clocks.length; i++) {
      var end = Date.parse(clocks[i].getAttribute("data-countdown"));
      if (!isNaN(end)) clocks[i].textContent = hms((end - now) / 1000);
    }
  }
  if (document.querySelector("[data-countdown]")) {
    tick();
    setInterval(tick, 1000);
  }

  var root = document.querySelector("[data-bargain-live]");
  if (!root) return;
  var strings = {};
  try { strings = JSON.parse(root.getAttribute("data-i18n") || "{}"); } catch (e) { strings = {}; }
  function t(key, values) {
    var text = String(strings[key] || key);
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  // The site's money format (blueprints/common.py `money`): ¥1,234.50
  var SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£", HKD: "HK$", TWD: "NT$", SGD: "S$", JPY: "¥", MYR: "RM", THB: "฿" };
  var currency = root.getAttribute("data-currency") || "CNY";
  function money(cents) {
    var symbol = SYMBOLS[currency] || currency + " ";
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(cents);
    var whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (currency === "JPY") return sign + symbol + whole;
    return sign + symbol + whole + "." + pad(abs % 100);
  }

  // --- the share box ----------------------------------------------------------------
  var shareInput = root.querySelector("[data-share-url]");
  var copyButton = root.querySelector("[data-copy]");
  var shareButton = root.querySelector("[data-web-share]");
  var copyStatus = root.querySelector("[data-copy-status]");
  if (shareInput && copyButton) {
    copyButton.hidden = false;
    copyButton.addEventListener("click", function () {
      function done(ok) { if (copyStatus) copyStatus.textContent = t(ok ? "copied" : "copy_failed"); }
      shareInput.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(shareInput.value).then(function () { done(true); }, function () { done(false); });
      } else {
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
    });
  }
  if (shareInput && shareButton && navigator.share) {
    shareButton.hidden = false;
    shareButton.addEventListener("click", function () {
      navigator.share({ title: shareButton.getAttribute("data-title"), url: shareInput.value }).catch(function () {});
    });
  }

  // --- the live price ---------------------------------------------------------------
  var recordId = parseInt(root.getAttribute("data-record-id"), 10);
  var status = root.getAttribute("data-status");
  function el(name) { return root.querySelector("[data-bargain-" + name + "]"); }
  var list = el("helps");

  function helperItem(help) {
    var li = document.createElement("li");
    li.className = "bg-help";
    li.setAttribute("data-username", help.username);
    var face = document.createElement("span");
    face.className = "avatar avatar-sm avatar-empty";
    face.setAttribute("aria-hidden", "true");
    face.textContent = (help.display_name || help.username).slice(0, 1);
    var name = document.createElement("span");
    name.className = "bg-help-name";
    name.textContent = help.display_name || help.username;
    var cut = document.createElement("span");
    cut.className = "bg-help-cut";
    cut.textContent = t("help_cut", { cut: money(help.cut_cents) });
    li.appendChild(face);
    li.appendChild(name);
    li.appendChild(cut);
    return li;
  }

  function setText(node, text) { if (node) node.textContent = text; }

  /* Helpers in the server's order (keeping the nodes already shown, with their
     photos), then the price, the bar, the counts and the buttons. */
  function render(record, event, username) {
    if (!record || record.id !== recordId) return;
    if (record.status === "ordered" || record.status === "failed") {
      if (record.status !== status) window.location.reload();  // the server says what now
      return;
    }
    if (list) {
      var known = {};
      var nodes = list.querySelectorAll("[data-username]");
      for (var i = 0; i < nodes.length; i++) known[nodes[i].getAttribute("data-username")] = nodes[i];
      var fresh = record.helps.map(function (help) { return known[help.username] || helperItem(help); });
      while (list.firstChild) list.removeChild(list.firstChild);
      fresh.forEach(function (node) { list.appendChild(node); });
      var none = el("nohelps");
      if (none) none.hidden = record.helps.length > 0;
    }
    var price = money(record.price_cents);
    setText(el("price"), price);
    var bar = el("bar");
    if (bar) { bar.value = record.progress; bar.textContent = record.progress + "%"; }
    var cut = money(record.start_price_cents - record.price_cents);
    setText(el("cut"), record.status === "open"
      ? t("cut_so_far", { cut: cut, left: money(record.price_cents - record.floor_price_cents) })
      : t("cut_total", { cut: cut }));
    setText(el("count"), t("helpers", { n: record.helpers, total: record.helpers_needed }));
    var buy = el("buy");
    if (buy) setText(buy, t("buy_now", { price: price }));
    if (record.status === "succeeded" && status !== "succeeded") {
      status = "succeeded";
      root.setAttribute("data-status", status);
      setText(el("banner"), t("succeeded"));
      var help = el("help");
      if (help) help.hidden = true;
      var share = el("share");
      if (share) share.hidden = true;
      if (buy) buy.classList.remove("btn-ghost");
      var panel = root.querySelector(".bg-status");
      if (panel) { panel.classList.remove("bg-state-open"); panel.classList.add("bg-state-succeeded"); }
    }
    if (event === "helped" || event === "succeeded") {
      var mine = record.helps.filter(function (h) { return h.username === username; })[0];
      if (mine) {
        setText(el("live-text"), t("helped_live", {
          name: mine.display_name || mine.username, cut: money(mine.cut_cents), price: price
        }));
      }
    }
  }

  if (!window.io || isNaN(recordId) || (status !== "open" && status !== "succeeded")) return;
  var socket = window.io("/live");
  function watch() {
    socket.emit("watch_bargain", { record_id: recordId }, function (ack) {
      if (ack && ack.ok) render(ack.record);
    });
  }
  socket.on("connect", watch);
  socket.on("bargain", function (data) {
    if (data) render(data.record, data.event, data.username);
  });
})();
