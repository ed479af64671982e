"""The CLI shell: info and tokenize, the five formats, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from .conftest import invoke, invoke_json


def test_info_on_seed_article(runner, seed):
    """info reports 1 document dated 2024-03-01 with hand-checkable sizes."""
    (row,) = invoke_json(runner, ["info", str(seed)])
    assert row["documents"] == 1
    assert row["date_min"] == row["date_max"] == "2024-03-01"
    assert row["sentences"] == 16  # 16 body paragraphs, one sentence each
    assert row["tokens"] == 622


def test_tokenize_seed_article(runner, seed):
    """tokenize shows the title as metadata, the body tokens, dprk-vietnam whole and no footer."""
    (row,) = invoke_json(runner, ["tokenize", str(seed)])
    assert row["title"] == "Historic visit opens new chapter in DPRK-Vietnam ties"
    assert row["tokens"][:3] == ["the", "respected", "comrade"]
    assert "dprk-vietnam" in row["tokens"]
    assert "rights" not in row["tokens"] and "reserved" not in row["tokens"]


def test_stdin_sentence_count(runner):
    """The acceptance sentence counts 2 sentences."""
    (row,) = invoke_json(runner, ["info", "-"], input="Hello world. The U.S. and the D.P.R.K. met on Jan. 5.")
    assert row["sentences"] == 2
    assert row["tokens"] == 11


def test_five_formats_give_the_same_rows(runner, seed):
    """table, json, jsonl, csv and tsv carry the same rows."""
    args = ["info", str(seed), "--per-doc"]
    as_json = invoke_json(runner, args)
    jsonl = [json.loads(line) for line in invoke(runner, [*args, "-f", "jsonl"]).stdout.splitlines()]
    assert jsonl == as_json
    for fmt, delim in (("csv", ","), ("tsv", "\t")):
        out = invoke(runner, [*args, "-f", fmt]).stdout
        rows = list(csv.DictReader(io.StringIO(out), delimiter=delim))
        assert list(rows[0]) == ["id", "title", "date", "sentences", "tokens", "types"]
        assert [{k: str(v) for k, v in r.items()} for r in as_json] == rows
    table = invoke(runner, [*args, "-f", "table"]).stdout
    assert "pyongyang-times-2024-03-01" in table and "622" in table


def test_json_empty_result_is_empty_array(runner, tmp_path):
    """A selection with no documents gives [] (and a csv header only)."""
    f = tmp_path / "c.jsonl"
    f.write_text('{"text": "a", "date": "2011-01-01"}\n', encoding="utf-8")
    assert invoke_json(runner, ["tokenize", str(f), "--since", "2012-01-01"]) == []
    out = invoke(runner, ["tokenize", str(f), "--since", "2012-01-01", "-f", "csv"]).stdout
    assert out == "id,title,date,tokens\n"


def test_broken_jsonl_exit_codes(runner, tmp_path):
    """A broken 3rd line: exit 1 naming file and line; with --skip-errors exit 0 and one skipped."""
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "a"}\n{"text": "b"}\n{"text": \n{"text": "d"}\n', encoding="utf-8")
    result = invoke(runner, ["info", str(f)])
    assert result.exit_code == 1
    assert "bad.jsonl line 3" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    result = invoke(runner, ["info", str(f), "--skip-errors", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["documents"] == 3
    assert "skipped 1 bad record" in result.stderr


def test_latin1_file_warns(runner, tmp_path):
    """Invalid UTF-8: exit 0 and a warning naming the file."""
    f = tmp_path / "latin.txt"
    f.write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    result = invoke(runner, ["info", str(f), "-f", "json"])
    assert result.exit_code == 0
    assert "latin.txt: 1 byte sequence not valid UTF-8" in result.stderr


@pytest.mark.parametrize("args, code, message", [
    (["info", "no/such/file.jsonl"], 1, "no such file or directory"),
    (["info", "--format", "xml"], 2, "Invalid value"),
    (["info", "--stem", "nope"], 2, "Invalid value"),
    (["info", "--where", "nofield"], 2, "expected FIELD=VALUE"),
    (["info", "--since", "someday"], 2, "is not a date"),
])
def test_errors_are_one_line_with_exit_code(runner, args, code, message):
    """Usage errors exit 2, input errors exit 1, never a traceback."""
    result = invoke(runner, args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_stopwords_and_compound_options(runner):
    """--stopwords english keeps un and us; --compound makes kim jong un one token."""
    text = "Kim Jong Un told the UN that the US must leave."
    (row,) = invoke_json(runner, ["tokenize", "-", "--stopwords", "english", "--compound", "kim jong un"], input=text)
    assert row["tokens"] == ["kim jong un", "told", "un", "us", "leave"]


def test_sentences_option(runner):
    """--sentences gives lists of token lists."""
    (row,) = invoke_json(runner, ["tokenize", "-", "--sentences"], input="One two. Three four.")
    assert row["sentences"] == [["one", "two"], ["three", "four"]]


def test_jobs_do_not_change_output(runner, tmp_path):
    """--jobs 1 and --jobs 2 print identical bytes over many batches."""
    f = tmp_path / "c.jsonl"
    f.write_text("".join(json.dumps({"id": str(i), "text": f"Doc {i} says hello {i % 7}. Bye."}) + "\n" for i in range(700)), encoding="utf-8")
    one = invoke(runner, ["info", str(f), "-j", "1", "-f", "json"]).stdout
    two = invoke(runner, ["info", str(f), "-j", "2", "-f", "json"]).stdout
    assert one == two and json.loads(one)[0]["documents"] == 700
    one = invoke(runner, ["tokenize", str(f), "-j", "1", "-f", "jsonl"]).stdout
    two = invoke(runner, ["tokenize", str(f), "-j", "2", "-f", "jsonl"]).stdout
    assert one == two


def test_help_and_version(runner):
    """-h works on the group and every command, with an example."""
    from textkit.cli import COMMANDS, cli

    assert invoke(runner, ["-h"]).exit_code == 0
    assert invoke(runner, ["--version"]).stdout.startswith("textkit ")
    for name in cli.list_commands(None):
        result = invoke(runner, [name, "-h"])
        assert result.exit_code == 0, name
        assert "Example" in result.stdout, name
    assert set(cli.list_commands(None)) <= set(COMMANDS)


def test_head_ends_quietly(kcna_2011):
    """`textkit tokenize ... | head -1` prints one line and no traceback."""
    proc = subprocess.run(
        f"{sys.executable} -m textkit tokenize {kcna_2011} --format jsonl | head -1",
        shell=True, capture_output=True, text=True, timeout=120,
    )
    assert len(proc.stdout.splitlines()) == 1
    assert "Traceback" not in proc.stderr and proc.stderr == ""


def test_core_imports_without_click(tmp_path):
    """The core library works with click and rich blocked."""
    code = (
        "import sys; sys.modules['click'] = None; sys.modules['rich'] = None\n"
        "import textkit\n"
        "c = textkit.load_corpus(['-'])\n"
        "from textkit.corpus import Corpus\n"
        "import io\n"
        "c = Corpus(['-'], stdin=io.BytesIO(b'One two. Three.'))\n"
        "print(textkit.corpus_info(c)['sentences'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "2"
