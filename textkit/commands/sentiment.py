"""``textkit sentiment``."""

from __future__ import annotations

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    corpus_from,
    corpus_options,
    emit,
    jobs_option,
    output_options,
    paths_argument,
    report_stats,
    warn,
)

UNIT_CHOICES = ("aggregate", "sentence", "document")


def explain_cell(value) -> str:
    """A CSV/TSV cell for ``explain``: ``term (+0.1234) | term (-2.1)`` (every digit kept)."""
    return " | ".join(f"{item['term']} ({item['valence']:+})" for item in value or [])


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option(
    "--unit",
    type=click.Choice(UNIT_CHOICES),
    default="aggregate",
    show_default=True,
    help="aggregate: one row per document, the means of its sentence scores; sentence: one row "
    "per sentence; document: VADER on each whole text at once.",
)
@click.option("--by", metavar="FIELD", help="One row per group of documents: year, month, week, day or any metadata field.")
@click.option("--explain", is_flag=True, help="Add the words that moved each row's score most (explain).")
@click.option("--explain-top", type=click.IntRange(min=0), default=5, show_default=True, metavar="N", help="Words per explanation (0 = all).")
@click.option(
    "--valence",
    "valence",
    multiple=True,
    metavar="FILE|state-media",
    help="Override or add lexicon entries: a file with 'word<TAB>valence' a line (-4..+4; 0 removes "
    "the word), or state-media for textkit's corrections for state-media prose. Repeatable; later "
    "files win.",
)
@click.option("--sort", metavar="FIELD", help="Sort rows by FIELD, highest first (compound, pos, neg, …); adds rank.")
@click.option("--reverse", is_flag=True, help="With --sort: lowest first.")
@corpus_options
@output_options(default_top=0)
@jobs_option
def sentiment(paths, unit, by, explain, explain_top, valence, sort, reverse, fmt, top, jobs, **kw):
    """VADER sentiment per document (from its sentences), per sentence or per group.

    VADER (Hutto & Gilbert 2014, vaderSentiment 3.3.2, offline) scores each sentence:
    compound from -1 to +1 and the pos/neu/neg proportions. A document row holds the means over
    its sentences and the shares of positive (compound >= 0.05) and negative (<= -0.05)
    sentences. VADER's lexicon was rated on social-media text: see docs/sentiment-vader.md
    for what it misreads in state-media prose (--valence state-media corrects some of it).

    \b
    Examples:
      textkit sentiment
      textkit sentiment ../shared/corpora/kcna-2011.jsonl --by month
      textkit sentiment --sort compound --reverse --top 5 --explain
      textkit sentiment --unit sentence --sort compound --top 10 --valence state-media
      echo '{"text": "VADER is smart, handsome, and funny."}' | textkit sentiment - --unit document
    """
    from ..sentiment import load_valence, sentiment_columns
    from ..sentiment import sentiment as sentiment_rows

    corpus = corpus_from(kw, paths)
    overrides = load_valence(valence)
    notes: list[str] = []
    with Progress("scoring") as progress:
        rows = sentiment_rows(
            corpus,
            unit=unit,
            by=by,
            explain=explain,
            explain_top=explain_top,
            valence=overrides,
            sort=sort,
            reverse=reverse,
            top=top,
            jobs=jobs,
            progress=progress,
            notes=notes,
        )
        columns = sentiment_columns(unit, by=by, explain=explain, sort=sort)
        emit(rows, columns, fmt, cells={"explain": explain_cell})
    for note in notes:
        warn(note)
    report_stats(corpus)
