/* The product picker of the post and live forms (templates/feed/_picker.html).

   Without this script the picker is a list of checkboxes. With it: a search box over
   the whole active catalogue (GET data-src?q=&page=), results shown as more
   checkboxes of the same list (with photo previews), the chosen products as chips
   with a remove button, and the limit (data-max) enforced as you tick. Chosen
   products that a new search does not list stay in the form, hidden. */
(function () {
  "use strict";

  var PER_PAGE = 20;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function setup(box) {
    var list = box.querySelector(".pick-list");
    var tools = box.querySelector(".picker-tools");
    var input = box.querySelector(".picker-q");
    var status = box.querySelector(".picker-status");
    var chips = box.querySelector(".picker-chips");
    var count = box.querySelector(".picker-count");
    var more = box.querySelector(".picker-more");
    var none = box.querySelector(".pick-none");
    if (!list || !tools || !input) return;
    var max = parseInt(box.getAttribute("data-max"), 10) || 20;
    var t = function (key) { return box.getAttribute("data-i18n-" + key) || ""; };
    var state = { q: "", page: 1, timer: null, seq: 0 };

    tools.hidden = false;
    box.classList.add("picker-ready");
    if (none) none.hidden = true;

    function labels() { return Array.prototype.slice.call(list.querySelectorAll("label.pick")); }
    function checked() { return labels().filter(function (l) { return l.querySelector("input").checked; }); }
    function titleOf(label) { return label.querySelector(".pick-title").textContent; }

    function renderChips() {
      var chosen = checked();
      chips.textContent = "";
      chosen.forEach(function (label) {
        var li = el("li", "picker-chip");
        var img = label.querySelector("img");
        if (img) {
          var thumb = el("img");
          thumb.src = img.src; thumb.alt = ""; thumb.width = 28; thumb.height = 28;
          li.appendChild(thumb);
        }
        li.appendChild(el("span", "picker-chip-title", titleOf(label)));
        var remove = el("button", "picker-chip-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", fmt(t("remove"), { title: titleOf(label) }));
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          label.querySelector("input").checked = false;
          if (label.classList.contains("picker-kept")) label.remove();
          update();
          input.focus();
        });
        li.appendChild(remove);
        chips.appendChild(li);
      });
      chips.hidden = chosen.length === 0;
      count.textContent = fmt(t("count"), { n: chosen.length, max: max });
    }

    function update() { renderChips(); }

    list.addEventListener("change", function (event) {
      var box_ = event.target;
      if (!box_ || box_.name !== "product_ids") return;
      if (box_.checked && checked().length > max) {
        box_.checked = false;
        status.textContent = fmt(t("limit"), { n: max });
      }
      update();
    });

    function makeLabel(item) {
      var label = el("label", "pick");
      label.setAttribute("data-id", item.id);
      var cb = el("input");
      cb.type = "checkbox"; cb.name = "product_ids"; cb.value = item.id;
      label.appendChild(cb);
      if (item.thumb_url) {
        var img = el("img");
        img.src = item.thumb_url; img.alt = ""; img.width = 48; img.height = 48;
        img.loading = "lazy";
        label.appendChild(img);
      } else {
        var empty = el("span", "pick-empty", item.title.slice(0, 1));
        empty.setAttribute("aria-hidden", "true");
        label.appendChild(empty);
      }
      var text = el("span", "pick-text");
      text.appendChild(el("span", "pick-title", item.title));
      var line = el("span", "small");
      line.appendChild(el("span", "price", item.price));
      line.appendChild(document.createTextNode(" · "));
      line.appendChild(el("span", "muted", item.merchant));
      text.appendChild(line);
      label.appendChild(text);
      return label;
    }

    function show(items, append) {
      var byId = {};
      labels().forEach(function (l) { byId[l.getAttribute("data-id")] = l; });
      if (!append) {
        // Unticked rows leave; ticked ones stay in the form, hidden unless listed.
        labels().forEach(function (l) {
          if (l.querySelector("input").checked) {
            l.hidden = true;
            l.classList.add("picker-kept");
          } else {
            l.remove();
            delete byId[l.getAttribute("data-id")];
          }
        });
      }
      items.forEach(function (item) {
        var label = byId[String(item.id)] || makeLabel(item);
        label.hidden = false;
        label.classList.remove("picker-kept");
        list.appendChild(label);  // results in their order, kept ones after
      });
      labels().forEach(function (l) { if (l.hidden) list.appendChild(l); });
    }

    function search(page) {
      var seq = ++state.seq;
      var url = box.getAttribute("data-src") + "?per_page=" + PER_PAGE + "&page=" + page +
        "&q=" + encodeURIComponent(state.q);
      box.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (resp) {
          if (!resp.ok) throw new Error(String(resp.status));
          return resp.json();
        })
        .then(function (data) {
          if (seq !== state.seq) return;  // an older answer after a newer query
          state.page = page;
          show(data.items, page > 1);
          more.hidden = !data.has_more;
          if (!state.q) status.textContent = t("newest");
          else if (!data.total) status.textContent = t("none");
          else if (data.total === 1) status.textContent = t("found-one");
          else status.textContent = fmt(t("found"), { n: data.total });
        })
        .catch(function () {
          if (seq === state.seq) status.textContent = t("failed");
        })
        .then(function () { box.removeAttribute("aria-busy"); });
    }

    input.addEventListener("input", function () {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === state.q) return;
        state.q = q;
        search(1);
      }, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // search now; never submit the post form
        event.preventDefault();
        clearTimeout(state.timer);
        state.q = input.value.trim();
        search(1);
      }
    });
    more.addEventListener("click", function () { search(state.page + 1); });
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll(".product-picker[data-src]"), setup);
})();
