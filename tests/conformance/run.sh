#!/usr/bin/env bash
# Conformance of the Intercom sink and the Intercom sandbox to Intercom's own API description.
#
# Every request the sink makes in an end-to-end run against the sandbox, and every answer the
# sandbox gives, is validated against ../shared/reference/intercom-openapi.yaml (the 2.16
# description, kept byte-exact) by Prism, following section 12 of ../shared/reference/intercom.md:
#
# 1. Installs @stoplight/prism-cli (pinned) into a cache outside the repository, once:
#    ${CUTOVER_PRISM_DIR:-~/.cache/cutover-prism}.
# 2. Turns the description into JSON with Prism's own YAML parser and patches a temporary copy
#    with tests/conformance/patch_openapi.py (each fix there names the defect of the description
#    it corrects). Then checks that Prism can compile every schema of the copy: a schema it
#    cannot compile is silently not validated at all.
# 3. Starts the sandbox (`cutover sandbox intercom`) and `prism proxy` in front of it, both on
#    127.0.0.1. In proxy mode Prism validates each request and each response against the copy,
#    forwards it either way, and lists what it found in an `sl-violations` response header.
#    `--errors` is not used: it would turn violations into Prism's own error answers.
# 4. Runs the conformance test (tests/conformance.rs), which drives every sink operation through
#    Prism and records each exchange with its `sl-violations` in a report.
# 5. Fails (exit 1) listing every violation — method, path, status, location, message — except
#    those in tests/conformance/allowed.json, each of which carries its reason; also fails when
#    the test itself fails.
#
# Both servers are stopped on exit; CUTOVER_CONFORMANCE_KEEP=1 keeps the work directory (the
# report, both logs, the patched description) and prints where it is. Needs node and npm (CI
# installs them), python3 and cargo.
# Takes about a minute, most of it building; the Prism install (~15 s) is cached.
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly PRISM_VERSION=5.14.2
readonly PRISM_DIR="${CUTOVER_PRISM_DIR:-${HOME:-/root}/.cache/cutover-prism}"
readonly DESCRIPTION="${CUTOVER_OPENAPI:-../shared/reference/intercom-openapi.yaml}"
readonly ALLOWED=tests/conformance/allowed.json
# How long a server may take to start, in seconds.
readonly START_SECONDS=90

step() {
    echo "==> conformance: $*" >&2
}

