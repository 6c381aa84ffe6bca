import re


def schema(db):
    """A SQLite database's schema, normalised to sorted lines: each table, its columns
    (name, type, not null, default, primary key), foreign keys, CHECKs and indexes."""
    out = []
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchall()
    for name, sql in tables:
        out.append(f"table {name}")
        for r in db.execute(f'PRAGMA table_info("{name}")'):
            out.append(f"column {name} " + " ".join(map(str, r[1:])))
        for r in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            out.append(f"fk {name} " + " ".join(map(str, r[2:])))
        for check in re.findall(r"CHECK \((?:[^()]|\([^()]*\))*\)", sql):
            out.append(f"check {name} {check}")
    for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"):
        out.append(f"index {name} {sql}")
    return "\n".join(sorted(out))
