"""Shared CLI pieces: option decorators, corpus/analyzer construction, output.

Every command is a thin function: parse options (the decorators here), build
the corpus and analyzer (:func:`corpus_from`, :func:`analyzer_options_from`),
call one core function, and hand rows to :func:`emit`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import InputError, UsageError
from .render import FORMATS, default_format, render

if TYPE_CHECKING:  # imported where used, so that `textkit --help` starts fast
    from .corpus import Corpus, ReadOptions
    from .tokenize import AnalyzerOptions

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _apply(options: Sequence[Callable]) -> Callable:
    def decorator(f: Callable) -> Callable:
        for option in reversed(options):
            f = option(f)
        return f

    return decorator


def paths_argument(f: Callable) -> Callable:
    """``PATH...``: files, directories or ``-``; none means the bundled corpus."""
    return click.argument("paths", nargs=-1, metavar="[PATH]...", type=str)(f)


def corpus_options(f: Callable) -> Callable:
    """Options that say how records become documents and which are selected."""
    return _apply(
        [
            click.option("--text-field", default="text", show_default=True, metavar="NAME", help="Field holding the text (JSON, CSV)."),
            click.option("--id-field", default="id", show_default=True, metavar="NAME", help="Field holding the document id."),
            click.option("--date-field", default="date", show_default=True, metavar="NAME", help="Field holding the date."),
            click.option("--title-field", default="title", show_default=True, metavar="NAME", help="Field holding the title."),
            click.option("--with-title", is_flag=True, help="Count the title as the first sentence of the text."),
            click.option("--since", metavar="DATE", help="Only documents dated on or after DATE."),
            click.option("--until", metavar="DATE", help="Only documents dated on or before DATE."),
            click.option("--where", "where", multiple=True, metavar="FIELD=VALUE", help="Only documents whose FIELD equals VALUE (repeatable; year, month, day come from the date)."),
            click.option("--skip-errors", is_flag=True, help="Skip bad records and files (counted on stderr) instead of stopping."),
            click.option("--no-cache", is_flag=True, help="Tokenize afresh: neither read nor write the token cache (also TEXTKIT_NO_CACHE=1)."),
        ]
    )(f)


def tokenizer_options(default_stopwords: str = "none") -> Callable:
    """The tokenizer options shared by every analysis command."""
    from .tokenize import STEMMERS

    return _apply(
        [
            click.option("--lowercase/--no-lowercase", default=True, show_default=True, help="Lower-case tokens."),
            click.option("--stopwords", default=default_stopwords, show_default=True, metavar="NAME|FILE", help="Stop words left out of the terms: none, english (function words), or a file with one word a line."),
            click.option("--stem", type=click.Choice(STEMMERS), default=None, help="Reduce tokens to stems."),
            click.option("--lemmatize", is_flag=True, help="Reduce tokens to English lemmas (simplemma, offline)."),
            click.option("--min-length", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="Leave out terms shorter than N characters."),
            click.option("--no-numbers", is_flag=True, help="Leave out terms without a letter."),
            click.option("--compound", "compound", multiple=True, metavar="PHRASE", help="Treat PHRASE as one token (repeatable), e.g. --compound 'kim jong un'."),
            click.option("--compounds", "compounds_file", type=click.Path(dir_okay=False), metavar="FILE", help="Phrases to treat as one token, one a line."),
        ]
    )


def output_options(default_top: int = 0) -> Callable:
    """``--format`` and ``--top`` (0 = all rows)."""
    return _apply(
        [
            click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format [default: table on a terminal, json when piped]."),
            click.option("--top", type=click.IntRange(min=0), default=default_top, show_default=True, metavar="N", help="Rows to show (0 = all)."),
        ]
    )


def _set_engine(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Configure the engine once both --engine and --scheduler are known."""
    from . import engine

    store = ctx.meta.setdefault("textkit.engine", {"engine": "local", "scheduler": None})
    store[param.name] = value
    engine.configure(store["engine"], store["scheduler"])
    return value


