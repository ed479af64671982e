"""Collocations: word pairs and triples scored by an association measure, counted as NLTK's finders count.

The core of ``textkit collocations``. Counting follows NLTK's collocation finders
(``nltk/collocations.py``) run over the sentences of the corpus, as
``BigramCollocationFinder.from_documents(sentences)`` does for a window of 2, so
the scores are NLTK's, candidate for candidate; the scoring itself is the
vectorized registry of :mod:`textkit.measures.association`.

Conventions (``W`` is the window, NLTK's ``window_size``; a window of ``W`` tokens
holds the first word and the ``W - 1`` tokens after it):

- A window never crosses a sentence boundary (NLTK over a list of sentences, each
  padded with ``None`` so that nothing spans two of them, without the padding's
  side effects). Every word token is counted; stop words (and whatever else
  :meth:`~textkit.tokenize.Analyzer.listed` rejects) are dropped from the scored
  candidates *after* counting, never from the text, so no new adjacency appears.
- Pairs (``size=2``, ``BigramCollocationFinder.from_words(words, window_size=W)``):
  ``c(w1, w2)`` counts the positions ``i < j`` in one sentence with ``j - i <= W - 1``;
  ``f(w)`` counts every token once and ``N`` is the number of word tokens. The
  score is NLTK's ``score_fn(c / (W - 1), (f(w1), f(w2)), N)``: the count scaled by
  ``1/(W - 1)`` after Church & Hanks (1990) (no scaling for ``W = 2``).
- Triples (``size=3``, ``TrigramCollocationFinder.from_words(words, window_size=W)``):
  ``c(w1, w2, w3)`` counts the positions ``i < j < k`` in one sentence with
  ``k - i <= W - 1``; the marginals are NLTK's ``bigram_fd`` (``(w1, w2, *)``: a pair
  at distance ``d <= W - 2`` weighted ``W - 1 - d``), ``wildcard_fd``
  (``(w1, *, w3)``: a pair at distance ``e`` weighted ``e - 1``) and ``word_fd``
  (each token ``C(W - 1, 2)`` times, so ``N`` = tokens × ``C(W - 1, 2)``). For the
  default ``W = 3`` these are the adjacent pairs, the pairs two apart, each token
  once and ``N`` = the word tokens. Score: ``score_fn(c, (n_iix, n_ixi, n_xii),
  (n_ixx, n_xix, n_xxi), N)``.
- ``node``: the collocates of one word or phrase (a pattern as
  :mod:`textkit.patterns` defines it). A collocate is a token of the node's
  sentence at most ``W - 1`` tokens left of a match's first word or right of its
  last one; ``count`` counts (match, collocate token) pairs. Scored as the pair
  (node, collocate) with ``n_ii = count / (2 (W - 1))`` (Church & Hanks' scaling
  by the span, on both sides), ``n_ix`` = the number of node matches, ``n_xi`` =
  the collocate's token count and ``N`` = the word tokens of the corpus.

Counting is a map-reduce :class:`~textkit.engine.Task`: each batch encodes its
tokens as integers and counts its pairs or triples with one numpy sort; batches
merge by remapping their vocabularies and adding counts, so memory stays at a
few integer arrays however many distinct triples there are.

References: NLTK, ``nltk/collocations.py`` and ``nltk/metrics/association.py``;
K. W. Church & P. Hanks (1990), "Word association norms, mutual information, and
lexicography", *Computational Linguistics* 16(1); C. Manning & H. Schütze (1999),
*Foundations of Statistical NLP*, ch. 5.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from typing import Any

from .corpus import Corpus
from .engine import Item, Task, run
from .errors import UsageError
from .measures.association import ASSOCIATION_MEASURES, ASSOCIATION_NAMES
from .patterns import Matcher, compile_pattern
from .tokenize import Analyzer, AnalyzerOptions

COLLOCATION_COLUMNS = ["collocation", "count", "score", "measure"]
NODE_COLUMNS = ["node", "collocate", "position", "left", "right", "count", "score", "measure"]
SIZES = (2, 3)
DEFAULT_MEASURE = "llr"
DEFAULT_MIN_COUNT = 5
NODE_DEFAULT_WINDOW = 5

#: Compact a merged table when its pending rows exceed this (and twice its last compacted size).
_COMPACT_ROWS = 4_000_000


def default_window(size: int, node: str | None = None) -> int:
    """The default window: 2 for pairs (adjacent words), 3 for triples, 5 around a node."""
    if node is not None:
        return NODE_DEFAULT_WINDOW
    return 2 if size == 2 else 3


def _measure_entry(measure: str, size: int):
    """The registry entry for ``measure`` at ``size``; UsageError naming the valid ones."""
    entry = ASSOCIATION_MEASURES.get(measure)
    valid = [m for m in ASSOCIATION_NAMES if size in ASSOCIATION_MEASURES[m].sizes]
    if entry is None:
        raise UsageError(f"unknown measure {measure!r}; choose one of: {', '.join(valid)}")
    if size not in entry.sizes:
        raise UsageError(
            f"measure {entry.name!r} is defined for pairs only; for triples choose one of: "
            f"{', '.join(valid)}"
        )
    return entry


# --------------------------------------------------------------------------- scoring


def score_pairs(measure: str, n_ii: Any, n_ix: Any, n_xi: Any, total: int) -> Any:
    """NLTK's bigram ``score_fn(n_ii, (n_ix, n_xi), N)`` for arrays of candidates.

    Scored by :func:`textkit.measures.association.score_ngrams`; NLTK's windowed
    counts ``c / (W - 1)`` (and the node scaling) are fractions, passed with
    ``fractional=True`` as NLTK's functions take them. Returns a float64 array
    (NaN where NLTK divides by zero).
    """
    import numpy as np

    from .measures import association

    n_ii = np.asarray(n_ii)
    whole = n_ii.dtype.kind in "iu" or (n_ii.size and np.all(n_ii == np.floor(n_ii)))
    counts = n_ii.astype(np.int64) if whole else n_ii.astype(float)
    return association.score_ngrams(measure, 2, counts, (n_ix, n_xi), total, fractional=not whole)


def score_triples(measure: str, n_iii: Any, pairs: tuple, units: tuple, total: int) -> Any:
    """NLTK's trigram ``score_fn(n_iii, (n_iix, n_ixi, n_xii), (n_ixx, n_xix, n_xxi), N)``
    for arrays of candidates (:func:`textkit.measures.association.score_ngrams`)."""
    from .measures import association

    return association.score_ngrams(measure, 3, n_iii, pairs, units, total)


# --------------------------------------------------------------------------- counting


def _reduce(keys: Any, weights: Any = None) -> tuple[Any, Any]:
    """Sorted distinct ``keys`` and their summed weights (1 each by default), as int64."""
    import numpy as np

    if keys.size == 0:
        return keys.astype(np.int64), np.zeros(0, dtype=np.int64)
    if weights is None:
        ks = np.sort(keys)
    else:
        order = np.argsort(keys)
        ks = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
    if weights is None:
        counts = np.diff(np.append(starts, ks.size)).astype(np.int64)
    else:
        counts = np.add.reduceat(np.asarray(weights, dtype=np.int64)[order], starts)
    return ks[starts], counts


def _encode(cols: tuple, base: int) -> Any:
    """Columns of ids as one int64 key per row: ((c0 · base) + c1) · base + …"""
    import numpy as np

    key = cols[0].astype(np.int64)
    for c in cols[1:]:
        key = key * base + c
    return key


def _decode(keys: Any, base: int, k: int) -> tuple:
    """The inverse of :func:`_encode`: ``k`` int32 columns."""
    import numpy as np

    cols = []
    rest = keys
    for _ in range(k - 1):
        rest, c = np.divmod(rest, base)
        cols.append(c.astype(np.int32))
    cols.append(rest.astype(np.int32))
    return tuple(reversed(cols))


def _fits(base: int, k: int) -> bool:
    return base > 0 and base**k < 2**62


def _compact_chunks(chunks: list, base: int, k: int) -> list:
    """One chunk of distinct rows (sorted) with summed counts from several chunks."""
    import numpy as np

    cols = tuple(np.concatenate([c[0][j] for c in chunks]) for j in range(k))
    counts = np.concatenate([c[1] for c in chunks])
    if _fits(base, k):
        keys, summed = _reduce(_encode(cols, base), counts)
        out_cols = _decode(keys, base, k)
    else:  # a vocabulary too large for one int64 key: sort on the columns
        order = np.lexsort(tuple(reversed(cols)))
        cols = tuple(c[order] for c in cols)
        counts = counts[order]
        change = np.zeros(counts.size, dtype=bool)
        if counts.size:
            change[0] = True
            for c in cols:
                change[1:] |= c[1:] != c[:-1]
        starts = np.flatnonzero(change)
        out_cols = tuple(c[starts] for c in cols)
        summed = np.add.reduceat(counts, starts) if counts.size else counts
    return [(out_cols, summed)]


class NgramCounts:
    """Mergeable counts: a vocabulary, token counts and tables of id tuples with counts.

    ``tables[name]`` is a list of chunks ``(columns, counts)``, each column an int32
    array of ids into ``vocab``; merging remaps the right side's ids and appends its
    chunks (compacting when they grow), so the result is exact whatever the batching.
    """

    def __init__(self, vocab: list[str], unigrams: Any, tokens: int, tables: dict, arity: dict) -> None:
        self.vocab = vocab
        self.unigrams = unigrams
        self.tokens = tokens
        self.tables = tables
        self.arity = arity
        self._index: dict[str, int] | None = None
        self._compacted = dict.fromkeys(tables, 0)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_index"] = None
        return state

    def merge(self, other: NgramCounts) -> NgramCounts:
        import numpy as np

        if self._index is None:
            self._index = {t: i for i, t in enumerate(self.vocab)}
        index = self._index
        vocab = self.vocab
        remap = np.empty(len(other.vocab), dtype=np.int32)
        for j, t in enumerate(other.vocab):
            i = index.get(t)
            if i is None:
                i = len(vocab)
                index[t] = i
                vocab.append(t)
            remap[j] = i
        unigrams = np.zeros(len(vocab), dtype=np.int64)
        unigrams[: self.unigrams.size] = self.unigrams
        unigrams[remap] += other.unigrams
        self.unigrams = unigrams
        self.tokens += other.tokens
        for name, chunks in other.tables.items():
            mine = self.tables[name]
            for cols, counts in chunks:
                mine.append((tuple(remap[c] for c in cols), counts))
            pending = sum(c[1].size for c in mine)
            if pending > max(_COMPACT_ROWS, 2 * self._compacted[name]):
                self.tables[name] = _compact_chunks(mine, len(vocab), self.arity[name])
                self._compacted[name] = self.tables[name][0][1].size
        return self

    def table(self, name: str) -> tuple[Any, Any]:
        """Distinct rows of a table: id columns (rows sorted) and their summed counts."""
        base = len(self.vocab)
        k = self.arity[name]
        chunks = _compact_chunks(self.tables[name], base, k)
        self.tables[name] = chunks
        cols, counts = chunks[0]
        return cols, counts


def _encode_batch(items: list[Item]) -> tuple[list[str], Any, Any]:
    """The tokens of a batch as local integer ids, with each token's sentence end."""
    import numpy as np

    flat: list[str] = []
    ends: list[Any] = []
    for it in items:
        b = np.asarray(it.tok.bounds, dtype=np.int64)
        if b.size > 1:
            ends.append(np.repeat(b[1:] + len(flat), np.diff(b)))
        flat.extend(it.tok.tokens)
    vocab = list(dict.fromkeys(flat))
    index = {t: i for i, t in enumerate(vocab)}
    ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    send = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    return vocab, ids, send


