"""Turn the relative time in a news question into retrieval filters, by plain rules (no model).

"What happened last week?" has to be answered from last week's articles, and "the last attack" from the newest
one; the embedder sees neither. `resolve_time_scope` reads the question and returns a `TimeScope`: an inclusive
date window (`since`, `until`, either may be open) and whether to order by date. The question itself is left
unchanged. Rules:

- **Relative phrases** are resolved against an anchor date: "today" (also "tonight", "this morning"),
  "yesterday"; "this week/month/year" (from the start of the calendar period to the anchor); "last week/month/year",
  "(the) previous week" (the previous calendar period; weeks run Monday–Sunday); "past week", "(in) the last
  month", "past N days/weeks/months/years/hours", "the last two weeks", "the last couple of days" (a rolling
  window from the anchor minus N units to the anchor, both ends included: "past 7 days" on the 25th is 18th–25th).
  A unit followed by "of" ("the last week of June") is not relative. The anchor is `today`, unless corpus dates are
  given and none falls inside the window computed from `today`: then the window is recomputed from the newest
  corpus date, so an archive of older news asked about "last week" answers from its own latest week.
- **Months**, optionally with a year: "in June", "June 2025", "in June of 2025", "during July", "Sept. 2024",
  "June this year", "last June". Without a year, the most recent such month that holds a corpus date; failing
  that, the most recent such month not after `today` (the current month counts). A month without a year or day
  needs a preposition before it (in, on, of, during, since, from, before, after, until, through, last, this),
  and "May" counts only when capitalised, so the modal "may" is never a month.
- **Days**: "2025-07-04", "July 4, 2025", "4 July 2025", "the 4th of July"; without a year, the year comes from
  the month rule above (or the most recent such day not after `today`).
- **Years** (1900–2100) only after a preposition or a month name ("in 2024", "during 2023", "of 2025"), and never
  when a counted noun follows ("in 2000 drones"), so "550 drones" or "2,000 people" are never years.
- **Prepositions** shape the period: in/on/during/of/from or none → the whole period; "since" → from its start;
  "after" → from the day after its end; "before" → until the day before its start; "until/till/through" → until
  its end. "between X and Y", "from X to Y", "in X and Y", "during X or Y" → from the start of X to the end of Y
  (a side without a year takes the other's: "in June and July 2025").
- Several periods in one question widen to the span covering them ("in June and July"); open bounds narrow it
  ("in 2025 since March"). Bounds that would contradict each other are dropped, never returned with
  `since > until`.
- **Newest first**: "latest", "newest", "most recent", "recent(ly)", "lately", and "last" + a noun that is not a
  time unit after a determiner or possessive ("the last attack", "Russia's last offensive") ask for date order;
  they combine with any window. "at last" is nothing; so is "week" or "month" without a qualifier.

No time phrase gives an inactive `TimeScope()`. No input string makes it raise.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class TimeScope:
    """The time a question asks about, as filters for retrieval.

    Example:
        >>> scope = resolve_time_scope("What happened last week?", today=dt.date(2026, 11, 25))
        >>> scope.since, scope.until, scope.phrase
        (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22), 'last week')
    """

    since: dt.date | None = None
    """First day of the window, inclusive; None for no lower bound."""
    until: dt.date | None = None
    """Last day of the window, inclusive; None for no upper bound."""
    newest_first: bool = False
    """The question asks for the latest or most recent event: order candidates by publication date."""
    phrase: str | None = None
    """The matched time phrases, in question order, joined by "; "."""

    @property
    def active(self) -> bool:
        """Whether the scope filters or orders anything."""
        return self.since is not None or self.until is not None or self.newest_first


_MONTH_NUMBERS = {name: number for number, name in enumerate(calendar.month_abbr) if name}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUMBER = r"(?:\d{1,3}(?!\d)|" + "|".join(_NUMBER_WORDS) + r"|(?:a\s+)?couple\s+of)"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR = r"(?:19\d\d|20\d\d|2100)(?!\w)(?![.,]\d)"
# A number followed by a counted noun ("2000 drones", "30 people") is a quantity, not a year or a day. Words
# ending in "s" that are not plural nouns are exempt.
_COUNTED_NOUN = (
    r"\s+(?!(?:was|has|is|its|his|this|does|us|across|towards|afterwards|besides|versus|less|unless|thus|plus"
    r"|whereas|perhaps|always|sometimes|nevertheless)\b)"
    r"(?:people|men|women|children|police|personnel|staff|cattle|[a-z]{2,}s)\b"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\b"


def _date_pattern(prefix: str) -> str:
    """One date expression; group names carry `prefix` so two can share a pattern (ranges)."""

    def year(form: str) -> str:
        return rf"(?:(?P<{prefix}{form}_y>{_YEAR})|(?P<{prefix}{form}_ry>this|last)\s+year\b)"

    p = prefix
    return "|".join(
        [
            rf"(?P<{p}iso>(?:19|20)\d\d-\d\d-\d\d)(?!\d)",
            rf"(?P<{p}md_m>{_MONTH})\s+(?P<{p}md_d>{_DAY})(?:,?\s+{year('md')}|(?!{_COUNTED_NOUN}))",
            rf"(?P<{p}dm_d>{_DAY})\s+(?:of\s+)?(?P<{p}dm_m>{_MONTH})(?:,?\s+{year('dm')})?",
            rf"(?P<{p}my_m>{_MONTH}),?\s+(?:of\s+)?{year('my')}",
            rf"(?P<{p}m_m>{_MONTH})",
            rf"(?P<{p}y_y>{_YEAR})(?!{_COUNTED_NOUN})(?!\s*(?:to|and|-|–)\s*\d[\d,.]*{_COUNTED_NOUN})",
        ]
    )


_PREPOSITIONS = r"in|on|of|during|throughout|since|from|before|after|until|till|through|last|this"
_DATE = re.compile(
    rf"\b(?:(?P<prep>{_PREPOSITIONS})\s+(?:the\s+)?(?:(?:month|year)\s+of\s+|year\s+)?)?(?:{_date_pattern('')})",
    re.IGNORECASE,
)
_RANGE = re.compile(
    rf"\b(?:between|from|in|during|of)\s+(?:the\s+)?(?:{_date_pattern('a_')})"
    rf"(?:\s+(?:and|or|to|until|till|through)\s+|\s*[-–]\s*)(?:the\s+)?(?:{_date_pattern('b_')})",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:(?P<prep>since|before|after|until|till)\s+)?(?:"
    r"(?P<today>today|tonight|this\s+(?:morning|afternoon|evening))"
    r"|(?P<yesterday>yesterday)"
    rf"|(?:(?:the|these)\s+)?(?:past|last|previous)\s+(?P<count>{_NUMBER})\s+(?P<count_unit>hour|day|week|month|year)s?\b"
    r"|(?:the\s+)?past\s+(?P<rolling_unit>day|week|month|year)\b(?!\s+of\b)"
    r"|the\s+last\s+(?P<the_last_unit>day|week|month|year)\b(?!\s+of\b)"
    r"|(?P<calendar>this|last|previous)\s+(?P<calendar_unit>week|month|year)\b(?!\s+of\b)"
    r")",
    re.IGNORECASE,
)
_NEWEST = re.compile(
    r"\b(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|lately)\b"
    r"|(?:\b(?:the|its|his|her|their|our|your|my|this|that)|['’]s)\s+last\s+"
    rf"(?:(?:{_NUMBER}|few)\s+)?(?P<noun>[a-z][a-z'’-]*)",
    re.IGNORECASE,
)
# Words after "the last" that do not name an event: time units (their windows are handled above) and grammar.
_TIME_UNITS = ("second", "minute", "hour", "day", "night", "week", "weekend", "month", "year", "decade", "quarter")
_NOT_EVENTS = frozenset(
    {*_TIME_UNITS, *(f"{unit}s" for unit in _TIME_UNITS), "century", "centuries", "sept"}
    | {name.lower() for name in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name) if name}
    | {"of", "and", "or", "to", "in", "on", "at", "for", "by", "with", "from", "as", "than"}
    | {"is", "was", "were", "be", "been", "are", "has", "had", "have", "do", "did", "does"}
)

_Bounds = tuple[dt.date | None, dt.date | None]
_Period = tuple[dt.date, dt.date]
_B = TypeVar("_B", bound=_Bounds)
_OPEN_PREPOSITIONS = frozenset({"since", "after", "before", "until", "till", "through"})


@dataclass(frozen=True)
class _Mention:
    """One time phrase found in the question, with the bounds it sets."""

    start: int
    end: int
    text: str
    since: dt.date | None
    until: dt.date | None
    closed: bool  # a whole period ("in June"), as opposed to one open bound ("since June")


def resolve_time_scope(question: str, today: dt.date, corpus_dates: Sequence[dt.date] = ()) -> TimeScope:
    """Read the time phrases of `question` into a `TimeScope` (rules in the module docstring).

    Args:
        today: The date the question is asked, the anchor for relative phrases.
        corpus_dates: Publication dates in the index; they pick the year of a bare month and re-anchor relative
            phrases that would otherwise select no article.
    """
    corpus = tuple(day.date() if isinstance(day, dt.datetime) else day for day in corpus_dates)
    mentions: list[_Mention] = []
    _collect(_RANGE, question, mentions, lambda match: _range_bounds(match, today, corpus))
    _collect(_DATE, question, mentions, lambda match: _date_bounds(match, today, corpus))
    _collect(_RELATIVE, question, mentions, lambda match: _relative_bounds(match, today, corpus))

    newest: list[tuple[int, str]] = []
    for match in _NEWEST.finditer(question):
        noun = match.group("noun")
        if noun is not None and noun.lower() in _NOT_EVENTS:
            continue
        if not any(_overlaps(match.start(), match.end(), mention) for mention in mentions):
            newest.append((match.start(), re.sub(r"^['’]s\s+", "", match.group(0).strip())))

    since, until = _combine(mentions)
    phrases = sorted([(mention.start, mention.text) for mention in mentions] + newest)
    return TimeScope(
        since=since,
        until=until,
        newest_first=bool(newest),
        phrase="; ".join(text for _, text in phrases) or None,
    )


def _collect(
    pattern: re.Pattern[str],
    question: str,
    mentions: list[_Mention],
    bounds_of: Callable[[re.Match[str]], tuple[_Bounds, bool] | None],
) -> None:
    """Add the matches of `pattern` that overlap no earlier mention and resolve to bounds."""
    for match in pattern.finditer(question):
        if any(_overlaps(match.start(), match.end(), mention) for mention in mentions):
            continue
        try:
            resolved = bounds_of(match)
        except (ValueError, OverflowError):  # an impossible date such as "February 30" or past `date.max`
            continue
        if resolved is None:
            continue
        (since, until), closed = resolved
        if since is not None and until is not None and since > until:
            continue
        mentions.append(_Mention(match.start(), match.end(), match.group(0).strip(), since, until, closed))


def _overlaps(start: int, end: int, mention: _Mention) -> bool:
    return start < mention.end and mention.start < end


def _combine(mentions: Sequence[_Mention]) -> _Bounds:
    """Widen over whole periods, narrow by open bounds; drop open bounds that would empty the window."""
    periods = [mention for mention in mentions if mention.closed]
    open_bounds = [mention for mention in mentions if not mention.closed]
    hull_since = min((p.since for p in periods if p.since is not None), default=None)
    hull_until = max((p.until for p in periods if p.until is not None), default=None)
    since = max((b for b in [hull_since, *(m.since for m in open_bounds)] if b is not None), default=None)
    until = min((b for b in [hull_until, *(m.until for m in open_bounds)] if b is not None), default=None)
    if since is None or until is None or since <= until:
        return since, until
    if periods:
        return hull_since, hull_until
    return open_bounds[0].since, open_bounds[0].until


def _with_anchor(window: Callable[[dt.date], _B], today: dt.date, corpus: Sequence[dt.date]) -> _B:
    """`window` anchored on `today`, or on the newest corpus date when no corpus date falls inside it."""
    bounds = window(today)
    low, high = bounds[0] or dt.date.min, bounds[1] or dt.date.max
    if not corpus or any(low <= day <= high for day in corpus):
        return bounds
    return window(max(corpus))


def _apply_preposition(preposition: str, start: dt.date, end: dt.date) -> tuple[_Bounds, bool]:
    """Bounds set by the period `start`–`end` after `preposition`, and whether they are a whole period."""
    preposition = preposition.lower()
    if preposition == "since":
        return (start, None), False
    if preposition == "after":
        return (end + dt.timedelta(days=1), None), False
    if preposition == "before":
        return (None, start - dt.timedelta(days=1)), False
    if preposition in _OPEN_PREPOSITIONS:
        return (None, end), False
    return (start, end), True


# Dates -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DateParts:
    """A date expression as written: any part may be missing; `relative_year` is "this" or "last"."""

    year: int | None = None
    relative_year: str | None = None
    month: int | None = None
    day: int | None = None


def _parts(match: re.Match[str], prefix: str) -> _DateParts | None:
    """The date written in `match` under group-name `prefix`; None for a modal "may" or an impossible day."""
    groups = {name[len(prefix) :]: value for name, value in match.groupdict().items() if name.startswith(prefix)}
    if groups.get("iso"):
        year, month, day = (int(part) for part in groups["iso"].split("-"))
        dt.date(year, month, day)  # raises ValueError on "2025-13-40"
        return _DateParts(year=year, month=month, day=day)
    for form in ("md", "dm", "my", "m", "y"):
        month_text = groups.get(f"{form}_m")
        if not month_text and not groups.get(f"{form}_y"):
            continue
        if month_text and month_text.lower().startswith("may") and not month_text.startswith("M"):
            return None
        day_text = groups.get(f"{form}_d")
        year_text = groups.get(f"{form}_y")
        parts = _DateParts(
            year=int(year_text) if year_text else None,
            relative_year=(groups.get(f"{form}_ry") or "").lower() or None,
            month=_MONTH_NUMBERS[month_text.rstrip(".")[:3].title()] if month_text else None,
            day=int(re.sub(r"\D", "", day_text)) if day_text else None,
        )
        if parts.day is not None and not 1 <= parts.day <= 31:
            return None
        return parts
    return None


def _period(parts: _DateParts, year: int) -> _Period:
    """First and last day of the date in `parts`, in `year`."""
    if parts.month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if parts.day is None:
        return dt.date(year, parts.month, 1), dt.date(year, parts.month, calendar.monthrange(year, parts.month)[1])
    day = dt.date(year, parts.month, parts.day)
    return day, day


def _infer_year(parts: _DateParts, today: dt.date, corpus: Sequence[dt.date]) -> int:
    """The year of a month (or day) written without one: the newest in the corpus, else the latest not after today."""
    month = parts.month or 1
    for year in sorted({day.year for day in corpus if day.month == month}, reverse=True):
        if parts.day is None or parts.day <= calendar.monthrange(year, month)[1]:
            return year
    year = today.year if (month, parts.day or 1) <= (today.month, today.day) else today.year - 1
    if parts.day is not None:
        # February 29 falls back to the latest leap year; other impossible days raise ValueError in `_period`.
        for candidate in range(year, year - 8, -1):
            if parts.day <= calendar.monthrange(candidate, month)[1]:
                return candidate
    return year


def _resolve(parts: _DateParts, today: dt.date, corpus: Sequence[dt.date]) -> _Period:
    """The period of a date expression, filling in a missing or relative year."""
    if parts.year is not None:
        return _period(parts, parts.year)
    if parts.relative_year is not None:
        offset = 1 if parts.relative_year == "last" else 0
        return _with_anchor(lambda anchor: _period(parts, anchor.year - offset), today, corpus)
    return _period(parts, _infer_year(parts, today, corpus))


def _date_bounds(match: re.Match[str], today: dt.date, corpus: Sequence[dt.date]) -> tuple[_Bounds, bool] | None:
    parts = _parts(match, "")
    if parts is None:
        return None
    preposition = match.group("prep") or ""
    bare = parts.month is None or (parts.day is None and not _has_year(parts))
    if bare and not preposition:  # "June" alone may be a name; "2024" alone may be a count
        return None
    if parts.month is None and preposition.lower() in ("last", "this"):
        return None
    start, end = _resolve(parts, today, corpus)
    return _apply_preposition(preposition, start, end)


def _range_bounds(match: re.Match[str], today: dt.date, corpus: Sequence[dt.date]) -> tuple[_Bounds, bool] | None:
    first, last = _parts(match, "a_"), _parts(match, "b_")
    if first is None or last is None:
        return None
    # A side without a year takes the other side's: "from November to February 2025" starts in November 2024.
    if _has_year(first) or not _has_year(last):
        first_start, first_end = _resolve(first, today, corpus)
        if _has_year(last) or last.month is None:
            _, last_end = _resolve(last, today, corpus)
        else:
            later = (last.month, last.day or 31) >= (first_end.month, first_end.day)
            _, last_end = _period(last, first_end.year if later else first_end.year + 1)
    else:
        last_start, last_end = _resolve(last, today, corpus)
        if first.month is None:
            first_start, _ = _resolve(first, today, corpus)
        else:
            earlier = (first.month, first.day or 1) <= (last_start.month, last_start.day)
            first_start, _ = _period(first, last_start.year if earlier else last_start.year - 1)
    return (first_start, last_end), True


def _has_year(parts: _DateParts) -> bool:
    return parts.year is not None or parts.relative_year is not None


# Relative phrases ------------------------------------------------------------------------------------------------


def _shift_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months`, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _rolling(unit: str, count: int) -> Callable[[dt.date], _Period]:
    """A window from `count` units before the anchor to the anchor."""

    def window(anchor: dt.date) -> _Period:
        if unit == "hour":
            return anchor - dt.timedelta(days=-(-count // 24)), anchor
        if unit in ("day", "week"):
            return anchor - dt.timedelta(days=count * (7 if unit == "week" else 1)), anchor
        return _shift_months(anchor, -count * (12 if unit == "year" else 1)), anchor

    return window


def _calendar(unit: str, previous: bool) -> Callable[[dt.date], _Period]:
    """The anchor's calendar week/month/year up to the anchor, or the whole one before it."""

    def window(anchor: dt.date) -> _Period:
        if unit == "week":
            start = anchor - dt.timedelta(days=anchor.weekday())
            if previous:
                return start - dt.timedelta(days=7), start - dt.timedelta(days=1)
        elif unit == "month":
            start = anchor.replace(day=1)
            if previous:
                end = start - dt.timedelta(days=1)
                return end.replace(day=1), end
        else:
            start = anchor.replace(month=1, day=1)
            if previous:
                return start.replace(year=start.year - 1), start - dt.timedelta(days=1)
        return start, anchor

    return window


