"""Dictionary (LIWC-style) scores: the core of ``textkit score``.

Every entry of a :class:`~textkit.lexicon.Lexicon` is compiled with the run's
analyzer (:func:`textkit.patterns.compile_pattern`, so ``--stem``,
``--lemmatize`` and ``--compound`` apply to entries as to the text) and one
:class:`~textkit.patterns.Matcher` finds every occurrence of every entry,
sentence by sentence. Then, **per category**:

- matches are taken left to right, the longest entry first at each position
  (ties: an entry without ``*`` before a glob, then by entry text); a match is
  counted only when none of its tokens is already counted in that category,
  so a token matched by a longer entry (``puppet regime``) is not counted
  again by a shorter one inside it (``regime``);
- each category is resolved on its own: a word may count in several
  categories, as in LIWC.

Figures, for a document (or a ``by`` group) of ``N`` word tokens (all word
tokens: the corpus size, before stop words or other filters):

``matches``
    the number of word tokens the category's counted matches cover: a
    one-word entry counts 1, a phrase of ``k`` words counts ``k``. LIWC's
    category values are percentages of the text's *words* (Pennebaker et al.
    2015, *LIWC2015 Operator's Manual*; Boyd et al. 2022, *The Development and
    Psychometric Properties of LIWC-22*); counting every word of a matched
    phrase keeps ``percent`` a share of the text's words (at most 100 per
    category), whatever the length of the entries.
``percent``
    ``100 · matches / N`` (LIWC's per-100-words convention; 0 when ``N = 0``).
``score`` (``weights=True``)
    ``100 · Σ_words weight / N``: each counted word carries the weight of its
    entry, so a phrase of ``k`` words of weight ``w`` adds ``k·w``; with every
    weight 1, ``score == percent``. Summed with :func:`math.fsum` from integer
    counts, so the result does not depend on batching or ``jobs``.
``explain``
    the entries of the category that matched most (``term``, ``count`` =
    times the entry was counted, and ``weight`` with ``weights``), by
    (-count, term).

With ``by`` a field (``month``, ``year``, ``source`` …) the documents of each
group are added together (matches and tokens summed, so ``percent`` is the
group's share, not a mean of document shares); documents without a value for
the field are left out. With ``wide``, one row per document (or group) with a
column per category (its ``percent``; with ``weights`` also
``<category>_score``), category names in snake_case.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .corpus import Corpus
from .engine import Item, Task, run, stream
from .errors import UsageError
from .lexicon import Lexicon, get_lexicon, snake_case
from .patterns import Matcher, Pattern, compile_pattern
from .tokenize import Analyzer, AnalyzerOptions

__all__ = [
    "EXPLAIN_TOP",
    "CompiledLexicon",
    "ScoreTask",
    "compile_lexicon",
    "score",
    "score_columns",
    "unmatchable_entries",
    "wide_names",
]

EXPLAIN_TOP = 5
"""How many entries ``--explain`` lists per category and row."""

_WIDE_FIXED = ("id", "title", "date", "tokens")
_WIDE_BY_FIXED = ("group", "tokens")


@dataclass
class CompiledLexicon:
    """A lexicon compiled for one analyzer.

    ``entries[e] = (category index, entry text, weight, words)``; entry ids
    run in (category, entry text) order. ``targets[p]`` lists the
    ``(category, entry id)`` pairs that pattern ``p`` of ``matcher`` counts
    for. ``unmatchable`` lists the entries with no word the analyzer can match.
    """

    categories: list[str]
    matcher: Matcher
    targets: list[tuple[tuple[int, int], ...]]
    entries: list[tuple[int, str, float, int]]
    unmatchable: list[str]

    def count(self, tokens, bounds) -> Counter:
        """Counted occurrences per entry id in one tokenized text (see the module doc)."""
        found = self.matcher.find(tokens, bounds)
        if not found:
            return Counter()
        # Matcher orders by (start, pattern); patterns are in preference order
        found.sort(key=lambda m: (m[0], m[0] - m[1], m[2]))
        last_end = [0] * len(self.categories)
        occ: Counter = Counter()
        targets = self.targets
        for start, end, p in found:
            for c, e in targets[p]:
                if start >= last_end[c]:
                    last_end[c] = end
                    occ[e] += 1
        return occ


_COMPILED: dict[tuple, CompiledLexicon] = {}


def compile_lexicon(lexicon: Lexicon, analyzer: Analyzer) -> CompiledLexicon:
    """Compile every entry of ``lexicon`` with ``analyzer`` (cached per lexicon and options)."""
    key = (lexicon.fingerprint, analyzer.options)
    got = _COMPILED.get(key)
    if got is not None:
        return got
    texts = sorted({e for entries in lexicon.categories.values() for e in entries})
    compiled: dict[str, Pattern] = {}
    unmatchable: list[str] = []
    for text in texts:
        try:
            compiled[text] = compile_pattern(text, analyzer)
        except UsageError:
            unmatchable.append(text)
    # one pattern per distinct token sequence, in preference order:
    # fewer glob parts first, then by entry text
    by_parts: dict[tuple, str] = {}
    for text in sorted(compiled, key=lambda t: (sum(g for _, g in compiled[t].parts), t)):
        by_parts.setdefault(compiled[text].parts, text)
    patterns = [compiled[text] for text in by_parts.values()]
    index = {parts: i for i, parts in enumerate(by_parts)}
    targets: list[list[tuple[int, int]]] = [[] for _ in patterns]
    entries: list[tuple[int, str, float, int]] = []
    categories = list(lexicon.categories)
    for c, cat in enumerate(categories):
        taken: set[int] = set()
        for text in sorted(lexicon.categories[cat]):
            pattern = compiled.get(text)
            if pattern is None:
                continue
            p = index[pattern.parts]
            if p in taken:  # another entry of this category reads the same
                continue
            taken.add(p)
            targets[p].append((c, len(entries)))
            entries.append((c, text, lexicon.categories[cat][text], len(pattern.parts)))
    result = CompiledLexicon(
        categories, Matcher(patterns), [tuple(t) for t in targets], entries, unmatchable
    )
    if len(_COMPILED) >= 8:
        _COMPILED.clear()
    _COMPILED[key] = result
    return result


def unmatchable_entries(lexicon: str | Lexicon, options: AnalyzerOptions | None = None) -> list[str]:
    """Entries of ``lexicon`` that have no word the analyzer can match (``:)``);
    they are ignored by :func:`score`."""
    lex = get_lexicon(lexicon)
    return list(compile_lexicon(lex, Analyzer(options or AnalyzerOptions())).unmatchable)


def wide_names(lexicon: Lexicon, *, by: bool = False, weights: bool = False) -> list[str]:
    """The category columns of ``wide`` output (snake_case; ``<name>_score`` with weights).

    Raises :class:`UsageError` when two categories give the same column name.
    """
    fixed = _WIDE_BY_FIXED if by else _WIDE_FIXED
    names: list[str] = []
    seen: dict[str, str] = {c: f"the {c!r} column" for c in fixed}
    for cat in lexicon.categories:
        base = snake_case(cat)
        cols = [base, f"{base}_score"] if weights else [base]
        for col in cols:
            if col in seen:
                raise UsageError(
                    f"--wide: category {cat!r} gives the column {col!r}, as does {seen[col]}; "
                    "rename one of them in the lexicon"
                )
            seen[col] = f"category {cat!r}"
            names.append(col)
    return names


def score_columns(
    lexicon: str | Lexicon,
    *,
    by: str | None = None,
    weights: bool = False,
    wide: bool = False,
    explain: int = 0,
) -> list[str]:
    """The columns of :func:`score`'s rows for these options."""
    lex = get_lexicon(lexicon)
    if wide:
        fixed = list(_WIDE_BY_FIXED if by else _WIDE_FIXED)
        return fixed + wide_names(lex, by=bool(by), weights=weights)
    cols = ["group" if by else "id", "category", "matches", "percent"]
    if weights:
        cols.append("score")
    if explain:
        cols.append("explain")
    return cols


