"""textkit keywords: TF-IDF with scikit-learn's weighting on textkit's tokens."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from textkit.corpus import Corpus
from textkit.errors import EmptyResultError, UsageError
from textkit.info import tokenized_documents
from textkit.keywords import KEYWORDS_COLUMNS, keywords, ngram_terms
from textkit.tokenize import Analyzer, AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl

# The scikit-learn user guide's counts (6 documents × 3 terms), as documents.
GUIDE_COUNTS = [[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]]
GUIDE_TERMS = ["apple", "banana", "cherry"]


def _guide_corpus(tmp_path):
    records = []
    for i, row in enumerate(GUIDE_COUNTS, start=1):
        words = [t for t, n in zip(GUIDE_TERMS, row, strict=True) for _ in range(n)]
        records.append({"id": f"d{i}", "text": " ".join(words)})
    return write_jsonl(tmp_path / "guide.jsonl", records)


def _weights(rows):
    return {(r["id"], r["term"]): r["score"] for r in rows}


def test_ngram_terms_stay_inside_sentences_and_skip_no_stop_word():
    """Bigrams are consecutive listed tokens of one sentence: none across 'of' or a sentence end."""
    analyzer = Analyzer(AnalyzerOptions(stopwords="english"))
    tok = analyzer.analyze("The Workers' Party of Korea met. Kim Jong Il spoke.")
    terms = ngram_terms(tok, analyzer.listed, 1, 2)
    assert terms == [
        "workers", "party", "korea", "met", "kim", "jong", "il", "spoke",
        "workers party", "korea met", "kim jong", "jong il", "il spoke",
    ]
    assert ngram_terms(tok, analyzer.listed, 3, 3) == ["kim jong il", "jong il spoke"]


def test_sklearn_user_guide_smooth_idf(tmp_path):
    """The guide's counts give its published weights: row 1 = [0.85151335, 0, 0.52433293] etc."""
    corpus = Corpus([str(_guide_corpus(tmp_path))])
    w = _weights(keywords(corpus, AnalyzerOptions(), per_doc=True, top=0))
    assert w[("d1", "apple")] == pytest.approx(0.85151335, abs=1e-8)
    assert w[("d1", "cherry")] == pytest.approx(0.52433293, abs=1e-8)
    assert w[("d5", "apple")] == pytest.approx(0.55422893, abs=1e-8)
    assert w[("d5", "banana")] == pytest.approx(0.83236428, abs=1e-8)
    assert w[("d6", "apple")] == pytest.approx(0.63035731, abs=1e-8)
    assert w[("d6", "cherry")] == pytest.approx(0.77630514, abs=1e-8)
    assert w[("d2", "apple")] == 1.0  # a single term normalises to 1
    assert ("d1", "banana") not in w  # zero weights are not listed


def test_sklearn_user_guide_idf_values(tmp_path):
    """Without normalisation, weight = count × idf: idf = [1, 2.25276297, 1.84729786] (smooth)
    and [1, 2.79175947, 2.09861229] (ln(n/df) + 1)."""
    corpus = Corpus([str(_guide_corpus(tmp_path))])
    w = _weights(keywords(corpus, AnalyzerOptions(), per_doc=True, top=0, norm="none"))
    assert w[("d2", "apple")] == pytest.approx(2 * 1.0)
    assert w[("d5", "banana")] == pytest.approx(2 * 2.25276297, abs=1e-8)
    assert w[("d1", "cherry")] == pytest.approx(1 * 1.84729786, abs=1e-8)
    w = _weights(keywords(corpus, AnalyzerOptions(), per_doc=True, top=0, norm=None, smooth_idf=False))
    assert w[("d5", "banana")] == pytest.approx(2 * 2.79175947, abs=1e-8)
    assert w[("d6", "cherry")] == pytest.approx(2 * 2.09861229, abs=1e-8)


