"""Patterns: the terms of ``trend``, the queries of ``kwic``, lexicon entries.

A pattern is a word or phrase, tokenized by the same analyzer as the corpus and
matched as a token sequence within one sentence:

- a trailing ``*`` matches any continuation (``imperialis*``, ``anti-*``);
- a pattern word also matches the same word with a possessive ``'s``
  (``kim jong il`` matches "Kim Jong Il's"), unless the word itself ends in ``'s``;
- with ``--stem`` or ``--lemmatize`` the pattern's words are reduced the same
  way (a ``*`` prefix is only lower-cased).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import UsageError
from .tokenize import Analyzer, words


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: ``parts`` are (word or prefix, is_prefix) pairs."""

    text: str
    parts: tuple[tuple[str, bool], ...]

    def __len__(self) -> int:
        return len(self.parts)


def compile_pattern(text: str, analyzer: Analyzer) -> Pattern:
    """Tokenize ``text`` with ``analyzer`` into a :class:`Pattern`.

    Raises :class:`UsageError` when the pattern has no word in it.
    """
    text = text.strip()
    if "*" not in text:
        parts = tuple((t, False) for t in analyzer.tokenize_words(text))
    else:
        out: list[tuple[str, bool]] = []
        for piece in text.split():
            glob = piece.endswith("*")
            core = piece.rstrip("*")
            if "*" in core:
                raise UsageError(f"pattern {text!r}: '*' is allowed only at the end of a word")
            toks = analyzer.tokenize_words(core) if not glob else [analyzer._surface(w) for w in words(core)]
            if glob:
                if not toks:
                    if core:
                        raise UsageError(f"pattern {text!r}: '{piece}' has no letters before '*'")
                    continue
                prefix = toks[-1]
                tail = core[len(core.rstrip("-'\u2019")) :]
                prefix += tail.replace("\u2019", "'")[:1]
                out.extend((t, False) for t in toks[:-1])
                out.append((prefix, True))
            else:
                out.extend((t, False) for t in toks)
        parts = tuple(out)
    if not parts:
        raise UsageError(f"pattern {text!r} has no word in it")
    return Pattern(text, parts)


class Matcher:
    """Finds every occurrence of a set of patterns in a token stream.

    Matching is decided per distinct token string (cached), so a corpus of
    millions of tokens costs one dictionary look-up per token.
    """

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = list(patterns)
        self._exact: dict[str, set[tuple[int, int]]] = {}
        self._prefixes: list[tuple[str, int, int]] = []
        for i, pattern in enumerate(self.patterns):
            for j, (word, is_prefix) in enumerate(pattern.parts):
                if is_prefix:
                    self._prefixes.append((word, i, j))
                else:
                    self._exact.setdefault(word, set()).add((i, j))
                    if not word.endswith("'s"):
                        self._exact.setdefault(word + "'s", set()).add((i, j))
        self._cache: dict[str, frozenset[tuple[int, int]]] = {}
        self._firsts: dict[str, tuple[int, ...]] = {}

    def slots(self, token: str) -> frozenset[tuple[int, int]]:
        """The (pattern, position) slots that ``token`` can fill."""
        got = self._cache.get(token)
        if got is None:
            found = set(self._exact.get(token, ()))
            for prefix, i, j in self._prefixes:
                if token.startswith(prefix):
                    found.add((i, j))
            got = frozenset(found)
            self._cache[token] = got
            self._firsts[token] = tuple(sorted(i for i, j in got if j == 0))
        return got

    def find(self, tokens: Sequence[str], bounds: Sequence[int]) -> list[tuple[int, int, int]]:
        """Every match ``(start, end, pattern_index)`` within the sentences given by
        ``bounds``, ordered by start then pattern; matches may overlap."""
        out: list[tuple[int, int, int]] = []
        slots = self.slots
        firsts = self._firsts
        patterns = self.patterns
        for s in range(len(bounds) - 1):
            lo, hi = bounds[s], bounds[s + 1]
            for p in range(lo, hi):
                tok = tokens[p]
                starts = firsts.get(tok)
                if starts is None:
                    slots(tok)
                    starts = firsts[tok]
                if not starts:
                    continue
                for i in starts:
                    n = len(patterns[i].parts)
                    if p + n > hi:
                        continue
                    ok = True
                    for j in range(1, n):
                        if (i, j) not in slots(tokens[p + j]):
                            ok = False
                            break
                    if ok:
                        out.append((p, p + n, i))
        return out


def compile_patterns(texts: Sequence[str], analyzer: Analyzer) -> Matcher:
    """A :class:`Matcher` for several pattern strings."""
    return Matcher([compile_pattern(t, analyzer) for t in texts])
