# --all at the seams between runs, disks and clusters: a checkpoint that cannot be written
# (read-only disk, full disk, /dev/full, a symlink) stops the walk before its first request; a
# write failure during the walk ends it non-zero; a checkpoint of another filter or window is
# refused (exit 2), as is a hand-edited one outside its window; an over-full oldest second is
# named without a configured cap; --output-file FILE is cut back to its checkpoint (or last whole
# line) so that a kill -9 and a rerun print every record once; --profile a,b --all
# --checkpoint keeps one position per cluster.
# ctest: slow
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
START=1735689600 # 2025-01-01T00:00:00Z
A="start_time=2025-01-01T00:00:00Z"
B="end_time=2025-01-02T00:00:00Z"
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1
lines() { wc -l <"$1" | tr -d ' '; }
searches() { # the Smart Search requests the emulator has seen
	curl_sim /rest/v1/sim/requests
	jq '[.records[] | select(.path == "/rest/v1/pss/filter")] | length' <<<"$OUT"
}

python3 "$GEN" "$T_DIR/w.json" --start $START --messages 30 --tag w --seed 31
sim_start --fixture "$T_DIR/w.json" --max-count 10

# 1. A checkpoint that cannot be written: nothing is asked, nothing printed, exit non-zero.
refused() { # refused WHAT CHECKPOINT
	local before
	before=$(searches)
	pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$2"
	[ "$RC" -ne 0 ] && ok || fail "$1: exit $RC"
	expect_out "" "$1: nothing printed"
	expect_err_has "checkpoint" "$1: the checkpoint is named"
	expect_eq "$(searches)" "$before" "$1: no request sent"
}
mkdir -p "$T_DIR/ro" "$T_DIR/full"
if [ $ROOT = 1 ]; then
	mount -t tmpfs -o size=64k tmpfs "$T_DIR/ro" && mount -o remount,ro "$T_DIR/ro"
	mount -t tmpfs -o size=16k tmpfs "$T_DIR/full"
	dd if=/dev/zero of="$T_DIR/full/fill" bs=1k count=64 2>/dev/null
else
	chmod 555 "$T_DIR/ro"
