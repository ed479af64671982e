"""Tests for textkit.phrases: maximal recurring phrases and their families."""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from textkit.phrases import (
    find_phrases,
    group_families,
    phrase_core,
    phrase_links,
    sort_rows,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
KCNA_2011 = SHARED / "corpora" / "kcna-2011.jsonl"

ROW_KEYS = ["phrase", "n", "count", "docs", "per_million", "variants", "first_date", "last_date"]


class Vocab:
    """Maps words to ids and back, so test corpora can be written as text."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.ids: dict[str, int] = {}
        self.fresh = 0

    def enc(self, text: str) -> list[int]:
        out = []
        for w in text.split():
            if w not in self.ids:
                self.ids[w] = len(self.words)
                self.words.append(w)
            out.append(self.ids[w])
        return out

    def filler(self, k: int) -> str:
        """k words never used before (they cannot recur)."""
        words = [f"w{self.fresh + i}" for i in range(k)]
        self.fresh += k
        return " ".join(words)


def corpus(v: Vocab, texts: list[str | list[str]], dates: list[str | None] | None = None):
    """Documents from texts: a string is one sentence, a list of strings several."""
    docs = []
    for i, t in enumerate(texts):
        sents = [t] if isinstance(t, str) else t
        docs.append((i, dates[i] if dates else None, [v.enc(s) for s in sents]))
    return docs


PLANTED = "under the wise guidance of the great party we shall win the final victory"
PLANTED12 = " ".join(PLANTED.split()[:12])


# ------------------------------------------------------------------------------------------
# synthetic corpora, hand-checked


def test_planted_phrase_is_the_only_row():
    """A 12-word phrase planted in 8 documents of otherwise non-recurring words is the only row."""
    v = Vocab()
    texts = [f"{v.filler(7)} {PLANTED12} {v.filler(9)}" for _ in range(8)]
    dates = [f"2011-0{i + 1}-15" for i in range(8)]
    for mode in ("families", "flat"):
        rows = find_phrases(iter(corpus(v, texts, dates)), v.words, mode=mode)
        assert len(rows) == 1
        row = rows[0]
        assert list(row) == ROW_KEYS
        assert row["phrase"] == PLANTED12 and row["n"] == 12
        assert (row["count"], row["docs"]) == (8, 8)
        assert row["variants"] == []
        assert (row["first_date"], row["last_date"]) == ("2011-01-15", "2011-08-15")
        # 8 documents of 28 tokens: 8 / 224 per token = 35714.2857... per million
        assert row["per_million"] == pytest.approx(8 / 224 * 1e6)


def test_all_mode_lists_every_piece_of_the_planted_phrase():
    """In "all" mode the 12-word phrase brings all its 4..12-word pieces: 9+8+...+1 = 45 rows."""
    v = Vocab()
    texts = [f"{v.filler(5)} {PLANTED12} {v.filler(5)}" for _ in range(8)]
    rows = find_phrases(corpus(v, texts), v.words, mode="all")
    assert len(rows) == sum(12 - n + 1 for n in range(4, 13)) == 45
    assert all(r["count"] == 8 and r["docs"] == 8 for r in rows)
    assert {r["first_date"] for r in rows} == {None}


def test_absorption_keeps_a_phrase_that_also_stands_alone():
    """A 5-gram inside a longer phrase 7 times and alone 3 times (covered 70%) stays a row."""
    v = Vocab()
    g = "a b c d e"
    texts = [f"{v.filler(3)} x {g} {v.filler(3)}" for _ in range(7)]
    texts += [f"{v.filler(3)} {g} {v.filler(3)}" for _ in range(3)]
    # a 5-gram that never stands alone: always inside "k f g h i j l"
    texts += [f"{v.filler(3)} k f g h i j l {v.filler(3)}" for _ in range(6)]
    rows = find_phrases(corpus(v, texts), v.words, mode="flat")
    got = {r["phrase"]: (r["count"], r["docs"]) for r in rows}
    assert got == {"x a b c d e": (7, 7), "a b c d e": (10, 10), "k f g h i j l": (6, 6)}
    # coverage 7/10 = 0.7 reaches absorb = 0.7: then the 5-gram is absorbed
    rows = find_phrases(corpus(v, texts), v.words, mode="flat", absorb=0.7)
    assert {r["phrase"] for r in rows} == {"x a b c d e", "k f g h i j l"}


def test_min_docs_excludes_a_phrase_repeated_in_one_document():
    """A phrase said 6 times in one document is no formula at min_docs=3, but is at min_docs=1."""
    v = Vocab()
    phrase = "long live the great victory"
    one_doc = [f"{v.filler(2)} {phrase} {v.filler(2)}" for _ in range(6)]
    texts = [one_doc] + [v.filler(20) for _ in range(5)]
    assert find_phrases(corpus(v, texts), v.words) == []
    rows = find_phrases(corpus(v, texts), v.words, min_docs=1)
    assert [(r["phrase"], r["count"], r["docs"]) for r in rows] == [(phrase, 6, 1)]


def test_sentence_boundaries_are_never_crossed():
    """Words that recur on both sides of a sentence break never form one phrase."""
    v = Vocab()
    texts = [[f"{v.filler(3)} p q r", f"s t u {v.filler(3)}"] for _ in range(8)]
    rows = find_phrases(corpus(v, texts), v.words, mode="all", min_n=2)
    assert {r["phrase"] for r in rows} == {"p q", "q r", "p q r", "s t", "t u", "s t u"}
    rows = find_phrases(corpus(v, texts), v.words, mode="flat", min_n=2)
    assert {r["phrase"] for r in rows} == {"p q r", "s t u"}
    # document ends are boundaries too: "r s" recurs only across the end of one document
    texts = [[f"{v.filler(3)} p q r"] if i % 2 == 0 else [f"s t u {v.filler(3)}"]
             for i in range(12)]
    rows = find_phrases(corpus(v, texts), v.words, mode="all", min_n=2)
    assert {r["phrase"] for r in rows} == {"p q", "q r", "p q r", "s t", "t u", "s t u"}


def test_stream_is_read_once_and_groups_are_counted():
    """A generator is consumed once; groups give docs and count per label, sorted by label."""
    v = Vocab()
    texts = [f"{v.filler(3)} {PLANTED12} {v.filler(3)}" for _ in range(8)]
    texts[0] = [texts[0], f"{PLANTED12} {v.filler(2)}"]  # document 0 has it twice
    docs = corpus(v, texts)
    group_of = {i: ("2011-02" if i >= 5 else "2011-01") for i in range(8)}
    rows = find_phrases((d for d in docs), v.words, group_of=group_of, corpus_tokens=2_000_000)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == [*ROW_KEYS, "groups"]
    assert (row["count"], row["docs"]) == (9, 8)
    assert row["per_million"] == pytest.approx(4.5)
    assert list(row["groups"]) == ["2011-01", "2011-02"]
    assert row["groups"] == {"2011-01": {"docs": 5, "count": 6}, "2011-02": {"docs": 3, "count": 3}}


def test_a_document_index_seen_twice_is_one_document():
    """Items sharing a doc_index count as one document; numpy id arrays are accepted."""
    import numpy as np

    v = Vocab()
    ids = np.array(v.enc("long live the great victory"), dtype=np.int64)
    docs = [(i % 2, None, [ids]) for i in range(6)]
    rows = find_phrases(docs, v.words, min_docs=2)
    assert [(r["phrase"], r["count"], r["docs"]) for r in rows] == [
        ("long live the great victory", 6, 2)]
    assert find_phrases(docs, v.words, min_docs=3) == []


def test_families_end_to_end():
    """Edge and possessive variants found in a corpus become one row under the widest member."""
    v = Vocab()
    texts = [f"{v.filler(3)} the dear respected kim jong un {v.filler(3)}" for _ in range(10)]
    texts += [f"{v.filler(3)} of the dear respected kim jong un {v.filler(3)}" for _ in range(6)]
    texts += [f"{v.filler(3)} the dear respected kim jong un's {v.filler(3)}" for _ in range(5)]
    flat = find_phrases(corpus(v, texts), v.words, mode="flat")
    assert [(r["phrase"], r["count"], r["docs"]) for r in flat] == [
        ("the dear respected kim jong un", 16, 16),
        ("of the dear respected kim jong un", 6, 6),
        ("the dear respected kim jong un's", 5, 5),
    ]
    rows = find_phrases(corpus(v, texts), v.words)
    assert len(rows) == 1
    assert rows[0]["phrase"] == "the dear respected kim jong un"
    assert rows[0]["variants"] == [
        {"phrase": "of the dear respected kim jong un", "count": 6, "docs": 6},
        {"phrase": "the dear respected kim jong un's", "count": 5, "docs": 5},
    ]


def test_max_n_cap_reports_a_long_sequence_once():
    """A 40-word sequence with max_n=32 shows once, as its first 32 words, not as 9 windows."""
    v = Vocab()
    long40 = " ".join(f"t{i}" for i in range(40))
    texts = [f"{v.filler(3)} {long40} {v.filler(3)}" for _ in range(6)]
    rows = find_phrases(corpus(v, texts), v.words, mode="flat")
    assert [(r["phrase"], r["n"], r["count"]) for r in rows] == [
        (" ".join(long40.split()[:32]), 32, 6)]
    rows = find_phrases(corpus(v, texts), v.words, mode="flat", max_n=45)
    assert [(r["phrase"], r["n"]) for r in rows] == [(long40, 40)]


# ------------------------------------------------------------------------------------------
# families (pure function)


def _row(phrase: str, docs: int, count: int | None = None) -> dict:
    return {"phrase": phrase, "n": len(phrase.split()), "count": count or docs, "docs": docs,
            "per_million": 0.0, "variants": [], "first_date": None, "last_date": None}


def test_phrase_core_trims_edge_function_words():
    """The core drops stop words at both edges only; a phrase of function words has none."""
    assert phrase_core("of the dear respected kim jong un") == (
        "dear", "respected", "kim", "jong", "un")
    assert phrase_core("the army and people of the dprk") == (
        "army", "and", "people", "of", "the", "dprk")
    assert phrase_core("on the occasion of the") == ("occasion",)
    assert phrase_core("kim jong il is") == ("kim", "jong", "il")
    assert phrase_core("of the in the") == ()


def test_phrase_links_rule():
    """Cores link when one holds the other with >= 75% of its words, or overlap end to start."""
    # the same core: edge function words and a final possessive do not matter
    for other in ("that kim jong il", "kim jong il is", "and kim jong il", "kim jong il's"):
        assert phrase_links("by kim jong il", other)
    assert phrase_links("the dear respected kim jong un", "by the dear respected kim jong un")
    assert phrase_links("kim jong il's", "kim jong il's works")  # 3 of 4 core words
    assert phrase_links("general secretary kim jong il", "leader general secretary kim jong il's")
    # containment: 3 of 4 = 75% links, 4 of 6 = 67% does not
    assert phrase_links("by kim jong il", "leader kim jong il's")
    assert not phrase_links("by kim jong il", "over the demise of kim jong il")
    assert not phrase_links("president kim il sung", "the great leader president kim il sung")
    assert phrase_links(" ".join("bcdefghjklmn"), " ".join("pqrbcdefghjklmn"))  # 12/15 = 80%
    assert not phrase_links(" ".join("bcdefghj"), " ".join("pqrbcdefghj"))  # 8/11 = 73%
    # overlap end to start: "kim jong il" is 3 of the 4 words of each core
    assert phrase_links("leader kim jong il", "kim jong il received")
    # a run shared at the same end is a different formula: another word in the same slot
    assert not phrase_links("the west sea of korea", "the east sea of korea")
    assert not phrase_links("sent a message of greetings to", "sent a message of sympathy to")
    # the centenary formula and the title share only the name
    assert not phrase_links("the centenary of the birth of president kim il sung",
                            "the great leader president kim il sung")
    # a possessive inside the longer phrase is a different word
    assert not phrase_links("of the korean people", "of the korean people's army")
    assert not phrase_links("big red c d", "big red x c d")
    assert not phrase_links("big red c d", "big red c d")
    assert not phrase_links("of the in the", "in the of the")


def test_families_do_not_chain_through_a_shared_name():
    """The centenary formula and a leader's title share a name but stay separate families."""
    rows = [
        _row("president kim il sung", 300),
        _row("the great leader president kim il sung", 120),
        _row("the centenary of the birth of president kim il sung", 80),
        _row("great leader president kim il sung", 60),
        _row("of the great leader president kim il sung", 50),
        _row("birth of president kim il sung", 40),
        _row("leader president kim il sung", 35),
        _row("celebrate the centenary of the birth of president kim il sung", 30),
        _row("of the birth of president kim il sung", 25),
        _row("the centenary of the birth of president kim il sung's", 20),
    ]
    # a chain of links joins the name to the title, so union-find would make one family:
    # cores of 4 < 5 < 6 words, each holding >= 75% of the next
    assert phrase_links("president kim il sung", "leader president kim il sung")
    assert phrase_links("leader president kim il sung", "the great leader president kim il sung")
    assert not phrase_links("president kim il sung", "the great leader president kim il sung")
    fams = group_families(list(reversed(rows)))
    got = {f["phrase"]: [x["phrase"] for x in f["variants"]] for f in fams}
    # "leader president kim il sung" links two heads whose cores differ from its own by one
    # word: the earlier head wins. "birth of president kim il sung" (core of 6 words) holds the
    # name with only 4/6 of its words and is held by the centenary core (9 words) with 6/9:
    # a family of its own, with "of the birth of ..." (the same core).
    assert got == {
        "president kim il sung": ["leader president kim il sung"],
        "the great leader president kim il sung": [
            "great leader president kim il sung", "of the great leader president kim il sung"],
        "the centenary of the birth of president kim il sung": [
            "celebrate the centenary of the birth of president kim il sung",
            "the centenary of the birth of president kim il sung's"],
        "birth of president kim il sung": ["of the birth of president kim il sung"],
    }
    assert [f["phrase"] for f in fams] == [
        "president kim il sung", "the great leader president kim il sung",
        "the centenary of the birth of president kim il sung", "birth of president kim il sung"]
    assert fams[3]["variants"] == [
        {"phrase": "of the birth of president kim il sung", "count": 25, "docs": 25}]
    # no two heads link: a phrase founds a family only when it links to no earlier head
    heads = [f["phrase"] for f in fams]
    assert not any(phrase_links(x, y) for x in heads for y in heads)


def test_name_with_one_edge_word_is_one_family():
    """"kim jong il" plus one edge word, six ways, is one row; the mourning formula is another."""
    rows = [_row("by kim jong il", 307), _row("that kim jong il", 220),
            _row("kim jong il is", 193), _row("leader kim jong il's", 186),
            _row("and kim jong il", 174), _row("kim jong il received", 60),
            _row("on the demise of leader kim jong il", 158),
            _row("over the demise of leader kim jong il", 40),
            _row("over the demise of kim jong il", 51)]
    fams = group_families(rows)
    # "demise of kim jong il" is not a run of "demise of leader kim jong il": its own family
    assert [(f["phrase"], [v["phrase"] for v in f["variants"]]) for f in fams] == [
        ("by kim jong il", ["that kim jong il", "kim jong il is", "leader kim jong il's",
                            "and kim jong il", "kim jong il received"]),
        ("on the demise of leader kim jong il", ["over the demise of leader kim jong il"]),
        ("over the demise of kim jong il", []),
    ]


def test_fragments_without_a_core_of_three_words_are_left_out():
    """Bundles whose core (edge function words removed) has < 3 words are not families."""
    rows = [_row("on the occasion of the", 446), _row("of the korean people", 379),
            _row("the south korean authorities", 419), _row("of the in the", 50)]
    assert [f["phrase"] for f in group_families(rows)] == ["the south korean authorities"]
    assert len(group_families(rows, min_core=1)) == 3  # "of the in the" has no core at all
    assert len(group_families(rows, min_core=0)) == 3


def test_family_head_is_most_widespread_then_most_frequent_then_longer():
    """The head is the member in most documents; ties go to count, then length, then alphabet."""
    def head(*rows):
        fams = group_families(list(rows))
        assert len(fams) == 1
        return fams[0]["phrase"], [x["phrase"] for x in fams[0]["variants"]]

    short, long_ = "the dear respected comrade", "by the dear respected comrade"
    assert head(_row(short, 5, 50), _row(long_, 9, 12)) == (long_, [short])
    assert head(_row(short, 9, 15), _row(long_, 9, 12)) == (short, [long_])
    assert head(_row(short, 9, 12), _row(long_, 9, 12)) == (long_, [short])
    assert head(_row("kim jong il's", 9, 12), _row("kim jong il", 9, 12)) == (
        "kim jong il", ["kim jong il's"])


def test_sort_rows_keys():
    """sort_rows orders by docs, count or length, descending, ties by phrase."""
    rows = [_row("b c d e", 5, 9), _row("a b c d e f", 5, 7), _row("x y z w", 6, 6),
            _row("a a a a", 5, 9)]
    assert [r["phrase"] for r in sort_rows(rows, "docs")] == [
        "x y z w", "a a a a", "b c d e", "a b c d e f"]
    assert [r["phrase"] for r in sort_rows(rows, "count")] == [
        "a a a a", "b c d e", "a b c d e f", "x y z w"]
    assert [r["phrase"] for r in sort_rows(rows, "length")][0] == "a b c d e f"
    with pytest.raises(ValueError, match="unknown sort key"):
        sort_rows(rows, "score")


@pytest.mark.parametrize("kwargs", [
    {"mode": "maximal"}, {"min_n": 0}, {"min_n": 5, "max_n": 4}, {"min_count": 0},
    {"min_docs": 0}, {"absorb": 0}, {"absorb": 1.5}, {"corpus_tokens": -1},
])
def test_bad_arguments_raise_value_error(kwargs):
    """Impossible settings raise ValueError."""
    with pytest.raises(ValueError):
        find_phrases([(0, None, [[0, 1, 2, 3]])], ["a", "b", "c", "d"], **kwargs)


def test_bad_token_ids_raise_value_error():
    """Token ids outside the vocabulary (or negative) raise ValueError."""
    with pytest.raises(ValueError, match="outside the vocabulary"):
        find_phrases([(0, None, [[0, 1, 7]])], ["a", "b"])
    with pytest.raises(ValueError, match="non-negative"):
        find_phrases([(0, None, [[0, -1, 1]])], ["a", "b"])


def test_empty_corpus_gives_no_rows():
    """No tokens, no rows."""
    assert find_phrases([], []) == []
    assert find_phrases([(0, "2011-01-01", [[], []])], ["a"]) == []


# ------------------------------------------------------------------------------------------
# brute force


def _brute(docs, vocab, min_n, max_n, min_count, min_docs, absorb):
    """Every n-gram of every sentence counted with dicts; coverage and flat set as defined."""
    occ: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)  # gram -> (doc, sent, p)
    date_of = {}
    for d, date, sents in docs:
        date_of[d] = date
        for s, sent in enumerate(sents):
            for n in range(1, max_n + 2):
                for p in range(len(sent) - n + 1):
                    occ[tuple(sent[p:p + n])].append((d, s, p))
    qual = {g for g, o in occ.items()
            if len(o) >= min_count and len({d for d, _, _ in o}) >= min_docs}
    sent_of = {(d, s): sent for d, _, sents in docs for s, sent in enumerate(sents)}
    all_rows, flat = {}, {}
    for g in qual:
        n = len(g)
        if not min_n <= n <= max_n:
            continue
        o = occ[g]
        dated = [date_of[d] for d, _, _ in o if date_of[d]]
        stats = (len(o), len({d for d, _, _ in o}), min(dated, default=None),
                 max(dated, default=None))
        all_rows[" ".join(vocab[t] for t in g)] = stats
        covered = 0
        for d, s, p in o:
            sent = sent_of[(d, s)]
            left = p > 0 and tuple(sent[p - 1:p + n]) in qual
            right = n < max_n and p + n < len(sent) and tuple(sent[p:p + n + 1]) in qual
            covered += left or right
        if covered / len(o) < absorb:
            flat[" ".join(vocab[t] for t in g)] = stats
    return all_rows, flat


