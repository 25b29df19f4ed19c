"""The chat page in a real browser: Debian's Chromium driven by Playwright, against a real server on loopback.

Screenshots are saved under ``$QA_TEST_ARTIFACTS`` (default ``build/test-artifacts/``) to be looked at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.answer.backends.openai_compatible import ChatBackend
from qa.answer.local_server import LocalServer
from qa.config import QAConfig
from qa.index.embedder import Embedder
from qa.news_index import Index
from qa.ui.app import ChatPage
from qa.ui.feedback import feedback_path
from tests.conftest import ROOT, SEEDS, free_port

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(os.environ.get("QA_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))
DRONES = "How many drones and missiles did Russia fire in the attack on Kyiv?"
ANSWER = "#qa-chat .qa-answer:not(.qa-streaming)"
ROTTERDAM = """Port of Rotterdam reopens after storm
ROTTERDAM, March 3 – The Port of Rotterdam reopened on Monday after a storm closed it for two days, the port
authority said. About 140 ships had waited at anchor off the coast while winds reached 120 km per hour.
"""
XSS = """<script>window.__xss = 1</script>Harbour <img src=x onerror="window.__xss=2"> festival draws crowds
GDANSK, May 9 – The harbour festival drew 12,000 visitors <img src=x onerror="window.__xss=3"> on Saturday,
organisers said. <script>window.__xss = 4</script> Tall ships from nine countries moored along the quay.
"""


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, smollm_server: LocalServer
) -> Iterator[tuple[str, ChatPage]]:
    folder = tmp_path_factory.mktemp("ui-index")
    index = Index(folder / "index", config=QAConfig(backend="extractive"), embedder=embedder)
    index.add([SEEDS])
    local = ChatBackend(smollm_server.base_url, model=None, timeout=60, name="local")
    chat = ChatPage(index, index.config, backends={"local": local})
    port = free_port()
    blocks = chat.launch("127.0.0.1", port, block=False, warm=False)
    yield f"http://127.0.0.1:{port}/", chat
    blocks.close()
    chat.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, server: tuple[str, ChatPage]) -> Iterator[Any]:
    """A new tab in a fresh browser context: its own Gradio session. Records alerts and off-machine requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.dialogs = []
    tab.outside = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("request", lambda request: None if "127.0.0.1" in request.url else tab.outside.append(request.url))
    tab.goto(server[0])
    tab.wait_for_selector("#qa-question textarea")
    yield tab
    context.close()


