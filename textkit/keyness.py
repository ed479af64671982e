"""Keyness: which terms corpus A uses more, or less, than corpus B.

Each term's count ``a`` in A (``c`` word tokens) is set against its count ``b``
in B (``d`` word tokens). The statistics are the functions of
:mod:`textkit.measures.keyness` (Rayson's two-term G2, its chi-square p-value,
Hardie's Log Ratio, Gabrielatos & Marchi's %DIFF, Wilson's BIC), applied to all
terms at once with numpy; this module only counts and arranges.

A and B are two corpora (one pass over each), or one corpus split by a
:class:`Target` (one pass, each document counted on its side), or a corpus
against a general-English reference (:data:`REFERENCES`).

Corpus sizes ``c`` and ``d`` are all the word tokens of each side, before stop
words or other filters (textkit's corpus size), also for n-grams, so
``per_million`` is per million words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus, Document
from .dates import parse_date
from .engine import Item, Task, run
from .errors import EmptyResultError, TextkitError, UsageError
from .keywords import ngram_terms
from .measures.keyness import (
    ADJUST_METHODS,
    KEYNESS_ARRAY_MEASURES,
    adjust_p,
    cosine_similarity,
    get_measure,
    p_value_array,
)
from .tokenize import Analyzer, AnalyzerOptions

COMPARE_COLUMNS = [
    "term",
    "count_a",
    "count_b",
    "per_million_a",
    "per_million_b",
    "g2",
    "p_value",
    "log_ratio",
    "pct_diff",
    "bic",
    "keyness_for",
]
SUMMARY_COLUMNS = ["side", "label", "documents", "tokens", "types", "shared_types", "cosine"]
SIDES = ("a", "b", "both")
#: Measures ``--sort`` accepts (by absolute value, descending): the keyness registry.
SORT_KEYS = tuple(sorted(KEYNESS_ARRAY_MEASURES))
#: Corrections ``--correct`` accepts.
CORRECTIONS = ADJUST_METHODS

_HAS_LETTER = re.compile(r"[^\W\d_]")

#: The size assumed for a frequency-list reference, in tokens (see :func:`english_reference`).
REFERENCE_SIZE = 100_000_000


# --------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class Target:
    """Which documents of one corpus form side A (the others form side B).

    A document is on side A when every ``fields`` pair matches
    (``doc.get(name) == value``; ``year``, ``month``, ``day`` come from the
    date) and its date lies within ``since``..``until`` (inclusive; an undated
    document is then on side B), as quanteda's ``textstat_keyness(target = …)``
    sets a target against the rest.
    """

    fields: tuple[tuple[str, str], ...] = ()
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                parsed = parse_date(value)
                if parsed is None:
                    raise UsageError(f"--target-{name} {value!r} is not a date (use YYYY-MM-DD)")
                object.__setattr__(self, name, parsed)
        if not self.fields and self.since is None and self.until is None:
            raise UsageError("a target needs --target FIELD=VALUE or --target-since/--target-until")

    @classmethod
    def parse(cls, items: tuple[str, ...] | list[str] = (), since: str | None = None, until: str | None = None) -> Target:
        """A target from ``FIELD=VALUE`` strings and a date range."""
        fields = []
        for item in items:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise UsageError(f"--target {item!r}: expected FIELD=VALUE (e.g. month=2011-12)")
            fields.append((name.strip(), value.strip()))
        return cls(tuple(fields), since, until)

    def matches(self, doc: Document) -> bool:
        for name, value in self.fields:
            if doc.get(name) != value:
                return False
        if self.since is not None or self.until is not None:
            if doc.date is None:
                return False
            if self.since is not None and doc.date < self.since:
                return False
            if self.until is not None and doc.date > self.until:
                return False
        return True

    def describe(self) -> str:
        """A label for side A: ``month=2011-12``, ``2011-01-01..2011-06-30``."""
        parts = [f"{n}={v}" for n, v in self.fields]
        if self.since is not None or self.until is not None:
            parts.append(f"{self.since or ''}..{self.until or ''}")
        return " ".join(parts)


@dataclass
class SideCounts:
    """One side's term counts, word tokens and documents (mergeable by addition)."""

    counts: Counter = field(default_factory=Counter)
    tokens: int = 0
    documents: int = 0

    def add(self, other: SideCounts) -> SideCounts:
        self.counts.update(other.counts)
        self.tokens += other.tokens
        self.documents += other.documents
        return self


