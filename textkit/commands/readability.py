"""``textkit readability``."""

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


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--by", metavar="FIELD", help="One row per group of documents: year, month, week, day or any metadata field.")
@click.option("--mattr-window", type=int, default=50, show_default=True, metavar="N", help="Window of the moving-average type-token ratio (mattr).")
@corpus_options
@output_options(default_top=0)
@jobs_option
def readability(paths, by, mattr_window, fmt, top, jobs, **kw):
    """Readability formulas and lexical diversity per document or group.

    Flesch reading ease, Flesch-Kincaid grade, Gunning fog, SMOG and Coleman-Liau from the
    counts of words, sentences, syllables (CMU Pronouncing Dictionary, rules for unknown
    words) and letters; TTR, MATTR and MTLD (threshold 0.72) on the lower-cased words.
    Every word token counts (no stop words). Formulas and references: docs/readability.md.

    \b
    Examples:
      textkit readability
      echo "The cat in the hat ate breakfast." | textkit readability -
      textkit readability ../shared/corpora/kcna-2011.jsonl --by month
      textkit readability article.txt --mattr-window 100 --format json
    """
    from ..errors import UsageError
    from ..readability_core import DOCUMENT_COLUMNS, GROUP_COLUMNS
    from ..readability_core import readability as readability_rows

    if mattr_window < 1:
        raise UsageError(f"--mattr-window must be at least 1, got {mattr_window}")
    corpus = corpus_from(kw, paths)
    notes: list[str] = []
    with Progress("reading") as progress:
        rows = readability_rows(
            corpus, by=by, mattr_window=mattr_window, top=top, jobs=jobs, progress=progress, notes=notes
        )
        emit(rows, GROUP_COLUMNS if by else DOCUMENT_COLUMNS, fmt)
    for note in notes:
        warn(note)
    report_stats(corpus)
