"""Recurring formulas: maximal word sequences repeated verbatim across documents.

State media repeat titles, honorifics and set phrases word for word ("under the leadership of the
dear respected ...", "the centenary of the birth of president kim il sung", a leader's full title).
A plain n-gram list drowns such a formula in its overlapping fragments; this module finds the
*maximal* recurring sequences and groups their near-identical variants into families.

Definitions (all counts are over token positions inside sentences; a phrase never crosses a
sentence boundary):

* An n-gram *qualifies* when it occurs at least ``min_count`` times in at least ``min_docs``
  distinct documents. Every sub-sequence of a qualifying sequence qualifies too (its counts can
  only be larger), which is the apriori property (Agrawal & Srikant 1994) used to build the levels.
* ``mode="all"``: every qualifying n-gram with ``min_n <= n <= max_n`` -- the classic list of
  lexical bundles (Biber, Johansson, Leech, Conrad & Finegan 1999, ch. 13; Biber, Conrad & Cortes
  2004), here with a frequency *and* a range (document) threshold.
* An occurrence of a qualifying n-gram at position p is *covered* iff the (n+1)-gram at p or the
  (n+1)-gram at p-1 qualifies (then some longer qualifying sequence contains that occurrence; the
  converse holds because a qualifying sequence's sub-sequences all qualify).
  ``coverage(g) = covered occurrences of g / count(g)``.
* ``mode="flat"``: the maximal phrases -- qualifying n-grams with ``coverage < absorb``; the others
  are *absorbed* by the longer sequences that contain them: the "maximal repeats" of Gusfield
  (1997, ch. 7) relaxed by the ``absorb`` share, close to the nested-term discount of the C-value
  (Frantzi, Ananiadou & Mima 2000) and to O'Donnell's (2011) "adjusted frequency list".
* ``mode="families"`` (default): the flat phrases grouped by :func:`group_families`. Each
  phrase is reduced to its *core* (:func:`phrase_core`: function words at its edges removed);
  fragments whose core has fewer than 3 words are left out; phrases whose cores hold one
  another (>= 75% of the longer) or overlap end to start (>= 75% of each) link, and each one
  joins its best existing head (no chaining). A family is one row named after its most
  widespread member, its other members in ``variants``.
* ``edge_ok`` (``--stopwords`` in the command): only phrases whose first and last tokens are
  allowed are listed, and absorption counts only longer such phrases.

The computation is level-wise over integer ids (see ``docs/phrases-algorithm.md``): level n
holds the start positions whose n-gram qualifies and a dense id per qualifying n-gram; an
(n+1)-gram is only formed at a position p whose n-gram and whose n-gram at p+1 both qualify, and
is identified by the pair of those two ids, so candidates are counted with one sort (by key, then
document) per level and no string or tuple n-gram is ever built.

:func:`phrases` gets the token stream from the engine (one tokenization, :class:`PhraseStreamTask`)
and runs the same computation.

Length cap: sequences longer than ``max_n`` are not formed. At n = max_n only the (n+1)-gram at
p-1 counts as covering, so a recurring sequence longer than ``max_n`` is listed once, by its first
``max_n`` words, rather than by each of its max_n-word windows.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .engine import Item, Task

if TYPE_CHECKING:
    from .corpus import Corpus as TkCorpus
    from .tokenize import Analyzer, AnalyzerOptions

MODES = ("all", "flat", "families")
SORT_KEYS = ("docs", "count", "length")

#: Families: two cores link when the shorter is a run of the longer holding at least this share
#: of its words, or when they overlap end to start in a run of at least this share of each.
FAMILY_MIN_SHARE = 0.75
#: Families view: phrases whose core (edge function words removed) is shorter are left out.
FAMILY_MIN_CORE = 3


# --------------------------------------------------------------------------------------------
# corpus loading


class _Corpus:
    """Token ids of the whole corpus in one int32 array, sentences separated by ``-1``.

    ``tok[i]`` is a token id or the sentinel ``-1`` (one after every sentence, so the array ends
    with a sentinel and ``tok[i + 1]`` is always defined for a token position ``i``); ``doc[i]`` is
    the ordinal of the document of position ``i`` (documents numbered in order of first
    appearance; items repeating a doc_index belong to the same document); ``date_rank[k]`` (index
    into ``date_values``, -1 undated) and ``group[k]`` (index into ``group_values``, -1 unlabelled)
    belong to the document of ordinal ``k``.
    """

    @classmethod
    def from_arrays(cls, tok: Any, doc_lengths: Any, dates: list[str | None],
                    labels: list[str | None] | None) -> _Corpus:
        """A corpus from a ready int32 token array (sentinels included), the number of positions
        of each document in order (so ``doc`` is ``repeat(arange, doc_lengths)``) and each
        document's date and group label."""
        import numpy as np

        self = cls.__new__(cls)
        self.tok = tok
        self.doc = np.repeat(np.arange(len(dates), dtype=np.int32), doc_lengths)
        self.n_docs = len(dates)
        self.n_tokens = int(np.count_nonzero(tok >= 0))
        self._index_dates_and_groups(dates, labels or [None] * len(dates))
        return self

    def __init__(self, docs: Iterable[tuple[int, str | None, Sequence[Sequence[int]]]],
                 vocab_size: int, group_of: dict[int, str] | None) -> None:
        import numpy as np

        tok = array("i")
        ordinal_of: dict[int, int] = {}
        dates: list[str | None] = []
        labels: list[str | None] = []
        block_ordinals = array("i")
        block_lengths = array("q")
        sentinels = 0
        for item in docs:
            try:
                doc_index, date, sentences = item
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    "each document must be a (doc_index, date, sentences) triple") from exc
            k = ordinal_of.get(doc_index)
            if k is None:
                k = ordinal_of[doc_index] = len(dates)
                dates.append(date or None)
                labels.append(group_of.get(doc_index) if group_of is not None else None)
            elif dates[k] is None and date:
                dates[k] = date
            start = len(tok)
            for sentence in sentences:
                if len(sentence) == 0:
                    continue
                try:
                    tok.extend(sentence)
                except (OverflowError, TypeError) as exc:
                    raise ValueError(f"token ids must be integers in the vocabulary: {exc}") \
                        from exc
                tok.append(-1)
                sentinels += 1
            if len(tok) > start:
                block_ordinals.append(k)
                block_lengths.append(len(tok) - start)

        self.tok = np.frombuffer(tok, dtype=np.int32).copy() if len(tok) else np.zeros(0, np.int32)
        self.doc = np.repeat(np.frombuffer(block_ordinals, dtype=np.int32),
                             np.frombuffer(block_lengths, dtype=np.int64)) \
            if len(block_ordinals) else np.zeros(0, np.int32)
        self.n_docs = len(dates)
        self.n_tokens = len(tok) - sentinels
        if self.n_tokens:
            if int(np.count_nonzero(self.tok == -1)) != sentinels or int(self.tok.min()) < -1:
                raise ValueError("token ids must be non-negative integers")
            if int(self.tok.max()) >= vocab_size:
                raise ValueError(
                    f"token id {int(self.tok.max())} is outside the vocabulary "
                    f"(size {vocab_size})")
        self._index_dates_and_groups(dates, labels)

    def _index_dates_and_groups(self, dates: list[str | None], labels: list[str | None]) -> None:
        """Date ranks (ISO dates sort as strings; -1 = undated) and group indices (-1 = none)."""
        import numpy as np

        self.date_values = sorted({d for d in dates if d is not None})
        rank = {d: i for i, d in enumerate(self.date_values)}
        self.date_rank = np.array([rank[d] if d is not None else -1 for d in dates], np.int64)
        self.group_values = sorted({g for g in labels if g is not None})
        gidx = {g: i for i, g in enumerate(self.group_values)}
        self.group = np.array([gidx[g] if g is not None else -1 for g in labels], np.int64)


