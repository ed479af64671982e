"""Statistical measures as plain functions: keyness, dispersion, association.

Importing this package is cheap: numpy, scipy and NLTK are imported inside the functions
that need them, so the registries below can feed a CLI's choices at ``--help`` time.

- :mod:`textkit.measures.keyness`: G2, Log Ratio, %DIFF, BIC, Dunning's G2, p-values and
  their corrections, cosine similarity (scalar and numpy-array forms).
- :mod:`textkit.measures.dispersion`: Gries' DP and DP_norm, Juilland's D, and all three
  for a sparse terms × parts matrix at once.
- :mod:`textkit.measures.association`: NLTK's bigram and trigram association measures,
  one at a time or vectorized over arrays of candidates.
"""

from __future__ import annotations

from textkit.measures.association import (
    ASSOCIATION_ALIASES,
    ASSOCIATION_MEASURES,
    ASSOCIATION_NAMES,
    AssociationMeasure,
    association_score,
    score_ngrams,
)
from textkit.measures.dispersion import dispersion_matrix, dp, dp_norm, juilland_d
from textkit.measures.keyness import (
    ADJUST_METHODS,
    KEYNESS_ARRAY_MEASURES,
    KEYNESS_MEASURES,
    adjust_p,
    bic,
    cosine_similarity,
    g2,
    g2_dunning,
    get_measure,
    log_ratio,
    p_value,
    pct_diff,
)

__all__ = [
    "ADJUST_METHODS",
    "ASSOCIATION_ALIASES",
    "ASSOCIATION_MEASURES",
    "ASSOCIATION_NAMES",
    "AssociationMeasure",
    "KEYNESS_ARRAY_MEASURES",
    "KEYNESS_MEASURES",
    "adjust_p",
    "association_score",
    "bic",
    "cosine_similarity",
    "dispersion_matrix",
    "dp",
    "dp_norm",
    "g2",
    "g2_dunning",
    "get_measure",
    "juilland_d",
    "log_ratio",
    "p_value",
    "pct_diff",
    "score_ngrams",
]
