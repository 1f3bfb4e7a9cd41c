"""Sign up, sign in, sign out, profile and password pages."""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.accounts import addresses, recovery, verify
from blueprints.accounts.signin import (
    device_token_for,
    register,
    set_device_cookie,
    sign_in,
)
from blueprints.common import (
    SHARE_KEY,
    VISITOR_COOKIE,
    safe_next,
    store_upload,
    translate,
)
from livestall.accounts import rules as accounts
from livestall.attribution import touchpoints
from livestall.errors import DomainError, RateLimited
from livestall.orders import cart

bp = Blueprint("auth", __name__)
addresses.add_routes(bp)  # the address book pages (/account/addresses)
recovery.add_routes(bp)  # forgotten passwords (/forgot-password, /reset-password)
verify.add_routes(bp)  # email verification (/verify-email)


def _home_for(user):
    if user.has_role("merchant"):
        return url_for("merchant.products")
    return url_for("feed.home")


def start_session(user, remember=False):
    """Sign in with a fresh session: nothing from before survives (no fixation)
    except the share link the visitor came by, which credits its sharer."""
    share = session.get(SHARE_KEY)
    session.clear()
    if share:
        session[SHARE_KEY] = share
    session.permanent = True  # lives PERMANENT_SESSION_LIFETIME, not the tab
    login_user(user, remember=remember)
    # What this browser saw before signing in now counts for the account.
    touchpoints.merge_visitor(request.cookies.get(VISITOR_COOKIE), user.id)
    cart.merge_cart(request.cookies.get(VISITOR_COOKIE), user)


def _form_error(template, form, errors, error, status):
    """The form again with its errors; 429 with Retry-After when the client
    must wait."""
    if isinstance(error, RateLimited):
        status = error.status
    response = make_response(
        render_template(template, form=form, errors=errors), status
    )
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    form, errors = request.form, {}
    if request.method == "POST":
        try:
            user = register(form, form.get("role") or "shopper")
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
            return _form_error("auth/signup.html", form, errors, e, 400)
        # The same answer when the email was another account's already
        # (accounts.rules.register): the new account is signed in all the same.
        verify.send_link(user)  # no mail for an address another account has
        start_session(user)
        flash(gettext("Welcome to Livestall, %(name)s!", name=user.name), "success")
        response = redirect(safe_next(request.args.get("next")) or _home_for(user))
        set_device_cookie(response, device_token_for(user))
        return response
    return render_template("auth/signup.html", form=form, errors=errors)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    form, errors = request.form, {}
    if request.method == "POST":
        try:
            user = sign_in(form.get("login"), form.get("password"))
        except DomainError as e:
            errors["form"] = translate(e)
            return _form_error("auth/login.html", form, errors, e, e.status)
        start_session(user, remember=bool(form.get("remember")))
        response = redirect(safe_next(request.args.get("next")) or _home_for(user))
        # this device gets past the limits strangers trip (accounts.throttling)
        set_device_cookie(response, device_token_for(user))
        return response
    return render_template("auth/login.html", form=form, errors=errors)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out everywhere: the session version changes, so old cookies stop working."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        logout_user()
    session.clear()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("feed.home"))


@bp.route("/me")
def me():
    """The phone's "Me" tab: the account's links by role (sign in or up when
    signed out), notifications, the language switch and sign out."""
    return render_template("auth/me.html")


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def profile():
    errors = {}
    if request.method == "POST":
        form = request.form
        user = current_user._get_current_object()
        try:
            avatar = None
            upload = request.files.get("avatar")
            if upload and upload.filename:
                avatar = store_upload(upload, user)
            accounts.update_profile(
                user,
                display_name=form.get("display_name", ""),
                bio=form.get("bio", ""),
                avatar=avatar,
                locale=form.get("locale", ""),
                languages=tuple(current_app.config["LANGUAGES"]),
            )
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
        else:
            flash(gettext("Profile saved."), "success")
            return redirect(url_for("auth.profile"))
    return (
        render_template("auth/profile.html", errors=errors, form=request.form),
        400 if errors else 200,
    )


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password():
    errors = {}
    if request.method == "POST":
        try:
            user = accounts.change_password(
                current_user._get_current_object(),
                request.form.get("current_password"),
                request.form.get("new_password"),
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as e:
            field = "new_password" if e.field == "password" else e.field
            errors[field or "form"] = translate(e)
        else:
            start_session(user)  # this browser stays signed in; all others are out
            response = redirect(url_for("auth.profile"))
            # devices known before are no longer (accounts.devices); this one is
            set_device_cookie(response, device_token_for(user))
            flash(
                gettext("Password changed. Other sessions were signed out."), "success"
            )
            return response
    return render_template("auth/password.html", errors=errors), (
        400 if errors else 200
    )


@bp.route("/language", methods=["POST"])
def language():
    """Switch the UI language (remembered in a cookie and on the account)."""
    lang = request.form.get("lang", "")
    languages = current_app.config["LANGUAGES"]
    if lang not in languages:
        flash(gettext("Unknown language."), "error")
        lang = None
    target = safe_next(request.form.get("next")) or url_for("feed.home")
    response = redirect(target)
    if lang:
        response.set_cookie(
            "lang",
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
        if current_user.is_authenticated:
            accounts.update_profile(
                current_user._get_current_object(),
                locale=lang,
                languages=tuple(languages),
            )
    return response