# --------------------------------------------------------------------------------------------
# levels


class _Level:
    """The qualifying n-grams of one length n.

    ``pos``: sorted start positions whose n-gram qualifies; ``ids``: the dense id (0..m-1) of the
    n-gram at each of those positions; ``count`` / ``ndocs``: occurrences and distinct documents
    per id; ``rep``: the first position of each id (to spell it out).
    """

    __slots__ = ("n", "pos", "ids", "count", "ndocs", "rep")

    def __init__(self, n: int, pos: Any, ids: Any, count: Any, ndocs: Any, rep: Any) -> None:
        self.n, self.pos, self.ids = n, pos, ids
        self.count, self.ndocs, self.rep = count, ndocs, rep

    @property
    def size(self) -> int:
        return int(self.count.shape[0])


def _qualify(n: int, pos: Any, keys: Any, doc: Any, min_count: int, min_docs: int) -> _Level:
    """Count the candidate n-grams ``keys`` (one int64 key per start position ``pos``), keep those
    with count >= min_count in >= min_docs documents, and number them densely.

    One sort by (key, document) gives everything: a group of equal keys is one n-gram, its length
    is the count, the document changes inside it are its distinct documents, and its smallest
    position is the representative.
    """
    import numpy as np

    m = keys.shape[0]
    if m == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Level(n, empty, empty.astype(np.int32), empty, empty, empty)
    opos = pos  # positions in their original (ascending) order
    order = np.lexsort((doc[pos], keys))
    sk = keys[order]
    sd = doc[pos[order]]
    new_key = np.empty(m, dtype=bool)
    new_key[0] = True
    np.not_equal(sk[1:], sk[:-1], out=new_key[1:])
    del sk
    new_doc = new_key.copy()
    new_doc[1:] |= sd[1:] != sd[:-1]
    del sd
    starts = np.flatnonzero(new_key)
    count = np.diff(np.append(starts, m))
    ndocs = np.add.reduceat(new_doc, starts)
    del new_doc
    rep = np.minimum.reduceat(opos[order], starts)
    ok = (count >= min_count) & (ndocs >= min_docs)
    newid = np.cumsum(ok, dtype=np.int64) - 1
    newid[~ok] = -1
    group = np.cumsum(new_key, dtype=np.int64) - 1
    del new_key
    ids = np.empty(m, dtype=np.int64)
    ids[order] = newid[group]
    del order, group
    keep = ids >= 0
    return _Level(n, opos[keep], ids[keep].astype(np.int32), count[ok].astype(np.int64),
                  ndocs[ok].astype(np.int64), rep[ok].astype(np.int64))


