"""Tests for textkit.vader: VADER scores, explanations, valence files and aggregates."""

from __future__ import annotations

import importlib.metadata
import json
import math
import pickle
import random
import statistics
from pathlib import Path

import pytest

from textkit.vader import (
    VADER_VERSION,
    GroupAccumulator,
    VaderScorer,
    aggregate_sentences,
    load_valence_file,
)

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
KCNA = SHARED / "corpora" / "kcna-2011.jsonl"
CORRECTIONS = Path(__file__).resolve().parents[1] / "textkit" / "data" / "valence" / "state-media-corrections.tsv"
README_ROWS = [json.loads(line) for line in (DATA / "vader_readme.jsonl").read_text("utf-8").splitlines()]

# Sentences that exercise VADER's rules: the README's "tricky sentences", its demo paragraph,
# and edge cases for "but" (repeated valences), "no", "least", "kind of", caps, ?/! and emoji.
TRICKY = [
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!! Poor direction. VERY poor production.",
    "The movie was bad. Very bad movie. VERY BAD movie!",
    "good good but good bad good",
    "bad, but good good and bad",
    "There is no good reason and no bad one, no joy or no grief",
    "This is the least good idea, at least not the very least good.",
    "It is kind of great and sort of awful, kinda ok?? Really???",
    "",
    "   ",
    "!!!",
    "ALL CAPS HERE ARE GREAT",
    "Some CAPS are GREAT and some are not good",
    "Wow 😁😁 so 💔 sad 🙂",
    "The U.S. imperialists dropped bombs on factories, schools and hospitals.",
    "Kim Jong Il, supreme leader of the DPRK, passed away on December 17 to our regret.",
]


def _kcna_texts(limit_docs: int) -> list[str]:
    """Return the paragraphs of the first ``limit_docs`` KCNA 2011 stories, or skip."""
    if not KCNA.is_file():
        pytest.skip(f"shared corpus not found at {KCNA}")
    texts: list[str] = []
    with KCNA.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit_docs:
                break
            texts.extend(p.strip() for p in json.loads(line)["text"].split("\n\n") if p.strip())
    return texts


@pytest.fixture(scope="module")
def scorer() -> VaderScorer:
    """One default scorer shared by the tests of a module."""
    return VaderScorer()


def test_installed_vader_is_the_pinned_release():
    """The vaderSentiment installed is the release textkit is pinned to and tested against."""
    assert importlib.metadata.version("vaderSentiment") == VADER_VERSION == "3.3.2"


def test_module_import_does_not_load_vader():
    """Importing textkit.vader does not load vaderSentiment (it loads when a scorer is built)."""
    import subprocess
    import sys

    code = "import sys, textkit.vader; print('vaderSentiment' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


@pytest.mark.parametrize("row", README_ROWS, ids=[row["text"][:40] for row in README_ROWS])
def test_readme_examples_reproduce_published_scores(scorer, row):
    """Every example of the vaderSentiment README scores as 3.3.2 prints it (notes mark README drift)."""
    expected = {key: row[key] for key in ("neg", "neu", "pos", "compound")}
    assert scorer.scores(row["text"]) == expected


def test_readme_file_covers_the_oracle_sentences():
    """The README data file holds the five ORACLES.md sentences with their published values."""
    by_text = {row["text"]: row for row in README_ROWS}
    assert len(README_ROWS) == 16
    oracles = {
        "VADER is smart, handsome, and funny.": (0.0, 0.254, 0.746, 0.8316),
        "VADER is not smart, handsome, nor funny.": (0.646, 0.354, 0.0, -0.7424),
        "The book was good.": (0.0, 0.508, 0.492, 0.4404),
        "The plot was good, but the characters are uncompelling and the dialog is not great.": (
            0.327, 0.579, 0.094, -0.7042),
        "Today SUX!": (0.779, 0.221, 0.0, -0.5461),
    }
    for text, values in oracles.items():
        row = by_text[text]
        assert (row["neg"], row["neu"], row["pos"], row["compound"]) == values
        assert "note" not in row
    assert by_text["At least it isn't a horrible book."]["neu"] == 0.678
    assert by_text["At least it isn't a horrible book."]["pos"] == 0.322
    assert by_text["Catch utf-8 emoji such as such as 💘 and 💋 and 😁"]["compound"] == 0.875
    assert sum("note" in row for row in README_ROWS) == 2


