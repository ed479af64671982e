"""``textkit readability`` and its core ``textkit.readability_core.readability``."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from textkit.corpus import Corpus
from textkit.errors import UsageError
from textkit.readability import SCORE_KEYS, readability_scores
from textkit.readability_core import DOCUMENT_COLUMNS, GROUP_COLUMNS, readability

from .conftest import invoke, invoke_json, write_jsonl


def _docs(tmp_path: Path, records: list[dict], name: str = "c.jsonl") -> str:
    return str(write_jsonl(tmp_path / name, records))


def _many(tmp_path: Path, n: int = 600) -> str:
    """n dated documents of varied length and vocabulary (several engine batches)."""
    vocab = "the of revolutionary people's DPRK-Vietnam U.S. great leader visited factory 2011 and a".split()
    records = []
    for i in range(n):
        words = [vocab[(i * k + k * k) % len(vocab)] for k in range(1, 8 + i % 40)]
        text = " ".join(words).capitalize() + ". " + " ".join(reversed(words)) + "."
        records.append({"id": f"d{i:04d}", "date": f"2011-{1 + i % 12:02d}-01", "text": text, "source": f"s{i % 3}"})
    return _docs(tmp_path, records, "many.jsonl")


def test_cat_in_the_hat(runner):
    """'The cat in the hat ate breakfast.': 7 words, 8 syllables, 1 sentence; Flesch 206.835 - 1.015*7 - 84.6*8/7 = 103.04."""
    (row,) = invoke_json(runner, ["readability", "-"], input="The cat in the hat ate breakfast.")
    assert (row["words"], row["sentences"], row["syllables"]) == (7, 1, 8)
    assert row["flesch_reading_ease"] == pytest.approx(206.835 - 1.015 * 7 - 84.6 * 8 / 7)
    assert round(row["flesch_reading_ease"]) == 103
    assert list(row) == DOCUMENT_COLUMNS


def test_words_as_written(tmp_path):
    """'The U.S. and the DPRK-Vietnam ties.': 6 words as written; syllables 1+2+1+1+7+1 = 13; letters 3+2+3+3+11+4 = 26."""
    path = _docs(tmp_path, [{"id": "a", "text": "The U.S. and the DPRK-Vietnam ties."}])
    (row,) = list(readability(Corpus([path])))
    assert row["words"] == 6 and row["syllables"] == 13 and row["sentences"] == 1
    assert row["coleman_liau"] == pytest.approx(0.0588 * 100 * 26 / 6 - 0.296 * 100 / 6 - 15.8)
    assert row == {"id": "a", "title": None, "date": None,
                   **readability_scores(["The", "U.S", "and", "the", "DPRK-Vietnam", "ties"], 1)}


def test_group_reads_summed_counts_and_averages_diversity(tmp_path):
    """'The cat sat.' + 'The beautiful dog saw the cat.': W 9, S 2, Sy 11, one complex word; TTR mean (1 + 5/6) / 2."""
    path = _docs(tmp_path, [
        {"id": "a", "source": "x", "text": "The cat sat."},
        {"id": "b", "source": "x", "text": "The beautiful dog saw the cat."},
    ])
    (row,) = list(readability(Corpus([path]), by="source"))
    assert list(row) == GROUP_COLUMNS
    assert (row["group"], row["documents"], row["words"], row["sentences"], row["syllables"]) == ("x", 2, 9, 2, 11)
    assert row["flesch_reading_ease"] == pytest.approx(206.835 - 1.015 * 4.5 - 84.6 * 11 / 9)  # 98.8675
    assert row["flesch_kincaid_grade"] == pytest.approx(0.39 * 4.5 + 11.8 * 11 / 9 - 15.59)
    assert row["gunning_fog"] == pytest.approx(0.4 * (4.5 + 100 / 9))
    assert row["smog"] == pytest.approx(1.0430 * math.sqrt(30 / 2) + 3.1291)
    assert row["coleman_liau"] == pytest.approx(0.0588 * 100 * 33 / 9 - 0.296 * 100 * 2 / 9 - 15.8)  # 33 letters
    assert row["ttr"] == pytest.approx((1 + 5 / 6) / 2)
    assert row["mattr"] == pytest.approx((1 + 5 / 6) / 2)  # both shorter than the window: their TTR
    b = readability_scores("The beautiful dog saw the cat".split(), 1)
    assert row["mtld"] == pytest.approx((3.0 + b["mtld"]) / 2)


def test_group_of_one_document_equals_its_row(tmp_path):
    """--by id makes one group per document with the document's own scores."""
    path = _many(tmp_path, 30)
    docs = list(readability(Corpus([path])))
    groups = list(readability(Corpus([path]), by="id"))
    assert len(groups) == 30
    for d, g in zip(docs, groups, strict=True):
        assert g["group"] == d["id"] and g["documents"] == 1
        for key in SCORE_KEYS:
            assert g[key] == pytest.approx(d[key], rel=1e-12), key


