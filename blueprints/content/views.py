"""The home feed, posts (write, read, edit, like, comment) and creator pages.

Views stay thin: they read the form, call `content.rules` / `content.social`
and render. Every write is a POST with a CSRF token that redirects back with a flash.
The like, comment and follow buttons' routes are in `actions` (same blueprint).
"""

import re

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from blueprints.common import (
    page_arg,
    page_count,
    record_post_view,
    role_required,
    share_url,
    store_upload,
    translate,
)
from blueprints.page_cache import cached_page, remember, shared, shared_each
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.content import social
from livestall.content.models import Follow
from livestall.errors import DomainError, NotAllowed, NotFound
from livestall.live import listings
from livestall.media.models import Image
from livestall.moderation import rules as moderation

bp = Blueprint("feed", __name__)
PER_PAGE = 20
PICKER_SIZE = 60  # newest active products offered as checkboxes on the post form
NEW_PRODUCTS = 10
LIVE_STRIP = 8
REPLAYS = 6
# A product reference pasted by a creator: an id, or a URL with /products/<id> in it.
PRODUCT_URL = re.compile(r"/products/(\d{1,15})(?:[/?#]|$)")
REF_SPLIT = re.compile(r"[\s,，、;；]+")


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _sign_in_first(back):
    """Anonymous visitors who press a button go to the sign-in page, then `back`."""
    return redirect(url_for("auth.login", next=back))


def post_or_404(post_id):
    """The post this visitor may read (drafts: their author only), else a 404."""
    try:
        return content.get_post(post_id, _me())
    except NotFound:
        abort(404)


def creator_or_404(username):
    try:
        return social.creator_by_username(username)
    except NotFound:
        abort(404)


def with_avatars(users):
    """Load the avatars of these users with one query (no query per card)."""
    users = [u for u in users if u is not None]
    ids = {u.avatar_id for u in users if u.avatar_id}
    found = {i.id: i for i in Image.select().where(Image.id.in_(ids))} if ids else {}
    for user in users:
        user.avatar_image = found.get(user.avatar_id)
    return users


def with_covers(sessions):
    """Load the cover images of these live sessions with one query."""
    ids = {s.cover_id for s in sessions if s.cover_id}
    found = {i.id: i for i in Image.select().where(Image.id.in_(ids))} if ids else {}
    for session in sessions:
        session.cover_image = found.get(session.cover_id)
    return sessions


def _live_strip(me):
    """Lives on now (for everyone), then upcoming ones of the creators `me` follows."""
    sessions = list(
        shared(("live.now",), lambda: with_covers(listings.live_now(LIVE_STRIP)))
    )
    if me is not None:
        followed = [
            f.followee_id
            for f in Follow.select(Follow.followee).where(Follow.follower == me.id)
        ]
        seen = {s.id for s in sessions}
        sessions += [
            s
            for s in listings.upcoming_of(followed, LIVE_STRIP)
            if s.id not in seen and s.status == "scheduled"
        ]
        with_covers(sessions[len(seen) :])
    return sessions


# --- home -----------------------------------------------------------------------------


def _discover(page):
    """Everyone's newest posts (a page) and the popular ones, ready for cards."""
    posts, total = content.recent(page, PER_PAGE)
    popular = content.popular()
    with_avatars([p.author for p in posts + popular])
    return posts, total, popular


def _cards(ids):
    found = content.cards(ids)
    with_avatars([p.author for p in found.values()])
    return found


@bp.route("/")
@cached_page("page", "tab")
def home():
    me = _me()
    follows = social.following_count(me) if me else 0
    tab = (
        "following" if follows and request.args.get("tab") != "discover" else "discover"
    )
    page = page_arg()
    popular = []
    if tab == "following":
        # the viewer's page of ids; the posts, alike for everyone, shared
        ids, total = content.following_ids(me, page, PER_PAGE)
        posts = shared_each("feed.card", ids, _cards)
    else:
        posts, total, popular = shared(("feed.discover", page), lambda: _discover(page))
    liked = social.liked_ids(me, posts + popular)
    new_products = shared(
        ("feed.new_products",),
        lambda: Product.with_images(
            Product.listing().order_by(Product.created_at.desc()).limit(NEW_PRODUCTS)
        ),
    )
    return render_template(
        "feed/home.html",
        feed_tab=tab,
        follows=follows,
        posts=posts,
        popular=popular,
        liked=liked,
        page=page,
        pages=page_count(total, PER_PAGE),
        total=total,
        new_products=new_products,
        live_strip_sessions=_live_strip(me),
    )


