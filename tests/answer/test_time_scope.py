"""Time phrases in a question become date filters: relative phrases, months, years, days, and "the latest"."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from qa.answer.time_scope import TimeScope, resolve_time_scope

D = dt.date
TODAY = D(2026, 11, 25)  # a Wednesday: this week started on Monday the 23rd
CORPUS = [D(2025, 7, 4), D(2025, 6, 20)]  # an archive of older news; its newest article is Friday 2025-07-04


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened today?", D(2026, 11, 25), D(2026, 11, 25)),
        ("What did Zelensky say this morning?", D(2026, 11, 25), D(2026, 11, 25)),
        ("What happened yesterday?", D(2026, 11, 24), D(2026, 11, 24)),
        ("What happened this week?", D(2026, 11, 23), D(2026, 11, 25)),
        ("What happened last week?", D(2026, 11, 16), D(2026, 11, 22)),
        ("What happened the previous week?", D(2026, 11, 16), D(2026, 11, 22)),
        ("What happened in the past week?", D(2026, 11, 18), D(2026, 11, 25)),
        ("What happened in the last week?", D(2026, 11, 18), D(2026, 11, 25)),
        ("Any strikes in the past 7 days?", D(2026, 11, 18), D(2026, 11, 25)),
        ("Any strikes in the last 3 days?", D(2026, 11, 22), D(2026, 11, 25)),
        ("Any strikes over the past two weeks?", D(2026, 11, 11), D(2026, 11, 25)),
        ("Any strikes in the last couple of weeks?", D(2026, 11, 11), D(2026, 11, 25)),
        ("Any strikes in the last 24 hours?", D(2026, 11, 24), D(2026, 11, 25)),
        ("What happened this month?", D(2026, 11, 1), D(2026, 11, 25)),
        ("What happened last month?", D(2026, 10, 1), D(2026, 10, 31)),
        ("What happened in the past month?", D(2026, 10, 25), D(2026, 11, 25)),
        ("What happened in the past 3 months?", D(2026, 8, 25), D(2026, 11, 25)),
        ("What happened this year?", D(2026, 1, 1), D(2026, 11, 25)),
        ("What happened last year?", D(2025, 1, 1), D(2025, 12, 31)),
        ("What happened in the past year?", D(2025, 11, 25), D(2026, 11, 25)),
        ("What happened in the last 2 years?", D(2024, 11, 25), D(2026, 11, 25)),
        ("What happened since last week?", D(2026, 11, 16), None),
        ("What happened before last month?", None, D(2026, 9, 30)),
        ("What happened after last week?", D(2026, 11, 23), None),
    ],
)
def test_relative_phrases_are_anchored_on_today(question: str, since: dt.date | None, until: dt.date | None) -> None:
    scope = resolve_time_scope(question, TODAY)
    assert (scope.since, scope.until) == (since, until)
    assert scope.phrase is not None and scope.phrase in question
    assert scope.active and not scope.newest_first


def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month() -> None:
    scope = resolve_time_scope("in the past month", D(2026, 3, 31))
    assert (scope.since, scope.until) == (D(2026, 2, 28), D(2026, 3, 31))
    scope = resolve_time_scope("last month", D(2026, 1, 15))
    assert (scope.since, scope.until) == (D(2025, 12, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        # No corpus date falls in the window computed from today, so the newest article (Fri 2025-07-04) anchors.
        ("What happened today?", D(2025, 7, 4), D(2025, 7, 4)),
        ("What happened yesterday?", D(2025, 7, 3), D(2025, 7, 3)),
        ("What happened this week?", D(2025, 6, 30), D(2025, 7, 4)),
        ("What happened last week?", D(2025, 6, 23), D(2025, 6, 29)),
        ("What happened in the past week?", D(2025, 6, 27), D(2025, 7, 4)),
        ("What happened in the last 14 days?", D(2025, 6, 20), D(2025, 7, 4)),
        ("What happened this month?", D(2025, 7, 1), D(2025, 7, 4)),
        ("What happened last month?", D(2025, 6, 1), D(2025, 6, 30)),
        ("What happened this year?", D(2025, 1, 1), D(2025, 7, 4)),
        ("What happened since last week?", D(2025, 6, 23), None),
        ("What happened in June this year?", D(2025, 6, 1), D(2025, 6, 30)),
        # 2025 holds corpus dates, so "last year" keeps today's anchor.
        ("What happened last year?", D(2025, 1, 1), D(2025, 12, 31)),
    ],
)
def test_relative_phrases_fall_back_to_the_newest_corpus_date(
    question: str, since: dt.date | None, until: dt.date | None
) -> None:
    scope = resolve_time_scope(question, TODAY, CORPUS)
    assert (scope.since, scope.until) == (since, until)


def test_today_stays_the_anchor_when_the_window_holds_a_corpus_date() -> None:
    scope = resolve_time_scope("What happened last week?", TODAY, [D(2026, 11, 20), *CORPUS])
    assert (scope.since, scope.until) == (D(2026, 11, 16), D(2026, 11, 22))


@pytest.mark.parametrize(
    ("question", "corpus", "since", "until"),
    [
        ("What happened in June 2025?", [], D(2025, 6, 1), D(2025, 6, 30)),
        ("What happened in June of 2025?", [], D(2025, 6, 1), D(2025, 6, 30)),
        ("What happened in Sept. 2024?", [], D(2024, 9, 1), D(2024, 9, 30)),
        ("Strikes in Feb 2024?", [], D(2024, 2, 1), D(2024, 2, 29)),
        ("What happened in the month of March 2023?", [], D(2023, 3, 1), D(2023, 3, 31)),
        ("June last year?", [], D(2025, 6, 1), D(2025, 6, 30)),
        ("What happened in June this year?", [], D(2026, 6, 1), D(2026, 6, 30)),
        # Without a year: the newest such month in the corpus ...
        ("What happened in June?", CORPUS, D(2025, 6, 1), D(2025, 6, 30)),
        ("What happened during July?", CORPUS, D(2025, 7, 1), D(2025, 7, 31)),
        ("What happened last June?", CORPUS, D(2025, 6, 1), D(2025, 6, 30)),
        # ... else the latest such month not after today; the current month counts.
        ("What happened in June?", [], D(2026, 6, 1), D(2026, 6, 30)),
        ("What happened during July?", [], D(2026, 7, 1), D(2026, 7, 31)),
        ("What happened in November?", [], D(2026, 11, 1), D(2026, 11, 30)),
        ("What happened in December?", [], D(2025, 12, 1), D(2025, 12, 31)),
        ("What happened in December?", CORPUS, D(2025, 12, 1), D(2025, 12, 31)),
        ("What happened in jan?", [], D(2026, 1, 1), D(2026, 1, 31)),
        ("What happened in May?", [], D(2026, 5, 1), D(2026, 5, 31)),
        ("Protests of May 2025?", [], D(2025, 5, 1), D(2025, 5, 31)),
        ("May 2025 protests?", [], D(2025, 5, 1), D(2025, 5, 31)),
        ("What was decided at the end of May?", [], D(2026, 5, 1), D(2026, 5, 31)),
        ("What happened during May?", [], D(2026, 5, 1), D(2026, 5, 31)),
    ],
)
def test_months(question: str, corpus: list[dt.date], since: dt.date, until: dt.date) -> None:
    scope = resolve_time_scope(question, TODAY, corpus)
    assert (scope.since, scope.until) == (since, until)


@pytest.mark.parametrize(
    ("question", "corpus", "since", "until"),
    [
        ("What happened in 2024?", [], D(2024, 1, 1), D(2024, 12, 31)),
        ("Attacks during 2023?", [], D(2023, 1, 1), D(2023, 12, 31)),
        ("Elections of 2025?", [], D(2025, 1, 1), D(2025, 12, 31)),
        ("What changed since 2024?", [], D(2024, 1, 1), None),
        ("What changed since March?", [], D(2026, 3, 1), None),
        ("What changed since March 3?", [], D(2026, 3, 3), None),
        ("What changed since May?", CORPUS, D(2026, 5, 1), None),
        ("What happened before 2024?", [], None, D(2023, 12, 31)),
        ("What happened before June 2025?", [], None, D(2025, 5, 31)),
        ("What happened after 2024?", [], D(2025, 1, 1), None),
        ("What happened after June 2025?", [], D(2025, 7, 1), None),
        ("What happened after June?", CORPUS, D(2025, 7, 1), None),
        ("What happened until March 2025?", [], None, D(2025, 3, 31)),
        ("Reports from 2024?", [], D(2024, 1, 1), D(2024, 12, 31)),
    ],
)
def test_years_and_prepositions(
    question: str, corpus: list[dt.date], since: dt.date | None, until: dt.date | None
) -> None:
    scope = resolve_time_scope(question, TODAY, corpus)
    assert (scope.since, scope.until) == (since, until)


@pytest.mark.parametrize(
    ("question", "corpus", "day"),
    [
        ("What happened on 2025-07-04?", [], D(2025, 7, 4)),
        ("What happened 2025-07-04?", [], D(2025, 7, 4)),
        ("What happened on July 4, 2025?", [], D(2025, 7, 4)),
        ("What happened on July 4th 2025?", [], D(2025, 7, 4)),
        ("What happened on 4 July 2025?", [], D(2025, 7, 4)),
        ("What happened on Sept. 3, 2024?", [], D(2024, 9, 3)),
        ("What happened on July 4?", CORPUS, D(2025, 7, 4)),
        ("What happened on the 4th of July?", CORPUS, D(2025, 7, 4)),
        ("What happened on July 4?", [], D(2026, 7, 4)),
        ("What happened on December 24?", [], D(2025, 12, 24)),
        ("What happened on February 29?", [], D(2024, 2, 29)),
    ],
)
def test_single_days(question: str, corpus: list[dt.date], day: dt.date) -> None:
    scope = resolve_time_scope(question, TODAY, corpus)
    assert (scope.since, scope.until) == (day, day)


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened between 2023 and 2025?", D(2023, 1, 1), D(2025, 12, 31)),
        ("What happened from June to August 2025?", D(2025, 6, 1), D(2025, 8, 31)),
        ("What happened from November to February 2025?", D(2024, 11, 1), D(2025, 2, 28)),
        ("What happened from March 2024 to May?", D(2024, 3, 1), D(2024, 5, 31)),
        ("What happened from 2025-06-01 to 2025-06-15?", D(2025, 6, 1), D(2025, 6, 15)),
        ("What happened in June and July 2025?", D(2025, 6, 1), D(2025, 7, 31)),
        ("What happened in 2026 since March?", D(2026, 3, 1), D(2026, 12, 31)),
        ("What happened in June 2025, and in August 2025?", D(2025, 6, 1), D(2025, 8, 31)),
    ],
)
def test_ranges_and_several_periods(question: str, since: dt.date, until: dt.date) -> None:
    scope = resolve_time_scope(question, TODAY)
    assert (scope.since, scope.until) == (since, until)


def test_contradicting_bounds_keep_the_first() -> None:
    scope = resolve_time_scope("What happened since 2025 but before 2024?", TODAY)
    assert (scope.since, scope.until) == (D(2025, 1, 1), None)


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("What is the latest on the ceasefire?", "latest"),
        ("What was the most recent strike on Kyiv?", "most recent"),
        ("Which is the newest sanctions package?", "newest"),
        ("Any recent attacks on Odesa?", "recent"),
        ("Has Kyiv been attacked recently?", "recently"),
        ("When was the last attack on Kyiv?", "the last attack"),
        ("How long did the last ceasefire hold?", "the last ceasefire"),
        ("What happened in the last two attacks?", "the last two attacks"),
        ("When was the last time Kyiv was hit?", "the last time"),
        ("What did Russia's last offensive achieve?", "last offensive"),
    ],
)
def test_newest_first_without_a_window(question: str, phrase: str) -> None:
    assert resolve_time_scope(question, TODAY, CORPUS) == TimeScope(newest_first=True, phrase=phrase)


def test_newest_first_combines_with_a_window() -> None:
    scope = resolve_time_scope("What was the latest attack last week?", TODAY)
    assert scope == TimeScope(D(2026, 11, 16), D(2026, 11, 22), newest_first=True, phrase="latest; last week")


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "Who is the president of Ukraine?",
        "Russia launched 550 drones and missiles at Kyiv.",
        "More than 2,000 people were evacuated.",
        "Were 1999 drones shot down in 2000 raids?",
        "How many of 2024 drones were intercepted?",
        "Did it happen in 2000 villages?",
        "What happened in the 1990s?",
        "Between 1950 and 2000 people fled.",
        "Russia may have used new missiles.",
        "May I ask about the attack?",
        "It may, in may cases, fail.",
        "Peace at last?",
        "What happened that week?",
        "Which month had the most attacks?",
        "How many years did the war last?",
        "What happened on the last day of the summit?",
        "Did June Smith comment on the attack?",
        "Was the March on Kyiv cancelled?",
        "What happened on February 30?",
        "What happened on 2025-13-45?",
        "2024",
        "Kyiv 2025",
        "What happened this weekend?",
    ],
)
def test_no_time_phrase_gives_an_inactive_scope(question: str) -> None:
    scope = resolve_time_scope(question, TODAY, CORPUS)
    assert scope == TimeScope()
    assert not scope.active


def test_a_unit_followed_by_of_is_not_relative() -> None:
    scope = resolve_time_scope("What happened in the last week of June?", TODAY, CORPUS)
    assert (scope.since, scope.until, scope.newest_first) == (D(2025, 6, 1), D(2025, 6, 30), False)


def test_month_day_followed_by_a_count_is_only_the_month() -> None:
    scope = resolve_time_scope("In June 30 people died in Kharkiv. Why?", TODAY)
    assert (scope.since, scope.until) == (D(2026, 6, 1), D(2026, 6, 30))


def test_datetimes_in_the_corpus_count_as_their_dates() -> None:
    scope = resolve_time_scope("What happened last week?", TODAY, [dt.datetime(2025, 7, 4, 9, 30)])
    assert (scope.since, scope.until) == (D(2025, 6, 23), D(2025, 6, 29))


_PHRASES = [
    "today",
    "yesterday",
    "this week",
    "last week",
    "past week",
    "the last 10 days",
    "this month",
    "last month",
    "past 6 months",
    "this year",
    "last year",
    "in June",
    "in February",
    "June 2025",
    "since May",
    "before 2024",
    "after June 2025",
    "on July 4",
    "on February 29",
    "from June to August 2025",
    "between 2023 and 2025",
    "in 2025 since March",
    "since last week before June",
    "after 2026 until last month",
    "the latest attack in December",
]
_TODAYS = [TODAY, D(2024, 1, 1), D(2024, 2, 29), D(2025, 12, 31)]
_CORPORA = [[], CORPUS, [D(2026, 11, 20)], [D(2000, 1, 1)]]


@pytest.mark.parametrize("phrase", _PHRASES)
def test_windows_are_never_empty(phrase: str) -> None:
    for today, corpus in itertools.product(_TODAYS, _CORPORA):
        scope = resolve_time_scope(f"What happened {phrase}?", today, corpus)
        assert scope.active, (phrase, today, corpus)
        if scope.since is not None and scope.until is not None:
            assert scope.since <= scope.until, (phrase, today, corpus, scope)


@pytest.mark.parametrize(
    "question",
    [
        "in " * 500,
        "1 " * 500,
        "the last " * 300,
        "2025-02-29 Feb 31 May 0 2101 1899 past 0 days past 999 years 31 June",
        "\x00\ufeff\u2028 last\u00a0week — «since 2024»",
        "from 2026 to 2023",
    ],
)
def test_odd_input_never_raises(question: str) -> None:
    for today, corpus in itertools.product([TODAY, D(1, 1, 2), D(9999, 12, 30)], [[], [D(1, 1, 1)], [D(9999, 12, 31)]]):
        scope = resolve_time_scope(question, today, corpus)
        if scope.since is not None and scope.until is not None:
            assert scope.since <= scope.until
