/* Flash sales in the host console: the list of the session's sales with live
   numbers (from `stock` events), a summary when one ends (the `flash_sale` ended
   event), and a confirm before "End sale". Loaded after console.js, which shares
   its socket through window.LiveConsole. */
(function () {
  "use strict";
  var root = document.getElementById("live-console");
  var list = document.getElementById("fsale-list");
  if (!root || !list || !window.LiveKit) return;
  var K = window.LiveKit;
  var t = K.translator(root);
  var sessionId = parseInt(root.getAttribute("data-session-id"), 10);
  var offset = 0;  // server clock minus this browser's clock, in ms

  // "End sale" asks first.
  list.addEventListener("submit", function (event) {
    if (event.target.closest(".fsale-end") && !window.confirm(t("fs_confirm_end"))) {
      event.preventDefault();
    }
  });

  // A refused launch: bring its form into view.
  var refused = document.querySelector(".fsale-launch .has-error, .fsale-launch .flash-error");
  if (refused) {
    refused.scrollIntoView({ block: "center" });
    var input = refused.querySelector("input, select");
    if (input) input.focus({ preventScroll: true });
  }

  if (!window.LiveConsole) return;
  var socket = window.LiveConsole.socket;

  function part(row, role) { return row.querySelector('[data-role="' + role + '"]'); }
  function rowOf(id) { return list.querySelector('.fsale-row[data-sale-id="' + String(parseInt(id, 10)) + '"]'); }
  function num(row, name) { return parseInt(row.getAttribute("data-" + name), 10) || 0; }

  function seconds(value) {
    return (Math.round(value * 10) / 10).toFixed(1) + " s";
  }

  function statusOf(row) {
    var now = Date.now() + offset;
    var status = row.getAttribute("data-status");
    if (status === "ended" || now >= Date.parse(row.getAttribute("data-ends-at"))) return "ended";
    if (now < Date.parse(row.getAttribute("data-starts-at")) + 999) return "scheduled";
    return num(row, "remaining") <= 0 ? "sold_out" : "open";
  }

  function paint(row) {
    var status = statusOf(row);
    row.className = "fsale-row fsale-status-" + status;
    var now = Date.now() + offset;
    var label = part(row, "status");
    if (status === "scheduled") {
      label.textContent = t("fs_scheduled", { time: K.countdown(Math.floor((Date.parse(row.getAttribute("data-starts-at")) + 999 - now) / 1000)) });
    } else if (status === "ended") {
      label.textContent = t("fs_ended");
    } else {
      label.textContent = t("fs_" + status, { time: K.countdown(Math.ceil((Date.parse(row.getAttribute("data-ends-at")) - now) / 1000)) });
    }
    var end = row.querySelector(".fsale-end");
    if (end) end.hidden = status === "ended";
  }

  function setNumbers(row, data) {
    var quantity = data.quantity !== undefined ? data.quantity : num(row, "quantity");
    row.setAttribute("data-quantity", String(quantity));
    row.setAttribute("data-remaining", String(data.remaining));
    part(row, "remaining").textContent = String(data.remaining);
    part(row, "held").textContent = String(data.held);
    part(row, "sold").textContent = data.sold + " / " + quantity;
    var price = num(row, "price-cents");
    part(row, "gmv").textContent = K.money(data.sold * price, row.getAttribute("data-currency"));
    var bar = part(row, "bar");
    bar.max = Math.max(quantity, 1);
    bar.value = data.sold + data.held;
    bar.textContent = (data.sold + data.held) + " / " + quantity;
    if (data.remaining <= 0 && part(row, "sellout").textContent === "—") {
      var took = (Date.now() + offset - Date.parse(row.getAttribute("data-starts-at"))) / 1000;
      part(row, "sellout").textContent = "≈ " + seconds(Math.max(0, took));
    }
    if (data.status === "ended") row.setAttribute("data-status", "ended");
    paint(row);
  }

  /* A sale launched elsewhere (the API, another moderator): a row from the template. */
  function addRow(sale) {
    var template = document.getElementById("fsale-row-template");
    if (!template) return null;
    var row = template.content.firstElementChild.cloneNode(true);
    row.setAttribute("data-sale-id", String(sale.id));
    row.setAttribute("data-price-cents", String(sale.price_cents));
    row.setAttribute("data-currency", sale.currency || "");
    row.setAttribute("data-starts-at", sale.starts_at);
    row.setAttribute("data-ends-at", sale.ends_at);
    row.setAttribute("data-status", sale.status);
    var product = sale.product || {};
    part(row, "title").textContent = product.title || "";
    part(row, "price").textContent = K.money(sale.price_cents, sale.currency);
    part(row, "list-price").textContent = K.money(product.price_cents, sale.currency);
    part(row, "limit").textContent = part(row, "limit").textContent.replace(/\d+/, String(sale.per_user_limit));
    var form = row.querySelector(".fsale-end");
    form.action = form.getAttribute("action").replace(/\/0\/end$/, "/" + parseInt(sale.id, 10) + "/end");
    list.insertBefore(row, list.firstChild);
    document.getElementById("fsale-none").hidden = true;
    return row;
  }

  window.LiveConsole.onState.push(function (state) {
    offset = state.server_time_ms - Date.now();
    (state.flash_sales || []).forEach(function (sale) {
      var row = rowOf(sale.id) || addRow(sale);
      if (row) setNumbers(row, sale);
    });
  });

  socket.on("flash_sale", function (data) {
    var sale = data && data.flash_sale;
    if (!sale || sale.session_id !== sessionId) return;
    var row = rowOf(sale.id) || addRow(sale);
    if (!row) return;
    if (data.event === "ended") sale.status = "ended";
    setNumbers(row, sale);
    if (data.summary) {
      part(row, "sold").textContent = data.summary.sold + " / " + sale.quantity;
      part(row, "gmv").textContent = K.money(data.summary.gmv_cents, sale.currency);
      part(row, "sellout").textContent = data.summary.sell_out_s === null ||
        data.summary.sell_out_s === undefined ? "—" : seconds(data.summary.sell_out_s);
    }
  });

  socket.on("stock", function (data) {
    var row = data && rowOf(data.flash_sale_id);
    if (row) setNumbers(row, data);
  });

  // Rows rendered by the server: seed their numbers for the clock.
  var rows = list.querySelectorAll(".fsale-row");
  for (var r = 0; r < rows.length; r++) {
    rows[r].setAttribute("data-remaining", part(rows[r], "remaining").textContent.trim());
  }
  setInterval(function () {
    var all = list.querySelectorAll(".fsale-row");
    for (var i = 0; i < all.length; i++) paint(all[i]);
  }, 500);
})();
