"""Map-reduce over a corpus: tokenize once, count in pieces that merge exactly.

A :class:`Task` turns a batch of tokenized documents into a *partial* result
(counts, per-document figures) and merges partials exactly. The engine reads
every record of every file in corpus order, cuts the records into batches
whose boundaries depend only on the input (never on the number of workers,
on the token cache or on ``--since``/``--until``/``--where``), tokenizes each
batch once (or takes its tokens from the token cache, :mod:`textkit.cache`),
hands the selected documents to every task, and merges the partials in batch
order. The same tasks therefore give the same bytes in one process, in worker
processes (``jobs``), cold or warm.

How a run goes (see ``docs/architecture.md``):

1. *Records.* For each file, the cache is looked up (:meth:`cache.Store.lookup`).
   A valid entry yields the file's documents with their cached tokens; otherwise
   the file is read and, when it can be cached, a :class:`cache.Writer` is
   started. Every record (selected or not) comes out, flagged *selected*.
2. *Batches.* Records are cut into batches of ``BATCH_DOCS`` records or
   ``BATCH_CHARS`` characters of text, across files. A batch is a list of
   *segments*: runs of cached documents (a slice of one cache chunk) or runs of
   documents to tokenize.
3. *Map.* :func:`process_unit` (in-process for ``jobs=1``, else in a pool of
   ``jobs`` worker processes, at most ``2 * jobs`` batches in flight) builds
   :class:`Item` objects for the selected documents (tokenizing or decoding the
   cached ids), runs every task's ``map`` on them, and returns the partials and,
   for files being cached, the tokenization of *all* their records as compact
   columns (:class:`cache.TokBlock`).
4. *Reduce.* Partials are merged in batch order by :func:`run`; the main
   process appends returned blocks to their entries, which are written
   atomically when their file is complete.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# the cache is imported with the tokenizer, so its code fingerprint is of the code loaded
from . import cache as _cache
from .corpus import STDIN, Corpus, Document, ReadStats
from .tokenize import Analyzer, AnalyzerOptions, TokenizedText

BATCH_DOCS = 256
BATCH_CHARS = 1_000_000


@dataclass
class Item:
    """A document with its tokenized text, as the tasks see it."""

    doc: Document
    tok: TokenizedText
    index: int  # position in the selected corpus, 0-based


class Task:
    """A statistic as map (batch → partial) and merge (partial, partial → partial).

    Subclasses hold only picklable options. ``map`` receives the analyzer, so a
    task never tokenizes on its own; ``merge`` must be exact and associative
    (integer counts, lists in corpus order) so results do not depend on
    batching or workers; ``finish`` turns the merged partial into the result.
    """

    def map(self, items: list[Item], analyzer: Analyzer) -> Any:
        raise NotImplementedError

    def merge(self, left: Any, right: Any) -> Any:
        raise NotImplementedError

    def finish(self, merged: Any, analyzer: Analyzer) -> Any:
        return merged

    #: Modules the task's ``map`` imports: the engine imports them before it forks
    #: its workers, so that each worker does not import them again.
    preload: tuple[str, ...] = ()

    #: A task that sets ``columnar`` gets the batch as token-id columns
    #: (:meth:`map_columns`) instead of :class:`Item` objects: the cached ids are
    #: used as they are, without turning every token back into a string.
    columnar = False

    def map_columns(self, segments: list[Columns], analyzer: Analyzer) -> Any:
        """The partial of a batch given as :class:`Columns` segments (columnar tasks)."""
        raise NotImplementedError


class Columns:
    """Selected documents of a batch as token-id columns (one segment: one cache
    chunk, or one run of freshly tokenized documents).

    ``vocab`` lists token strings (distinct within the segment); ``ids``
    (``array('I')``) gives the token ids of the documents one after another;
    ``ntok`` and ``nsent`` (``array('q')``) each document's number of tokens and
    sentences; ``docs`` the documents and ``first`` the corpus index of the first
    one. The segments of a batch are in corpus order; each has its own vocabulary.
    """

    __slots__ = ("vocab", "ids", "ntok", "nsent", "docs", "first")

    def __init__(self, vocab: list[str], ids: Any, ntok: Any, nsent: Any, docs: list[Document], first: int) -> None:
        self.vocab = vocab
        self.ids = ids
        self.ntok = ntok
        self.nsent = nsent
        self.docs = docs
        self.first = first

    @classmethod
    def from_block(cls, block: Any, positions: list[int], docs: list[Document], first: int) -> Columns:
        """The documents at ``positions`` of a :class:`cache.TokBlock` (``docs``: those documents)."""
        if len(positions) == len(block) and (not positions or positions[-1] == len(positions) - 1):
            return cls(block.vocab, block.ids, block.ntok, block.nsent, docs, first)
        tok_start, _ = block._starts()
        ids = block.ids[:0]
        ntok = block.ntok[:0]
        nsent = block.nsent[:0]
        src = block.ids
        for p in positions:
            a, b = tok_start[p], tok_start[p + 1]
            ids.extend(src[a:b])
            ntok.append(b - a)
            nsent.append(block.nsent[p])
        return cls(block.vocab, ids, ntok, nsent, docs, first)

    @classmethod
    def from_items(cls, items: list[Item]) -> Columns:
        """Columns of tokenized items (for a columnar task called with items)."""
        block = _cache.TokBlock.from_tokenized([it.tok for it in items])
        return cls(block.vocab, block.ids, block.ntok, block.nsent, [it.doc for it in items], items[0].index if items else 0)


def _check_ids(block: Any) -> None:
    """Raise IndexError when a cached block's ids point outside its vocabulary
    (columnar tasks index with the ids without looking them up one by one)."""
    if not len(block.ids):
        return
    np = sys.modules.get("numpy")  # a task that uses numpy has imported it; others need not
    top = int(np.frombuffer(block.ids, dtype=np.uint32).max()) if np is not None else max(block.ids)
    if top >= len(block.vocab):
        raise IndexError("token id outside the vocabulary")


def map_tasks(tasks: tuple[Task, ...], analyzer: Analyzer, items: list[Item] | None, columns: list[Columns] | None) -> list[Any]:
    """Every task's partial of one batch: columnar tasks get ``columns``, the others ``items``."""
    return [t.map_columns(columns, analyzer) if t.columnar else t.map(items, analyzer) for t in tasks]


