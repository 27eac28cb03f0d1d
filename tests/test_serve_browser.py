"""``themekit serve`` end to end in a real headless Chromium, driven by Selenium.

One server (a child process, as a researcher starts it) and one browser serve the whole
module. The tests code a range and write a memo with the keyboard and mouse and find
them in the database; check that a missing or wrong token and a write without the CSRF
token are refused; reconcile a disagreement; download Table 1; and show an error for bad
input with nothing changed. The coding and agreement views are saved as screenshots in
docs/img/ for the documentation. Skipped, with the reason, where Chromium, chromedriver
or Selenium is missing (CI installs them).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers_serve import (
    REPO,
    RunningServer,
    browser_missing,
    build_sample_project,
    chrome,
    start_server,
)
from themekit.coding.service import CodingSession
from themekit.project import Project

_missing = browser_missing()
pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(_missing is not None, reason=f"browser tests need {_missing}"),
]

CODER = "carol"  # a new coder: blind coding shows her nothing of ana's and ben's work
WAIT_S = 20
SCREENSHOTS = REPO / "docs" / "img"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_project(tmp_path_factory.mktemp("serve") / "study")


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[RunningServer]:
    with start_server(root, "--coder", CODER) as running:
        yield running


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(server: RunningServer, downloads: Path) -> Iterator[Any]:
    driver = chrome(downloads)
    try:
        driver.get(server.url)
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, condition: Any) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # A page being replaced (a form post, a link) makes elements vanish or go stale for a
    # moment: keep polling through that.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, WAIT_S, ignored_exceptions=ignored).until(condition)


def by_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def message_is(text: str) -> Any:
    return lambda d: by_css(d, "#message").text == text


def codings(root: Path, coder: str) -> list[Any]:
    with Project.open(root) as project:
        return project.store.codings(coder=coder)


def fetch(driver: Any, path: str, body: dict[str, Any], *, csrf: str | None) -> dict[str, Any]:
    """A POST from inside the page (same origin, same cookie), as a forged write would be."""
    script = """
        const [path, body, csrf, done] = arguments;
        const headers = {"Content-Type": "application/json"};
        if (csrf !== null) headers["X-CSRF-Token"] = csrf;
        fetch(path, {method: "POST", headers, body: JSON.stringify(body)})
          .then(async r => done({status: r.status, body: await r.text()}));
    """
    result = driver.execute_async_script(script, path, body, csrf)
    return {"status": result["status"], "body": json.loads(result["body"])}


def open_coding(browser: Any, server: RunningServer, transcript: str) -> None:
    browser.get(f"{server.base}/code/{transcript}")
    wait_for(browser, lambda d: by_css(d, ".seg.current"))


def test_missing_or_wrong_token_is_refused(server: RunningServer) -> None:
    driver = chrome()
    try:
        driver.get(f"{server.base}/code/P03")
        assert "link it printed" in by_css(driver, "#refused").text
        driver.get(f"{server.base}/?token=not-the-token")
        assert by_css(driver, "#refused").text == "The token in this link is wrong."
        assert driver.get_cookies() == []
        driver.get(server.url)  # the right token: in, and the token leaves the address
        assert driver.current_url == f"{server.base}/"
        assert by_css(driver, "#transcripts")
    finally:
        driver.quit()


def test_code_a_range_with_the_keyboard_and_write_a_memo(
    browser: Any, server: RunningServer, root: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    before = codings(root, CODER)
    open_coding(browser, server, "P03")
    rows = [r for r in browser.find_elements("css selector", ".seg[data-codable='1']")]
    first, last = rows[1], rows[3]
    first.find_element("css selector", ".ln").click()
    ActionChains(browser).key_down(Keys.SHIFT).click(
        last.find_element("css selector", ".ln")
    ).key_up(Keys.SHIFT).perform()
    wanted = {int(r.get_attribute("data-line")) for r in rows[1:4]}
    assert by_css(browser, "#selection").text == f"{len(wanted)} lines selected"
    # The codebook filter, as in the terminal app: "/" then part of a name, Enter.
    body = by_css(browser, "body")
    body.send_keys("/")
    by_css(browser, "#code-filter").send_keys("previous gap", Keys.ENTER)
    wait_for(
        browser,
        message_is(f"Applied Filling a previous gap in services ({len(wanted)} lines)."),
    )
    added = set(codings(root, CODER)) - set(before)
    assert {(c.transcript_id, c.line, c.code_id) for c in added} == {
        ("P03", line, "benefits.gap") for line in wanted
    }
    # A memo on the current line: m, type, Save.
    body.send_keys(Keys.ESCAPE, "m")
    wait_for(browser, lambda d: by_css(d, "#memo-dialog").is_displayed())
    by_css(browser, "#memo-text").send_keys("staffing came up again")
    by_css(browser, "#memo-save").click()
    wait_for(browser, message_is("Memo saved."))
    current = int(by_css(browser, ".seg.current").get_attribute("data-line"))
    with Project.open(root) as project:
        memos = project.store.segment_memos(CODER)
        segment = project.store.segment_at("P03", current)
    assert segment is not None
    assert memos[(CODER, segment.id)] == "staffing came up again"
    # Undo takes the range back in one step.
    body.send_keys("u")
    wait_for(browser, message_is(f"Undone: {len(wanted)} coding changes."))
    assert codings(root, CODER) == before


def test_code_words_selected_with_the_mouse(
    browser: Any, server: RunningServer, root: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    open_coding(browser, server, "P04")
    row = next(
        r
        for r in browser.find_elements("css selector", ".seg[data-codable='1']")
        if len(r.find_element("css selector", ".txt").text.split()) > 5
    )
    # A double-click selects one word, as a drag over a few words would.
    ActionChains(browser).double_click(row.find_element("css selector", ".txt")).perform()
    selected = browser.execute_script("return window.getSelection().toString()").strip()
    assert selected
    wait_for(browser, message_is("Words selected: pick a code to code just them (Esc cancels)."))
    by_css(browser, "body").send_keys("3")
    wait_for(browser, message_is("Coded the span with Filling a previous gap in services."))
    (coding,) = [c for c in codings(root, CODER) if c.transcript_id == "P04"]
    with Project.open(root) as project:
        text = project.store.transcript_text("P04")
    assert text[coding.span_start : coding.span_end] == selected
    line = by_css(browser, ".seg.current")
    assert "(part)" in line.find_element("css selector", ".chips").text
    by_css(browser, "body").send_keys("u")
    wait_for(browser, message_is("Undone: 1 coding change."))


def test_coding_view_screenshot(browser: Any, server: RunningServer) -> None:
    open_coding(browser, server, "P07")
    body = by_css(browser, "body")
    body.send_keys("j", "j", "1")
    wait_for(browser, lambda d: by_css(d, "#message").text.startswith("Applied"))
    body.send_keys("j", "J", "J")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "serve-coding.png"))


def test_writes_without_the_csrf_token_are_refused(
    browser: Any, server: RunningServer, root: Path
) -> None:
    open_coding(browser, server, "P03")
    segment = by_css(browser, ".seg.current").get_attribute("data-id")
    before = codings(root, CODER)
    body = {"code": "benefits.gap", "segments": [int(segment)]}
    for csrf in (None, "forged"):
        answer = fetch(browser, "/api/code/P03/toggle", body, csrf=csrf)
        assert answer["status"] == 403
        assert "no valid CSRF token" in answer["body"]["error"]
    assert codings(root, CODER) == before
    csrf = by_css(browser, "meta[name='csrf-token']").get_attribute("content")
    assert fetch(browser, "/api/code/P03/toggle", body, csrf=csrf)["status"] == 200
    (added,) = set(codings(root, CODER)) - set(before)
    with Project.open(root) as project:
        CodingSession(project, CODER).remove_coding(added)


def test_bad_input_gets_a_clear_message_and_changes_nothing(
    browser: Any, server: RunningServer, root: Path
) -> None:
    browser.get(f"{server.base}/code/NO-SUCH")
    assert by_css(browser, "#error-message").text == (
        "No transcript 'NO-SUCH'. Pick one from the list of transcripts on the start page."
    )
    open_coding(browser, server, "P03")
    csrf = by_css(browser, "meta[name='csrf-token']").get_attribute("content")
    segment = int(by_css(browser, ".seg.current").get_attribute("data-id"))
    before = codings(root, CODER)
    unknown = fetch(
        browser, "/api/code/P03/toggle", {"code": "no.such", "segments": [segment]}, csrf=csrf
    )
    assert unknown["status"] == 400
    assert unknown["body"]["error"].startswith("Unknown code 'no.such'.")
    malformed = fetch(browser, "/api/code/P03/toggle", {"code": "benefits.gap"}, csrf=csrf)
    assert malformed["body"] == {"ok": False, "error": "No line was selected. Select a line first."}
    assert codings(root, CODER) == before


def test_agreement_and_reconcile_a_disagreement(
    browser: Any, server: RunningServer, root: Path
) -> None:
    browser.get(f"{server.base}/agreement?coders=ana,ben")
    assert by_css(browser, "#agreement-table")
    disputed = browser.find_elements("css selector", "#disagreements tbody tr")
    assert disputed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "serve-agreement.png"))
    by_css(browser, "#reconcile-link").click()
    unit = wait_for(browser, lambda d: by_css(d, "article.unit"))
    transcript, line = unit.get_attribute("id").removeprefix("u-").rsplit("-", 1)
    unit.find_element("css selector", "button[value='both']").click()
    wait_for(
        browser, lambda d: "decided" in by_css(d, f"#u-{transcript}-{line}").get_attribute("class")
    )
    wait_for(browser, lambda d: by_css(d, "#reconcile-progress").text.startswith("1/"))
    with Project.open(root) as project:
        decisions = project.store.audit_entries(actor="consensus", action="reconcile.decide")
        consensus = project.store.codings(coder="consensus")
    assert [
        (e.details["transcript"], e.details["line"], e.details["decision"]) for e in decisions
    ] == [(transcript, int(line), "both")]
    assert {c.source for c in consensus} == {"reconcile"}
    assert any(c.transcript_id == transcript and c.line == int(line) for c in consensus)


def test_table1_preview_and_download(browser: Any, server: RunningServer, downloads: Path) -> None:
    browser.get(f"{server.base}/exports")
    assert "Filling a previous gap in services" in by_css(browser, "#table1-rendered").text
    preview = browser.execute_script("return document.getElementById('table1-preview').textContent")
    by_css(browser, "#download-table1-md").click()
    assert downloaded(downloads / "table1.md").decode("utf-8").strip() == preview.strip()
    by_css(browser, "#download-table1-docx").click()
    assert downloaded(downloads / "table1.docx")[:2] == b"PK"  # a Word file is a zip


def downloaded(target: Path) -> bytes:
    """The file once the browser has finished writing it (Chromium renames it at the end)."""
    deadline = time.monotonic() + WAIT_S
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return target.read_bytes()
