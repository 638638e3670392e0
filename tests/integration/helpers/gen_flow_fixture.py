#!/usr/bin/env python3
"""Writes a pps-sim fixture for the --all/--follow tests: Smart Search messages (and, with
--quarantine N, quarantined ones in two folders) packed several to a second, so that page
boundaries fall inside seconds. Usage: gen_flow_fixture.py OUT --start EPOCH --messages N
[--per-second-max K] [--crowded-second EPOCH:COUNT] [--quarantine N] [--tag TAG] [--seed S]"""
import argparse
import datetime
import json
import random


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def qdate(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--messages", type=int, default=0)
    p.add_argument("--per-second-max", type=int, default=9)
    p.add_argument("--crowded-second", default="")
    p.add_argument("--quarantine", type=int, default=0)
    p.add_argument("--tag", default="m")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    msgs, quar = [], []
    t = a.start
    n = 0
    while n < a.messages:
        k = min(rnd.randint(1, a.per_second_max), a.messages - n)
        for _ in range(k):
            msgs.append({"GUID": "%s%06d" % (a.tag, n), "Date": iso(t),
                         "Sender": "s%d@flow.test" % (n % 37), "Recipients": "r@flow.test",
                         "Subject": "flow %d" % n, "Final_Action": "accept"})
            n += 1
        t += rnd.randint(1, 3)
    if a.crowded_second:
        when, count = (int(x) for x in a.crowded_second.split(":"))
        for i in range(count):
            msgs.append({"GUID": "%scrowd%04d" % (a.tag, i), "Date": iso(when),
                         "Sender": "crowd@flow.test", "Recipients": "r@flow.test",
                         "Subject": "crowd %d" % i, "Final_Action": "accept"})
    t = a.start
    for i in range(a.quarantine):
        folder = "Quarantine" if i % 3 else "Phish"
        quar.append({"guid": "%sq%05d" % (a.tag, i), "localguid": "9:%d:%d" % (a.seed, i),
                     "folder": folder, "from": "bad%d@phish.test" % (i % 5),
                     "rcpts": ["victim@example.test"], "subject": "phish %d" % i,
                     "date": qdate(t)})
        if rnd.random() < 0.3:
            t += 1
    doc = {"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}, {"name": "Phish", "type": "spam"}],
           "messages": msgs}
    if quar:
        doc["quarantine"] = quar
    with open(a.out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
