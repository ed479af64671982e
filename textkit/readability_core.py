"""Readability of a corpus: the core of ``textkit readability``.

The formulas, syllable counting and diversity measures are the pure functions of
:mod:`textkit.readability` (see ``docs/readability-formulas.md`` for each formula and its
reference); this module runs them over a corpus as an engine :class:`~textkit.engine.Task`.

Words
    All the word tokens of the foundation's tokenizer, *as written* in the text (cut from it
    by the token offsets, so ``DPRK``, ``U.S`` and ``DPRK-Vietnam`` keep their case and
    form); tokenizer options are not used (no stop words, stemming or compounds).
Sentences
    The foundation's sentence count (``textkit info``'s ``sentences``).

A document row is :func:`textkit.readability.readability_scores` of its words and sentences.
A group row (``by``) reads the group as one text for the five formulas, which need only
counts: they are computed from the summed words W, sentences S, syllables Sy, complex words
C, polysyllables P and letters L of its documents (integer sums, so merges are exact). The
diversity measures ``ttr``, ``mattr`` and ``mtld`` depend on text length, so a group's value
is the **mean of its documents' values** (documents with at least one word; ``math.fsum``),
not the value of the concatenated text.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .corpus import Corpus
from .engine import Item, Task, run, stream
from .errors import EmptyResultError, UsageError
from .readability import (
    DIVERSITY_KEYS,
    SCORE_KEYS,
    _word_profile,
    coleman_liau,
    flesch_kincaid_grade,
    flesch_reading_ease,
    gunning_fog,
    mattr,
    mtld,
    readability_scores,
    smog,
    ttr,
)
from .tokenize import Analyzer, AnalyzerOptions

__all__ = ["DOCUMENT_COLUMNS", "GROUP_COLUMNS", "ReadabilityTask", "readability", "surface_words"]

DOCUMENT_COLUMNS = ["id", "title", "date", *SCORE_KEYS]
GROUP_COLUMNS = ["group", "documents", *SCORE_KEYS]


def surface_words(item: Item) -> list[str]:
    """The word tokens of a document as written in its text (cut by the token offsets)."""
    text = item.doc.text
    off = item.tok.offsets
    return [text[off[j] : off[j + 1]] for j in range(0, len(off), 2)]


@dataclass
class GroupSums:
    """Mergeable figures of one group: integer sums and each document's diversity values."""

    documents: int = 0
    words: int = 0
    sentences: int = 0
    syllables: int = 0
    letters: int = 0
    polysyllables: int = 0
    complex_words: int = 0
    diversity: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in DIVERSITY_KEYS})

    def merge(self, other: GroupSums) -> GroupSums:
        self.documents += other.documents
        self.words += other.words
        self.sentences += other.sentences
        self.syllables += other.syllables
        self.letters += other.letters
        self.polysyllables += other.polysyllables
        self.complex_words += other.complex_words
        for key in DIVERSITY_KEYS:
            self.diversity[key].extend(other.diversity[key])
        return self

    def result(self) -> dict:
        """The group's row: formulas on the sums, diversity as the mean of the documents."""
        w, s = self.words, self.sentences
        row: dict = {"documents": self.documents, **dict.fromkeys(SCORE_KEYS)}
        row["words"], row["sentences"], row["syllables"] = w, s, self.syllables
        if w and s:
            row["flesch_reading_ease"] = flesch_reading_ease(w, s, self.syllables)
            row["flesch_kincaid_grade"] = flesch_kincaid_grade(w, s, self.syllables)
            row["gunning_fog"] = gunning_fog(w, s, self.complex_words)
            row["smog"] = smog(s, self.polysyllables)
            row["coleman_liau"] = coleman_liau(w, s, self.letters)
        for key in DIVERSITY_KEYS:
            values = self.diversity[key]
            row[key] = math.fsum(values) / len(values) if values else None
        return row


@dataclass
class GroupPartial:
    """``by`` groups and the documents left out (no value for the field)."""

    groups: dict[str, GroupSums] = field(default_factory=dict)
    missing_field: int = 0
    fields: set[str] = field(default_factory=set)

    def merge(self, other: GroupPartial) -> GroupPartial:
        for name, sums in other.groups.items():
            mine = self.groups.get(name)
            if mine is None:
                self.groups[name] = sums
            else:
                mine.merge(sums)
        self.missing_field += other.missing_field
        self.fields |= other.fields
        return self


