#!/usr/bin/env bash
# One command for the whole benchmark: installs what is missing (hyperfine,
# ripgrep, GNU time from Debian; ruff pinned into bench/.venv), builds canon in
# release mode, prepares the corpora under bench/corpora/ (downloaded and built
# once, then reused), measures, and prints the report.
#
#   bench/run.sh                  # everything
#   bench/run.sh --update-doc     # ... and write the figures into BENCHMARKS.md
#   bench/run.sh --corpus django --no-staged --runs 5
#
# CANON=/path/to/canon skips the build and benchmarks that binary.
set -euo pipefail

RUFF_VERSION=0.17.6   # keep in step with RUFF_VERSION in bench/bench.py

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/time ] || missing+=(time)
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
    echo "[bench] installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    echo "[bench] creating bench/.venv" >&2
    python3 -m venv "$venv"
fi
if [ "$("$venv/bin/ruff" --version 2>/dev/null || true)" != "ruff $RUFF_VERSION" ]; then
    echo "[bench] installing ruff $RUFF_VERSION into bench/.venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "ruff==$RUFF_VERSION"
fi

if [ -z "${CANON:-}" ]; then
    echo "[bench] cargo build --release" >&2
    cargo build --release --quiet --bin canon
    export CANON="$root/target/release/canon"
fi

exec "$venv/bin/python" "$here/bench.py" "$@"
