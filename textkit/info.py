"""Corpus size and tokenized documents: the core of ``textkit info`` and ``textkit tokenize``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .corpus import Corpus
from .engine import Columns, Item, Task, run, stream
from .tokenize import Analyzer, AnalyzerOptions

INFO_COLUMNS = ["documents", "sentences", "tokens", "types", "characters", "date_min", "date_max"]
DOC_INFO_COLUMNS = ["id", "title", "date", "sentences", "tokens", "types"]


@dataclass
class InfoPartial:
    """Mergeable corpus figures: sums, a set of types, the date range."""

    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    characters: int = 0
    types: set = field(default_factory=set)
    date_min: str | None = None
    date_max: str | None = None

    def merge(self, other: InfoPartial) -> InfoPartial:
        self.documents += other.documents
        self.sentences += other.sentences
        self.tokens += other.tokens
        self.characters += other.characters
        self.types |= other.types
        for d in (other.date_min, other.date_max):
            if d is not None:
                self.date_min = d if self.date_min is None or d < self.date_min else self.date_min
                self.date_max = d if self.date_max is None or d > self.date_max else self.date_max
        return self


class InfoTask(Task):
    """Documents, sentences, tokens (the corpus size), listed types, characters, dates."""

    columnar = True

    def map(self, items: list[Item], analyzer: Analyzer) -> InfoPartial:
        """The figures of tokenized items (the engine calls :meth:`map_columns`)."""
        return self.map_columns([Columns.from_items(items)] if items else [], analyzer)


    def map_columns(self, segments: list[Columns], analyzer: Analyzer) -> InfoPartial:
        """The same figures from token ids: the types of a segment are its vocabulary
        entries that occur (which of them are listed is decided once, in ``finish``)."""
        p = InfoPartial()
        for seg in segments:
            p.documents += len(seg.docs)
            p.sentences += sum(seg.nsent)
            p.tokens += len(seg.ids)
            vocab = seg.vocab
            used = set(seg.ids)
            if len(used) < len(vocab):
                p.types.update([vocab[i] for i in used])
            else:
                p.types.update(vocab)
            for doc in seg.docs:
                p.characters += len(doc.text)
                d = doc.date
                if d is not None:
                    if p.date_min is None or d < p.date_min:
                        p.date_min = d
                    if p.date_max is None or d > p.date_max:
                        p.date_max = d
        return p

    def merge(self, left: InfoPartial, right: InfoPartial) -> InfoPartial:
        return left.merge(right)

    def finish(self, merged: InfoPartial, analyzer: Analyzer) -> dict:
        listed = analyzer.listed
        return {
            "documents": merged.documents,
            "sentences": merged.sentences,
            "tokens": merged.tokens,
            "types": sum(1 for t in merged.types if listed(t)),
            "characters": merged.characters,
            "date_min": merged.date_min,
            "date_max": merged.date_max,
        }


class DocInfoTask(Task):
    """One row per document: id, title, date, sentences, tokens, types."""

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict]:
        listed = analyzer.listed
        return [
            {
                **it.doc.header(),
                "sentences": it.tok.n_sentences,
                "tokens": len(it.tok.tokens),
                "types": sum(1 for t in set(it.tok.tokens) if listed(t)),
            }
            for it in items
        ]

    def merge(self, left: list, right: list) -> list:
        return left + right


class TokenizeTask(Task):
    """One row per document with its listed tokens (or sentences of tokens)."""

    def __init__(self, sentences: bool = False) -> None:
        self.sentences = sentences

    def map(self, items: list[Item], analyzer: Analyzer) -> list[dict]:
        listed = analyzer.listed
        rows = []
        for it in items:
            row = it.doc.header()
            if self.sentences:
                row["sentences"] = [[t for t in s if listed(t)] for s in it.tok.sentences()]
            else:
                row["tokens"] = [t for t in it.tok.tokens if listed(t)]
            rows.append(row)
        return rows

    def merge(self, left: list, right: list) -> list:
        return left + right


def corpus_info(corpus: Corpus, options: AnalyzerOptions | None = None, *, jobs: int | None = 1, progress=None) -> dict:
    """One row of corpus figures: ``documents``, ``sentences``, ``tokens`` (word
    tokens, the corpus size), ``types`` (distinct listed tokens), ``characters``
    (of the text), ``date_min``, ``date_max``."""
    (row,) = run(corpus, options or AnalyzerOptions(), [InfoTask()], jobs=jobs, progress=progress)
    return row


def document_info(corpus: Corpus, options: AnalyzerOptions | None = None, *, jobs: int | None = 1, progress=None) -> Iterator[dict]:
    """One row per document: ``id``, ``title``, ``date``, ``sentences``, ``tokens``, ``types``."""
    for rows in stream(corpus, options or AnalyzerOptions(), DocInfoTask(), jobs=jobs, progress=progress):
        yield from rows


def tokenized_documents(corpus: Corpus, options: AnalyzerOptions | None = None, *, sentences: bool = False, jobs: int | None = 1, progress=None) -> Iterator[dict]:
    """One row per document: ``id``, ``title``, ``date`` and ``tokens`` (or ``sentences``)."""
    for rows in stream(corpus, options or AnalyzerOptions(), TokenizeTask(sentences), jobs=jobs, progress=progress):
        yield from rows
