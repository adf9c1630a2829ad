#!/usr/bin/env python3
"""canon benchmark harness.

Prepares the corpora (Django and SymPy sdists from PyPI, a synthetic corpus of more
than 1,000,000 lines, and a 20,000+ file git repository for the staged check),
then measures, in one run and side by side:

- full scan: wall time (hyperfine) and peak RSS (/usr/bin/time) of
  `canon check`, `ruff check --select TID251`, and the floor of reading the same
  bytes (`cat` of the file list, `rg` for the rule names);
- staged check of a 5-file commit: `canon check --staged` beside
  `git diff --cached --unified=0` and ruff on the same 5 files;
- the findings of canon and ruff, compared on the import statements both can
  see: the same statements must be flagged;

and says which performance targets hold. Run it through `bench/run.sh`, which
installs the tools first; `python bench/bench.py --help` lists the options.
"""

import argparse
import ast
import collections
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import synth

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CORPORA = BENCH / "corpora"
DOWNLOADS = CORPORA / "downloads"
RESULTS = CORPORA / "results"

DJANGO_VERSION = "5.2.19"
SYMPY_VERSION = "1.14.0"
RUFF_VERSION = "0.17.6"  # keep in step with bench/run.sh

CANON_CONFIG = ".canon.yaml"
RUFF_CONFIG = "bench-ruff.toml"
PREPARED = ".bench-prepared"

GIT = [
    "git",
    "-c", "user.name=canon bench",
    "-c", "user.email=bench@example.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "core.autocrlf=false",
]

# Twelve dotted names each real corpus imports (each occurs; see `rg` in BENCHMARKS.md).
DJANGO_NAMES = [
    "django.utils.functional.cached_property",
    "django.utils.encoding.force_str",
    "django.db.models.Q",
    "django.utils.translation.gettext_lazy",
    "django.core.exceptions.ValidationError",
    "django.utils.timezone",
    "django.conf.settings",
    "django.utils.safestring.mark_safe",
    "django.utils.html.format_html",
    "django.db.transaction",
    "django.test.utils.isolate_apps",
    "django.utils.module_loading.import_string",
]
SYMPY_NAMES = [
    "sympy.core.singleton.S",
    "sympy.core.symbol.Symbol",
    "sympy.core.numbers.Integer",
    "sympy.core.numbers.Rational",
    "sympy.functions.elementary.miscellaneous.sqrt",
    "sympy.core.sympify.sympify",
    "sympy.core.add.Add",
    "sympy.core.mul.Mul",
    "sympy.core.expr.Expr",
    "sympy.core.relational.Eq",
    "sympy.core.containers.Tuple",
    "sympy.testing.pytest.raises",
]


def ssot(name):
    """A canonical name for a deprecated one: the same symbol under `ssot.`."""
    return "ssot." + name


class Corpus:
    def __init__(self, key, title, directory, rules, source):
        self.key = key
        self.title = title
        self.dir = directory
        self.rules = rules  # [(deprecated, canonical)]
        self.source = source

    @property
    def names(self):
        return [deprecated for deprecated, _ in self.rules]


CORPUS_LIST = [
    Corpus("django", f"Django {DJANGO_VERSION} sdist", CORPORA / f"django-{DJANGO_VERSION}",
           [(n, ssot(n)) for n in DJANGO_NAMES], f"pip download --no-deps --no-binary :all: django=={DJANGO_VERSION}"),
    Corpus("sympy", f"SymPy {SYMPY_VERSION} sdist", CORPORA / f"sympy-{SYMPY_VERSION}",
           [(n, ssot(n)) for n in SYMPY_NAMES], f"pip download --no-deps --no-binary :all: sympy=={SYMPY_VERSION}"),
    Corpus("synthetic", "synthetic (bench/synth.py)", CORPORA / "synthetic",
           list(synth.RULES), "python bench/synth.py (3,000 modules, seed canon-bench-1)"),
]
CORPORA_BY_KEY = {corpus.key: corpus for corpus in CORPUS_LIST}

