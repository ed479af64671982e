"""Reading corpora: formats, metadata, selection and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from textkit.corpus import Corpus, ReadOptions, parse_plain_text
from textkit.dates import parse_date, period_range
from textkit.errors import InputError, UsageError

from .conftest import write_jsonl


def docs(paths, **opts):
    return list(Corpus([str(p) for p in paths], ReadOptions(**opts)))


def test_seed_article_metadata(seed):
    """The seed article yields title and date as metadata, and neither they nor the footer are text."""
    (doc,) = docs([seed])
    assert doc.id == "pyongyang-times-2024-03-01"
    assert doc.title == "Historic visit opens new chapter in DPRK-Vietnam ties"
    assert doc.date == "2024-03-01"
    assert doc.text.startswith("The respected Comrade Kim Jong Un")
    assert "rights reserved" not in doc.text
    assert doc.text.endswith("the peoples of the two countries.")


def test_plain_text_without_layout_is_all_text():
    """A first line is a title only when a date line follows; a last line is dropped only when it is a copyright notice."""
    assert parse_plain_text("Just a line.\nAnother line.") == (None, None, "Just a line.\nAnother line.")
    assert parse_plain_text("Title\n\n1 March 2024\n\nBody.") == ("Title", "2024-03-01", "Body.")
    assert parse_plain_text("Body.\n\nCopyright 2024 KCNA") == (None, None, "Body.")


@pytest.mark.parametrize(
    "text, iso",
    [("March 1, 2024", "2024-03-01"), ("1 March 2024", "2024-03-01"), ("2024-03-01", "2024-03-01"),
     ("Dec. 19, 2011", "2011-12-19"), ("Friday, March 1, 2024", "2024-03-01"), ("2011-12-19T10:00:00Z", "2011-12-19"),
     ("31 February 2024", None), ("soon", None), ("", None)],
)
def test_parse_date(text, iso):
    """Common English date forms parse; anything else is None."""
    assert parse_date(text) == iso


def test_period_range_iso_weeks():
    """Weeks are ISO weeks, every period included."""
    assert period_range("2011-12-17", "2012-01-02", "week") == ["2011-W50", "2011-W51", "2011-W52", "2012-W01"]
    assert period_range("2011-11-30", "2012-02-01", "month") == ["2011-11", "2011-12", "2012-01", "2012-02"]


def test_jsonl_fields_ids_and_metadata(tmp_path):
    """Ids fall back to stem:line, titles and dates are metadata, other fields kept."""
    f = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "x1", "text": "One.", "title": "T", "date": "2011-12-19", "source": "KCNA"},
        {"text": "Two.", "date": "not a date"},
    ])
    a, b = docs([f])
    assert (a.id, a.title, a.date, a.meta) == ("x1", "T", "2011-12-19", {"source": "KCNA"})
    assert (b.id, b.date) == ("c:2", None)
    assert a.get("month") == "2011-12" and a.get("year") == "2011" and a.get("source") == "KCNA"


def test_other_field_names(tmp_path):
    """--text-field and friends name the fields."""
    f = write_jsonl(tmp_path / "c.jsonl", [{"body": "Hi.", "key": "k", "when": "1 May 2020", "head": "H"}])
    (d,) = docs([f], text_field="body", id_field="key", date_field="when", title_field="head")
    assert (d.id, d.text, d.date, d.title) == ("k", "Hi.", "2020-05-01", "H")


def test_json_csv_tsv_and_gzip(tmp_path):
    """A JSON array, CSV and TSV rows and gzipped JSONL give the same documents."""
    recs = [{"id": "a", "text": "Alpha text.", "date": "2011-01-02"}, {"id": "b", "text": "Beta, text.", "date": "2011-02-03"}]
    (tmp_path / "x.json").write_text(json.dumps(recs), encoding="utf-8")
    (tmp_path / "x.csv").write_text('id,text,date\na,Alpha text.,2011-01-02\nb,"Beta, text.",2011-02-03\n', encoding="utf-8")
    (tmp_path / "x.tsv").write_text("id\ttext\tdate\na\tAlpha text.\t2011-01-02\nb\tBeta, text.\t2011-02-03\n", encoding="utf-8")
    with gzip.open(tmp_path / "x.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in recs)
    for name in ("x.json", "x.csv", "x.tsv", "x.jsonl.gz"):
        got = [(d.id, d.text, d.date) for d in docs([tmp_path / name])]
        assert got == [("a", "Alpha text.", "2011-01-02"), ("b", "Beta, text.", "2011-02-03")], name


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    """Directories are walked in sorted order; unknown extensions and hidden files skipped."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    assert [d.text for d in docs([tmp_path])] == ["First.", "Second."]


