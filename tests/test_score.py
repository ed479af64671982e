"""textkit score: hand-checked LIWC-style counts, weights, groups, wide rows, explain, jobs, KCNA."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from textkit.corpus import Corpus
from textkit.lexicon import Lexicon, load_lexicon
from textkit.score import score, score_columns
from textkit.tokenize import AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl

LEX = Path(__file__).resolve().parent / "data" / "lexicons"

# 19 word tokens in 3 sentences:
#   the puppet regime mourned (4) | imperialists puppets and the imperialist regime's lies (7)
#   | we mourn the leader's death in deep sorrow (8)
TEXT = (
    "The puppet regime mourned. Imperialists' puppets and the imperialist regime's lies! "
    "We mourn the Leader's death in deep sorrow."
)

# Hand-checked with tests/data/lexicons/small.* (N = 19 word tokens):
#   hostility: "puppet regime" (2 words; "puppet*" and "regime" inside it not counted again),
#              imperialists + imperialist (imperialis*, 2), puppets (puppet*, 1),
#              regime's (regime + possessive, 1)          -> 6 words, 100·6/19 = 31.578947…
#   grief:     mourned + mourn (mourn*, 2), death (1), "deep sorrow" (2 words; "sorrow"
#              inside it not counted again)                -> 5 words, 100·5/19 = 26.315789…
#   emotion:   mourned + mourn (2), sorrow (1: counted here although grief's "deep sorrow"
#              covers it, each category is resolved on its own) -> 3, 100·3/19 = 15.789473…
#   leader:    leader's (possessive, 1)                    -> 1, 100·1/19 = 5.263157…
EXPECTED = {
    "hostility": (6, 600 / 19),
    "grief": (5, 500 / 19),
    "emotion": (3, 300 / 19),
    "leader": (1, 100 / 19),
}


def _text_file(tmp_path: Path) -> Path:
    f = tmp_path / "small.txt"
    f.write_text(TEXT, encoding="utf-8")
    return f


def _by_category(rows: list[dict]) -> dict[str, tuple[int, float]]:
    return {r["category"]: (r["matches"], r["percent"]) for r in rows}


@pytest.mark.parametrize("name", ["small.yaml", "small.dic", "small.csv", "small.json"])
def test_hand_checked_counts_in_every_format(runner, tmp_path, name):
    """YAML, LIWC .dic, CSV and JSON forms of one lexicon give the hand-checked matches and percent."""
    rows = invoke_json(runner, ["score", "--lexicon", str(LEX / name), str(_text_file(tmp_path))])
    assert [r["category"] for r in rows] == ["hostility", "grief", "emotion", "leader"]
    assert {r["id"] for r in rows} == {"small"}
    got = _by_category(rows)
    assert set(got) == set(EXPECTED)
    for cat, (matches, percent) in EXPECTED.items():
        assert got[cat][0] == matches, cat
        assert got[cat][1] == pytest.approx(percent, rel=1e-12), cat
    assert list(rows[0]) == ["id", "category", "matches", "percent"]


def test_explain_lists_the_entries_that_matched(runner, tmp_path):
    """--explain gives each category's entries by (-count, term): imperialis* twice, then the rest."""
    rows = invoke_json(runner, ["score", "-l", str(LEX / "small.yaml"), str(_text_file(tmp_path)), "--explain"])
    ex = {r["category"]: [(e["term"], e["count"]) for e in r["explain"]] for r in rows}
    assert ex["hostility"] == [("imperialis*", 2), ("puppet regime", 1), ("puppet*", 1), ("regime", 1)]
    assert ex["grief"] == [("mourn*", 2), ("death", 1), ("deep sorrow", 1)]
    assert ex["emotion"] == [("mourn*", 2), ("sorrow", 1)]


