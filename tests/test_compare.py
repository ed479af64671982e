"""textkit compare: keyness of corpus A against B (G2, log ratio, %DIFF, BIC)."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from textkit.corpus import Corpus
from textkit.errors import EmptyResultError, UsageError
from textkit.keyness import COMPARE_COLUMNS, SUMMARY_COLUMNS, Target, compare, keyness_table
from textkit.measures.keyness import g2_dunning
from textkit.tokenize import AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl


def _fruit(tmp_path):
    """A = 'apple apple banana. apple cherry.' (5 tokens), B = 'banana banana date' (3 tokens)."""
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("apple apple banana. apple cherry.", encoding="utf-8")
    b.write_text("banana banana date", encoding="utf-8")
    return a, b


def _social_files(tmp_path):
    """'social' 208 times in 121,442 words and 7 times in 128,644 (filler words, 10-word sentences)."""
    paths = []
    for name, social, size in (("academic", 208, 121_442), ("fiction", 7, 128_644)):
        words = ["social"] * social + ["filler"] * (size - social)
        text = "\n\n".join(" ".join(words[i : i + 10]) + "." for i in range(0, size, 10))
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_social_worked_example():
    """208 of 121,442 against 7 of 128,644: G2 = 248.0959, log ratio = 4.9762015 (CMU keyness
    lab), %DIFF = (208/121442 - 7/128644) / (7/128644) · 100 = 3047.646, BIC = G2 - ln(250086)
    = 235.666; per million 1712.752 and 54.414; p = erfc(sqrt(G2/2)) = 6.75e-56."""
    (row,) = keyness_table(["social"], [208], [7], 121_442, 128_644, min_count=0)
    assert row["g2"] == pytest.approx(248.0959, abs=1e-4)
    assert row["log_ratio"] == pytest.approx(4.9762015, abs=1e-7)
    assert row["pct_diff"] == pytest.approx(3047.646, abs=1e-3)
    assert row["bic"] == pytest.approx(248.0959 - math.log(250_086), abs=1e-4)
    assert row["per_million_a"] == pytest.approx(1712.752, abs=1e-3)
    assert row["per_million_b"] == pytest.approx(54.414, abs=1e-3)
    assert row["p_value"] == pytest.approx(6.7538e-56, rel=1e-4)
    assert row["keyness_for"] == "a"
    assert list(row) == COMPARE_COLUMNS
    # quanteda and NLTK print Dunning's four-cell G2, slightly larger:
    assert g2_dunning(208, 7, 121_442, 128_644) == pytest.approx(248.2679, abs=1e-4)


def test_pct_diff_literature_example():
    """Gabrielatos & Marchi (2011): a = 206523 of 959641, b = 178174 of 1562358 gives %DIFF 88.7."""
    (row,) = keyness_table(["x"], [206_523], [178_174], 959_641, 1_562_358)
    assert round(row["pct_diff"], 1) == 88.7


@pytest.mark.slow
def test_social_end_to_end(runner, tmp_path):
    """Two files that realise the 'social' counts give G2 248.0959 and log ratio 4.9762 through the CLI."""
    academic, fiction = _social_files(tmp_path)
    rows = invoke_json(runner, ["compare", str(academic), str(fiction), "-j", "1"])
    social = next(r for r in rows if r["term"] == "social")
    assert (social["count_a"], social["count_b"]) == (208, 7)
    assert social["g2"] == pytest.approx(248.0959, abs=1e-4)
    assert social["log_ratio"] == pytest.approx(4.9762015, abs=1e-7)
    assert rows[0]["term"] == "social"  # the largest G2


def test_fruit_by_hand(runner, tmp_path):
    """c = 5, d = 3. apple: a = 3, b = 0, E1 = 5·3/8 = 1.875, G2 = 2·3·ln(3/1.875) = 2.820;
    banana: a = 1, b = 2, E1 = 1.875, E2 = 1.125, G2 = 2(ln(1/1.875) + 2 ln(2/1.125)) = 1.044,
    log ratio = log2((1/5)/(2/3)) = -1.737, for B; cherry (1, 0): 2 ln(1/0.625) = 0.940;
    date (0, 1): 2 ln(1/0.375) = 1.962. %DIFF of apple is null (b = 0)."""
    a, b = _fruit(tmp_path)
    rows = invoke_json(runner, ["compare", str(a), str(b), "--min-count", "0"])
    assert [r["term"] for r in rows] == ["apple", "date", "banana", "cherry"]
    apple, banana = rows[0], rows[2]
    assert [round(r["g2"], 3) for r in rows] == [2.820, 1.962, 1.044, 0.940]
    assert apple["g2"] == pytest.approx(2 * 3 * math.log(3 / 1.875))
    assert apple["pct_diff"] is None and apple["keyness_for"] == "a"
    assert apple["log_ratio"] == pytest.approx(math.log2((3 / 5) / (0.5 / 3)))
    assert apple["per_million_a"] == pytest.approx(600_000.0)
    assert banana["g2"] == pytest.approx(2 * (math.log(1 / 1.875) + 2 * math.log(2 / 1.125)))
    assert banana["log_ratio"] == pytest.approx(math.log2((1 / 5) / (2 / 3)))
    assert banana["pct_diff"] == pytest.approx(-70.0)
    assert banana["keyness_for"] == "b"


def test_summary_rows(runner, tmp_path):
    """A has 5 tokens and 3 types, B 3 tokens and 2 types, 1 shared (banana); cosine of
    (apple 3, banana 1, cherry 1) and (banana 2, date 1) = 2 / (sqrt(11) · sqrt(5)) = 0.26968."""
    a, b = _fruit(tmp_path)
    rows = invoke_json(runner, ["compare", str(a), str(b), "--summary", "--label-a", "A", "--label-b", "B"])
    assert [list(r) for r in rows] == [SUMMARY_COLUMNS, SUMMARY_COLUMNS]
    assert [(r["side"], r["label"], r["documents"], r["tokens"], r["types"]) for r in rows] == [
        ("a", "A", 1, 5, 3),
        ("b", "B", 1, 3, 2),
    ]
    assert rows[0]["shared_types"] == 1
    assert rows[0]["cosine"] == pytest.approx(2 / (math.sqrt(11) * math.sqrt(5)))


def test_default_labels_are_file_names(tmp_path):
    """Without --label-a/--label-b the summary names the files."""
    a, b = _fruit(tmp_path)
    result = compare(Corpus([str(a)]), Corpus([str(b)]), min_count=0)
    assert (result.label_a, result.label_b) == ("a.txt", "b.txt")


def test_table_mode_prints_summary_to_stderr(runner, tmp_path):
    """In table mode the rows go to stdout and the summary table to stderr."""
    a, b = _fruit(tmp_path)
    result = invoke(runner, ["compare", str(a), str(b), "--min-count", "0", "-f", "table"])
    assert result.exit_code == 0
    assert "apple" in result.stdout and "shared_types" not in result.stdout
    assert "shared_types" in result.stderr and "a.txt" in result.stderr


def test_sort_side_and_filters(tmp_path):
    """--side b keeps banana and date; --sort log_ratio orders by |log ratio|; --max-p keeps p < P."""
    a, b = _fruit(tmp_path)
    ca, cb = Corpus([str(a)]), Corpus([str(b)])
    rows = compare(ca, cb, side="b", min_count=0).rows
    assert [r["term"] for r in rows] == ["date", "banana"]
    rows = compare(ca, cb, sort="log_ratio", min_count=0).rows
    values = [abs(r["log_ratio"]) for r in rows]
    assert values == sorted(values, reverse=True)
    rows = compare(ca, cb, min_count=0, max_p=0.1).rows  # only apple: G2 2.82, p = 0.093
    assert [r["term"] for r in rows] == ["apple"]
    assert compare(ca, cb, min_count=3).rows[0]["term"] == "apple"  # apple 3, banana 3
    assert {r["term"] for r in compare(ca, cb, min_count=3).rows} == {"apple", "banana"}


def test_corrections_multiply_by_the_number_of_tests(tmp_path):
    """Bonferroni: p · m (m = 4 terms tested), capped at 1; FDR (BH) lies between."""
    a, b = _fruit(tmp_path)
    ca, cb = Corpus([str(a)]), Corpus([str(b)])
    raw = {r["term"]: r["p_value"] for r in compare(ca, cb, min_count=0).rows}
    bonf = {r["term"]: r["p_value"] for r in compare(ca, cb, min_count=0, correct="bonferroni").rows}
    fdr = {r["term"]: r["p_value"] for r in compare(ca, cb, min_count=0, correct="fdr").rows}
    for term, p in raw.items():
        assert bonf[term] == pytest.approx(min(1.0, 4 * p))
        assert p <= fdr[term] <= bonf[term]


def test_ngram_bigrams(tmp_path):
    """--ngram 2 counts 'apple apple', 'apple banana', 'apple cherry' in A (not across the period)."""
    a, b = _fruit(tmp_path)
    rows = compare(Corpus([str(a)]), Corpus([str(b)]), ngram=2, min_count=0).rows
    counts = {r["term"]: (r["count_a"], r["count_b"]) for r in rows}
    assert counts == {
        "apple apple": (2 - 1, 0),
        "apple banana": (1, 0),
        "apple cherry": (1, 0),
        "banana banana": (0, 1),
        "banana date": (0, 1),
    }


def _months(tmp_path):
    records = [
        {"id": "j1", "date": "2011-11-02", "source": "KCNA", "text": "rice harvest rice. harvest."},
        {"id": "j2", "date": "2011-11-20", "source": "Rodong", "text": "rice harvest rice farmers."},
        {"id": "d1", "date": "2011-12-19", "source": "KCNA", "text": "demise demise grief rice."},
        {"id": "d2", "date": "2011-12-28", "source": "KCNA", "text": "demise grief grief."},
        {"id": "u", "text": "undated rice"},
    ]
    return write_jsonl(tmp_path / "m.jsonl", records)


def test_target_month_against_the_rest(runner, tmp_path):
    """--target month=2011-12: A = d1 + d2 (7 tokens: demise 3, grief 3, rice 1), B = the other
    three documents (4 + 4 + 2 = 10 tokens, rice 5); the undated one is in the rest."""
    path = _months(tmp_path)
    summary = invoke_json(runner, ["compare", str(path), "--target", "month=2011-12", "--summary"])
    assert [(r["label"], r["documents"], r["tokens"]) for r in summary] == [
        ("month=2011-12", 2, 7),
        ("rest", 3, 10),
    ]
    rows = invoke_json(runner, ["compare", str(path), "--target", "month=2011-12", "--min-count", "0"])
    counts = {r["term"]: (r["count_a"], r["count_b"]) for r in rows}
    assert counts["demise"] == (3, 0) and counts["grief"] == (3, 0) and counts["rice"] == (1, 5)
    assert {r["term"] for r in rows if r["keyness_for"] == "a"} == {"demise", "grief"}


def test_target_other_fields_and_dates(tmp_path):
    """--target source=Rodong selects j2 only; --target-until 2011-11-30 selects j1 and j2."""
    path = _months(tmp_path)
    corpus = Corpus([str(path)])
    result = compare(corpus, target=Target.parse(["source=Rodong"]), min_count=0)
    assert [r["documents"] for r in result.summary] == [1, 4]
    result = compare(Corpus([str(path)]), target=Target.parse([], until="2011-11-30"), min_count=0)
    assert [r["documents"] for r in result.summary] == [2, 3]
    assert result.label_a == "..2011-11-30"
    result = compare(Corpus([str(path)]), target=Target.parse(["year=2011"], since="2011-12-20"), min_count=0)
    assert [r["documents"] for r in result.summary] == [1, 4]


def test_empty_side_errors_say_which(runner, tmp_path):
    """No document in month 2012-01: 'side A is empty'; year=2011 with no undated rest: 'side B is empty'."""
    path = _months(tmp_path)
    result = invoke(runner, ["compare", str(path), "--target", "month=2012-01"])
    assert result.exit_code == 1
    assert "side A is empty" in result.stderr and "month=2012-01" in result.stderr
    assert result.stderr.count("\n") == 1
    dated = write_jsonl(tmp_path / "d.jsonl", [{"date": "2011-05-01", "text": "a b"}])
    result = invoke(runner, ["compare", str(dated), "--target", "year=2011"])
    assert result.exit_code == 1 and "side B is empty" in result.stderr


def test_empty_corpus_b(runner, tmp_path):
    """An empty file B, or a B with no selected document: exit 1, one line naming B."""
    a, _ = _fruit(tmp_path)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = invoke(runner, ["compare", str(a), str(empty)])
    assert result.exit_code == 1 and "empty" in result.stderr and result.stderr.count("\n") == 1
    path = _months(tmp_path)
    with pytest.raises(EmptyResultError, match="corpus B"):
        from textkit.corpus import ReadOptions

        compare(Corpus([str(a)]), Corpus([str(path)], ReadOptions(since="2020-01-01")))


def test_all_stop_words(runner, tmp_path):
    """Both sides of stop words only, with --stopwords english: exit 1, 'every token was a stop word'."""
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("the of and", encoding="utf-8")
    b.write_text("it is to be", encoding="utf-8")
    result = invoke(runner, ["compare", str(a), str(b), "--stopwords", "english"])
    assert result.exit_code == 1
    assert "every token was a stop word" in result.stderr and result.stderr.count("\n") == 1


def test_unknown_names_list_the_valid_ones(runner, tmp_path):
    """An unknown --sort or --correct: exit 2 and one line listing the registry's names."""
    a, b = _fruit(tmp_path)
    result = invoke(runner, ["compare", str(a), str(b), "--sort", "chi2"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "textkit: error: unknown --sort 'chi2'; choose one of: bic, g2, log_ratio, pct_diff"
    result = invoke(runner, ["compare", str(a), str(b), "--correct", "holm"])
    assert result.exit_code == 2 and "bonferroni, fdr" in result.stderr
    result = invoke(runner, ["compare", str(a), str(b), "--reference", "french"])
    assert result.exit_code == 2 and "english" in result.stderr
    with pytest.raises(UsageError):
        compare(Corpus([str(a)]), Corpus([str(b)]), target=Target.parse(["month=2011-12"]))


def test_argument_count(runner, tmp_path):
    """One path without --target, or '-' twice, is a usage error."""
    a, _ = _fruit(tmp_path)
    result = invoke(runner, ["compare", str(a)])
    assert result.exit_code == 2 and "two corpora" in result.stderr
    assert invoke(runner, ["compare", "-", "-"], input="x").exit_code == 2


def test_stdin_as_b(runner, tmp_path):
    """B may be standard input ('-'), labelled stdin."""
    a, _ = _fruit(tmp_path)
    rows = invoke_json(runner, ["compare", str(a), "-", "--summary"], input="banana banana date")
    assert rows[1]["label"] == "stdin" and rows[1]["tokens"] == 3


def test_reference_english(runner, tmp_path):
    """--reference english: count_b = wordfreq frequency · 10^8 ('the': 0.0537 → 5,370,000), sorted by
    |log ratio|; 'juche' (1.2e-07) is far more key than 'the'; 'anti-japanese', which wordfreq
    splits in two, and the number 2,011 are not tested and a note says so."""
    wordfreq = pytest.importorskip("wordfreq")
    path = tmp_path / "a.txt"
    words = ["the"] * 6 + ["juche"] * 5 + ["people's"] * 5 + ["anti-japanese"] * 5 + ["2,011"] * 5
    path.write_text(" ".join(words), encoding="utf-8")
    result = invoke(runner, ["compare", str(path), "--reference", "english", "-f", "json"])
    assert result.exit_code == 0
    assert "note: 2 terms without an entry of their own in english (wordfreq)" in result.stderr
    rows = json.loads(result.stdout)
    by_term = {r["term"]: r for r in rows}
    the = by_term["the"]
    f_the = wordfreq.word_frequency("the", "en")
    assert the["count_b"] == pytest.approx(f_the * 1e8)
    assert the["per_million_b"] == pytest.approx(f_the * 1e6)
    assert the["log_ratio"] == pytest.approx(math.log2((6 / 26) / f_the))
    assert "anti-japanese" not in by_term
    assert [r["term"] for r in rows][0] == "juche"
    values = [abs(r["log_ratio"]) for r in rows]
    assert values == sorted(values, reverse=True)
    assert by_term["people's"]["count_b"] > 0  # possessives are wordfreq entries too
    summary = invoke_json(runner, ["compare", str(path), "--reference", "english", "--summary"])
    assert summary[1]["tokens"] == 100_000_000 and summary[1]["documents"] is None
    assert summary[0]["shared_types"] == 3


def test_reference_refuses_stems(runner, tmp_path):
    """--reference with --stem is a usage error: wordfreq knows word forms, not stems."""
    path = tmp_path / "a.txt"
    path.write_text("celebrations", encoding="utf-8")
    result = invoke(runner, ["compare", str(path), "--reference", "english", "--stem", "porter"])
    assert result.exit_code == 2 and "--stem" in result.stderr


def test_formats_give_the_same_rows(runner):
    """json, jsonl and csv give the same rows for the bundled corpus split by day."""
    args = ["compare", "--target", "day=2011-12-19", "--top", "15"]
    as_json = invoke_json(runner, args)
    assert len(as_json) == 15
    jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == as_json
    rows = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", "csv"]).stdout)))
    assert list(rows[0]) == COMPARE_COLUMNS
    assert [r["term"] for r in rows] == [r["term"] for r in as_json]
    assert [float(r["g2"]) for r in rows] == [r["g2"] for r in as_json]


def test_jobs_1_and_2_give_identical_bytes(runner):
    """The bundled corpus (629 documents, 3 batches) split at 2011-12-17 gives the same bytes with -j 1 and -j 2."""
    args = ["compare", "--target-until", "2011-12-17", "--top", "0", "--ngram", "2", "-f", "json"]
    one = invoke(runner, [*args, "-j", "1"])
    two = invoke(runner, [*args, "-j", "2"])
    assert one.exit_code == 0 and one.stdout == two.stdout
    assert len(json.loads(one.stdout)) > 100


def test_core_needs_no_cli():
    """The core is usable as a library: compare() returns rows and a summary."""
    result = compare(Corpus([]), target=Target.parse(["day=2011-12-19"]), options=AnalyzerOptions(), top=5)
    assert len(result.rows) == 5 and len(result.summary) == 2
    assert result.rows[0]["g2"] >= result.rows[-1]["g2"]


@pytest.mark.slow
def test_kcna_december_is_about_the_death_and_succession(kcna_2011):
    """KCNA 2011, December against the rest: the demise of Kim Jong Il, the mourning and Kim Jong Un
    ('un') rank among the top 20 keywords for December."""
    result = compare(Corpus([str(kcna_2011)]), target=Target.parse(["month=2011-12"]), side="a", top=20, jobs=2)
    top = [r["term"] for r in result.rows]
    for term in ("demise", "condolences", "sorrow", "grief", "mourning", "un", "leader"):
        assert term in top
    assert all(r["keyness_for"] == "a" for r in result.rows)
    assert [r["documents"] for r in result.summary] == [1239, 9196]
