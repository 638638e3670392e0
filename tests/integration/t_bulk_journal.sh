# The --report journal of a bulk run, across the seams between runs: a 3,000-entry release
# killed (kill -9, SIGHUP, SIGPIPE through `| head -1`) and run again with the same --report
# releases no message twice, and every message not released is named unknown; a journal fed back
# whole sends nothing; /dev/full, a symlink, a directory, a FIFO, a full or read-only disk, a file of other
# content stop the run before the first request; one message named by localguid and by GUID is
# released once.
# ctest: slow
. "$(dirname "$0")/lib.sh"

N=3000
# fixture FILE N: N messages in Quarantine (6:6:1001...; GUID Qg...), of the last hour.
python3 - "$T_DIR/fix.json" "$N" <<'PY'
import datetime, json, sys
path, n = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
q = [{"guid": "Qg%030d" % i, "localguid": "6:6:%d" % (1000 + i), "folder": "Quarantine",
      "from": "bad%d@phish.example" % i, "rcpts": ["user@corp.test"], "subject": "Reset %d" % i,
      "date": (now - datetime.timedelta(seconds=10 + i % 3000)).strftime("%Y-%m-%d %H:%M:%S")}
     for i in range(1, n + 1)]
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}], "quarantine": q}, open(path, "w"))
PY
seq 1001 $((1000 + N)) | sed 's/^/6:6:/' >"$T_DIR/list"

