"""Dispersion: how evenly a term is spread over the parts of a corpus.

The parts are documents, or N slices of the token stream.  For one term, ``v`` holds its
count in each part and ``s`` the size of each part in tokens; f = Σ v and S = Σ s.

Conventions, the same in the scalar functions and in :func:`dispersion_matrix`:

- A part of size 0 is left out altogether: it is not a part of the corpus (so it counts
  neither in n nor in min s/S).  A non-zero count in a part of size 0 is a ValueError.
  Leaving it in would not change DP (it adds |0 − 0| = 0) but would turn the minimum
  share in DP_norm into 0 and drag Juilland's mean down with a relative frequency that
  does not exist.
- A term with f = 0 has no dispersion: None (NaN in the arrays).
- With n = 1 non-empty part, DP = 0 (the only part holds everything) but DP_norm and
  Juilland's D are undefined (0/0): None / NaN.

Worked example (Gries 2008, repeated in Gries 2020 "Analyzing dispersion"): a 50-word
corpus in five parts of 9, 10, 10, 10 and 11 words ("b a m n i b e u p | b a s a t b e
w q n | b c a g a b e s t a | b a g h a b e a a t | b a h a a b e a x a t"), so
s/S = (0.18, 0.2, 0.2, 0.2, 0.22).  The word "a" occurs v = (1, 2, 3, 4, 5) times
(f = 15): DP = ½ (|1/15 − .18| + |2/15 − .2| + 0 + |4/15 − .2| + |5/15 − .22|)
= ½ · 0.36 = 0.18, DP_norm = 0.18 / (1 − 0.18) = 0.2195, D = 0.7852 (with the relative
frequencies 1/9, 2/10, 3/10, 4/10, 5/11).  Gries (2020) tabulates for "b" (twice in
every part) DP = 0.02, DP_norm = 0.024, D = 0.968, and for "i", "q", "x" (once, in parts
1, 2 and 5) DP = 0.82, 0.8, 0.78, DP_norm = 1, 0.976, 0.951, D = 0: these values are
in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["dispersion_matrix", "dispersion_triples", "dp", "dp_norm", "juilland_d"]


def _parts(v: Sequence[float], s: Sequence[float]) -> tuple[list[float], list[float]]:
    """Validate ``v`` and ``s`` and return them without the parts of size 0."""
    if len(v) != len(s):
        raise ValueError(f"v and s must have the same length, got {len(v)} and {len(s)}")
    kept_v: list[float] = []
    kept_s: list[float] = []
    for count, size in zip(v, s, strict=True):
        if not (count >= 0):
            raise ValueError(f"counts must be non-negative, got {count!r}")
        if not (size >= 0):
            raise ValueError(f"part sizes must be non-negative, got {size!r}")
        if size == 0:
            if count != 0:
                raise ValueError(f"a part of size 0 cannot hold {count!r} occurrences")
            continue
        kept_v.append(float(count))
        kept_s.append(float(size))
    if not kept_s:
        raise ValueError("the corpus has no part of positive size")
    return kept_v, kept_s


def dp(v: Sequence[float], s: Sequence[float]) -> float | None:
    """Gries' deviation of proportions: DP = ½ Σ_i |v_i / f − s_i / S|.

    Gries (2008), "Dispersions and adjusted frequencies in corpora", IJCL 13(4): the
    distance between the shares of the term's occurrences in the parts and the parts'
    shares of the corpus.  0 for a term spread exactly like the corpus; 1 − s_i/S for a
    term found only in part i (its maximum, 1 − min s/S, is reached in the smallest part).
    None when the term does not occur (f = 0).  Parts of size 0 are ignored.

    Examples: [2, 1, 0] in three equal parts gives 1/3; Gries' "a" above gives 0.18.
    """
    vv, ss = _parts(v, s)
    f = math.fsum(vv)
    if f == 0:
        return None
    size = math.fsum(ss)
    return 0.5 * math.fsum(abs(vi / f - si / size) for vi, si in zip(vv, ss, strict=True))


def dp_norm(v: Sequence[float], s: Sequence[float]) -> float | None:
    """DP normalized to [0, 1]: DP / (1 − min_i s_i / S).

    Lijffijt & Gries (2012), "Correction to Stefan Th. Gries' 'Dispersions and adjusted
    frequencies in corpora'", IJCL 17(1): the maximum of DP is 1 − min s/S (all
    occurrences in the smallest part), not the 1 − 1/n of Gries (2008); the two agree
    for equal parts.  None when f = 0 or there is only one non-empty part.

    Example: [2, 1, 0] in three equal parts gives (1/3) / (2/3) = 0.5.
    """
    vv, ss = _parts(v, s)
    value = dp(vv, ss)
    if value is None or len(ss) < 2:
        return None
    return value / (1.0 - min(ss) / math.fsum(ss))


def juilland_d(v: Sequence[float], s: Sequence[float]) -> float | None:
    """Juilland's D: 1 − (σ / μ) / sqrt(n − 1) over the parts' relative frequencies.

    Juilland & Chang-Rodríguez (1964), *Frequency dictionary of Spanish words*; the form
    for unequal parts (Gries 2008, 2020) uses the relative frequencies r_i = v_i / s_i of
    the n non-empty parts, μ their mean and σ their population standard deviation
    (divisor n).  For equal parts this is the classic D on the raw counts.  1 for a
    perfectly even term, 0 for a term found in one part only.  None when f = 0 or
    n < 2 (D is undefined for a single part).

    Examples: [0, 4, 3, 2, 1] in equal parts gives 1 − (√2 / 2) / 2 = 0.6464 (Carroll
    1970); Lyne's (1985) French lemma ALLEMAND, [2, 0, 1, 1, 3, 0, 3, 0, 0, 0] in parts of
    8143, 8058, 8271, 8125, 7959, 7941, 8146, 8001, 8003 and 7930 words, gives 0.6038797
    (as printed in the README of the R package tlda); Gries' "a" above gives 0.7852.
    """
    vv, ss = _parts(v, s)
    n = len(ss)
    if n < 2 or math.fsum(vv) == 0:
        return None
    rel = [vi / si for vi, si in zip(vv, ss, strict=True)]
    mean = math.fsum(rel) / n
    sd = math.sqrt(math.fsum((r - mean) ** 2 for r in rel) / n)
    return 1.0 - (sd / mean) / math.sqrt(n - 1)


def dispersion_matrix(X: Any, s: Any) -> tuple[Any, Any, Any]:
    """DP, DP_norm and Juilland's D of every term at once, without densifying ``X``.

    ``X`` is a terms × parts matrix of counts (a scipy.sparse matrix in any format, or a
    dense array), ``s`` the parts' sizes.  Returns three float arrays of length
    ``X.shape[0]``: ``(dp, dp_norm, juilland_d)``, equal to :func:`dp`, :func:`dp_norm`
    and :func:`juilland_d` row by row (NaN where those give None).  Parts of size 0 are
    dropped as there.  The work is done by :func:`dispersion_triples` on the stored
    entries.
    """
    import numpy as np

    if hasattr(X, "tocoo"):
        m = X.tocoo()
        m.sum_duplicates()  # canonical: row-major, no duplicates
        rows, cols, data = m.row, m.col, m.data
        n_terms, n_parts = m.shape
    else:
        dense = np.asarray(X)
        if dense.ndim != 2:
            raise ValueError("X must be a 2-D terms × parts matrix")
        n_terms, n_parts = dense.shape
        rows, cols = np.nonzero(dense)
        data = dense[rows, cols]
    sizes = np.asarray(s, dtype=float).reshape(-1)
    if sizes.shape[0] != n_parts:
        raise ValueError(f"X has {n_parts} parts (columns) but s has {sizes.shape[0]} sizes")
    return dispersion_triples(rows, cols, data, sizes, n_terms)


_EXACT = 2**53  # integers below this are exact in a float64
#: Entries are processed this many at a time, so temporary arrays stay small
#: (a few times 8 MB) however many entries there are.
SLICE = 1 << 20


def dispersion_triples(rows: Any, cols: Any, counts: Any, s: Any, n_rows: int) -> tuple[Any, Any, Any]:
    """DP, DP_norm and Juilland's D from the non-zero counts of a terms × parts table.

    ``counts[k]`` is the count of term ``rows[k]`` in part ``cols[k]`` (each pair at most
    once, zero counts allowed), ``s`` the sizes of all parts, ``n_rows`` the number of
    terms.  Returns three float arrays of length ``n_rows`` as :func:`dispersion_matrix`
    (NaN where undefined).  NumPy only; the entries may come in any order.

    With w_j = s_j / S (summing to 1 over all parts) and nz the parts where the term
    occurs:

    - Σ_j |v_j/f − w_j| = Σ_{j∈nz} (|v_j/f − w_j| − w_j) + 1, because every part
      outside nz contributes w_j.
    - With r_j = v_j / s_j and μ = Σ_nz r_j / n, Σ_j (r_j − μ)² = Σ_nz (r_j − μ)² +
      (n − |nz|) μ², the parts outside nz each contributing μ².

    With whole-number counts and sizes (the usual case), DP and DP_norm are computed
    exactly as ratios of integers, DP = Σ_j |v_j S − s_j f| / (2 f S) and
    DP_norm = Σ_j |v_j S − s_j f| / (2 f (S − min s)), the numerator summed in int64
    (parts without the term contribute f (S − Σ_nz s_j)) and divided once: the result
    is correctly rounded and does not depend on the order of the entries. Otherwise
    (or beyond 2⁵³) they are summed in floats.  Juilland's D is summed in floats, each
    term's sums in the order of its entries.

    Cost: O(entries) time in two passes of ``np.bincount``; the entries are read
    :data:`SLICE` at a time, so memory beyond the input is O(n_rows + SLICE).
    """
    import numpy as np

    sizes = np.asarray(s, dtype=float).reshape(-1)
    n_ent = len(rows)
    if not (n_ent == len(cols) == len(counts)):
        raise ValueError("rows, cols and counts must have the same length")
    if np.any(~(sizes >= 0)):
        raise ValueError("part sizes must be non-negative")
    kept = sizes > 0
    n = int(kept.sum())
    if n == 0:
        raise ValueError("the corpus has no part of positive size")
    total = float(sizes.sum())
    whole = bool(np.all(sizes == np.floor(sizes)))
    S = int(sizes.sum()) if whole else 0

    def slices():
        for lo in range(0, n_ent, SLICE):
            r = np.asarray(rows[lo : lo + SLICE], dtype=np.intp).reshape(-1)
            c = np.asarray(cols[lo : lo + SLICE], dtype=np.intp).reshape(-1)
            v = np.asarray(counts[lo : lo + SLICE], dtype=float).reshape(-1)
            yield r, c, v

    def add(acc: Any, r: Any, values: Any) -> None:
        acc += np.bincount(r, weights=values, minlength=n_rows)

    # pass 1: validation, f, parts with the term, Σ r_j
    f = np.zeros(n_rows)
    per_row = np.zeros(n_rows, dtype=np.int64)
    rel_sum = np.zeros(n_rows)
    covered = np.zeros(n_rows, dtype=np.int64)  # Σ_nz s_j (whole sizes)
    for r, c, v in slices():
        if np.any(~(v >= 0)):
            raise ValueError("counts must be non-negative")
        if len(c) and (c.min() < 0 or c.max() >= len(sizes)):
            raise ValueError("a part index is outside the part sizes")
        if len(r) and (r.min() < 0 or r.max() >= n_rows):
            raise ValueError("a term index is outside 0 .. n_rows - 1")
        ps = sizes[c]
        if np.any((ps == 0) & (v != 0)):
            raise ValueError("a part of size 0 cannot hold occurrences")
        if whole and not np.all(v == np.floor(v)):
            whole = False
        pos = v > 0
        add(f, r, v)
        per_row += np.bincount(r[pos], minlength=n_rows)
        add(rel_sum, r, v / np.where(ps > 0, ps, 1.0))
        if whole:
            np.add.at(covered, r[pos], ps[pos].astype(np.int64))
    occurs = f > 0
    fmax = int(f.max()) if n_rows and whole else 0
    exact = whole and S > 0 and 2 * fmax * S < 2**62

    # pass 2: the deviations (DP) and the squared deviations from the mean (D)
    mean = rel_sum / n
    num = np.zeros(n_rows, dtype=np.int64) if exact else None
    dev_sum = np.zeros(n_rows)
    sq = np.zeros(n_rows)
    fi = f.astype(np.int64) if exact else None
    with np.errstate(divide="ignore", invalid="ignore"):
        for r, c, v in slices():
            ps = sizes[c]
            pos = v > 0
            if exact:
                vi = v.astype(np.int64)
                np.add.at(num, r[pos], np.abs(vi[pos] * S - ps[pos].astype(np.int64) * fi[r[pos]]))
            else:
                w = ps / total
                add(dev_sum, r, np.where(pos, np.abs(v / f[r] - w) - w, 0.0))
            rel = v / np.where(ps > 0, ps, 1.0)
            add(sq, r, np.where(pos, (rel - mean[r]) ** 2, 0.0))
        sq += (n - per_row) * mean**2

        dp_arr = None
        if exact:
            m = int(sizes[kept].min())
            num += fi * (S - covered)
            den = 2 * fi * S
            den_norm = 2 * fi * (S - m) if S > m else None
            if max(num.max(initial=0), den.max(initial=0), den_norm.max(initial=0) if den_norm is not None else 0) < _EXACT:
                dp_arr = num.astype(float) / den.astype(float)
                dp_norm_arr = num.astype(float) / den_norm.astype(float) if den_norm is not None else np.full(n_rows, np.nan)
            else:  # beyond exact float64 integers: the float formula
                exact = False
                dev_sum = None
        if dp_arr is None:
            if dev_sum is None:
                dev_sum = np.zeros(n_rows)
                for r, c, v in slices():
                    w = sizes[c] / total
                    add(dev_sum, r, np.where(v > 0, np.abs(v / f[r] - w) - w, 0.0))
            dp_arr = 0.5 * (dev_sum + 1.0)
            dp_norm_arr = dp_arr / (1.0 - sizes[kept].min() / total)
        dp_arr[~occurs] = np.nan
        if n < 2:
            dp_norm_arr = np.full(n_rows, np.nan)
        if n >= 2:
            d_arr = 1.0 - (np.sqrt(sq / n) / mean) / math.sqrt(n - 1)
        else:
            d_arr = np.full(n_rows, np.nan)
        d_arr[~occurs] = np.nan
        dp_norm_arr[~occurs] = np.nan
    return dp_arr, dp_norm_arr, d_arr
