"""Tests for textkit.trend and `textkit trend`: counts by period, zeros, summary, plot."""

from __future__ import annotations

import csv
import io
import json

import pytest

from textkit.corpus import Corpus
from textkit.errors import UsageError
from textkit.trend import (
    SUMMARY_COLUMNS,
    TREND_COLUMNS,
    top_terms,
    trend,
    trend_series,
    trend_summary,
)

from .conftest import invoke, invoke_json, write_jsonl

RECORDS = [
    # 10 tokens; "kim jong il" twice (once possessive)
    {"id": "a", "date": "2011-01-03", "text": "Kim Jong Il's work was praised. Kim Jong Il spoke."},
    # 7 tokens; "imperialis*" twice
    {"id": "b", "date": "2011-01-20", "text": "The imperialists and imperialism.\n\nNothing else here."},
    # 8 tokens; "kim jong un" once, "kim jong il" once
    {"id": "c", "date": "2011-03-02", "text": "Kim Jong Un visited.\n\nKim Jong Il too."},
    # 4 tokens; "kim jong" / "il" split by a paragraph: no match
    {"id": "d", "date": "2011-03-15", "text": "Kim Jong\n\nIl came."},
    # undated: left out
    {"id": "e", "text": "Kim Jong Il and Kim Jong Il."},
]
TERMS = ["kim jong il", "kim jong un", "imperialis*"]


@pytest.fixture
def small(tmp_path):
    return write_jsonl(tmp_path / "small.jsonl", RECORDS)


def rows_of(rows, term):
    return [r for r in rows if r["term"] == term]


def test_month_rows_by_hand(small):
    """By month: counts with possessives, tokens, per million, docs and doc_share; February present with zeros."""
    notes: list[str] = []
    rows = trend(Corpus([str(small)]), TERMS, by="month", warn=notes.append)
    assert notes == ["note: 1 undated document left out"]
    il = rows_of(rows, "kim jong il")
    assert il == [
        {"period": "2011-01", "term": "kim jong il", "count": 2, "tokens": 17,
         "per_million": 2 * 1_000_000 / 17, "docs": 1, "doc_share": 0.5},
        {"period": "2011-02", "term": "kim jong il", "count": 0, "tokens": 0,
         "per_million": 0.0, "docs": 0, "doc_share": 0.0},
        {"period": "2011-03", "term": "kim jong il", "count": 1, "tokens": 12,
         "per_million": 1_000_000 / 12, "docs": 1, "doc_share": 0.5},
    ]
    imp = rows_of(rows, "imperialis*")
    assert [(r["count"], r["docs"]) for r in imp] == [(2, 1), (0, 0), (0, 0)]
    un = rows_of(rows, "kim jong un")
    assert [r["count"] for r in un] == [0, 0, 1]


def test_rows_ordered_by_term_then_period(small):
    """Rows come ordered by term (as given, sorted), then period."""
    rows = trend(Corpus([str(small)]), TERMS, by="month")
    keys = [(r["term"], r["period"]) for r in rows]
    assert keys == sorted(keys)
    assert list(rows[0]) == TREND_COLUMNS


@pytest.mark.parametrize(
    ("by", "first", "last", "n"),
    [("day", "2011-01-03", "2011-03-15", 72), ("week", "2011-W01", "2011-W11", 11), ("year", "2011", "2011", 1)],
)
def test_period_labels_and_ranges(small, by, first, last, n):
    """Every period from the first to the last dated document appears, labelled 2011-01-03, 2011-W01, 2011."""
    rows = rows_of(trend(Corpus([str(small)]), ["kim jong il"], by=by), "kim jong il")
    assert len(rows) == n and rows[0]["period"] == first and rows[-1]["period"] == last
    assert sum(r["count"] for r in rows) == 3
    assert sum(r["tokens"] for r in rows) == 29


