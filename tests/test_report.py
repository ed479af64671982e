"""Tests for textkit.report, textkit.report_html and `textkit report`: one pass, the same rows as the
standalone commands, time sections, JSON, terminal and HTML output."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import xml.etree.ElementTree as ET
from array import array
from pathlib import Path

import pytest

from textkit.corpus import Corpus, default_corpus_paths
from textkit.engine import Item, run
from textkit.errors import UsageError
from textkit.phrases import PhraseStreamTask
from textkit.report import (
    SECTIONS,
    build_report,
    choose_period,
    parse_sections,
    pattern_text,
    stream_items,
    trend_terms,
)
from textkit.report_html import nice_ticks, render_html
from textkit.tokenize import Analyzer, AnalyzerOptions, TokenizedText

from .conftest import invoke, invoke_json, write_jsonl

# Three months, a gap in February; "source" on three documents.
RECORDS = [
    {"id": "a", "date": "2011-01-05", "source": "KCNA", "title": "Party praised",
     "text": "The great leader visited the factory. Workers praised the party and the leader."},
    {"id": "b", "date": "2011-01-20", "source": "KCNA", "title": "Imperialists condemned",
     "text": "The imperialists were condemned. The puppet regime was condemned again."},
    {"id": "c", "date": "2011-03-02", "source": "Rodong Sinmun", "title": "Mourning",
     "text": "The people mourned the leader. Deep sorrow filled the factory."},
    {"id": "d", "date": "2011-03-15", "title": "Happy workers",
     "text": "Happy workers sang a wonderful song of joy for the leader."},
]


@pytest.fixture
def small(tmp_path):
    return write_jsonl(tmp_path / "small.jsonl", RECORDS)


def report_of(paths, **kw):
    opts = kw.pop("options", AnalyzerOptions(stopwords="english"))
    return build_report(Corpus([str(p) for p in paths]), opts, jobs=1, **kw)


# --------------------------------------------------------------------------- options


def test_parse_sections_orders_and_rejects_unknown_names():
    """Sections come back in report order; an unknown name is a usage error that lists the valid ones."""
    assert parse_sections("tone, keywords") == ("keywords", "tone")
    assert parse_sections(None) == SECTIONS
    assert parse_sections("all") == SECTIONS
    with pytest.raises(UsageError, match="choose from: corpus, frequencies, keywords, keyness, phrases"):
        parse_sections("keywords,sentiment")
    with pytest.raises(UsageError):
        parse_sections(" , ")


def test_choose_period_auto_rule():
    """auto: day under 3 calendar months, month from 3 to 120 months, year beyond; a given period is kept."""
    assert choose_period("2011-12-10", "2011-12-24") == "day"
    assert choose_period("2011-01-31", "2011-02-01") == "day"  # 2 calendar months
    assert choose_period("2011-01-31", "2011-03-01") == "month"  # 3 calendar months
    assert choose_period("1997-01-01", "2006-12-31") == "month"  # 120 months
    assert choose_period("1997-01-01", "2007-01-01") == "year"  # 121 months
    assert choose_period("2011-12-10", "2011-12-24", "week") == "week"
    assert choose_period(None, None) is None


def test_pattern_text_spells_initialisms_with_a_final_period():
    """A keyword is followed by a pattern that reads back as the same token: u.s needs its final period."""
    analyzer = Analyzer(AnalyzerOptions())
    assert pattern_text("kim", analyzer) == "kim"
    assert pattern_text("u.s", analyzer) == "u.s."
    assert pattern_text("dprk-vietnam", analyzer) == "dprk-vietnam"


def _item(k: int, sentences: list[list[str]]) -> Item:
    from textkit.corpus import Document

    tokens = [t for s in sentences for t in s]
    bounds = array("l", [0])
    for s in sentences:
        bounds.append(bounds[-1] + len(s))
    return Item(Document(id=str(k), text=""), TokenizedText(tokens, bounds), k)


def test_trend_terms_follow_a_name_once():
    """kim/jong/il always stand together (one unit, followed by kim); people stands alone.

    kim: 3 occurrences, all next to jong or il (3/3 >= 0.8), jong beside it 2 times (>= 0.2 x 3),
    il once (>= 0.6): one unit {kim, jong, il}; people has no keyword beside it.
    """
    items = [
        _item(0, [["kim", "jong", "il", "met", "people"], ["kim", "il", "sung"]]),
        _item(1, [["kim", "jong", "il"], ["people", "cheered"]]),
    ]
    chosen, left = trend_terms(["kim", "jong", "il", "people"], items, 5)
    assert chosen == ["kim", "people"]
    assert left == ["jong", "il"]
    # a sentence boundary separates neighbours: il ends one sentence, people starts the next
    chosen, _ = trend_terms(["il", "people"], [_item(0, [["il"], ["people"]])], 5)
    assert chosen == ["il", "people"]


def test_stream_items_replay_the_tokenization():
    """The replayed items hold the tokens and sentence bounds the analyzer made, document by document."""
    corpus = Corpus(default_corpus_paths())
    options = AnalyzerOptions()
    (stream,) = run(corpus, options, [PhraseStreamTask()], jobs=1)
    items = stream_items(stream)
    analyzer = Analyzer(options)
    docs = list(Corpus(default_corpus_paths()))
    assert len(items) == len(docs) == 629
    for k in (0, 1, 300, 628):
        tok = analyzer.analyze(docs[k].text)
        assert items[k].tok.tokens == tok.tokens
        assert list(items[k].tok.bounds) == list(tok.bounds)
        assert items[k].doc.date == docs[k].date


# --------------------------------------------------------------------------- the small corpus


def test_corpus_section_by_hand(small):
    """Corpus: 4 documents, 3 months with February empty, tokens per month, sources by documents.

    Tokens: a 13, b 10 (January 23); c 10, d 11 (March 21); February 0.
    """
    rep = report_of([small], sections=["corpus"])
    (row,) = rep["corpus"]
    assert row["documents"] == 4 and row["tokens"] == 44 and row["undated"] == 0
    assert row["date_min"] == "2011-01-05" and row["date_max"] == "2011-03-15"
    assert rep["meta"]["options"]["period"] == "month"
    assert row["periods"] == [
        {"period": "2011-01", "documents": 2, "tokens": 23},
        {"period": "2011-02", "documents": 0, "tokens": 0},
        {"period": "2011-03", "documents": 2, "tokens": 21},
    ]
    assert row["sources"] == [{"source": "KCNA", "documents": 2}, {"source": "Rodong Sinmun", "documents": 1}]
    assert list(rep) == ["meta", "corpus"]


def test_small_corpus_frequencies_and_keyness_by_hand(small):
    """Frequencies without stop words: leader 4 times (twice in a) in 3 documents; keyness of March against the rest.

    leader: per million = 4 / 44 x 10^6; keyness needs a + b >= 5, so no term of this corpus is tested.
    """
    rep = report_of([small], top=3)
    top = rep["frequencies"][0]
    assert (top["term"], top["count"], top["docs"], top["rank"]) == ("leader", 4, 3, 1)
    assert top["per_million"] == 4 * 1_000_000 / 44
    assert len(rep["frequencies"]) == 3
    assert rep["meta"]["sections"]["keyness"]["target"] == "month=2011-03"
    assert rep["keyness"] == []
    assert rep["meta"]["sections"]["keyness"]["documents_a"] == 2


def test_undated_corpus_skips_the_time_sections(tmp_path, runner):
    """Without dates: keyness and trends are empty with a reason, tone has no periods; exit 0 in every format."""
    path = write_jsonl(tmp_path / "undated.jsonl", [{k: v for k, v in r.items() if k != "date"} for r in RECORDS])
    data = invoke_json(runner, ["report", str(path)])
    assert set(data) == {"meta", *SECTIONS}
    assert data["keyness"] == [] and data["trends"] == []
    assert "no document has a date" in data["meta"]["skipped"]["keyness"]
    assert "no document has a date" in data["meta"]["skipped"]["trends"]
    assert data["tone"]["by_period"] == [] and data["tone"]["categories_by_period"] == []
    assert data["meta"]["options"]["period"] is None
    assert data["corpus"][0]["periods"] == []
    assert data["frequencies"][0]["term"] == "leader"
    table = invoke(runner, ["report", str(path), "--format", "table"])
    assert table.exit_code == 0
    assert "skipped: no document has a date" in table.stdout


def test_one_document_corpus_gives_a_sensible_report(tmp_path, runner, seed):
    """One article: its figures, keyness skipped (one period), no formulas (they need 3 documents)."""
    data = invoke_json(runner, ["report", str(seed)])
    assert data["corpus"][0]["documents"] == 1
    assert data["corpus"][0]["tokens"] == 622
    assert data["tone"]["overall"]["documents"] == 1
    assert data["tone"]["overall"]["compound_sd"] is None
    assert data["phrases"] == []
    assert "one day" in data["meta"]["skipped"]["keyness"]
    assert len(data["frequencies"]) == 10
    assert len(data["trends"]) == 5  # five keywords, one day each
    table = invoke(runner, ["report", str(seed), "--format", "table"])
    assert table.exit_code == 0 and "Recurring formulas" in table.stdout


def test_mixed_dated_and_undated_documents_note(tmp_path, runner):
    """Undated documents stay in the corpus figures and are left out of the per-period ones, with a note."""
    records = [*RECORDS, {"id": "e", "text": "An undated story about the leader."}]
    path = write_jsonl(tmp_path / "mixed.jsonl", records)
    data = invoke_json(runner, ["report", str(path), "--sections", "corpus"])
    row = data["corpus"][0]
    assert row["documents"] == 5 and row["undated"] == 1
    assert sum(p["documents"] for p in row["periods"]) == 4
    assert data["meta"]["notes"] == ["1 undated document left out of the per-month figures"]


# --------------------------------------------------------------------------- CLI


def test_formats_other_than_table_and_json_are_usage_errors(runner):
    """--format jsonl, csv or tsv: exit 2 with a message that report supports only table and json."""
    for fmt in ("jsonl", "csv", "tsv"):
        result = invoke(runner, ["report", "--format", fmt])
        assert result.exit_code == 2
        assert "report supports only --format table or json" in result.stderr


def test_unknown_section_is_a_usage_error(runner):
    """--sections with an unknown name: exit 2 naming the valid sections."""
    result = invoke(runner, ["report", "--sections", "corpus,bogus"])
    assert result.exit_code == 2
    assert "unknown section 'bogus'" in result.stderr and "collocations" in result.stderr


def test_sections_and_top_select_what_is_computed(runner, small):
    """--sections keeps only the chosen keys (plus meta); --top sets the rows per section."""
    data = invoke_json(runner, ["report", str(small), "--sections", "collocations,frequencies", "--top", "2"])
    assert list(data) == ["meta", "frequencies", "collocations"]
    assert len(data["frequencies"]) == 2
    assert data["meta"]["options"]["sections"] == ["frequencies", "collocations"]


def test_meta_names_the_input_files_with_size_and_hash(runner, small):
    """meta.files: the path as given, its size in bytes and the SHA-256 of its bytes; the textkit version."""
    data = invoke_json(runner, ["report", str(small), "--sections", "corpus"])
    raw = small.read_bytes()
    assert data["meta"]["files"] == [
        {"path": str(small), "bundled": False, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    ]
    from importlib.metadata import version

    assert data["meta"]["textkit"] == version("textkit")
    assert data["meta"]["options"]["stopwords"] == "english"


def test_no_path_prints_every_section_of_the_bundled_corpus(runner):
    """`textkit report` with no path exits 0 and prints every section (the README's first command)."""
    result = invoke(runner, ["report", "--format", "table"])
    assert result.exit_code == 0, result.stderr
    for title in ("Corpus", "Most frequent content words", "Keywords (TF-IDF)", "Keywords of 2011-12-24 against the rest",
                  "Recurring formulas", "Strongest collocations", "Tone", "Trends of the top keywords"):
        assert title in result.stdout
    assert "629" in result.stdout and "2011-12-10 → 2011-12-24" in result.stdout
    assert "leader kim jong il" in result.stdout


@pytest.fixture(scope="module")
def bundled_json(tmp_path_factory):
    """The report of the bundled corpus as JSON text (--jobs 1) and parsed."""
    from click.testing import CliRunner

    from textkit.cli import cli

    result = CliRunner().invoke(cli, ["report", "--format", "json", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout, json.loads(result.stdout)


def test_json_is_the_same_bytes_for_jobs_1_and_2_and_every_run(runner, bundled_json):
    """The JSON has no timestamp: --jobs 1, --jobs 2 and a second run give identical bytes (629 documents, 3 batches)."""
    text, data = bundled_json
    again = invoke(runner, ["report", "--format", "json", "--jobs", "2"])
    assert again.exit_code == 0
    assert again.stdout == text
    assert set(data) == {"meta", *SECTIONS}


def _section_rows(data: dict) -> list[tuple[str, list]]:
    """(equivalent command, rows) for every part of the report that names one."""
    meta = data["meta"]["sections"]
    out = []
    for name in ("frequencies", "keywords", "keyness", "phrases", "collocations", "trends"):
        out.append((meta[name]["command"], data[name]))
    out.append((meta["corpus"]["command"], [{k: v for k, v in data["corpus"][0].items()
                                              if k not in ("undated", "periods", "sources")}]))
    tone = meta["tone"]["commands"]
    out.append((tone["by_period"], data["tone"]["by_period"]))
    out.append((tone["categories_by_period"], data["tone"]["categories_by_period"]))
    out.append((tone["most_positive"], data["tone"]["most_positive"]))
    out.append((tone["most_negative"], data["tone"]["most_negative"]))
    return out


def test_every_section_equals_its_standalone_command_on_the_bundled_corpus(runner, bundled_json):
    """Each section's rows equal, exactly, the JSON of the command meta names (freq, keywords, compare,
    phrases, collocations, trend, info, sentiment --by day, score --by day, sentiment --sort)."""
    _, data = bundled_json
    assert data["meta"]["sections"]["keyness"]["command"] == (
        "textkit compare --target day=2011-12-24 --side a --stopwords english --top 10")
    assert data["meta"]["sections"]["frequencies"]["command"] == "textkit freq --stopwords english --top 10"
    for command, rows in _section_rows(data):
        args = shlex.split(command)
        assert args[0] == "textkit"
        assert invoke_json(runner, args[1:]) == rows, command


def test_overall_tone_and_categories_by_hand(bundled_json):
    """The overall tone counts every document; category matches over the days add up to the whole corpus."""
    _, data = bundled_json
    tone = data["tone"]
    assert tone["overall"]["documents"] == 629
    assert sum(r["documents"] for r in tone["by_period"]) == 629
    for cat in tone["categories"]:
        per_day = sum(r["matches"] for r in tone["categories_by_period"] if r["category"] == cat["category"])
        assert per_day == cat["matches"]
        assert cat["percent"] == 100 * cat["matches"] / 108567
    assert [r["rank"] for r in tone["most_positive"]] == [1, 2, 3]
    assert tone["most_positive"][0]["compound"] >= tone["most_positive"][1]["compound"]
    assert tone["most_negative"][0]["compound"] <= tone["most_negative"][1]["compound"]


def test_trends_follow_the_top_keywords_one_name_at_a_time(bundled_json):
    """Trends: kim stands for Kim Jong Il (jong, il left out), then the next keywords; 15 days each."""
    _, data = bundled_json
    trends = data["meta"]["sections"]["trends"]
    assert trends["terms"] == ["kim", "people", "dprk", "korean", "party"]
    assert trends["left_out"] == ["jong", "il"]
    assert len(data["trends"]) == 5 * 15


# --------------------------------------------------------------------------- HTML


def test_nice_ticks():
    """Axis ticks step 1-2-2.5-5 and cover the range."""
    assert nice_ticks(0, 97) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert nice_ticks(-0.03, 0.28) == [-0.1, 0.0, 0.1, 0.2, 0.3]


def test_html_is_one_well_formed_self_contained_page(runner, tmp_path, bundled_json):
    """--html writes one XHTML-compatible file with every section, its charts as SVG and no external reference."""
    out = tmp_path / "report.html"
    result = invoke(runner, ["report", "--html", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""  # with --html, stdout only when --format is given
    text = out.read_text("utf-8")
    root = ET.fromstring(text)  # well-formed XML
    ids = {el.get("id") for el in root.iter("section")}
    assert ids == set(SECTIONS)
    svgs = list(root.iter("svg"))
    assert len(svgs) >= 1 + 1 + 2 + 7 + 1  # documents, keyness, tone + categories, 7 small multiples, trends
    for svg in svgs:
        assert any(el.tag in ("path", "rect") for el in svg.iter()), "a chart without marks"
    keyness = next(el for el in root.iter("section") if el.get("id") == "keyness")
    assert sum(1 for el in keyness.iter("rect")) == 10  # one bar per keyness row
    trends = next(el for el in root.iter("section") if el.get("id") == "trends")
    assert sum(1 for el in trends.iter("path")) == 5  # one line per followed keyword
    assert not re.search(r"https?:", text)
    for el in root.iter():
        assert el.tag not in ("link", "img", "iframe")
        assert el.get("src") is None
        assert (el.get("href") or "#").startswith("#")  # only links within the page
    assert sum(1 for t in root.iter("table") if "sortable" in (t.get("class") or "")) >= 8
    assert "leader kim jong il" in text


def test_html_escapes_text(tmp_path):
    """Titles with markup are escaped: the page stays well-formed."""
    records = [dict(r, title=f"<b>{r['title']}</b> & co") for r in RECORDS]
    path = write_jsonl(tmp_path / "x.jsonl", records)
    page = render_html(report_of([path]), generated="2024-01-01 00:00 UTC")
    ET.fromstring(page)
    assert "&lt;b&gt;" in page and "<b>" not in page
    assert "2024-01-01 00:00 UTC" in page


def test_html_of_an_undated_corpus_says_what_was_skipped(tmp_path):
    """An undated corpus still renders, with the skipped sections explained."""
    path = write_jsonl(tmp_path / "u.jsonl", [{k: v for k, v in r.items() if k != "date"} for r in RECORDS])
    page = render_html(report_of([path]))
    root = ET.fromstring(page)
    assert {el.get("id") for el in root.iter("section")} == set(SECTIONS)
    assert "Skipped: no document has a date" in page


def test_missing_html_directory_is_a_usage_error(runner, tmp_path):
    """--html into a directory that does not exist fails before reading the corpus."""
    result = invoke(runner, ["report", "--html", str(tmp_path / "nope" / "r.html")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


# --------------------------------------------------------------------------- shared corpus


@pytest.mark.slow
def test_kcna_2011_json_acceptance(runner, kcna_2011):
    """KCNA 2011: the JSON parses, has every section, months as periods, and every section equals its command."""
    data = invoke_json(runner, ["report", str(kcna_2011)])
    assert set(data) == {"meta", *SECTIONS}
    assert data["meta"]["options"]["period"] == "month"
    assert data["corpus"][0]["documents"] == 10435 and data["corpus"][0]["tokens"] == 1682461
    assert [p["period"] for p in data["corpus"][0]["periods"]] == [f"2011-{m:02d}" for m in range(1, 13)]
    assert data["meta"]["sections"]["keyness"]["target"] == "month=2011-12"
    freq = invoke_json(runner, ["freq", str(kcna_2011), "--stopwords", "english", "--top", "10"])
    assert data["frequencies"] == freq
    for command, rows in _section_rows(data):
        args = shlex.split(command)
        assert invoke_json(runner, args[1:]) == rows, command


@pytest.mark.slow
def test_kcna_2011_html(runner, kcna_2011, tmp_path):
    """KCNA 2011 as HTML: well-formed, 12 months on the charts, no external reference."""
    out = tmp_path / "k.html"
    result = invoke(runner, ["report", str(kcna_2011), "--html", str(out)])
    assert result.exit_code == 0
    text = out.read_text("utf-8")
    root = ET.fromstring(text)
    assert {el.get("id") for el in root.iter("section")} == set(SECTIONS)
    assert "2011-12" in text and not re.search(r"https?:", text)
    _ = Path


def test_standard_input_is_hashed_and_no_documents_is_an_error(runner):
    """`-` is reported with the size and SHA-256 of the bytes read; a selection with no document exits 1."""
    data = "".join(json.dumps(r) + "\n" for r in RECORDS)
    result = invoke(runner, ["report", "-", "--sections", "corpus", "--format", "json"], input=data)
    assert result.exit_code == 0
    files = json.loads(result.stdout)["meta"]["files"]
    raw = data.encode("utf-8")
    assert files == [{"path": "-", "bundled": False, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}]
    empty = invoke(runner, ["report", "--since", "2030-01-01", "--format", "json"])
    assert empty.exit_code == 1 and "no documents selected" in empty.stderr


def test_terminal_svg_needs_no_web_font(small):
    """The SVG picture of the terminal report (docs/report-terminal.svg) loads no font from the web."""
    from textkit.commands.report import terminal_svg

    svg = terminal_svg(report_of([small], sections=["corpus", "frequencies"]), width=80)
    assert svg.startswith("<svg") and "Most frequent content words" in svg.replace("&#160;", " ")
    assert not re.search(r"url\(\"?https?:", svg) and "cdnjs" not in svg and "@font-face" in svg
