# Concurrent load on the emulator: 16 threads fire overlapping move/delete/release/forward at the
# same messages. Afterwards every message is in at most one folder (or deleted), the outbox holds
# exactly one entry per acknowledged release/forward, and the store passes its integrity check.
# Then kill -9 under load and restart: the store is intact and every acknowledged action is there.
# ctest: slow
. "$(dirname "$0")/lib.sh"

LOAD="$PPS_BUILD_DIR/pps-load"
SECONDS_LOAD=${PPS_LOAD_SECONDS:-60}
N=400
state="$T_DIR/state"

make_fixture() { # FILE GUIDS N TABLE
python3 - "$@" <<'PY'
import json, sys
path, guids_path, n, table = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
raw = "From: a@load.example.net\r\nTo: b@example.com\r\nSubject: load {i}\r\n\r\nbody {i}\r\n"
q = [{"guid": f"load{table}guid{i:06d}xxxxxxxxxxxxxxxxxxx", "localguid": f"7:{table}:{i}", "folder": "Quarantine",
      "from": "a@load.example.net", "rcpts": ["b@example.com"], "subject": f"load {i}",
      "date": "2026-11-01 10:00:00", "spamscore": "90", "host_ip": "[192.0.2.1] [192.0.2.1]",
      "messageid": f"load-{i}@load.example.net", "raw": raw.format(i=i)} for i in range(n)]
folders = [{"name": f, "type": "spam"} for f in ("Quarantine", "Spam", "Phish", "Deleted")]
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}], "folders": folders,
           "quarantine": q}, open(path, "w"))
open(guids_path, "w").write("\n".join(x["localguid"] for x in q) + "\n")
PY
}
make_fixture "$T_DIR/load.json" "$T_DIR/guids" "$N" 7
make_fixture "$T_DIR/load2.json" "$T_DIR/guids2" "$N" 8

check_state() { # LABEL normal|crash ACKS GUIDS: checks acks against the outbox and the folders
	local label=$1 f
	curl_sim /rest/v1/sim/outbox
	printf '%s' "$OUT" >"$T_DIR/outbox.json"
	: >"$T_DIR/where"
	for f in Quarantine Spam Phish Deleted; do
		curl_sim -G --data-urlencode "from=load.example.net" --data-urlencode "folder=$f" \
			--data-urlencode "startdate=2000-01-01 00:00:00" \
			--data-urlencode "enddate=2100-01-01 00:00:00" --data-urlencode "limit=1000" \
			/rest/v1/quarantine
		jq -r '.records[] | "\(.localguid) \(.folder)"' <<<"$OUT" >>"$T_DIR/where"
	done
	python3 - "$3" "$T_DIR/outbox.json" "$T_DIR/where" "$2" "$4" <<'PY' >"$T_DIR/verdict"
import collections, json, sys
acks = [l.split() for l in open(sys.argv[1]) if l.strip()]
mine = [l.strip() for l in open(sys.argv[5]) if l.strip()]
outbox = [r for r in json.load(open(sys.argv[2]))["records"] if r["localguid"] in set(mine)]
where = [l.split() for l in open(sys.argv[3]) if l.strip() and l.split()[0] in set(mine)]
crashed = sys.argv[4] == "crash"
sent = collections.Counter((a[0], a[1]) for a in acks if a[0] in ("release", "forward"))
box = collections.Counter((r["action"], r["localguid"]) for r in outbox)
problems = []
for k, v in sent.items():
    if box[k] < v:
        problems.append(f"acknowledged {k} {v} times, outbox has {box[k]}")
extra = sum(box.values()) - sum(sent.values())
if not crashed and extra != 0:
    problems.append(f"outbox has {extra} entries beyond the acknowledged actions")
if crashed and not 0 <= extra <= 16:
    problems.append(f"outbox has {extra} unacknowledged entries (at most 16 in flight)")
seen = collections.Counter(g for g, _ in where)
dups = [g for g, c in seen.items() if c > 1]
if dups:
    problems.append(f"in two folders at once: {dups[:5]}")
gone = {a[1] for a in acks if a[0] == "delete" and a[3] == "-"}
missing = [g for g in mine if g not in seen and g not in gone]
if missing and not crashed:
    problems.append(f"lost without an acknowledged delete: {missing[:5]}")
print("ok" if not problems else "; ".join(problems))
print(f"acks={len(acks)} outbox={sum(box.values())} located={len(seen)} deleted={len(gone)}", file=sys.stderr)
PY
	expect_eq "$(head -1 "$T_DIR/verdict")" ok "$label"
}

sim_start --state-dir "$state" --fixture "$T_DIR/load.json" --threads 4
run "$LOAD" --url "$SIM_URL" --cacert "$SIM_CACERT" --user admin --password admin-pass \
	--guids "$T_DIR/guids" --folders Quarantine,Spam,Phish,Deleted --deleted Deleted --threads 16 \
	--seconds "$SECONDS_LOAD" --log "$T_DIR/acks"
expect_rc 0 "load ran"
echo "# load: $OUT" >&2
acked=$(sed -n 's/.*acknowledged=\([0-9]*\).*/\1/p' <<<"$OUT")
[ "${acked:-0}" -gt 100 ] && ok || fail "too few acknowledged actions: $acked"
check_state "after the load" normal "$T_DIR/acks" "$T_DIR/guids"
outbox1=$(jq '.records | length' "$T_DIR/outbox.json")
sim_stop
expect_eq "$(sqlite3 "$state/pps-sim.db" 'PRAGMA integrity_check')" ok "integrity after load"

# kill -9 in the middle of a load on fresh messages, then restart on the same state.
sim_start --state-dir "$state" --fixture "$T_DIR/load2.json"
"$LOAD" --url "$SIM_URL" --cacert "$SIM_CACERT" --user admin --password admin-pass \
	--guids "$T_DIR/guids2" --folders Quarantine,Spam,Phish,Deleted --deleted Deleted --threads 16 \
	--seconds 8 --log "$T_DIR/acks2" >"$T_DIR/load2.out" 2>&1 &
load_pid=$!
sleep 4
kill -9 "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
SIM_PID=
wait "$load_pid"
echo "# load during kill -9: $(cat "$T_DIR/load2.out")" >&2
[ -s "$T_DIR/acks2" ] && ok || fail "no action was acknowledged before the kill"
expect_eq "$(sqlite3 "$state/pps-sim.db" 'PRAGMA integrity_check')" ok "integrity after kill -9"
sim_start --state-dir "$state"
check_state "after kill -9 and restart" crash "$T_DIR/acks2" "$T_DIR/guids2"
expect_eq "$(jq '[.records[] | select(.localguid | startswith("7:7:"))] | length' "$T_DIR/outbox.json")" \
	"$outbox1" "the first run's outbox survived the crash unchanged"
sim_stop

done_testing
