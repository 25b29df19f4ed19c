"""The Gradio page: chat beside a source panel, settings, the corpus with upload and delete.

The page only wires widgets to :mod:`qa.ui.chat`, :mod:`qa.ui.corpus`, :mod:`qa.ui.uploads` and
:mod:`qa.ui.feedback`; answering itself is :class:`qa.answer.assistant.Assistant`'s job.

>>> page = ChatPage(Index("index"), QAConfig(backend="extractive"))  # doctest: +SKIP
>>> page.launch(port=7860)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from qa.answer.backends import Backend
from qa.answer.pool import AssistantPool
from qa.config import QAConfig
from qa.errors import QAError
from qa.news_index import Index
from qa.ui import corpus, render
from qa.ui.chat import BACKEND_CHOICES, ChatSession, ChatSettings, Message, respond, source_panel
from qa.ui.feedback import FeedbackLog, feedback_path
from qa.ui.uploads import UPLOAD_SUFFIXES, ingest_uploads

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger(__name__)

PANEL_PLACEHOLDER = (
    '<div class="qa-placeholder">Click a citation such as <b>[1]</b> in an answer to read the article here, '
    "with the sentence that supports the answer highlighted.</div>"
)
_BACKEND_LABELS = {backend: label for label, backend in BACKEND_CHOICES.items()}


def quiet_gradio() -> None:
    """No analytics, no telemetry, no version check: set before gradio is imported."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _asset(name: str) -> str:
    return resources.files("qa.ui").joinpath("assets", name).read_text(encoding="utf-8")


