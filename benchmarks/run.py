#!/usr/bin/env python3
"""textkit's benchmark: every command against a plain baseline, timed in the same run.

    python benchmarks/run.py            # onefold, tenfold (all cores) and headlines (about 13 minutes; 20 with --dask)
    python benchmarks/run.py --quick    # the onefold corpus only
    python benchmarks/run.py --markdown results.md   # also write the tables as Markdown

Every figure is a whole-process wall time, as a user meets it: a fresh Python
process runs the textkit command (via ``python -m textkit``) or a baseline
script that imports the baseline library, reads the same JSONL file and runs
it. Peak memory is the largest resident set size of the process *tree*
(workers included), sampled every 20 ms with psutil. Each textkit figure is
reported as a ratio to its baseline from the same run, so the comparison
holds on a noisy machine.

Cold runs start with an empty token cache (``TEXTKIT_CACHE_DIR`` pointing at a
fresh directory, which the run then fills); warm runs use the cache the cold
run left. ``--jobs 1`` runs in-process; ``--jobs N`` uses all cores.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
KCNA = SHARED / "kcna-2011.jsonl"
HEADLINES = SHARED / "kcna-headlines-1997-2014.jsonl"
PY = sys.executable

# Baselines: small scripts run in a fresh process. {corpus} is the JSONL file,
# {sentences} a JSONL of token lists per sentence (textkit's own sentences and
# tokens, so NLTK sees exactly the same tokens), {sentence_texts} one sentence
# text per line (textkit's sentence splitter), for VADER.
READ_TEXTS = "import json\ntexts = [json.loads(l)['text'] for l in open({corpus!r}, encoding='utf-8') if l.strip()]\n"
BASELINES = {
    "startup": "import click, rich\n",
    "countvectorizer": "from sklearn.feature_extraction.text import CountVectorizer\n" + READ_TEXTS
    + "CountVectorizer().fit_transform(texts)\n",
    "countvectorizer_1_3": "from sklearn.feature_extraction.text import CountVectorizer\n" + READ_TEXTS
    + "CountVectorizer(ngram_range=(1, 3)).fit_transform(texts)\n",
    "tfidfvectorizer": "from sklearn.feature_extraction.text import TfidfVectorizer\n" + READ_TEXTS
    + "TfidfVectorizer().fit_transform(texts)\n",
    "nltk_bigram_llr": "import json\nfrom nltk.collocations import BigramCollocationFinder\n"
    "from nltk.metrics import BigramAssocMeasures\n"
    "sents = [json.loads(l) for l in open({sentences!r}, encoding='utf-8')]\n"
    "f = BigramCollocationFinder.from_documents(sents)\nf.apply_freq_filter(5)\n"
    "f.score_ngrams(BigramAssocMeasures.likelihood_ratio)\n",
    "nltk_trigram_llr": "import json\nfrom nltk.collocations import TrigramCollocationFinder\n"
    "from nltk.metrics import TrigramAssocMeasures\n"
    "sents = [json.loads(l) for l in open({sentences!r}, encoding='utf-8')]\n"
    "f = TrigramCollocationFinder.from_documents(sents)\nf.apply_freq_filter(5)\n"
    "f.score_ngrams(TrigramAssocMeasures.likelihood_ratio)\n",
    "vadersentiment": "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer\n"
    "a = SentimentIntensityAnalyzer()\n"
    "for line in open({sentence_texts!r}, encoding='utf-8'):\n    a.polarity_scores(line.rstrip('\\n'))\n",
}

# textkit commands: (name, args after the corpus, baseline it is compared with).
COMMANDS = [
    ("info", ["info"], "countvectorizer"),
    ("freq", ["freq"], "countvectorizer"),
    ("freq --ngram 3", ["freq", "--ngram", "3"], "countvectorizer_1_3"),
    ("trend", ["trend", "-t", "kim jong un", "-t", "kim jong il", "--by", "month"], "countvectorizer"),
    ("keywords", ["keywords"], "tfidfvectorizer"),
    ("compare (H1 vs H2)", ["compare", "--target-since", "2011-01-01", "--target-until", "2011-06-30"], "countvectorizer"),
    ("phrases", ["phrases"], "countvectorizer_1_3"),
    ("collocations --size 2 llr", ["collocations", "--size", "2", "--measure", "llr"], "nltk_bigram_llr"),
    ("collocations --size 3 llr", ["collocations", "--size", "3", "--measure", "llr"], "nltk_trigram_llr"),
    ("kwic kim jong il", ["kwic", "kim jong il"], "countvectorizer"),
    ("sentiment --unit sentence", ["sentiment", "--unit", "sentence"], "vadersentiment"),
    ("sentiment (documents)", ["sentiment"], "vadersentiment"),
    ("readability", ["readability"], "countvectorizer"),
    ("score state-media", ["score", "--lexicon", "state-media"], "countvectorizer"),
    ("report", ["report"], "countvectorizer"),
]
TENFOLD_COMMANDS = {"info", "freq", "trend", "keywords", "compare (H1 vs H2)", "phrases", "collocations --size 3 llr", "score state-media"}
HEADLINE_COMMANDS = {"info", "freq", "keywords", "phrases", "collocations --size 2 llr", "trend"}


def measure(argv: list[str], env: dict | None = None, stdout=subprocess.DEVNULL, timeout: float = 1800) -> dict:
    """Wall time, exit code and peak RSS of the whole process tree of ``argv``."""
    import psutil

    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=full_env)
    peak = 0
    try:
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            if time.perf_counter() - start > timeout:
                proc.kill()
                break
            time.sleep(0.02)
    finally:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    return {"seconds": round(wall, 3), "peak_mb": round(peak / 2**20, 1), "rc": proc.returncode,
            "stderr": err.decode("utf-8", "replace")[-400:] if proc.returncode else ""}


def run_baseline(name: str, files: dict) -> dict:
    code = BASELINES[name].format(**{k: str(v) for k, v in files.items()})
    return measure([PY, "-c", code])


def textkit_available(command: str) -> bool:
    proc = subprocess.run([PY, "-m", "textkit", command, "--help"], capture_output=True)
    return proc.returncode == 0


def prepare(corpus: Path, workdir: Path) -> dict:
    """Textkit's sentences of the corpus for the NLTK and VADER baselines (not timed)."""
    sentences = workdir / f"{corpus.stem}.sentences.jsonl"
    texts = workdir / f"{corpus.stem}.sentence-texts.txt"
    code = (
        "import json, sys\n"
        "from textkit.corpus import Corpus\n"
        "from textkit.tokenize import Analyzer\n"
        "a = Analyzer()\n"
        f"with open({str(sentences)!r}, 'w', encoding='utf-8') as s, open({str(texts)!r}, 'w', encoding='utf-8') as t:\n"
        f"    for doc in Corpus([{str(corpus)!r}]):\n"
        "        tt = a.analyze(doc.text)\n"
        "        for i, sent in enumerate(tt.sentences()):\n"
        "            s.write(json.dumps(sent) + '\\n')\n"
        "            t.write(' '.join(tt.sentence_text(doc.text, i).split()) + '\\n')\n"
    )
    subprocess.run([PY, "-c", code], check=True)
    return {"corpus": corpus, "sentences": sentences, "sentence_texts": texts}


