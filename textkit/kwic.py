"""Keyword in context: every occurrence of a pattern with the words around it.

The core of ``textkit kwic``. A match is found on the token stream (a pattern as
:mod:`textkit.patterns` defines it, or with ``regex=True`` a Python regular
expression that must match one whole token); its context is cut from the
original text through the token offsets, so it reads as the text does
(original case and punctuation), with runs of white space (line and paragraph
breaks too) shown as one space:

- ``left``: from the start of the token ``window`` tokens before the match (and
  any punctuation stuck to it, such as an opening quote) to the start of the
  match;
- ``match``: from the start of the match's first token to the end of its last
  (a possessive ``'s`` is part of the token: ``Kim Jong Il's``);
- ``right``: from the end of the match to the end of the token ``window``
  tokens after it (and any punctuation stuck to it, such as a full stop).

The context may run across sentence boundaries (as in AntConc) but never
across documents. Matching is case-insensitive unless ``case_sensitive``: then a
word pattern is compared with the tokens as written (case kept, stems or
lemmas still applied when those options are on), and a regular expression is
applied without ``re.IGNORECASE``. A regular expression is matched against the
token as written (curly apostrophes read as straight ones).

Sorting (``sort``): ``position`` keeps corpus order (document, then token
position) and streams; ``left`` sorts by the word nearest the match on the
left, then the next one out, and so on (as AntConc's 1L, 2L, 3L …); ``right``
by the words after the match (1R, 2R …). Ties keep corpus order.
``sample=N, seed=S`` draws ``random.Random(S).sample`` of the matches in corpus
order, then sorts the sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .corpus import Corpus
from .engine import Item, Task, run, stream
from .errors import UsageError
from .patterns import Matcher, Pattern, compile_pattern
from .tokenize import _APOS_TABLE, Analyzer, AnalyzerOptions, words

KWIC_COLUMNS = ["id", "title", "date", "position", "left", "match", "right"]
KWIC_COUNT_COLUMNS = ["id", "title", "date", "matches"]
SORT_KEYS = ("position", "left", "right")
DEFAULT_WINDOW = 7

_SPACE_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    """Runs of white space (newlines, paragraph breaks) as one space, trimmed."""
    return _SPACE_RE.sub(" ", text).strip()


class _Finder:
    """Finds the matches of one query in a tokenized document (built once per process)."""

    def __init__(self, query: str, analyzer: Analyzer, *, regex: bool, case_sensitive: bool) -> None:
        self.regex = regex
        self.case_sensitive = case_sensitive
        self.analyzer = analyzer
        self._rx: re.Pattern | None = None
        self._rx_cache: dict[str, bool] = {}
        self._cs: Analyzer | None = None
        self._lower = False
        if regex:
            self._rx = compile_regex(query, case_sensitive)
            return
        if case_sensitive:
            self._cs = Analyzer(replace(analyzer.options, lowercase=False, stopwords="none"))
            pattern = compile_pattern(query, self._cs)
        else:
            pattern = compile_pattern(query, analyzer)
            if not analyzer.options.lowercase:  # the stream keeps case: compare lower-cased
                self._lower = True
                pattern = Pattern(pattern.text, tuple((w.lower(), p) for w, p in pattern.parts))
        self.matcher = Matcher([pattern])

    def find(self, tok, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` token ranges of the matches, in order."""
        tokens = tok.tokens
        offsets = tok.offsets
        if self._rx is not None:
            cache = self._rx_cache
            fullmatch = self._rx.fullmatch
            out = []
            for j in range(len(tokens)):
                raw = text[offsets[2 * j] : offsets[2 * j + 1]]
                hit = cache.get(raw)
                if hit is None:
                    hit = fullmatch(raw.translate(_APOS_TABLE)) is not None
                    if len(cache) < 1_000_000:
                        cache[raw] = hit
                if hit:
                    out.append((j, j + 1))
            return out
        if self._cs is not None:
            normalize = self._cs.normalize
            stream = []
            for j, t in enumerate(tokens):
                raw = text[offsets[2 * j] : offsets[2 * j + 1]]
                if " " in t:  # a compound: its words as written
                    stream.append(" ".join(w.translate(_APOS_TABLE) for w in words(raw)))
                else:
                    stream.append(normalize(raw))
            tokens = stream
        elif self._lower:
            tokens = [t.lower() for t in tokens]
        return [(s, e) for s, e, _ in self.matcher.find(tokens, tok.bounds)]