# --- writing --------------------------------------------------------------------------


def _ints(values):
    """Whole positive numbers among form values; anything else is ignored."""
    out = []
    for value in values:
        value = (value or "").strip()
        if value.isascii() and value.isdecimal() and len(value) <= 15 and int(value):
            out.append(int(value))
    return out


def parse_product_refs(text):
    """Product ids from pasted text: ids or product URLs, separated by spaces or
    commas. Junk tokens are ignored; unknown ids are left for the service to report."""
    ids = []
    for token in REF_SPLIT.split(text or ""):
        if not token:
            continue
        if token.isascii() and token.isdecimal():
            ids.extend(_ints([token]))
            continue
        match = PRODUCT_URL.search(token)
        if match:
            ids.extend(_ints([match.group(1)]))
    return ids


def product_ids_from(form):
    """Ticked products first, then pasted references; each id once, in order."""
    ids = _ints(form.getlist("product_ids")) + parse_product_refs(
        form.get("product_refs")
    )
    return list(dict.fromkeys(ids))


def product_picker(selected_ids):
    """The products to offer: the ones already chosen, then the newest active ones."""
    chosen = []
    if selected_ids:
        found = {
            p.id: p
            for p in Product.with_images(
                Product.listing()  # active ones, and archived ones tagged before
                .orwhere(Product.status == "archived")
                .where(Product.id.in_(selected_ids))
            )
        }
        chosen = [found[i] for i in selected_ids if i in found]
    newest = Product.with_images(
        Product.listing()
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(PICKER_SIZE)
    )
    seen = {p.id for p in chosen}
    return chosen + [p for p in newest if p.id not in seen]


def _own_images(ids, owner):
    """The owner's images among these ids, in the given order."""
    if not ids:
        return []
    found = {
        i.id: i
        for i in Image.select().where(Image.id.in_(ids) & (Image.owner == owner.id))
    }
    return [found[i] for i in ids if i in found]


def _save(post=None):
    """Handle the post form; return (post, errors, kept photos, chosen product ids)."""
    form, me, errors = request.form, _me(), {}
    publish = form.get("action") != "draft"
    product_ids = product_ids_from(form)
    image_ids = list(dict.fromkeys(_ints(form.getlist("image_ids"))))
    uploads = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(image_ids) + len(uploads) > content.IMAGES_MAX:
        errors["image_ids"] = gettext("At most %(n)d photos.", n=content.IMAGES_MAX)
        return None, errors, _own_images(image_ids, me), product_ids
    try:
        for upload in uploads:
            image_ids.append(store_upload(upload, me).id)
    except DomainError as e:
        errors["image_ids"] = translate(e)
        return None, errors, _own_images(image_ids, me), product_ids
    body = form.get("body", "")
    try:
        if post is None:
            post = content.create_post(me, body, product_ids, image_ids, publish)
        else:
            post = content.update_post(post, me, body, product_ids, image_ids, publish)
    except NotAllowed:
        raise
    except DomainError as e:
        errors[e.field or "form"] = translate(e)
        # Photos already stored come back as ticked boxes: no need to upload again.
        return None, errors, _own_images(image_ids, me), product_ids
    return post, errors, [], product_ids


def _form_page(post, errors, photos, product_ids):
    return (
        render_template(
            "feed/post_form.html",
            post=post,
            form=request.form if request.method == "POST" else None,
            errors=errors,
            photos=photos,
            selected=set(product_ids),
            picker=product_picker(product_ids),
            images_max=content.IMAGES_MAX,
            products_max=content.PRODUCTS_MAX,
        ),
        400 if errors else 200,
    )


@bp.route("/posts/new", methods=["GET", "POST"])
@role_required("creator")
def new_post():
    if request.method == "POST":
        post, errors, photos, product_ids = _save()
        if post is not None:
            flash(
                gettext("Post published.")
                if post.is_published
                else gettext("Draft saved. Only you can see it."),
                "success",
            )
            return redirect(url_for("feed.post", post_id=post.id))
        return _form_page(None, errors, photos, product_ids)
    return _form_page(None, {}, [], [])