STAGED_DIR = CORPORA / "staged-20k"
ID_PREFIX = {"django": "dj", "sympy": "sp", "synthetic": "sx"}
# (prefix in the staged repository, source corpus)
STAGED_COPIES = [(f"d{i}", "django") for i in range(6)] + [("s0", "sympy"), ("x0", "synthetic")]
# Files modified and staged for the 5-file commit, with the import added to each.
STAGED_EDITS = [
    ("d0/django/db/models/query.py", "from django.utils.functional import cached_property", "from django.utils.html import format_html"),
    ("d2/django/contrib/admin/options.py", "from django.utils.encoding import force_str", "from django.db.models import Q"),
    ("d5/django/forms/fields.py", "from django.utils.safestring import mark_safe", "from django.utils import timezone"),
    ("s0/sympy/core/expr.py", "from sympy.core.relational import Eq", "from sympy.core.containers import Tuple"),
    ("x0/acme/api/handlers/test_handlers_0.py", "from acme.legacy.cache import RedisClient", "from acme.legacy.http.client import HttpClient"),
]


# --------------------------------------------------------------------------- helpers

def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(cmd, cwd=None, check=True, capture=True, env=None):
    result = subprocess.run(
        cmd, cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise SystemExit(
            f"command failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stderr if capture else ''}"
        )
    return result


def first_line(cmd):
    try:
        return run(cmd, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unavailable"


def python_files(directory):
    """Tracked .py/.pyi files of a corpus repository, sorted."""
    out = run(GIT + ["ls-files", "-z", "--", "*.py", "*.pyi"], cwd=directory).stdout
    return sorted(path for path in out.split("\0") if path)


def count_lines(directory, files):
    lines = size = 0
    for rel in files:
        data = (directory / rel).read_bytes()
        size += len(data)
        lines += data.count(b"\n")
    return lines, size


def write_configs(directory, rules, src=(".",), ids=None):
    """The same rule set for canon (.canon.yaml) and ruff (banned-api)."""
    ids = ids or [f"r{index + 1:02d}" for index in range(len(rules))]
    yaml = ["version: 1", "src: [" + ", ".join(f'"{root}"' for root in src) + "]", "rules:"]
    toml = ["# Generated by bench/bench.py: the rules of .canon.yaml as banned-api entries.",
            "[lint.flake8-tidy-imports.banned-api]"]
    for rule_id, (deprecated, canonical) in zip(ids, rules):
        yaml += [
            f"  - id: {rule_id}",
            "    kind: import",
            f"    canonical: {canonical}",
            f"    deprecated: [{deprecated}]",
        ]
        toml.append(f'"{deprecated}".msg = "{rule_id}: use {canonical}"')
    (directory / CANON_CONFIG).write_text("\n".join(yaml) + "\n")
    (directory / RUFF_CONFIG).write_text("\n".join(toml) + "\n")


def git_commit_all(directory):
    if not (directory / ".git").exists():
        run(GIT + ["init", "-q", "-b", "main", "."], cwd=directory)
    run(GIT + ["add", "-A", "."], cwd=directory)
    if run(GIT + ["diff", "--cached", "--quiet"], cwd=directory, check=False).returncode != 0:
        run(GIT + ["commit", "-q", "--no-verify", "-m", "corpus"], cwd=directory)


# --------------------------------------------------------------------------- prepare

def fetch_sdist(package, version):
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    tarball = DOWNLOADS / f"{package}-{version}.tar.gz"
    if not tarball.exists():
        log(f"downloading the {package} {version} sdist")
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "-d", str(DOWNLOADS), f"{package}=={version}"])
    if not tarball.exists():
        raise SystemExit(f"pip download did not produce {tarball}")
    return tarball


def prepare_sdist(corpus, package, version):
    if (corpus.dir / PREPARED).exists():
        return
    tarball = fetch_sdist(package, version)
    if corpus.dir.exists():
        shutil.rmtree(corpus.dir)
    log(f"extracting {tarball.name}")
    with tarfile.open(tarball) as archive, tempfile.TemporaryDirectory(dir=CORPORA) as tmp:
        try:
            archive.extractall(tmp, filter="data")
        except TypeError:  # Python without extraction filters
            archive.extractall(tmp)
        (Path(tmp) / f"{package}-{version}").rename(corpus.dir)
    finish_corpus(corpus)


def prepare_synthetic(corpus):
    if (corpus.dir / PREPARED).exists():
        return
    if corpus.dir.exists():
        shutil.rmtree(corpus.dir)
    log("generating the synthetic corpus")
    synth.generate(str(corpus.dir), 3000, 350, "canon-bench-1")
    finish_corpus(corpus)


def finish_corpus(corpus):
    write_configs(corpus.dir, corpus.rules)
    log(f"committing {corpus.dir.name}")
    git_commit_all(corpus.dir)
    (corpus.dir / PREPARED).write_text("ok\n")