def compile_regex(query: str, case_sensitive: bool = False) -> re.Pattern:
    """The regular expression of ``--regex`` (UsageError when it does not compile)."""
    try:
        return re.compile(query, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise UsageError(f"--regex {query!r}: not a regular expression ({exc})") from exc


_FINDERS: dict[tuple, _Finder] = {}


def _finder(query: str, analyzer: Analyzer, regex: bool, case_sensitive: bool) -> _Finder:
    key = (query, analyzer.options, regex, case_sensitive)
    f = _FINDERS.get(key)
    if f is None:
        if len(_FINDERS) > 32:
            _FINDERS.clear()
        f = _Finder(query, analyzer, regex=regex, case_sensitive=case_sensitive)
        _FINDERS[key] = f
    return f


def context(text: str, offsets, n_tokens: int, start: int, end: int, window: int) -> tuple[str, str, str]:
    """``(left, match, right)`` of the match covering tokens ``start:end`` of a text."""
    first = max(0, start - window)
    last = min(n_tokens - 1, end - 1 + window)
    m_start = offsets[2 * start]
    m_end = offsets[2 * (end - 1) + 1]
    # left: from the first context token, with punctuation stuck to its front
    a = offsets[2 * first] if first < start else m_start
    floor = offsets[2 * first - 1] if first > 0 else 0
    while a > floor and not text[a - 1].isspace():
        a -= 1
    # right: to the last context token, with punctuation stuck to its end
    b = offsets[2 * last + 1] if last >= end else m_end
    ceiling = offsets[2 * (last + 1)] if last + 1 < n_tokens else len(text)
    while b < ceiling and not text[b].isspace():
        b += 1
    return _squash(text[a:m_start]), _squash(text[m_start:m_end]), _squash(text[m_end:b])


class KwicTask(Task):
    """Concordance lines of one query, per batch in corpus order.

    With ``keys`` each row carries ``_order`` (document index, position) and, for
    ``sort="left"``/``"right"``, ``_key``: the context tokens nearest the match first.
    """

    def __init__(self, query: str, *, window: int = DEFAULT_WINDOW, regex: bool = False, case_sensitive: bool = False, sort: str = "position", keys: bool = False) -> None:
        self.query = query
        self.window = window
        self.regex = regex
        self.case_sensitive = case_sensitive
        self.sort = sort
        self.keys = keys

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict]:
        finder = _finder(self.query, analyzer, self.regex, self.case_sensitive)
        w = self.window
        rows = []
        for it in items:
            tok = it.tok
            text = it.doc.text
            n = len(tok.tokens)
            found = finder.find(tok, text)
            if not found:
                continue
            header = it.doc.header()
            for s, e in found:
                left, match, right = context(text, tok.offsets, n, s, e, w)
                row = {**header, "position": s, "left": left, "match": match, "right": right}
                if self.keys:
                    row["_order"] = (it.index, s)
                    if self.sort == "left":
                        row["_key"] = tuple(reversed(tok.tokens[max(0, s - w) : s]))
                    elif self.sort == "right":
                        row["_key"] = tuple(tok.tokens[e : e + w])
                rows.append(row)
        return rows

    def merge(self, left: list, right: list) -> list:
        return left + right


