"""The templates' fast gettext (blueprints/translations.py) says what Flask-Babel
would: the request's language, another one inside `force_locale` (a mail to a
person who reads English, sent from a Chinese page), and back."""

from flask import render_template_string
from flask_babel import force_locale, gettext


def test_templates_follow_the_request_and_force_locale(app):
    page = '{{ _("Shop") }}|{{ ngettext("%(num)d unread", "%(num)d unread", 3) }}'
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        chinese = render_template_string(page)
        assert chinese.split("|")[0] == gettext("Shop") != "Shop"
        with force_locale("en"):
            assert render_template_string(page) == "Shop|3 unread"
        assert render_template_string(page) == chinese
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Shop|3 unread"
