"""A whole corpus at a glance: the core of ``textkit report``.

The report adds no statistics of its own. Every figure comes from the core of
another command, counted in ONE engine pass (one tokenization) and arranged
into sections; each section holds the rows the standalone command prints with
the equivalent options (``meta.sections.<name>.command`` spells that command
out, so any finding can be reproduced):

``corpus``
    :class:`~textkit.info.InfoTask` (``textkit info``), plus documents and word
    tokens per period and documents per ``source`` (:class:`PeriodTask`).
``frequencies``
    :class:`~textkit.frequencies.FreqTask` finished with the stop list:
    ``textkit freq --stopwords S --top N``.
``keywords``
    :class:`~textkit.keywords.KeywordsTask`; the stop-word columns are dropped
    from the document-term counts before scikit-learn's ``TfidfTransformer``:
    ``textkit keywords --stopwords S --top N``.
``keyness``
    the last period against the rest, :class:`~textkit.keyness.KeynessCountTask`
    with a :class:`~textkit.keyness.Target` and
    :func:`~textkit.keyness.keyness_table` with ``compare``'s defaults
    (min_count 5, sorted by G2), side A only:
    ``textkit compare --target month=M --side a --stopwords S --top N``.
``phrases``
    :class:`~textkit.phrases.PhraseStreamTask` and the families of
    :mod:`textkit.phrases`: ``textkit phrases --top N``.
``collocations``
    :class:`~textkit.collocations.CollocationTask` and
    :func:`~textkit.collocations.score_collocations` with the stop list:
    ``textkit collocations --stopwords S --top N``.
``tone``
    :class:`~textkit.sentiment.SentimentTask` (VADER per document, from its
    sentences) and :class:`~textkit.score.ScoreTask` with the ``state-media``
    lexicon, for the corpus and per period (``textkit sentiment --by month``,
    ``textkit score -l state-media --by month``), and the most positive and
    most negative documents (``textkit sentiment --sort compound [--reverse]
    --top 3``).
``trends``
    :class:`~textkit.trend.TrendTask` over the top keywords:
    ``textkit trend -t K1 -t K2 … --by month``.

One pass
    The engine runs with the stream options the user gave and no stop list;
    the stop list (``--stopwords``, default ``english``) is applied afterwards
    where the standalone command applies it, which gives the same rows:
    a term's count, per-million, documents and dispersion do not depend on
    other terms; TF-IDF drops stop-word columns before weighting, as
    ``--stopwords`` removes them before counting; collocations and keyness
    filter terms after counting in the standalone commands too.

    Two sections depend on what the pass finds: the period of keyness (the
    last one of the corpus) and the terms of the trends (the top keywords).
    For them the token stream the phrase finder keeps (token ids by sentence,
    document dates) is *replayed* through the cores' own tasks
    (``KeynessCountTask.map``, ``TrendTask.map``) after the pass: no second
    tokenization, and the same counts as a pass over the corpus.

Periods
    ``by="auto"`` (the default) chooses the period from the dated span:
    ``month`` when it covers at least :data:`AUTO_MIN_MONTHS` calendar months,
    ``year`` beyond :data:`AUTO_MAX_MONTHS` months, ``day`` for shorter
    corpora (the bundled 15 days of December 2011). ``day``, ``week``,
    ``month`` or ``year`` force one. Undated corpora skip the time parts
    (keyness, trends, tone per period) with a note; keyness also needs two
    periods.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shlex
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .corpus import STDIN, Corpus, Document, ReadOptions
from .dates import period_of, period_range
from .engine import Item, Task, run
from .errors import EmptyResultError, UsageError
from .tokenize import Analyzer, AnalyzerOptions, TokenizedText

SECTIONS = ("corpus", "frequencies", "keywords", "keyness", "phrases", "collocations", "tone", "trends")
"""The sections of a report, in the order they are printed."""

SECTION_TITLES = {
    "corpus": "Corpus",
    "frequencies": "Most frequent content words",
    "keywords": "Keywords (TF-IDF)",
    "keyness": "Keywords of the last period against the rest",
    "phrases": "Recurring formulas",
    "collocations": "Strongest collocations",
    "tone": "Tone",
    "trends": "Trends of the top keywords",
}

PERIODS = ("auto", "day", "week", "month", "year")
#: ``auto`` uses months when the dated documents span at least this many calendar months ...
AUTO_MIN_MONTHS = 3
#: ... and years when they span more than this many.
AUTO_MAX_MONTHS = 120
#: Keywords followed in the trends section (at most ``top``).
TREND_TERMS = 5
#: A keyword with at least this share of its occurrences right next to other keywords
#: is part of a name unit with them ("kim", "jong", "il"): a unit is followed once.
BOUND_SHARE = 0.8
#: Keywords considered for the trends.
TREND_CANDIDATES = 40
#: Most positive / most negative documents listed.
TONE_EXTREMES = 3
#: The lexicon of the tone categories.
TONE_LEXICON = "state-media"
#: The metadata field listed as the corpus's sources.
SOURCE_FIELD = "source"
#: compare's defaults, used for the keyness section.
KEYNESS_MIN_COUNT = 5

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- options


def parse_sections(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Section names from ``"keywords,tone"`` (or a list), in report order.

    ``None`` or ``"all"`` selects every section. Raises :class:`UsageError`
    naming the valid sections for an unknown one or an empty list.
    """
    if text is None:
        return SECTIONS
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [s.strip().lower() for s in items if s.strip()]
    if names == ["all"]:
        return SECTIONS
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown section {unknown[0]!r}; choose from: {', '.join(SECTIONS)} (comma-separated)")
    if not names:
        raise UsageError(f"--sections needs at least one of: {', '.join(SECTIONS)}")
    return tuple(s for s in SECTIONS if s in names)


