"""Tests for textkit.kwic and ``textkit kwic``: matches, contexts as written, sorting, sampling."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from textkit.corpus import Corpus
from textkit.errors import UsageError
from textkit.kwic import KWIC_COLUMNS, kwic, kwic_counts
from textkit.tokenize import AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl

TEXT = (
    "The U.S. imperialists, they said,\n\nare \u201cwarmongers\u201d. "
    "Kim Jong Il\u2019s visit was reported. Tell us about the US and the imperialism."
)


def corpus_of(tmp_path: Path, *texts: str) -> Corpus:
    """A JSONL corpus with one document per text (ids d0, d1 …, dated 2011-12-0N)."""
    records = [{"id": f"d{i}", "title": f"T{i}", "date": f"2011-12-0{i + 1}", "text": t} for i, t in enumerate(texts)]
    return Corpus([str(write_jsonl(tmp_path / "c.jsonl", records))])


def test_context_as_written(tmp_path):
    """'imperialists' with window 2: left 'The U.S.' (from token 0), right ', they said,' (to token 4 and its comma)."""
    (row,) = kwic(corpus_of(tmp_path, TEXT), "imperialists", window=2)
    assert row == {
        "id": "d0", "title": "T0", "date": "2011-12-01", "position": 2,
        "left": "The U.S.", "match": "imperialists", "right": ", they said,",
    }


def test_context_keeps_quotes_and_squashes_paragraph_breaks(tmp_path):
    """'warmongers' (token 6), window 2: the paragraph break becomes one space; the curly quotes stay."""
    (row,) = kwic(corpus_of(tmp_path, TEXT), "warmongers", window=2)
    assert (row["position"], row["left"], row["match"], row["right"]) == (
        6, "said, are \u201c", "warmongers", "\u201d. Kim Jong",
    )


def test_possessive_and_phrase(tmp_path):
    """'kim jong il' matches "Kim Jong Il’s" (tokens 7-9) and shows it as written."""
    (row,) = kwic(corpus_of(tmp_path, TEXT), "kim jong il", window=1)
    assert (row["position"], row["left"], row["match"], row["right"]) == (
        7, "\u201cwarmongers\u201d.", "Kim Jong Il\u2019s", "visit",
    )


def test_case_sensitive(tmp_path):
    """'us' matches 'us' and 'US' (positions 14, 17); --case-sensitive 'US' only the second."""
    corpus = corpus_of(tmp_path, TEXT)
    assert [r["position"] for r in kwic(corpus, "us")] == [14, 17]
    assert [r["position"] for r in kwic(corpus, "US", case_sensitive=True)] == [17]
    assert [r["position"] for r in kwic(corpus, "us", case_sensitive=True)] == [14]
    # the stream kept in its case still matches without regard to case by default
    assert [r["position"] for r in kwic(corpus, "us", AnalyzerOptions(lowercase=False))] == [14, 17]


def test_regex_and_prefix(tmp_path):
    """--regex 'imperialis\\w*' and the pattern 'imperialis*' find imperialists (2) and imperialism (20)."""
    corpus = corpus_of(tmp_path, TEXT)
    assert [r["match"] for r in kwic(corpus, r"imperialis\w*", regex=True)] == ["imperialists", "imperialism"]
    assert [r["position"] for r in kwic(corpus, "imperialis*")] == [2, 20]
    assert [r["match"] for r in kwic(corpus, r"[A-Z]{2}", regex=True, case_sensitive=True)] == ["US"]
    assert [r["match"] for r in kwic(corpus, r"u\.s", regex=True)] == ["U.S"]


def test_sort_left_and_right(tmp_path):
    """--sort left orders by 1L then 2L (apple < pear; then a < the), --sort right by 1R."""
    corpus = corpus_of(tmp_path, "the pear X zulu. a apple X yak. the apple X xray.")
    left = [(r["left"], r["right"]) for r in kwic(corpus, "x", window=2, sort="left")]
    assert left == [("a apple", "yak. the"), ("the apple", "xray."), ("the pear", "zulu. a")]
    right = [r["right"] for r in kwic(corpus, "x", window=1, sort="right")]
    assert right == ["xray.", "yak.", "zulu."]
    assert [r["position"] for r in kwic(corpus, "x", sort="position")] == [2, 6, 10]


def test_sample_is_reproducible(tmp_path):
    """--sample 3 --seed 7 gives the same 3 of 10 matches each time, in corpus order; another seed another draw."""
    corpus = corpus_of(tmp_path, " ".join(f"word{i} key" for i in range(10)))
    one = list(kwic(corpus, "key", sample=3, seed=7))
    assert one == list(kwic(corpus, "key", sample=3, seed=7))
    assert len(one) == 3
    positions = [r["position"] for r in one]
    assert positions == sorted(positions)
    assert set(positions) <= set(range(1, 20, 2))
    draws = {tuple(r["position"] for r in kwic(corpus, "key", sample=3, seed=s)) for s in range(10)}
    assert len(draws) > 1
    assert len(list(kwic(corpus, "key", sample=50))) == 10


def test_counts_and_top(tmp_path):
    """--count gives one row per document with a match; --top limits the rows."""
    corpus = corpus_of(tmp_path, "US and us.", "nothing here", "us")
    assert list(kwic_counts(corpus, "us")) == [
        {"id": "d0", "title": "T0", "date": "2011-12-01", "matches": 2},
        {"id": "d2", "title": "T2", "date": "2011-12-03", "matches": 1},
    ]
    assert len(list(kwic(corpus, "us", top=2))) == 2


def test_context_stays_in_its_document(tmp_path):
    """The window runs across sentences but not across documents."""
    corpus = corpus_of(tmp_path, "One two. Three key", "four five")
    (row,) = kwic(corpus, "key", window=5)
    assert (row["left"], row["right"]) == ("One two. Three", "")


def test_bad_queries():
    """A pattern without a word, a broken regex and an unknown sort are usage errors, raised at the call."""
    with pytest.raises(UsageError, match="no word"):
        kwic(Corpus([]), "...")
    with pytest.raises(UsageError, match="regular expression"):
        kwic(Corpus([]), "(", regex=True)
    with pytest.raises(UsageError, match="sort"):
        kwic(Corpus([]), "kim", sort="middle")


# --------------------------------------------------------------------------- the command


def test_cli_no_match_is_empty(runner):
    """A word that never occurs gives [] (csv: the header) and exit code 0."""
    assert invoke_json(runner, ["kwic", "zzyzx"]) == []
    result = invoke(runner, ["kwic", "zzyzx", "-f", "csv"])
    assert result.exit_code == 0 and result.stdout == ",".join(KWIC_COLUMNS) + "\n"
    assert invoke_json(runner, ["kwic", "zzyzx", "--count"]) == []


def test_cli_formats_give_the_same_rows(runner):
    """json, jsonl, csv and tsv carry the same rows."""
    args = ["kwic", "kim jong il", "--top", "12"]
    rows = invoke_json(runner, args)
    assert len(rows) == 12 and list(rows[0]) == KWIC_COLUMNS
    assert rows[0]["left"] == "General Secretary" and rows[0]["match"] == "Kim Jong Il"
    jsonl = [json.loads(x) for x in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == rows
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        parsed = list(csv.DictReader(io.StringIO(invoke(runner, [*args, "-f", fmt]).stdout), delimiter=delim))
        assert parsed == [{k: str(v) for k, v in r.items()} for r in rows]


def test_cli_table_lines_up_matches(runner):
    """At 100 columns every table line has its match at the same column, the left context right-aligned against it."""
    result = invoke(runner, ["kwic", "kim jong il", "--top", "8", "-f", "table"], env={"COLUMNS": "100"})
    lines = [ln for ln in result.stdout.splitlines() if "Kim Jong Il" in ln]
    assert len(lines) == 8
    starts = {ln.index("Kim Jong Il") for ln in lines}
    assert len(starts) == 1
    col = starts.pop()
    assert all(ln[col - 4 : col - 3] != " " for ln in lines)  # left text runs up to the match
    assert all(len(ln) <= 100 for ln in result.stdout.splitlines())


@pytest.mark.parametrize("extra", [[], ["--sort", "left"], ["--count"], ["--sample", "40", "--seed", "3", "--sort", "right"]])
def test_cli_jobs_1_and_2_identical(runner, extra):
    """The bundled corpus (629 documents, 3 batches) gives the same bytes with --jobs 1 and --jobs 2."""
    one = invoke(runner, ["kwic", "kim*", *extra, "-j", "1", "-f", "json"])
    two = invoke(runner, ["kwic", "kim*", *extra, "-j", "2", "-f", "json"])
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(json.loads(one.stdout)) >= 40


# --------------------------------------------------------------------------- the shared corpus


@pytest.mark.slow
def test_kim_jong_il_kcna_2011_matches_a_regex_count(runner, kcna_2011):
    """kwic 'kim jong il' finds 7,156 occurrences (808 + 1 possessive), exactly the documents' count of the regex \\bKim\\s+Jong\\s+Il('s)?\\b.

    A looser regex without word boundaries finds one more: "General SecretaryKim Jong Il's"
    in kcna-2011-04981, where a missing space makes "SecretaryKim" one word.
    """
    rows = invoke_json(runner, ["kwic", "kim jong il", str(kcna_2011), "--window", "3"])
    assert len(rows) == 7156
    strict = re.compile(r"\bkim\s+jong\s+il(?:['\u2019]s)?\b", re.IGNORECASE)
    loose = re.compile(r"kim\W+jong\W+il", re.IGNORECASE)
    per_doc: dict[str, int] = {}
    n_loose = 0
    with open(kcna_2011, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            per_doc[doc["id"]] = len(strict.findall(doc["text"]))
            n_loose += len(loose.findall(doc["text"]))
    assert sum(per_doc.values()) == 7156 and n_loose == 7157
    found: dict[str, int] = {}
    for r in rows:
        found[r["id"]] = found.get(r["id"], 0) + 1
    assert found == {k: v for k, v in per_doc.items() if v}
    possessive = sum(1 for r in rows if r["match"].lower().endswith(("'s", "\u2019s")))
    assert possessive == 809
    counts = invoke_json(runner, ["kwic", "kim jong il", str(kcna_2011), "--count"])
    assert sum(r["matches"] for r in counts) == 7156 and len(counts) == len(found)