def test_scores_equal_base_analyzer_on_many_texts(scorer):
    """scores() returns exactly SentimentIntensityAnalyzer.polarity_scores on README, tricky and edge texts."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    base = SentimentIntensityAnalyzer()
    texts = [row["text"] for row in README_ROWS] + TRICKY
    for text in texts:
        assert scorer.scores(text) == base.polarity_scores(text), text
        assert scorer.score_and_explain(text)[0] == base.polarity_scores(text), text


@pytest.mark.slow
def test_scores_equal_base_analyzer_on_kcna():
    """On every paragraph of 300 KCNA stories scores() equals the base analyzer, float for float."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    base = SentimentIntensityAnalyzer()
    scorer = VaderScorer()
    texts = _kcna_texts(300)
    assert len(texts) > 1000
    for text in texts:
        assert scorer.scores(text) == base.polarity_scores(text), text


def test_explain_negated_sentence_names_a_negated_word(scorer):
    """For the README negation example the top terms are the negated adjectives, valence x -0.74."""
    explained = scorer.explain("VADER is not smart, handsome, nor funny.")
    # handsome 2.2, funny 1.9, smart 1.7 in the lexicon; negation multiplies by N_SCALAR = -0.74.
    assert explained == [
        {"term": "handsome", "valence": -1.628},
        {"term": "funny", "valence": -1.406},
        {"term": "smart", "valence": -1.258},
    ]
    total = -1.628 - 1.406 - 1.258
    assert round(total / math.sqrt(total * total + 15), 4) == -0.7424


def test_explain_applies_but_caps_and_boosters(scorer):
    """Contributions carry VADER's rules: "but" (x0.5 before, x1.5 after), caps (+0.733), boosters."""
    plot = "The plot was good, but the characters are uncompelling and the dialog is not great."
    assert scorer.explain(plot) == [
        {"term": "great", "valence": -3.441},  # 3.1 * -0.74 * 1.5
        {"term": "uncompelling", "valence": -1.35},  # -0.9 * 1.5
        {"term": "good", "valence": 0.95},  # 1.9 * 0.5
    ]
    assert scorer.explain("Today SUX!") == [{"term": "sux", "valence": -2.233}]  # -1.5 - 0.733
    # "very" adds 0.293 to "smart" (1.7) and 0.293 * 0.95 to "handsome" (2.2), two words on;
    # the booster itself contributes nothing.
    very = scorer.explain("VADER is very smart, handsome, and funny.", top=None)
    assert very == [
        {"term": "handsome", "valence": 2.4784},
        {"term": "smart", "valence": 1.993},
        {"term": "funny", "valence": 1.9},
    ]


def test_explain_sums_repeats_sorts_and_truncates(scorer):
    """Repeated words are summed; order is (-|valence|, term); top limits the list; zeros are dropped."""
    assert scorer.explain("good good bad", top=None) == [
        {"term": "good", "valence": 3.8},
        {"term": "bad", "valence": -2.5},
    ]
    # sucks and sux are both -1.5: the tie is broken by term.
    assert scorer.explain("sucks sux") == [
        {"term": "sucks", "valence": -1.5},
        {"term": "sux", "valence": -1.5},
    ]
    assert scorer.explain("good good bad", top=1) == [{"term": "good", "valence": 3.8}]
    assert scorer.explain("good good bad", top=0) == []
    assert scorer.explain("The table is in the kitchen.") == []
    assert scorer.explain("") == []


