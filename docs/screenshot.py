"""The README's screenshot: the chat page answering a seed question with the default local model.

    .venv/bin/python docs/screenshot.py [--backend local] [--out docs/chat.png]

Builds an index of seeds/ in a temp dir, serves the page on loopback, asks in Debian's Chromium, opens the first
citation and saves the page.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
from pathlib import Path

from qa.config import QAConfig
from qa.news_index import Index
from qa.ui.app import ChatPage

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "How many drones and missiles did Russia fire in the attack on Kyiv?"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="local")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "chat.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        index = Index(Path(folder) / "index", QAConfig(backend=args.backend))
        index.add([ROOT / "seeds"])
        page = ChatPage(index, index.config)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        blocks = page.launch("127.0.0.1", port, block=False, warm=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                tab = browser.new_page(viewport={"width": 1280, "height": 860})
                tab.goto(f"http://127.0.0.1:{port}/")
                tab.fill("#qa-question textarea", args.question)
                tab.click("#qa-ask")
                tab.wait_for_selector("#qa-chat .qa-answer:not(.qa-streaming)", timeout=180_000)
                if tab.locator("#qa-chat a.qa-cite").count():
                    tab.locator("#qa-chat a.qa-cite").first.click()
                    tab.wait_for_selector("#qa-source-panel mark.qa-support")
                tab.wait_for_timeout(500)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(args.out))
                print(tab.inner_text("#qa-chat .qa-answer"))
                browser.close()
        finally:
            blocks.close()
            page.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
