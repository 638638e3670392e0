#!/usr/bin/env python3
"""A hostile plain-HTTP server for the bounds tests, on 127.0.0.1 and a free port; prints
"port N" once it listens and stops on SIGTERM. One thread per connection. Modes:
  flood N       a records answer ({"result"|"records": [...]}) of N small records, whatever
                count or limit was asked; sent until the client hangs up
  endless       a download (message/rfc822) whose chunked body never ends
  string N      one Smart Search record whose Subject is a string of N bytes
  retryafter S  429 with Retry-After: S
  bare          a bare status line: "HTTP/1.1 200 OK", no header, no body, closed
  headers N     200 with N response header lines"""
import socket
import sys
import threading

mode = sys.argv[1] if len(sys.argv) > 1 else "flood"
arg = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def record(i, quarantine):
    if quarantine:
        return ('{"localguid":"1:1:%d","guid":"g%031d","folder":"Quarantine","spamscore":"0",'
                '"from":"a@example.com","rcpts":["b@example.com"],"date":"2024-01-01 00:00:00",'
                '"subject":"flood %d","size":"100","host_ip":"127.0.0.1"}' % (i, i, i)).encode()
    return ('{"GUID":"g%031d","Date":"2024-01-01 00:00:00 [UTC+0000]","Sender":"a@example.com",'
            '"Recipients":"b@example.com","Subject":"flood %d","Final_Action":"accept"}'
            % (i, i)).encode()


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


def head(status, ctype, extra=b""):
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype +
            b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n" + extra + b"\r\n")


def flood(c, path):
    quarantine = path.startswith(b"/rest/v1/quarantine")
    key = b"records" if quarantine else b"result"
    c.sendall(head(b"200 OK", b"application/json") + chunk(b'{"' + key + b'":['))
    block = 1000
    body = b",".join(record(i, quarantine) for i in range(block))
    sent = 0
    while sent < arg:
        c.sendall(chunk((b"," if sent else b"") + body))
        sent += block
    c.sendall(chunk(b"]}") + b"0\r\n\r\n")


def endless(c):
    c.sendall(head(b"200 OK", b"message/rfc822"))
    piece = chunk(b"X-Filler: " + b"a" * 65000 + b"\r\n")
    while True:
        c.sendall(piece)


def string(c):
    c.sendall(head(b"200 OK", b"application/json") +
              chunk(b'{"result":[{"GUID":"long","Subject":"'))
    piece = b"a" * (1 << 20)
    left = arg
    while left > 0:
        n = min(left, len(piece))
        c.sendall(chunk(piece[:n]))
        left -= n
    c.sendall(chunk(b'"}]}') + b"0\r\n\r\n")


def serve(c):
    try:
        req = c.recv(65536)
        path = req.split(b" ")[1] if b" " in req else b"/"
        if mode == "flood":
            flood(c, path)
        elif mode == "endless":
            endless(c)
        elif mode == "string":
            string(c)
        elif mode == "retryafter":
            c.sendall(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: %d\r\n"
                      b"Content-Length: 0\r\nConnection: close\r\n\r\n" % arg)
        elif mode == "bare":
            c.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
        elif mode == "headers":
            c.sendall(b"HTTP/1.1 200 OK\r\n" +
                      b"".join(b"X-H%d: v\r\n" % i for i in range(arg)) +
                      b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    except OSError:
        pass
    c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
print("port %d" % s.getsockname()[1], flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