def shot(tab: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def ask(tab: Any, question: str, answers_before: int = 0) -> Any:
    tab.fill("#qa-question textarea", question)
    tab.click("#qa-ask")
    tab.wait_for_function(f"document.querySelectorAll('{ANSWER}').length > {answers_before}", timeout=60_000)
    return tab.locator(ANSWER).nth(answers_before)


def upload(tab: Any, *files: Path) -> str:
    if not tab.locator("#qa-upload input[type=file]").count() or not tab.locator("#qa-add").is_visible():
        tab.click("#qa-articles >> text=Articles")
    tab.set_input_files("#qa-upload input[type=file]", [str(f) for f in files])
    tab.wait_for_function(
        f"document.querySelectorAll('#qa-upload .file-preview tr, #qa-upload tbody tr').length >= {len(files)}",
        timeout=20_000,
    )
    tab.click("#qa-add")
    tab.wait_for_selector("#qa-upload-status .qa-upload-ok, #qa-upload-status .qa-upload-failed", timeout=60_000)
    return str(tab.inner_text("#qa-upload-status"))


def test_answer_cites_and_the_citation_opens_the_highlighted_sentence(page: Any) -> None:
    answer = ask(page, DRONES)
    assert "550" in answer.inner_text()
    assert answer.locator("a.qa-cite").count() >= 1
    assert "Sources" in answer.inner_text() and "2025-07-04" in answer.inner_text()
    page.locator("#qa-chat a.qa-cite").first.click()
    mark = page.wait_for_selector("#qa-source-panel mark.qa-support", timeout=10_000)
    assert "Russia" in mark.inner_text()
    assert "Cited for:" in page.inner_text("#qa-source-panel")
    assert page.evaluate(
        "(() => { const r = document.querySelector('#qa-first-support').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
    )
    shot(page, "answer-and-source")
    assert page.outside == []  # nothing leaves the machine: no fonts, analytics or CDN


def test_follow_up_and_clear(page: Any) -> None:
    ask(page, DRONES)
    follow = ask(page, "And how many were shot down?", answers_before=1)
    assert follow.inner_text()
    page.click("#qa-clear")
    page.wait_for_function("document.querySelectorAll('#qa-chat .qa-answer').length === 0")
    page.click("#qa-source-panel")  # the panel is back to its placeholder
    assert "Click a citation" in page.inner_text("#qa-source-panel")


def test_unanswerable_question_shows_not_in_the_articles(page: Any) -> None:
    answer = ask(page, "What is the recipe for sourdough bread?")
    assert "qa-abstained" in answer.get_attribute("class")
    assert "NOT IN THE ARTICLES" in answer.inner_text().upper()
    shot(page, "abstention")


def test_uploaded_article_is_answered_from(page: Any, tmp_path: Path) -> None:
    article = tmp_path / "rotterdam.txt"
    article.write_text(ROTTERDAM)
    status = upload(page, article)
    assert "1 added" in status
    assert "Port of Rotterdam reopens" in page.inner_text("#qa-corpus")
    answer = ask(page, "How many ships waited at anchor off Rotterdam?")
    assert "140" in answer.inner_text()
    page.locator("#qa-chat a.qa-cite").first.click()
    page.wait_for_selector("#qa-source-panel mark.qa-support")
    assert "Port of Rotterdam reopens" in page.inner_text("#qa-source-panel")
    shot(page, "uploaded-article")


def test_bad_upload_is_explained_and_changes_nothing(page: Any, server: tuple[str, ChatPage], tmp_path: Path) -> None:
    index = server[1].index
    before = (index.store.current_name(), len(index))
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 owners protest new rules in the old town centre today.".encode("latin-1"))
    status = upload(page, bad)
    assert "Nothing was added" in status and "latin1.txt: not UTF-8" in status
    assert (index.store.current_name(), len(index)) == before
    shot(page, "bad-upload")


def test_article_with_script_and_onerror_runs_nothing(page: Any, tmp_path: Path) -> None:
    article = tmp_path / "harbour.txt"
    article.write_text(XSS)
    assert "1 added" in upload(page, article)
    answer = ask(page, "How many visitors did the harbour festival draw?")
    assert "12,000" in answer.inner_text()
    page.locator("#qa-chat a.qa-source-link").first.click()
    page.wait_for_selector("#qa-source-panel .qa-article-text")
    panel = page.inner_text("#qa-source-panel")
    assert 'onerror="window.__xss=3"' in panel  # shown as text
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#qa-chat img[src=x], #qa-source-panel img, #qa-chat script").count() == 0
    assert page.dialogs == []
    shot(page, "xss-inert")


def test_thumbs_up_is_stored_beside_the_index(page: Any, server: tuple[str, ChatPage]) -> None:
    log = feedback_path(server[1].index.directory)
    before = len(log.read_text().splitlines()) if log.exists() else 0
    ask(page, "How many missiles were part of the assault?")
    page.locator("#qa-chat button[aria-label=Like]").last.click()
    page.wait_for_function("document.body.innerText.includes('feedback (up) saved')", timeout=10_000)
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(rows) == before + 1
    assert rows[-1]["rating"] == "up" and rows[-1]["question"] == "How many missiles were part of the assault?"


def test_bad_date_setting_is_explained_in_the_chat(page: Any) -> None:
    page.click("#qa-settings >> text=Settings")
    page.fill("#qa-since textarea, #qa-since input", "last week")
    page.fill("#qa-question textarea", DRONES)
    page.click("#qa-ask")
    error = page.wait_for_selector("#qa-chat .qa-error", timeout=20_000)
    assert "Since date 'last week' is not a date" in error.inner_text()


def test_local_model_answer_streams_in_the_page(page: Any) -> None:
    page.click("#qa-settings >> text=Settings")
    page.check("#qa-backend input[value=local]")
    page.evaluate(
        "window.__seen = new Set(); new MutationObserver(() => document.querySelectorAll('#qa-chat .qa-answer')"
        ".forEach(a => window.__seen.add(a.className))).observe(document.body, {subtree: true, childList: true})"
    )
    answer = ask(page, DRONES)
    seen = page.evaluate("Array.from(window.__seen)")
    assert any("qa-streaming" in cls for cls in seen)  # evidence and text were shown before the final answer
    assert "local" in answer.inner_text()  # the footer names the backend that answered
    shot(page, "local-model")
