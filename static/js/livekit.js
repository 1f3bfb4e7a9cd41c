/* Small helpers shared by live.js (the room) and console.js (the host console).
   User text only ever goes into the page through textContent. */
(function () {
  "use strict";
  var SYMBOLS = {
    CNY: "¥", USD: "$", EUR: "€", GBP: "£", HKD: "HK$", TWD: "NT$", SGD: "S$",
    JPY: "¥", MYR: "RM", THB: "฿"
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node && node.firstChild) node.removeChild(node.firstChild);
  }

  function translator(root) {
    var strings = {};
    try { strings = JSON.parse(root.getAttribute("data-i18n") || "{}"); } catch (e) { strings = {}; }
    return function (key, values) {
      var text = strings[key] || key;
      if (values) {
        Object.keys(values).forEach(function (name) {
          text = text.split("{" + name + "}").join(String(values[name]));
        });
      }
      return text;
    };
  }

  function money(cents, currency) {
    if (typeof cents !== "number") return "";
    var symbol = Object.prototype.hasOwnProperty.call(SYMBOLS, currency) ? SYMBOLS[currency] : (currency || "") + " ";
    if (currency === "JPY") return symbol + Math.floor(cents / 100).toLocaleString("en-US");
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(cents);
    var whole = Math.floor(abs / 100).toLocaleString("en-US");
    var frac = String(abs % 100);
    return sign + symbol + whole + "." + (frac.length < 2 ? "0" + frac : frac);
  }

  /* Only same-site paths become links. */
  function safeUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" &&
      url.indexOf("\\") < 0 ? url : "#";
  }

  /* A product's picture (same-site URLs only) or, without one, its first letter. */
  function thumb(url, title, size, emptyClass) {
    if (!url) return el("span", emptyClass, (title || "?").slice(0, 1));
    var img = el("img");
    img.src = safeUrl(url);
    img.alt = "";
    img.width = size;
    img.height = size;
    return img;
  }

  function localTime(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined,
        { timeStyle: "short" }).format(when);
    } catch (e) {
      return when.toLocaleTimeString();
    }
  }

  function ackError(ack, t) {
    var error = (ack && ack.error) || {};
    var text = error.message || t("error");
    if (error.retry_after_s) text += " " + t("retry", { n: error.retry_after_s });
    return text;
  }

  /* A chat message as a list item: <li data-id><span.chat-name/> <span.chat-body/></li> */
  function messageItem(message) {
    var item = el("li", "chat-msg" + (message.status === "held" ? " is-held" : ""));
    item.setAttribute("data-id", String(message.id));
    if (message.user) item.setAttribute("data-user-id", String(message.user.id));
    item.appendChild(el("span", "chat-name", message.user ? message.user.display_name : "?"));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", "chat-body", message.body));
    return item;
  }

  /* Seconds as a countdown: "0:09", "4:59", "1:02:03". */
  function countdown(seconds) {
    var left = Math.max(0, Math.floor(seconds));
    var h = Math.floor(left / 3600);
    var m = Math.floor(left % 3600 / 60);
    var s = left % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  }

  // How a person is shown: the display name, else the username.
  function userName(user) { return user ? (user.display_name || user.username || "?") : "?"; }

  // A PK side's top supporters (at most three) into `list`, redrawn only when
  // who they are changed; `label` names the list for screen readers.
  function pkSupporters(list, people, label) {
    var key = (people || []).map(function (s) { return s.user ? s.user.id : ""; }).join(",");
    if (list.getAttribute("data-key") === key) return;
    list.setAttribute("data-key", key);
    clear(list);
    list.setAttribute("aria-label", label);
    (people || []).slice(0, 3).forEach(function (s, rank) {
      var item = list.appendChild(el("li", "ia-pk-fan ia-pk-fan-" + (rank + 1)));
      item.appendChild(el("span", "ia-pk-rank", String(rank + 1)));
      item.appendChild(el("span", "ia-pk-fan-name", userName(s.user)));
    });
  }

  // An ended PK's result line ("lily wins!" or "It's a draw!"), or "".
  function pkResult(pk, t) {
    if (pk.status !== "ended") return "";
    var winner = (pk.sides || []).filter(function (s) {
      return s.session_id === pk.winner_session_id;
    })[0];
    return winner ? t("pk_wins", { name: userName(winner.host) }) : t("pk_draw");
  }

  window.LiveKit = {
    el: el, clear: clear, translator: translator, money: money, safeUrl: safeUrl,
    localTime: localTime, ackError: ackError, messageItem: messageItem, nearBottom: nearBottom,
    countdown: countdown, thumb: thumb, userName: userName, pkSupporters: pkSupporters,
    pkResult: pkResult
  };
})();