def _levels(corpus: _Corpus, max_n: int, min_count: int, min_docs: int):
    """Yield the qualifying levels n = 1, 2, ... up to max_n (stopping early when one is empty).

    Level n+1 is formed only at positions p where the n-gram at p and the n-gram at p+1 both
    qualify (apriori); its key is ``id_n(p) * m_n + id_n(p+1)``, which names the (n+1)-gram
    uniquely because two overlapping n-grams determine it.
    """
    import numpy as np

    tok, doc = corpus.tok, corpus.doc
    pos = np.flatnonzero(tok >= 0)
    level = _qualify(1, pos, tok[pos].astype(np.int64), doc, min_count, min_docs)
    n = 1
    while True:
        yield level
        if n >= max_n or level.size == 0:
            return
        idarr = np.full(tok.shape[0] + 1, -1, dtype=np.int32)
        idarr[level.pos] = level.ids
        right = idarr[level.pos + 1]
        ok = right >= 0
        pos = level.pos[ok]
        keys = level.ids[ok].astype(np.int64) * level.size + right[ok]
        del idarr, right, ok
        n += 1
        level = _qualify(n, pos, keys, doc, min_count, min_docs)
        del pos, keys


def _coverage(level: _Level, longer: _Level | None, n_positions: int, *,
              left_only: bool = False) -> Any:
    """Covered occurrences per id of ``level`` (length n): an occurrence at p is covered when the
    (n+1)-gram at p or the one at p-1 qualifies (``longer`` = the qualifying level n+1, None when
    there is none). ``left_only`` counts only the (n+1)-gram at p-1: used at n = max_n, so that a
    recurring sequence longer than max_n is reported once, by its first max_n words, instead of by
    every max_n-word window of it.
    """
    import numpy as np

    if longer is None or longer.size == 0:
        return np.zeros(level.size, dtype=np.int64)
    q = np.zeros(n_positions + 1, dtype=bool)  # q[-1] (= q[n_positions]) stays False
    q[longer.pos] = True
    covered = q[level.pos - 1]
    if not left_only:
        covered |= q[level.pos]
    return np.bincount(level.ids[covered], minlength=level.size)


def _rows(level: _Level, keep: Any, corpus: _Corpus, vocab: Sequence[str],
          per_million_base: float, with_groups: bool) -> list[dict[str, Any]]:
    """Spell out the rows of the ids of ``level`` selected by the boolean mask ``keep``."""
    import numpy as np

    kept = np.flatnonzero(keep)
    if kept.shape[0] == 0:
        return []
    remap = np.full(level.size, -1, dtype=np.int64)
    remap[kept] = np.arange(kept.shape[0])
    occ = remap[level.ids]
    sel = occ >= 0
    kid = occ[sel]
    odoc = corpus.doc[level.pos[sel]]
    k = kept.shape[0]
    # first and last date over the occurrences (undated documents ignored)
    drank = corpus.date_rank[odoc]
    dated = drank >= 0
    big = np.iinfo(np.int64).max
    first = np.full(k, big, dtype=np.int64)
    last = np.full(k, -1, dtype=np.int64)
    np.minimum.at(first, kid[dated], drank[dated])
    np.maximum.at(last, kid[dated], drank[dated])
    groups: list[dict[str, dict[str, int]]] | None = None
    if with_groups:
        groups = [{} for _ in range(k)]
        g = corpus.group[odoc]
        lab = g >= 0
        n_groups = max(len(corpus.group_values), 1)
        gk, gc = np.unique(kid[lab] * n_groups + g[lab], return_counts=True)
        pairs = np.unique(kid[lab] * max(corpus.n_docs, 1) + odoc[lab])
        pk = pairs // max(corpus.n_docs, 1)
        dk, dc = np.unique(pk * n_groups + corpus.group[pairs % max(corpus.n_docs, 1)],
                           return_counts=True)
        docs_of = dict(zip(dk.tolist(), dc.tolist(), strict=True))
        for key, c in zip(gk.tolist(), gc.tolist(), strict=True):
            row_i, gi = divmod(key, n_groups)
            groups[row_i][corpus.group_values[gi]] = {"docs": docs_of[key], "count": c}
    rows: list[dict[str, Any]] = []
    n = level.n
    tok = corpus.tok
    counts = level.count[kept].tolist()
    ndocs = level.ndocs[kept].tolist()
    reps = level.rep[kept].tolist()
    for i in range(k):
        p = reps[i]
        phrase = " ".join(vocab[t] for t in tok[p:p + n].tolist())
        row: dict[str, Any] = {
            "phrase": phrase,
            "n": n,
            "count": counts[i],
            "docs": ndocs[i],
            "per_million": counts[i] * 1e6 / per_million_base if per_million_base else 0.0,
            "variants": [],
            "first_date": corpus.date_values[first[i]] if first[i] != big else None,
            "last_date": corpus.date_values[last[i]] if last[i] >= 0 else None,
        }
        if groups is not None:
            row["groups"] = dict(sorted(groups[i].items()))
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# public API