# -- the task ------------------------------------------------------------------


class ScoreTask(Task):
    """Counted entry occurrences per document, or per group of documents.

    ``map`` gives, per document, ``(header, tokens, Counter[entry id])``; with
    ``by``, ``{group: [tokens, Counter[entry id]]}``. Integer counts only, so
    merges are exact; floats are made from them when rows are built.
    """

    def __init__(self, lexicon: Lexicon, by: str | None = None) -> None:
        self.lexicon = lexicon
        self.by = by

    def map(self, items: list[Item], analyzer: Analyzer):
        compiled = compile_lexicon(self.lexicon, analyzer)
        if self.by is None:
            return [
                (it.doc.header(), len(it.tok.tokens), compiled.count(it.tok.tokens, it.tok.bounds))
                for it in items
            ]
        groups: dict[str, list] = {}
        for it in items:
            group = it.doc.get(self.by)
            if group is None:
                continue
            slot = groups.get(group)
            if slot is None:
                slot = groups[group] = [0, Counter()]
            slot[0] += len(it.tok.tokens)
            slot[1].update(compiled.count(it.tok.tokens, it.tok.bounds))
        return groups

    def merge(self, left, right):
        if self.by is None:
            return left + right
        for group, (tokens, occ) in right.items():
            slot = left.get(group)
            if slot is None:
                left[group] = [tokens, occ]
            else:
                slot[0] += tokens
                slot[1].update(occ)
        return left