@pytest.mark.parametrize("name", ["weighted.yaml", "weighted.csv"])
def test_weighted_scores(runner, tmp_path, name):
    """--weights: each counted word carries its entry's weight, per 100 tokens.

    hostility: puppet regime 2 words × -3 + imperialis* 2 × -2 + puppet* 1 × -1.5 + regime 1 × -1
    = -12.5 → 100·-12.5/19 = -65.789…; grief: mourn* 2 × 1 + death 0.5 + deep sorrow 2 words × 2
    = 6.5 → 100·6.5/19 = 34.210….
    """
    rows = invoke_json(runner, ["score", "-l", str(LEX / name), str(_text_file(tmp_path)), "--weights"])
    got = {r["category"]: r for r in rows}
    assert got["hostility"]["matches"] == 6 and got["grief"]["matches"] == 5
    assert got["hostility"]["score"] == pytest.approx(-1250 / 19, rel=1e-12)
    assert got["grief"]["score"] == pytest.approx(650 / 19, rel=1e-12)
    assert list(rows[0]) == ["id", "category", "matches", "percent", "score"]


def test_unweighted_score_equals_percent(tmp_path):
    """With every weight 1, score equals percent."""
    rows = list(score(Corpus([str(_text_file(tmp_path))]), str(LEX / "small.dic"), weights=True))
    assert all(r["score"] == pytest.approx(r["percent"]) for r in rows)


def test_longest_entry_wins_and_overlaps_resolve_left_to_right():
    """'great leader kim' counts once for 'great leader' (left first) and not for 'leader' inside it.

    Tokens: great leader kim jong il leader (6). Category a: great leader (2 words) counted at 0;
    'leader kim jong il' starts inside it and is skipped; the last 'leader' counts 1 → 3 words,
    100·3/6 = 50. Category b (kim jong il only): 3 words → 50.
    """
    lex = Lexicon("t", {"a": {"great leader": 1.0, "leader kim jong il": 1.0, "leader": 1.0},
                        "b": {"kim jong il": 1.0}})
    corpus = Corpus(["-"], stdin=io.BytesIO(b"Great leader Kim Jong Il, leader."))
    rows = list(score(corpus, lex, explain=5))
    a, b = rows
    assert (a["matches"], a["percent"]) == (3, 50.0)
    assert [(e["term"], e["count"]) for e in a["explain"]] == [("great leader", 1), ("leader", 1)]
    assert (b["matches"], b["percent"]) == (3, 50.0)


def test_entries_follow_the_tokenizer_options():
    """--stem porter reduces entries as it reduces the text: 'mourning' then matches 'mourned'."""
    lex = Lexicon("t", {"grief": {"mourning": 1.0}})
    text = b"They mourned. Mourning continues."
    plain = list(score(Corpus(["-"], stdin=io.BytesIO(text)), lex))
    stemmed = list(score(Corpus(["-"], stdin=io.BytesIO(text)), lex, AnalyzerOptions(stem="porter")))
    assert plain[0]["matches"] == 1
    assert stemmed[0]["matches"] == 2 and stemmed[0]["percent"] == 50.0


def test_compound_entries(runner):
    """With --compound 'puppet regime' text and entry both read it as one token: 1 of 3 tokens."""
    rows = invoke_json(runner, ["score", "-l", str(LEX / "small.yaml"), "-", "--compound", "puppet regime"],
                       input="The puppet regime fell.")
    got = _by_category(rows)
    # tokens: the | puppet regime | fell = 3; hostility counts 1 token → 100/3
    assert got["hostility"] == (1, pytest.approx(100 / 3))


def test_by_group_adds_documents(runner, tmp_path):
    """--by month adds matches and tokens of a month's documents before dividing.

    Jan: 'mourn mourn x' + 'y z' → grief 2 of 5 tokens = 40%; Feb: 'mourn' → 1 of 1 = 100%.
    An undated document is left out.
    """
    f = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "date": "2011-01-03", "text": "Mourn mourn x."},
        {"id": "b", "date": "2011-01-20", "text": "Y z."},
        {"id": "c", "date": "2011-02-01", "text": "Mourn."},
        {"id": "d", "text": "Mourn."},
    ])
    rows = invoke_json(runner, ["score", "-l", str(LEX / "small.yaml"), str(f), "--by", "month", "--explain"])
    grief = [r for r in rows if r["category"] == "grief"]
    assert [(r["group"], r["matches"], r["percent"]) for r in grief] == [
        ("2011-01", 2, 40.0), ("2011-02", 1, 100.0)]
    assert grief[0]["explain"] == [{"term": "mourn*", "count": 2}]
    assert list(rows[0]) == ["group", "category", "matches", "percent", "explain"]