def _count(text: str) -> int:
    words = text.lower().split()
    if words[-1] == "of":  # "(a) couple of"
        return 2
    return int(words[0]) if words[0].isdigit() else _NUMBER_WORDS[words[0]]


def _relative_bounds(match: re.Match[str], today: dt.date, corpus: Sequence[dt.date]) -> tuple[_Bounds, bool] | None:
    window: Callable[[dt.date], _Period]
    if match.group("today"):
        window = _days_back(0)
    elif match.group("yesterday"):
        window = _days_back(1)
    elif match.group("count"):
        count = _count(match.group("count"))
        if count == 0:
            return None
        window = _rolling(match.group("count_unit").lower(), count)
    elif match.group("rolling_unit") or match.group("the_last_unit"):
        window = _rolling((match.group("rolling_unit") or match.group("the_last_unit")).lower(), 1)
    else:
        window = _calendar(match.group("calendar_unit").lower(), match.group("calendar").lower() != "this")
    preposition = match.group("prep") or ""

    def effective(anchor: dt.date) -> _Bounds:
        return _apply_preposition(preposition, *window(anchor))[0]

    return _with_anchor(effective, today, corpus), preposition.lower() not in _OPEN_PREPOSITIONS


def _days_back(days: int) -> Callable[[dt.date], _Period]:
    def window(anchor: dt.date) -> _Period:
        day = anchor - dt.timedelta(days=days)
        return day, day

    return window
