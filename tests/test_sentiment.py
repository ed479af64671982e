"""``textkit sentiment`` and its core ``textkit.sentiment.sentiment``."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from textkit.corpus import Corpus
from textkit.errors import InputError, UsageError
from textkit.sentiment import load_valence, sentiment, sentiment_columns

from .conftest import invoke, invoke_json, write_jsonl

README = Path(__file__).resolve().parent / "data" / "vader_readme.jsonl"

# Hand-checked VADER scores (lexicon: good 1.9, bad -2.5, happy 2.7; compound = x / sqrt(x^2 + 15)):
# "The book was good."  x = 1.9:  1.9 / sqrt(18.61) = 0.4404; pos = 2.9 / (2.9 + 3) = 0.492
# "The book was bad."   x = -2.5: -2.5 / sqrt(21.25) = -0.5423; neg = 3.5 / (3.5 + 3) = 0.538
GOOD = {"compound": 0.4404, "pos": 0.492, "neu": 0.508, "neg": 0.0}
BAD = {"compound": -0.5423, "pos": 0.0, "neu": 0.462, "neg": 0.538}


def _docs(tmp_path: Path, records: list[dict], name: str = "c.jsonl") -> str:
    return str(write_jsonl(tmp_path / name, records))


def _many(tmp_path: Path, n: int = 600) -> str:
    """A corpus of n short dated documents (several engine batches), varied sentiment."""
    words = ["good", "bad", "happy", "sad", "great", "terrible", "fine", "war", "peace", "party"]
    records = []
    for i in range(n):
        a, b = words[i % len(words)], words[(i * 7 + 3) % len(words)]
        text = f"The day was {a}. Nobody said it was {b}!\n\nIt was not {words[(i * 3) % len(words)]} at all."
        records.append({"id": f"d{i:04d}", "date": f"2011-{1 + i % 12:02d}-{1 + i % 28:02d}", "text": text,
                        "source": "kcna" if i % 3 else "rodong"})
    return _docs(tmp_path, records, "many.jsonl")


# -- acceptance: the README of vaderSentiment ------------------------------------------


def test_readme_sentences_through_the_cli(runner):
    """Every README sentence on stdin with --unit document gives the pinned compound, pos, neu and neg."""
    expected = [json.loads(line) for line in README.read_text("utf-8").splitlines() if line.strip()]
    rows = invoke_json(runner, ["sentiment", "-", "--unit", "document"], input=README.read_bytes())
    assert len(rows) == len(expected) == 16
    for row, want in zip(rows, expected, strict=True):
        for key in ("compound", "pos", "neu", "neg"):
            assert row[key] == want[key], (want["text"], key)
    assert list(rows[0]) == ["id", "title", "date", "compound", "pos", "neu", "neg"]


# -- hand-checked rows -------------------------------------------------------------------


def test_document_row_is_the_mean_of_its_sentences(tmp_path):
    """'The book was good. The book was bad.': compound (0.4404 - 0.5423) / 2 = -0.05095, shares 1/2 and 1/2."""
    path = _docs(tmp_path, [{"id": "a", "title": "T", "date": "2011-05-01", "text": "The book was good. The book was bad."}])
    (row,) = list(sentiment(Corpus([path])))
    assert list(row) == sentiment_columns("aggregate")
    assert row["id"] == "a" and row["title"] == "T" and row["date"] == "2011-05-01"
    assert row["sentences"] == 2
    assert row["compound"] == pytest.approx(-0.05095, abs=1e-12)
    assert row["pos"] == pytest.approx(0.246) and row["neg"] == pytest.approx(0.269)
    assert row["neu"] == pytest.approx(0.485)
    assert row["positive_share"] == 0.5 and row["negative_share"] == 0.5


def test_sentence_rows(tmp_path):
    """--unit sentence gives one row per sentence, numbered from 1, with VADER's own scores."""
    path = _docs(tmp_path, [{"id": "a", "text": "The book was good. The book was bad."}, {"id": "b", "text": "The book was good."}])
    rows = list(sentiment(Corpus([path]), unit="sentence"))
    assert [(r["id"], r["sentence"], r["text"]) for r in rows] == [
        ("a", 1, "The book was good."),
        ("a", 2, "The book was bad."),
        ("b", 1, "The book was good."),
    ]
    assert {k: rows[0][k] for k in GOOD} == GOOD
    assert {k: rows[1][k] for k in BAD} == BAD
    assert list(rows[0]) == ["id", "sentence", "text", "compound", "pos", "neu", "neg"]


