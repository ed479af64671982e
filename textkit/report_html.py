"""The report as one self-contained HTML page: inline CSS, inline SVG charts, sortable tables.

:func:`render_html` turns the object :func:`textkit.report.build_report` returns
into a page that needs no network access: no external script, style sheet,
font or image; the charts are SVG drawn here; a few lines of inline
JavaScript make the tables sortable (the page reads fine without it). The
markup is XHTML-compatible (every element closed, text escaped with
:func:`html.escape`), so an XML parser reads it too. The page adds no
figures: every number shown is a field of the report object.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

from .render import table_cell

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac")

Cell = Any


def esc(value: Any) -> str:
    """Text escaped for HTML and XML (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt(value: Any) -> str:
    """A number as the terminal tables write it (thousands separators, rounded floats)."""
    return table_cell(value)


def _fmt_axis(value: float) -> str:
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 10 or value == 0:
        return f"{value:.0f}"
    if a >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi`` (about ``n`` of them), 1-2-5 steps.

    >>> nice_ticks(0, 97)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    """
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


# --------------------------------------------------------------------------- charts


def _x_positions(n: int, left: float, width: float) -> list[float]:
    if n == 1:
        return [left + width / 2]
    return [left + width * i / (n - 1) for i in range(n)]


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float, max_labels: int = 8) -> list[str]:
    """Tick labels under the x axis: at most ``max_labels``, always the first and the last."""
    n = len(labels)
    if n == 0:
        return []
    if max_labels <= 2 or n <= 2:
        shown = sorted({0, n - 1})
    else:
        step = max(1, math.ceil((n - 1) / (max_labels - 1)))
        shown = list(range(0, n, step))
        if shown[-1] != n - 1:
            if n - 1 - shown[-1] < step / 2 and len(shown) > 1:
                shown[-1] = n - 1
            else:
                shown.append(n - 1)
    out = []
    for i in shown:
        anchor = "middle"
        if len(shown) > 1 and i == shown[0]:
            anchor = "start" if n > 1 else "middle"
        if len(shown) > 1 and i == shown[-1]:
            anchor = "end"
        out.append(f'<text x="{xs[i]:.1f}" y="{y:.1f}" class="tick" text-anchor="{anchor}">{esc(labels[i])}</text>')
    return out


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    y_label: str,
    width: int = 760,
    height: int = 280,
    zero_line: bool = False,
    value_format: Callable[[float], str] = fmt,
    css_class: str = "chart",
    colors: Sequence[str] = PALETTE,
    max_labels: int = 8,
) -> str:
    """An SVG line chart: ``labels`` on the x axis, one line per ``(name, values)``
    (None leaves a gap), a point with a tooltip (``<title>``) per value."""
    left, right, top, bottom = 64, 24, 14, 40
    pw, ph = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    lo = min([0.0, *values]) if values else 0.0
    hi = max([0.0, *values]) if values else 1.0
    ticks = nice_ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    span = (hi - lo) or 1.0

    def y_of(v: float) -> float:
        return top + ph - (v - lo) / span * ph

    xs = _x_positions(len(labels), left, pw)
    parts = [f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{esc(title)}</title>"]
    for t in ticks:
        y = y_of(t)
        cls = "grid zero" if (t == 0 and zero_line) else "grid"
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="{cls}" />')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{esc(_fmt_axis(t))}</text>')
    parts.append(f'<text x="14" y="{top + ph / 2:.1f}" class="axis-label" text-anchor="middle" transform="rotate(-90 14 {top + ph / 2:.1f})">{esc(y_label)}</text>')
    parts.extend(_x_labels(labels, xs, top + ph + 18, max_labels))
    dots = len(labels) <= 60
    for k, (name, vals) in enumerate(series):
        color = colors[k % len(colors)]
        d = []
        pen = "M"
        for x, v in zip(xs, vals, strict=True):
            if v is None:
                pen = "M"
                continue
            d.append(f"{pen}{x:.1f},{y_of(v):.1f}")
            pen = "L"
        if d:
            parts.append(f'<path d="{" ".join(d)}" class="line" stroke="{color}" />')
        if dots:
            for x, v, label in zip(xs, vals, labels, strict=True):
                if v is not None:
                    parts.append(f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3" fill="{color}"><title>{esc(name)} · {esc(label)}: {esc(value_format(v))}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(labels: Sequence[str], values: Sequence[float], *, title: str, y_label: str,
                 width: int = 760, height: int = 220) -> str:
    """An SVG column chart (one bar per label), tooltips on every bar."""
    left, right, top, bottom = 64, 16, 14, 40
    pw, ph = width - left - right, height - top - bottom
    ticks = nice_ticks(0.0, max([0.0, *values]) or 1.0)
    hi = ticks[-1] or 1.0
    n = max(len(labels), 1)
    slot = pw / n
    bw = max(1.0, slot * 0.8)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{esc(title)}</title>"]
    for t in ticks:
        y = top + ph - t / hi * ph
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid" />')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{esc(_fmt_axis(t))}</text>')
    parts.append(f'<text x="14" y="{top + ph / 2:.1f}" class="axis-label" text-anchor="middle" transform="rotate(-90 14 {top + ph / 2:.1f})">{esc(y_label)}</text>')
    centers = []
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        h = v / hi * ph
        x = left + i * slot + (slot - bw) / 2
        centers.append(x + bw / 2)
        parts.append(f'<rect x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw:.1f}" height="{h:.1f}" class="bar"><title>{esc(label)}: {esc(fmt(v))}</title></rect>')
    parts.extend(_x_labels(labels, centers, top + ph + 18))
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: Sequence[tuple[str, float, str]], *, title: str, width: int = 760) -> str:
    """A horizontal SVG bar chart: ``(label, value, annotation)`` per bar, largest first as given."""
    row_h, left, right, top = 26, 170, 150, 8
    height = top * 2 + row_h * max(len(items), 1)
    pw = width - left - right
    hi = max([v for _, v, _ in items] + [0.0]) or 1.0
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" preserveAspectRatio="xMidYMid meet">',
             f"<title>{esc(title)}</title>"]
    for i, (label, v, note) in enumerate(items):
        y = top + i * row_h
        w = max(1.0, v / hi * pw)
        parts.append(f'<text x="{left - 8}" y="{y + row_h / 2 + 4:.1f}" class="bar-label" text-anchor="end">{esc(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4:.1f}" width="{w:.1f}" height="{row_h - 8}" class="bar" rx="2"><title>{esc(label)}: {esc(note)}</title></rect>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}" class="tick" text-anchor="start">{esc(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(names: Sequence[str]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(n)}</li>'
        for k, n in enumerate(names)
    )
    return f'<ul class="legend">{items}</ul>'


# --------------------------------------------------------------------------- tables


def table(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Cell]], *, caption: str | None = None,
          sortable: bool = True) -> str:
    """A table: ``columns`` as (header, kind) with kind ``num``, ``text`` or ``date``; a cell
    is a value or ``(shown html, sort value)``."""
    head = "".join(
        f'<th class="{kind}" scope="col">{esc(name)}</th>' for name, kind in columns
    )
    body = []
    for row in rows:
        cells = []
        for (_, kind), cell in zip(columns, row, strict=True):
            if isinstance(cell, tuple):
                shown, key = cell
            else:
                shown, key = (esc(fmt(cell)) if kind == "num" else esc(cell)), cell
            key_attr = f' data-v="{esc(key)}"' if key is not None and kind == "num" else ""
            cells.append(f'<td class="{kind}"{key_attr}>{shown}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    cls = ' class="sortable"' if sortable else ""
    return f'<div class="table-wrap"><table{cls}>{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _details(summary: str, inner: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"


def _command(report: dict, name: str) -> str:
    cmd = report["meta"]["sections"].get(name, {}).get("command")
    return f'<p class="command">Same rows: <code>{esc(cmd)}</code></p>' if cmd else ""


# --------------------------------------------------------------------------- sections


def _corpus(report: dict) -> str:
    row = report["corpus"][0]
    period = report["meta"]["options"]["period"]
    cards = [("documents", f'{row["documents"]:,}'), ("sentences", f'{row["sentences"]:,}'),
             ("word tokens", f'{row["tokens"]:,}'), ("types", f'{row["types"]:,}')]
    if row["date_min"]:
        cards.append(("dates", f'{row["date_min"]} – {row["date_max"]}'))
    out = ['<div class="cards">' + "".join(f'<div class="card"><div class="value">{esc(v)}</div><div class="label">{esc(k)}</div></div>' for k, v in cards) + "</div>"]
    notes = []
    if row["undated"]:
        notes.append(f'{fmt(row["undated"])} documents have no date.')
    periods = row["periods"]
    if periods:
        labels = [p["period"] for p in periods]
        out.append(f"<h3>Documents per {esc(period)}</h3>")
        out.append("<figure>" + column_chart(labels, [p["documents"] for p in periods], title=f"Documents per {period}", y_label="documents")
                   + f"<figcaption>Number of documents dated in each {esc(period)}, {esc(labels[0])} to {esc(labels[-1])} (empty {esc(period)}s shown as gaps).</figcaption></figure>")
        out.append(_details(f"Documents and word tokens per {period}", table(
            [(period, "text"), ("documents", "num"), ("word tokens", "num")],
            [[p["period"], p["documents"], p["tokens"]] for p in periods])))
    if row["sources"]:
        out.append("<h3>Sources</h3>")
        out.append(table([("source", "text"), ("documents", "num")], [[s["source"], s["documents"]] for s in row["sources"]]))
    if notes:
        out.append('<p class="note">' + esc(" ".join(notes)) + "</p>")
    out.append('<p class="caption">Word tokens are every word of the text before any filter (the corpus size); types are distinct tokens.</p>')
    out.append(_command(report, "corpus"))
    return "".join(out)


def _frequencies(report: dict) -> str:
    rows = report["frequencies"]
    stop = report["meta"]["options"]["stopwords"]
    return "".join([
        table([("rank", "num"), ("term", "text"), ("count", "num"), ("per million", "num"), ("documents", "num"),
               ("DP", "num"), ("DP norm", "num"), ("Juilland's D", "num")],
              [[r["rank"], r["term"], r["count"], r["per_million"], r["docs"], r["dp"], r["dp_norm"], r["juilland_d"]] for r in rows]),
        f'<p class="caption">The most frequent terms without the <code>{esc(stop)}</code> stop words. Per million: count per million word tokens. '
        "DP (Gries 2008): 0 when a term is spread over the documents like the text itself, towards 1 when it is concentrated in a few; "
        "Juilland's D: 1 for a perfectly even spread.</p>",
        _command(report, "frequencies"),
    ])


def _keywords(report: dict) -> str:
    rows = report["keywords"]
    return "".join([
        table([("rank", "num"), ("term", "text"), ("mean TF-IDF", "num"), ("highest TF-IDF", "num"), ("documents", "num")],
              [[i, r["term"], r["score"], r["max_score"], r["docs"]] for i, r in enumerate(rows, 1)]),
        '<p class="caption">TF-IDF as scikit-learn weighs it (tf × (ln((1+n)/(1+df)) + 1), each document scaled to length 1); '
        "a term's score is its mean weight over all documents, so terms that are both frequent and concentrated come first.</p>",
        _command(report, "keywords"),
    ])


def _keyness(report: dict) -> str:
    rows = report["keyness"]
    k = report["meta"]["sections"]["keyness"]
    target = k["target"].split("=", 1)[1]
    items = [(r["term"], r["g2"], f"G² {fmt(r['g2'])} · ×{2 ** r['log_ratio']:.1f}" if r["log_ratio"] is not None else f"G² {fmt(r['g2'])}") for r in rows]
    return "".join([
        "<figure>" + bar_chart(items, title=f"Keyness of {target} against the rest (G2)")
        + f"<figcaption>Terms used more in {esc(target)} ({fmt(k['documents_a'])} documents, {fmt(k['tokens_a'])} tokens) than in the rest of the corpus "
        f"({fmt(k['documents_b'])} documents, {fmt(k['tokens_b'])} tokens). Bar: log-likelihood G² (Rayson; above 10.83 means p &lt; 0.001); "
        "×N: how many times more often per million words (2 to the power of the log ratio).</figcaption></figure>",
        table([("term", "text"), ("count A", "num"), ("count B", "num"), ("per million A", "num"), ("per million B", "num"),
               ("G²", "num"), ("p", "num"), ("log ratio", "num"), ("%DIFF", "num"), ("BIC", "num")],
              [[r["term"], r["count_a"], r["count_b"], r["per_million_a"], r["per_million_b"], r["g2"], (esc(_p(r["p_value"])), r["p_value"]),
                r["log_ratio"], r["pct_diff"], r["bic"]] for r in rows]),
        _command(report, "keyness"),
    ])


def _phrases(report: dict) -> str:
    rows = report["phrases"]
    body = []
    for i, r in enumerate(rows, 1):
        variants = r["variants"]
        if variants:
            items = "".join(f"<li>{esc(v['phrase'])} <span class=\"muted\">({fmt(v['docs'])} docs)</span></li>" for v in variants)
            cell = (f"<details><summary>{len(variants)}</summary><ul class=\"variants\">{items}</ul></details>", len(variants))
        else:
            cell = ("0", 0)
        body.append([i, (f"<span class=\"phrase\">{esc(r['phrase'])}</span>", None), r["docs"], r["count"], r["per_million"], cell,
                     r["first_date"], r["last_date"]])
    return "".join([
        table([("rank", "num"), ("formula", "text"), ("documents", "num"), ("count", "num"), ("per million", "num"),
               ("variants", "num"), ("first", "date"), ("last", "date")], body),
        '<p class="caption">Word sequences of 4 or more tokens repeated verbatim in at least 3 documents, each shown once at its longest; '
        "near-identical variants (a word more or less at an edge, a possessive) are grouped under the most widespread one.</p>",
        _command(report, "phrases"),
    ])


def _collocations(report: dict) -> str:
    rows = report["collocations"]
    return "".join([
        table([("rank", "num"), ("collocation", "text"), ("count", "num"), ("log-likelihood", "num")],
              [[i, r["collocation"], r["count"], r["score"]] for i, r in enumerate(rows, 1)]),
        '<p class="caption">Adjacent word pairs (within a sentence) ranked by Dunning\'s log-likelihood ratio, as NLTK scores them; '
        "pairs with a stop word are left out, pairs seen fewer than 5 times are not scored.</p>",
        _command(report, "collocations"),
    ])


def _period_labels(report: dict, groups: Sequence[str]) -> list[str]:
    if "corpus" in report and report["corpus"][0]["periods"]:
        return [p["period"] for p in report["corpus"][0]["periods"]]
    from .dates import period_range

    period = report["meta"]["options"]["period"]
    if not groups or period is None:
        return []
    # group labels are periods: rebuild the full range from the first and last
    first, last = min(groups), max(groups)
    try:
        return period_range(_date_of(first, period), _date_of(last, period, end=True), period)
    except ValueError:
        return sorted(groups)


def _date_of(label: str, period: str, end: bool = False) -> str:
    import datetime as dt

    if period == "day":
        return label
    if period == "month":
        return f"{label}-01"
    if period == "year":
        return f"{label}-01-01"
    year, week = label.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), 7 if end else 1).isoformat()


def _tone(report: dict) -> str:
    tone = report["tone"]
    period = report["meta"]["options"]["period"]
    o = tone["overall"]
    cmds = report["meta"]["sections"]["tone"]["commands"]
    out = ['<div class="cards">'
           f'<div class="card"><div class="value">{esc(_signed(o["compound_mean"]))}</div><div class="label">mean VADER compound</div></div>'
           f'<div class="card"><div class="value">{esc(fmt(o["compound_sd"]))}</div><div class="label">standard deviation</div></div>'
           f'<div class="card"><div class="value pos">{esc(_pct(o["positive_share"]))}</div><div class="label">positive documents</div></div>'
           f'<div class="card"><div class="value neg">{esc(_pct(o["negative_share"]))}</div><div class="label">negative documents</div></div>'
           "</div>",
           '<p class="caption">VADER (Hutto &amp; Gilbert 2014) scores each sentence from −1 to +1; a document\'s compound is the mean over its sentences; '
           "a document is positive at 0.05 or more, negative at −0.05 or less. VADER's lexicon was rated on social-media English: "
           "read its figures on state-media prose as relative, not absolute.</p>"]
    by = tone["by_period"]
    labels = _period_labels(report, [r["group"] for r in by])
    if by and labels:
        values = {r["group"]: r["compound_mean"] for r in by}
        out.append(f"<h3>Tone per {esc(period)}</h3>")
        out.append("<figure>" + line_chart(labels, [("mean compound", [values.get(p) for p in labels])], title=f"Mean VADER compound per {period}",
                                         y_label="mean compound", zero_line=True, value_format=_signed)
                   + f"<figcaption>Mean document compound per {esc(period)} (a gap: no document).</figcaption></figure>")
        out.append(_details(f"Tone per {period}: the numbers", table(
            [(period, "text"), ("documents", "num"), ("mean compound", "num"), ("sd", "num"), ("positive", "num"), ("negative", "num")],
            [[r["group"], r["documents"], r["compound_mean"], r["compound_sd"], r["positive_share"], r["negative_share"]] for r in by])))
    # categories
    out.append("<h3>State-media categories</h3>")
    per: dict[str, dict[str, float]] = {}
    for r in tone["categories_by_period"]:
        per.setdefault(r["category"], {})[r["group"]] = r["percent"]
    if per and labels:
        names = [r["category"] for r in tone["categories"]]
        out.append("<figure>" + line_chart(labels, [(n, [per.get(n, {}).get(p) for p in labels]) for n in names],
                                         title=f"State-media categories per {period} (% of words)", y_label="% of words",
                                         value_format=lambda v: f"{v:.2f}%")
                   + legend(names) + f"<figcaption>Share of the words of each {esc(period)} matched by each category of the "
                   "<code>state-media</code> lexicon (textkit's dictionary of the stock vocabulary of KCNA-style English).</figcaption></figure>")
        out.append('<div class="multiples">')
        for k, n in enumerate(names):
            series = [per.get(n, {}).get(p) for p in labels]
            out.append(f'<div class="multiple"><div class="multiple-title"><span class="swatch" style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(n)}</div>'
                       + line_chart(labels, [(n, series)], title=f"{n} per {period}", y_label="%", width=360, height=170,
                                    value_format=lambda v: f"{v:.2f}%", css_class="chart small",
                                    colors=(PALETTE[k % len(PALETTE)],), max_labels=2)
                       + "</div>")
        out.append("</div>")
    out.append(table([("category", "text"), ("matched words", "num"), ("% of words", "num")],
                     [[r["category"], r["matches"], r["percent"]] for r in tone["categories"]]))
    out.append(f'<p class="command">Same rows: <code>{esc(cmds["by_period"] or cmds["overall"])}</code>'
               + (f' · <code>{esc(cmds["categories_by_period"])}</code>' if cmds.get("categories_by_period") else "") + "</p>")
    # extremes
    for key, label in (("most_positive", "Most positive documents"), ("most_negative", "Most negative documents")):
        rows = tone[key]
        if rows:
            out.append(f"<h3>{esc(label)}</h3>")
            out.append(table([("rank", "num"), ("title", "text"), ("date", "date"), ("compound", "num"), ("sentences", "num")],
                             [[r["rank"], r["title"] or r["id"], r["date"], (esc(_signed(r["compound"])), r["compound"]), r["sentences"]] for r in rows]))
            out.append(f'<p class="command">Same rows: <code>{esc(cmds[key])}</code></p>')
    return "".join(out)


def _trends(report: dict) -> str:
    from .trend import trend_series, trend_summary

    rows = report["trends"]
    period = report["meta"]["options"]["period"]
    series = trend_series(rows)
    labels = sorted({r["period"] for r in rows})
    names = list(report["meta"]["sections"]["trends"]["terms"])
    ordered = [(n, series[n]) for n in names if n in series]
    summary = {s["term"]: s for s in trend_summary(rows)}
    return "".join([
        "<figure>" + line_chart(labels, ordered, title=f"Top keywords per {period} (per million words)", y_label="per million words")
        + legend([n for n, _ in ordered])
        + f"<figcaption>Uses of each of the top keywords per million word tokens of each {esc(period)} "
        "(a possessive <i>'s</i> counts as the word).</figcaption></figure>",
        table([("term", "text"), ("count", "num"), ("peak", "text"), ("peak per million", "num")],
              [[n, summary[n]["count"], summary[n]["peak_period"], summary[n]["peak_per_million"]] for n, _ in ordered]),
        _details(f"Trends per {period}: the numbers", table(
            [(period, "text"), ("term", "text"), ("count", "num"), ("tokens", "num"), ("per million", "num"), ("documents", "num"), ("share of documents", "num")],
            [[r["period"], r["term"], r["count"], r["tokens"], r["per_million"], r["docs"], r["doc_share"]] for r in rows])),
        _command(report, "trends"),
    ])


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.3f}".replace("-", "−")


def _p(value: float | None) -> str:
    """A p-value: scientific below 0.001."""
    if value is None:
        return ""
    return f"{value:.1e}" if value < 0.001 else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


RENDERERS: dict[str, Callable[[dict], str]] = {
    "corpus": _corpus,
    "frequencies": _frequencies,
    "keywords": _keywords,
    "keyness": _keyness,
    "phrases": _phrases,
    "collocations": _collocations,
    "tone": _tone,
    "trends": _trends,
}


# --------------------------------------------------------------------------- the page


CSS = """
:root { --fg: #1d2330; --muted: #5d6678; --bg: #fbfbfd; --panel: #ffffff; --line: #e3e6ee; --accent: #4e79a7;
  --pos: #2e7d4f; --neg: #b8323c; --code: #f2f4f8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e9f0; --muted: #9aa3b5; --bg: #14171f; --panel: #1b1f2a; --line: #2c3242; --accent: #7aa6d6;
    --pos: #6cc48f; --neg: #ef7d85; --code: #242a38; }
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { padding: 2.2rem 1.5rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .inner, main, footer { max-width: 1080px; margin: 0 auto; }
h1 { margin: 0 0 .3rem; font-size: 1.75rem; letter-spacing: -.01em; }
.subtitle { color: var(--muted); margin: 0; }
nav.toc { margin-top: 1rem; display: flex; flex-wrap: wrap; gap: .4rem; }
nav.toc a { color: var(--accent); text-decoration: none; font-size: .88rem; padding: .15rem .6rem; border: 1px solid var(--line); border-radius: 999px; }
nav.toc a:hover { background: var(--code); }
main { padding: 0 1.5rem 2rem; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1.2rem 1.4rem; margin: 1.4rem 0; }
h2 { margin: 0 0 .8rem; font-size: 1.25rem; }
h2 .num { color: var(--muted); font-weight: 400; margin-right: .4rem; }
h3 { margin: 1.3rem 0 .5rem; font-size: 1.02rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .7rem; margin: .2rem 0 .8rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
.card .value { font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: .85rem; }
.value.pos { color: var(--pos); } .value.neg { color: var(--neg); }
figure { margin: .6rem 0 1rem; }
figcaption, .caption { color: var(--muted); font-size: .88rem; margin: .3rem 0 .6rem; }
.note { color: var(--muted); font-style: italic; }
.command { font-size: .82rem; color: var(--muted); margin: .4rem 0 0; }
code { background: var(--code); padding: .05rem .35rem; border-radius: 4px; font-size: .85em;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-word; }
svg.chart { width: 100%; height: auto; display: block; max-width: 900px; }
svg.chart.small { max-width: 360px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .grid.zero { stroke: var(--muted); stroke-dasharray: 4 3; }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .axis-label { fill: var(--muted); font-size: 11px; }
svg .bar-label { fill: var(--fg); font-size: 12px; }
svg .bar { fill: var(--accent); opacity: .85; }
svg .bar:hover { opacity: 1; }
svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.legend { list-style: none; padding: 0; margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .88rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: .6rem 1rem; margin: .5rem 0 1rem; }
.multiple-title { font-size: .86rem; font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .3rem 0; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .3rem; }
th, td { padding: .32rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; text-align: left; white-space: nowrap; color: var(--muted); font-size: .82rem; text-transform: uppercase; letter-spacing: .03em; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th:hover { color: var(--fg); }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
tbody tr:hover { background: var(--code); }
.phrase { font-style: italic; }
.muted { color: var(--muted); }
ul.variants { margin: .3rem 0; padding-left: 1.1rem; text-align: left; font-size: .85rem; }
details summary { cursor: pointer; color: var(--accent); }
details { margin: .4rem 0; }
.skipped { color: var(--muted); font-style: italic; }
footer { padding: 0 1.5rem 2.5rem; color: var(--muted); font-size: .84rem; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
footer dt { font-weight: 600; }
footer dd { margin: 0; word-break: break-all; }
@media print { nav.toc { display: none; } section { break-inside: avoid; border: none; } details { display: block; } }
"""

# No '<' or '&' in the script: it stays well-formed XML inside CDATA-in-comments either way.
SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.setAttribute('tabindex', '0');
    function sort() {
      var body = table.tBodies[0];
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var numeric = th.classList.contains('num');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var d;
        if (numeric) {
          var vx = parseFloat(x.getAttribute('data-v')), vy = parseFloat(y.getAttribute('data-v'));
          if (isNaN(vx)) { vx = -Infinity; }
          if (isNaN(vy)) { vy = -Infinity; }
          d = vx === vy ? 0 : (vx - vy > 0 ? 1 : -1);
        } else {
          d = x.textContent.trim().localeCompare(y.textContent.trim());
        }
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
  });
});
"""


def render_html(report: dict, *, generated: str | None = None) -> str:
    """The report object as one self-contained, XHTML-compatible HTML page.

    ``generated`` (a timestamp) is shown in the footer when given; the rest of
    the page depends only on ``report``.
    """
    from .report import SECTION_TITLES, section_order

    meta = report["meta"]
    files = meta["files"]
    name = ", ".join(f["path"] for f in files) or "standard input"
    subtitle = [f"{meta['documents']:,} documents"]
    if "corpus" in report and report["corpus"][0]["date_min"]:
        row = report["corpus"][0]
        subtitle.append(f"{row['date_min']} – {row['date_max']}")
    if meta["options"]["period"]:
        subtitle.append(f"time sections by {meta['options']['period']}")
    order = section_order(report)
    titles = {}
    for s in order:
        t = SECTION_TITLES[s]
        if s == "keyness" and meta["sections"].get("keyness"):
            t = f"Keywords of {meta['sections']['keyness']['target'].split('=', 1)[1]} against the rest"
        titles[s] = t
    toc = "".join(f'<a href="#{s}">{esc(titles[s])}</a>' for s in order)
    body = []
    for i, s in enumerate(order, 1):
        why = meta["skipped"].get(s)
        if why:
            inner = f'<p class="skipped">Skipped: {esc(why)}.</p>'
        elif s != "tone" and s != "corpus" and not report[s]:
            inner = '<p class="skipped">No rows.</p>' + _command(report, s)
        else:
            inner = RENDERERS[s](report)
        body.append(f'<section id="{s}"><h2><span class="num">{i}</span>{esc(titles[s])}</h2>{inner}</section>')
    notes = "".join(f"<li>{esc(n)}</li>" for n in meta["notes"])
    if meta["skipped"].get("tone_by_period"):
        notes += f"<li>{esc(meta['skipped']['tone_by_period'])}</li>"
    file_rows = "".join(
        f"<dd>{esc(f['path'])}{' (bundled)' if f.get('bundled') else ''} · {fmt(f['bytes'])} bytes · sha256 <code>{esc(f['sha256'])}</code></dd>"
        for f in files
    )
    footer = [
        "<dl>",
        f"<dt>made by</dt><dd>textkit {esc(meta['textkit'])}</dd>",
        f"<dt>command</dt><dd><code>{esc(meta['command'])}</code></dd>",
        f"<dt>input</dt>{file_rows or '<dd>standard input</dd>'}",
    ]
    if generated:
        footer.append(f"<dt>generated</dt><dd>{esc(generated)}</dd>")
    footer.append("</dl>")
    if notes:
        footer.insert(0, f"<ul>{notes}</ul>")
    return "".join([
        "<!DOCTYPE html>\n",
        '<html lang="en">\n<head>\n<meta charset="utf-8" />\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n',
        '<meta name="generator" content="textkit report" />\n',
        f"<title>{esc(name)} · textkit report</title>\n",
        f"<style>{CSS}</style>\n</head>\n<body>\n",
        f'<header class="top"><div class="inner"><h1>{esc(name)}</h1><p class="subtitle">{esc(" · ".join(subtitle))}</p>',
        f'<nav class="toc">{toc}</nav></div></header>\n',
        "<main>\n", "\n".join(body), "\n</main>\n",
        f"<footer>{''.join(footer)}</footer>\n",
        f"<script>//<![CDATA[{SCRIPT}//]]></script>\n",
        "</body>\n</html>\n",
    ])
