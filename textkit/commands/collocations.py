"""``textkit collocations``."""

from __future__ import annotations

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
)
from ..measures.association import ASSOCIATION_MEASURES


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--measure", type=click.Choice(sorted(ASSOCIATION_MEASURES)), default="llr", show_default=True, help="Association measure (NLTK's; dice is for pairs only).")
@click.option("--size", type=click.IntRange(2, 3), default=2, show_default=True, help="2 for word pairs, 3 for triples.")
@click.option("--window", type=click.IntRange(min=2), default=None, metavar="N", help="Window of N tokens, as NLTK's window_size: words at most N-1 tokens apart [default: 2 for pairs, 3 for triples, 5 with --node].")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True, metavar="N", help="Leave out candidates seen fewer than N times.")
@click.option("--node", metavar="PATTERN", help="List the collocates of one word or phrase (with their side) instead.")
@corpus_options
@tokenizer_options(default_stopwords="english")
@output_options(default_top=20)
@jobs_option
def collocations(paths, measure, size, window, min_count, node, fmt, top, jobs, **kw):
    """Word pairs or triples scored by an association measure.

    Counts are NLTK's collocation finders' over the sentences of the corpus
    (windows never cross a sentence boundary; N is every word token); stop words
    (english by default, --stopwords none keeps them) are dropped from the
    candidates after counting. Rows: collocation, count, score, measure, by score.
    With --node: node, collocate, position (left, right or both), left, right,
    count, score, measure.

    \b
    Examples:
      textkit collocations --top 20
      textkit collocations --size 3 --measure llr ../shared/corpora/kcna-2011.jsonl
      textkit collocations --measure pmi --min-count 10 --window 5
      textkit collocations --node imperialists ../shared/corpora/kcna-2011.jsonl
    """
    from ..collocations import COLLOCATION_COLUMNS, NODE_COLUMNS
    from ..collocations import collocations as find_collocations

    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    with Progress("counting") as progress:
        rows = find_collocations(
            corpus,
            options,
            measure=measure,
            size=size,
            window=window,
            min_count=min_count,
            node=node,
            top=top,
            jobs=jobs,
            progress=progress,
        )
    emit(rows, NODE_COLUMNS if node is not None else COLLOCATION_COLUMNS, fmt)
    report_stats(corpus)
