"""Fast start: `textkit --help` and every `textkit COMMAND --help` import no heavy library."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from textkit.cli import COMMANDS, _available

HEAVY = {"numpy", "scipy", "sklearn", "nltk", "matplotlib", "vaderSentiment", "pandas"}
HELP_ARGS = [["--help"]] + [[name, "--help"] for name in COMMANDS if _available(name)]


def imported_modules(args: list[str]) -> set[str]:
    """Top-level packages imported by `python -X importtime -m textkit ARGS` (it must exit 0)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "textkit", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "textkit" in names
    return names


@pytest.mark.parametrize("args", HELP_ARGS, ids=[" ".join(a) for a in HELP_ARGS])
def test_help_imports_no_heavy_library(args):
    """`textkit [COMMAND] --help` imports none of numpy, scipy, sklearn, nltk, matplotlib, vaderSentiment, pandas."""
    heavy = imported_modules(args) & HEAVY
    assert not heavy, f"textkit {' '.join(args)} imports {sorted(heavy)}: move these imports inside functions"


def test_cache_subcommand_help_is_light():
    """`textkit cache info --help` and `textkit cache clear --help` import no heavy library either."""
    for sub in ("info", "clear"):
        assert not imported_modules(["cache", sub, "--help"]) & HEAVY


def _cpu_seconds(cmd: list[str], runs: int = 5) -> float:
    """The least user+system CPU time of ``runs`` runs of ``cmd`` (steadier than wall time on a busy machine)."""
    best = float("inf")
    for _ in range(runs):
        before = os.times()
        subprocess.run(cmd, capture_output=True, timeout=120, check=True)
        after = os.times()
        best = min(best, (after.children_user - before.children_user) + (after.children_system - before.children_system))
    return best


@pytest.mark.slow
def test_help_costs_little_more_than_click_and_rich():
    """`textkit --help` takes at most 1.5x the CPU time of `python -c "import click, rich"` (best of 5; the issue's target)."""
    baseline = _cpu_seconds([sys.executable, "-c", "import click, rich"])
    started = time.perf_counter()
    ours = _cpu_seconds([sys.executable, "-m", "textkit", "--help"])
    assert time.perf_counter() - started < 60
    assert ours <= 1.5 * baseline + 0.02, f"textkit --help {ours:.3f}s CPU vs click+rich {baseline:.3f}s"
