"""A run on disk: ``metrics.json``, ``rows.jsonl``, ``summary.md`` and PNG plots; and the deltas between two runs.

DIR/metrics.json   settings, counts and every metric (overall and by question type)
DIR/rows.jsonl     one line per question: question, gold, answer, retrieved ids, verdicts, timings
DIR/summary.md     the tables a reader wants first
DIR/by_type.png, DIR/hits_at_k.png, DIR/latency.png
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.errors import QAError
from qa.eval.runner import HITS_CURVE, EvalRun

# The metrics `compare` lines up, by their path in metrics.json's "overall" (higher is better unless noted).
COMPARED = (
    ("retrieval", "hits@1"),
    ("retrieval", "hits@5"),
    ("retrieval", "hits@10"),
    ("retrieval", "recall@10"),
    ("retrieval", "mrr@10"),
    ("retrieval", "map@10"),
    ("retrieval", "ndcg@10"),
    ("answers", "correct"),
    ("answers", "exact_match"),
    ("answers", "f1"),
    ("answers", "contains"),
    ("answers", "multihop_accuracy"),
    ("answers", "abstained"),
    ("abstention", "precision"),
    ("abstention", "recall"),
    ("citations", "verified_sentences"),
    ("citations", "citation_precision"),
    ("latency", "retrieval", "p50"),
    ("latency", "retrieval", "p95"),
    ("latency", "answer", "p50"),
    ("latency", "answer", "p95"),
    ("latency", "first_token", "p50"),
    ("tokens", "in_per_answer"),
    ("tokens", "out_per_answer"),
)


def run_json(run: EvalRun) -> dict[str, Any]:
    return {
        "gold": run.gold,
        "format": run.format,
        "settings": asdict(run.settings),
        "started": run.started,
        "index": {"directory": run.index_dir, "articles": run.articles, "passages": run.passages},
        "metrics": run.metrics,
    }


def write_run(run: EvalRun, out: Path) -> list[Path]:
    """Write every report file of ``run`` into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "metrics.json", out / "rows.jsonl", out / "summary.md"]
    (out / "metrics.json").write_text(json.dumps(run_json(run), indent=2) + "\n")
    with open(out / "rows.jsonl", "w", encoding="utf-8") as handle:
        for row in run.rows:
            handle.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")
    (out / "summary.md").write_text(summary_markdown(run_json(run)))
    written += write_plots(run, out)
    return written


