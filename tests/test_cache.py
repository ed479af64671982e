"""The token cache and the engine around it: same bytes cold, warm, jobs 1 or 2; never trusted."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from array import array
from pathlib import Path

import pytest

from textkit import cache as tc
from textkit.corpus import Corpus, ReadOptions
from textkit.engine import Item, Task, run
from textkit.tokenize import Analyzer, AnalyzerOptions

from .conftest import invoke, write_jsonl


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A private cache directory for one test (TEXTKIT_CACHE_DIR)."""
    d = tmp_path / "cache"
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(d))
    monkeypatch.delenv("TEXTKIT_NO_CACHE", raising=False)
    return d


def entries(cache_dir: Path) -> list[Path]:
    d = cache_dir / "tokens"
    return sorted(d.glob("*.npz")) if d.exists() else []


def many_docs(path: Path, n: int = 700) -> Path:
    """n documents of 2 sentences and 6 tokens each ("Doc i says hello k. Bye."), dated by month."""
    return write_jsonl(path, [
        {"id": str(i), "date": f"2011-{i % 12 + 1:02d}-15", "source": "kcna" if i % 3 else "rs",
         "text": f"Doc {i} says hello {i % 7}. Bye."}
        for i in range(n)
    ])


@pytest.fixture
def no_tokenizing(monkeypatch):
    """Make any tokenization fail, to prove a run reads the cache."""
    def refuse(self, text):
        raise AssertionError("tokenized although the cache was warm")

    monkeypatch.setattr(Analyzer, "analyze", refuse)


def out(runner, args: list[str]) -> str:
    result = invoke(runner, args)
    assert result.exit_code == 0, result.output
    return result.stdout


# -- cold, warm, jobs ------------------------------------------------------------


def test_cold_warm_and_jobs_give_the_same_bytes(runner, tmp_path, cache_dir):
    """info and tokenize print identical bytes cold, warm, -j1, -j2 and with --no-cache (700 docs, 6 tokens each)."""
    f = many_docs(tmp_path / "c.jsonl")
    for cmd in (["info", str(f), "-f", "json"], ["tokenize", str(f), "--sentences", "-f", "jsonl"]):
        reference = out(runner, [*cmd, "--no-cache", "-j", "1"])
        cold = out(runner, [*cmd, "-j", "1"]) if cmd[0] == "info" else out(runner, [*cmd, "-j", "2"])
        warm1 = out(runner, [*cmd, "-j", "1"])
        warm2 = out(runner, [*cmd, "-j", "2"])
        assert cold == warm1 == warm2 == reference
    (row,) = json.loads(out(runner, ["info", str(f), "-f", "json"]))
    assert (row["documents"], row["sentences"], row["tokens"]) == (700, 1400, 4200)
    assert len(entries(cache_dir)) == 1


def test_warm_run_does_not_tokenize(runner, tmp_path, cache_dir, monkeypatch):
    """After one run, a second run of another command builds every item from the cache."""
    f = many_docs(tmp_path / "c.jsonl")
    cold = out(runner, ["tokenize", str(f), "-j", "1", "-f", "jsonl"])
    def refuse(self, text):
        raise AssertionError("tokenized although the cache was warm")
    monkeypatch.setattr(Analyzer, "analyze", refuse)
    assert out(runner, ["tokenize", str(f), "-j", "1", "-f", "jsonl"]) == cold
    (row,) = json.loads(out(runner, ["info", str(f), "-j", "1", "-f", "json"]))
    assert row["tokens"] == 4200


def test_freq_cold_warm_jobs_identical(runner, tmp_path, cache_dir):
    """freq -f json: --no-cache -j1, cold -j2, warm -j1 and warm -j2 print the same bytes."""
    f = many_docs(tmp_path / "c.jsonl")
    args = ["freq", str(f), "-f", "json"]
    reference = out(runner, [*args, "--no-cache", "-j", "1"])
    assert out(runner, [*args, "-j", "2"]) == reference
    assert out(runner, [*args, "-j", "1"]) == reference
    assert out(runner, [*args, "-j", "2"]) == reference
    rows = json.loads(reference)
    assert {r["term"]: r["count"] for r in rows}["hello"] == 700