def default_jobs() -> int:
    """The default number of worker processes: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def batches(corpus: Iterable[Document], size: int = BATCH_DOCS, chars: int = BATCH_CHARS) -> Iterator[tuple[int, list[Document]]]:
    """Cut a document stream into batches ``(first_index, docs)`` by count and size
    (the rule the engine applies to all records; kept for scripts)."""
    batch: list[Document] = []
    first = 0
    n_chars = 0
    index = 0
    for doc in corpus:
        batch.append(doc)
        n_chars += len(doc.text)
        index += 1
        if len(batch) >= size or n_chars >= chars:
            yield first, batch
            first = index
            batch = []
            n_chars = 0
    if batch:
        yield first, batch


_WORKER: dict[str, Any] = {}


def _analyzer_for(options: AnalyzerOptions) -> Analyzer:
    cached = _WORKER.get("analyzer")
    if cached is None or cached.options != options:
        cached = Analyzer(options)
        _WORKER["analyzer"] = cached
    return cached


def tokenize_batch(first: int, docs: list[Document], analyzer: Analyzer) -> list[Item]:
    """Tokenize a batch afresh (no cache): the items of ``docs`` from index ``first``."""
    return [Item(doc, analyzer.analyze(doc.text), first + i) for i, doc in enumerate(docs)]


def process_batch(payload: tuple[int, list[Document], AnalyzerOptions, tuple[Task, ...]]) -> list[Any]:
    """Tokenize one batch of documents and map every task over it (no cache; for
    engines that cut their own batches, e.g. a distributed one)."""
    first, docs, options, tasks = payload
    analyzer = _analyzer_for(options)
    items = tokenize_batch(first, docs, analyzer)
    columns = [Columns.from_items(items)] if any(t.columnar for t in tasks) else None
    return map_tasks(tasks, analyzer, items, columns)


# -- one unit of work --------------------------------------------------------------


def _cached_chunk(source: Any, k: int, origin: str):
    """Chunk ``k`` of a cache entry: ``source`` is the :class:`cache.Entry` itself
    (in-process) or its identity (a worker opens the entry on its own)."""
    if isinstance(source, tuple):
        return _cache.worker_chunk(source, k, origin)
    return source.load_chunk(k, origin)


def process_unit(payload: tuple[int, list[tuple], AnalyzerOptions, tuple[Task, ...]]) -> tuple[list[Any] | None, list[Any]]:
    """Map every task over one batch (runs in a worker or in-process).

    ``payload`` is ``(first, segments, options, tasks)``; a segment is
    ``("c", source, k, origin, positions)`` (the selected documents at
    ``positions`` of chunk ``k`` of a cache entry) or
    ``("f", [(doc, selected), ...], keep)`` (documents to tokenize; ``keep``:
    return their tokenization for the cache). Returns ``(partials, blocks)``:
    the tasks' partials over the selected documents (None when there are none)
    and one :class:`cache.TokBlock` per kept segment. A cache chunk that cannot
    be read raises :class:`cache.CacheError` (the engine then tokenizes afresh).
    """
    first, segments, options, tasks = payload
    analyzer = _analyzer_for(options)
    want_cols = any(t.columnar for t in tasks)
    want_items = not all(t.columnar for t in tasks)
    items: list[Item] = []
    columns: list[Columns] = []
    kept: list[Any] = []
    index = first
    for seg in segments:
        if seg[0] == "c":
            _, source, k, origin, positions = seg
            block, docs = _cached_chunk(source, k, origin)
            seg_first = index
            try:
                if want_items:
                    if 2 * len(positions) >= len(block):
                        block.decode()
                    for pos, tok in zip(positions, block.tokenized_many(positions), strict=True):
                        items.append(Item(docs[pos], tok, index))
                        index += 1
                if want_cols and positions:
                    _check_ids(block)
                    columns.append(Columns.from_block(block, positions, [docs[p] for p in positions], seg_first))
            except (IndexError, ValueError, OverflowError) as exc:
                raise _cache.CacheError(f"chunk {k} refers outside its vocabulary") from exc
            if not want_items:
                index += len(positions)
        else:
            keep = seg[2]
            analyze = analyzer.analyze
            toks = []
            sel_toks = []
            sel_docs = []
            sel_pos = []
            seg_first = index
            for j, (doc, selected) in enumerate(seg[1]):
                tok = analyze(doc.text)
                if selected:
                    if want_items:
                        items.append(Item(doc, tok, index))
                    sel_toks.append(tok)
                    sel_docs.append(doc)
                    sel_pos.append(j)
                    index += 1
                if keep:
                    toks.append(tok)
            block = _cache.TokBlock.from_tokenized(toks) if keep else None
            if keep:
                kept.append(block)
            if want_cols and sel_docs:
                if block is None:
                    block = _cache.TokBlock.from_tokenized(sel_toks)
                    sel_pos = list(range(len(sel_toks)))
                columns.append(Columns.from_block(block, sel_pos, sel_docs, seg_first))
    if index == first:
        return None, kept
    return map_tasks(tasks, analyzer, items, columns), kept


class _ChunkRef:
    """Chunk ``k`` of an open cache entry, as records and batches refer to it."""

    __slots__ = ("entry", "k", "origin")

    def __init__(self, entry: Any, k: int, origin: str) -> None:
        self.entry = entry
        self.k = k
        self.origin = origin


class _CachedSeg:
    __slots__ = ("ref", "positions")

    def __init__(self, ref: _ChunkRef, positions: list[int]) -> None:
        self.ref = ref
        self.positions = positions


class _FreshSeg:
    __slots__ = ("writer", "docs", "selected")

    def __init__(self, writer: Any, docs: list, selected: list) -> None:
        self.writer = writer
        self.docs = docs
        self.selected = selected


class _Unit:
    """A batch of records on the main-process side: its segments and figures."""

    __slots__ = ("first", "segments", "n_records", "n_selected", "chars")

    def __init__(self, first: int) -> None:
        self.first = first
        self.segments: list[Any] = []
        self.n_records = 0
        self.n_selected = 0
        self.chars = 0

    def add(self, rec: tuple) -> None:
        doc, selected, chars, ref, pos, writer = rec
        self.n_records += 1
        self.chars += chars
        segs = self.segments
        last = segs[-1] if segs else None
        if ref is not None:
            if not selected:
                return
            if last.__class__ is _CachedSeg and last.ref is ref:
                last.positions.append(pos)
            else:
                segs.append(_CachedSeg(ref, [pos]))
            self.n_selected += 1
            return
        if not selected and writer is None:
            return
        if last.__class__ is _FreshSeg and last.writer is writer:
            last.docs.append(doc)
            last.selected.append(selected)
        else:
            segs.append(_FreshSeg(writer, [doc], [selected]))
            if writer is not None:
                writer.segments += 1
        if selected:
            self.n_selected += 1

    def has_work(self) -> bool:
        return self.n_selected > 0 or any(s.__class__ is _FreshSeg and s.writer is not None for s in self.segments)

    def payload(self, options: AnalyzerOptions, tasks: tuple[Task, ...], *, ship: bool, recover: bool = False) -> tuple:
        """The picklable work of this batch. ``ship``: name cache entries by their
        identity (a worker reads them itself); ``recover``: take cached documents
        from their source file instead (after a damaged entry)."""
        segs: list[tuple] = []
        for seg in self.segments:
            if seg.__class__ is _CachedSeg:
                ref = seg.ref
                if recover:
                    start = ref.entry.start(ref.k)
                    docs = [(ref.entry.reread.get(start + p), True) for p in seg.positions]
                    segs.append(("f", docs, False))
                else:
                    source = ref.entry.identity if ship else ref.entry
                    segs.append(("c", source, ref.k, ref.origin, seg.positions))
            else:
                segs.append(("f", list(zip(seg.docs, seg.selected, strict=True)), seg.writer is not None))
        return (self.first, segs, options, tasks)

    def complete(self, result: tuple | None) -> list[Any] | None:
        """Hand kept blocks to their cache writers; return the partials."""
        partials, kept = result if result is not None else (None, [])
        k = 0
        for seg in self.segments:
            if seg.__class__ is _FreshSeg and seg.writer is not None:
                seg.writer.add(seg.docs, kept[k])
                k += 1
        return partials

    def recover(self, options: AnalyzerOptions, tasks: tuple[Task, ...], exc: Exception) -> tuple:
        """Process this batch in-process with its cached documents read afresh from
        their files (a cache entry turned out damaged: noted once, then deleted)."""
        for seg in self.segments:
            if seg.__class__ is _CachedSeg and not seg.ref.entry.damaged:
                _cache.note(f"cache entry for {seg.ref.origin} was unreadable ({exc}); tokenizing it afresh")
                seg.ref.entry.discard()
        return process_unit(self.payload(options, tasks, ship=False, recover=True))


# -- records ------------------------------------------------------------------------


def _plain_corpus(corpus: Any) -> bool:
    """A :class:`Corpus` read the standard way (its records can be cached)."""
    return (
        isinstance(corpus, Corpus)
        and type(corpus).__iter__ is Corpus.__iter__
        and type(corpus).read_file is Corpus.read_file
    )


def _records(corpus: Any, options: AnalyzerOptions, writers: list) -> Iterator[tuple]:
    """Every record of the corpus in order: ``(doc, selected, chars, ref, pos, writer)``."""
    if not _plain_corpus(corpus):
        for doc in corpus:
            yield (doc, True, len(doc.text), None, 0, None)
        return
    store = None
    if getattr(corpus.options, "cache", True) and not _cache.disabled_by_env():
        store = _cache.Store()
    for path in corpus.files:
        yield from _file_records(corpus, path, options, store, writers)


def _add_stats(stats: ReadStats, part: ReadStats, selected: int) -> None:
    stats.documents += part.documents
    stats.selected += selected
    stats.skipped += part.skipped
    stats.skipped_files += part.skipped_files
    stats.undated_unparsable += part.undated_unparsable
    for origin, n in part.replaced.items():
        stats.replaced[origin] = stats.replaced.get(origin, 0) + n


def _raw_reader(corpus: Corpus, path: str) -> tuple[Corpus, Iterator[Document]]:
    """Every record of ``path``, selected or not (a copy of the corpus without
    selection, counting into its own :class:`ReadStats`)."""
    raw = copy.copy(corpus)
    raw.options = dataclasses.replace(corpus.options, since=None, until=None, where=())
    raw.stats = ReadStats()
    return raw, raw.read_file(path)


class _Reread:
    """The records of a source file read again in order (to recover from a damaged entry)."""

    def __init__(self, corpus: Corpus, path: str) -> None:
        self.corpus = corpus
        self.path = path
        self.index = -1
        self.doc: Document | None = None
        self.docs: Iterator[Document] | None = None

    def get(self, index: int) -> Document:
        if self.docs is None or index < self.index:
            _, self.docs = _raw_reader(self.corpus, self.path)
            self.index = -1
        while self.index < index:
            try:
                self.doc = next(self.docs)
            except StopIteration:
                from .errors import InputError

                raise InputError(f"{self.path}: changed while textkit was reading it; run again") from None
            self.index += 1
        assert self.doc is not None
        return self.doc


def _file_records(corpus: Corpus, path: str, options: AnalyzerOptions, store: Any, writers: list) -> Iterator[tuple]:
    """The records of one file: from its cache entry when valid, else read (and,
    when it can be cached, handed to a writer along with every record)."""
    origin = "<stdin>" if path == STDIN else path
    opts = corpus.options
    selects = opts.selects
    entry = writer = None
    if store is not None and path != STDIN:
        entry, writer = store.lookup(path, opts, options)
    served = 0
    n_selected = 0
    if entry is not None:
        entry.reread = _Reread(corpus, path)
        with_docs = bool(opts.since or opts.until or opts.where)
        chunks = entry.light_chunks(origin, with_docs)
        while True:
            try:
                chunk = next(chunks, None)
            except _cache.CacheError as exc:
                _cache.note(f"cache entry for {path} was unreadable ({exc}); tokenizing it afresh")
                entry.discard()
                break
            if chunk is None:
                h = entry.header["stats"]
                part = ReadStats(documents=h["documents"], undated_unparsable=h["undated_unparsable"])
                if h["replaced"]:
                    part.replaced[origin] = h["replaced"]
                _add_stats(corpus.stats, part, n_selected)
                return
            k, nchar, stubs = chunk
            ref = _ChunkRef(entry, k, origin)
            for pos, chars in enumerate(nchar):
                selected = True if stubs is None else selects(stubs[pos])
                n_selected += selected
                served += 1
                yield (None, selected, chars, ref, pos, None)
    # read the file (after a damaged entry: the records not yet served)
    raw, docs = _raw_reader(corpus, path)
    if writer is not None:
        writers.append(writer)
    seen = 0
    try:
        for doc in docs:
            seen += 1
            if seen <= served:
                continue
            selected = selects(doc)
            n_selected += selected
            yield (doc, selected, len(doc.text), None, 0, writer)
    finally:
        if path == STDIN:  # share what was read from standard input
            corpus._stdin_data = raw._stdin_data
    _add_stats(corpus.stats, raw.stats, n_selected)
    if writer is not None:
        complete = not raw.stats.skipped and not raw.stats.skipped_files
        writer.end_of_file(raw.stats, origin, complete=complete)


def _units(records: Iterator[tuple]) -> Iterator[_Unit]:
    """Cut records into batches of ``BATCH_DOCS`` records or ``BATCH_CHARS`` characters."""
    unit = _Unit(0)
    for rec in records:
        unit.add(rec)
        if unit.n_records >= BATCH_DOCS or unit.chars >= BATCH_CHARS:
            yield unit
            unit = _Unit(unit.first + unit.n_selected)
    if unit.n_records:
        yield unit


def imap_partials(
    corpus: Corpus,
    options: AnalyzerOptions,
    tasks: tuple[Task, ...],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[list[Any]]:
    """Per-batch partials of every task, in corpus order.

    ``jobs`` worker processes (default: all cores; 1 runs in-process). A corpus
    that fits in one batch is always processed in-process. ``progress`` is
    called with (selected documents done, characters read) after each batch.
    Batches without a selected document give no partials.
    """
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    tasks = tuple(tasks)
    writers: list[Any] = []
    units = _units(_records(corpus, options, writers))
    done_docs = 0
    done_chars = 0

    def finished(unit: _Unit, get: Callable[[], tuple] | None) -> list[Any] | None:
        nonlocal done_docs, done_chars
        result = None
        if get is not None:
            try:
                result = get()
            except _cache.CacheError as exc:
                result = unit.recover(options, tasks, exc)
        partials = unit.complete(result)
        done_docs += unit.n_selected
        done_chars += unit.chars
        if progress is not None:
            progress(done_docs, done_chars)
        return partials

    try:
        head = [unit for unit in (next(units, None), next(units, None)) if unit is not None]
        if not head:
            return
        if jobs == 1 or len(head) == 1:
            for unit in _chain(head, units):
                get = None
                if unit.has_work():
                    payload = unit.payload(options, tasks, ship=False)
                    get = lambda payload=payload: process_unit(payload)  # noqa: E731
                partials = finished(unit, get)
                if partials is not None:
                    yield partials
            return

        import importlib
        import multiprocessing as mp

        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        if method == "fork":
            for name in sorted({m for t in tasks for m in t.preload}):
                importlib.import_module(name)
        ctx = mp.get_context(method)
        window = 2 * jobs
        pool = ctx.Pool(jobs)
        inflight: deque = deque()
        interrupted = False
        try:
            for unit in _chain(head, units):
                pending = None
                if unit.has_work():
                    pending = pool.apply_async(process_unit, (unit.payload(options, tasks, ship=True),)).get
                inflight.append((unit, pending))
                while len(inflight) > window:
                    partials = finished(*inflight.popleft())
                    if partials is not None:
                        yield partials
            while inflight:
                partials = finished(*inflight.popleft())
                if partials is not None:
                    yield partials
        except (KeyboardInterrupt, SystemExit):
            interrupted = True
            raise
        finally:
            _shut_down(pool, inflight, interrupted)
    finally:
        units.close()
        for writer in writers:
            if not writer.done:
                writer.abort()
        _cache.release_all()


def _shut_down(pool: Any, inflight: deque, interrupted: bool) -> None:
    """Stop the worker pool. Normally (also when the consumer stopped early or a
    task failed) the batches in flight are let finish and their results dropped:
    killing a worker while it writes a result can leave the result queue locked
    and ``Pool.terminate`` waiting for ever. After Ctrl-C the pool is terminated."""
    if interrupted:
        pool.terminate()
        pool.join()
        return
    pool.close()
    for _, pending in inflight:
        if pending is not None:
            try:
                pending()
            except Exception:  # a result nobody will read
                pass
    inflight.clear()
    pool.join()


def _chain(head: list, rest: Iterator) -> Iterator:
    """The units of ``head`` (taken out one by one, so that none stays referenced),
    then the rest."""
    while head:
        yield head.pop(0)
    yield from rest


#: Which engine runs the map step: ``local`` (this machine: in-process or a
#: pool of ``jobs`` workers) or ``dask`` (:mod:`textkit.distributed`). Set by the
#: CLI's ``--engine``/``--scheduler`` (:func:`configure`) or by scripts.
ENGINE: dict[str, Any] = {"name": "local", "scheduler": None}
ENGINES = ("local", "dask")


def configure(engine: str = "local", scheduler: str | None = None) -> None:
    """Choose the engine for later :func:`run` and :func:`stream` calls."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    ENGINE["name"] = engine
    ENGINE["scheduler"] = scheduler


