"""``textkit report``: the whole corpus at a glance, in a terminal, as JSON or as HTML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    analyzer_options_from,
    corpus_bytes,
    corpus_from,
    corpus_options,
    jobs_option,
    paths_argument,
    report_stats,
    resolve_format,
    tokenizer_options,
    warn,
)
from ..errors import InputError, UsageError
from ..render import FORMATS

PERIOD_CHOICES = ("auto", "day", "week", "month", "year")
SPARK_WIDTH = 40


# --------------------------------------------------------------------------- helpers


def spark(values: Sequence[float | None], width: int = SPARK_WIDTH) -> str:
    """A sparkline of at most ``width`` characters: a longer series is cut into
    ``width`` runs, each shown by its maximum (a one-day peak stays visible)."""
    from ..render import sparkline

    vals = [0.0 if v is None else float(v) for v in values]
    n = len(vals)
    if n > width:
        vals = [max(vals[i * n // width : (i + 1) * n // width]) for i in range(width)]
    return sparkline(vals)


def _num(value: Any) -> str:
    """Integers with thousands separators; floats rounded as every textkit table rounds them."""
    from ..render import table_cell

    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return table_cell(value)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.3f}"


class StagedProgress(Progress):
    """The shared progress bar, whose label can say what the report is doing after the pass."""

    def stage(self, label: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=label)


# --------------------------------------------------------------------------- terminal


def _table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], *, expand: bool = False):
    """A compact Rich table: ``columns`` as (header, justify)."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=expand, header_style="bold", show_edge=False)
    for header, justify in columns:
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return table


def _note(text: str):
    from rich.text import Text

    return Text(text, style="italic dim")


def _panel(title: str, body: Any, caption: str | None = None):
    from rich.console import Group
    from rich.panel import Panel

    parts = [body] if not isinstance(body, list) else body
    if caption:
        parts = [*parts, _note(caption)]
    return Panel(Group(*parts), title=f"[bold]{title}[/bold]", title_align="left", border_style="cyan", padding=(0, 1))


def _skipped(report: dict, name: str) -> str | None:
    return report["meta"]["skipped"].get(name)


def _command_of(report: dict, name: str) -> str | None:
    return report["meta"]["sections"].get(name, {}).get("command")


def terminal_renderables(report: dict) -> list:
    """The report as a list of Rich renderables (one panel per section)."""
    from rich.text import Text

    from ..report import SECTION_TITLES, section_order

    meta = report["meta"]
    period = meta["options"]["period"]
    files = ", ".join(f["path"] for f in meta["files"]) or "stdin"
    out: list = []
    title = Text.assemble(("textkit report", "bold"), "  ", (files, "cyan"))
    out.append(title)

    for name in section_order(report):
        rows = report[name]
        section_title = SECTION_TITLES[name]
        if name == "keyness" and meta["sections"].get("keyness"):
            section_title = f"Keywords of {meta['sections']['keyness']['target'].split('=', 1)[1]} against the rest"
        skipped = _skipped(report, name)
        caption = _command_of(report, name)
        body: Any
        if skipped:
            body = _note(f"skipped: {skipped}")
            caption = None
        elif name == "corpus":
            body = _corpus_body(rows[0], period)
        elif name == "frequencies":
            body = _table(
                [("#", "right"), ("term", "left"), ("count", "right"), ("per million", "right"), ("docs", "right"), ("DP", "right"), ("Juilland D", "right")],
                [[str(r["rank"]), r["term"], _num(r["count"]), _num(r["per_million"]), _num(r["docs"]), _num(r["dp"]), _num(r["juilland_d"])] for r in rows],
            )
        elif name == "keywords":
            body = _table(
                [("#", "right"), ("term", "left"), ("mean tf-idf", "right"), ("max", "right"), ("docs", "right")],
                [[str(i), r["term"], _num(r["score"]), _num(r["max_score"]), _num(r["docs"])] for i, r in enumerate(rows, 1)],
            )
        elif name == "keyness":
            body = _table(
                [("#", "right"), ("term", "left"), ("count A", "right"), ("count B", "right"), ("per M A", "right"), ("per M B", "right"), ("G2", "right"), ("log ratio", "right")],
                [[str(i), r["term"], _num(r["count_a"]), _num(r["count_b"]), _num(r["per_million_a"]), _num(r["per_million_b"]), _num(r["g2"]), _num(r["log_ratio"])] for i, r in enumerate(rows, 1)],
            )
            k = meta["sections"]["keyness"]
            caption = f"A: {k['target']} ({k['documents_a']:,} documents), B: the rest ({k['documents_b']:,}); G2 = log-likelihood, log ratio = log2 of the ratio of per-million rates\n{caption}"
        elif name == "phrases":
            body = _table(
                [("#", "right"), ("formula", "left"), ("docs", "right"), ("count", "right"), ("variants", "right")],
                [[str(i), r["phrase"], _num(r["docs"]), _num(r["count"]), str(len(r["variants"]))] for i, r in enumerate(rows, 1)],
            )
        elif name == "collocations":
            body = _table(
                [("#", "right"), ("collocation", "left"), ("count", "right"), ("log-likelihood", "right")],
                [[str(i), r["collocation"], _num(r["count"]), _num(r["score"])] for i, r in enumerate(rows, 1)],
            )
        elif name == "tone":
            body = _tone_body(report, period)
            caption = "\n".join(c for c in meta["sections"]["tone"]["commands"].values() if c)
        elif name == "trends":
            body = _trends_body(rows, period, meta["sections"]["trends"]["terms"])
        else:  # pragma: no cover - every section is handled above
            body = Text("")
        if not skipped and isinstance(rows, list) and not rows and name != "corpus":
            body = _note("no rows")
        out.append(_panel(section_title, body, caption))
    notes = [f"note: {n}" for n in meta["notes"]]
    if notes:
        out.append(_note("\n".join(notes)))
    return out