die() {
    echo "error: conformance: $*" >&2
    exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/cutover-conformance.XXXXXX")
sandbox_pid=""
prism_pid=""

stop() {
    local pid
    for pid in "$prism_pid" "$sandbox_pid"; do
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    prism_pid=""
    sandbox_pid=""
}

cleanup() {
    stop
    if [[ -n ${CUTOVER_CONFORMANCE_KEEP:-} ]]; then
        echo "conformance: kept the report, the logs and the patched description in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# show_logs: the end of each server's log, after a failure.
show_logs() {
    local log
    for log in "$work/prism.log" "$work/sandbox.err"; do
        if [[ -s $log ]]; then
            echo "--- last lines of $(basename "$log")" >&2
            tail -n 30 "$log" >&2
        fi
    done
}

[[ -f $DESCRIPTION ]] || die "the API description $DESCRIPTION is missing"
command -v node >/dev/null 2>&1 || die "node is needed (Node.js 18 or newer)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed"

# --- 1. Prism ---------------------------------------------------------------------------------
prism="$PRISM_DIR/node_modules/.bin/prism"
if [[ ! -x $prism ]] || [[ $("$prism" --version 2>/dev/null) != "$PRISM_VERSION" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to install Prism"
    step "installing @stoplight/prism-cli@$PRISM_VERSION into $PRISM_DIR"
    mkdir -p "$PRISM_DIR"
    if [[ ! -f $PRISM_DIR/package.json ]]; then
        printf '{ "name": "cutover-prism", "private": true }\n' >"$PRISM_DIR/package.json"
    fi
    npm install --prefix "$PRISM_DIR" --no-audit --no-fund --loglevel=error \
        "@stoplight/prism-cli@$PRISM_VERSION" </dev/null >&2
    [[ $("$prism" --version) == "$PRISM_VERSION" ]] || die "Prism $PRISM_VERSION did not install"
fi

# --- 2. The patched description ---------------------------------------------------------------
step "patching a copy of $DESCRIPTION (sha256 $(sha256sum "$DESCRIPTION" | cut -c1-12)…)"
# The same YAML parser Prism reads documents with, from Prism's own installation.
node - "$PRISM_DIR" "$DESCRIPTION" "$work/description.json" <<'JS'
const [prismDir, input, output] = process.argv.slice(2);
const fs = require("fs");
const path = require("path");
const from = path.join(prismDir, "node_modules", "@stoplight", "prism-http");
const { parse } = require(require.resolve("@stoplight/yaml", { paths: [from] }));
fs.writeFileSync(output, JSON.stringify(parse(fs.readFileSync(input, "utf8"))));
JS
python3 tests/conformance/patch_openapi.py "$work/description.json" "$work/intercom-openapi.json" >&2

# Prism validates a body or parameter only if ajv compiles its schema, and says nothing when it
# does not: the table's null enums and `nullable` without `type` hid whole operations that way.
# So every schema of the patched copy must compile, the way Prism compiles it, and no recursive
# schema may be bundled into one that constrains nothing.
step "checking that Prism can compile every schema of the copy"
node - "$PRISM_DIR" "$work/intercom-openapi.json" <<'JS'
const [prismDir, document] = process.argv.slice(2);
const path = require("path");
const http = path.join(prismDir, "node_modules", "@stoplight", "prism-http");
const load = (name) => require(require.resolve(name, { paths: [http] }));
const { getHttpOperationsFromSpec } = load("@stoplight/prism-http");
const { stripReadOnlyProperties, stripWriteOnlyProperties } = require(path.join(http, "dist", "utils", "filterRequiredProperties"));
const mergeAllOf = load("@stoplight/json-schema-merge-allof");
const Ajv = load("ajv").default;
// The options of Prism's validator (prism-http/dist/validator/validators/utils.js).
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, allowMatchingProperties: true, strict: false, logger: false });
load("ajv-formats").default(ajv);
const withoutAllOf = (schema) => {
  try {
    return mergeAllOf(schema, { deep: true, ignoreAdditionalProperties: true });
  } catch (error) {
    return schema;
  }
};
// A body schema as Prism's validator uses it: allOf merged, then read-only (request) or
// write-only (response) properties stripped, which gives an fp-ts Option; None: Prism skips it.
const bodySchema = (strip, schema) => {
  const option = strip(withoutAllOf(schema));
  return option && option._tag === "Some" ? option.value : undefined;
};
(async () => {
  const operations = await getHttpOperationsFromSpec(document);
  let schemas = 0;
  const failures = [];
  const compile = (where, schema, bundle) => {
    schemas += 1;
    if (schema === undefined) {
      failures.push(`${where}: Prism drops the whole schema (read-only or write-only)`);
      return;
    }
    try {
      ajv.compile({ ...schema, __bundled__: bundle });
    } catch (error) {
      failures.push(`${where}: ${String(error.message).slice(0, 240)}`);
    }
  };
  for (const operation of operations) {
    const name = `${operation.method.toUpperCase()} ${operation.path}`;
    const bundle = operation.__bundled__;
    // A recursive schema that Prism's bundler turned into `properties: {"$ref": …}`: that
    // constrains nothing, so the schema around it validates wrongly.
    const mangled = JSON.stringify([operation.request, operation.responses, bundle]).match(/"properties":\{"\$ref":"[^"]*"\}/);
    if (mangled) failures.push(`${name}: a recursive schema is bundled as ${mangled[0]}`);
    const request = operation.request || {};
    for (const kind of ["path", "query", "headers", "cookie"]) {
      for (const parameter of request[kind] || []) {
        if (parameter.schema) compile(`${name} ${kind} parameter ${parameter.name}`, parameter.schema, bundle);
      }
    }
    for (const content of (request.body && request.body.contents) || []) {
      if (content.schema) compile(`${name} request body`, bodySchema(stripReadOnlyProperties, content.schema), bundle);
    }
    for (const response of operation.responses || []) {
      for (const content of response.contents || []) {
        if (content.schema) {
          const schema = bodySchema(stripWriteOnlyProperties, content.schema);
          compile(`${name} ${response.code} response body`, schema, bundle);
        }
      }
    }
  }
  for (const failure of failures) console.error(`  ${failure}`);
  console.error(`${schemas} schemas of ${operations.length} operations; ${failures.length} that Prism cannot use`);
  process.exit(failures.length ? 1 : 0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
JS

# --- 3. The sandbox and Prism in front of it --------------------------------------------------
step "building the sandbox"
cargo build --quiet --bin cutover
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
token="conformance-$RANDOM$RANDOM"

# wait_for WHAT PID CHECK...: run CHECK every 0.2 s until it succeeds; fail if PID exits first or
# START_SECONDS pass.
wait_for() {
    local what=$1 pid=$2
    shift 2
    local attempt
    for ((attempt = 0; attempt < START_SECONDS * 5; attempt++)); do
        if "$@" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { show_logs; die "$what exited while starting"; }
        sleep 0.2
    done
    show_logs
    die "$what did not start within ${START_SECONDS}s"
}

sandbox_listening() {
    grep -q '^http://' "$work/sandbox.out"
}

port_open() {
    (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

"$target_dir/debug/cutover" sandbox intercom --port 0 --token "$token" \
    >"$work/sandbox.out" 2>"$work/sandbox.err" </dev/null &
sandbox_pid=$!
wait_for "the sandbox" "$sandbox_pid" sandbox_listening
sandbox_url=$(grep -m 1 '^http://' "$work/sandbox.out")

prism_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "prism proxy on 127.0.0.1:$prism_port in front of the sandbox at $sandbox_url"
"$prism" proxy --host 127.0.0.1 --port "$prism_port" "$work/intercom-openapi.json" "$sandbox_url" \
    >"$work/prism.log" 2>&1 </dev/null &
prism_pid=$!
wait_for "prism proxy" "$prism_pid" port_open "$prism_port"

# --- 4. The sink's traffic --------------------------------------------------------------------
step "running the sink through the proxy"
report="$work/report.jsonl"
: >"$report"
test_status=0
CUTOVER_CONFORMANCE_URL="http://127.0.0.1:$prism_port" \
    CUTOVER_CONFORMANCE_TOKEN="$token" \
    CUTOVER_CONFORMANCE_REPORT="$report" \
    cargo test --quiet --test integration conformance:: -- --nocapture </dev/null || test_status=$?

# --- 5. The verdict ---------------------------------------------------------------------------
verdict=0
python3 - "$report" "$ALLOWED" <<'PY' || verdict=$?
import json
import re
import sys

report_path, allowed_path = sys.argv[1:3]
with open(allowed_path, encoding="utf-8") as source:
    allowed = json.load(source)["allowed"]
for entry in allowed:
    if not entry.get("reason", "").strip():
        sys.exit(f"error: {allowed_path}: every entry needs a reason: {entry}")


def permitted(exchange, violation):
    """The first allow-list entry that covers this violation, if any."""
    location = violation.get("location", [])
    for entry in allowed:
        if (
            entry["method"] == exchange["method"]
            and re.fullmatch(entry["path"], exchange["path"])
            and location[: len(entry["location"])] == entry["location"]
            and entry.get("message", "") in violation.get("message", "")
        ):
            return entry
    return None


exchanges = []
with open(report_path, encoding="utf-8") as source:
    for line in source:
        if line.strip():
            exchanges.append(json.loads(line))
if not exchanges:
    sys.exit("error: conformance: no exchange was recorded")

failures, used = [], set()
for exchange in exchanges:
    for violation in exchange["violations"]:
        entry = permitted(exchange, violation)
        if entry is None:
            failures.append((exchange, violation))
        else:
            used.add(id(entry))
for entry in allowed:
    if id(entry) not in used:
        print(f"warning: conformance: allow-list entry no longer needed: {entry}", file=sys.stderr)

print(
    f"conformance: {len(exchanges)} requests and their responses validated against the description; "
    f"{len(failures)} violation(s)",
    file=sys.stderr,
)
for exchange, violation in failures:
    target = exchange["path"] + (f"?{exchange['query']}" if exchange.get("query") else "")
    location = ".".join(str(part) for part in violation.get("location", [])) or "?"
    severity = violation.get("severity", "?")
    print(
        f"  {exchange['method']} {target} -> {exchange['status']}: {location}: {violation.get('message')} [{severity}]",
        file=sys.stderr,
    )
sys.exit(1 if failures else 0)
PY

if ((test_status != 0)); then
    show_logs
    die "the conformance test failed (exit $test_status)"
fi
if ((verdict != 0)); then
    die "the sink or the sandbox does not conform to the description (see the violations above)"
fi
step "the sink's requests and the sandbox's responses conform to the description"