class CollocationTask(Task):
    """Counts of pairs (``size=2``) or triples (``size=3``) within a ``window``, as NLTK's finders."""

    preload = ("numpy",)

    def __init__(self, size: int = 2, window: int | None = None) -> None:
        if size not in SIZES:
            raise UsageError(f"--size must be 2 or 3, got {size}")
        window = default_window(size) if window is None else window
        if window < size:
            raise UsageError(f"--window must be at least {size} for {'pairs' if size == 2 else 'triples'}")
        self.size = size
        self.window = window

    def _arity(self) -> dict[str, int]:
        if self.size == 2:
            return {"pairs": 2}
        return {"triples": 3, "bigram": 2, "wildcard": 2}

    def map(self, items: list[Item], analyzer: Analyzer) -> NgramCounts:
        import numpy as np

        vocab, ids, send = _encode_batch(items)
        n = ids.size
        base = max(len(vocab), 1)
        pos = np.arange(n, dtype=np.int64)
        w = self.window
        tables: dict[str, list] = {}

        def pair_keys(d: int) -> Any:
            lim = max(n - d, 0)
            m = pos[:lim] + d < send[:lim]
            return ids[:lim][m] * base + ids[d : d + lim][m]

        if self.size == 2:
            keys = [pair_keys(d) for d in range(1, w)]
            k, c = _reduce(np.concatenate(keys) if keys else np.zeros(0, np.int64))
            tables["pairs"] = [(_decode(k, base, 2), c)]
        else:
            tri = []
            for d1 in range(1, w - 1):
                for d2 in range(1, w - d1):
                    span = d1 + d2
                    lim = max(n - span, 0)
                    m = pos[:lim] + span < send[:lim]
                    a = ids[:lim][m]
                    b = ids[d1 : d1 + lim][m]
                    c3 = ids[span : span + lim][m]
                    tri.append((a * base + b) * base + c3)
            k, c = _reduce(np.concatenate(tri) if tri else np.zeros(0, np.int64))
            tables["triples"] = [(_decode(k, base, 3), c)]
            # NLTK's bigram_fd: (w1, w2) at distance d <= W-2, once per later slot of the window
            keys, weights = [], []
            for d in range(1, w - 1):
                pk = pair_keys(d)
                keys.append(pk)
                weights.append(np.full(pk.size, w - 1 - d, dtype=np.int64))
            k, c = _reduce(np.concatenate(keys), np.concatenate(weights) if w > 3 else None)
            tables["bigram"] = [(_decode(k, base, 2), c)]
            # NLTK's wildcard_fd: (w1, w3) at distance e >= 2, once per word between them
            keys, weights = [], []
            for e in range(2, w):
                pk = pair_keys(e)
                keys.append(pk)
                weights.append(np.full(pk.size, e - 1, dtype=np.int64))
            k, c = _reduce(np.concatenate(keys), np.concatenate(weights) if w > 3 else None)
            tables["wildcard"] = [(_decode(k, base, 2), c)]
        unigrams = np.bincount(ids, minlength=len(vocab)).astype(np.int64)
        return NgramCounts(vocab, unigrams, int(n), tables, self._arity())

    def merge(self, left: NgramCounts, right: NgramCounts) -> NgramCounts:
        return left.merge(right)


