# Sourced by scripts/bench and scripts/soak: generates examples/shop.toml into
# target/bench/shop, builds it in release mode, starts it on a fresh database
# (SQLite or PostgreSQL) and seeds products through its API.
#
# The caller sets TOOL (the prefix of messages), LOGS (where servers' logs go),
# DATABASE (sqlite or postgres), and for run_wrk THREADS, CONNECTIONS and
# OTHERS_FILE, before calling these functions; it may set REDIS_URL_ARG, add
# variables to EXTRA_ENV ("NAME=value" entries, passed to the server) and set
# SERVER_LOG_FILTER (a command the server's output goes through to its log).
#
# Everything it builds or writes stays under target/bench (git-ignored):
#   target/bench/shop     the generated project
#   target/bench/target   its cargo target dir (shared, so re-runs are incremental)
#   target/bench/run.*    a run's SQLite file and seeded ids (removed on exit)

# The PostgreSQL server that --database postgres creates its database on.
PG_SERVER="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
PRODUCTS=2000
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH="$ROOT/target/bench"
PROJECT="$BENCH/shop"
export CARGO_TARGET_DIR="$BENCH/target"
EXTRA_ENV=()
SERVER_LOG_FILTER=(cat)

die() {
    echo "$TOOL: error: $*" >&2
    exit 1
}

log() {
    echo "$TOOL: $*" >&2
}

positive_int() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 expects a positive integer, got '$2'"
}

