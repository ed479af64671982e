"""Checks of the built-in ``state-media`` lexicon data and of its behaviour on KCNA 2011.

The lexicon is ``textkit/data/lexicons/state-media.yaml`` (``{category: [entries]}``) with
category meanings in ``state-media.meta.yaml``.  The tests read the files directly, so
they do not depend on the scorer module; ``Matcher`` below is a small reference
matcher of the entry syntax documented in docs/lexicons.md:

* tokens are ``[a-z0-9]+(?:[-'.][a-z0-9]+)*`` on lower-cased text (hyphenated compounds
  and ``u.s`` are one token, apostrophes stay inside words);
* an entry is a word, a phrase (a token sequence), or one word ending in ``*`` that
  matches any token starting with the part before the ``*``;
* a pattern word also matches the same word followed by possessive ``'s``;
* within a category, matching runs left to right and takes the longest entry that
  matches at each position, so tokens covered by a phrase are not counted again.

The rate of a category is ``100 * matched words / tokens``: a phrase of k words counts k,
as ``textkit score`` counts its ``percent`` (docs/score.md), so the figures of
docs/lexicons.md can be regenerated with ``textkit score --lexicon state-media --by month``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "textkit" / "data" / "lexicons" / "state-media.yaml"
META = LEXICON.with_name("state-media.meta.yaml")
SHARED = Path(__file__).resolve().parents[2] / "shared"
KCNA_2011 = SHARED / "corpora" / "kcna-2011.jsonl"

CATEGORIES = (
    "reverence",
    "praise_achievement",
    "grief_mourning",
    "hostility",
    "solidarity",
    "mobilization",
    "military_threat",
)
TOKEN = r"[a-z0-9]+(?:[-'.][a-z0-9]+)*"
TOKEN_RE = re.compile(TOKEN)
GLOB_RE = re.compile(rf"{TOKEN}[-'.]?\*")


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` (curly apostrophes made straight) and return its tokens."""
    return TOKEN_RE.findall(text.lower().replace("\u2019", "'"))


def _word_matches(pattern_word: str, token: str) -> bool:
    """Whether one pattern word matches one token (glob prefix, exact, or exact + 's)."""
    if pattern_word.endswith("*"):
        return token.startswith(pattern_word[:-1])
    return token == pattern_word or token == pattern_word + "'s"