def test_sklearn_user_guide_no_smooth_idf_cli(runner, tmp_path):
    """--no-smooth-idf gives the guide's row 1 = [0.81940995, 0, 0.57320793], row 5 = [0.47330339, 0.88089948, 0]."""
    path = _guide_corpus(tmp_path)
    rows = invoke_json(runner, ["keywords", str(path), "--per-doc", "--no-smooth-idf", "--stopwords", "none"])
    w = _weights(rows)
    assert w[("d1", "apple")] == pytest.approx(0.81940995, abs=1e-8)
    assert w[("d1", "cherry")] == pytest.approx(0.57320793, abs=1e-8)
    assert w[("d5", "apple")] == pytest.approx(0.47330339, abs=1e-8)
    assert w[("d5", "banana")] == pytest.approx(0.88089948, abs=1e-8)
    assert [r["rank"] for r in rows if r["id"] == "d1"] == [1, 2]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"sublinear_tf": True, "smooth_idf": False, "norm": "l1"},
        {"min_df": 3, "max_df": 0.5},
        {"min_df": 0.01, "max_df": 200, "norm": None},
    ],
)
def test_per_doc_equals_tfidf_vectorizer(kwargs):
    """On the bundled corpus, every per-document weight equals TfidfVectorizer's on the same token lists (1e-9)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = AnalyzerOptions(stopwords="english")
    docs = list(tokenized_documents(Corpus([]), options))
    rows = keywords(Corpus([]), options, per_doc=True, top=0, **kwargs)
    vec = TfidfVectorizer(analyzer=lambda d: d, **kwargs)
    matrix = vec.fit_transform([d["tokens"] for d in docs]).tocsr()
    names = [str(t) for t in vec.get_feature_names_out()]
    expected = {}
    for i, d in enumerate(docs):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        for j, v in zip(matrix.indices[lo:hi], matrix.data[lo:hi], strict=True):
            expected[(d["id"], names[j])] = float(v)
    got = _weights(rows)
    assert got.keys() == expected.keys()
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-9
    assert len(names) == len({r["term"] for r in rows})


def test_ngram_range_equals_tfidf_vectorizer_on_the_same_terms():
    """With --ngram-range 1 2 the weights equal TfidfVectorizer's on the same per-document term lists."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = AnalyzerOptions(stopwords="english")
    analyzer = Analyzer(options)
    corpus = Corpus([])
    ids, lists = [], []
    for doc in corpus:
        ids.append(doc.id)
        lists.append(ngram_terms(analyzer.analyze(doc.text), analyzer.listed, 1, 2))
    vec = TfidfVectorizer(analyzer=lambda d: d)
    matrix = vec.fit_transform(lists).tocsr()
    names = vec.get_feature_names_out()
    rows = keywords(Corpus([]), options, per_doc=True, top=3, ngram_range=(1, 2))
    for r in rows[:300]:
        i = ids.index(r["id"])
        j = int(names.searchsorted(r["term"]))
        assert names[j] == r["term"]
        assert r["score"] == pytest.approx(matrix[i, j], abs=1e-9)
    assert any(" " in r["term"] for r in rows)


def test_quanteda_example_differs_as_documented(tmp_path):
    """'a', 'a b', 'a c': quanteda's dfm_tfidf gives b = log10(3) = 0.4771213; scikit-learn's
    smooth idf gives ln(4/2) + 1 = 1.6931472 (norm none) and 1.6931472 / sqrt(1 + 1.6931472²)
    = 0.8610370 after l2 normalisation."""
    path = write_jsonl(tmp_path / "q.jsonl", [{"id": "1", "text": "a"}, {"id": "2", "text": "a b"}, {"id": "3", "text": "a c"}])
    raw = _weights(keywords(Corpus([str(path)]), per_doc=True, norm="none"))
    assert raw[("2", "b")] == pytest.approx(1.6931472, abs=1e-7)  # quanteda: 0.4771213
    assert raw[("2", "a")] == 1.0
    l2 = _weights(keywords(Corpus([str(path)]), per_doc=True))
    assert l2[("2", "b")] == pytest.approx(0.8610370, abs=1e-7)