def tenfold(workdir: Path) -> Path:
    out = workdir / "kcna-2011-x10.jsonl"
    with open(out, "wb") as fh:
        data = KCNA.read_bytes()
        for _ in range(10):
            fh.write(data)
    return out


def bench_corpus(label: str, corpus: Path, workdir: Path, commands: list, jobs_all: int, results: list, log,
                 jobs_list: list[int] | None = None) -> None:
    files = prepare(corpus, workdir)
    size_mb = corpus.stat().st_size / 1e6
    needed = sorted({b for _, _, b in commands} | {"startup"})
    base: dict[str, dict] = {}
    for name in needed:
        base[name] = run_baseline(name, files)
        log(f"[{label}] baseline {name}: {base[name]['seconds']:.2f} s, {base[name]['peak_mb']} MB")
        results.append({"corpus": label, "kind": "baseline", "name": name, "size_mb": size_mb, **base[name]})
    for name, args, baseline in commands:
        if not textkit_available(args[0]):
            log(f"[{label}] {name}: command not available, skipped")
            continue
        for jobs in jobs_list or sorted({1, jobs_all}):
            cache_dir = Path(tempfile.mkdtemp(prefix="tk-cache-", dir=workdir))
            for state in ("cold", "warm"):
                k = 2 if args[0] == "kwic" else 1  # kwic takes its PATTERN before the paths
                argv = [PY, "-m", "textkit", *args[:k], str(corpus), *args[k:], "--format", "json", "--jobs", str(jobs)]
                r = measure(argv, env={"TEXTKIT_CACHE_DIR": str(cache_dir)})
                ratio = r["seconds"] / base[baseline]["seconds"] if base[baseline]["seconds"] else None
                row = {"corpus": label, "kind": "textkit", "name": name, "jobs": jobs, "cache": state,
                       "size_mb": size_mb, "mb_per_s": round(size_mb / r["seconds"], 2) if r["seconds"] else None,
                       "baseline": baseline, "ratio": round(ratio, 3) if ratio else None, **r}
                results.append(row)
                log(f"[{label}] {name} jobs={jobs} {state}: {r['seconds']:.2f} s ({row['ratio']}x {baseline}), "
                    f"{r['peak_mb']} MB" + (f" FAILED rc={r['rc']}: {r['stderr']}" if r["rc"] else ""))
            shutil.rmtree(cache_dir, ignore_errors=True)
    # start-up
    if label == "kcna-2011":
        r = measure([PY, "-m", "textkit", "--help"])
        results.append({"corpus": "-", "kind": "textkit", "name": "--help", "jobs": 1, "cache": "-", "size_mb": 0,
                        "baseline": "startup", "ratio": round(r["seconds"] / base["startup"]["seconds"], 3), **r})
        log(f"textkit --help: {r['seconds']:.2f} s ({results[-1]['ratio']}x import click, rich)")


