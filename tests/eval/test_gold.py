from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.errors import QAError
from qa.eval.gold import load_gold
from qa.eval.types import EvidenceRef
from qa.index.loaders import SourceFile, load_file
from qa.index.metadata import article_id
from qa.types import Article

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
MULTIHOP = DATA / "multihop"
SQUAD_NORMANS = ROOT.parent / "shared" / "data" / "squad2-normans" / "dev-v2.0-normans.json"
SEED_STEM = "kyiv-attack-2025-07-04"


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def row(**fields: object) -> str:
    base: dict[str, object] = {"id": "q1", "question": "How many?", "answers": ["3"], "type": "number"}
    return json.dumps({**base, "answerable": True, **fields})


# --- newsqa --------------------------------------------------------------------------------------------------------


def test_seed_gold_has_36_questions_8_unanswerable_and_the_seeds_folder_as_corpus() -> None:
    gold = load_gold(ROOT / "gold" / "seeds.jsonl")
    assert (gold.name, gold.format) == ("seeds", "newsqa")
    assert len(gold.questions) == 36
    unanswerable = [q for q in gold.questions if not q.answerable]
    assert len(unanswerable) == 8
    assert all(q.answers == () and q.evidence == () for q in unanswerable)
    assert [path.resolve() for path in gold.corpus_files] == [ROOT / "seeds"]
    first = gold.questions[0]
    assert (first.id, first.type, first.answers) == ("kyiv-001", "number", ("550",))
    assert first.evidence == (
        EvidenceRef(source_stem=SEED_STEM, quote="Russia fired a total of 550 drones and missiles during the assault"),
    )
    # Every quote can be found in the seed article as our loader reads it.
    (article,) = load_file(SourceFile(ROOT / "seeds" / f"{SEED_STEM}.txt"), max_bytes=10_000_000)
    assert isinstance(article, Article)
    quotes = [ref.quote for q in gold.questions for ref in q.evidence]
    assert quotes and all(quote and quote in article.text for quote in quotes)


def test_jsonl_skips_comments_and_blank_lines_and_maps_article_keys(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    path = write_lines(
        tmp_path / "mine.jsonl",
        "# our own questions",
        row(id="a", evidence=["one", "two"], article_id="abc", url="https://news.example/a", title="A"),
        "",
        row(id="b", evidence=[], article="bridge-2024-03-01"),
        row(id="c", answers=[], evidence=[], answerable=False, type="unanswerable", article="bridge-2024-03-01"),
        row(id="d"),
    )
    gold = load_gold(path, corpus=corpus)
    assert gold.corpus_files == (corpus,)
    a, b, c, d = gold.questions
    assert a.evidence == (
        EvidenceRef(article_id="abc", url="https://news.example/a", title="A", quote="one"),
        EvidenceRef(article_id="abc", url="https://news.example/a", title="A", quote="two"),
    )
    assert b.evidence == (EvidenceRef(source_stem="bridge-2024-03-01"),)
    assert (c.answerable, c.type, c.evidence) == (False, "unanswerable", ())
    assert d.evidence == ()


def test_jsonl_without_corpus_or_seeds_folder_has_no_corpus_files(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    gold = load_gold(write_lines(tmp_path / "gold" / "mine.jsonl", row()))
    assert gold.corpus_files == ()
    (tmp_path / "seeds").mkdir()
    assert load_gold(tmp_path / "gold" / "mine.jsonl").corpus_files == (tmp_path / "seeds",)


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ('{"id": "q2", "question": ', "malformed JSON"),
        ('["q2", "How many?"]', "expected a JSON object"),
        (row(id="q2", question=""), "'question' must be a non-empty string"),
        (row(id="q2", answers="3"), "'answers' must be a list"),
        (row(id="q2", evidence="a quote"), "'evidence' must be a list"),
        (row(id="q2", answerable="yes"), "'answerable' must be true or false"),
        (row(id="q2", article=7), "'article' must be a string"),
        (row(id="q2", answers=[]), "needs at least one answer"),
        (row(id="q2", answerable=False, evidence=["a quote"]), "unanswerable question has no"),
        (row(id="q1"), "id 'q1' repeats line 2"),
    ],
)
def test_a_bad_jsonl_line_is_reported_by_file_and_line(tmp_path: Path, bad_line: str, problem: str) -> None:
    path = write_lines(tmp_path / "bad.jsonl", "# header", row(), "", bad_line)
    with pytest.raises(QAError) as caught:
        load_gold(path)
    assert f"{path}:4: " in caught.value.message
    assert problem in caught.value.message
    assert caught.value.hint


def test_jsonl_with_only_comments_is_an_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "empty.jsonl", "# nothing yet", "")
    with pytest.raises(QAError, match="holds no questions") as caught:
        load_gold(path)
    assert str(path) in caught.value.message


# --- multihop ------------------------------------------------------------------------------------------------------


