# Sourced by scripts/bench-lists and scripts/bench-tenancy, after scripts/lib/shop.sh:
# growing a table in SQL and measuring one request's CPU per request, the service's and (on
# PostgreSQL) the database server's. The caller sets DATABASE, LOGS, CSV, OTHERS_FILE,
# DURATION and the run's database (new_run_database).

# The CPU seconds the database server's processes used so far (PostgreSQL; 0 on SQLite,
# whose work is the service's own).
database_cpu() {
    [ "$DATABASE" = postgres ] || { echo 0; return; }
    python3 - <<'PY'
import os
ticks = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            name, rest = f.read().rsplit(")", 1)
        if name.split("(", 1)[1].startswith("postgres"):
            v = rest.split()
            ticks += int(v[11]) + int(v[12])
    except OSError:
        pass
print(ticks / os.sysconf("SC_CLK_TCK"))
PY
}

# Grows TABLE of the run's database (DATABASE_URL_RUN or DATABASE_FILE) to ROWS rows in SQL;
# the rest of the arguments go to grow.py (`--spread COLUMN=PARENT`).
grow() { # TABLE ROWS [GROW_ARGS...]
    log "growing $1 to $2 rows in SQL"
    if [ "$DATABASE" = postgres ]; then
        python3 "$ROOT/scripts/lib/grow.py" postgres "$DATABASE_URL_RUN" "$@"
    else
        python3 "$ROOT/scripts/lib/grow.py" sqlite "$DATABASE_FILE" "$@"
    fi
}

# Measures one request with wrk on the server BASE_URL names and appends a CSV row to $CSV
# (its header: round,rows,scenario,query,status,req_per_s,p99_ms,service_us,database_us,
# requests; ROWS labels the server). A request the service refuses is recorded with its
# status and not loaded.
measure() { # ROUND ROWS SCENARIO QUERY_PATH [HEADER...]
    local round=$1 rows=$2 name=$3 path=$4 code raw db0 db1
    shift 4
    local headers=()
    for header in "$@"; do headers+=(-H "$header"); done
    code=$(curl -s -o "$LOGS/answer.json" -w '%{http_code}' "${headers[@]}" "$BASE_URL$path" || true)
    if [ "$code" != 200 ]; then
        log "$name: GET $path answered $code: $(head -c 300 "$LOGS/answer.json")"
        echo "$round,$rows,$name,\"$path\",$code,,,,," >>"$CSV"
        return
    fi
    raw="$LOGS/wrk-lists-$name-$rows.txt"
    run_wrk "${headers[@]}" -d 1s "$BASE_URL$path" >/dev/null || die "wrk failed against $path"
    db0=$(database_cpu)
    run_wrk "${headers[@]}" --latency -d "${DURATION}s" "$BASE_URL$path" >"$raw" 2>&1 || die "wrk failed: $(cat "$raw")"
    db1=$(database_cpu)
    python3 - "$ROOT/scripts/lib" "$raw" "$rows" "$name" "$path" "$(cat "$OTHERS_FILE")" "$db0" "$db1" "$round" >>"$CSV" <<'PY'
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from wrk_output import parse

raw, rows, name, path, others, db0, db1, round_ = sys.argv[2:10]
w = parse(raw)
if w is None:
    sys.exit(f"measure: no Requests/sec in {raw}")
n = max(w["requests"], 1)
service = 1e6 * float(others.split()[1]) / n
database = 1e6 * (float(db1) - float(db0)) / n
bad = w["non2xx"] + w["socket_errors"]
status = "200" if bad == 0 else f"200 ({bad} errors)"
print(f'{round_},{rows},{name},"{path}",{status},{w["rps"]:.0f},{w["p99"]},{service:.0f},{database:.0f},{w["requests"]}')
PY
}

# A copy of the run's database as it is now, named by SUFFIX; sets COPIED_DATABASE_URL (and
# on SQLite COPIED_DATABASE_FILE).
# Every server on it must be stopped, so the file (or database) is at rest.
copy_database() { # SUFFIX
    if [ "$DATABASE" = postgres ]; then
        COPIED_DATABASE_FILE=""
        COPIED_DATABASE_URL="${DATABASE_URL_RUN}_$1"
        PG_DATABASES+=("$COPIED_DATABASE_URL")
        psql "${DATABASE_URL_RUN%/*}/postgres" -v ON_ERROR_STOP=1 -qc \
            "CREATE DATABASE ${COPIED_DATABASE_URL##*/} TEMPLATE ${DATABASE_URL_RUN##*/}" >/dev/null
    else
        python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
            "$DATABASE_FILE" "$RUN_DIR/$1.db"
        COPIED_DATABASE_FILE="$RUN_DIR/$1.db"
        COPIED_DATABASE_URL="sqlite://$COPIED_DATABASE_FILE?mode=rwc"
    fi
}
