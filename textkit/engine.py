"""Map-reduce over a corpus: tokenize once, count in pieces that merge exactly.

A :class:`Task` turns a batch of tokenized documents into a *partial* result
(counts, per-document figures) and merges partials exactly. The engine reads
documents in corpus order, cuts them into batches whose boundaries depend only
on the corpus (never on the number of workers), tokenizes each batch once,
hands it to every task, and merges the partials in batch order. The same tasks
therefore run in one process, in worker processes (``jobs``) or on a cluster,
and give the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .corpus import Corpus, Document
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


def default_jobs() -> int:
    """The default number of worker processes: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def batches(corpus: Iterable[Document], size: int = BATCH_DOCS, chars: int = BATCH_CHARS) -> Iterator[tuple[int, list[Document]]]:
    """Cut a document stream into batches ``(first_index, docs)`` by count and size."""
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
    """Tokenize a batch once (the token cache, when enabled, answers here)."""
    from . import cache

    return cache.tokenize_batch(first, docs, analyzer)


def process_batch(payload: tuple[int, list[Document], AnalyzerOptions, tuple[Task, ...]]) -> list[Any]:
    """Tokenize one batch and map every task over it (runs in a worker or in-process)."""
    first, docs, options, tasks = payload
    analyzer = _analyzer_for(options)
    items = tokenize_batch(first, docs, analyzer)
    return [task.map(items, analyzer) for task in tasks]


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
    called with (documents done, characters done) after each batch.
    """
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    stream = batches(corpus)
    done_docs = 0
    done_chars = 0

    def report(docs: list[Document]) -> None:
        nonlocal done_docs, done_chars
        done_docs += len(docs)
        done_chars += sum(len(d.text) for d in docs)
        if progress is not None:
            progress(done_docs, done_chars)

    first_batch = next(stream, None)
    if first_batch is None:
        return
    second_batch = next(stream, None)
    if jobs == 1 or second_batch is None:
        for first, docs in _chain(first_batch, second_batch, stream):
            yield process_batch((first, docs, options, tasks))
            report(docs)
        return

    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    pending: dict[int, list[Document]] = {}

    def payloads() -> Iterator[tuple[int, list[Document], AnalyzerOptions, tuple[Task, ...]]]:
        for first, docs in _chain(first_batch, second_batch, stream):
            pending[first] = docs
            yield (first, docs, options, tasks)

    with ctx.Pool(jobs) as pool:
        for payload, result in _ordered(pool, payloads()):
            yield result
            report(pending.pop(payload))


def _ordered(pool, payloads) -> Iterator[tuple[int, list[Any]]]:
    """``pool.imap`` in order, keeping the first index of each batch alongside."""
    firsts: list[int] = []

    def tagged():
        for p in payloads:
            firsts.append(p[0])
            yield p

    for i, result in enumerate(pool.imap(process_batch, tagged(), chunksize=1)):
        yield firsts[i], result


def _chain(first_batch, second_batch, rest):
    yield first_batch
    if second_batch is not None:
        yield second_batch
        yield from rest


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
    for partials in imap_partials(corpus, options, tasks, jobs=jobs, progress=progress):
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
    for partials in imap_partials(corpus, options, (task,), jobs=jobs, progress=progress):
        yield partials[0]
