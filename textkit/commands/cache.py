"""``textkit cache info`` and ``textkit cache clear``."""

from __future__ import annotations

import click

from ..cliutil import CONTEXT_SETTINGS, emit, output_options
from ..render import FORMATS


@click.group("cache", context_settings=CONTEXT_SETTINGS)
def cache() -> None:
    """Inspect or clear the token cache.

    The first run over a file stores its tokenized form; later runs of any
    command with the same tokenizer options read it instead of tokenizing
    again. An entry is rebuilt when its file changes (path, size, time, SHA-256)
    or textkit changes. The cache lives in the platform's cache directory
    (~/.cache/textkit on Linux); TEXTKIT_CACHE_DIR moves it, --no-cache or
    TEXTKIT_NO_CACHE=1 bypasses it.

    \b
    Examples:
      textkit cache info
      textkit cache info --entries --format json
      textkit cache clear --stale
      textkit cache clear
    """


@cache.command("info", context_settings=CONTEXT_SETTINGS)
@click.option("--entries", is_flag=True, help="One row per entry instead of one for the cache.")
@output_options(default_top=0)
def info_cmd(entries, fmt, top):
    """Where the cache is and what it holds.

    One row: path, entries, bytes, sources, documents, tokens. With --entries,
    one row per entry: source, size, documents, tokens, types, options,
    status (current, stale, old, unreadable), created, bytes.

    \b
    Examples:
      textkit cache info
      textkit cache info --entries --format json
    """
    from ..cache import CACHE_INFO_COLUMNS, ENTRY_COLUMNS, cache_entries, cache_info

    if entries:
        rows = cache_entries()
        if top:
            rows = rows[:top]
        emit(rows, ENTRY_COLUMNS, fmt)
    else:
        emit([cache_info()], CACHE_INFO_COLUMNS, fmt)


@cache.command("clear", context_settings=CONTEXT_SETTINGS)
@click.option("--stale", is_flag=True, help="Remove only entries whose file changed or is gone, or that another textkit made.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format [default: table on a terminal, json when piped].")
def clear_cmd(stale, fmt):
    """Remove cache entries (all of them, or only stale ones).

    One row: path, removed (entries), bytes (freed).

    \b
    Examples:
      textkit cache clear
      textkit cache clear --stale --format json
    """
    from ..cache import CLEAR_COLUMNS, clear_cache

    emit([clear_cache(stale_only=stale)], CLEAR_COLUMNS, fmt)
