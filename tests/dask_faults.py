"""A task that kills the Dask worker process running it (imported by the workers).

Used by tests/test_distributed.py to check what happens when a worker dies
mid-run: the partition holding the document ``trigger`` ends its worker with
``os._exit`` — once (a marker file records the first death, so the retry on a
new worker succeeds) or every time (``always``).
"""

from __future__ import annotations

import os
from pathlib import Path

from textkit.engine import Item, Task
from textkit.tokenize import Analyzer


class KillWorker(Task):
    def __init__(self, trigger: str, marker: str, always: bool = False) -> None:
        self.trigger = trigger
        self.marker = marker
        self.always = always

    def map(self, items: list[Item], analyzer: Analyzer) -> int:
        if any(it.doc.id == self.trigger for it in items):
            marker = Path(self.marker)
            if self.always or not marker.exists():
                marker.touch()
                os._exit(17)  # the worker process dies without cleaning up
        return len(items)

    def merge(self, left: int, right: int) -> int:
        return left + right