def find_phrases(
    docs: Iterable[tuple[int, str | None, Sequence[Sequence[int]]]],
    vocab: Sequence[str],
    *,
    min_n: int = 4,
    max_n: int = 32,
    min_count: int = 5,
    min_docs: int = 3,
    absorb: float = 0.9,
    mode: str = "families",
    corpus_tokens: int | None = None,
    group_of: dict[int, str] | None = None,
    edge_ok: Sequence[bool] | None = None,
) -> list[dict[str, Any]]:
    """Find the word sequences repeated verbatim across documents.

    ``docs`` yields ``(doc_index, date, sentences)`` with ``sentences`` a list of lists of token
    ids (indices into ``vocab``); it is iterated once. A phrase never crosses a sentence.

    A sequence of ``min_n``..``max_n`` tokens *qualifies* when it occurs at least ``min_count``
    times in at least ``min_docs`` documents. ``mode="all"`` returns every qualifying sequence;
    ``mode="flat"`` only the maximal ones, dropping a sequence whose coverage -- the share of its
    occurrences lying inside a longer qualifying sequence -- is >= ``absorb``; ``mode="families"``
    groups the flat rows with :func:`group_families`. Sequences longer than ``max_n`` are not
    considered; a ``max_n``-gram is absorbed only by its extensions to the left, so a recurring
    sequence longer than ``max_n`` shows as its first ``max_n`` words.

    Returns rows ``{phrase, n, count, docs, per_million, variants, first_date, last_date}`` (plus
    ``groups`` = ``{label: {"docs", "count"}}`` sorted by label when ``group_of`` maps doc_index to
    a label), sorted by docs desc, count desc, phrase. ``per_million = count / corpus_tokens *
    10**6`` (``corpus_tokens`` defaults to the number of tokens seen).

    ``edge_ok`` (one flag per vocabulary id) restricts the phrases to those that begin and end
    with an allowed token (the command passes "not a stop word" when ``--stopwords`` is given):
    only those *candidates* are listed, and an occurrence is covered when a longer candidate
    (a qualifying sequence with allowed edges, up to ``max_n + 1`` tokens when it extends to the
    left, up to ``max_n`` when it starts at the same position) contains it. With every token
    allowed this is exactly the rule above.

    Raises ``ValueError`` for bad arguments or token ids outside ``vocab``.
    """
    _check(min_n=min_n, max_n=max_n, min_count=min_count, min_docs=min_docs, absorb=absorb,
           mode=mode, corpus_tokens=corpus_tokens)
    if edge_ok is not None and len(edge_ok) != len(vocab):
        raise ValueError(f"edge_ok has {len(edge_ok)} flags for {len(vocab)} vocabulary words")
    corpus = _Corpus(docs, len(vocab), group_of)
    return _find(corpus, vocab, min_n=min_n, max_n=max_n, min_count=min_count,
                 min_docs=min_docs, absorb=absorb, mode=mode, corpus_tokens=corpus_tokens,
                 with_groups=group_of is not None, edge_ok=edge_ok)


