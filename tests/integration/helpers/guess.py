#!/usr/bin/env python3
"""A password guesser for tests (loopback, plain HTTP, bounded in time): --conns kept-alive
connections from one address, each sending wrong passwords for one account as fast as it is
answered. Prints "checked=N refused=N other=N per_s=X": checked counts 401 answers (a password
the server did check), refused 429 answers (not checked), per_s the checked ones a second."""
import argparse
import base64
import http.client
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--user", default="admin")
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=8)
    a = ap.parse_args()
    assert a.host.startswith("127."), "loopback only"
    counts = {"checked": 0, "refused": 0, "other": 0}
    lock = threading.Lock()
    end = time.monotonic() + a.seconds

    def worker(n):
        c, i = None, 0
        while time.monotonic() < end:
            i += 1
            cred = base64.b64encode(f"{a.user}:guess-{n}-{i}".encode()).decode()
            try:
                if c is None:
                    c = http.client.HTTPConnection(a.host, a.port, timeout=max(0.1, end - time.monotonic()))
                c.request("GET", "/rest/v1/pss/health", headers={"Authorization": "Basic " + cred})
                r = c.getresponse()
                r.read()
                kind = {401: "checked", 429: "refused"}.get(r.status, "other")
            except (OSError, http.client.HTTPException):
                c, kind = None, None
            if kind and time.monotonic() <= end:
                with lock:
                    counts[kind] += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(a.conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.seconds + 10)
    print(f"checked={counts['checked']} refused={counts['refused']} other={counts['other']} "
          f"per_s={counts['checked'] / a.seconds:.1f}")


if __name__ == "__main__":
    main()
