"""textkit: text analysis for news corpora.

The core is plain Python usable without click or rich::

    import textkit
    corpus = textkit.load_corpus(["kcna-2011.jsonl"])
    rows = textkit.corpus_info(corpus)

Names are imported lazily so that ``import textkit`` (and ``textkit --help``)
stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Corpus": "textkit.corpus",
    "Document": "textkit.corpus",
    "ReadOptions": "textkit.corpus",
    "load_corpus": "textkit.corpus",
    "Analyzer": "textkit.tokenize",
    "AnalyzerOptions": "textkit.tokenize",
    "tokenize": "textkit.tokenize",
    "split_sentences": "textkit.tokenize",
    "compile_patterns": "textkit.patterns",
    "corpus_info": "textkit.info",
    "document_info": "textkit.info",
    "tokenized_documents": "textkit.info",
    "term_frequencies": "textkit.frequencies",
    "dispersion": "textkit.frequencies",
    "trend": "textkit.trend",
    "trend_summary": "textkit.trend",
    "keywords": "textkit.keywords",
    "compare": "textkit.keyness",
    "phrases": "textkit.phrases",
    "find_phrases": "textkit.phrases",
    "group_families": "textkit.phrases",
    "collocations": "textkit.collocations",
    "kwic": "textkit.kwic",
    "kwic_counts": "textkit.kwic",
    "sentiment": "textkit.sentiment",
    "readability": "textkit.readability_core",
    "readability_scores": "textkit.readability",
    "score": "textkit.score",
    "load_lexicon": "textkit.lexicon",
    "get_lexicon": "textkit.lexicon",
    "builtin_lexicons": "textkit.lexicon",
    "TextkitError": "textkit.errors",
    "InputError": "textkit.errors",
    "UsageError": "textkit.errors",
    "render": "textkit.render",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'textkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = sorted(_EXPORTS) + ["__version__"]