def _lookup(keys: Any, counts: Any, query: Any) -> Any:
    """Counts of ``query`` keys in sorted ``keys`` (each query is known to be present)."""
    import numpy as np

    at = np.searchsorted(keys, query)
    if at.size and (np.any(at >= keys.size) or np.any(keys[np.minimum(at, keys.size - 1)] != query)):
        raise AssertionError("a sub-pair of a counted triple is missing")  # pragma: no cover
    return counts[at]


def _rank_order(names: list[str], scores: Any) -> Any:
    """Indices sorted by score (descending, NaN last), ties by name.

    Scores are compared rounded to 12 significant digits, so that two scores equal
    but for floating-point noise (``log2(36/f)`` and ``log2(24/f')`` with the same
    ratio) count as a tie and are ordered by name.
    """
    import numpy as np

    nan = ~np.isfinite(scores)
    x = np.where(nan, 0.0, scores)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mag = np.floor(np.log10(np.abs(x)))
        mag = np.where(np.isfinite(mag), mag, 0.0)
        scale = 10.0 ** (11 - mag)
        key = np.round(x * scale) / scale
    return np.lexsort((np.asarray(names, dtype=object).astype(str), -key, nan))


def _ranked_rows(names: list[str], counts: Any, scores: Any, measure: str, top: int) -> list[dict]:
    """Rows in :func:`_rank_order`; the first ``top`` (0 = all)."""
    if not names:
        return []
    order = _rank_order(names, scores)
    if top:
        order = order[:top]
    counts = counts.tolist()
    scores = scores.tolist()
    return [
        {"collocation": names[i], "count": counts[i], "score": scores[i], "measure": measure}
        for i in order.tolist()
    ]


