"""Term frequencies with dispersion: the core of ``textkit freq``.

One row per term (a listed token, or a word n-gram): its ``count``, ``per_million``
(count per million word tokens of the corpus or group), ``docs`` (documents holding
it), three dispersion measures over the corpus parts and ``rank``.

Counting
    The token stream of every document is read once (one :class:`~textkit.engine.Task`).
    For each token position the map step records the id of the term that *starts* there
    (``-1`` for none) in a per-batch vocabulary, as an ``int32`` array; it also records
    each document's size in tokens and its group. Everything else (counts, documents,
    parts, groups) is cut from those arrays in ``finish``, so grouping never
    re-tokenizes and ``--parts N`` (whose boundaries depend on the corpus size, known
    only at the end) is exact without a second pass. Memory: 4 bytes per word token of
    the corpus plus one vocabulary entry per distinct term (the 1.68 M tokens of KCNA
    2011 take 6.7 MB of ids).

Terms
    A unigram is a token that :meth:`~textkit.tokenize.Analyzer.listed` accepts (stop
    words are kept by default, as in AntConc). An n-gram is ``n`` consecutive tokens of
    one sentence joined by one space; it is built over the full token stream and listed
    only when every one of its words is listed, so removing stop words never makes two
    words adjacent that were not (AntConc builds n-grams over all tokens: with no stop
    list the two agree). n-grams never cross a sentence boundary.

Sizes
    ``per_million`` = count × 10⁶ / S, S the number of word tokens of the corpus (or of
    the group) before any filter, for n-grams too. A part's size ``s_i`` for dispersion is
    likewise its number of word tokens; an n-gram belongs to the part of its first word.

Dispersion (formulas in :mod:`textkit.measures.dispersion`, computed there)
    - DP = ½ Σ_i |v_i/f − s_i/S| (Gries 2008), DP_norm = DP / (1 − min_i s_i/S)
      (Lijffijt & Gries 2012);
    - Juilland's D = 1 − (σ/μ)/√(n − 1) over the relative frequencies v_i/s_i of the n
      parts, σ the population standard deviation (Juilland & Chang-Rodríguez 1964).

    The parts are the documents of the corpus (or group); ``parts=N`` cuts the token
    stream (of the group) into N parts of equal size instead: part k (0-based) of a
    stream of S tokens holds tokens ⌊k·S/N⌋ to ⌊(k+1)·S/N⌋ − 1, so sizes differ by at
    most one. Documents
    (parts) without a token are not parts (see the measures module). The three values are
    rounded to 12 decimals, which removes floating-point noise such as a DP of 1e-16 for
    a perfectly even term; they are ``None`` where undefined (a single part).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus
from .engine import Columns, Item, Task, run
from .errors import EmptyResultError
from .tokenize import Analyzer, AnalyzerOptions

FREQ_COLUMNS = ["term", "count", "per_million", "docs", "dp", "dp_norm", "juilland_d", "rank"]
DISPERSION_COLUMNS = ["term", "count", "parts", "dp", "dp_norm", "juilland_d"]
ROUND = 12

Warn = Callable[[str], None]


def freq_columns(by: str | None) -> list[str]:
    """The columns of :func:`term_frequencies` rows (``group`` first when grouped)."""
    return (["group"] if by else []) + FREQ_COLUMNS


@dataclass
class FreqPartial:
    """Mergeable counts: (document, term, count) triples, document sizes and groups.

    ``tid``, ``doc`` and ``cnt`` are lists of ``int32`` arrays (one per batch, in corpus
    order): term ``tid[k]`` (an index into ``terms``) occurs ``cnt[k]`` times in document
    ``doc[k]`` (numbered from 0 within this partial). With ``positions`` (``--parts``),
    ``pos_ids`` also hold the id of the term starting at every token position (``-1``
    where none does). ``index`` (term → id) is built on the first merge (map results,
    which workers send, do not carry it).
    """

    terms: list[str] = field(default_factory=list)
    tid: list[Any] = field(default_factory=list)
    doc: list[Any] = field(default_factory=list)
    cnt: list[Any] = field(default_factory=list)
    pos_ids: list[Any] | None = None
    doc_tokens: array = field(default_factory=lambda: array("q"))
    groups: list[str | None] = field(default_factory=list)
    labels: list[tuple] = field(default_factory=list)  # (id, title) per document, when asked for
    index: dict[str, int] | None = None


class _Ids(dict):
    """term → id; a new term gets the next id (ids in order of insertion)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _triples(ids: Any, ntok: Any, n_terms: int) -> tuple[Any, Any, Any]:
    """(document, term, count) of the term ids at every token position (``-1``: none),
    documents of ``ntok`` tokens one after another; sorted by document, then term."""
    import numpy as np

    width = max(n_terms, 1)
    small = len(ntok) * width < 2**31  # keys fit in int32 (faster to sort)
    kind = np.int32 if small else np.int64
    doc = np.repeat(np.arange(len(ntok), dtype=kind), ntok)
    hit = ids >= 0
    if not hit.all():
        doc, ids = doc[hit], ids[hit]
    # keys come mostly in runs (documents in order): a stable sort (radix/timsort) is
    # quick on them; equal neighbours are then counted
    key = np.sort(doc * kind(width) + ids.astype(kind, copy=False), kind="stable")
    if not len(key):
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, empty
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    cnt = np.diff(np.append(starts, len(key)))
    key = key[starts]
    return (key // width).astype(np.int32), (key % width).astype(np.int32), cnt.astype(np.int32)


class FreqTask(Task):
    """Per-document term counts (unigrams or n-grams), document sizes and groups;
    with ``positions``, also the term at every token position (for ``--parts``)."""

    preload = ("numpy",)

    def __init__(self, ngram: int = 1, by: str | None = None, positions: bool = False, labels: bool = False) -> None:
        if ngram < 1:
            raise ValueError(f"ngram must be at least 1, got {ngram}")
        self.ngram = ngram
        self.by = by
        self.positions = positions
        self.labels = labels
        # unigrams are counted straight from the token ids (cached or fresh)
        self.columnar = ngram == 1

    def _partial(self, terms: list[str], ids: Any, ntok: Any, docs: list) -> FreqPartial:
        import numpy as np

        doc, tid, cnt = _triples(ids, np.asarray(ntok, dtype=np.int64), len(terms))
        by = self.by
        return FreqPartial(
            terms=terms, tid=[tid], doc=[doc], cnt=[cnt],
            pos_ids=[ids.astype(np.int32)] if self.positions else None,
            doc_tokens=array("q", ntok),
            groups=[d.get(by) for d in docs] if by else [None] * len(docs),
            labels=[(d.id, d.title) for d in docs] if self.labels else [],
        )

    def map_columns(self, segments: list[Columns], analyzer: Analyzer) -> FreqPartial:
        import numpy as np

        out: FreqPartial | None = None
        for seg in segments:
            ids = np.frombuffer(seg.ids, dtype=np.uint32).astype(np.int64)
            part = self._partial(seg.vocab, ids, seg.ntok, seg.docs)
            out = part if out is None else self.merge(out, part)
        return out if out is not None else FreqPartial(pos_ids=[] if self.positions else None)

    def map(self, items: list[Item], analyzer: Analyzer) -> FreqPartial:
        import numpy as np

        if self.ngram == 1:
            return self.map_columns([Columns.from_items(items)] if items else [], analyzer)
        # n-grams: the id of the n-gram starting at each position (-1 for none)
        vocab: dict[str, int] = {}
        ids = array("i")
        n = self.ngram
        listed = analyzer.listed
        for it in items:
            toks = it.tok.tokens
            bounds = it.tok.bounds
            ok = [listed(t) for t in toks]
            out = [-1] * len(toks)
            for s in range(len(bounds) - 1):
                lo, hi = bounds[s], bounds[s + 1]
                for p in range(lo, hi - n + 1):
                    if all(ok[p : p + n]):
                        gram = " ".join(toks[p : p + n])
                        i = vocab.get(gram)
                        if i is None:
                            i = vocab[gram] = len(vocab)
                        out[p] = i
            ids.extend(out)
        ntok = [len(it.tok.tokens) for it in items]
        return self._partial(list(vocab), np.frombuffer(ids, dtype=np.int32).astype(np.int64), ntok, [it.doc for it in items])

    def merge(self, left: FreqPartial, right: FreqPartial) -> FreqPartial:
        import numpy as np

        if left.index is None:
            left.index = _Ids((t, i) for i, t in enumerate(left.terms))
        index = left.index
        terms = left.terms
        # one C-level pass: known terms map to their ids, new ones get the next ids
        mapping = np.array([*map(index.__getitem__, right.terms), -1], dtype=np.int32)  # id -1 stays -1
        if len(index) > len(terms):
            terms.extend(itertools.islice(index, len(terms), None))
        offset = len(left.doc_tokens)
        left.tid.extend(mapping[t] for t in right.tid)
        left.doc.extend(d + np.int32(offset) for d in right.doc)
        left.cnt.extend(right.cnt)
        if left.pos_ids is not None and right.pos_ids is not None:
            left.pos_ids.extend(mapping[c] for c in right.pos_ids)
        left.doc_tokens.extend(right.doc_tokens)
        left.groups.extend(right.groups)
        left.labels.extend(right.labels)
        return left

    def finish(self, merged: FreqPartial, analyzer: Analyzer) -> FreqCounts:
        import numpy as np

        def cat(chunks: list[Any]) -> Any:
            return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)

        terms = merged.terms
        # concatenated one column at a time, each column's pieces freed at once
        tid = cat(merged.tid)
        merged.tid = []
        doc = cat(merged.doc)
        merged.doc = []
        cnt = cat(merged.cnt)
        merged.cnt = []
        doc_len = np.frombuffer(merged.doc_tokens, dtype=np.int64) if len(merged.doc_tokens) else np.zeros(0, dtype=np.int64)
        keep = None
        if self.ngram == 1 and len(terms):
            listed = analyzer.listed
            keep = np.fromiter((listed(t) for t in terms), dtype=bool, count=len(terms))
            sel = keep[tid]
            tid, doc, cnt = tid[sel], doc[sel], cnt[sel]
        pos = ptid = None
        if merged.pos_ids is not None:
            ids = cat(merged.pos_ids)
            merged.pos_ids = []
            pos = np.flatnonzero(ids >= 0)
            ptid = ids[pos]
            if keep is not None:
                sel = keep[ptid]
                pos, ptid = pos[sel], ptid[sel]
        return FreqCounts(terms, tid, doc, cnt, doc_len, list(merged.groups), self.by, pos, ptid, merged.labels)


