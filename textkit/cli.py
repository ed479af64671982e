"""The ``textkit`` command: a click group whose subcommands load lazily.

Each subcommand lives in ``textkit/commands/<name>.py`` and is imported only
when it runs (or when ``--help`` lists it), so ``textkit --help`` starts fast.
Errors from the core (:class:`~textkit.errors.TextkitError`) become one line on
stderr and an exit code here, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .cliutil import CONTEXT_SETTINGS
from .errors import TextkitError

# name -> (module, attribute, one-line help). The help is shown by `textkit --help`
# without importing the command modules.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "info": ("textkit.commands.info", "info", "Corpus size: documents, sentences, tokens, types, dates."),
    "tokenize": ("textkit.commands.tokenize", "tokenize_cmd", "Tokens (or sentences of tokens) of each document."),
    "freq": ("textkit.commands.freq", "freq", "Term frequencies with dispersion (DP, Juilland's D)."),
    "trend": ("textkit.commands.trend", "trend", "Terms over time: counts and per-million by period."),
    "keywords": ("textkit.commands.keywords", "keywords", "TF-IDF keywords of the corpus, of each document or group."),
    "compare": ("textkit.commands.compare", "compare", "Keyness: corpus A against B (G2, log ratio, %DIFF, BIC)."),
    "phrases": ("textkit.commands.phrases", "phrases", "Recurring formulas: maximal repeated phrases in families."),
    "collocations": ("textkit.commands.collocations", "collocations", "Word pairs or triples by association measure."),
    "kwic": ("textkit.commands.kwic", "kwic", "Concordance: every occurrence of a pattern in context."),
    "sentiment": ("textkit.commands.sentiment", "sentiment", "VADER sentiment per sentence, document or group."),
    "readability": ("textkit.commands.readability", "readability", "Readability formulas and lexical diversity."),
    "score": ("textkit.commands.score", "score", "Dictionary (LIWC-style) category scores."),
    "lexicons": ("textkit.commands.lexicons", "lexicons", "The built-in lexicons."),
    "report": ("textkit.commands.report", "report", "A whole corpus at a glance (terminal, JSON or HTML)."),
    "cache": ("textkit.commands.cache", "cache", "Inspect or clear the token cache."),
}


def _available(name: str) -> bool:
    module = COMMANDS[name][0]
    path = os.path.join(os.path.dirname(__file__), "commands", module.rsplit(".", 1)[1] + ".py")
    return os.path.exists(path)


class TextkitGroup(click.Group):
    """A group that imports subcommands on demand and reports TextkitErrors cleanly."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not _available(name):
            return None
        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TextkitError as exc:
            click.echo(f"textkit: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            _quiet_broken_pipe()
            ctx.exit(0)
        finally:
            # --engine/--scheduler configure the engine for this invocation only
            engine = sys.modules.get("textkit.engine")
            if engine is not None:
                engine.configure("local", None)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("textkit")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        from . import __version__

        return __version__


@click.group(cls=TextkitGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(version=None, package_name="textkit", prog_name="textkit", message="%(prog)s %(version)s")
def cli() -> None:
    """textkit: text analysis for news corpora, from the terminal.

    Every command reads PATH... (files, directories, or - for standard input;
    .txt/.md, .jsonl/.ndjson, .json, .csv/.tsv, also gzipped). Without a path it
    reads the bundled corpus: KCNA stories of 10-24 December 2011.

    Output is a table on a terminal and JSON when piped; --format picks
    table, json, jsonl, csv or tsv.

    \b
    Examples:
      textkit info
      textkit freq --stopwords english --top 20
      textkit trend -t "kim jong un" corpus.jsonl --by month
      textkit compare --target month=2011-12 kcna-2011.jsonl
      textkit tokenize article.txt --format jsonl | head -1
    """


def _quiet_broken_pipe() -> None:
    """After a closed pipe (`| head`), stop writing without a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    # SIGPIPE stays ignored (Python's default) so that a closed pipe raises
    # BrokenPipeError: worker pools are then shut down before we exit quietly.
    try:
        cli.main(args=argv, prog_name="textkit")
    except KeyboardInterrupt:
        click.echo("textkit: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
