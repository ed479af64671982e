"""VADER sentiment of a corpus: the core of ``textkit sentiment``.

The scorer is VADER (Hutto & Gilbert 2014) from the ``vaderSentiment`` package pinned at
:data:`textkit.vader.VADER_VERSION`; :mod:`textkit.vader` wraps it (scores, explanations,
aggregates) and ``docs/sentiment-vader.md`` describes how it works. This module runs it over a
corpus as an engine :class:`~textkit.engine.Task`, so VADER runs inside the engine's worker
processes on the sentences of the one tokenization.

Units (``unit``):

``aggregate`` (the default)
    Each sentence of a document (the foundation's sentence splitter, so ``sentences`` equals
    ``textkit info``'s count) is scored on its own; the document row holds the means of the
    sentence scores and the shares of positive (compound >= 0.05) and negative (<= -0.05)
    sentences (:func:`textkit.vader.aggregate_sentences`).
``sentence``
    One row per sentence.
``document``
    VADER on each document's whole text at once (its compound saturates on long texts: the
    sum of valences grows while the normalisation ``x / sqrt(x^2 + 15)`` does not).

``by=FIELD`` makes one row per group of documents (:class:`textkit.vader.GroupAccumulator`:
exact merges, sample standard deviation). Explanations (``explain``) list the words whose
valence contributions, after VADER's rules, are largest in absolute value; contributions are
summed per word over the sentences of a row in units of 0.0001 (integers, so merges are exact).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Corpus
from .engine import Item, Task, run, stream
from .errors import EmptyResultError, InputError, UsageError
from .tokenize import Analyzer, AnalyzerOptions
from .vader import GroupAccumulator, VaderScorer, aggregate_sentences, load_valence_file

__all__ = [
    "BUILTIN_VALENCE",
    "DOCUMENT_COLUMNS",
    "GROUP_COLUMNS",
    "SENTENCE_COLUMNS",
    "UNITS",
    "WHOLE_DOCUMENT_COLUMNS",
    "SentimentTask",
    "load_valence",
    "sentiment",
    "sentiment_columns",
    "sort_fields",
]

UNITS = ("aggregate", "sentence", "document")
"""``aggregate``: per document from its sentences; ``sentence``: per sentence;
``document``: VADER on each whole text."""

DOCUMENT_COLUMNS = [
    "id", "title", "date", "sentences", "compound", "pos", "neu", "neg",
    "positive_share", "negative_share",
]
SENTENCE_COLUMNS = ["id", "sentence", "text", "compound", "pos", "neu", "neg"]
WHOLE_DOCUMENT_COLUMNS = ["id", "title", "date", "compound", "pos", "neu", "neg"]
GROUP_COLUMNS = ["group", "documents", "compound_mean", "compound_sd", "positive_share", "negative_share"]

BUILTIN_VALENCE = {"state-media": "state-media-corrections.tsv"}
"""Valence files shipped with textkit (``textkit/data/valence``), by name."""

_SCALE = 10_000  # explanation contributions are summed in units of 0.0001


# -- valence overrides -------------------------------------------------------------


def _builtin_valence_path(name: str) -> Path:
    from importlib.resources import files

    return Path(str(files("textkit") / "data" / "valence" / BUILTIN_VALENCE[name]))


def load_valence(specs: Iterable[str]) -> dict[str, float]:
    """Read valence overrides from files (``term<TAB>valence`` a line, see
    :func:`textkit.vader.load_valence_file`) or built-in names (:data:`BUILTIN_VALENCE`:
    ``state-media``). A later file overrides an earlier one's entries.

    Raises :class:`~textkit.errors.InputError` naming the file and line of a bad entry.
    """
    merged: dict[str, float] = {}
    for spec in specs:
        path: str | Path = _builtin_valence_path(spec) if spec in BUILTIN_VALENCE else spec
        try:
            merged.update(load_valence_file(path))
        except ValueError as exc:
            raise InputError(f"--valence {exc}") from None
    return merged


_SCORERS: dict[tuple[tuple[str, float], ...], VaderScorer] = {}


def _scorer(valence: tuple[tuple[str, float], ...]) -> VaderScorer:
    """The scorer for these overrides, built once per process."""
    scorer = _SCORERS.get(valence)
    if scorer is None:
        scorer = VaderScorer(dict(valence) if valence else None)
        _SCORERS[valence] = scorer
    return scorer


def register_scorer(valence: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    """Check ``valence`` overrides here (a :class:`UsageError` names a bad one, before
    any worker starts), keep their scorer for this process and forked workers, and
    return the overrides as the picklable key that :class:`SentimentTask` takes."""
    try:
        scorer = VaderScorer(valence)
    except ValueError as exc:
        raise UsageError(f"valence: {exc}") from None
    pairs = tuple(sorted(scorer.overrides.items()))
    _SCORERS.setdefault(pairs, scorer)
    return pairs


# -- explanations as integer sums ----------------------------------------------------------


def _add_terms(into: Counter, items: Iterable[dict]) -> None:
    """Add explanation items (valences rounded to 4 decimals) to ``into`` in units of 0.0001."""
    for item in items:
        into[item["term"]] += round(item["valence"] * _SCALE)


def _top_terms(terms: Mapping[str, int], top: int) -> list[dict]:
    """The ``top`` terms (0 = all) by (-|valence|, term), as ``{"term", "valence"}`` items."""
    items = [(term, units) for term, units in terms.items() if units]
    key = lambda e: (-abs(e[1]), e[0])  # noqa: E731
    chosen = heapq.nsmallest(top, items, key=key) if top else sorted(items, key=key)
    return [{"term": term, "valence": units / _SCALE} for term, units in chosen]


# -- the task --------------------------------------------------------------------------


@dataclass
class GroupPartial:
    """Mergeable state of ``by`` groups: an accumulator and explanation sums per group,
    and the documents left out (no value for the field, no sentence)."""

    groups: dict[str, tuple[GroupAccumulator, Counter]] = field(default_factory=dict)
    missing_field: int = 0
    no_sentences: int = 0
    fields: set[str] = field(default_factory=set)

    def merge(self, other: GroupPartial) -> GroupPartial:
        for name, (acc, terms) in other.groups.items():
            mine = self.groups.get(name)
            if mine is None:
                self.groups[name] = (acc, terms)
            else:
                mine[0].merge(acc)
                mine[1].update(terms)
        self.missing_field += other.missing_field
        self.no_sentences += other.no_sentences
        self.fields |= other.fields
        return self


class SentimentTask(Task):
    """VADER per sentence, document or group (see the module docstring).

    Holds only picklable options: the unit, the grouping field, how many explanation terms
    (``explain``: None for none, 0 for all) and the valence overrides as sorted pairs. ``map``
    gives rows in corpus order (no ``by``) or a :class:`GroupPartial`.
    """

    def __init__(
        self,
        unit: str = "aggregate",
        *,
        by: str | None = None,
        explain: int | None = None,
        valence: tuple[tuple[str, float], ...] = (),
    ) -> None:
        self.unit = unit
        self.by = by
        self.explain = explain
        self.valence = valence

    # per document: (row fields, explanation sums or None)
    def _document(self, it: Item, scorer: VaderScorer) -> list[tuple[dict, Counter | None]]:
        text = it.doc.text
        tok = it.tok
        explain = self.explain is not None
        if self.unit == "document":
            if explain:
                scores, items = scorer.score_and_explain(text, None)
                terms: Counter | None = Counter()
                _add_terms(terms, items)
            else:
                scores, terms = scorer.scores(text), None
            row = {**it.doc.header(), **_scores(scores)}
            return [(row, terms)]
        if self.unit == "sentence":
            out = []
            for i in range(tok.n_sentences):
                sentence = tok.sentence_text(text, i)
                if explain:
                    scores, items = scorer.score_and_explain(sentence, None)
                    terms = Counter()
                    _add_terms(terms, items)
                else:
                    scores, terms = scorer.scores(sentence), None
                row = {"id": it.doc.id, "sentence": i + 1, "text": sentence, **_scores(scores)}
                out.append((row, terms))
            return out
        # aggregate
        sentence_scores = []
        terms = Counter() if explain else None
        for i in range(tok.n_sentences):
            sentence = tok.sentence_text(text, i)
            if terms is not None:
                scores, items = scorer.score_and_explain(sentence, None)
                _add_terms(terms, items)
            else:
                scores = scorer.scores(sentence)
            sentence_scores.append(scores)
        row = {**it.doc.header(), **aggregate_sentences(sentence_scores)}
        return [(row, terms)]

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict] | GroupPartial:
        scorer = _scorer(self.valence)
        if self.by is None:
            rows = []
            for it in items:
                for row, terms in self._document(it, scorer):
                    if terms is not None:
                        row["explain"] = _top_terms(terms, self.explain or 0)
                    rows.append(row)
            return rows
        partial = GroupPartial()
        for it in items:
            partial.fields.update(it.doc.meta)
            group = it.doc.get(self.by)
            if group is None:
                partial.missing_field += 1
                continue
            ((row, terms),) = self._document(it, scorer)
            if row["compound"] is None:
                partial.no_sentences += 1
                continue
            entry = partial.groups.get(group)
            if entry is None:
                entry = partial.groups[group] = (GroupAccumulator(), Counter())
            entry[0].add(row["compound"])
            if terms is not None:
                entry[1].update(terms)
        return partial

    def merge(self, left, right):
        if self.by is None:
            return left + right
        return left.merge(right)

    def finish(self, merged, analyzer: Analyzer):
        if self.by is None:
            return merged
        rows = []
        for name in sorted(merged.groups):
            acc, terms = merged.groups[name]
            row = {"group": name, **acc.result()}
            if self.explain is not None:
                row["explain"] = _top_terms(terms, self.explain)
            rows.append(row)
        return rows, merged


def _scores(scores: Mapping[str, float]) -> dict[str, float]:
    """VADER's scores in textkit's column order."""
    return {key: scores[key] for key in ("compound", "pos", "neu", "neg")}


# -- the core function ---------------------------------------------------------------------


def sentiment_columns(
    unit: str = "aggregate", *, by: str | None = None, explain: bool = False, sort: str | None = None
) -> list[str]:
    """The columns of the rows :func:`sentiment` gives for these options."""
    if by is not None:
        cols = list(GROUP_COLUMNS)
    else:
        per_unit = {"aggregate": DOCUMENT_COLUMNS, "sentence": SENTENCE_COLUMNS, "document": WHOLE_DOCUMENT_COLUMNS}
        cols = list(per_unit[unit])
    if sort is not None:
        cols.insert(0, "rank")
    if explain:
        cols.append("explain")
    return cols


def sort_fields(unit: str = "aggregate", *, by: str | None = None) -> list[str]:
    """The fields ``sort`` accepts for these options (``compound`` always)."""
    if by is not None:
        return [
            "compound", "compound_mean", "compound_sd", "documents", "negative_share", "positive_share",
        ]
    if unit == "aggregate":
        return ["compound", "neg", "negative_share", "neu", "pos", "positive_share", "sentences"]
    return ["compound", "neg", "neu", "pos"]


def _sort_key(name: str, reverse: bool, tie: Sequence[str]):
    """Descending by ``name`` (ascending when ``reverse``), missing values last, ties by ``tie``."""
    sign = 1 if reverse else -1

    def key(row: dict) -> tuple:
        value = row.get(name)
        return (value is None, 0 if value is None else sign * value, *(row[t] for t in tie))

    return key


def sentiment(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    unit: str = "aggregate",
    by: str | None = None,
    explain: bool = False,
    explain_top: int = 5,
    valence: Mapping[str, float] | None = None,
    sort: str | None = None,
    reverse: bool = False,
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
    notes: list[str] | None = None,
) -> Iterator[dict]:
    """VADER sentiment rows of ``corpus``.

    ``unit`` is ``aggregate`` (default: one row per document, the means of its sentence scores:
    ``id``, ``title``, ``date``, ``sentences``, ``compound``, ``pos``, ``neu``, ``neg``,
    ``positive_share``, ``negative_share``), ``sentence`` (``id``, ``sentence`` (1-based index
    in the document), ``text``, ``compound``, ``pos``, ``neu``, ``neg``) or ``document`` (VADER
    on each whole text: ``id``, ``title``, ``date``, ``compound``, ``pos``, ``neu``, ``neg``).

    ``by`` (a field: ``year``, ``month``, any metadata) gives one row per group, sorted by
    group: ``group``, ``documents``, ``compound_mean``, ``compound_sd`` (sample SD),
    ``positive_share``, ``negative_share`` (shares of documents), over the document compounds
    of ``unit`` (``aggregate`` or ``document``). Documents without the field, or without a
    sentence, are left out and counted in a message appended to ``notes``.

    ``explain`` adds ``explain``: the ``explain_top`` terms (0 = all) with the largest summed
    valence contribution, ``[{"term", "valence"}]`` sorted by (-|valence|, term).

    ``valence`` overrides lexicon entries (term -> valence on -4..+4; 0 removes a term).
    ``sort`` (a field of :func:`sort_fields`; ``compound`` is ``compound_mean`` for groups)
    orders rows descending (``reverse``: ascending), missing values last, ties by ``id`` (then
    sentence number, then corpus order; groups by name), and adds ``rank``; ``top`` keeps the first N rows (0 = all), streamed in
    corpus order when there is neither ``sort`` nor ``by``.

    Raises :class:`~textkit.errors.UsageError` for an unknown unit or sort field, ``by``
    with the ``sentence`` unit, ``reverse`` without ``sort`` or a bad ``valence`` mapping.
    """
    if unit not in UNITS:
        raise UsageError(f"unknown unit {unit!r}; choose one of: {', '.join(UNITS)}")
    if by is not None and unit == "sentence":
        raise UsageError(
            "--by groups document scores: use it with --unit aggregate or document, not sentence"
        )
    if reverse and sort is None:
        raise UsageError("--reverse needs --sort")
    if sort is not None and sort not in sort_fields(unit, by=by):
        valid = ", ".join(sort_fields(unit, by=by))
        raise UsageError(f"unknown sort field {sort!r}; choose one of: {valid}")
    if explain_top < 0:
        raise UsageError("--explain-top must be 0 (all) or more")
    if top < 0:
        raise UsageError("--top must be 0 (all) or more")
    pairs = register_scorer(valence)
    task = SentimentTask(unit, by=by, explain=explain_top if explain else None, valence=pairs)
    options = options or AnalyzerOptions()

    if by is not None:
        rows, merged = run(corpus, options, [task], jobs=jobs, progress=progress)[0]
        _group_notes(by, merged, notes)
        if sort is not None:
            name = "compound_mean" if sort == "compound" else sort
            rows = sorted(rows, key=_sort_key(name, reverse, ()))
        return _finish(rows, sort, top)

    batches = stream(corpus, options, task, jobs=jobs, progress=progress)
    rows_iter = (row for batch in batches for row in batch)
    if sort is None:
        return _finish(rows_iter, None, top)
    tie = ("id", "sentence") if unit == "sentence" else ("id",)
    key = _sort_key(sort, reverse, tie)
    ordered = heapq.nsmallest(top, rows_iter, key=key) if top else sorted(rows_iter, key=key)
    return _finish(ordered, sort, 0)


def _finish(rows: Iterable[dict], sort: str | None, top: int) -> Iterator[dict]:
    """Keep the first ``top`` rows and number them (``rank``) when sorted."""
    for n, row in enumerate(rows, start=1):
        if top and n > top:
            return
        if sort is not None:
            row = {"rank": n, **row}
        yield row


def _group_notes(by: str, merged: GroupPartial, notes: list[str] | None) -> None:
    """Messages for documents left out of the groups; an error when no document had the field."""
    if merged.missing_field and not merged.groups and not merged.no_sentences:
        known = ["date", "day", "id", "month", "title", "week", "year", *sorted(merged.fields)]
        raise EmptyResultError(f"no document has a value for --by {by!r}; fields: {', '.join(known)}")
    if notes is None:
        return
    if merged.missing_field:
        n = merged.missing_field
        notes.append(f"note: {n} document{'s' if n != 1 else ''} without a value for {by!r} left out")
    if merged.no_sentences:
        n = merged.no_sentences
        notes.append(f"note: {n} document{'s' if n != 1 else ''} without a sentence left out")
