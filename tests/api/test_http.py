"""The HTTP API through a real server on loopback: reads, cited answers, streaming, writes, auth, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.api.conftest import TOKEN, Served

DRONES = "How many drones and missiles did Russia fire in the attack on Kyiv?"
ROTTERDAM = {
    "id": "rotterdam-storm",
    "title": "Port of Rotterdam reopens after storm",
    "text": "ROTTERDAM, March 3 – The Port of Rotterdam reopened on Monday after a storm closed it for two days. "
    "About 140 ships had waited at anchor off the coast while winds reached 120 km per hour.",
    "outlet": "Harbour Times",
    "published": "2025-03-03",
}


def test_health_and_openapi(api: Served) -> None:
    with api.client() as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["articles"] == 1 and health["auth_required_for_writes"]
        schema = client.get("/openapi.json").json()
    assert {"/health", "/search", "/ask", "/articles", "/articles/{article_id}"} <= set(schema["paths"])
    assert "ErrorOut" in schema["components"]["schemas"]


def test_search_returns_passages_with_citations_and_applies_filters(api: Served) -> None:
    with api.client() as client:
        found = client.post("/search", json={"query": DRONES, "k": 3}).json()
        assert 0 < len(found["passages"]) <= 3
        top = found["passages"][0]
        article = api.index.article_text(top["article_id"])
        assert article[top["start"] : top["end"]] == top["text"]
        assert any("550" in passage["text"] for passage in found["passages"])
        dense = client.post("/search", json={"query": DRONES, "mode": "dense"}).json()["passages"][0]
        assert dense["lexical_score"] is None and dense["dense_score"] is not None
        later = client.post("/search", json={"query": DRONES, "since": "2026-01-01"}).json()
        assert later["passages"] == []


def test_ask_gives_a_cited_checked_answer(api: Served) -> None:
    with api.client() as client:
        answer = client.post("/ask", json={"question": DRONES}).json()
    assert not answer["abstained"] and "550" in answer["answer"]
    citation = next(c for s in answer["sentences"] if s["verified"] for c in s["citations"])
    quote = citation["quotes"][0]
    assert api.index.article_text(quote["article_id"])[quote["start"] : quote["end"]] == quote["text"]


def test_ask_uses_the_history_for_a_follow_up(api: Served) -> None:
    with api.client() as client:
        first = client.post("/ask", json={"question": DRONES}).json()
        follow = client.post(
            "/ask",
            json={
                "question": "And how many were shot down?",
                "history": [{"question": DRONES, "answer": first["answer"]}],
            },
        ).json()
    assert "Kyiv" in follow["search_query"]


def test_ask_streams_server_sent_events_in_order(api: Served) -> None:
    events: list[tuple[str, dict]] = []
    with api.client() as client, client.stream("POST", "/ask", json={"question": DRONES, "stream": True}) as reply:
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in reply.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                events.append((name, json.loads(line[6:])))
    names = [name for name, _ in events]
    assert names[0] == "evidence" and names[-1] == "answer" and "sentence" in names
    assert events[-1][1]["question"] == DRONES and not events[-1][1]["abstained"]


def test_articles_can_be_added_listed_updated_and_deleted_with_the_token(api: Served) -> None:
    with api.client(TOKEN) as client:
        added = client.post("/articles", json={"articles": [ROTTERDAM]})
        assert added.status_code == 200 and len(added.json()["added"]) == 1
        again = client.post("/articles", json={"articles": [ROTTERDAM]}).json()
        assert again["unchanged"] and not again["added"]  # re-posting never duplicates
        changed = client.post("/articles", json={"articles": [ROTTERDAM | {"text": ROTTERDAM["text"] + " More."}]})
        assert len(changed.json()["updated"]) == 1
        listed = client.get("/articles").json()["articles"]
        ours = next(a for a in listed if a["title"] == ROTTERDAM["title"])
        assert ours["outlet"] == "Harbour Times" and ours["published"] == "2025-03-03" and ours["chunks"] >= 1
        answer = client.post(
            "/ask", json={"question": "How many ships waited at anchor?", "outlets": ["Harbour Times"]}
        )
        assert "140" in answer.json()["answer"]
        assert client.delete(f"/articles/{ours['id']}").status_code == 200
        missing = client.delete(f"/articles/{ours['id']}")
        assert missing.status_code == 404 and "no article with id" in missing.json()["error"]
        assert len(client.get("/articles").json()["articles"]) == 1


def test_writes_without_the_token_are_refused_and_change_nothing(api: Served) -> None:
    before = api.index.store.current_name()
    with api.client() as anonymous, api.client("wrong") as wrong:
        for client in (anonymous, wrong):
            refused = client.post("/articles", json={"articles": [ROTTERDAM]})
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert "bearer token" in refused.json()["error"]
            assert client.delete(f"/articles/{api.index.articles()[0].id}").status_code == 401
        assert anonymous.post("/search", json={"query": DRONES}).status_code == 200  # reads stay open
    assert api.index.store.current_name() == before


def test_without_a_token_writes_are_open(api_factory: Callable[..., Served]) -> None:
    served = api_factory(token=None)
    with served.client() as client:
        assert client.post("/articles", json={"articles": [ROTTERDAM]}).status_code == 200


def test_bad_input_gets_a_4xx_json_error_naming_the_field(api: Served) -> None:
    cases = [
        ("/search", {"query": ""}, 422, "query"),
        ("/search", {"query": "   "}, 422, "query is blank"),
        ("/search", {"query": DRONES, "k": 0}, 422, "k"),
        ("/search", {"query": DRONES, "since": "yesterday"}, 422, "since"),
        ("/search", {"query": DRONES, "since": "2025-07-05", "until": "2025-07-01"}, 422, "swap the two dates"),
        ("/search", {"query": DRONES, "mode": "psychic"}, 422, "mode"),
        ("/ask", {"question": DRONES, "backend": "gpt-9"}, 422, "backend"),
        ("/ask", {"question": DRONES, "history": [{"q": 1}]}, 422, "history"),
        ("/articles", {"articles": [{"title": "x", "text": "short"}]}, 422, "text"),
        ("/articles", {"articles": []}, 422, "articles"),
    ]
    with api.client(TOKEN) as client:
        for path, payload, status, words in cases:
            reply = client.post(path, json=payload)
            assert reply.status_code == status, (path, payload, reply.text)
            assert words in reply.json()["error"], (payload, reply.json())
        not_json = client.post("/search", content=b"{not json", headers={"content-type": "application/json"})
        assert not_json.status_code == 422 and "error" in not_json.json()
        unknown = client.get("/nowhere")
        assert unknown.status_code == 404 and unknown.json()["error"] == "Not Found"


def test_bodies_over_the_limit_are_refused_with_413(api_factory: Callable[..., Served]) -> None:
    served = api_factory(max_body_bytes=2_000)
    big = {"articles": [ROTTERDAM | {"text": "Long article text. " * 200}]}
    with served.client(TOKEN) as client:
        declared = client.post("/articles", json=big)
        assert declared.status_code == 413 and "over 2,000 bytes" in declared.json()["error"]
        chunked = client.post(
            "/articles",
            content=iter([json.dumps(big).encode()[i : i + 500] for i in range(0, 5000, 500)]),
            headers={"content-type": "application/json"},
        )
        assert chunked.status_code == 413
        assert client.get("/health").json()["articles"] == 1


def test_an_empty_server_says_there_is_no_index_yet(api_factory: Callable[..., Served]) -> None:
    served = api_factory(seeded=False)
    with served.client(TOKEN) as client:
        reply = client.post("/search", json={"query": DRONES})
        assert reply.status_code == 404 and "no index" in reply.json()["error"] and reply.json()["hint"]
        assert client.get("/articles").json() == {"articles": []}
        assert client.post("/articles", json={"articles": [ROTTERDAM]}).status_code == 200
        assert client.post("/search", json={"query": "ships at anchor"}).json()["passages"]


def test_concurrent_searches_and_ingests_lose_nothing(api: Served) -> None:
    batches = [
        [
            {
                "id": f"batch{b}-{n}",
                "title": f"Council meeting {b}-{n} approves budget",
                "text": f"The council of town number {b}{n} approved its budget of {100 + b * 10 + n} million euros "
                "on Tuesday after a long debate about bus routes and schools.",
            }
            for n in range(3)
        ]
        for b in range(6)
    ]

    def ingest(batch: list[dict]) -> int:
        with api.client(TOKEN) as client:
            reply = client.post("/articles", json={"articles": batch})
            assert reply.status_code == 200, reply.text
            return len(reply.json()["added"])

    def search(_: int) -> int:
        with api.client() as client:
            reply = client.post("/search", json={"query": DRONES, "k": 3})
            assert reply.status_code == 200, reply.text
            return len(reply.json()["passages"])

    with ThreadPoolExecutor(8) as pool:
        searches = pool.map(search, range(24))
        added = pool.map(ingest, batches)
        assert sum(added) == 18 and all(count > 0 for count in searches)
    with api.client() as client:
        titles = {a["title"] for a in client.get("/articles").json()["articles"]}
    assert {item["title"] for batch in batches for item in batch} <= titles
    assert len(titles) == 19
