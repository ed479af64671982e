"""TF-IDF keywords: textkit's tokens, scikit-learn's weighting.

The analyzer lists the terms of each document (stop words, ``min_length`` and
``no_numbers`` applied; n-grams built inside sentences, see :func:`ngram_terms`);
a :class:`KeywordsTask` counts them per document (or per group) in mergeable
pieces; :func:`weigh` applies scikit-learn's ``TfidfVectorizer`` weighting to
them, step for step in NumPy (tested against scikit-learn itself), so the
command does not pay for importing scikit-learn and SciPy.

The weight of term t in document d (scikit-learn's defaults)::

    tf(t, d)  = count of t in d                       (1 + ln tf with sublinear_tf)
    idf(t)    = ln((1 + n) / (1 + df(t))) + 1         (smooth_idf, the default)
              = ln(n / df(t)) + 1                     (smooth_idf=False)
    w(t, d)   = tf(t, d) · idf(t), then each document's vector divided by its
                Euclidean norm (norm="l2"), by the sum of its weights (norm="l1"),
                or left as it is (norm=None)

with n the number of documents and df(t) the number of documents containing t
(scikit-learn user guide, "Tf–idf term weighting", section 6.2.3.4). The
textbook idf is ln(n / df) without the "+ 1"; quanteda's ``dfm_tfidf`` uses
log10(n / df) with neither smoothing nor normalisation (on "a", "a b", "a c" it
gives b = c = log10(3) = 0.4771213).

Class-based TF-IDF (``by``): the documents of each group are added together and
each group is weighed as one document by the same formula (n = the number of
groups). This is the idea of BERTopic's c-TF-IDF (Grootendorst 2022) with
scikit-learn's weighting, not BERTopic's tf · ln(1 + A / f_t).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable
from typing import Any

from .corpus import Corpus
from .engine import Columns, Item, Task, run
from .errors import EmptyResultError, UsageError
from .tokenize import Analyzer, AnalyzerOptions, TokenizedText

NORMS = ("l2", "l1", "none")

KEYWORDS_COLUMNS = ["term", "score", "max_score", "docs"]
PER_DOC_COLUMNS = ["id", "title", "rank", "term", "score"]
BY_COLUMNS = ["group", "rank", "term", "score", "count"]


# --------------------------------------------------------------------------- terms


def ngram_terms(tok: TokenizedText, listed: Callable[[str], bool], n_min: int = 1, n_max: int = 1) -> list[str]:
    """The terms of one tokenized text: its listed n-grams, ``n_min <= n <= n_max``.

    An n-gram is n consecutive tokens of one sentence that are all listed,
    joined by single spaces; it never crosses a sentence boundary and never
    skips a stop word (unlike scikit-learn's ``analyzer="word"``, which removes
    stop words first and joins the words around them: "party of korea" gives
    no bigram here, and "party korea" there). Unigrams come first, in text
    order, then bigrams, and so on.
    """
    tokens = tok.tokens
    if n_min <= 1 <= n_max:
        out = [t for t in tokens if listed(t)]
    else:
        out = []
    if n_max < 2:
        return out
    bounds = tok.bounds
    flags = [listed(t) for t in tokens]
    for n in range(max(2, n_min), n_max + 1):
        for s in range(len(bounds) - 1):
            start, end = bounds[s], bounds[s + 1]
            run_start = start  # first index of the current run of listed tokens
            for j in range(start, end):
                if not flags[j]:
                    run_start = j + 1
                    continue
                if j - run_start + 1 >= n:
                    out.append(" ".join(tokens[j - n + 1 : j + 1]))
    return out


# --------------------------------------------------------------------------- partials


class DocTermPartial:
    """Per-row term counts in compressed sparse row form, with a local vocabulary.

    Row ``i`` holds ``counts[indptr[i]:indptr[i+1]]`` of the terms
    ``terms[indices[...]]``; ``labels[i]`` says which document (or group) it is.
    Merging appends rows and remaps the right vocabulary onto the left one, so it
    is exact and the result does not depend on how the corpus was batched.
    """

    def __init__(self) -> None:
        self.labels: list[Any] = []
        self.terms: list[str] = []
        self.indptr = array("q", [0])
        self.indices = array("q")
        self.counts = array("q")
        self._index: dict[str, int] | None = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_index"] = None  # rebuilt on demand: no need to pickle it
        return state

    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {t: i for i, t in enumerate(self.terms)}
        return self._index

    def add_row(self, label: Any, counts: Counter) -> None:
        index = self.index()
        terms = self.terms
        for term, n in counts.items():
            j = index.get(term)
            if j is None:
                j = len(terms)
                index[term] = j
                terms.append(term)
            self.indices.append(j)
            self.counts.append(n)
        self.labels.append(label)
        self.indptr.append(len(self.indices))

    def extend(self, other: DocTermPartial) -> DocTermPartial:
        index = self.index()
        terms = self.terms
        remap = []
        for term in other.terms:
            j = index.get(term)
            if j is None:
                j = len(terms)
                index[term] = j
                terms.append(term)
            remap.append(j)
        offset = len(self.indices)
        self.indices.extend(array("q", (remap[j] for j in other.indices)))
        self.counts.extend(other.counts)
        self.indptr.extend(array("q", (p + offset for p in other.indptr[1:])))
        self.labels.extend(other.labels)
        return self


class KeywordsTask(Task):
    """Term counts per document (``by=None``) or per group of documents (``by`` a field).

    Unigrams (``ngram_range=(1, 1)``) are counted from the token ids as
    :class:`~textkit.frequencies.FreqTask` counts them (columnar: cached ids are
    used as they are); longer n-grams with :func:`ngram_terms` into a
    :class:`DocTermPartial` with one row per document (labels ``(id, title)``)
    or ``({group: Counter}, missing)``. ``finish`` gives :class:`DocTerms` either way.
    """

    preload = ("numpy",)

    def __init__(self, ngram_range: tuple[int, int] = (1, 1), by: str | None = None) -> None:
        from .frequencies import FreqTask

        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.by = by
        self.columnar = self.ngram_range == (1, 1)
        self._unigrams = FreqTask(1, by, labels=by is None) if self.columnar else None

    def map_columns(self, segments: list[Columns], analyzer: Analyzer) -> Any:
        return self._unigrams.map_columns(segments, analyzer)

    def map(self, items: list[Item], analyzer: Analyzer) -> Any:
        if self.columnar:
            return self._unigrams.map(items, analyzer)
        lo, hi = self.ngram_range
        listed = analyzer.listed
        if self.by is None:
            part = DocTermPartial()
            for it in items:
                part.add_row((it.doc.id, it.doc.title), Counter(ngram_terms(it.tok, listed, lo, hi)))
            return part
        groups: dict[str, Counter] = {}
        missing = 0
        for it in items:
            group = it.doc.get(self.by)
            if group is None:
                missing += 1
                continue
            groups.setdefault(group, Counter()).update(ngram_terms(it.tok, listed, lo, hi))
        return groups, missing

    def merge(self, left: Any, right: Any) -> Any:
        if self.columnar:
            return self._unigrams.merge(left, right)
        if self.by is None:
            return left.extend(right)
        groups, missing = left
        for group, counts in right[0].items():
            if group in groups:
                groups[group].update(counts)
            else:
                groups[group] = counts
        return groups, missing + right[1]

    def finish(self, merged: Any, analyzer: Analyzer) -> DocTerms:
        """The counts as :class:`DocTerms` (rows: documents, or the groups sorted)."""
        import numpy as np

        if self.columnar:
            counts = self._unigrams.finish(merged, analyzer)
            if self.by is None:
                return DocTerms(counts.labels, counts.terms, counts.doc.astype(np.int64), counts.tid, counts.cnt)
            return _group_rows(counts)
        if self.by is None:
            return DocTerms.from_partial(merged)
        groups, missing = merged
        part = DocTermPartial()
        for group in sorted(groups):
            part.add_row(group, groups[group])
        return DocTerms.from_partial(part, missing)


class DocTerms:
    """Term counts of rows (documents or groups) as entries: term ``tid[k]`` occurs
    ``cnt[k]`` times in row ``row[k]``; ``labels`` name the rows (``(id, title)`` or
    a group), ``terms`` the term ids, ``missing`` the documents left out of groups."""

    def __init__(self, labels: list, terms: list[str], row: Any, tid: Any, cnt: Any, missing: int = 0) -> None:
        self.labels = labels
        self.terms = terms
        self.row = row
        self.tid = tid
        self.cnt = cnt
        self.missing = missing

    @classmethod
    def from_partial(cls, part: DocTermPartial, missing: int = 0) -> DocTerms:
        import numpy as np

        indptr = np.frombuffer(part.indptr, dtype=np.int64)
        row = np.repeat(np.arange(len(part.labels), dtype=np.int64), np.diff(indptr))
        return cls(part.labels, part.terms, row, np.frombuffer(part.indices, dtype=np.int64),
                   np.frombuffer(part.counts, dtype=np.int64), missing)

    def select_terms(self, keep: Callable[[str], bool]) -> DocTerms:
        """Only the terms for which ``keep`` is true."""
        import numpy as np

        mask = np.fromiter((keep(t) for t in self.terms), dtype=bool, count=len(self.terms))
        sel = mask[self.tid] if len(self.terms) else np.zeros(0, dtype=bool)
        return DocTerms(self.labels, self.terms, self.row[sel], self.tid[sel], self.cnt[sel], self.missing)


def _group_rows(counts: Any) -> DocTerms:
    """Per-document counts added up per group (groups sorted; documents without one left out)."""
    import numpy as np

    keys = sorted({g for g in counts.groups if g is not None})
    missing = sum(1 for g in counts.groups if g is None)
    index = {k: i for i, k in enumerate(keys)}
    doc_group = np.fromiter((index[g] if g is not None else -1 for g in counts.groups), dtype=np.int64,
                            count=len(counts.groups))
    g = doc_group[counts.doc] if len(counts.doc) else np.zeros(0, dtype=np.int64)
    ok = g >= 0
    n_terms = max(len(counts.terms), 1)
    key, inverse = np.unique(g[ok] * n_terms + counts.tid[ok], return_inverse=True)
    total = np.bincount(inverse, weights=counts.cnt[ok], minlength=len(key)).astype(np.int64)
    return DocTerms(keys, counts.terms, key // n_terms, key % n_terms, total, missing)


# --------------------------------------------------------------------------- weighting


def _check_df(name: str, value: int | float) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"--{name} must be an integer (documents) or a float in [0.0, 1.0] (a proportion)")
    if isinstance(value, float) and not 0.0 <= value <= 1.0:
        raise UsageError(f"--{name} {value!r}: a proportion must lie in [0.0, 1.0] (an integer counts documents)")
    if isinstance(value, int) and value < 0:
        raise UsageError(f"--{name} {value!r}: a document count cannot be negative")
    return value


class Weights:
    """TF-IDF weights as entries sorted by (row, column): ``weight[k]`` of term
    ``terms[col[k]]`` in row ``row[k]`` (its count ``count[k]``); columns in sorted
    term order; ``indptr`` delimits each row's entries."""

    def __init__(self, n_rows: int, terms: list[str], row: Any, col: Any, count: Any, weight: Any) -> None:
        import numpy as np

        self.n_rows = n_rows
        self.terms = terms
        self.row = row
        self.col = col
        self.count = count
        self.weight = weight
        self.indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n_rows)))).astype(np.int64)

    def top_of_row(self, i: int, top: int) -> list[tuple[int, float, int]]:
        """``(column, weight, count)`` of row ``i``, best first (ties by term), at most ``top`` (0: all)."""
        import numpy as np

        lo, hi = self.indptr[i], self.indptr[i + 1]
        cols = self.col[lo:hi]
        vals = self.weight[lo:hi]
        order = np.lexsort((cols, -vals))  # columns are in term order: ties by term
        if top:
            order = order[:top]
        cnt = self.count[lo:hi]
        return [(int(cols[k]), float(vals[k]), int(cnt[k])) for k in order if vals[k] > 0]


