/* Group buying (拼团) in the live room: when the pinned product has a running deal
   (the room state's and `pinned`'s `group_buy`), its card shows the group price and
   team size, "Buy alone ¥X" / "Start a group ¥Y", and the open teams closest to
   filling ("lan · 2 more needed · 03:12:09 · Join") with a countdown on the
   server's clock. `team_joined` puts "X joined a group" in the "just bought"
   ticker and updates the team's row; `group_buy` (coalesced) redraws the teams.
   The buttons open buy-sheet.js in group mode ([data-group-buy], [data-team]);
   without JavaScript they go to the product or team page.
   User text only ever goes in through textContent. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  var R = window.LiveRoom;
  if (!root || !R || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var SHOWN = 2;  // open teams on the card (the closest to filling)
  var me = null;  // the viewer's username, from the room state
  var last = { card: null, group: null, box: null };

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(expiresAt) {
    var left = Math.floor((Date.parse(expiresAt) - (Date.now() + R.clockOffset())) / 1000);
    if (!(left > 0)) return null;
    return two(Math.floor(left / 3600)) + ":" + two(Math.floor(left % 3600 / 60)) + ":" + two(left % 60);
  }

  function mine(team) {
    return !!me && (team.members || []).some(function (m) { return m.username === me; });
  }

  function teamRow(card, group, team) {
    var row = K.el("li", "group-team");
    row.setAttribute("data-team-id", String(parseInt(team.id, 10)));
    var leader = team.leader || {};
    var name = leader.display_name || leader.username || "?";
    var avatar = K.el("span", "group-avatar", name.slice(0, 1));
    avatar.setAttribute("aria-hidden", "true");
    row.appendChild(avatar);
    var text = K.el("span", "group-team-text");
    text.appendChild(K.el("span", "group-team-name", name));
    text.appendChild(K.el("span", "group-team-need", t("g_short", { n: team.seats_left })));
    row.appendChild(text);
    var time = K.el("span", "group-team-clock mono", clock(team.expires_at) || "");
    time.setAttribute("data-expires", team.expires_at);
    row.appendChild(time);
    if (mine(team)) {
      row.appendChild(K.el("span", "group-team-in", t("g_joined_you")));
    } else {
      var join = K.el("a", "btn btn-small group-join", t("g_join"));
      join.href = K.safeUrl(team.url);
      join.setAttribute("data-buy", String(parseInt(card.id, 10)));
      join.setAttribute("data-group-buy", String(parseInt(group.id, 10)));
      join.setAttribute("data-team", String(parseInt(team.id, 10)));
      join.setAttribute("aria-label", t("g_join_label", { name: name, n: team.seats_left }));
      row.appendChild(join);
    }
    return row;
  }

  function render(card, group, box) {
    last = { card: card, group: group, box: box };
    var old = box.querySelectorAll(".group-part");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
    var plain = box.querySelector(".live-pinned-inner > .live-buy");
    var on = !!(card && group && group.status === "active" && group.product_id === card.id);
    box.classList.toggle("has-group", on);
    if (plain) plain.hidden = on;
    if (!on) return;
    var text = box.querySelector(".live-pinned-text");
    var price = K.el("span", "group-price group-part");
    price.appendChild(K.el("span", "group-price-label", t("g_price") + " "));
    price.appendChild(K.el("strong", null, K.money(group.price_cents, group.currency)));
    price.appendChild(K.el("span", "group-size", " · " + t("g_team_of", { n: group.team_size })));
    if (text) {
      var solo = text.querySelector(".price");
      if (solo) solo.hidden = true;
      text.appendChild(price);
    }
    var actions = K.el("div", "group-actions group-part");
    var alone = K.el("a", "btn btn-light group-alone");
    alone.appendChild(K.el("span", null, t("g_alone")));
    alone.appendChild(K.el("strong", null, K.money(card.price_cents, card.currency)));
    alone.href = K.safeUrl(card.url);
    alone.setAttribute("data-buy", String(parseInt(card.id, 10)));
    actions.appendChild(alone);
    var start = K.el("a", "btn group-start");
    start.appendChild(K.el("span", null, t("g_start")));
    start.appendChild(K.el("strong", null, K.money(group.price_cents, group.currency)));
    start.href = K.safeUrl(card.url);
    start.setAttribute("data-buy", String(parseInt(card.id, 10)));
    start.setAttribute("data-group-buy", String(parseInt(group.id, 10)));
    actions.appendChild(start);
    box.appendChild(actions);
    var open = (group.open_teams || []).filter(function (team) {
      return team.status === "open" && team.seats_left > 0 && clock(team.expires_at);
    }).slice(0, SHOWN);
    if (!open.length) return;
    var list = K.el("ul", "group-teams group-part");
    list.setAttribute("aria-label", t("g_open_teams"));
    open.forEach(function (team) { list.appendChild(teamRow(card, group, team)); });
    box.appendChild(list);
  }

  function tick() {
    var clocks = document.querySelectorAll("#live-pinned .group-team-clock");
    for (var i = 0; i < clocks.length; i++) {
      var text = clock(clocks[i].getAttribute("data-expires"));
      if (text) clocks[i].textContent = text;
      else {
        var row = clocks[i].closest(".group-team");
        if (row) row.parentNode.removeChild(row);
      }
    }
  }

  R.onPinned.push(render);
  R.onState.push(function (state) {
    me = state.you && state.you.user ? state.you.user.username : null;
    if (last.box) render(last.card, state.group_buy || null, last.box);
  });

  R.socket.on("team_joined", function (data) {
    if (data.session_id !== R.sessionId || !data.username) return;
    R.ticker(t(data.status === "succeeded" ? "g_ticker_formed" : "g_ticker_joined", { name: data.buyer || data.username }));
    var row = document.querySelector('#live-pinned .group-team[data-team-id="' + String(parseInt(data.team_id, 10)) + '"]');
    if (!row) return;
    if (data.status !== "open" || !(data.seats_left > 0)) {
      row.parentNode.removeChild(row);
    } else {
      row.querySelector(".group-team-need").textContent = t("g_short", { n: data.seats_left });
    }
  });

  R.socket.on("group_buy", function (data) {
    if (data.session_id !== R.sessionId || !last.box || !last.card) return;
    render(last.card, data.group_buy || null, last.box);
  });

  setInterval(tick, 1000);
})();
