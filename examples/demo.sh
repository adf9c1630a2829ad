#!/usr/bin/env bash
# Walk through canon on the example backend in a throwaway git repository.
#
#   cargo build --release && examples/demo.sh
#   CANON=/path/to/canon examples/demo.sh
#
# The example tree is committed as the legacy baseline (13 known violations),
# then a change adds two new violations and touches an unrelated legacy line.
# `canon check --staged` must report exactly the two new violations.
# Exit status: 0 when canon ran and found them, nonzero otherwise.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
example="$script_dir/backend"

# Resolve the binary: $CANON (a path, or a command name on PATH), else the release build.
canon=${CANON:-"$repo_root/target/release/canon"}
if [[ "$canon" != */* ]]; then
    canon=$(command -v "$canon" || true)
elif [[ "$canon" != /* ]]; then
    canon="$PWD/$canon"
fi
if [[ -z "$canon" || ! -x "$canon" ]]; then
    echo "demo: canon binary not found (${CANON:-$repo_root/target/release/canon});" \
        "run 'cargo build --release' or set CANON" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

# Run canon, print its output, and store the exit status in $status without tripping `set -e`.
run_canon() {
    show "canon $*"
    set +e
    "$canon" "$@"
    status=$?
    set -e
    echo "(exit status $status)"
}

fail() {
    echo "demo: FAILED: $*" >&2
    exit 1
}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/canon-demo.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

step "Copy examples/backend into $workdir and commit it as the legacy baseline"
cp -R "$example/." "$workdir/"
find "$workdir" -name __pycache__ -type d -prune -exec rm -rf {} +
cd "$workdir"
git init -q
git config user.name "Demo User"
git config user.email "demo@example.com"
git config commit.gpgsign false
git add -A
git commit -q --no-verify -m "Legacy baseline"
git log --oneline

step "Whole tree, every line: the legacy debt (README.md lists 13 violations)"
show "canon check --output-format concise ."
set +e
tree_output=$("$canon" check --output-format concise .)
status=$?
set -e
printf '%s\n' "$tree_output"
echo "(exit status $status)"
[[ $status -eq 1 ]] || fail "expected exit status 1 from 'canon check .', got $status"
tree_count=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: CAN' <<<"$tree_output" || true)
if [[ $tree_count -ne 13 ]]; then
    echo "note: $tree_count diagnostics; examples/backend/README.md expects 13"
fi

step "Make a change: a new function with a legacy import and a singleton call, and an edited legacy line"
cat >>netra_backend/app/services/notifications.py <<'EOF'


async def broadcast_maintenance_notice(user_context: UserExecutionContext, text: str) -> int:
    from netra_backend.app.websocket_core import get_websocket_manager
    from netra_backend.app.websocket_core.manager import WebSocketManager

    manager = get_websocket_manager(user_context)
    assert isinstance(manager, WebSocketManager)
    return await manager.send_to_user("maintenance", {"text": text})
EOF
sed -i 's/^HEARTBEAT_INTERVAL_SECONDS = 25$/HEARTBEAT_INTERVAL_SECONDS = 30/' \
    netra_backend/app/websocket_core/manager.py
git add netra_backend/app/services/notifications.py netra_backend/app/websocket_core/manager.py
git diff --cached --stat
git diff --cached

step "Check the staged change: only the lines it touches (expect 2 violations, exit status 1)"
run_canon check --staged
[[ $status -eq 1 ]] || fail "expected exit status 1 from 'canon check --staged', got $status"

set +e
staged_output=$("$canon" check --staged --output-format concise)
status=$?
set -e
[[ $status -eq 1 ]] || fail "expected exit status 1 from 'canon check --staged --output-format concise', got $status"
diagnostics=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: CAN' <<<"$staged_output" || true)
grep -q '\[websocket-manager\]' <<<"$diagnostics" \
    || fail "the new legacy import (services/notifications.py:33) was not reported"
grep -q '\[no-singleton-manager\]' <<<"$diagnostics" \
    || fail "the new get_websocket_manager() call (services/notifications.py:35) was not reported"
if grep -vq '^netra_backend/app/services/notifications\.py:3[0-9]:' <<<"$diagnostics"; then
    printf '%s\n' "$diagnostics" >&2
    fail "diagnostics outside the changed lines (legacy violations must not block a commit)"
fi
echo "ok: the 2 new violations were reported, and none of the 13 legacy ones"

step "Show the fixes as a unified diff (changes nothing)"
run_canon check --staged --diff
case $status in
    0 | 1) ;;
    *) fail "'canon check --staged --diff' exited with status $status" ;;
esac

step "Compliance report for the whole tree"
run_canon report
[[ $status -eq 0 ]] || fail "expected exit status 0 from 'canon report', got $status"

step "Done: canon caught the new violations and left the legacy ones to the report"
