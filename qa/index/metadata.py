"""Article metadata from text: dates in the forms news uses, datelines, front matter, ids and hashes."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", re.I)
_DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})", re.I)
_FILENAME_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-_]?(?P<month>[01]\d)[-_]?(?P<day>[0-3]\d)(?!\d)")
# "KYIV, July 4 –", "WASHINGTON (Reuters) -", "LONDON, Jan. 3, 2024 —"
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_](?:[^\W\d_]|[.'’ -]){1,40}?)(?:,\s*(?P<when>" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?))?"
    r"\s*(?:\((?P<outlet>[A-Za-z .&]+)\))?\s*[–—-]{1,2}\s",
    re.I,
)


def parse_date(value: object) -> dt.date | None:
    """A date from ISO strings/datetimes, "July 4, 2025", "4 July 2025", RFC 2822, or epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    for pattern in (_ISO, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        match = pattern.search(text)
        if match and (date := _date_of(match)):
            return date
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def date_in_filename(name: str) -> dt.date | None:
    match = _FILENAME_DATE.search(name)
    return _date_of(match) if match else None


@dataclass(frozen=True)
class Dateline:
    place: str
    month: int | None = None
    day: int | None = None
    year: int | None = None
    outlet: str | None = None

    def date(self, fallback_year: int | None) -> dt.date | None:
        year = self.year or fallback_year
        if not (year and self.month and self.day):
            return None
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


def parse_dateline(text: str) -> Dateline | None:
    """The dateline that opens a wire story, if the text starts with one."""
    match = _DATELINE.match(text.lstrip())
    if not match:
        return None
    place = match.group("place").strip(" ,")
    if not place.replace(" ", "").replace(".", "").isupper():  # datelines are in capitals
        return None
    month = day = year = None
    if when := match.group("when"):
        parts = re.findall(r"[A-Za-z]+|\d+", when)
        month = MONTHS.get(parts[0].lower())
        day = int(parts[1])
        year = int(parts[2]) if len(parts) > 2 else None
    return Dateline(place=place, month=month, day=day, year=year, outlet=match.group("outlet"))


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines between two ``---`` lines at the top of a text or Markdown file."""
    match = re.match(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*\r?\n", text, re.S)  # \r: Windows files
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("body").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def article_id(identity: str) -> str:
    """A stable id from what identifies the article's source (its url, or file path and key)."""
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def content_hash(**fields: object) -> str:
    """Changes whenever the article's text or any of its metadata does."""
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _date_of(match: re.Match[str]) -> dt.date | None:
    month = match.group("month")
    month_number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
    try:
        return dt.date(int(match.group("year")), month_number or 0, int(match.group("day")))
    except ValueError:
        return None
