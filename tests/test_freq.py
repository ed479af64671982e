"""Tests for textkit.frequencies and `textkit freq`: counts, per million, dispersion, groups."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from textkit.corpus import Corpus, ReadOptions
from textkit.errors import EmptyResultError
from textkit.frequencies import FREQ_COLUMNS, dispersion, term_frequencies
from textkit.measures.dispersion import dp, dp_norm, juilland_d
from textkit.tokenize import Analyzer, AnalyzerOptions

from .conftest import invoke, invoke_json, write_jsonl

# Gries (2008) / Gries (2020, "Analyzing dispersion", table 1): a 50-word corpus in five
# parts of 9, 10, 10, 10 and 11 words.
GRIES_PARTS = [
    "b a m n i b e u p",
    "b a s a t b e w q n",
    "b c a g a b e s t a",
    "b a g h a b e a a t",
    "b a h a a b e a x a t",
]


def docs_corpus(tmp_path: Path, texts: list[str], dates: list[str | None] | None = None, name: str = "c.jsonl", **meta) -> Corpus:
    """A JSONL corpus with one document per text (ids d1, d2 …)."""
    records = []
    for i, text in enumerate(texts):
        rec: dict = {"id": f"d{i + 1}", "text": text}
        if dates is not None and dates[i] is not None:
            rec["date"] = dates[i]
        for key, values in meta.items():
            if values[i] is not None:
                rec[key] = values[i]
        records.append(rec)
    return Corpus([str(write_jsonl(tmp_path / name, records))])


def by_term(rows: list[dict]) -> dict[str, dict]:
    return {r["term"]: r for r in rows}


# ------------------------------------------------------------------------------------------
# published worked examples


def test_gries_worked_example_over_documents(tmp_path):
    """Gries' five parts as documents: "a" (1,2,3,4,5 of 15) has DP .18, DP_norm .18/.82, D .7852; "b" .02/.024/.968."""
    rows = by_term(term_frequencies(docs_corpus(tmp_path, GRIES_PARTS)))
    a = rows["a"]
    assert (a["count"], a["docs"]) == (15, 5)
    assert a["per_million"] == 300000.0  # 15 × 10^6 / 50
    assert a["dp"] == pytest.approx(0.18, abs=1e-12)
    assert a["dp_norm"] == pytest.approx(0.18 / 0.82, abs=1e-12)
    assert a["juilland_d"] == pytest.approx(0.7852, abs=5e-5)
    b = rows["b"]
    assert (b["count"], b["per_million"], b["docs"]) == (10, 200000.0, 5)
    assert round(b["dp"], 3) == 0.02 and round(b["dp_norm"], 3) == 0.024 and round(b["juilland_d"], 3) == 0.968


def test_gries_single_occurrences(tmp_path):
    """Gries (2020): "i", "q", "x" once in parts 1, 2, 5 give DP .82/.80/.78, DP_norm 1/.976/.951 and D 0."""
    rows = by_term(term_frequencies(docs_corpus(tmp_path, GRIES_PARTS)))
    for term, want_dp, want_norm in (("i", 0.82, 1.0), ("q", 0.80, 0.976), ("x", 0.78, 0.951)):
        r = rows[term]
        assert (r["count"], r["docs"]) == (1, 1)
        assert r["dp"] == pytest.approx(want_dp, abs=1e-12)
        assert round(r["dp_norm"], 3) == want_norm
        assert r["juilland_d"] == 0.0


def test_carroll_juilland_d_over_documents(tmp_path):
    """Carroll (1970): counts 0, 4, 3, 2, 1 in five equal parts give D = 1 − (√2/2)/2 = 0.6464."""
    counts = [0, 4, 3, 2, 1]
    texts = [" ".join(["x"] * c + ["y"] * (10 - c)) for c in counts]
    x = by_term(term_frequencies(docs_corpus(tmp_path, texts)))["x"]
    assert x["juilland_d"] == pytest.approx(0.6464, abs=5e-5)
    assert x["juilland_d"] == pytest.approx(1 - (2**0.5 / 2) / 2, abs=1e-12)
    # DP over equal parts: ½ Σ |v/10 − 1/5| = ½ (.2 + .2 + .1 + 0 + .1) = 0.3, DP_norm .3/.8
    assert (x["count"], x["docs"], x["dp"], x["dp_norm"]) == (10, 4, 0.3, 0.375)


