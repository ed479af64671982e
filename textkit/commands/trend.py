"""``textkit trend``."""

from __future__ import annotations

from pathlib import Path

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    analyzer_options_from,
    corpus_from,
    corpus_options,
    jobs_option,
    output_options,
    paths_argument,
    report_stats,
    resolve_format,
    tokenizer_options,
    warn,
)
from ..errors import InputError, UsageError
from ..trend import PERIODS

SPARK_WIDTH = 40


def _spark_values(values: list[float], width: int = SPARK_WIDTH) -> list[float]:
    """At most ``width`` values: longer series are cut into ``width`` consecutive runs
    and each run shows its maximum (so a one-day peak stays visible)."""
    n = len(values)
    if n <= width:
        return values
    return [max(values[i * n // width : (i + 1) * n // width]) for i in range(width)]


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("-t", "--term", "terms", multiple=True, required=True, metavar="TERM", help="A word or phrase to follow (repeatable); a trailing * matches any ending, 's is included.")
@click.option("--by", type=click.Choice(PERIODS), default="month", show_default=True, help="Period: day, ISO week, month or year of the document date.")
@click.option("--summary", is_flag=True, help="One row per term (total, peak period, peak per million) instead of the period rows.")
@click.option("--plot", "plot", metavar="FILE", default=None, help="Also draw the per-million series as a line chart in FILE (.png or .svg; needs the plot extra).")
@corpus_options
@tokenizer_options()
@output_options(default_top=0)
@jobs_option
def trend(paths, terms, by, summary, plot, fmt, top, jobs, **kw):
    """Terms over time: count, per million and documents by period.

    One row per period and term: period, term, count, tokens (the period's
    size in word tokens), per_million, docs (documents of the period that
    mention the term) and doc_share (their share of the period's documents).
    Every period from the first to the last dated document appears, zeros
    included; undated documents are left out (a note says how many). A table
    is followed by one line per term: its series as a sparkline, its total and
    its peak period. --summary gives only those per-term rows, in any format.
    --top N keeps the N terms used most often.

    \b
    Examples:
      textkit trend -t "kim jong un" -t "kim jong il" --by day
      textkit trend -t "kim jong un" -t "kim jong il" ../shared/corpora/kcna-2011.jsonl
      textkit trend -t "imperialis*" ../shared/corpora/kcna-2011.jsonl --by week --summary
      textkit trend -t "kim jong un" ../shared/corpora/kcna-2011.jsonl --plot trend.png
    """
    from ..trend import (
        PLOT_SUFFIXES,
        SUMMARY_COLUMNS,
        TREND_COLUMNS,
        plot_available,
        plot_trend,
        top_terms,
        trend_series,
        trend_summary,
    )
    from ..trend import trend as trend_rows

    if plot is not None:
        if Path(plot).suffix.lower() not in PLOT_SUFFIXES:
            raise UsageError(f"--plot {plot!r}: the file name must end in .png or .svg")
        if not plot_available():
            raise UsageError("--plot needs matplotlib: pip install 'textkit[plot]'")
    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    with Progress("counting") as progress:
        try:
            rows = trend_rows(corpus, terms, options, by=by, jobs=jobs, progress=progress, warn=warn)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if top:
        rows = top_terms(rows, top)
    fmt = resolve_format(fmt)
    per_term = trend_summary(rows)
    if fmt == "table":
        from ..render import print_table, sparkline

        series = trend_series(rows)
        spark_rows = [{**s, "series": sparkline(_spark_values(series[s["term"]]))} for s in per_term]
        spark_columns = ["term", "series", "count", "peak_period", "peak_per_million"]
        if not summary:
            print_table(rows, TREND_COLUMNS)
            if spark_rows:
                click.echo()
        if spark_rows or summary:
            print_table(spark_rows, spark_columns, title=f"per million by {by}")
    else:
        from ..render import render

        if summary:
            render(per_term, fmt, SUMMARY_COLUMNS)
        else:
            render(rows, fmt, TREND_COLUMNS)
    if plot is not None:
        try:
            plot_trend(rows, plot, by=by)
        except OSError as exc:
            raise InputError(f"{plot}: cannot write the plot ({exc.strerror or exc})") from exc
        warn(f"wrote {plot}")
    report_stats(corpus)
