"""``themekit serve``: the browser front end (``themekit.serve``), imported only when run."""

from __future__ import annotations

import os

import typer

from themekit.cli.app import app, env, open_project

PASSWORD_ENV = "THEMEKIT_SERVE_PASSWORD"

SERVE_HELP = "\n\n".join(
    [
        "Code, review and export in the browser: a local web app over this project.",
        "Prints the URL to open (it carries a one-off access token). The coding view has the"
        " terminal app's keys (j/k move, v or shift+click selects lines, 1-9 and / apply codes,"
        " x removes, m memo, e exemplar, u undo, ? help); every action is saved at once. The"
        " review pages list coded passages by code, group or coder, show agreement and"
        " reconcile disagreements; exports are anonymised as on the command line. The CLI and"
        " the terminal app can work on the project at the same time.",
        "Private by default: it listens on 127.0.0.1 only. --host with another address needs"
        f" --allow-remote and a password (from {PASSWORD_ENV}, or asked for): a small-team mode"
        " for a trusted network, without encryption. See docs/serve.md.",
    ]
)


@app.command("serve", help=SERVE_HELP)
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", help="Port to listen on (0: any free port)."),
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Coder name to start with (each browser can change it)."
    ),
    allow_remote: bool = typer.Option(
        False, "--allow-remote", help="Allow an address other than loopback, with a password."
    ),
) -> None:
    from themekit.serve import check_host
    from themekit.serve import serve as run_server

    password = os.environ.get(PASSWORD_ENV) or None
    if allow_remote and not password:
        password = typer.prompt("Password for the small-team mode", hide_input=True) or None
    check_host(host, allow_remote=allow_remote, password=password)
    project = open_project()
    root = project.root
    project.close()  # the server opens its own connection on its own thread
    e = env()
    if e.debug:
        os.environ["THEMEKIT_DEBUG"] = "1"  # the server then lets a bug's traceback through

    def announce(url: str) -> None:
        e.write(url)
        e.message("Open this URL in your browser; press Ctrl-C to stop the server.")

    run_server(
        root,
        host=host,
        port=port,
        coder=coder.strip() if coder else None,
        allow_remote=allow_remote,
        password=password,
        announce=announce,
    )