def _corpus_body(row: dict, period: str | None):
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="right")
    grid.add_column()
    grid.add_row("documents", f"{row['documents']:,}" + (f"  ({row['undated']:,} undated)" if row["undated"] else ""))
    grid.add_row("sentences", f"{row['sentences']:,}")
    grid.add_row("tokens", f"{row['tokens']:,}")
    grid.add_row("types", f"{row['types']:,}")
    if row["date_min"]:
        grid.add_row("dates", f"{row['date_min']} → {row['date_max']}")
    periods = row["periods"]
    if periods:
        line = Text.assemble((spark([p["documents"] for p in periods]), "green"), f"  {periods[0]['period']} … {periods[-1]['period']}, {len(periods)} {period}{'s' if len(periods) != 1 else ''}; most: {max(periods, key=lambda p: (p['documents'], p['period']))['period']}")
        grid.add_row(f"documents per {period}", line)
    if row["sources"]:
        grid.add_row("sources", ", ".join(f"{s['source']} ({s['documents']:,})" for s in row["sources"]))
    return grid


def _tone_body(report: dict, period: str | None):
    from rich.text import Text

    tone = report["tone"]
    o = tone["overall"]
    parts: list = []
    line = Text.assemble(
        "mean VADER compound ", (_signed(o["compound_mean"]), "bold"),
        f" (sd {_num(o['compound_sd'])}) over {o['documents']:,} documents; ",
        (_pct(o["positive_share"]), "green"), " positive, ", (_pct(o["negative_share"]), "red"), " negative",
    )
    parts.append(line)
    by = tone["by_period"]
    labels = [p["period"] for p in report["corpus"][0]["periods"]] if "corpus" in report else sorted({r["group"] for r in by})
    if by:
        values = {r["group"]: r["compound_mean"] for r in by}
        parts.append(Text.assemble(f"compound per {period}  ", (spark([values.get(p) for p in labels]), "green"),
                                   f"  lowest {min(by, key=lambda r: (r['compound_mean'], r['group']))['group']}, highest {max(by, key=lambda r: (r['compound_mean'], r['group']))['group']}"))
    cat_rows = []
    per: dict[str, dict[str, float]] = {}
    for r in tone["categories_by_period"]:
        per.setdefault(r["category"], {})[r["group"]] = r["percent"]
    for r in tone["categories"]:
        series = per.get(r["category"], {})
        peak = max(series.items(), key=lambda e: (e[1], e[0]))[0] if series else ""
        cat_rows.append([r["category"], _num(r["matches"]), f"{r['percent']:.2f}", spark([series.get(p, 0.0) for p in labels]) if series else "", peak])
    parts.append(_table([("state-media category", "left"), ("words", "right"), ("% of words", "right"), (f"per {period}" if period else "", "left"), ("peak", "left")], cat_rows))
    for key, label in (("most_positive", "most positive"), ("most_negative", "most negative")):
        rows = tone[key]
        if rows:
            parts.append(_table([(label, "left"), ("date", "left"), ("compound", "right")],
                                [[r["title"] or r["id"], r["date"] or "", _signed(r["compound"])] for r in rows]))
    return parts


def _trends_body(rows: list[dict], period: str | None, terms: Sequence[str]):
    from ..trend import trend_series, trend_summary

    series = trend_series(rows)
    by_term = {s["term"]: s for s in trend_summary(rows)}
    summary = [by_term[t] for t in terms if t in by_term]
    periods = sorted({r["period"] for r in rows})
    caption_period = f"per million by {period}" + (f", {periods[0]} … {periods[-1]}" if periods else "")
    return _table(
        [("term", "left"), (caption_period, "left"), ("count", "right"), ("peak", "left"), ("peak per million", "right")],
        [[s["term"], spark(series[s["term"]]), _num(s["count"]), s["peak_period"] or "", _num(s["peak_per_million"])] for s in summary],
    )