@dataclass
class FreqCounts:
    """The counts of every listed term: triples (``tid``, ``doc``, ``cnt``) saying that
    term ``tid`` occurs ``cnt`` times in document ``doc`` (in corpus order), the
    documents' sizes ``doc_len`` and their values ``groups`` of the field ``by``
    (``None`` when not grouped); with positions (``--parts``) also every occurrence's
    token position ``pos`` in the corpus stream and term ``pos_tid``."""

    terms: list[str]
    tid: Any
    doc: Any
    cnt: Any
    doc_len: Any
    groups: list[str | None]
    by: str | None = None
    pos: Any = None
    pos_tid: Any = None
    labels: list[tuple] = field(default_factory=list)


@dataclass
class GroupTable:
    """Counts of one group: per-term totals and documents, and the (term, part, count)
    entries and part sizes that dispersion is computed from."""

    group: str | None
    tokens: int
    term_ids: Any  # global term ids of the rows below
    counts: Any
    docs: Any
    part_rows: Any  # global term ids of the entries
    part_cols: Any
    part_counts: Any
    part_sizes: Any
    n_terms: int = 0


def group_tables(counts: FreqCounts, *, parts: int | None = None, warn: Warn | None = None) -> list[GroupTable]:
    """Cut the counts into groups (sorted by key) and, per group, into parts.

    Documents without a value for the grouping field are left out (``warn`` says how
    many).
    """
    import numpy as np

    by = counts.by
    doc_len = counts.doc_len
    n_docs = len(doc_len)
    n_terms = len(counts.terms)
    if parts and counts.pos is None:
        raise ValueError("parts need the counts of FreqTask(positions=True)")
    doc_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(doc_len, out=doc_start[1:])

    def table(key: str | None, docs_g: Any, sel: Any) -> GroupTable:
        # docs_g: the group's documents (corpus order); sel: its entries
        tid = counts.tid if sel is None else counts.tid[sel]
        doc = counts.doc if sel is None else counts.doc[sel]
        cnt = counts.cnt if sel is None else counts.cnt[sel]
        if docs_g is None:
            sizes_docs = doc_len
            dloc = doc
            n_cols = n_docs
        else:
            local = np.full(n_docs, -1, dtype=np.int32)
            local[docs_g] = np.arange(len(docs_g), dtype=np.int32)
            dloc = local[doc]
            n_cols = len(docs_g)
            sizes_docs = doc_len[docs_g]
        total = int(sizes_docs.sum())
        term_counts = np.bincount(tid, weights=cnt, minlength=n_terms).astype(np.int64)
        term_docs = np.bincount(tid, minlength=n_terms).astype(np.int64)
        present = np.flatnonzero(term_counts)
        if parts:
            # the position of each occurrence in the group's own token stream
            pos, ptid = counts.pos, counts.pos_tid
            pdoc = np.searchsorted(doc_start, pos, side="right") - 1
            if docs_g is not None:
                ok = local[pdoc] >= 0
                pos, ptid, pdoc = pos[ok], ptid[ok], pdoc[ok]
            gstart = np.zeros(n_cols + 1, dtype=np.int64)
            np.cumsum(sizes_docs, out=gstart[1:])
            pdl = pdoc if docs_g is None else local[pdoc]
            gpos = gstart[pdl] + (pos - doc_start[pdoc])
            bounds = (np.arange(parts + 1, dtype=np.int64) * total) // parts
            part = np.searchsorted(bounds, gpos, side="right") - 1
            key_, pc = np.unique(ptid.astype(np.int64) * parts + part, return_counts=True)
            rows, cols, vals = key_ // parts, key_ % parts, pc
            part_sizes = np.diff(bounds)
        else:
            rows, cols, vals = tid, dloc, cnt
            part_sizes = sizes_docs
        return GroupTable(key, total, present, term_counts[present], term_docs[present],
                          rows, cols, vals, part_sizes, n_terms)

    if not by:
        return [table(None, None, None)] if n_docs else []

    keys = sorted({g for g in counts.groups if g is not None})
    if n_docs and not keys:
        raise EmptyResultError(f"no selected document has a value for {by!r}")
    missing = sum(1 for g in counts.groups if g is None)
    if missing and warn is not None:
        warn(f"note: {missing} document{'s' if missing != 1 else ''} without a {by} left out")
    key_index = {k: i for i, k in enumerate(keys)}
    doc_group = np.fromiter(
        (key_index[g] if g is not None else -1 for g in counts.groups), dtype=np.int32, count=n_docs
    )
    ent_group = doc_group[counts.doc]
    order = np.argsort(ent_group, kind="stable")  # corpus order within each group
    cuts = np.searchsorted(ent_group[order], np.arange(len(keys) + 1))
    doc_order = np.argsort(doc_group, kind="stable")
    doc_cuts = np.searchsorted(doc_group[doc_order], np.arange(len(keys) + 1))
    return [
        table(key, doc_order[doc_cuts[g] : doc_cuts[g + 1]], order[cuts[g] : cuts[g + 1]])
        for g, key in enumerate(keys)
    ]