fi
refused "a read-only disk" "$T_DIR/ro/w.ck"
[ $ROOT = 1 ] && refused "a full disk" "$T_DIR/full/w.ck"
refused "/dev/full" /dev/full
[ -c /dev/full ] && ok || fail "/dev/full is still a device"
echo keep >"$T_DIR/target"
ln -s "$T_DIR/target" "$T_DIR/link.ck"
refused "a symlink" "$T_DIR/link.ck"
expect_eq "$(cat "$T_DIR/target")" keep "the symlink's target is untouched"
# --follow checks its checkpoint before its first request too.
before=$(searches)
run timeout 20 env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" --follow --checkpoint "$T_DIR/ro/f.ck"
[ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && ok || fail "--follow, a read-only disk: exit $RC"
run timeout 20 env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" --follow --checkpoint "$T_DIR/link.ck"
[ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && ok || fail "--follow, a symlink: exit $RC"
expect_err_has "symbolic link" "--follow, a symlink: named"
expect_eq "$(searches)" "$before" "--follow: no request sent"
if [ $ROOT = 1 ]; then
	umount "$T_DIR/ro"
	umount "$T_DIR/full"
fi

# 2. Another job's checkpoint: another filter, another window, a hand edit.
CK="$T_DIR/w.ck"
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
expect_rc 0 "a walk with a checkpoint"
expect_eq "$(jq -r .GUID <<<"$OUT" | wc -l)" 30 "it prints the 30"
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
expect_rc 0 "the same job again"
expect_err_has "the walk was complete" "is complete"
pps_admin -o ndjson smart-search "$A" "$B" sender=s3@flow.test --all --checkpoint "$CK"
expect_rc 2 "another filter"
expect_err_has "other filters" "is refused, named"
pps_admin -o ndjson smart-search start_time=2025-01-02T00:00:00Z end_time=2025-01-03T00:00:00Z --all --checkpoint "$CK"
expect_rc 2 "another window (the next day)"
expect_err_has "is of the window 2025-01-01 00:00:00 UTC to 2025-01-02 00:00:00 UTC" "is refused, the window named"
jq -c '.to = 1000 | .done = false' "$CK" >"$T_DIR/edited.ck"
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/edited.ck"
expect_rc 2 "a hand-edited position outside the window"
expect_err_has "outside its job's window" "is refused"
sim_stop

# 3. A write failure during the walk ends it non-zero.
if [ $ROOT = 1 ]; then
	python3 "$GEN" "$T_DIR/slow.json" --start $START --messages 300 --tag s --seed 32
	sim_start --fixture "$T_DIR/slow.json" --max-count 10 --faults latency=150ms
	mount -t tmpfs -o size=16k tmpfs "$T_DIR/full"
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/full/s.ck" \
		>"$T_DIR/s.out" 2>"$T_DIR/s.err" &
	WPID=$!
	sleep 1.5
	dd if=/dev/zero of="$T_DIR/full/fill" bs=1k count=64 2>/dev/null
	wait $WPID
	RC=$?
	[ "$RC" -ne 0 ] && ok || fail "a disk that fills during the walk: exit $RC"
	grep -q "cannot write checkpoint" "$T_DIR/s.err" && ok || fail "the failure is named: $(cat "$T_DIR/s.err")"
	n=$(lines "$T_DIR/s.out")
	[ "$n" -lt 300 ] && ok || fail "the walk stopped ($n printed)"
	echo "# a disk full during the walk: exit $RC after $n of 300"
	umount "$T_DIR/full"
	sim_stop
fi

# 4. The oldest second over-full, no cap configured: named, exit 1. (The store holds other
# records a day later, outside the window.)
python3 "$GEN" "$T_DIR/crowd.json" --start $((START + 86400)) --messages 30 --crowded-second $START:50 --tag c --seed 33
sim_start --fixture "$T_DIR/crowd.json" --max-count 20
pps_admin -o ndjson smart-search "$A" "$B" --all
expect_rc 1 "an over-full oldest second"
expect_err_has "the second 2025-01-01 00:00:00 UTC holds more records than the server returns" "is named"
expect_eq "$(jq -r .GUID <<<"$OUT" | wc -l)" 20 "the 20 the server gives"
# With a checkpoint the gap outlives the run: a rerun finds the walk finished, says the
# second again and still exits 1, never 0.
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/crowd.ck"
expect_rc 1 "an over-full oldest second, with a checkpoint"
pps_admin -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/crowd.ck"
expect_rc 1 "the rerun of a walk that met a crowded second"
expect_err_has "the walk was complete; nothing left" "the rerun finds it finished"
expect_err_has "the second 2025-01-01 00:00:00 UTC holds more records than the server returns" "and names the second again"
expect_out "" "and prints nothing again"
sim_stop
python3 "$GEN" "$T_DIR/crowd2.json" --start $((START + 10)) --messages 200 --crowded-second $START:50 --tag d --seed 34
sim_start --fixture "$T_DIR/crowd2.json" --max-count 20
pps_admin -o ndjson smart-search "$A" "$B" --all
expect_rc 1 "an over-full oldest second under newer ones"
expect_err_has "the second 2025-01-01 00:00:00 UTC holds more records" "is named"
expect_eq "$(jq -r .GUID <<<"$OUT" | grep -vc crowd)" 200 "every other record printed"
pps_admin -o ndjson smart-search start_time=2025-01-01T00:00:01Z "$B" --all
expect_rc 0 "a window without the crowded second"
expect_err "" "has no warning"
sim_stop

# 5. --output-file FILE: a torn last line is cut; kill -9 and a rerun print every record once.
python3 "$GEN" "$T_DIR/o.json" --start $START --messages 600 --tag o --seed 35
sim_start --fixture "$T_DIR/o.json" --max-count 20 --faults latency=100ms
printf '{"GUID":"before1"}\n{"GUID":"before2"}\n{"GUID":"tor' >"$T_DIR/o.out"
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" "$B" --all --output-file "$T_DIR/o.out" \
	--checkpoint "$T_DIR/o.ck" >"$T_DIR/o.stdout" 2>"$T_DIR/o.err" &
WPID=$!
sleep 1.5
kill -9 $WPID
wait $WPID 2>/dev/null
n1=$(lines "$T_DIR/o.out")
[ "$n1" -gt 2 ] && [ "$n1" -lt 602 ] && ok || fail "the first run was cut part-way ($n1 lines)"
grep -q "dropped 12 bytes written after the last whole line" "$T_DIR/o.err" && ok || fail "the torn line is named: $(cat "$T_DIR/o.err")"
# What a kill -9 may leave: records after the last checkpoint, a torn line.
printf '{"GUID":"o_after_the_checkpoint"}\n{"GUID":"o_torn' >>"$T_DIR/o.out"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" -o ndjson smart-search "$A" "$B" --all --output-file "$T_DIR/o.out" --checkpoint "$T_DIR/o.ck"
expect_rc 0 "the rerun"
expect_out "" "--output-file: nothing on stdout"
expect_err_has "written after the last checkpoint" "the cut is named"
expect_eq "$(head -2 "$T_DIR/o.out" | jq -r .GUID | tr '\n' ' ')" "before1 before2 " "the earlier lines are kept"
jq -r .GUID "$T_DIR/o.out" >"$T_DIR/o.guids" 2>"$T_DIR/o.jqerr" && ok || fail "every line is whole JSON: $(head -2 "$T_DIR/o.jqerr")"
expect_eq "$(grep -c '^o0' "$T_DIR/o.guids")" 600 "every record printed"
expect_eq "$(sort "$T_DIR/o.guids" | uniq -d | wc -l | tr -d ' ')" 0 "none twice across the kill -9"
expect_eq "$(grep -c 'o_after\|o_torn\|tor$' "$T_DIR/o.guids")" 0 "nothing after the checkpoint kept"
echo "# --output-file: kill -9 after $n1 lines; after the rerun $(grep -c '^o0' "$T_DIR/o.guids") of 600, none twice"
sim_stop

# 6. --profile a,b --all --checkpoint: one position per cluster; with and without a kill -9.
python3 "$GEN" "$T_DIR/a.json" --start $START --messages 60 --tag a --seed 36
python3 "$GEN" "$T_DIR/b.json" --start $START --messages 60 --tag b --seed 37
sim_start --fixture "$T_DIR/a.json" --max-count 10 --faults latency=150ms
A_URL=$SIM_URL A_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/b.json" --max-count 10 --faults latency=150ms
B_URL=$SIM_URL B_CA=$SIM_CACERT
mkdir -p "$XDG_CONFIG_HOME/pps"
cat >"$XDG_CONFIG_HOME/pps/config" <<CONF
[a]
url = $A_URL
username = admin
password = admin-pass
cacert = $A_CA

[b]
url = $B_URL
username = admin
password = admin-pass
cacert = $B_CA
CONF
chmod 600 "$XDG_CONFIG_HOME/pps/config"
run "$PPS" --profile a,b -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/ab.ck"
expect_rc 0 "two clusters with a checkpoint"
expect_eq "$(jq -r '.cluster + " " + .GUID' <<<"$OUT" | sort -u | wc -l | tr -d ' ')" 120 "every record of both clusters"
expect_eq "$(wc -l <<<"$OUT" | tr -d ' ')" 120 "each once"
expect_eq "$(jq -r '.clusters | keys | join(",")' "$T_DIR/ab.ck")" "a,b" "one position per cluster"
expect_eq "$(jq -r '[.clusters[].done] | all' "$T_DIR/ab.ck")" true "both complete"
"$PPS" --profile a,b -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/ab2.ck" \
	--output-file "$T_DIR/ab.out" 2>"$T_DIR/ab.err" &
WPID=$!
sleep 1.8
kill -9 $WPID
wait $WPID 2>/dev/null
n1=$(lines "$T_DIR/ab.out")
run "$PPS" --profile a,b -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/ab2.ck" --output-file "$T_DIR/ab.out"
expect_rc 0 "the rerun after kill -9"
jq -r '.cluster + " " + .GUID' "$T_DIR/ab.out" >"$T_DIR/ab.keys"
expect_eq "$(sort -u "$T_DIR/ab.keys" | wc -l | tr -d ' ')" 120 "kill -9 and rerun: every record of both clusters"
expect_eq "$(lines "$T_DIR/ab.keys")" 120 "kill -9 and rerun: each once"
echo "# two clusters: kill -9 after $n1 of 120; after the rerun $(lines "$T_DIR/ab.keys") lines, $(sort -u "$T_DIR/ab.keys" | wc -l) distinct"
sim_stop

done_testing
