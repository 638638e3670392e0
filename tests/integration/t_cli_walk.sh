# --all walks a window past the server's cap (exactly once per record, also when a page boundary
# falls inside a second), the cap probe warns of a cut answer, --checkpoint resumes a walk, and
# --follow prints new records once across a server outage and a kill -9 of pps.
# ctest: slow
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
START=1735689600 # 2025-01-01T00:00:00Z
A="start_time=2025-01-01T00:00:00Z"
B="end_time=2025-01-02T00:00:00Z"
python3 "$GEN" "$T_DIR/walk.json" --start $START --messages 3000 --quarantine 400 --seed 3
STATE="$T_DIR/walk-state"

# The truth: one uncapped request.
sim_start --fixture "$T_DIR/walk.json" --state-dir "$STATE" --max-count 100000
pps_admin -o ndjson smart-search "$A" "$B" limit=100000
expect_rc 0 "uncapped search"
jq -r .GUID <<<"$OUT" | sort >"$T_DIR/truth"
expect_eq "$(wc -l <"$T_DIR/truth")" 3000 "the truth holds every message"
pps_admin -o ndjson smart-search "$A" "$B"
expect_err_has "showing 100 records: more match before 2025-01-01" "the default limit met: named"
expect_err_has "(or a higher limit=)" "with the other way out"
for f in Quarantine Phish; do
	pps_admin -o ndjson quarantine-messages-list folder_name=$f sender=phish.test "$A" "$B" limit=1000
	jq -r .localguid <<<"$OUT"
done | sort >"$T_DIR/qtruth"
expect_eq "$(wc -l <"$T_DIR/qtruth")" 400 "the quarantine truth"
sim_stop

# The same store capped at 50 records an answer.
sim_start --state-dir "$STATE" --max-count 50
pps_admin -o ndjson smart-search "$A" "$B" --all
expect_rc 0 "--all"
jq -r .GUID <<<"$OUT" | sort >"$T_DIR/all"
expect_eq "$(wc -l <"$T_DIR/all")" 3000 "--all prints every message"
expect_eq "$(uniq -d "$T_DIR/all" | wc -l)" 0 "--all prints none twice"
cmp -s "$T_DIR/all" "$T_DIR/truth" && ok || fail "--all prints exactly the uncapped set"
expect_eq "$(jq -r .Date <<<"$OUT" | sort -c -r 2>&1 | wc -l)" 0 "--all prints newest first"

# A filter is kept on every page.
pps_admin -o ndjson smart-search "$A" "$B" sender=s3@flow.test --all
expect_eq "$(jq -r .Sender <<<"$OUT" | sort -u)" "s3@flow.test" "--all keeps the filter"
expect_eq "$(jq -r .GUID <<<"$OUT" | sort | uniq -d | wc -l)" 0 "filtered walk: none twice"

# limit= with --all is a total cap: the newest N.
pps_admin -o ndjson smart-search "$A" "$B" limit=120 --all
expect_eq "$(jq -r .GUID <<<"$OUT" | wc -l)" 120 "limit=120 --all prints 120"
expect_eq "$(jq -r .GUID <<<"$OUT" | sort -u | wc -l)" 120 "limit=120 --all: none twice"

# CSV and JSON of a walk are one document each.
pps_admin -o json smart-search "$A" "$B" --all
expect_eq "$(jq '.Proofpoint.SmartSearch | length' <<<"$OUT")" 3000 "-o json --all is one document"
pps_admin -o csv smart-search "$A" "$B" --all
expect_eq "$(wc -l <<<"$OUT")" 3001 "-o csv --all: a header and a row a record"

# The plain search cut by a known cap is not silent: one stderr line names --all; exit 0.
pps_admin -o ndjson --server-cap 50 smart-search "$A" "$B" limit=5000
expect_rc 0 "a capped search still succeeds"
expect_err_has "showing 50 records: more match before" "the cut answer is named"
expect_err_has "use --all" "the way out is named"
# An answer as long as the limit the user gave is what was asked for: no warning.
pps_admin -o ndjson smart-search "$A" "$B" limit=50
expect_err "" "an explicit limit met exactly is not a cut"
# An answer that is all there is: no warning.
pps_admin -o ndjson smart-search "$A" "$B" sender=s3@flow.test limit=1000
expect_err "" "a complete small answer has no warning"

# Quarantine, two folders, pages of 40: every message of each folder once, folder by folder.
pps_admin -o ndjson --server-cap 40 quarantine-messages-list folder_name=Quarantine,Phish sender=phish.test "$A" "$B" --all
expect_rc 0 "quarantine --all"
jq -r .localguid <<<"$OUT" | sort >"$T_DIR/qall"
cmp -s "$T_DIR/qall" "$T_DIR/qtruth" && ok || fail "quarantine --all prints exactly the folders' messages"
expect_eq "$(jq -r .folder <<<"$OUT" | uniq | tr '\n' ' ')" "Quarantine Phish " "folders in the order given"

