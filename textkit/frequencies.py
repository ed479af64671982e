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

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus
from .engine import Item, Task, run
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
    """Mergeable counts: term ids by token position, document sizes and groups.

    ``chunks`` hold, batch by batch in corpus order, the id (into ``terms``) of the term
    starting at each token position, ``-1`` where none does. ``index`` (term → id) is
    built on the first merge (map results, which workers send, do not carry it).
    """

    terms: list[str] = field(default_factory=list)
    chunks: list[Any] = field(default_factory=list)
    doc_tokens: array = field(default_factory=lambda: array("q"))
    groups: list[str | None] = field(default_factory=list)
    index: dict[str, int] | None = None


class FreqTask(Task):
    """Term ids at every token position (unigrams or n-grams), per-document sizes and groups."""

    def __init__(self, ngram: int = 1, by: str | None = None) -> None:
        if ngram < 1:
            raise ValueError(f"ngram must be at least 1, got {ngram}")
        self.ngram = ngram
        self.by = by

    def map(self, items: list[Item], analyzer: Analyzer) -> FreqPartial:
        vocab: dict[str, int] = {}
        ids = array("i")
        doc_tokens = array("q")
        groups: list[str | None] = []
        n = self.ngram
        by = self.by
        if n == 1:
            # every token gets an id (types in order of first use); which are listed is
            # decided once per term in finish
            stream: list[str] = []
            for it in items:
                stream.extend(it.tok.tokens)
                doc_tokens.append(len(it.tok.tokens))
                groups.append(it.doc.get(by) if by else None)
            vocab = {t: i for i, t in enumerate(dict.fromkeys(stream))}
            ids = array("i", map(vocab.__getitem__, stream))
        else:
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
                doc_tokens.append(len(toks))
                groups.append(it.doc.get(by) if by else None)
        return FreqPartial(terms=list(vocab), chunks=[ids], doc_tokens=doc_tokens, groups=groups)

    def merge(self, left: FreqPartial, right: FreqPartial) -> FreqPartial:
        import numpy as np

        if left.index is None:
            left.index = {t: i for i, t in enumerate(left.terms)}
        index = left.index
        terms = left.terms
        mapping = np.empty(len(right.terms) + 1, dtype=np.int32)
        for j, t in enumerate(right.terms):
            i = index.get(t)
            if i is None:
                i = index[t] = len(terms)
                terms.append(t)
            mapping[j] = i
        mapping[-1] = -1  # id -1 (no term) stays -1
        for chunk in right.chunks:
            left.chunks.append(mapping[np.frombuffer(chunk, dtype=np.int32) if isinstance(chunk, array) else chunk])
        left.doc_tokens.extend(right.doc_tokens)
        left.groups.extend(right.groups)
        return left

    def finish(self, merged: FreqPartial, analyzer: Analyzer) -> FreqCounts:
        import numpy as np

        chunks = [
            np.frombuffer(c, dtype=np.int32) if isinstance(c, array) else np.asarray(c, dtype=np.int32)
            for c in merged.chunks
        ]
        ids = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        terms = merged.terms
        doc_len = np.frombuffer(merged.doc_tokens, dtype=np.int64) if len(merged.doc_tokens) else np.zeros(0, dtype=np.int64)
        pos = np.flatnonzero(ids >= 0)
        tid = ids[pos]
        if self.ngram == 1 and len(terms):
            listed = analyzer.listed
            keep = np.fromiter((listed(t) for t in terms), dtype=bool, count=len(terms))
            sel = keep[tid]
            pos, tid = pos[sel], tid[sel]
        return FreqCounts(terms, pos, tid, doc_len, list(merged.groups), self.by)


@dataclass
class FreqCounts:
    """Every occurrence of a listed term: its token position ``pos`` in the corpus stream
    and its term id ``tid``; the documents' sizes ``doc_len`` and their values ``groups``
    of the field ``by`` (``None`` when not grouped)."""

    terms: list[str]
    pos: Any
    tid: Any
    doc_len: Any
    groups: list[str | None]
    by: str | None = None


@dataclass
class GroupTable:
    """Counts of one group: per-term totals, documents, the terms × parts matrix and sizes."""

    group: str | None
    tokens: int
    term_ids: Any  # global term ids of the rows below
    counts: Any
    docs: Any
    parts_matrix: Any  # scipy CSR, rows = term_ids, columns = parts
    part_sizes: Any