def print_terminal(report: dict, console) -> None:
    """Print the report on a Rich console."""
    for renderable in terminal_renderables(report):
        console.print(renderable)


def terminal_svg(report: dict, width: int = 100) -> str:
    """The terminal report as an SVG picture (Rich's export; fonts from the viewer's system,
    no web font: docs/report-terminal.svg is made with it)."""
    import io
    import re

    from rich._export_format import CONSOLE_SVG_FORMAT
    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    print_terminal(report, console)
    code_format = re.sub(r',\s*url\("[^"]*"\) format\("[^"]*"\)', "", CONSOLE_SVG_FORMAT)
    code_format = code_format.replace("<!-- Generated with Rich https://www.textualize.io -->", "<!-- Generated with Rich -->")
    return console.export_svg(title="textkit report", code_format=code_format)


def _layout(value: Any, depth: int) -> str:
    """JSON text: objects of the first two levels one key a line, lists of rows one row a line,
    everything else compact (as textkit prints rows)."""
    def dump(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    pad = " " * depth
    if isinstance(value, dict) and value and depth < 2:
        items = [f"{pad} {dump(k)}: {_layout(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "[\n" + ",\n".join(f"{pad} {dump(v)}" for v in value) + f"\n{pad}]"
    return dump(value)


def report_json(report: dict) -> str:
    """The report as JSON text: the same bytes for the same input and options."""
    from ..render import clean

    return _layout(clean(report), 0) + "\n"


# --------------------------------------------------------------------------- the command


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--sections", "sections", metavar="LIST", default=None, help="Comma-separated sections: corpus, frequencies, keywords, keyness, phrases, collocations, tone, trends [default: all].")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, metavar="N", help="Rows per section.")
@click.option("--by", type=click.Choice(PERIOD_CHOICES), default="auto", show_default=True, help="Period of the time sections; auto: month when the dates span 3 months or more, year beyond 10 years, else day.")
@click.option("--html", "html", metavar="FILE", default=None, help="Also write the report as one self-contained HTML file (charts and sortable tables, no network needed).")
@click.option("--valence", "valence", multiple=True, metavar="FILE|state-media", help="VADER valence overrides for the tone section, as in `textkit sentiment` (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None, help="table or json [default: table on a terminal, json when piped; with --html, nothing unless given].")
@corpus_options
@tokenizer_options(default_stopwords="english")
@jobs_option
def report(paths, sections, top, by, html, valence, fmt, jobs, **kw):
    """A whole corpus at a glance: size, vocabulary, keywords, formulas, tone, trends.

    Runs the cores of info, freq, keywords, compare, phrases, collocations,
    sentiment, score and trend over ONE tokenization of the corpus and
    arranges their rows in sections. Each section holds the rows the
    standalone command prints with the same options (the JSON's meta names
    that command). --stopwords (english by default) applies to the
    content-word sections: frequencies, keywords, keyness, collocations.
    Time sections (keyness of the last period, tone per period, trends) are
    skipped with a note on undated corpora. --format json prints one object;
    --html FILE writes a self-contained page with charts.

    \b
    Examples:
      textkit report
      textkit report ../shared/corpora/kcna-2011.jsonl --format json > report.json
      textkit report ../shared/corpora/kcna-2011.jsonl --html kcna-2011.html
      textkit report --sections corpus,keywords,tone --top 5
      textkit report ../shared/corpora/kcna-2011.jsonl --by week --since 2011-11-01
    """
    from ..report import build_report, parse_sections

    if fmt in ("jsonl", "csv", "tsv"):
        raise UsageError(f"report supports only --format table or json, not {fmt}: it gives one object with several sections, not rows of one kind")
    chosen = parse_sections(sections)
    if html is not None:
        parent = Path(html).expanduser().resolve().parent
        if not parent.is_dir():
            raise UsageError(f"--html {html!r}: the directory {str(parent)!r} does not exist")
    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    total = None if any(f.endswith(".gz") for f in corpus.files) else corpus_bytes(corpus)
    with StagedProgress("reading and counting", total) as progress:
        result = build_report(corpus, options, sections=chosen, top=top, by=by, valence=valence, jobs=jobs,
                              progress=progress, stage=progress.stage)
    if html is not None:
        import datetime as dt

        from ..report_html import render_html

        generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        try:
            Path(html).expanduser().write_text(render_html(result, generated=generated), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{html}: cannot write the report ({exc.strerror or exc})") from exc
        warn(f"wrote {html}")
    if html is None or fmt is not None:
        fmt = resolve_format(fmt)
        if fmt == "json":
            click.echo(report_json(result), nl=False)
            for n in result["meta"]["notes"]:
                warn(f"note: {n}")
            for name, why in result["meta"]["skipped"].items():
                warn(f"note: {name} skipped: {why}")
        else:
            from ..render import make_console

            print_terminal(result, make_console())
    report_stats(corpus)
