"""``textkit tokenize``."""

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
from ..info import tokenized_documents
from ..render import csv_cell


def _sentences_cell(value) -> str:
    return " | ".join(" ".join(s) for s in value or [])


@click.command("tokenize", context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--sentences", is_flag=True, help="Give each document's sentences as lists of tokens.")
@corpus_options
@tokenizer_options()
@output_options(default_top=0)
@jobs_option
def tokenize_cmd(paths, sentences, fmt, top, jobs, **kw):
    """Tokens of each document, as every other command counts them.

    One row per document: id, title, date and tokens (or, with --sentences,
    sentences: a list of token lists). In CSV/TSV, tokens are joined by spaces
    and sentences by ' | '.

    \b
    Examples:
      textkit tokenize corpora/pyongyang-times-2024-03-01.txt
      textkit tokenize --stopwords english --compound "kim jong un" article.txt
      textkit tokenize ../shared/corpora/kcna-2011.jsonl --format jsonl | head -1
    """
    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    with Progress("tokenizing") as progress:
        rows = tokenized_documents(corpus, options, sentences=sentences, jobs=jobs, progress=progress)
        if top:
            rows = itertools.islice(rows, top)
        field = "sentences" if sentences else "tokens"
        cells = {"tokens": lambda v: " ".join(v or []), "sentences": _sentences_cell}
        emit(rows, ["id", "title", "date", field], fmt, cells=cells)
    report_stats(corpus)
    _ = csv_cell