def group_tables(counts: FreqCounts, *, parts: int | None = None, warn: Warn | None = None) -> list[GroupTable]:
    """Cut the occurrences into groups (sorted by key) and, per group, into parts.

    Documents without a value for the grouping field are left out (``warn`` says how
    many).
    """
    import numpy as np
    import scipy.sparse as sp

    by = counts.by
    doc_len = counts.doc_len
    n_docs = len(doc_len)
    doc_start = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(doc_len, out=doc_start[1:])
    doc_of = (np.searchsorted(doc_start, counts.pos, side="right") - 1).astype(np.int32)
    n_terms = len(counts.terms)

    def table(key: str | None, docs_g: Any, sel: Any) -> GroupTable:
        # docs_g: the group's documents (corpus order); sel: its occurrences (corpus order)
        tid = counts.tid if sel is None else counts.tid[sel]
        doc = doc_of if sel is None else doc_of[sel]
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
        # the group's terms, in id order, as matrix rows
        term_counts = np.bincount(tid, minlength=n_terms)
        present = np.flatnonzero(term_counts)
        remap = np.zeros(n_terms, dtype=np.int32)
        remap[present] = np.arange(len(present), dtype=np.int32)
        row = remap[tid]
        ones = np.ones(len(tid), dtype=np.int32)
        by_doc = sp.coo_matrix((ones, (row, dloc)), shape=(len(present), n_cols)).tocsr()
        by_doc.sum_duplicates()
        term_docs = np.diff(by_doc.indptr).astype(np.int64)
        if parts:
            # the position of each occurrence in the group's own token stream
            gstart = np.zeros(n_cols + 1, dtype=np.int64)
            np.cumsum(sizes_docs, out=gstart[1:])
            pos = counts.pos if sel is None else counts.pos[sel]
            gpos = gstart[dloc] + (pos - doc_start[doc])
            bounds = (np.arange(parts + 1, dtype=np.int64) * total) // parts
            part = np.searchsorted(bounds, gpos, side="right") - 1
            part_sizes = np.diff(bounds)
            matrix = sp.coo_matrix((ones, (row, part)), shape=(len(present), parts)).tocsr()
            matrix.sum_duplicates()
        else:
            part_sizes = sizes_docs
            matrix = by_doc
        return GroupTable(key, total, present, term_counts[present].astype(np.int64), term_docs, matrix, part_sizes)

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
    occ_group = doc_group[doc_of]
    order = np.argsort(occ_group, kind="stable")  # corpus order within each group
    cuts = np.searchsorted(occ_group[order], np.arange(len(keys) + 1))
    doc_order = np.argsort(doc_group, kind="stable")
    doc_cuts = np.searchsorted(doc_group[doc_order], np.arange(len(keys) + 1))
    return [
        table(key, doc_order[doc_cuts[g] : doc_cuts[g + 1]], order[cuts[g] : cuts[g + 1]])
        for g, key in enumerate(keys)
    ]


def _measures(table: GroupTable, rows: Any) -> tuple[Any, Any, Any]:
    """DP, DP_norm and Juilland's D of the selected matrix rows (rounded; NaN = undefined)."""
    import numpy as np

    from .measures.dispersion import dispersion_matrix

    if len(rows) == 0 or table.tokens == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    dp, dp_norm, d = dispersion_matrix(table.parts_matrix[rows], table.part_sizes)
    return np.round(dp, ROUND), np.round(dp_norm, ROUND), np.round(d, ROUND)


def _num(value: float) -> float | None:
    """A Python float, or None for NaN (undefined)."""
    value = float(value)
    return None if value != value else value


def _per_million(count: int, tokens: int) -> float:
    """count × 10⁶ / tokens (one rounding); 0.0 for an empty corpus."""
    return count * 1_000_000 / tokens if tokens else 0.0


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
        dp, dp_norm, d = _measures(table, rows)
        for rank, (r, a, b, c) in enumerate(zip(order, dp.tolist(), dp_norm.tolist(), d.tolist(), strict=True), start=1):
            count = cnt[r]
            row: dict = {"group": table.group} if by else {}
            row.update(
                term=terms[tids[r]],
                count=count,
                per_million=_per_million(count, table.tokens),
                docs=docs[r],
                dp=_num(a),
                dp_norm=_num(b),
                juilland_d=_num(c),
                rank=rank,
            )
            out.append(row)
    return out


def count_terms(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    ngram: int = 1,
    by: str | None = None,
    jobs: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
) -> FreqCounts:
    """Read and tokenize ``corpus`` once and return every occurrence of a listed term."""
    (counts,) = run(corpus, options or AnalyzerOptions(), [FreqTask(ngram, by)], jobs=jobs, progress=progress)
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
    counts = count_terms(corpus, options, ngram=ngram, by=by, jobs=jobs, progress=progress)
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
    counts = count_terms(corpus, options, ngram=ngram, by=by, jobs=jobs, progress=progress)
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
        dp, dp_norm, d = _measures(table, rows)
        values = iter(zip(dp.tolist(), dp_norm.tolist(), d.tolist(), strict=True))
        n_parts = int(np.count_nonzero(np.asarray(table.part_sizes) > 0))
        for term, r in picked:
            a = b = c = float("nan")
            count = 0
            if r is not None:
                a, b, c = next(values)
                count = int(table.counts[r])
            row: dict = {"group": table.group} if by else {}
            row.update(term=term, count=count, parts=n_parts, dp=_num(a), dp_norm=_num(b), juilland_d=_num(c))
            out.append(row)
    return out


def dispersion_columns(by: str | None) -> list[str]:
    """The columns of :func:`dispersion` rows."""
    return (["group"] if by else []) + DISPERSION_COLUMNS