def test_summary_and_series(small):
    """The summary gives totals and the peak period (highest per million, earliest on a tie); null for a term never used."""
    rows = trend(Corpus([str(small)]), [*TERMS, "juche"], by="month")
    summary = trend_summary(rows)
    assert summary == [
        {"term": "imperialis*", "count": 2, "peak_period": "2011-01", "peak_per_million": 2 * 1_000_000 / 17},
        {"term": "juche", "count": 0, "peak_period": None, "peak_per_million": 0.0},
        {"term": "kim jong il", "count": 3, "peak_period": "2011-01", "peak_per_million": 2 * 1_000_000 / 17},
        {"term": "kim jong un", "count": 1, "peak_period": "2011-03", "peak_per_million": 1_000_000 / 12},
    ]
    assert list(summary[0]) == SUMMARY_COLUMNS
    assert trend_series(rows)["kim jong un"] == [0.0, 0.0, 1_000_000 / 12]
    tie = [
        {"period": "2011-01", "term": "x", "count": 1, "per_million": 5.0},
        {"period": "2011-02", "term": "x", "count": 2, "per_million": 5.0},
    ]
    assert trend_summary(tie)[0]["peak_period"] == "2011-01"


def test_top_terms_keeps_the_most_used(small):
    """top_terms keeps the rows of the N terms with the highest totals (ties by term)."""
    rows = trend(Corpus([str(small)]), TERMS, by="month")
    assert sorted({r["term"] for r in top_terms(rows, 2)}) == ["imperialis*", "kim jong il"]


def test_duplicate_and_bad_terms(small):
    """A term given twice is counted once; a term without a word is a usage error."""
    rows = trend(Corpus([str(small)]), ["kim jong il", "kim jong il "], by="year")
    assert [(r["term"], r["count"]) for r in rows] == [("kim jong il", 3)]
    with pytest.raises(UsageError):
        trend(Corpus([str(small)]), ["*"], by="year")
    with pytest.raises(ValueError):
        trend(Corpus([str(small)]), ["x"], by="decade")


def test_no_dated_documents(tmp_path):
    """Without a dated document there are no periods: no rows and a note."""
    path = write_jsonl(tmp_path / "u.jsonl", [{"text": "Kim Jong Il."}])
    notes: list[str] = []
    assert trend(Corpus([str(path)]), ["kim jong il"], warn=notes.append) == []
    assert notes[0] == "note: 1 undated document left out"


# ------------------------------------------------------------------------------------------
# the command