@pytest.mark.parametrize("seed", range(8))
def test_all_and_flat_modes_equal_brute_force(seed):
    """On small random corpora "all" and "flat" give the brute-force n-grams, counts, docs, dates."""
    rng = random.Random(seed)
    vocab = [f"v{i}" for i in range(rng.choice([2, 3, 4]))]
    docs = []
    for d in range(rng.randint(6, 14)):
        sents = [[rng.randrange(len(vocab)) for _ in range(rng.randint(0, 16))]
                 for _ in range(rng.randint(1, 4))]
        date = None if rng.random() < 0.2 else f"2011-{rng.randint(1, 12):02d}-01"
        docs.append((d * 3 + 1, date, sents))
    min_n, max_n = rng.choice([(1, 4), (2, 6), (3, 8)])
    min_count, min_docs, absorb = rng.choice([2, 3]), rng.choice([1, 2, 3]), rng.choice([0.6, 0.9])
    all_rows, flat = _brute(docs, vocab, min_n, max_n, min_count, min_docs, absorb)
    assert len(all_rows) > 10 and 0 < len(flat) < len(all_rows)
    kw = {"min_n": min_n, "max_n": max_n, "min_count": min_count, "min_docs": min_docs,
          "absorb": absorb}
    got = find_phrases(docs, vocab, mode="all", **kw)
    assert {r["phrase"]: (r["count"], r["docs"], r["first_date"], r["last_date"])
            for r in got} == all_rows
    assert got == sort_rows(got, "docs")
    got = find_phrases(docs, vocab, mode="flat", **kw)
    assert {r["phrase"]: (r["count"], r["docs"], r["first_date"], r["last_date"])
            for r in got} == flat