def prepare_staged():
    repo = STAGED_DIR
    if not (repo / PREPARED).exists():
        if repo.exists():
            shutil.rmtree(repo)
        repo.mkdir(parents=True)
        log("building the 20,000+ file repository for the staged check")
        for prefix, key in STAGED_COPIES:
            source = CORPORA_BY_KEY[key].dir
            for rel in python_files(source):
                target = repo / prefix / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / rel, target)
        rules, ids = [], []
        for prefix, key in STAGED_COPIES:
            if any(k == key for _, k in STAGED_COPIES[: STAGED_COPIES.index((prefix, key))]):
                continue
            for index, rule in enumerate(CORPORA_BY_KEY[key].rules):
                rules.append(rule)
                ids.append(f"{ID_PREFIX[key]}{index + 1:02d}")
        write_configs(repo, rules, src=[prefix for prefix, _ in STAGED_COPIES], ids=ids)
        log("committing it (once)")
        git_commit_all(repo)
        (repo / PREPARED).write_text("ok\n")
    stage_edits(repo)


def edited_text(text, top_import, nested_import):
    """The file with one import added after its last module-level import, one
    `def` line touched, and a function with a nested import appended."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    after = imports[-1].end_lineno if imports else 0
    defs = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and lines[node.lineno - 1].rstrip().endswith(":") and node.lineno > after + 1]
    touched = defs[len(defs) // 2].lineno if defs else None
    out = []
    for number, line in enumerate(lines, start=1):
        if number == touched:
            line = line.rstrip("\r\n") + "  # reviewed\n"
        out.append(line)
        if number == after:
            out.append(f"{top_import}  # added in the benchmark commit\n")
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    _, _, name = nested_import.partition(" import ")
    out.append(f"\n\ndef _benchmark_added_helper():\n    {nested_import}\n\n    return {name}\n")
    return "".join(out)


def stage_edits(repo):
    """Resets the repository to its commit and stages the 5-file change."""
    staged = run(GIT + ["diff", "--cached", "--name-only"], cwd=repo).stdout.split()
    expected = sorted(path for path, _, _ in STAGED_EDITS)
    if sorted(staged) == expected and not run(GIT + ["diff", "--name-only"], cwd=repo).stdout.strip():
        return
    run(GIT + ["reset", "-q", "--hard", "HEAD"], cwd=repo)
    for rel, top_import, nested_import in STAGED_EDITS:
        path = repo / rel
        path.write_text(edited_text(path.read_text(), top_import, nested_import))
    run(GIT + ["add", "--"] + expected, cwd=repo)


def prepare(keys, staged):
    CORPORA.mkdir(parents=True, exist_ok=True)
    needed = set(keys) | ({key for _, key in STAGED_COPIES} if staged else set())
    if "django" in needed:
        prepare_sdist(CORPORA_BY_KEY["django"], "django", DJANGO_VERSION)
    if "sympy" in needed:
        prepare_sdist(CORPORA_BY_KEY["sympy"], "sympy", SYMPY_VERSION)
    if "synthetic" in needed:
        prepare_synthetic(CORPORA_BY_KEY["synthetic"])
    if staged:
        prepare_staged()


# --------------------------------------------------------------------------- measure

def hyperfine(commands, cwd, warmup, runs, label):
    """{name: {"mean", "stddev", "median", "min", "max"}} in seconds."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    export = RESULTS / f"hyperfine-{label}.json"
    cmd = ["hyperfine", "--style", "none", "-N", "--warmup", str(warmup), "--runs", str(runs),
           "--export-json", str(export)]
    for name, argv in commands.items():
        cmd += ["--command-name", name, " ".join(shell_word(arg) for arg in argv)]
    run(cmd, cwd=cwd)
    data = json.loads(export.read_text())
    return {
        item["command"]: {key: item[key] for key in ("mean", "stddev", "median", "min", "max", "user", "system")}
        for item in data["results"]
    }