def choose_period(date_min: str | None, date_max: str | None, by: str = "auto") -> str | None:
    """The period of the time sections: ``by`` itself, or for ``auto`` ``month``
    when ``date_min``..``date_max`` covers at least :data:`AUTO_MIN_MONTHS`
    calendar months, ``year`` beyond :data:`AUTO_MAX_MONTHS`, else ``day``.
    ``None`` when nothing is dated.

    >>> choose_period("2011-12-10", "2011-12-24")
    'day'
    >>> choose_period("2011-01-01", "2011-12-31")
    'month'
    """
    if by not in PERIODS:
        raise ValueError(f"unknown period {by!r}; choose one of: {', '.join(PERIODS)}")
    if date_min is None or date_max is None:
        return None
    if by != "auto":
        return by
    months = len(period_range(date_min, date_max, "month"))
    if months > AUTO_MAX_MONTHS:
        return "year"
    if months >= AUTO_MIN_MONTHS:
        return "month"
    return "day"


# --------------------------------------------------------------------------- tasks


@dataclass
class PeriodPartial:
    """Documents and word tokens per date (``None``: undated), documents per source."""

    dates: dict[str | None, list[int]] = field(default_factory=dict)
    sources: Counter = field(default_factory=Counter)

    def merge(self, other: PeriodPartial) -> PeriodPartial:
        for date, (docs, tokens) in other.dates.items():
            slot = self.dates.setdefault(date, [0, 0])
            slot[0] += docs
            slot[1] += tokens
        self.sources.update(other.sources)
        return self


class PeriodTask(Task):
    """Documents and word tokens per document date, and documents per value of
    ``field`` (the sources): integer counts, merged by addition."""

    def __init__(self, field: str = SOURCE_FIELD) -> None:
        self.field = field

    def map(self, items: list[Item], analyzer: Analyzer) -> PeriodPartial:
        part = PeriodPartial()
        for it in items:
            slot = part.dates.get(it.doc.date)
            if slot is None:
                slot = part.dates[it.doc.date] = [0, 0]
            slot[0] += 1
            slot[1] += len(it.tok.tokens)
            value = it.doc.get(self.field)
            if value is not None:
                part.sources[value] += 1
        return part

    def merge(self, left: PeriodPartial, right: PeriodPartial) -> PeriodPartial:
        return left.merge(right)


class Deferred(Task):
    """A task whose ``finish`` is left to the caller (to finish it with another analyzer)."""

    def __init__(self, task: Task) -> None:
        self.task = task

    def map(self, items: list[Item], analyzer: Analyzer) -> Any:
        return self.task.map(items, analyzer)

    def merge(self, left: Any, right: Any) -> Any:
        return self.task.merge(left, right)

    def finish(self, merged: Any, analyzer: Analyzer) -> Any:
        return merged


# --------------------------------------------------------------------------- replay