class KeynessCountTask(Task):
    """Term (n-gram) counts, word tokens and documents, for one side or split by a target.

    ``map`` gives ``[side_a, side_b]`` :class:`SideCounts`; without a target every
    document is counted on side A.
    """

    def __init__(self, ngram: int = 1, target: Target | None = None) -> None:
        self.ngram = int(ngram)
        self.target = target

    def map(self, items: list[Item], analyzer: Analyzer) -> list[SideCounts]:
        sides = [SideCounts(), SideCounts()]
        listed = analyzer.listed
        n = self.ngram
        target = self.target
        for it in items:
            side = sides[0] if target is None or target.matches(it.doc) else sides[1]
            side.counts.update(ngram_terms(it.tok, listed, n, n))
            side.tokens += len(it.tok.tokens)
            side.documents += 1
        return sides

    def merge(self, left: list[SideCounts], right: list[SideCounts]) -> list[SideCounts]:
        return [left[0].add(right[0]), left[1].add(right[1])]


# --------------------------------------------------------------------------- reference


@dataclass
class Reference:
    """A general reference given as relative frequencies, not counts.

    ``frequency(term)`` is the term's relative frequency (0 when the list does
    not have it); ``covers(term)`` says whether the reference can speak about
    the term at all; ``size`` is the number of tokens assumed for it (a term's
    reference count is ``frequency · size``); ``types`` the number of entries
    of the list and ``norm_sq`` the sum of their squared frequencies (for the
    cosine); ``known(term)`` whether the term is an entry of the list.
    """

    label: str
    frequency: Callable[[str], float]
    covers: Callable[[str], bool]
    size: int
    types: int
    norm_sq: float
    known: Callable[[str], bool]


def english_reference() -> Reference:
    """General English from ``wordfreq`` (its ``large`` English list; the data ships in its wheel).

    A term's frequency is ``wordfreq.word_frequency(term, "en", wordlist="large")``.
    wordfreq reads the term with its own tokenizer; only terms it reads as ONE
    token are covered: initialisms (``u.s``), possessives and contractions
    (``people's``, ``isn't``) and plain words match textkit's tokens. A term
    wordfreq splits has no entry of its own and is left out (not tested):
    hyphenated compounds (``dprk-vietnam``, ``anti-japanese``: wordfreq has no
    hyphenated entries), multi-word ``--compound`` tokens. wordfreq would give
    such a term its phrase estimate 1 / Σ 1/f_i, about the frequency of its
    rarer part, far above the real frequency of most compounds ("all-time"
    would get 1.2e-3), which would make them look under-used. Numbers (terms
    without a letter) are left out too: wordfreq does not count them but
    estimates them from their digit shape ("000" gets 1.8e-3).

    The assumed size is :data:`REFERENCE_SIZE` = 10^8 tokens: the list keeps
    words down to a frequency of 10^-8, so 10^8 is the smallest corpus in which
    every listed word occurs at least once, and a covered word missing from the
    list (frequency 0, count 0, read as 0.5 by Log Ratio, i.e. 5·10^-9) sits
    just below the list's floor.
    """
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise TextkitError(
            "--reference english needs the optional package wordfreq: pip install 'textkit[reference]'"
        ) from exc

    table = wordfreq.get_frequency_dict("en", wordlist="large")
    norm_sq = math.fsum(f * f for f in table.values())

    def frequency(term: str) -> float:
        return wordfreq.word_frequency(term, "en", wordlist="large")

    def covers(term: str) -> bool:
        return _HAS_LETTER.search(term) is not None and len(wordfreq.tokenize(term, "en")) == 1

    return Reference(
        label="english (wordfreq)",
        frequency=frequency,
        covers=covers,
        size=REFERENCE_SIZE,
        types=len(table),
        norm_sq=norm_sq,
        known=table.__contains__,
    )


