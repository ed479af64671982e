"""Collocation association measures for bigrams and trigrams, as NLTK computes them.

The measures are NLTK's own (``nltk.metrics.association``, ``BigramAssocMeasures`` and
``TrigramAssocMeasures``), with NLTK's argument layout:

- bigrams: ``(n_ii, (n_ix, n_xi), n_xx)`` — the pair's count, the count of word 1, the
  count of word 2, the number of tokens;
- trigrams: ``(n_iii, (n_iix, n_ixi, n_xii), (n_ixx, n_xix, n_xxi), n_xxx)`` — the
  triple's count; the counts of (w1, w2, *), (w1, *, w3) and (*, w2, w3); the counts of
  w1, w2 and w3; the number of tokens.  (This is what NLTK's
  ``TrigramCollocationFinder.score_ngram`` passes: ``bigram_fd``, ``wildcard_fd`` and
  ``word_fd`` counts.)

:func:`association_score` calls NLTK's function for one n-gram.
:func:`score_ngrams` scores arrays of candidates: its default ``engine="numpy"`` is a
vectorized transcription of NLTK's formulas, step for step (same contingency cells, same
expected values, the same 1e-20 guards), and ``tests/test_measures.py`` checks it against
NLTK's functions on thousands of random count tuples (to 1e-9, relative above 1).  It
exists for speed: NLTK's per-call trigram ``likelihood_ratio`` and ``chi_sq`` take
about 45 µs each (≈13 s for 300,000 candidates) where the numpy version takes
milliseconds.  ``engine="nltk"`` calls NLTK per candidate instead.

Loading NLTK: ``import nltk.metrics.association`` runs ``nltk/__init__.py`` and imports
all of NLTK (≈2 s).  :func:`nltk_association_module` instead executes NLTK's own
``nltk/metrics/association.py`` file by itself (its only imports are ``math``, ``abc``,
``functools`` and an optional ``scipy.stats`` for Fisher's test, which is declined unless
scipy.stats is already loaded): well under a millisecond.  It falls back to the normal
import if the file cannot be loaded that way.  Note that in NLTK 3.10
``import nltk.metrics.association as m`` fails (``nltk.metrics`` is rebound to
``nltk.translate.metrics`` by ``nltk/__init__``); the fallback uses ``importlib``.

The registry :data:`ASSOCIATION_MEASURES` needs neither numpy nor NLTK, so a CLI can build
its choices from it at ``--help`` time.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from textkit.measures.keyness import get_measure

__all__ = [
    "ASSOCIATION_MEASURES",
    "ASSOCIATION_NAMES",
    "AssociationMeasure",
    "association_score",
    "nltk_association_module",
    "nltk_function",
    "score_ngrams",
]

#: NLTK's guard against division by zero and log(0) (``nltk.metrics.association._SMALL``).
_SMALL = 1e-20


@dataclass(frozen=True)
class AssociationMeasure:
    """One association measure: textkit's name, NLTK's method name, the n-gram sizes."""

    name: str
    nltk_name: str
    sizes: tuple[int, ...]
    description: str


_MEASURE_LIST = (
    AssociationMeasure(
        "pmi", "pmi", (2, 3),
        "pointwise mutual information, log2(n_ii · N^(n-1) / Π unigram counts) "
        "(Church & Hanks 1990; Manning & Schütze 5.4)",
    ),
    AssociationMeasure(
        "llr", "likelihood_ratio", (2, 3),
        "log-likelihood ratio G2 = 2 Σ o ln(o/E) over the 2^n contingency table "
        "(Dunning 1993; Manning & Schütze 5.3.4)",
    ),
    AssociationMeasure(
        "t", "student_t", (2, 3),
        "Student's t, (n_ii − E) / sqrt(n_ii), E = Π unigram counts / N^(n-1) "
        "(Church et al. 1991; Manning & Schütze 5.3.1)",
    ),
    AssociationMeasure(
        "chi2", "chi_sq", (2, 3),
        "Pearson's chi-square Σ (o − E)² / E over the contingency table "
        "(Manning & Schütze 5.3.3)",
    ),
    AssociationMeasure(
        "dice", "dice", (2,),
        "Dice coefficient 2 n_ii / (n_ix + n_xi) (Smadja et al. 1996); bigrams only",
    ),
    AssociationMeasure(
        "jaccard", "jaccard", (2, 3),
        "Jaccard index: n-gram count / cells where any word of it occurs",
    ),
    AssociationMeasure(
        "poisson_stirling", "poisson_stirling", (2, 3),
        "Poisson–Stirling, n_ii (log2(n_ii / E) − 1) (Quasthoff & Wolff 2002)",
    ),
)

#: Canonical measure names, in a fixed order.
ASSOCIATION_NAMES: tuple[str, ...] = tuple(m.name for m in _MEASURE_LIST)

#: Alternative names accepted everywhere: NLTK's own method names.
ASSOCIATION_ALIASES: dict[str, str] = {
    "likelihood_ratio": "llr",
    "student_t": "t",
    "chi_sq": "chi2",
}

#: name (canonical or alias) -> :class:`AssociationMeasure`.
ASSOCIATION_MEASURES: dict[str, AssociationMeasure] = {m.name: m for m in _MEASURE_LIST}
ASSOCIATION_MEASURES.update(
    {alias: ASSOCIATION_MEASURES[name] for alias, name in ASSOCIATION_ALIASES.items()}
)


def _lookup(measure: str, size: int) -> AssociationMeasure:
    """Return the measure named ``measure``; ValueError if unknown or not for ``size``."""
    if size not in (2, 3):
        raise ValueError(f"n-gram size must be 2 or 3, got {size!r}")
    entry: AssociationMeasure = get_measure(ASSOCIATION_MEASURES, measure)
    if size not in entry.sizes:
        allowed = ", ".join(str(k) for k in entry.sizes)
        raise ValueError(
            f"measure {measure!r} is defined for n-grams of size {allowed} only "
            f"(NLTK has no trigram {entry.nltk_name})"
        )
    return entry


# --------------------------------------------------------------------------- NLTK loading


@functools.lru_cache(maxsize=1)
def nltk_association_module() -> ModuleType:
    """Return NLTK's ``nltk.metrics.association`` module, loaded as cheaply as possible.

    If NLTK's module is already imported it is returned.  Otherwise NLTK's own file
    ``nltk/metrics/association.py`` is executed as a stand-alone module (without running
    ``nltk/__init__.py``); its optional ``from scipy.stats import fisher_exact`` is
    declined unless scipy.stats is already loaded (Fisher's test is not among textkit's
    measures, and importing scipy.stats costs about a second).  If that fails for any
    reason, the module is imported normally.
    """
    loaded = sys.modules.get("nltk.metrics.association")
    if loaded is not None:
        return loaded
    try:
        spec = importlib.util.find_spec("nltk")  # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("nltk is not installed")
        file_spec = None
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "metrics" / "association.py"
            if candidate.is_file():
                file_spec = importlib.util.spec_from_file_location(
                    "textkit._nltk_association", candidate
                )
                break
        if file_spec is None or file_spec.loader is None:
            raise ImportError("nltk/metrics/association.py not found")
        module = importlib.util.module_from_spec(file_spec)
        if "scipy.stats" not in sys.modules:
            real_import = builtins.__import__

            def _no_scipy_stats(name: str, *args: Any, **kwargs: Any) -> Any:
                if name == "scipy.stats":
                    raise ImportError("scipy.stats not loaded for textkit's association measures")
                return real_import(name, *args, **kwargs)

            module_builtins = dict(vars(builtins))
            module_builtins["__import__"] = _no_scipy_stats
            module.__dict__["__builtins__"] = module_builtins
        file_spec.loader.exec_module(module)
        if not hasattr(module, "BigramAssocMeasures"):
            raise ImportError("unexpected nltk/metrics/association.py")
        return module
    except Exception:  # any failure: fall back to the ordinary import
        return importlib.import_module("nltk.metrics.association")


def nltk_function(measure: str, size: int) -> Callable[..., float]:
    """NLTK's scalar scoring function for ``measure`` and n-gram ``size`` (2 or 3).

    E.g. ``nltk_function("llr", 2)`` is ``BigramAssocMeasures.likelihood_ratio``; call it
    with NLTK's layout, ``f(n_ii, (n_ix, n_xi), n_xx)``.
    """
    entry = _lookup(measure, size)
    module = nltk_association_module()
    cls = module.BigramAssocMeasures if size == 2 else module.TrigramAssocMeasures
    return getattr(cls, entry.nltk_name)


def association_score(measure: str, size: int, *marginals: Any) -> float:
    """Score one n-gram with NLTK's own function: ``association_score("pmi", 2, 20, (42,
    20), 14307668)`` is ``BigramAssocMeasures.pmi(20, (42, 20), 14307668)`` = 18.38."""
    return float(nltk_function(measure, size)(*marginals))


# --------------------------------------------------------------------------- vectorized


def _as_counts(x: Any, what: str) -> Any:
    """``x`` as an int64 array; ValueError if it holds non-integers or negatives."""
    import numpy as np

    arr = np.asarray(x)
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.int64, copy=False)
    elif arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
            raise ValueError(f"{what} must be whole numbers")
        arr = arr.astype(np.int64)
    else:
        raise ValueError(f"{what} must be numeric counts, got dtype {arr.dtype}")
    if np.any(arr < 0):
        raise ValueError(f"{what} must be non-negative")
    return arr


def _unpack(size: int, ngram_counts: Any, marginals: Sequence[Any], fractional: bool = False) -> tuple[Any, ...]:
    """Validate NLTK-layout arguments and return int64 arrays plus the total."""
    import numpy as np

    if len(marginals) != size:
        layout = (
            "n_ii, (n_ix, n_xi), n_xx"
            if size == 2
            else "n_iii, (n_iix, n_ixi, n_xii), (n_ixx, n_xix, n_xxi), n_xxx"
        )
        raise ValueError(f"size-{size} scores take NLTK's arguments ({layout})")
    if fractional:
        n_gram = np.asarray(ngram_counts, dtype=float).reshape(-1)
        if not np.all(np.isfinite(n_gram)) or np.any(n_gram <= 0):
            raise ValueError("n-gram counts must be positive finite numbers")
    else:
        n_gram = _as_counts(ngram_counts, "n-gram counts").reshape(-1)
    total = _as_counts(marginals[-1], "the number of tokens")
    if np.any(total <= 0):
        raise ValueError("the number of tokens must be positive")
    groups = []
    for group in marginals[:-1]:
        if len(group) != size:
            raise ValueError(f"size-{size} marginal groups must each hold {size} arrays")
        groups.append(
            tuple(
                np.broadcast_to(_as_counts(g, "marginal counts"), n_gram.shape)
                for g in group
            )
        )
    if not fractional and np.any(n_gram < 1):
        raise ValueError("every candidate n-gram must occur at least once")
    return (n_gram, *groups, total)


def _check_cells(cells: Sequence[Any]) -> None:
    """Raise ValueError if a contingency cell is negative (inconsistent marginals)."""
    import numpy as np

    for cell in cells:
        bad = np.flatnonzero(cell < 0)
        if bad.size:
            raise ValueError(
                f"inconsistent counts for candidate {int(bad[0])}: a contingency cell is "
                "negative; check the marginals and their order (NLTK's layout)"
            )


def _contingency_2(n_ii: Any, n_ix: Any, n_xi: Any, n_xx: Any) -> tuple[Any, ...]:
    """BigramAssocMeasures._contingency: (n_ii, n_oi, n_io, n_oo)."""
    n_oi = n_xi - n_ii
    n_io = n_ix - n_ii
    return (n_ii, n_oi, n_io, n_xx - n_ii - n_oi - n_io)


def _contingency_3(
    n_iii: Any, pairs: tuple[Any, Any, Any], units: tuple[Any, Any, Any], n_xxx: Any
) -> tuple[Any, ...]:
    """TrigramAssocMeasures._contingency: (n_iii, n_oii, n_ioi, n_ooi, n_iio, n_oio,
    n_ioo, n_ooo)."""
    n_iix, n_ixi, n_xii = pairs
    n_ixx, n_xix, n_xxi = units
    n_oii = n_xii - n_iii
    n_ioi = n_ixi - n_iii
    n_iio = n_iix - n_iii
    n_ooi = n_xxi - n_iii - n_oii - n_ioi
    n_oio = n_xix - n_iii - n_oii - n_iio
    n_ioo = n_ixx - n_iii - n_ioi - n_iio
    n_ooo = n_xxx - n_iii - n_oii - n_ioi - n_iio - n_ooi - n_oio - n_ioo
    return (n_iii, n_oii, n_ioi, n_ooi, n_iio, n_oio, n_ioo, n_ooo)


def _ratio(factors: Sequence[Any], total: Any) -> Any:
    """Π factors / N^(k-1) for k = 2 or 3 factors, each between 0 and N, as a float array.

    NLTK computes this with Python integers: the exact product divided by the exact
    power, rounded once.  When N < 2**31 this does the same in int64 without overflow:
    with P = f0·f1 = qN + r, P/N = q + r/N; and P·f2/N² = q2 + (r2·N + r·f2)/N² with
    q·f2 = q2·N + r2.  Every integer step is exact, so the float result differs from
    NLTK's correctly rounded one by at most an ulp, and almost always not at all.
    Larger N falls back to float products.
    """
    import numpy as np

    k = len(factors)
    if np.all(total < 2**31):
        q, r = np.divmod(factors[0] * factors[1], total)
        if k == 2:
            return q + r / total.astype(float)
        q2, r2 = np.divmod(q * factors[2], total)
        rest = r2 * total + r * factors[2]
        return q2 + rest / (total * total).astype(float)
    prod = factors[0].astype(float)
    for fac in factors[1:]:
        prod = prod * fac.astype(float)
    return prod / total.astype(float) ** (k - 1)


def _expected(cont: Sequence[Any], total: Any, n: int) -> list[Any]:
    """Expected cell counts under independence, as NLTK's ``_expected_values``.

    Bigrams: (c_i + c_{i^1}) (c_i + c_{i^2}) / N.  Trigrams (the generic
    NgramAssocMeasures form): Π_j (Σ of the cells agreeing with cell i on word j) / N².
    """
    cells = len(cont)
    exps = []
    for i in range(cells):
        factors = []
        for j in (1 << k for k in range(n)):
            factors.append(sum(cont[x] for x in range(cells) if (x & j) == (i & j)))
        exps.append(_ratio(factors, total))
    return exps


def _score_numpy(name: str, size: int, args: tuple[Any, ...]) -> Any:
    """Vectorized transcription of NLTK's measure ``name`` (its method name)."""
    import numpy as np

    n_gram = args[0]
    total = args[-1]
    units = args[-2]
    if size == 2:
        cont = _contingency_2(n_gram, units[0], units[1], total)
    else:
        cont = _contingency_3(n_gram, args[1], units, total)
    _check_cells(cont)
    ng = n_gram.astype(float)
    tf = total.astype(float)

    if name == "pmi":
        # _log2(n_ii * N ** (n-1)) - _log2(_product(unigrams))
        prod = units[0].astype(float)
        for u in units[1:]:
            prod = prod * u.astype(float)
        return np.log2(ng * tf ** (size - 1)) - np.log2(prod)
    if name == "student_t":
        return (ng - _ratio(units, total)) / (ng + _SMALL) ** 0.5
    if name == "poisson_stirling":
        expected = _ratio(units, total)
        return ng * (np.log2(ng / expected) - 1)
    if name == "jaccard":
        denom = cont[0]
        for c in cont[1:-1]:
            denom = denom + c
        return cont[0] / denom.astype(float)
    if name == "dice":
        return (2 * n_gram) / (units[0] + units[1]).astype(float)
    if name == "chi_sq" and size == 2:
        # n_xx * phi_sq; phi_sq names the cells (n_ii, n_io, n_oi, n_oo) = contingency
        n_ii, n_io, n_oi, n_oo = cont
        if np.all(total < 2**31):
            diff = (n_ii * n_oo - n_io * n_oi).astype(float)  # exact in int64
        else:
            diff = n_ii.astype(float) * n_oo - n_io.astype(float) * n_oi
        denom = (
            (n_ii + n_io).astype(float)
            * (n_ii + n_oi).astype(float)
            * (n_io + n_oo).astype(float)
            * (n_oi + n_oo).astype(float)
        )
        return tf * (diff**2 / denom)
    exps = _expected(cont, total, size)
    if name == "chi_sq":
        result = 0.0
        for obs, exp in zip(cont, exps, strict=True):
            result = result + (obs - exp) ** 2 / (exp + _SMALL)
        return result
    if name == "likelihood_ratio":
        result = 0.0
        for obs, exp in zip(cont, exps, strict=True):
            result = result + obs * np.log(obs / (exp + _SMALL) + _SMALL)
        return 2 * result
    raise ValueError(f"no vectorized form for {name!r}")  # pragma: no cover