def shell_word(arg):
    arg = str(arg)
    if re.fullmatch(r"[A-Za-z0-9_./:=+,@%-]+", arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def peak_rss(argv, cwd, runs):
    """Median of the peak resident set sizes of `runs` runs, in KiB."""
    values = []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
            run(["/usr/bin/time", "-o", out.name, "-f", "%M"] + list(argv), cwd=cwd, capture=False)
            values.append(int(out.read().strip().splitlines()[-1]))
    return statistics.median(values)


def canon_findings(canon, cwd, extra):
    out = run([canon, "check", "--exit-zero", "--output-format", "json"] + extra, cwd=cwd).stdout
    found = []
    for item in json.loads(out or "[]"):
        if item["code"] != "CAN001":
            continue
        found.append((item["filename"], item["location"]["row"], item["message"]))
    return found


def ruff_findings(ruff, cwd, targets):
    out = run([ruff, "check", "--select", "TID251", "--no-cache", "--exit-zero", "--output-format", "json",
               "--config", RUFF_CONFIG] + targets, cwd=cwd).stdout
    found = []
    for item in json.loads(out or "[]"):
        if item["code"] != "TID251":
            continue
        filename = os.path.relpath(item["filename"], cwd)
        found.append((filename, item["location"]["row"], item["message"]))
    return found


class ImportIndex:
    """Maps (file, line) to the import statement (first line) that contains it."""

    def __init__(self, directory):
        self.dir = directory
        self.cache = {}
        self.unparsed = set()

    def spans(self, rel):
        if rel not in self.cache:
            spans = []
            try:
                tree = ast.parse((self.dir / rel).read_bytes())
                for node in ast.walk(tree):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        spans.append((node.lineno, node.end_lineno))
            except (SyntaxError, ValueError, OSError):
                self.unparsed.add(rel)
            self.cache[rel] = spans
        return self.cache[rel]

    def statement(self, rel, line):
        for first, last in self.spans(rel):
            if first <= line <= last:
                return first
        return None

    def source_line(self, rel, line):
        try:
            return (self.dir / rel).read_text(errors="replace").splitlines()[line - 1].strip()
        except (OSError, IndexError):
            return ""


def compare(directory, canon, ruff, changed=None):
    """Statement-level comparison of the import findings of both tools."""
    index = ImportIndex(directory)

    def split(found):
        imports, other = collections.Counter(), []
        for rel, line, message in found:
            stmt = index.statement(rel, line)
            if stmt is None:
                other.append((rel, line, message))
            else:
                imports[(rel, stmt)] += 1
        return imports, other

    if changed is not None:
        # ruff judges whole files: keep what lies in statements the commit touched.
        def touched(rel, line):
            stmt = index.statement(rel, line)
            if stmt is None:
                return line in changed.get(rel, ())
            last = next(l for f, l in index.spans(rel) if f == stmt)
            return any(n in changed.get(rel, ()) for n in range(stmt, last + 1))
        ruff = [f for f in ruff if touched(f[0], f[1])]
    canon_imports, canon_other = split(canon)
    ruff_imports, ruff_other = split(ruff)
    # Agreement is judged per import statement: the same statements must be flagged.
    # Within a statement the tools may count differently (ruff reports a banned module
    # once per `from module import a, b`; canon reports each name it imports).
    only_canon = collections.Counter({k: v for k, v in canon_imports.items() if k not in ruff_imports})
    only_ruff = collections.Counter({k: v for k, v in ruff_imports.items() if k not in canon_imports})
    counted_apart = collections.Counter({k: v for k, v in canon_imports.items()
                                         if k in ruff_imports and ruff_imports[k] != v})

    def examples(counter, found):
        picked = []
        for (rel, stmt), _ in sorted(counter.items())[:5]:
            message = next((m for r, l, m in found if r == rel and index.statement(r, l) == stmt), "")
            picked.append({"file": rel, "line": stmt, "source": index.source_line(rel, stmt), "message": message})
        return picked

    # Outside import statements: compared by (file, line).
    canon_lines = collections.Counter((r, l) for r, l, _ in canon_other)
    ruff_lines = collections.Counter((r, l) for r, l, _ in ruff_other)

    def line_examples(counter, found):
        picked = []
        for rel, line in sorted(counter)[:5]:
            message = next((m for r, l, m in found if (r, l) == (rel, line)), "")
            picked.append({"file": rel, "line": line, "source": index.source_line(rel, line), "message": message})
        return picked

    return {
        "canon_total": len(canon),
        "ruff_total": len(ruff),
        "canon_imports": sum(canon_imports.values()),
        "ruff_imports": sum(ruff_imports.values()),
        "agree": sum((canon_imports & ruff_imports).values()),
        "canon_statements": len(canon_imports),
        "ruff_statements": len(ruff_imports),
        "agree_statements": len(canon_imports.keys() & ruff_imports.keys()),
        "only_canon": len(only_canon),
        "only_ruff": len(only_ruff),
        "counted_apart": len(counted_apart),
        "only_canon_examples": examples(only_canon, canon),
        "only_ruff_examples": examples(only_ruff, ruff),
        "counted_apart_examples": [dict(e, counts=f"canon {canon_imports[(e['file'], e['line'])]}, "
                                               f"ruff {ruff_imports[(e['file'], e['line'])]}")
                                   for e in examples(counted_apart, canon)],
        "canon_other": len(canon_other),
        "ruff_other": len(ruff_other),
        "other_agree": sum((canon_lines & ruff_lines).values()),
        "canon_other_examples": line_examples(canon_lines - ruff_lines, canon_other),
        "ruff_other_examples": line_examples(ruff_lines - canon_lines, ruff_other),
        "unparsed_files": sorted(index.unparsed)[:5],
        "same": not only_canon and not only_ruff,
    }


def rg_patterns(names):
    return sorted({name.rsplit(".", 1)[-1] for name in names})


def measure_full(corpus, tools, args):
    files = python_files(corpus.dir)
    lines, size = count_lines(corpus.dir, files)
    listing = RESULTS / f"files-{corpus.key}.lst"
    listing.write_text("\0".join(files) + "\0")
    commands = {
        "canon": [tools["canon"], "check", "--exit-zero", "--output-format", "concise", "--config", CANON_CONFIG, "."],
        "ruff": [tools["ruff"], "check", "--select", "TID251", "--no-cache", "--exit-zero", "--output-format",
                 "concise", "--config", RUFF_CONFIG, "."],
        "rg": ["rg", "-F", "-c", "-t", "py"] + [x for p in rg_patterns(corpus.names) for x in ("-e", p)] + ["."],
        "cat": ["xargs", "-0", "-a", str(listing), "cat"],
    }
    log(f"{corpus.key}: {len(files)} files, {lines} lines; timing")
    times = hyperfine(commands, corpus.dir, args.warmup, args.runs, corpus.key)
    log(f"{corpus.key}: peak memory")
    rss = {name: peak_rss(argv, corpus.dir, args.rss_runs) for name, argv in commands.items()}
    log(f"{corpus.key}: findings")
    findings = compare(
        corpus.dir,
        canon_findings(tools["canon"], corpus.dir, ["--config", CANON_CONFIG, "."]),
        ruff_findings(tools["ruff"], corpus.dir, ["."]),
    )
    log(f"{corpus.key}: walk against every file named")
    fast_path = walk_matches_named(tools["canon"], corpus.dir, files)
    shown = run([tools["ruff"], "check", "--select", "TID251", "--no-cache", "--config", RUFF_CONFIG,
                 "--show-files", "."], cwd=corpus.dir).stdout
    ruff_files = sum(1 for line in shown.splitlines() if line.strip().endswith((".py", ".pyi")))
    return {
        "corpus": corpus.key, "title": corpus.title, "source": corpus.source, "ruff_files": ruff_files,
        "files": len(files), "lines": lines, "bytes": size, "rules": len(corpus.rules),
        "commands": {name: " ".join(shell_word(a) for a in argv) for name, argv in commands.items()},
        "time": times, "rss_kib": rss, "findings": findings, "fast_path": fast_path,
    }


def walk_matches_named(canon, cwd, files):
    """A walk skips, and resolves lexically, what a check naming each file parses whole:
    both must report the same (CAN000 aside: only parsed files can get it)."""
    def findings(args):
        out = run([canon, "check", "--exit-zero", "--output-format", "concise", "--config", CANON_CONFIG] + args,
                  cwd=cwd).stdout
        return sorted(line for line in out.splitlines() if " CAN000 " not in line)
    walked = findings(["."])
    named = findings(list(files))
    return {"same": walked == named, "walked": len(walked), "named": len(named),
            "only_walked": sorted(set(walked) - set(named))[:5], "only_named": sorted(set(named) - set(walked))[:5]}


def changed_lines(repo):
    """{path: set of new-side line numbers} of the staged change."""
    out = run(GIT + ["diff", "--cached", "--unified=0", "--no-color"], cwd=repo).stdout
    changed, path = {}, None
    for line in out.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif line.startswith("@@") and path:
            match = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
            start, count = int(match.group(1)), int(match.group(2) or "1")
            changed.setdefault(path, set()).update(range(start, start + count))
    return changed


def measure_staged(tools, args):
    repo = STAGED_DIR
    stage_edits(repo)
    tracked = int(run(GIT + ["ls-files"], cwd=repo).stdout.count("\n"))
    files = [path for path, _, _ in STAGED_EDITS]
    commands = {
        "canon --staged": [tools["canon"], "check", "--staged", "--exit-zero", "--output-format", "concise"],
        "git diff --cached": ["git", "diff", "--cached", "--unified=0"],
        "ruff (5 files)": [tools["ruff"], "check", "--select", "TID251", "--no-cache", "--exit-zero",
                           "--output-format", "concise", "--config", RUFF_CONFIG] + files,
    }
    log(f"staged: {tracked} tracked files, 5 staged; timing")
    times = hyperfine(commands, repo, args.warmup * 2, args.staged_runs, "staged")
    rss = {name: peak_rss(argv, repo, args.rss_runs) for name, argv in commands.items()}
    changed = changed_lines(repo)
    findings = compare(
        repo,
        canon_findings(tools["canon"], repo, ["--staged"]),
        ruff_findings(tools["ruff"], repo, files),
        changed=changed,
    )
    return {
        "tracked_files": tracked, "staged_files": files,
        "changed_lines": sum(len(v) for v in changed.values()),
        "commands": {name: " ".join(shell_word(a) for a in argv) for name, argv in commands.items()},
        "time": times, "rss_kib": rss, "findings": findings,
    }


# --------------------------------------------------------------------------- report

def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    system = platform.platform()
    try:
        system = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1) + \
            f", Linux {platform.release()}"
    except (OSError, AttributeError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "system": system}