def test_empty_document_has_no_scores(tmp_path):
    """A document without a sentence gets sentences 0 and null means and shares."""
    path = _docs(tmp_path, [{"id": "e", "text": "  "}])
    (row,) = list(sentiment(Corpus([path])))
    assert row["sentences"] == 0
    assert row["compound"] is None and row["positive_share"] is None


def test_sentence_count_equals_info(runner):
    """The sentences scored are the foundation's: per-document counts equal `textkit info --per-doc`."""
    info = invoke_json(runner, ["info", "--per-doc", "-j", "1"])
    rows = invoke_json(runner, ["sentiment", "-j", "1"])
    assert [r["sentences"] for r in rows] == [r["sentences"] for r in info]
    assert [r["id"] for r in rows] == [r["id"] for r in info]


# -- explanations ----------------------------------------------------------------------------


def test_explain_sentence_words(tmp_path):
    """'VADER is not smart, handsome, nor funny.' is explained by handsome -1.628 (2.2 x -0.74), funny -1.406, smart -1.258."""
    path = _docs(tmp_path, [{"id": "a", "text": "VADER is not smart, handsome, nor funny."}])
    (row,) = list(sentiment(Corpus([path]), unit="sentence", explain=True))
    assert row["compound"] == -0.7424
    assert row["explain"] == [
        {"term": "handsome", "valence": -1.628},
        {"term": "funny", "valence": -1.406},
        {"term": "smart", "valence": -1.258},
    ]


def test_explain_document_sums_sentences_and_top(tmp_path):
    """Over 'The food was good. The book was good. He was happy. It was bad.' good sums to 1.9 + 1.9 = 3.8; --explain-top 2 keeps good, happy."""
    text = "The food was good. The book was good. He was happy. It was bad."
    path = _docs(tmp_path, [{"id": "a", "text": text}])
    (row,) = list(sentiment(Corpus([path]), explain=True, explain_top=0))
    assert row["explain"] == [
        {"term": "good", "valence": 3.8},
        {"term": "happy", "valence": 2.7},
        {"term": "bad", "valence": -2.5},
    ]
    (row,) = list(sentiment(Corpus([path]), explain=True, explain_top=2))
    assert [e["term"] for e in row["explain"]] == ["good", "happy"]


# -- groups -----------------------------------------------------------------------------------