class KwicCountTask(Task):
    """Matches per document: one row per document with at least one match."""

    def __init__(self, query: str, *, regex: bool = False, case_sensitive: bool = False) -> None:
        self.query = query
        self.regex = regex
        self.case_sensitive = case_sensitive

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict]:
        finder = _finder(self.query, analyzer, self.regex, self.case_sensitive)
        rows = []
        for it in items:
            k = len(finder.find(it.tok, it.doc.text))
            if k:
                rows.append({**it.doc.header(), "matches": k})
        return rows

    def merge(self, left: list, right: list) -> list:
        return left + right


def _check(query: str, options: AnalyzerOptions, window: int, regex: bool, case_sensitive: bool, sort: str) -> None:
    """Fail on bad arguments before the corpus is read."""
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort {sort!r}; choose one of: {', '.join(SORT_KEYS)}")
    if window < 0:
        raise UsageError("--window must be 0 or more")
    _Finder(query, Analyzer(options), regex=regex, case_sensitive=case_sensitive)


def _sort_key(sort: str):
    if sort == "position":
        return lambda r: r["_order"]
    # words nearest the match first; a shorter context (document edge) sorts first
    return lambda r: (r["_key"], r["_order"])


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def kwic(
    corpus: Corpus,
    pattern: str,
    options: AnalyzerOptions | None = None,
    *,
    window: int = DEFAULT_WINDOW,
    regex: bool = False,
    case_sensitive: bool = False,
    sort: str = "position",
    sample: int | None = None,
    seed: int = 0,
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
) -> Iterator[dict]:
    """Concordance rows of ``pattern`` in ``corpus``: ``id``, ``title``, ``date``,
    ``position`` (0-based token index of the match in its text), ``left``,
    ``match``, ``right`` (see the module docstring for how they are cut).

    ``sort`` is ``position`` (corpus order; rows stream as batches finish),
    ``left`` or ``right``; ``sample`` draws that many matches with
    ``random.Random(seed)`` before sorting; ``top`` keeps the first rows (0 = all).
    No match gives no rows. Raises :class:`UsageError` for a pattern without a
    word, a regular expression that does not compile, an unknown sort or a
    negative window.
    """
    options = options or AnalyzerOptions()
    _check(pattern, options, window, regex, case_sensitive, sort)
    if sample is not None and sample < 0:
        raise UsageError("--sample must be 0 or more")
    if top < 0:
        raise UsageError("--top must be 0 or more")
    if sort == "position" and sample is None:
        task = KwicTask(pattern, window=window, regex=regex, case_sensitive=case_sensitive)
        return _first(
            (row for rows in stream(corpus, options, task, jobs=jobs, progress=progress) for row in rows),
            top,
        )
    task = KwicTask(pattern, window=window, regex=regex, case_sensitive=case_sensitive, sort=sort, keys=True)
    (rows,) = run(corpus, options, [task], jobs=jobs, progress=progress)
    if sample is not None:
        import random

        rows = random.Random(seed).sample(rows, min(sample, len(rows)))
    rows.sort(key=_sort_key(sort))
    if top:
        rows = rows[:top]
    return iter([_public(row) for row in rows])


def _first(rows: Iterator[dict], top: int) -> Iterator[dict]:
    """The first ``top`` rows of a stream (all when ``top`` is 0), closing it early."""
    if not top:
        yield from rows
        return
    for i, row in enumerate(rows):
        yield row
        if i + 1 >= top:
            break
    rows.close()  # type: ignore[attr-defined]


def kwic_counts(
    corpus: Corpus,
    pattern: str,
    options: AnalyzerOptions | None = None,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
) -> Iterator[dict]:
    """Matches per document, in corpus order: ``id``, ``title``, ``date``,
    ``matches`` for every document with at least one match (``top``: the first rows)."""
    options = options or AnalyzerOptions()
    _check(pattern, options, 0, regex, case_sensitive, "position")
    if top < 0:
        raise UsageError("--top must be 0 or more")
    task = KwicCountTask(pattern, regex=regex, case_sensitive=case_sensitive)
    return _first(
        (row for rows in stream(corpus, options, task, jobs=jobs, progress=progress) for row in rows),
        top,
    )
