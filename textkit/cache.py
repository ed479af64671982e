"""The token cache: each input file tokenized once, read back by every later run.

The first run over a file stores its tokenized form; any later run of any
command with the same tokenizer options reads it instead of re-tokenizing.
See ``docs/cache.md`` for the user's view and ``docs/architecture.md`` for how
the engine uses it.

Key
    One *entry* per input file and tokenizer options, named by a hash of the
    file's absolute path, :meth:`AnalyzerOptions.stream_key` (the options that
    change the token stream) and the read options that change documents
    (``text/id/date/title`` fields, ``with_title``). The entry's header holds
    the rest of the key, checked on every run: the file's size, modification
    time (ns) and SHA-256 of its bytes, the cache format, the textkit version
    and a fingerprint of the code that makes documents and tokens. Any mismatch
    means the entry is stale and is rebuilt (it is replaced, so stale entries
    do not pile up). An entry that cannot be read (truncated, corrupt, not a
    zip) gives a note on stderr and is rebuilt; it is never trusted and never
    fatal.

Contents
    Every record of the file (before ``--since``/``--until``/``--where``, which
    are applied to the cached metadata, so every selection reuses one entry),
    in *chunks* of consecutive records. An entry is a NumPy ``.npz`` archive
    (a ZIP of ``.npy`` arrays, stored uncompressed) with JSON members and one
    UTF-8 text member; ``numpy.load(path, allow_pickle=False)`` opens it, but
    textkit reads and writes it with the standard library (:mod:`array`,
    :mod:`zipfile`, :mod:`json`), so a warm run needs neither NumPy nor the
    sentence model. Nothing is pickled and nothing in it is executable::

        header.json           key, figures, chunk sizes, read statistics
        nchar.npy             int64 characters of each document's text (all records)
        cNNNNN.ids.npy        uint32 token ids into the chunk's vocabulary
        cNNNNN.ints.npy       int64, one after another: tokens per document,
                              sentences per document, end of each sentence (token
                              index in its document), start and end character of
                              each token, start and end character of each sentence
        cNNNNN.vocab.json     the chunk's distinct tokens (JSON array)
        cNNNNN.text.txt       the document texts, concatenated (UTF-8)
        cNNNNN.docs.json      [id, title, date, line, meta, characters] per document

Files that had skipped records or bytes that were not UTF-8 are handled
exactly: skipped records are never cached (a file with a bad record is read
afresh each run, so ``--skip-errors`` and its warning behave as before), and
the number of replaced bytes and of unparsable dates is stored and reported
again. Standard input is never cached.

Location
    ``$TEXTKIT_CACHE_DIR/tokens`` when ``TEXTKIT_CACHE_DIR`` is set, else
    ``platformdirs.user_cache_dir("textkit")/tokens`` (``~/.cache/textkit`` on
    Linux). ``TEXTKIT_NO_CACHE=1`` or ``--no-cache`` bypasses the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import sys
import time
import zipfile
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import Document
from .tokenize import TokenizedText

if TYPE_CHECKING:
    from .corpus import ReadOptions, ReadStats
    from .tokenize import AnalyzerOptions

FORMAT = 1
ENV_DIR = "TEXTKIT_CACHE_DIR"
ENV_OFF = "TEXTKIT_NO_CACHE"
ENTRY_SUFFIX = ".npz"
SUBDIR = "tokens"

# typecodes: token ids are unsigned 32-bit; everything else is the C long of
# TokenizedText's arrays ("l"), written as little-endian int64.
_IDS = "I"
_LONG = "l"
_I64 = "q"
_DESCR = {"I": "<u4", "q": "<i8"}
_LITTLE = sys.byteorder == "little"


class CacheError(Exception):
    """An entry that cannot be used (corrupt, truncated or inconsistent)."""


def note(message: str) -> None:
    """One ``textkit: note:`` line on stderr (the core does not import click)."""
    try:
        sys.stderr.write(f"textkit: note: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - stderr closed
        pass


# -- .npy members without NumPy ------------------------------------------------

_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_HEADER = re.compile(
    r"^\{'descr': '(?P<descr>[<|>][uif][1248])', 'fortran_order': False, "
    r"'shape': \((?P<n>\d+),\), \}\s*$"
)


def npy_bytes(values: array) -> bytes:
    """``values`` (typecode ``I``, ``q`` or ``l``) as a NumPy ``.npy`` v1.0 file:
    the header NumPy writes for a 1-d little-endian array, then the raw data."""
    if values.typecode == _IDS and values.itemsize == 4:
        descr = "<u4"
    elif values.typecode in (_I64, _LONG) and values.itemsize == 8:
        descr = "<i8"
    elif values.typecode == _LONG:  # a 32-bit C long (Windows): widen
        values = array(_I64, values)
        descr = "<i8"
    else:  # pragma: no cover - unusual platform
        raise ValueError(f"cannot store an array of typecode {values.typecode!r}")
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({len(values)},), }}"
    # NumPy pads the header with spaces so that magic + length + header + "\n" is a multiple of 64
    total = len(_NPY_MAGIC) + 2 + len(header) + 1
    header += " " * (-total % 64) + "\n"
    if not _LITTLE:  # pragma: no cover - big-endian host
        values = array(values.typecode, values)
        values.byteswap()
    return _NPY_MAGIC + struct.pack("<H", len(header)) + header.encode("latin-1") + values.tobytes()


def npy_array(data: bytes, typecode: str) -> array:
    """Read a 1-d ``.npy`` written by :func:`npy_bytes` into an array of ``typecode``
    (``I`` for ``<u4``, ``l`` or ``q`` for ``<i8``); :class:`CacheError` otherwise."""
    if data[:8] != _NPY_MAGIC or len(data) < 10:
        raise CacheError("not a .npy v1.0 array")
    (hlen,) = struct.unpack("<H", data[8:10])
    try:
        header = data[10 : 10 + hlen].decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
        raise CacheError("bad .npy header") from exc
    m = _NPY_HEADER.match(header)
    if m is None:
        raise CacheError("unexpected .npy header")
    want = "<u4" if typecode == _IDS else "<i8"
    if m["descr"] != want:
        raise CacheError(f"expected {want}, found {m['descr']}")
    n = int(m["n"])
    body = memoryview(data)[10 + hlen :]
    if len(body) != n * (4 if want == "<u4" else 8):
        raise CacheError("array data of the wrong length")
    if typecode == _LONG and array(_LONG).itemsize != 8:  # pragma: no cover - 32-bit C long
        wide = array(_I64)
        wide.frombytes(body)
        out = array(_LONG, wide)
    else:
        out = array(typecode if typecode != _LONG or array(_LONG).itemsize == 8 else _I64)
        out.frombytes(body)
    if not _LITTLE:  # pragma: no cover - big-endian host
        out.byteswap()
    return out


# -- a block of tokenized documents -------------------------------------------


class TokBlock:
    """The tokenization of consecutive documents, in columns (one chunk of an entry).

    ``vocab`` lists the distinct tokens; ``ids`` (uint32) indexes it for every
    token of every document in order; ``ntok`` and ``nsent`` give each
    document's tokens and sentences; ``ends`` the end of each sentence (a token
    index within its document: ``bounds`` without the leading 0);
    ``offsets`` two character offsets per token and ``spans`` two per sentence,
    relative to the document's text. :meth:`tokenized` gives back exactly the
    :class:`~textkit.tokenize.TokenizedText` the analyzer made.
    """

    __slots__ = ("vocab", "ids", "ntok", "nsent", "ends", "offsets", "spans", "_tok_start", "_sent_start", "_tokens")

    def __init__(self, vocab: list[str], ids: array, ntok: array, nsent: array, ends: array, offsets: array, spans: array) -> None:
        self.vocab = vocab
        self.ids = ids
        self.ntok = ntok
        self.nsent = nsent
        self.ends = ends
        self.offsets = offsets
        self.spans = spans
        self._tok_start: array | None = None
        self._sent_start: array | None = None
        self._tokens: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ntok)

    def __getstate__(self) -> tuple:
        return (self.vocab, self.ids, self.ntok, self.nsent, self.ends, self.offsets, self.spans)

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)

    @classmethod
    def from_tokenized(cls, toks: list[TokenizedText]) -> TokBlock:
        """Columns of ``toks`` (token ids in order of first occurrence)."""
        from itertools import chain

        all_tokens = list(chain.from_iterable(tok.tokens for tok in toks))
        vocab = list(dict.fromkeys(all_tokens))
        index = {t: i for i, t in enumerate(vocab)}
        ids = array(_IDS, map(index.__getitem__, all_tokens))
        ntok = array(_I64, [len(tok.tokens) for tok in toks])
        nsent = array(_I64, [len(tok.bounds) - 1 for tok in toks])
        ends = array(_LONG)
        offsets = array(_LONG)
        spans = array(_LONG)
        for tok in toks:
            ends.extend(tok.bounds[1:])
            offsets.extend(tok.offsets)
            spans.extend(tok.sent_spans)
        return cls(vocab, ids, ntok, nsent, ends, offsets, spans)

    def _starts(self) -> tuple[list[int], list[int]]:
        if self._tok_start is None:
            from itertools import accumulate

            self._tok_start = list(accumulate(self.ntok, initial=0))
            self._sent_start = list(accumulate(self.nsent, initial=0))
        return self._tok_start, self._sent_start  # type: ignore[return-value]

    def decode(self) -> None:
        """Turn every token id into its string at once (faster than document by
        document when most documents of the block are used)."""
        if self._tokens is None:
            self._tokens = list(map(self.vocab.__getitem__, self.ids))

    def tokenized(self, i: int) -> TokenizedText:
        """Document ``i`` as the :class:`TokenizedText` the analyzer made."""
        return self.tokenized_many([i])[0]

    def tokenized_many(self, positions: list[int]) -> list[TokenizedText]:
        """Documents at ``positions`` as the :class:`TokenizedText` objects the analyzer
        made (:meth:`decode` first when most of the block is used)."""
        tok_start, sent_start = self._starts()
        tokens = self._tokens
        ids = self.ids
        getter = self.vocab.__getitem__
        ends = self.ends
        offsets = self.offsets
        spans = self.spans
        out = []
        append = out.append
        for i in positions:
            a = tok_start[i]
            b = tok_start[i + 1]
            s = sent_start[i]
            e = sent_start[i + 1]
            bounds = array(_LONG, (0,))
            bounds.extend(ends[s:e])
            append(TokenizedText(
                tokens[a:b] if tokens is not None else list(map(getter, ids[a:b])),
                bounds, offsets[2 * a : 2 * b], spans[2 * s : 2 * e],
            ))
        return out

    def slice(self, start: int, stop: int) -> TokBlock:
        """Documents ``start`` to ``stop - 1`` as a block (sharing the vocabulary)."""
        tok_start, sent_start = self._starts()
        a, b = tok_start[start], tok_start[stop]
        s, e = sent_start[start], sent_start[stop]
        return TokBlock(
            self.vocab, self.ids[a:b], self.ntok[start:stop], self.nsent[start:stop],
            self.ends[s:e], self.offsets[2 * a : 2 * b], self.spans[2 * s : 2 * e],
        )

    def check(self) -> None:
        """Raise :class:`CacheError` unless the columns fit together."""
        n_tok = sum(self.ntok)
        n_sent = sum(self.nsent)
        if len(self.nsent) != len(self.ntok) or len(self.ids) != n_tok or len(self.ends) != n_sent:
            raise CacheError("chunk columns of different lengths")
        if len(self.offsets) != 2 * n_tok or len(self.spans) != 2 * n_sent:
            raise CacheError("chunk offsets of the wrong length")
        if n_tok and len(self.vocab) == 0:
            raise CacheError("chunk without a vocabulary")
        # each document's last sentence ends at its last token
        s = 0
        ends = self.ends
        for nt, ns in zip(self.ntok, self.nsent, strict=True):
            if ns < 0 or nt < 0 or (ns and ends[s + ns - 1] != nt) or (not ns and nt):
                raise CacheError("chunk sentence bounds do not match its tokens")
            s += ns

    def members(self) -> dict[str, bytes]:
        """The block as three members: ``ids.npy`` (uint32), ``ints.npy`` (int64:
        ``ntok``, ``nsent``, ``ends``, ``offsets``, ``spans`` one after another)
        and ``vocab.json``."""
        ints = array(_LONG if array(_LONG).itemsize == 8 else _I64)
        for part in (self.ntok, self.nsent, self.ends, self.offsets, self.spans):
            if part.itemsize == ints.itemsize:
                ints.frombytes(part.tobytes())
            else:  # pragma: no cover - a 32-bit C long
                ints.fromlist(part.tolist())
        return {
            "ids.npy": npy_bytes(self.ids),
            "ints.npy": npy_bytes(ints),
            "vocab.json": json.dumps(self.vocab).encode("ascii"),
        }

    @classmethod
    def from_members(cls, read: Callable[[str], bytes], n: int) -> TokBlock:
        """The block of ``n`` documents stored by :meth:`members`."""
        try:
            vocab = json.loads(read("vocab.json"))
        except ValueError as exc:
            raise CacheError(_reason(exc)) from exc
        if not isinstance(vocab, list):
            raise CacheError("vocabulary is not a list of strings")
        try:
            "".join(vocab)  # a list of strings (fast check)
        except TypeError as exc:
            raise CacheError("vocabulary is not a list of strings") from exc
        ids = npy_array(read("ids.npy"), _IDS)
        ints = npy_array(read("ints.npy"), _LONG)
        if len(ints) < 2 * n:
            raise CacheError("chunk columns of the wrong length")
        ntok = array(_I64, ints[:n])
        nsent = array(_I64, ints[n : 2 * n])
        n_tok = sum(ntok)
        n_sent = sum(nsent)
        a = 2 * n
        b = a + n_sent
        c = b + 2 * n_tok
        if len(ints) != c + 2 * n_sent:
            raise CacheError("chunk columns of the wrong length")
        block = cls(vocab, ids, ntok, nsent, ints[a:b], ints[b:c], ints[c:])
        block.check()
        return block


# -- keys ------------------------------------------------------------------------


def read_key(options: ReadOptions) -> dict:
    """The read options that change the documents of a file (part of the key)."""
    return {
        "text_field": options.text_field,
        "id_field": options.id_field,
        "date_field": options.date_field,
        "title_field": options.title_field,
        "with_title": options.with_title,
    }


def _package_stamp(name: str) -> str:
    """``size:mtime_ns`` of an installed package's ``__init__`` (changes on upgrade),
    found without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return "missing"
    if spec is None or not spec.origin:
        return "missing"
    try:
        st = os.stat(spec.origin)
    except OSError:
        return "missing"
    return f"{st.st_size}:{st.st_mtime_ns}"


