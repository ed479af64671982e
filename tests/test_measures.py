"""Tests for textkit.measures: keyness, dispersion and association against published figures."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from textkit.measures import association, dispersion, keyness
from textkit.measures.association import (
    ASSOCIATION_MEASURES,
    ASSOCIATION_NAMES,
    association_score,
    nltk_association_module,
    nltk_function,
    score_ngrams,
)
from textkit.measures.dispersion import dispersion_matrix, dp, dp_norm, juilland_d
from textkit.measures.keyness import (
    KEYNESS_ARRAY_MEASURES,
    KEYNESS_MEASURES,
    adjust_p,
    bic,
    cosine_similarity,
    g2,
    g2_dunning,
    g2_dunning_array,
    get_measure,
    log_ratio,
    p_value,
    p_value_array,
    pct_diff,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# "social": 208 times in an academic corpus of 121,442 words, 7 times in fiction of 128,644
SOCIAL = (208, 7, 121442, 128644)


def close(x: float, y: float, tol: float) -> bool:
    """True when x and y agree to ``tol`` (relative above 1, absolute below); NaN == NaN."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= tol * max(1.0, abs(y))


# =========================================================================== keyness


def test_g2_social_matches_cmu_keyness_lab() -> None:
    """Rayson's two-term G2 for "social" is 248.0959 as in the CMU keyness lab."""
    assert round(g2(*SOCIAL), 4) == 248.0959


def test_log_ratio_social_matches_cmu_keyness_lab() -> None:
    """Hardie's Log Ratio for "social" is 4.9762015."""
    assert round(log_ratio(*SOCIAL), 7) == 4.9762015


def test_log_ratio_replaces_a_zero_count_by_half() -> None:
    """A zero count becomes 0.5 (Hardie 2014), so the ratio stays finite; both zero give 0."""
    assert log_ratio(0, 4, 1000, 1000) == pytest.approx(math.log2(0.5 / 4))
    assert log_ratio(4, 0, 1000, 2000) == pytest.approx(math.log2((4 / 1000) / (0.5 / 2000)))
    assert log_ratio(0, 0, 1000, 2000) == pytest.approx(1.0)  # (0.5/1000)/(0.5/2000) = 2


def test_pct_diff_matches_gabrielatos_marchi() -> None:
    """%DIFF of cells (206523, 178174, 959641-206523, 1562358-178174) is 88.7."""
    assert round(pct_diff(206523, 178174, 959641, 1562358), 1) == 88.7


def test_pct_diff_is_none_when_absent_from_reference() -> None:
    """%DIFF is undefined (None) when b == 0, and NaN in the array form."""
    assert pct_diff(5, 0, 100, 100) is None
    out = KEYNESS_ARRAY_MEASURES["pct_diff"](np.array([5, 5]), np.array([0, 5]), 100, 100)
    assert math.isnan(out[0]) and out[1] == 0.0


def test_bic_is_g2_minus_log_total() -> None:
    """Wilson's BIC is G2 − ln(c + d): 248.0959 − ln 250086 = 235.6664."""
    assert bic(*SOCIAL) == pytest.approx(g2(*SOCIAL) - math.log(250086), abs=1e-12)
    assert round(bic(*SOCIAL), 4) == 235.6664


def test_p_value_at_critical_values() -> None:
    """The 1-df critical values 3.84, 6.63, 10.83, 15.13 give p ≈ .05, .01, .001, .0001."""
    for x, p in ((3.84, 0.05), (6.63, 0.01), (10.83, 0.001), (15.13, 0.0001)):
        assert p_value(x) == pytest.approx(p, rel=5e-3)
    assert p_value(0.0) == 1.0
    assert math.isnan(p_value(math.nan))
    with pytest.raises(ValueError):
        p_value(-1.0)


