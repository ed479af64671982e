"""Lexicons (dictionaries) for ``textkit score``: loading every format, and the built-ins.

A lexicon maps *categories* to *entries*. An entry is a pattern as
:mod:`textkit.patterns` defines it: a word (``mourning``), a phrase of several
words (``puppet regime``), a word with a trailing ``*`` that matches any
continuation (``imperialis*``); a word also matches its possessive
(``leader`` matches "leader's"). Every entry has a weight (1 unless the file
gives one). A word may belong to several categories, as in LIWC.

Formats, chosen by the file's extension:

``.yaml`` / ``.yml`` / ``.json``
    A mapping of category to entries: ``{grief: [mourning, "deep sorrow*"]}``.
    Weights either as a mapping ``{category: {entry: weight}}`` or as list
    items ``{entry: weight}`` beside plain ``entry`` items (weight 1).
``.dic``
    The LIWC format (Pennebaker et al. 2015, *LIWC2015 Operator's Manual*,
    "Creating and using custom dictionaries"): a line ``%``, one
    ``id<TAB>name`` line per category, a closing ``%``, then one line per
    entry, ``entry<TAB>id<TAB>id…``. An entry may contain spaces (a phrase)
    and end in ``*``. No weights.
``.csv`` / ``.tsv``
    One row per entry and category: ``entry,category[,weight]``. An optional
    header row whose first cell is ``entry``, ``term``, ``word`` or
    ``pattern`` is skipped; blank lines and lines starting with ``#`` too.

Errors name the file, the line and what is wrong, as one line
(:class:`~textkit.errors.InputError`).

Built-in lexicons (:func:`builtin_lexicons`):

``vader``
    The lexicon of VADER (Hutto & Gilbert 2014) as shipped in vaderSentiment
    3.3.2 (``vader_lexicon.txt``: ``token<TAB>mean<TAB>sd<TAB>ratings``):
    category ``positive`` holds the tokens rated above 0, ``negative`` those
    rated below 0, each weighted by its mean rating (-4..+4). Emoticons and
    other entries that textkit's tokenizer never produces as one word
    (``:)``, ``<3``, ``b^d``) are left out.
``state-media`` and any other ``textkit/data/lexicons/<name>.yaml``
    Shipped YAML lexicons, described by ``<name>.meta.yaml``
    (``{description, categories: {name: one-line meaning}}``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError
from .tokenize import words

__all__ = [
    "LEXICON_SUFFIXES",
    "Lexicon",
    "builtin_lexicons",
    "builtin_names",
    "get_lexicon",
    "load_lexicon",
    "snake_case",
]

LEXICON_SUFFIXES = (".yaml", ".yml", ".json", ".dic", ".csv", ".tsv")
_HEADER_CELLS = {"entry", "term", "word", "pattern", "entries", "terms", "words"}


@dataclass
class Lexicon:
    """Categories of weighted entries, in the order the lexicon gives them.

    ``categories`` maps each category name to ``{entry: weight}``;
    ``weighted`` says whether the source gave any weight; ``meanings`` maps
    categories to one-line meanings (built-ins); ``left_out`` counts entries
    dropped while loading (the emoticons of ``vader``).
    """

    name: str
    categories: dict[str, dict[str, float]]
    source: str = ""
    weighted: bool = False
    description: str = ""
    meanings: dict[str, str] = field(default_factory=dict)
    left_out: int = 0

    @property
    def n_entries(self) -> int:
        """Entries summed over categories (an entry in two categories counts twice)."""
        return sum(len(entries) for entries in self.categories.values())

    @property
    def fingerprint(self) -> str:
        """A digest of the categories and entries (the key of compiled matchers)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            data = json.dumps(list(self.categories.items()), ensure_ascii=False)
            cached = hashlib.sha1(data.encode("utf-8")).hexdigest()
            self.__dict__["_fingerprint"] = cached
        return cached


def snake_case(name: str) -> str:
    """A category name as a column name: ``Grief & Mourning`` → ``grief_mourning``.

    >>> snake_case("praiseAchievement"), snake_case("Grief & Mourning"), snake_case("military-threat")
    ('praise_achievement', 'grief_mourning', 'military_threat')
    """
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    s = re.sub(r"[\W_]+", "_", s).strip("_").lower()
    return s or "category"


