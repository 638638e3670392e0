#!/usr/bin/env python3
"""Checks what a terminal showed (a script(1) capture on stdin): every line at most COLS
display columns (ANSI SGR sequences removed, CR dropped) and every identifier named in the file
IDS (one per line) present whole. Prints each problem; exits 1 when there is one."""
import re
import sys
import unicodedata

cols = int(sys.argv[1])
ids = [l.strip() for l in open(sys.argv[2]) if l.strip()]
text = sys.stdin.buffer.read().decode("utf-8", "replace")
text = re.sub("\x1b\\[[0-9;]*m", "", text).replace("\r", "")
bad = 0


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c)
               else 1 for c in s)


for n, line in enumerate(text.split("\n"), 1):
    if width(line) > cols:
        print("line %d is %d columns wide (terminal %d): %s" % (n, width(line), cols, line))
        bad = 1
for i in ids:
    if i not in text:
        print("identifier %s is not shown whole" % i)
        bad = 1
if not ids:
    print("no identifiers to look for")
    bad = 1
sys.exit(bad)
