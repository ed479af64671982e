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
* ``mode="families"`` (default): the flat phrases grouped by :func:`group_families`; a family is
  one row named after its most widespread member, its other members in ``variants``.

The computation is level-wise over integer ids (see ``docs/phrases-algorithm.md``): level n
holds the start positions whose n-gram qualifies and a dense id per qualifying n-gram; an
(n+1)-gram is only formed at a position p whose n-gram and whose n-gram at p+1 both qualify, and
is identified by the pair of those two ids, so candidates are counted with one sort (by key, then
document) per level and no string or tuple n-gram is ever built.

Length cap: sequences longer than ``max_n`` are not formed. At n = max_n only the (n+1)-gram at
p-1 counts as covering, so a recurring sequence longer than ``max_n`` is listed once, by its first
``max_n`` words, rather than by each of its max_n-word windows.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import Any

MODES = ("all", "flat", "families")
SORT_KEYS = ("docs", "count", "length")

#: Families: the longer phrase may exceed the shorter by this many words at its edges ...
FAMILY_MAX_EXTRA = 2
#: ... or by more, if the shorter one covers at least this share of the longer one's words.
FAMILY_MIN_SHARE = 0.75


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
        # date ranks: ISO dates sort as strings; -1 = undated
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

    Raises ``ValueError`` for bad arguments or token ids outside ``vocab``.
    """
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

    corpus = _Corpus(docs, len(vocab), group_of)
    if corpus.n_tokens == 0:
        return []
    base = float(corpus_tokens if corpus_tokens is not None else corpus.n_tokens)
    with_groups = group_of is not None

    rows: list[dict[str, Any]] = []
    if mode == "all":
        for level in _levels(corpus, max_n, min_count, min_docs):
            if level.n >= min_n:
                rows.extend(_rows(level, level.count > 0, corpus, vocab, base, with_groups))
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
        return group_families(rows)
    return sort_rows(rows, "docs")


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
    """The phrase as written and with a possessive ``'s`` removed from its last word."""
    if not words:
        return set()
    return {tuple(words), (*words[:-1], _strip_possessive(words[-1]))}


def _may_link(short: int, long: int) -> bool:
    """Length condition of the family link: the longer phrase has at most FAMILY_MAX_EXTRA more
    words, or the shorter has at least FAMILY_MIN_SHARE of the longer's words."""
    return long - short <= FAMILY_MAX_EXTRA or short >= FAMILY_MIN_SHARE * long


def _windows(words: Sequence[str], min_len: int, max_len: int):
    """Every contiguous run of ``words`` (both forms) with min_len <= length <= max_len whose
    length passes :func:`_may_link` against the whole phrase."""
    m = len(words)
    for form in _forms(words):
        for k in range(max(min_len, 1), min(max_len, m) + 1):
            if _may_link(k, m):
                for o in range(m - k + 1):
                    yield form[o:o + k]


def phrase_links(a: str, b: str) -> bool:
    """True when phrases ``a`` and ``b`` belong in one family (the rule of :func:`group_families`).

    With S the shorter and L the longer (in words; either when equally long): S occurs as a
    contiguous run of L, each of them taken as written or with a possessive ``'s`` removed from its
    *last* word ("kim jong il" ~ "leader kim jong il's"; but "of the korean people" is not in
    "of the korean people's army"), and ``len(L) - len(S) <= 2`` or ``len(S) >= 0.75 * len(L)``.
    A phrase does not link to itself.
    """
    wa, wb = a.split(), b.split()
    if wa == wb or not wa or not wb:
        return False
    s, lg = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not _may_link(len(s), len(lg)):
        return False
    k = len(s)
    return any(form[o:o + k] == fs for fs in _forms(s) for form in _forms(lg)
               for o in range(len(lg) - k + 1))


def _priority(row: dict[str, Any]) -> tuple:
    """Head order: most documents, then most occurrences, then longer, then alphabetical."""
    return (-row["docs"], -row["count"], -len(row["phrase"].split()), row["phrase"])


def group_families(phrases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group near-identical phrases into families; one row per family.

    Rule (see :func:`phrase_links`): two phrases link when one contains the other -- each taken
    as written or with a possessive ``'s`` removed from its last word -- and the longer one has at
    most 2 extra words (necessarily at its edges) or the shorter covers >= 75% of its words.

    No chaining: the phrases are visited in head order (docs desc, count desc, longer first,
    phrase); each one joins the existing family *head* it links to -- the head whose length is
    closest to its own, ties to the earlier head -- or else founds a new family. Links between
    non-head members are never followed, so "the centenary of the birth of president kim il sung"
    and "the great leader president kim il sung" can share a name without sharing a family.

    The family row is a copy of its head's row (its count, docs, dates and groups are the head's
    own, not sums: the members' occurrences overlap) with ``variants`` = the other members as
    ``{"phrase", "count", "docs"}`` in head order. Rows are sorted by docs desc, count desc, phrase.
    """
    order = sorted(range(len(phrases)), key=lambda i: _priority(phrases[i]))
    words = [phrases[i]["phrase"].split() for i in range(len(phrases))]
    # window (either form) of a head -> heads having it as a run they may link through
    runs_of_heads: dict[tuple[str, ...], list[int]] = {}
    # either form of a whole head -> heads
    head_forms: dict[tuple[str, ...], list[int]] = {}
    head_rank: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for i in order:
        w = words[i]
        m = len(w)
        candidates: set[int] = set()
        for form in _forms(w):  # heads at least as long that contain this phrase
            candidates.update(runs_of_heads.get(form, ()))
        for run in _windows(w, 1, m):  # heads no longer than this phrase that it contains
            candidates.update(head_forms.get(run, ()))
        candidates = {h for h in candidates if words[h] != w and phrase_links(
            phrases[h]["phrase"], phrases[i]["phrase"])}
        if candidates:
            best = min(candidates, key=lambda h: (abs(len(words[h]) - m), head_rank[h]))
            members[best].append(i)
            continue
        head_rank[i] = len(head_rank)
        members[i] = []
        for form in _forms(w):
            head_forms.setdefault(form, []).append(i)
        for run in set(_windows(w, 1, m)):
            runs_of_heads.setdefault(run, []).append(i)
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