def score_collocations(
    counts: NgramCounts,
    analyzer: Analyzer,
    *,
    size: int,
    window: int,
    measure: str = DEFAULT_MEASURE,
    min_count: int = DEFAULT_MIN_COUNT,
    top: int = 0,
) -> list[dict]:
    """Filter merged counts (``min_count``, listed tokens only) and score them: the rows."""
    import numpy as np

    entry = _measure_entry(measure, size)
    vocab = counts.vocab
    base = max(len(vocab), 1)
    listed = np.fromiter((analyzer.listed(t) for t in vocab), dtype=bool, count=len(vocab))
    main = "pairs" if size == 2 else "triples"
    cols, freq = counts.table(main)
    keep = freq >= min_count
    for c in cols:
        keep &= listed[c]
    cols = tuple(c[keep] for c in cols)
    freq = freq[keep]
    if freq.size == 0:
        return []
    uni = counts.unigrams
    if size == 2:
        n_ii = freq if window == 2 else freq / (window - 1.0)
        scores = score_pairs(entry.name, n_ii, uni[cols[0]], uni[cols[1]], counts.tokens)
    else:
        per_token = math.comb(window - 1, 2)
        bcols, bcnt = counts.table("bigram")
        bkeys = _encode(bcols, base)
        wcols, wcnt = counts.table("wildcard")
        wkeys = _encode(wcols, base)
        n_iix = _lookup(bkeys, bcnt, _encode((cols[0], cols[1]), base))
        n_ixi = _lookup(wkeys, wcnt, _encode((cols[0], cols[2]), base))
        n_xii = _lookup(bkeys, bcnt, _encode((cols[1], cols[2]), base))
        units = tuple(uni[c] * per_token for c in cols)
        scores = score_triples(entry.name, freq, (n_iix, n_ixi, n_xii), units, counts.tokens * per_token)
    strings = np.asarray(vocab, dtype=object)
    words = [strings[c] for c in cols]
    names = [" ".join(t) for t in zip(*words, strict=True)]
    return _ranked_rows(names, freq, scores, entry.name, top)


