"""TF-IDF keywords: textkit's tokens, scikit-learn's weighting.

The analyzer lists the terms of each document (stop words, ``min_length`` and
``no_numbers`` applied; n-grams built inside sentences, see :func:`ngram_terms`);
a :class:`KeywordsTask` counts them per document (or per group) in mergeable
pieces; :func:`keywords` builds the sparse document-term matrix and hands it to
scikit-learn's ``TfidfTransformer``, so the weighting is exactly scikit-learn's.

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
from .engine import Item, Task, run
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

    ``map`` gives a :class:`DocTermPartial` with one row per document (labels
    ``(id, title)``) or ``({group: Counter}, missing)``: documents without a
    value for ``by`` are left out of the groups and counted in ``missing``.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 1), by: str | None = None) -> None:
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.by = by

    def map(self, items: list[Item], analyzer: Analyzer) -> Any:
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
        if self.by is None:
            return left.extend(right)
        groups, missing = left
        for group, counts in right[0].items():
            if group in groups:
                groups[group].update(counts)
            else:
                groups[group] = counts
        return groups, missing + right[1]

    def finish(self, merged: Any, analyzer: Analyzer) -> tuple[DocTermPartial, int]:
        """The counts as a :class:`DocTermPartial` (groups sorted) and the documents left out."""
        if self.by is None:
            return merged, 0
        groups, missing = merged
        part = DocTermPartial()
        for group in sorted(groups):
            part.add_row(group, groups[group])
        return part, missing


# --------------------------------------------------------------------------- weighting


def _check_df(name: str, value: int | float) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"--{name} must be an integer (documents) or a float in [0.0, 1.0] (a proportion)")
    if isinstance(value, float) and not 0.0 <= value <= 1.0:
        raise UsageError(f"--{name} {value!r}: a proportion must lie in [0.0, 1.0] (an integer counts documents)")
    if isinstance(value, int) and value < 0:
        raise UsageError(f"--{name} {value!r}: a document count cannot be negative")
    return value


def doc_term_matrix(part: DocTermPartial) -> tuple[Any, list[str]]:
    """The counts as a scipy CSR matrix (rows × terms), columns in sorted term order."""
    import numpy as np
    import scipy.sparse as sp

    n_terms = len(part.terms)
    order = sorted(range(n_terms), key=part.terms.__getitem__)
    new_of_old = np.empty(n_terms, dtype=np.int64)
    new_of_old[np.asarray(order, dtype=np.int64)] = np.arange(n_terms, dtype=np.int64)
    indices = new_of_old[np.frombuffer(part.indices, dtype=np.int64)] if n_terms else np.zeros(0, dtype=np.int64)
    counts = np.frombuffer(part.counts, dtype=np.int64).copy()
    indptr = np.frombuffer(part.indptr, dtype=np.int64).copy()
    matrix = sp.csr_matrix((counts, indices, indptr), shape=(len(part.labels), n_terms))
    matrix.sort_indices()
    return matrix, [part.terms[i] for i in order]


def prune_by_df(matrix: Any, terms: list[str], min_df: int | float = 1, max_df: int | float = 1.0) -> tuple[Any, list[str]]:
    """Keep the terms whose document frequency lies within ``[min_df, max_df]``, as scikit-learn.

    An integer is a number of documents, a float a proportion of the ``n``
    documents (``max_df * n``, ``min_df * n``), exactly as
    ``CountVectorizer(min_df=..., max_df=...)``.
    """
    import numpy as np

    _check_df("min-df", min_df)
    _check_df("max-df", max_df)
    n_docs = matrix.shape[0]
    high = max_df if isinstance(max_df, int) else max_df * n_docs
    low = min_df if isinstance(min_df, int) else min_df * n_docs
    if high < low:
        raise UsageError("--max-df corresponds to fewer documents than --min-df")
    if (min_df, max_df) == (1, 1.0):
        return matrix, terms
    dfs = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero((dfs <= high) & (dfs >= low))
    if len(keep) == 0:
        raise EmptyResultError(
            "after --min-df/--max-df pruning no terms remain; try a lower --min-df or a higher --max-df"
        )
    return matrix[:, keep], [terms[i] for i in keep]


def tfidf_weights(counts: Any, *, sublinear_tf: bool = False, smooth_idf: bool = True, norm: str | None = "l2") -> Any:
    """scikit-learn's ``TfidfTransformer`` applied to a document-term count matrix (CSR)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(
        norm=None if norm in (None, "none") else norm,
        use_idf=True,
        smooth_idf=smooth_idf,
        sublinear_tf=sublinear_tf,
    )
    return transformer.fit_transform(counts).tocsr()


def _top_of_row(weights: Any, i: int, top: int) -> list[tuple[int, float]]:
    """Column indices and weights of row ``i``, best first (ties by term), at most ``top``."""
    import numpy as np

    lo, hi = weights.indptr[i], weights.indptr[i + 1]
    cols = weights.indices[lo:hi]
    vals = weights.data[lo:hi]
    order = np.lexsort((cols, -vals))  # columns are in term order: ties by term
    if top:
        order = order[:top]
    return [(int(cols[k]), float(vals[k])) for k in order if vals[k] > 0]


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
    ((part, missing),) = run(corpus, options, [KeywordsTask((lo, hi), by)], jobs=jobs, progress=progress)
    if missing and warn is not None:
        warn(f"note: {missing} document{'s' if missing != 1 else ''} without a {by} left out")
    if not part.labels:
        if by:
            raise EmptyResultError(f"no selected document has a value for --by {by!r}")
        raise EmptyResultError("no documents to weigh")
    if not part.terms:
        raise EmptyResultError(
            "no terms: every token was a stop word or filtered out (try --stopwords none)"
        )
    counts, terms = doc_term_matrix(part)
    counts, terms = prune_by_df(counts, terms, min_df, max_df)
    weights = tfidf_weights(counts, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf, norm=norm)

    if per_doc:
        rows = []
        for i, (doc_id, title) in enumerate(part.labels):
            for rank, (j, w) in enumerate(_top_of_row(weights, i, top), start=1):
                rows.append({"id": doc_id, "title": title, "rank": rank, "term": terms[j], "score": w})
        return rows
    if by:
        rows = []
        for i, group in enumerate(part.labels):
            lo_, hi_ = counts.indptr[i], counts.indptr[i + 1]
            row_counts = dict(zip(counts.indices[lo_:hi_].tolist(), counts.data[lo_:hi_].tolist(), strict=True))
            for rank, (j, w) in enumerate(_top_of_row(weights, i, top), start=1):
                rows.append({"group": group, "rank": rank, "term": terms[j], "score": w, "count": row_counts[j]})
        return rows
    return corpus_keywords(weights, counts, terms, top)


def corpus_keywords(weights: Any, counts: Any, terms: list[str], top: int = 0) -> list[dict]:
    """One row per term: mean weight over all documents, maximum weight, document frequency."""
    import numpy as np

    n_docs = weights.shape[0]
    mean = np.asarray(weights.sum(axis=0)).ravel() / n_docs
    maximum = weights.max(axis=0).toarray().ravel()
    dfs = np.bincount(counts.indices, minlength=counts.shape[1])
    order = np.lexsort((np.arange(len(terms)), -mean))
    if top:
        order = order[:top]
    return [
        {"term": terms[j], "score": float(mean[j]), "max_score": float(maximum[j]), "docs": int(dfs[j])}
        for j in order
    ]