def stream_items(stream: Any) -> list[Item]:
    """The documents of a merged :class:`~textkit.phrases.PhraseStream` as engine
    :class:`~textkit.engine.Item` objects: tokens and sentence bounds as the
    analyzer made them, the date; no text, offsets or metadata. Tasks that read
    only ``tok.tokens``, ``tok.bounds`` and the date (``TrendTask``,
    ``KeynessCountTask``) count on them exactly as on the corpus."""
    import numpy as np

    chunks = [np.asarray(c, dtype=np.int32) for c in stream.chunks]
    tok = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    lengths = np.frombuffer(stream.doc_lengths, dtype=np.int64) if len(stream.doc_lengths) else np.zeros(0, dtype=np.int64)
    is_tok = tok >= 0
    words = np.asarray(stream.words, dtype=object)
    all_tokens: list[str] = words[tok[is_tok]].tolist() if len(words) else []
    tokens_before = np.concatenate(([0], np.cumsum(is_tok)))  # tokens before position i
    sentinels = np.flatnonzero(~is_tok)
    sent_end = tokens_before[sentinels]  # token index where each sentence ends
    doc_start = np.concatenate(([0], np.cumsum(lengths)))
    s_lo = np.searchsorted(sentinels, doc_start[:-1]).tolist()
    s_hi = np.searchsorted(sentinels, doc_start[1:]).tolist()
    t_lo = tokens_before[doc_start[:-1]].tolist()
    t_hi = tokens_before[doc_start[1:]].tolist()
    ends = sent_end.tolist()
    items = []
    for k, date in enumerate(stream.dates):
        a, b = t_lo[k], t_hi[k]
        bounds = array("l", [0])
        bounds.extend(e - a for e in ends[s_lo[k] : s_hi[k]])
        doc = Document(id=str(k), text="", date=date)
        items.append(Item(doc, TokenizedText(all_tokens[a:b], bounds), k))
    return items


# --------------------------------------------------------------------------- adapters


def _phrase_rows(stream: Any, top: int) -> list[dict]:
    """The rows of ``textkit phrases --top N`` from the merged stream (its defaults)."""
    from .phrases import phrases_from_stream

    return phrases_from_stream(stream)[:top]


def _keyword_rows(dt: Any, stop: Analyzer, top: int) -> list[dict]:
    """``textkit keywords --stopwords S --top N`` from per-document counts made
    without a stop list: stop-word terms dropped before the weighting."""
    from .keywords import corpus_keywords, weigh

    if not dt.labels or not len(dt.tid):
        return []
    dt = dt.select_terms(stop.listed)
    if not len(dt.tid):
        return []
    return corpus_keywords(weigh(dt), top)


def _score_rows(compiled: Any, key: dict, tokens: int, occ: Counter) -> list[dict]:
    """Category rows (``matches``, ``percent``) of summed entry counts, as ``textkit score`` makes them."""
    from .score import category_rows

    return category_rows(compiled, key, tokens, occ, weights=False, wide=False, explain=0, names=[])


def _sentiment_key(reverse: bool) -> Callable[[dict], tuple]:
    """``sentiment --sort compound`` order: highest first (lowest with ``reverse``),
    missing last, ties by id."""
    sign = 1 if reverse else -1

    def key(row: dict) -> tuple:
        value = row.get("compound")
        return (value is None, 0 if value is None else sign * value, row["id"])

    return key


def neighbour_counts(items: Sequence[Item], candidates: Iterable[str]) -> tuple[Counter, Counter]:
    """For the ``candidates`` tokens: how often each occurs (``totals``), and how
    often each occurrence has which set of candidates as its direct neighbours
    within the sentence (``beside[(word, frozenset(neighbours))]``)."""
    cand = set(candidates)
    totals: Counter = Counter()
    beside: Counter = Counter()
    for it in items:
        toks = it.tok.tokens
        b = it.tok.bounds
        for s in range(len(b) - 1):
            lo, hi = b[s], b[s + 1]
            for p in range(lo, hi):
                w = toks[p]
                if w not in cand:
                    continue
                totals[w] += 1
                near = set()
                if p > lo and toks[p - 1] in cand:
                    near.add(toks[p - 1])
                if p + 1 < hi and toks[p + 1] in cand:
                    near.add(toks[p + 1])
                if near:
                    beside[(w, frozenset(near))] += 1
    return totals, beside