def test_g2_dunning_matches_dunning_1993() -> None:
    """The four-cell G2 of cells (10, 0, 3, 31764) is 167.23 (Dunning 1993)."""
    assert round(g2_dunning(10, 0, 10 + 3, 0 + 31764), 2) == 167.23


def test_g2_dunning_explains_quanteda_figure() -> None:
    """Four-cell G2 of "social" is 248.2679; quanteda's +1e-9 in each log adds ≈2e-9·N → 248.2684."""
    value = g2_dunning(*SOCIAL)
    assert round(value, 4) == 248.2679
    assert round(value + 2e-9 * (SOCIAL[2] + SOCIAL[3]), 4) == 248.2684


def test_g2_dunning_equals_nltk_likelihood_ratio() -> None:
    """g2_dunning(a, b, c, d) equals NLTK's bigram likelihood_ratio(a, (a + b, c), c + d)."""
    llr = nltk_function("llr", 2)
    for a, b, c, d in (SOCIAL, (10, 0, 13, 31764), (110, 2442, 221, 31556), (1, 1, 10, 10)):
        assert g2_dunning(a, b, c, d) == pytest.approx(llr(a, (a + b, c), c + d), rel=1e-9)


def test_g2_of_equal_relative_frequencies_is_zero() -> None:
    """Identical relative frequencies give G2 = 0, and absent terms give 0."""
    assert g2(10, 20, 1000, 2000) == pytest.approx(0.0, abs=1e-12)
    assert g2(0, 0, 1000, 2000) == 0.0


def test_keyness_arguments_are_validated() -> None:
    """A count above its corpus size or a non-positive corpus size raises ValueError."""
    with pytest.raises(ValueError):
        g2(5, 1, 4, 10)
    with pytest.raises(ValueError):
        log_ratio(1, 1, 0, 10)
    with pytest.raises(ValueError):
        KEYNESS_ARRAY_MEASURES["g2"](np.array([1, -1]), np.array([1, 1]), 10, 10)


def test_scalar_and_array_keyness_agree() -> None:
    """Every array form equals its scalar form to 1e-12 on random counts, zeros included."""
    rng = np.random.default_rng(7)
    c, d = 3_400_000, 1_250_000
    a = rng.integers(0, 5000, 3000)
    b = rng.integers(0, 5000, 3000)
    a[:50] = 0
    b[25:75] = 0
    pairs = dict(KEYNESS_ARRAY_MEASURES)
    scalars = dict(KEYNESS_MEASURES)
    pairs["g2_dunning"] = g2_dunning_array
    scalars["g2_dunning"] = g2_dunning
    for name, vector_fn in pairs.items():
        got = vector_fn(a, b, c, d)
        assert got.dtype == np.float64 and got.shape == a.shape
        for k in range(a.size):
            want = scalars[name](int(a[k]), int(b[k]), c, d)
            want = math.nan if want is None else want
            assert close(float(got[k]), want, 1e-12), (name, k)
    g = KEYNESS_ARRAY_MEASURES["g2"](a, b, c, d)
    pv = p_value_array(g)
    assert all(close(float(pv[k]), p_value(float(g[k])), 1e-12) for k in range(g.size))


def test_bonferroni_multiplies_by_m_capped_at_one() -> None:
    """Bonferroni gives min(1, p·m)."""
    got = adjust_p([0.01, 0.04, 0.03, 0.5], "bonferroni")
    assert got.tolist() == pytest.approx([0.04, 0.16, 0.12, 1.0])


def test_fdr_hand_checked_vector() -> None:
    """BH on [0.01, 0.04, 0.03]: sorted p·3/i = .03, .045, .04, cummin from the top → [.03, .04, .04]."""
    assert adjust_p([0.01, 0.04, 0.03], "fdr").tolist() == pytest.approx([0.03, 0.04, 0.04])
    # [0.04, 0.01, 0.03, 0.005]: sorted .005 .01 .03 .04 → ·4/i .02 .02 .04 .04
    got = adjust_p([0.04, 0.01, 0.03, 0.005], "fdr")
    assert got.tolist() == pytest.approx([0.04, 0.02, 0.04, 0.02])


