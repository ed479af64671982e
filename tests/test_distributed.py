"""--engine dask gives the same bytes as the local engine (a 2-worker LocalCluster on loopback)."""

from __future__ import annotations

import json
import time

import pytest

from textkit import distributed
from textkit.corpus import Corpus

from .conftest import invoke, write_jsonl

pytest.importorskip("dask")
pytest.importorskip("distributed")

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster with 2 worker processes on 127.0.0.1, for the whole module."""
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=50)
    yield cluster.scheduler_address
    cluster.close()


def _both(runner, args, scheduler):
    local = invoke(runner, [*args, "--engine", "local", "-f", "json"])
    dask = invoke(runner, [*args, "--engine", "dask", "--scheduler", scheduler, "-f", "json"])
    assert local.exit_code == 0, local.stderr
    assert dask.exit_code == 0, dask.stderr
    return local.stdout, dask.stdout


COMMANDS = [
    ["info"],
    ["info", "--per-doc"],
    ["freq", "--top", "50"],
    ["freq", "--by", "day", "--top", "5"],
    ["trend", "-t", "kim jong il", "-t", "condolence*", "--by", "day"],
    ["keywords", "--top", "30"],
    ["compare", "--target", "day=2011-12-20", "--top", "30"],
    ["sentiment", "--by", "day"],
    ["score", "--lexicon", "state-media", "--by", "day"],
    ["phrases", "--top", "30"],
    ["collocations", "--top", "30"],
    ["tokenize", "--top", "3"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_supported_commands_equal_local_engine(runner, scheduler, args):
    """Each supported command on the bundled corpus prints identical JSON with both engines."""
    local, dask = _both(runner, args, scheduler)
    assert local == dask
    assert json.loads(local)


def test_report_equals_local_engine(runner, scheduler):
    """report's JSON (one pass, every section) is the same with both engines."""
    local, dask = _both(runner, ["report", "--top", "5"], scheduler)
    assert local == dask


def test_chunked_jsonl_keeps_ids_and_line_numbers(tmp_path, monkeypatch, runner, scheduler):
    """A JSONL file cut into line-aligned chunks gives the local engine's ids (stem:line) and error lines."""
    recs = [{"text": f"Document {i} speaks of friendship {i % 5}."} for i in range(400)]
    f = write_jsonl(tmp_path / "many.jsonl", recs)
    monkeypatch.setattr(distributed, "CHUNK_BYTES", 1500)
    parts = distributed.partitions([str(f)])
    assert len(parts) > 5
    assert parts[0].first_line == 1 and parts[1].first_line == 1 + f.read_bytes()[: parts[1].byte_range[0]].count(b"\n")
    docs = []
    for p in parts:
        docs.extend(Corpus([str(f)]).read_file(p.path, first_line=p.first_line, byte_range=p.byte_range))
    assert [d.id for d in docs] == [f"many:{i}" for i in range(1, 401)]
    # a broken line deep in the file is named with its real line number by either engine
    lines = f.read_text("utf-8").splitlines()
    lines[300] = '{"text": broken'
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(runner, ["info", str(f), "--engine", "dask", "--scheduler", scheduler])
    assert result.exit_code == 1
    assert "many.jsonl line 301: malformed JSON" in result.stderr


def test_unreachable_scheduler_fails_fast(runner):
    """Nothing listening: one clear line and exit 1 within 15 seconds."""
    start = time.monotonic()
    result = invoke(runner, ["info", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert time.monotonic() - start < 15
    assert result.exit_code == 1
    assert result.stderr.startswith("textkit: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert result.stderr.count("\n") == 1


def test_stdin_is_refused(runner, scheduler):
    """Standard input cannot be shipped to workers: a usage error says so."""
    result = invoke(runner, ["info", "-", "--engine", "dask", "--scheduler", scheduler], input="Hello.")
    assert result.exit_code == 2
    assert "standard input" in result.stderr


@pytest.mark.slow
def test_kcna_freq_equal_local_engine(runner, scheduler, kcna_2011, monkeypatch):
    """The acceptance check: freq over kcna-2011.jsonl is byte-identical, here with the file in 2 MB chunks."""
    monkeypatch.setattr(distributed, "CHUNK_BYTES", 2 * 2**20)
    local, dask = _both(runner, ["freq", str(kcna_2011), "--top", "0"], scheduler)
    assert local == dask


@pytest.fixture
def fragile_cluster():
    """A fresh 2-worker LocalCluster (workers will be killed), allowing one worker death per task."""
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=50)
        try:
            yield cluster.scheduler_address
        finally:
            cluster.close()


def _chunked_corpus(tmp_path, monkeypatch):
    recs = [{"id": f"d{i}", "text": f"Document {i} speaks of friendship and unity {i % 7}. It ends here."} for i in range(600)]
    f = write_jsonl(tmp_path / "many.jsonl", recs)
    monkeypatch.setattr(distributed, "CHUNK_BYTES", 4000)
    assert len(distributed.partitions([str(f)])) > 6
    return f


@pytest.mark.filterwarnings("ignore:Port .* is already in use")  # restarted workers' dashboards
def test_worker_dying_mid_run_is_retried_and_result_is_complete(tmp_path, monkeypatch, fragile_cluster):
    """A worker process that dies while counting one partition is replaced; the
    partition runs again elsewhere and the result equals the local engine's."""
    from textkit import engine
    from textkit.info import InfoTask
    from textkit.tokenize import AnalyzerOptions

    from .dask_faults import KillWorker

    f = _chunked_corpus(tmp_path, monkeypatch)
    marker = tmp_path / "died-once"
    tasks = (InfoTask(), KillWorker("d450", str(marker)))
    local = engine.run(Corpus([str(f)]), AnalyzerOptions(), (InfoTask(),), jobs=1)
    engine.configure("dask", fragile_cluster)
    try:
        info, n = engine.run(Corpus([str(f)]), AnalyzerOptions(), tasks)
    finally:
        engine.configure("local")
    assert marker.exists(), "the fault was not injected"
    assert info == local[0]
    assert n == 600


@pytest.mark.filterwarnings("ignore:Port .* is already in use")
def test_worker_dying_every_time_fails_cleanly(tmp_path, monkeypatch, fragile_cluster):
    """A partition that kills every worker it lands on ends the run with one clear
    error (no partial counts returned as if complete)."""
    from textkit import engine
    from textkit.errors import TextkitError
    from textkit.info import InfoTask
    from textkit.tokenize import AnalyzerOptions

    from .dask_faults import KillWorker

    f = _chunked_corpus(tmp_path, monkeypatch)
    marker = tmp_path / "died"
    tasks = (InfoTask(), KillWorker("d450", str(marker), always=True))
    engine.configure("dask", fragile_cluster)
    try:
        with pytest.raises(TextkitError) as err:
            engine.run(Corpus([str(f)]), AnalyzerOptions(), tasks)
    finally:
        engine.configure("local")
    assert marker.exists()
    message = str(err.value)
    assert message.startswith("the Dask run failed: every worker that ran partition ")
    assert "many.jsonl from line " in message and "KilledWorker" in message
    assert "no partial result was used" in message
    assert "\n" not in message
