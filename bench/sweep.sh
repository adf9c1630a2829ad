#!/usr/bin/env bash
# No-panic, no-data-loss sweep: runs canon over a real corpus of Python files from
# several large packages and checks that
#   - `canon check` and `canon check --fix --unsafe-fixes` never crash (exit 0 or 1,
#     never 101, 2 or a signal) and finish in time;
#   - every file that parsed before `--fix` (per CPython's `ast.parse` on its bytes)
#     still parses after it;
#   - `--fix` touches nothing but Python files, deletes nothing, and leaves a file
#     unchanged when canon reported no fixable diagnostic in it.
#
# Usage: bench/sweep.sh [WORK_DIR]     (default: a new temporary directory)
# Environment: CANON (binary; default target/release/canon, built when missing),
#              PYTHON (default python3), SWEEP_TIMEOUT (seconds per canon run, 900).
# Exit status: 0 when every check held, 1 otherwise; the counts are printed either way.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CANON=${CANON:-$ROOT/target/release/canon}
PYTHON=${PYTHON:-python3}
TIMEOUT=${SWEEP_TIMEOUT:-900}
WORK=${1:-$(mktemp -d -t canon-sweep.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ ! -x "$CANON" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi

# Exact versions; sdists where pip can fetch them without building anything
# heavy, wheels otherwise. Every one is only unpacked, never installed or imported.
SDISTS=(django==5.1.4 sympy==1.13.3)
WHEELS=(pandas==2.2.3 ansible==10.7.0)

echo "sweep: work directory $WORK"
mkdir -p "$WORK/download"
if [ -z "$(ls -A "$WORK/download")" ]; then
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: -d "$WORK/download" "${SDISTS[@]}"
    "$PYTHON" -m pip download --quiet --no-deps --only-binary :all: \
        --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp \
        -d "$WORK/download" "${WHEELS[@]}"
fi

# Pristine sources in orig/<package>, working copies in copy/<package>.
rm -rf "$WORK/orig" "$WORK/copy"
mkdir -p "$WORK/orig" "$WORK/copy"
for archive in "$WORK"/download/*; do
    name=$(basename "$archive")
    name=${name%%-[0-9]*}
    name=$(echo "$name" | tr 'A-Z' 'a-z')
    mkdir -p "$WORK/orig/$name"
    case "$archive" in
        *.tar.gz) tar -xzf "$archive" -C "$WORK/orig/$name" ;;
        *.whl | *.zip) "$PYTHON" -m zipfile -e "$archive" "$WORK/orig/$name" ;;
    esac
done
cp -a "$WORK/orig/." "$WORK/copy/"

# Names that occur in all of these packages: import, call, define and pattern rules.
cat > "$WORK/copy/.canon.yaml" <<'YAML'
version: 1
src: ["."]
rules:
  - id: ordered-dict
    kind: import
    canonical: ssot.compat.OrderedDict
    deprecated: [collections.OrderedDict]
  - id: wraps
    kind: import
    canonical: ssot.functional.wraps
    deprecated: [functools.wraps]
  - id: warnings-module
    kind: import
    canonical: ssot.warn
    deprecated: [warnings]
  - id: no-deepcopy
    kind: call
    target: copy.deepcopy
    replace-with: "clone({args})"
    requires-import: ssot.clone
  - id: no-getlogger
    kind: call
    target: logging.getLogger
    replace-with: "get_logger({args})"
    requires-import: ssot.log.get_logger
  - id: one-command
    kind: define
    name: Command
    canonical-file: ssot/command.py
  - id: no-localhost
    kind: pattern
    regex: '^(localhost|127\.0\.0\.1)(:\d+)?$'
    scope: string
    severity: warning
YAML

# Parses every .py file under a directory with CPython, exactly as
# `python3 -c 'import ast,sys; ast.parse(open(f,"rb").read())'` would, in one process,
# and writes the relative paths of those that parse.
parse_list() {
    "$PYTHON" - "$1" "$2" <<'PY'
import ast, os, sys, warnings
warnings.simplefilter("ignore")
root, out = sys.argv[1], sys.argv[2]
ok = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for name in sorted(filenames):
        if not name.endswith(".py"):
            continue
        path = os.path.join(dirpath, name)
        if os.path.islink(path):
            continue
        try:
            ast.parse(open(path, "rb").read())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        ok.append(os.path.relpath(path, root))
with open(out, "w") as handle:
    handle.write("\n".join(ok) + ("\n" if ok else ""))
PY
}

# Runs canon in copy/ with a time limit; prints the exit status.
run_canon() {
    local log=$1
    shift
    local status=0
    (cd "$WORK/copy" && timeout "$TIMEOUT" "$CANON" "$@" >"$log.out" 2>"$log.err") || status=$?
    echo "$status"
}

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

total_py=$(find "$WORK/orig" -name '*.py' -type f | wc -l)
parse_list "$WORK/orig" "$WORK/parsed-before.txt"
parsed_before=$(wc -l <"$WORK/parsed-before.txt")
echo "sweep: $total_py Python files, $parsed_before parse with $("$PYTHON" --version 2>&1)"

declare -A check_status fix_status
for package in $(ls "$WORK/copy"); do
    [ -d "$WORK/copy/$package" ] || continue
    start=$(date +%s)
    status=$(run_canon "$WORK/check-$package" check --output-format concise "$package")
    check_status[$package]=$status
    diagnostics=$(grep -c ': CAN' "$WORK/check-$package.out" || true)
    warnings=$(grep -c ': CAN000' "$WORK/check-$package.out" || true)
    echo "check  $package: exit $status, $diagnostics diagnostics ($warnings CAN000) in $(($(date +%s) - start)) s"
    case "$status" in
        0 | 1) ;;
        *) fail "canon check $package exited $status: $(head -c 600 "$WORK/check-$package.err")" ;;
    esac
    # Files with a fixable diagnostic; the others must come out of --fix unchanged.
    (cd "$WORK/copy" && timeout "$TIMEOUT" "$CANON" check --output-format json --unsafe-fixes "$package" \
        >"$WORK/json-$package.json" 2>/dev/null) || true
    start=$(date +%s)
    status=$(run_canon "$WORK/fix-$package" check --fix --unsafe-fixes --output-format concise "$package")
    fix_status[$package]=$status
    echo "fix    $package: exit $status in $(($(date +%s) - start)) s; $(grep -c 'fixes not applied' "$WORK/fix-$package.err" || true) files refused by the re-parse guard"
    case "$status" in
        0 | 1) ;;
        *) fail "canon check --fix $package exited $status: $(head -c 600 "$WORK/fix-$package.err")" ;;
    esac
done

parse_list "$WORK/copy" "$WORK/parsed-after.txt"
broken=$(comm -23 <(sort "$WORK/parsed-before.txt") <(sort "$WORK/parsed-after.txt"))
broken_count=$(printf '%s' "$broken" | grep -c . || true)
if [ "$broken_count" -gt 0 ]; then
    fail "$broken_count files parsed before --fix and not after:"
    printf '%s\n' "$broken" | head -20
fi

# Data loss: every original file still exists; only .py files changed; a changed file
# had a fixable diagnostic.
"$PYTHON" - "$WORK" <<'PY' >"$WORK/changes.txt"
import json, os, sys
work = sys.argv[1]
orig, copy = os.path.join(work, "orig"), os.path.join(work, "copy")
fixable = set()
for name in os.listdir(work):
    if name.startswith("json-") and name.endswith(".json"):
        try:
            items = json.load(open(os.path.join(work, name)))
        except ValueError:
            print("BADJSON", name)
            continue
        for item in items:
            fix = item.get("fix")
            if fix and fix.get("applicability") in ("safe", "unsafe") and fix.get("edits"):
                fixable.add(item["filename"])
changed = missing = other = unexpected = 0
for dirpath, _, filenames in os.walk(orig):
    for name in filenames:
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, orig)
        target = os.path.join(copy, rel)
        if os.path.islink(path):
            continue
        if not os.path.exists(target):
            missing += 1
            print("MISSING", rel)
            continue
        if open(path, "rb").read() == open(target, "rb").read():
            continue
        if not rel.endswith(".py"):
            other += 1
            print("NONPY", rel)
        elif rel not in fixable:
            unexpected += 1
            print("UNEXPECTED", rel)
        else:
            changed += 1
print(f"SUMMARY changed={changed} missing={missing} nonpy={other} unexpected={unexpected} fixable_files={len(fixable)}")
PY
summary=$(grep '^SUMMARY' "$WORK/changes.txt")
echo "files: $summary"
grep -E '^(MISSING|NONPY|UNEXPECTED|BADJSON)' "$WORK/changes.txt" | head -20 || true
if grep -qE '^(MISSING|NONPY|UNEXPECTED|BADJSON)' "$WORK/changes.txt"; then
    fail "files lost or changed without a fix (see $WORK/changes.txt)"
fi

# After fixing, a second check must find no safe fix left undone (held-back fixes
# are reported on stderr and counted).
remaining=0
for package in "${!fix_status[@]}"; do
    (cd "$WORK/copy" && timeout "$TIMEOUT" "$CANON" check --output-format json "$package" \
        >"$WORK/after-$package.json" 2>/dev/null) || true
    left=$("$PYTHON" -c 'import json,sys; print(sum(1 for d in json.load(open(sys.argv[1])) if (d.get("fix") or {}).get("applicability") == "safe" and d["fix"].get("edits")))' "$WORK/after-$package.json" 2>/dev/null || echo "?")
    echo "after  $package: $left safe fixes still offered"
    [ "$left" = "0" ] || remaining=$((remaining + 1))
done

echo "sweep: $total_py files; $parsed_before parsed before, $((parsed_before - broken_count)) still parse after --fix; $broken_count broken; $remaining packages with safe fixes left; $failures failures"
[ "$failures" -eq 0 ]
