# --follow at the seams between clocks and runs: a server clock 75 s and 300 s behind this
# machine's (polls on the server's clock, the skew named once), a second holding more records
# than one answer (named on stderr with its time, exit 1), and a follow started at T that never
# prints a record older than T, also after a kill -9 and a restart within the overlap.
# The truth is what the emulator holds, read back with --all.
# ctest: slow
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
lines() { wc -l <"$1" | tr -d ' '; }
# follow OUT ERR ARGS...: a follower in the background (pid in FPID).
follow() {
	local out=$1 err=$2
	shift 2
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" -o ndjson --timeout 10 smart-search --follow --interval 1 "$@" >>"$out" 2>>"$err" &
	FPID=$!
}
stop_follow() { # SIGTERM, wait; the exit status in FRC
	kill -TERM "$FPID"
	wait "$FPID"
	FRC=$?
}
# truth FROM TO: the GUIDs the emulator holds for [FROM, TO), sorted, into $T_DIR/truth
truth() {
	pps_admin -o ndjson smart-search start_time="$(iso "$1")" end_time="$(iso "$2")" --all
	expect_rc 0 "the truth of [$(iso "$1"), $(iso "$2"))"
	jq -r .GUID <<<"$OUT" | sort -u >"$T_DIR/truth"
}

# 1, 2. The server's clock behind ours: every record the server holds for the followed
# window comes out; the skew is named once.
for behind in 75 300; do
	sim_start --clock-offset -$behind --flow 20 --max-count 200 --fixture "$FIXTURES/basic.json"
	T0=$(($(date +%s) - 600))
	: >"$T_DIR/c.out"
	: >"$T_DIR/c.err"
	: >"$T_DIR/d.out"
	: >"$T_DIR/d.err"
	# Another follower from "now" (the default): the server's now.
	T2=$(date +%s)
	follow "$T_DIR/d.out" "$T_DIR/d.err"
	DPID=$FPID
	follow "$T_DIR/c.out" "$T_DIR/c.err" start_time="$(iso $T0)" --checkpoint "$T_DIR/c.ck"
	sleep 9
	stop_follow
	expect_eq "$FRC" 0 "clock $behind s behind: SIGTERM ends the follow with 0"
	FPID=$DPID
	stop_follow
	expect_eq "$FRC" 0 "clock $behind s behind, from now: SIGTERM ends the follow with 0"
	H=$(jq -r .high_water "$T_DIR/c.ck")
	# The high water is on the server's clock (give or take a poll).
	d=$(($(date +%s) - behind - H))
	[ "$d" -ge -2 ] && [ "$d" -le 4 ] && ok || fail "clock $behind s behind: high water $d s off the server's clock"
	truth $T0 "$H"
	jq -r .GUID "$T_DIR/c.out" | sort -u >"$T_DIR/seen"
	n=$(lines "$T_DIR/truth")
	[ "$n" -gt 100 ] && ok || fail "clock $behind s behind: the flow brought messages ($n)"
	expect_eq "$(comm -23 "$T_DIR/truth" "$T_DIR/seen" | wc -l | tr -d ' ')" 0 \
		"clock $behind s behind: no record of the $n lost"
	expect_eq "$(jq -r .GUID "$T_DIR/c.out" | sort | uniq -d | wc -l | tr -d ' ')" 0 \
		"clock $behind s behind: none printed twice"
	expect_eq "$(grep -c "the server's clock is $behind s behind" "$T_DIR/c.err")" 1 \
		"clock $behind s behind: the skew is named once"
	echo "# clock $behind s behind: $n records in the window, $(comm -23 "$T_DIR/truth" "$T_DIR/seen" | wc -l) lost"
	# The follower from now: every record the server dated after its start (on its clock).
	truth $((T2 - behind + 1)) "$H"
	jq -r .GUID "$T_DIR/d.out" | sort -u >"$T_DIR/seen"
	n=$(lines "$T_DIR/truth")
	expect_eq "$(comm -23 "$T_DIR/truth" "$T_DIR/seen" | wc -l | tr -d ' ')" 0 \
		"clock $behind s behind, from now: none of the $n records since the start lost"
	old=$(jq -r .Date "$T_DIR/d.out" | cut -c1-19 | awk -v t="$(date -u -d @$((T2 - behind - 1)) '+%Y-%m-%d %H:%M:%S')" '$0 < t' | wc -l | tr -d ' ')
	expect_eq "$old" 0 "clock $behind s behind, from now: nothing from before the start"
	rm -f "$T_DIR/c.ck"
	sim_stop
done

