"""``textkit score``."""

from __future__ import annotations

import itertools

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    analyzer_options_from,
    corpus_from,
    corpus_options,
    emit,
    jobs_option,
    output_options,
    paths_argument,
    report_stats,
    tokenizer_options,
    warn,
)


@click.command("score", context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("-l", "--lexicon", "lexicon_spec", required=True, metavar="NAME|FILE", help="A built-in lexicon (see `textkit lexicons`) or a lexicon file: .yaml/.yml, .json, LIWC .dic, .csv/.tsv.")
@click.option("--by", metavar="FIELD", help="One row per group and category: documents with the same FIELD (year, month, week, day, or any metadata field) added together.")
@click.option("--weights", is_flag=True, help="Add `score`: the entries' weights summed per 100 word tokens.")
@click.option("--wide", is_flag=True, help="One row per document (or group) with a column per category (its percent).")
@click.option("--explain", is_flag=True, help="Add `explain`: the entries that matched most in each category.")
@corpus_options
@tokenizer_options()
@output_options(default_top=0)
@jobs_option
def score(paths, lexicon_spec, by, weights, wide, explain, fmt, top, jobs, **kw):
    """Dictionary (LIWC-style) category scores of each document or group.

    For each document and lexicon category: `matches` (word tokens matched by
    the category's entries; a phrase counts each of its words, a token counts
    once per category, the longest entry first) and `percent` (matches per 100
    word tokens, LIWC's convention). Entries are words, phrases and globs
    (`imperialis*`), tokenized like the text.

    \b
    Examples:
      textkit score --lexicon state-media --by month ../shared/corpora/kcna-2011.jsonl
      textkit score --lexicon state-media --by month --explain --since 2011-12-01
      textkit score --lexicon vader --weights --wide --top 5
      textkit score --lexicon my-categories.dic article.txt --format csv
    """
    from ..lexicon import get_lexicon
    from ..score import EXPLAIN_TOP, score_columns, unmatchable_entries
    from ..score import score as score_rows

    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    lexicon = get_lexicon(lexicon_spec)
    n_explain = EXPLAIN_TOP if explain else 0
    columns = score_columns(lexicon, by=by, weights=weights, wide=wide, explain=n_explain)
    skipped = unmatchable_entries(lexicon, options)
    if skipped:
        shown = ", ".join(repr(s) for s in skipped[:5]) + (" …" if len(skipped) > 5 else "")
        n = len(skipped)
        warn(f"note: lexicon {lexicon_spec}: {n} entr{'ies have' if n != 1 else 'y has'} no word to match and {'are' if n != 1 else 'is'} ignored: {shown}")
    with Progress("scoring") as progress:
        rows = score_rows(
            corpus, lexicon, options, by=by, weights=weights, wide=wide,
            explain=n_explain, jobs=jobs, progress=progress,
        )
        if top:
            rows = itertools.islice(rows, top)
        emit(rows, columns, fmt)
    report_stats(corpus)