class ChatPage:
    """The chat page over one index. Each browser tab has its own conversation; the index, the assistants (and
    so a loaded local model) and the feedback file are shared."""

    def __init__(self, index: Index, config: QAConfig, backends: Mapping[str, Backend] | None = None) -> None:
        self.index = index
        self.config = config
        self.assistants = AssistantPool(index, config, backends)
        self.feedback = FeedbackLog(feedback_path(index.directory))
        self._write_lock = threading.Lock()

    # What each widget does (plain functions of plain values, so they can be called without a browser).

    def ask(
        self,
        question: str,
        messages: list[Message],
        session: ChatSession,
        backend: str,
        k: float,
        since: str,
        until: str,
        outlets: list[str] | None,
    ) -> Iterator[tuple[str, list[Message], ChatSession]]:
        if not question or not question.strip():
            yield "", messages, session
            return
        try:
            settings = ChatSettings.parse(backend, k, since, until, outlets)
        except QAError as error:
            shown = [*messages, {"role": "assistant", "content": render.error_html(error.message, error.hint)}]
            yield question, shown, session
            return
        for shown in respond(self.assistants, question, messages or [], session, settings):
            yield "", shown, session

    def open_source(self, link: str, session: ChatSession) -> str:
        return source_panel(self.index, session, link)

    def rate(self, session: ChatSession, position: int, liked: object) -> str | None:
        """Store a thumbs up or down for the answer at chat position ``position``; returns the rating stored."""
        answer_number = session.message_answers.get(position)
        if answer_number is None or liked not in (True, False, "Like", "Dislike"):
            return None
        rating = "up" if liked in (True, "Like") else "down"
        self.feedback.record(rating, session.answers[answer_number], session=str(id(session)))
        return rating

    def upload(self, files: list[str] | None, progress: Any = None) -> str:
        def report(fraction: float, stage: str) -> None:
            if progress is not None:
                progress(fraction, desc=stage)

        with self._write_lock:
            try:
                result = ingest_uploads(
                    self.index,
                    files or [],
                    self.config.upload_max_bytes,
                    self.config.upload_max_files,
                    report,
                )
            except QAError as error:
                return render.error_html(error.message, error.hint)
        cls = "qa-upload-ok" if result.ok else "qa-upload-failed"
        problems = "".join(f"<li>{render.text(p)}</li>" for p in result.problems)
        listing = f"<ul>{problems}</ul>" if problems else ""
        return f'<div class="{cls}">{render.text(result.message)}{listing}</div>'

    def delete(self, article_ids: list[str] | None) -> str:
        if not article_ids:
            return '<div class="qa-upload-failed">Choose the articles to delete first.</div>'
        with self._write_lock:
            try:
                report = self.index.delete(article_ids)
            except QAError as error:
                return render.error_html(error.message, error.hint)
        done = f"Deleted {len(report.removed)} article(s), {report.chunks_removed} passages."
        return f'<div class="qa-upload-ok">{done}</div>'

    # The page

    def build(self) -> gr.Blocks:
        quiet_gradio()
        import gradio as gr

        index = self.index
        with gr.Blocks(title="newsqa: answers from the articles, with sources") as page:
            session = gr.State(ChatSession())
            gr.Markdown("## newsqa — ask the news articles; every claim links to the sentence it rests on")
            summary = gr.Markdown(elem_id="qa-summary")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="qa-chat",
                        height=560,
                        label="Chat",
                        sanitize_html=True,
                        latex_delimiters=[],
                        line_breaks=False,
                        buttons=["copy"],
                        placeholder="Ask a question about the articles. Answers cite their sources.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            elem_id="qa-question",
                            show_label=False,
                            placeholder="Ask about the articles… (follow-up questions use the conversation)",
                            scale=6,
                            autofocus=True,
                            max_lines=4,
                        )
                        ask = gr.Button("Ask", variant="primary", elem_id="qa-ask", scale=1, min_width=80)
                        clear = gr.Button("Clear", elem_id="qa-clear", scale=1, min_width=80)
                    examples = gr.Dataset(
                        components=[gr.Textbox(visible=False)],
                        samples=[],
                        label="Examples from the articles",
                        elem_id="qa-examples",
                    )
                with gr.Column(scale=2):
                    panel = gr.HTML(PANEL_PLACEHOLDER, elem_id="qa-source-panel")
            with gr.Accordion("Settings", open=False, elem_id="qa-settings"):
                with gr.Row():
                    backend = gr.Radio(
                        list(BACKEND_CHOICES),
                        value=_BACKEND_LABELS.get(self.config.backend, "local"),
                        label="Answer with",
                        info="local: the model on this machine; hosted: the OpenAI-compatible endpoint in the "
                        "settings; extractive: the best-supported sentences, no model",
                        elem_id="qa-backend",
                    )
                    passages = gr.Slider(1, 10, value=self.config.top_k, step=1, label="Passages to search")
                with gr.Row():
                    since = gr.Textbox(label="Published since", placeholder="YYYY-MM-DD", elem_id="qa-since")
                    until = gr.Textbox(label="Published until", placeholder="YYYY-MM-DD", elem_id="qa-until")
                    outlets = gr.Dropdown(
                        [], multiselect=True, label="Outlets", info="empty: every outlet", elem_id="qa-outlets"
                    )
            with gr.Accordion("Articles", open=False, elem_id="qa-articles"):
                with gr.Row():
                    files = gr.File(
                        file_count="multiple",
                        file_types=list(UPLOAD_SUFFIXES),
                        label=f"Upload articles ({', '.join(UPLOAD_SUFFIXES)}; "
                        f"up to {self.config.upload_max_bytes // 1_000_000} MB each)",
                        elem_id="qa-upload",
                    )
                    with gr.Column():
                        add = gr.Button("Add to index", variant="primary", elem_id="qa-add")
                        upload_status = gr.HTML(elem_id="qa-upload-status")
                table = gr.Dataframe(
                    headers=corpus.CORPUS_COLUMNS, interactive=False, wrap=True, elem_id="qa-corpus", label="Corpus"
                )
                with gr.Row():
                    to_delete = gr.Dropdown(
                        [], multiselect=True, label="Articles to delete", elem_id="qa-delete-pick", scale=4
                    )
                    delete = gr.Button("Delete", variant="stop", elem_id="qa-delete", scale=1)
            # The page's script writes a clicked citation's link here and presses the button.
            link = gr.Textbox(elem_id="qa-link", visible="hidden")
            open_link = gr.Button("open", elem_id="qa-open", visible="hidden")

            def refresh() -> tuple[Any, ...]:
                return (
                    corpus.corpus_summary(index),
                    gr.Dataset(samples=[[q] for q in corpus.example_questions(index)]),
                    corpus.corpus_rows(index),
                    gr.Dropdown(choices=corpus.outlet_choices(index)),
                    gr.Dropdown(choices=corpus.delete_choices(index), value=[]),
                )

            corpus_views = [summary, examples, table, outlets, to_delete]
            page.load(refresh, None, corpus_views, queue=False, api_visibility="private")

            ask_inputs = [question, chatbot, session, backend, passages, since, until, outlets]
            ask_outputs = [question, chatbot, session]
            limit = self.config.ui_concurrency
            # Every way of asking shares one queue slot pool ("answer"), so a burst waits instead of failing.
            question.submit(
                self.ask,
                ask_inputs,
                ask_outputs,
                concurrency_limit=limit,
                concurrency_id="answer",
                api_name="ask_typed",
                api_visibility="private",
            )
            ask.click(
                self.ask, ask_inputs, ask_outputs, api_name="ask", concurrency_limit=limit, concurrency_id="answer"
            )
            pick = examples.click(lambda sample: sample[0], examples, question, queue=False, api_visibility="private")
            pick.then(
                self.ask,
                ask_inputs,
                ask_outputs,
                concurrency_limit=limit,
                concurrency_id="answer",
                api_name="ask_example",
                api_visibility="private",
            )

            def forget() -> tuple[str, list[Message], ChatSession, str]:
                return "", [], ChatSession(), PANEL_PLACEHOLDER

            clear.click(forget, None, [question, chatbot, session, panel], queue=False, api_visibility="private")
            chatbot.clear(forget, None, [question, chatbot, session, panel], queue=False, api_visibility="private")
            open_link.click(self.open_source, [link, session], panel, queue=False, api_visibility="private")

            def on_like(session_state: ChatSession, like: gr.LikeData) -> None:
                position = like.index if isinstance(like.index, int) else like.index[0]
                rating = self.rate(session_state, position, like.liked)
                if rating:
                    gr.Info(f"Thanks: feedback ({rating}) saved.")

            # Gradio finds the LikeData argument by its type hint, which it must be able to resolve.
            on_like.__annotations__["like"] = gr.LikeData
            chatbot.like(on_like, [session], None, api_visibility="private")

            progress_bar = gr.Progress()

            def on_upload(uploaded: list[str] | None, progress: gr.Progress = progress_bar) -> tuple[Any, ...]:
                status = self.upload(uploaded, progress)
                return (status, None, *refresh())

            add.click(
                on_upload,
                [files],
                [upload_status, files, *corpus_views],
                concurrency_id="write",
                api_visibility="private",
            )

            def on_delete(ids: list[str] | None) -> tuple[Any, ...]:
                return (self.delete(ids), *refresh())

            delete.click(
                on_delete, [to_delete], [upload_status, *corpus_views], concurrency_id="write", api_visibility="private"
            )
        return page

    def launch(
        self,
        host: str = "127.0.0.1",
        port: int = 7860,
        auth: tuple[str, str] | None = None,
        block: bool = True,
        warm: bool = True,
    ) -> gr.Blocks:
        """Serve the page; with ``warm``, the default backend starts loading at once, not on the first question."""
        quiet_gradio()
        import gradio as gr

        if warm:
            threading.Thread(target=self._warm, name="warm-backend", daemon=True).start()
        page = self.build()
        page.queue(default_concurrency_limit=self.config.ui_concurrency)
        page.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            prevent_thread_lock=not block,
            max_file_size=self.config.upload_max_bytes,
            theme=gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace"]),
            css=_asset("app.css"),
            head=f"<script>{_asset('app.js')}</script>",
            ssr_mode=False,
            mcp_server=False,
            quiet=not block,
            footer_links=["api"],
        )
        return page

    def _warm(self) -> None:
        """Load the embedder and start the local model in the background, so the first answer is not slow."""
        try:
            self.index.embedder.embed_query("warm up")
            backend = self.assistants.get(self.config.backend).backend
            start = getattr(backend, "start", None)
            if callable(start):
                start()
        except QAError as error:
            log.warning("the %s backend could not start: %s", self.config.backend, error)

    def close(self) -> None:
        self.assistants.close()


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` → a pair; raises :class:`QAError` for anything else."""
    if not value:
        return None
    user, colon, password = value.partition(":")
    if not colon or not user or not password:
        raise QAError("--auth must be USER:PASSWORD", "for example --auth reader:s3cret")
    return user, password


def serve(config: QAConfig, host: str, port: int, auth: tuple[str, str] | None) -> None:
    """``qa serve``: the page over ``config.index_dir`` until interrupted."""
    index = Index(config.index_dir, config)
    if index.exists():
        index.snapshot()  # a damaged or mismatched index fails here, with its own error, not on the first question
    page = ChatPage(index, config)
    print(f"newsqa chat on http://{host}:{port} — {corpus.corpus_summary(index)} (Ctrl-C stops)", flush=True)
    try:
        page.launch(host, port, auth)
    except OSError as error:
        raise QAError(
            f"cannot listen on {host}:{port} ({error})", "stop whatever uses that port, or pass --port N"
        ) from None
    finally:
        page.close()
