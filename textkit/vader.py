"""VADER sentence sentiment with per-word explanations, and the aggregates ``textkit sentiment`` prints.

VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM-14) scores a sentence from a lexicon of about 7,500 words, emoticons and
slang rated by human judges on a scale from -4 to +4, adjusted by rules for negation ("not good"
multiplies by -0.74), boosters and dampeners ("very" adds 0.293), words in capitals (+0.733),
"but" (words before it count half, words after it one and a half), "least", "no" and a few
idioms. textkit uses the ``vaderSentiment`` package pinned at 3.3.2 (:data:`VADER_VERSION`), which
ships its lexicon; NLTK's port needs nltk_data and scores some texts differently.

For the list ``s_1 .. s_k`` of rule-adjusted word valences of a sentence VADER computes

* ``compound = x / sqrt(x^2 + 15)`` with ``x = sum(s_i) +/- e``, where the punctuation emphasis
  ``e = 0.292 * min(#"!", 4)`` plus ``0.18 * #"?"`` when there are 2 or 3 question marks
  (``0.96`` for more) is added in the direction of the sum; rounded to 4 decimals;
* ``pos = P / (P + |N| + Z)``, ``neg = |N| / (P + |N| + Z)``, ``neu = Z / (P + |N| + Z)``, where
  ``P = sum(s_i + 1 for s_i > 0)``, ``N = sum(s_i - 1 for s_i < 0)`` and ``Z`` counts the words
  with ``s_i = 0``; ``e`` is added to the larger of ``P`` and ``|N|``; rounded to 3 decimals.

:meth:`VaderScorer.explain` reports the ``s_i`` themselves: the contribution of each word after
VADER's own rules, captured from the very list that ``polarity_scores`` sums, so the scores are
unchanged. Boosters, negators and "but" have ``s_i = 0`` (their effect is folded into the word
they modify), and the punctuation emphasis ``e`` belongs to no word.

The aggregates follow the README of vaderSentiment: a sentence or document is positive when its
compound is >= 0.05 and negative when it is <= -0.05.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = [
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "VADER_VERSION",
    "VALENCE_MAX",
    "VALENCE_MIN",
    "GroupAccumulator",
    "VaderScorer",
    "aggregate_sentences",
    "load_valence_file",
]

VADER_VERSION = "3.3.2"
"""The vaderSentiment release textkit is pinned to and tested against."""

POSITIVE_THRESHOLD = 0.05
"""compound >= 0.05 is positive (vaderSentiment README, "About the Scoring")."""

NEGATIVE_THRESHOLD = -0.05
"""compound <= -0.05 is negative (vaderSentiment README, "About the Scoring")."""

VALENCE_MIN = -4.0
VALENCE_MAX = 4.0
"""The rating scale of VADER's lexicon: [-4] extremely negative to [+4] extremely positive."""

_SCORE_KEYS = ("neg", "neu", "pos", "compound")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LINE = re.compile(r"(?P<term>\S+?)(?:\s*,\s*|\s+)(?P<value>[^\s,]+)")


@lru_cache(maxsize=1)
def _explaining_analyzer_class() -> type:
    """Build (once) the subclass of vaderSentiment's analyzer that records each sentence's valences.

    ``polarity_scores`` ends with ``sentiments = self._but_check(words_and_emoticons,
    sentiments)`` and hands that list to ``score_valence``; the override returns the base result
    untouched and keeps ``(words_and_emoticons, sentiments)``, which are aligned item for item
    (every item appends exactly one valence and ``_but_check`` only rescales in place).
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class _ExplainingAnalyzer(SentimentIntensityAnalyzer):
        """SentimentIntensityAnalyzer that keeps the last sentence's words and final valences."""

        captured: tuple[list[str], list[float]] | None = None

        def _but_check(self, words_and_emoticons, sentiments):  # type: ignore[override]
            sentiments = SentimentIntensityAnalyzer._but_check(words_and_emoticons, sentiments)
            self.captured = (words_and_emoticons, sentiments)
            return sentiments

    return _ExplainingAnalyzer


