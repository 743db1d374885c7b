"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, and the mail settings of the app.

`mail_server` starts with no server configured; a test builds its world first, then calls `up()` (a server
listens and the app sends to it), `down()` (the app sends to a port where nothing listens) or `off()` (no mail
server: the outbox). The settings are restored after the test."""
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.api.conftest import api  # noqa: F401  (the API caller fixture)

BASE_URL = "https://planner.example"
SENDER = "planner@planner.example"
MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER",
                 "BASE_URL")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """The aiosmtpd handler: keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = None

    def up(self):
        if self.controller is None:
            self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        self._configure("127.0.0.1")
        return self

    def down(self):
        """The app sends to this server's port while nothing listens there (connection refused)."""
        self.stop()
        self._configure("127.0.0.1")
        return self

    def off(self):
        self._configure("")
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def _configure(self, server):
        self.app.config.update(MAIL_SERVER=server, MAIL_PORT=self.port, MAIL_USE_TLS=False, MAIL_USERNAME="",
                               MAIL_PASSWORD="", MAIL_SENDER=SENDER, BASE_URL=BASE_URL)

    def received(self, to=None):
        """The messages received (parsed), optionally only those whose envelope names `to`."""
        return [
            email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            for envelope in self.recorder.envelopes
            if to is None or to in envelope.rcpt_tos
        ]

    def envelopes(self, to=None):
        return [e for e in self.recorder.envelopes if to is None or to in e.rcpt_tos]


@pytest.fixture
def mail_server(app):
    saved = {key: app.config.get(key) for key in MAIL_SETTINGS}
    server = MailServer(app).off()
    yield server
    server.stop()
    app.config.update(saved)