def test_carroll_juilland_d_over_parts(tmp_path):
    """The same Carroll counts as --parts 5 of one 50-token document give D 0.6464 and docs 1."""
    counts = [0, 4, 3, 2, 1]
    text = " ".join(" ".join(["x"] * c + ["y"] * (10 - c)) for c in counts)
    x = by_term(term_frequencies(docs_corpus(tmp_path, [text]), parts=5))["x"]
    assert x["juilland_d"] == pytest.approx(0.6464, abs=5e-5)
    assert (x["count"], x["docs"], x["dp"], x["dp_norm"]) == (10, 1, 0.3, 0.375)


def test_gries_dp_three_equal_parts(tmp_path):
    """Gries (2008) / Lijffijt & Gries (2012): 2, 1, 0 in three equal parts give DP 1/3 and DP_norm 0.5."""
    texts = ["w w z z", "w z z z", "z z z z"]
    w = by_term(term_frequencies(docs_corpus(tmp_path, texts)))["w"]
    assert w["dp"] == pytest.approx(1 / 3, abs=1e-12)
    assert w["dp_norm"] == 0.5
    # D: relative frequencies .5, .25, 0: μ = .25, σ = √(1/24) → 1 − (σ/μ)/√2 = 0.4226
    assert w["juilland_d"] == pytest.approx(1 - ((1 / 24) ** 0.5 / 0.25) / 2**0.5, abs=1e-12)


# ------------------------------------------------------------------------------------------
# hand-checked cases


def test_even_term_has_dp_zero_and_d_one(tmp_path):
    """A term once in each of 7 equal documents: DP and DP_norm exactly 0, D exactly 1 (no float noise)."""
    texts = [f"even other{i} more{i}" for i in range(7)]
    even = by_term(term_frequencies(docs_corpus(tmp_path, texts)))["even"]
    assert (even["dp"], even["dp_norm"], even["juilland_d"]) == (0.0, 0.0, 1.0)


def test_term_in_one_part_only(tmp_path):
    """A term only in the 2-token document of parts 2, 4, 4: DP = 1 − 2/10 = 0.8, DP_norm 1, D 0."""
    texts = ["solo pad", "pad pad pad pad", "pad pad pad pad"]
    solo = by_term(term_frequencies(docs_corpus(tmp_path, texts)))["solo"]
    assert solo["dp"] == pytest.approx(0.8, abs=1e-12)
    assert (solo["dp_norm"], solo["juilland_d"]) == (1.0, 0.0)


def test_parts_cross_document_boundaries(tmp_path):
    """--parts 2 over "x y y" + "y y x x y y y" (10 tokens): parts hold x 1 and 2, so DP 1/6, D 2/3."""
    rows = by_term(term_frequencies(docs_corpus(tmp_path, ["x y y", "y y x x y y y"]), parts=2))
    x = rows["x"]
    assert (x["count"], x["docs"]) == (3, 2)
    # ½ (|1/3 − 1/2| + |2/3 − 1/2|) = 1/6; relative .2, .4: μ .3, σ .1 → D = 1 − 1/3
    assert x["dp"] == pytest.approx(1 / 6, abs=1e-12)
    assert x["dp_norm"] == pytest.approx(1 / 3, abs=1e-12)
    assert x["juilland_d"] == pytest.approx(2 / 3, abs=1e-12)
    # y: 4 and 3 of 7 in two parts of 5: ½ (|4/7 − .5| + |3/7 − .5|) = 1/14
    assert rows["y"]["dp"] == pytest.approx(1 / 14, abs=1e-12)


