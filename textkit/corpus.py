"""Reading corpora: files, directories and standard input, streamed as documents.

A :class:`Corpus` is a list of paths plus :class:`ReadOptions`; iterating it
yields :class:`Document` objects one at a time, so counting never needs the
whole corpus in memory. Formats are chosen by extension (also under ``.gz``):

- ``.txt`` / ``.md``: one document per file (title, date line and copyright
  footer recognised as metadata, see :func:`parse_plain_text`);
- ``.jsonl`` / ``.ndjson``: one JSON object per line;
- ``.json``: an array of objects (read whole);
- ``.csv`` / ``.tsv``: one document per row.

``-`` reads standard input: JSON Lines when its first non-blank character is
``{``, otherwise one plain-text document. No path at all: the bundled corpus.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .dates import iso_week, parse_date
from .errors import InputError, UsageError

TEXT_SUFFIXES = {".txt", ".md", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES

STDIN = "-"

_COPYRIGHT_RE = re.compile(r"(©|\(c\)|\bcopyright\b|all rights reserved)", re.IGNORECASE)
_PARA_SPLIT_RE = re.compile(r"\n[ \t]*\n")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Document:
    """One document: its id, its text and its metadata.

    ``title`` and ``date`` (ISO ``YYYY-MM-DD`` or ``None``) are metadata, not
    text. ``meta`` holds every other field of the record (``source``, ``url`` …).
    ``origin`` and ``line`` say where it was read (for messages).
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    meta: dict = field(default_factory=dict)
    origin: str = ""
    line: int | None = None

    def get(self, name: str) -> str | None:
        """A field by name: ``id``, ``title``, ``date``, ``year``, ``month``,
        ``week``, ``day`` (from the date) or any metadata field, as a string."""
        if name == "id":
            return self.id
        if name == "title":
            return self.title
        if name in ("date", "day"):
            return self.date
        if name == "year":
            return self.date[:4] if self.date else None
        if name == "month":
            return self.date[:7] if self.date else None
        if name == "week":
            return iso_week(self.date) if self.date else None
        value = self.meta.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True)

    def header(self) -> dict:
        """The fields that identify a document in result rows."""
        return {"id": self.id, "title": self.title, "date": self.date}


@dataclass
class ReadOptions:
    """How records are turned into documents and which documents are selected."""

    text_field: str = "text"
    id_field: str = "id"
    date_field: str = "date"
    title_field: str = "title"
    with_title: bool = False
    skip_errors: bool = False
    since: str | None = None
    until: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    cache: bool = True  # use the token cache (textkit.cache); False: --no-cache

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                parsed = parse_date(value)
                if parsed is None:
                    raise UsageError(f"--{name} {value!r} is not a date (use YYYY-MM-DD)")
                setattr(self, name, parsed)

    def selects(self, doc: Document) -> bool:
        """Whether ``doc`` passes ``since``, ``until`` and every ``where``."""
        if self.since or self.until:
            if doc.date is None:
                return False
            if self.since and doc.date < self.since:
                return False
            if self.until and doc.date > self.until:
                return False
        for name, value in self.where:
            if doc.get(name) != value:
                return False
        return True


