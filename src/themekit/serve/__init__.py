"""``themekit serve``: coding, review and export in the browser, local and private.

A front end like the terminal app: it reads and writes only through the library
(``CodingSession`` for coding, ``compute_agreement`` and ``agree.reconcile`` for
agreement, the export API for Table 1, quotes and the rest), so the CLI and the terminal
app can work on the same project at the same time; the store's short WAL transactions
keep them apart, and every page load reads afresh.

Private by design (see ``security``): it listens on 127.0.0.1 unless told otherwise, a
random token in the printed URL opens a cookie session, every write carries a CSRF
token, the Content-Security-Policy forbids anything not served by this server (no
inline script, no fonts or scripts from the network: all assets are in ``static/``).
Listening beyond loopback needs ``allow_remote`` and a password: a small-team mode for
a trusted network, not for the internet (there is no TLS).

Starlette, uvicorn and Jinja2 are imported only when a server is built, so ``themekit
--help`` stays fast.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from themekit.errors import ThemekitError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ServeError(ThemekitError):
    """The server cannot start as asked."""


def check_host(host: str, *, allow_remote: bool, password: str | None) -> None:
    """Refuse a non-loopback address unless remote access is allowed with a password."""
    if host in LOOPBACK or host.startswith("127."):
        return
    if not allow_remote:
        raise ServeError(
            f"Refusing to listen on {host}: the server is private to this computer by default.",
            hint="Listen on 127.0.0.1, or allow remote access with a password"
            " (a small-team mode for a trusted network only).",
        )
    if not password:
        raise ServeError(
            f"Listening on {host} needs a password.",
            hint="Set a password for the small-team mode.",
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one), so the URL printed is the real one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto given explicitly: asyncio turns Nagle off (TCP_NODELAY) only for sockets whose
    # proto says TCP, and without it every response waited ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(
            f"Cannot listen on {host}:{port} ({exc.strerror}).",
            hint="Choose another port (0 picks a free one).",
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    project_root: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    coder: str | None = None,
    allow_remote: bool = False,
    password: str | None = None,
    token: str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the server until interrupted; ``announce`` receives the URL with the token."""
    check_host(host, allow_remote=allow_remote, password=password)
    import uvicorn

    from themekit.serve.app import create_app

    app, gate = create_app(
        project_root,
        token=token,
        password=password if allow_remote else None,
        coder=coder,
        loopback_only=not allow_remote,
    )
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    announce(f"http://{shown_host}:{bound_port}/?token={gate.token}")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