def test_kwic_offsets_from_cache(runner, tmp_path, cache_dir, monkeypatch):
    """kwic contexts (cut from the text by cached character offsets) equal a fresh run's."""
    f = many_docs(tmp_path / "c.jsonl")
    args = ["kwic", "hello", str(f), "-f", "json", "-j", "1"]
    fresh = out(runner, [*args, "--no-cache"])
    out(runner, args)
    def refuse(self, text):
        raise AssertionError("tokenized although the cache was warm")
    monkeypatch.setattr(Analyzer, "analyze", refuse)
    warm = out(runner, args)
    assert warm == fresh
    rows = json.loads(warm)
    assert len(rows) == 700 and rows[0]["match"] == "hello"


class BatchShape(Task):
    """Partials are the batches' (first index, documents, selected ids): they show the boundaries."""

    def map(self, items: list[Item], analyzer):
        return [(items[0].index if items else None, len(items), [it.doc.id for it in items])]

    def merge(self, left, right):
        return left + right


def test_batches_do_not_depend_on_cache_jobs_or_selection(tmp_path, cache_dir):
    """Batch boundaries are cut over all records (256 a batch), whether cold, warm, -j1 or -j2."""
    f = many_docs(tmp_path / "c.jsonl")
    opts = AnalyzerOptions()
    def shape(**kw):
        jobs = kw.pop("jobs")
        return run(Corpus([str(f)], ReadOptions(**kw)), opts, [BatchShape()], jobs=jobs)[0]
    fresh = shape(jobs=1, cache=False, where=(("source", "rs"),))
    assert [(a, n) for a, n, _ in fresh] == [(0, 86), (86, 85), (171, 63)]  # ids 0, 3, 6 … 699 cut at 256 and 512
    assert shape(jobs=2, where=(("source", "rs"),)) == fresh  # cold
    assert shape(jobs=1, where=(("source", "rs"),)) == fresh  # warm
    assert shape(jobs=2, where=(("source", "rs"),)) == fresh
    assert [(a, n) for a, n, _ in shape(jobs=2)] == [(0, 256), (256, 256), (512, 188)]