def test_multihop_sample_reads_queries_evidence_and_the_corpus_beside_it() -> None:
    gold = load_gold(MULTIHOP / "MultiHopRAG.json")
    assert (gold.name, gold.format) == ("MultiHopRAG", "multihop")
    assert gold.corpus_files == (MULTIHOP / "corpus.json",)
    inference, comparison, null = gold.questions
    assert [q.id for q in gold.questions] == ["mh-0001", "mh-0002", "mh-0003"]
    assert (inference.type, inference.answers, inference.answerable) == ("inference_query", ("Mira Sol",), True)
    assert inference.evidence[1] == EvidenceRef(
        url="https://coastalbiz.example/airport-record-passengers",
        title="Airport expects record passenger numbers",
        quote="The airport's chief executive, Mira Sol, welcomed the council's tram decision.",
    )
    assert (comparison.type, comparison.answers, len(comparison.evidence)) == ("comparison_query", ("Yes",), 2)
    assert (null.type, null.answerable, null.answers, null.evidence) == ("null_query", False, (), ())
    # Our loader reads the corpus, and every evidence url is one of its articles.
    articles = list(load_file(SourceFile(MULTIHOP / "corpus.json"), max_bytes=10_000_000))
    assert len(articles) == 3 and all(isinstance(a, Article) for a in articles)
    urls = {a.url for a in articles if isinstance(a, Article)}
    assert {ref.url for q in gold.questions for ref in q.evidence} <= urls


def test_multihop_finds_a_named_corpus_file_or_takes_the_one_given(tmp_path: Path) -> None:
    queries = shutil.copy(MULTIHOP / "MultiHopRAG.json", tmp_path / "queries.json")
    shutil.copy(MULTIHOP / "corpus.json", tmp_path / "multihop-corpus-2023.json")
    assert load_gold(Path(queries)).corpus_files == (tmp_path / "multihop-corpus-2023.json",)
    assert load_gold(Path(queries), corpus=MULTIHOP / "corpus.json").corpus_files == (MULTIHOP / "corpus.json",)


def test_multihop_without_a_corpus_says_to_pass_one(tmp_path: Path) -> None:
    queries = Path(shutil.copy(MULTIHOP / "MultiHopRAG.json", tmp_path / "MultiHopRAG.json"))
    with pytest.raises(QAError) as caught:
        load_gold(queries)
    assert str(queries) in caught.value.message
    assert "--corpus" in caught.value.hint


def test_a_bad_multihop_query_is_reported_by_file_and_number(tmp_path: Path) -> None:
    queries = json.loads((MULTIHOP / "MultiHopRAG.json").read_text())
    queries[1]["question_type"] = None
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(queries))
    with pytest.raises(QAError) as caught:
        load_gold(path, corpus=MULTIHOP / "corpus.json")
    assert f"{path}: query 2: 'question_type' must be a string" in caught.value.message


# --- squad ---------------------------------------------------------------------------------------------------------


def test_squad_sample_paragraphs_become_articles_with_stable_ids() -> None:
    gold = load_gold(DATA / "squad-v2-sample.json")
    assert (gold.name, gold.format, gold.corpus_files) == ("squad-v2-sample", "squad", ())
    first, second = gold.corpus_articles
    assert (first.title, second.title) == ("Lighthouses ¶1", "Lighthouses ¶2")
    assert first.text.startswith("A lighthouse is a tower") and second.text.startswith("Fresnel lenses")
    assert (first.id, second.id) == (article_id("squad:Lighthouses:1"), article_id("squad:Lighthouses:2"))
    assert load_gold(DATA / "squad-v2-sample.json").corpus_articles == gold.corpus_articles
    emit, demolished, inventor = gold.questions
    assert (emit.id, emit.type, emit.answerable) == ("sample-q1", "answerable", True)
    assert emit.answers == ("light", "light from a system of lamps and lenses")
    assert emit.evidence == (EvidenceRef(article_id=first.id),)
    assert (demolished.type, demolished.answerable, demolished.answers, demolished.evidence) == (
        "unanswerable",
        False,
        (),
        (),
    )
    assert inventor.evidence == (EvidenceRef(article_id=second.id),)


@pytest.mark.skipif(not SQUAD_NORMANS.is_file(), reason="the shared SQuAD 2.0 Normans file is absent")
def test_real_squad_normans_file() -> None:
    gold = load_gold(SQUAD_NORMANS)
    assert len(gold.corpus_articles) == 39
    assert len(gold.questions) == 208
    assert sum(not q.answerable for q in gold.questions) == 112
    texts = {article.id: article.text for article in gold.corpus_articles}
    answerable = [q for q in gold.questions if q.answerable]
    assert all(answer in texts[q.evidence[0].article_id] for q in answerable for answer in q.answers)


# --- detection and files -------------------------------------------------------------------------------------------


def test_a_missing_gold_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(QAError, match="does not exist") as caught:
        load_gold(missing)
    assert str(missing) in caught.value.message


def test_a_missing_corpus_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-corpus"
    with pytest.raises(QAError) as caught:
        load_gold(ROOT / "gold" / "seeds.jsonl", corpus=missing)
    assert str(missing) in caught.value.message


def test_an_unknown_json_shape_names_the_file_and_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "questions.json"
    path.write_text(json.dumps([{"question": "Who?", "answer": "Nobody"}]))
    with pytest.raises(QAError) as caught:
        load_gold(path)
    assert str(path) in caught.value.message
    assert all(name in caught.value.hint for name in ("newsqa", "multihop", "squad"))


def test_malformed_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"version": "v2.0",\n "data": [\n')
    with pytest.raises(QAError) as caught:
        load_gold(path)
    assert str(path) in caught.value.message and "line 3" in caught.value.message


def test_format_can_be_given_and_must_be_known(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "questions.txt", row())
    assert load_gold(path, format="newsqa").questions[0].id == "q1"
    with pytest.raises(QAError, match="unknown gold format 'csv'"):
        load_gold(path, format="csv")