def _brute_edges(docs, vocab, min_n, max_n, min_count, min_docs, absorb, ok):
    """The candidates (qualifying, allowed first and last token) and the maximal ones: an
    occurrence is covered by any longer candidate holding it (up to max_n + 1 tokens when it
    starts further left, max_n when it starts at the same token)."""
    occ: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for d, _, sents in docs:
        for s, sent in enumerate(sents):
            for n in range(1, max_n + 2):
                for p in range(len(sent) - n + 1):
                    occ[tuple(sent[p:p + n])].append((d, s, p))
    qual = {g for g, o in occ.items()
            if len(o) >= min_count and len({d for d, _, _ in o}) >= min_docs}
    sent_of = {(d, s): sent for d, _, sents in docs for s, sent in enumerate(sents)}

    def cand(g):
        return g in qual and ok[g[0]] and ok[g[-1]]

    all_rows, flat = {}, {}
    for g in qual:
        n = len(g)
        if not min_n <= n <= max_n or not cand(g):
            continue
        o = occ[g]
        stats = (len(o), len({d for d, _, _ in o}))
        all_rows[" ".join(vocab[t] for t in g)] = stats
        covered = 0
        for d, s, p in o:
            sent = sent_of[(d, s)]
            covered += any(
                cand(tuple(sent[a:b]))
                for a in range(p + 1) for b in range(p + n, len(sent) + 1)
                if (a, b) != (p, p + n) and b - a <= (max_n + 1 if a < p else max_n))
        if covered / len(o) < absorb:
            flat[" ".join(vocab[t] for t in g)] = stats
    return all_rows, flat