def _figures(compiled: CompiledLexicon, tokens: int, occ: Counter, weights: bool, explain: int) -> list[dict]:
    """Per category: matches, percent, [score], [explain] from entry occurrences."""
    n = len(compiled.categories)
    matches = [0] * n
    weighted: list[list[float]] = [[] for _ in range(n)]
    per_cat: list[list[tuple[int, str, float]]] = [[] for _ in range(n)]
    for e in sorted(occ):
        k = occ[e]
        if not k:
            continue
        c, text, weight, length = compiled.entries[e]
        matches[c] += k * length
        if weights:
            weighted[c].append(k * length * weight)
        if explain:
            per_cat[c].append((k, text, weight))
    out = []
    for c in range(n):
        fig: dict = {
            "matches": matches[c],
            "percent": 100.0 * matches[c] / tokens if tokens else 0.0,
        }
        if weights:
            fig["score"] = 100.0 * math.fsum(weighted[c]) / tokens if tokens else 0.0
        if explain:
            top = sorted(per_cat[c], key=lambda t: (-t[0], t[1]))[:explain]
            fig["explain"] = [
                {"term": text, "count": k, **({"weight": w} if weights else {})}
                for k, text, w in top
            ]
        out.append(fig)
    return out


def category_rows(compiled, key: dict, tokens: int, occ: Counter, *, weights, wide, explain, names) -> list[dict]:
    figs = _figures(compiled, tokens, occ, weights, explain)
    if wide:
        row = dict(key)
        row["tokens"] = tokens
        i = 0
        for fig in figs:
            row[names[i]] = fig["percent"]
            i += 1
            if weights:
                row[names[i]] = fig["score"]
                i += 1
        return [row]
    rows = []
    for cat, fig in zip(compiled.categories, figs, strict=True):
        rows.append({**key, "category": cat, **fig})
    return rows


def score(
    corpus: Corpus,
    lexicon: str | Lexicon,
    options: AnalyzerOptions | None = None,
    *,
    by: str | None = None,
    weights: bool = False,
    wide: bool = False,
    explain: int = 0,
    jobs: int | None = 1,
    progress=None,
) -> Iterator[dict]:
    """Dictionary scores of ``corpus`` with ``lexicon`` (a built-in name, a file or a
    :class:`~textkit.lexicon.Lexicon`), as rows (see the module doc for the formulas).

    - default: one row per document and category, documents in corpus order,
      categories in lexicon order: ``id``, ``category``, ``matches``,
      ``percent``, and ``score`` with ``weights``, ``explain`` (the ``explain``
      entries that matched most) when ``explain > 0``;
    - ``by`` a field: the same per group, ``group`` instead of ``id``, groups
      in sorted order;
    - ``wide``: one row per document (``id``, ``title``, ``date``, ``tokens``)
      or group (``group``, ``tokens``) with a column per category.

    Per-document rows are streamed as batches finish.
    """
    lex = get_lexicon(lexicon)
    options = options or AnalyzerOptions()
    if explain < 0:
        raise ValueError("explain must be 0 or more")
    if wide and explain:
        raise UsageError("--explain lists entries per category: it cannot be used with --wide")
    names = wide_names(lex, by=bool(by), weights=weights) if wide else []
    task = ScoreTask(lex, by)
    analyzer = Analyzer(options)
    compiled = compile_lexicon(lex, analyzer)
    kw = {"weights": weights, "wide": wide, "explain": explain, "names": names}
    if by is None:
        return _stream_docs(corpus, options, task, compiled, kw, jobs, progress)
    (groups,) = run(corpus, options, [task], jobs=jobs, progress=progress)
    return iter(
        [
            row
            for group in sorted(groups)
            for row in category_rows(compiled, {"group": group}, groups[group][0], groups[group][1], **kw)
        ]
    )


def _stream_docs(corpus, options, task, compiled, kw, jobs, progress) -> Iterator[dict]:
    for batch in stream(corpus, options, task, jobs=jobs, progress=progress):
        for header, tokens, occ in batch:
            key = header if kw["wide"] else {"id": header["id"]}
            yield from category_rows(compiled, key, tokens, occ, **kw)
