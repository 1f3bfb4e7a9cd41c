"""A real SMTP server (aiosmtpd) in-process for the mail tests of issue 23: the
test files' `smtp` fixture (`yield from serve(app)`) points the app's mailer at
it and gives its inbox."""

import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from blueprints.accounts import mail
from config import smtp_settings

RESET_SUBJECT = "Reset your Livestall password"
VERIFY_SUBJECT = "Confirm your email address for Livestall"


# --- the server ---------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address, subject=RESET_SUBJECT):
        return [
            m
            for rcpts, m in self.messages
            if address in rcpts and m["Subject"] == subject
        ]

    def resets(self):
        return [(r, m) for r, m in self.messages if m["Subject"] == RESET_SUBJECT]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app):
    """Make the app mail through a real SMTP server on a free local port; yield
    its inbox (the body of each test file's `smtp` fixture)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(smtp_settings(f"smtp://127.0.0.1:{port}"))
    mail.mail.init_app(app)
    assert app.extensions["mailman"].backend == "smtp"
    try:
        yield inbox
    finally:
        controller.stop()


def mailed_link(message, prefix):
    """The path of the link starting with `prefix` in a received mail's text."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S+{re.escape(prefix)}\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path
