"""Whole public pages from the page cache (livestall/platform/pagecache.py) for
visitors who are not signed in.

`@cached_page("page")` on a view: a GET by an anonymous visitor with no message
waiting (a flash), whose query holds only the named arguments, is answered from
the cache when a fresh copy is there; else the view runs and its 200 is kept. The
key is the endpoint, its arguments, those query arguments and the language.

The one per-visitor thing on such a page, the CSRF token (the search form, the
meta tag scripts read), is a hole: the page is rendered with a placeholder and the
visitor's own token is put in on every answer, hit or miss. The after-request
hooks (the visitor cookie, the security headers) run as for any page, and what a
view does for each visit besides rendering (a post's view touchpoint) it names
in `on_hit`, with the data it saved through `remember()`.
"""

import re
from functools import wraps

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from livestall.accounts import signals as account_signals
from livestall.catalog import signals as catalog_signals
from livestall.content import signals as content_signals
from livestall.moderation import signals as moderation_signals
from livestall.platform.pagecache import Entry, Fragments, PageCache

HOLE = "__livestall_csrf_hole__"
_holes = {}  # name -> fn() -> HTML: the other per-visitor holes (a guest's cart)
EXTENSION = "livestall_pages"
FRAGMENTS = "livestall_fragments"
HEADER = "X-Page-Cache"  # HIT or MISS: for benchmarks and curious operators


def init_app(app):
    cache = PageCache(ttl_s=app.config["PAGE_CACHE_S"])
    app.extensions[EXTENSION] = cache
    app.extensions[FRAGMENTS] = Fragments()
    for signal in (
        catalog_signals.product_changed,
        content_signals.post_changed,
        account_signals.user_changed,
        moderation_signals.target_changed,
    ):
        signal.connect(cache.changed)  # weak: it goes with the app
    # Flask-WTF offers csrf_token as a global and by a context processor: both
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.jinja_env.globals["punch"] = punch
    app.jinja_env.globals["fragment"] = fragment
    app.jinja_env.globals["shared_fragment"] = shared_fragment
    app.after_request(_fill_holes)
    app.context_processor(lambda: {"csrf_token": _csrf_token})


def cache_of(app):
    return app.extensions[EXTENSION]


def hole(name):
    """Register `fn() -> HTML` as the per-visitor part `punch(name)` marks."""

    def decorator(fn):
        _holes[name] = fn
        return fn

    return decorator


def _marker(name):
    return f"__livestall_hole_{name}__"


def punch(name):
    """In a template: the visitor's own HTML for `name` (a hole in a cached page,
    filled on every answer)."""
    if g.get("page_cache_rendering"):
        return Markup(_marker(name))  # noqa: S704 - a fixed ASCII marker
    return _holes[name]()


def _csrf_token():
    return HOLE if g.get("page_cache_rendering") else generate_csrf()


def shared(key, compute):
    """What every viewer of a page sees alike (a page of posts, a shop's listing),
    from the same cache as the pages: kept `PAGE_CACHE_S` at most, dropped on the
    same changes. Signed-in pages use it around what is theirs alone. Values are
    shared between requests: treat them as read-only."""
    return cache_of(current_app).value(key, compute)


def shared_each(kind, ids, compute):
    """The values of `ids` in order (those `compute` knows), each from the shared
    store under (kind, id); `compute(missing ids) -> {id: value}` runs once for
    those not there. For the parts of a viewer's own page that are alike for
    everyone: the posts of a following feed."""
    cache = cache_of(current_app)
    found, missing = {}, []
    for key in ids:
        value = cache.get((kind, key))
        if value is None:
            missing.append(key)
        else:
            found[key] = value
    if missing:
        generation = cache.start()
        fresh = compute(missing)
        for key, value in fresh.items():
            cache.put((kind, key), value, generation)
        found.update(fresh)
    return [found[key] for key in ids if key in found]


def remember(**data):
    """Keep `data` with the page being rendered, for `on_hit` on later hits."""
    g.setdefault("page_cache_data", {}).update(data)


def _cacheable(cache, allowed):
    return (
        cache.enabled
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
        and all(name in allowed for name in request.args)
    )


