/* The post and creator pages without reloads (templates/feed/post.html, creator.html).

   - The photo gallery: a CSS scroll-snap row that touch swipes natively; this adds
     the "2/3" counter, the dots, prev/next buttons and the arrow keys.
   - Like, Follow and Comment forms are sent with fetch (Accept: application/json,
     X-CSRFToken) and the page is updated in place; without this script they are
     ordinary forms that redirect back.
   - Share: a Copy button (navigator.clipboard, else the link selected for the user).
   Messages come translated from the page (data-i18n-* attributes, JSON messages). */
(function () {
  "use strict";

  function fmt(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  /* POST a form as JSON-wanting fetch; resolve {ok, status, data}. */
  function send(url, form) {
    return fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        return { ok: resp.ok, status: resp.status, data: data };
      });
    });
  }

  function errorText(result, fallback) {
    return (result.data && result.data.error && result.data.error.message) || fallback;
  }

  /* 401: go and sign in, as the form would have. */
  function signInIfNeeded(result) {
    if (result.status === 401 && result.data && result.data.login_url) {
      window.location.assign(result.data.login_url);
      return true;
    }
    return false;
  }

  function failed(form) { return form.getAttribute("data-i18n-failed") || "Error"; }

  /* --- gallery ----------------------------------------------------------------- */

  function gallery(root) {
    var track = root.querySelector(".post-slides");
    var slides = root.querySelectorAll(".post-slide");
    var at = root.querySelector(".gallery-at");
    var dots = root.querySelectorAll(".gallery-dot");
    var prev = root.querySelector(".gallery-prev");
    var next = root.querySelector(".gallery-next");
    var live = root.querySelector(".gallery-live");
    if (!track || slides.length < 2) return;
    var current = 0;

    function index() {
      var width = track.clientWidth || 1;
      return Math.max(0, Math.min(slides.length - 1, Math.round(track.scrollLeft / width)));
    }

    function go(i) {
      i = Math.max(0, Math.min(slides.length - 1, i));
      track.scrollTo({ left: i * track.clientWidth, behavior: "smooth" });
    }

    function show() {
      var i = index();
      if (i === current && at.textContent === String(i + 1)) return;
      current = i;
      at.textContent = String(i + 1);
      dots.forEach(function (dot, n) {
        if (n === i) dot.setAttribute("aria-current", "true");
        else dot.removeAttribute("aria-current");
      });
      prev.disabled = i === 0;
      next.disabled = i === slides.length - 1;
      if (live) {
        live.textContent = fmt(root.getAttribute("data-i18n-photo"), {
          n: i + 1, total: slides.length,
        });
      }
    }

    var pending = null;
    track.addEventListener("scroll", function () {
      if (pending) return;
      pending = window.requestAnimationFrame(function () { pending = null; show(); });
    }, { passive: true });
    prev.addEventListener("click", function () { go(current - 1); });
    next.addEventListener("click", function () { go(current + 1); });
    dots.forEach(function (dot, n) {
      dot.addEventListener("click", function (event) {
        event.preventDefault();  // no jump of the whole page to #photo-n
        go(n);
      });
    });
    track.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: -1, ArrowRight: 1 };
      if (event.key in moves) {
        event.preventDefault();
        go(current + moves[event.key]);
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        go(event.key === "Home" ? 0 : slides.length - 1);
      }
    });
    // A turned phone or a resized window: stay on the same photo.
    window.addEventListener("resize", function () {
      track.scrollTo({ left: current * track.clientWidth, behavior: "instant" });
    });
    root.classList.add("gallery-ready");
    show();
  }

  /* --- like ---------------------------------------------------------------------- */

  function likeForm(form) {
    var button = form.querySelector("button");
    var status = document.querySelector(".post-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      send(form.action, form).then(function (result) {
        if (signInIfNeeded(result)) return;
        if (!result.ok) throw new Error(errorText(result, failed(form)));
        var liked = !!result.data.liked;
        button.setAttribute("aria-pressed", liked ? "true" : "false");
        button.classList.toggle("liked", liked);
        button.querySelector(".like-label").textContent =
          form.getAttribute(liked ? "data-i18n-liked" : "data-i18n-like");
        button.querySelector(".like-count").textContent = result.data.like_count;
        form.action = form.getAttribute(liked ? "data-unlike" : "data-like");
        if (status) status.textContent = "";
      }).catch(function (err) {
        if (status) status.textContent = err.message || failed(form);
      }).then(function () { button.disabled = false; });
    });
  }

  /* --- follow -------------------------------------------------------------------- */

  function followForm(form) {
    var button = form.querySelector("button");
    var status = form.parentNode.querySelector(".post-status") ||
      document.querySelector(".post-status");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      send(form.action, form).then(function (result) {
        if (signInIfNeeded(result)) return;
        if (!result.ok) throw new Error(errorText(result, failed(form)));
        var following = !!result.data.following;
        button.setAttribute("aria-pressed", following ? "true" : "false");
        button.classList.toggle("btn-ghost", following);
        button.textContent = form.getAttribute(
          following ? "data-i18n-following" : "data-i18n-follow");
        form.action = form.getAttribute(following ? "data-unfollow" : "data-follow");
        var stat = document.querySelector(".follower-stat");
        if (stat) {
          var n = result.data.followers;
          stat.querySelector(".follower-count").textContent = n;
          stat.querySelector(".follower-word").textContent =
            stat.getAttribute(n === 1 ? "data-one" : "data-many");
        }
        if (status) status.textContent = result.data.message || "";
      }).catch(function (err) {
        if (status) status.textContent = err.message || failed(form);
      }).then(function () { button.disabled = false; });
    });
  }

  /* --- comments ------------------------------------------------------------------ */

  function commentForm(form) {
    var box = form.querySelector("textarea");
    var error = form.querySelector(".comment-error");
    var status = form.querySelector(".comment-status");
    var button = form.querySelector("button[type=submit]");
    var list = document.querySelector(".comment-list");
    var empty = document.querySelector(".no-comments");

    function showError(message) {
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        box.setAttribute("aria-invalid", "true");
        box.setAttribute("aria-describedby", error.id);
      } else {
        box.removeAttribute("aria-invalid");
        box.removeAttribute("aria-describedby");
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      status.textContent = "";
      send(form.action, form).then(function (result) {
        if (signInIfNeeded(result)) return;
        if (!result.ok) {
          showError(errorText(result, failed(form)));
          box.focus();
          return;
        }
        showError("");
        list.insertAdjacentHTML("beforeend", result.data.comment.html);
        list.hidden = false;
        if (empty) empty.hidden = true;
        document.querySelectorAll(".comment-count").forEach(function (node) {
          node.textContent = result.data.comment_count;
        });
        box.value = "";
        status.textContent = result.data.message || "";
      }).catch(function () {
        showError(failed(form));
      }).then(function () { button.disabled = false; });
    });
  }

  /* --- share --------------------------------------------------------------------- */

  function sharePanel(body) {
    var input = body.querySelector("input");
    var button = body.querySelector(".share-copy");
    var status = body.querySelector(".share-status");
    if (!input || !button) return;
    button.hidden = false;

    function selected() {
      input.focus();
      input.select();
      input.setSelectionRange(0, input.value.length);
    }

    function fallback() {
      selected();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = body.getAttribute(done ? "data-i18n-copied" : "data-i18n-select");
    }

    button.addEventListener("click", function () {
      status.textContent = "";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          status.textContent = body.getAttribute("data-i18n-copied");
        }, fallback);
      } else {
        fallback();
      }
    });
    input.addEventListener("focus", function () { input.select(); });
  }

  document.querySelectorAll(".post-gallery").forEach(gallery);
  document.querySelectorAll("form.like-form").forEach(likeForm);
  document.querySelectorAll("form.follow-form").forEach(followForm);
  document.querySelectorAll("form.comment-form").forEach(commentForm);
  document.querySelectorAll(".share-body").forEach(sharePanel);
})();
