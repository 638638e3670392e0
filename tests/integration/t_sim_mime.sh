# ctest: slow
# pps-sim's quarantined messages are real mail: downloaded with pps quarantine-message-download,
# each parses (Python's email package) as multipart text and HTML agreeing with its record (From,
# To, Subject, Date, size), with 3 to 5 Received hops and Authentication-Results; across the seed the
# attachments are what their names say (PDF, zip, OOXML with a VBA project, PE under an .exe or a
# PDF's name, an attached message/rfc822), and URL Defense v2/v3 links decode to plain URLs. The
# corpus writer gives the same bytes for the same seed.
. "$(dirname "$0")/lib.sh"

sim_start --seed 2000 --account admin:admin-pass || exit 1
pps_admin -o json quarantine-messages-list folder_name=Virus,Malware,Phish,Quarantine,HIPAA,PCI \
	recipient=@example.com start_time="8 days ago" limit=1000
expect_rc 0 "list the quarantine"
printf '%s' "$OUT" >"$T_DIR/list.json"
mkdir -p "$T_DIR/dl"
n=0
for guid in $(python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["Proofpoint"]["QuarantinedMessage"]: print(m["guid"])' "$T_DIR/list.json"); do
	pps_admin quarantine-message-download guid="$guid" out="$T_DIR/dl/$guid.eml"
	[ "$RC" = 0 ] || fail "download $guid: $ERR"
	n=$((n + 1))
done
[ "$n" -ge 60 ] && ok || fail "expected 60 quarantined messages or more, got $n"

run python3 - "$T_DIR/list.json" "$T_DIR/dl" <<'PY'
import base64, email, email.utils, json, os, re, sys
from email import policy
from urllib.parse import unquote

records = json.load(open(sys.argv[1]))["Proofpoint"]["QuarantinedMessage"]
bad, seen = [], set()


def v2(u):
    s = re.search(r"u=(.+?)&[dc]=", u).group(1).translate(str.maketrans("-_", "%/"))
    return unquote(s)


def v3(u):
    m = re.search(r"v3/__(.+?)__;(.*?)!", u)
    text, dec = unquote(m.group(1)), base64.urlsafe_b64decode(m.group(2) + "==").decode()
    it = iter(dec)
    return re.sub(r"\*", lambda _: next(it), text)


for r in records:
    path = os.path.join(sys.argv[2], r["guid"] + ".eml")
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=policy.default)
    g = r["guid"]
    if len(raw) != int(r["size"]):
        bad.append(f"{g}: {len(raw)} bytes, the record says {r['size']}")
    if m["From"].addresses[0].addr_spec != r["from"]:
        bad.append(f"{g}: From {m['From']} is not {r['from']}")
    to = [a.addr_spec for a in m["To"].addresses]
    if to != r["rcpts"]:
        bad.append(f"{g}: To {to} is not {r['rcpts']}")
    if str(m["Subject"]) != r["subject"]:
        bad.append(f"{g}: Subject {m['Subject']!r} is not {r['subject']!r}")
    when = email.utils.parsedate_to_datetime(str(m["Date"])).strftime("%Y-%m-%d %H:%M:%S")
    if when != r["date"]:
        bad.append(f"{g}: Date {when} is not {r['date']}")
    if not m.is_multipart() or not 3 <= len(m.get_all("Received")) <= 5 or \
            "spf=" not in str(m["Authentication-Results"]):
        bad.append(f"{g}: not multipart, or no Received chain or Authentication-Results")
    types = [p.get_content_type() for p in m.walk()]
    if "text/plain" not in types or "text/html" not in types:
        bad.append(f"{g}: no text and HTML alternatives: {types}")
    name = m["From"].addresses[0].display_name or ""
    if re.search(r"@", name):
        seen.add("display-name spoof")
    if m["Reply-To"]:
        seen.add("reply-to")
    for p in m.walk():
        fn = p.get_filename()
        if p.get_content_type() == "message/rfc822":
            seen.add("message/rfc822")
            continue
        if not fn:
            continue
        data = p.get_payload(decode=True)
        ext = fn.lower().rsplit(".", 1)[-1]
        if ext == "pdf" and data.startswith(b"%PDF-"):
            seen.add("pdf")
        elif ext == "pdf" and data.startswith(b"MZ"):
            seen.add("pdf named program")
        elif ext == "exe" and data.startswith(b"MZ") and fn.count(".") >= 2:
            seen.add("double extension")
        elif ext == "zip" and data.startswith(b"PK\x03\x04"):
            seen.add("zip")
        elif ext == "docm" and data.startswith(b"PK\x03\x04") and b"vbaProject.bin" in data:
            seen.add("docm")
        elif ext in ("exe", "pdf", "zip", "docm"):
            bad.append(f"{g}: {fn} has the wrong bytes")
    text = m.get_body(("plain",)).get_content()
    for u in re.findall(r"https://urldefense\S+", text):
        orig = v2(u) if "/v2/" in u else v3(u)
        if not re.match(r"https?://[\w.-]+/", orig) or "*" in orig:
            bad.append(f"{g}: {u} decodes to {orig}")
        seen.add("urldefense v2" if "/v2/" in u else "urldefense v3")
want = {"pdf", "pdf named program", "double extension", "zip", "docm", "message/rfc822",
        "urldefense v2", "urldefense v3", "display-name spoof", "reply-to"}
for w in sorted(want - seen):
    bad.append(f"no message with {w}")
print("\n".join(bad[:20]))
print(f"{len(records)} messages checked")
PY
expect_rc 0 "the python check ran"
expect_out_has "messages checked"
[ -z "$(grep -v 'messages checked' <<<"$OUT")" ] && ok || fail "$OUT"
sim_stop

# The corpus: the same seed, the same bytes (dated up to today's midnight, UTC: written again
# if the day changed in between); every file a message.
for try in 1 2; do
	day=$(date -u +%F)
	run "$PPS_SIM" --write-corpus "$T_DIR/c1" --seed 9 --corpus-count 40
	expect_rc 0 "write a corpus"
	run "$PPS_SIM" --write-corpus "$T_DIR/c2" --seed 9 --corpus-count 40
	expect_rc 0 "write it again"
	[ "$day" = "$(date -u +%F)" ] && break
done
run diff -r "$T_DIR/c1" "$T_DIR/c2"
expect_rc 0 "the same seed writes the same corpus"
expect_eq "$(ls "$T_DIR/c1" | wc -l)" 40 "40 files"
run "$PPS_SIM" --corpus-count 5
expect_rc 2 "--corpus-count alone"
expect_err "pps-sim: --corpus-count goes with --write-corpus"
run "$PPS_SIM" --write-corpus /dev/null/x --corpus-count 1
expect_rc 1 "an unwritable corpus folder"
expect_err "pps-sim: cannot create '/dev/null/x': Not a directory"

done_testing