def trend_terms(keywords: Sequence[str], items: Sequence[Item], n: int, share: float = BOUND_SHARE) -> tuple[list[str], list[str]]:
    """The keywords to follow: the first ``n`` of ``keywords`` in order, one per
    *name unit*, and the keywords left out as part of a unit already followed.

    A keyword of which at least ``share`` of the occurrences stand right next to
    other keywords (same sentence) is part of a unit with each neighbour that
    accounts for at least ``1 - share`` of its occurrences; units are the
    connected groups of that relation ("kim", "jong", "il" of Kim Jong Il, Kim
    Jong Un and Kim Il Sung) and are followed by their best-ranked member.
    Returns (followed, left out)."""
    totals, beside = neighbour_counts(items, keywords)
    parent = {w: w for w in keywords}

    def root(w: str) -> str:
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    by_word: dict[str, list[tuple[frozenset, int]]] = {}
    for (w, near), k in beside.items():
        by_word.setdefault(w, []).append((near, k))
    for w in keywords:
        total = totals[w]
        entries = by_word.get(w, [])
        if not total or sum(k for _, k in entries) < share * total:
            continue
        for u in sorted({u for near, _ in entries for u in near}):
            if sum(k for near, k in entries if u in near) >= (1 - share) * total:
                parent[root(u)] = root(w)
    chosen: list[str] = []
    left_out: list[str] = []
    units: set[str] = set()
    for w in keywords:
        if len(chosen) >= n:
            break
        r = root(w)
        if r in units:
            left_out.append(w)
        else:
            units.add(r)
            chosen.append(w)
    return chosen, left_out


def pattern_text(term: str, analyzer: Analyzer) -> str | None:
    """A ``trend`` pattern that matches exactly the token ``term``: the term itself,
    or with a final period for an initialism (``u.s`` → ``u.s.``); None when no
    spelling reads back as the token (e.g. a stem that stems again)."""
    for text in (term, term + "."):
        if "*" not in text and analyzer.tokenize_words(text) == [term]:
            return text
    return None


# --------------------------------------------------------------------------- meta


