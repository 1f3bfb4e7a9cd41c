// The header search box: prefix suggestions from /api/v1/search/suggest as you type.
// Without JavaScript the box is a plain GET form to /search.
const form = document.querySelector("form.search-box");
if (form) {
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector(".search-suggest");
  const endpoint = form.dataset.suggest;
  let timer = null;
  let active = -1;
  let seq = 0;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function hrefOf(item) {
    if (item.kind === "creator") return "/u/" + encodeURIComponent(item.username);
    return "/products/" + item.id;
  }

  function render(items) {
    list.replaceChildren();
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.id = "site-search-opt-" + i;
      li.setAttribute("role", "option");
      li.className = "suggest-" + item.kind;
      const a = document.createElement("a");
      a.href = hrefOf(item);
      a.textContent = item.text; // text only: never HTML from the server
      li.append(a);
      list.append(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    active = -1;
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
      if (mine === seq) render(data.items || []);
    } catch (e) {
      close(); // suggestions are a convenience; the form still submits
    }
  }

  function move(step) {
    const opts = options();
    if (!opts.length) return;
    active = (active + step + opts.length) % opts.length;
    opts.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", opts[active].id);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      window.location.assign(options()[active].querySelector("a").href);
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 200));
}