@pytest.mark.parametrize("seed", range(12))
def test_edge_restricted_modes_equal_brute_force(seed):
    """With some tokens barred from phrase edges (stop words), "all" and "flat" match brute force."""
    rng = random.Random(100 + seed)
    vocab = [f"v{i}" for i in range(rng.choice([3, 4, 5]))]
    ok = [i % 2 == 0 or rng.random() < 0.3 for i in range(len(vocab))]
    docs = []
    for d in range(rng.randint(6, 14)):
        sents = [[rng.randrange(len(vocab)) for _ in range(rng.randint(0, 16))]
                 for _ in range(rng.randint(1, 4))]
        docs.append((d, None, sents))
    min_n, max_n = rng.choice([(1, 4), (2, 6), (3, 8), (2, 3)])
    min_count, min_docs, absorb = rng.choice([2, 3]), rng.choice([1, 2]), rng.choice([0.6, 0.9, 1.0])
    all_rows, flat = _brute_edges(docs, vocab, min_n, max_n, min_count, min_docs, absorb, ok)
    assert all_rows and flat
    kw = {"min_n": min_n, "max_n": max_n, "min_count": min_count, "min_docs": min_docs,
          "absorb": absorb, "edge_ok": ok}
    got = find_phrases(docs, vocab, mode="all", **kw)
    assert {r["phrase"]: (r["count"], r["docs"]) for r in got} == all_rows
    got = find_phrases(docs, vocab, mode="flat", **kw)
    assert {r["phrase"]: (r["count"], r["docs"]) for r in got} == flat


