"""``textkit freq``."""

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
    warn,
)
from ..errors import UsageError


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--ngram", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="Count word n-grams of N words (within a sentence) instead of single words.")
@click.option("--by", metavar="FIELD", default=None, help="Count per group of documents: year, month, week or day of the date, or any metadata field (source, ...).")
@click.option("--parts", type=click.IntRange(min=1), default=None, metavar="N", help="Dispersion over N equal slices of the token stream instead of over the documents.")
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="Leave out terms used fewer than N times (per group).")
@click.option("--min-docs", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="Leave out terms found in fewer than N documents (per group).")
@corpus_options
@tokenizer_options(default_stopwords="none")
@output_options(default_top=0)
@jobs_option
def freq(paths, ngram, by, parts, min_count, min_docs, fmt, top, jobs, **kw):
    """Term frequencies with dispersion: count, per million, documents, DP, D.

    One row per term (a listed token, or with --ngram a word n-gram): count,
    per_million (per million word tokens of the corpus or group), docs
    (documents holding it), Gries' DP and DP_norm and Juilland's D over the
    documents (or --parts N equal slices of the token stream), and rank. Sorted
    by count, ties by term. Stop words are kept unless --stopwords says
    otherwise. With --by, rows carry the group; every figure and --top are
    per group.

    \b
    Examples:
      textkit freq --top 20
      textkit freq --stopwords english --ngram 3 --top 10
      textkit freq ../shared/corpora/kcna-2011.jsonl --by month --top 5
      textkit freq --parts 10 --min-count 50 --format csv
    """
    from ..frequencies import freq_columns, term_frequencies

    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    by = by.strip() if by else None
    if by == "":
        raise UsageError("--by needs a field name (year, month, week, day, source, ...)")
    with Progress("counting") as progress:
        try:
            rows = term_frequencies(
                corpus,
                options,
                ngram=ngram,
                by=by,
                parts=parts,
                min_count=min_count,
                min_docs=min_docs,
                top=top,
                jobs=jobs,
                progress=progress,
                warn=warn,
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    emit(rows, freq_columns(by), fmt)
    report_stats(corpus)
