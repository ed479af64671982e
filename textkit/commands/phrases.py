"""``textkit phrases``."""

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
    resolve_format,
    tokenizer_options,
)
from ..dates import period_range
from ..errors import UsageError

COLUMNS = ["phrase", "n", "count", "docs", "per_million", "variants", "first_date", "last_date"]
PERIODS = ("year", "month", "week", "day")
#: variants shown in a table cell after their number
TABLE_VARIANTS = 2


def variants_cell(value) -> str:
    """CSV/TSV: the variants as ``phrase (docs) | phrase (docs) | …`` in head order."""
    return " | ".join(f"{v['phrase']} ({v['docs']})" for v in value or [])


def _short(variant: str, core: tuple[str, ...]) -> str:
    """A variant with the family's core written ``~`` (as a dictionary writes its headword):
    under "the dear respected kim jong un" (core "dear respected kim jong un"), "of the dear
    respected kim jong un" is "of the ~" and "the dear respected kim jong un's" is "the ~'s"."""
    words = variant.split()
    k = len(core)
    if k == 0:
        return variant
    for o in range(len(words) - k + 1):
        run = words[o:o + k]
        if run[:-1] == list(core[:-1]) and run[-1] in (core[-1], core[-1] + "'s"):
            tilde = "~" + run[-1][len(core[-1]):]
            return " ".join([*words[:o], tilde, *words[o + k:]])
    return variant


def _table_variants(value, head: str) -> str:
    """Table: the number of variants and the first few, ``12: of the ~ | ~ received a | …``."""
    from ..phrases import phrase_core

    if not value:
        return ""
    core = phrase_core(head)
    shown = " | ".join(_short(v["phrase"], core) for v in value[:TABLE_VARIANTS])
    more = " | …" if len(value) > TABLE_VARIANTS else ""
    return f"{len(value)}: {shown}{more}"


def _table_groups(groups: dict, labels: list[str], by: str) -> str:
    """Table: a sparkline of docs per period (every label in order), or the top 3 groups."""
    from ..render import sparkline

    if by in PERIODS:
        return sparkline([groups.get(g, {}).get("docs", 0) for g in labels])
    top = sorted(groups.items(), key=lambda kv: (-kv[1]["docs"], kv[0]))[:3]
    return ", ".join(f"{g} ({v['docs']})" for g, v in top)


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--min-n", type=click.IntRange(min=1), default=4, show_default=True, metavar="N",
              help="Shortest phrase, in tokens.")
@click.option("--max-n", type=click.IntRange(min=1), default=32, show_default=True, metavar="N",
              help="Longest phrase, in tokens (a longer one shows as its first N tokens).")
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True,
              metavar="N", help="A phrase must occur at least N times ...")
@click.option("--min-docs", type=click.IntRange(min=1), default=3, show_default=True,
              metavar="N", help="... in at least N documents.")
@click.option("--absorb", type=click.FloatRange(0, 1, min_open=True), default=0.9,
              show_default=True, metavar="SHARE",
              help="Drop a phrase when longer recurring phrases contain at least this share of "
                   "its occurrences.")
@click.option("--flat", is_flag=True, help="Every maximal phrase on its own row (no families).")
@click.option("--all", "all_", is_flag=True,
              help="Every recurring n-gram (the classic lexical-bundle list).")
@click.option("--sort", "sort", type=click.Choice(["docs", "count", "length"]), default="docs",
              show_default=True, help="Order of the rows (descending).")
@click.option("--by", metavar="FIELD",
              help="Per-group docs and count: year, month, week, day or any metadata field.")
@corpus_options
@tokenizer_options(default_stopwords="none")
@output_options(default_top=20)
@jobs_option
def phrases(paths, min_n, max_n, min_count, min_docs, absorb, flat, all_, sort, by, fmt, top,
            jobs, **kw):
    """Recurring formulas: word sequences repeated verbatim across documents.

    Finds sequences of --min-n to --max-n tokens that occur at least --min-count
    times in at least --min-docs documents, never across a sentence; stop words
    are kept. A sequence is dropped when longer recurring sequences contain
    --absorb (0.9) of its occurrences, so a 20-word title shows once, not as its
    pieces. By default near-identical variants (a word more or less at an edge,
    a possessive) are one row named by the most widespread member, the others
    in `variants`; fragments whose core (without function words at the edges)
    is under 3 words are left out. --flat lists every maximal phrase, --all
    every recurring n-gram. With --stopwords, a phrase must begin and end with
    a word that is not a stop word.

    \b
    Examples:
      textkit phrases
      textkit phrases ../shared/corpora/kcna-2011.jsonl --top 40
      textkit phrases ../shared/corpora/kcna-2011.jsonl --sort length --top 10
      textkit phrases ../shared/corpora/kcna-2011.jsonl --min-n 8 --by month
      textkit phrases --flat --format csv --top 0 > phrases.csv
    """
    from ..phrases import phrases as find

    if flat and all_:
        raise UsageError("--flat and --all cannot be used together")
    if max_n < min_n:
        raise UsageError(f"--max-n ({max_n}) must be at least --min-n ({min_n})")
    if by is not None and not by.strip():
        raise UsageError("--by needs a field name (year, month, week, day or a metadata field)")
    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    mode = "flat" if flat else "all" if all_ else "families"
    with Progress("finding phrases") as progress:
        try:
            rows = find(corpus, options, min_n=min_n, max_n=max_n, min_count=min_count,
                        min_docs=min_docs, absorb=absorb, mode=mode, by=by, sort=sort,
                        jobs=jobs, progress=progress)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    labels: list[str] = []
    if by in PERIODS:  # every period from the first to the last date, gaps included
        dated = [r["first_date"] for r in rows if r["first_date"]]
        if dated:
            labels = period_range(min(dated), max(r["last_date"] for r in rows
                                                  if r["last_date"]), by)
    if top:
        rows = rows[:top]
    columns = list(COLUMNS)
    fmt = resolve_format(fmt)
    if fmt == "table":
        column = f"docs by {by}" if by else None
        if labels:
            column = f"docs by {by} {labels[0]}…{labels[-1]}"
        shown = []
        for r in rows:
            row = {**r, "variants": _table_variants(r["variants"], r["phrase"])}
            if by:
                row[column] = _table_groups(r.get("groups", {}), labels, by)
            shown.append(row)
        rows = shown
        if by:
            columns.append(column)
    elif by:
        columns.append("groups")
    emit(rows, columns, fmt, cells={"variants": variants_cell})
    report_stats(corpus)
