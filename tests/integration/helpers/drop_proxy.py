#!/usr/bin/env python3
"""An HTTP/1.1 proxy for tests: passes every request on to an upstream pps-sim and drops the
answer to one request (by default the 2nd request of the 1st client connection; with
--drop-post N the Nth POST): the upstream
carries it out, the client's connection is then closed without a byte of the answer. With
--cert/--key it serves TLS to the client. Prints "port N" once it listens; stops on SIGTERM."""
import argparse
import socket
import ssl
import sys
import threading


def read_message(f, is_response):
    """Reads one HTTP message (head and Content-Length body) from a file object; None at EOF."""
    head = b""
    while True:
        line = f.readline(65536)
        if not line:
            return None
        head += line
        if line in (b"\r\n", b"\n"):
            break
    length = 0
    for h in head.split(b"\r\n")[1:]:
        name, _, value = h.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = f.read(length) if length else b""
    return head + body


def serve(client, args, conn_no, lock, counters):
    up = socket.create_connection((args.upstream_host, args.upstream_port))
    cf = client.makefile("rb")
    uf = up.makefile("rb")
    n = 0
    try:
        while True:
            req = read_message(cf, False)
            if req is None:
                return
            n += 1
            up.sendall(req)
            resp = read_message(uf, True)
            if resp is None:
                return
            with lock:
                counters["requests"] += 1
            with lock:
                if req.startswith(b"POST "):
                    counters["posts"] += 1
                drop_post = args.drop_post and req.startswith(b"POST ") and \
                    counters["posts"] == args.drop_post
            if drop_post or (not args.drop_post and conn_no == args.drop_conn
                             and n == args.drop_request):
                # The upstream has carried the request out; the client never hears of it.
                return
            client.sendall(resp)
    except (OSError, ValueError):
        return
    finally:
        try:
            client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        client.close()
        up.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True, help="host:port of a plain-HTTP pps-sim")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--drop-conn", type=int, default=1)
    p.add_argument("--drop-request", type=int, default=2)
    p.add_argument("--drop-post", type=int, default=0,
                   help="drop the answer to the Nth POST of any connection instead")
    args = p.parse_args()
    args.upstream_host, _, port = args.upstream.rpartition(":")
    args.upstream_port = int(port)
    ctx = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    print("port %d" % ls.getsockname()[1], flush=True)
    lock = threading.Lock()
    counters = {"requests": 0, "posts": 0}
    conn_no = 0
    while True:
        c, _ = ls.accept()
        conn_no += 1
        if ctx:
            try:
                c = ctx.wrap_socket(c, server_side=True)
            except (ssl.SSLError, OSError):
                c.close()
                continue
        threading.Thread(target=serve, args=(c, args, conn_no, lock, counters),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
