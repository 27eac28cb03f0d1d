"""Who may talk to the server, and which writes are genuine.

The model is Jupyter's: the server prints a URL with a random token; opening it trades
the token for a session cookie (HttpOnly, SameSite=Strict) and redirects to a URL
without the token, so the token leaves the address bar and the history. Every later
request must carry that cookie. In small-team mode (``allow_remote``) a password form
opens a session too.

Each session has its own CSRF token, put in every page (a ``<meta>`` for the script and
a hidden field in every form). A write (any method but GET/HEAD) must echo it in the
``X-CSRF-Token`` header or the ``csrf_token`` form field, and a write whose ``Origin``
names another site is refused as well. Bound to loopback, the server also refuses a
``Host`` header that is not a loopback name (a DNS-rebinding page cannot then reach it).

Sessions live in memory: restarting the server logs every browser out, and the printed
URL logs it in again.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from themekit.coding.service import Change

SESSION_COOKIE = "themekit_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# No script that the server did not send from /static, no inline script or style, no
# plug-ins, no framing, forms only back to this server; nothing from the network.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
    " form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make form posts say "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so timing reveals nothing of the secret."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass
class BrowserSession:
    """One logged-in browser: its CSRF token, its coder and its undo history."""

    csrf: str
    coder: str | None
    # Per transcript: (undo groups, redo groups), as in the terminal app: session-long.
    history: dict[str, tuple[list[list[Change]], list[list[Change]]]] = field(default_factory=dict)

    def stacks(self, transcript_id: str) -> tuple[list[list[Change]], list[list[Change]]]:
        return self.history.setdefault(transcript_id, ([], []))


class Gate:
    """The server's secrets and the sessions they opened."""

    def __init__(
        self,
        *,
        token: str | None = None,
        password: str | None = None,
        coder: str | None = None,
        loopback_only: bool = True,
    ) -> None:
        self.token = token or secrets.token_urlsafe(32)
        self.password = password
        self.default_coder = coder
        self.loopback_only = loopback_only
        self.sessions: dict[str, BrowserSession] = {}

    def open_session(self) -> tuple[str, BrowserSession]:
        session_id = secrets.token_urlsafe(32)
        session = BrowserSession(csrf=secrets.token_urlsafe(32), coder=self.default_coder)
        self.sessions[session_id] = session
        return session_id, session

    def session_for(self, cookies: dict[str, str]) -> BrowserSession | None:
        session_id = cookies.get(SESSION_COOKIE)
        if not session_id:
            return None
        # Look-up by a random 256-bit key; a guess has nothing to time.
        return self.sessions.get(session_id)

    def host_allowed(self, host_header: str | None) -> bool:
        if not self.loopback_only:
            return True
        if not host_header:
            return False
        host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        return is_loopback(host)

    def csrf_ok(self, session: BrowserSession, given: str | None) -> bool:
        return same_secret(given, session.csrf)


class SecurityHeaders:
    """ASGI middleware: the security headers on every response, static files included."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
