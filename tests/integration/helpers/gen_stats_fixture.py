#!/usr/bin/env python3
"""Writes a pps-sim fixture for the pps stats tests: a week of Smart Search trace from --start
with a working-day rhythm, senders, domains (some in capitals), recipient lists, subjects and
final actions drawn unevenly (so that the top lists have clear heads and ties), a subject with
an escape sequence and one longer than a terminal; and --quarantine N quarantined messages in
three folders. Usage: gen_stats_fixture.py OUT --start EPOCH --messages N [--quarantine N]
[--seed S]"""
import argparse
import datetime
import json
import random


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def qdate(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


DOMAINS = ["example.com", "Example.COM", "mail.test", "bulk.test", "news.test", "phish.test",
           "corp.test", "partner.test"]
SUBJECTS = ["Invoice", "Weekly report", "Meeting", "\x1b[31mred alert\x1b[0m", "Re: lunch",
            "Your parcel", "Password expiry", "Newsletter " + "very long " * 12, "", "Hello"]
ACTIONS = ["accept", "accept", "accept", "accept", "discard", "reject", "continue", "redirect"]


def pick(rnd, items):
    # Uneven: the first items far more often than the last.
    return items[min(int(rnd.expovariate(0.6)), len(items) - 1)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--messages", type=int, default=0)
    p.add_argument("--quarantine", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    senders = ["user%d@%s" % (i, DOMAINS[i % len(DOMAINS)]) for i in range(40)] + [""]
    rcpts = ["r%d@corp.test" % i for i in range(25)]
    msgs, quar = [], []
    week = 7 * 86400
    for n in range(a.messages):
        # Working hours (08-18 UTC) three times as busy as the night.
        while True:
            t = a.start + rnd.randrange(week)
            if 8 <= (t % 86400) // 3600 < 18 or rnd.random() < 0.33:
                break
        k = 1 + min(int(rnd.expovariate(1.5)), 3)
        to = rnd.sample(rcpts[:12] if rnd.random() < 0.7 else rcpts, k)
        msgs.append({"GUID": "st%06d" % n, "Date": iso(t), "Sender": pick(rnd, senders),
                     "Recipients": ", ".join(to), "Subject": pick(rnd, SUBJECTS),
                     "Final_Action": pick(rnd, ACTIONS)})
    folders = ["Quarantine", "Phish", "Spam"]
    for i in range(a.quarantine):
        t = a.start + rnd.randrange(week)
        quar.append({"guid": "sq%05d" % i, "localguid": "9:1:%d" % i,
                     "folder": folders[min(int(rnd.expovariate(1.0)), 2)],
                     "from": "bad%d@phish.test" % int(rnd.expovariate(0.5)),
                     "rcpts": rnd.sample(rcpts[:5], 1 + (i % 2)),
                     "subject": pick(rnd, SUBJECTS[:6]), "date": qdate(t)})
    doc = {"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": f, "type": "spam"} for f in folders],
           "messages": msgs}
    if quar:
        doc["quarantine"] = quar
    with open(a.out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
