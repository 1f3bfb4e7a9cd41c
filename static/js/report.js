/* Reporting in place: a link with data-report-kind/-id (and, in a live room, a tap
   on someone's chat message, then its "Report" button) opens a sheet with the
   reasons; it sends POST /api/v1/reports and says what happened. Without this
   script the links open the report page. */
(function () {
  "use strict";
  var tpl = document.getElementById("report-sheet");
  if (!tpl || !window.fetch) return;
  var me = tpl.getAttribute("data-me");
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  var dialog = tpl.content.firstElementChild.cloneNode(true);
  document.body.appendChild(dialog);
  var form = dialog.querySelector("form");
  var status = dialog.querySelector(".report-sheet-status");
  var send = dialog.querySelector(".report-send");
  var target = null;
  var opener = null;

  function open(kind, id, from) {
    target = { kind: kind, id: parseInt(id, 10) };
    opener = from;
    form.reset();
    status.textContent = "";
    status.className = "small report-sheet-status";
    send.disabled = false;
    dialog.showModal();
    var first = dialog.querySelector("input[name=reason]");
    if (first) first.focus();
  }

  function close() {
    dialog.close();
    if (opener && opener.focus) opener.focus();
  }

  function say(text, ok) {
    status.textContent = text;
    status.className = "small report-sheet-status " + (ok ? "is-ok" : "error");
  }

  dialog.querySelector(".report-cancel").addEventListener("click", close);
  dialog.addEventListener("click", function (e) {
    if (e.target === dialog) close();  // a tap on the backdrop
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var reason = form.querySelector("input[name=reason]:checked");
    if (!reason) { say(tpl.getAttribute("data-i18n-failed"), false); return; }
    send.disabled = true;
    fetch("/api/v1/reports", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ kind: target.kind, id: target.id, reason: reason.value, text: form.text.value })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        if (resp.status === 201) {
          say(tpl.getAttribute("data-i18n-sent"), true);
          setTimeout(close, 1500);
        } else {
          send.disabled = false;
          say((body.error && body.error.message) || tpl.getAttribute("data-i18n-failed"), false);
        }
      });
    }).catch(function () {
      send.disabled = false;
      say(tpl.getAttribute("data-i18n-failed"), false);
    });
  });

  document.addEventListener("click", function (e) {
    var link = e.target.closest("[data-report-kind]");
    if (link) {
      e.preventDefault();
      open(link.getAttribute("data-report-kind"), link.getAttribute("data-report-id"), link);
      return;
    }
    // the live room's chat: a tap on someone else's message offers "Report"
    var message = e.target.closest("#live-chat .chat-msg");
    if (!message || message.getAttribute("data-user-id") === me) return;
    var shown = message.querySelector(".chat-report");
    if (shown) { shown.parentNode.removeChild(shown); return; }
    var old = document.querySelector("#live-chat .chat-report");
    if (old) old.parentNode.removeChild(old);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link small chat-report";
    button.textContent = tpl.getAttribute("data-i18n-report");
    button.setAttribute("data-report-kind", "chat");
    button.setAttribute("data-report-id", message.getAttribute("data-id"));
    message.appendChild(button);
    button.focus();
  });
})();