def _partials(corpus: Corpus, options: AnalyzerOptions, tasks: tuple, jobs: int | None, progress: Any) -> Iterator[list[Any]]:
    """Partials from the configured engine, in corpus order."""
    if ENGINE["name"] == "dask":
        from . import distributed

        return distributed.imap_partials(corpus, options, tasks, scheduler=ENGINE["scheduler"], progress=progress)
    return imap_partials(corpus, options, tasks, jobs=jobs, progress=progress)


def run(
    corpus: Corpus,
    options: AnalyzerOptions,
    tasks: Iterable[Task],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """Run ``tasks`` over ``corpus`` with one tokenization; return their results."""
    tasks = tuple(tasks)
    merged: list[Any] = [None] * len(tasks)
    started = False
    for partials in _partials(corpus, options, tasks, jobs, progress):
        if not started:
            merged = list(partials)
            started = True
        else:
            merged = [t.merge(m, p) for t, m, p in zip(tasks, merged, partials, strict=True)]
    analyzer = _analyzer_for(options)
    if not started:
        merged = [t.map([], analyzer) for t in tasks]
    return [t.finish(m, analyzer) for t, m in zip(tasks, merged, strict=True)]


def stream(
    corpus: Corpus,
    options: AnalyzerOptions,
    task: Task,
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Any]:
    """Per-batch results of one task that yields rows, in corpus order (for
    per-document output that should reach the reader before the run ends)."""
    for partials in _partials(corpus, options, (task,), jobs, progress):
        yield partials[0]
