"""The one rendering layer: rows → table, json, jsonl, csv or tsv.

Every command hands a list (or stream) of row dicts with fixed ``columns`` to
:func:`render`. The same rows come out in every format; renderers never
compute, and the core never formats. JSON keeps numbers as numbers (NaN and
infinities become ``null``); CSV/TSV write a header even when there are no
rows, lists as ``a | b | c`` and objects as compact JSON.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def default_format(stream: IO[str] | None = None) -> str:
    """``table`` on a terminal, ``json`` when piped."""
    stream = stream or sys.stdout
    try:
        return "table" if stream.isatty() else "json"
    except (AttributeError, ValueError):
        return "json"


def clean(value: Any) -> Any:
    """A JSON-safe copy of ``value``: NaN/inf → None, tuples → lists, numpy scalars → Python."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return clean(value.item())
    return str(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _no_default(value: Any) -> Any:
    raise TypeError(f"not JSON serializable: {value.__class__.__name__}")


def _row_encoder() -> Callable[[dict], str]:
    """``json.dumps(row, ensure_ascii=False, allow_nan=False)``, with the C encoder
    built once (``JSONEncoder.encode`` builds it anew for every call)."""
    from json import encoder as je

    make = getattr(je, "c_make_encoder", None)
    if make is None:  # pragma: no cover - no C accelerator (e.g. PyPy)
        return _ENCODER.encode
    # markers=None: no cycle check (rows are trees), and nothing left behind when a
    # value is refused half-way
    enc = make(None, _no_default, je.encode_basestring, None, ": ", ", ", False, False, False)

    def encode(row: dict) -> str:
        return "".join(enc(row, 0))

    return encode


_encode_row = _row_encoder()


def _json(row: dict) -> str:
    # plain rows (str, int, float, None, lists, dicts) are encoded as they are;
    # NaN/inf (ValueError) and numpy scalars or other objects (TypeError) are cleaned first
    try:
        return _encode_row(row)
    except (ValueError, TypeError):
        return _ENCODER.encode(clean(row))


def csv_cell(value: Any) -> str:
    """A CSV/TSV cell: lists of scalars joined by `` | ``, objects as JSON."""
    value = clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        if all(not isinstance(v, (list, dict)) for v in value):
            return " | ".join("" if v is None else str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_cell(value: Any, max_items: int = 6) -> str:
    """A table cell: rounded floats, shortened lists."""
    value = clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        a = abs(value)
        if a >= 1000:
            return f"{value:,.1f}"
        if a >= 100:
            return f"{value:.1f}"
        if a >= 1 or a == 0:
            return f"{value:.3f}"
        return f"{value:.4f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, list):
        shown = [table_cell(v, max_items) if not isinstance(v, dict) else _short_dict(v) for v in value[:max_items]]
        more = f" … (+{len(value) - max_items})" if len(value) > max_items else ""
        return ", ".join(shown) + more
    if isinstance(value, dict):
        return _short_dict(value)
    return str(value)


def _short_dict(d: dict) -> str:
    if "phrase" in d:
        return str(d["phrase"])
    if "term" in d:
        v = d.get("valence", d.get("count", ""))
        return f"{d['term']} ({table_cell(v)})"
    return json.dumps(d, ensure_ascii=False)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def render(
    rows: Iterable[dict],
    fmt: str,
    columns: Sequence[str],
    *,
    out: IO[str] | None = None,
    title: str | None = None,
    cells: dict[str, Callable[[Any], str]] | None = None,
    width: int | None = None,
) -> None:
    """Write ``rows`` (dicts with keys ``columns``) to ``out`` in ``fmt``."""
    out = out or sys.stdout
    if fmt in ("json", "jsonl"):
        # rows are written in slices of up to 512 (fewer writes; a stream still
        # reaches the reader slice by slice)
        sep = ",\n" if fmt == "json" else "\n"
        pending: list[str] = []
        first = True
        for row in rows:
            pending.append(_json(row))
            if len(pending) >= 512:
                out.write(("[\n" if first else sep) if fmt == "json" else "")
                out.write(sep.join(pending))
                out.write("\n" if fmt == "jsonl" else "")
                first = False
                pending = []
        if fmt == "json":
            if pending:
                out.write("[\n" if first else sep)
                out.write(sep.join(pending))
                first = False
            out.write("[]\n" if first else "\n]\n")
        elif pending:
            out.write("\n".join(pending))
            out.write("\n")
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        conv = cells or {}
        for row in rows:
            writer.writerow([conv[c](row.get(c)) if c in conv else csv_cell(row.get(c)) for c in columns])
    elif fmt == "table":
        print_table(rows, columns, out=out, title=title, width=width)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    out.flush()


def make_console(out: IO[str] | None = None, *, stderr: bool = False, width: int | None = None):
    """A Rich console on ``out`` (or stderr) that honours NO_COLOR and the terminal width."""
    from rich.console import Console

    if stderr:
        return Console(stderr=True, width=width, highlight=False)
    return Console(file=out or sys.stdout, width=width, highlight=False)


def fit_columns(rows: list[dict], columns: Sequence[str], width: int) -> tuple[list[str], list[str]]:
    """The columns that fit in ``width`` terminal cells, leaving columns out from
    the right; returns ``(shown, dropped)``. Numbers never wrap, so their widest
    cell counts; text columns can fold down to their header (at most 10 cells)."""
    shown = list(columns)
    mins = []
    for col in shown:
        texts = [table_cell(r.get(col)) for r in rows]
        longest = max((len(t) for t in texts), default=0)
        numeric = bool(rows) and all(_is_number(r.get(col)) or r.get(col) is None for r in rows)
        mins.append(max(longest, len(col)) if numeric else min(max(longest, len(col)), 12))
    dropped: list[str] = []
    while len(shown) > 2 and sum(mins) + 3 * len(shown) + 1 > width:
        dropped.insert(0, shown.pop())
        mins.pop()
    return shown, dropped


def build_table(rows: Iterable[dict], columns: Sequence[str], *, title: str | None = None):
    """A Rich table of ``rows``: numeric columns right-aligned and never wrapped."""
    from rich.table import Table

    rows = list(rows)
    table = Table(title=title, header_style="bold", show_lines=False, pad_edge=False)
    cells = [[table_cell(row.get(c)) for c in columns] for row in rows]
    for j, col in enumerate(columns):
        numeric = bool(rows) and all(_is_number(r.get(col)) or r.get(col) is None for r in rows)
        if numeric:
            longest = max((len(line[j]) for line in cells), default=0)
            table.add_column(col, justify="right", no_wrap=True, min_width=max(longest, len(col)))
        else:
            longest = max((len(line[j]) for line in cells), default=0)
            table.add_column(col, justify="left", overflow="fold", min_width=min(max(longest, len(col)), 12))
    for line in cells:
        table.add_row(*line)
    return table


def print_table(rows: Iterable[dict], columns: Sequence[str], *, out: IO[str] | None = None, title: str | None = None, width: int | None = None) -> None:
    """Print ``rows`` as one Rich table (a note when there are none). Columns that
    do not fit the terminal are left out from the right and named on stderr; the
    other formats always carry every field."""
    rows = list(rows)
    console = make_console(out, width=width)
    if not rows:
        console.print("[dim](no rows)[/dim]")
        return
    shown, dropped = fit_columns(rows, columns, console.width)
    console.print(build_table(rows, shown, title=title))
    if dropped:
        sys.stderr.write(
            f"note: not shown at this width: {', '.join(dropped)} (all fields: --format json or csv)\n"
        )


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """A one-line sparkline of ``values`` (``▁`` for the minimum, ``█`` for the maximum).

    >>> sparkline([0, 1, 2, 3])
    '▁▃▆█'
    """
    vals = [0.0 if v is None else float(v) for v in values]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if hi == lo:
        return SPARK[0] * len(vals) if hi == 0 else SPARK[3] * len(vals)
    return "".join(SPARK[round((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in vals)