def test_by_month_hand_checked(tmp_path, runner):
    """Two documents in 2011-01 (0.4404, -0.5423), one in 2011-02 (0.4404), one undated: mean, sample SD, shares, a note."""
    path = _docs(tmp_path, [
        {"id": "a", "date": "2011-01-03", "text": "The book was good."},
        {"id": "b", "date": "2011-01-09", "text": "The book was bad."},
        {"id": "c", "date": "2011-02-01", "text": "The book was good."},
        {"id": "d", "text": "The book was bad."},
    ])
    result = invoke(runner, ["sentiment", path, "--by", "month", "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["group"] for r in rows] == ["2011-01", "2011-02"]
    jan, feb = rows
    assert jan["documents"] == 2
    assert jan["compound_mean"] == pytest.approx((0.4404 - 0.5423) / 2, abs=1e-15)
    assert jan["compound_sd"] == pytest.approx(statistics.stdev([0.4404, -0.5423]), rel=1e-12)
    assert jan["compound_sd"] == pytest.approx(abs(0.4404 + 0.5423) / math.sqrt(2), rel=1e-12)
    assert jan["positive_share"] == 0.5 and jan["negative_share"] == 0.5
    assert feb == {"group": "2011-02", "documents": 1, "compound_mean": 0.4404, "compound_sd": None,
                   "positive_share": 1.0, "negative_share": 0.0}
    assert "1 document without a value for 'month' left out" in result.stderr


def test_by_metadata_with_explain_and_sort(tmp_path):
    """--by source --explain sums each group's contributions; --sort compound ranks groups by compound_mean."""
    path = _docs(tmp_path, [
        {"id": "a", "source": "x", "text": "The book was good. The food was good."},
        {"id": "b", "source": "y", "text": "The book was bad."},
        {"id": "c", "source": "x", "text": "He was happy."},
    ])
    rows = list(sentiment(Corpus([path]), by="source", explain=True, sort="compound", reverse=True))
    assert [(r["rank"], r["group"]) for r in rows] == [(1, "y"), (2, "x")]
    assert rows[1]["explain"] == [{"term": "good", "valence": 3.8}, {"term": "happy", "valence": 2.7}]
    assert rows[0]["explain"] == [{"term": "bad", "valence": -2.5}]


def test_by_unknown_field_is_an_error(tmp_path, runner):
    """--by a field no document has: exit 1, naming the fields there are."""
    path = _docs(tmp_path, [{"id": "a", "source": "x", "text": "Good."}])
    result = invoke(runner, ["sentiment", path, "--by", "outlet"])
    assert result.exit_code == 1
    assert "'outlet'" in result.stderr and "source" in result.stderr


# -- sorting and top ---------------------------------------------------------------------


def test_sort_top_and_reverse(tmp_path):
    """--sort compound --top 2 gives the two most positive sentences; --reverse the most negative first; ties by id."""
    path = _docs(tmp_path, [
        {"id": "a", "text": "The book was bad. He was happy."},
        {"id": "b", "text": "The book was good."},
        {"id": "d", "text": "The book was good."},
        {"id": "c", "text": "The book was evil."},
    ])
    rows = list(sentiment(Corpus([path]), unit="sentence", sort="compound", top=3))
    assert [(r["rank"], r["id"], r["sentence"]) for r in rows] == [(1, "a", 2), (2, "b", 1), (3, "d", 1)]
    rows = list(sentiment(Corpus([path]), unit="sentence", sort="compound", reverse=True))
    assert [(r["id"], r["sentence"]) for r in rows] == [("c", 1), ("a", 1), ("b", 1), ("d", 1), ("a", 2)]
    rows = list(sentiment(Corpus([path]), sort="compound", reverse=True, top=1))
    assert rows[0]["id"] == "c" and rows[0]["rank"] == 1


def test_top_without_sort_keeps_corpus_order(tmp_path):
    """--top 2 without --sort gives the first two documents, without rank."""
    path = _many(tmp_path, 10)
    rows = list(sentiment(Corpus([path]), top=2))
    assert [r["id"] for r in rows] == ["d0000", "d0001"] and "rank" not in rows[0]


# -- valence overrides -------------------------------------------------------------------


def test_valence_file_overrides_and_adds(tmp_path):
    """good 0 removes 'good'; 'book' -1.9 makes 'The book was good.' score x = -1.9: -0.4404."""
    vfile = tmp_path / "v.tsv"
    vfile.write_text("# my corrections\ngood\t0\nbook\t-1.9\n", encoding="utf-8")
    path = _docs(tmp_path, [{"id": "a", "text": "The book was good."}])
    (row,) = list(sentiment(Corpus([path]), valence=load_valence([str(vfile)]), explain=True))
    assert row["compound"] == -0.4404
    assert row["explain"] == [{"term": "book", "valence": -1.9}]


def test_builtin_state_media_valence(tmp_path, runner):
    """--valence state-media neutralises 'party': the Workers' Party sentence goes from +0.4019 (x = 1.7) to 0."""
    text = "Present there were officials of the Workers' Party of Korea."
    path = _docs(tmp_path, [{"id": "a", "text": text}])
    (plain,) = invoke_json(runner, ["sentiment", path])
    (fixed,) = invoke_json(runner, ["sentiment", path, "--valence", "state-media"])
    assert plain["compound"] == 0.4019  # 1.7 / sqrt(1.7^2 + 15)
    assert fixed["compound"] == 0.0
    assert load_valence(["state-media"])["puppet"] == -1.8


def test_bad_valence_file_exit_1_with_line(tmp_path, runner):
    """A valence file with a bad number on line 3: exit 1, one line naming the file and the line."""
    vfile = tmp_path / "bad.tsv"
    vfile.write_text("good\t1\n# c\nbad\tabc\n", encoding="utf-8")
    path = _docs(tmp_path, [{"id": "a", "text": "Good."}])
    result = invoke(runner, ["sentiment", path, "--valence", str(vfile)])
    assert result.exit_code == 1
    assert "bad.tsv line 3" in result.stderr and "'abc' is not a number" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    with pytest.raises(InputError, match="nothere.tsv"):
        load_valence([str(tmp_path / "nothere.tsv")])


def test_bad_valence_mapping_is_usage_error(tmp_path):
    """A library caller's out-of-scale valence is a UsageError."""
    path = _docs(tmp_path, [{"id": "a", "text": "Good."}])
    with pytest.raises(UsageError, match="outside"):
        sentiment(Corpus([path]), valence={"good": 9})


# -- option errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", "month", "--unit", "sentence"], "--by"),
        (["--reverse"], "--reverse needs --sort"),
        (["--sort", "loudness"], "choose one of: compound"),
        (["--by", "month", "--sort", "pos"], "compound_mean"),
        (["--unit", "paragraph"], "paragraph"),
    ],
)
def test_usage_errors_exit_2(runner, args, message):
    """Options that cannot work give exit 2 and a one-line message."""
    result = invoke(runner, ["sentiment", *args])
    assert result.exit_code == 2
    assert message in result.stderr