def test_explain_contributions_rebuild_compound(scorer):
    """The contributions plus VADER's punctuation emphasis give back the compound (x / sqrt(x^2 + 15))."""
    for text in [row["text"] for row in README_ROWS] + TRICKY:
        scores, items = scorer.score_and_explain(text, top=None)
        total = math.fsum(item["valence"] for item in items)
        bangs = min(text.count("!"), 4) * 0.292
        questions = text.count("?")
        emphasis = bangs + (0.0 if questions <= 1 else 0.18 * questions if questions <= 3 else 0.96)
        x = total + emphasis if total > 0 else total - emphasis if total < 0 else 0.0
        rebuilt = x / math.sqrt(x * x + 15) if x else 0.0
        assert rebuilt == pytest.approx(scores["compound"], abs=6e-4), text


def test_explain_rejects_bad_arguments(scorer):
    """A negative or non-integer top and a non-string text raise ValueError."""
    with pytest.raises(ValueError, match="top"):
        scorer.explain("good", top=-1)
    with pytest.raises(ValueError, match="top"):
        scorer.explain("good", top=2.5)
    with pytest.raises(ValueError, match="text must be a str"):
        scorer.scores(None)


def test_valence_override_changes_score_as_hand_computed():
    """Giving "book" valence 2 turns "The book was good." into compound 0.7096, pos 0.747 (by hand)."""
    # sum = 2 + 1.9 = 3.9; compound = 3.9 / sqrt(3.9^2 + 15) = 0.70956;
    # pos = (3 + 2.9) / (5.9 + 2 neutral words) = 0.74684, neu = 2 / 7.9 = 0.25316.
    scorer = VaderScorer({"Book": 2})
    assert scorer.scores("The book was good.") == {"neg": 0.0, "neu": 0.253, "pos": 0.747, "compound": 0.7096}
    assert scorer.explain("The book was good.") == [
        {"term": "book", "valence": 2.0},
        {"term": "good", "valence": 1.9},
    ]
    assert scorer.overrides == {"book": 2.0}
    assert VaderScorer().scores("The book was good.")["compound"] == 0.4404  # other scorers unchanged


def test_scorer_pickles_with_its_overrides():
    """A pickled scorer comes back with the same overrides and scores (for process pools)."""
    scorer = VaderScorer({"book": 2, "good": 0})
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.overrides == {"book": 2.0, "good": 0.0}
    assert clone.scores("The book was good.") == scorer.scores("The book was good.")
    assert clone.scores("The book was good.")["compound"] == 0.4588  # 2 / sqrt(2^2 + 15)
    assert pickle.loads(pickle.dumps(VaderScorer())).overrides == {}


