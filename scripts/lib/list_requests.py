"""The list requests scripts/bench-lists measures, read off a running shop.

    list_requests.py --first-order BASE PREFIX TOKEN
        creates one order of the signed-in admin (the row grow.py copies)
    list_requests.py --sign-in BASE PREFIX
        prints a fresh access token of the admin scripts/lib/shop.sh's seed made
    list_requests.py BASE PREFIX SPEC TOKEN ROW ROWS
        prints "NAME PATH" lines: for products and orders, every kind of list request
        the served OpenAPI document allows (the first page, the deepest page the offset
        window allows, a page after a cursor there, a page after a cursor in the middle
        of the table's ROWS rows (however deep), each equality and range filter, each
        sort key both ways, each combination the spec declares), a nested list (the
        admin's orders under /users/{id}) and a read by id. Filter values come from the
        list's row number ROW (newest first), which is the same row at every size:
        grow.py's copies are older than every row before them.
"""
import base64
import json
import os
import re
import sys
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

PAGE = 20
CONTROL = {"page", "limit", "cursor", "sort", "fields"}
RANGE_SUFFIXES = ("Min", "Max", "After", "Before")


def call(base, path, token, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def subject(token):
    """The account id the token names (its `sub`)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def first_order(base, prefix, token):
    body = {"customerId": subject(token), "placedAt": datetime.now(timezone.utc).isoformat()}
    status, answer = call(base, f"{prefix}/orders", token, "POST", body)
    if status != 201:
        sys.exit(f"bench-lists: POST {prefix}/orders answered {status}: {answer}")


def sign_in(base, prefix):
    """A fresh token of the seed's admin (scripts/lib/shop.sh signs up the same account)."""
    body = {"email": "bench@example.com", "password": "bench-password-123"}
    req = urllib.request.Request(base + f"{prefix}/auth/login", data=json.dumps(body).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as err:
        sys.exit(f"bench-lists: POST {prefix}/auth/login answered {err.code}: {err.read()[:300]!r}")
    print(answer.get("accessToken") or answer["access_token"])


def camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def query(params):
    """A query string; values as JSON writes them (`true`, not Python's `True`)."""
    text = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return urllib.parse.urlencode(text, safe=",")


def first_sort_keys(schema):
    """The keys a list may sort by first, from its `sort` parameter's schema: the first
    alternation of its pattern (`^ *[+-]?(id|createdAt|name) *(, ...)*$`)."""
    match = re.match(r"\^ \*\[\+-\]\?\(([^)]*)\)", schema.get("pattern", ""))
    if not match:
        sys.exit(f"bench-lists: no sort keys in the sort parameter's schema: {schema}")
    return match.group(1).split("|")


def middle_cursor(base, path, token, rows):
    """A cursor in the middle of the list, `rows / 2` rows deep: the first page of rows
    created before the middle row (grow.py's copy i is i seconds older than the first
    row) gives it, and a cursor carries only its sort and position."""
    status, first = call(base, f"{path}?limit=1", token)
    if status != 200 or not first["data"]:
        return None
    newest = datetime.fromisoformat(first["data"][0]["createdAt"].replace("Z", "+00:00"))
    middle = (newest - timedelta(seconds=rows // 2)).isoformat().replace("+00:00", "Z")
    status, page = call(base, f"{path}?{query({'limit': PAGE, 'createdBefore': middle})}", token)
    return page.get("pagination", {}).get("nextCursor") if status == 200 else None


def list_requests(base, prefix, spec, token, row, rows):
    doc = call(base, "/openapi.json", token)[1]
    window = int(os.environ.get("LIST_OFFSET_WINDOW", "10000"))
    out = []
    resources = {"products": "product", "orders": "order"}
    for plural, singular in resources.items():
        path = f"{prefix}/{plural}"
        params = {p["name"]: p for p in doc["paths"][path]["get"].get("parameters", []) if p.get("in") == "query"}
        # The row whose values the filters ask for.
        status, page = call(base, f"{path}?{query({'limit': 1, 'page': row})}", token)
        if status != 200 or not page["data"]:
            sys.exit(f"bench-lists: no row {row} in {path}: {status} {page}")
        sample = page["data"][0]
        out.append((f"{plural}-first-page", f"{path}?limit={PAGE}"))
        deepest = window // PAGE
        out.append((f"{plural}-deepest-offset-page", f"{path}?limit={PAGE}&page={deepest}"))
        status, deep = call(base, f"{path}?limit={PAGE}&page={deepest}", token)
        cursor = deep.get("pagination", {}).get("nextCursor") if status == 200 else None
        if cursor:
            out.append((f"{plural}-cursor-page", f"{path}?{query({'limit': PAGE, 'cursor': cursor})}"))
        cursor = middle_cursor(base, path, token, rows) if "createdBefore" in params else None
        if cursor:
            out.append((f"{plural}-cursor-page-middle", f"{path}?{query({'limit': PAGE, 'cursor': cursor})}"))
        for name in params:
            if name in CONTROL:
                continue
            stem = next((name[: -len(s)] for s in RANGE_SUFFIXES if name.endswith(s)), None)
            if stem is None:
                if sample.get(name) is not None:
                    out.append((f"{plural}-filter-{name}", f"{path}?{query({'limit': PAGE, name: sample[name]})}"))
                continue
            key = {"created": "createdAt", "updated": "updatedAt"}.get(stem, stem)
            value = sample.get(key)
            if value is None:
                continue
            sort = "" if key == "createdAt" else key
            extra = {"sort": sort} if sort else {}
            out.append((f"{plural}-range-{name}", f"{path}?{query({'limit': PAGE, name: value, **extra})}"))
        for key in first_sort_keys(params.get("sort", {}).get("schema", {})):
            for direction in ("", "-"):
                label = f"desc-{key}" if direction else key
                out.append((f"{plural}-sort-{label}", f"{path}?{query({'limit': PAGE, 'sort': direction + key})}"))
        combos = spec["resources"].get(singular, {}).get("list_combinations", [])
        for i, combo in enumerate(combos):
            filters = combo.get("filter", [])
            filters = [filters] if isinstance(filters, str) else filters
            values = {}
            for f in filters:
                key = camel(f)
                key = key if key in sample else key + "Id"
                values[key] = sample.get(key)
            if combo.get("sort"):
                values["sort"] = camel(combo["sort"])
            out.append((f"{plural}-combination-{i + 1}", f"{path}?{query({'limit': PAGE, **values})}"))
    out.append(("users-orders-nested", f"{prefix}/users/{subject(token)}/orders?limit={PAGE}"))
    status, page = call(base, f"{prefix}/products?limit=1&page={row}", token)
    out.append(("product-by-id", f"{prefix}/products/{page['data'][0]['id']}"))
    for name, path in out:
        print(name, path)


if __name__ == "__main__":
    if sys.argv[1] == "--first-order":
        first_order(*sys.argv[2:5])
    elif sys.argv[1] == "--sign-in":
        sign_in(*sys.argv[2:4])
    else:
        base, prefix, spec_path, token, row, rows = sys.argv[1:7]
        with open(spec_path, "rb") as f:
            spec = tomllib.load(f)
        list_requests(base, prefix, spec, token, int(row), int(rows))
