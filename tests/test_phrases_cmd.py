"""Tests for `textkit phrases` and the core `phrases()`: the engine wiring, options, formats, and
the acceptance checks on the KCNA 2011 stories."""

from __future__ import annotations

import csv
import io
import json

import pytest

from textkit.corpus import load_corpus
from textkit.phrases import PhraseStream, phrase_core, phrase_links, phrases
from textkit.tokenize import AnalyzerOptions

from .conftest import KCNA_2011, invoke, invoke_json, write_jsonl

PLANTED12 = "under the wise guidance of the great party we shall surely win"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Token-cache entries of the temporary corpora go to a temporary directory."""
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(tmp_path / "cache"))


def _planted(tmp_path, docs=8, others=4):
    """``docs`` documents with the 12-word phrase amid words found nowhere else, ``others``
    documents without it; dated 2011-01-15, 2011-02-15, ..."""
    records = []
    for i in range(docs + others):
        before = " ".join(f"zq{i}x{j}" for j in range(6))
        after = " ".join(f"zr{i}y{j}" for j in range(5))
        middle = PLANTED12 if i < docs else " ".join(f"zs{i}w{j}" for j in range(12))
        records.append({"id": f"d{i}", "date": f"2011-{i % 12 + 1:02d}-15",
                        "text": f"{before} {middle} {after}."})
    return write_jsonl(tmp_path / "planted.jsonl", records)


def test_planted_phrase_through_the_cli(runner, tmp_path):
    """The planted 12-word phrase is the one row: docs 8, count 8, none of its pieces."""
    path = _planted(tmp_path)
    for extra in ([], ["--flat"]):
        rows = invoke_json(runner, ["phrases", str(path), *extra])
        assert [(r["phrase"], r["n"], r["count"], r["docs"]) for r in rows] == [
            (PLANTED12, 12, 8, 8)]
        row = rows[0]
        assert row["variants"] == []
        assert (row["first_date"], row["last_date"]) == ("2011-01-15", "2011-08-15")
        # 12 documents of 6 + 12 + 5 = 23 tokens: 8 / 276 * 10**6
        assert row["per_million"] == pytest.approx(8 / 276 * 1e6)
    # --all: every piece of 4..12 words, 9 + 8 + ... + 1 = 45 rows, each 8 times in 8 documents
    rows = invoke_json(runner, ["phrases", str(path), "--all", "--top", "0"])
    assert len(rows) == 45 and {(r["count"], r["docs"]) for r in rows} == {(8, 8)}
    # --top: the default shows 20 rows
    assert len(invoke_json(runner, ["phrases", str(path), "--all"])) == 20


def test_core_function_returns_rows_with_groups(tmp_path):
    """phrases() on a corpus: the planted row with per-month groups, one month per document."""
    corpus = load_corpus([str(_planted(tmp_path))])
    rows = phrases(corpus, AnalyzerOptions(), by="month")
    assert len(rows) == 1
    assert list(rows[0]) == ["phrase", "n", "count", "docs", "per_million", "variants",
                             "first_date", "last_date", "groups"]
    assert rows[0]["groups"] == {f"2011-{m:02d}": {"docs": 1, "count": 1} for m in range(1, 9)}
    with pytest.raises(ValueError, match="sort key"):
        phrases(corpus, sort="score")


def test_phrase_stream_merge_is_exact_and_associative():
    """Merging batch vocabularies numbers words in corpus order, however the batches group."""
    from array import array

    def batch(words, ids, date):
        b = PhraseStream()
        b.words, b.chunks = list(words), [array("i", ids)]
        b.doc_lengths, b.dates, b.labels, b.tokens = array("q", [len(ids)]), [date], [None], \
            sum(1 for i in ids if i >= 0)
        return b

    def parts():
        return (batch(["a", "b"], [0, 1, -1], "2011-01-01"),
                batch(["c", "a"], [0, 1, 0, -1], "2011-01-02"),
                batch(["b", "d"], [1, 0, -1], None))

    a, b, c = parts()
    left = PhraseStream().merge(a).merge(b).merge(c)
    a, b, c = parts()
    right = PhraseStream().merge(a).merge(PhraseStream().merge(b).merge(c))
    for m in (left, right):
        assert m.words == ["a", "b", "c", "d"]
        assert [x for ch in m.chunks for x in ch.tolist()] == [0, 1, -1, 2, 0, 2, -1, 3, 1, -1]
        assert list(m.doc_lengths) == [3, 4, 3] and m.tokens == 7
        assert m.dates == ["2011-01-01", "2011-01-02", None]


def test_jobs_one_and_two_give_the_same_bytes(runner):
    """The bundled corpus (629 documents, 3 batches): -j 1 and -j 2 print identical bytes."""
    for extra in ([], ["--flat", "--by", "day"], ["--stopwords", "english"]):
        args = ["phrases", "--format", "json", "--top", "0", *extra]
        one = invoke(runner, [*args, "-j", "1"])
        two = invoke(runner, [*args, "-j", "2"])
        assert one.exit_code == 0 and one.stdout == two.stdout
        assert len(json.loads(one.stdout)) > 100


def test_every_format_gives_the_same_rows(runner):
    """json, jsonl, csv and tsv carry the same rows; variants are one cell, groups JSON."""
    args = ["phrases", "--top", "15", "--by", "month"]
    rows = invoke_json(runner, args)
    lines = invoke(runner, [*args, "--format", "jsonl"]).stdout.splitlines()
    assert [json.loads(x) for x in lines] == rows
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        out = invoke(runner, [*args, "--format", fmt]).stdout
        got = list(csv.DictReader(io.StringIO(out), delimiter=delim))
        assert list(got[0]) == ["phrase", "n", "count", "docs", "per_million", "variants",
                                "first_date", "last_date", "groups"]
        assert len(got) == len(rows) == 15
        for g, r in zip(got, rows, strict=True):
            assert (g["phrase"], int(g["n"]), int(g["count"]), int(g["docs"])) == (
                r["phrase"], r["n"], r["count"], r["docs"])
            assert float(g["per_million"]) == r["per_million"]
            assert g["variants"] == " | ".join(
                f"{v['phrase']} ({v['docs']})" for v in r["variants"])
            assert (g["first_date"], g["last_date"]) == (r["first_date"], r["last_date"])
            assert json.loads(g["groups"]) == r["groups"]
    table = invoke(runner, [*args, "--format", "table"], env={"COLUMNS": "400"}).stdout
    # the table: the number of variants and the first two, "~" standing for the family name
    assert (rows[0]["phrase"], len(rows[0]["variants"])) == ("leader kim jong il", 73)
    assert [v["phrase"] for v in rows[0]["variants"][:2]] == [
        "of leader kim jong il", "of kim jong il"]
    assert "│ 73: of ~ | of kim jong il | …" in table
    assert "docs by month 2011-12…2011-12" in table


def test_modes_nest_and_sorts_follow_their_keys(runner):
    """--all holds every --flat row, --flat more rows than families; --sort orders as stated."""
    fam = invoke_json(runner, ["phrases", "--top", "0"])
    flat = invoke_json(runner, ["phrases", "--flat", "--top", "0"])
    every = invoke_json(runner, ["phrases", "--all", "--top", "0"])
    assert len(every) > len(flat) > len(fam) > 100
    assert {r["phrase"] for r in flat} <= {r["phrase"] for r in every}
    members = {r["phrase"] for r in fam} | {v["phrase"] for r in fam for v in r["variants"]}
    assert members <= {r["phrase"] for r in flat}
    assert all(r["variants"] == [] for r in flat)
    assert [(r["docs"], r["count"]) for r in fam] == sorted(
        ((r["docs"], r["count"]) for r in fam), reverse=True)
    by_len = invoke_json(runner, ["phrases", "--sort", "length", "--top", "0"])
    assert sorted(r["phrase"] for r in by_len) == sorted(r["phrase"] for r in fam)
    assert [r["n"] for r in by_len] == sorted((r["n"] for r in by_len), reverse=True)
    by_count = invoke_json(runner, ["phrases", "--sort", "count", "--top", "5"])
    assert [r["count"] for r in by_count] == sorted((r["count"] for r in fam), reverse=True)[:5]


def test_stopwords_bar_stop_words_from_phrase_edges(runner, tmp_path):
    """With --stopwords english no phrase begins or ends with a stop word; inside they stay."""
    records = [{"id": f"d{i}", "text": f"Zq{i}a zq{i}b of the army and people of the DPRK "
                                       f"zq{i}c zq{i}d."} for i in range(6)]
    path = write_jsonl(tmp_path / "c.jsonl", records)
    rows = invoke_json(runner, ["phrases", str(path), "--flat"])
    assert [r["phrase"] for r in rows] == ["of the army and people of the dprk"]
    rows = invoke_json(runner, ["phrases", str(path), "--flat", "--stopwords", "english"])
    assert [(r["phrase"], r["count"]) for r in rows] == [("army and people of the dprk", 6)]
    # per million still counts every token: 6 of 6 * 12 tokens
    assert rows[0]["per_million"] == pytest.approx(6 / 72 * 1e6)


def test_bad_option_combinations_are_usage_errors(runner):
    """--flat with --all, --max-n below --min-n, and --absorb 0 exit 2 with one line."""
    for args in (["--flat", "--all"], ["--min-n", "6", "--max-n", "5"], ["--absorb", "0"],
                 ["--absorb", "1.5"], ["--sort", "score"]):
        result = invoke(runner, ["phrases", *args])
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_an_empty_selection_gives_no_rows(runner):
    """No document selected: no rows, exit 0."""
    assert invoke_json(runner, ["phrases", "--where", "year=1990"]) == []


# ------------------------------------------------------------------------------------------
# acceptance on the KCNA 2011 stories


@pytest.fixture(scope="module")
def kcna_by_month():
    """The default families of KCNA 2011 with --by month, every row (one run for the module)."""
    if not KCNA_2011.exists():
        pytest.skip("../shared/corpora/kcna-2011.jsonl is not available")
    from click.testing import CliRunner

    return invoke_json(CliRunner(), ["phrases", str(KCNA_2011), "--by", "month", "--top", "0"])


MOURNING = ["on the demise of leader kim jong il",
            "condolences over the demise of leader kim jong il",
            "received a message of condolences from"]


@pytest.mark.slow
def test_kcna_top_rows_are_distinct_formulas(kcna_by_month):
    """The top 20 are 20 families that do not link; "kim jong il" + one word is one row."""
    top = kcna_by_month[:20]
    heads = [r["phrase"] for r in top]
    assert not any(phrase_links(a, b) for i, a in enumerate(heads) for b in heads[i + 1:])
    assert all(len(phrase_core(h)) >= 3 for h in heads)
    assert "on the occasion of the" not in heads and "of the korean people" not in heads
    # the name with one edge word is one row, whose variants include the others
    name_rows = [r for r in kcna_by_month[:100] if phrase_core(r["phrase"]) == ("kim", "jong", "il")]
    assert len(name_rows) == 1
    variants = {v["phrase"] for v in name_rows[0]["variants"]}
    assert {"by kim jong il", "that kim jong il", "kim jong il is", "and kim jong il"} & \
        ({name_rows[0]["phrase"]} | variants) == {
            "by kim jong il", "that kim jong il", "kim jong il is", "and kim jong il"}
    assert "leader kim jong il's" in variants | {name_rows[0]["phrase"]}
    # known formulas are in the top 20, once each with their document counts
    got = {r["phrase"]: r["docs"] for r in top}
    assert got["on the demise of leader kim jong il"] == 158
    assert got["kim jong un vice-chairman of the central military commission of the workers "
               "party of korea"] == 155
    assert got["between the north and the south"] == 194


@pytest.mark.slow
def test_kcna_long_titles_and_condolences(kcna_by_month, runner):
    """Titles past 20 words head families; the condolence formula is a row of its own."""
    rows = {r["phrase"]: r for r in kcna_by_month}
    title = rows["kim jong il general secretary of the workers party of korea and chairman of "
                 "the national defence commission of the dprk"]
    assert (title["n"], title["docs"]) == (21, 56)
    assert any(v["phrase"].startswith("supreme commander of the korean people's army kim jong il")
               for v in title["variants"])
    assert rows["condolences over the demise of leader kim jong il"]["docs"] == 50
    # --min-n 8: long formulas in the top 20, two of them past 20 words
    top = invoke_json(runner, ["phrases", str(KCNA_2011), "--min-n", "8"])
    assert len(top) == 20 and min(r["n"] for r in top) >= 8
    assert sum(r["n"] > 20 for r in top) >= 2
    # --sort length: the longest run to the 32-word cap
    longest = invoke_json(runner, ["phrases", str(KCNA_2011), "--sort", "length", "--top", "5"])
    assert [r["n"] for r in longest] == [32] * 5


@pytest.mark.slow
def test_kcna_mourning_formulas_appear_in_december_only(kcna_by_month):
    """--by month: the formulas of mourning occur in 2011-12 only, from the 19th."""
    rows = {r["phrase"]: r for r in kcna_by_month}
    for phrase in MOURNING:
        r = rows[phrase]
        assert list(r["groups"]) == ["2011-12"], phrase
        assert r["groups"]["2011-12"] == {"docs": r["docs"], "count": r["count"]}
        assert r["first_date"] >= "2011-12-19"
    # a formula of the whole year spreads over all twelve months
    assert len(rows["between the north and the south"]["groups"]) == 12