def jobs_option(f: Callable) -> Callable:
    """``--jobs N`` (0 = all cores, 1 = in-process), ``--engine local|dask`` and
    ``--scheduler ADDRESS``: where the counting runs. The engine options configure
    :mod:`textkit.engine` directly, so commands need not pass them on."""
    return _apply(
        [
            click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, metavar="N", help="Worker processes [default: all cores; 1 = in-process]."),
            click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, expose_value=False, is_eager=False, callback=_set_engine, help="Run the counting here (local) or on a Dask cluster (dask; needs textkit[distributed])."),
            click.option("--scheduler", metavar="ADDRESS", default=None, envvar="TEXTKIT_DASK_SCHEDULER", expose_value=False, callback=_set_engine, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 [default: $TEXTKIT_DASK_SCHEDULER, else a local cluster]."),
        ]
    )(f)


def read_options_from(kw: dict) -> ReadOptions:
    """Pop the corpus options from a command's keyword arguments."""
    from .corpus import ReadOptions, parse_where

    return ReadOptions(
        text_field=kw.pop("text_field"),
        id_field=kw.pop("id_field"),
        date_field=kw.pop("date_field"),
        title_field=kw.pop("title_field"),
        with_title=kw.pop("with_title"),
        skip_errors=kw.pop("skip_errors"),
        since=kw.pop("since"),
        until=kw.pop("until"),
        where=parse_where(kw.pop("where")),
        cache=not kw.pop("no_cache", False),
    )


def corpus_from(kw: dict, paths: Iterable[str] | None = None) -> Corpus:
    """A :class:`Corpus` from the command's ``paths`` and corpus options."""
    from .corpus import Corpus

    if paths is None:
        paths = kw.pop("paths", ())
    return Corpus(list(paths), read_options_from(kw))


def read_phrase_file(path: str) -> list[str]:
    """One phrase a line (``#`` comments and blank lines ignored)."""
    try:
        text = Path(path).read_text("utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    return [ln.split("#", 1)[0].strip() for ln in text.splitlines() if ln.split("#", 1)[0].strip()]


def analyzer_options_from(kw: dict) -> AnalyzerOptions:
    """Pop the tokenizer options from a command's keyword arguments."""
    from .tokenize import AnalyzerOptions

    compounds = list(kw.pop("compound", ()))
    compounds_file = kw.pop("compounds_file", None)
    if compounds_file:
        compounds.extend(read_phrase_file(compounds_file))
    return AnalyzerOptions(
        lowercase=kw.pop("lowercase"),
        stopwords=kw.pop("stopwords"),
        stem=kw.pop("stem"),
        lemmatize=kw.pop("lemmatize"),
        min_length=kw.pop("min_length"),
        no_numbers=kw.pop("no_numbers"),
        compounds=tuple(compounds),
    )


def resolve_format(fmt: str | None) -> str:
    return fmt or default_format(sys.stdout)


def emit(rows: Iterable[dict], columns: Sequence[str], fmt: str | None, *, title: str | None = None, cells: dict | None = None) -> str:
    """Render rows on stdout in ``fmt`` (resolved to the default); returns the format."""
    fmt = resolve_format(fmt)
    render(rows, fmt, columns, title=title, cells=cells)
    return fmt


def warn(message: str) -> None:
    """One line on stderr."""
    click.echo(message, err=True)


def report_stats(*corpora: Corpus) -> None:
    """Print what reading skipped, replaced or could not date."""
    for corpus in corpora:
        for line in corpus.stats.messages():
            warn(line)


class Progress:
    """A Rich progress bar on stderr when stderr is a terminal; silent otherwise."""

    def __init__(self, description: str = "reading", total_bytes: int | None = None) -> None:
        self.description = description
        self.total = total_bytes
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            from .render import make_console

            self._progress = RichProgress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[docs]} docs"),
                TimeElapsedColumn(),
                console=make_console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total, docs=0)
        return self

    def __call__(self, docs: int, chars: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=chars, docs=docs)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def corpus_bytes(corpus: Corpus) -> int | None:
    """Total size of the corpus files (for a progress bar), None for stdin."""
    import os

    total = 0
    for f in corpus.files:
        if f == "-":
            return None
        try:
            total += os.path.getsize(f)
        except OSError:
            return None
    return total


def check_choice(name: str, value: str, choices: Iterable[str]) -> str:
    """Raise a usage error listing ``choices`` when ``value`` is not one of them."""
    choices = sorted(choices)
    if value not in choices:
        raise UsageError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")
    return value