# --------------------------------------------------------------------------- node


_MATCHERS: dict[tuple, Matcher] = {}


def _node_matcher(pattern: str, analyzer: Analyzer) -> Matcher:
    key = (pattern, analyzer.options)
    m = _MATCHERS.get(key)
    if m is None:
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        m = Matcher([compile_pattern(pattern, analyzer)])
        _MATCHERS[key] = m
    return m


class NodeTask(Task):
    """Collocates of one pattern: tokens within ``window - 1`` to either side of each match."""

    def __init__(self, pattern: str, window: int = NODE_DEFAULT_WINDOW) -> None:
        if window < 2:
            raise UsageError("--window must be at least 2")
        self.pattern = pattern
        self.window = window

    def map(self, items: list[Item], analyzer: Analyzer) -> dict:
        matcher = _node_matcher(self.pattern, analyzer)
        unigrams: Counter = Counter()
        left: Counter = Counter()
        right: Counter = Counter()
        tokens = 0
        matches = 0
        reach = self.window - 1
        for it in items:
            toks = it.tok.tokens
            bounds = it.tok.bounds
            unigrams.update(toks)
            tokens += len(toks)
            for s, e, _ in matcher.find(toks, bounds):
                matches += 1
                k = bisect.bisect_right(bounds, s) - 1
                lo, hi = bounds[k], bounds[k + 1]
                left.update(toks[max(lo, s - reach) : s])
                right.update(toks[e : min(hi, e + reach)])
        return {"unigrams": unigrams, "left": left, "right": right, "tokens": tokens, "matches": matches}

    def merge(self, a: dict, b: dict) -> dict:
        for name in ("unigrams", "left", "right"):
            a[name].update(b[name])
        a["tokens"] += b["tokens"]
        a["matches"] += b["matches"]
        return a


