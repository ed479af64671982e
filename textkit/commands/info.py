"""``textkit info``."""

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
)
from ..info import DOC_INFO_COLUMNS, INFO_COLUMNS, corpus_info, document_info


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--per-doc", is_flag=True, help="One row per document instead of one for the corpus.")
@corpus_options
@tokenizer_options()
@output_options(default_top=0)
@jobs_option
def info(paths, per_doc, fmt, top, jobs, **kw):
    """Corpus size: documents, sentences, tokens, types, characters, dates.

    `tokens` is the corpus size in word tokens (before stop words or other
    filters); `types` counts distinct listed tokens.

    \b
    Examples:
      textkit info
      textkit info ../shared/corpora/kcna-2011.jsonl --format json
      textkit info article.txt --per-doc
      printf 'Hello world. The U.S. met the D.P.R.K.' | textkit info -
    """
    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    with Progress("reading") as progress:
        if per_doc:
            rows = document_info(corpus, options, jobs=jobs, progress=progress)
            if top:
                rows = itertools.islice(rows, top)
            emit(rows, DOC_INFO_COLUMNS, fmt)
        else:
            row = corpus_info(corpus, options, jobs=jobs, progress=progress)
            emit([row], INFO_COLUMNS, fmt)
    report_stats(corpus)