def _source_digest() -> str:
    """SHA-256 of the source of the modules that make documents and tokens, read
    when this module is imported (with them, by the engine): the code that runs,
    even if the files change later in a long-lived process."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("corpus.py", "dates.py", "tokenize.py", "cache.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(f"{name}: unreadable".encode())
    return h.hexdigest()


_SOURCE = _source_digest()


@lru_cache(maxsize=8)
def code_fingerprint(stem: str | None = None, lemmatize: bool = False) -> str:
    """A hash of what makes documents and tokens: the cache format, the textkit
    version, the source of ``corpus``, ``dates``, ``tokenize`` and ``cache`` (as
    loaded), and the installed sentence model (plus nltk or simplemma when used)."""
    from . import __version__

    h = hashlib.sha256(f"format {FORMAT}\ntextkit {__version__}\nsource {_SOURCE}\n".encode())
    h.update(f"punkt {_package_stamp('punkt')}\n".encode())
    if stem:
        h.update(f"nltk {_package_stamp('nltk')}\n".encode())
    if lemmatize:
        h.update(f"simplemma {_package_stamp('simplemma')}\n".encode())
    return h.hexdigest()[:32]


def file_digest(path: str) -> str:
    """SHA-256 of the bytes of ``path`` (hex)."""
    h = hashlib.sha256()
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            h.update(view[:n])
    return h.hexdigest()


def options_label(stream: dict, read: dict) -> str:
    """A short description of an entry's options for ``textkit cache info``."""
    parts = ["lowercase" if stream.get("lowercase", True) else "no-lowercase"]
    if stream.get("stem"):
        parts.append(f"stem={stream['stem']}")
    if stream.get("lemmatize"):
        parts.append("lemmatize")
    if stream.get("compounds"):
        parts.append(f"compounds={len(stream['compounds'])}")
    for name, default in (("text_field", "text"), ("id_field", "id"), ("date_field", "date"), ("title_field", "title")):
        if read.get(name, default) != default:
            parts.append(f"{name.replace('_', '-')}={read[name]}")
    if read.get("with_title"):
        parts.append("with-title")
    return " ".join(parts)