def test_fdr_reproduces_benjamini_hochberg_1995_example() -> None:
    """The 15 p-values of Benjamini & Hochberg (1995, sec. 4): at q = .05 exactly the 4 smallest are rejected."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    adjusted = adjust_p(p, "fdr")
    assert [bool(x <= 0.05) for x in adjusted] == [True] * 4 + [False] * 11
    # p_(4) · 15/4 and, for the 5th, min over i >= 5 of p_(i) · 15/i = 0.0201 · 3
    assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)
    assert adjusted[4] == pytest.approx(0.0201 * 15 / 5)
    assert np.all(np.diff(adjusted) >= 0)  # monotone in p


def test_fdr_ties_nan_and_none() -> None:
    """Tied p-values share one adjusted value; NaN stays NaN and is not counted in m; 'none' copies."""
    got = adjust_p([0.02, 0.02, math.nan, 0.04], "fdr")
    assert got[0] == got[1] == pytest.approx(0.03)  # 0.02 · 3/2
    assert math.isnan(got[2]) and got[3] == pytest.approx(0.04)
    assert adjust_p([0.2, 0.1], "none").tolist() == [0.2, 0.1]
    with pytest.raises(ValueError, match="choose one of: none, bonferroni, fdr"):
        adjust_p([0.1], "holm")
    with pytest.raises(ValueError):
        adjust_p([1.5], "fdr")


def test_cosine_similarity_hand_values() -> None:
    """Proportional profiles give 1, disjoint ones 0, {a:1,b:1} vs {a:1} 1/√2, empty 0."""
    assert cosine_similarity({"a": 1, "b": 2}, {"b": 4, "a": 2}) == pytest.approx(1.0)
    assert cosine_similarity({"a": 1}, {"b": 1}) == 0.0
    assert cosine_similarity({"a": 1, "b": 1}, {"a": 1}) == pytest.approx(1 / math.sqrt(2))
    assert cosine_similarity({}, {"a": 1}) == 0.0


def test_get_measure_lists_valid_names() -> None:
    """An unknown name raises ValueError naming the valid ones; a known one is returned."""
    assert get_measure(KEYNESS_MEASURES, "g2") is g2
    with pytest.raises(ValueError, match=r"unknown measure 'x'; choose one of: bic, g2, log_ratio, pct_diff"):
        get_measure(KEYNESS_MEASURES, "x")
    assert sorted(KEYNESS_MEASURES) == sorted(KEYNESS_ARRAY_MEASURES)


# =========================================================================== dispersion

GRIES_CORPUS = [
    "b a m n i b e u p",
    "b a s a t b e w q n",
    "b c a g a b e s t a",
    "b a g h a b e a a t",
    "b a h a a b e a x a t",
]


def gries_counts(word: str) -> tuple[list[int], list[int]]:
    """Counts of ``word`` in the five parts of Gries' 50-word corpus, and the part sizes."""
    parts = [Counter(p.split()) for p in GRIES_CORPUS]
    return [c[word] for c in parts], [len(p.split()) for p in GRIES_CORPUS]


def test_juilland_d_matches_carroll() -> None:
    """Juilland's D of [0, 4, 3, 2, 1] in equal parts is 0.6464 (Carroll 1970)."""
    assert round(juilland_d([0, 4, 3, 2, 1], [100] * 5), 4) == 0.6464


def test_dp_of_two_one_zero() -> None:
    """DP of [2, 1, 0] in three equal parts is 1/3, normalized 0.5 (Gries 2008; Lijffijt & Gries 2012)."""
    assert dp([2, 1, 0], [10, 10, 10]) == pytest.approx(1 / 3)
    assert dp_norm([2, 1, 0], [10, 10, 10]) == pytest.approx(0.5)


