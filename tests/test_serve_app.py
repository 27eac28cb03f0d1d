"""``themekit serve`` without a browser: the gate (token, cookie, CSRF, host, origin,
password), the security headers, bad input, and the CLI's refusal of a public address.

The app runs in-process through Starlette's test client (its own event-loop thread,
like uvicorn's); the browser tests (test_serve_browser.py) cover the pages end to end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from conftest import Cli
from helpers_serve import CODEBOOKS, SAMPLE, themekit
from themekit.coding.service import CodingSession
from themekit.project import Project
from themekit.serve import ServeError, check_host
from themekit.serve.app import create_app
from themekit.serve.security import CONTENT_SECURITY_POLICY
from themekit.transcripts.importer import import_transcripts

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve-app") / "study"
    with Project.init(root, name="study") as project:
        import_transcripts(project, [SAMPLE / "P03.txt"])
    themekit(root, "codebook", "load", str(CODEBOOKS / "mhtr.yaml"))
    return root


@pytest.fixture(scope="module")
def app(root: Path) -> Iterator[Any]:
    application, gate = create_app(root, token="the-token", coder="dana")
    yield application, gate
    application.app.state.server.close()


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app[0], base_url=BASE, follow_redirects=False) as test_client:
        yield test_client


def logged_in(client: TestClient) -> str:
    """Log in with the token; the CSRF token of the session."""
    assert client.get("/?token=the-token").status_code == 303
    page = client.get("/")
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def codable_segment(root: Path) -> int:
    with Project.open(root) as project:
        return next(s.id for s in project.store.segments("P03") if s.codable)


def dana_codings(root: Path) -> list[Any]:
    with Project.open(root) as project:
        return project.store.codings(coder="dana")


def test_the_token_opens_a_strict_cookie_session_and_leaves_the_address(
    client: TestClient,
) -> None:
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    response = client.get("/code/P03?token=the-token&others=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/code/P03?others=1"
    cookie = response.headers["set-cookie"]
    assert "themekit_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert client.get("/").status_code == 200


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/static/app.js"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY  # no 'unsafe-inline'


def test_pages_have_no_inline_script_or_style_and_nothing_from_the_network(
    client: TestClient,
) -> None:
    logged_in(client)
    for path in ("/", "/code/P03", "/review", "/agreement"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html), path
    static = Path(__file__).resolve().parents[1] / "src/themekit/serve/static"
    for asset in static.iterdir():
        assert "http://" not in asset.read_text() and "https://" not in asset.read_text()


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    response = client.get("/?token=the-token", headers={"host": "attacker.example:8765"})
    assert response.status_code == 403
    assert "answers only to its own address" in response.text


def test_writes_need_the_csrf_token_and_the_same_origin(client: TestClient, root: Path) -> None:
    csrf = logged_in(client)
    segment = codable_segment(root)
    body = {"code": "benefits.gap", "segments": [segment]}
    assert client.post("/api/code/P03/toggle", json=body).status_code == 403
    forged = client.post("/api/code/P03/toggle", json=body, headers={"x-csrf-token": "x"})
    assert forged.status_code == 403
    assert forged.json()["error"].startswith("This write was refused")
    foreign = client.post(
        "/api/code/P03/toggle",
        json=body,
        headers={"x-csrf-token": csrf, "origin": "http://attacker.example"},
    )
    assert foreign.status_code == 403
    assert client.post("/coder", data={"coder": "mallory"}).status_code == 403
    assert dana_codings(root) == []
    ok = client.post("/api/code/P03/toggle", json=body, headers={"x-csrf-token": csrf})
    assert ok.status_code == 200
    assert ok.json()["message"].startswith("Applied Filling a previous gap in services (line ")
    assert [c.code_id for c in dana_codings(root)] == ["benefits.gap"]
    undo = client.post("/api/code/P03/undo", json={}, headers={"x-csrf-token": csrf})
    assert undo.json()["message"] == "Undone: 1 coding change."
    assert dana_codings(root) == []


def test_bad_input_is_answered_clearly_and_changes_nothing(client: TestClient, root: Path) -> None:
    csrf = logged_in(client)
    headers = {"x-csrf-token": csrf}
    page = client.get("/code/NOPE")
    assert page.status_code == 404
    assert "No transcript &#39;NOPE&#39;." in page.text
    segment = codable_segment(root)
    answers = {
        "unknown code": client.post(
            "/api/code/P03/toggle", json={"code": "no.such", "segments": [segment]}, headers=headers
        ),
        "grouping code": client.post(
            "/api/code/P03/toggle",
            json={"code": "benefits", "segments": [segment]},
            headers=headers,
        ),
        "not JSON": client.post(
            "/api/code/P03/toggle",
            content=b"{",
            headers={**headers, "content-type": "application/json"},
        ),
        "no line": client.post(
            "/api/code/P03/toggle", json={"code": "benefits.gap"}, headers=headers
        ),
        "bad line": client.post(
            "/api/code/P03/toggle",
            json={"code": "benefits.gap", "segments": ["x"]},
            headers=headers,
        ),
        "span outside": client.post(
            "/api/code/P03/toggle",
            json={"code": "benefits.gap", "segments": [segment], "span": [0, 10**6]},
            headers=headers,
        ),
    }
    errors = {name: (r.status_code, r.json()["error"]) for name, r in answers.items()}
    assert errors["unknown code"][1].startswith("Unknown code 'no.such'.")
    assert errors["grouping code"][1] == (
        "Code 'Benefits' is a grouping node and cannot be applied. Choose one of its sub-codes."
    )
    assert errors["not JSON"][1] == "The request was not valid JSON."
    assert errors["no line"][1] == "No line was selected. Select a line first."
    assert errors["bad line"][1] == "'segment' must be a whole number, not 'x'."
    assert errors["span outside"][1].startswith("Span 0-1000000 is not inside line ")
    assert {status for status, _ in errors.values()} == {400}
    download = client.post(
        "/exports/download", data={"csrf_token": csrf, "export_format": "table1.exe"}
    )
    assert download.status_code == 400
    assert "There is no table1 export as exe." in download.text
    assert client.get("/review?by=colour").status_code == 400
    no_name = client.post("/coder", data={"csrf_token": csrf, "coder": "  "})
    assert no_name.status_code == 400
    assert "A coder name is needed." in no_name.text
    malformed = client.post("/reconcile/decide", data={"csrf_token": csrf, "line": "x"})
    assert malformed.status_code == 400
    assert "The reconciliation form is incomplete." in malformed.text
    assert client.get("/agreement?coders=ana,nobody").status_code == 400
    assert client.get("/no/such/page").status_code == 404
    assert dana_codings(root) == []


def test_a_span_is_coded_from_typed_words(client: TestClient, root: Path) -> None:
    csrf = logged_in(client)
    with Project.open(root) as project:
        segments = project.store.segments("P03")
        segment = next(s for s in segments if s.codable and len(s.text.split()) > 3)
    words = " ".join(segment.text.split()[1:3])
    answer = client.post(
        "/api/code/P03/toggle",
        json={"code": "benefits.gap", "segments": [segment.id], "words": words},
        headers={"x-csrf-token": csrf},
    )
    assert answer.json()["message"] == "Coded the span with Filling a previous gap in services."
    (coding,) = dana_codings(root)
    assert (
        segment.text[coding.span_start - segment.start : coding.span_end - segment.start] == words
    )
    with Project.open(root) as project:
        CodingSession(project, "dana").remove_coding(coding)


def test_the_password_mode_logs_in_with_the_password(root: Path) -> None:
    application, _gate = create_app(root, token="t", password="s3cret", loopback_only=False)
    with TestClient(application, base_url="http://10.0.0.5:8765", follow_redirects=False) as c:
        assert c.get("/").headers["location"] == "/login"
        assert c.post("/login", data={"password": "guess"}).status_code == 403
        assert c.get("/").status_code == 303
        assert c.post("/login", data={"password": "s3cret"}).status_code == 303
        assert c.get("/").status_code == 200
    application.app.state.server.close()


def test_a_public_address_needs_allow_remote_and_a_password(root: Path) -> None:
    with pytest.raises(ServeError) as refused:
        check_host("0.0.0.0", allow_remote=False, password=None)
    assert refused.value.render() == (
        "Refusing to listen on 0.0.0.0: the server is private to this computer by default."
        " Listen on 127.0.0.1, or allow remote access with a password (a small-team mode"
        " for a trusted network only)."
    )
    with pytest.raises(ServeError, match="needs a password"):
        check_host("192.168.1.20", allow_remote=True, password=None)
    check_host("127.0.0.1", allow_remote=False, password=None)
    check_host("192.168.1.20", allow_remote=True, password="pw")
    result = Cli(root)("serve", "--host", "0.0.0.0")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Refusing to listen on 0.0.0.0")


def test_changes_made_with_the_cli_show_on_reload(
    client: TestClient, root: Path, tmp_path: Path
) -> None:
    logged_in(client)
    with Project.open(root) as project:
        segment = next(s for s in project.store.segments("P03") if s.codable)

    def row_html() -> str:
        page = client.get("/code/P03").text
        match = re.search(rf'id="s{segment.id}".*?</div>', page, re.DOTALL)
        assert match is not None
        return match.group(0)

    assert "Increasing access to other services" not in row_html()
    sheet = tmp_path / "dana.csv"
    sheet.write_text(f"transcript,line,code\nP03,{segment.line},benefits.access\n")
    result = Cli(root)("code", "--coder", "dana", "--apply", str(sheet))
    assert result.exit_code == 0, result.output
    assert "Increasing access to other services" in row_html()
    with Project.open(root) as project:
        CodingSession(project, "dana").remove(segment, "benefits.access")


def test_suggestions_show_reasons_and_scores_and_an_accept_is_recorded(
    client: TestClient, root: Path
) -> None:
    csrf = logged_in(client)
    with Project.open(root) as project:
        segment = next(s for s in project.store.segments("P03") if s.codable)
        project.store.replace_suggestions(
            [segment.id],
            [
                (segment.id, "benefits.gap", 0.81, "like 3 lines you coded Filling a gap"),
                (segment.id, "challenges.funding", 0.42, "close to the code's definition"),
            ],
            model="test-model",
            learned_from="codebook",
        )
    assert 'data-suggestions="1"' in client.get("/code/P03").text
    shown = client.get(f"/api/code/P03/suggestions?segment={segment.id}").json()["suggestions"]
    assert [(s["code"], s["score"], s["reason"]) for s in shown] == [
        ("benefits.gap", 0.81, "like 3 lines you coded Filling a gap"),
        ("challenges.funding", 0.42, "close to the code's definition"),
    ]
    headers = {"x-csrf-token": csrf}
    rejected = client.post(
        "/api/code/P03/suggestion",
        json={"segment": segment.id, "code": "challenges.funding", "accept": False},
        headers=headers,
    )
    assert rejected.json()["message"] == "Rejected Sustainability of funding (0.42)."
    accepted = client.post(
        "/api/code/P03/suggestion",
        json={"segment": segment.id, "code": "benefits.gap", "accept": True},
        headers=headers,
    )
    assert accepted.json()["message"] == "Accepted Filling a previous gap in services (0.81)."
    (coding,) = dana_codings(root)
    assert (coding.code_id, coding.source, coding.score, coding.model) == (
        "benefits.gap",
        "suggestion",
        0.81,
        "test-model",
    )
    with Project.open(root) as project:
        decisions = project.store.suggestion_decisions()
        CodingSession(project, "dana").remove_coding(coding)
    assert sorted((d.code_id, d.decision) for d in decisions) == [
        ("benefits.gap", "accepted"),
        ("challenges.funding", "rejected"),
    ]
    assert client.get(f"/api/code/P03/suggestions?segment={segment.id}").json()["suggestions"] == []


def test_a_memo_on_a_coding_and_an_exemplar_mark(client: TestClient, root: Path) -> None:
    csrf = logged_in(client)
    headers = {"x-csrf-token": csrf}
    segment = codable_segment(root)
    client.post(
        "/api/code/P03/toggle",
        json={"code": "benefits.gap", "segments": [segment]},
        headers=headers,
    )
    (coding,) = dana_codings(root)
    memo = client.post(
        "/api/code/P03/memo", json={"coding": coding.id, "text": " why this code "}, headers=headers
    )
    assert memo.json()["message"] == "Memo saved on the coding."
    assert 'data-memo="why this code"' in memo.json()["rows"][str(segment)]
    assert dana_codings(root)[0].memo == "why this code"
    marked = client.post("/api/code/P03/exemplar", json={"segment": segment}, headers=headers)
    assert marked.json()["message"] == "Marked as an exemplar quote."
    assert "★" in marked.json()["rows"][str(segment)]
    with Project.open(root) as project:
        assert project.store.exemplars("dana") == {("dana", segment)}
    unmarked = client.post("/api/code/P03/exemplar", json={"segment": segment}, headers=headers)
    assert unmarked.json()["message"] == "No longer an exemplar."
    with Project.open(root) as project:
        CodingSession(project, "dana").remove_coding(dana_codings(root)[0])


def test_a_bug_is_reported_without_the_data_it_touched(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from themekit.serve import views

    logged_in(client)
    monkeypatch.delenv("THEMEKIT_RAISE_INTERNAL")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("We had nothing to put in front of the bench.")

    monkeypatch.setattr(views, "transcript_page", broken)
    response = client.get("/code/P03")
    assert response.status_code == 500
    assert "Internal error (RuntimeError): this is a bug in themekit" in response.text
    assert "in front of the bench" not in response.text
    assert "in front of the bench" not in capsys.readouterr().err