penv=()
sim_up() { # sim_up [pps-sim flags]: a fresh emulator with the fixture; penv is pps's environment
	sim_start --fixture "$T_DIR/fix.json" "$@"
	penv=(env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT")
}
# released: how many messages the emulator has released (outbox entries).
released() {
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/outbox" |
		jq '.records | length'
}
# posts: how many POSTs the emulator has seen (its request log).
posts() {
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/requests?limit=100000" |
		jq '[.records[] | select(.method == "POST")] | length'
}
# verify JOURNAL: "twice missing released unknown": GUIDs released more than once; GUIDs of the
# list neither released nor named unknown by the journal's last outcome line; released; unknown.
verify() {
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/outbox" >"$T_DIR/outbox.json"
	python3 - "$T_DIR/list" "$1" "$T_DIR/outbox.json" <<'PY'
import collections, json, sys
guids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
out = collections.Counter(r["localguid"] for r in json.load(open(sys.argv[3]))["records"])
last = {}
for line in open(sys.argv[2]):
    try:
        j = json.loads(line)
    except ValueError:
        continue
    if j.get("event") == "outcome" and "localguid" in j:
        last[j["localguid"]] = j["outcome"]
twice = sum(1 for n in out.values() if n > 1)
missing = sum(1 for g in guids if out[g] == 0 and last.get(g) != "unknown")
unknown = sum(1 for g in guids if last.get(g) == "unknown")
print(twice, missing, sum(out.values()), unknown)
PY
}
RELEASE=(--batch 10 --report "$T_DIR/j" quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/list")

# kill_case NAME SIGNAL: a run killed by SIGNAL 1.5 s in, then the same command once more.
kill_case() {
	local name=$1 sig=$2 pid rc1 before
	rm -f "$T_DIR/j"
	sim_up --faults latency=10ms
	"${penv[@]}" "$PPS" "${RELEASE[@]}" >"$T_DIR/k.out" 2>"$T_DIR/k.err" &
	pid=$!
	sleep 1.5
	if [ "$sig" = HUP ]; then
		run "${penv[@]}" "$PPS" "${RELEASE[@]}"
		expect_rc 2 "$name: a second run of the job while the first goes on is refused"
		expect_err_has "the journal of a run still going" "$name: the lock is named"
	fi
	kill -s "$sig" "$pid"
	wait "$pid"
	rc1=$?
	before=$(released)
	[ "$before" -gt 0 ] && [ "$before" -lt "$N" ] && ok ||
		fail "$name: the run was cut in the middle (released $before of $N)"
	[ "$rc1" != 0 ] && ok || fail "$name: a cut run never exits 0 (got $rc1)"
	if [ "$sig" != KILL ]; then
		expect_eq "$rc1" 130 "$name: the run stops between batches (exit 130)"
		expect_eq "$(jq -r 'select(.event == "end") | .status' "$T_DIR/j")" 130 \
			"$name: the journal is complete (its end line)"
		expect_eq "$(jq -c 'select(.event == "outcome")' "$T_DIR/j" | wc -l)" "$N" \
			"$name: every entry has its outcome line"
	fi
	run "${penv[@]}" "$PPS" "${RELEASE[@]}"
	read -r twice missing total unknown <<<"$(verify "$T_DIR/j")"
	expect_eq "$twice" 0 "$name: no message released twice"
	expect_eq "$missing" 0 "$name: every message released, or named unknown in the journal"
	expect_eq "$((total + unknown >= N))" 1 "$name: released $total, unknown $unknown of $N"
	if [ "$sig" = KILL ]; then
		[ "$unknown" -le 10 ] && ok || fail "$name: at most one batch unknown (got $unknown)"
		if [ "$unknown" -gt 0 ]; then
			expect_rc 8 "$name: the rerun names the unknown batch (exit 8)"
			expect_err_has "outcome unknown since an earlier run" "$name: the unknown listed on stderr"
		else
			expect_rc 0 "$name: the rerun completes the job"
		fi
	else
		expect_eq "$unknown" 0 "$name: nothing unknown after a stop between batches"
		expect_rc 0 "$name: the rerun completes the job"
		expect_err_has "done by an earlier run of this job: not sent again" "$name: the rerun says what it skipped"
	fi
	echo "# $name: first run released $before; after the rerun $total released, $unknown unknown, $twice twice"
	sim_stop
}
kill_case "kill -9" KILL
kill_case "SIGHUP" HUP

# --- SIGPIPE: `pps ... | head -1` stops the run, the rerun does the rest. ---
rm -f "$T_DIR/j"
sim_up --faults latency=10ms
"${penv[@]}" "$PPS" "${RELEASE[@]}" 2>"$T_DIR/p.err" | head -1 >/dev/null
rc1=${PIPESTATUS[0]}
before=$(released)
[ "$rc1" != 0 ] && [ "$rc1" != 141 ] && ok || fail "SIGPIPE: exit non-zero and not killed by the signal (got $rc1)"
[ "$before" -lt "$N" ] && ok || fail "SIGPIPE: the run stopped when stdout closed (released $before of $N)"
grep -qF "standard output is closed" "$T_DIR/p.err" && ok || fail "SIGPIPE: the stop is named: $(cat "$T_DIR/p.err")"
run "${penv[@]}" "$PPS" "${RELEASE[@]}"
expect_rc 0 "SIGPIPE: the rerun completes the job"
read -r twice missing total unknown <<<"$(verify "$T_DIR/j")"
expect_eq "$twice $missing $total $unknown" "0 0 $N 0" "SIGPIPE: every message released exactly once"
echo "# SIGPIPE: first run released $before; after the rerun $total"

# --- The journal fed back whole, or through the old README recipe: nothing is sent again. ---
run "${penv[@]}" "$PPS" quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/j"
expect_rc 0 "a finished journal fed back: all done"
expect_eq "$(released)" "$N" "a finished journal fed back sends nothing"
run "${penv[@]}" "$PPS" -o ndjson quarantine-message-release local_guid=@"$T_DIR/j"
expect_eq "$(released)" "$N" "a finished journal fed back without folder_name sends nothing"
sim_stop

# --- unknown entries: never resent from the journal or the report, unless --retry-unknown. ---
sim_up --no-tls
python3 "$PPS_SOURCE_DIR/tests/integration/helpers/drop_proxy.py" --upstream "${SIM_URL#http://}" \
	>"$T_DIR/proxy.out" 2>"$T_DIR/proxy.err" &
SIM_PIDS+=("$!")
for _ in $(seq 1 100); do
	PROXY_PORT=$(sed -n 's/^port //p' "$T_DIR/proxy.out")
	[ -n "$PROXY_PORT" ] && break
	sleep 0.05
done
head -n 30 "$T_DIR/list" >"$T_DIR/thirty"
printf '%s\n' "$(sed -n 11,20p "$T_DIR/list")" >"$T_DIR/second"
U=(--batch 10 --report "$T_DIR/u" quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/thirty")
run env PPS_URL="http://127.0.0.1:$PROXY_PORT" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" "${U[@]}"
expect_rc 8 "the 2nd batch's answer lost: unknown"
expect_eq "$(released)" 30 "the server carried out all three batches"
run "${penv[@]}" "$PPS" "${U[@]}"
expect_rc 8 "the same command again: the unknown batch is not resent"
expect_eq "$(released)" 30 "nothing resent by the rerun"
expect_err_has "GUID 6:6:1011 in 'Quarantine': outcome unknown since an earlier run" "the unknown named on stderr"
# The README's recipe of old: what is not done, fed back.
run "${penv[@]}" bash -c "jq -c 'select(.outcome != \"done\")' '$T_DIR/u' | \"\$PPS\" quarantine-message-release local_guid=-"
expect_rc 8 "the not-done lines fed back: still unknown"
expect_eq "$(released)" 30 "unknown entries fed back are not resent"
run "${penv[@]}" "$PPS" -o ndjson quarantine-message-release local_guid=@"$T_DIR/u"
expect_eq "$(released)" 30 "the whole journal fed back sends nothing"
expect_eq "$(jq -r 'select(.duplicate_of_line == null) | .outcome' <<<"$OUT" | sort | uniq -c | tr -s ' \n' ' ')" " 20 done 10 unknown " \
	"fed back: 20 done, 10 unknown, by an earlier run"
# After checking: --retry-unknown sends them.
run "${penv[@]}" "$PPS" --retry-unknown "${U[@]}"
expect_rc 0 "--retry-unknown sends the unknown ones again"
expect_eq "$(released)" 40 "the 10 unknown sent again, nothing else"
expect_err_has "sending again 10 messages whose outcome was unknown (--retry-unknown)" "said on stderr"
run "${penv[@]}" "$PPS" "${U[@]}"
expect_rc 0 "then the job is done"
expect_eq "$(released)" 40 "and nothing more is sent"
sim_stop

# --- A report that cannot be the journal: refused before the first request. ---
sim_up
refused() { # refused NAME FILE: the run with --report FILE sends nothing and exits non-zero
	run "${penv[@]}" "$PPS" --report "$2" quarantine-message-release folder_name=Quarantine local_guid=6:6:1001,6:6:1002
	[ "$RC" != 0 ] && ok || fail "$1: exit non-zero"
	expect_eq "$(posts)" 0 "$1: no request sent"
	expect_err_has "pps: " "$1: one line says why"
}
refused "/dev/full" /dev/full
expect_err_has "not a regular file" "/dev/full is not a file"
echo precious >"$T_DIR/target"
ln -s "$T_DIR/target" "$T_DIR/link"
refused "a symlink" "$T_DIR/link"
expect_err_has "symbolic link" "the symlink is named"
expect_eq "$(cat "$T_DIR/target")" precious "the symlink's target is untouched"
mkdir "$T_DIR/dir"
refused "a directory" "$T_DIR/dir"
mkfifo "$T_DIR/fifo"
refused "a FIFO" "$T_DIR/fifo"
refused "another file's content" "$T_DIR/target"
expect_err_has "a report of an older pps is input: local_guid=@$T_DIR/target" "how to use an older report is said"
expect_eq "$(cat "$T_DIR/target")" precious "a file of other content is never overwritten"
printf '{"event":"start","job":"%064d","command":"quarantine-message-delete"}\n' 0 >"$T_DIR/other"
refused "another job's journal" "$T_DIR/other"
expect_err_has "the journal of another job" "another job is named"
if mkdir "$T_DIR/full" && mount -t tmpfs -o size=64k tmpfs "$T_DIR/full" 2>/dev/null; then
	dd if=/dev/zero of="$T_DIR/full/fill" bs=4k 2>/dev/null
	refused "a full disk" "$T_DIR/full/journal"
	expect_err_has "No space left on device" "the full disk is named"
	umount "$T_DIR/full"
	mount -t tmpfs -o ro,size=64k tmpfs "$T_DIR/full"
	refused "a read-only disk" "$T_DIR/full/journal"
	expect_err_has "Read-only file system" "the read-only disk is named"
	umount "$T_DIR/full"
	# The disk fills up in the middle of the run: it stops before the next batch, non-zero;
	# nothing was sent without its intent in the journal; the rerun (the journal moved to a
	# disk with room) releases nothing twice.
	mount -t tmpfs -o size=64k tmpfs "$T_DIR/full"
	run "${penv[@]}" "$PPS" --batch 10 --report "$T_DIR/full/j" quarantine-message-release \
		folder_name=Quarantine local_guid=@"$T_DIR/list"
	[ "$RC" != 0 ] && ok || fail "a disk full mid-run: exit non-zero"
	expect_err_has "No space left on device; stopped before the next batch" "the stop is named"
	intents=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    try:
        j = json.loads(line)
    except ValueError:
        continue
    if j.get("event") == "intent":
        n += len(j["localguids"])
print(n)' "$T_DIR/full/j")
	before=$(released)
	[ "$before" -gt 0 ] && [ "$before" -lt "$N" ] && [ "$before" -le "$intents" ] && ok ||
		fail "a disk full mid-run: released $before, all with their intent ($intents), not all"
	cp "$T_DIR/full/j" "$T_DIR/moved"
	umount "$T_DIR/full"
	run "${penv[@]}" "$PPS" --batch 10 --report "$T_DIR/moved" quarantine-message-release \
		folder_name=Quarantine local_guid=@"$T_DIR/list"
	read -r twice missing total unknown <<<"$(verify "$T_DIR/moved")"
	expect_eq "$twice $missing" "0 0" "after a full disk and a rerun: none twice, none lost silently"
	echo "# full disk mid-run: released $before before the stop; after the rerun $total, $unknown unknown"
else
	echo "# not root: the full-disk case needs mount -t tmpfs" >&2
fi
sim_stop
sim_up
# A new journal is mode 0600.
run "${penv[@]}" "$PPS" --report "$T_DIR/new" quarantine-message-release folder_name=Quarantine local_guid=6:6:1001
expect_rc 0 "a new journal"
expect_eq "$(stat -c %a "$T_DIR/new")" 600 "the journal is created 0600"
# A torn last line (a kill during a write) is cut off before appending.
printf '{"event":"outcome","localguid":"6:6:10' >>"$T_DIR/new"
run "${penv[@]}" "$PPS" --report "$T_DIR/new" quarantine-message-release folder_name=Quarantine local_guid=6:6:1001,6:6:1002
expect_rc 0 "a torn last line: resumed"
expect_eq "$(jq -c . "$T_DIR/new" >/dev/null 2>&1 && echo valid)" valid "the journal is valid NDJSON again"
expect_eq "$(released)" 2 "6:6:1001 once, 6:6:1002 once"

# A line that is not UTF-8 (Latin-1 garbage) is an invalid entry with its line, the rest runs.
printf 'caf\xe9\n6:6:1010\n' >"$T_DIR/latin1"
run "${penv[@]}" "$PPS" --report "$T_DIR/latin1.j" quarantine-message-release folder_name=Quarantine \
	local_guid=@"$T_DIR/latin1"
expect_rc 1 "a Latin-1 line: invalid, the rest released"
expect_eq "$(jq -r 'select(.event == "outcome") | .outcome + " " + .input.text' "$T_DIR/latin1.j" | tr '\n' ' ')" \
	"invalid caf"$'\xef\xbf\xbd'" done 6:6:1010 " "the journal names it (U+FFFD for the bad byte)"
expect_eq "$(released)" 3 "6:6:1010 released"

# --- One message named by its localguid and by its GUID: released once. ---
rec=$(jq -c '.quarantine[2]' "$T_DIR/fix.json")
printf '%s\nQg%030d\n' "$rec" 3 >"$T_DIR/both"
run "${penv[@]}" "$PPS" quarantine-message-release local_guid=@"$T_DIR/both"
expect_rc 0 "a record and its GUID"
expect_eq "$(released)" 4 "released once (6:6:1003)"
run "${penv[@]}" "$PPS" quarantine-message-release folder_name=Quarantine local_guid=6:6:1004,Qg000000000000000000000000000005
expect_rc 2 "bare localguids and GUIDs mixed: refused"
expect_err_has "both by localguid (6:6:1004) and by GUID (Qg000000000000000000000000000005)" "the two forms named"
expect_eq "$(released)" 4 "nothing sent"
sim_stop

done_testing