DASK_CLUSTER = (
    "import sys\n"
    "from dask.distributed import LocalCluster\n"
    "c = LocalCluster(n_workers={k}, threads_per_worker=1, processes=True, host='127.0.0.1', dashboard_address=None)\n"
    "print(c.scheduler_address, flush=True)\n"
    "sys.stdin.read()\n"
    "c.close()\n"
)
DASK_COMMANDS = [("freq", ["freq"]), ("keywords", ["keywords"]), ("sentiment (documents)", ["sentiment"])]


def bench_dask(label: str, corpus: Path, results: list, log) -> None:
    """--engine dask with 1 and 2 workers against --engine local (cold, no cache), same corpus."""
    size_mb = corpus.stat().st_size / 1e6
    for name, args in DASK_COMMANDS:
        base = measure([PY, "-m", "textkit", args[0], str(corpus), *args[1:], "--format", "json", "--no-cache"])
        results.append({"corpus": label, "kind": "textkit", "name": f"{name} (local, no cache)", "jobs": 0, "cache": "none",
                        "size_mb": size_mb, "mb_per_s": round(size_mb / base["seconds"], 2), "baseline": "-", "ratio": None, **base})
        log(f"[{label}] {name} local --no-cache: {base['seconds']:.2f} s")
        for k in (1, 2):
            proc = subprocess.Popen([PY, "-c", DASK_CLUSTER.format(k=k)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
            address = proc.stdout.readline().strip()
            try:
                r = measure([PY, "-m", "textkit", args[0], str(corpus), *args[1:], "--format", "json",
                             "--engine", "dask", "--scheduler", address])
            finally:
                proc.stdin.close()
                proc.wait(timeout=60)
            ratio = round(r["seconds"] / base["seconds"], 3)
            results.append({"corpus": label, "kind": "textkit", "name": f"{name} (dask, {k} worker{'s' if k > 1 else ''})",
                            "jobs": k, "cache": "none", "size_mb": size_mb, "mb_per_s": round(size_mb / r["seconds"], 2),
                            "baseline": "local --no-cache", "ratio": ratio, **r})
            log(f"[{label}] {name} dask {k} workers: {r['seconds']:.2f} s ({ratio}x local; peak of the client {r['peak_mb']} MB)")


def markdown(results: list, meta: dict) -> str:
    lines = [f"Run on {meta['date']} — {meta['machine']}", ""]
    for corpus in dict.fromkeys(r["corpus"] for r in results if r["kind"] == "baseline"):
        lines += [f"### {corpus}", "", "| baseline | seconds | peak MB |", "| --- | ---: | ---: |"]
        for r in results:
            if r["kind"] == "baseline" and r["corpus"] == corpus:
                lines.append(f"| {r['name']} | {r['seconds']:.2f} | {r['peak_mb']} |")
        lines += ["", "| command | jobs | cache | seconds | MB/s | peak MB | × baseline | baseline |",
                  "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |"]
        for r in results:
            if r["kind"] == "textkit" and r["corpus"] == corpus:
                flag = "" if r["rc"] == 0 else " (failed)"
                lines.append(f"| {r['name']}{flag} | {r['jobs']} | {r['cache']} | {r['seconds']:.2f} | {r.get('mb_per_s') or ''} | "
                             f"{r['peak_mb']} | {r['ratio']} | {r['baseline']} |")
        lines.append("")
    for r in results:
        if r["name"] == "--help":
            lines.append(f"`textkit --help`: {r['seconds']:.3f} s = {r['ratio']}× `python -c \"import click, rich\"`")
    lines += ["", "### Targets", "", *targets(results)]
    return "\n".join(lines) + "\n"


#: The performance issue's targets: (description, corpus, command, cache, limit) as a
#: ratio to the command's baseline, best of the jobs settings measured.
TARGETS = [
    ("freq cold <= 1.5x CountVectorizer", "freq", "cold", 1.5),
    ("freq warm <= 0.25x CountVectorizer", "freq", "warm", 0.25),
    ("keywords cold <= 1.5x TfidfVectorizer", "keywords", "cold", 1.5),
    ("keywords warm <= 0.3x TfidfVectorizer", "keywords", "warm", 0.3),
    ("collocations --size 3 llr cold <= 0.5x NLTK trigram finder", "collocations --size 3 llr", "cold", 0.5),
    ("collocations --size 3 llr warm <= 0.2x NLTK trigram finder", "collocations --size 3 llr", "warm", 0.2),
    ("sentiment --unit sentence cold <= 0.7x vaderSentiment", "sentiment --unit sentence", "cold", 0.7),
    ("sentiment --unit sentence warm <= 0.7x vaderSentiment", "sentiment --unit sentence", "warm", 0.7),
]


def targets(results: list) -> list[str]:
    """The targets, measured: one Markdown table row each."""
    out = ["| target (kcna-2011) | measured (best jobs) | |", "| --- | ---: | --- |"]

    def best(corpus: str, name: str, cache: str) -> dict | None:
        rows = [r for r in results if r["kind"] == "textkit" and r["corpus"] == corpus and r["name"] == name
                and r["cache"] == cache and r["rc"] == 0]
        return min(rows, key=lambda r: r["seconds"]) if rows else None

    for text, name, cache, limit in TARGETS:
        r = best("kcna-2011", name, cache)
        if r is None or r["ratio"] is None:
            continue
        out.append(f"| {text} | {r['ratio']:.2f}x (jobs {r['jobs']}) | {'met' if r['ratio'] <= limit else '**missed**'} |")
    for r in results:
        if r["name"] == "--help":
            out.append(f"| textkit --help <= 1.5x import click, rich | {r['ratio']:.2f}x | {'met' if r['ratio'] <= 1.5 else '**missed**'} |")
    for r10 in results:
        if r10["kind"] != "textkit" or r10["corpus"] != "kcna-2011 ×10" or r10["rc"]:
            continue
        r1 = [r for r in results if r["kind"] == "textkit" and r["corpus"] == "kcna-2011" and r["name"] == r10["name"]
              and r["jobs"] == r10["jobs"] and r["cache"] == r10["cache"]]
        if r1:
            x = r10["seconds"] / r1[0]["seconds"]
            out.append(f"| tenfold {r10['name']} {r10['cache']} <= 11x onefold (jobs {r10['jobs']}) | {x:.1f}x | "
                       f"{'met' if x <= 11 else '**missed**'} |")
        if r10["name"] == "freq":
            out.append(f"| tenfold freq {r10['cache']} peak memory <= 600 MB | {r10['peak_mb']:.0f} MB | "
                       f"{'met' if r10['peak_mb'] <= 600 else '**missed**'} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the onefold corpus only")
    parser.add_argument("--only", action="append", default=[], help="only commands whose name starts with this (repeatable)")
    parser.add_argument("--markdown", metavar="FILE", help="write the result tables as Markdown")
    parser.add_argument("--dask", action="store_true", help="also time --engine dask (1 and 2 workers) on the tenfold corpus (onefold with --quick)")
    parser.add_argument("--json", metavar="FILE", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    args = parser.parse_args()
    if not KCNA.exists():
        sys.exit(f"benchmark: {KCNA} not found (the shared corpora live in ../shared beside the project)")
    jobs_all = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    import psutil

    meta = {
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {jobs_all} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.platform()}",
    }
    # byte-compile textkit first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (or
    # sources edited since the last run) every textkit process would otherwise recompile them
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "textkit")], check=False)
    commands = [c for c in COMMANDS if not args.only or any(c[0].startswith(o) for o in args.only)]
    results: list = []
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="tk-bench-") as tmp:
        work = Path(tmp)
        bench_corpus("kcna-2011", KCNA, work, commands, jobs_all, results, log)
        if args.dask and args.quick:
            bench_dask("kcna-2011", KCNA, results, log)
        if not args.quick:
            big = tenfold(work)
            if args.dask:
                bench_dask("kcna-2011 ×10", big, results, log)
            # all cores only: the tenfold run is about scaling and memory (and keeps the run near 20 minutes)
            bench_corpus("kcna-2011 ×10", big, work, [c for c in commands if c[0] in TENFOLD_COMMANDS], jobs_all, results, log,
                         [jobs_all])
            if HEADLINES.exists():
                bench_corpus("headlines", HEADLINES, work, [c for c in commands if c[0] in HEADLINE_COMMANDS], jobs_all, results, log)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=1), encoding="utf-8")
    text = markdown(results, meta)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
