#!/usr/bin/env python3
"""The wire test's driver: for each case of CASES, what the capture server received from
`pps ARGS`, from `pps --curl ARGS` run with bash, and what `pps --dry-run ARGS` printed must each
be the case's requests (method, target, body), with credentials and never the password.

  wire.py PPS CAPTURE_SERVER CASES WORKDIR
"""
import fnmatch
import json
import os
import shlex
import subprocess
import sys

PASSWORD = "s3cret-'pass\"word$x"


def parse_cases(path):
    cases, cur = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("> "):
            cur = {"args": shlex.split(line[2:]), "text": line[2:], "want": []}
            cases.append(cur)
        else:
            method, rest = line.split(" ", 1)
            target, _, body = rest.partition(" ")
            cur["want"].append((method, target, body or None))
    return cases


def matches(want, got):
    method, target, body = want
    return (method == got[0] and fnmatch.fnmatchcase(got[1], target) and body == got[2])


def main():
    pps, server, cases_file, work = sys.argv[1:5]
    log = os.path.join(work, "wire.log")
    open(log, "w").close()
    srv = subprocess.Popen([sys.executable, server, log], stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline().strip().split("=")[1])
    url = "http://127.0.0.1:%d" % port
    env = dict(os.environ, PPS_URL=url, PPS_USERNAME="admin", PPS_PASSWORD=PASSWORD)
    fails = checks = 0

    def check(ok, what):
        nonlocal fails, checks
        checks += 1
        if not ok:
            fails += 1
            print("FAIL: " + what)

    def received(mark):
        with open(log, encoding="utf-8") as f:
            lines = f.readlines()[mark:]
        return [json.loads(l) for l in lines]

    def count():
        with open(log, encoding="utf-8") as f:
            return len(f.readlines())

    try:
        for case in parse_cases(cases_file):
            name = case["text"]
            n = len(case["want"])
            # 1. pps itself
            mark = count()
            p = subprocess.run([pps] + case["args"], env=env, capture_output=True, text=True,
                               cwd=work)
            check(p.returncode == 0, "%s: pps exit %d: %s" % (name, p.returncode, p.stderr))
            real = received(mark)
            # 2. its --curl lines, run with bash
            p = subprocess.run([pps, "--curl"] + case["args"], env=env, capture_output=True,
                               text=True, cwd=work)
            check(p.returncode == 0, "%s: --curl exit %d: %s" % (name, p.returncode, p.stderr))
            check(PASSWORD not in p.stdout and "s3cret" not in p.stdout,
                  "%s: --curl shows the password" % name)
            lines = p.stdout.splitlines()
            check(len(lines) == n, "%s: --curl printed %d lines, want %d" % (name, len(lines), n))
            check(all(l.startswith("curl ") for l in lines), "%s: --curl lines" % name)
            mark = count()
            r = subprocess.run(["bash", "-c", p.stdout], env=env, capture_output=True, text=True,
                               cwd=work)
            # --fail-with-body: a 404 the command expects (test's end-user probe) is curl's 22.
            check(r.returncode in (0, 22), "%s: running the curl lines: %d %s" % (
                name, r.returncode, r.stderr))
            replayed = received(mark)
            # 3. --dry-run
            p = subprocess.run([pps, "--dry-run"] + case["args"], env=env, capture_output=True,
                               text=True, cwd=work)
            check(p.returncode == 0, "%s: --dry-run exit %d" % (name, p.returncode))
            dry = []
            for line in p.stdout.splitlines():
                method, rest = line.split(" ", 1)
                target, _, body = rest.partition(" ")
                check(target.startswith(url), "%s: dry-run URL %s" % (name, target))
                dry.append((method, target[len(url):], body or None))
            for label, got in (("pps", [(e["method"], e["target"], e["body"]) for e in real]),
                               ("curl", [(e["method"], e["target"], e["body"]) for e in replayed]),
                               ("dry-run", dry)):
                check(len(got) == n, "%s: %s made %d requests, want %d: %s" % (
                    name, label, len(got), n, got))
                for want, g in zip(case["want"], got):
                    check(matches(want, g), "%s: %s sent %s, want %s" % (name, label, g, want))
            for e in real + replayed:
                check(e["auth"] and e["auth"].startswith("Basic "),
                      "%s: no credentials in %s" % (name, e))
                check(e["body"] is None or e["content_type"] == "application/json",
                      "%s: content type %s" % (name, e["content_type"]))
            check([e["auth"] for e in real] == [e["auth"] for e in replayed],
                  "%s: curl sent other credentials" % name)
    finally:
        srv.terminate()
        srv.wait()
    print("wire: %d checks, %d failed" % (checks, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