def test_wide_rows_and_snake_case_columns(runner, tmp_path):
    """--wide gives one row per document, a percent column per category in snake_case."""
    lex = tmp_path / "w.yaml"
    lex.write_text("Grief & Mourning: [mourn*]\npuppetRegime: [puppet regime]\n", encoding="utf-8")
    f = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "date": "2011-01-03", "title": "T", "text": "Mourn the puppet regime."},
    ])
    (row,) = invoke_json(runner, ["score", "-l", str(lex), str(f), "--wide", "--weights"])
    assert row == {"id": "a", "title": "T", "date": "2011-01-03", "tokens": 4,
                   "grief_mourning": 25.0, "grief_mourning_score": 25.0,
                   "puppet_regime": 50.0, "puppet_regime_score": 50.0}
    out = invoke(runner, ["score", "-l", str(lex), str(f), "--wide", "-f", "csv", "--since", "2030-01-01"]).stdout
    assert out == "id,title,date,tokens,grief_mourning,puppet_regime\n"
    (row,) = invoke_json(runner, ["score", "-l", str(lex), str(f), "--wide", "--by", "year"])
    assert row == {"group": "2011", "tokens": 4, "grief_mourning": 25.0, "puppet_regime": 50.0}


def test_wide_column_clash_and_explain_are_usage_errors(runner, tmp_path):
    """Two categories with one snake_case name, or --wide with --explain, exit 2 with one line."""
    lex = tmp_path / "w.yaml"
    lex.write_text("Grief Mourning: [a]\ngrief-mourning: [b]\n", encoding="utf-8")
    result = invoke(runner, ["score", "-l", str(lex), "-", "--wide"], input="a b")
    assert result.exit_code == 2 and "'grief_mourning'" in result.stderr
    result = invoke(runner, ["score", "-l", str(LEX / "small.yaml"), "-", "--wide", "--explain"], input="a b")
    assert result.exit_code == 2 and "--explain" in result.stderr


def test_empty_document_has_zero_percent(tmp_path):
    """A document without word tokens gives 0 matches and 0 percent, not an error."""
    corpus = Corpus(["-"], stdin=io.BytesIO(b"{\"id\": \"e\", \"text\": \"...\"}\n"))
    rows = list(score(corpus, str(LEX / "small.yaml"), weights=True))
    assert [(r["matches"], r["percent"], r["score"]) for r in rows] == [(0, 0.0, 0.0)] * 4


def test_unknown_lexicon_and_unmatchable_entries(runner, tmp_path):
    """An unknown name lists the built-ins (exit 2); an entry with no word is noted, not fatal."""
    result = invoke(runner, ["score", "-l", "nosuch", "-"], input="a")
    assert result.exit_code == 2
    assert "state-media" in result.stderr and "vader" in result.stderr
    lex = tmp_path / "s.yaml"
    lex.write_text('smile: [":)", happy]\n', encoding="utf-8")
    result = invoke(runner, ["score", "-l", str(lex), "-", "-f", "json"], input="I am happy :)")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["matches"] == 1
    assert "1 entry has no word to match" in result.stderr and "':)'" in result.stderr


def test_broken_lexicon_is_one_line(runner, tmp_path):
    """A broken lexicon file: one line naming the file and line, exit 1, no traceback."""
    lex = tmp_path / "bad.dic"
    lex.write_text("%\n1\tgrief\n%\nmourning\t1\nregime\t7\n", encoding="utf-8")
    result = invoke(runner, ["score", "-l", str(lex), "-"], input="a")
    assert result.exit_code == 1
    assert result.stderr == f"textkit: error: {lex} line 5: unknown category id 7\n"


