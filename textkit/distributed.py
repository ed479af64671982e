"""Running textkit's map-reduce counting on a Dask cluster (``--engine dask``).

The local engine (:mod:`textkit.engine`) and this one share everything but
the scheduling: the same :class:`~textkit.engine.Task` objects, the same
tokenizer, the same ``map`` and ``merge`` functions. Here the corpus is cut
into *partitions* — one per file, and line-aligned byte ranges of large JSONL
files, each knowing its first line number so ids and error messages equal the
local engine's — and each partition becomes one task of a ``dask.bag``:
a worker reads its documents, tokenizes them in batches and maps every task
over them, merging the batches' partials. The client then merges the
partitions' partials in corpus order with the same ``merge`` functions and
calls ``finish``. Every merge in textkit is exact (integer counts, lists in
corpus order, exact fractions), so the result is the same bytes as the local
engine's.

Workers must be able to open the input paths (a shared filesystem, or the same
paths on every machine); documents are read on the workers, and only partial
results (counts, per-document rows) travel back to the client. The token cache
is not used by this engine.

Needs the optional extra: ``pip install 'textkit[distributed]'``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .corpus import STDIN, Corpus, ReadOptions, ReadStats, format_of
from .errors import TextkitError, UsageError
from .tokenize import AnalyzerOptions

#: JSONL files larger than this are cut into line-aligned byte ranges.
CHUNK_BYTES = 8 * 2**20
#: Partition ``k`` numbers its documents from ``k << INDEX_SHIFT``, so document
#: indices are unique and in corpus order without a counting pass.
INDEX_SHIFT = 32
CONNECT_TIMEOUT = "5s"

INSTALL_HINT = "--engine dask needs the optional extra: pip install 'textkit[distributed]'"


@dataclass(frozen=True)
class Partition:
    """A unit of work: a whole file, or a byte range of a JSONL file starting at ``first_line``."""

    path: str
    first_line: int = 1
    byte_range: tuple[int, int] | None = None


def partitions(files: list[str], chunk_bytes: int | None = None) -> list[Partition]:
    """Partitions of ``files`` in corpus order: JSONL files over ``chunk_bytes``
    (default :data:`CHUNK_BYTES`) are cut at line boundaries, every other file is
    one partition."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    out: list[Partition] = []
    for path in files:
        if path == STDIN:
            raise UsageError("--engine dask reads files, not standard input; use --engine local for '-'")
        fmt, gz = format_of(path)
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        if fmt != "jsonl" or gz or size <= chunk_bytes:
            out.append(Partition(path))
            continue
        with open(path, "rb") as fh:
            start, line = 0, 1
            while start < size:
                fh.seek(min(start + chunk_bytes, size))
                fh.readline()  # move to the end of the current line
                end = min(fh.tell(), size) if start + chunk_bytes < size else size
                fh.seek(start)
                lines = fh.read(end - start).count(b"\n")
                out.append(Partition(path, line, (start, end)))
                start, line = end, line + lines
    return out


def process_partition(payload: tuple[int, Partition, ReadOptions, AnalyzerOptions, tuple]) -> tuple[list[Any] | None, ReadStats]:
    """Read, tokenize and map one partition (runs on a Dask worker)."""
    from .engine import BATCH_CHARS, BATCH_DOCS, process_batch

    number, part, read_options, options, tasks = payload
    corpus = Corpus([part.path], read_options)
    merged: list[Any] | None = None
    first = number << INDEX_SHIFT
    batch: list = []
    chars = 0

    def flush() -> None:
        nonlocal merged, first, batch, chars
        if not batch:
            return
        partials = process_batch((first, batch, options, tasks))
        merged = partials if merged is None else [t.merge(m, p) for t, m, p in zip(tasks, merged, partials, strict=True)]
        first += len(batch)
        batch, chars = [], 0

    for doc in corpus.read_file(part.path, first_line=part.first_line, byte_range=part.byte_range):
        batch.append(doc)
        chars += len(doc.text)
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            flush()
    flush()
    return merged, corpus.stats


def _where(part: Partition) -> str:
    return part.path if part.byte_range is None else f"{part.path} from line {part.first_line}"


def _failure(exc: Exception, parts: list[Partition]) -> str:
    """One line saying why a Dask run failed; a partition whose workers all died is named."""
    key = getattr(exc, "task", None)
    if exc.__class__.__name__ == "KilledWorker" and isinstance(key, tuple) and isinstance(key[-1], int) and key[-1] < len(parts):
        return (f"the Dask run failed: every worker that ran partition {key[-1]} ({_where(parts[key[-1]])}) died "
                "(KilledWorker; the worker logs say why); no partial result was used")
    return f"the Dask run failed ({exc.__class__.__name__}: {exc}); no partial result was used"


def _merge_stats(into: ReadStats, other: ReadStats) -> None:
    into.skipped += other.skipped
    into.skipped_files += other.skipped_files
    into.undated_unparsable += other.undated_unparsable
    into.documents += other.documents
    into.selected += other.selected
    for origin, n in other.replaced.items():
        into.replaced[origin] = into.replaced.get(origin, 0) + n


def client_for(scheduler: str | None):
    """A Dask client: connected to ``scheduler`` (or ``TEXTKIT_DASK_SCHEDULER``),
    or a new local cluster of worker processes on loopback."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise TextkitError(INSTALL_HINT) from exc
    address = scheduler or os.environ.get("TEXTKIT_DASK_SCHEDULER") or None
    if address:
        try:
            return Client(address, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError) as exc:
            raise TextkitError(f"cannot reach the Dask scheduler at {address} ({exc.__class__.__name__}: {exc})") from exc
    from .engine import default_jobs

    cluster = LocalCluster(
        n_workers=default_jobs(), threads_per_worker=1, processes=True,
        host="127.0.0.1", dashboard_address=None, silence_logs=50,
    )
    return Client(cluster), cluster


def imap_partials(corpus: Corpus, options: AnalyzerOptions, tasks: tuple, *, scheduler: str | None = None, progress=None) -> Iterator[list[Any]]:
    """Per-partition partials of every task, in corpus order, computed on Dask."""
    try:
        import dask.bag as db
    except ImportError as exc:
        raise TextkitError(INSTALL_HINT) from exc
    parts = partitions(corpus.files)
    if not parts:
        return
    client, cluster = client_for(scheduler)
    try:
        payloads = [(k, p, corpus.options, options, tasks) for k, p in enumerate(parts)]
        bag = db.from_sequence(payloads, npartitions=len(payloads)).map(process_partition)
        try:
            results = bag.compute(scheduler=client.get, retries=2)
        except TextkitError:
            raise
        except Exception as exc:  # a worker died or a task failed after its retries
            raise TextkitError(_failure(exc, parts)) from exc
        done = 0
        for partials, stats in results:
            _merge_stats(corpus.stats, stats)
            done += stats.selected
            if progress is not None:
                progress(done, 0)
            if partials is not None:
                yield partials
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