def test_even_spread_and_single_part() -> None:
    """An evenly spread word has DP 0 and D 1; a word in one part only has DP = 1 − that part's share and D 0."""
    sizes = [100, 200, 300, 400]
    assert dp([1, 2, 3, 4], sizes) == pytest.approx(0.0, abs=1e-15)
    assert juilland_d([1, 2, 3, 4], sizes) == pytest.approx(1.0)
    assert dp([0, 0, 7, 0], sizes) == pytest.approx(1 - 300 / 1000)
    assert juilland_d([0, 0, 7, 0], sizes) == pytest.approx(0.0, abs=1e-15)
    assert dp_norm([9, 0, 0, 0], sizes) == pytest.approx(1.0)  # all in the smallest part


def test_gries_worked_example_word_a() -> None:
    """Gries' corpus, word "a" with v = (1..5) and s/S = (.18, .2, .2, .2, .22): DP .18, DP_norm .2195, D .7852."""
    v, s = gries_counts("a")
    assert v == [1, 2, 3, 4, 5] and s == [9, 10, 10, 10, 11]
    assert dp(v, s) == pytest.approx(0.18)
    assert dp_norm(v, s) == pytest.approx(0.18 / 0.82)
    assert round(juilland_d(v, s), 4) == 0.7852


def test_gries_2020_table_values() -> None:
    """Gries' table for b, i, q, x: DP .02/.82/.8/.78, DP_norm .024/1/.976/.951, D .968/0/0/0."""
    expected = {
        "b": (0.02, 0.024, 0.968),
        "i": (0.82, 1.0, 0.0),
        "q": (0.8, 0.976, 0.0),
        "x": (0.78, 0.951, 0.0),
    }
    for word, (want_dp, want_norm, want_d) in expected.items():
        v, s = gries_counts(word)
        assert round(dp(v, s), 3) == want_dp, word
        assert round(dp_norm(v, s), 3) == want_norm, word
        assert round(juilland_d(v, s), 3) == want_d, word


def test_juilland_d_lyne_allemand() -> None:
    """Lyne's ALLEMAND in ten unequal tenths has D = 0.6038797 (tlda README, same formula)."""
    v = [2, 0, 1, 1, 3, 0, 3, 0, 0, 0]
    s = [8143, 8058, 8271, 8125, 7959, 7941, 8146, 8001, 8003, 7930]
    assert round(juilland_d(v, s), 7) == 0.6038797


def test_dispersion_undefined_cases() -> None:
    """f = 0 gives None everywhere; one part gives DP 0 but no DP_norm or D."""
    assert dp([0, 0], [5, 5]) is None and dp_norm([0, 0], [5, 5]) is None
    assert juilland_d([0, 0], [5, 5]) is None
    assert dp([3], [10]) == 0.0
    assert dp_norm([3], [10]) is None and juilland_d([3], [10]) is None


def test_empty_parts_are_left_out() -> None:
    """A part of size 0 changes nothing; a count in a part of size 0 is a ValueError."""
    v, s = [0, 4, 3, 2, 1], [10] * 5
    for fn in (dp, dp_norm, juilland_d):
        assert fn(v + [0], s + [0]) == fn(v, s)
    with pytest.raises(ValueError):
        dp([1, 1], [5, 0])
    with pytest.raises(ValueError):
        juilland_d([1], [1, 2])


