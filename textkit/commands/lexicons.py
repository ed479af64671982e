"""``textkit lexicons``."""

from __future__ import annotations

import itertools

import click

from ..cliutil import CONTEXT_SETTINGS, emit, output_options

LEXICON_COLUMNS = ["name", "categories", "entries", "description"]
CATEGORY_COLUMNS = ["lexicon", "category", "entries", "meaning", "examples"]


@click.command("lexicons", context_settings=CONTEXT_SETTINGS)
@click.argument("name", required=False, metavar="[NAME|FILE]")
@output_options(default_top=0)
def lexicons(name, fmt, top):
    """The built-in lexicons of `textkit score`, or the categories of one.

    Without NAME: one row per built-in lexicon (name, categories, entries,
    description). With a built-in NAME or a lexicon FILE: one row per category
    (entries, meaning, the first entries as examples), which also checks
    that a lexicon file loads.

    \b
    Examples:
      textkit lexicons
      textkit lexicons state-media
      textkit lexicons vader --format json
      textkit lexicons my-categories.dic
    """
    from ..lexicon import builtin_lexicons, lexicon_categories

    if name is None:
        rows, columns = builtin_lexicons(), LEXICON_COLUMNS
    else:
        rows, columns = lexicon_categories(name), CATEGORY_COLUMNS
    if top:
        rows = list(itertools.islice(rows, top))
    emit(rows, columns, fmt)