# 3. Over-full seconds: one in the past (80 records, cap 20) and one that arrives while
# following. Each is named with its time; the follow ends with 1; every other record printed.
NOW=$(date +%s)
python3 "$GEN" "$T_DIR/crowd.json" --start $((NOW - 300)) --messages 120 --crowded-second $((NOW - 100)):80 --tag o --seed 21
sim_start --fixture "$T_DIR/crowd.json" --max-count 20
: >"$T_DIR/o.out"
: >"$T_DIR/o.err"
follow "$T_DIR/o.out" "$T_DIR/o.err" start_time="$(iso $((NOW - 400)))"
OPID=$FPID
: >"$T_DIR/p.out"
: >"$T_DIR/p.err"
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson --server-cap 20 smart-search --follow --interval 1 \
	start_time="$(iso $((NOW - 400)))" >"$T_DIR/p.out" 2>"$T_DIR/p.err" &
PPID_CAP=$!
sleep 3
LIVE=$(($(date +%s) + 1))
python3 - "$LIVE" >"$T_DIR/live.json" <<'PY'
import datetime, json, sys
t = datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
print(json.dumps({"messages": [{"GUID": "live%03d" % i, "Date": t, "Sender": "live@flow.test",
                                "Recipients": "r@flow.test", "Subject": "live %d" % i,
                                "Final_Action": "accept"} for i in range(50)]}))
PY
curl_sim -X POST -H 'Content-Type: application/json' --data-binary @"$T_DIR/live.json" /rest/v1/sim/messages
expect_status 200 "50 records injected into one second"
sleep 5
kill -TERM $PPID_CAP
wait $PPID_CAP
expect_eq "$?" 1 "with --server-cap 20 too"
for f in o p; do
	for t in $((NOW - 100)) "$LIVE"; do
		grep -q "the second $(date -u -d @"$t" '+%Y-%m-%d %H:%M:%S') UTC holds more records" "$T_DIR/$f.err" &&
			ok || fail "$f: the over-full second $t is named: $(cat "$T_DIR/$f.err")"
	done
	expect_eq "$(grep -c 'holds more records' "$T_DIR/$f.err")" 2 "$f: each named once"
done
expect_eq "$(jq -r .GUID "$T_DIR/p.out" | grep -c '^o0')" 120 "--server-cap 20: every record of the other seconds"
FPID=$OPID
stop_follow
expect_eq "$FRC" 1 "a follow that met an over-full second ends with 1"
grep -q "the second $(date -u -d @$((NOW - 100)) '+%Y-%m-%d %H:%M:%S') UTC holds more records" "$T_DIR/o.err" &&
	ok || fail "the over-full second of the past is named: $(cat "$T_DIR/o.err")"
grep -q "the second $(date -u -d @$LIVE '+%Y-%m-%d %H:%M:%S') UTC holds more records" "$T_DIR/o.err" &&
	ok || fail "the over-full second that arrived live is named: $(cat "$T_DIR/o.err")"
expect_eq "$(jq -r .GUID "$T_DIR/o.out" | grep -c '^o0')" 120 "every record of the other seconds printed"
expect_eq "$(jq -r .GUID "$T_DIR/o.out" | sort | uniq -d | wc -l | tr -d ' ')" 0 "none printed twice"
echo "# over-full: $(jq -r .GUID "$T_DIR/o.out" | grep -c ocrowd) of 80 and $(jq -r .GUID "$T_DIR/o.out" | grep -c live) of 50 printed, both named"
sim_stop

# 4. A follow started at T never prints a record older than T: a live flow of 40 a second, a
# kill -9 two seconds in and a restart on the checkpoint within the overlap.
sim_start --flow 40 --max-count 10000 --fixture "$FIXTURES/basic.json"
sleep 3
T=$(date -u +%Y-%m-%dT%H:%M:%SZ)
: >"$T_DIR/s.out"
: >"$T_DIR/s.err"
follow "$T_DIR/s.out" "$T_DIR/s.err" start_time="$T" --checkpoint "$T_DIR/s.ck"
sleep 2.5
kill -9 "$FPID"
wait "$FPID" 2>/dev/null
follow "$T_DIR/s.out" "$T_DIR/s.err" start_time="$T" --checkpoint "$T_DIR/s.ck"
sleep 3
stop_follow
expect_eq "$FRC" 0 "the restarted follow ends with 0"
[ "$(lines "$T_DIR/s.out")" -gt 100 ] && ok || fail "the flow was followed ($(lines "$T_DIR/s.out"))"
TS=$(date -u -d "$T" '+%Y-%m-%d %H:%M:%S')
old=$(jq -r .Date "$T_DIR/s.out" | cut -c1-19 | awk -v t="$TS" '$0 < t' | wc -l | tr -d ' ')
expect_eq "$old" 0 "no record older than the start $T"
sim_stop

done_testing