def parse_where(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Parse ``FIELD=VALUE`` strings; raises :class:`UsageError` on a missing ``=``."""
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--where {item!r}: expected FIELD=VALUE")
        out.append((name.strip(), value.strip()))
    return tuple(out)


@dataclass
class ReadStats:
    """What reading reported on the way: skipped records, replaced bytes, undated documents."""

    skipped: int = 0
    skipped_files: int = 0
    undated_unparsable: int = 0
    replaced: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    selected: int = 0

    def messages(self) -> list[str]:
        """One warning line per thing worth telling the user."""
        out = []
        for origin, n in sorted(self.replaced.items()):
            out.append(
                f"warning: {origin}: {n} byte sequence{'s' if n != 1 else ''} "
                "not valid UTF-8, replaced with U+FFFD"
            )
        if self.skipped or self.skipped_files:
            parts = []
            if self.skipped:
                parts.append(f"{self.skipped} bad record{'s' if self.skipped != 1 else ''}")
            if self.skipped_files:
                parts.append(f"{self.skipped_files} bad file{'s' if self.skipped_files != 1 else ''}")
            out.append(f"warning: skipped {' and '.join(parts)} (--skip-errors)")
        if self.undated_unparsable:
            n = self.undated_unparsable
            out.append(
                f"note: {n} document{'s' if n != 1 else ''} had a date that could not be "
                "parsed and are undated"
            )
        return out


def bundled_corpus_dir() -> Path:
    """The directory holding the bundled corpora (installed with the package)."""
    from importlib.resources import files

    return Path(str(files("textkit.corpora")))


def default_corpus_paths() -> list[str]:
    """The default corpus: the bundled KCNA stories of 10–24 December 2011."""
    return [str(bundled_corpus_dir() / "kcna-2011-12-10-to-24.jsonl")]


def format_of(path: str) -> tuple[str, bool]:
    """The format of ``path`` by extension (``text``, ``jsonl``, ``json``, ``csv``,
    ``tsv``) and whether it is gzip-compressed."""
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in JSONL_SUFFIXES:
        return "jsonl", gz
    if suffix in JSON_SUFFIXES:
        return "json", gz
    if suffix == ".csv":
        return "csv", gz
    if suffix == ".tsv":
        return "tsv", gz
    return "text", gz


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named by ``paths``: directories are walked recursively in sorted order
    (hidden files skipped; only known extensions); ``-`` stays ``-``."""
    out: list[str] = []
    for path in paths:
        if path == STDIN:
            out.append(path)
            continue
        p = Path(path)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.startswith("."):
                        continue
                    fmt_suffixes = {s.lower() for s in Path(name).suffixes}
                    if fmt_suffixes & KNOWN_SUFFIXES:
                        found.append(os.path.join(root, name))
            out.extend(sorted(found))
        elif p.exists():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return out


class _Decoder:
    """UTF-8 decoding that never fails: bad bytes become U+FFFD and are counted."""

    def __init__(self, stats: ReadStats, origin: str) -> None:
        self.stats = stats
        self.origin = origin

    def __call__(self, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            # count bad sequences: replacement chars produced minus any already present
            bad = 0
            decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
            pos = 0
            while pos < len(data):
                try:
                    decoder.decode(data[pos:], final=True)
                    break
                except UnicodeDecodeError as exc:
                    bad += 1
                    pos += exc.end
                    decoder.reset()
            self.stats.replaced[self.origin] = self.stats.replaced.get(self.origin, 0) + max(bad, 1)
            return text


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def parse_plain_text(text: str) -> tuple[str | None, str | None, str]:
    """Split an article laid out as title line, date line, body, copyright footer.

    The first non-blank line is a title only when the next non-blank line is a
    parsable date; a last non-blank line is dropped only when it is a
    copyright notice. Returns ``(title, date, body)``.

    >>> parse_plain_text("Title\\n\\nMarch 1, 2024\\n\\nBody.\\n\\n2024 © All rights reserved.")
    ('Title', '2024-03-01', 'Body.')
    """
    lines = text.split("\n")
    title = date = None
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    start, end = 0, len(lines)
    if len(nonblank) >= 2:
        first, second = nonblank[0], nonblank[1]
        parsed = parse_date(lines[second])
        if parsed and parse_date(lines[first]) is None and len(lines[first].strip()) <= 300:
            title, date = lines[first].strip(), parsed
            start = second + 1
    if nonblank:
        last = nonblank[-1]
        if last >= start and _COPYRIGHT_RE.search(lines[last]) and len(lines[last]) <= 300:
            end = last
    body = "\n".join(lines[start:end]).strip()
    return title, date, body


class Corpus:
    """A corpus read from ``paths`` (files, directories, ``-``) with ``options``.

    Iterate it to stream :class:`Document` objects in corpus order. ``stats``
    collects what was skipped, replaced or undated; ``stdin`` may be given to
    read ``-`` from another stream (tests).
    """

    def __init__(
        self,
        paths: Iterable[str] | None = None,
        options: ReadOptions | None = None,
        *,
        stdin: io.BufferedIOBase | None = None,
    ) -> None:
        paths = list(paths or [])
        self.is_default = not paths
        self.paths = paths or default_corpus_paths()
        self.options = options or ReadOptions()
        self.stats = ReadStats()
        self._stdin = stdin
        self._files: list[str] | None = None
        self._stdin_data: bytes | None = None

    @property
    def files(self) -> list[str]:
        """The input files, directories expanded (raises on a missing path)."""
        if self._files is None:
            self._files = expand_paths(self.paths)
            if sum(1 for f in self._files if f == STDIN) > 1:
                raise UsageError("'-' (standard input) can be given only once")
        return self._files

    def label(self) -> str:
        """A short name for messages and comparisons: the file name, or ``stdin``."""
        if len(self.paths) == 1:
            p = self.paths[0]
            return "stdin" if p == STDIN else Path(p.rstrip("/")).name
        return ",".join(Path(p).name if p != STDIN else "stdin" for p in self.paths)

    def __iter__(self) -> Iterator[Document]:
        for path in self.files:
            yield from self.read_file(path)

    # -- one file ------------------------------------------------------------

    def _fail(self, message: str, *, file_level: bool = False) -> None:
        if self.options.skip_errors:
            if file_level:
                self.stats.skipped_files += 1
            else:
                self.stats.skipped += 1
            return
        raise InputError(message)

    def _open_bytes(self, path: str) -> io.BufferedIOBase:
        if path == STDIN:
            if self._stdin_data is None:
                stream = self._stdin if self._stdin is not None else sys.stdin.buffer
                self._stdin_data = stream.read()
            return io.BufferedReader(io.BytesIO(self._stdin_data))  # type: ignore[arg-type]
        _, gz = format_of(path)
        try:
            if gz:
                return gzip.open(path, "rb")  # type: ignore[return-value]
            return open(path, "rb")
        except IsADirectoryError as exc:
            raise InputError(f"{path}: is a directory") from exc
        except FileNotFoundError as exc:
            raise InputError(f"{path}: no such file or directory") from exc
        except PermissionError as exc:
            raise InputError(f"{path}: permission denied") from exc

    def read_file(self, path: str, *, first_line: int = 1, byte_range: tuple[int, int] | None = None) -> Iterator[Document]:
        """Documents of one file, selected by the options, in file order.

        ``byte_range`` (JSONL only) reads a line-aligned slice whose first line
        is ``first_line``: the unit that parallel and distributed engines share.
        """
        origin = "<stdin>" if path == STDIN else path
        decode = _Decoder(self.stats, origin)
        try:
            fh = self._open_bytes(path)
        except InputError as exc:
            self._fail(str(exc), file_level=True)
            return
        try:
            try:
                head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
            except (OSError, EOFError) as exc:
                self._fail(f"{origin}: cannot read ({exc})", file_level=True)
                return
            if byte_range is None:
                if not head.strip():
                    self._fail(f"{origin}: empty file", file_level=True)
                    return
                if b"\x00" in head:
                    self._fail(f"{origin}: binary file (contains NUL bytes), not text", file_level=True)
                    return
            if path == STDIN:
                fmt = "jsonl" if head.lstrip().lstrip(b"\xef\xbb\xbf").startswith(b"{") else "text"
            else:
                fmt, _ = format_of(path)
            if fmt == "jsonl":
                yield from self._read_jsonl(fh, path, origin, decode, first_line, byte_range)
            elif fmt == "json":
                yield from self._read_json(fh, path, origin, decode)
            elif fmt in ("csv", "tsv"):
                yield from self._read_csv(fh, path, origin, decode, fmt)
            else:
                yield from self._read_text(fh, path, origin, decode)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self._fail(f"{origin}: cannot read ({exc})", file_level=True)
        finally:
            fh.close()

    def _stem(self, path: str) -> str:
        if path == STDIN:
            return "stdin"
        name = Path(path).name
        for _ in range(2):
            stem, dot, ext = name.rpartition(".")
            if dot and ext.lower() in {"gz", "txt", "md", "text", "jsonl", "ndjson", "json", "csv", "tsv"}:
                name = stem
        return name

    def _emit(self, doc: Document) -> Iterator[Document]:
        self.stats.documents += 1
        if self.options.with_title and doc.title:
            doc.text = f"{doc.title}\n\n{doc.text}"
        if self.options.selects(doc):
            self.stats.selected += 1
            yield doc

    def _from_record(self, record: object, path: str, origin: str, where: str, fallback_id: str, line: int | None) -> Document | None:
        opts = self.options
        if not isinstance(record, dict):
            self._fail(f"{origin}{where}: expected a JSON object, got {type(record).__name__}")
            return None
        if opts.text_field not in record or record[opts.text_field] is None:
            fields = ", ".join(sorted(map(str, record))) or "none"
            self._fail(
                f"{origin}{where}: no '{opts.text_field}' field (fields: {fields}; "
                "name another with --text-field)"
            )
            return None
        text = record[opts.text_field]
        if not isinstance(text, str):
            text = str(text)
        raw_id = record.get(opts.id_field)
        doc_id = str(raw_id) if raw_id not in (None, "") else fallback_id
        title = record.get(opts.title_field)
        title = str(title) if title not in (None, "") else None
        raw_date = record.get(opts.date_field)
        date = None
        if raw_date not in (None, ""):
            date = parse_date(raw_date)
            if date is None:
                self.stats.undated_unparsable += 1
        skip = {opts.text_field, opts.id_field, opts.title_field, opts.date_field}
        meta = {k: v for k, v in record.items() if k not in skip}
        return Document(id=doc_id, text=text, title=title, date=date, meta=meta, origin=origin, line=line)

    def _read_jsonl(self, fh, path, origin, decode, first_line, byte_range) -> Iterator[Document]:
        stem = self._stem(path)
        lineno = first_line - 1
        remaining = None
        if byte_range is not None:
            fh.seek(byte_range[0])
            remaining = byte_range[1] - byte_range[0]
        seen = False
        for raw in fh:
            if remaining is not None:
                if remaining <= 0:
                    break
                remaining -= len(raw)
            lineno += 1
            if not raw.strip():
                continue
            seen = True
            line = decode(raw)
            if lineno == 1:
                line = _strip_bom(line)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                self._fail(f"{origin} line {lineno}: malformed JSON ({exc.msg} at column {exc.colno})")
                continue
            doc = self._from_record(record, path, origin, f" line {lineno}", f"{stem}:{lineno}", lineno)
            if doc is not None:
                yield from self._emit(doc)
        if not seen and byte_range is None:
            self._fail(f"{origin}: empty file", file_level=True)

    def _read_json(self, fh, path, origin, decode) -> Iterator[Document]:
        stem = self._stem(path)
        text = _strip_bom(decode(fh.read()))
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail(f"{origin} line {exc.lineno}: malformed JSON ({exc.msg})", file_level=True)
            return
        if isinstance(data, dict):
            for key in ("documents", "data", "items", "records"):
                if isinstance(data.get(key), list):
                    data = data[key]
                    break
        if not isinstance(data, list):
            self._fail(f"{origin}: expected a JSON array of objects", file_level=True)
            return
        for i, record in enumerate(data, start=1):
            doc = self._from_record(record, path, origin, f" item {i}", f"{stem}:{i}", i)
            if doc is not None:
                yield from self._emit(doc)

    def _read_csv(self, fh, path, origin, decode, fmt) -> Iterator[Document]:
        stem = self._stem(path)
        wrapper = (_strip_bom(decode(raw)) if i == 0 else decode(raw) for i, raw in enumerate(fh))
        reader = csv.DictReader(wrapper, delimiter="\t" if fmt == "tsv" else ",")
        if reader.fieldnames is None:
            self._fail(f"{origin}: empty file", file_level=True)
            return
        if self.options.text_field not in reader.fieldnames:
            cols = ", ".join(reader.fieldnames)
            self._fail(
                f"{origin}: no '{self.options.text_field}' column (columns: {cols}; "
                "name another with --text-field)",
                file_level=True,
            )
            return
        try:
            for row in reader:
                line = reader.line_num
                row = {k: v for k, v in row.items() if k is not None}
                doc = self._from_record(row, path, origin, f" line {line}", f"{stem}:{line}", line)
                if doc is not None:
                    yield from self._emit(doc)
        except csv.Error as exc:
            self._fail(f"{origin} line {reader.line_num}: malformed {fmt.upper()} ({exc})", file_level=True)

    def _read_text(self, fh, path, origin, decode) -> Iterator[Document]:
        text = _strip_bom(decode(fh.read())).replace("\r\n", "\n").replace("\r", "\n")
        title, date, body = parse_plain_text(text)
        doc = Document(id=self._stem(path), text=body, title=title, date=date, origin=origin, line=None)
        yield from self._emit(doc)


def load_corpus(paths: Iterable[str] | None = None, **options) -> Corpus:
    """A :class:`Corpus` over ``paths`` (``None``: the bundled corpus) with
    :class:`ReadOptions` given as keyword arguments."""
    return Corpus(paths, ReadOptions(**options))


ProgressCallback = Callable[[int], None]