def _authored_or_refused(post_id):
    """The post, for its author; 404 if the viewer cannot see it, else 403."""
    post = post_or_404(post_id)
    if post.author_id != current_user.id:
        abort(403)
    return post


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id):
    if not current_user.is_authenticated:
        return _sign_in_first(url_for("feed.edit_post", post_id=post_id))
    post = _authored_or_refused(post_id)
    if request.method == "POST":
        saved, errors, photos, product_ids = _save(post)
        if saved is not None:
            flash(
                gettext("Post saved.")
                if saved.is_published
                else gettext("Draft saved. Only you can see it."),
                "success",
            )
            return redirect(url_for("feed.post", post_id=saved.id))
        return _form_page(post, errors, photos, product_ids)
    content.hydrate([post])
    return _form_page(post, {}, post.photos, [p.id for p in post.tagged])


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
def delete_post(post_id):
    if not current_user.is_authenticated:
        return _sign_in_first(url_for("feed.post", post_id=post_id))
    post = post_or_404(post_id)
    content.delete_post(post, _me())  # NotAllowed: the 403 page
    flash(gettext("Post deleted."), "success")
    if post.author_id == current_user.id and post.author.has_role("creator"):
        return redirect(url_for("feed.creator", username=post.author.username))
    return redirect(url_for("feed.home"))


# --- reading --------------------------------------------------------------------------


def _post_extras(item):
    content.hydrate([item])
    with_avatars([item.author])
    return item.tagged, item.photos, item.author.avatar_image


def _viewed(post_id=None, author_id=None):
    """A cached post page's view still counts (the touchpoint of each read)."""
    if post_id is not None:
        record_post_view(post_id, author_id)


@bp.route("/posts/<int:post_id>")
@cached_page(on_hit=_viewed)
def post(post_id):
    me = _me()
    item = post_or_404(post_id)
    # tagged products (their merchant, covers), photos, the author's avatar: alike
    # for every reader (the post itself was read for this one: drafts, takedowns)
    item.tagged, item.photos, item.author.avatar_image = shared(
        ("feed.post", item.id, item.author.avatar_id), lambda: _post_extras(item)
    )
    comments = social.comments_of(item, me)
    if item.is_published:
        record_post_view(item.id, item.author_id)
        remember(post_id=item.id, author_id=item.author_id)
    return render_template(
        "feed/post.html",
        post=item,
        liked=item.id in social.liked_ids(me, [item]),
        following=social.is_following(me, item.author) if me else False,
        comments=comments,
        share_url=share_url("feed.post", post_id=item.id),
        is_author=bool(me and me.id == item.author_id),
        can_moderate=bool(me and (me.id == item.author_id or me.has_role("admin"))),
        taken_down=moderation.decision_for("post", item.id)
        if item.is_removed
        else None,
    )


# --- creators -------------------------------------------------------------------------


@bp.route("/u/<username>")
@cached_page("page")
def creator(username):
    me = _me()
    # the creator and their avatar, alike for every viewer: shared
    person = shared(("feed.creator.person", username), lambda: _creator_of(username))
    if not person:
        abort(404)
    page = page_arg()
    is_self = bool(me and me.id == person.id)
    public = shared(("feed.creator", person.id, page), lambda: _creator(person, page))
    posts, total = public["posts"], public["total"]
    if is_self:  # their drafts too
        posts, total = content.posts_of(person, me, page, PER_PAGE)
        with_avatars([p.author for p in posts])
    liked = social.liked_ids(me, posts)
    return render_template(
        "feed/creator.html",
        creator=person,
        is_self=is_self,
        following=social.is_following(me, person) if me else False,
        followers=social.follower_count(person),
        followees=social.following_count(person),
        picks=public["picks"],
        live_sessions=public["live_sessions"],
        replays=public["replays"],
        posts=posts,
        liked=liked,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


def _creator_of(username):
    try:
        person = social.creator_by_username(username)
    except NotFound:
        return False
    with_avatars([person])
    return person


def _creator(person, page):
    """What everyone sees alike on a creator's page: a page of their published
    posts, their picks, their coming lives and replays."""
    posts, total = content.posts_of(person, None, page, PER_PAGE)
    with_avatars([p.author for p in posts])
    return {
        "posts": posts,
        "total": total,
        "picks": content.picks_of(person),
        "live_sessions": with_covers(listings.upcoming_of([person.id], LIVE_STRIP)),
        "replays": with_covers(
            listings.listing("ended", host=person, page=1, per_page=REPLAYS)[0]
        ),
    }


@bp.app_template_filter("excerpt")
def excerpt(post, length=140):
    """A post's text for a card: the sanitised HTML's text, whitespace collapsed,
    cut at `length` characters. Plain text: the template escapes it."""
    # body_html was sanitised at save; striptags() returns plain, unescaped text.
    html = Markup(post.body_html or "")  # noqa: S704
    text = " ".join(html.striptags().split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
