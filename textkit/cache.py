"""Where tokenized batches come from.

For now every batch is tokenized afresh; the on-disk token cache (issue 10)
answers here, so no task ever tokenizes on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .corpus import Document
    from .engine import Item
    from .tokenize import Analyzer


def tokenize_batch(first: int, docs: list[Document], analyzer: Analyzer) -> list[Item]:
    """Tokenize ``docs`` (the batch starting at corpus index ``first``)."""
    from .engine import Item

    return [Item(doc, analyzer.analyze(doc.text), first + i) for i, doc in enumerate(docs)]
