"""``textkit compare``."""

from __future__ import annotations

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    analyzer_options_from,
    corpus_options,
    emit,
    jobs_option,
    output_options,
    read_options_from,
    report_stats,
    resolve_format,
    tokenizer_options,
    warn,
)
from ..corpus import STDIN, Corpus
from ..errors import UsageError
from ..measures.keyness import ADJUST_METHODS, KEYNESS_ARRAY_MEASURES

_SORTS = "|".join(sorted(KEYNESS_ARRAY_MEASURES))


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, metavar="A [B]", type=str)
@click.option("--target", "target", multiple=True, metavar="FIELD=VALUE", help="Compare the documents of one corpus whose FIELD is VALUE (year, month, day, source …) with all the others (repeatable: all must match).")
@click.option("--target-since", metavar="DATE", help="Side A: documents dated on or after DATE (the rest is B).")
@click.option("--target-until", metavar="DATE", help="Side A: documents dated on or before DATE (the rest is B).")
@click.option("--reference", metavar="NAME", help="Compare A with general word frequencies instead of a corpus B: english (needs wordfreq).")
@click.option("--label-a", metavar="TEXT", help="Name of side A [default: its file name, or the target].")
@click.option("--label-b", metavar="TEXT", help="Name of side B [default: its file name, or 'rest'].")
@click.option("--sort", "sort", default=None, metavar=_SORTS, help="Order by this measure's absolute value, largest first [default: g2; log_ratio with --reference].")
@click.option("--side", type=click.Choice(["a", "b", "both"]), default="both", show_default=True, help="Keep the keywords of A (used more in A per million), of B, or both.")
@click.option("--min-count", type=click.IntRange(min=0), default=5, show_default=True, metavar="N", help="Test only terms counted at least N times in A and B together (in A with --reference).")
@click.option("--max-p", type=click.FloatRange(min=0, max=1, min_open=True), default=None, metavar="P", help="Keep terms whose p-value (after --correct) is below P.")
@click.option("--correct", default="none", show_default=True, metavar="|".join(ADJUST_METHODS), help="Adjust p-values for the number of terms tested (Bonferroni, or Benjamini-Hochberg FDR).")
@click.option("--ngram", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="Compare N-word sequences (within sentences) instead of words.")
@click.option("--summary", is_flag=True, help="Print the summary rows (tokens, types, shared types, cosine) instead of the terms.")
@corpus_options
@tokenizer_options(default_stopwords="none")
@output_options(default_top=20)
@jobs_option
def compare(paths, target, target_since, target_until, reference, label_a, label_b, sort, side, min_count, max_p, correct, ngram, summary, fmt, top, jobs, **kw):
    """Keyness: the terms corpus A uses more (or less) than corpus B.

    A and B are files, directories or - (standard input). With --target,
    --target-since or --target-until, one corpus is split into the documents
    that match (A) and the rest (B). With --reference english, A is set
    against general English word frequencies (wordfreq).

    One row per term: counts and per-million in A and B, Rayson's
    log-likelihood g2, its p-value (chi-square, 1 df), Hardie's log_ratio
    (log2 of the ratio of relative frequencies), %DIFF and BIC, and which side
    uses the term more (keyness_for). Stop words are kept. In a table, a
    summary of both sides goes to stderr.

    \b
    Examples:
      textkit compare --target month=2011-12 ../shared/corpora/kcna-2011.jsonl
      textkit compare ../shared/corpora/kcna-2011.jsonl --target-until 2011-06-30 --side a
      textkit compare corpora/pyongyang-times-2024-03-01.txt corpora/kcna-2011-12-10-to-24.jsonl --side a
      textkit compare --reference english --stopwords english --top 30
      textkit compare --target month=2011-12 --summary ../shared/corpora/kcna-2011.jsonl
    """
    from ..keyness import COMPARE_COLUMNS, SUMMARY_COLUMNS, Target
    from ..keyness import compare as compare_core

    read_options = read_options_from(kw)
    options = analyzer_options_from(kw)
    split = None
    if target or target_since or target_until:
        split = Target.parse(target, target_since, target_until)
    corpus_b = None
    if split is not None or reference is not None:
        if split is not None and reference is not None:
            raise UsageError("--reference cannot be used with --target/--target-since/--target-until")
        corpus_a = Corpus(list(paths), read_options)
        corpora = [corpus_a]
    else:
        if len(paths) != 2:
            raise UsageError(
                f"compare needs two corpora A and B (got {len(paths)}), "
                "or one corpus with --target FIELD=VALUE, --target-since/--target-until or --reference"
            )
        if paths[0] == STDIN and paths[1] == STDIN:
            raise UsageError("'-' (standard input) can be given only once")
        corpus_a = Corpus([paths[0]], read_options)
        corpus_b = Corpus([paths[1]], read_options)
        corpora = [corpus_a, corpus_b]
    with Progress("counting") as progress:
        result = compare_core(
            corpus_a,
            corpus_b,
            options,
            target=split,
            reference=reference,
            label_a=label_a,
            label_b=label_b,
            ngram=ngram,
            min_count=min_count,
            max_p=max_p,
            correct=correct,
            sort=sort,
            side=side,
            top=top,
            jobs=jobs,
            progress=progress,
        )
    if summary:
        emit(result.summary, SUMMARY_COLUMNS, fmt)
    else:
        fmt = resolve_format(fmt)
        if fmt == "table":
            from ..render import build_table, make_console

            make_console(stderr=True).print(build_table(result.summary, SUMMARY_COLUMNS))
        emit(result.rows, COMPARE_COLUMNS, fmt)
    for note in result.notes:
        warn(note)
    report_stats(*corpora)
