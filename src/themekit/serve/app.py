"""The Starlette application behind ``themekit serve``.

Every page and action goes through ``_handle``: it checks the host, the session (or
the token in the URL, which it trades for a session cookie), the CSRF token of a write,
and turns a ``ThemekitError`` into a clear error page (or a JSON message for the
script) with nothing written. The handlers then call the library exactly as the other
front ends do: coding through ``CodingSession`` (the terminal app's calls, with its
pure ``CodingState`` deciding what a range toggle means), agreement through
``compute_agreement``, reconciliation through ``agree.reconcile``, and exports through
the export API (anonymised and leak-gated; downloads are written to a temporary folder
and streamed).

All handlers are ``async`` and do their (short) store work on the event-loop thread:
the project's SQLite connection belongs to that thread, and one person's clicks need no
parallelism. Nothing is cached between requests except the browser sessions, so what the
CLI or the terminal app wrote shows on the next page load.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from themekit.coding.service import Change, CodingSession
from themekit.coding.state import CodingState, locate_words
from themekit.errors import CodingError, ThemekitError
from themekit.serve import views
from themekit.serve.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    BrowserSession,
    Gate,
    SecurityHeaders,
    same_secret,
)

HERE = Path(__file__).parent
SUGGESTIONS_SHOWN = 5
HOW = "serve"  # the export API's audit ``how`` for exports made here

Handler = Callable[["Context"], Awaitable[Response]]


class BadRequest(ThemekitError):
    """A request the pages never send (a hand-made URL or form): 400, nothing written."""


class NotFound(ThemekitError):
    """Something named in the URL that the project does not have: 404."""


class Context:
    """One request: the project, the browser session and the helpers a handler needs."""

    def __init__(self, server: Server, request: Request, session: BrowserSession) -> None:
        self.server = server
        self.request = request
        self.session = session
        self.project = server.project

    def coding_session(self) -> CodingSession:
        if not self.session.coder:
            raise BadRequest("Choose your coder name first.", hint="Type it on the start page.")
        return CodingSession(self.project, self.session.coder)

    def page(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.server.templates.get_template(template).render(
            csrf=self.session.csrf,
            coder=self.session.coder,
            project_name=self.project.settings.name or self.project.root.name,
            **values,
        )
        return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})

    async def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(await self.request.body())
        except ValueError as exc:
            raise BadRequest("The request was not valid JSON.") from exc
        if not isinstance(body, dict):
            raise BadRequest("The request was not a JSON object.")
        return body

    async def form(self) -> dict[str, str]:
        form = await self.request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise BadRequest(f"'{what}' must be a whole number.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"'{what}' must be a whole number, not {value!r}.") from None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"'{what}' must be text.")
    return value


class Server:
    """The app's shared state: the open project, the templates and the gate."""

    def __init__(self, project_root: Path, gate: Gate) -> None:
        self.project_root = project_root
        self.gate = gate
        self._projects: dict[int, Any] = {}
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @property
    def project(self) -> Any:
        # A SQLite connection belongs to the thread that opened it: one per event-loop
        # thread (uvicorn has one; a test client starts one per session).
        thread = threading.get_ident()
        if thread not in self._projects:
            from themekit.project import Project

            self._projects[thread] = Project.open(self.project_root)
        return self._projects[thread]

    def close(self) -> None:
        project = self._projects.pop(threading.get_ident(), None)
        if project is not None:
            project.close()

    # -- the gate around every handler ----------------------------------------------------
    def route(
        self, handler: Handler, *, api: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            gate = self.gate
            if not gate.host_allowed(request.headers.get("host")):
                return self.refusal("This server answers only to its own address.", 403, api)
            token = request.query_params.get("token")
            if token is not None:
                if not same_secret(token, gate.token):
                    return self.refusal("The token in this link is wrong.", 403, api)
                session_id, _session = gate.open_session()
                query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + ("?" + urlencode(query) if query else "")
                response = RedirectResponse(target, status_code=303)
                _set_cookie(response, session_id, request)
                return response
            session = gate.session_for(request.cookies)
            if session is None:
                if gate.password is not None and request.url.path != "/login":
                    return RedirectResponse("/login", status_code=303)
                return self.refusal(
                    "Open this server through the link it printed when it started"
                    " (the link carries the access token).",
                    403,
                    api,
                )
            context = Context(self, request, session)
            if request.method not in SAFE_METHODS:
                origin = request.headers.get("origin")
                if origin is not None and origin not in self.origins(request):
                    return self.refusal("A write from another site was refused.", 403, api)
                given = request.headers.get(CSRF_HEADER)
                if given is None and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")
                ):
                    given = (await context.form()).get(CSRF_FIELD)
                if not gate.csrf_ok(session, given):
                    return self.refusal(
                        "This write was refused: its page is out of date (no valid CSRF"
                        " token). Reload the page and try again.",
                        403,
                        api,
                    )
            try:
                return await handler(context)
            except ThemekitError as exc:
                status = 404 if isinstance(exc, NotFound) else 400
                if api:
                    return JSONResponse({"ok": False, "error": exc.render()}, status_code=status)
                return context.page("error.html", status, message=exc.render())
            except Exception as exc:  # a bug: say so without echoing data (as the CLI does)
                if os.environ.get("THEMEKIT_DEBUG") or os.environ.get("THEMEKIT_RAISE_INTERNAL"):
                    raise
                print(
                    f"themekit serve: internal error ({type(exc).__name__}) on"
                    f" {request.method} {request.url.path}; set THEMEKIT_DEBUG=1 to see the"
                    " traceback, and please report it.",
                    file=sys.stderr,
                )
                message = (
                    f"Internal error ({type(exc).__name__}): this is a bug in themekit; please"
                    " report it. Reload the page to see what was saved."
                )
                return self.refusal(message, 500, api, title="Something went wrong")

        return endpoint

    def origins(self, request: Request) -> set[str]:
        host = request.headers.get("host", "")
        return {f"http://{host}", f"https://{host}"}

    def refusal(
        self, message: str, status: int, api: bool, *, title: str = "Not allowed"
    ) -> Response:
        if api:
            return JSONResponse({"ok": False, "error": message}, status_code=status)
        html = self.templates.get_template("refused.html").render(message=message, title=title)
        return HTMLResponse(html, status_code=status)


