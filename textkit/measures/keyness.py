"""Corpus-comparison (keyness) statistics.

Every measure compares one term's count ``a`` in corpus A (``c`` tokens in all) with its
count ``b`` in corpus B (``d`` tokens in all).  In the 2×2 contingency table of the
literature, with cells (o11, o12, o21, o22)::

                 corpus A      corpus B
    term         o11 = a       o12 = b
    other        o21 = c - a   o22 = d - b
                 ---------     ---------
                 c             d           N = c + d

Each statistic has a plain scalar function (pure ``math``, no imports) and an ``*_array``
twin that takes numpy arrays ``a`` and ``b`` (``c`` and ``d`` scalars) and returns float
arrays; the two agree to 1e-12 (tested).  The scalar twin returns ``None`` where the
statistic is undefined and the array twin returns NaN there.

Conventions follow Paul Rayson's log-likelihood and effect-size calculator (UCREL,
Lancaster): G2 is the two-term statistic, unsigned (read the direction from
:func:`log_ratio` or from ``a/c > b/d``), with critical values 3.84 (p < .05),
6.63 (.01), 10.83 (.001) and 15.13 (.0001) for 1 degree of freedom.

numpy is imported inside the array functions only, so importing this module is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "ADJUST_METHODS",
    "KEYNESS_ARRAY_MEASURES",
    "KEYNESS_MEASURES",
    "adjust_p",
    "bic",
    "bic_array",
    "cosine_similarity",
    "g2",
    "g2_array",
    "g2_dunning",
    "g2_dunning_array",
    "get_measure",
    "log_ratio",
    "log_ratio_array",
    "p_value",
    "p_value_array",
    "pct_diff",
    "pct_diff_array",
]

#: The count that replaces a zero in :func:`log_ratio` (Hardie 2014).
LOG_RATIO_ZERO = 0.5

#: Methods accepted by :func:`adjust_p`.
ADJUST_METHODS = ("none", "bonferroni", "fdr")


# --------------------------------------------------------------------------- validation


def _check_scalar(a: float, b: float, c: float, d: float) -> None:
    """Raise ValueError unless 0 <= a <= c, 0 <= b <= d and c, d > 0."""
    if not (c > 0 and d > 0):
        raise ValueError(f"corpus sizes must be positive, got c={c!r}, d={d!r}")
    if not (0 <= a <= c):
        raise ValueError(f"count a={a!r} must lie between 0 and the corpus size c={c!r}")
    if not (0 <= b <= d):
        raise ValueError(f"count b={b!r} must lie between 0 and the corpus size d={d!r}")


def _check_arrays(a: Any, b: Any, c: float, d: float) -> tuple[Any, Any, float, float]:
    """Return ``a``, ``b`` as float arrays of one shape and ``c``, ``d`` as floats.

    Raises ValueError on shape mismatch or counts outside ``[0, c]`` / ``[0, d]``.
    """
    import numpy as np

    a_arr = np.asarray(a, dtype=float)
    b_arr = np.asarray(b, dtype=float)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"a and b must have the same shape, got {a_arr.shape} and {b_arr.shape}")
    c = float(c)
    d = float(d)
    if not (c > 0 and d > 0):
        raise ValueError(f"corpus sizes must be positive, got c={c!r}, d={d!r}")
    if a_arr.size and (np.any(~(a_arr >= 0)) or np.any(a_arr > c)):
        raise ValueError(f"every count in a must lie between 0 and the corpus size c={c!r}")
    if b_arr.size and (np.any(~(b_arr >= 0)) or np.any(b_arr > d)):
        raise ValueError(f"every count in b must lie between 0 and the corpus size d={d!r}")
    return a_arr, b_arr, c, d


# --------------------------------------------------------------------------- G2 (Rayson)


def g2(a: float, b: float, c: float, d: float) -> float:
    """Rayson's log-likelihood G2 of a term counted ``a`` times in A and ``b`` times in B.

    G2 = 2 (a ln(a/E1) + b ln(b/E2)), with E1 = c(a+b)/(c+d) and E2 = d(a+b)/(c+d),
    where a zero count contributes 0 (the limit of x ln x).  This is the two-term form of
    Rayson & Garside (2000), "Comparing corpora using frequency profiling", as computed by
    UCREL's log-likelihood calculator; it omits the two "other words" cells of the full
    table (see :func:`g2_dunning` for the four-cell form).  The result is unsigned and
    clamped at 0 against rounding.

    Example: "social", 208 times in 121,442 academic words against 7 in 128,644 words of
    fiction, gives 248.0959 (CMU corpus-linguistics course, keyness lab).
    """
    _check_scalar(a, b, c, d)
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    total = 0.0
    if a > 0:
        total += a * math.log(a / e1)
    if b > 0:
        total += b * math.log(b / e2)
    return max(0.0, 2.0 * total)


def g2_array(a: Any, b: Any, c: float, d: float) -> Any:
    """Vectorized :func:`g2` over arrays ``a``, ``b`` (scalars ``c``, ``d``): a float array."""
    import numpy as np

    a, b, c, d = _check_arrays(a, b, c, d)
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        term_a = np.where(a > 0, a * np.log(a / e1), 0.0)
        term_b = np.where(b > 0, b * np.log(b / e2), 0.0)
    return np.maximum(0.0, 2.0 * (term_a + term_b))


# --------------------------------------------------------------------------- p-value


def p_value(x: float) -> float:
    """Upper-tail probability of a chi-square statistic ``x`` with 1 degree of freedom.

    P(X > x) = erfc(sqrt(x / 2)), since a chi-square with 1 df is the square of a standard
    normal.  The critical values 3.84, 6.63, 10.83 and 15.13 give p of about 0.05, 0.01,
    0.001 and 0.0001.  NaN gives NaN; p underflows to 0.0 above x of about 1,480.
    Raises ValueError for a negative ``x``.
    """
    if math.isnan(x):
        return math.nan
    if x < 0:
        raise ValueError(f"a chi-square statistic cannot be negative, got {x!r}")
    return math.erfc(math.sqrt(x / 2.0))


def p_value_array(x: Any) -> Any:
    """Vectorized :func:`p_value` (math.erfc per element, so it equals the scalar exactly)."""
    import numpy as np

    arr = np.asarray(x, dtype=float)
    if np.any(arr < 0):
        raise ValueError("a chi-square statistic cannot be negative")
    out = np.fromiter(
        (math.erfc(math.sqrt(v / 2.0)) for v in arr.ravel().tolist()),
        dtype=float,
        count=arr.size,
    )
    return out.reshape(arr.shape)


# --------------------------------------------------------------------------- effect sizes


def log_ratio(a: float, b: float, c: float, d: float) -> float:
    """Hardie's Log Ratio: log2((a/c) / (b/d)), a zero count replaced by 0.5.

    Hardie (2014), "Log Ratio – an informal introduction" (CASS, Lancaster): the binary
    log of the ratio of relative frequencies, so +1 means twice as frequent in A.  A zero
    in either count is replaced by 0.5 so the value stays finite (both zero gives 0).

    Example: "social" (208 of 121,442 against 7 of 128,644) gives 4.9762015.
    """
    _check_scalar(a, b, c, d)
    a_ = a if a > 0 else LOG_RATIO_ZERO
    b_ = b if b > 0 else LOG_RATIO_ZERO
    return math.log2((a_ / c) / (b_ / d))


def log_ratio_array(a: Any, b: Any, c: float, d: float) -> Any:
    """Vectorized :func:`log_ratio`: a float array."""
    import numpy as np

    a, b, c, d = _check_arrays(a, b, c, d)
    a_ = np.where(a > 0, a, LOG_RATIO_ZERO)
    b_ = np.where(b > 0, b, LOG_RATIO_ZERO)
    return np.log2((a_ / c) / (b_ / d))


def pct_diff(a: float, b: float, c: float, d: float) -> float | None:
    """Gabrielatos & Marchi's %DIFF: (a/c - b/d) / (b/d) · 100; None when ``b == 0``.

    Gabrielatos & Marchi (2011), "Keyness: Matching metrics to definitions" (CADS
    conference, Bologna): the difference of relative frequencies as a percentage of the
    reference (B) frequency.  Undefined (None) when the term is absent from B.

    Example: cells (206523, 178174, 959641 - 206523, 1562358 - 178174), i.e. a=206523,
    c=959641, b=178174, d=1562358, give 88.7.
    """
    _check_scalar(a, b, c, d)
    if b == 0:
        return None
    return (a / c - b / d) / (b / d) * 100.0


def pct_diff_array(a: Any, b: Any, c: float, d: float) -> Any:
    """Vectorized :func:`pct_diff`: a float array, NaN where ``b == 0``."""
    import numpy as np

    a, b, c, d = _check_arrays(a, b, c, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a / c - b / d) / (b / d) * 100.0
    return np.where(b == 0, np.nan, out)


def bic(a: float, b: float, c: float, d: float) -> float:
    """Wilson's BIC approximation for keyness: G2 - ln(c + d).

    Wilson (2013), "Embracing Bayes factors for key item analysis in corpus linguistics":
    BIC = G2 - df · ln(N) with df = 1 and N = c + d; G2 is :func:`g2`.  BIC above 2 is
    read as positive evidence, above 6 strong, above 10 very strong.
    """
    return g2(a, b, c, d) - math.log(c + d)


def bic_array(a: Any, b: Any, c: float, d: float) -> Any:
    """Vectorized :func:`bic`: a float array."""
    return g2_array(a, b, c, d) - math.log(float(c) + float(d))


# --------------------------------------------------------------------------- G2 (Dunning)


def g2_dunning(a: float, b: float, c: float, d: float) -> float:
    """Dunning's four-cell log-likelihood G2 over the whole 2×2 table.

    G2 = 2 Σ_ij o_ij ln(o_ij / E_ij), E_ij = (row_i · column_j) / N, over the cells
    o11 = a, o12 = b, o21 = c - a, o22 = d - b (N = c + d), a zero cell contributing 0.
    Dunning (1993), "Accurate methods for the statistics of surprise and coincidence",
    Computational Linguistics 19(1).  This is what NLTK's ``likelihood_ratio`` computes
    (it adds 1e-20 inside its logs) and what quanteda's ``textstat_keyness(measure =
    "lr")`` prints (it adds 1e-9 inside its logs, i.e. about 2e-9 · N more).  Unlike
    :func:`g2` it also counts the "other words" cells, so it is slightly larger.

    Arguments follow the keyness convention (counts a, b; corpus sizes c, d): for
    literature cells (o11, o12, o21, o22) pass a=o11, b=o12, c=o11+o21, d=o12+o22.
    Example: cells (10, 0, 3, 31764) (Dunning 1993), i.e. g2_dunning(10, 0, 13, 31764),
    give 167.23; "social" gives 248.2679 (quanteda: 248.2684).
    """
    _check_scalar(a, b, c, d)
    n = c + d
    cells = ((a, a + b, c), (b, a + b, d), (c - a, n - a - b, c), (d - b, n - a - b, d))
    total = 0.0
    for obs, row, col in cells:
        if obs > 0:
            total += obs * math.log(obs / (row * col / n))
    return max(0.0, 2.0 * total)


def g2_dunning_array(a: Any, b: Any, c: float, d: float) -> Any:
    """Vectorized :func:`g2_dunning`: a float array."""
    import numpy as np

    a, b, c, d = _check_arrays(a, b, c, d)
    n = c + d
    total = np.zeros(a.shape, dtype=float)
    cells = ((a, a + b, c), (b, a + b, d), (c - a, n - a - b, c), (d - b, n - a - b, d))
    with np.errstate(divide="ignore", invalid="ignore"):
        for obs, row, col in cells:
            total = total + np.where(obs > 0, obs * np.log(obs / (row * col / n)), 0.0)
    return np.maximum(0.0, 2.0 * total)


# --------------------------------------------------------------------------- corrections


def adjust_p(pvalues: Sequence[float] | Any, method: str = "none") -> Any:
    """Adjust p-values for multiple comparisons; returns a float numpy array.

    - ``"none"``: the p-values unchanged (as floats).
    - ``"bonferroni"``: min(1, p · m).
    - ``"fdr"``: Benjamini & Hochberg (1995), "Controlling the false discovery rate",
      JRSS B 57(1), the step-up procedure as R's ``p.adjust(p, "BH")``: with the
      p-values sorted increasingly, p_(i) · m / i, made monotone by a cumulative minimum
      taken from the largest down, capped at 1.  Tied p-values get the same value.

    m is the number of non-NaN p-values; NaN entries stay NaN (as in R).  The result is
    in the input order and does not depend on the order of ties (a stable sort is used).
    Raises ValueError for an unknown method or a p-value outside [0, 1].
    """
    import numpy as np

    if method not in ADJUST_METHODS:
        raise ValueError(
            f"unknown p-value correction {method!r}; choose one of: {', '.join(ADJUST_METHODS)}"
        )
    p = np.array(pvalues, dtype=float, copy=True).reshape(-1)
    finite = ~np.isnan(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    if method == "none":
        return p
    m = int(finite.sum())
    out = np.full(p.shape, np.nan)
    if m == 0:
        return out
    q = p[finite]
    if method == "bonferroni":
        out[finite] = np.minimum(1.0, q * m)
        return out
    # Benjamini-Hochberg, as R: i <- lp:1; o <- order(p, decreasing = TRUE);
    # pmin(1, cummin(n / i * p[o]))[order(o)]
    order = np.argsort(-q, kind="stable")  # largest first
    ranks = np.arange(m, 0, -1, dtype=float)  # m, m-1, ..., 1
    adjusted = np.minimum(1.0, np.minimum.accumulate(m / ranks * q[order]))
    result = np.empty(m)
    result[order] = adjusted
    out[finite] = result
    return out


# --------------------------------------------------------------------------- similarity


def cosine_similarity(counts_a: Mapping[Any, float], counts_b: Mapping[Any, float]) -> float:
    """Cosine of the angle between two frequency profiles given as {term: count} dicts.

    cos = Σ_t a_t b_t / (sqrt(Σ_t a_t²) · sqrt(Σ_t b_t²)), over the union of terms (a
    missing term counts 0).  Sums use ``math.fsum``, so the value does not depend on the
    dicts' order.  Returns 0.0 when either profile is empty or all zero (the angle is
    then undefined), and is clamped to [-1, 1] against rounding.
    """
    dot = math.fsum(v * counts_b[k] for k, v in counts_a.items() if k in counts_b)
    norm_a = math.sqrt(math.fsum(v * v for v in counts_a.values()))
    norm_b = math.sqrt(math.fsum(v * v for v in counts_b.values()))
    if norm_a == 0.0 or norm_b == 0.0:
        return 0.0
    return max(-1.0, min(1.0, dot / (norm_a * norm_b)))


# --------------------------------------------------------------------------- registries

#: Scalar keyness measures by name: each ``f(a, b, c, d) -> float | None``.
KEYNESS_MEASURES: dict[str, Callable[..., float | None]] = {
    "g2": g2,
    "log_ratio": log_ratio,
    "pct_diff": pct_diff,
    "bic": bic,
}

#: The same measures vectorized: each ``f(a_array, b_array, c, d) -> float array``.
KEYNESS_ARRAY_MEASURES: dict[str, Callable[..., Any]] = {
    "g2": g2_array,
    "log_ratio": log_ratio_array,
    "pct_diff": pct_diff_array,
    "bic": bic_array,
}


def get_measure(registry: Mapping[str, Any], name: str) -> Any:
    """Return ``registry[name]``; raise ValueError listing the valid names otherwise."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        choices = ", ".join(sorted(registry))
        raise ValueError(f"unknown measure {name!r}; choose one of: {choices}") from None