def test_one_document_has_no_dp_norm_or_d(tmp_path):
    """With a single part DP is 0 and DP_norm and D are undefined (null)."""
    rows = by_term(term_frequencies(docs_corpus(tmp_path, ["one two two"])))
    assert (rows["two"]["dp"], rows["two"]["dp_norm"], rows["two"]["juilland_d"]) == (0.0, None, None)


def test_counts_sort_rank_and_stop_words_kept(tmp_path):
    """Counts by hand, sorted by count then term, ranks 1.., 'the' kept by default and per million over all tokens."""
    corpus = docs_corpus(tmp_path, ["The party and the people.", "The party won."])
    rows = term_frequencies(corpus)
    assert [(r["term"], r["count"], r["rank"]) for r in rows] == [
        ("the", 3, 1), ("party", 2, 2), ("and", 1, 3), ("people", 1, 4), ("won", 1, 5)
    ]
    assert rows[0]["per_million"] == 375000.0  # 3 × 10^6 / 8 tokens
    with_stop = term_frequencies(corpus, AnalyzerOptions(stopwords="english"))
    assert [r["term"] for r in with_stop] == ["party", "people", "won"]
    assert with_stop[0]["per_million"] == 250000.0  # the corpus size stays 8 tokens


def test_ngrams_within_sentences_and_listed_words(tmp_path):
    """Bigrams never cross a sentence; with stop words an n-gram is listed only when all its words are."""
    corpus = docs_corpus(tmp_path, ["The party and the people. The party won."])
    rows = by_term(term_frequencies(corpus, ngram=2))
    assert {t: r["count"] for t, r in rows.items()} == {
        "the party": 2, "party and": 1, "and the": 1, "the people": 1, "party won": 1
    }
    assert "people the" not in rows
    assert rows["the party"]["per_million"] == 250000.0  # 2 × 10^6 / 8 word tokens
    stop = term_frequencies(corpus, AnalyzerOptions(stopwords="english"), ngram=2)
    assert [(r["term"], r["count"]) for r in stop] == [("party won", 1)]  # no "party people"
    tri = term_frequencies(corpus, ngram=3)
    assert [r["term"] for r in tri][:2] == ["and the people", "party and the"]
    assert sum(r["count"] for r in tri) == 4  # 3 in the first sentence, 1 in the second


def test_ngram_in_part_of_its_first_word(tmp_path):
    """With --parts 2 over "a b c d", the bigram "b c" lies in part 1 (its first word), "c d" in part 2."""
    rows = by_term(term_frequencies(docs_corpus(tmp_path, ["a b c d"]), ngram=2, parts=2))
    # 3 bigrams in parts (1, 1, 2) of 2 tokens each: "b c" only in part 1 → DP = 1 − 1/2
    assert rows["b c"]["dp"] == 0.5 and rows["c d"]["dp"] == 0.5 and rows["b c"]["juilland_d"] == 0.0


def test_min_count_min_docs_and_top(tmp_path):
    """--min-count, --min-docs and --top filter after counting; ranks stay 1.. in the kept order."""
    corpus = docs_corpus(tmp_path, ["a a a b b c", "a b d", "a e"])
    rows = term_frequencies(corpus, min_count=2)
    assert [(r["term"], r["count"]) for r in rows] == [("a", 5), ("b", 3)]
    rows = term_frequencies(corpus, min_docs=2)
    assert [r["term"] for r in rows] == ["a", "b"]
    rows = term_frequencies(corpus, top=3)
    assert [(r["term"], r["rank"]) for r in rows] == [("a", 1), ("b", 2), ("c", 3)]


