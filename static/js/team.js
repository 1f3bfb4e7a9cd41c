/* Group buying (拼团): countdowns (<time data-countdown>, HH:MM:SS from the server's
   clock), the team page's live seats (Socket.IO `/live`: `watch_team`, then
   `team` events) and its share box (Copy, and the Web Share API when present).
   Without JavaScript the pages show the server's first frame and work. */
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

  var root = document.querySelector("[data-team-live]");
  if (!root) return;
  var strings = {};
  try { strings = JSON.parse(root.getAttribute("data-i18n") || "{}"); } catch (e) { strings = {}; }
  function t(key, n) { return String(strings[key] || key).split("{n}").join(String(n)); }

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

  // --- live seats -------------------------------------------------------------------
  var teamId = parseInt(root.getAttribute("data-team-id"), 10);
  var status = root.getAttribute("data-status");
  var seats = root.querySelector("[data-team-seats]");
  var banner = root.querySelector("[data-team-banner]");
  var liveText = root.querySelector("[data-team-live-text]");

  function emptySeat() {
    var li = document.createElement("li");
    li.className = "gb-seat gb-seat-empty";
    li.setAttribute("data-empty", "");
    var circle = document.createElement("span");
    circle.className = "avatar avatar-sm gb-empty-circle";
    circle.setAttribute("aria-hidden", "true");
    circle.textContent = "?";
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = t("free_seat");
    li.appendChild(circle);
    li.appendChild(label);
    return li;
  }

  function memberSeat(member) {
    var li = document.createElement("li");
    li.className = "gb-seat" + (member.is_leader ? " gb-leader" : "");
    li.setAttribute("data-username", member.username);
    var face = document.createElement("span");
    face.className = "avatar avatar-sm avatar-empty";
    face.setAttribute("aria-hidden", "true");
    face.textContent = (member.display_name || member.username).slice(0, 1);
    li.appendChild(face);
    if (member.is_leader) {
      var tag = document.createElement("span");
      tag.className = "gb-leader-tag";
      tag.textContent = t("leader");
      li.appendChild(tag);
    }
    var name = document.createElement("span");
    name.className = "gb-seat-name";
    name.textContent = member.display_name || member.username;
    li.appendChild(name);
    return li;
  }

  /* Members in the server's order (keeping the nodes of those already shown, with
     their photos), then the free seats. */
  function render(team) {
    if (!team || team.id !== teamId) return;
    if (team.status !== status) {
      window.location.reload();  // formed or failed: the server renders the new page
      return;
    }
    var known = {};
    var nodes = seats.querySelectorAll("[data-username]");
    for (var i = 0; i < nodes.length; i++) known[nodes[i].getAttribute("data-username")] = nodes[i];
    var fresh = [];
    team.members.forEach(function (member) {
      fresh.push(known[member.username] || memberSeat(member));
    });
    for (var k = 0; k < team.seats_left; k++) fresh.push(emptySeat());
    while (seats.firstChild) seats.removeChild(seats.firstChild);
    fresh.forEach(function (node) { seats.appendChild(node); });
    var text = t("more_banner", team.seats_left);
    if (banner) banner.textContent = text;
    if (liveText) liveText.textContent = text;
    joinedFlash(team.seats_left);
  }

  /* The "You're in! 2 more needed." message of the join says the count now. */
  function joinedFlash(left) {
    var parts = String(strings.joined || "").split("{more}");
    if (parts.length !== 2 || !parts[0]) return;
    var flashes = document.querySelectorAll(".flashes .flash-success");
    for (var i = 0; i < flashes.length; i++) {
      var said = flashes[i].textContent.trim();
      var tail = said.substr(said.length - parts[1].length);
      if (said.indexOf(parts[0]) === 0 && tail === parts[1]) {
        flashes[i].textContent = parts[0] + t("more_needed", left) + parts[1];
      }
    }
  }

  if (!window.io || isNaN(teamId) || status !== "open") return;
  var socket = window.io("/live");
  function watch() {
    socket.emit("watch_team", { team_id: teamId }, function (ack) {
      if (ack && ack.ok) render(ack.team);
    });
  }
  socket.on("connect", watch);
  socket.on("team", render);
})();
