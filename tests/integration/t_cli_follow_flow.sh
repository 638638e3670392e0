# --follow against a moving server (pps-sim --flow): a follower killed with -9 and restarted on
# its checkpoint misses nothing; one stopped with SIGTERM and restarted prints nothing twice.
# The truth is what the emulator holds for the followed window, read back with --all.
# ctest: slow
. "$(dirname "$0")/lib.sh"

STATE="$T_DIR/flow-state"
sim_start --state-dir "$STATE" --flow 20 --max-count 200 --fixture "$FIXTURES/basic.json"
CK="$T_DIR/follow.ck"
T0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
follow() { # follow OUTFILE: a follower in the background, its pid in FPID
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" -o ndjson --timeout 10 smart-search start_time="$T0" --follow --interval 1 \
		--checkpoint "$CK" >>"$1" 2>>"$T_DIR/follow.err" &
	FPID=$!
}
lines() { wc -l <"$1" | tr -d ' '; }
wait_growth() { # wait_growth FILE N: until FILE has more than N lines (20 s at most)
	local i
	for i in $(seq 1 100); do
		[ "$(lines "$1")" -gt "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

# 1. kill -9 mid-run, more mail meanwhile, restart on the checkpoint: no gap.
: >"$T_DIR/a.out"
follow "$T_DIR/a.out"
wait_growth "$T_DIR/a.out" 30 && ok || fail "the follower prints the flow"
sleep 2
kill -9 $FPID
wait $FPID 2>/dev/null
n_killed=$(lines "$T_DIR/a.out")
sleep 2
follow "$T_DIR/a.out"
wait_growth "$T_DIR/a.out" $((n_killed + 60)) && ok || fail "the restarted follower goes on"
sleep 2
kill -TERM $FPID
wait $FPID
expect_eq "$?" 0 "SIGTERM ends the follower with exit 0"
H=$(jq -r .high_water "$CK")
HISO=$(date -u -d "@$H" +%Y-%m-%dT%H:%M:%SZ)
pps_admin -o ndjson smart-search start_time="$T0" end_time="$HISO" --all
expect_rc 0 "the truth of the followed window"
jq -r .GUID <<<"$OUT" | sort -u >"$T_DIR/truth"
jq -r .GUID "$T_DIR/a.out" | sort -u >"$T_DIR/seen"
[ "$(wc -l <"$T_DIR/truth")" -gt 100 ] && ok || fail "the flow brought messages ($(wc -l <"$T_DIR/truth"))"
expect_eq "$(comm -23 "$T_DIR/truth" "$T_DIR/seen" | wc -l)" 0 "kill -9 and restart: no record missed"
expect_eq "$(jq -r .Date "$T_DIR/a.out" | grep -c .)" "$(lines "$T_DIR/a.out")" "every line a whole record"

# 2. SIGTERM, restart: nothing printed twice.
: >"$T_DIR/b.out"
follow "$T_DIR/b.out"
wait_growth "$T_DIR/b.out" 20 && ok || fail "the follower goes on after SIGTERM"
kill -TERM $FPID
wait $FPID
expect_eq "$?" 0 "SIGTERM again: exit 0"
n_b=$(lines "$T_DIR/b.out")
sleep 1.5
follow "$T_DIR/b.out"
wait_growth "$T_DIR/b.out" $((n_b + 20)) && ok || fail "the second run prints new records"
kill -TERM $FPID
wait $FPID
expect_eq "$(jq -r .GUID "$T_DIR/a.out" "$T_DIR/b.out" | sort | uniq -d | wc -l | tr -d ' ')" \
	"$(jq -r .GUID "$T_DIR/a.out" | sort | uniq -d | wc -l | tr -d ' ')" \
	"after a SIGTERM nothing is printed twice (repeats only from the kill -9 run)"
expect_eq "$(jq -r .GUID "$T_DIR/b.out" | sort | uniq -d | wc -l | tr -d ' ')" 0 "no repeats across SIGTERM restarts"
grep -q . "$T_DIR/follow.err" && fail "the follower wrote to stderr: $(head -3 "$T_DIR/follow.err")" || ok

done_testing