def _measures(table: GroupTable, rows: Any) -> tuple[Any, Any, Any]:
    """DP, DP_norm and Juilland's D of the table's rows ``rows`` (rounded; NaN = undefined)."""
    import numpy as np

    from .measures.dispersion import dispersion_triples

    if len(rows) == 0 or table.tokens == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    dp, dp_norm, d = dispersion_triples(table.part_rows, table.part_cols, table.part_counts,
                                        table.part_sizes, table.n_terms)
    pick = table.term_ids[rows]
    return np.round(dp[pick], ROUND), np.round(dp_norm[pick], ROUND), np.round(d[pick], ROUND)


def _nums(values: Any) -> list[float | None]:
    """Python floats, None for NaN (undefined)."""
    return [None if v != v else v for v in values.tolist()]


def frequency_rows(
    counts: FreqCounts,
    *,
    parts: int | None = None,
    min_count: int = 1,
    min_docs: int = 1,
    top: int = 0,
    warn: Warn | None = None,
) -> list[dict]:
    """Rows of :func:`term_frequencies` from counted occurrences (see there)."""
    import numpy as np

    out: list[dict] = []
    terms = counts.terms
    by = counts.by
    for table in group_tables(counts, parts=parts, warn=warn):
        keep = np.flatnonzero((table.counts >= max(min_count, 1)) & (table.docs >= min_docs))
        cnt = table.counts.tolist()
        tids = table.term_ids.tolist()
        docs = table.docs.tolist()
        order = sorted(keep.tolist(), key=lambda r: (-cnt[r], terms[tids[r]]))
        if top:
            order = order[:top]
        rows = np.asarray(order, dtype=np.int64)
        dp, dp_norm, d = (_nums(x) for x in _measures(table, rows))
        tokens = table.tokens
        group = table.group
        for rank, (r, a, b, c) in enumerate(zip(order, dp, dp_norm, d, strict=True), start=1):
            count = cnt[r]
            row = {
                "term": terms[tids[r]],
                "count": count,
                "per_million": count * 1_000_000 / tokens if tokens else 0.0,
                "docs": docs[r],
                "dp": a,
                "dp_norm": b,
                "juilland_d": c,
                "rank": rank,
            }
            out.append({"group": group, **row} if by else row)
    return out