@pytest.mark.parametrize("seed", range(6))
def test_edge_rule_with_every_token_allowed_is_the_plain_rule(seed):
    """The edge-restricted computation with every token allowed gives the plain rows exactly."""
    import numpy as np

    from textkit.phrases import _Corpus, _maximal_with_edges

    rng = random.Random(seed)
    vocab = ["v0", "v1", "v2"]
    docs = [(d, None, [[rng.randrange(3) for _ in range(rng.randint(0, 14))]
                       for _ in range(3)]) for d in range(12)]
    kw = {"min_n": rng.choice([1, 2]), "max_n": rng.choice([3, 6]), "min_count": 3,
          "min_docs": 2, "absorb": rng.choice([0.6, 0.9, 1.0])}
    loaded = _Corpus(docs, 3, None)
    edges = np.append(loaded.tok >= 0, False)
    rows = _maximal_with_edges(loaded, vocab, edges, float(loaded.n_tokens),
                               with_groups=False, **kw)
    assert sort_rows(rows) == find_phrases(docs, vocab, mode="flat", **kw)
    _, flat = _brute_edges(docs, vocab, 2, 6, 3, 2, 0.9, [True] * 3)
    _, plain = _brute(docs, vocab, 2, 6, 3, 2, 0.9)
    assert flat == {k: v[:2] for k, v in plain.items()}