def test_corpus_rows_are_mean_weights_with_zeros(tmp_path):
    """Docs 'apple banana' and 'apple': idf(banana) = ln(3/2) + 1 = 1.405465, so doc 1 is
    [1, 1.405465] / 1.724915 = [0.579739, 0.814802] and doc 2 [1, 0]; apple's mean
    (0.579739 + 1) / 2 = 0.789869, banana's 0.814802 / 2 = 0.407401 (max 0.814802, 1 doc)."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": "apple banana"}, {"id": "2", "text": "apple"}])
    rows = keywords(Corpus([str(path)]), AnalyzerOptions())
    assert [r["term"] for r in rows] == ["apple", "banana"]
    assert rows[0]["score"] == pytest.approx(0.7898693, abs=1e-6)
    assert rows[0]["max_score"] == pytest.approx(1.0)
    assert rows[0]["docs"] == 2
    assert rows[1]["score"] == pytest.approx(0.4074012, abs=1e-6)
    assert rows[1]["max_score"] == pytest.approx(0.8148025, abs=1e-6)
    assert rows[1]["docs"] == 1
    assert list(rows[0]) == KEYWORDS_COLUMNS


def test_by_month_is_class_based(runner, tmp_path):
    """Groups are documents: Jan = apple 2, banana 1; Feb = apple 1, cherry 2; n = 2,
    idf(apple) = 1, idf(banana) = idf(cherry) = 1.405465, so Jan = [2, 1.405465] / 2.444449 =
    [0.818180, 0.574962] and Feb = [1, 2.810930] / 2.983509 = [0.335176, 0.942156].
    The undated document is left out with a note."""
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "1", "date": "2011-01-03", "text": "apple banana"},
            {"id": "2", "date": "2011-01-20", "text": "apple"},
            {"id": "3", "date": "2011-02-01", "text": "cherry cherry apple"},
            {"id": "4", "text": "undated documents have no month"},
        ],
    )
    result = invoke(runner, ["keywords", str(path), "--by", "month", "-f", "json"])
    assert "note: 1 document without a month left out" in result.stderr
    rows = json.loads(result.stdout)
    assert [(r["group"], r["rank"], r["term"], r["count"]) for r in rows] == [
        ("2011-01", 1, "apple", 2),
        ("2011-01", 2, "banana", 1),
        ("2011-02", 1, "cherry", 2),
        ("2011-02", 2, "apple", 1),
    ]
    assert [round(r["score"], 6) for r in rows] == [0.81818, 0.574962, 0.942156, 0.335176]


def test_ties_break_by_term(tmp_path):
    """'zeta alpha' in one document: equal weights, so alpha ranks first."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": "zeta alpha"}])
    rows = keywords(Corpus([str(path)]), AnalyzerOptions(), per_doc=True)
    assert [(r["rank"], r["term"]) for r in rows] == [(1, "alpha"), (2, "zeta")]


def test_all_stop_words_is_one_line_error(runner, tmp_path):
    """A corpus of stop words only: exit 1 and one line saying every token was a stop word."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "The of and. It is to be."}])
    result = invoke(runner, ["keywords", str(path)])
    assert result.exit_code == 1
    assert "every token was a stop word" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    with pytest.raises(EmptyResultError):
        keywords(Corpus([str(path)]), AnalyzerOptions(stopwords="english"))


def test_bad_options(runner):
    """--per-doc with --by, max_df below min_df and a bad proportion are usage errors (exit 2)."""
    result = invoke(runner, ["keywords", "--per-doc", "--by", "month"])
    assert result.exit_code == 2 and "cannot be used together" in result.stderr
    result = invoke(runner, ["keywords", "--min-df", "50", "--max-df", "10"])
    assert result.exit_code == 2 and "--max-df" in result.stderr
    assert invoke(runner, ["keywords", "--max-df", "1.5"]).exit_code == 2
    with pytest.raises(UsageError):
        keywords(Corpus([]), ngram_range=(2, 1))


def test_min_df_pruning_everything(runner, tmp_path):
    """Docs 'apple' and 'banana' with --min-df 2: no term is in two documents, exit 1 with a hint."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "apple"}, {"text": "banana"}])
    assert invoke_json(runner, ["keywords", str(path), "--min-df", "1"])  # both kept
    result = invoke(runner, ["keywords", str(path), "--min-df", "2"])
    assert result.exit_code == 1
    assert "no terms remain" in result.stderr


