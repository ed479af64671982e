"""Parsing the dates that news articles print, into ISO ``YYYY-MM-DD``.

Only whole, unambiguous forms are accepted: ``2024-03-01``, ``2024/03/01``,
``March 1, 2024``, ``Mar. 1 2024``, ``1 March 2024``, ``1st March, 2024``,
``Friday, March 1, 2024`` and ISO timestamps (``2024-03-01T10:00:00Z``).
Anything else gives ``None`` rather than a guess.
"""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+"
_MONTH = r"(?P<mon>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

_PATTERNS = [
    re.compile(r"^(?P<year>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})(?:[t ][0-9:.]+(?:z|[+-][0-9:]+)?)?$"),
    re.compile(rf"^(?:{_WEEKDAY})?{_MONTH}\s+{_DAY},?\s+{_YEAR}$"),
    re.compile(rf"^(?:{_WEEKDAY})?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}$"),
]


def parse_date(value: object) -> str | None:
    """Return ``value`` as an ISO date string, or ``None`` when it is not a clear date.

    >>> parse_date("March 1, 2024")
    '2024-03-01'
    >>> parse_date("1 March 2024")
    '2024-03-01'
    >>> parse_date("2011-12-19")
    '2011-12-19'
    >>> parse_date("yesterday") is None
    True
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text or len(text) > 40:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["m"]) if groups.get("m") else _MONTHS.get(groups.get("mon") or "")
        if not month:
            continue
        try:
            return _dt.date(int(groups["year"]), month, int(groups["day"])).isoformat()
        except ValueError:
            return None
    return None


def iso_week(date: str) -> str:
    """The ISO week of an ISO date, as ``2011-W50``."""
    y, w, _ = _dt.date.fromisoformat(date).isocalendar()
    return f"{y}-W{w:02d}"


def period_of(date: str, by: str) -> str:
    """The period label of ``date`` for ``by`` in day, week, month, year."""
    if by == "day":
        return date
    if by == "week":
        return iso_week(date)
    if by == "month":
        return date[:7]
    if by == "year":
        return date[:4]
    raise ValueError(f"unknown period {by!r}; choose one of: day, week, month, year")


def period_range(first: str, last: str, by: str) -> list[str]:
    """Every period label from the period of ``first`` to that of ``last``, inclusive."""
    start = _dt.date.fromisoformat(first)
    end = _dt.date.fromisoformat(last)
    out: list[str] = []
    if by == "day":
        d = start
        while d <= end:
            out.append(d.isoformat())
            d += _dt.timedelta(days=1)
    elif by == "week":
        d = start - _dt.timedelta(days=start.weekday())
        while d <= end:
            out.append(iso_week(d.isoformat()))
            d += _dt.timedelta(days=7)
    elif by == "month":
        y, m = start.year, start.month
        while (y, m) <= (end.year, end.month):
            out.append(f"{y:04d}-{m:02d}")
            m += 1
            if m == 13:
                y, m = y + 1, 1
    elif by == "year":
        out = [f"{y:04d}" for y in range(start.year, end.year + 1)]
    else:
        raise ValueError(f"unknown period {by!r}; choose one of: day, week, month, year")
    return out
