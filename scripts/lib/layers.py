"""What each layer of a request costs, from perf's folded stacks (scripts/profile).

    python3 layers.py STACKS.folded CPU_US_PER_REQUEST

Each sample goes to the innermost layer its stack passes through (from the leaf up), so
work a layer's callees do for it (its allocations, its syscalls) is its own, and the shares
add up to 100%: the SQL a handler runs is "SQL", the rest of the handler is "handler". A
layer's CPU per request is its share of the CPU each request took (measured by scripts/profile
from /proc while wrk ran). Then, for what no layer claims, the crate whose code was running.
"""

import re
import sys


HZ = 499
# Layers of a request through the generated service, by the functions that do their work;
# the innermost one a sample's stack passes through takes it.
LAYERS = [
    ("hyper: HTTP/1 read, parse and write", r"^hyper::"),
    ("tokio: tasks, I/O driver", r"^tokio::runtime::(task|io|scheduler)"),
    ("observe: the request's span, id, headers", r"::app::observe"),
    ("request span (tracing)", r"::telemetry::request_span|tracing_subscriber::|tracing::span::|tracing_core::"),
    ("the log line (format + write)", r"::json_log::|::log_sink::|::telemetry::log_response"),
    ("metrics (record, in flight)", r"::monitoring::|^metrics"),
    ("request id", r"::telemetry::request_id"),
    ("trace context (tracing's check)", r"::traces::"),
    ("guard: head size, deadline", r"::app::guard"),
    ("identify (token)", r"::auth::identify"),
    ("rate limit", r"::rate_limit::|^governor::"),
    ("request deadline (timer)", r"^tokio::time::|^tokio::runtime::time"),
    ("compression layer", r"tower_http::compression"),
    ("idempotency guard", r"::idempotency::"),
    ("axum: routing, boxed services", r"^axum::(?!handler::Handler<)|^tower::|^matchit::"),
    ("extractors (caller, id, conditions, body)", r"::extract::|::access::|::conditional::Conditions"),
    (
        "handler, service, repo",
        r"::resources::[a-z_]+::(handlers|service|repo)::|::list::|^bench_reference::|^axum::handler::Handler<",
    ),
    ("read cache", r"::cache::|^moka::"),
    ("SQL: sqlx", r"^sqlx_core::|^sqlx_sqlite::|^sqlx_postgres::|^flume::"),
    ("SQL: SQLite's C code", r"^sqlite3|^pcache|^btree|^vdbe"),
    ("ETag and conditional answer", r"::conditional::|^xxhash"),
    ("field rules (shown, hidden keys)", r"::fields::"),
    ("JSON writing (serde_json)", r"^serde_json::|::serialize$|Serialize>::serialize"),
]


def subject(frame: str) -> str:
    """The path a frame's layer is read from. A trait method on a type,
    `<sqlx_core::x::Stream<T> as futures_core::Stream>::poll_next`, is the type's code, so it
    reads as `sqlx_core::x::Stream<T>`; on a bare type parameter, `<F as
    axum::handler::Handler<..>>::call`, only the trait tells whose code it is (the handler's
    own body, which the compiler inlines there). Without this, every trait method's frame
    went to the layer of the frame around it: sqlx's streams read as axum's routing."""
    if not frame.startswith("<"):
        return frame
    inner = frame[1:]
    depth = 0
    for i, ch in enumerate(inner):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0 and inner.startswith(" as ", i):
            ty = inner[:i].lstrip("&*( ").removeprefix("mut ").removeprefix("dyn ")
            if re.fullmatch(r"[A-Z]\w*", ty):
                return inner[i + 4 :]
            return ty
    return inner


def crate_of(frame: str) -> str:
    if frame.endswith("_[k]") or frame.startswith("[kernel") or frame in ("[unknown]",):
        return "kernel"
    name = frame.lstrip("<&*( ")
    # A trait method on a type, `<hyper::x::Y as tokio::io::AsyncRead>::poll_read`: the type's crate.
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1)
    if name.startswith("sqlite3"):
        return "sqlite3 (C)"
    if name.startswith(("mi_", "_mi_")):
        return "mimalloc"
    if re.match(r"^(__)?(libc|memcpy|memmove|memset|malloc|free|pthread|__GI|__lll|syscall|epoll|write|read|send|recv)", name):
        return "libc"
    return "other"


def main() -> None:
    folded, cpu_us = sys.argv[1], float(sys.argv[2])
    stacks = []
    for line in open(folded):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    total = sum(c for _, c in stacks) or 1
    compiled = [(label, re.compile(p)) for label, p in LAYERS]
    by_layer = {label: 0 for label, _ in LAYERS}
    unclaimed: dict[str, int] = {}
    for frames, c in stacks:
        layer = next(
            (
                label
                for f in reversed(frames)
                for label, pattern in compiled
                if pattern.search(subject(f))
            ),
            None,
        )
        if layer:
            by_layer[layer] += c
        else:
            crate = crate_of(frames[-1]) if frames else "other"
            unclaimed[crate] = unclaimed.get(crate, 0) + c
    print(f"about {cpu_us:.0f} us of the server's CPU per request (from /proc, under perf)")
    print()
    print("| layer (a sample goes to the innermost) | share | CPU per request |")
    print("|---|---:|---:|")
    for label, n in by_layer.items():
        print(f"| {label} | {100 * n / total:.1f}% | {cpu_us * n / total:.1f} us |")
    n = sum(unclaimed.values())
    print(f"| no layer (threads outside a request) | {100 * n / total:.1f}% | {cpu_us * n / total:.1f} us |")
    print()
    print("| no layer, by the crate running | share |")
    print("|---|---:|")
    for crate, n in sorted(unclaimed.items(), key=lambda kv: -kv[1])[:10]:
        print(f"| {crate} | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main()