def test_formats_give_the_same_rows(runner):
    """json, jsonl and csv carry the same per-document rows."""
    args = ["keywords", "--per-doc", "--top", "3", "--where", "month=2011-12", "--until", "2011-12-11"]
    as_json = invoke_json(runner, args)
    assert as_json and list(as_json[0]) == ["id", "title", "rank", "term", "score"]
    jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == as_json
    rows = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", "csv"]).stdout)))
    assert [{k: str(v) for k, v in r.items()} for r in as_json] == rows
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert as_json[0]["term"] in table


def test_jobs_1_and_2_give_identical_bytes(runner):
    """The bundled corpus (629 documents, 3 batches) gives the same bytes with -j 1 and -j 2."""
    for extra in ([], ["--per-doc"], ["--by", "day", "--ngram-range", "1", "2"]):
        one = invoke(runner, ["keywords", *extra, "-j", "1", "-f", "json", "--top", "0"])
        two = invoke(runner, ["keywords", *extra, "-j", "2", "-f", "json", "--top", "0"])
        assert one.exit_code == 0 and one.stdout == two.stdout


def test_help_lists_examples(runner):
    """keywords --help shows the formula and the examples block."""
    out = invoke(runner, ["keywords", "--help"]).stdout
    assert "ln((1+n)/(1+df)) + 1" in out and "Examples:" in out


@pytest.mark.slow
def test_kcna_per_doc_equals_tfidf_vectorizer(kcna_2011):
    """On the KCNA 2011 stories, the top 10 terms of every story carry TfidfVectorizer's weights."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = AnalyzerOptions(stopwords="english")
    corpus = Corpus([str(kcna_2011)])
    docs = list(tokenized_documents(corpus, options, jobs=2))
    vec = TfidfVectorizer(analyzer=lambda d: d)
    matrix = vec.fit_transform([d["tokens"] for d in docs]).tocsr()
    names = vec.get_feature_names_out()
    row_of = {d["id"]: i for i, d in enumerate(docs)}
    rows = keywords(Corpus([str(kcna_2011)]), options, per_doc=True, jobs=2)
    assert len({r["id"] for r in rows}) == len(docs) == 10435
    worst = 0.0
    for r in rows:
        j = int(names.searchsorted(r["term"]))
        worst = max(worst, abs(r["score"] - matrix[row_of[r["id"]], j]))
    assert worst < 1e-9


@pytest.mark.parametrize("sublinear_tf", [False, True])
@pytest.mark.parametrize("smooth_idf", [True, False])
@pytest.mark.parametrize("norm", ["l2", "l1", "none"])
@pytest.mark.parametrize("dfs", [(1, 1.0), (2, 0.8), (0.05, 30)])
def test_weigh_equals_scikit_learn(sublinear_tf, smooth_idf, norm, dfs):
    """textkit's NumPy weighting gives scikit-learn's TfidfVectorizer weights on
    random counts (entries given in a shuffled order), for every option."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from textkit.keywords import DocTerms, weigh

    rng = np.random.default_rng(11)
    vocab = [f"w{i:03d}" for i in rng.permutation(120)]
    docs = [list(rng.choice(vocab, size=int(rng.integers(0, 60)))) for _ in range(80)]
    rows, tids, cnts = [], [], []
    index = {t: i for i, t in enumerate(vocab)}
    for r, d in enumerate(docs):
        for t, c in Counter(d).items():
            rows.append(r)
            tids.append(index[t])
            cnts.append(c)
    perm = rng.permutation(len(rows))
    dt = DocTerms([(str(i), None) for i in range(len(docs))], vocab,
                  np.asarray(rows)[perm], np.asarray(tids)[perm], np.asarray(cnts)[perm])
    min_df, max_df = dfs
    w = weigh(dt, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, smooth_idf=smooth_idf, norm=norm)
    vec = TfidfVectorizer(analyzer=lambda d: d, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf,
                          smooth_idf=smooth_idf, norm=None if norm == "none" else norm)
    ref = vec.fit_transform(docs).tocsr()
    ref.sort_indices()
    assert w.terms == list(vec.get_feature_names_out())
    np.testing.assert_array_equal(w.indptr, ref.indptr)
    np.testing.assert_array_equal(w.col, ref.indices)
    np.testing.assert_allclose(w.weight, ref.data, rtol=1e-15, atol=0)