def summary_markdown(data: dict[str, Any]) -> str:
    settings = data["settings"]
    overall = data["metrics"]["overall"]
    lines = [
        f"# Eval: {data['gold']} ({data['format']})",
        "",
        f"{overall['questions']} questions ({overall['answerable']} answerable, {overall['unanswerable']} not) over "
        f"{data['index']['articles']} articles / {data['index']['passages']} passages; retrieval {settings['mode']}, "
        f"k={settings['k']}, backend {settings['backend']}" + (f" ({settings['model']})" if settings["model"] else ""),
        "",
        "| group | questions | Hits@1 | Hits@5 | Hits@10 | MRR@10 | nDCG@10 | correct | EM | F1 | contains "
        "| abstain P | abstain R | verified | cite prec |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups = [("all", overall), *data["metrics"]["by_type"].items()]
    for name, group in groups:
        retrieval = group["retrieval"]
        answers = group.get("answers", {})
        abstention = group.get("abstention", {})
        citations = group.get("citations", {})
        correct = f"{answers['correct']}/{answers['questions']}" if answers.get("questions") else "–"
        cells = [
            name,
            str(group["questions"]),
            *(_num(retrieval.get(f"hits@{k}")) for k in (1, 5, 10)),
            _num(retrieval.get("mrr@10")),
            _num(retrieval.get("ndcg@10")),
            correct,
            _num(answers.get("exact_match")),
            _num(answers.get("f1")),
            _num(answers.get("contains")),
            _num(abstention.get("precision")) if group["unanswerable"] else "–",
            _num(abstention.get("recall")) if group["unanswerable"] else "–",
            _num(citations.get("verified_sentences")),
            _num(citations.get("citation_precision")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    latency = overall["latency"]
    lines += ["", "Latency (seconds): " + "; ".join(_latency_text(name, value) for name, value in latency.items())]
    if "tokens" in overall:
        tokens = overall["tokens"]
        lines.append(f"Tokens: {tokens['in']} in, {tokens['out']} out ({_num(tokens['in_per_answer'], 0)} per prompt)")
    return "\n".join(lines) + "\n"


def _latency_text(name: str, value: dict[str, float]) -> str:
    if not value:
        return f"{name} –"
    return f"{name} p50 {value['p50']:.3f}, p95 {value['p95']:.3f}"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def write_plots(run: EvalRun, out: Path) -> list[Path]:
    """Per-type bars, the Hits@k curve and the latency histogram (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    by_type = run.metrics["by_type"]
    names = list(by_type)
    series = {
        "Hits@5": [by_type[n]["retrieval"].get("hits@5") or 0.0 for n in names],
        "contains answer": [(by_type[n].get("answers") or {}).get("contains") or 0.0 for n in names],
        "abstention recall": [(by_type[n].get("abstention") or {}).get("recall") or 0.0 for n in names],
    }
    figure, axes = plt.subplots(figsize=(max(6.0, 1.3 * len(names) + 2), 4))
    width = 0.8 / len(series)
    for offset, (label, values) in enumerate(series.items()):
        axes.bar([i + offset * width for i in range(len(names))], values, width, label=label)
    axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(names))], names, rotation=20, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_title(f"{run.gold}: by question type")
    axes.legend(fontsize=8)
    figure.tight_layout()
    paths.append(_save(figure, out / "by_type.png"))

    retrieval = run.metrics["overall"]["retrieval"]
    curve = [retrieval.get(f"hits@{k}") for k in HITS_CURVE]
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(list(HITS_CURVE), [c or 0.0 for c in curve], marker="o")
    axes.set_xlabel("k (articles)")
    axes.set_ylabel("Hits@k")
    axes.set_ylim(0, 1.05)
    axes.set_title(f"{run.gold}: Hits@k ({run.settings.mode})")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    paths.append(_save(figure, out / "hits_at_k.png"))

    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.hist([1000 * r.retrieval_seconds for r in run.rows], bins=20, alpha=0.7, label="retrieval (ms)")
    answered = [1000 * r.answer_seconds for r in run.rows if r.answer_seconds is not None]
    if answered:
        axes.hist(answered, bins=20, alpha=0.7, label="answer (ms)")
    axes.set_xlabel("milliseconds")
    axes.set_ylabel("questions")
    axes.set_title(f"{run.gold}: latency")
    axes.legend(fontsize=8)
    figure.tight_layout()
    paths.append(_save(figure, out / "latency.png"))
    return paths


def _save(figure: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def load_run(directory: Path) -> dict[str, Any]:
    path = Path(directory) / "metrics.json"
    try:
        return dict(json.loads(path.read_text()))
    except FileNotFoundError:
        raise QAError(f"{directory} is not an eval run (no metrics.json)", "give a folder written by qa eval") from None
    except json.JSONDecodeError as exc:
        raise QAError(f"{path} is not valid JSON: {exc}", "re-run the eval that wrote it") from None


def compare_runs(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per compared metric present in either run: its value in A and B and B − A."""
    rows = []
    for path in COMPARED:
        value_a, value_b = _lookup(a["metrics"]["overall"], path), _lookup(b["metrics"]["overall"], path)
        if value_a is None and value_b is None:
            continue
        delta = value_b - value_a if value_a is not None and value_b is not None else None
        rows.append({"metric": ".".join(path), "a": value_a, "b": value_b, "delta": delta})
    return rows


def _lookup(data: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def compare_markdown(a: dict[str, Any], b: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    def label(run: dict[str, Any]) -> str:
        s = run["settings"]
        return f"{run['gold']} · {s['mode']} · k={s['k']} · {s['backend']}" + (f" ({s['model']})" if s["model"] else "")

    lines = [f"A: {label(a)}", f"B: {label(b)}", "", "| metric | A | B | B − A |", "|---|---|---|---|"]
    for row in rows:
        delta = "–" if row["delta"] is None else f"{row['delta']:+.3f}"
        lines.append(f"| {row['metric']} | {_num(row['a'])} | {_num(row['b'])} | {delta} |")
    if a["gold"] != b["gold"]:
        lines += ["", f"Note: the runs used different gold sets ({a['gold']} and {b['gold']})."]
    return "\n".join(lines) + "\n"


def write_comparison(run_a: Path, run_b: Path, out: Path) -> tuple[str, list[Path]]:
    """Compare two run folders; writes ``compare.json`` and ``compare.md`` into ``out``."""
    a, b = load_run(run_a), load_run(run_b)
    rows = compare_runs(a, b)
    text = compare_markdown(a, b, rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps({"a": str(run_a), "b": str(run_b), "rows": rows}, indent=2) + "\n")
    (out / "compare.md").write_text(text)
    return text, [out / "compare.json", out / "compare.md"]


def iter_rows(directory: Path) -> Iterator[dict[str, Any]]:
    with open(Path(directory) / "rows.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
