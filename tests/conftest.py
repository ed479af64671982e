"""Shared fixtures: the ../shared data (skipped cleanly when absent) and a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KCNA_2011 = SHARED / "corpora" / "kcna-2011.jsonl"
HEADLINES = SHARED / "corpora" / "kcna-headlines-1997-2014.jsonl"
SEED = SHARED / "seed" / "pyongyang-times-2024-03-01.txt"
BUNDLED_SEED = ROOT / "corpora" / "pyongyang-times-2024-03-01.txt"


@pytest.fixture(scope="session", autouse=True)
def _private_token_cache(tmp_path_factory):
    """Every test, and every textkit process a test starts, uses a fresh token cache, never the user's."""
    import os

    old = os.environ.get("TEXTKIT_CACHE_DIR")
    os.environ["TEXTKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("textkit-cache"))
    yield
    if old is None:
        os.environ.pop("TEXTKIT_CACHE_DIR", None)
    else:
        os.environ["TEXTKIT_CACHE_DIR"] = old


@pytest.fixture
def kcna_2011() -> Path:
    """The shared KCNA 2011 stories; the test is skipped where ../shared is absent."""
    if not KCNA_2011.exists():
        pytest.skip("../shared/corpora/kcna-2011.jsonl is not available")
    return KCNA_2011


@pytest.fixture
def headlines() -> Path:
    if not HEADLINES.exists():
        pytest.skip("../shared/corpora/kcna-headlines-1997-2014.jsonl is not available")
    return HEADLINES


@pytest.fixture
def seed() -> Path:
    """The seed article (the shared copy, or the one bundled in corpora/)."""
    return SEED if SEED.exists() else BUNDLED_SEED


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, args: list[str], input: str | bytes | None = None, env: dict | None = None):
    """Run the textkit CLI in-process (tables 200 columns wide) and return the result."""
    from textkit.cli import cli

    env = {"COLUMNS": "200", **(env or {})}
    return runner.invoke(cli, args, input=input, catch_exceptions=False, env=env)


def invoke_json(runner: CliRunner, args: list[str], input: str | bytes | None = None):
    """Run the CLI with --format json and parse stdout."""
    result = invoke(runner, [*args, "--format", "json"], input=input)
    assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return json.loads(result.stdout)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
