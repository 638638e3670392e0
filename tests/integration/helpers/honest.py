#!/usr/bin/env python3
"""An honest client for tests: N requests, one every --interval seconds, each on a new
connection (as a new pps run would), with Basic credentials and TLS verification when --cacert
is given. Prints "ok=K of=N p50=MS p95=MS max=MS": ok counts 200 answers within --within
seconds; the latencies are those of all requests (a failed one counts as --timeout)."""
import argparse
import base64
import http.client
import ssl
import time


def one(a, ctx, auth):
    t0 = time.monotonic()
    try:
        if ctx:
            c = http.client.HTTPSConnection(a.host, a.port, timeout=a.timeout, context=ctx,
                                            source_address=(a.source, 0))
        else:
            c = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout,
                                           source_address=(a.source, 0))
        c.request("GET", a.path, headers={"Authorization": auth})
        r = c.getresponse()
        r.read()
        status = r.status
        c.close()
    except OSError:
        return None, a.timeout
    return status, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--source", default="127.0.0.1")
    ap.add_argument("--cacert")
    ap.add_argument("--user", default="admin:admin-pass")
    ap.add_argument("--path", default="/rest/v1/pss/health")
    ap.add_argument("-n", type=int, default=40)
    ap.add_argument("--interval", type=float, default=0.25)
    ap.add_argument("--within", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=5.0)
    a = ap.parse_args()
    ctx = None
    if a.cacert:
        ctx = ssl.create_default_context(cafile=a.cacert)
        ctx.check_hostname = False
    auth = "Basic " + base64.b64encode(a.user.encode()).decode()
    ok, lat = 0, []
    for _ in range(a.n):
        t0 = time.monotonic()
        status, took = one(a, ctx, auth)
        lat.append(took)
        ok += status == 200 and took <= a.within
        time.sleep(max(0.0, a.interval - (time.monotonic() - t0)))
    lat.sort()
    ms = lambda q: int(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000)
    print(f"ok={ok} of={a.n} p50={ms(0.5)} p95={ms(0.95)} max={int(lat[-1] * 1000)}")


if __name__ == "__main__":
    main()