def _check(*, min_n: int, max_n: int, min_count: int, min_docs: int, absorb: float, mode: str,
           corpus_tokens: int | None) -> None:
    """Raise ValueError for impossible settings."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    if min_n < 1:
        raise ValueError(f"min_n must be >= 1, got {min_n}")
    if max_n < min_n:
        raise ValueError(f"max_n ({max_n}) must be >= min_n ({min_n})")
    if min_count < 1 or min_docs < 1:
        raise ValueError("min_count and min_docs must be >= 1")
    if not 0 < absorb <= 1:
        raise ValueError(f"absorb must be in (0, 1], got {absorb}")
    if corpus_tokens is not None and corpus_tokens < 0:
        raise ValueError(f"corpus_tokens must be >= 0, got {corpus_tokens}")


def _find(corpus: _Corpus, vocab: Sequence[str], *, min_n: int, max_n: int, min_count: int,
          min_docs: int, absorb: float, mode: str, corpus_tokens: int | None,
          with_groups: bool, edge_ok: Sequence[bool] | None = None) -> list[dict[str, Any]]:
    """:func:`find_phrases` on a loaded corpus (arguments already checked)."""
    import numpy as np

    if corpus.n_tokens == 0:
        return []
    base = float(corpus_tokens if corpus_tokens is not None else corpus.n_tokens)
    edge_pos = None  # per position: may this token begin or end a phrase?
    if edge_ok is not None:
        ok = np.asarray(edge_ok, dtype=bool)
        if ok.shape[0] and not ok.all():
            edge_pos = np.zeros(corpus.tok.shape[0] + 1, dtype=bool)
            word = corpus.tok >= 0
            edge_pos[:-1][word] = ok[corpus.tok[word]]

    rows: list[dict[str, Any]] = []
    if mode == "all":
        for level in _levels(corpus, max_n, min_count, min_docs):
            if level.n >= min_n:
                keep = level.count > 0
                if edge_pos is not None:
                    keep &= edge_pos[level.rep] & edge_pos[level.rep + level.n - 1]
                rows.extend(_rows(level, keep, corpus, vocab, base, with_groups))
        return sort_rows(rows, "docs")
    if edge_pos is not None:
        rows = _maximal_with_edges(corpus, vocab, edge_pos, base, min_n=min_n, max_n=max_n,
                                   min_count=min_count, min_docs=min_docs, absorb=absorb,
                                   with_groups=with_groups)
        if mode == "families":
            return group_families(rows, min_core=min(FAMILY_MIN_CORE, min_n))
        return sort_rows(rows, "docs")

    # flat / families: level n is judged once level n+1 is known; level max_n+1 is computed
    # only to judge level max_n (left extensions only, see _coverage)
    prev: _Level | None = None
    for level in _levels(corpus, max_n + 1, min_count, min_docs):
        if prev is not None:
            rows.extend(_emit(prev, level, corpus, vocab, base, absorb, with_groups,
                              left_only=prev.n == max_n))
        prev = level if min_n <= level.n <= max_n else None
    if prev is not None:
        rows.extend(_emit(prev, None, corpus, vocab, base, absorb, with_groups, left_only=False))

    if mode == "families":
        return group_families(rows, min_core=min(FAMILY_MIN_CORE, min_n))
    return sort_rows(rows, "docs")


def _maximal_with_edges(corpus: _Corpus, vocab: Sequence[str], edge_pos: Any, base: float, *,
                        min_n: int, max_n: int, min_count: int, min_docs: int, absorb: float,
                        with_groups: bool) -> list[dict[str, Any]]:
    """The maximal phrases when only some tokens may stand at a phrase's edges (``edge_pos``).

    ``L[a]`` = the length of the longest qualifying sequence starting at position a (computed
    up to max_n + 1; every shorter sequence from a qualifies too, its prefixes being
    sub-sequences). A candidate occurrence [p, p+n) is covered iff

    * some allowed a < p has ``a + L[a] >= p + n`` (then [a, p+n) qualifies and ends with the
      phrase's own allowed last token) -- a running maximum of ``a + L[a]`` over allowed a; or
    * some allowed e >= p + n has ``e < p + min(L[p], max_n)`` -- the next allowed position
      after the phrase lies within the longest qualifying extension to the right.

    All candidate levels are kept (their allowed-edge positions only) until L is complete.
    """
    import numpy as np

    size = int(corpus.tok.shape[0])
    longest = np.zeros(size + 1, dtype=np.int16 if max_n < 32000 else np.int32)
    kept: list[tuple[_Level, Any]] = []
    for level in _levels(corpus, max_n + 1, min_count, min_docs):
        longest[level.pos] = level.n
        if min_n <= level.n <= max_n:
            cand = edge_pos[level.rep] & edge_pos[level.rep + level.n - 1]
            if cand.any():
                sel = cand[level.ids]
                kept.append((_Level(level.n, level.pos[sel], level.ids[sel], level.count,
                                    level.ndocs, level.rep), cand))
    positions = np.arange(size + 1, dtype=np.int64)
    reach = np.where(edge_pos, positions + longest, -1)
    left_reach = np.empty(size + 1, dtype=np.int64)  # max reach of allowed a < p
    left_reach[0] = -1
    np.maximum.accumulate(reach[:-1], out=left_reach[1:])
    del reach
    big = size + 1
    next_ok = np.where(edge_pos, positions, big)  # first allowed position >= x
    next_ok = np.minimum.accumulate(next_ok[::-1])[::-1]
    right_end = positions + np.minimum(longest, max_n)
    del positions, longest
    rows: list[dict[str, Any]] = []
    for level, cand in kept:
        p, n = level.pos, level.n
        covered = (left_reach[p] >= p + n) | (next_ok[p + n] < right_end[p])
        cov = np.bincount(level.ids[covered], minlength=level.size)
        keep = cand & (cov / level.count < absorb)
        rows.extend(_rows(level, keep, corpus, vocab, base, with_groups))
    return rows


def _emit(level: _Level, longer: _Level | None, corpus: _Corpus, vocab: Sequence[str],
          base: float, absorb: float, with_groups: bool, *, left_only: bool) -> list[dict]:
    """Rows of the maximal phrases of ``level``: those with covered / count < absorb."""
    covered = _coverage(level, longer, int(corpus.tok.shape[0]), left_only=left_only)
    keep = covered / level.count < absorb
    return _rows(level, keep, corpus, vocab, base, with_groups)


def sort_rows(rows: list[dict[str, Any]], key: str = "docs") -> list[dict[str, Any]]:
    """Return the rows sorted descending by ``key``: ``docs`` (then count), ``count`` (then docs)
    or ``length`` (n, then docs, then count); remaining ties by phrase ascending."""
    if key == "docs":
        return sorted(rows, key=lambda r: (-r["docs"], -r["count"], r["phrase"]))
    if key == "count":
        return sorted(rows, key=lambda r: (-r["count"], -r["docs"], r["phrase"]))
    if key == "length":
        return sorted(rows, key=lambda r: (-r["n"], -r["docs"], -r["count"], r["phrase"]))
    raise ValueError(f"unknown sort key {key!r}; choose one of {', '.join(SORT_KEYS)}")


# --------------------------------------------------------------------------------------------
# families


def _strip_possessive(word: str) -> str:
    """``il's`` -> ``il``; ``people's`` -> ``people``; other words unchanged."""
    return word[:-2] if word.endswith("'s") and len(word) > 2 else word


def _forms(words: Sequence[str]) -> set[tuple[str, ...]]:
    """The words as written and with a possessive ``'s`` removed from the last word."""
    if not words:
        return set()
    return {tuple(words), (*words[:-1], _strip_possessive(words[-1]))}


def function_words() -> frozenset[str]:
    """The function words trimmed from phrase edges to form cores: textkit's English stop-word
    list (``textkit/data/stopwords/english.txt``: articles, pronouns, auxiliaries,
    prepositions, conjunctions)."""
    from .tokenize import load_stopwords

    return load_stopwords("english")


def phrase_core(phrase: str | Sequence[str],
                function_words_: frozenset[str] | None = None) -> tuple[str, ...]:
    """The phrase without the function words at its edges: ``"of the dear respected kim jong un"``
    -> ``("dear", "respected", "kim", "jong", "un")``; ``"on the occasion of the"`` ->
    ``("occasion",)``; a phrase made only of function words -> ``()``. Function words inside
    the core stay ("army and people of the dprk")."""
    fw = function_words() if function_words_ is None else function_words_
    words = phrase.split() if isinstance(phrase, str) else list(phrase)
    a, b = 0, len(words)
    while a < b and words[a] in fw:
        a += 1
    while b > a and words[b - 1] in fw:
        b -= 1
    return tuple(words[a:b])


def _share(k: int, m: int) -> bool:
    """``k`` words are at least FAMILY_MIN_SHARE of ``m`` words (exact in integers)."""
    return 4 * k >= 3 * m if FAMILY_MIN_SHARE == 0.75 else k >= FAMILY_MIN_SHARE * m


def _cores_link(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The family link between two cores (see :func:`phrase_links`)."""
    if not a or not b:
        return False
    s, lg = (a, b) if len(a) <= len(b) else (b, a)
    k = len(s)
    if _share(k, len(lg)):
        fl = _forms(lg)
        for fs in _forms(s):
            if any(form[o:o + k] == fs for form in fl for o in range(len(lg) - k + 1)):
                return True
    for fa in _forms(a):
        for fb in _forms(b):
            for x, y in ((fa, fb), (fb, fa)):
                for k in range(min(len(x), len(y)) - 1, 0, -1):
                    if not (_share(k, len(x)) and _share(k, len(y))):
                        break
                    if x[len(x) - k:] == y[:k]:
                        return True
    return False


def phrase_links(a: str, b: str, function_words_: frozenset[str] | None = None) -> bool:
    """True when phrases ``a`` and ``b`` belong in one family (the rule of :func:`group_families`).

    Both are first reduced to their *cores* (:func:`phrase_core`: function words at the edges
    removed), each core taken as written or with a possessive ``'s`` removed from its last word.
    With S the shorter core and L the longer, they link when

    * **containment**: S is a contiguous run of L and ``len(S) >= 0.75 * len(L)`` (equal cores
      included: "by kim jong il" ~ "that kim jong il" ~ "kim jong il's"); or
    * **overlap**: the end of one core is the start of the other, in a run of at least 75% of
      *each* ("leader kim jong il" ~ "kim jong il received").

    A run shared at the same end does not link: "the west sea of korea" and "the east sea of
    korea" share 3 of 4 core words but are different places. Identical phrases and phrases
    without a core do not link.
    """
    if a.split() == b.split():
        return False
    fw = function_words() if function_words_ is None else function_words_
    return _cores_link(phrase_core(a, fw), phrase_core(b, fw))


def _priority(row: dict[str, Any]) -> tuple:
    """Head order: most documents, then most occurrences, then longer, then alphabetical."""
    return (-row["docs"], -row["count"], -len(row["phrase"].split()), row["phrase"])


def group_families(phrases: list[dict[str, Any]], *, min_core: int = 3,
                   function_words_: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Group near-identical phrases into families; one row per family.

    Each phrase is reduced to its core (:func:`phrase_core`: the function words at its edges
    removed). Phrases whose core has fewer than ``min_core`` words are fragments of larger units
    ("on the occasion of the", "of the korean people") and are left out; ``mode="flat"`` and
    ``mode="all"`` keep them. Two phrases link by :func:`phrase_links` (cores contained one in
    the other with >= 75% of the longer's words, or overlapping end to start by >= 75% of each).

    No chaining: the phrases are visited in head order (docs desc, count desc, longer first,
    phrase); each one joins the existing family *head* it links to -- the head whose core length
    is closest to its own, ties to the earlier head -- or else founds a new family. Links between
    non-head members are never followed, so "the centenary of the birth of president kim il
    sung" and "the great leader president kim il sung" can share a name without sharing a
    family.

    The family row is a copy of its head's row (its count, docs, dates and groups are the head's
    own, not sums: the members' occurrences overlap) with ``variants`` = the other members as
    ``{"phrase", "count", "docs"}`` in head order. Rows are sorted by docs desc, count desc, phrase.
    """
    fw = function_words() if function_words_ is None else function_words_
    cores = [phrase_core(r["phrase"], fw) for r in phrases]
    order = sorted((i for i in range(len(phrases)) if len(cores[i]) >= max(min_core, 1)),
                   key=lambda i: _priority(phrases[i]))
    # indexes over the heads' cores (each form): runs a shorter core may equal (>= 75% of the
    # head), whole cores, and prefixes / suffixes another core may overlap (>= 75% of the head)
    by_run: dict[tuple[str, ...], list[int]] = {}
    by_whole: dict[tuple[str, ...], list[int]] = {}
    by_prefix: dict[tuple[str, ...], list[int]] = {}
    by_suffix: dict[tuple[str, ...], list[int]] = {}
    head_rank: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for i in order:
        c = cores[i]
        m = len(c)
        forms = _forms(c)
        candidates: set[int] = set()
        for f in forms:
            candidates.update(by_run.get(f, ()))
            for k in range(m, 0, -1):
                if not _share(k, m):
                    break
                for o in range(m - k + 1):
                    candidates.update(by_whole.get(f[o:o + k], ()))
                if k < m:
                    candidates.update(by_prefix.get(f[m - k:], ()))
                    candidates.update(by_suffix.get(f[:k], ()))
        words_i = phrases[i]["phrase"].split()
        candidates = {h for h in candidates if phrases[h]["phrase"].split() != words_i
                      and _cores_link(cores[h], c)}
        if candidates:
            best = min(candidates, key=lambda h: (abs(len(cores[h]) - m), head_rank[h]))
            members[best].append(i)
            continue
        head_rank[i] = len(head_rank)
        members[i] = []
        for f in forms:
            by_whole.setdefault(f, []).append(i)
            for k in range(m, 0, -1):
                if not _share(k, m):
                    break
                for o in range(m - k + 1):
                    lst = by_run.setdefault(f[o:o + k], [])
                    if not lst or lst[-1] != i:
                        lst.append(i)
                if k < m:
                    for index, run in ((by_prefix, f[:k]), (by_suffix, f[m - k:])):
                        lst = index.setdefault(run, [])
                        if not lst or lst[-1] != i:
                            lst.append(i)
    out: list[dict[str, Any]] = []
    for h, mem in members.items():
        row = dict(phrases[h])
        row["variants"] = [
            {"phrase": phrases[j]["phrase"], "count": phrases[j]["count"],
             "docs": phrases[j]["docs"]}
            for j in mem
        ]
        out.append(row)
    return sort_rows(out, "docs")


# --------------------------------------------------------------------------------------------
# the corpus through the engine


class PhraseStream:
    """Mergeable token stream: documents' sentences as int32 ids with a vocabulary.

    ``words`` is the vocabulary in order of first appearance, ``chunks`` int32 id arrays with
    ``-1`` after every sentence (one array per merged batch, in corpus order), ``doc_lengths``
    the positions of each document (sentinels included), ``dates`` / ``labels`` each document's
    date and group label, ``tokens`` all word tokens (the corpus size). A batch carries its own
    vocabulary; :meth:`merge` re-numbers the right side's ids into the left side's vocabulary
    (new words appended in their order), so the merged vocabulary is in corpus order whatever
    the batching, and merging is exact and associative.
    """

    __slots__ = ("words", "index", "chunks", "doc_lengths", "dates", "labels", "tokens",
                 "edge_ok")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.index: dict[str, int] | None = None  # built on the merging side only
        self.chunks: list[Any] = []
        self.doc_lengths = array("q")
        self.dates: list[str | None] = []
        self.labels: list[str | None] = []
        self.tokens = 0
        self.edge_ok: list[bool] | None = None  # set by finish when a filter is on

    def __getstate__(self) -> dict[str, Any]:
        return {"words": self.words, "index": None, "chunks": self.chunks,
                "doc_lengths": self.doc_lengths, "dates": self.dates, "labels": self.labels,
                "tokens": self.tokens, "edge_ok": self.edge_ok}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)

    def merge(self, right: PhraseStream) -> PhraseStream:
        """Append ``right`` (later in corpus order) to this stream, in place."""
        import numpy as np

        if self.index is None:
            self.index = {w: i for i, w in enumerate(self.words)}
        index, words = self.index, self.words
        mapping = np.empty(len(right.words) + 1, dtype=np.int32)
        for j, w in enumerate(right.words):
            i = index.get(w)
            if i is None:
                i = index[w] = len(words)
                words.append(w)
            mapping[j] = i
        mapping[-1] = -1  # the sentinel -1 indexes the last slot
        for chunk in right.chunks:
            self.chunks.append(mapping[np.frombuffer(chunk, dtype=np.int32)
                                       if isinstance(chunk, array) else chunk])
        self.doc_lengths.extend(right.doc_lengths)
        self.dates.extend(right.dates)
        self.labels.extend(right.labels)
        self.tokens += right.tokens
        return self


class PhraseStreamTask(Task):
    """Map: a batch's documents as sentences of token ids with the batch's own vocabulary, plus
    each document's date and ``by`` label; merge: concatenate in corpus order (see
    :class:`PhraseStream`); finish: the merged stream, with ``edge_ok`` = which words are
    listed (:meth:`Analyzer.listed`) when the tokenizer options filter anything."""

    def __init__(self, by: str | None = None) -> None:
        self.by = by

    def map(self, items: list[Item], analyzer: Analyzer) -> PhraseStream:
        out = PhraseStream()
        index: dict[str, int] = {}
        words = out.words
        ids = array("i")
        for it in items:
            start = len(ids)
            tokens = it.tok.tokens
            b = it.tok.bounds
            for s in range(len(b) - 1):
                for t in tokens[b[s]:b[s + 1]]:
                    i = index.get(t)
                    if i is None:
                        i = index[t] = len(words)
                        words.append(t)
                    ids.append(i)
                ids.append(-1)
            out.doc_lengths.append(len(ids) - start)
            out.dates.append(it.doc.date)
            out.labels.append(it.doc.get(self.by) if self.by else None)
            out.tokens += len(tokens)
        out.chunks.append(ids)
        return out

    def merge(self, left: PhraseStream, right: PhraseStream) -> PhraseStream:
        return left.merge(right)

    def finish(self, merged: PhraseStream, analyzer: Analyzer) -> PhraseStream:
        if merged.index is None and any(isinstance(c, array) for c in merged.chunks):
            merged = PhraseStream().merge(merged)  # a single batch: arrays to numpy
        if analyzer.filters_anything:
            merged.edge_ok = [analyzer.listed(w) for w in merged.words]
        return merged


def phrases(
    corpus: TkCorpus,
    options: AnalyzerOptions | None = None,
    *,
    min_n: int = 4,
    max_n: int = 32,
    min_count: int = 5,
    min_docs: int = 3,
    absorb: float = 0.9,
    mode: str = "families",
    by: str | None = None,
    sort: str = "docs",
    jobs: int | None = 1,
    progress: Any = None,
) -> list[dict[str, Any]]:
    """The recurring phrases of a corpus: :func:`find_phrases` on its token stream.

    The corpus is tokenized once by the engine (:class:`PhraseStreamTask`); stop words are
    kept unless ``options.stopwords`` names a list, in which case a phrase may not begin or end
    with a stop word (see :func:`find_phrases`, ``edge_ok``). ``per_million`` is per million word
    tokens of the corpus (all tokens). ``by`` (``year``, ``month``, ``week``, ``day`` or any
    metadata field) adds ``groups`` = ``{label: {"docs", "count"}}`` to every row. Rows are
    sorted by :func:`sort_rows` with ``sort``.
    """

    from .engine import run
    from .tokenize import AnalyzerOptions as _Options

    options = options or _Options()
    _check(min_n=min_n, max_n=max_n, min_count=min_count, min_docs=min_docs, absorb=absorb,
           mode=mode, corpus_tokens=None)
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; choose one of {', '.join(SORT_KEYS)}")
    (stream,) = run(corpus, options, [PhraseStreamTask(by)], jobs=jobs, progress=progress)
    return phrases_from_stream(stream, min_n=min_n, max_n=max_n, min_count=min_count, min_docs=min_docs,
                               absorb=absorb, mode=mode, with_groups=by is not None, sort=sort, release=True)


def phrases_from_stream(
    stream: Any,
    *,
    min_n: int = 4,
    max_n: int = 32,
    min_count: int = 5,
    min_docs: int = 3,
    absorb: float = 0.9,
    mode: str = "families",
    with_groups: bool = False,
    sort: str = "docs",
    release: bool = False,
) -> list[dict[str, Any]]:
    """The rows of :func:`phrases` from the merged result of a :class:`PhraseStreamTask`
    (for callers that run the task in a pass of their own, such as ``textkit report``).
    ``release``: drop the stream's chunks once copied (memory), leaving it unusable."""
    import numpy as np

    if stream is None or not stream.chunks:
        return []
    tok = np.concatenate([np.asarray(c, dtype=np.int32) for c in stream.chunks]).astype(np.int32, copy=False)
    if release:
        stream.chunks = []
    loaded = _Corpus.from_arrays(tok, np.frombuffer(stream.doc_lengths, dtype=np.int64),
                                 stream.dates, stream.labels if with_groups else None)
    rows = _find(loaded, stream.words, min_n=min_n, max_n=max_n, min_count=min_count,
                 min_docs=min_docs, absorb=absorb, mode=mode, corpus_tokens=stream.tokens,
                 with_groups=with_groups, edge_ok=stream.edge_ok)
    return sort_rows(rows, sort)
