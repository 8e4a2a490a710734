#!/usr/bin/env bash
# Demo benchmark: the whole `cutover demo` (discover → validate → plan → run → verify → report →
# inventory → rollback against the in-process Odoo emulator and Intercom sandbox, SQLite state)
# at a given size, with its wall time and peak memory.
# Usage: tests/benches/demo.sh [TICKETS]   (default: 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
tickets="${1:-10000}"
cargo build --release --quiet
dir="target/bench-demo-$tickets"
rm -rf "$dir"
echo "== cutover demo --tickets $tickets (release build, $(nproc) cores)"
/usr/bin/time -f "wall %e s, peak RSS %M KiB (the demo process; steps run as children)" \
    target/release/cutover demo --tickets "$tickets" --dir "$dir" > "$dir.log" 2>&1 || {
        tail -n 40 "$dir.log"; exit 1; }
tail -n 1 "$dir.log"
grep -E "^(==|step|  [a-z]+ +[0-9])" "$dir.log" | head -n 60 || true
echo "full output: $dir.log; state, report and logs: $dir/"
