#!/usr/bin/env python3
"""Reads CSV on stdin; exits 1 (naming the cell) when a cell would start a spreadsheet formula
(=, +, -, @, tab, CR) or holds a C0/C1/bidi control other than tab and line breaks."""
import csv
import sys

bad = 0
for r, row in enumerate(csv.reader(sys.stdin.read().splitlines(True))):
    for c, cell in enumerate(row):
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            print("row %d cell %d starts a formula: %r" % (r, c, cell))
            bad = 1
        for ch in cell:
            o = ord(ch)
            if (o < 0x20 and ch not in "\t\r\n") or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e \
                    or 0x2066 <= o <= 0x2069:
                print("row %d cell %d holds U+%04X: %r" % (r, c, o, cell))
                bad = 1
sys.exit(bad)