SERVER_PID=""
RUN_DIR=""
WRK_PID=""
PG_DATABASES=()

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        # Graceful shutdown; force it if the server hangs.
        for _ in $(seq 1 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# Stops wrk and the server, removes the run's files and drops its PostgreSQL
# databases. The caller may set CLEANUP_HOOK to a function run first.
cleanup() {
    [ -z "${CLEANUP_HOOK:-}" ] || "$CLEANUP_HOOK"
    if [ -n "$WRK_PID" ]; then
        kill "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    stop_server
    if [ -n "$RUN_DIR" ]; then
        rm -rf "$RUN_DIR"
        RUN_DIR=""
    fi
    local url
    for url in "${PG_DATABASES[@]}"; do
        psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${url##*/} WITH (FORCE)" >/dev/null 2>&1 || true
    done
    PG_DATABASES=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wrk (installed with apt-get when missing), curl and python3.
require_tools() {
    if ! command -v wrk >/dev/null 2>&1; then
        log "installing wrk"
        if ! apt-get install -y wrk >/dev/null 2>&1; then
            if ! { apt-get update -qq && apt-get install -y wrk >/dev/null; }; then
                die "could not install wrk (apt-get install -y wrk)"
            fi
        fi
    fi
    command -v curl >/dev/null 2>&1 || die "curl is required"
    command -v python3 >/dev/null 2>&1 || die "python3 is required"
}

# Generates the shop and builds it in release mode; sets BINARY, API_PREFIX and
# BUILD_LOG.
build_shop() {
    cd "$ROOT"
    # One binary for both back ends: DATABASE_URL (set per run) picks SQLite or PostgreSQL.
    log "generating examples/shop.toml into target/bench/shop"
    # `new` never writes into a project it generated (it would drop edits): the bench's own
    # copy is generated afresh each run (its build stays in the bench's target dir).
    rm -rf "$PROJECT"
    # The generator's own build uses the repository's target dir, not the bench one.
    CARGO_TARGET_DIR="$ROOT/target" cargo run --release -q -- \
        new shop --spec examples/shop.toml --output "$PROJECT" >/dev/null

    log "building the shop service (release; a few minutes the first time)"
    BUILD_LOG="$LOGS/build.log"
    # --locked: a generated Cargo.lock is complete and exact for every spec (the e2e tests
    # check that a build leaves it as it is).
    (cd "$PROJECT" && cargo build --release --locked 2>&1 | tee "$BUILD_LOG" >&2) ||
        die "cargo build --release failed (log: $BUILD_LOG)"

    local crate
    crate=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["package"]["name"])' \
        "$PROJECT/Cargo.toml")
    BINARY="$CARGO_TARGET_DIR/release/$crate"
    [ -x "$BINARY" ] || die "no binary at $BINARY after the build"
    # The routes' prefix, from the spec as it is now.
    API_PREFIX=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"].get("api_prefix", ""))' \
        "$PROJECT/backend-gen.toml")
}

# Generates SPEC into target/bench/NAME afresh as the project CRATE (default shop) and builds
# it in release mode into the same target dir as the shop (one crate name: the last build's
# binary is overwritten, so copy it aside first); copies the binary to
# target/bench/bin/CRATE-NAME. Needs BUILD_LOG.
build_variant() { # NAME SPEC [CRATE]
    local dir="$BENCH/$1" crate="${3:-shop}"
    log "generating and building the variant '$1' of $crate"
    # `new` never writes into a project it generated: each run generates afresh.
    rm -rf "$dir"
    CARGO_TARGET_DIR="$ROOT/target" cargo run --release -q -- \
        new "$crate" --spec "$2" --output "$dir" >/dev/null
    (cd "$dir" && cargo build --release --locked 2>&1 | tee -a "$BUILD_LOG" >&2) ||
        die "cargo build --release of the variant '$1' failed (log: $BUILD_LOG)"
    mkdir -p "$BENCH/bin"
    cp "$CARGO_TARGET_DIR/release/$crate" "$BENCH/bin/$crate-$1"
}

# Writes target/bench/random-id.lua: each request reads a random one of the ids in
# $BENCH_IDS (one per line), at $BENCH_PATH_PREFIX plus the id.
write_random_id_lua() {
    cat >"$BENCH/random-id.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local prefix = os.getenv("BENCH_PATH_PREFIX")
local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("seed", counter)
end
function init(args)
    math.randomseed(os.time() + seed * 7919)
end
function request()
    return wrk.format(nil, prefix .. ids[math.random(#ids)])
end
LUA
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The whole environment of the service (and of its grant-role command).
SERVER_VARS=(PATH PORT HOST DATABASE_URL RATE_LIMIT_PER_MINUTE RATE_LIMIT_BURST
    LOG_FORMAT RUST_LOG APP_ENV CACHE_ENABLED REDIS_URL API_PREFIX JWT_SECRET METRICS_TOKEN)
# One signing key for every server of the run, so the token the seed signed in
# with stays valid after a restart.
JWT_SECRET="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
# The token the scripts' own scrapes of /metrics send.
METRICS_TOKEN="metrics-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export METRICS_TOKEN

# One database for the whole run: the shop creates and migrates it, the seed
# fills it, and every server after uses the same rows. Sets RUN_DIR,
# DATABASE_URL_RUN and (on SQLite) DATABASE_FILE.
new_run_database() {
    mkdir -p "$BENCH"
    RUN_DIR=$(mktemp -d "$BENCH/run.XXXXXX")
    DATABASE_FILE="$RUN_DIR/bench.db"
    DATABASE_URL_RUN="sqlite://$DATABASE_FILE?mode=rwc"
    if [ "$DATABASE" = postgres ]; then
        DATABASE_FILE=""
        DATABASE_URL_RUN="$PG_SERVER/bench_$(date +%s%N)"
        PG_DATABASES+=("$DATABASE_URL_RUN")
    fi
}

# Starts a server (`binary`, run as `binary ARGS...`, on the run's database with
# its read cache on or off); sets SERVER_PID, BASE_URL, SERVER_LOG. The shop runs
# with every feature on and its default logs: JSON lines at `info`, one per
# request. Rate limits are raised out of reach.
#   start_server BINARY CACHE LABEL [ARGS...]
start_server() {
    local binary=$1 cache=$2 label=$3 port
    shift 3
    port=$(free_port)
    SERVER_LOG="$LOGS/server-$label.log"
    BASE_URL="http://127.0.0.1:$port"
    export PORT="$port" HOST=127.0.0.1 \
        DATABASE_URL="$DATABASE_URL_RUN" REDIS_URL="${REDIS_URL_ARG:-}" \
        RATE_LIMIT_PER_MINUTE=4000000000 RATE_LIMIT_BURST=4000000000 \
        LOG_FORMAT=json RUST_LOG=info APP_ENV=development \
        CACHE_ENABLED="$cache" API_PREFIX="$API_PREFIX"
    # Only these variables (nothing from the caller's environment, such as a
    # REDIS_URL or BIND_ADDR), and from the run directory, so no .env is read.
    local name env_args=()
    for name in "${SERVER_VARS[@]}"; do
        env_args+=("$name=${!name}")
    done
    env_args+=("${EXTRA_ENV[@]}")
    (cd "$RUN_DIR" && exec env -i "${env_args[@]}" "$binary" "$@") > >("${SERVER_LOG_FILTER[@]}" >"$SERVER_LOG") 2>&1 &
    SERVER_PID=$!

    local code=""
    for _ in $(seq 1 300); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            wait "$SERVER_PID" 2>/dev/null || true
            SERVER_PID=""
            sleep 0.2 # the log filter's last lines
            echo "$TOOL: the server exited before answering; the end of its log ($SERVER_LOG):" >&2
            tail -n 30 "$SERVER_LOG" >&2
            exit 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE_URL/health" || true)
        [ "$code" = 200 ] && return 0
        sleep 0.1
    done
    echo "$TOOL: GET $BASE_URL/health never answered 200 within 30 s (last: '${code}'); the end of the server's log ($SERVER_LOG):" >&2
    tail -n 30 "$SERVER_LOG" >&2
    exit 1
}

# Several servers at once (scripts/bench, scripts/bench-outbox), each kept by a label; a
# caller sets CLEANUP_HOOK=stop_servers.
declare -A SERVER_PIDS=() SERVER_URLS=()

# Starts a server and keeps it by its label (start_server's globals hold only one).
keep_server() { # LABEL BINARY CACHE [ARGS...]
    local label=$1
    shift
    start_server "$1" "$2" "$label" "${@:3}"
    SERVER_PIDS[$label]=$SERVER_PID
    SERVER_URLS[$label]=$BASE_URL
    SERVER_PID=""
}

# Points start_server's globals (what run_wrk and the helpers read) at a kept server.
use_server() { # LABEL
    SERVER_PID=${SERVER_PIDS[$1]}
    BASE_URL=${SERVER_URLS[$1]}
}

stop_servers() {
    local label
    for label in "${!SERVER_PIDS[@]}"; do
        use_server "$label"
        stop_server
    done
    SERVER_PIDS=()
    SERVER_URLS=()
}

# Runs `wrk -t $THREADS -c $CONNECTIONS ARGS...` in the background, so that
# Ctrl-C reaches the script's traps at once (wrk itself would catch it, print its
# figures and exit 0) and cleanup stops it.
# Also writes to $OTHERS_FILE the share of the machine's CPU that neither the
# server nor wrk used meanwhile (anything else busy skews the figures), and the
# server's CPU seconds (user + system, from /proc).
run_wrk() {
    python3 - "$SERVER_PID" "$OTHERS_FILE" wrk -t "$THREADS" -c "$CONNECTIONS" "$@" <<'PY' &
import os, resource, signal, subprocess, sys

server, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]


def machine():  # busy and total ticks of all CPUs
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]  # guest time is already in user
    return sum(v) - v[3] - v[4], sum(v)


def server_ticks():
    with open(f"/proc/{server}/stat") as f:
        v = f.read().rsplit(")", 1)[1].split()
    return int(v[11]) + int(v[12])  # utime + stime


b0, t0, s0 = *machine(), server_ticks()
child = subprocess.Popen(cmd)
signal.signal(signal.SIGTERM, lambda *_: (child.terminate(), sys.exit(143)))
code = child.wait()
b1, t1, s1 = *machine(), server_ticks()
wrk = resource.getrusage(resource.RUSAGE_CHILDREN)
wrk_ticks = (wrk.ru_utime + wrk.ru_stime) * os.sysconf("SC_CLK_TCK")
others = max(0.0, (b1 - b0) - (s1 - s0) - wrk_ticks) / max(t1 - t0, 1)
with open(out, "w") as f:
    f.write(f"{100 * others:.0f} {(s1 - s0) / os.sysconf('SC_CLK_TCK'):.3f}\n")
sys.exit(code)
PY
    WRK_PID=$!
    local status=0
    wait "$WRK_PID" || status=$?
    WRK_PID=""
    return "$status"
}

# Seeds $PRODUCTS products (signing in as an admin first when the service has
# auth), writes their ids to $RUN_DIR/ids.txt and prints the admin's token.
seed() {
    python3 - "$BASE_URL" "$BINARY" "$PRODUCTS" "$API_PREFIX" "${SERVER_VARS[*]}" "$RUN_DIR" "$TOOL" <<'PY'
import json, os, subprocess, sys, urllib.error, urllib.request

base, binary, count, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
server_env = {k: os.environ[k] for k in sys.argv[5].split() if k in os.environ}
run_dir, tool = sys.argv[6], sys.argv[7]
EMAIL, PASSWORD = "bench@example.com", "bench-password-123"


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def expect(what, status, body, ok):
    if status not in ok:
        sys.exit(f"{tool}: {what} answered {status}: {body.decode(errors='replace')[:500]}")
    return json.loads(body) if body else None


status, body = call("GET", "/openapi.json")
doc = expect("GET /openapi.json", status, body, (200,))
paths = doc.get("paths", {})
token = None

if f"{prefix}/auth/register" in paths:
    # The register body: the user's fields plus email and password. Any other
    # required field takes the example the OpenAPI document gives for it.
    register = {"email": EMAIL, "password": PASSWORD, "fullName": "Bench"}
    try:
        schema = paths[f"{prefix}/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        while "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        for name in schema.get("required", []):
            if name not in register:
                examples = schema.get("properties", {}).get(name, {}).get("examples")
                if examples:
                    register[name] = examples[0]
        props = schema.get("properties")
        if props:
            register = {k: v for k, v in register.items() if k in props or k in ("email", "password")}
    except (KeyError, TypeError):
        pass
    status, body = call("POST", f"{prefix}/auth/register", register)
    expect(f"POST {prefix}/auth/register", status, body, (200, 201))
    granted = subprocess.run([binary, "grant-role", EMAIL, "admin"], env=server_env,
                             cwd=run_dir,
                             capture_output=True, text=True)
    if granted.returncode != 0:
        sys.exit(f"{tool}: `{binary} grant-role {EMAIL} admin` failed ({granted.returncode}):\n{granted.stderr[-2000:]}")
    status, body = call("POST", f"{prefix}/auth/login", {"email": EMAIL, "password": PASSWORD})
    login = expect(f"POST {prefix}/auth/login", status, body, (200,))
    token = login.get("accessToken") or login.get("access_token")
    if not token:
        sys.exit(f"{tool}: POST {prefix}/auth/login gave no accessToken: {sorted(login)}")
    print(f"{tool}: auth: registered and signed in as an admin", file=sys.stderr)

ids = []
for i in range(1, count + 1):
    product = {
        "sku": f"BENCH-{i:04d}",
        "name": f"Bench product {i}",
        "description": f"Product number {i}, created by scripts/{tool}.",
        "price": f"{i % 100}.99",
        "stock": i * 3,
    }
    status, body = call("POST", f"{prefix}/products", product, token)
    created = expect(f"POST {prefix}/products ({product['sku']})", status, body, (201,))
    ids.append(created["id"])
with open(f"{run_dir}/ids.txt", "w") as f:
    f.write("\n".join(ids) + "\n")
# The admin's token (empty without auth); the ids are in ids.txt.
print(token or "")
PY
}
