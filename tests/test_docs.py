"""Every command has help with an example and a docs page that shows its JSON fields."""

from __future__ import annotations

from pathlib import Path

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
