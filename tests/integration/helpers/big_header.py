#!/usr/bin/env python3
"""A one-shot HTTP server for tests: answers every request with 200 and a response header line
of 1 MiB (larger than libcurl accepts). Prints "port N" once it listens; stops on SIGTERM."""
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
print("port %d" % s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    try:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * (1 << 20) +
                  b"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    except OSError:
        pass
    c.close()
