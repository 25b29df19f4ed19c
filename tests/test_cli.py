"""The qa command as a user runs it: exit codes, one clear line per problem, no tracebacks, JSON for machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, free_port

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def _first_reply(server: subprocess.Popen[str], url: str, wait: float = 60) -> str:
    """The body of the first successful GET of ``url`` from a server still starting (which must not exit)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {wait} s")


def qa(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, cwd=cwd, env=_env(), timeout=300
    )


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli") / "index"
    result = qa("ingest", str(SEEDS), "--index", str(directory))
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    return directory


def test_reingest_reports_unchanged(cli_index: Path) -> None:
    result = qa("ingest", str(SEEDS), "--index", str(cli_index), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0
    assert report["added"] == [] and len(report["unchanged"]) == 1 and report["chunks_added"] == 0


def test_bad_inputs_are_named_one_line_each_and_fail_the_exit_code(cli_index: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "broken.json").write_text('{"title": "x", ')
    result = qa("ingest", str(tmp_path), str(tmp_path / "missing.md"), "--index", str(cli_index))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(problems) == 3, result.stderr
    assert any("empty.txt" in line and "empty" in line for line in problems)
    assert any("broken.json" in line and "malformed JSON" in line for line in problems)
    assert any("missing.md" in line for line in problems)
    assert "Traceback" not in result.stderr


def test_search_prints_ranked_passages_with_citations(cli_index: Path) -> None:
    result = qa("search", "How many people were hospitalized?", "-k", "2", "--index", str(cli_index))
    assert result.returncode == 0
    assert result.stdout.startswith("[1] score")
    assert "Russia launches biggest missile and drone attack on Kyiv" in result.stdout
    assert "2025-07-04" in result.stdout


def test_search_json_has_scores_and_offsets(cli_index: Path) -> None:
    result = qa("--index", str(cli_index), "search", "drones shot down", "--json", "-k", "3")
    passages = json.loads(result.stdout)["passages"]
    assert len(passages) == 3
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert all(p["end"] > p["start"] and p["published"] == "2025-07-04" for p in passages)


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    result = qa("search", "anything", "--index", str(tmp_path / "none"))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: no index in {tmp_path / 'none'} — build one: qa ingest seeds/ --index {tmp_path / 'none'}"
    )


def test_bad_date_filter_is_a_usage_error(cli_index: Path) -> None:
    result = qa("search", "x", "--since", "last week", "--index", str(cli_index))
    assert result.returncode == 2 and "use YYYY-MM-DD" in result.stderr


def test_articles_and_delete(cli_index: Path, tmp_path: Path) -> None:
    listing = json.loads(qa("articles", "--json", "--index", str(cli_index)).stdout)
    assert [a["dateline"] for a in listing] == ["KYIV"]
    unknown = qa("delete", "ffffffffffffffff", "--index", str(cli_index))
    assert unknown.returncode == 1 and "not found: ffffffffffffffff" in unknown.stderr


def test_shell_answers_each_question_until_end_of_input(cli_index: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "shell", "--index", str(cli_index), "-k", "1"],
        input="How many drones were shot down?\n\nWho is the mayor of Kyiv?\n",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.count("[1] score") == 2
    assert "1 articles" in result.stdout


