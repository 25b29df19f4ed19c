"""Load on the HTTP API: requests/second and latency of POST /search under concurrent clients, on loopback.

The server runs in its own process (`qa api`), the clients in this one. Bounded: REQUESTS requests in all,
CLIENTS at a time. The baseline, measured in the same run, is ``Index.search`` called in-process one at a time on
the same index and queries: the ratio is what HTTP, JSON and concurrency cost on top of the search itself.

    python -m bench.api [--index DIR] [--clients 8] [--requests 800]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import offline_environment, summarize_latency

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "How many drones and missiles did Russia fire?",
    "Who did Zelenskyy call after the attack?",
    "How long did the overnight assault last?",
    "How many ambulances were damaged?",
    "What did the air force report?",
    "Which countries help Ukraine's arms industry?",
    "How much debris did emergency crews remove?",
    "What happened in the prisoner exchange?",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(index_dir: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "qa.cli", "api", "--index", str(index_dir), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"qa api did not start: {server.stderr.read() if server.stderr else ''}")


def load(url: str, clients: int, requests: int) -> dict[str, float]:
    import httpx

    def client_loop(worker: int) -> list[float]:
        seconds = []
        with httpx.Client(base_url=url, timeout=30) as client:
            for n in range(worker, requests, clients):
                started = time.perf_counter()
                reply = client.post("/search", json={"query": QUERIES[n % len(QUERIES)], "k": 5})
                reply.raise_for_status()
                seconds.append(time.perf_counter() - started)
        return seconds

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [s for worker in pool.map(client_loop, range(clients)) for s in worker]
    elapsed = time.perf_counter() - started
    return {"requests_per_second": len(latencies) / elapsed, **summarize_latency(latencies)}


def in_process(index_dir: Path, requests: int) -> dict[str, float]:
    from qa.news_index import Index

    index = Index.open(index_dir)
    index.search(QUERIES[0], k=5)
    seconds = []
    for n in range(requests):
        started = time.perf_counter()
        index.search(QUERIES[n % len(QUERIES)], k=5)
        seconds.append(time.perf_counter() - started)
    return {"requests_per_second": len(seconds) / sum(seconds), **summarize_latency(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index to serve (default: seeds/ indexed in a temp dir)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    args = parser.parse_args()
    offline_environment()
    os.environ.pop("QA_API_TOKEN", None)
    with tempfile.TemporaryDirectory() as folder:
        index_dir = args.index
        if index_dir is None:
            from qa.news_index import Index

            index_dir = Path(folder) / "index"
            Index(index_dir).add([ROOT / "seeds"])
        baseline = in_process(index_dir, args.requests)
        port = free_port()
        server = start_server(index_dir, port)
        try:
            load(f"http://127.0.0.1:{port}", args.clients, 40)  # warm-up
            measured = load(f"http://127.0.0.1:{port}", args.clients, args.requests)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "clients": args.clients,
        "requests": args.requests,
        "http_search": measured,
        "in_process_search": baseline,
        "throughput_ratio": measured["requests_per_second"] / baseline["requests_per_second"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"POST /search, {args.clients} clients, {args.requests} requests: "
        f"{measured['requests_per_second']:.0f} req/s, "
        f"p50 {measured['p50_ms']:.1f} ms, p95 {measured['p95_ms']:.1f} ms; "
        f"in-process Index.search one at a time: {baseline['requests_per_second']:.0f}/s, "
        f"p50 {baseline['p50_ms']:.1f} ms (HTTP throughput {result['throughput_ratio']:.2f}x of it)"
    )


if __name__ == "__main__":
    main()
