#!/usr/bin/env python3
"""A misbehaving HTTP server for tests, on 127.0.0.1 and a free port; prints "port N" once it
listens and stops on SIGTERM. Modes:
  bigheader  answers 200 with a response header line of 1 MiB (more than libcurl accepts)
  plain400   answers whatever arrives (a TLS ClientHello too) with a plain HTTP 400 at once"""
import socket
import sys

mode = sys.argv[1] if len(sys.argv) > 1 else "bigheader"
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
print("port %d" % s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    try:
        c.recv(65536)
        if mode == "plain400":
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 12\r\nConnection: close\r\n\r\nBad Request\n")
        else:
            c.sendall(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * (1 << 20) +
                      b"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    except OSError:
        pass
    c.close()