def score_ngrams(
    measure: str, size: int, ngram_counts: Any, *marginals: Any, engine: str = "numpy",
    fractional: bool = False,
) -> Any:
    """Score many candidate n-grams at once; returns a float64 numpy array.

    The arguments are NLTK's, with arrays in place of numbers (the total may stay a
    scalar; any array of counts may be a list or a numpy array of integers):

    - ``score_ngrams(measure, 2, n_ii, (n_ix, n_xi), n_xx)``
    - ``score_ngrams(measure, 3, n_iii, (n_iix, n_ixi, n_xii), (n_ixx, n_xix, n_xxi), n_xxx)``

    where, for candidate k, ``n_ii[k]`` is the count of (w1, w2), ``n_ix[k]`` of w1,
    ``n_xi[k]`` of w2; for trigrams ``n_iix``, ``n_ixi``, ``n_xii`` count (w1, w2, *),
    (w1, *, w3), (*, w2, w3) and ``n_ixx``, ``n_xix``, ``n_xxi`` count w1, w2, w3.

    ``fractional=True`` accepts positive real n-gram counts, as NLTK's windowed
    finders pass them (``BigramCollocationFinder.score_ngram`` divides the pair
    count by ``window_size - 1``); marginals and the total stay whole counts.

    ``measure`` is a name from :data:`ASSOCIATION_MEASURES` (e.g. ``"llr"`` or
    ``"likelihood_ratio"``).  ``engine="numpy"`` (default) computes NLTK's formulas
    vectorized; ``engine="nltk"`` calls NLTK's function per candidate (slow, for
    checking).  Where NLTK divides by zero (``chi2`` of a bigram whose word is every
    token) the result is NaN.

    Raises ValueError for an unknown measure, a measure not defined for ``size``
    (``dice`` is bigram-only), an n-gram count below 1, non-integer or negative counts,
    or marginals that give a negative contingency cell (usually a wrong order).
    """
    import numpy as np

    entry = _lookup(measure, size)
    if engine not in ("numpy", "nltk"):
        raise ValueError(f"unknown engine {engine!r}; choose one of: nltk, numpy")
    args = _unpack(size, ngram_counts, marginals, fractional)
    if engine == "numpy":
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            result = _score_numpy(entry.nltk_name, size, args)
        return np.asarray(np.broadcast_to(result, args[0].shape), dtype=float).copy()

    # engine == "nltk": NLTK's scalar function on Python ints, candidate by candidate
    if size == 2:
        cont = _contingency_2(args[0], args[1][0], args[1][1], args[2])
    else:
        cont = _contingency_3(args[0], args[1], args[2], args[3])
    _check_cells(cont)
    fn = nltk_function(measure, size)
    count = args[0].shape[0]
    n_list = args[0].tolist()
    group_lists = [[np.broadcast_to(g, (count,)).tolist() for g in grp] for grp in args[1:-1]]
    totals = np.broadcast_to(args[-1], (count,)).tolist()

    def one(k: int) -> float:
        call = [n_list[k], *(tuple(g[k] for g in grp) for grp in group_lists), totals[k]]
        try:
            return float(fn(*call))
        except ZeroDivisionError:
            return float("nan")

    return np.fromiter((one(k) for k in range(count)), dtype=float, count=count)
