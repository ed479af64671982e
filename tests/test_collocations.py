"""Tests for textkit.collocations and ``textkit collocations``: NLTK's counts and scores."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from pathlib import Path

import pytest

from textkit.collocations import collocations, score_pairs
from textkit.corpus import Corpus, ReadOptions
from textkit.errors import UsageError
from textkit.info import tokenized_documents
from textkit.measures.association import association_score
from textkit.tokenize import AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl

NONE = AnalyzerOptions(stopwords="none")
MEASURES = ("pmi", "llr", "t", "chi2", "dice", "jaccard", "poisson_stirling")
NLTK_NAMES = {
    "pmi": "pmi",
    "llr": "likelihood_ratio",
    "t": "student_t",
    "chi2": "chi_sq",
    "dice": "dice",
    "jaccard": "jaccard",
    "poisson_stirling": "poisson_stirling",
}


def corpus_of(tmp_path: Path, *texts: str) -> Corpus:
    """A JSONL corpus with one document per text."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)])
    return Corpus([str(path)])


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["collocation"]: r for r in rows}


# --------------------------------------------------------------------------- published values


def test_nltk_doctest_values_through_the_scorer():
    """score_pairs gives NLTK's collocations.doctest figures: llr 270.72 and 95.29, pmi 18.38 and 0.29, t, chi2."""
    llr = score_pairs("llr", [110, 8], [2552, 13], [221, 32], 31777)
    assert [round(float(x), 2) for x in llr] == [270.72, 95.29]
    pmi = score_pairs("pmi", [20, 20], [42, 15019], [20, 15629], 14307668)
    assert [round(float(x), 2) for x in pmi] == [18.38, 0.29]
    t = score_pairs("t", [8, 20], [15828, 42], [4675, 20], 14307668)
    assert [round(float(x), 4) for x in t] == [0.9999, 4.4721]
    assert round(float(score_pairs("chi2", [8], [15828], [4675], 14307668)[0]), 2) == 1.55
    assert round(float(score_pairs("chi2", [59], [67], [65], 571007)[0]), -2) == 456400