def count_terms(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    ngram: int = 1,
    by: str | None = None,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    positions: bool = False,
) -> FreqCounts:
    """Read and tokenize ``corpus`` once and return the counts of every listed term
    (with ``positions``, also where each occurrence is: needed for ``parts``)."""
    (counts,) = run(corpus, options or AnalyzerOptions(), [FreqTask(ngram, by, positions)], jobs=jobs, progress=progress)
    return counts


def _check(ngram: int, parts: int | None, min_count: int, min_docs: int, top: int) -> None:
    if ngram < 1:
        raise ValueError(f"ngram must be at least 1, got {ngram}")
    if parts is not None and parts < 1:
        raise ValueError(f"parts must be at least 1, got {parts}")
    if min_count < 0 or min_docs < 0 or top < 0:
        raise ValueError("min_count, min_docs and top must not be negative")


def term_frequencies(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    ngram: int = 1,
    by: str | None = None,
    parts: int | None = None,
    min_count: int = 1,
    min_docs: int = 1,
    top: int = 0,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    warn: Warn | None = None,
) -> list[dict]:
    """Term frequencies with dispersion, one row per term (per group with ``by``).

    Rows have the fields of :data:`FREQ_COLUMNS` (``group`` first when ``by`` is given):
    ``term``; ``count``; ``per_million`` = count × 10⁶ / S with S the word tokens of the
    corpus or group (before filters); ``docs``, the documents holding the term; ``dp``
    (Gries 2008), ``dp_norm`` (Lijffijt & Gries 2012) and ``juilland_d`` (Juilland &
    Chang-Rodríguez 1964) over the documents, or over ``parts`` equal slices of the
    token stream; and ``rank`` 1, 2, 3 … in the order (-count, term), per group.

    ``ngram`` counts word n-grams (listed when all their words are listed; never across
    a sentence); ``by`` groups by a document field (``year``, ``month``, ``week``,
    ``day``, ``source`` …; groups sorted by key, documents without the field left out
    and reported through ``warn``); ``min_count``, ``min_docs`` and ``top`` (0 = all)
    apply per group. Raises ``ValueError`` for bad numbers and
    :class:`~textkit.errors.EmptyResultError` when no document has the ``by`` field.
    """
    _check(ngram, parts, min_count, min_docs, top)
    counts = count_terms(corpus, options, ngram=ngram, by=by, jobs=jobs, progress=progress, positions=parts is not None)
    return frequency_rows(counts, parts=parts, min_count=min_count, min_docs=min_docs, top=top, warn=warn)


