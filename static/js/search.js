// Search, progressively enhanced (every part works as plain links and GET forms).
// 1. The header search box is a combobox (WAI-ARIA APG "list autocomplete"): prefix
//    suggestions from /api/v1/search/suggest as you type, arrows move through them,
//    Enter opens the chosen one, Esc closes the list and keeps what was typed.
// 2. On the results page, the header box searches the tab being looked at.
// 3. On a phone, the filters are a drawer (a modal dialog): the "Filters" button
//    opens it, focus moves in and stays in, Esc or × closes it and focus returns.

const form = document.querySelector("form.search-box");
if (form) combobox(form);
const page = document.querySelector(".search-page");
if (page && form) {
  const tab = page.dataset.tab;
  if (tab && tab !== "products") {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "type";
    hidden.value = tab;
    form.append(hidden);
  }
  if (page.hasAttribute("data-empty")) form.querySelector("input[name=q]").focus();
}
const drawer = document.getElementById("search-filters");
const toggle = document.querySelector(".filters-toggle");
if (drawer && toggle) filtersDrawer(drawer, toggle);

function combobox(form) {
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector(".search-suggest");
  const endpoint = form.dataset.suggest;
  const label = form.querySelector("label");
  if (label && label.textContent.trim()) list.setAttribute("aria-label", label.textContent.trim());
  let timer = null;
  let active = -1;
  let seq = 0;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    clearTimeout(timer);
    seq++; // a reply still on its way is not shown
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function hrefOf(item) {
    if (item.url) return item.url;
    if (item.kind === "creator") return "/u/" + encodeURIComponent(item.username);
    return "/products/" + item.id;
  }

  function render(items) {
    list.replaceChildren();
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.id = "site-search-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "suggest-option suggest-" + item.kind;
      li.dataset.href = hrefOf(item);
      const text = document.createElement("span");
      text.className = "suggest-text";
      // Text only, never HTML from the server; a creator's handle is shown apart.
      let label = item.text;
      if (item.kind === "creator" && item.username && label.endsWith(" " + item.username)) {
        label = label.slice(0, -item.username.length - 1);
      }
      text.textContent = label;
      li.append(text);
      if (item.kind === "creator" && item.username) {
        const handle = document.createElement("span");
        handle.className = "suggest-handle";
        handle.textContent = "@" + item.username;
        li.append(handle);
      }
      list.append(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
    place();
  }

  // On a phone the header box is narrow: the list spans the screen under it.
  // (Set through the CSSOM, which the CSP allows; no style attribute is written.)
  function place() {
    if (window.innerWidth >= 768) {
      list.style.removeProperty("left");
      list.style.removeProperty("right");
      list.style.removeProperty("width");
      return;
    }
    const box = form.getBoundingClientRect();
    list.style.left = 8 - box.left + "px";
    list.style.right = "auto";
    list.style.width = window.innerWidth - 16 + "px";
  }

  async function fetchSuggestions() {
    const q = input.value.trim();
    if (!q) return close();
    const mine = ++seq;
    try {
      const resp = await fetch(endpoint + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
      });
      if (!resp.ok || mine !== seq) return;
      const data = await resp.json();
      if (mine === seq && document.activeElement === input) render(data.items || []);
    } catch (e) {
      close(); // suggestions are a convenience; the form still submits
    }
  }

  function select(index) {
    const opts = options();
    active = index;
    opts.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function move(step) {
    const opts = options();
    if (list.hidden || !opts.length) {
      if (step > 0) fetchSuggestions();
      return;
    }
    // Past either end the selection returns to the text box (no option chosen).
    let next = active + step;
    if (next >= opts.length) next = -1;
    else if (next < -1) next = opts.length - 1;
    select(next);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Escape") {
      // A search input clears itself on Esc: keep the query, close the list.
      e.preventDefault();
      close();
    }
    else if (e.key === "Enter" && active >= 0 && !list.hidden) {
      e.preventDefault();
      window.location.assign(options()[active].dataset.href);
    }
    else if (e.key === "Tab") close();
  });
  // Picking with the pointer: keep the focus in the box, then follow the option.
  list.addEventListener("mousedown", (e) => e.preventDefault());
  list.addEventListener("click", (e) => {
    const option = e.target.closest("[role=option]");
    if (option) window.location.assign(option.dataset.href);
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

function filtersDrawer(drawer, toggle) {
  const phone = window.matchMedia("(max-width: 767.98px)");
  const closer = drawer.querySelector(".drawer-close");
  const backdrop = document.createElement("div");
  backdrop.className = "drawer-backdrop";
  backdrop.hidden = true;
  drawer.after(backdrop);
  toggle.setAttribute("role", "button");
  toggle.setAttribute("aria-haspopup", "dialog");
  toggle.setAttribute("aria-expanded", "false");
  if (closer) closer.setAttribute("role", "button");

  const focusables = () =>
    Array.from(
      drawer.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")
    ).filter((el) => !el.disabled && el.offsetParent !== null);

  function open() {
    drawer.classList.add("is-open");
    drawer.setAttribute("role", "dialog");
    drawer.setAttribute("aria-modal", "true");
    toggle.setAttribute("aria-expanded", "true");
    backdrop.hidden = false;
    document.body.classList.add("drawer-open");
    (closer || drawer).focus();
  }

  function close(returnFocus = true) {
    if (!drawer.classList.contains("is-open")) return;
    drawer.classList.remove("is-open");
    drawer.removeAttribute("role");
    drawer.removeAttribute("aria-modal");
    toggle.setAttribute("aria-expanded", "false");
    backdrop.hidden = true;
    document.body.classList.remove("drawer-open");
    if (returnFocus) toggle.focus();
  }

  toggle.addEventListener("click", (e) => { e.preventDefault(); open(); });
  toggle.addEventListener("keydown", (e) => {
    if (e.key === " ") { e.preventDefault(); open(); }
  });
  if (closer) {
    closer.addEventListener("click", (e) => { e.preventDefault(); close(); });
    closer.addEventListener("keydown", (e) => {
      if (e.key === " ") { e.preventDefault(); close(); }
    });
  }
  backdrop.addEventListener("click", () => close());
  drawer.addEventListener("keydown", (e) => {
    if (!drawer.classList.contains("is-open")) return;
    if (e.key === "Escape") { e.preventDefault(); close(); return; }
    if (e.key !== "Tab") return;
    const els = focusables();
    if (!els.length) return;
    const first = els[0];
    const last = els[els.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  phone.addEventListener("change", () => { if (!phone.matches) close(false); });
  // The no-JS link may have brought us here with the drawer as the target.
  if (window.location.hash === "#search-filters") {
    history.replaceState(null, "", window.location.pathname + window.location.search);
    if (phone.matches) open();
  }
}