def test_stopping_early_does_not_hang(tmp_path):
    """A consumer that takes one batch of a -j 2 stream and stops (kwic, --top, | head) ends promptly, cold and warm."""
    f = many_docs(tmp_path / "c.jsonl", 3000)
    code = (
        "import itertools, sys\n"
        "from textkit.corpus import Corpus\n"
        "from textkit.info import tokenized_documents\n"
        "assert len(list(tokenized_documents(Corpus([sys.argv[1]]), jobs=2))) == 3000\n"
        "for i in range(8):\n"
        "    rows = tokenized_documents(Corpus([sys.argv[1]]), jobs=2)\n"
        "    first = list(itertools.islice(rows, 300))\n"
        "    rows.close()\n"
        "    assert first[299]['tokens'] == ['doc', '299', 'says', 'hello', '5', 'bye'], first[299]\n"
        "print('ok')\n"
    )
    env = {**os.environ, "TEXTKIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


# -- selection, read statistics ------------------------------------------------------


def test_selection_reuses_one_entry(runner, tmp_path, cache_dir, monkeypatch):
    """A cold run with --since stores every record; later runs with any selection read that entry."""
    f = many_docs(tmp_path / "c.jsonl")
    sel = ["info", str(f), "-f", "json", "-j", "1", "--since", "2011-11-01"]
    fresh = out(runner, [*sel, "--no-cache"])
    assert out(runner, sel) == fresh
    assert json.loads(fresh)[0]["documents"] == 116  # i % 12 in (10, 11): 58 + 58
    def refuse(self, text):
        raise AssertionError("tokenized although the cache was warm")
    monkeypatch.setattr(Analyzer, "analyze", refuse)
    assert out(runner, sel) == fresh
    (row,) = json.loads(out(runner, ["info", str(f), "-f", "json", "-j", "1", "--where", "source=rs"]))
    assert row["documents"] == 234  # i % 3 == 0 for i < 700
    assert len(entries(cache_dir)) == 1


def test_skipped_records_are_not_cached(runner, tmp_path, cache_dir):
    """A file with a bad record is read afresh each time: same warning, same counts, no entry."""
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "a b"}\n{"text": \n{"text": "c"}\n', encoding="utf-8")
    for _ in range(2):
        result = invoke(runner, ["info", str(f), "--skip-errors", "-f", "json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout)[0]["tokens"] == 3
        assert "skipped 1 bad record" in result.stderr
    assert entries(cache_dir) == []
    result = invoke(runner, ["info", str(f)])
    assert result.exit_code == 1 and "bad.jsonl line 2" in result.stderr


def test_warnings_come_back_from_the_cache(runner, tmp_path, cache_dir):
    """Replaced bytes and unparsable dates are reported again by a warm run, with the same counts."""
    f = tmp_path / "latin.jsonl"
    f.write_bytes(b'{"text": "Caf\xe9 au lait.", "date": "someday"}\n{"text": "Tea \xff\xfe.", "date": "2011-01-02"}\n')
    runs = [invoke(runner, ["info", str(f), "-f", "json"]) for _ in range(2)]
    assert len(entries(cache_dir)) == 1
    for result in runs:
        assert result.exit_code == 0
        assert "latin.jsonl: 3 byte sequences not valid UTF-8" in result.stderr  # \xe9, \xff, \xfe
        assert "1 document had a date that could not be parsed" in result.stderr
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[1].stdout)[0]["date_min"] == "2011-01-02"


def test_unusual_text_round_trips(runner, tmp_path, cache_dir, monkeypatch):
    """Non-ASCII text, a lone surrogate, metadata of every JSON type and titles come back from the cache unchanged."""
    f = tmp_path / "odd.jsonl"
    lines = [
        r'{"id": 7, "title": "Juche \u4e3b\u4f53", "date": "March 1, 2024", "text": "Pyongyang \u2014 \u201cJuche\u201d \u4e3b\u4f53 idea.\n\nNext \ud800 para.", "n": 1.5, "tags": ["a", {"b": null}], "ok": true}',
        '{"text": "  spaced   text  ", "date": ""}',
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["tokenize", str(f), "-f", "jsonl", "--with-title", "-j", "1"]
    fresh = out(runner, [*args, "--no-cache"])
    assert out(runner, args) == fresh
    def refuse(self, text):
        raise AssertionError("tokenized although the cache was warm")
    monkeypatch.setattr(Analyzer, "analyze", refuse)
    assert out(runner, args) == fresh
    docs = []
    class Collect(Task):
        def map(self, items, analyzer):
            return [it.doc for it in items]
        def merge(self, left, right):
            return left + right
    (docs,) = run(Corpus([str(f)], ReadOptions(with_title=True)), AnalyzerOptions(), [Collect()], jobs=1)
    assert docs[0].text == "Juche \u4e3b\u4f53\n\nPyongyang \u2014 \u201cJuche\u201d \u4e3b\u4f53 idea.\n\nNext \ud800 para."
    assert (docs[0].id, docs[0].date, docs[0].line, docs[0].origin) == ("7", "2024-03-01", 1, str(f))
    assert docs[0].meta == {"n": 1.5, "tags": ["a", {"b": None}], "ok": True}
    assert (docs[1].id, docs[1].text, docs[1].date, docs[1].line) == ("odd:2", "  spaced   text  ", None, 2)


# -- invalidation and damage ------------------------------------------------------


def test_appending_a_line_invalidates(runner, tmp_path, cache_dir):
    """An appended document is counted at once; the entry is replaced, not duplicated."""
    f = many_docs(tmp_path / "c.jsonl")
    out(runner, ["info", str(f), "-f", "json"])
    with f.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "new", "text": "One more story here."}) + "\n")
    (row,) = json.loads(out(runner, ["info", str(f), "-f", "json"]))
    assert (row["documents"], row["tokens"]) == (701, 4204)
    assert len(entries(cache_dir)) == 1
    header = json.loads(zipfile.ZipFile(entries(cache_dir)[0]).read("header.json"))
    assert header["documents"] == 701 and header["size"] == f.stat().st_size


