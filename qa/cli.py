"""The ``qa`` command: ingest, search, ask, chat, delete, list articles, and an interactive search prompt.

Errors print as ``error: <what> — <what to do>`` with a non-zero exit; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import RETRIEVAL_MODES, QAConfig
from qa.errors import QAError

if TYPE_CHECKING:
    from qa.news_index import Index
    from qa.types import Passage, SearchFilters

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    _quiet_third_parties()
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        config = QAConfig.load(args.config).replace(index_dir=args.index)
        return int(args.run(args, config))
    except QAError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted; the index is unchanged unless a write had completed", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa", description="Ask questions of news articles and get answers you can check."
    )
    _add_common_options(parser, argparse.ArgumentParser().get_default("x"))
    # The same options after the command; SUPPRESS keeps a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    _add_common_options(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest", parents=[common], help="add articles (files, globs, folders) to the index",
        description="Add .txt, .md, .html, .json and .jsonl articles. Unchanged articles are skipped, changed "
        "ones replaced. Exit code 1 if any input could not be read.",
    )  # fmt: skip
    ingest.add_argument("paths", nargs="+", metavar="PATH_OR_GLOB")
    ingest.add_argument("--rebuild", action="store_true", help="build a fresh index from these inputs only")
    ingest.add_argument("--quiet", "-q", action="store_true", help="no progress bar, only errors")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    ingest.set_defaults(run=run_ingest)

    search = commands.add_parser("search", parents=[common], help="print the passages that best match a question")
    search.add_argument("question")
    _add_search_options(search)
    search.add_argument("--json", action="store_true", help="print results as JSON")
    search.set_defaults(run=run_search)

    shell = commands.add_parser("shell", parents=[common], help="ask questions interactively (Ctrl-D to quit)")
    _add_search_options(shell)
    shell.set_defaults(run=run_shell)

    delete = commands.add_parser("delete", parents=[common], help="remove articles by id or by source file")
    delete.add_argument("ids", nargs="*", metavar="ID")
    delete.add_argument("--source", action="append", default=[], metavar="PATH", help="remove articles read from PATH")
    delete.set_defaults(run=run_delete)

    articles = commands.add_parser("articles", parents=[common], help="list the indexed articles")
    articles.add_argument("--json", action="store_true")
    articles.set_defaults(run=run_articles)

    ask = commands.add_parser("ask", parents=[common], help="answer a question with checked citations")
    ask.add_argument("question")
    _add_search_options(ask)
    _add_answer_options(ask)
    ask.add_argument("--json", action="store_true", help="print the answer, its sentences, citations and timings")
    ask.set_defaults(run=run_ask)

    chat = commands.add_parser("chat", parents=[common], help="a conversation: follow-up questions use the history")
    _add_search_options(chat)
    _add_answer_options(chat)
    chat.set_defaults(run=run_chat)

    serve = commands.add_parser(
        "serve", parents=[common], help="the chat in a web browser (http://127.0.0.1:7860)",
        description="Serve the chat page: streamed answers whose citations open the cited article, settings, "
        "uploads and the corpus. Listens on loopback unless --host says otherwise.",
    )  # fmt: skip
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--auth", metavar="USER:PASSWORD", help="ask for this user name and password")
    serve.add_argument("-k", type=int, default=None, help="passages to search (default: top_k setting, 5)")
    serve.add_argument("--mode", choices=RETRIEVAL_MODES, help="retrieval mode (default: hybrid)")
    _add_answer_options(serve)
    serve.set_defaults(run=run_serve)

    api = commands.add_parser(
        "api", parents=[common], help="the HTTP API (search, ask, articles) on http://127.0.0.1:8000",
        description="Serve the JSON API: GET /health, POST /search, POST /ask (JSON or Server-Sent Events), "
        "GET/POST /articles, DELETE /articles/{id}; schema at /openapi.json, docs at /docs. When the environment "
        "variable named by --token-env is set, writes need Authorization: Bearer <its value>.",
    )  # fmt: skip
    api.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    api.add_argument("--token-env", default="QA_API_TOKEN", help="env variable holding the write token")
    api.add_argument("--max-body-mb", type=float, default=5.0, help="largest request body in MB (default 5)")
    _add_answer_options(api)
    api.add_argument("-k", type=int, default=None, help=argparse.SUPPRESS)
    api.add_argument("--mode", choices=RETRIEVAL_MODES, help="default retrieval mode (default: hybrid)")
    api.set_defaults(run=run_api)

    evaluate = commands.add_parser(
        "eval", parents=[common], help="measure retrieval, answers, citations and abstention against gold Q&A",
        description="qa eval GOLD: run gold questions (our JSONL, MultiHop-RAG, SQuAD v2) and write metrics.json, "
        "rows.jsonl, summary.md and plots. qa eval compare RUN_A RUN_B: the metric deltas between two runs. "
        "Without --index, an index of the gold set's own corpus is built (and cached).",
    )  # fmt: skip
    evaluate.add_argument("target", nargs="+", metavar="GOLD | compare RUN_A RUN_B")
    evaluate.add_argument("--corpus", type=Path, help="the articles the gold questions are about (file or folder)")
    evaluate.add_argument("--format", choices=("newsqa", "multihop", "squad"), help="gold format (default: detect)")
    evaluate.add_argument(
        "--backend", choices=("local", "openai", "extractive", "none"), help="answer backend; none: retrieval only"
    )
    evaluate.add_argument("--model", help="local: a known model name or a .gguf path; openai: the model name")
    evaluate.add_argument("--mode", choices=RETRIEVAL_MODES, help="retrieval mode (default: hybrid)")
    evaluate.add_argument("-k", type=int, help="passages given to the answerer, and the k of Recall@k (default 5)")
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument("--out", type=Path, help="report folder (default: eval-runs/GOLD-MODE-BACKEND)")
    evaluate.set_defaults(run=run_eval)
    return parser


def _add_answer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=("local", "openai", "extractive"), help="answer backend (default: local)")
    parser.add_argument("--model", help="local: a known model name or a .gguf path; openai: the model name")
    parser.add_argument("--base-url", help="openai backend: the endpoint's base URL (e.g. http://host:8000/v1)")
    parser.add_argument("--api-key-env", help="openai backend: environment variable holding the API key")
    parser.add_argument("--temperature", type=float, help="sampling temperature (default 0: repeatable)")


def _add_common_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--index", type=Path, default=default, help="index directory (default: ./index or the index_dir setting)"
    )
    parser.add_argument(
        "--config", type=Path, default=default, help="settings file (TOML); default $QA_CONFIG or ./qa.toml"
    )
    parser.add_argument(
        "--debug", action="store_true", default=default if default is argparse.SUPPRESS else False,
        help="show debug logs and tracebacks",
    )  # fmt: skip


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", type=int, default=None, help="passages to show (default: top_k setting, 5)")
    parser.add_argument("--since", type=_date, help="only articles published on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--until", type=_date, help="only articles published on or before DATE (YYYY-MM-DD)")
    parser.add_argument("--outlet", action="append", default=[], help="only articles from this outlet (repeatable)")
    parser.add_argument("--mode", choices=RETRIEVAL_MODES, help="retrieval mode (default: hybrid)")


def run_ingest(args: argparse.Namespace, config: QAConfig) -> int:
    from qa.news_index import Index

    index = Index(config=config)
    progress = not args.quiet and not args.json and sys.stderr.isatty()
    report = index.add(args.paths, progress=progress, rebuild=args.rebuild)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for skip in report.skipped:
            print(f"{'skipped' if skip.failure else 'note'}: {skip.source}: {skip.reason}", file=sys.stderr)
        if not args.quiet:
            print(f"{config.index_dir}: {report.summary()}")
    return EXIT_ERROR if report.failed else EXIT_OK


def run_search(args: argparse.Namespace, config: QAConfig) -> int:
    index = _open(config)
    passages = index.search(args.question, k=args.k, filters=_filters(args), mode=args.mode)
    if args.json:
        print(json.dumps({"question": args.question, "passages": [p.to_json() for p in passages]}, indent=2))
    else:
        print(format_passages(passages))
    return EXIT_OK


def run_shell(args: argparse.Namespace, config: QAConfig) -> int:
    index = _open(config)
    filters = _filters(args)
    print(
        f"{len(index.articles())} articles, {len(index)} passages in {config.index_dir}. Ask a question (Ctrl-D quits)."
    )
    while True:
        try:
            question = input("\nquestion> ").strip()
        except EOFError:
            print()
            return EXIT_OK
        if question:
            print(format_passages(index.search(question, k=args.k, filters=filters, mode=args.mode)))


def _answer_config(args: argparse.Namespace, config: QAConfig) -> QAConfig:
    config = config.replace(
        backend=args.backend,
        openai_base_url=args.base_url,
        openai_api_key_env=args.api_key_env,
        temperature=args.temperature,
        top_k=args.k,
        retrieval_mode=args.mode,
    )
    return config.with_answer_model(args.model)


def run_ask(args: argparse.Namespace, config: QAConfig) -> int:
    from qa.answer.assistant import Assistant
    from qa.answer.render import TerminalAnswer

    config = _answer_config(args, config)
    assistant = Assistant(_open(config), config)
    try:
        if args.json:
            answer = assistant.ask(args.question, filters=_filters(args))
            print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
        else:
            TerminalAnswer(sys.stdout, sys.stderr).show(assistant.stream(args.question, filters=_filters(args)))
    finally:
        assistant.close()
    return EXIT_OK


def run_chat(args: argparse.Namespace, config: QAConfig) -> int:
    from qa.answer.assistant import Assistant
    from qa.answer.conversation import Turn
    from qa.answer.render import TerminalAnswer

    config = _answer_config(args, config)
    index = _open(config)
    assistant = Assistant(index, config)
    filters = _filters(args)
    history: list[Turn] = []
    print(
        f"{len(index.articles())} articles in {config.index_dir}, answering with the {config.backend} backend. "
        "Ask a question; /clear forgets the conversation, Ctrl-D quits."
    )
    try:
        while True:
            try:
                question = input("\nyou> ").strip()
            except EOFError:
                print()
                return EXIT_OK
            if question == "/clear":
                history.clear()
                print("(conversation cleared)")
                continue
            if not question:
                continue
            try:
                answer = TerminalAnswer(sys.stdout, sys.stderr).show(assistant.stream(question, history, filters))
            except QAError as exc:
                print(f"error: {exc}", file=sys.stderr)
                continue
            history.append(Turn(question, answer.text, answer.search_query))
    finally:
        assistant.close()


def run_serve(args: argparse.Namespace, config: QAConfig) -> int:
    from qa.ui.app import parse_auth, serve

    if not 0 < args.port < 65536:
        raise QAError(f"--port {args.port} is not a port number", "use a number from 1 to 65535, e.g. 7860")
    serve(_answer_config(args, config), args.host, args.port, parse_auth(args.auth))
    return EXIT_OK


def run_api(args: argparse.Namespace, config: QAConfig) -> int:
    import socket

    import uvicorn

    from qa.api.app import create_app
    from qa.news_index import Index

    if not 0 < args.port < 65536:
        raise QAError(f"--port {args.port} is not a port number", "use a number from 1 to 65535, e.g. 8000")
    if args.max_body_mb <= 0:
        raise QAError(f"--max-body-mb {args.max_body_mb} must be positive", "e.g. --max-body-mb 5")
    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError as error:
            raise QAError(f"cannot listen on {args.host}:{args.port} ({error.strerror})", "pass --port N") from None
    config = _answer_config(args, config)
    index = Index(config.index_dir, config)
    if index.exists():
        index.snapshot()  # a damaged or mismatched index fails now, with its own message
    token = os.environ.get(args.token_env) or None
    app = create_app(index, config, token=token, max_body_bytes=int(args.max_body_mb * 1_000_000))
    variable = f"${args.token_env}"
    auth = f"writes need the token in {variable}" if token else f"no token: set {variable} to protect writes"
    print(f"newsqa API on http://{args.host}:{args.port} (docs at /docs; {auth}); Ctrl-C stops", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def run_eval(args: argparse.Namespace, config: QAConfig) -> int:
    if args.target[0] == "compare":
        return _run_compare(args)
    if len(args.target) != 1:
        raise QAError(f"expected one gold file, got {len(args.target)}", "qa eval GOLD, or qa eval compare A B")
    from qa.eval.gold import load_gold
    from qa.eval.report import write_run
    from qa.eval.runner import EvalSettings, prepare_index
    from qa.eval.runner import run_eval as evaluate

    if args.limit is not None and args.limit <= 0:
        raise QAError(f"--limit {args.limit} must be positive", "give the number of questions to run")
    gold = load_gold(Path(args.target[0]), corpus=args.corpus, format=args.format)
    settings = EvalSettings(
        backend=args.backend or config.backend,
        model=args.model,
        mode=args.mode or config.retrieval_mode,
        k=args.k or config.top_k,
        limit=args.limit,
    )
    index = prepare_index(gold, config, args.index)
    run = evaluate(gold, index, config, settings)
    out = args.out or Path("eval-runs") / f"{Path(args.target[0]).stem}-{settings.mode}-{settings.backend}"
    written = write_run(run, out)
    print((out / "summary.md").read_text())
    print("wrote " + ", ".join(str(path) for path in written))
    return EXIT_OK


def _run_compare(args: argparse.Namespace) -> int:
    from qa.eval.report import write_comparison

    if len(args.target) != 3:
        raise QAError("compare needs two run folders", "qa eval compare eval-runs/A eval-runs/B")
    run_a, run_b = Path(args.target[1]), Path(args.target[2])
    text, written = write_comparison(run_a, run_b, args.out or run_b)
    print(text)
    print("wrote " + ", ".join(str(path) for path in written))
    return EXIT_OK


def run_delete(args: argparse.Namespace, config: QAConfig) -> int:
    if not args.ids and not args.source:
        print("error: name article ids or --source PATH — list ids with: qa articles", file=sys.stderr)
        return EXIT_USAGE
    index = _open(config)
    report = index.delete(args.ids, args.source)
    for skip in report.skipped:
        print(f"not found: {skip.source}: {skip.reason}", file=sys.stderr)
    print(f"{config.index_dir}: removed {len(report.removed)} article(s), {report.chunks_removed} passages")
    return EXIT_ERROR if report.failed else EXIT_OK


def run_articles(args: argparse.Namespace, config: QAConfig) -> int:
    index = _open(config)
    infos = index.articles()
    if args.json:
        print(
            json.dumps(
                [info.listing_json() for info in infos],
                indent=2,
            )
        )
        return EXIT_OK
    for info in infos:
        date = info.published.isoformat() if info.published else "undated   "
        outlet = f" [{info.outlet}]" if info.outlet else ""
        print(f"{info.id}  {date}  {len(info.chunk_ids):4d} chunks  {info.title}{outlet}")
    print(f"{len(infos)} articles")
    return EXIT_OK


def format_passages(passages: list[Passage]) -> str:
    if not passages:
        return "No passage matches. Try other words, or widen the date and outlet filters."
    blocks = []
    for number, passage in enumerate(passages, start=1):
        lines = [f"[{number}] score {passage.score:.4f}  {passage.ref.citation()}"]
        lines += [f"    also: {dup.citation()}" for dup in passage.duplicates]
        lines += ["    " + line for line in passage.text.splitlines()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _open(config: QAConfig) -> Index:
    from qa.news_index import Index

    return Index.open(config.index_dir, config)


def _filters(args: argparse.Namespace) -> SearchFilters:
    from qa.types import SearchFilters

    if args.since and args.until and args.since > args.until:
        raise QAError(f"--since {args.since} is after --until {args.until}", "swap the two dates")
    return SearchFilters(since=args.since, until=args.until, outlets=tuple(args.outlet))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _quiet_third_parties() -> None:
    for name in ("sentence_transformers", "transformers", "faiss", "bm25s", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


if __name__ == "__main__":
    raise SystemExit(main())
