# ctest: slow
# Two pps processes adding their own entry to one user's blocklist at the same moment, 50 times,
# against pps-sim with and without the interleave fault (another admin's write landing between
# a client's read and write): both entries end up in the list every time, and no entry that was
# there before (the fixture's, earlier runs', the other admins') is ever lost.
. "$(dirname "$0")/lib.sh"

# puts: how many PUTs the emulator has seen.
puts() {
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/requests?limit=100000" |
		jq '[.records[] | select(.method == "PUT")] | length'
}
# blocklist USER: the stored blocklist, one entry a line, as get-user -o json shows it.
blocklist() {
	pps_admin -o json get-user email="$1"
	jq -r '.Proofpoint.User.blocklist[]' <<<"$OUT"
}

sim_start --fixture "$FIXTURES/basic.json" || exit 1

# adder NAME: adds NAME.test to race@example.com's blocklist; a failure goes to race.err.
adder() {
	local rc
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" user-blocklist-add email=race@example.com entry="$1.test" >"$T_DIR/race.$1" 2>&1
	rc=$?
	[ "$rc" = 0 ] || echo "$1: exit $rc: $(cat "$T_DIR/race.$1")" >>"$T_DIR/race.err"
	rm -f "$T_DIR/race.$1"
}
# Two processes at once, each adding its own entry to one user, 50 times: both entries end up
# in the list every time, and nothing that was there is lost.
race() {
	local label=$1 i lost=0 missing=0 failed=0 n=0 list p0
	p0=$(puts)
	for i in $(seq 1 50); do
		adder "a$i" & pa=$!
		adder "b$i" & pb=$!
		wait "$pa" "$pb"
		list=$(blocklist race@example.com)
		for e in keep1.test keep2.test "a$i.test" "b$i.test"; do
			grep -qxF "$e" <<<"$list" || { missing=$((missing + 1)); echo "# $label run $i lacks $e" >&2; }
		done
		# every entry of the earlier runs, and every other admin's, is still there
		n=$(grep -c . <<<"$list")
		[ "$n" -ge "$((2 + 2 * i))" ] || lost=$((lost + 1))
	done
	[ -s "$T_DIR/race.err" ] && failed=$(wc -l <"$T_DIR/race.err") && cat "$T_DIR/race.err" >&2
	rm -f "$T_DIR/race.err"
	expect_eq "$missing" 0 "$label: entries missing after the 50 runs"
	expect_eq "$lost" 0 "$label: runs that lost an earlier entry"
	expect_eq "$failed" 0 "$label: processes that failed"
	echo "# $label: $n entries after 50 runs, $(( $(puts) - p0 )) PUTs for the 100 changes" >&2
}
pps_admin create-user email=race@example.com fields='{"blocklist":["keep1.test","keep2.test"]}'
expect_rc 0 "create the raced user"
race "plain"
sim_stop
sim_start --fixture "$FIXTURES/basic.json" --faults interleave=0.15,seed=7 || exit 1
pps_admin create-user email=race@example.com fields='{"blocklist":["keep1.test","keep2.test"]}'
race "interleave"
others=$(blocklist race@example.com | grep -c '^other-admin-')
echo "# interleave: $others other admins' writes, every one kept" >&2
[ "$others" -gt 0 ] && ok || fail "the interleave fault never fired"
expect_eq "$(blocklist race@example.com | grep -c .)" "$((2 + 100 + others))" "every entry kept, other admins' too"

done_testing
