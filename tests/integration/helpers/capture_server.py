#!/usr/bin/env python3
"""A small HTTP server for the wire and streaming tests: it records every request (method,
target as received, Authorization, body) and answers like PPS would, or misbehaves on purpose.

  capture_server.py LOG [--mode capture|cut3|slow] [--records N] [--delay S]

Prints "port=N" on stdout once listening. LOG gets one JSON object per request.
Modes for GET /rest/v1/pss/filter: capture answers {"result":[]}; cut3 sends N records with a
Content-Length for all of them but closes in the middle of the 3rd; slow sends the first record,
waits --delay seconds, then sends the rest.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def record(i):
    return {"GUID": "guid-%d" % i, "Date": "2020-05-20 14:13:02 [UTC-0600]",
            "Sender": "a@example.com", "Recipients": "b@example.com",
            "Subject": "record %d" % i, "Final_Action": "accept"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    opts = None
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def _log(self, body):
        entry = {"method": self.command, "target": self.path,
                 "auth": self.headers.get("Authorization"),
                 "content_type": self.headers.get("Content-Type"),
                 "body": body.decode("utf-8", "replace") if body else None}
        with self.lock, open(self.opts.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def _send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _filter(self):
        mode = self.opts.mode
        if mode == "capture":
            return self._send(200, '{"result":[]}')
        recs = [json.dumps(record(i)) for i in range(self.opts.records)]
        body = ('{"result":[' + ",".join(recs) + "]}").encode()
        if mode == "cut3":
            # Everything up to the middle of the 3rd record, then the connection closes.
            third = body.index(recs[2].encode())
            cut = third + len(recs[2]) // 2
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return None
        # slow: the first record, a pause, the rest (chunked, no length known up front).
        first = ('{"result":[' + recs[0] + ",").encode()
        rest = body[len(first):]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part, pause in ((first, self.opts.delay), (rest, 0)):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
            time.sleep(pause)
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True
        return None

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self._log(body)
        path = self.path.split("?", 1)[0]
        if path == "/rest/v1/pss/filter":
            return self._filter()
        if path == "/rest/v1/pss/health":
            return self._send(200, '{"status":"ok"}')
        if path == "/rest/v1/quarantine" and self.command == "GET":
            if "guid=" in self.path:
                return self._send(200, b"From: a@example.com\r\n\r\nbody\r\n", "message/rfc822")
            return self._send(200, '{"count":0,"records":[]}')
        if path == "/rest/v1/quarantine":
            return self._send(200, '{"status":"done"}')
        if path.startswith("/rest/v1/enduser/"):
            if "pps-connectivity-test" in path:
                return self._send(404, '{"status":"User not found"}')
            if self.command == "DELETE":
                return self._send(200, "")
            return self._send(200, '{"email":"u@example.com","uid":"u"}')
        return self._send(404, '{"status":"no such path"}')

    do_GET = do_POST = do_PUT = do_DELETE = _answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--mode", default="capture", choices=["capture", "cut3", "slow"])
    ap.add_argument("--records", type=int, default=5)
    ap.add_argument("--delay", type=float, default=3.0)
    Handler.opts = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("port=%d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