def test_by_group_figures_within_group(tmp_path):
    """--by month: per-group counts, per million, documents, dispersion and ranks; --top per group."""
    corpus = docs_corpus(
        tmp_path,
        ["red red blue", "red green", "blue blue", "blue red blue blue"],
        dates=["2011-01-05", "2011-01-20", "2011-02-01", "2011-02-11"],
    )
    rows = term_frequencies(corpus, by="month")
    got = [(r["group"], r["term"], r["count"], r["docs"], r["rank"]) for r in rows]
    assert got == [
        ("2011-01", "red", 3, 2, 1), ("2011-01", "blue", 1, 1, 2), ("2011-01", "green", 1, 1, 3),
        ("2011-02", "blue", 5, 2, 1), ("2011-02", "red", 1, 1, 2),
    ]
    jan_red = rows[0]
    assert jan_red["per_million"] == 600000.0  # 3 of the 5 January tokens
    # red: 2 of 3 and 1 of 2 tokens: ½ (|2/3 − 3/5| + |1/3 − 2/5|) = 1/15
    assert jan_red["dp"] == pytest.approx(1 / 15, abs=1e-12)
    assert jan_red["dp_norm"] == pytest.approx((1 / 15) / (1 - 2 / 5), abs=1e-12)
    top1 = term_frequencies(corpus, by="month", top=1)
    assert [(r["group"], r["term"]) for r in top1] == [("2011-01", "red"), ("2011-02", "blue")]
    assert list(top1[0]) == ["group", *FREQ_COLUMNS]


def test_by_metadata_field_and_missing_values(tmp_path):
    """--by source groups by a metadata field; documents without it are left out with a note."""
    corpus = docs_corpus(tmp_path, ["x y", "x", "x z z"], source=["KCNA", None, "Rodong"])
    notes: list[str] = []
    rows = term_frequencies(corpus, by="source", warn=notes.append)
    assert [(r["group"], r["term"], r["count"]) for r in rows] == [
        ("KCNA", "x", 1), ("KCNA", "y", 1), ("Rodong", "z", 2), ("Rodong", "x", 1)
    ]
    assert notes == ["note: 1 document without a source left out"]
    with pytest.raises(EmptyResultError):
        term_frequencies(corpus, by="nosuchfield")


def test_by_with_parts_cuts_each_group(tmp_path):
    """--by with --parts cuts each group's own token stream into N parts."""
    corpus = docs_corpus(tmp_path, ["k k j j", "j j j j", "k j"], dates=["2011-01-01", "2011-02-01", "2011-01-02"])
    rows = {(r["group"], r["term"]): r for r in term_frequencies(corpus, by="month", parts=2)}
    # January stream "k k j j k j": parts "k k j" and "j k j": k 2 and 1 of 3 → DP 1/6
    assert rows[("2011-01", "k")]["dp"] == pytest.approx(1 / 6, abs=1e-12)
    assert rows[("2011-02", "j")]["dp"] == 0.0 and rows[("2011-02", "j")]["juilland_d"] == 1.0