def test_empty_document_and_group_notes(tmp_path, runner):
    """An empty text gives 0 words and null scores; --by month leaves the undated document out with a note."""
    path = _docs(tmp_path, [
        {"id": "e", "date": "2011-01-02", "text": " "},
        {"id": "u", "text": "The cat sat."},
        {"id": "f", "date": "2011-01-05", "text": "The cat sat."},
    ])
    rows = invoke_json(runner, ["readability", path])
    assert rows[0]["words"] == 0 and rows[0]["flesch_reading_ease"] is None and rows[0]["mtld"] is None
    result = invoke(runner, ["readability", path, "--by", "month", "-f", "json"])
    (row,) = json.loads(result.stdout)
    assert row["documents"] == 2 and row["words"] == 3 and row["ttr"] == 1.0  # mean over documents with words
    assert "1 document without a value for 'month' left out" in result.stderr


def test_mattr_window_option(tmp_path, runner):
    """--mattr-window 2 over 'a a b b': windows aa, ab, bb give TTR 0.5, 1, 0.5, mean 2/3; window 0 is exit 2."""
    path = _docs(tmp_path, [{"id": "a", "text": "a a b b."}])
    (row,) = invoke_json(runner, ["readability", path, "--mattr-window", "2"])
    assert row["mattr"] == pytest.approx(2 / 3)
    result = invoke(runner, ["readability", path, "--mattr-window", "0"])
    assert result.exit_code == 2 and "--mattr-window" in result.stderr
    with pytest.raises(UsageError):
        readability(Corpus([path]), mattr_window=0)


def test_stopwords_option_is_rejected(runner):
    """readability counts every word: --stopwords is not an option (exit 2)."""
    assert invoke(runner, ["readability", "--stopwords", "english"]).exit_code == 2


def test_by_unknown_field(tmp_path, runner):
    """--by a field no document has: exit 1 listing the fields."""
    path = _docs(tmp_path, [{"id": "a", "source": "x", "text": "Hi."}])
    result = invoke(runner, ["readability", path, "--by", "outlet"])
    assert result.exit_code == 1 and "source" in result.stderr


def test_top(tmp_path):
    """--top 3 keeps the first three documents, and the first three groups."""
    path = _many(tmp_path, 20)
    assert [r["id"] for r in readability(Corpus([path]), top=3)] == ["d0000", "d0001", "d0002"]
    assert [r["group"] for r in readability(Corpus([path]), by="month", top=3)] == ["2011-01", "2011-02", "2011-03"]


def test_formats_give_the_same_rows(tmp_path, runner):
    """json, jsonl, csv and tsv carry the same rows."""
    path = _many(tmp_path, 5)
    rows = invoke_json(runner, ["readability", path])
    jsonl = [json.loads(line) for line in invoke(runner, ["readability", path, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == rows
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        parsed = list(csv.DictReader(io.StringIO(invoke(runner, ["readability", path, "-f", fmt]).stdout), delimiter=delim))
        assert list(parsed[0]) == DOCUMENT_COLUMNS
        for got, want in zip(parsed, rows, strict=True):
            assert int(got["words"]) == want["words"]
            assert float(got["mtld"]) == want["mtld"] and float(got["smog"]) == want["smog"]
    assert "d0004" in invoke(runner, ["readability", path, "-f", "table"]).stdout


@pytest.mark.parametrize("extra", [[], ["--by", "month"], ["--by", "source", "--mattr-window", "5"]])
def test_jobs_1_and_2_give_identical_bytes(tmp_path, runner, extra):
    """600 documents (3 batches): --jobs 1 and --jobs 2 print the same bytes."""
    path = _many(tmp_path)
    one = invoke(runner, ["readability", path, "-j", "1", "-f", "json", *extra])
    two = invoke(runner, ["readability", path, "-j", "2", "-f", "json", *extra])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and json.loads(one.stdout)


def test_help_is_light():
    """`textkit readability --help` shows examples without loading the syllable table's module."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom textkit.cli import cli\n"
        "r = CliRunner().invoke(cli, ['readability', '--help'])\nassert r.exit_code == 0, r.output\n"
        "assert 'Examples:' in r.output\nprint('textkit.readability' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_kcna_2011_by_month(runner, kcna_2011):
    """--by month over KCNA 2011: 12 groups whose words and sentences add up to `textkit info`'s tokens and sentences."""
    rows = invoke_json(runner, ["readability", str(kcna_2011), "--by", "month"])
    (info,) = invoke_json(runner, ["info", str(kcna_2011)])
    assert [r["group"] for r in rows] == [f"2011-{m:02d}" for m in range(1, 13)]
    assert sum(r["documents"] for r in rows) == info["documents"] == 10435
    assert sum(r["words"] for r in rows) == info["tokens"]
    assert sum(r["sentences"] for r in rows) == info["sentences"]
    for r in rows:
        assert 10 < r["flesch_reading_ease"] < 60 and 0.6 < r["mattr"] < 0.9
