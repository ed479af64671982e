"""The textkit error family.

Core functions raise these; the CLI turns them into one line on stderr and an
exit code at its boundary (1 for bad input, 2 for bad usage).
"""

from __future__ import annotations


class TextkitError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    exit_code = 1


class InputError(TextkitError):
    """Unreadable or malformed input: a missing path, a bad JSON line, a binary file."""


class UsageError(TextkitError):
    """Options that cannot work together or name something that does not exist."""

    exit_code = 2


class EmptyResultError(TextkitError):
    """A computation has nothing to work on (every token was a stop word, an empty side)."""