def fragment(name, *key, caller):
    """In a template, a piece of the frame rendered once for each `key` (and
    language and whether the visitor is signed in), the visitor's holes filled
    in the response:

        {% call fragment("header", frame_key()) %}...{% endcall %}

    The key must name everything the piece shows but its holes (`punch()`, the
    CSRF token): tests render pages with and without fragments and compare.
    Frame pieces show no data, so nothing makes them stale (`Fragments`)."""
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return caller()  # rendered in full (tests compare the two)
    store = current_app.extensions[FRAGMENTS]
    full = (name, str(get_locale()), current_user.is_authenticated, *key)
    body = store.get(full)
    if body is None:
        body = _render_with_holes(caller)
        store.put(full, body)
    return _with_holes(body)


def shared_fragment(name, *key, caller):
    """A piece of a page alike for every viewer with the same `key` (a post's
    card, liked or not), from the page cache: as old as `PAGE_CACHE_S` at most,
    dropped on the same changes as pages. Holes as in `fragment`."""
    if not current_app.config.get("FRAGMENT_CACHE", True):
        return caller()
    cache = cache_of(current_app)
    if not cache.enabled:
        return caller()
    full = ("fragment", name, str(get_locale()), *key)
    return _with_holes(cache.value(full, lambda: _render_with_holes(caller)))


def _render_with_holes(caller):
    outer = g.get("page_cache_rendering", False)
    g.page_cache_rendering = True  # holes come out as markers
    try:
        return str(caller())
    finally:
        g.page_cache_rendering = outer


def _with_holes(body):
    g.page_holes = True  # the response is filled once, after the view
    return Markup(body)  # noqa: S704 - our own render, markers and all


def _fill_holes(response):
    """After a view that used fragments: the visitor's holes, filled once. (A page
    being cached keeps its markers: the cache fills each answer.)"""
    if (
        g.pop("page_holes", False)
        and not g.get("page_cache_rendering")
        and not response.direct_passthrough
        and not response.is_streamed
        and response.mimetype == "text/html"
    ):
        response.set_data(_fill(response.get_data()))
    return response


_MARKERS = re.compile(r"__livestall_(?:csrf_hole|hole_([a-z_]+))__")
_MARKERS_BYTES = re.compile(_MARKERS.pattern.encode())


def _fill(body):
    """Put this visitor's token and holes in `body` (bytes or str): one pass,
    each hole computed once."""
    text = isinstance(body, str)
    done = {}

    def value(match):
        name = match.group(1)
        name = name.decode() if name is not None and not text else name
        if name not in done:
            out = generate_csrf() if name is None else str(_holes[name]())
            done[name] = out if text else out.encode()
        return done[name]

    return (_MARKERS if text else _MARKERS_BYTES).sub(value, body)


def _answer(entry):
    g.pop("page_holes", None)  # filled here
    body = _fill(entry.body)
    response = current_app.response_class(body, status=entry.status)
    response.headers["Content-Type"] = entry.content_type
    return response


def cached_page(*allowed, on_hit=None):
    """Serve the view from the page cache for anonymous visitors (see above);
    `allowed`: the query arguments that make a different page (others bypass)."""

    def decorator(view):
        @wraps(view)
        def wrapper(**view_args):
            cache = cache_of(current_app)
            if not _cacheable(cache, allowed):
                return view(**view_args)
            key = (
                request.endpoint,
                tuple(sorted(view_args.items())),
                tuple(request.args.get(name) for name in allowed),
                str(get_locale()),
            )
            entry = cache.get(key)
            if entry is not None:
                if on_hit is not None:
                    on_hit(**entry.data)
                response = _answer(entry)
                response.headers[HEADER] = "HIT"
                return response
            generation = cache.start()
            g.page_cache_rendering = True
            try:
                response = current_app.make_response(view(**view_args))
            finally:
                g.page_cache_rendering = False
            if response.direct_passthrough:
                return response  # a file: no page, no hole
            if response.status_code != 200:  # not a page to keep
                g.pop("page_holes", None)
                response.set_data(_fill(response.get_data()))
                return response
            entry = Entry(
                body=response.get_data(),
                status=response.status_code,
                content_type=response.headers.get("Content-Type"),
                data=g.pop("page_cache_data", {}),
            )
            cache.put(key, entry, generation)
            response = _answer(entry)
            response.headers[HEADER] = "MISS"
            return response

        return wrapper

    return decorator