def test_edge_flags_must_match_the_vocabulary():
    """One edge flag per vocabulary word, or ValueError."""
    with pytest.raises(ValueError, match="edge_ok"):
        find_phrases([(0, None, [[0, 1, 2]])], ["a", "b", "c"], edge_ok=[True])


def test_stop_words_at_the_edges_are_trimmed_by_the_edge_rule():
    """"of the dear respected kim jong un said" gives "dear respected kim jong un said" when
    "of" and "the" may not stand at an edge; the longer phrase is then not a candidate."""
    v = Vocab()
    texts = [f"{v.filler(3)} of the dear respected kim jong un said {v.filler(3)}"
             for _ in range(6)]
    docs = corpus(v, texts)
    rows = find_phrases(docs, v.words, mode="flat")
    assert [r["phrase"] for r in rows] == ["of the dear respected kim jong un said"]
    ok = [w not in ("of", "the") for w in v.words]
    rows = find_phrases(docs, v.words, mode="flat", edge_ok=ok)
    assert [(r["phrase"], r["count"], r["docs"]) for r in rows] == [
        ("dear respected kim jong un said", 6, 6)]


# ------------------------------------------------------------------------------------------
# the shared corpus

WORD = re.compile(r"[a-z0-9]+(?:[-'.][a-z0-9]+)*")
SENT = re.compile(r"\.\s|\n\s*\n")