# --checkpoint: a walk stopped by SIGTERM goes on where it stopped; together, every record once.
sim_stop
sim_start --state-dir "$STATE" --max-count 50 --faults latency=150ms
CK="$T_DIR/walk.ck"
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK" >"$T_DIR/part1" 2>"$T_DIR/err1" &
WPID=$!
sleep 2
kill -TERM $WPID
wait $WPID
RC=$?
expect_eq "$RC" 130 "a walk stopped by SIGTERM exits 130"
ERR=$(cat "$T_DIR/err1")
expect_err_has "stopped before the end of the window" "and says how far it got"
n1=$(wc -l <"$T_DIR/part1")
[ "$n1" -gt 0 ] && [ "$n1" -lt 3000 ] && ok || fail "the first run stopped part-way (printed $n1)"
expect_eq "$(jq -r .done "$CK")" false "the checkpoint says the walk is not done"
sim_stop
sim_start --state-dir "$STATE" --max-count 50
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
expect_rc 0 "the resumed walk"
printf '%s\n' "$OUT" >"$T_DIR/part2"
cat "$T_DIR/part1" "$T_DIR/part2" | jq -r .GUID | sort >"$T_DIR/joined"
cmp -s "$T_DIR/joined" "$T_DIR/truth" && ok || fail "the two runs print every record exactly once"
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
expect_out "" "a finished walk prints nothing more"
expect_err_has "the walk was complete" "and says so"
pps_admin -o ndjson quarantine-messages-list sender=x "$A" "$B" --all --checkpoint "$CK"
expect_rc 2 "a checkpoint of another job is refused"
expect_err_has "belongs to 'smart-search --all'" "the job is named"
sim_stop

# One second holding more records than an answer: named, exit 1, the rest still printed.
python3 "$GEN" "$T_DIR/crowd.json" --start $START --messages 200 --crowded-second $((START + 100)):80 --tag c --seed 4
sim_start --fixture "$T_DIR/crowd.json" --max-count 50
pps_admin -o ndjson smart-search "$A" "$B" --all
expect_rc 1 "a second over the cap"
expect_err_has "the second 2025-01-01 00:01:40 UTC holds more records than the server returns" "the second is named"
expect_eq "$(jq -r .GUID <<<"$OUT" | grep -vc crowd)" 200 "every other record is printed"
sim_stop

# Usage errors.
sim_start --fixture "$FIXTURES/basic.json"
pps_admin smart-search --all --follow
expect_rc 2 "--all with --follow"
pps_admin get-user email=a@b.test --all
expect_rc 2 "--all on a command that is not a search"
expect_err "pps: --all works with smart-search, quarantine-messages-list and stats only"
pps_admin smart-search --checkpoint "$T_DIR/x.ck"
expect_rc 2 "--checkpoint alone"
expect_err "pps: --checkpoint needs --all or --follow"
pps_admin -o json smart-search --follow
expect_rc 2 "--follow with -o json"
pps_admin -o ndjson smart-search --follow end_time=now
expect_err "pps: --follow has no end: leave out end_time"
sim_stop

# --follow: the past from start_time, then what comes; across an outage and a kill -9.
NOW=$(date +%s)
FSTATE="$T_DIR/follow-state"
python3 "$GEN" "$T_DIR/f1.json" --start $((NOW - 300)) --messages 40 --tag f --seed 5
sim_start --fixture "$T_DIR/f1.json" --state-dir "$FSTATE" --max-count 15
PORT=${SIM_URL##*:}
FCK="$T_DIR/follow.ck"
follow() {
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" -o ndjson --timeout 5 --retries 0 smart-search start_time="10 minutes ago" \
		--follow --interval 1 --checkpoint "$FCK" >>"$T_DIR/followed" 2>>"$T_DIR/follow.err" &
	FPID=$!
}
wait_lines() { # wait_lines N: until the follower has printed N lines (30 s at most)
	local i
	for i in $(seq 1 150); do
		[ "$(wc -l <"$T_DIR/followed")" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
: >"$T_DIR/followed"
follow
wait_lines 40 && ok || fail "--follow prints the window's 40 records"
# The server goes away and comes back with new messages: they come out once.
sim_stop
sleep 1.5
python3 "$GEN" "$T_DIR/f2.json" --start $((NOW - 5)) --messages 25 --per-second-max 4 --tag g --seed 6
sim_start --fixture "$T_DIR/f2.json" --state-dir "$FSTATE" --max-count 15 --listen 127.0.0.1:$PORT
wait_lines 65 && ok || fail "--follow prints the new records after the outage"
grep -q "following" "$T_DIR/follow.err" && ok || fail "the outage is named on stderr"
# kill -9, more messages while it is down, restart from the checkpoint: no gap.
sleep 1.5
kill -9 $FPID
wait $FPID 2>/dev/null
sim_stop
python3 "$GEN" "$T_DIR/f3.json" --start $((NOW - 2)) --messages 30 --per-second-max 4 --tag h --seed 7
sim_start --fixture "$T_DIR/f3.json" --state-dir "$FSTATE" --max-count 15 --listen 127.0.0.1:$PORT
follow
wait_lines 95 && ok || fail "after kill -9 the follower catches up on what came meanwhile"
sleep 2.5
kill -TERM $FPID
wait $FPID
expect_eq "$?" 0 "SIGTERM ends --follow with exit 0"
expect_eq "$(jq -r .GUID "$T_DIR/followed" | sort | uniq -d | wc -l)" 0 "no record printed twice"
expect_eq "$(jq -r .GUID "$T_DIR/followed" | sort -u | wc -l)" 95 "every record printed"
expect_eq "$(jq -r .GUID "$T_DIR/followed" | grep -c '^h')" 30 "the records of the downtime"
sim_stop

done_testing