# -- the store -------------------------------------------------------------------


def cache_root() -> Path:
    """The cache directory: ``$TEXTKIT_CACHE_DIR``, else the platform's user cache
    directory for textkit (``~/.cache/textkit`` on Linux)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("textkit", appauthor=False))


def disabled_by_env() -> bool:
    """Whether ``TEXTKIT_NO_CACHE`` turns the cache off (any value but ``0``, ``false``, ``no``, empty)."""
    value = os.environ.get(ENV_OFF, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


class Store:
    """The entries in one directory; :meth:`lookup` finds or starts an entry for a file."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else cache_root()
        self.dir = self.root / SUBDIR
        self.writable = True

    def entry_path(self, source: str, stream: dict, read: dict) -> Path:
        name = json.dumps([source, stream, read], sort_keys=True, ensure_ascii=True)
        return self.dir / (hashlib.sha256(name.encode()).hexdigest()[:32] + ENTRY_SUFFIX)

    def lookup(self, path: str, read_options: ReadOptions, options: AnalyzerOptions) -> tuple[Entry | None, Writer | None]:
        """A valid entry for ``path`` (to read), or else a :class:`Writer` to fill
        one (None when the file cannot be cached now)."""
        source = os.path.abspath(path)
        try:
            st = os.stat(source)
        except OSError:
            return None, None  # the reader reports the missing file
        if not os.path.isfile(source):
            return None, None
        stream = options.stream_key()
        read = read_key(read_options)
        key = {
            "format": FORMAT,
            "code": code_fingerprint(options.stem, options.lemmatize),
            "source": source,
            "stream": stream,
            "read": read,
        }
        target = self.entry_path(source, stream, read)
        digest = None
        if target.exists():
            try:
                entry = Entry.open(target)
            except CacheError as exc:
                note(f"cache entry for {path} was unreadable ({exc}); rebuilding")
            else:
                h = entry.header
                if h.get("key") == key and h.get("size") == st.st_size and h.get("mtime_ns") == st.st_mtime_ns:
                    try:
                        digest = file_digest(source)
                    except OSError:
                        entry.close()
                        return None, None  # the reader reports the unreadable file
                    if h.get("sha256") == digest:
                        return entry, None
                entry.close()
        if not self.writable:
            return None, None
        if digest is None:
            try:
                digest = file_digest(source)
            except OSError:
                return None, None
        try:
            writer = Writer(self, target, path, {"key": key, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest})
        except OSError as exc:
            self.writable = False
            note(f"cannot write the token cache in {self.dir} ({exc.strerror or exc}); continuing without it")
            return None, None
        return None, writer

    def entries(self) -> list[Path]:
        """The entry files, sorted by name."""
        try:
            return sorted(p for p in self.dir.iterdir() if p.name.endswith(ENTRY_SUFFIX))
        except OSError:
            return []

    def leftovers(self) -> list[Path]:
        """Temporary files of interrupted writes."""
        try:
            return sorted(p for p in self.dir.iterdir() if ".tmp-" in p.name)
        except OSError:
            return []


