"""Every command has help with an example and a docs page that shows its JSON fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from textkit.cli import COMMANDS, cli

from .conftest import ROOT, invoke

DOCS = ROOT / "docs"


def test_every_command_has_a_docs_page_with_examples(runner):
    """docs/<command>.md exists, names every option of the command and has an example."""
    shared = (DOCS / "options.md").read_text("utf-8")
    for name in cli.list_commands(None):
        page = DOCS / f"{name}.md"
        assert page.exists(), f"docs/{name}.md is missing"
        text = page.read_text("utf-8")
        assert f"textkit {name}" in text
        assert "```" in text, f"docs/{name}.md has no example"
        command = cli.get_command(None, name)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",):
                    assert opt in text or opt in shared, f"docs/{name}.md does not mention {opt}"


def test_no_flag_is_used_twice():
    """No command defines the same flag twice."""
    for name in cli.list_commands(None):
        seen: set[str] = set()
        for param in cli.get_command(None, name).params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                assert opt not in seen, f"{name}: {opt} used twice"
                seen.add(opt)


def test_registry_lists_only_known_modules():
    """Every registered command points at a module under textkit/commands."""
    for module, _attr, summary in COMMANDS.values():
        assert module.startswith("textkit.commands.") and summary


def test_readme_opens_with_install_and_test_commands():
    """The README's first commands install and run the main job, then the tests (CI runs the latter)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "pip install" in readme and "pytest" in readme
    assert "python3 -m pytest" in ci
    _ = Path, invoke


def _examples():
    """``$ textkit …`` examples in docs/ whose output is machine-readable (JSON, JSON
    Lines, CSV) and comes from the bundled data alone, with the output printed below."""
    import re

    out = []
    for page in sorted(DOCS.glob("*.md")):
        for block in re.findall(r"```[a-z]*\n(.*?)```", page.read_text("utf-8"), re.S):
            if not block.startswith("$ "):
                continue
            lines = block.split("\n")
            i = 0
            while lines[i].rstrip().endswith("\\"):
                i += 1
            command = "\n".join([lines[0][2:], *lines[1 : i + 1]])
            expected = "\n".join(lines[i + 1 :])
            if "textkit" not in command or "|" in command.replace("--format", ""):
                continue
            if not re.search(r"(--format|-f) (json|jsonl|csv|table)\b", command):
                if re.search(r"--format|-f ", command) or "--help" in command or " cache " in command:
                    continue
                command += " --format table"  # what a terminal shows
            if "--plot" in command or "--html" in command:
                continue
            if any(s in command for s in ("../shared", "/tmp/", ">", "small.txt")):
                continue  # needs data or files made elsewhere on the page
            if re.search(r"^\s*(\.\.\.|…)|^(textkit: |note: )", expected, re.M):
                continue  # elided, or shows what goes to stderr
            out.append(pytest.param(command, expected, id=f"{page.stem}: {command[:60]}"))
    return out


@pytest.mark.parametrize("command, expected", _examples())
def test_docs_examples_print_what_the_docs_show(command, expected, tmp_path):
    """The machine-readable examples in docs/ are real: run again, they print the same bytes."""
    import os
    import re
    import subprocess
    import sys

    bindir = os.path.dirname(sys.executable)
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "textkit").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m textkit "$@"\n')
    (shim / "textkit").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}:{bindir}:{os.environ.get('PATH', '')}", "COLUMNS": "100"}
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    if re.search(r"(--format|-f) table", command):
        # tables: the docs keep no trailing spaces
        assert [line.rstrip() for line in proc.stdout.splitlines()] == [line.rstrip() for line in expected.splitlines()]
    else:
        assert proc.stdout == expected