def test_valence_zero_removes_a_word():
    """Valence 0 removes a word from the lexicon: "The book was good." becomes fully neutral."""
    scorer = VaderScorer({"good": 0})
    assert scorer.lexicon_valence("good") is None
    assert scorer.scores("The book was good.") == {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
    assert VaderScorer().lexicon_valence("GOOD") == 1.9


def test_valence_override_rejects_bad_entries():
    """Overrides must be single tokens with finite numbers on VADER's -4..+4 scale."""
    with pytest.raises(ValueError, match="not a number"):
        VaderScorer({"war": "bad"})
    with pytest.raises(ValueError, match="not a finite number"):
        VaderScorer({"war": float("nan")})
    with pytest.raises(ValueError, match="outside VADER's scale"):
        VaderScorer({"war": -5})
    with pytest.raises(ValueError, match="one token"):
        VaderScorer({"cold war": -1})
    with pytest.raises(ValueError, match="twice"):
        VaderScorer({"War": -1, "war": -2})
    with pytest.raises(ValueError, match="mapping"):
        VaderScorer([("war", -1)])


def test_shipped_corrections_fix_state_media_misreadings():
    """The shipped corrections file loads, and neutralizes "Party" in a real KCNA sentence (+0.4019 -> 0)."""
    corrections = load_valence_file(CORRECTIONS)
    assert corrections["party"] == 0.0
    assert corrections["puppet"] == -1.8  # the rating of "flunky"
    assert corrections["traitors"] == -2.5  # the rating of "betrays"
    assert all(-4 <= value <= 4 for value in corrections.values())
    default, fixed = VaderScorer(), VaderScorer(corrections)
    assert default.lexicon_valence("flunky") == -1.8 and default.lexicon_valence("betrays") == -2.5
    sentence = (
        "Kim Jong Un, vice-chairman of the Central Military Commission of the Workers' Party of Korea, "
        "received a message of condolences from Serge Sarkissian, president of Armenia, on Monday."
    )  # kcna-2011-00779
    assert default.scores(sentence)["compound"] == 0.4019
    assert fixed.scores(sentence)["compound"] == 0.0
    death = "Kim Jong Il, supreme leader of the Democratic People's Republic of Korea, passed away on December 17 to our regret."
    assert default.scores(death)["compound"] == 0.2023  # "supreme" 2.6 outweighs "regret" -1.8
    assert fixed.scores(death)["compound"] == -0.4215  # -1.8 / sqrt(1.8^2 + 15)


def test_load_valence_file_accepts_tabs_spaces_commas_and_comments(tmp_path):
    """Tab, space and comma separators, comments, blank lines, a BOM and a minus sign all parse."""
    path = tmp_path / "lexicon.tsv"
    path.write_text(
        "\ufeff# corrections\n\nWar\t-1.5\nparty 0\n  puppet , -1.8  \nhero,+2\n"
        ":-,\t1.1\ngreat\t\t3e-1\nfoe  \u22122.5\n   # indented comment\n",
        encoding="utf-8",
    )
    assert load_valence_file(path) == {
        "war": -1.5,
        "party": 0.0,
        "puppet": -1.8,
        "hero": 2.0,
        ":-,": 1.1,
        "great": 0.3,
        "foe": -2.5,
    }
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert load_valence_file(empty) == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("war\t-1\nparty\t0\nhero\tabc\n", "lexicon.tsv line 3: valence 'abc' is not a number"),
        ("war\n", "lexicon.tsv line 1: no valence after 'war'"),
        ("cold war -1\n", "lexicon.tsv line 1: expected a term and a valence, found 3 fields"),
        ("a\tb\t-1\n", "lexicon.tsv line 1: expected a term and a valence, found 3 fields"),
        ("# c\nwar 5\n", "lexicon.tsv line 2: valence 5 is outside VADER's scale -4..+4"),
        ("war nan\n", "lexicon.tsv line 1: valence 'nan' is not a number"),
        ("war 1e999\n", "lexicon.tsv line 1: valence inf is not a finite number"),
        ("war -1\n\nWAR -2\n", "lexicon.tsv line 3: 'war' is already given on line 1"),
    ],
)
def test_load_valence_file_errors_name_file_line_and_problem(tmp_path, monkeypatch, content, message):
    """Each malformed line raises ValueError naming the file, the line number and what is wrong."""
    monkeypatch.chdir(tmp_path)
    Path("lexicon.tsv").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_valence_file("lexicon.tsv")
    assert str(info.value).startswith(message)