def test_stdin_jsonl_or_plain_text():
    """'-' is JSON Lines when it starts with '{', otherwise one plain-text document."""
    c = Corpus(["-"], stdin=io.BytesIO(b'  {"text": "A."}\n{"text": "B."}\n'))
    assert [d.text for d in c] == ["A.", "B."]
    c = Corpus(["-"], stdin=io.BytesIO(b"Plain text. Two sentences."))
    assert [(d.id, d.text) for d in c] == [("stdin", "Plain text. Two sentences.")]


def test_selection_since_until_where(tmp_path):
    """--since/--until are inclusive and drop undated documents; --where matches fields."""
    f = write_jsonl(tmp_path / "c.jsonl", [
        {"id": "1", "text": "a", "date": "2011-12-16", "source": "KCNA"},
        {"id": "2", "text": "b", "date": "2011-12-17", "source": "Rodong"},
        {"id": "3", "text": "c", "date": "2011-12-19", "source": "KCNA"},
        {"id": "4", "text": "d"},
    ])
    assert [d.id for d in docs([f], since="2011-12-17", until="December 19, 2011")] == ["2", "3"]
    assert [d.id for d in docs([f], where=(("source", "KCNA"), ("month", "2011-12")))] == ["1", "3"]
    with pytest.raises(UsageError):
        ReadOptions(since="someday")


def test_malformed_jsonl_names_file_and_line(tmp_path):
    """A broken third line stops with its file and line; --skip-errors skips and counts it."""
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "a"}\n{"text": "b"}\n{"text": oops}\n{"text": "d"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl line 3: malformed JSON"):
        docs([f])
    c = Corpus([str(f)], ReadOptions(skip_errors=True))
    assert [d.text for d in c] == ["a", "b", "d"]
    assert c.stats.skipped == 1


def test_missing_text_field(tmp_path):
    """A record without the text field names the field and the line."""
    f = write_jsonl(tmp_path / "c.jsonl", [{"text": "a"}, {"body": "b"}])
    with pytest.raises(InputError, match=r"c\.jsonl line 2: no 'text' field \(fields: body"):
        docs([f])


@pytest.mark.parametrize("content, message", [(b"", "empty file"), (b"\n\n  \n", "empty file"), (b"abc\x00def", "binary file")])
def test_empty_and_binary_files(tmp_path, content, message):
    """Empty and binary files are one clear error each."""
    f = tmp_path / "x.txt"
    f.write_bytes(content)
    with pytest.raises(InputError, match=message):
        docs([f])


def test_missing_path():
    """A path that does not exist is named."""
    with pytest.raises(InputError, match="no/such.txt: no such file or directory"):
        docs(["no/such.txt"])


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    """Latin-1 bytes are decoded with U+FFFD and counted per file, never fatal."""
    f = tmp_path / "latin.txt"
    f.write_bytes("Café crème, señor.".encode("latin-1"))
    c = Corpus([str(f)])
    (d,) = list(c)
    assert d.text == "Caf\ufffd cr\ufffdme, se\ufffdor."
    assert c.stats.replaced == {str(f): 3}
    assert "3 byte sequences not valid UTF-8" in c.stats.messages()[0]


def test_with_title_adds_the_title_as_first_sentence(tmp_path):
    """--with-title puts the title before the text."""
    f = write_jsonl(tmp_path / "c.jsonl", [{"title": "Head line", "text": "Body."}])
    (d,) = docs([f], with_title=True)
    assert d.text == "Head line\n\nBody."


def test_bundled_corpus_is_the_default():
    """No path at all reads the bundled KCNA December 2011 stories."""
    c = Corpus()
    first = next(iter(c))
    assert c.is_default and first.date == "2011-12-10" and first.id.startswith("kcna-2011-")