def loadavg():
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def ms(seconds):
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def verdict(ok):
    return "**holds**" if ok else "**does not hold**"


def targets(report):
    """[(target, holds, detail)] from the measurements."""
    rows = []
    for full in report["full"]:
        t, key = full["time"], full["corpus"]
        speedup = t["ruff"]["median"] / t["canon"]["median"]
        floor = t["canon"]["median"] / t["rg"]["median"]
        same = full["findings"]["same"]
        rows.append((f"{key}: full scan ≥ 5× faster than ruff, same import statements flagged",
                     speedup >= 5 and same,
                     f"{speedup:.2f}× faster; import statements flagged {'agree' if same else 'differ'}"))
        rows.append((f"{key}: full scan within 1.5× of the `rg` floor", floor <= 1.5, f"{floor:.2f}× `rg`"))
        rss = full["rss_kib"]["canon"]
        rows.append((f"{key}: full-scan peak RSS ≤ 32 MiB", rss <= 32 * 1024, mib(rss)))
    staged = report.get("staged")
    if staged:
        t = staged["time"]
        vs_git = t["canon --staged"]["median"] / t["git diff --cached"]["median"]
        vs_ruff = t["ruff (5 files)"]["median"] / t["canon --staged"]["median"]
        rows.append(("staged 5-file commit within 1.5× of `git diff --cached --unified=0`", vs_git <= 1.5,
                     f"{vs_git:.2f}× `git diff`"))
        same = staged["findings"]["same"]
        rows.append(("staged 5-file commit ≥ 2× faster than ruff on those files, same findings",
                     vs_ruff >= 2 and same, f"{vs_ruff:.2f}× faster; findings {'agree' if same else 'differ'}"))
    return rows