class Matcher:
    """Greedy longest-match counter for one category's entries."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.literal: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        self.globs: list[tuple[str, ...]] = []
        for entry in entries:
            words = tuple(entry.split())
            if words[0].endswith("*"):
                self.globs.append(words)
            else:
                self.literal[words[0]].append(words)

    def _candidates(self, token: str) -> list[tuple[str, ...]]:
        found = list(self.literal.get(token, ()))
        if token.endswith("'s"):
            found += self.literal.get(token[:-2], ())
        found += [g for g in self.globs if token.startswith(g[0][:-1])]
        return sorted(found, key=len, reverse=True)

    def spans(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
        """Non-overlapping matches as (start, end) token spans, longest entry first."""
        i, n, found = 0, len(tokens), []
        while i < n:
            for words in self._candidates(tokens[i]):
                end = i + len(words)
                if end <= n and all(
                    _word_matches(w, t) for w, t in zip(words, tokens[i:end], strict=True)
                ):
                    found.append((i, end))
                    i = end
                    break
            else:
                i += 1
        return found

    def count(self, tokens: Sequence[str]) -> int:
        """Number of matches (a phrase counts once)."""
        return len(self.spans(tokens))

    def words(self, tokens: Sequence[str]) -> int:
        """Number of tokens covered by matches (a phrase of k words counts k)."""
        return sum(end - start for start, end in self.spans(tokens))


def count_matches(tokens: Sequence[str], entries: Iterable[str]) -> int:
    """Count matches of ``entries`` in ``tokens`` (see the module docstring)."""
    return Matcher(entries).count(tokens)


def count_words(tokens: Sequence[str], entries: Iterable[str]) -> int:
    """Count the tokens that matches of ``entries`` cover in ``tokens``."""
    return Matcher(entries).words(tokens)


@pytest.fixture(scope="module")
def lexicon() -> dict[str, list[str]]:
    """The parsed state-media lexicon."""
    return yaml.safe_load(LEXICON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def meta() -> dict:
    """The parsed state-media metadata."""
    return yaml.safe_load(META.read_text(encoding="utf-8"))


def test_top_level_is_exactly_the_seven_categories(lexicon: dict) -> None:
    """The YAML top level holds the seven snake_case categories and nothing else."""
    assert isinstance(lexicon, dict)
    assert list(lexicon) == list(CATEGORIES)


def test_entries_are_non_empty_lower_case_strings(lexicon: dict) -> None:
    """Every category is a non-empty list of non-empty, trimmed, lower-case strings."""
    for category, entries in lexicon.items():
        assert isinstance(entries, list) and entries, category
        for entry in entries:
            assert isinstance(entry, str) and entry, (category, entry)
            assert entry == entry.strip() == entry.lower(), (category, entry)


def test_no_duplicate_entries_within_a_category(lexicon: dict) -> None:
    """No entry appears twice in the same category."""
    for category, entries in lexicon.items():
        seen = [e for i, e in enumerate(entries) if e in entries[:i]]
        assert not seen, (category, seen)


def test_category_sizes_are_in_the_intended_range(lexicon: dict) -> None:
    """Each category has between 30 and 120 entries, as the lexicon was designed."""
    for category, entries in lexicon.items():
        assert 30 <= len(entries) <= 120, (category, len(entries))


def test_every_entry_follows_the_pattern_syntax(lexicon: dict) -> None:
    """Entries are single-space token sequences; a glob is one word ending in '*'."""
    for category, entries in lexicon.items():
        for entry in entries:
            words = entry.split(" ")
            assert all(words), (category, entry)  # no double or edge spaces
            if len(words) == 1 and words[0].endswith("*"):
                assert GLOB_RE.fullmatch(words[0]), (category, entry)
                continue
            for word in words:
                assert TOKEN_RE.fullmatch(word), (category, entry, word)
                assert tokenize(word) == [word], (category, entry, word)


def test_meta_names_the_same_categories(lexicon: dict, meta: dict) -> None:
    """The meta file has a description and one non-empty meaning per lexicon category."""
    assert set(meta) == {"description", "categories"}
    assert isinstance(meta["description"], str) and meta["description"].strip()
    assert list(meta["categories"]) == list(lexicon)
    for category, meaning in meta["categories"].items():
        assert isinstance(meaning, str) and meaning.strip(), category


def test_matcher_worked_example_mourning(lexicon: dict) -> None:
    """Hand-checked: 5 grief matches (6 words); 'paid silent tribute' is not reverence."""
    tokens = tokenize(
        "The mourners paid silent tribute to Kim Jong Il\u2019s bier, "
        "in bitter grief over his demise."
    )
    assert tokens[6:9] == ["kim", "jong", "il's"]
    # mourn*, silent tribute, bier, grief, demise
    assert count_matches(tokens, lexicon["grief_mourning"]) == 5
    assert count_words(tokens, lexicon["grief_mourning"]) == 6
    assert count_matches(tokens, lexicon["reverence"]) == 0


def test_matcher_worked_example_titles_and_hostility(lexicon: dict) -> None:
    """Hand-checked: a title phrase counts once with possessive 's; globs and compounds match."""
    tokens = tokenize(
        "Leader Kim Jong Il's wise leadership foiled the U.S. imperialists' anti-DPRK moves."
    )
    assert tokens[-4:] == ["u.s", "imperialists", "anti-dprk", "moves"]
    # 'leader kim jong il' (one match, not four) + 'wise': 2 matches covering 5 words
    assert count_matches(tokens, lexicon["reverence"]) == 2
    assert count_words(tokens, lexicon["reverence"]) == 5
    # imperialis* + anti-dprk
    assert count_matches(tokens, lexicon["hostility"]) == 2
    assert count_matches(["respected", "comrade"], ["respected", "dear respected"]) == 1
    assert count_matches(["dear", "respected"], ["respected", "dear respected"]) == 1


@pytest.mark.slow
def test_grief_rises_after_kim_jong_il_death() -> None:
    """grief_mourning words per 100 tokens on 2011-12-19..31 are >= 5x the Jan-Nov monthly mean."""
    if not KCNA_2011.exists():
        pytest.skip(f"shared corpus not found: {KCNA_2011}")
    entries = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))["grief_mourning"]
    matcher = Matcher(entries)
    tokens: dict[str, int] = defaultdict(int)
    matches: dict[str, int] = defaultdict(int)
    with KCNA_2011.open(encoding="utf-8") as handle:
        for line in handle:
            story = json.loads(line)
            date = story["date"]
            if "2011-12-19" <= date <= "2011-12-31":
                key = "late-december"
            elif "2011-01-01" <= date <= "2011-11-30":
                key = date[:7]
            else:
                continue
            toks = tokenize(story["text"])
            tokens[key] += len(toks)
            matches[key] += matcher.words(toks)
    months = [f"2011-{m:02d}" for m in range(1, 12)]
    assert all(tokens[m] > 0 for m in months)
    monthly = [100 * matches[m] / tokens[m] for m in months]
    baseline = sum(monthly) / len(monthly)
    late = 100 * matches["late-december"] / tokens["late-december"]
    # Measured with lexicon 1.0.0: late December 3.34, Jan-Nov mean of months 0.063 (ratio 53).
    assert late >= 5 * baseline, (late, baseline)
    assert late > 1.0