def file_facts(corpus: Corpus) -> list[dict]:
    """The input files: path as given (the bundled corpus by its file name),
    size in bytes and SHA-256 of the bytes read."""
    out = []
    for path in corpus.files:
        if path == STDIN:
            data = getattr(corpus, "_stdin_data", None) or b""
            out.append({"path": "-", "bundled": False, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
            continue
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        out.append({
            "path": os.path.basename(path) if corpus.is_default else path,
            "bundled": corpus.is_default,
            "bytes": size,
            "sha256": digest.hexdigest(),
        })
    return out


def cli_args(corpus: Corpus, options: AnalyzerOptions, *, tokenizer: bool = True) -> list[str]:
    """The paths and the corpus (and tokenizer) options of a run as command-line
    arguments, so that another command can be run on the same documents."""
    args: list[str] = [] if corpus.is_default else list(corpus.paths)
    r = corpus.options
    d = ReadOptions()
    for name in ("text_field", "id_field", "date_field", "title_field"):
        if getattr(r, name) != getattr(d, name):
            args += ["--" + name.replace("_", "-"), getattr(r, name)]
    if r.with_title:
        args.append("--with-title")
    if r.since:
        args += ["--since", r.since]
    if r.until:
        args += ["--until", r.until]
    for k, v in r.where:
        args += ["--where", f"{k}={v}"]
    if r.skip_errors:
        args.append("--skip-errors")
    if tokenizer:
        if not options.lowercase:
            args.append("--no-lowercase")
        if options.stem:
            args += ["--stem", options.stem]
        if options.lemmatize:
            args.append("--lemmatize")
        if options.min_length > 1:
            args += ["--min-length", str(options.min_length)]
        if options.no_numbers:
            args.append("--no-numbers")
        for c in options.compounds:
            args += ["--compound", c]
    return args


def _command(name: str, base: list[str], extra: list[str]) -> str:
    return shlex.join(["textkit", name, *base, *extra])


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("textkit")
    except PackageNotFoundError:  # pragma: no cover - a source tree
        from . import __version__

        return __version__


# --------------------------------------------------------------------------- the report


def build_report(
    corpus: Corpus,
    options: AnalyzerOptions | None = None,
    *,
    sections: Sequence[str] = SECTIONS,
    top: int = 10,
    by: str = "auto",
    valence: Sequence[str] = (),
    jobs: int | None = 1,
    progress: Progress | None = None,
    stage: Callable[[str], None] | None = None,
) -> dict:
    """The report of ``corpus`` as one JSON-ready object (see ``docs/report.md``).

    ``options`` are the tokenizer options; their ``stopwords`` (a list name or
    file) is the stop list of the content-word sections (frequencies,
    keywords, keyness, collocations); the corpus is tokenized once without it.
    ``sections`` picks sections (:data:`SECTIONS`), ``top`` the rows per
    section, ``by`` the period (:data:`PERIODS`), ``valence`` VADER overrides
    for the tone (files or ``state-media``, as ``sentiment --valence``).
    ``progress`` is the engine's callback; ``stage`` is told what the report
    does after the pass (``"weighing keywords"`` …).

    Returns ``{"meta": {...}, <section>: rows, ...}`` with the sections in
    report order; ``tone`` is an object of row lists. A section that cannot be
    computed (undated corpus, one period) holds an empty list and
    ``meta.skipped[<section>]`` says why. Raises :class:`UsageError` for bad
    arguments and :class:`EmptyResultError` when no document is selected.
    """
    from .collocations import CollocationTask, score_collocations
    from .frequencies import FreqTask, frequency_rows
    from .info import InfoTask
    from .keyness import KeynessCountTask, Target, keyness_table
    from .keywords import KeywordsTask
    from .lexicon import get_lexicon
    from .phrases import PhraseStreamTask
    from .score import ScoreTask, compile_lexicon
    from .sentiment import SentimentTask, load_valence, register_scorer
    from .trend import TrendTask, trend_rows
    from .vader import GroupAccumulator

    options = options or AnalyzerOptions()
    sections = parse_sections(list(sections))
    if top < 1:
        raise UsageError("--top must be at least 1")
    if by not in PERIODS:
        raise UsageError(f"unknown period {by!r}; choose one of: {', '.join(PERIODS)}")
    want = set(sections)
    stop = Analyzer(options)  # for listed(): the stop list of the content sections
    run_options = dataclasses.replace(options, stopwords="none")
    analyzer = Analyzer(run_options)

    # --- the tasks of one pass ------------------------------------------------------------
    tasks: dict[str, Task] = {"periods": PeriodTask()}
    if "corpus" in want:
        tasks["info"] = InfoTask()
    if "frequencies" in want:
        tasks["freq"] = Deferred(FreqTask(1))
    if want & {"keywords", "trends"}:
        tasks["keywords"] = KeywordsTask((1, 1))
    if want & {"phrases", "keyness", "trends"}:
        tasks["stream"] = PhraseStreamTask()
    if "collocations" in want:
        tasks["collocations"] = CollocationTask(2, 2)
    pairs: tuple[tuple[str, float], ...] = ()
    if "tone" in want:
        pairs = register_scorer(load_valence(list(valence)))
        lexicon = get_lexicon(TONE_LEXICON)
        tasks["sentiment"] = SentimentTask("aggregate", valence=pairs)
        tasks["score"] = ScoreTask(lexicon)

    names = list(tasks)
    results = dict(zip(names, run(corpus, run_options, [tasks[n] for n in names], jobs=jobs, progress=progress), strict=True))

    def say(label: str) -> None:
        if stage is not None:
            stage(label)

    periods: PeriodPartial = results["periods"]
    n_docs = sum(v[0] for v in periods.dates.values())
    if n_docs == 0:
        raise EmptyResultError("no documents selected: nothing to report")
    dated = sorted(d for d in periods.dates if d is not None)
    period = choose_period(dated[0] if dated else None, dated[-1] if dated else None, by)
    undated = periods.dates.get(None, [0, 0])[0]
    labels = period_range(dated[0], dated[-1], period) if period else []
    per_period: dict[str, list[int]] = {}
    for d in dated:
        slot = per_period.setdefault(period_of(d, period), [0, 0])
        slot[0] += periods.dates[d][0]
        slot[1] += periods.dates[d][1]
    present = sorted(per_period)

    base = cli_args(corpus, options)
    base_read = cli_args(corpus, options, tokenizer=False)
    stop_arg = ["--stopwords", options.stopwords]
    top_arg = ["--top", str(top)]
    meta_sections: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    notes: list[str] = []
    out: dict[str, Any] = {}
    period_word = period or "period"
    if undated and period:
        notes.append(f"{undated} undated document{'s' if undated != 1 else ''} left out of the per-{period} figures")

    # --- corpus ---------------------------------------------------------------------------
    if "corpus" in want:
        info = results["info"]
        row = dict(info)
        row["undated"] = undated
        row["periods"] = [
            {"period": p, "documents": per_period.get(p, [0, 0])[0], "tokens": per_period.get(p, [0, 0])[1]}
            for p in labels
        ]
        row["sources"] = [
            {"source": s, "documents": n}
            for s, n in sorted(periods.sources.items(), key=lambda e: (-e[1], e[0]))[:top]
        ]
        out["corpus"] = [row]
        meta_sections["corpus"] = {"command": _command("info", base, [])}
        if not period:
            notes.append("no document has a date: no documents per period")

    # --- frequencies ----------------------------------------------------------------------
    if "frequencies" in want:
        say("ranking frequencies")
        counts = tasks["freq"].task.finish(results["freq"], stop)
        out["frequencies"] = frequency_rows(counts, top=top)
        meta_sections["frequencies"] = {"command": _command("freq", base, [*stop_arg, *top_arg])}

    # --- keywords ---------------------------------------------------------------------------
    keyword_rows: list[dict] = []
    if "keywords" in tasks:
        say("weighing keywords")
        keyword_rows = _keyword_rows(results["keywords"], stop, max(top, TREND_CANDIDATES) if "trends" in want else top)
    if "keywords" in want:
        out["keywords"] = keyword_rows[:top]
        meta_sections["keywords"] = {"command": _command("keywords", base, [*stop_arg, *top_arg])}

    items: list[Item] | None = None

    def replayed() -> list[Item]:
        nonlocal items
        if items is None:
            items = stream_items(results["stream"])
        return items

    # --- keyness ----------------------------------------------------------------------------
    if "keyness" in want:
        out["keyness"] = []
        if not period:
            skipped["keyness"] = "no document has a date: no period to set against the rest"
        elif len(present) < 2:
            skipped["keyness"] = f"every dated document falls in one {period} ({present[0]}): no earlier period to compare with"
        else:
            say("comparing the last period")
            last = present[-1]
            target = Target.parse([f"{period}={last}"])
            side_a, side_b = KeynessCountTask(1, target).map(replayed(), stop)
            terms = sorted(side_a.counts.keys() | side_b.counts.keys())
            a = [side_a.counts.get(t, 0) for t in terms]
            b = [side_b.counts.get(t, 0) for t in terms]
            rows = keyness_table(terms, a, b, side_a.tokens, side_b.tokens,
                                 min_count=KEYNESS_MIN_COUNT, sort="g2", side="a") if terms else []
            out["keyness"] = rows[:top]
            meta_sections["keyness"] = {
                "command": _command("compare", base, ["--target", f"{period}={last}", "--side", "a", *stop_arg, *top_arg]),
                "target": f"{period}={last}",
                "documents_a": side_a.documents,
                "tokens_a": side_a.tokens,
                "documents_b": side_b.documents,
                "tokens_b": side_b.tokens,
            }

    # --- phrases ----------------------------------------------------------------------------
    if "phrases" in want:
        say("finding formulas")
        out["phrases"] = _phrase_rows(results["stream"], top)
        meta_sections["phrases"] = {"command": _command("phrases", base, top_arg)}

    # --- collocations -----------------------------------------------------------------------
    if "collocations" in want:
        out["collocations"] = score_collocations(results["collocations"], stop, size=2, window=2, top=top)
        meta_sections["collocations"] = {"command": _command("collocations", base, [*stop_arg, *top_arg])}

    # --- tone -------------------------------------------------------------------------------
    if "tone" in want:
        say("summing up the tone")
        doc_rows: list[dict] = results["sentiment"]
        overall = GroupAccumulator()
        groups: dict[str, GroupAccumulator] = {}
        for r in doc_rows:
            if r["compound"] is None:
                continue
            overall.add(r["compound"])
            if period and r["date"] is not None:
                groups.setdefault(period_of(r["date"], period), GroupAccumulator()).add(r["compound"])
        compiled = compile_lexicon(lexicon, analyzer)
        total_tokens = 0
        total_occ: Counter = Counter()
        by_group: dict[str, list] = {}
        for header, n_tokens, occ in results["score"]:
            total_tokens += n_tokens
            total_occ.update(occ)
            if period and header["date"] is not None:
                slot = by_group.setdefault(period_of(header["date"], period), [0, Counter()])
                slot[0] += n_tokens
                slot[1].update(occ)
        scored = [r for r in doc_rows if r["compound"] is not None]
        positive = sorted(scored, key=_sentiment_key(False))[:TONE_EXTREMES]
        negative = sorted(scored, key=_sentiment_key(True))[:TONE_EXTREMES]
        out["tone"] = {
            "overall": overall.result(),
            "categories": _score_rows(compiled, {}, total_tokens, total_occ),
            "by_period": [{"group": g, **groups[g].result()} for g in sorted(groups)],
            "categories_by_period": [
                row for g in sorted(by_group) for row in _score_rows(compiled, {"group": g}, by_group[g][0], by_group[g][1])
            ],
            "most_positive": [{"rank": i, **r} for i, r in enumerate(positive, start=1)],
            "most_negative": [{"rank": i, **r} for i, r in enumerate(negative, start=1)],
        }
        val = [a for v in valence for a in ("--valence", v)]
        meta_sections["tone"] = {
            "command": _command("sentiment", base_read, [*(["--by", period] if period else []), *val]),
            "commands": {
                "overall": _command("sentiment", base_read, val),
                "by_period": _command("sentiment", base_read, ["--by", period_word, *val]) if period else None,
                "categories_by_period": _command("score", base, ["-l", TONE_LEXICON, "--by", period_word]) if period else None,
                "most_positive": _command("sentiment", base_read, ["--sort", "compound", "--top", str(TONE_EXTREMES), *val]),
                "most_negative": _command("sentiment", base_read, ["--sort", "compound", "--reverse", "--top", str(TONE_EXTREMES), *val]),
            },
            "lexicon": TONE_LEXICON,
            "valence": list(valence),
        }
        if not period:
            skipped["tone_by_period"] = "no document has a date: no tone per period"

    # --- trends -----------------------------------------------------------------------------
    if "trends" in want:
        out["trends"] = []
        chosen: list[str] = []
        bound: list[str] = []
        if period and keyword_rows:
            say("following the keywords")
            spelled = {}
            for row in keyword_rows:
                text = pattern_text(row["term"], analyzer)
                if text is None:
                    notes.append(f"trends: keyword {row['term']!r} cannot be written as a pattern that matches it; left out")
                else:
                    spelled[row["term"]] = text
            picked, bound = trend_terms(list(spelled), replayed(), min(TREND_TERMS, top))
            chosen = [spelled[w] for w in picked]
        if not period:
            skipped["trends"] = "no document has a date: no trends"
        elif not chosen:
            skipped["trends"] = "no keywords to follow"
        else:
            task = TrendTask(chosen, period)
            partial = task.map(replayed(), analyzer)
            out["trends"] = trend_rows(partial, chosen, period)
            meta_sections["trends"] = {
                "command": _command("trend", base, [*(a for t in chosen for a in ("-t", t)), "--by", period]),
                "terms": chosen,
                "left_out": bound,
            }

    meta = {
        "textkit": _version(),
        "command": _command("report", base, [*stop_arg, *top_arg, "--by", by, "--sections", ",".join(sections),
                                             *[a for v in valence for a in ("--valence", v)]]),
        "options": {
            "sections": list(sections),
            "top": top,
            "by": by,
            "period": period,
            "stopwords": options.stopwords,
            "lowercase": options.lowercase,
            "stem": options.stem,
            "lemmatize": options.lemmatize,
            "min_length": options.min_length,
            "no_numbers": options.no_numbers,
            "compounds": list(options.compounds),
            "valence": list(valence),
            "read": {
                "text_field": corpus.options.text_field,
                "id_field": corpus.options.id_field,
                "date_field": corpus.options.date_field,
                "title_field": corpus.options.title_field,
                "with_title": corpus.options.with_title,
                "since": corpus.options.since,
                "until": corpus.options.until,
                "where": [f"{k}={v}" for k, v in corpus.options.where],
                "skip_errors": corpus.options.skip_errors,
            },
        },
        "files": file_facts(corpus),
        "documents": n_docs,
        "sections": meta_sections,
        "skipped": skipped,
        "notes": notes,
    }
    return {"meta": meta, **{s: out[s] for s in SECTIONS if s in out}}


def section_order(report: dict) -> list[str]:
    """The sections present in ``report``, in report order."""
    return [s for s in SECTIONS if s in report]