def weigh(
    dt: DocTerms,
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    sublinear_tf: bool = False,
    smooth_idf: bool = True,
    norm: str | None = "l2",
) -> Weights:
    """scikit-learn's ``TfidfVectorizer`` weighting of the counts ``dt``, in NumPy.

    The steps and the floating-point operations are scikit-learn's (1.x):
    ``CountVectorizer``'s vocabulary (the terms that occur, in sorted order) and its
    ``min_df``/``max_df`` pruning (an integer is a number of rows, a float a
    proportion of them), then ``TfidfTransformer``: tf = count (1 + ln count with
    ``sublinear_tf``), idf = ln((n + 1) / (df + 1)) + 1 (ln(n / df) + 1 without
    ``smooth_idf``), w = tf · idf, each row divided by its Euclidean norm (``l2``),
    by the sum of its weights (``l1``) or left as it is (``none``), each row's sums
    taken in column order as scikit-learn's ``normalize`` does. The tests check the
    weights against scikit-learn's on random matrices and on the corpora.
    """
    import numpy as np

    _check_df("min-df", min_df)
    _check_df("max-df", max_df)
    n_rows = len(dt.labels)
    n_all = len(dt.terms)
    present = np.flatnonzero(np.bincount(dt.tid, minlength=n_all)) if n_all else np.zeros(0, dtype=np.int64)
    names = [dt.terms[i] for i in present.tolist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.full(max(n_all, 1), -1, dtype=np.int64)
    rank[present[np.asarray(order, dtype=np.int64)]] = np.arange(len(order), dtype=np.int64)
    terms = [names[i] for i in order]
    col = rank[dt.tid] if len(dt.tid) else np.zeros(0, dtype=np.int64)
    row = np.asarray(dt.row, dtype=np.int64)
    cnt = np.asarray(dt.cnt, dtype=np.int64)
    n_terms = len(terms)
    df = np.bincount(col, minlength=n_terms)
    if (min_df, max_df) != (1, 1.0):
        high = max_df if isinstance(max_df, int) else max_df * n_rows
        low = min_df if isinstance(min_df, int) else min_df * n_rows
        if high < low:
            raise UsageError("--max-df corresponds to fewer documents than --min-df")
        keep = (df <= high) & (df >= low)
        if not keep.any():
            raise EmptyResultError(
                "after --min-df/--max-df pruning no terms remain; try a lower --min-df or a higher --max-df"
            )
        new = np.cumsum(keep) - 1
        sel = keep[col]
        row, col, cnt = row[sel], new[col[sel]], cnt[sel]
        terms = [t for t, k in zip(terms, keep.tolist(), strict=True) if k]
        df = df[keep]
        n_terms = len(terms)
    order = np.argsort(row * max(n_terms, 1) + col, kind="stable")
    row, col, cnt = row[order], col[order], cnt[order]

    w = cnt.astype(np.float64)
    if sublinear_tf:
        np.log(w, out=w)
        w += 1.0
    smooth = float(smooth_idf)
    dff = df.astype(np.float64) + smooth
    idf = np.full(n_terms, n_rows + int(smooth_idf), dtype=np.float64)
    idf /= dff
    np.log(idf, out=idf)
    idf += 1.0
    w *= idf[col]
    if norm == "l2":
        sums = np.sqrt(np.bincount(row, weights=w * w, minlength=n_rows))
    elif norm == "l1":
        sums = np.bincount(row, weights=np.abs(w), minlength=n_rows)
    else:
        sums = None
    if sums is not None and len(w):
        div = sums[row]
        w = np.divide(w, div, out=w, where=div != 0)
    return Weights(n_rows, terms, row, col, cnt, w)


def keywords(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    per_doc: bool = False,
    by: str | None = None,
    top: int = 10,
    ngram_range: tuple[int, int] = (1, 1),
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    sublinear_tf: bool = False,
    smooth_idf: bool = True,
    norm: str | None = "l2",
    jobs: int | None = 1,
    progress=None,
    warn: Callable[[str], None] | None = None,
) -> list[dict]:
    """TF-IDF keywords of ``corpus`` (scikit-learn's weighting on textkit's terms).

    - ``per_doc``: rows ``id``, ``title``, ``rank``, ``term``, ``score``: the
      ``top`` terms of each document by weight (ties by term), documents in
      corpus order.
    - ``by`` (a field: ``year``, ``month``, ``source`` …): class-based TF-IDF,
      each group one document; rows ``group``, ``rank``, ``term``, ``score``,
      ``count`` (the term's count in the group), groups in sorted order;
      documents without a value for the field are left out (``warn`` is
      told how many).
    - otherwise one row per term: ``term``, ``score`` (its mean weight over all
      n documents, zeros included: Σ_d w(t, d) / n), ``max_score`` and ``docs``
      (its document frequency), sorted by (-score, term), the first ``top``.

    ``top`` = 0 keeps every row. ``min_df``/``max_df`` (int: documents, float:
    a proportion), ``sublinear_tf``, ``smooth_idf`` and ``norm`` (``l2``,
    ``l1``, ``none``) mean what they mean in scikit-learn's ``TfidfVectorizer``.
    Raises :class:`EmptyResultError` when there is no document or no term.
    """
    lo, hi = ngram_range
    if not 1 <= lo <= hi:
        raise UsageError(f"--ngram-range {lo} {hi}: need 1 <= MIN <= MAX")
    if norm is None:
        norm = "none"
    if norm not in NORMS:
        raise UsageError(f"unknown norm {norm!r}; choose one of: {', '.join(NORMS)}")
    if per_doc and by:
        raise UsageError("--per-doc and --by cannot be used together")
    if top < 0:
        raise UsageError("--top must be 0 (all) or more")
    _check_df("min-df", min_df)
    _check_df("max-df", max_df)
    options = options or AnalyzerOptions()
    (dt,) = run(corpus, options, [KeywordsTask((lo, hi), by)], jobs=jobs, progress=progress)
    if dt.missing and warn is not None:
        warn(f"note: {dt.missing} document{'s' if dt.missing != 1 else ''} without a {by} left out")
    if not dt.labels:
        if by:
            raise EmptyResultError(f"no selected document has a value for --by {by!r}")
        raise EmptyResultError("no documents to weigh")
    if not len(dt.tid):
        raise EmptyResultError(
            "no terms: every token was a stop word or filtered out (try --stopwords none)"
        )
    weights = weigh(dt, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf, norm=norm)
    terms = weights.terms

    if per_doc:
        rows = []
        for i, (doc_id, title) in enumerate(dt.labels):
            for rank, (j, w, _) in enumerate(weights.top_of_row(i, top), start=1):
                rows.append({"id": doc_id, "title": title, "rank": rank, "term": terms[j], "score": w})
        return rows
    if by:
        rows = []
        for i, group in enumerate(dt.labels):
            for rank, (j, w, c) in enumerate(weights.top_of_row(i, top), start=1):
                rows.append({"group": group, "rank": rank, "term": terms[j], "score": w, "count": c})
        return rows
    return corpus_keywords(weights, top)


def corpus_keywords(weights: Weights, top: int = 0) -> list[dict]:
    """One row per term: mean weight over all rows (zeros included), maximum weight,
    document frequency; sorted by (-score, term), the first ``top`` (0: all)."""
    import numpy as np

    n_terms = len(weights.terms)
    mean = np.bincount(weights.col, weights=weights.weight, minlength=n_terms) / weights.n_rows
    maximum = np.zeros(n_terms)
    np.maximum.at(maximum, weights.col, weights.weight)
    dfs = np.bincount(weights.col, minlength=n_terms)
    order = np.lexsort((np.arange(n_terms), -mean))
    if top:
        order = order[:top]
    terms = weights.terms
    return [
        {"term": terms[j], "score": float(mean[j]), "max_score": float(maximum[j]), "docs": int(dfs[j])}
        for j in order.tolist()
    ]