def random_sparse(rng: np.random.Generator, terms: int, parts: int) -> sp.csr_matrix:
    """A random CSR count matrix with rows of very different density and some all-zero rows."""
    rows, cols, vals = [], [], []
    for t in range(terms):
        k = min(parts, int(rng.choice([0, 1, 2, 3, parts // 3, parts])))
        chosen = rng.choice(parts, size=k, replace=False)
        rows.extend([t] * k)
        cols.extend(chosen.tolist())
        vals.extend(rng.integers(1, 20, size=k).tolist())
    return sp.csr_matrix((vals, (rows, cols)), shape=(terms, parts))


def test_dispersion_matrix_equals_scalar_versions() -> None:
    """dispersion_matrix equals dp, dp_norm and juilland_d row by row to 1e-9 on random sparse data."""
    rng = np.random.default_rng(11)
    for parts, empty in ((40, 0), (25, 3), (2, 0)):
        X = random_sparse(rng, 300, parts)
        s = rng.integers(50, 5000, size=parts).astype(float)
        if empty:
            dead = rng.choice(parts, size=empty, replace=False)
            s[dead] = 0
            X = X.tolil()
            X[:, dead] = 0
            X = X.tocsr()  # keeps no entries in the empty parts
        # an explicitly stored zero must be harmless
        X = X.tocsr()
        X.data = np.append(X.data[:-1], 0) if X.nnz else X.data
        d_arr, n_arr, j_arr = dispersion_matrix(X, s)
        dense = X.toarray()
        for t in range(dense.shape[0]):
            for got, fn in ((d_arr, dp), (n_arr, dp_norm), (j_arr, juilland_d)):
                want = fn(dense[t].tolist(), s.tolist())
                want = math.nan if want is None else want
                assert close(float(got[t]), want, 1e-9), (fn.__name__, t)


def test_dispersion_matrix_gries_example_and_formats() -> None:
    """The matrix form gives Gries' values, from a dense array or a COO matrix with duplicates."""
    words = ["a", "b", "i"]
    counts = [gries_counts(w)[0] for w in words]
    sizes = gries_counts("a")[1]
    d_arr, n_arr, j_arr = dispersion_matrix(np.array(counts), sizes)
    assert d_arr.tolist() == pytest.approx([0.18, 0.02, 0.82])
    assert n_arr.tolist() == pytest.approx([0.18 / 0.82, 0.02 / 0.82, 1.0])
    assert j_arr[2] == pytest.approx(0.0, abs=1e-12)
    # the count 3 of "a" in part 3 split into two COO entries (1 + 2)
    coo = sp.coo_matrix(([1, 2, 1, 2, 4, 5], ([0, 0, 0, 0, 0, 0], [0, 1, 2, 2, 3, 4])), shape=(1, 5))
    assert dispersion_matrix(coo, sizes)[0][0] == pytest.approx(0.18)


def test_dispersion_matrix_never_densifies() -> None:
    """A 200,000 × 200,000 matrix (320 GB dense) with a few entries is handled directly."""
    n = 200_000
    X = sp.csr_matrix(([3, 1, 1], ([0, 0, 5], [0, 1, n - 1])), shape=(n, n))
    sizes = np.full(n, 10.0)
    d_arr, n_arr, j_arr = dispersion_matrix(X, sizes)
    assert d_arr[0] == pytest.approx(0.5 * ((0.75 - 1 / n) + (0.25 - 1 / n) + (n - 2) / n))
    assert d_arr[5] == pytest.approx(1 - 1 / n)
    assert np.isnan(d_arr[1]) and np.isnan(j_arr[1])


def test_dispersion_matrix_validates() -> None:
    """Mismatched sizes, negative sizes and counts in empty parts raise ValueError."""
    X = sp.csr_matrix(np.array([[1, 0], [0, 2]]))
    with pytest.raises(ValueError):
        dispersion_matrix(X, [1, 2, 3])
    with pytest.raises(ValueError):
        dispersion_matrix(X, [1, -2])
    with pytest.raises(ValueError):
        dispersion_matrix(X, [1, 0])


# =========================================================================== association

NLTK_DOCTEST = [
    # (measure, n_ii, (n_ix, n_xi), n_xx, printed value, decimals) from collocations.doctest
    ("t", 8, (15828, 4675), 14307668, 0.9999, 4),
    ("t", 20, (42, 20), 14307668, 4.4721, 4),
    ("chi2", 8, (15828, 4675), 14307668, 1.55, 2),
    ("chi2", 59, (67, 65), 571007, 456400, -2),
    ("llr", 110, (2552, 221), 31777, 270.72, 2),
    ("llr", 8, (13, 32), 31777, 95.29, 2),
    ("pmi", 20, (42, 20), 14307668, 18.38, 2),
    ("pmi", 20, (15019, 15629), 14307668, 0.29, 2),
]


@pytest.mark.parametrize("measure,n_ii,units,total,value,digits", NLTK_DOCTEST)
def test_nltk_doctest_values(
    measure: str, n_ii: int, units: tuple[int, int], total: int, value: float, digits: int
) -> None:
    """NLTK's collocations.doctest figures come out of association_score and both score_ngrams engines."""
    assert round(association_score(measure, 2, n_ii, units, total), digits) == value
    for engine in ("numpy", "nltk"):
        got = score_ngrams(measure, 2, [n_ii], ([units[0]], [units[1]]), total, engine=engine)
        assert round(float(got[0]), digits) == value


def test_trigram_contingency_matches_nltk_doctest() -> None:
    """The trigram cells of (1, (1, 1, 1), (1, 73, 1), 2000) are (1, 0, 0, 0, 0, 72, 0, 1927) as in NLTK."""
    arr = [np.array([x]) for x in (1, 1, 1, 1, 1, 73, 1, 2000)]
    cells = association._contingency_3(arr[0], tuple(arr[1:4]), tuple(arr[4:7]), arr[7])
    assert [int(c[0]) for c in cells] == [1, 0, 0, 0, 0, 72, 0, 1927]


def random_tables(size: int, count: int, seed: int) -> list[tuple[int, ...]]:
    """Random contingency tables (first and last cells >= 1) over many orders of magnitude."""
    rng = random.Random(seed)
    tables = []
    for _ in range(count):
        top = rng.randint(1, 8 if size == 2 else 7)

        def cell(top: int = top) -> int:
            k = rng.randint(0, top)
            return int(10 ** rng.uniform(0, k)) if k else rng.randint(0, 3)

        middle = [cell() for _ in range(2**size - 2)]
        tables.append((max(1, cell()), *middle, max(1, cell())))
    return tables


@pytest.mark.parametrize("size", [2, 3])
def test_numpy_engine_equals_nltk_on_random_tables(size: int) -> None:
    """The vectorized scores equal NLTK's scalar functions to 1e-9 on 2,000 random tables per size."""
    module = nltk_association_module()
    cls = module.BigramAssocMeasures if size == 2 else module.TrigramAssocMeasures
    marginals = [cls._marginals(*t) for t in random_tables(size, 2000, seed=size)]
    n = np.array([m[0] for m in marginals])
    groups = [
        tuple(np.array([m[g][i] for m in marginals]) for i in range(size))
        for g in range(1, size)
    ]
    total = np.array([m[-1] for m in marginals])
    checked = 0
    for name in ASSOCIATION_NAMES:
        entry = ASSOCIATION_MEASURES[name]
        if size not in entry.sizes:
            continue
        got = score_ngrams(name, size, n, *groups, total)
        fn = getattr(cls, entry.nltk_name)
        for k, m in enumerate(marginals):
            try:
                want = fn(*m)
            except ZeroDivisionError:
                want = math.nan
            assert close(float(got[k]), want, 1e-9), (name, m, float(got[k]), want)
            checked += 1
    assert checked >= 2000 * (6 if size == 3 else 7)


def test_nltk_engine_equals_numpy_engine_for_trigrams() -> None:
    """Both engines agree on trigram candidates given as plain lists with a scalar total."""
    n_iii = [5, 1, 30]
    pairs = ([20, 1, 40], [6, 2, 31], [9, 3, 50])
    units = ([300, 50, 900], [400, 80, 1000], [500, 90, 700])
    for name in ("llr", "pmi", "t", "chi2", "jaccard", "poisson_stirling"):
        a = score_ngrams(name, 3, n_iii, pairs, units, 100_000)
        b = score_ngrams(name, 3, n_iii, pairs, units, 100_000, engine="nltk")
        assert np.allclose(a, b, rtol=1e-12, atol=0), name


def test_association_aliases_and_registry() -> None:
    """NLTK's method names are aliases of the canonical names; dice is bigram-only."""
    assert ASSOCIATION_MEASURES["likelihood_ratio"] is ASSOCIATION_MEASURES["llr"]
    assert ASSOCIATION_MEASURES["student_t"] is ASSOCIATION_MEASURES["t"]
    assert ASSOCIATION_MEASURES["chi_sq"] is ASSOCIATION_MEASURES["chi2"]
    assert set(ASSOCIATION_NAMES) == {
        "pmi", "llr", "t", "chi2", "dice", "jaccard", "poisson_stirling"
    }
    a = score_ngrams("likelihood_ratio", 2, [110], ([2552], [221]), 31777)
    b = score_ngrams("llr", 2, [110], ([2552], [221]), 31777)
    assert a.tolist() == b.tolist()
    assert score_ngrams("dice", 2, [10], ([20], [30]), 1000).tolist() == [0.4]


def test_association_errors() -> None:
    """Unknown measures, dice on trigrams, zero counts and inconsistent marginals raise ValueError."""
    with pytest.raises(ValueError, match="unknown measure 'foo'; choose one of: chi2"):
        score_ngrams("foo", 2, [1], ([1], [1]), 10)
    with pytest.raises(ValueError, match="size 2 only"):
        score_ngrams("dice", 3, [1], ([1], [1], [1]), ([1], [1], [1]), 10)
    with pytest.raises(ValueError, match="at least once"):
        score_ngrams("pmi", 2, [0], ([1], [1]), 10)
    with pytest.raises(ValueError, match="negative"):
        score_ngrams("pmi", 2, [5], ([3], [9]), 100)  # pair count above its word's count
    with pytest.raises(ValueError, match="NLTK's arguments"):
        score_ngrams("pmi", 3, [1], ([1], [1], [1]), 10)
    with pytest.raises(ValueError, match="whole numbers"):
        score_ngrams("pmi", 2, [1.5], ([2], [2]), 10)
    with pytest.raises(ValueError):
        score_ngrams("pmi", 4, [1], ([1], [1]), 10)


def test_chi2_of_a_word_that_is_every_token_is_nan() -> None:
    """Where NLTK divides by zero (a word that is every token) both engines give NaN."""
    for engine in ("numpy", "nltk"):
        got = score_ngrams("chi2", 2, [3], ([3], [10]), 10, engine=engine)
        assert math.isnan(got[0])


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter from the project root and return its stdout."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_light_nltk_loading_imports_neither_nltk_nor_scipy() -> None:
    """Scoring with NLTK's own file loads neither the nltk package, numpy nor scipy.stats."""
    code = (
        "import sys\n"
        "from textkit.measures.association import association_score, nltk_association_module\n"
        "v = association_score('llr', 2, 110, (2552, 221), 31777)\n"
        "m = nltk_association_module()\n"
        "heavy = sorted(k for k in ('nltk', 'numpy', 'scipy.stats') if k in sys.modules)\n"
        "print(round(v, 2), m.__file__.replace('\\\\', '/').endswith('nltk/metrics/association.py'), heavy)\n"
    )
    assert run_python(code) == "270.72 True []"


def test_registries_import_without_heavy_libraries() -> None:
    """Importing textkit.measures and reading the registries loads no numpy, scipy, nltk, click or rich."""
    code = (
        "import sys\n"
        "from textkit.measures import ASSOCIATION_MEASURES, KEYNESS_MEASURES\n"
        "names = sorted(ASSOCIATION_MEASURES) + sorted(KEYNESS_MEASURES)\n"
        "heavy = sorted(k for k in ('numpy', 'scipy', 'nltk', 'click', 'rich') if k in sys.modules)\n"
        "print(len(names) > 10, heavy)\n"
    )
    assert run_python(code) == "True []"


def test_measure_modules_export_their_names() -> None:
    """Each module's __all__ names exist, so the package re-exports stay valid."""
    for module in (keyness, dispersion, association):
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)


def test_nltk_loading_falls_back_to_the_ordinary_import() -> None:
    """When NLTK's file cannot be found on its own, the normal import is used and scores agree."""
    code = (
        "import importlib.util\n"
        "importlib.util.find_spec = lambda name, package=None: None\n"
        "from textkit.measures.association import association_score, nltk_association_module\n"
        "m = nltk_association_module()\n"
        "print(m.__name__, round(association_score('pmi', 2, 20, (42, 20), 14307668), 2))\n"
    )
    assert run_python(code) == "nltk.metrics.association 18.38"


def test_dispersion_triples_dp_is_correctly_rounded() -> None:
    """With integer counts, DP and DP_norm are the exact ratios (Fraction) rounded once,
    whatever the order of the entries: no summation noise near a rounding boundary."""
    from fractions import Fraction

    from textkit.measures.dispersion import dispersion_triples

    rng = np.random.default_rng(7)
    sizes = rng.integers(0, 400, size=60)
    sizes[3] = 0
    S = int(sizes.sum())
    m = int(sizes[sizes > 0].min())
    rows, cols, vals = [], [], []
    for t in range(40):
        parts = rng.choice(np.flatnonzero(sizes), size=int(rng.integers(1, 30)), replace=False)
        for p in parts:
            rows.append(t)
            cols.append(int(p))
            vals.append(int(rng.integers(1, int(sizes[p]) + 1)))
    perm = rng.permutation(len(rows))
    for order in (np.arange(len(rows)), perm):
        r, c, v = np.asarray(rows)[order], np.asarray(cols)[order], np.asarray(vals)[order]
        dp_arr, dpn_arr, _ = dispersion_triples(r, c, v, sizes, 40)
        for t in range(40):
            sel = r == t
            counts = dict(zip(c[sel].tolist(), v[sel].tolist(), strict=True))
            f = sum(counts.values())
            exact = Fraction(1, 2) * sum(abs(Fraction(counts.get(j, 0), f) - Fraction(int(sizes[j]), S)) for j in range(60))
            assert dp_arr[t] == float(exact)
            assert dpn_arr[t] == float(exact / (1 - Fraction(m, S)))


def test_dispersion_triples_same_in_slices(monkeypatch) -> None:
    """Reading the entries a few at a time (bounded memory) gives the same DP bits
    (exact integer sums) and the same D up to float summation order."""
    from textkit.measures import dispersion as disp

    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 300, size=50)
    rows = rng.integers(0, 30, size=400)
    cols = rng.integers(0, 50, size=400)
    key = np.unique(rows * 50 + cols)
    rows, cols = key // 50, key % 50
    vals = np.minimum(rng.integers(1, 20, size=len(rows)), sizes[cols])
    whole = disp.dispersion_triples(rows, cols, vals, sizes, 30)
    floats = disp.dispersion_triples(rows, cols, vals + 0.5, sizes, 30)  # the float path
    monkeypatch.setattr(disp, "SLICE", 7)
    sliced = disp.dispersion_triples(rows, cols, vals, sizes, 30)
    np.testing.assert_array_equal(whole[0], sliced[0])
    np.testing.assert_array_equal(whole[1], sliced[1])
    np.testing.assert_allclose(whole[2], sliced[2], rtol=1e-12)
    for a, b in zip(floats, disp.dispersion_triples(rows, cols, vals + 0.5, sizes, 30), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
