"""Gold sets from the files they come in: our JSONL, MultiHop-RAG's queries and SQuAD v2, read into one `GoldSet`.

Usage::

    gold = load_gold(Path("gold/seeds.jsonl"))  # the corpus is the seeds/ folder beside gold/
    gold = load_gold(Path("MultiHopRAG.json"), corpus=Path("corpus.json"))
    gold = load_gold(Path("dev-v2.0.json"))  # SQuAD paragraphs become gold.corpus_articles
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from qa.errors import QAError
from qa.eval.types import EvidenceRef, GoldQuestion, GoldSet
from qa.index.loaders import build_article
from qa.types import Article

log = logging.getLogger(__name__)

FORMATS = ("newsqa", "multihop", "squad")
_FORMAT_NAMES = "newsqa (.jsonl, one question a line), multihop (MultiHop-RAG queries JSON) or squad (SQuAD v2 JSON)"
_MULTIHOP_UNANSWERABLE = "null_query"


def load_gold(path: Path, corpus: Path | None = None, format: str | None = None) -> GoldSet:
    """The questions in a gold file and the corpus they are asked of.

    format: one of ``FORMATS``; detected from the file when not given.
    corpus: a file or folder to ingest; when not given, a ``seeds/`` folder beside or above the gold file's folder
        (newsqa) or a ``corpus.json`` beside the queries (multihop). SQuAD carries its paragraphs as articles.
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise QAError(f"unknown gold format {format!r}", f"use one of {', '.join(FORMATS)}")
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise QAError(f"gold file {path} {what}", "give the path of a gold questions file")
    if corpus is not None and not Path(corpus).exists():
        raise QAError(f"corpus {corpus} does not exist", "give a corpus file or folder that exists")
    text = _read_text(path)
    if format == "newsqa" or (format is None and path.suffix.lower() == ".jsonl"):
        return _read_newsqa(text, path, corpus)
    data = _parse_json(text, path)
    format = format or _detect(data, path)
    if format == "multihop":
        return _read_multihop(data, path, corpus)
    return _read_squad(data, path, corpus)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QAError(
            f"gold file {path} is not UTF-8 text (bad byte at offset {exc.start})", "re-save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise QAError(f"cannot read gold file {path}: {exc.strerror or exc}", "check its permissions") from exc


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise QAError(
            f"gold file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            f"fix the file; gold files are {_FORMAT_NAMES}",
        ) from exc


def _detect(data: Any, path: Path) -> str:
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        documents = data["data"]
        if "version" in data or (documents and isinstance(documents[0], dict) and "paragraphs" in documents[0]):
            return "squad"
    if isinstance(data, list) and data and isinstance(data[0], dict) and {"query", "evidence_list"} <= data[0].keys():
        return "multihop"
    raise QAError(f"gold file {path} is in no known gold format", f"give {_FORMAT_NAMES}, or pass the format")


# --- newsqa: our JSONL ---------------------------------------------------------------------------------------------

_ARTICLE_KEYS = ("article", "article_id", "url", "title")


def _read_newsqa(text: str, path: Path, corpus: Path | None) -> GoldSet:
    questions: list[GoldQuestion] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        question = _newsqa_question(line, _line_problem(path, number))
        if question.id in first_line:
            raise QAError(
                f"{path}:{number}: id {question.id!r} repeats line {first_line[question.id]}",
                "give each question its own id",
            )
        first_line[question.id] = number
        questions.append(question)
    if not questions:
        raise QAError(f"gold file {path} holds no questions", "write one JSON object a line")
    corpus_files = (corpus,) if corpus is not None else _seeds_near(path)
    if not corpus_files:
        log.warning("no corpus given for %s and no seeds/ folder beside or above it", path)
    return GoldSet(name=path.stem, format="newsqa", questions=tuple(questions), corpus_files=corpus_files)


def _line_problem(path: Path, number: int) -> Callable[[str], QAError]:
    """Makes errors about one line of a JSONL file, naming the file and the line."""

    def problem(what: str) -> QAError:
        return QAError(f"{path}:{number}: {what}", "fix that line; see gold/seeds.jsonl for the format")

    return problem


def _newsqa_question(line: str, problem: Callable[[str], QAError]) -> GoldQuestion:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise problem(f"malformed JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(row, dict):
        raise problem(f"expected a JSON object, got {type(row).__name__}")
    for key in ("id", "question"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise problem(f"{key!r} must be a non-empty string, got {row.get(key)!r}")
    answers = _strings(row, "answers", problem)
    quotes = _strings(row, "evidence", problem)
    answerable = row.get("answerable", bool(answers))
    if not isinstance(answerable, bool):
        raise problem(f"'answerable' must be true or false, got {answerable!r}")
    question_type = row.get("type", "answerable" if answerable else "unanswerable")
    if not isinstance(question_type, str):
        raise problem(f"'type' must be a string, got {question_type!r}")
    keys = {}
    for key in _ARTICLE_KEYS:
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            raise problem(f"{key!r} must be a string, got {value!r}")
        keys[key] = value or None
    if answerable and not answers:
        raise problem("an answerable question needs at least one answer in 'answers'")
    if not answerable and (answers or quotes):
        raise problem("an unanswerable question has no 'answers' and no 'evidence'; leave both empty")
    refs: list[EvidenceRef] = []
    if answerable:
        ref = EvidenceRef(
            article_id=keys["article_id"], url=keys["url"], title=keys["title"], source_stem=keys["article"]
        )
        if quotes:
            refs = [EvidenceRef(ref.article_id, ref.url, ref.title, ref.source_stem, quote) for quote in quotes]
        elif any(keys.values()):
            refs = [ref]
    return GoldQuestion(
        id=row["id"],
        question=row["question"],
        answers=tuple(answers),
        answerable=answerable,
        type=question_type,
        evidence=tuple(refs),
    )


def _strings(row: dict[str, Any], key: str, problem: Callable[[str], QAError]) -> list[str]:
    values = row.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise problem(f"{key!r} must be a list of non-empty strings, got {values!r}")
    return values


def _seeds_near(path: Path) -> tuple[Path, ...]:
    """The seeds/ folder beside the gold file or beside its folder (the repo's gold/ and seeds/)."""
    folder = path.parent
    for candidate in (folder / "seeds", folder.parent / "seeds"):
        if candidate.is_dir():
            return (candidate,)
    return ()


# --- multihop: MultiHop-RAG ----------------------------------------------------------------------------------------


def _read_multihop(data: Any, path: Path, corpus: Path | None) -> GoldSet:
    if not isinstance(data, list) or not data:
        raise QAError(f"{path} holds no MultiHop-RAG queries", "the query file is a JSON list of query objects")
    questions = [_multihop_question(item, number, path) for number, item in enumerate(data, start=1)]
    corpus_file = corpus if corpus is not None else _multihop_corpus(path)
    return GoldSet(name=path.stem, format="multihop", questions=tuple(questions), corpus_files=(corpus_file,))


def _multihop_question(item: Any, number: int, path: Path) -> GoldQuestion:
    def problem(what: str) -> QAError:
        return QAError(
            f"{path}: query {number}: {what}",
            "fix that query; MultiHop-RAG queries have query, answer, question_type and evidence_list",
        )

    if not isinstance(item, dict):
        raise problem(f"expected a JSON object, got {type(item).__name__}")
    for key in ("query", "answer", "question_type"):
        if not isinstance(item.get(key), str):
            raise problem(f"{key!r} must be a string, got {item.get(key)!r}")
    evidence = item.get("evidence_list", [])
    if not isinstance(evidence, list) or not all(isinstance(fact, dict) for fact in evidence):
        raise problem(f"'evidence_list' must be a list of objects, got {evidence!r}")
    answerable = item["question_type"] != _MULTIHOP_UNANSWERABLE
    refs = [
        EvidenceRef(
            url=_text_or_none(fact.get("url")),
            title=_text_or_none(fact.get("title")),
            quote=_text_or_none(fact.get("fact")),
        )
        for fact in evidence
    ]
    return GoldQuestion(
        id=f"mh-{number:04d}",
        question=item["query"],
        # A null query's answer is the abstention phrase "Insufficient information.", not an answer to match.
        answers=(item["answer"],) if answerable else (),
        answerable=answerable,
        type=item["question_type"],
        evidence=tuple(refs) if answerable else (),
    )


def _multihop_corpus(path: Path) -> Path:
    folder = path.parent
    if (folder / "corpus.json").is_file():
        return folder / "corpus.json"
    found = sorted(p for p in folder.glob("*corpus*.json") if p.is_file() and p.resolve() != path.resolve())
    if len(found) == 1:
        return found[0]
    what = f"{len(found)} candidates ({', '.join(p.name for p in found)})" if found else "no corpus.json"
    raise QAError(
        f"no single corpus for the MultiHop-RAG queries {path}: {what} beside it",
        "pass --corpus with the MultiHop-RAG corpus.json",
    )


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


# --- squad: SQuAD v2 -----------------------------------------------------------------------------------------------


def _read_squad(data: Any, path: Path, corpus: Path | None) -> GoldSet:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise QAError(f"{path} is not SQuAD JSON: no 'data' list", "give a SQuAD v2 file (data[].paragraphs[].qas[])")
    articles: list[Article] = []
    questions: list[GoldQuestion] = []
    for title, number, paragraph in _squad_paragraphs(data["data"], path):
        # Identity from the document title and paragraph number, not the file path: ids survive moving the file.
        article = build_article(
            title=f"{title} ¶{number}",
            text=paragraph["context"],
            identity=f"squad:{title}:{number}",
            source=f"{path}#{title}:{number}",
        )
        articles.append(article)
        for qa in paragraph.get("qas", []):
            questions.append(_squad_question(qa, article.id, f"{path}: {title!r} paragraph {number}"))
    if not questions:
        raise QAError(f"{path} holds no SQuAD questions", "give a SQuAD v2 file with qas in its paragraphs")
    files = (corpus,) if corpus is not None else ()
    return GoldSet(
        name=path.stem, format="squad", questions=tuple(questions), corpus_files=files, corpus_articles=tuple(articles)
    )


def _squad_paragraphs(documents: list[Any], path: Path) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for index, document in enumerate(documents, start=1):
        if not isinstance(document, dict) or not isinstance(document.get("paragraphs"), list):
            raise QAError(f"{path}: document {index} has no 'paragraphs' list", "give a SQuAD v2 file")
        title = str(document.get("title") or f"document {index}")
        for number, paragraph in enumerate(document["paragraphs"], start=1):
            if not isinstance(paragraph, dict) or not isinstance(paragraph.get("context"), str):
                raise QAError(f"{path}: {title!r} paragraph {number} has no 'context' text", "give a SQuAD v2 file")
            yield title, number, paragraph


def _squad_question(qa: Any, article_id: str, where: str) -> GoldQuestion:
    if not isinstance(qa, dict) or not isinstance(qa.get("question"), str) or not isinstance(qa.get("id"), str):
        raise QAError(f"{where}: a question lacks its 'id' or 'question' text", "give a SQuAD v2 file")
    answerable = not qa.get("is_impossible", False)
    texts = [answer.get("text") for answer in qa.get("answers", []) if isinstance(answer, dict)]
    answers = tuple(dict.fromkeys(t for t in texts if isinstance(t, str) and t.strip())) if answerable else ()
    return GoldQuestion(
        id=qa["id"],
        question=qa["question"],
        answers=answers,
        answerable=answerable,
        type="answerable" if answerable else "unanswerable",
        evidence=(EvidenceRef(article_id=article_id),) if answerable else (),
    )
