"""Reads the figures out of the text `wrk --latency` prints (scripts/bench, scripts/soak)."""
import re


def parse(path):
    """Requests per second, the 50/75/90/99th percentiles in ms (strings, "" when absent),
    the request count, non-2xx-or-3xx responses and socket errors (connect, read, write,
    timeout together); None when wrk printed no Requests/sec."""
    text = open(path).read()

    def find(pattern):
        m = re.search(pattern, text, re.M)
        return m.group(1) if m else ""

    def ms(value):
        m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", value)
        if not m:
            return ""
        factor = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
        return f"{float(m.group(1)) * factor:.2f}"

    rps = find(r"^Requests/sec:\s+([0-9.]+)")
    if not rps:
        return None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": float(rps),
        **{f"p{p}": ms(find(rf"^\s+{p}%\s+(\S+)")) for p in (50, 75, 90, 99)},
        "requests": int(find(r"^\s+([0-9]+) requests in") or 0),
        "non2xx": int(find(r"Non-2xx or 3xx responses:\s+([0-9]+)") or 0),
        "socket_errors": sum(int(g) for g in m.groups()) if m else 0,
    }