def test_load_valence_file_unreadable_files(tmp_path):
    """A missing file and a non-UTF-8 file raise ValueError naming the file."""
    with pytest.raises(ValueError, match="missing.tsv: cannot read"):
        load_valence_file(tmp_path / "missing.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("caf\xe9 1\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin.tsv: not UTF-8 text"):
        load_valence_file(latin)


def test_aggregate_sentences_hand_example():
    """Means and shares of four sentences match a hand computation; thresholds are inclusive."""
    rows = [
        {"neg": 0.0, "neu": 0.508, "pos": 0.492, "compound": 0.4404},
        {"neg": 0.646, "neu": 0.354, "pos": 0.0, "compound": -0.7424},
        {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.05},
        {"neg": 0.1, "neu": 0.9, "pos": 0.0, "compound": -0.05},
    ]
    result = aggregate_sentences(rows)
    assert result == {
        "sentences": 4,
        "compound": pytest.approx((0.4404 - 0.7424 + 0.05 - 0.05) / 4),
        "pos": pytest.approx(0.492 / 4),
        "neu": pytest.approx((0.508 + 0.354 + 1.0 + 0.9) / 4),
        "neg": pytest.approx(0.746 / 4),
        "positive_share": 0.5,
        "negative_share": 0.5,
    }
    assert round(result["compound"], 4) == -0.0755


def test_aggregate_sentences_empty_and_bad_rows():
    """No sentences gives count 0 and None means; a row without a score raises ValueError."""
    assert aggregate_sentences([]) == {
        "sentences": 0,
        "compound": None,
        "pos": None,
        "neu": None,
        "neg": None,
        "positive_share": None,
        "negative_share": None,
    }
    with pytest.raises(ValueError, match="sentence 1: missing score 'neu'"):
        aggregate_sentences([{"neg": 0, "neu": 1, "pos": 0, "compound": 0}, {"neg": 0, "pos": 0, "compound": 0}])
    with pytest.raises(ValueError, match="not a finite number"):
        aggregate_sentences([{"neg": 0, "neu": 1, "pos": 0, "compound": float("nan")}])


def test_group_accumulator_hand_example():
    """Four documents: mean 0.25, sample SD sqrt(0.73 / 3), shares 2/4 positive and 1/4 negative."""
    group = GroupAccumulator()
    for value in (0.5, -0.3, 0.0, 0.8):
        group.add(value)
    result = group.result()
    assert result["documents"] == 4
    assert result["compound_mean"] == 0.25
    assert result["compound_sd"] == pytest.approx(math.sqrt(0.73 / 3), rel=1e-15)
    assert result["compound_sd"] == pytest.approx(statistics.stdev([0.5, -0.3, 0.0, 0.8]), rel=1e-15)
    assert result["positive_share"] == 0.5
    assert result["negative_share"] == 0.25


def test_group_accumulator_small_groups():
    """No documents gives None everywhere but the count; one document has no SD."""
    assert GroupAccumulator().result() == {
        "documents": 0,
        "compound_mean": None,
        "compound_sd": None,
        "positive_share": None,
        "negative_share": None,
    }
    one = GroupAccumulator()
    one.add(-0.5)
    assert one.result() == {
        "documents": 1,
        "compound_mean": -0.5,
        "compound_sd": None,
        "positive_share": 0.0,
        "negative_share": 1.0,
    }


def test_group_accumulator_merge_is_exact_whatever_the_chunking():
    """Any chunking and order of add/merge gives bit-identical results, equal to statistics' mean and stdev."""
    rng = random.Random(20110101)
    values = [round(rng.uniform(-1, 1), 4) for _ in range(2000)] + [1e-17, 0.9999, -0.9999]
    reference = GroupAccumulator()
    for value in values:
        reference.add(value)
    expected = reference.result()
    assert expected["compound_mean"] == pytest.approx(statistics.fmean(values), rel=1e-15)
    assert expected["compound_sd"] == pytest.approx(statistics.stdev(values), rel=1e-14)
    for trial in range(5):
        shuffled = values[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, len(values)), 7 + trial))
        chunks = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(values)], strict=True)]
        parts = []
        for chunk in chunks:
            part = GroupAccumulator()
            for value in chunk:
                part.add(value)
            parts.append(pickle.loads(pickle.dumps(part)))
        rng.shuffle(parts)
        merged = GroupAccumulator()
        for part in parts:
            merged.merge(part)
        assert merged == reference
        assert merged.result() == expected
        assert repr(merged.result()) == repr(expected)


def test_group_accumulator_rejects_bad_values():
    """Non-numbers, NaN and merging something else raise ValueError."""
    group = GroupAccumulator()
    with pytest.raises(ValueError, match="not a number"):
        group.add("0.5")
    with pytest.raises(ValueError, match="not a finite number"):
        group.add(float("inf"))
    with pytest.raises(ValueError, match="merge"):
        group.merge({"documents": 1})
    assert group.result()["documents"] == 0
