"""Dates in the forms news uses, datelines, front matter."""

from __future__ import annotations

import datetime as dt

import pytest

from qa.index.metadata import Dateline, date_in_filename, parse_date, parse_dateline, split_front_matter


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-26T17:30:00+00:00", dt.date(2023, 9, 26)),
        ("2025-07-04", dt.date(2025, 7, 4)),
        ("July 4, 2025", dt.date(2025, 7, 4)),
        ("Sept. 3, 2021", dt.date(2021, 9, 3)),
        ("4 July 2025", dt.date(2025, 7, 4)),
        ("Tue, 15 Nov 1994 08:12:31 GMT", dt.date(1994, 11, 15)),
        (1_700_000_000, dt.date(2023, 11, 14)),
        (1_700_000_000_000, dt.date(2023, 11, 14)),
        (dt.datetime(2024, 1, 2, 3, 4), dt.date(2024, 1, 2)),
        ("2024-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, July 4 – Russia launched", Dateline("KYIV", 7, 4)),
        ("WASHINGTON (Reuters) - The Senate voted", Dateline("WASHINGTON", outlet="Reuters")),
        ("LONDON, Jan. 3, 2024 — Prices rose", Dateline("LONDON", 1, 3, 2024)),
        ("NEW YORK, March 9 -- Stocks fell", Dateline("NEW YORK", 3, 9)),
        ("The minister said - and repeated - that", None),
        ("Kyiv, July 4 – lower case is not a dateline", None),
        ("BRÜCKENAU, April 2 — Engineers finished", Dateline("BRÜCKENAU", 4, 2)),
        ("SÃO PAULO (AFP) - Brazil's", Dateline("SÃO PAULO", outlet="AFP")),
    ],
)
def test_parse_dateline(text: str, expected: Dateline | None) -> None:
    assert parse_dateline(text) == expected


def test_dateline_date_needs_a_year() -> None:
    line = Dateline("KYIV", 7, 4)
    assert line.date(None) is None and line.date(2025) == dt.date(2025, 7, 4)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("kyiv-attack-2025-07-04.txt", dt.date(2025, 7, 4)),
        ("20240131_report.md", dt.date(2024, 1, 31)),
        ("report-2024.txt", None),
        ("12345678901.txt", None),
    ],
)
def test_date_in_filename(name: str, expected: dt.date | None) -> None:
    assert date_in_filename(name) == expected


def test_front_matter_is_split_from_the_body() -> None:
    fields, body = split_front_matter('---\ntitle: "A: B"\nOutlet: Desk\n---\nBody text.\n')
    assert fields == {"title": "A: B", "outlet": "Desk"} and body == "Body text.\n"
    assert split_front_matter("---\r\ntitle: Windows\r\n---\r\nBody.\r\n") == ({"title": "Windows"}, "Body.\r\n")
    assert split_front_matter("No front matter\n---\n") == ({}, "No front matter\n---\n")