#: Built-in references for ``--reference``: name → a function that loads it.
REFERENCES: dict[str, Callable[[], Reference]] = {"english": english_reference}


# --------------------------------------------------------------------------- result


@dataclass
class Comparison:
    """The result of :func:`compare`: term ``rows``, two ``summary`` rows (A, B)
    and ``notes`` worth a line on stderr (terms a reference cannot cover)."""

    rows: list[dict]
    summary: list[dict]
    label_a: str
    label_b: str
    notes: list[str] = field(default_factory=list)


def keyness_table(
    terms: list[str],
    a: Any,
    b: Any,
    c: float,
    d: float,
    *,
    min_count: int = 5,
    count_filter: Any = None,
    max_p: float | None = None,
    correct: str = "none",
    sort: str = "g2",
    side: str = "both",
) -> list[dict]:
    """Keyness rows of ``terms`` with counts ``a`` (in ``c`` tokens) and ``b`` (in ``d``).

    Terms whose ``count_filter`` (default a + b) is below ``min_count`` are not
    tested; the p-values of those tested are adjusted by ``correct`` over their
    number; ``max_p`` keeps p < max_p; ``side`` keeps A's keywords (a/c ≥ b/d),
    B's or both. Sorted by |``sort``| descending, ties by term (``terms`` must
    come sorted); a null %DIFF (b = 0) counts as infinite.
    """
    import numpy as np

    check_table_options(sort=sort, correct=correct, side=side, max_p=max_p)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    total = a + b if count_filter is None else np.asarray(count_filter, dtype=float)
    keep = np.flatnonzero(total >= min_count)
    terms = [terms[i] for i in keep]
    a = a[keep]
    b = b[keep]
    measures = {name: f(a, b, c, d) for name, f in KEYNESS_ARRAY_MEASURES.items()}
    g2 = measures["g2"]
    p = adjust_p(p_value_array(g2), correct)
    for_a = a * d >= b * c  # a/c >= b/d without division
    mask = np.ones(len(terms), dtype=bool)
    if side == "a":
        mask &= for_a
    elif side == "b":
        mask &= ~for_a
    if max_p is not None:
        mask &= p < max_p
    key = np.abs(measures[sort])
    key = np.where(np.isnan(key), np.inf, key)
    idx = np.flatnonzero(mask)
    order = idx[np.argsort(-key[idx], kind="stable")]  # terms sorted: ties by term

    per_a = a / c * 1e6
    per_b = b / d * 1e6
    cols = {name: values.tolist() for name, values in measures.items()}
    p_list = p.tolist()
    a_list = a.tolist()
    b_list = b.tolist()
    rows = []
    for i in order.tolist():
        pct = cols["pct_diff"][i]
        rows.append(
            {
                "term": terms[i],
                "count_a": _count(a_list[i]),
                "count_b": _count(b_list[i]),
                "per_million_a": float(per_a[i]),
                "per_million_b": float(per_b[i]),
                "g2": cols["g2"][i],
                "p_value": p_list[i],
                "log_ratio": cols["log_ratio"][i],
                "pct_diff": None if math.isnan(pct) else pct,
                "bic": cols["bic"][i],
                "keyness_for": "a" if for_a[i] else "b",
            }
        )
    return rows