def score_node(
    counts: dict,
    analyzer: Analyzer,
    *,
    node: str,
    window: int,
    measure: str = DEFAULT_MEASURE,
    min_count: int = DEFAULT_MIN_COUNT,
    top: int = 0,
) -> list[dict]:
    """Rows of the node's collocates (listed tokens with ``count >= min_count``), scored."""
    import numpy as np

    entry = _measure_entry(measure, 2)
    left, right = counts["left"], counts["right"]
    names = sorted(
        t for t in set(left) | set(right) if left[t] + right[t] >= min_count and analyzer.listed(t)
    )
    if not names or not counts["matches"]:
        return []
    cnt = np.array([left[t] + right[t] for t in names], dtype=np.int64)
    f = np.array([counts["unigrams"][t] for t in names], dtype=np.int64)
    scores = score_pairs(entry.name, cnt / (2.0 * (window - 1)), counts["matches"], f, counts["tokens"])
    order = _rank_order(names, scores)
    if top:
        order = order[:top]
    rows = []
    for i in order.tolist():
        t = names[i]
        lc, rc = left[t], right[t]
        rows.append(
            {
                "node": node,
                "collocate": t,
                "position": "both" if lc and rc else ("left" if lc else "right"),
                "left": lc,
                "right": rc,
                "count": lc + rc,
                "score": float(scores[i]),
                "measure": entry.name,
            }
        )
    return rows


# --------------------------------------------------------------------------- the core function


def collocations(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    measure: str = DEFAULT_MEASURE,
    size: int = 2,
    window: int | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
    node: str | None = None,
    top: int = 0,
    jobs: int | None = 1,
    progress=None,
) -> list[dict]:
    """Collocations of ``corpus`` scored by ``measure`` (a name in
    :data:`~textkit.measures.association.ASSOCIATION_MEASURES`).

    Without ``node``: rows ``collocation`` (the words joined by one space), ``count``
    (co-occurrences within the window), ``score``, ``measure``, sorted by score
    (descending) then collocation. With ``node`` (a pattern; pairs only): rows
    ``node``, ``collocate``, ``position`` (``left``, ``right`` or ``both``), ``left``
    and ``right`` (counts on each side), ``count``, ``score``, ``measure``. ``top``
    keeps the first rows (0 = all). The counting conventions are in the module
    docstring. Raises :class:`UsageError` for an unknown measure, a measure not
    defined for triples, a window smaller than the n-gram, ``min_count < 1`` or a
    ``node`` with ``size=3``.
    """
    options = options or AnalyzerOptions()
    if min_count < 1:
        raise UsageError("--min-count must be at least 1")
    if top < 0:
        raise UsageError("--top must be 0 or more")
    if node is not None:
        if size != 2:
            raise UsageError("--node lists single collocates: use it with --size 2")
        _measure_entry(measure, 2)
        window = default_window(2, node) if window is None else window
        task: Task = NodeTask(node, window)
        compile_pattern(node, Analyzer(options))  # a bad pattern fails before reading
        (merged,) = run(corpus, options, [task], jobs=jobs, progress=progress)
        analyzer = Analyzer(options)
        return score_node(
            merged, analyzer, node=node.strip(), window=window, measure=measure, min_count=min_count, top=top
        )
    _measure_entry(measure, size)
    ctask = CollocationTask(size, window)
    (merged,) = run(corpus, options, [ctask], jobs=jobs, progress=progress)
    return score_collocations(
        merged,
        Analyzer(options),
        size=size,
        window=ctask.window,
        measure=measure,
        min_count=min_count,
        top=top,
    )