def test_same_size_same_time_change_is_caught_by_the_hash(runner, tmp_path, cache_dir):
    """A change that keeps size and modification time is caught by the SHA-256 of the content."""
    f = tmp_path / "c.jsonl"
    f.write_text('{"text": "alpha beta"}\n', encoding="utf-8")
    st = f.stat()
    assert json.loads(out(runner, ["tokenize", str(f), "-f", "json"]))[0]["tokens"] == ["alpha", "beta"]
    f.write_text('{"text": "gamma delt"}\n', encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    assert json.loads(out(runner, ["tokenize", str(f), "-f", "json"]))[0]["tokens"] == ["gamma", "delt"]


def test_truncated_entry_is_rebuilt_with_a_note(runner, tmp_path, cache_dir):
    """A truncated entry gives one note, the same output and exit 0; the next run is warm and silent."""
    f = many_docs(tmp_path / "c.jsonl")
    args = ["info", str(f), "-f", "json"]
    first = out(runner, args)
    (entry,) = entries(cache_dir)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    result = invoke(runner, args)
    assert result.exit_code == 0 and result.stdout == first
    assert "textkit: note: cache entry for" in result.stderr and "rebuilding" in result.stderr
    result = invoke(runner, args)
    assert result.stdout == first and result.stderr == ""
    assert zipfile.ZipFile(entry).testzip() is None


@pytest.mark.parametrize("jobs, select", [("1", []), ("2", []), ("1", ["--where", "source=rs"]), ("2", ["--since", "2011-06-01"])])
def test_corrupt_chunk_falls_back_to_tokenizing(runner, tmp_path, cache_dir, jobs, select):
    """Garbage inside a chunk (CRC mismatch) gives a note and the same output, in-process or in a worker; the next run rebuilds."""
    f = many_docs(tmp_path / "c.jsonl")
    args = ["tokenize", str(f), "-f", "jsonl", "-j", jobs, *select]
    first = out(runner, [*args, "--no-cache"])
    assert out(runner, args) == first
    (entry,) = entries(cache_dir)
    with zipfile.ZipFile(entry) as zf:
        info = zf.getinfo("c00001.text.txt")
    data = bytearray(entry.read_bytes())
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len + 10
    data[start : start + 8] = b"XXXXXXXX"
    entry.write_bytes(bytes(data))
    result = invoke(runner, args)
    assert result.exit_code == 0 and result.stdout == first
    assert "cache entry for" in result.stderr and "tokenizing it afresh" in result.stderr
    result = invoke(runner, args)
    assert result.stdout == first and result.stderr == ""
    assert len(entries(cache_dir)) == 1


def test_entry_from_another_version_is_ignored(runner, tmp_path, cache_dir, monkeypatch):
    """An entry whose code fingerprint differs is not read: the file is tokenized and the entry replaced."""
    f = many_docs(tmp_path / "c.jsonl", 10)
    first = out(runner, ["tokenize", str(f), "-f", "json"])
    (entry,) = entries(cache_dir)
    with zipfile.ZipFile(entry) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    header = json.loads(members["header.json"])
    current = header["key"]["code"]
    header["key"]["code"] = "0" * 32
    members["header.json"] = json.dumps(header).encode()
    members["c00000.vocab.json"] = json.dumps(["poison"] * 100).encode()
    with zipfile.ZipFile(entry, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert out(runner, ["tokenize", str(f), "-f", "json"]) == first
    header = json.loads(zipfile.ZipFile(entry).read("header.json"))
    assert header["key"]["code"] == current


def test_unwritable_cache_dir_is_not_fatal(runner, tmp_path, monkeypatch):
    """A cache directory that cannot be created gives a note and the right output."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("TEXTKIT_CACHE_DIR", str(blocker))
    f = many_docs(tmp_path / "c.jsonl", 5)
    result = invoke(runner, ["info", str(f), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["tokens"] == 30
    assert "cannot write the token cache" in result.stderr


# -- bypassing the cache ------------------------------------------------------------


def test_no_cache_writes_nothing(runner, tmp_path, cache_dir, monkeypatch):
    """--no-cache, TEXTKIT_NO_CACHE=1 and standard input leave the cache empty."""
    f = many_docs(tmp_path / "c.jsonl", 5)
    out(runner, ["info", str(f), "--no-cache", "-f", "json"])
    assert not cache_dir.exists()
    result = invoke(runner, ["info", "-", "-f", "json"], input="Hello world.")
    assert json.loads(result.stdout)[0]["tokens"] == 2 and not cache_dir.exists()
    monkeypatch.setenv("TEXTKIT_NO_CACHE", "1")
    out(runner, ["info", str(f), "-f", "json"])
    assert not cache_dir.exists()
    monkeypatch.setenv("TEXTKIT_NO_CACHE", "0")
    out(runner, ["info", str(f), "-f", "json"])
    assert len(entries(cache_dir)) == 1


def test_tokenizer_options_get_their_own_entry(runner, tmp_path, cache_dir):
    """Options that change the token stream make a second entry; stop words (listing only) do not."""
    f = tmp_path / "c.jsonl"
    write_jsonl(f, [{"text": "Kim Jong Un met the Workers' Party delegation."}])
    out(runner, ["tokenize", str(f), "-f", "json"])
    out(runner, ["tokenize", str(f), "-f", "json", "--stopwords", "english"])
    assert len(entries(cache_dir)) == 1
    (row,) = json.loads(out(runner, ["tokenize", str(f), "-f", "json", "--compound", "kim jong un"]))
    assert row["tokens"][0] == "kim jong un"
    (row,) = json.loads(out(runner, ["tokenize", str(f), "-f", "json", "--compound", "kim jong un"]))
    assert row["tokens"] == ["kim jong un", "met", "the", "workers", "party", "delegation"]
    assert len(entries(cache_dir)) == 2


# -- textkit cache ------------------------------------------------------------------------


def test_cache_info_and_clear(runner, tmp_path, cache_dir):
    """cache info counts the entry (700 documents, 4200 tokens); clear removes it and says so."""
    f = many_docs(tmp_path / "c.jsonl")
    out(runner, ["info", str(f), "-f", "json"])
    (info,) = json.loads(out(runner, ["cache", "info", "-f", "json"]))
    assert info["path"] == str(cache_dir / "tokens")
    assert (info["entries"], info["sources"], info["documents"], info["tokens"]) == (1, 1, 700, 4200)
    assert info["bytes"] == entries(cache_dir)[0].stat().st_size
    (row,) = json.loads(out(runner, ["cache", "info", "--entries", "-f", "json"]))
    assert row["source"] == str(f) and row["size"] == f.stat().st_size
    assert (row["documents"], row["tokens"], row["types"]) == (700, 4200, 704)  # doc, says, hello, bye and the numbers 0 … 699
    assert row["status"] == "current" and row["options"] == "lowercase"
    f.write_text('{"text": "changed"}\n', encoding="utf-8")
    assert json.loads(out(runner, ["cache", "info", "--entries", "-f", "json"]))[0]["status"] == "stale"
    (cleared,) = json.loads(out(runner, ["cache", "clear", "--stale", "-f", "json"]))
    assert cleared["removed"] == 1 and cleared["bytes"] == info["bytes"]
    out(runner, ["info", str(f), "-f", "json"])
    (cleared,) = json.loads(out(runner, ["cache", "clear", "-f", "json"]))
    assert cleared["removed"] == 1
    (info,) = json.loads(out(runner, ["cache", "info", "-f", "json"]))
    assert (info["entries"], info["bytes"]) == (0, 0)


def test_cache_info_formats(runner, tmp_path, cache_dir):
    """cache info gives the same row in csv as in json, and a table."""
    f = many_docs(tmp_path / "c.jsonl", 3)
    out(runner, ["info", str(f), "-f", "json"])
    as_json = json.loads(out(runner, ["cache", "info", "-f", "json"]))
    csv_lines = out(runner, ["cache", "info", "-f", "csv"]).splitlines()
    assert csv_lines[0] == ",".join(tc.CACHE_INFO_COLUMNS)
    assert csv_lines[1].split(",") == [str(as_json[0][c]) for c in tc.CACHE_INFO_COLUMNS]
    assert "entries" in out(runner, ["cache", "info", "-f", "table"])


# -- the format ----------------------------------------------------------------------------


def test_npy_members_are_numpy_files():
    """npy_bytes writes exactly what numpy.save writes, and npy_array reads numpy's files back."""
    np = pytest.importorskip("numpy")
    import io

    for values, dtype, code in ((array("q", [0, -5, 2**40]), np.int64, "q"), (array("I", [0, 7, 2**32 - 1]), np.uint32, "I")):
        buf = io.BytesIO()
        np.save(buf, np.array(list(values), dtype=dtype), allow_pickle=False)
        assert tc.npy_bytes(values) == buf.getvalue()
        assert tc.npy_array(buf.getvalue(), code) == values
    with pytest.raises(tc.CacheError):
        tc.npy_array(b"\x93NUMPY\x01\x00" + b"\x00" * 10, "q")
    with pytest.raises(tc.CacheError):
        tc.npy_array(tc.npy_bytes(array("q", [1, 2]))[:-3], "q")


def test_entry_opens_with_numpy_without_pickle(tmp_path, cache_dir):
    """numpy.load(allow_pickle=False) reads an entry: token ids index the chunk vocabulary, offsets find the words."""
    np = pytest.importorskip("numpy")
    f = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": "Red flag. Red star!"}, {"id": "b", "text": "Blue sky."}])
    run(Corpus([str(f)]), AnalyzerOptions(), [BatchShape()], jobs=1)
    (entry,) = entries(cache_dir)
    with np.load(entry, allow_pickle=False) as npz:
        vocab = json.loads(npz["c00000.vocab.json"])
        assert [vocab[i] for i in npz["c00000.ids"]] == ["red", "flag", "red", "star", "blue", "sky"]
        # ntok 4, 2 | nsent 2, 1 | sentence ends 2, 4 | 2 | token offsets | sentence spans
        assert npz["c00000.ints"].tolist() == [4, 2, 2, 1, 2, 4, 2, 0, 3, 4, 8, 10, 13, 14, 18, 0, 4, 5, 8, 0, 9, 10, 19, 0, 9]
        assert npz["nchar"].tolist() == [19, 9]
        assert json.loads(npz["c00000.docs.json"]) == [["a", None, None, 1, {}, 19], ["b", None, None, 2, {}, 9]]
    header = json.loads(zipfile.ZipFile(entry).read("header.json"))
    assert (header["documents"], header["tokens"], header["types"], header["chunks"]) == (2, 6, 5, [2])


def test_tokblock_round_trip_is_exact():
    """A block stored and read back gives each document's TokenizedText exactly, compounds and empty texts included."""
    analyzer = Analyzer(AnalyzerOptions(compounds=("kim jong un",), lowercase=False))
    texts = ["", "Kim Jong Un's visit. The U.S. and D.P.R.K. met on Jan. 5.\n\nNew paragraph 1,000 times.", "!!!", "Workers' Party"]
    toks = [analyzer.analyze(t) for t in texts]
    block = tc.TokBlock.from_tokenized(toks)
    back = tc.TokBlock.from_members(block.members().__getitem__, len(toks))
    for i, tok in enumerate(toks):
        got = back.tokenized(i)
        assert got == tok
        assert (got.bounds.typecode, got.offsets.typecode, got.sent_spans.typecode) == ("l", "l", "l")
    assert back.tokenized(1).tokens[:3] == ["kim jong un", "visit", "The"]  # a compound is spelled as given
    part = back.slice(1, 3)
    assert len(part) == 2 and part.tokenized(0) == toks[1] and part.tokenized(1) == toks[2]


def test_inconsistent_block_is_rejected():
    """A chunk whose columns do not fit together raises CacheError (it is never trusted)."""
    analyzer = Analyzer()
    block = tc.TokBlock.from_tokenized([analyzer.analyze("One two. Three.")])
    members = block.members()
    assert tc.TokBlock.from_members(members.__getitem__, 1).tokenized(0).tokens == ["one", "two", "three"]
    ints = tc.npy_array(members["ints.npy"], "l")
    ints[0] = 4  # four tokens claimed, three stored
    members["ints.npy"] = tc.npy_bytes(ints)
    with pytest.raises(tc.CacheError):
        tc.TokBlock.from_members(members.__getitem__, 1)
    members = block.members()
    with pytest.raises(tc.CacheError):
        tc.TokBlock.from_members(members.__getitem__, 2)
    members["vocab.json"] = b"[1, 2, 3]"
    with pytest.raises(tc.CacheError):
        tc.TokBlock.from_members(members.__getitem__, 1)


def test_warm_run_needs_neither_numpy_nor_the_sentence_model(tmp_path):
    """A warm `textkit info` imports no numpy and no punkt (the cache is read with the standard library)."""
    f = many_docs(tmp_path / "c.jsonl", 50)
    env = {**os.environ, "TEXTKIT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-X", "importtime", "-m", "textkit", "info", str(f), "-f", "json", "-j", "1"]
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert cold.returncode == warm.returncode == 0 and cold.stdout == warm.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in warm.stderr.splitlines() if line.startswith("import time:")}
    assert "punkt" in {line.split("|")[-1].strip() for line in cold.stderr.splitlines() if "|" in line}
    assert not imported & {"numpy", "punkt", "nltk", "scipy", "sklearn"}


# -- the shared corpus ----------------------------------------------------------------------


@pytest.mark.slow
def test_kcna_2011_freq_jobs_and_cache(kcna_2011, tmp_path):
    """Acceptance: freq on kcna-2011.jsonl prints the same bytes -j1 and -j2, cold and warm."""
    env = {**os.environ, "TEXTKIT_CACHE_DIR": str(tmp_path / "cache")}
    def freq(*extra):
        proc = subprocess.run([sys.executable, "-m", "textkit", "freq", str(kcna_2011), "--format", "json", *extra],
                              capture_output=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    cold = freq("--jobs", "2")
    assert freq("--jobs", "1") == cold
    assert freq("--jobs", "2") == cold
    (info,) = json.loads(subprocess.run([sys.executable, "-m", "textkit", "info", str(kcna_2011), "-f", "json"],
                                        capture_output=True, env=env, timeout=600).stdout)
    assert info["documents"] == 10435
    assert sum(r["count"] for r in json.loads(cold)) == info["tokens"]  # no stop words: every token is listed


@pytest.mark.parametrize("command", [["info"], ["freq", "--top", "20"], ["keywords", "--top", "20"]])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ids_outside_the_vocabulary_fall_back_to_tokenizing(runner, tmp_path, cache_dir, command, jobs):
    """A chunk whose (intact, CRC-valid) ids point past its vocabulary is not trusted by the
    columnar path either: a note, the same output, and the next run rebuilds."""
    f = many_docs(tmp_path / "c.jsonl")
    args = [command[0], str(f), *command[1:], "-f", "json", "-j", jobs]
    first = out(runner, [*args, "--no-cache"])
    assert out(runner, args) == first
    (entry,) = entries(cache_dir)
    with zipfile.ZipFile(entry) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    members["c00001.vocab.json"] = json.dumps(json.loads(members["c00001.vocab.json"])[:2]).encode("ascii")
    with zipfile.ZipFile(entry, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    result = invoke(runner, args)
    assert result.exit_code == 0 and result.stdout == first
    assert "cache entry for" in result.stderr
    result = invoke(runner, args)
    assert result.stdout == first and result.stderr == ""