def _check_term(term: object, where: str = "") -> str:
    """Return ``term`` lower-cased, or raise ValueError when it cannot be a VADER token."""
    if not isinstance(term, str):
        raise ValueError(f"{where}term {term!r} is not a string")
    if not term or any(ch.isspace() for ch in term):
        raise ValueError(
            f"{where}term {term!r} must be one token without spaces "
            "(VADER looks up single whitespace-separated words)"
        )
    return term.lower()


def _check_valence(value: object, where: str = "") -> float:
    """Return ``value`` as a float in [-4, 4], or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}valence {value!r} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}valence {value!r} is not a finite number")
    if not VALENCE_MIN <= value <= VALENCE_MAX:
        raise ValueError(f"{where}valence {value:g} is outside VADER's scale -4..+4")
    return value


class VaderScorer:
    """Score sentences with vaderSentiment 3.3.2 and explain which words moved the score.

    ``valence`` overrides or adds lexicon entries: term -> valence on VADER's -4..+4 scale. Terms
    are lower-cased (VADER looks words up lower-cased) and must be single tokens. A valence of 0
    removes the term from the lexicon, so it is treated like any word VADER does not know (VADER's
    own lexicon keeps only non-zero ratings). The overrides apply to this scorer only.

    One scorer is not safe to share between threads (it records the last sentence scored); use
    one per thread or process. Building one reads the lexicon files (a few milliseconds); a
    scorer pickles as its overrides and is rebuilt on the other side.
    """

    def __init__(self, valence: Mapping[str, float] | None = None) -> None:
        self._analyzer = _explaining_analyzer_class()()
        self.overrides: dict[str, float] = {}
        if valence is None:
            return
        if not isinstance(valence, Mapping):
            raise ValueError(f"valence must be a mapping of term to number, not {type(valence).__name__}")
        checked: dict[str, float] = {}
        for term, value in valence.items():
            key = _check_term(term)
            number = _check_valence(value, f"{term!r}: ")
            if checked.get(key, number) != number:
                raise ValueError(f"valence gives {key!r} twice with different values")
            checked[key] = number
        lexicon = self._analyzer.lexicon
        for key in sorted(checked):
            if checked[key] == 0.0:
                lexicon.pop(key, None)
            else:
                lexicon[key] = checked[key]
        self.overrides = dict(sorted(checked.items()))

    def __reduce__(self) -> tuple[type, tuple[dict[str, float] | None]]:
        """Pickle as the overrides alone; the analyzer is rebuilt on unpickling (for process pools)."""
        return (VaderScorer, (self.overrides or None,))

    def lexicon_valence(self, term: str) -> float | None:
        """Return the lexicon valence of ``term`` (lower-cased) in this scorer, or None if absent."""
        return self._analyzer.lexicon.get(_check_term(term))

    def _run(self, text: str) -> tuple[dict[str, float], list[str], list[float]]:
        """Score ``text`` once and return (scores, VADER's tokens, their final valences)."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a str, not {type(text).__name__}")
        analyzer = self._analyzer
        analyzer.captured = None
        scores = analyzer.polarity_scores(text)
        if analyzer.captured is None:  # pragma: no cover - only if vaderSentiment changes
            raise RuntimeError(
                f"vaderSentiment did not call _but_check; textkit needs vaderSentiment=={VADER_VERSION}"
            )
        words, sentiments = analyzer.captured
        analyzer.captured = None
        return scores, words, sentiments

    def scores(self, text: str) -> dict[str, float]:
        """Return vaderSentiment's ``polarity_scores(text)``: neg, neu, pos (3 d.p.), compound (4 d.p.)."""
        return self._run(text)[0]

    def explain(self, text: str, top: int | None = 5) -> list[dict[str, Any]]:
        """Return the ``top`` words that moved the score most (all of them if ``top`` is None).

        Each item is ``{"term": word, "valence": contribution}``: the word lower-cased as VADER
        tokenized it (punctuation stripped, contractions kept; emoji replaced by their
        descriptions) and its valence after VADER's rules, summed over repeats (math.fsum) and
        rounded to 4 decimals. Words contributing 0 are left out. Sorted by (-|valence|, term).
        """
        return self.score_and_explain(text, top)[1]

    def score_and_explain(
        self, text: str, top: int | None = 5
    ) -> tuple[dict[str, float], list[dict[str, Any]]]:
        """Return ``(scores(text), explain(text, top))`` from a single pass of VADER."""
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
            raise ValueError(f"top must be a non-negative integer or None, not {top!r}")
        scores, words, sentiments = self._run(text)
        parts: dict[str, list[float]] = {}
        for word, valence in zip(words, sentiments, strict=True):
            if valence:
                parts.setdefault(word.lower(), []).append(valence)
        items = []
        for term, values in parts.items():
            total = round(math.fsum(values), 4)
            if total:
                items.append({"term": term, "valence": total})
        items.sort(key=lambda item: (-abs(item["valence"]), item["term"]))
        return scores, items if top is None else items[:top]


def load_valence_file(path: str | PathLike[str]) -> dict[str, float]:
    """Read a valence file: one ``term<sep>valence`` a line, for :class:`VaderScorer`.

    The separator is a tab, spaces or a comma. A line that contains a tab is split on tabs only,
    so a term that itself contains a comma (an emoticon such as ``:-,``) needs a tab. Blank lines
    and lines whose first non-blank character is ``#`` are skipped. Terms are lower-cased; valences
    are numbers on VADER's scale -4..+4 (0 removes the term from the lexicon). Returns the entries
    in file order. Any problem raises ValueError naming the file, the line and what is wrong, e.g.
    ``lexicon.tsv line 3: valence 'abc' is not a number``.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"{name}: cannot read valence file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name}: not UTF-8 text (bad byte at offset {exc.start})") from None
    entries: dict[str, float] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{name} line {number}: "
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        term, value_text = _split_valence_line(line, where)
        key = _check_term(term, where)
        value_text = value_text.replace("\u2212", "-")  # a typographic minus sign
        if not _NUMBER.fullmatch(value_text):
            raise ValueError(f"{where}valence {value_text!r} is not a number")
        value = _check_valence(float(value_text), where)
        if key in entries:
            raise ValueError(f"{where}{key!r} is already given on line {first_line[key]}")
        entries[key] = value
        first_line[key] = number
    return entries


def _split_valence_line(line: str, where: str) -> tuple[str, str]:
    """Split a stripped, non-comment line into (term, valence text) or raise ValueError."""
    if "\t" in line:
        fields = [field.strip() for field in line.split("\t") if field.strip()]
    else:
        match = _LINE.fullmatch(line)
        if match:
            return match["term"], match["value"]
        fields = [field for field in re.split(r"\s*,\s*|\s+", line) if field]
    if len(fields) == 2:
        return fields[0], fields[1]
    if len(fields) < 2:
        raise ValueError(f"{where}no valence after {line!r} (expected a term and a valence)")
    raise ValueError(f"{where}expected a term and a valence, found {len(fields)} fields in {line!r}")


def _mean(values: list[float]) -> float:
    """Return the correctly rounded mean of ``values`` (math.fsum, so order does not matter)."""
    return math.fsum(values) / len(values)


def aggregate_sentences(sentence_scores: Iterable[Mapping[str, float]]) -> dict[str, Any]:
    """Aggregate a document's sentence scores (dicts with neg, neu, pos, compound).

    Returns ``sentences`` (the count), ``compound``, ``pos``, ``neu``, ``neg`` (arithmetic means
    over the sentences, each the math.fsum of the values over n), ``positive_share`` (share of
    sentences with compound >= 0.05) and ``negative_share`` (compound <= -0.05). With no sentences
    the count is 0 and every mean and share is None. Values are not rounded.
    """
    rows = list(sentence_scores)
    columns: dict[str, list[float]] = {key: [] for key in _SCORE_KEYS}
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValueError(f"sentence {index}: expected a dict of scores, got {type(row).__name__}")
        for key in _SCORE_KEYS:
            if key not in row:
                raise ValueError(f"sentence {index}: missing score {key!r}")
            value = row[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"sentence {index}: {key} {value!r} is not a finite number")
            columns[key].append(float(value))
    n = len(rows)
    if n == 0:
        return {
            "sentences": 0,
            "compound": None,
            "pos": None,
            "neu": None,
            "neg": None,
            "positive_share": None,
            "negative_share": None,
        }
    compounds = columns["compound"]
    return {
        "sentences": n,
        "compound": _mean(compounds),
        "pos": _mean(columns["pos"]),
        "neu": _mean(columns["neu"]),
        "neg": _mean(columns["neg"]),
        "positive_share": sum(c >= POSITIVE_THRESHOLD for c in compounds) / n,
        "negative_share": sum(c <= NEGATIVE_THRESHOLD for c in compounds) / n,
    }


class GroupAccumulator:
    """Mergeable summary of the document compounds of one group (a source, a month, ...).

    Keeps the count n, the exact sum S and the exact sum of squares Q of the values as
    ``fractions.Fraction`` (every float is a fraction, so nothing is rounded until
    :meth:`result`), and the counts of positive (>= 0.05) and negative (<= -0.05) documents.
    Because the arithmetic is exact, any chunking and any order of :meth:`add` and :meth:`merge`
    give bit-identical results. Instances pickle, for process pools.

    ``result()`` gives ``compound_mean = S / n`` and the *sample* standard deviation (n - 1 in
    the denominator, like R's ``sd()`` and ``statistics.stdev``)
    ``compound_sd = sqrt((Q - S^2 / n) / (n - 1))``, with the variance computed exactly and
    rounded once before the square root; None for one document.
    """

    __slots__ = ("_n", "_sum", "_sumsq", "_positive", "_negative")

    def __init__(self) -> None:
        self._n = 0
        self._sum = Fraction(0)
        self._sumsq = Fraction(0)
        self._positive = 0
        self._negative = 0

    def __getstate__(self) -> tuple[int, Fraction, Fraction, int, int]:
        return (self._n, self._sum, self._sumsq, self._positive, self._negative)

    def __setstate__(self, state: tuple[int, Fraction, Fraction, int, int]) -> None:
        self._n, self._sum, self._sumsq, self._positive, self._negative = state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupAccumulator):
            return NotImplemented
        return self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"GroupAccumulator(documents={self._n})"

    def add(self, doc_compound: float) -> None:
        """Add one document's compound score (a finite number)."""
        if isinstance(doc_compound, bool) or not isinstance(doc_compound, (int, float)):
            raise ValueError(f"document compound {doc_compound!r} is not a number")
        if not math.isfinite(doc_compound):
            raise ValueError(f"document compound {doc_compound!r} is not a finite number")
        value = Fraction(doc_compound)
        self._n += 1
        self._sum += value
        self._sumsq += value * value
        if doc_compound >= POSITIVE_THRESHOLD:
            self._positive += 1
        elif doc_compound <= NEGATIVE_THRESHOLD:
            self._negative += 1

    def merge(self, other: GroupAccumulator) -> GroupAccumulator:
        """Add everything ``other`` holds into this accumulator and return it (``other`` is unchanged)."""
        if not isinstance(other, GroupAccumulator):
            raise ValueError(f"can only merge a GroupAccumulator, not {type(other).__name__}")
        self._n += other._n
        self._sum += other._sum
        self._sumsq += other._sumsq
        self._positive += other._positive
        self._negative += other._negative
        return self

    def result(self) -> dict[str, Any]:
        """Return documents, compound_mean, compound_sd (sample SD), positive_share, negative_share.

        With no documents the count is 0 and the rest None; with one, compound_sd is None.
        """
        n = self._n
        if n == 0:
            return {
                "documents": 0,
                "compound_mean": None,
                "compound_sd": None,
                "positive_share": None,
                "negative_share": None,
            }
        sd = None
        if n > 1:
            variance = (self._sumsq - self._sum * self._sum / n) / (n - 1)
            sd = math.sqrt(float(variance))
        return {
            "documents": n,
            "compound_mean": float(self._sum / n),
            "compound_sd": sd,
            "positive_share": self._positive / n,
            "negative_share": self._negative / n,
        }
