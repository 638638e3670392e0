"""Scenario 8 of bench/bench.py: message inspection, `pps inspect` against the standard library.

pps-sim writes a corpus of generated messages (--write-corpus); `pps inspect -o ndjson` and
bench/inspect_py.py (Python's email package, html.parser, hashlib, re) inspect the same files in
the same run, alternating. Both must print one object per message and agree on what they found
(attachment hashes, decoded URLs); the ratio of their median walls and each one's peak RSS, on
the whole corpus and on a tenth of it (flat memory: the peak does not grow with the corpus), go
to BENCHMARKS.md.
"""
import glob
import json
import os
import statistics
import subprocess
import time


def preflight(pps, env, die):
    """Dies unless this pps has the inspect command: the scenario never skips silently."""
    p = subprocess.run([pps, "help", "inspect"], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"`pps inspect` is missing from {pps} ({p.stderr.strip() or p.returncode}): "
            "the inspection benchmark (scenario 8) needs a pps built with message inspection")


def write_corpus(sim_bin, corpus, n, die):
    t0 = time.perf_counter()
    p = subprocess.run([sim_bin, "--write-corpus", corpus, "--seed", "1", "--corpus-count",
                        str(n)], capture_output=True, text=True)
    if p.returncode != 0:
        die(f"pps-sim --write-corpus failed: {p.stderr.strip()}")
    files = sorted(glob.glob(os.path.join(corpus, "*.eml")))
    if len(files) != n:
        die(f"pps-sim --write-corpus wrote {len(files)} files, expected {n}")
    return files, time.perf_counter() - t0


def digest(line):
    """What both sides must agree on for one message: its file, attachment hashes, URLs."""
    o = json.loads(line)
    src = o.get("source") or {}
    return (os.path.basename(src.get("file") or ""),
            tuple(sorted(a.get("sha256") or "" for a in o.get("attachments") or [])),
            tuple(sorted(u.get("url") or "" for u in o.get("urls") or [])))


def check(argv, env, n, what, die, out_path):
    with open(out_path, "wb") as out:
        p = subprocess.run(argv, env=env, stdout=out, stderr=subprocess.PIPE)
    if p.returncode != 0:
        die(f"{what} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-500:]}")
    with open(out_path) as f:
        rows = [digest(line) for line in f if line.strip()]
    if len(rows) != n:
        die(f"{what} printed {len(rows)} objects for {n} messages")
    return {r[0]: r for r in rows}


def scenario(ctx):
    """ctx: pps, sim_bin, root, work, quick, env, note, die, run_once, stats, ms, mib.
    Returns (title, body lines, targets)."""
    c = ctx
    n = 1_000 if c["quick"] else 10_000
    runs = 2 if c["quick"] else 3
    c["note"](f"scenario 8: inspection of {n:,} messages, {runs} runs each")
    corpus = os.path.join(c["work"], "corpus")
    files, write_secs = write_corpus(c["sim_bin"], corpus, n, c["die"])
    small = files[: n // 10]
    py = ["/usr/bin/python3", os.path.join(c["root"], "bench", "inspect_py.py")]
    pps = [c["pps"], "inspect", "-o", "ndjson"]
    env = c["env"]

    a = check(pps + files, env, n, "pps inspect", c["die"], os.path.join(c["work"], "i.pps"))
    b = check(py + files, env, n, "inspect_py.py", c["die"], os.path.join(c["work"], "i.py"))
    same_att = sum(1 for k in a if k in b and a[k][1] == b[k][1])
    same_url = sum(1 for k in a if k in b and a[k][2] == b[k][2])
    n_att = sum(len(r[1]) for r in a.values())
    n_url = sum(len(r[2]) for r in a.values())

    walls = {"pps": [], "python": []}
    rss = {"pps": [], "python": []}
    for _ in range(runs):
        for name, argv in (("pps", pps), ("python", py)):
            w, r, rc = c["run_once"](argv + files, env=env, rss=True)
            if rc != 0:
                c["die"](f"{name} inspection exited {rc}")
            walls[name].append(w)
            rss[name].append(r)
    small_rss = {}
    for name, argv in (("pps", pps), ("python", py)):
        _, r, rc = c["run_once"](argv + small, env=env, rss=True)
        if rc != 0:
            c["die"](f"{name} inspection of {len(small)} messages exited {rc}")
        small_rss[name] = r
    s = {k: c["stats"](v) for k, v in walls.items()}
    ratio = s["python"]["median"] / s["pps"]["median"]
    peak = {k: statistics.median(v) for k, v in rss.items()}
    size = sum(os.path.getsize(f) for f in files)
    ms, mib = c["ms"], c["mib"]
    rows = [f"| {k} | {ms(s[k]['median'])} | {ms(s[k]['min'])} | {ms(s[k]['max'])} | "
            f"{n / s[k]['median']:,.0f} | {mib(small_rss[k])} | {mib(peak[k])} |"
            for k in ("pps", "python")]
    body = [
        f"The corpus: `pps-sim --write-corpus DIR --seed 1 --corpus-count {n}` "
        f"({n:,} messages, {size / 1048576:.1f} MiB, written in {write_secs:.1f} s).",
        "",
        f"- pps: `pps inspect -o ndjson DIR/*.eml` (one process, {n:,} files)",
        "- python: `python3 bench/inspect_py.py DIR/*.eml` (email with policy.default, "
        "html.parser, hashlib, re: the same fields)",
        "",
        f"| contender | median wall | min | max | messages/s | peak RSS, {len(small):,} "
        f"messages | peak RSS, {n:,} messages |",
        "|---|---|---|---|---|---|---|",
    ] + rows + [
        "",
        f"python / pps = **{ratio:.1f}×** the time. Both printed {n:,} objects; they agree on "
        f"the attachment hashes of {same_att:,} messages ({n_att:,} attachments) and on the "
        f"decoded URLs of {same_url:,} ({n_url:,} URLs).",
    ]
    targets = [("(8) python/pps inspection ≥ 10", f"{ratio:.1f}", ratio >= 10),
               ("(8) pps inspect peak RSS flat (full corpus ≤ 1.5× a tenth)",
                f"{mib(small_rss['pps'])} → {mib(peak['pps'])}",
                peak["pps"] <= 1.5 * max(small_rss["pps"], 1))]
    return f"8. Message inspection ({n:,} generated messages)", body, targets
