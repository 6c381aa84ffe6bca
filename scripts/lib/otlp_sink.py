#!/usr/bin/env python3
"""An OTLP/HTTP receiver that keeps nothing: answers every POST 200 and counts what came.

For `scripts/bench --env OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT`, so the traced
service pays for building and sending its spans but no collector competes for the cores.
Prints the exports and bytes received when stopped (Ctrl-C or SIGTERM).

    python3 scripts/lib/otlp_sink.py [PORT]   (default 4318)
"""
import http.server
import signal
import sys

received = {"exports": 0, "bytes": 0}


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        self.rfile.read(length)
        received["exports"] += 1
        received["bytes"] += length
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"otlp_sink: {received['exports']} exports, {received['bytes']} bytes", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
port = int(sys.argv[1]) if len(sys.argv) > 1 else 4318
try:
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
except KeyboardInterrupt:
    stop()