def render(report):
    out = []
    m = report["machine"]
    out.append(f"Run {report['date']} on {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['system']}; "
               f"load average {report['load_before']} before, {report['load_after']} after.")
    out.append("")
    out.append("Tools: " + "; ".join(f"{name} `{version}`" for name, version in report["versions"].items()) + ".")
    out.append("")
    out.append("Times are hyperfine medians (mean ± σ in the JSON beside the report); memory is the median "
               "peak RSS of " f"{report['settings']['rss_runs']} runs under `/usr/bin/time`.")
    out.append("")
    out.append("### Full scan")
    out.append("")
    out.append("| corpus | files | lines | canon | ruff TID251 | `rg` floor | `cat` floor | canon vs ruff | canon vs `rg` "
               "| canon RSS | ruff RSS | `rg` RSS | findings canon / ruff | import statements flagged agree |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for full in report["full"]:
        t, r, f = full["time"], full["rss_kib"], full["findings"]
        agree = "yes" if f["same"] else f"no ({f['only_canon']} canon-only, {f['only_ruff']} ruff-only)"
        counts = f"{f['agree_statements']} of {f['canon_statements']} / {f['ruff_statements']} statements"
        out.append(
            f"| {full['title']} | {full['files']:,} | {full['lines']:,} | {ms(t['canon']['median'])} "
            f"| {ms(t['ruff']['median'])} | {ms(t['rg']['median'])} | {ms(t['cat']['median'])} "
            f"| {t['ruff']['median'] / t['canon']['median']:.2f}× faster | {t['canon']['median'] / t['rg']['median']:.2f}× "
            f"| {mib(r['canon'])} | {mib(r['ruff'])} | {mib(r['rg'])} "
            f"| {f['canon_total']} / {f['ruff_total']} | {agree}: {counts} |"
        )
    out.append("")
    out.append("A directory walk skips files and resolves references lexically; checking the same files named "
               "one by one parses every file whole. Both report the same:")
    out.append("")
    for full in report["full"]:
        fast = full.get("fast_path")
        if fast:
            out.append(f"- {full['title']}: {'yes' if fast['same'] else 'NO'} ({fast['walked']} findings walked, "
                       f"{fast['named']} named)")
            for line in fast["only_walked"] + fast["only_named"]:
                out.append(f"  - differs: `{line}`")
    out.append("")
    out.append("CPU time (user + system, mean of the timed runs):")
    out.append("")
    out.append("| corpus | canon | ruff | `rg` | `cat` |")
    out.append("|---|--:|--:|--:|--:|")
    for full in report["full"]:
        t = full["time"]
        out.append(f"| {full['title']} | " + " | ".join(
            ms(t[name]["user"] + t[name]["system"]) for name in ("canon", "ruff", "rg", "cat")) + " |")
    staged = report.get("staged")
    if staged:
        out.append("")
        out.append(f"### Staged check: 5-file commit in a repository of {staged['tracked_files']:,} files")
        out.append("")
        t, r, f = staged["time"], staged["rss_kib"], staged["findings"]
        out.append("| command | median | mean ± σ | peak RSS |")
        out.append("|---|--:|--:|--:|")
        for name in ("canon --staged", "git diff --cached", "ruff (5 files)"):
            out.append(f"| {name} | {ms(t[name]['median'])} | {ms(t[name]['mean'])} ± {ms(t[name]['stddev'])} "
                       f"| {mib(r[name])} |")
        out.append("")
        out.append(f"canon --staged is {t['canon --staged']['median'] / t['git diff --cached']['median']:.2f}× "
                   f"`git diff --cached --unified=0` and {t['ruff (5 files)']['median'] / t['canon --staged']['median']:.2f}× "
                   f"faster than ruff on the 5 files. Findings on the {staged['changed_lines']} changed lines: canon "
                   f"{f['canon_total']}, ruff {f['ruff_total']} (ruff's findings on the whole files, kept where the "
                   f"statement touches a changed line); {'they agree' if f['same'] else 'they differ'}.")
    out.append("")
    out.append("### Targets")
    out.append("")
    for name, ok, detail in report["targets"]:
        out.append(f"- {name}: {verdict(ok)} ({detail})")
    out.append("")
    out.append("### Findings compared")
    out.append("")
    out.append("ruff TID251 reports imports of a banned name (and attribute uses it resolves to exactly a banned "
               "name); canon reports every reference that resolves to a deprecated name: imports, attribute chains "
               "through imported modules, and `importlib`/`mock.patch` string targets. The two are compared on import "
               "statements: they agree when they flag the same (file, statement) pairs. Within one statement the "
               "counts may differ: for `from banned.module import a, b` ruff reports the module once, canon each "
               "name (\"counted apart\" below). Other findings are compared by (file, line) and listed separately.")
    out.append("")
    for full in report["full"]:
        if full["ruff_files"] != full["files"]:
            out.append(f"- {full['title']}: ruff checks {full['ruff_files']} files, canon and the floors "
                       f"{full['files']}.")
    sections = [(full["title"], full["findings"]) for full in report["full"]]
    if staged:
        sections.append(("staged commit", staged["findings"]))
    for title, f in sections:
        out.append(f"- {title}: import statements flagged canon {f['canon_statements']}, ruff "
                   f"{f['ruff_statements']}, both {f['agree_statements']} ({f['canon_imports']} and "
                   f"{f['ruff_imports']} findings in them; {f['counted_apart']} statements counted apart); "
                   f"outside imports canon {f['canon_other']}, ruff {f['ruff_other']}, on the same "
                   f"line {f['other_agree']}.")
        for example in f["counted_apart_examples"][:3]:
            out.append(f"  - same statement, counted apart ({example['counts']}): `{example['file']}:{example['line']}` "
                       f"`{example['source'][:100]}` — {example['message'][:120]}")
        for label, key in (("import, only canon", "only_canon_examples"), ("import, only ruff", "only_ruff_examples"),
                           ("outside imports, only canon", "canon_other_examples"),
                           ("outside imports, only ruff", "ruff_other_examples")):
            for example in f[key][:3]:
                out.append(f"  - {label}: `{example['file']}:{example['line']}` `{example['source'][:100]}` — "
                           f"{example['message'][:120]}")
        if f["unparsed_files"]:
            out.append(f"  - not parsed by Python's `ast` (compared by line): {', '.join(f['unparsed_files'])}")
    out.append("")
    out.append("### Commands")
    out.append("")
    for full in report["full"]:
        out.append(f"- {full['title']} ({full['source']}), run in the corpus directory:")
        for name, command in full["commands"].items():
            out.append(f"  - {name}: `{shorten(command)}`")
    if staged:
        out.append("- staged, run in `bench/corpora/staged-20k`:")
        for name, command in staged["commands"].items():
            out.append(f"  - {name}: `{shorten(command)}`")
    return "\n".join(out) + "\n"


def shorten(command):
    command = command.replace(str(ROOT) + "/", "")
    return command if len(command) < 400 else command[:400] + " …"


def update_doc(text):
    doc = ROOT / "BENCHMARKS.md"
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    current = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in current or end not in current:
        current += f"\n{begin}\n{end}\n"
    head, rest = current.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{text}{end}{tail}")
    log(f"updated {doc.relative_to(ROOT)}")


# --------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description="canon benchmark harness (see BENCHMARKS.md)")
    parser.add_argument("--canon", default=os.environ.get("CANON", str(ROOT / "target/release/canon")))
    parser.add_argument("--ruff", default=str(BENCH / ".venv/bin/ruff"))
    parser.add_argument("--corpus", default="django,sympy,synthetic",
                        help="comma-separated full-scan corpora (django, sympy, synthetic)")
    parser.add_argument("--no-staged", action="store_true", help="skip the staged-check benchmark")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per full-scan command")
    parser.add_argument("--staged-runs", type=int, default=30, help="timed runs per staged command")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rss-runs", type=int, default=3)
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--update-doc", action="store_true", help="write the results into BENCHMARKS.md")
    args = parser.parse_args()

    keys = [key.strip() for key in args.corpus.split(",") if key.strip()]
    for key in keys:
        if key not in CORPORA_BY_KEY:
            parser.error(f"unknown corpus {key!r}")
    prepare(keys, not args.no_staged)
    if args.prepare_only:
        return
    for tool in ("hyperfine", "rg", "git", "xargs"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: run bench/run.sh, which installs it")
    ruff_version = first_line([args.ruff, "--version"])
    if ruff_version != f"ruff {RUFF_VERSION}":
        raise SystemExit(f"expected ruff {RUFF_VERSION} at {args.ruff}, found {ruff_version!r}")
    # A frozen copy, so a build running elsewhere cannot swap the binary mid-run.
    RESULTS.mkdir(parents=True, exist_ok=True)
    frozen = CORPORA / "bin" / "canon"
    frozen.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(args.canon, frozen)
    tools = {"canon": str(frozen), "ruff": args.ruff}
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=False).stdout.strip() or "?"
    dirty = run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"], cwd=ROOT,
                check=False).stdout.strip()
    report = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "load_before": loadavg(),
        "versions": {
            "canon": f"{first_line([tools['canon'], '--version'])} ({commit}{', modified sources' if dirty else ''})",
            "ruff": ruff_version.split()[-1],
            "ripgrep": first_line(["rg", "--version"]).split()[1],
            "hyperfine": first_line(["hyperfine", "--version"]).split()[-1],
            "git": first_line(["git", "--version"]).split()[-1],
        },
        "settings": {"runs": args.runs, "staged_runs": args.staged_runs, "warmup": args.warmup,
                     "rss_runs": args.rss_runs},
        "full": [measure_full(CORPORA_BY_KEY[key], tools, args) for key in keys],
    }
    if not args.no_staged:
        report["staged"] = measure_staged(tools, args)
    report["load_after"] = loadavg()
    report["targets"] = [list(row) for row in targets(report)]
    text = render(report)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(text)
    print(text)
    log(f"wrote {(RESULTS / 'latest.md').relative_to(ROOT)} and latest.json")
    if args.update_doc:
        update_doc(text)
    held = sum(1 for _, ok, _ in report["targets"] if ok)
    log(f"{held} of {len(report['targets'])} targets hold")


if __name__ == "__main__":
    main()
