"""``textkit kwic``: a concordance, with a table that lines the matches up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

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


def print_kwic_table(rows: Iterable[dict], *, out: IO[str] | None = None, width: int | None = None) -> None:
    """A concordance table: the left context right-aligned and cut at its start, the match
    highlighted in one column, the right context left-aligned; one line per match.

    Columns id, date, position, left, match, right: the title is left out to give the
    contexts room, and on a narrow terminal date, position and then id go too.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from ..render import make_console

    rows = list(rows)
    console = make_console(out, width=width)
    if not rows:
        console.print("[dim](no rows)[/dim]")
        return
    cells = [
        {
            "id": str(r["id"]),
            "date": r.get("date") or "",
            "position": str(r["position"]),
            "match": r["match"],
        }
        for r in rows
    ]
    caps = {"id": 24, "date": 10, "position": 8, "match": 28}
    widths = {c: min(caps[c], max(cell_len(c), *(cell_len(x[c]) for x in cells))) for c in caps}
    shown = ["id", "date", "position"]
    while True:  # on a narrow terminal the contexts keep their room: drop date, position, id
        fixed = sum(widths[c] for c in shown) + widths["match"]
        gaps = 3 * (len(shown) + 2)  # a separator and two spaces of padding between columns
        room = console.width - fixed - gaps
        if room >= 40 or not shown:
            break
        shown.pop(1 if len(shown) > 1 else 0)
    room = max(16, room)
    left_w = room // 2
    right_w = room - left_w
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, padding=(0, 1), show_edge=False)
    for c in shown:
        table.add_column(c, width=widths[c], justify="right" if c == "position" else "left", no_wrap=True, overflow="ellipsis")
    table.add_column("left", width=left_w, justify="right", no_wrap=True, overflow="ellipsis")
    table.add_column("match", width=widths["match"], no_wrap=True, overflow="ellipsis", style="bold magenta")
    table.add_column("right", width=right_w, justify="left", no_wrap=True, overflow="ellipsis")
    for r, c in zip(rows, cells, strict=True):
        left = r["left"]
        if cell_len(left) > left_w:  # keep the words next to the match
            while cell_len(left) > left_w - 1:
                left = left[1:]
            left = "…" + left
        table.add_row(*[c[k] for k in shown], Text(left), Text(c["match"]), Text(r["right"]))
    console.print(table)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("pattern")
@paths_argument
@click.option("--window", type=click.IntRange(min=0), default=7, show_default=True, metavar="N", help="Tokens of context on each side.")
@click.option("--regex", is_flag=True, help="PATTERN is a Python regular expression that must match one whole token.")
@click.option("--case-sensitive", is_flag=True, help="Match the case of the text (default: ignore case).")
@click.option("--sort", type=click.Choice(["position", "left", "right"]), default="position", show_default=True, help="Corpus order, or by the words nearest the match on the left (1L, 2L …) or right (1R, 2R …).")
@click.option("--sample", type=click.IntRange(min=0), default=None, metavar="N", help="A random sample of N matches (reproducible with --seed).")
@click.option("--seed", type=int, default=0, show_default=True, metavar="S", help="Seed of --sample.")
@click.option("--count", "count_only", is_flag=True, help="One row per document with its number of matches instead.")
@corpus_options
@tokenizer_options()
@output_options(default_top=0)
@jobs_option
def kwic(pattern, paths, window, regex, case_sensitive, sort, sample, seed, count_only, fmt, top, jobs, **kw):
    """Keyword in context: every occurrence of PATTERN with the words around it.

    PATTERN is a word or phrase as every command reads one ('kim jong il' also
    finds "Kim Jong Il's"; a trailing * matches any ending), or with --regex a
    regular expression over single tokens. Contexts are the original text.
    Rows: id, title, date, position (0-based token index), left, match, right;
    with --count: id, title, date, matches. No match gives no rows (exit 0).

    \b
    Examples:
      textkit kwic "kim jong il" --top 10
      textkit kwic "imperialis*" --sort left --window 5
      textkit kwic "kim jong il" ../shared/corpora/kcna-2011.jsonl --count --format csv
      textkit kwic --regex "songun\\w*" --sample 20 --seed 1
    """
    from ..kwic import KWIC_COLUMNS, KWIC_COUNT_COLUMNS, kwic_counts
    from ..kwic import kwic as concordance

    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    fmt = resolve_format(fmt)
    with Progress("searching") as progress:
        if count_only:
            rows = kwic_counts(corpus, pattern, options, regex=regex, case_sensitive=case_sensitive, top=top, jobs=jobs, progress=progress)
            emit(rows, KWIC_COUNT_COLUMNS, fmt)
        else:
            rows = concordance(
                corpus,
                pattern,
                options,
                window=window,
                regex=regex,
                case_sensitive=case_sensitive,
                sort=sort,
                sample=sample,
                seed=seed,
                top=top,
                jobs=jobs,
                progress=progress,
            )
            if fmt == "table":
                print_kwic_table(rows)
            else:
                emit(rows, KWIC_COLUMNS, fmt)
    report_stats(corpus)