def _many_docs(tmp_path: Path) -> Path:
    words = ["mourn", "puppet", "regime", "sorrow", "deep", "leader", "imperialists", "the", "x"]
    records = []
    for i in range(700):
        text = " ".join(words[(i * k + k) % len(words)] for k in range(1, 12)) + ". Deep sorrow."
        records.append({"id": f"d{i}", "date": f"2011-{1 + i % 12:02d}-01", "text": text})
    return write_jsonl(tmp_path / "many.jsonl", records)


@pytest.mark.parametrize("extra", [[], ["--by", "month", "--weights", "--explain"], ["--wide", "--weights"]])
def test_jobs_do_not_change_output(runner, tmp_path, extra):
    """-j 1 and -j 2 print identical bytes over 700 documents (3 batches)."""
    f = _many_docs(tmp_path)
    args = ["score", "-l", str(LEX / "weighted.yaml"), str(f), "-f", "jsonl", *extra]
    one = invoke(runner, [*args, "-j", "1"]).stdout
    two = invoke(runner, [*args, "-j", "2"]).stdout
    assert one == two and len(one.splitlines()) > 10


def test_every_format_gives_the_same_rows(runner, tmp_path):
    """json, jsonl, csv and tsv carry the same rows; the table shows them."""
    f = _text_file(tmp_path)
    args = ["score", "-l", str(LEX / "weighted.yaml"), str(f), "--weights"]
    as_json = invoke_json(runner, args)
    jsonl = [json.loads(x) for x in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == as_json
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", fmt]).stdout), delimiter=delim))
        assert rows == [{k: (repr(v) if isinstance(v, float) else str(v)) for k, v in r.items()} for r in as_json]
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert "hostility" in table and "-65.789" in table


def test_columns_helper():
    """score_columns names the columns of each shape of output."""
    lex = str(LEX / "small.yaml")
    assert score_columns(lex) == ["id", "category", "matches", "percent"]
    assert score_columns(lex, by="month", weights=True, explain=5) == [
        "group", "category", "matches", "percent", "score", "explain"]
    assert score_columns(lex, wide=True)[4:] == ["hostility", "grief", "emotion", "leader"]


def test_vader_lexicon_scores(runner):
    """vader: 'good' (+1.9) and 'bad' (-2.5) in 3 tokens: 100/3 % each, scores 190/3 and -250/3."""
    rows = invoke_json(runner, ["score", "-l", "vader", "-", "--weights"], input="Good and bad.")
    got = {r["category"]: r for r in rows}
    assert got["positive"]["matches"] == 1 and got["positive"]["percent"] == 100 / 3
    assert got["positive"]["score"] == pytest.approx(190 / 3)
    assert got["negative"]["score"] == pytest.approx(-250 / 3)


def test_load_lexicon_formats_agree():
    """The four small lexicon files load to the same categories and entries."""
    lexes = [load_lexicon(LEX / n) for n in ("small.yaml", "small.dic", "small.csv", "small.json")]
    assert all(lx.categories == lexes[0].categories for lx in lexes)
    assert not any(lx.weighted for lx in lexes)


@pytest.mark.slow
def test_kcna_grief_rises_in_december_2011(runner, kcna_2011):
    """state-media by month: grief_mourning in 2011-12 is many times its January–November mean,
    and --explain names the entries behind it (Kim Jong Il died on 17 December 2011)."""
    rows = invoke_json(runner, ["score", "--lexicon", "state-media", str(kcna_2011), "--by", "month", "--explain"])
    grief = {r["group"]: r for r in rows if r["category"] == "grief_mourning"}
    assert sorted(grief) == [f"2011-{m:02d}" for m in range(1, 13)]
    before = [grief[f"2011-{m:02d}"]["percent"] for m in range(1, 12)]
    mean = sum(before) / len(before)
    december = grief["2011-12"]["percent"]
    assert december > 10 * mean
    assert december > 5 * max(before)
    top = [e["term"] for e in grief["2011-12"]["explain"]]
    assert any(t in top for t in ("demise", "condolence*", "condolences", "mourn*", "sorrow", "grief"))
    assert all(e["count"] > 50 for e in grief["2011-12"]["explain"])
