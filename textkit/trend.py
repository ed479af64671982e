"""Terms over time: the core of ``textkit trend``.

Each term is a pattern (:mod:`textkit.patterns`): a word or phrase matched as a token
sequence within one sentence, a trailing ``*`` for any continuation, and a possessive
``'s`` included (``kim jong il`` also counts "Kim Jong Il's"). Every match counts, so
overlapping matches of one pattern count separately.

For each period (``day``, ISO ``week``, ``month`` or ``year`` of the document date) and
term a row gives:

- ``count``: matches of the term in the period's documents;
- ``tokens``: the period's corpus size, its word tokens before any filter;
- ``per_million`` = count × 10⁶ / tokens (0.0 for a period without tokens);
- ``docs``: the period's documents with at least one match;
- ``doc_share`` = docs / documents of the period (0.0 for a period without documents:
  a gap in the data, shown so that every period from the first to the last dated
  document appears).

Undated documents are left out and reported through ``warn``. The corpus is read and
tokenized once; counts are integers merged exactly, and floats are computed at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus
from .dates import period_of, period_range
from .engine import Item, Task, run
from .patterns import Matcher, compile_pattern
from .tokenize import Analyzer, AnalyzerOptions

PERIODS = ("day", "week", "month", "year")
TREND_COLUMNS = ["period", "term", "count", "tokens", "per_million", "docs", "doc_share"]
SUMMARY_COLUMNS = ["term", "count", "peak_period", "peak_per_million"]
PLOT_SUFFIXES = (".png", ".svg")

Warn = Callable[[str], None]


@dataclass
class TrendPartial:
    """Mergeable counts by period: ``periods[p] = [tokens, documents, counts, docs]``
    (``counts`` and ``docs`` lists with one integer per term), undated documents, and
    the first and last date seen."""

    periods: dict[str, list] = field(default_factory=dict)
    undated: int = 0
    first: str | None = None
    last: str | None = None

    def merge(self, other: TrendPartial) -> TrendPartial:
        for period, (tokens, ndocs, counts, docs) in other.periods.items():
            mine = self.periods.get(period)
            if mine is None:
                self.periods[period] = [tokens, ndocs, list(counts), list(docs)]
                continue
            mine[0] += tokens
            mine[1] += ndocs
            mine[2] = [a + b for a, b in zip(mine[2], counts, strict=True)]
            mine[3] = [a + b for a, b in zip(mine[3], docs, strict=True)]
        self.undated += other.undated
        for d in (other.first, other.last):
            if d is not None:
                if self.first is None or d < self.first:
                    self.first = d
                if self.last is None or d > self.last:
                    self.last = d
        return self


class TrendTask(Task):
    """Matches of each pattern, documents mentioning it, tokens and documents, by period."""

    def __init__(self, terms: Sequence[str], by: str = "month") -> None:
        if by not in PERIODS:
            raise ValueError(f"unknown period {by!r}; choose one of: {', '.join(PERIODS)}")
        self.terms = tuple(terms)
        self.by = by
        self._matcher: tuple[Any, Matcher] | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_matcher"] = None  # compiled per process
        return state

    def matcher(self, analyzer: Analyzer) -> Matcher:
        """The patterns compiled with ``analyzer`` (once per process and options)."""
        if self._matcher is None or self._matcher[0] != analyzer.options:
            self._matcher = (analyzer.options, Matcher([compile_pattern(t, analyzer) for t in self.terms]))
        return self._matcher[1]

    def map(self, items: list[Item], analyzer: Analyzer) -> TrendPartial:
        matcher = self.matcher(analyzer)
        k = len(self.terms)
        part = TrendPartial()
        for it in items:
            date = it.doc.date
            if date is None:
                part.undated += 1
                continue
            if part.first is None or date < part.first:
                part.first = date
            if part.last is None or date > part.last:
                part.last = date
            period = period_of(date, self.by)
            slot = part.periods.get(period)
            if slot is None:
                slot = part.periods[period] = [0, 0, [0] * k, [0] * k]
            slot[0] += len(it.tok.tokens)
            slot[1] += 1
            found = set()
            counts = slot[2]
            for _, _, i in matcher.find(it.tok.tokens, it.tok.bounds):
                counts[i] += 1
                found.add(i)
            for i in found:
                slot[3][i] += 1
        return part

    def merge(self, left: TrendPartial, right: TrendPartial) -> TrendPartial:
        return left.merge(right)

    def finish(self, merged: TrendPartial, analyzer: Analyzer) -> TrendPartial:
        return merged


def _terms(terms: Sequence[str]) -> list[str]:
    """The terms stripped, without duplicates; ValueError when there is none."""
    out = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
    if not out:
        raise ValueError("give at least one term")
    return out


def trend_rows(partial: TrendPartial, terms: Sequence[str], by: str) -> list[dict]:
    """Period rows from merged counts: every period from the first to the last dated
    document, for every term; ordered by term, then period."""
    if partial.first is None or partial.last is None:
        return []
    periods = period_range(partial.first, partial.last, by)
    empty = [0, 0, [0] * len(terms), [0] * len(terms)]
    rows = []
    for i, term in sorted(enumerate(terms), key=lambda e: e[1]):
        for period in periods:
            tokens, ndocs, counts, docs = partial.periods.get(period, empty)
            count = counts[i]
            rows.append(
                {
                    "period": period,
                    "term": term,
                    "count": count,
                    "tokens": tokens,
                    "per_million": count * 1_000_000 / tokens if tokens else 0.0,
                    "docs": docs[i],
                    "doc_share": docs[i] / ndocs if ndocs else 0.0,
                }
            )
    return rows


def trend(
    corpus: Corpus,
    terms: Sequence[str],
    options: AnalyzerOptions | None = None,
    *,
    by: str = "month",
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    warn: Warn | None = None,
) -> list[dict]:
    """How often each term is used per period: one row per period and term.

    Rows have the fields of :data:`TREND_COLUMNS`: ``period`` (``2011-12-17``,
    ``2011-W50``, ``2011-12`` or ``2011`` for ``by`` day, week, month, year), ``term``
    (as given), ``count`` (pattern matches), ``tokens`` (word tokens of the period),
    ``per_million`` = count × 10⁶ / tokens, ``docs`` (documents of the period with a
    match) and ``doc_share`` = docs / documents of the period (0.0 when the period has
    no documents). Every period from the first to the last dated document appears,
    zeros included; rows are ordered by term, then period. Undated documents are left
    out and counted in a note passed to ``warn``. Raises ``ValueError`` for an unknown
    ``by`` or no terms, :class:`~textkit.errors.UsageError` for a pattern without a word.
    """
    terms = _terms(terms)
    options = options or AnalyzerOptions()
    task = TrendTask(terms, by)
    task.matcher(Analyzer(options))  # a bad pattern fails before the corpus is read
    (merged,) = run(corpus, options, [task], jobs=jobs, progress=progress)
    if merged.undated and warn is not None:
        n = merged.undated
        warn(f"note: {n} undated document{'s' if n != 1 else ''} left out")
    if merged.first is None and warn is not None:
        warn("note: no dated document selected: no periods")
    return trend_rows(merged, terms, by)


def _by_term(rows: Sequence[dict]) -> dict[str, list[dict]]:
    """The rows of each term in period order, terms sorted."""
    by_term: dict[str, list[dict]] = {}
    for row in rows:
        by_term.setdefault(row["term"], []).append(row)
    return {t: sorted(by_term[t], key=lambda r: r["period"]) for t in sorted(by_term)}


def trend_series(rows: Sequence[dict]) -> dict[str, list[float]]:
    """The ``per_million`` series of each term of :func:`trend` rows, in period order
    (terms sorted): what the sparklines and the plot show."""
    return {t: [r["per_million"] for r in series] for t, series in _by_term(rows).items()}


def trend_summary(rows: Sequence[dict]) -> list[dict]:
    """One row per term of :func:`trend` rows (fields :data:`SUMMARY_COLUMNS`):
    ``term``, ``count`` (the total over all periods), ``peak_period`` (the period of the
    highest ``per_million``, the earliest on a tie; ``None`` when the term never occurs)
    and ``peak_per_million`` (0.0 then). Ordered by term."""
    out = []
    for term, series in _by_term(rows).items():
        total = sum(r["count"] for r in series)
        peak = None
        for r in series:
            if r["count"] and (peak is None or r["per_million"] > peak["per_million"]):
                peak = r
        out.append(
            {
                "term": term,
                "count": total,
                "peak_period": peak["period"] if peak else None,
                "peak_per_million": peak["per_million"] if peak else 0.0,
            }
        )
    return out


def top_terms(rows: Sequence[dict], top: int) -> list[dict]:
    """The rows of the ``top`` terms with the highest total count (ties by term), in the
    order of ``rows``; all rows when ``top`` is 0."""
    if top <= 0:
        return list(rows)
    ranked = sorted(trend_summary(rows), key=lambda s: (-s["count"], s["term"]))
    kept = {s["term"] for s in ranked[:top]}
    return [r for r in rows if r["term"] in kept]


def plot_available() -> bool:
    """Whether matplotlib (the ``plot`` extra) can be imported."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def plot_trend(rows: Sequence[dict], path: str, *, by: str = "month", title: str | None = None) -> None:
    """Draw the ``per_million`` series of :func:`trend` rows as a line chart in ``path``
    (``.png`` or ``.svg``) with matplotlib's Agg backend: periods on the x axis, uses
    per million tokens on the y axis, one line per term and a legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = trend_series(rows)
    periods = sorted({r["period"] for r in rows})
    fig, ax = plt.subplots(figsize=(max(6.0, min(16.0, 0.35 * len(periods) + 4)), 4.5), dpi=120)
    try:
        x = list(range(len(periods)))
        for term, values in series.items():
            ax.plot(x, values, marker="o" if len(periods) <= 60 else None, markersize=3, linewidth=1.6, label=term)
        step = max(1, len(periods) // 24)
        ax.set_xticks(x[::step])
        tilt = len(periods) > 6
        ax.set_xticklabels(periods[::step], rotation=45 if tilt else 0, ha="right" if tilt else "center")
        ax.set_xlabel(by)
        ax.set_ylabel("per million tokens")
        ax.set_ylim(bottom=0)
        ax.set_title(title or "Uses per million tokens by " + by)
        ax.grid(True, alpha=0.3)
        if series:
            ax.legend(loc="best", frameon=False)
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