def _crude_kcna():
    """Crude tokenization: lower-case regex words, sentences split at '. ' and blank lines."""
    vocab: list[str] = []
    index: dict[str, int] = {}
    docs = []
    with KCNA_2011.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            d = json.loads(line)
            sents = []
            for s in SENT.split(d["text"].lower()):
                ids = [index.setdefault(w, len(index)) for w in WORD.findall(s)]
                if ids:
                    sents.append(ids)
            docs.append((i, d["date"], sents))
    vocab = [""] * len(index)
    for w, j in index.items():
        vocab[j] = w
    return docs, vocab


@pytest.mark.slow
def test_kcna_2011_formulas():
    """On KCNA 2011 the families are distinct, verifiable and maximal, the longest past 20 words."""
    if not KCNA_2011.exists():
        pytest.skip("shared corpus absent")
    import numpy as np

    docs, vocab = _crude_kcna()
    rows = find_phrases(iter(docs), vocab)
    assert len(rows) > 1000
    # flat token array with -1 between sentences, and each position's document
    tok, doc = [], []
    for d, _, sents in docs:
        for s in sents:
            tok.extend(s)
            tok.append(-1)
            doc.extend([d] * (len(s) + 1))
    tok_a, doc_a = np.array(tok), np.array(doc)
    index = {w: i for i, w in enumerate(vocab)}

    def occurrences(words: list[str]):
        ids = [index[w] for w in words]
        p = np.flatnonzero(tok_a[: len(tok_a) - len(ids)] == ids[0])
        for k, t in enumerate(ids[1:], 1):
            p = p[tok_a[p + k] == t]
        return p

    # counts and documents of the top rows, recounted by scanning the tokens
    top = rows[:25]
    for r in top:
        p = occurrences(r["phrase"].split())
        assert (r["count"], r["docs"]) == (len(p), len(set(doc_a[p].tolist())))
    # many different formulas: no two of the top 100 families link, nor any variant to another head
    heads = [r["phrase"] for r in rows[:100]]
    assert not any(phrase_links(a, b) for i, a in enumerate(heads) for b in heads[i + 1:])
    for r in rows:
        assert all(phrase_links(r["phrase"], x["phrase"]) for x in r["variants"])
    # known formulas of 2011, among the 300 most widespread families
    wanted = {
        "kim jong un vice-chairman of the central military commission of the workers party of korea",
        "the june 15 joint declaration and the october 4 declaration",
        "on the demise of leader kim jong il",
        "between the north and the south",
    }
    assert wanted <= {r["phrase"] for r in rows[:300]}
    # the longest runs past 20 words (capped at max_n = 32)
    assert 20 < max(r["n"] for r in rows) <= 32
    # a family name inside another listed row must also stand alone: coverage < 0.9
    runs = set()
    for r in rows:
        w = tuple(r["phrase"].split())
        runs.update(w[o:o + k] for k in range(4, len(w)) for o in range(len(w) - k + 1))
    inner = [r for r in rows if tuple(r["phrase"].split()) in runs]
    assert len(inner) > 100
    for r in inner:
        p = occurrences(r["phrase"].split())
        left, right, d = tok_a[p - 1], tok_a[p + r["n"]], doc_a[p]
        ql, qr = _qualifying(left, d), _qualifying(right, d)
        covered = sum((a in ql) or (b in qr)
                      for a, b in zip(left.tolist(), right.tolist(), strict=True))
        assert covered / len(p) < 0.9, r["phrase"]


def _qualifying(ext, docs) -> set[int]:
    """The extension words (left or right neighbours of a phrase's occurrences, one per
    occurrence, with the occurrences' documents) whose extended phrase qualifies: >= 5 times in
    >= 3 documents."""
    count = Counter(ext.tolist())
    docs_of: dict[int, set[int]] = defaultdict(set)
    for e, d in zip(ext.tolist(), docs.tolist(), strict=True):
        docs_of[e].add(d)
    return {e for e in count if e >= 0 and count[e] >= 5 and len(docs_of[e]) >= 3}