def _set_cookie(response: Response, session_id: str, request: Request) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


# -- pages ---------------------------------------------------------------------------------


async def home(ctx: Context) -> Response:
    progress: list[tuple[str, int, int, bool]] = []
    infos = ctx.project.store.transcripts()
    if ctx.session.coder:
        done = ctx.project.store.done_transcripts(ctx.session.coder)
        coded = {t: c for t, c, _n, _d in ctx.coding_session().progress()}
        progress = [(t.id, coded.get(t.id, 0), t.n_codable, t.id in done) for t in infos]
    else:
        progress = [(t.id, 0, t.n_codable, False) for t in infos]
    return ctx.page(
        "home.html",
        progress=progress,
        coders=ctx.project.store.coders(),
        has_codebook=ctx.project.store.current_codebook() is not None,
    )


async def set_coder(ctx: Context) -> Response:
    name = (await ctx.form()).get("coder", "").strip()
    if not name:
        raise BadRequest("A coder name is needed.", hint="Type your name as the coder.")
    ctx.session.coder = name
    ctx.session.history.clear()
    return RedirectResponse("/", status_code=303)


def _transcript_id(ctx: Context) -> str:
    transcript_id = ctx.request.path_params["transcript"]
    if not ctx.project.store.has_transcript(transcript_id):
        raise NotFound(
            f"No transcript '{transcript_id}'.",
            hint="Pick one from the list of transcripts on the start page.",
        )
    return str(transcript_id)


def _show_others(ctx: Context) -> bool:
    return ctx.request.query_params.get("others") == "1"