def check_table_options(*, sort: str = "g2", correct: str = "none", side: str = "both", max_p: float | None = None) -> None:
    """Raise :class:`UsageError` for an unknown ``sort``, ``correct`` or ``side``, or a bad ``max_p``.

    ``sort`` must name a measure of the keyness registry
    (:data:`textkit.measures.keyness.KEYNESS_ARRAY_MEASURES`); the message lists them.
    """
    try:
        get_measure(KEYNESS_ARRAY_MEASURES, sort)
    except ValueError:
        raise UsageError(f"unknown --sort {sort!r}; choose one of: {', '.join(SORT_KEYS)}") from None
    if correct not in CORRECTIONS:
        raise UsageError(f"unknown --correct {correct!r}; choose one of: {', '.join(CORRECTIONS)}")
    if side not in SIDES:
        raise UsageError(f"unknown --side {side!r}; choose one of: {', '.join(SIDES)}")
    if max_p is not None and not 0 < max_p <= 1:
        raise UsageError(f"--max-p {max_p!r}: must lie in (0, 1]")


def _count(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _summary(label_a: str, label_b: str, a: SideCounts, b_docs: int | None, b_tokens: int, b_types: int, shared: int, cosine: float) -> list[dict]:
    return [
        {"side": "a", "label": label_a, "documents": a.documents, "tokens": a.tokens, "types": len(a.counts), "shared_types": shared, "cosine": cosine},
        {"side": "b", "label": label_b, "documents": b_docs, "tokens": b_tokens, "types": b_types, "shared_types": shared, "cosine": cosine},
    ]


def compare(
    corpus_a: Corpus,
    corpus_b: Corpus | None = None,
    options: AnalyzerOptions | None = None,
    *,
    target: Target | None = None,
    reference: str | None = None,
    label_a: str | None = None,
    label_b: str | None = None,
    ngram: int = 1,
    min_count: int = 5,
    max_p: float | None = None,
    correct: str = "none",
    sort: str | None = None,
    side: str = "both",
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
) -> Comparison:
    """Keyness of every term of A against B: one row per term (see ``COMPARE_COLUMNS``).

    Give exactly one of ``corpus_b`` (two corpora, one pass over each),
    ``target`` (``corpus_a`` split in one pass: matching documents against the
    rest) or ``reference`` (a name in :data:`REFERENCES`: A's terms against
    general-English relative frequencies; ``min_count`` then applies to A's
    count alone and ``sort`` defaults to ``log_ratio``).

    Row fields: ``count_a``, ``count_b`` (for a reference: frequency · size),
    ``per_million_a/b`` (count / tokens · 10^6), ``g2`` (Rayson), ``p_value``
    (chi-square, 1 df, adjusted by ``correct``), ``log_ratio`` (Hardie),
    ``pct_diff`` (Gabrielatos & Marchi; None when b = 0), ``bic`` (Wilson) and
    ``keyness_for`` (``a`` when a/c ≥ b/d, else ``b``). ``top`` = 0 keeps all.
    The summary has one row per side: label, documents, tokens, types
    (distinct terms), shared types and the cosine of the two term-count vectors.
    Raises :class:`EmptyResultError` when a side has no documents or no tokens,
    or when no term is left at all (every token a stop word).
    """
    given = sum(x is not None for x in (corpus_b, target, reference))
    if given != 1:
        raise UsageError("compare needs exactly one of: a corpus B, --target/--target-since/--target-until, --reference")
    if ngram < 1:
        raise UsageError("--ngram must be at least 1")
    if min_count < 0:
        raise UsageError("--min-count cannot be negative")
    if top < 0:
        raise UsageError("--top must be 0 (all) or more")
    if sort is None:
        sort = "log_ratio" if reference else "g2"
    options = options or AnalyzerOptions()
    ref = None
    if reference is not None:
        if reference not in REFERENCES:
            raise UsageError(f"unknown reference {reference!r}; choose one of: {', '.join(sorted(REFERENCES))}")
        if options.stem or options.lemmatize:
            raise UsageError("--reference gives frequencies of word forms: leave out --stem and --lemmatize")
        if ngram > 1:
            raise UsageError("--reference compares single words: leave out --ngram")
    check_table_options(sort=sort, correct=correct, side=side, max_p=max_p)  # before reading

    if target is not None:
        (sides,) = run(corpus_a, options, [KeynessCountTask(ngram, target)], jobs=jobs, progress=progress)
        side_a, side_b = sides
        label_a = label_a or target.describe()
        label_b = label_b or "rest"
        what = f"--target {target.describe()}"
        if side_a.documents == 0:
            raise EmptyResultError(f"side A is empty: no document matches {what}")
        if side_b.documents == 0:
            raise EmptyResultError(f"side B is empty: every document matches {what}")
    else:
        (sides,) = run(corpus_a, options, [KeynessCountTask(ngram)], jobs=jobs, progress=progress)
        side_a = sides[0]
        label_a = label_a or corpus_a.label()
        if side_a.documents == 0:
            raise EmptyResultError(f"corpus A ({corpus_a.label()}) has no documents")
        if reference is None:
            assert corpus_b is not None
            (sides,) = run(corpus_b, options, [KeynessCountTask(ngram)], jobs=jobs, progress=progress)
            side_b = sides[0]
            label_b = label_b or corpus_b.label()
            if side_b.documents == 0:
                raise EmptyResultError(f"corpus B ({corpus_b.label()}) has no documents")
        else:
            ref = REFERENCES[reference]()
            label_b = label_b or ref.label
            side_b = SideCounts()
    for name, s in (("A", side_a), ("B", side_b)):
        if s is side_b and ref is not None:
            continue
        if s.tokens == 0:
            raise EmptyResultError(f"side {name} ({label_a if name == 'A' else label_b}) has no word tokens")
    notes: list[str] = []
    if not side_a.counts and not side_b.counts:
        raise EmptyResultError("no terms: every token was a stop word or filtered out (try --stopwords none)")

    if ref is None:
        terms = sorted(side_a.counts.keys() | side_b.counts.keys())
        a = [side_a.counts.get(t, 0) for t in terms]
        b = [side_b.counts.get(t, 0) for t in terms]
        c, d = side_a.tokens, side_b.tokens
        rows = keyness_table(terms, a, b, c, d, min_count=min_count, max_p=max_p, correct=correct, sort=sort, side=side)
        shared = len(side_a.counts.keys() & side_b.counts.keys())
        cosine = cosine_similarity(side_a.counts, side_b.counts)
        summary = _summary(label_a, label_b, side_a, side_b.documents, side_b.tokens, len(side_b.counts), shared, cosine)
    else:
        if not side_a.counts:
            raise EmptyResultError("no terms: every token was a stop word or filtered out (try --stopwords none)")
        terms = sorted(t for t in side_a.counts if ref.covers(t))
        left_out = len(side_a.counts) - len(terms)
        if left_out:
            notes.append(
                f"note: {left_out} term{'s' if left_out != 1 else ''} without an entry of "
                f"{'their' if left_out != 1 else 'its'} own in {ref.label} (hyphenated compounds, "
                "multi-word tokens, numbers) not tested"
            )
        if not terms:
            raise EmptyResultError(f"no term of A can be looked up in {ref.label}")
        freqs = [ref.frequency(t) for t in terms]
        a = [side_a.counts[t] for t in terms]
        b = [round(f * ref.size, 6) for f in freqs]
        c, d = side_a.tokens, ref.size
        rows = keyness_table(terms, a, b, c, d, min_count=min_count, count_filter=a, max_p=max_p, correct=correct, sort=sort, side=side)
        shared = sum(1 for f in freqs if f > 0)
        dot = math.fsum(n * f for n, f in zip(a, freqs, strict=True))
        extra = math.fsum(f * f for t, f in zip(terms, freqs, strict=True) if not ref.known(t))
        norm_a = math.sqrt(math.fsum(n * n for n in a))
        norm_b = math.sqrt(ref.norm_sq + extra)
        cosine = min(1.0, dot / (norm_a * norm_b)) if norm_a and norm_b else 0.0
        summary = _summary(label_a, label_b, side_a, None, ref.size, ref.types, shared, cosine)
    if top:
        rows = rows[:top]
    return Comparison(rows=rows, summary=summary, label_a=label_a, label_b=label_b, notes=notes)