class ReadabilityTask(Task):
    """Readability per document (rows in corpus order) or per ``by`` group (:class:`GroupPartial`)."""

    def __init__(self, *, by: str | None = None, mattr_window: int = 50) -> None:
        self.by = by
        self.mattr_window = mattr_window

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict] | GroupPartial:
        if self.by is None:
            return [
                {
                    **it.doc.header(),
                    **readability_scores(surface_words(it), it.tok.n_sentences, mattr_window=self.mattr_window),
                }
                for it in items
            ]
        partial = GroupPartial()
        for it in items:
            partial.fields.update(it.doc.meta)
            name = it.doc.get(self.by)
            if name is None:
                partial.missing_field += 1
                continue
            sums = partial.groups.get(name)
            if sums is None:
                sums = partial.groups[name] = GroupSums()
            self._add(sums, surface_words(it), it.tok.n_sentences)
        return partial

    def _add(self, sums: GroupSums, words: list[str], sentences: int) -> None:
        """Add one document: the counts of :func:`readability_scores`, and its diversity."""
        sums.documents += 1
        sums.words += len(words)
        sums.sentences += sentences
        for word, k in Counter(words).items():
            syl, letters, poly, cplx = _word_profile(word)
            sums.syllables += syl * k
            sums.letters += letters * k
            sums.polysyllables += k if poly else 0
            sums.complex_words += k if cplx else 0
        if words:
            lowered = list(map(str.lower, words))
            sums.diversity["ttr"].append(ttr(lowered))
            sums.diversity["mattr"].append(mattr(lowered, self.mattr_window))
            sums.diversity["mtld"].append(mtld(lowered))

    def merge(self, left, right):
        if self.by is None:
            return left + right
        return left.merge(right)

    def finish(self, merged, analyzer: Analyzer):
        if self.by is None:
            return merged
        rows = [{"group": name, **merged.groups[name].result()} for name in sorted(merged.groups)]
        return rows, merged


def readability(
    corpus: Corpus,
    *,
    by: str | None = None,
    mattr_window: int = 50,
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
    notes: list[str] | None = None,
) -> Iterator[dict]:
    """Readability and lexical-diversity rows of ``corpus``.

    One row per document, streamed in corpus order: ``id``, ``title``, ``date`` and the
    :data:`~textkit.readability.SCORE_KEYS` (``words``, ``sentences``, ``syllables``,
    ``flesch_reading_ease``, ``flesch_kincaid_grade``, ``gunning_fog``, ``smog``,
    ``coleman_liau``, ``ttr``, ``mattr`` (window ``mattr_window``), ``mtld`` (threshold 0.72)).
    The formulas are ``None`` for a document without words or sentences, the diversity
    measures without words.

    ``by`` (``year``, ``month``, any metadata field) gives one row per group, sorted by
    group: ``group``, ``documents``, the summed ``words``, ``sentences``, ``syllables``, the
    formulas on the group's summed counts and the mean of its documents' ``ttr``, ``mattr``,
    ``mtld``. Documents without the field are left out and counted in a message appended to
    ``notes``. ``top`` keeps the first N rows (0 = all).

    Raises :class:`~textkit.errors.UsageError` for ``mattr_window`` < 1 or ``top`` < 0.
    """
    if isinstance(mattr_window, bool) or not isinstance(mattr_window, int) or mattr_window < 1:
        raise UsageError(f"--mattr-window must be a positive whole number, got {mattr_window!r}")
    if top < 0:
        raise UsageError("--top must be 0 (all) or more")
    task = ReadabilityTask(by=by, mattr_window=mattr_window)
    options = AnalyzerOptions()
    if by is not None:
        rows, merged = run(corpus, options, [task], jobs=jobs, progress=progress)[0]
        if merged.missing_field and not merged.groups:
            known = ["date", "day", "id", "month", "title", "week", "year", *sorted(merged.fields)]
            raise EmptyResultError(f"no document has a value for --by {by!r}; fields: {', '.join(known)}")
        if merged.missing_field and notes is not None:
            n = merged.missing_field
            notes.append(f"note: {n} document{'s' if n != 1 else ''} without a value for {by!r} left out")
        return iter(rows[:top] if top else rows)
    batches = stream(corpus, options, task, jobs=jobs, progress=progress)
    return _first((row for batch in batches for row in batch), top)


def _first(rows: Iterator[dict], top: int) -> Iterator[dict]:
    for n, row in enumerate(rows, start=1):
        if top and n > top:
            return
        yield row