def test_cli_json_and_note(runner, small):
    """trend --format json gives the period rows; the undated note goes to stderr."""
    result = invoke(runner, ["trend", "-t", "kim jong il", str(small), "--by", "month", "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["period"], r["count"]) for r in rows] == [("2011-01", 2), ("2011-02", 0), ("2011-03", 1)]
    assert "1 undated document left out" in result.stderr


def test_cli_formats_give_the_same_rows(runner, small):
    """json, jsonl, csv and tsv carry the same rows (period rows and --summary rows)."""
    for extra, columns in (([], TREND_COLUMNS), (["--summary"], SUMMARY_COLUMNS)):
        args = ["trend", "-t", "kim jong il", "-t", "kim jong un", str(small), *extra]
        as_json = invoke_json(runner, args)
        assert list(as_json[0]) == columns
        jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
        assert jsonl == as_json
        for fmt, delim in (("csv", ","), ("tsv", "\t")):
            out = invoke(runner, [*args, "-f", fmt]).stdout
            rows = list(csv.DictReader(io.StringIO(out), delimiter=delim))
            assert list(rows[0]) == columns
            assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in as_json] == rows


def test_cli_table_has_sparkline_summary(runner, small):
    """In table format a second table follows with each term's sparkline, total and peak period."""
    out = invoke(runner, ["trend", "-t", "kim jong il", "-t", "kim jong un", str(small), "-f", "table"]).stdout
    assert out.count("period") >= 1 and "peak_period" in out
    assert "█▁▆" in out  # kim jong il: 117,647 / 0 / 83,333 per million (83,333 / 117,647 × 7 ≈ 5)
    assert "▁▁█" in out  # kim jong un: only in March
    summary = invoke(runner, ["trend", "-t", "kim jong il", str(small), "-f", "table", "--summary"]).stdout
    assert "peak_period" in summary and "doc_share" not in summary


def test_cli_errors(runner, small):
    """No -t, an unknown --by, a pattern without a word and a bad --plot suffix exit 2 with one line."""
    assert invoke(runner, ["trend", str(small)]).exit_code == 2
    assert invoke(runner, ["trend", "-t", "x", str(small), "--by", "decade"]).exit_code == 2
    result = invoke(runner, ["trend", "-t", "*", str(small)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    result = invoke(runner, ["trend", "-t", "x", str(small), "--plot", "out.pdf"])
    assert result.exit_code == 2 and ".png or .svg" in result.stderr


def test_cli_plot_png(runner, small, tmp_path):
    """--plot writes a PNG (and SVG) and says where on stderr."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "t.png"
    result = invoke(runner, ["trend", "-t", "kim jong il", "-t", "kim jong un", str(small), "-f", "json", "--plot", str(out)])
    assert result.exit_code == 0 and f"wrote {out}" in result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000
    svg = tmp_path / "t.svg"
    result = invoke(runner, ["trend", "-t", "kim jong il", str(small), "-f", "json", "--plot", str(svg)])
    text = svg.read_text("utf-8")
    assert "<svg" in text and "per million tokens" in text and "kim jong il" in text


def test_cli_plot_without_matplotlib(runner, small, monkeypatch):
    """Without the plot extra, --plot says how to install it."""
    import textkit.trend

    monkeypatch.setattr(textkit.trend, "plot_available", lambda: False)
    result = invoke(runner, ["trend", "-t", "x", str(small), "--plot", "out.png"])
    assert result.exit_code == 2 and "pip install 'textkit[plot]'" in result.stderr


def test_jobs_one_and_two_give_the_same_bytes(runner):
    """The bundled corpus (629 documents, 3 batches): -j 1 and -j 2 print identical bytes."""
    args = ["trend", "-t", "kim jong un", "-t", "kim jong il", "-t", "imperialis*", "--by", "day", "-f", "json"]
    one = invoke(runner, [*args, "-j", "1"])
    two = invoke(runner, [*args, "-j", "2"])
    assert one.exit_code == 0 and one.stdout == two.stdout
    rows = json.loads(one.stdout)
    assert len(rows) == 3 * 15  # 10 to 24 December 2011
    un = {r["period"]: r["count"] for r in rows if r["term"] == "kim jong un"}
    assert un["2011-12-19"] > 0 and sum(un[f"2011-12-{d}"] for d in range(10, 19)) < un["2011-12-19"]


@pytest.mark.slow
def test_kcna_kim_jong_un_by_month(runner, kcna_2011, tmp_path):
    """KCNA 2011 by month: 12 periods per term; "kim jong un" per million in 2011-12 is many times its earlier level."""
    out = tmp_path / "kcna.png"
    rows = invoke_json(runner, ["trend", "-t", "kim jong un", "-t", "kim jong il", str(kcna_2011), "--by", "month", "--plot", str(out)])
    for term in ("kim jong un", "kim jong il"):
        periods = [r["period"] for r in rows if r["term"] == term]
        assert periods == [f"2011-{m:02d}" for m in range(1, 13)]
    un = {r["period"]: r["per_million"] for r in rows if r["term"] == "kim jong un"}
    earlier = [un[f"2011-{m:02d}"] for m in range(1, 12)]
    assert un["2011-12"] > 10 * max(earlier)
    (info,) = invoke_json(runner, ["info", str(kcna_2011)])
    assert sum(r["tokens"] for r in rows if r["term"] == "kim jong un") == info["tokens"]  # all dated
    if out.exists():
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