def dispersion(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    terms: Sequence[str] | None = None,
    ngram: int = 1,
    by: str | None = None,
    parts: int | None = None,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
    warn: Warn | None = None,
) -> list[dict]:
    """Dispersion of terms over the parts of the corpus (or of each group).

    One row per term (``group`` first with ``by``): ``term``, ``count``, ``parts`` (the
    number of parts with at least one token: documents, or the ``parts`` slices),
    ``dp``, ``dp_norm`` and ``juilland_d`` as in :func:`term_frequencies`. ``terms``
    restricts the rows to those terms, given as the analyzer writes them (lower-cased
    unless ``lowercase`` is off; n-grams joined by one space); a term that does not occur
    gets a row with count 0 and no dispersion (``None``). Without ``terms``, every term,
    ordered by (-count, term).
    """
    import numpy as np

    _check(ngram, parts, 0, 0, 0)
    counts = count_terms(corpus, options, ngram=ngram, by=by, jobs=jobs, progress=progress, positions=parts is not None)
    out: list[dict] = []
    wanted = list(dict.fromkeys(terms)) if terms is not None else None
    for table in group_tables(counts, parts=parts, warn=warn):
        names = [counts.terms[i] for i in table.term_ids.tolist()]
        if wanted is None:
            order = sorted(range(len(names)), key=lambda r: (-int(table.counts[r]), names[r]))
            picked: list[tuple[str, int | None]] = [(names[r], r) for r in order]
        else:
            where = {t: r for r, t in enumerate(names)}
            picked = [(t, where.get(t)) for t in wanted]
        rows = np.asarray([r for _, r in picked if r is not None], dtype=np.int64)
        dp, dp_norm, d = (_nums(x) for x in _measures(table, rows))
        values = iter(zip(dp, dp_norm, d, strict=True))
        n_parts = int(np.count_nonzero(np.asarray(table.part_sizes) > 0))
        for term, r in picked:
            a = b = c = None
            count = 0
            if r is not None:
                a, b, c = next(values)
                count = int(table.counts[r])
            row: dict = {"group": table.group} if by else {}
            row.update(term=term, count=count, parts=n_parts, dp=a, dp_norm=b, juilland_d=c)
            out.append(row)
    return out


def dispersion_columns(by: str | None) -> list[str]:
    """The columns of :func:`dispersion` rows."""
    return (["group"] if by else []) + DISPERSION_COLUMNS