def reference_rows(texts, dates, options, ngram, by, parts):
    """A slow, direct implementation of the freq rows (scalar measures, dicts)."""
    analyzer = Analyzer(options)
    groups: dict[str, list[list[tuple[str | None, ...]]]] = defaultdict(list)
    for text, date in zip(texts, dates, strict=True):
        key = (date[:7] if date else None) if by == "month" else "all"
        if key is None:
            continue
        tok = analyzer.analyze(text)
        starts: list[str | None] = [None] * len(tok.tokens)
        for s in range(tok.n_sentences):
            lo, hi = tok.bounds[s], tok.bounds[s + 1]
            for p in range(lo, hi - ngram + 1):
                words = tok.tokens[p : p + ngram]
                if all(analyzer.listed(w) for w in words):
                    starts[p] = " ".join(words)
        groups[key].append(starts)
    out = []
    for key in sorted(groups):
        docs = groups[key]
        total = sum(len(d) for d in docs)
        counts = Counter(t for d in docs for t in d if t is not None)
        ndocs = Counter(t for d in docs for t in set(d) if t is not None)
        if parts:
            stream = [t for d in docs for t in d]
            cuts = [k * total // parts for k in range(parts + 1)]
            slices = [stream[cuts[k] : cuts[k + 1]] for k in range(parts)]
        else:
            slices = docs
        sizes = [len(s) for s in slices]
        per_part = [Counter(s) for s in slices]
        for rank, term in enumerate(sorted(counts, key=lambda t: (-counts[t], t)), start=1):
            v = [c[term] for c in per_part]
            out.append(
                {
                    **({"group": key} if by else {}),
                    "term": term,
                    "count": counts[term],
                    "per_million": counts[term] * 1_000_000 / total,
                    "docs": ndocs[term],
                    "dp": dp(v, sizes),
                    "dp_norm": dp_norm(v, sizes),
                    "juilland_d": juilland_d(v, sizes),
                    "rank": rank,
                }
            )
    return out


@pytest.mark.parametrize(
    ("ngram", "by", "parts", "stopwords"),
    [(1, None, None, "none"), (2, None, None, "english"), (1, "month", None, "english"), (1, None, 7, "none"), (3, "month", 4, "none")],
)
def test_matches_a_direct_implementation(tmp_path, ngram, by, parts, stopwords):
    """On random multi-sentence documents every field equals a direct count with the scalar measures."""
    rng = random.Random(20 + ngram + (parts or 0))
    vocab = ["the", "of", "party", "people", "korea", "and", "leader", "army", "great", "a", "to", "war"]
    texts, dates = [], []
    for i in range(40):
        sentences = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 9))) for _ in range(rng.randint(1, 4))]
        texts.append(". ".join(sentences) + "." if i % 13 else "")
        dates.append(None if i == 5 else f"2011-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}")
    corpus = docs_corpus(tmp_path, texts, dates)
    options = AnalyzerOptions(stopwords=stopwords)
    got = term_frequencies(corpus, options, ngram=ngram, by=by, parts=parts)
    want = reference_rows(texts, dates, options, ngram, by, parts)
    assert [(r.get("group"), r["term"], r["count"], r["docs"], r["rank"], r["per_million"]) for r in got] == [
        (r.get("group"), r["term"], r["count"], r["docs"], r["rank"], r["per_million"]) for r in want
    ]
    for g, w in zip(got, want, strict=True):
        for key in ("dp", "dp_norm", "juilland_d"):
            assert (g[key] is None) == (w[key] is None), (g, w)
            if w[key] is not None:
                assert g[key] == pytest.approx(w[key], abs=1e-10), (g, w)


def test_dispersion_function(tmp_path):
    """dispersion() gives DP, DP_norm and D of chosen terms; an absent term gets count 0 and nulls."""
    rows = dispersion(docs_corpus(tmp_path, GRIES_PARTS), terms=["a", "zzz"])
    assert [r["term"] for r in rows] == ["a", "zzz"]
    assert rows[0]["count"] == 15 and rows[0]["parts"] == 5 and rows[0]["dp"] == pytest.approx(0.18)
    assert rows[1] == {"term": "zzz", "count": 0, "parts": 5, "dp": None, "dp_norm": None, "juilland_d": None}


def test_empty_selection_gives_no_rows(tmp_path):
    """A selection without documents gives no rows."""
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "a b", "date": "2011-01-01"}])
    assert term_frequencies(Corpus([str(path)], ReadOptions(since="2012-01-01"))) == []


# ------------------------------------------------------------------------------------------
# the command


def test_cli_json_exact_values(runner, tmp_path):
    """freq --format json gives the exact hand-checked figures of the Gries corpus."""
    path = write_jsonl(tmp_path / "g.jsonl", [{"text": t} for t in GRIES_PARTS])
    rows = invoke_json(runner, ["freq", str(path)])
    assert rows[0] == {
        "term": "a", "count": 15, "per_million": 300000.0, "docs": 5, "dp": 0.18,
        "dp_norm": 0.219512195122, "juilland_d": 0.78515045345, "rank": 1,
    }
    assert len(rows) == 16 and [r["rank"] for r in rows] == list(range(1, 17))  # 16 letter types