async def coding_page(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    session = ctx.coding_session()
    show_others = _show_others(ctx)
    page = views.transcript_page(session, transcript_id, show_others=show_others)
    if show_others:
        session.log_show_others(transcript_id)
    entries, shortcuts = views.codebook_entries(session.codebook)
    undo, redo = ctx.session.stacks(transcript_id)
    return ctx.page(
        "coding.html",
        page=page,
        entries=entries,
        shortcuts=shortcuts,
        labels={e.code.id: e.code.label for e in entries},
        show_others=show_others,
        can_undo=bool(undo),
        can_redo=bool(redo),
    )


# -- coding actions (JSON) ---------------------------------------------------------------


def _segment(session: CodingSession, transcript_id: str, segment_id: Any) -> Any:
    segment = session.store.segment(_int(segment_id, "segment"))
    if segment is None or segment.transcript_id != transcript_id:
        raise BadRequest(f"Transcript '{transcript_id}' has no such line.", hint="Reload the page.")
    return segment


async def _answer(
    ctx: Context,
    session: CodingSession,
    transcript_id: str,
    segment_ids: set[int],
    message: str,
) -> Response:
    show_others = ctx.request.query_params.get("others") == "1"
    rows = views.changed_rows(session, transcript_id, segment_ids, show_others=show_others)
    entries, shortcuts = views.codebook_entries(session.codebook)
    labels = {e.code.id: e.code.label for e in entries}
    macro = ctx.server.templates.get_template("_row.html").module.row  # type: ignore[attr-defined]
    undo, redo = ctx.session.stacks(transcript_id)
    return JSONResponse(
        {
            "ok": True,
            "message": message,
            "rows": {str(r.segment.id): str(macro(r, labels)) for r in rows},
            "undo": len(undo),
            "redo": len(redo),
        }
    )


def _record(ctx: Context, transcript_id: str, changes: list[Change]) -> None:
    if changes:
        undo, redo = ctx.session.stacks(transcript_id)
        undo.append(changes)
        redo.clear()


def _label(session: CodingSession, code_id: str) -> str:
    entry = session.codebook.by_id().get(code_id)
    return entry.code.label if entry else code_id


async def api_toggle(ctx: Context) -> Response:
    """Toggle a code on some lines (all have it: removed from all), or code a span."""
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    code_id = session.resolve_code(_text(body.get("code"), "code")).code.id
    ids = body.get("segments")
    if not isinstance(ids, list) or not ids:
        raise BadRequest("No line was selected.", hint="Select a line first.")
    segments = [_segment(session, transcript_id, i) for i in ids]
    span = body.get("span")
    words = body.get("words")
    if span is not None or words is not None:
        if len(segments) != 1:
            raise BadRequest("A span lies within one line.", hint="Select words in one line.")
        segment = segments[0]
        if not segment.codable:
            raise CodingError(
                "Interviewer lines cannot be coded.",
                hint="Choose a participant's line (interviewer lines are dimmed).",
            )
        if words is not None:
            start, end = locate_words(segment, _text(words, "words"))
        else:
            if not isinstance(span, list) or len(span) != 2:
                raise BadRequest("A span is two character offsets.")
            start, end = _int(span[0], "span"), _int(span[1], "span")
        change = session.apply(segment, code_id, span=(start, end))
        _record(ctx, transcript_id, [change] if change else [])
        message = (
            f"Coded the span with {_label(session, code_id)}."
            if change
            else "That span already has this code."
        )
        return await _answer(ctx, session, transcript_id, {segment.id}, message)
    # The terminal app's toggle semantics, decided by its state machine.
    own = session.store.codings(transcript_id=transcript_id, coder=session.coder)
    wanted = {s.id for s in segments}
    state = CodingState(
        sorted(segments, key=lambda s: s.line),
        own=[c for c in own if c.segment_id in wanted],
        skip_uncodable=False,
    )
    if len(segments) > 1:
        state.anchor, state.cursor = 0, len(segments) - 1
    plan = state.plan_toggle(code_id)
    changes = session.apply_and_remove(code_id, apply_to=plan.apply_to, remove=plan.remove)
    _record(ctx, transcript_id, changes)
    verb = "Applied" if plan.apply_to else "Removed"
    where = f"{len(changes)} lines" if len(changes) > 1 else f"line {segments[0].line}"
    return await _answer(
        ctx, session, transcript_id, wanted, f"{verb} {_label(session, code_id)} ({where})."
    )


async def api_remove(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    row = session.store.coding(_int(body.get("coding"), "coding"))
    if row is None or row.transcript_id != transcript_id:
        raise BadRequest("That coding no longer exists.", hint="Reload the page.")
    change = session.remove_coding(row)
    _record(ctx, transcript_id, [change] if change else [])
    return await _answer(
        ctx, session, transcript_id, {row.segment_id}, f"Removed {_label(session, row.code_id)}."
    )


async def api_memo(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    text = _text(body.get("text", ""), "text").strip()
    if body.get("coding") is not None:
        row = session.store.coding(_int(body["coding"], "coding"))
        if row is None or row.transcript_id != transcript_id:
            raise BadRequest("That coding no longer exists.", hint="Reload the page.")
        session.set_coding_memo(row, text)
        segment_id = row.segment_id
        message = "Memo saved on the coding." if text else "Memo cleared."
    else:
        segment = _segment(session, transcript_id, body.get("segment"))
        session.set_segment_memo(segment, text)
        segment_id = segment.id
        message = "Memo saved." if text else "Memo cleared."
    return await _answer(ctx, session, transcript_id, {segment_id}, message)


async def api_exemplar(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    segment = _segment(session, transcript_id, body.get("segment"))
    on = (session.coder, segment.id) not in session.store.exemplars(session.coder)
    session.set_exemplar(segment, on)
    message = "Marked as an exemplar quote." if on else "No longer an exemplar."
    return await _answer(ctx, session, transcript_id, {segment.id}, message)


async def _history(ctx: Context, *, redo: bool) -> Response:
    transcript_id = _transcript_id(ctx)
    session = ctx.coding_session()
    undo_stack, redo_stack = ctx.session.stacks(transcript_id)
    source, target = (redo_stack, undo_stack) if redo else (undo_stack, redo_stack)
    verb = "Redone" if redo else "Undone"
    if not source:
        return await _answer(ctx, session, transcript_id, set(), f"Nothing to {verb[:-2].lower()}.")
    group = source.pop()
    done = session.reverse_all(group)
    if done:
        target.append(done)
    ids = {c.coding.segment_id for c in group}
    n = len(done)
    return await _answer(
        ctx, session, transcript_id, ids, f"{verb}: {n} coding change{'s' if n != 1 else ''}."
    )


async def api_undo(ctx: Context) -> Response:
    return await _history(ctx, redo=False)


async def api_redo(ctx: Context) -> Response:
    return await _history(ctx, redo=True)


async def api_suggestions(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    session = ctx.coding_session()
    segment = _segment(session, transcript_id, ctx.request.query_params.get("segment"))
    applied = {c.code_id for c in session.store.codings(segment_id=segment.id, coder=session.coder)}
    rows = session.suggestions(
        segment, SUGGESTIONS_SHOWN + len(applied), show_others=_show_others(ctx)
    )
    shown = [r for r in rows if r[0] not in applied][:SUGGESTIONS_SHOWN]
    return JSONResponse(
        {
            "ok": True,
            "suggestions": [
                {
                    "code": code,
                    "label": _label(session, code),
                    "score": round(score, 3),
                    "model": model,
                    "reason": reason,
                }
                for code, score, model, reason in shown
            ],
        }
    )


async def api_suggestion(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    segment = _segment(session, transcript_id, body.get("segment"))
    code_id = _text(body.get("code"), "code")
    offered = {r[0]: r for r in session.suggestions(segment, 100, show_others=_show_others(ctx))}
    if code_id not in offered:
        raise BadRequest(
            f"'{code_id}' is not suggested for line {segment.line}.", hint="Reload the page."
        )
    _code, score, model, _reason = offered[code_id]
    if body.get("accept"):
        if not segment.codable:
            raise CodingError(
                "Interviewer lines cannot be coded.",
                hint="Choose a participant's line (interviewer lines are dimmed).",
            )
        change = session.accept_suggestion(segment, code_id, score, model)
        _record(ctx, transcript_id, [change] if change else [])
        message = f"Accepted {_label(session, code_id)} ({score:.2f})."
    else:
        session.reject_suggestion(segment, code_id, score, model)
        message = f"Rejected {_label(session, code_id)} ({score:.2f})."
    return await _answer(ctx, session, transcript_id, {segment.id}, message)


async def api_done(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    done = bool(body.get("done"))
    session.set_done(transcript_id, done)
    message = "Transcript marked done." if done else "Transcript marked not done."
    return JSONResponse({"ok": True, "message": message, "done": done})


async def api_position(ctx: Context) -> Response:
    transcript_id = _transcript_id(ctx)
    body = await ctx.json_body()
    session = ctx.coding_session()
    segment = _segment(session, transcript_id, body.get("segment"))
    session.save_position(transcript_id, segment.line)
    return JSONResponse({"ok": True})


# -- review ------------------------------------------------------------------------------

REVIEW_BY = ("code", "group", "coder")


async def review_page(ctx: Context) -> Response:
    by = ctx.request.query_params.get("by", "code")
    if by not in REVIEW_BY:
        raise BadRequest(f"Unknown grouping '{by}'.", hint="Group by code, group or coder.")
    attribute = ctx.request.query_params.get("attribute", "role") or "role"
    coder = ctx.request.query_params.get("coder") or None
    current = ctx.project.store.current_codebook()
    if current is None:
        raise BadRequest("No codebook is loaded in this project.", hint="Load a codebook first.")
    found = views.passages(ctx.project, current[1], by=attribute, coder=coder)
    return ctx.page(
        "review.html",
        by=by,
        attribute=attribute,
        selected_coder=coder or "",
        coders=ctx.project.store.coders(),
        sections=views.group_passages(found, by),
        total=len(found),
    )


def _coders_param(ctx: Context, raw: str | None) -> list[str]:
    known = ctx.project.store.coders()
    if not raw:
        return [c for c in known if c != "consensus"][:2]
    names = [c.strip() for c in raw.split(",") if c.strip()]
    unknown = [c for c in names if c not in known]
    if unknown:
        raise BadRequest(
            f"No coder named {', '.join(unknown)} in this project.",
            hint=f"Coders: {', '.join(known) or 'none yet'}.",
        )
    return names


async def agreement_page(ctx: Context) -> Response:
    from themekit.agree.reconcile import plan_reconciliation
    from themekit.agree.report import SHORT_LABELS
    from themekit.agree.service import compute_agreement

    coders = _coders_param(ctx, ctx.request.query_params.get("coders"))
    report = None
    disputed: list[Any] = []
    if len(coders) >= 2:
        report = compute_agreement(ctx.project, coders, bootstrap=0)
        disputed = plan_reconciliation(ctx.project, coders).disputed
    show_all = ctx.request.query_params.get("all") == "1"
    columns: list[str] = []
    if report is not None:
        columns = report.coefficient_names()
        if not show_all:
            # The terminal table's compact choice: percent agreement and one
            # chance-corrected figure (Cohen's kappa for two coders, else Krippendorff's alpha).
            main = "cohen_kappa" if len(coders) == 2 else "krippendorff_alpha"
            columns = [n for n in ("percent_agreement", main) if n in columns]
    labels = {}
    current = ctx.project.store.current_codebook()
    if current is not None:
        labels = {e.code.id: e.code.label for e in current[1].walk()}
    return ctx.page(
        "agreement.html",
        coders=coders,
        all_coders=ctx.project.store.coders(),
        report=report,
        rows=report.rows() if report else [],
        columns=columns,
        show_all=show_all,
        short=SHORT_LABELS,
        disputed=disputed,
        labels=labels,
    )


async def reconcile_page(ctx: Context) -> Response:
    from themekit.agree.reconcile import decided_units, plan_reconciliation

    coders = _coders_param(ctx, ctx.request.query_params.get("coders"))
    into = ctx.request.query_params.get("into", "consensus").strip() or "consensus"
    if len(coders) < 2:
        raise BadRequest("Reconciling needs two coders or more.", hint="Name them.")
    if into in coders:
        raise BadRequest(
            f"'{into}' is one of the coders being reconciled.", hint="Choose a new name."
        )
    plan = plan_reconciliation(ctx.project, coders)
    session = CodingSession(ctx.project, into)
    decided = decided_units(session)
    consensus: dict[int, list[str]] = {}
    for row in ctx.project.store.codings(coder=into):
        consensus.setdefault(row.segment_id, []).append(row.code_id)
    entries, _ = views.codebook_entries(session.codebook)
    return ctx.page(
        "reconcile.html",
        coders=coders,
        into=into,
        plan=plan,
        decided=decided,
        consensus=consensus,
        entries=entries,
        labels={e.code.id: e.code.label for e in entries},
        left=sum(
            1 for u in plan.disputed if (u.segment.transcript_id, u.segment.line) not in decided
        ),
    )


async def reconcile_decide(ctx: Context) -> Response:
    from themekit.agree.reconcile import DECISIONS, apply_agreed, decide, plan_reconciliation

    form = await ctx.form()
    coders = _coders_param(ctx, form.get("coders"))
    into = form.get("into", "").strip()
    if len(coders) < 2 or not into or into in coders:
        raise BadRequest("The reconciliation form is incomplete.", hint="Reload the page.")
    transcript_id = form.get("transcript", "")
    line = _int(form.get("line"), "line")
    decision = form.get("decision", "")
    if decision not in (*coders, *DECISIONS):
        raise BadRequest(f"Unknown decision '{decision}'.")
    plan = plan_reconciliation(ctx.project, coders)
    unit = next(
        (
            u
            for u in plan.disputed
            if u.segment.transcript_id == transcript_id and u.segment.line == line
        ),
        None,
    )
    if unit is None:
        raise BadRequest(f"{transcript_id} line {line} is not a disputed line.")
    session = CodingSession(ctx.project, into)
    other = form.get("code", "").strip() or None
    memo = form.get("memo", "").strip() or None
    if decision == "code" and other is not None:
        session.resolve_code(other)  # an unknown code is refused before anything is written
    with ctx.project.store.db.transaction():
        # As `themekit reconcile` does first: the agreed codings go to the consensus coder.
        apply_agreed(plan, session)
        decide(session, unit, decision, other_code=other, memo=memo)
    query = urlencode({"coders": ",".join(coders), "into": into})
    return RedirectResponse(f"/reconcile?{query}#u-{transcript_id}-{line}", status_code=303)


# -- exports -----------------------------------------------------------------------------

EXPORT_OPTIONS = ("table1", "quotes", "matrix", "report", "disagreements")


async def exports_page(ctx: Context) -> Response:
    from themekit.export import api
    from themekit.export.formats import EXPORT_FORMATS

    previews: dict[str, str] = {}
    warnings: list[str] = []
    # Table 1 twice: as HTML to look at (the export's own renderer escapes every cell) and
    # as Markdown to copy; the quote bank as Markdown (it has no HTML form).
    for name, call, fmt in (
        ("table1_html", api.table1, "html"),
        ("table1", api.table1, "md"),
        ("quotes", api.quotes, "md"),
    ):
        try:
            result = call(ctx.project, None, format=fmt, how=HOW)
        except ThemekitError as exc:
            previews[name] = ""
            warnings.append(f"{name}: {exc.render()}")
            continue
        previews[name] = result.text or ""
        warnings += [w.message for w in result.warnings]
    return ctx.page(
        "exports.html",
        previews=previews,
        warnings=list(dict.fromkeys(warnings)),
        formats={name: EXPORT_FORMATS[name] for name in EXPORT_OPTIONS},
        coders=_coders_param(ctx, None),
    )


MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tex": "text/x-tex; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


async def export_download(ctx: Context) -> Response:
    from themekit.export import api
    from themekit.export.formats import EXPORT_FORMATS

    form = await ctx.form()
    # One form, one button per export and format: the button's value is "export.format".
    export, _dot, fmt = form.get("export_format", "").partition(".")
    if export not in EXPORT_OPTIONS or fmt not in EXPORT_FORMATS[export]:
        raise BadRequest(f"There is no {export or '?'} export as {fmt or '?'}.")
    with tempfile.TemporaryDirectory(prefix="themekit-serve-") as folder:
        target = Path(folder) / f"{export}.{fmt}"
        if export == "matrix":
            api.matrix(ctx.project, target, by=form.get("by") or "role", how=HOW)
        elif export == "disagreements":
            coders = _coders_param(ctx, form.get("coders"))
            api.disagreements(ctx.project, coders, target, how=HOW)
        else:
            getattr(api, export)(ctx.project, target, how=HOW)
        data = target.read_bytes()
    return Response(
        data,
        media_type=MEDIA_TYPES.get(fmt, "application/octet-stream"),
        headers={
            "content-disposition": f'attachment; filename="{export}.{fmt}"',
            "cache-control": "no-store",
        },
    )


# -- login (small-team mode) -------------------------------------------------------------


def login_routes(server: Server) -> list[Route]:
    async def login(request: Request) -> Response:
        gate = server.gate
        if gate.password is None or not gate.host_allowed(request.headers.get("host")):
            return server.refusal("There is no password login on this server.", 404, False)
        template = server.templates.get_template("login.html")
        if request.method == "GET":
            return HTMLResponse(template.render(message=""))
        form = await request.form()
        given = form.get("password")
        if not isinstance(given, str) or not same_secret(given, gate.password):
            return HTMLResponse(template.render(message="Wrong password."), status_code=403)
        session_id, _session = gate.open_session()
        response = RedirectResponse("/", status_code=303)
        _set_cookie(response, session_id, request)
        return response

    return [Route("/login", login, methods=["GET", "POST"])]


def create_app(
    project_root: str | Path,
    *,
    token: str | None = None,
    password: str | None = None,
    coder: str | None = None,
    loopback_only: bool = True,
) -> tuple[Any, Gate]:
    """The ASGI app over the project at ``project_root``, and its gate (token, sessions)."""
    gate = Gate(token=token, password=password, coder=coder, loopback_only=loopback_only)
    server = Server(Path(project_root), gate)
    r = server.route
    routes = [
        Route("/", r(home)),
        Route("/coder", r(set_coder), methods=["POST"]),
        Route("/code/{transcript}", r(coding_page)),
        Route("/api/code/{transcript}/toggle", r(api_toggle, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/remove", r(api_remove, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/memo", r(api_memo, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/exemplar", r(api_exemplar, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/undo", r(api_undo, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/redo", r(api_redo, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/suggestions", r(api_suggestions, api=True)),
        Route("/api/code/{transcript}/suggestion", r(api_suggestion, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/done", r(api_done, api=True), methods=["POST"]),
        Route("/api/code/{transcript}/position", r(api_position, api=True), methods=["POST"]),
        Route("/review", r(review_page)),
        Route("/agreement", r(agreement_page)),
        Route("/reconcile", r(reconcile_page)),
        Route("/reconcile/decide", r(reconcile_decide), methods=["POST"]),
        Route("/exports", r(exports_page)),
        Route("/exports/download", r(export_download), methods=["POST"]),
        *login_routes(server),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        api = request.url.path.startswith("/api/")
        return server.refusal("There is no such page.", 404, api, title="Not found")

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.server = server
    return SecurityHeaders(app), gate