def test_ask_json_gives_sentences_citations_offsets_and_timings(cli_index: Path) -> None:
    result = qa("ask", "How long did the overnight assault last?", "--index", str(cli_index), "--backend", "extractive",
                "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["abstained"] and "seven hours" in answer["answer"]
    citation = answer["sentences"][0]["citations"][0]
    assert citation["number"] == 1 and citation["quotes"][0]["end"] > citation["quotes"][0]["start"]
    assert answer["timings"]["total"] > 0 and answer["verified_fraction"] == 1.0


def test_ask_prints_the_answer_then_the_quoted_sources(cli_index: Path) -> None:
    result = qa("ask", "How many ambulances were damaged?", "--index", str(cli_index), "--backend", "extractive")
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("Sources:")
    assert "five ambulances" in answer and "[1]" in answer
    assert "[1] Russia launches biggest missile" in sources and "chars " in sources


def test_ask_with_an_unreachable_endpoint_says_so_and_answers_extractively(cli_index: Path) -> None:
    result = qa("ask", "How many ambulances were damaged?", "--index", str(cli_index), "--backend", "openai",
                "--base-url", "http://127.0.0.1:9/v1", "--model", "gpt-4o-mini")  # fmt: skip
    assert result.returncode == 0
    assert "cannot connect to http://127.0.0.1:9/v1" in result.stderr and "Traceback" not in result.stderr
    assert "five ambulances" in result.stdout


def test_chat_answers_a_follow_up_from_the_conversation(cli_index: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "chat", "--index", str(cli_index), "--backend", "extractive"],
        input="How many drones and missiles did Russia fire?\nAnd how many were shot down?\n",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.split("you>")[1:3]
    assert "550" in first and "270" in second


def test_serve_rejects_bad_auth_and_port(cli_index: Path) -> None:
    bad_auth = qa("serve", "--index", str(cli_index), "--auth", "nopassword")
    assert bad_auth.returncode == 1 and "error: --auth must be USER:PASSWORD" in bad_auth.stderr
    bad_port = qa("serve", "--index", str(cli_index), "--port", "70000")
    assert bad_port.returncode == 1 and "--port 70000 is not a port number" in bad_port.stderr
    assert "Traceback" not in bad_auth.stderr + bad_port.stderr


@pytest.mark.slow
def test_serve_serves_the_chat_page_offline_and_a_busy_port_is_a_clear_error(cli_index: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "qa.cli", "serve", "--index", str(cli_index), "--backend", "extractive"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert "newsqa" in _first_reply(server, f"http://127.0.0.1:{port}/")
        busy = qa("serve", "--index", str(cli_index), "--backend", "extractive", "--port", str(port))
        assert busy.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
        assert "Traceback" not in busy.stderr
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert f"newsqa chat on http://127.0.0.1:{port}" in out


def test_eval_writes_a_report_and_compare_prints_the_deltas(tmp_path: Path) -> None:
    gold = ROOT / "tests" / "eval" / "data" / "squad-v2-sample.json"
    cache = {"QA_MODEL_CACHE": str(tmp_path / "cache" / "models")}
    runs = []
    for mode in ("dense", "hybrid"):
        out = tmp_path / mode
        result = subprocess.run(
            [sys.executable, "-m", "qa.cli", "eval", str(gold), "--backend", "extractive", "--mode", mode,
             "--out", str(out)],
            capture_output=True, text=True, env={**_env(), **cache}, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "| all |" in result.stdout and (out / "metrics.json").exists() and (out / "hits_at_k.png").exists()
        runs.append(out)
    compared = qa("eval", "compare", str(runs[0]), str(runs[1]), "--out", str(tmp_path / "cmp"))
    assert compared.returncode == 0 and "| retrieval.hits@1 |" in compared.stdout
    assert (tmp_path / "cmp" / "compare.md").exists()


def test_eval_errors_name_the_input(tmp_path: Path) -> None:
    missing = qa("eval", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and "nope.jsonl does not exist" in missing.stderr
    not_a_run = qa("eval", "compare", str(tmp_path), str(tmp_path))
    assert not_a_run.returncode == 1 and "is not an eval run" in not_a_run.stderr
    assert "Traceback" not in missing.stderr + not_a_run.stderr


@pytest.mark.slow
def test_api_serves_json_and_a_busy_port_is_a_clear_error(cli_index: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "qa.cli", "api", "--index", str(cli_index), "--backend", "extractive"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**_env(), "QA_API_TOKEN": "t0ken"},
    )
    try:
        health = json.loads(_first_reply(server, f"http://127.0.0.1:{port}/health"))
        assert health["status"] == "ok" and health["articles"] == 1 and health["auth_required_for_writes"]
        busy = qa("api", "--index", str(cli_index), "--port", str(port))
        assert busy.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert f"newsqa API on http://127.0.0.1:{port}" in out and "writes need the token in $QA_API_TOKEN" in out
