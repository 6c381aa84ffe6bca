"""Grows a table of a generated service to a row count by copying one of its rows in SQL
(scripts/bench --rows): a million rows through the API would take an hour, through COPY or
one SQLite transaction they take seconds.

    grow.py sqlite PATH TABLE TARGET [--spread COLUMN=PARENT]
    grow.py postgres URL TABLE TARGET [--spread COLUMN=PARENT]

Copy i (counted from 1) of the table's first row differs from it in (docs/benchmarks.md,
"Lists at a million rows", says the same):
  id                       a new random UUID
  created_at, updated_at   the first row's, minus i seconds (so the API's row stays newest)
  every other unique text  ROW-<i, 7 digits> (skus), so unique indexes hold
  name                     "Row <i>"
  price, total             <i mod 1000>.99
  stock                    i mod 500
  status                   pending, paid, shipped, delivered, cancelled in turn
  COLUMN (with --spread)   the ids of table PARENT's rows, in the order of their ids, in
                           turn by blocks of five copies (scripts/bench-tenancy spreads the
                           rows over tenants this way: every tenant gets every status)
Every other column keeps the first row's value (a foreign key: the same parent for all).
Afterwards SQLite is ANALYZEd, and PostgreSQL VACUUM (ANALYZE)d: a table just filled by COPY
has an empty visibility map, so every index-only scan (a list's count) would also fetch each
row it counts, which autovacuum's first pass ends on a real table.
"""
import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta

STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"]


def varied(column, i, template, unique, spread=None):
    """The value of `column` in copy `i`, or `template` when the column keeps it; `spread`
    is (COLUMN, the parents' ids) or None."""
    if spread and column == spread[0]:
        return spread[1][(i // 5) % len(spread[1])]
    if column in ("created_at", "updated_at"):
        return shifted(template, i)
    if column == "name":
        return f"Row {i}"
    if column in ("price", "total"):
        return f"{i % 1000}.99"
    if column == "stock":
        return i % 500
    if column == "status":
        return STATUSES[i % len(STATUSES)]
    if column in unique:
        return f"ROW-{i:07d}"
    return template


def shifted(text, i):
    """A timestamp `i` seconds before `text`, written the way `text` is."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(.*)", text)
    if not m:
        sys.exit(f"grow: cannot read the timestamp {text!r}")
    day, clock, fraction, zone = m.groups()
    moment = datetime.fromisoformat(f"{day}T{clock}{fraction or ''}") - timedelta(seconds=i)
    sep = text[10]
    out = moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if fraction:
        out += f".{moment.microsecond:06d}"[: len(fraction)].ljust(len(fraction), "0")
    return out + zone


def grow_sqlite(path, table, target, spread=None):
    db = sqlite3.connect(path)
    if spread:
        spread = (spread[0], [r[0] for r in db.execute(f"SELECT id FROM {spread[1]} ORDER BY id")])
    have = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    if have == 0:
        sys.exit(f"grow: {table} has no row to copy")
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY created_at DESC LIMIT 1")
    columns = [d[0] for d in cursor.description]
    template = dict(zip(columns, cursor.fetchone()))
    unique = set()
    for _, name, is_unique, *_ in db.execute(f"PRAGMA index_list({table})"):
        if is_unique:
            unique |= {row[2] for row in db.execute(f"PRAGMA index_info({name})")}
    unique.discard("id")
    placeholders = ", ".join("?" for _ in columns)
    rows = (
        [uuid.uuid4().bytes if c == "id" else varied(c, i, template[c], unique, spread) for c in columns]
        for i in range(have, target)
    )
    with db:
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
    db.execute("ANALYZE")
    db.close()


def psql(url, sql, stdin=None):
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                          input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"grow: psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


def grow_postgres(url, table, target, spread=None):
    if spread:
        spread = (spread[0], psql(url, f"SELECT id FROM {spread[1]} ORDER BY id").split())
    have = int(psql(url, f"SELECT COUNT(*) FROM {table}"))
    if have == 0:
        sys.exit(f"grow: {table} has no row to copy")
    # Text, as COPY reads it back.
    template = json.loads(psql(url, f"SELECT json_object_agg(key, value) FROM "
                               f"(SELECT * FROM {table} ORDER BY created_at DESC LIMIT 1) t, "
                               f"json_each_text(row_to_json(t))"))
    columns = list(json.loads(psql(url, f"SELECT row_to_json(t) FROM (SELECT * FROM {table} LIMIT 1) t")))
    # A generated column (a per-tenant decimal's `*_scaled`, a text's `*_prefix`) is the
    # database's to fill: COPY refuses one.
    generated = set(psql(url, f"""SELECT column_name FROM information_schema.columns
        WHERE table_name = '{table}' AND is_generated = 'ALWAYS'""").split())
    columns = [c for c in columns if c not in generated]
    unique = set(psql(url, f"""SELECT a.attname FROM pg_index i JOIN pg_attribute a
        ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '{table}'::regclass AND i.indisunique""").split())
    unique.discard("id")
    out = io.StringIO()
    writer = csv.writer(out)
    for i in range(have, target):
        row = []
        for c in columns:
            value = str(uuid.uuid4()) if c == "id" else varied(c, i, template.get(c), unique, spread)
            row.append("\\N" if value is None else value)
        writer.writerow(row)
    psql(url, f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", out.getvalue())
    psql(url, f"VACUUM (ANALYZE) {table}")


if __name__ == "__main__":
    kind, where, table, target = sys.argv[1:5]
    spread = None
    if sys.argv[5:6] == ["--spread"]:
        spread = tuple(sys.argv[6].split("=", 1))
    elif len(sys.argv) > 5:
        sys.exit(f"grow: unknown arguments {sys.argv[5:]} (see the docstring)")
    names = [table, *(spread or ())]
    for name in names:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            sys.exit(f"grow: {name!r} is not a table or column name")
    {"sqlite": grow_sqlite, "postgres": grow_postgres}[kind](where, table, int(target), spread)