MAX_OPEN_ENTRIES = 16
_OPEN_ENTRIES: OrderedDict[int, Entry] = OrderedDict()


def _hold(entry: Entry) -> None:
    """Count ``entry`` as recently used; close the archive of the least recently
    used entry beyond :data:`MAX_OPEN_ENTRIES` (a corpus of many small files
    must not run out of file descriptors)."""
    _OPEN_ENTRIES[id(entry)] = entry
    _OPEN_ENTRIES.move_to_end(id(entry))
    while len(_OPEN_ENTRIES) > MAX_OPEN_ENTRIES:
        _, old = _OPEN_ENTRIES.popitem(last=False)
        old.release()


def release_all() -> None:
    """Close every entry archive this process holds open (at the end of a run)."""
    while _OPEN_ENTRIES:
        _, entry = _OPEN_ENTRIES.popitem()
        entry.release()
    worker = _OPEN.pop("entry", None)
    if worker is not None:
        worker.close()


class Entry:
    """A cache entry opened for reading: its header, then its chunks.

    :meth:`light_chunks` gives what the main process needs to select and batch
    documents (text lengths, and metadata when there is a selection);
    :meth:`load_chunk` gives a whole chunk (tokens, texts, documents) to
    whichever process maps the tasks. Anything unreadable or inconsistent
    raises :class:`CacheError`.
    """

    def __init__(self, path: Path, zf: zipfile.ZipFile, header: dict) -> None:
        self.path = path
        self.zf: zipfile.ZipFile | None = zf
        self.header = header
        self.damaged = False
        self.reread: Any = None  # set by the engine: records of the source, for recovery
        self._starts: list[int] | None = None
        self._last: tuple[tuple[int, str], tuple[TokBlock, list[Document]]] | None = None
        _hold(self)

    @staticmethod
    def _open_zip(path: Path) -> tuple[zipfile.ZipFile, dict]:
        try:
            zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise CacheError(_reason(exc)) from exc
        try:
            header = json.loads(zf.read("header.json"))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise CacheError("unknown format")
            chunks = header.get("chunks")
            if not isinstance(chunks, list) or not all(isinstance(n, int) and n >= 0 for n in chunks):
                raise CacheError("bad chunk list")
            if sum(chunks) != header.get("documents"):
                raise CacheError("chunk sizes do not add up")
        except CacheError:
            zf.close()
            raise
        except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError, TypeError) as exc:
            zf.close()
            raise CacheError(_reason(exc)) from exc
        return zf, header

    @classmethod
    def open(cls, path: Path) -> Entry:
        """Open ``path`` and read its header; :class:`CacheError` when it is unreadable."""
        zf, header = cls._open_zip(path)
        return cls(path, zf, header)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What a worker checks before reading this entry on its own."""
        return (str(self.path), str(self.header.get("sha256")), str(self.header.get("created")))

    def _zip(self) -> zipfile.ZipFile:
        """The open archive (reopened, and checked to be the same entry, when it
        was closed to keep the number of open files small)."""
        if self.zf is None:
            zf, header = self._open_zip(self.path)
            if (str(header.get("sha256")), str(header.get("created"))) != self.identity[1:]:
                zf.close()
                raise CacheError("the entry changed during the run")
            self.zf = zf
        _hold(self)
        return self.zf

    def release(self) -> None:
        """Close the archive file and forget the last chunk (both come back when needed)."""
        self._last = None
        if self.zf is not None:
            self.zf.close()
            self.zf = None

    def close(self) -> None:
        self._last = None
        self.release()
        _OPEN_ENTRIES.pop(id(self), None)

    def __enter__(self) -> Entry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, k: int) -> int:
        """The index in the file of the first record of chunk ``k``."""
        if self._starts is None:
            from itertools import accumulate

            self._starts = list(accumulate(self.header["chunks"], initial=0))
        return self._starts[k]

    def _read(self, name: str) -> bytes:
        try:
            return self._zip().read(name)
        except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError) as exc:
            raise CacheError(_reason(exc)) from exc

    def _records(self, k: int) -> list:
        try:
            records = json.loads(self._read(f"c{k:05d}.docs.json"))
        except (ValueError, TypeError) as exc:
            raise CacheError(_reason(exc)) from exc
        if not isinstance(records, list):
            raise CacheError(f"chunk {k} has bad document records")
        return records

    @staticmethod
    def _document(rec: Any, text: str, origin: str) -> Document:
        try:
            doc_id, title, date, line, meta = rec[:5]
        except (TypeError, ValueError) as exc:
            raise CacheError("a bad document record") from exc
        if (
            not isinstance(doc_id, str)
            or not isinstance(meta, dict)
            or not (title is None or isinstance(title, str))
            or not (date is None or isinstance(date, str))
            or not (line is None or isinstance(line, int))
        ):
            raise CacheError("a bad document record")
        return Document(doc_id, text, title, date, meta, origin, line)

    def nchar(self) -> array:
        """The text length of every record of the file (member ``nchar.npy``)."""
        nchar = npy_array(self._read("nchar.npy"), _I64)
        if len(nchar) != self.header["documents"]:
            raise CacheError("text lengths do not match the documents")
        return nchar

    def light_chunks(self, origin: str, with_docs: bool) -> Iterator[tuple[int, array, list[Document] | None]]:
        """``(k, text lengths, documents)`` for each chunk; the documents (without
        their text: for selecting) only when ``with_docs``."""
        nchar = self.nchar()
        start = 0
        for k, n in enumerate(self.header["chunks"]):
            docs = None
            if with_docs:
                records = self._records(k)
                if len(records) != n:
                    raise CacheError(f"chunk {k} has inconsistent sizes")
                docs = [self._document(rec, "", origin) for rec in records]
            yield k, nchar[start : start + n], docs
            start += n

    def load_chunk(self, k: int, origin: str) -> tuple[TokBlock, list[Document]]:
        """Chunk ``k`` whole: its :class:`TokBlock` and its documents (with text)."""
        if self._last is not None and self._last[0] == (k, origin):
            return self._last[1]
        chunks = self.header["chunks"]
        if not 0 <= k < len(chunks):
            raise CacheError(f"no chunk {k}")
        n = chunks[k]
        prefix = f"c{k:05d}."
        block = TokBlock.from_members(lambda part: self._read(prefix + part), n)
        try:
            text = self._read(prefix + "text.txt").decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            raise CacheError(_reason(exc)) from exc
        records = self._records(k)
        if not len(block) == len(records) == n:
            raise CacheError(f"chunk {k} has inconsistent sizes")
        docs = []
        pos = 0
        for rec in records:
            try:
                doc_id, title, date, line, meta, nc = rec
            except (TypeError, ValueError) as exc:
                raise CacheError("a bad document record") from exc
            if not isinstance(nc, int) or nc < 0:
                raise CacheError("a bad document record")
            docs.append(self._document((doc_id, title, date, line, meta), text[pos : pos + nc], origin))
            pos += nc
        if pos != len(text):
            raise CacheError(f"chunk {k} has inconsistent sizes")
        self._last = ((k, origin), (block, docs))
        return block, docs

    def discard(self) -> None:
        """Mark this entry damaged and delete its file (best effort; open handles stay valid)."""
        self.damaged = True
        try:
            self.path.unlink()
        except OSError:
            pass


_OPEN: dict[str, Any] = {}


def worker_chunk(identity: tuple[str, str, str], k: int, origin: str) -> tuple[TokBlock, list[Document]]:
    """Chunk ``k`` of the entry ``identity`` read by a worker process on its own
    (one entry kept open); :class:`CacheError` when the entry is gone or changed."""
    entry = _OPEN.get("entry")
    if entry is None or entry.identity != identity:
        if entry is not None:
            entry.close()
            _OPEN.pop("entry", None)
        entry = Entry.open(Path(identity[0]))
        if entry.identity != identity:
            entry.close()
            raise CacheError("the entry changed during the run")
        _OPEN["entry"] = entry
    return entry.load_chunk(k, origin)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Writer:
    """Builds one entry: chunks are appended as the engine gets them back, in
    record order; :meth:`finish` writes the header and moves the temporary file
    into place atomically (``os.replace``); :meth:`abort` removes it."""

    def __init__(self, store: Store, target: Path, origin: str, header: dict) -> None:
        self.store = store
        self.target = target
        self.origin = origin
        self.header = header
        self.segments = 0  # segments handed to the engine
        self.received = 0  # segments whose tokenization came back
        self.eof = False
        self.done = False
        self.chunks: list[int] = []
        self.nchar = array(_I64)
        self.tokens = 0
        self.vocab: set[str] = set()
        self.stats: dict | None = None
        store.dir.mkdir(parents=True, exist_ok=True)
        self.tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{id(self):x}")
        self.zf: zipfile.ZipFile | None = None  # opened with the first chunk: few files open at once

    def _zip(self) -> zipfile.ZipFile:
        if self.zf is None:
            self.zf = zipfile.ZipFile(self.tmp, "w", zipfile.ZIP_STORED, allowZip64=True)
        return self.zf

    def add(self, docs: list[Document], block: TokBlock) -> None:
        """Append one chunk: the documents (records in file order) and their tokens."""
        self.received += 1
        if self.done:
            return
        try:
            prefix = f"c{len(self.chunks):05d}."
            zf = self._zip()
            for part, data in block.members().items():
                zf.writestr(prefix + part, data)
            texts = [d.text for d in docs]
            nchar = [len(t) for t in texts]
            zf.writestr(prefix + "text.txt", "".join(texts).encode("utf-8", "surrogatepass"))
            records = [[d.id, d.title, d.date, d.line, d.meta, nc] for d, nc in zip(docs, nchar, strict=True)]
            zf.writestr(prefix + "docs.json", json.dumps(records, ensure_ascii=True).encode("ascii"))
        except (OSError, ValueError, TypeError) as exc:
            self._fail(exc)
            return
        self.nchar.extend(nchar)
        self.chunks.append(len(docs))
        self.tokens += len(block.ids)
        self.vocab.update(block.vocab)
        self.maybe_finish()

    def end_of_file(self, stats: ReadStats, origin: str, *, complete: bool) -> None:
        """Reading the file ended; ``complete`` is False when records were skipped."""
        self.eof = True
        if not complete:
            self.abort()
            return
        self.stats = {
            "documents": stats.documents,
            "undated_unparsable": stats.undated_unparsable,
            "replaced": stats.replaced.get(origin, 0),
        }
        self.maybe_finish()

    def maybe_finish(self) -> None:
        if self.done or not self.eof or self.received < self.segments or self.stats is None:
            return
        self.done = True
        source = self.header["key"]["source"]
        try:
            st = os.stat(source)
            if st.st_size != self.header["size"] or st.st_mtime_ns != self.header["mtime_ns"]:
                self._discard()  # the file changed while it was read
                return
            if sum(self.chunks) != self.stats["documents"]:
                self._discard()
                return
            header = {
                "format": FORMAT,
                **self.header,
                "documents": self.stats["documents"],
                "tokens": self.tokens,
                "types": len(self.vocab),
                "chunks": self.chunks,
                "stats": self.stats,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            zf = self._zip()
            zf.writestr("nchar.npy", npy_bytes(self.nchar))
            zf.writestr("header.json", json.dumps(header, ensure_ascii=True, sort_keys=True).encode("ascii"))
            zf.close()
            self.zf = None
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self._fail(exc)
        self.vocab = set()

    def _fail(self, exc: BaseException) -> None:
        if self.store.writable:
            note(f"cannot write the token cache in {self.store.dir} ({_reason(exc)}); continuing without it")
        self.store.writable = False
        self.abort()

    def _discard(self) -> None:
        self.done = True
        if self.zf is not None:
            try:
                self.zf.close()
            except (OSError, ValueError):
                pass
            self.zf = None
        try:
            self.tmp.unlink()
        except OSError:
            pass

    def abort(self) -> None:
        """Give up this entry and remove its temporary file."""
        self._discard()
        self.vocab = set()


# -- textkit cache info | clear -------------------------------------------------

CACHE_INFO_COLUMNS = ["path", "entries", "bytes", "sources", "documents", "tokens"]
ENTRY_COLUMNS = ["source", "size", "documents", "tokens", "types", "options", "status", "created", "bytes"]
CLEAR_COLUMNS = ["path", "removed", "bytes"]


def _entry_row(path: Path) -> dict:
    row: dict[str, Any] = {
        "source": None, "size": None, "documents": None, "tokens": None, "types": None,
        "options": None, "status": "unreadable", "created": None, "bytes": None,
    }
    try:
        row["bytes"] = path.stat().st_size
    except OSError:
        return row
    try:
        with Entry.open(path) as entry:
            h = entry.header
    except CacheError:
        return row
    key = h.get("key") or {}
    row.update(
        source=key.get("source"), size=h.get("size"), documents=h.get("documents"),
        tokens=h.get("tokens"), types=h.get("types"),
        options=options_label(key.get("stream") or {}, key.get("read") or {}),
        status=_status(h), created=h.get("created"),
    )
    return row


def _status(header: dict) -> str:
    """``current`` (the source's size and time match), ``stale`` (it changed or is
    gone) or ``old`` (made by another textkit or cache format)."""
    key = header.get("key") or {}
    stream = key.get("stream") or {}
    if header.get("format") != FORMAT or key.get("code") != code_fingerprint(stream.get("stem"), bool(stream.get("lemmatize"))):
        return "old"
    try:
        st = os.stat(key.get("source") or "")
    except OSError:
        return "stale"
    if st.st_size != header.get("size") or st.st_mtime_ns != header.get("mtime_ns"):
        return "stale"
    return "current"


def cache_entries(store: Store | None = None) -> list[dict]:
    """One row per entry: ``source`` (absolute path), ``size`` (bytes of the source
    when cached), ``documents``, ``tokens``, ``types``, ``options``, ``status``
    (current, stale, old, unreadable), ``created`` (UTC), ``bytes`` (of the
    entry); sorted by source, options and time."""
    store = store or Store()
    rows = [_entry_row(p) for p in store.entries()]
    rows.sort(key=lambda r: (r["source"] or "", r["options"] or "", r["created"] or ""))
    return rows


def cache_info(store: Store | None = None) -> dict:
    """One row: ``path`` (the cache directory), ``entries``, ``bytes`` (their total
    size, with leftovers of interrupted writes), ``sources`` (distinct files),
    ``documents`` and ``tokens`` (summed over readable entries)."""
    store = store or Store()
    rows = cache_entries(store)
    leftovers = 0
    for p in store.leftovers():
        try:
            leftovers += p.stat().st_size
        except OSError:
            pass
    return {
        "path": str(store.dir),
        "entries": len(rows),
        "bytes": sum(r["bytes"] or 0 for r in rows) + leftovers,
        "sources": len({r["source"] for r in rows if r["source"]}),
        "documents": sum(r["documents"] or 0 for r in rows),
        "tokens": sum(r["tokens"] or 0 for r in rows),
    }


def clear_cache(store: Store | None = None, *, stale_only: bool = False) -> dict:
    """Remove every entry (``stale_only``: only stale, old and unreadable ones) and
    leftovers of interrupted writes; one row: ``path``, ``removed``, ``bytes`` freed."""
    store = store or Store()
    removed = 0
    freed = 0
    targets = list(store.leftovers())
    for p in store.entries():
        if stale_only and _entry_row(p)["status"] == "current":
            continue
        targets.append(p)
    for p in targets:
        try:
            size = p.stat().st_size
            p.unlink()
        except OSError:
            continue
        if p.name.endswith(ENTRY_SUFFIX):
            removed += 1
        freed += size
    return {"path": str(store.dir), "removed": removed, "bytes": freed}