# -- formats and jobs ----------------------------------------------------------------------


def test_formats_give_the_same_rows(tmp_path, runner):
    """json, jsonl, csv and tsv carry the same rows; csv writes explain as 'term (+v) | …'."""
    path = _docs(tmp_path, [
        {"id": "a", "title": "T", "date": "2011-01-01", "text": "The book was good. He was not happy."},
        {"id": "b", "text": "The book was bad."},
    ])
    args = ["sentiment", path, "--explain"]
    rows = invoke_json(runner, args)
    jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == rows
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        parsed = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", fmt]).stdout), delimiter=delim))
        assert list(parsed[0]) == sentiment_columns("aggregate", explain=True)
        assert [r["id"] for r in parsed] == ["a", "b"]
        assert float(parsed[0]["compound"]) == rows[0]["compound"]
        assert parsed[0]["explain"] == "happy (-1.998) | good (+1.9)"  # happy 2.7 x -0.74
        assert parsed[1]["title"] == ""
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert "good (1.900)" in table


@pytest.mark.parametrize(
    "extra",
    [[], ["--explain"], ["--unit", "sentence", "--sort", "compound", "--top", "50"], ["--by", "month", "--explain"],
     ["--by", "source", "--unit", "document"]],
)
def test_jobs_1_and_2_give_identical_bytes(tmp_path, runner, extra):
    """600 documents (3 batches): --jobs 1 and --jobs 2 print the same bytes."""
    path = _many(tmp_path)
    one = invoke(runner, ["sentiment", path, "-j", "1", "-f", "json", *extra])
    two = invoke(runner, ["sentiment", path, "-j", "2", "-f", "json", *extra])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(json.loads(one.stdout)) > 0


def test_help_does_not_import_vader():
    """`textkit sentiment --help` imports neither vaderSentiment nor the core."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom textkit.cli import cli\n"
        "r = CliRunner().invoke(cli, ['sentiment', '--help'])\nassert r.exit_code == 0, r.output\n"
        "assert 'Examples:' in r.output\n"
        "print(any(m.startswith('vaderSentiment') for m in sys.modules), 'textkit.sentiment' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# -- acceptance on the shared corpus ---------------------------------------------------------


@pytest.mark.slow
def test_kcna_2011_by_month_gives_12_rows(runner, kcna_2011):
    """--by month over the KCNA 2011 stories: 12 rows, 2011-01 … 2011-12, all 10,435 documents."""
    rows = invoke_json(runner, ["sentiment", str(kcna_2011), "--by", "month"])
    assert [r["group"] for r in rows] == [f"2011-{m:02d}" for m in range(1, 13)]
    assert sum(r["documents"] for r in rows) == 10435
    assert rows[0]["documents"] == 436 and rows[2]["documents"] == 868


@pytest.mark.slow
def test_kcna_2011_most_negative_document_explained(runner, kcna_2011):
    """The most negative KCNA 2011 story is explained by negative words whose sum outweighs the positive ones."""
    (row,) = invoke_json(runner, ["sentiment", str(kcna_2011), "--sort", "compound", "--reverse", "--top", "1",
                                  "--explain", "--explain-top", "0"])
    assert row["rank"] == 1 and row["compound"] == -0.9666
    terms = {e["term"]: e["valence"] for e in row["explain"]}
    assert sum(terms.values()) < 0
    assert row["explain"][0]["valence"] < 0
    assert row["id"] == MOST_NEGATIVE_ID and list(terms)[:3] == MOST_NEGATIVE_TERMS


# "Two More US Soldiers Killed in Iraq" (2011-06-17), one sentence: killed -7.0 (twice -3.5),
# death -2.9, war -2.9, broke -1.8; x = -14.6, compound = -14.6 / sqrt(14.6^2 + 15) = -0.9666.
MOST_NEGATIVE_ID = "kcna-2011-06542"
MOST_NEGATIVE_TERMS = ["killed", "death", "war"]
