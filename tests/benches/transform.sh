#!/usr/bin/env bash
# Transform benchmark: cutover vs a hand-written serde_json program vs jq, at two sizes.
# Usage: tests/benches/transform.sh [TICKETS...]   (default: 100000 1000000)
# Needs jq on PATH. Data is generated deterministically into target/bench-data/.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-100000 1000000}")
[[ $# -eq 0 ]] && sizes=(100000 1000000)
cargo build --release --quiet
cargo bench --bench transform --no-run --quiet 2>/dev/null
for n in "${sizes[@]}"; do
    data="target/bench-data/odoo-$n"
    if [[ ! -f "$data/helpdesk.ticket.ndjson" ]]; then
        target/release/cutover generate --platform odoo --tickets "$n" --seed 1 --out "$data" >/dev/null
    fi
    echo "== $n tickets"
    cargo bench --quiet --bench transform -- baseline "$data"
    cargo bench --quiet --bench transform -- cutover "$data"
    start=$(date +%s.%N)
    jq -c --slurpfile stages <(jq -s . "$data/helpdesk.stage.ndjson") \
          --slurpfile tags <(jq -s . "$data/helpdesk.tag.ndjson") \
          -f tests/benches/transform.jq "$data/helpdesk.ticket.ndjson" >/dev/null
    end=$(date +%s.%N)
    echo "jq: $n records in $(echo "$end - $start" | bc -l | cut -c1-6) s = $(echo "$n / ($end - $start)" | bc -l | cut -d. -f1) records/s"
done