# -- checking entries and weights --------------------------------------------


def _where(origin: str, line: int | None) -> str:
    return f"{origin} line {line}" if line else origin


def _check_entry(text: str, origin: str, line: int | None) -> str:
    """An entry stripped, or an :class:`InputError` saying what is wrong with it."""
    entry = " ".join(text.split())
    if not entry:
        raise InputError(f"{_where(origin, line)}: empty entry")
    for piece in entry.split(" "):
        if "*" in piece.rstrip("*"):
            raise InputError(
                f"{_where(origin, line)}: entry {entry!r}: '*' is allowed only at the end of a word"
            )
        if not piece.rstrip("*"):
            raise InputError(f"{_where(origin, line)}: entry {entry!r}: a '*' needs letters before it")
    return entry


def _check_weight(value: Any, origin: str, line: int | None) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InputError(f"{_where(origin, line)}: weight {value!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{_where(origin, line)}: weight {value!r} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise InputError(f"{_where(origin, line)}: weight {value!r} is not a finite number")
    return value


class _Builder:
    """Collects categories and entries, refusing contradictions."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.categories: dict[str, dict[str, float]] = {}
        self.weighted = False

    def category(self, name: Any, line: int | None) -> str:
        if isinstance(name, bool) or name is None or isinstance(name, (list, dict)):
            raise InputError(f"{_where(self.origin, line)}: category name {name!r} is not text")
        name = " ".join(str(name).split())
        if not name:
            raise InputError(f"{_where(self.origin, line)}: empty category name")
        self.categories.setdefault(name, {})
        return name

    def add(self, category: str, entry: Any, weight: Any, line: int | None) -> None:
        if isinstance(entry, bool) or entry is None or isinstance(entry, (list, dict)):
            raise InputError(f"{_where(self.origin, line)}: entry {entry!r} is not text")
        text = _check_entry(str(entry), self.origin, line)
        if weight is None:
            w = 1.0
        else:
            w = _check_weight(weight, self.origin, line)
            self.weighted = True
        entries = self.categories.setdefault(category, {})
        old = entries.get(text)
        if old is not None and old != w:
            raise InputError(
                f"{_where(self.origin, line)}: entry {text!r} is given twice in category "
                f"{category!r} with different weights ({old:g} and {w:g})"
            )
        entries[text] = w

    def build(self, name: str) -> Lexicon:
        if not self.categories:
            raise InputError(f"{self.origin}: no categories in the lexicon")
        return Lexicon(name, self.categories, source=self.origin, weighted=self.weighted)


# -- YAML and JSON -----------------------------------------------------------


@dataclass
class _Node:
    """A parsed value with the line it starts on (None when unknown)."""

    kind: str  # "map", "seq" or "scalar"
    value: Any
    line: int | None


def _yaml_tree(text: str, origin: str) -> _Node | None:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"{origin} line {mark.line + 1}" if mark is not None else origin
        raise InputError(f"{where}: not valid YAML ({problem})") from None
    if root is None:
        return None
    constructor = yaml.constructor.SafeConstructor()

    def convert(node) -> _Node:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return _Node("map", [(convert(k), convert(v)) for k, v in node.value], line)
        if isinstance(node, yaml.SequenceNode):
            return _Node("seq", [convert(v) for v in node.value], line)
        try:
            value = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise InputError(f"{origin} line {line}: {getattr(exc, 'problem', exc)}") from None
        return _Node("scalar", value, line)

    return convert(root)


def _json_tree(text: str, origin: str) -> _Node | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    lines = text.splitlines()
    cursor = [0]

    def line_of(value: Any) -> int | None:
        """The first line at or after the cursor that shows ``value`` as JSON."""
        needle = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else None
        if needle is None:
            return None
        for i in range(cursor[0], len(lines)):
            if needle in lines[i] or json.dumps(value) in lines[i]:
                cursor[0] = i
                return i + 1
        return None

    def convert(value: Any) -> _Node:
        if isinstance(value, dict):
            pairs = []
            for k, v in value.items():
                key = _Node("scalar", k, line_of(k))
                pairs.append((key, convert(v)))
            return _Node("map", pairs, None)
        if isinstance(value, list):
            return _Node("seq", [convert(v) for v in value], None)
        return _Node("scalar", value, line_of(value))

    return convert(data)


def _from_tree(root: _Node | None, origin: str, name: str) -> Lexicon:
    if root is None or root.kind != "map":
        raise InputError(f"{origin}: expected a mapping of category to entries")
    b = _Builder(origin)
    seen: dict[str, int | None] = {}
    for key, value in root.value:
        if key.kind != "scalar":
            raise InputError(f"{_where(origin, key.line)}: a category name must be text")
        cat = b.category(key.value, key.line)
        if cat in seen:
            raise InputError(f"{_where(origin, key.line)}: category {cat!r} is given twice")
        seen[cat] = key.line
        line = key.line
        if value.kind == "seq":
            for item in value.value:
                where = item.line or line
                if item.kind == "scalar":
                    b.add(cat, item.value, None, where)
                elif item.kind == "map" and len(item.value) == 1:
                    (k, w), = item.value
                    if k.kind != "scalar" or w.kind != "scalar":
                        raise InputError(f"{_where(origin, where)}: expected an entry or {{entry: weight}}")
                    b.add(cat, k.value, w.value, k.line or where)
                else:
                    raise InputError(f"{_where(origin, where)}: expected an entry or {{entry: weight}}")
        elif value.kind == "map":
            for k, w in value.value:
                where = k.line or line
                if k.kind != "scalar" or w.kind != "scalar":
                    raise InputError(f"{_where(origin, where)}: expected entry: weight")
                b.add(cat, k.value, w.value, where)
        elif value.kind == "scalar" and value.value is None:
            continue  # a category without entries
        else:
            raise InputError(
                f"{_where(origin, value.line or line)}: category {cat!r}: expected a list of "
                "entries or a mapping of entry to weight"
            )
    return b.build(name)


# -- LIWC .dic -----------------------------------------------------------------


def _from_dic(text: str, origin: str, name: str) -> Lexicon:
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines):
        raise InputError(f"{origin}: empty lexicon file")
    if lines[i].strip() != "%":
        raise InputError(
            f"{origin} line {i + 1}: expected '%' to open the category header (LIWC .dic format)"
        )
    b = _Builder(origin)
    ids: dict[str, str] = {}
    i += 1
    closed = False
    while i < len(lines):
        raw = lines[i].strip()
        i += 1
        if not raw:
            continue
        if raw == "%":
            closed = True
            break
        parts = raw.split(None, 1)
        if len(parts) < 2:
            raise InputError(f"{origin} line {i}: expected a category id and name (e.g. '1<TAB>grief')")
        cid, cname = parts[0], parts[1].split("\t")[0].strip()
        if not cid.isdigit() and raw.split()[-1].isdigit():
            raise InputError(
                f"{origin} line {i}: missing the closing % of the category header "
                f"(this line looks like an entry: {raw!r})"
            )
        if not cid.isdigit():
            raise InputError(f"{origin} line {i}: category id {cid!r} is not a number")
        if cid in ids:
            raise InputError(f"{origin} line {i}: category id {cid} is given twice")
        if cname in b.categories:
            raise InputError(f"{origin} line {i}: category {cname!r} is given twice")
        ids[cid] = b.category(cname, i)
    if not closed:
        raise InputError(f"{origin}: missing the closing % of the category header")
    if not ids:
        raise InputError(f"{origin}: no categories in the header")
    while i < len(lines):
        raw = lines[i].rstrip("\r\n")
        i += 1
        if not raw.strip():
            continue
        fields = [f.strip() for f in raw.split("\t") if f.strip()]
        if len(fields) >= 2:
            entry, tail = fields[0], " ".join(fields[1:]).split()
        else:  # separated by spaces: the trailing numbers are the ids
            tokens = raw.split()
            k = len(tokens)
            while k > 1 and tokens[k - 1].isdigit():
                k -= 1
            entry, tail = " ".join(tokens[:k]), tokens[k:]
        if not tail:
            raise InputError(f"{origin} line {i}: entry {entry!r} has no category id")
        for cid in tail:
            if not cid.isdigit():
                raise InputError(
                    f"{origin} line {i}: {cid!r} is not a category id"
                    + (" (LIWC2007 conditional entries are not supported)" if "<" in cid or "/" in cid else "")
                )
            if cid not in ids:
                raise InputError(f"{origin} line {i}: unknown category id {cid}")
            b.add(ids[cid], entry, None, i)
    return b.build(name)


# -- CSV / TSV ---------------------------------------------------------------


def _from_csv(text: str, origin: str, name: str, delimiter: str) -> Lexicon:
    import csv
    import io

    b = _Builder(origin)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    shape = "entry,category[,weight]" if delimiter == "," else "entry<TAB>category[<TAB>weight]"
    first = True
    try:
        for row in reader:
            line = reader.line_num
            cells = [c.strip() for c in row]
            while cells and not cells[-1]:
                cells.pop()
            if not cells or cells[0].startswith("#"):
                continue
            if first and cells[0].lower() in _HEADER_CELLS:
                first = False
                continue
            first = False
            if len(cells) not in (2, 3) or not cells[1]:
                raise InputError(f"{origin} line {line}: expected {shape}")
            cat = b.category(cells[1], line)
            b.add(cat, cells[0], cells[2] if len(cells) == 3 else None, line)
    except csv.Error as exc:
        raise InputError(f"{origin} line {reader.line_num}: malformed CSV ({exc})") from None
    return b.build(name)


# -- files ---------------------------------------------------------------------


def _read_text(path: Path, origin: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{origin}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{origin}: is a directory, not a lexicon file") from None
    except OSError as exc:
        raise InputError(f"{origin}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{origin}: binary file (contains NUL bytes), not a lexicon")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # old LIWC dictionaries
    return text[1:] if text.startswith("\ufeff") else text


def load_lexicon(path: str | Path, name: str | None = None) -> Lexicon:
    """Read a lexicon file (``.yaml``/``.yml``, ``.json``, ``.dic``, ``.csv``, ``.tsv``).

    Returns a :class:`Lexicon` named ``name`` (default: the file name without
    extension). Raises :class:`~textkit.errors.InputError` naming the file,
    the line and what is wrong.
    """
    p = Path(path)
    origin = str(path)
    suffix = p.suffix.lower()
    if suffix not in LEXICON_SUFFIXES:
        raise InputError(
            f"{origin}: unknown lexicon format {suffix or '(no extension)'!r}; "
            f"use one of: {', '.join(LEXICON_SUFFIXES)}"
        )
    text = _read_text(p, origin)
    name = name or p.stem
    if not text.strip():
        raise InputError(f"{origin}: empty lexicon file")
    if suffix in (".yaml", ".yml"):
        return _from_tree(_yaml_tree(text, origin), origin, name)
    if suffix == ".json":
        return _from_tree(_json_tree(text, origin), origin, name)
    if suffix == ".dic":
        return _from_dic(text, origin, name)
    return _from_csv(text, origin, name, "," if suffix == ".csv" else "\t")


# -- built-ins -------------------------------------------------------------------

VADER_MEANINGS = {
    "positive": "tokens VADER's raters scored above 0; weight: the mean rating (up to +4)",
    "negative": "tokens VADER's raters scored below 0; weight: the mean rating (down to -4)",
}


def _data_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("textkit") / "data" / "lexicons"))


def builtin_names() -> list[str]:
    """Names of the built-in lexicons: ``vader`` and every shipped YAML lexicon."""
    names = {"vader"}
    d = _data_dir()
    if d.is_dir():
        for f in d.iterdir():
            if f.suffix in (".yaml", ".yml") and not f.name.endswith((".meta.yaml", ".meta.yml")):
                names.add(f.stem)
    return sorted(names)


@lru_cache(maxsize=1)
def _vader_lexicon() -> Lexicon:
    """VADER 3.3.2's lexicon as ``positive``/``negative`` categories weighted by valence."""
    from importlib.resources import files

    try:
        text = (files("vaderSentiment") / "vader_lexicon.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:  # pragma: no cover
        raise InputError(f"the vader lexicon needs vaderSentiment 3.3.2 installed ({exc})") from None
    positive: dict[str, float] = {}
    negative: dict[str, float] = {}
    left_out = 0
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip():
            continue
        token = fields[0].strip()
        try:
            valence = float(fields[1])
        except ValueError:
            left_out += 1
            continue
        pieces = token.split()
        if not all(words(piece) == [piece] for piece in pieces):
            left_out += 1  # an emoticon or symbol: never a word token
            continue
        entry = " ".join(pieces).lower()
        if valence > 0:
            positive[entry] = valence
        elif valence < 0:
            negative[entry] = valence
    n = len(positive) + len(negative)
    description = (
        f"VADER's lexicon (Hutto & Gilbert 2014; vaderSentiment 3.3.2): {n:,} rated words, "
        "positive and negative, weighted by their mean rating (-4..+4); "
        f"{left_out} emoticons and symbols left out"
    )
    return Lexicon(
        "vader",
        {"positive": positive, "negative": negative},
        source="built-in",
        weighted=True,
        description=description,
        meanings=dict(VADER_MEANINGS),
        left_out=left_out,
    )


def _shipped_lexicon(name: str) -> Lexicon:
    d = _data_dir()
    path = d / f"{name}.yaml"
    if not path.exists():
        path = d / f"{name}.yml"
    lex = load_lexicon(path, name=name)
    lex.source = "built-in"
    meta_path = path.with_name(f"{name}.meta.yaml")
    if meta_path.exists():
        import yaml

        try:
            meta = yaml.safe_load(meta_path.read_text("utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"{meta_path}: not valid YAML ({exc})") from None
        if isinstance(meta, dict):
            lex.description = " ".join(str(meta.get("description") or "").split())
            cats = meta.get("categories")
            if isinstance(cats, dict):
                lex.meanings = {str(k): " ".join(str(v).split()) for k, v in cats.items()}
    return lex


def get_lexicon(spec: str | Path | Lexicon) -> Lexicon:
    """A lexicon by built-in name or file path (a :class:`Lexicon` is returned as is).

    Raises :class:`~textkit.errors.UsageError` listing the built-in names when
    ``spec`` is neither.
    """
    if isinstance(spec, Lexicon):
        return spec
    text = str(spec)
    names = builtin_names()
    if text in names and not Path(text).is_file():
        return _vader_lexicon() if text == "vader" else _shipped_lexicon(text)
    if Path(text).exists():
        return load_lexicon(text)
    raise UsageError(
        f"{text!r} is not a built-in lexicon ({', '.join(names)}) and no such file"
    )


def builtin_lexicons() -> list[dict]:
    """One row per built-in lexicon: ``name``, ``categories`` (their names, in
    order), ``entries`` (summed over categories) and ``description``."""
    rows = []
    for name in builtin_names():
        lex = get_lexicon(name)
        rows.append(
            {
                "name": name,
                "categories": list(lex.categories),
                "entries": lex.n_entries,
                "description": lex.description,
            }
        )
    return rows


def lexicon_categories(spec: str | Path | Lexicon, examples: int = 5) -> list[dict]:
    """One row per category of a lexicon: ``lexicon``, ``category``, ``entries``
    (how many), ``meaning`` (built-ins; else empty) and ``examples`` (the first
    entries, heaviest first when weighted, ties by entry)."""
    lex = get_lexicon(spec)
    rows = []
    for cat, entries in lex.categories.items():
        if lex.weighted:
            order = sorted(entries, key=lambda e: (-abs(entries[e]), e))
        else:
            order = sorted(entries)
        rows.append(
            {
                "lexicon": lex.name,
                "category": cat,
                "entries": len(entries),
                "meaning": lex.meanings.get(cat, ""),
                "examples": order[:examples],
            }
        )
    return rows