def test_llr_doctest_counts_end_to_end(tmp_path):
    """A corpus built with the doctest's counts (pair 110, words 2552 and 221, N 31777) gives llr 270.72 and pmi log2(110·31777/(2552·221)) = 2.6317."""
    paras = ["aa bb"] * 110 + ["aa"] * (2552 - 110) + ["bb"] * (221 - 110)
    filler = 31777 - 2 * 110 - (2552 - 110) - (221 - 110)  # 29004 tokens of "zz"
    paras += [" ".join(["zz"] * 100)] * (filler // 100) + [" ".join(["zz"] * (filler % 100))]
    corpus = corpus_of(tmp_path, "\n\n".join(paras))
    (row,) = [r for r in collocations(corpus, NONE, measure="llr", min_count=1) if r["collocation"] == "aa bb"]
    assert row["count"] == 110
    assert round(row["score"], 2) == 270.72
    (row,) = [r for r in collocations(corpus, NONE, measure="pmi", min_count=1) if r["collocation"] == "aa bb"]
    assert row["score"] == pytest.approx(math.log2(110 * 31777 / (2552 * 221)), rel=1e-12)
    assert round(row["score"], 4) == 2.6317


# --------------------------------------------------------------------------- hand-checked counts


def test_pairs_hand_checked(tmp_path):
    """'the cat sat. the cat ran.': c(the cat) = 2 of N = 6, f = 2 and 2, so pmi = log2(2·6/4) = log2 3; no pair crosses the full stop."""
    corpus = corpus_of(tmp_path, "The cat sat. The cat ran.")
    rows = by_name(collocations(corpus, NONE, measure="pmi", min_count=1))
    assert set(rows) == {"the cat", "cat sat", "cat ran"}  # no "sat the"
    assert rows["the cat"]["count"] == 2
    assert rows["the cat"]["score"] == pytest.approx(math.log2(3), rel=1e-12)
    # cat sat: c = 1, f = 2 and 1: log2(1·6/2) = log2 3 too; ties sort by collocation
    assert [r["collocation"] for r in collocations(corpus, NONE, measure="pmi", min_count=1)] == [
        "cat ran", "cat sat", "the cat",
    ]


def test_window_scales_counts_as_nltk(tmp_path):
    """Window 3 adds (the, sat) and (the, ran); the score uses c/(W-1): pmi(the cat) = log2((2/2)·6/(2·2)) = log2 1.5."""
    corpus = corpus_of(tmp_path, "The cat sat. The cat ran.")
    rows = by_name(collocations(corpus, NONE, measure="pmi", min_count=1, window=3))
    assert set(rows) == {"the cat", "cat sat", "cat ran", "the sat", "the ran"}
    assert rows["the cat"]["count"] == 2
    assert rows["the cat"]["score"] == pytest.approx(math.log2(1.5), rel=1e-12)


def test_stop_words_filtered_after_counting(tmp_path):
    """With english stop words 'the cat' is dropped but N stays 6 and no pair 'cat cat' appears: cat sat keeps pmi log2 3."""
    corpus = corpus_of(tmp_path, "The cat sat. The cat ran.")
    rows = by_name(collocations(corpus, AnalyzerOptions(stopwords="english"), measure="pmi", min_count=1))
    assert set(rows) == {"cat sat", "cat ran"}
    assert rows["cat sat"]["score"] == pytest.approx(math.log2(3), rel=1e-12)


def test_triples_hand_checked(tmp_path):
    """'a b c d' with window 3: triples abc, bcd; with window 4 also abd, acd (k - i <= 3)."""
    corpus = corpus_of(tmp_path, "alpha beta gamma delta")
    rows = collocations(corpus, NONE, size=3, measure="pmi", min_count=1)
    assert sorted(r["collocation"] for r in rows) == ["alpha beta gamma", "beta gamma delta"]
    # pmi = log2(1 · 4² / (1·1·1)) = 4
    assert all(r["score"] == pytest.approx(4.0) for r in rows)
    rows = collocations(corpus, NONE, size=3, window=4, measure="pmi", min_count=1)
    assert sorted(r["collocation"] for r in rows) == [
        "alpha beta delta", "alpha beta gamma", "alpha gamma delta", "beta gamma delta",
    ]
    # window 4: NLTK counts each word C(3,2) = 3 times, N = 12: pmi = log2(1·144/27)
    assert all(r["score"] == pytest.approx(math.log2(144 / 27)) for r in rows)


def test_min_count(tmp_path):
    """--min-count 2 keeps only 'the cat' (seen twice)."""
    corpus = corpus_of(tmp_path, "The cat sat. The cat ran.")
    assert [r["collocation"] for r in collocations(corpus, NONE, min_count=2)] == ["the cat"]


def test_node_hand_checked(tmp_path):
    """Node 'cat', window 2: 'the' twice on the left, sat and ran once on the right; pmi(the) = log2((2/2)·6/(2·2))."""
    corpus = corpus_of(tmp_path, "The cat sat. The cat ran.")
    rows = collocations(corpus, NONE, node="cat", window=2, measure="pmi", min_count=1)
    got = {r["collocate"]: r for r in rows}
    assert {k: (v["position"], v["left"], v["right"], v["count"]) for k, v in got.items()} == {
        "the": ("left", 2, 0, 2),
        "sat": ("right", 0, 1, 1),
        "ran": ("right", 0, 1, 1),
    }
    assert got["the"]["score"] == pytest.approx(math.log2(1.5), rel=1e-12)
    # the same pair through NLTK's own function: n_ii = count / (2 (W - 1)), node matches, f, N
    for name in ("llr", "t", "chi2", "dice", "jaccard", "poisson_stirling"):
        (row,) = [r for r in collocations(corpus, NONE, node="cat", window=2, measure=name, min_count=1) if r["collocate"] == "the"]
        assert row["score"] == pytest.approx(association_score(name, 2, 2 / 2, (2, 2), 6), rel=1e-12, abs=1e-12)


def test_node_both_sides_and_phrase(tmp_path):
    """A phrase node: 'kim jong il' (possessive included) with window 3 sees 'comrade' left and 'visited' both sides."""
    corpus = corpus_of(
        tmp_path,
        "Comrade Kim Jong Il visited a farm. Comrade Kim Jong Il's visit. They visited Kim Jong Il.",
    )
    rows = collocations(corpus, NONE, node="kim jong il", window=3, min_count=1)
    got = {r["collocate"]: (r["position"], r["left"], r["right"]) for r in rows}
    assert got["comrade"] == ("left", 2, 0)
    assert got["visited"] == ("both", 1, 1)
    assert got["visit"] == ("right", 0, 1)
    assert got["they"] == ("left", 1, 0)
    assert "farm" not in got  # three tokens right of "il": outside a window of 3
    assert {r["node"] for r in rows} == {"kim jong il"}


def test_errors():
    """dice for triples, --node with --size 3 and a window smaller than the n-gram are usage errors."""
    with pytest.raises(UsageError, match="pairs only"):
        collocations(Corpus([]), size=3, measure="dice")
    with pytest.raises(UsageError, match="--size 2"):
        collocations(Corpus([]), size=3, node="kim")
    with pytest.raises(UsageError, match="at least 3"):
        collocations(Corpus([]), size=3, window=2)
    with pytest.raises(UsageError, match="unknown measure"):
        collocations(Corpus([]), measure="nope")


def test_compaction_changes_nothing(monkeypatch):
    """Compacting the merged counts after every batch, and sorting on id columns instead of one int64 key, give the same rows."""
    import textkit.collocations as module

    want = collocations(Corpus([]), NONE, size=3, min_count=2)
    assert len(want) > 5000
    monkeypatch.setattr(module, "_COMPACT_ROWS", 1000)
    assert collocations(Corpus([]), NONE, size=3, min_count=2) == want
    monkeypatch.setattr(module, "_fits", lambda base, k: False)
    assert collocations(Corpus([]), NONE, size=3, min_count=2) == want


# --------------------------------------------------------------------------- NLTK's finders


def _padded(sentences, window):
    """Sentences joined with window-1 Nones, so NLTK's windows never span two of them."""
    return itertools.chain.from_iterable(itertools.chain(s, [None] * (window - 1)) for s in sentences)


@pytest.mark.parametrize(("size", "window"), [(2, 2), (2, 4), (3, 3), (3, 5)])
def test_scores_equal_nltk_finders(size, window):
    """On the bundled stories of 10-13 December 2011, every candidate and score equals NLTK's finder (from_documents for windows 2 and 3, padded from_words for larger ones)."""
    from nltk.collocations import BigramCollocationFinder, TrigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures, TrigramAssocMeasures

    def corpus():
        return Corpus([], ReadOptions(until="2011-12-13"))

    sents = [s for r in tokenized_documents(corpus(), NONE, sentences=True) for s in r["sentences"]]
    assert len(sents) == 603
    if size == 2:
        finder_cls, scores = BigramCollocationFinder, BigramAssocMeasures
    else:
        finder_cls, scores = TrigramCollocationFinder, TrigramAssocMeasures
    if window == size:
        finder = finder_cls.from_documents(sents)
    else:
        finder = finder_cls.from_words(_padded(sents, window), window_size=window)
    finder.apply_freq_filter(2)
    for measure in MEASURES:
        if size == 3 and measure == "dice":
            continue
        want = dict(finder.score_ngrams(getattr(scores, NLTK_NAMES[measure])))
        rows = collocations(corpus(), NONE, measure=measure, size=size, window=window, min_count=2)
        got = {tuple(r["collocation"].split(" ")): r for r in rows}
        assert set(got) == set(want), measure
        for ngram, score in want.items():
            assert got[ngram]["count"] == finder.ngram_fd[ngram]
            assert got[ngram]["score"] == pytest.approx(score, rel=1e-12, abs=1e-12), (measure, ngram)
        rounded = [float(f"{r['score']:.12g}") for r in rows]
        assert rounded == sorted(rounded, reverse=True)


# --------------------------------------------------------------------------- the command


def test_cli_formats_give_the_same_rows(runner):
    """json, jsonl, csv and tsv carry the same rows; the table shows the top pair."""
    args = ["collocations", "--top", "15"]
    rows = invoke_json(runner, args)
    assert len(rows) == 15 and rows[0]["collocation"] == "kim jong"
    assert list(rows[0]) == ["collocation", "count", "score", "measure"]
    jsonl = [json.loads(x) for x in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == rows
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        parsed = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", fmt]).stdout), delimiter=delim))
        assert [r["collocation"] for r in parsed] == [r["collocation"] for r in rows]
        assert [float(r["score"]) for r in parsed] == [r["score"] for r in rows]
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert "kim jong" in table and "llr" in table


@pytest.mark.parametrize("extra", [["--size", "3", "--top", "0"], ["--window", "5", "--top", "0"], ["--node", "kim jong il", "--top", "0"]])
def test_cli_jobs_1_and_2_identical(runner, extra):
    """The bundled corpus (629 documents, 3 batches) gives the same bytes with --jobs 1 and --jobs 2."""
    one = invoke(runner, ["collocations", *extra, "-j", "1", "-f", "json"])
    two = invoke(runner, ["collocations", *extra, "-j", "2", "-f", "json"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(json.loads(one.stdout)) > 20


def test_ties_up_to_float_noise_sort_by_name(runner):
    """pmi of 'assumption' (36 of its 42 tokens) and 'smiling' (24 of 28) next to 'kim jong il' is the same log2 ratio, 3.2866651812 up to float noise: a tie, ordered by name."""
    rows = invoke_json(runner, ["collocations", "--node", "kim jong il", "--measure", "pmi", "--top", "2"])
    assert [r["collocate"] for r in rows] == ["assumption", "smiling"]
    assert rows[0]["score"] == pytest.approx(rows[1]["score"], rel=1e-14)
    assert round(rows[0]["score"], 10) == 3.2866651812


def test_cli_errors_and_empty(runner):
    """A trigram dice is exit 2 with one line; an impossible --min-count gives [] and exit 0."""
    result = invoke(runner, ["collocations", "--size", "3", "--measure", "dice"])
    assert result.exit_code == 2 and "pairs only" in result.stderr and result.stderr.count("\n") == 1
    assert invoke_json(runner, ["collocations", "--min-count", "1000000"]) == []


def test_cli_stopwords_none_keeps_function_words(runner):
    """The default english list drops 'of the'; --stopwords none keeps it."""
    assert "of the" not in {r["collocation"] for r in invoke_json(runner, ["collocations", "--top", "0"])}
    assert "of the" in {r["collocation"] for r in invoke_json(runner, ["collocations", "--stopwords", "none", "--top", "20"])}


# --------------------------------------------------------------------------- the shared corpus


@pytest.mark.slow
def test_node_imperialists_kcna_2011(runner, kcna_2011):
    """--node imperialists over KCNA 2011: 'japanese' mostly on the left (302 vs 1) and 'u.s' only on the left (375)."""
    rows = invoke_json(runner, ["collocations", str(kcna_2011), "--node", "imperialists", "--top", "0"])
    got = {r["collocate"]: r for r in rows}
    assert rows[0]["collocate"] == "japanese"
    assert (got["japanese"]["position"], got["japanese"]["left"], got["japanese"]["right"]) == ("both", 302, 1)
    assert (got["u.s"]["position"], got["u.s"]["left"], got["u.s"]["count"]) == ("left", 375, 375)
    assert {r["position"] for r in rows} == {"left", "right", "both"}
    assert all(r["node"] == "imperialists" and r["count"] >= 5 for r in rows)


@pytest.mark.slow
def test_trigrams_kcna_2011_equal_nltk_and_faster(kcna_2011):
    """Trigram llr over KCNA 2011: the same ~40,900 candidates and scores as NLTK's TrigramCollocationFinder (speed is measured by benchmarks/run.py, not asserted here)."""
    from nltk.collocations import TrigramCollocationFinder
    from nltk.metrics import TrigramAssocMeasures

    sents = [s for r in tokenized_documents(Corpus([str(kcna_2011)]), NONE, sentences=True, jobs=0) for s in r["sentences"]]
    finder = TrigramCollocationFinder.from_documents(sents)
    finder.apply_freq_filter(5)
    want = dict(finder.score_ngrams(TrigramAssocMeasures.likelihood_ratio))
    del finder, sents
    rows = collocations(Corpus([str(kcna_2011)]), NONE, measure="llr", size=3, jobs=1)
    got = {tuple(r["collocation"].split(" ")): r["score"] for r in rows}
    assert len(got) == len(want) > 40000
    assert set(got) == set(want)
    assert all(got[k] == pytest.approx(v, rel=1e-12) for k, v in want.items())
    assert rows[0]["collocation"] == "kim jong il" and rows[0]["count"] == 6347