def test_cli_formats_give_the_same_rows(runner, tmp_path):
    """json, jsonl, csv and tsv carry the same rows; the table shows them."""
    path = write_jsonl(
        tmp_path / "g.jsonl", [{"text": t, "date": f"2008-0{i % 2 + 1}-01"} for i, t in enumerate(GRIES_PARTS)]
    )
    args = ["freq", str(path), "--by", "month", "--top", "4"]
    as_json = invoke_json(runner, args)
    jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == as_json
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        out = invoke(runner, [*args, "-f", fmt]).stdout
        rows = list(csv.DictReader(io.StringIO(out), delimiter=delim))
        assert list(rows[0]) == ["group", *FREQ_COLUMNS]
        assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in as_json] == rows
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert "2008-01" in table and "juilland_d" in table


def test_cli_options_and_errors(runner, tmp_path):
    """--ngram, --parts and --min-docs reach the core; a --by field no document has exits 1 in one line."""
    path = write_jsonl(tmp_path / "g.jsonl", [{"text": t} for t in GRIES_PARTS])
    rows = invoke_json(runner, ["freq", str(path), "--ngram", "2", "--min-docs", "5"])
    assert [(r["term"], r["count"]) for r in rows] == [("b e", 5)]  # "b a" is missing from part 3
    rows = invoke_json(runner, ["freq", str(path), "--parts", "5", "--top", "1"])
    assert rows[0]["term"] == "a" and rows[0]["dp"] == 0.2  # equal parts of 10: v = 1..5
    result = invoke(runner, ["freq", str(path), "--by", "month"])
    assert result.exit_code == 1 and "month" in result.stderr and result.stderr.count("\n") == 1
    assert invoke(runner, ["freq", str(path), "--ngram", "0"]).exit_code == 2


def test_jobs_one_and_two_give_the_same_bytes(runner):
    """The bundled corpus (629 documents, 3 batches): -j 1 and -j 2 print identical bytes."""
    args = ["freq", "--by", "day", "--ngram", "2", "--parts", "3", "--top", "30", "-f", "json"]
    one = invoke(runner, [*args, "-j", "1"])
    two = invoke(runner, [*args, "-j", "2"])
    assert one.exit_code == 0 and one.stdout == two.stdout
    rows = json.loads(one.stdout)
    assert len({r["group"] for r in rows}) == 15  # 10 to 24 December 2011


def test_bundled_corpus_top_terms(runner):
    """The default corpus: 'the' is the most frequent term (stop words kept) and counts are hand-checkable totals."""
    rows = invoke_json(runner, ["freq", "--top", "3"])
    assert [r["term"] for r in rows] == ["the", "of", "and"]
    (info,) = invoke_json(runner, ["info"])
    assert rows[0]["per_million"] == rows[0]["count"] * 1_000_000 / info["tokens"]
    assert rows[0]["docs"] <= info["documents"]


@pytest.mark.slow
def test_kcna_months_add_up(runner, kcna_2011):
    """freq --by month over KCNA 2011 gives 12 groups whose counts add up to the ungrouped counts."""
    whole = invoke_json(runner, ["freq", str(kcna_2011)])
    grouped = invoke_json(runner, ["freq", str(kcna_2011), "--by", "month"])
    assert sorted({r["group"] for r in grouped}) == [f"2011-{m:02d}" for m in range(1, 13)]
    total: Counter = Counter()
    for r in grouped:
        total[r["term"]] += r["count"]
    assert total == Counter({r["term"]: r["count"] for r in whole})
    docs: Counter = Counter()
    for r in grouped:
        docs[r["term"]] += r["docs"]
    assert docs == Counter({r["term"]: r["docs"] for r in whole})
