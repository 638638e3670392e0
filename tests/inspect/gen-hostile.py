#!/usr/bin/env python3
"""Writes the hostile messages of docs/ROBUSTNESS.md ("Message inspection") into a folder.

Usage: tests/inspect/gen-hostile.py DIR   (each file is generated, none is kept in the tree)
  nested.eml     multipart nested 1,000 levels deep
  parts.eml      100,000 parts in one multipart
  base64.eml     one 40 MiB attachment in base64
  boundaries.eml parts whose boundaries are broken (never closed, prefixes, garbage)
  charsets.eml   invalid charsets in headers and parts
  big.eml        a 50 MiB message (text, HTML with links, attachments)
  html_deep.eml  an HTML body of 300,000 nested <div>
  html_wide.eml  an HTML body of 500,000 elements 500 deep
"""
import base64
import os
import sys

HEAD = "From: a@example.com\r\nTo: b@example.com\r\nSubject: {}\r\nMIME-Version: 1.0\r\n"


def nested(f, depth=1000):
    f.write((HEAD.format("nested") + 'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n').encode())
    for i in range(1, depth):
        f.write(f'--b{i-1}\r\nContent-Type: multipart/mixed; boundary="b{i}"\r\n\r\n'.encode())
    f.write(f"--b{depth-1}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n".encode())
    for i in reversed(range(depth)):
        f.write(f"--b{i}--\r\n".encode())


def parts(f, n=100000):
    f.write((HEAD.format("parts") + 'Content-Type: multipart/mixed; boundary="p"\r\n\r\n').encode())
    for i in range(n):
        f.write(f'--p\r\nContent-Type: application/octet-stream; name="f{i}.bin"\r\n\r\nx{i}\r\n'.encode())
    f.write(b"--p--\r\n")


def big_base64(f, size=40 << 20):
    f.write((HEAD.format("base64") + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
             '--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n'
             '--b\r\nContent-Type: application/octet-stream; name="big.bin"\r\n'
             'Content-Transfer-Encoding: base64\r\n\r\n').encode())
    chunk = os.urandom(57 * 1024)
    line = base64.encodebytes(chunk).replace(b"\n", b"\r\n")
    written = 0
    while written < size:
        f.write(line)
        written += len(chunk)
    f.write(b"--b--\r\n")


def boundaries(f):
    f.write((HEAD.format("broken") + 'Content-Type: multipart/mixed; boundary="abc"\r\n\r\n').encode())
    for i in range(2000):
        f.write(f'--abc\r\nContent-Type: multipart/alternative; boundary="ab"\r\n\r\n'
                f'--ab\r\nContent-Type: text/plain\r\n\r\nx\r\n--abcd\r\n--a\r\n'.encode())
    f.write(b"--abc\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n")


def charsets(f):
    f.write((HEAD.format("=?x-bogus?B?SGVsbG8=?= =?utf-8?Q?=FF=FE?=") +
             'Content-Type: multipart/mixed; boundary="c"\r\n\r\n'
             '--c\r\nContent-Type: text/plain; charset="x-nope"\r\n\r\n').encode())
    f.write(b"\xff\xfe\xc3\x28 body\r\n")
    for i in range(5000):
        f.write(f'--c\r\nContent-Type: text/plain; charset="x-nope-{i}"\r\n'
                f'Content-Disposition: attachment; filename*=bogus\'\'%FF%FE{i}.txt\r\n\r\n'.encode())
        f.write(b"\xff\xfe\xc3\x28 bytes\r\n")
    f.write(b"--c--\r\n")


def big(f, size=50 << 20):
    f.write((HEAD.format("big") + 'Content-Type: multipart/mixed; boundary="m"\r\n\r\n').encode())
    text = "".join(f"line {i} see https://example.com/p/{i} and www.example.org/{i}\r\n" for i in range(20000))
    f.write(('--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' + text).encode())
    html = "".join(f'<p><a href="https://ex{i % 500}.example/x">link {i}</a></p>\r\n' for i in range(20000))
    f.write(('--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' + html).encode())
    chunk = base64.encodebytes(os.urandom(57 * 1024)).replace(b"\n", b"\r\n")
    i = 0
    while f.tell() < size:
        f.write(f'--m\r\nContent-Type: application/pdf; name="d{i}.pdf"\r\n'
                'Content-Transfer-Encoding: base64\r\n\r\n'.encode())
        f.write(chunk)
        i += 1
    f.write(b"--m--\r\n")


def html_deep(f, n=300000):
    f.write(b"Subject: divs\nContent-Type: text/html\n\n" + b"<div>" * n +
            b'<a href="http://x.example/">x</a>' + b"</div>" * n + b"\n")


def html_wide(f):
    f.write(b"Subject: w\nContent-Type: text/html\n\n" + b"<div>" * 500 + b"<b>x</b>" * 500000 +
            b"</div>" * 500 + b"\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for name, gen in (("nested.eml", nested), ("parts.eml", parts), ("base64.eml", big_base64),
                      ("boundaries.eml", boundaries), ("charsets.eml", charsets), ("big.eml", big),
                      ("html_deep.eml", html_deep), ("html_wide.eml", html_wide)):
        with open(os.path.join(out, name), "wb") as f:
            gen(f)


if __name__ == "__main__":
    main()
