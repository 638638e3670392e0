# ctest: slow
# The safe and block list commands against pps-sim: add, remove, list; nothing sent when there
# is nothing to change; --dry-run reads and shows the difference with no PUT in the emulator's
# request log; entries checked before anything is sent; stdin records for several users; the
# --report journal skips users done; and two processes adding to one user at once, with and
# without the interleave fault, both end up in the list, losing nothing that was there.
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
U=jane.doe@example.com

# list: the fixture's entries, as records
pps_admin -o json user-blocklist-list email=$U
expect_rc 0 "list"
expect_eq "$(jq -r '.Proofpoint.User.Blocklist[0].entry' <<<"$OUT")" "bulkmail.test" "list json"
pps_admin -o csv user-safelist-list uid=jane.doe
expect_eq "$OUT" $'email,entry\njane.doe,partner.test' "list csv by uid"
pps_admin user-blocklist-list email=demo.user@example.com
expect_eq "$OUT" "No results found." "empty list"
pps_admin user-blocklist-list email=nobody@example.com
expect_rc 4 "unknown user"

# --dry-run: reads, shows the difference, sends no PUT
before=$(puts)
pps_admin --dry-run user-blocklist-add email=$U entry=new.test,BULKMAIL.test
expect_rc 0 "dry-run"
expect_out $'blocklist of jane.doe@example.com:\n+ new.test\n= BULKMAIL.test (already there)' "dry-run diff"
pps_admin --dry-run user-blocklist-remove email=$U entry=bulkmail.test,gone.test
expect_out $'blocklist of jane.doe@example.com:\n- bulkmail.test\n= gone.test (not there)' "dry-run removal diff"
expect_eq "$(puts)" "$before" "dry-run sent no PUT"
expect_eq "$(blocklist $U)" "bulkmail.test" "dry-run changed nothing"

# add, again (nothing sent), remove
pps_admin user-blocklist-add email=$U entry=@spam.example,x@evil.example
expect_rc 0 "add"
expect_out "added to the blocklist of jane.doe@example.com: @spam.example, x@evil.example"
expect_eq "$(blocklist $U | tr '\n' ' ')" "bulkmail.test @spam.example x@evil.example " "added in order, kept the rest"
before=$(puts)
pps_admin user-blocklist-add email=$U entry=@SPAM.example
expect_rc 0 "add again"
expect_out "already in the blocklist of jane.doe@example.com: @SPAM.example: nothing sent"
expect_eq "$(puts)" "$before" "nothing to change: no PUT"
pps_admin user-blocklist-remove email=$U entry=@spam.example
expect_rc 0 "remove"
expect_out "removed from the blocklist of jane.doe@example.com: @spam.example"
expect_eq "$(blocklist $U | tr '\n' ' ')" "bulkmail.test x@evil.example " "removed one, kept the others"
pps_admin user-blocklist-remove email=$U entry=nothere.test
expect_out "not in the blocklist of jane.doe@example.com: nothere.test: nothing sent"
pps_admin -o json user-safelist-add email=$U entry=partner2.test
expect_eq "$(jq -c '.[0] | [.added, .changed, .attempts]' <<<"$OUT")" '[["partner2.test"],true,1]' "json result"
expect_eq "$(blocklist $U | tr '\n' ' ')" "bulkmail.test x@evil.example " "a safelist change keeps the blocklist"

# validation: one line, exit 2, nothing sent
before=$(puts)
for bad in 'not an address' 'a@b@c.test' 'localhost' 'user@exa_mple.test' $'b\xc3\xbccher.test'; do
	pps_admin user-blocklist-add email=$U entry="ok.test,$bad"
	expect_rc 2 "invalid '$bad'"
	expect_eq "$(wc -l <<<"$ERR")" "1" "one line for '$bad'"
	expect_err_has "pps: invalid entry '"
done
pps_admin user-blocklist-add entry=x.test
expect_rc 2 "no user"
expect_err "pps: Please specify an email or uid"
expect_eq "$(puts)" "$before" "invalid entries: no PUT"

# stdin: plain lines for the one user; records for several users, grouped per user
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" user-blocklist-add email=demo.user@example.com entry=- <<<$'a.test\n\n# comment\nb.test\n'
expect_rc 0 "plain stdin"
expect_eq "$(blocklist demo.user@example.com | tr '\n' ' ')" "a.test b.test " "plain stdin entries"
before=$(puts)
printf '%s\n' '{"email":"demo.user@example.com","entry":"c.test"}' \
	'{"email":"jane.doe@example.com","entry":["d.test","e.test"]}' \
	'{"email":"DEMO.user@example.com","entry":"f.test"}' >"$T_DIR/records"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --report "$T_DIR/journal" user-blocklist-add entry=- <"$T_DIR/records"
expect_rc 0 "records for two users"
expect_eq "$(( $(puts) - before ))" "2" "one change (one PUT) per user"
expect_eq "$(blocklist demo.user@example.com | tr '\n' ' ')" "a.test b.test c.test f.test " "records grouped"
expect_eq "$(blocklist $U | tail -2 | tr '\n' ' ')" "d.test e.test " "second user's records"
expect_eq "$(jq -r 'select(.event=="outcome") | .outcome' "$T_DIR/journal" | tr '\n' ' ')" "done done " "journal outcomes"
expect_eq "$(jq -r 'select(.event=="intent") | .user' "$T_DIR/journal" | tr '\n' ' ')" "demo.user@example.com jane.doe@example.com " "journal intents"
before=$(puts)
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --report "$T_DIR/journal" user-blocklist-add entry=- <"$T_DIR/records"
expect_rc 0 "rerun with the journal"
expect_err_has "2 users done by an earlier run of this report: skipped"
expect_eq "$(puts)" "$before" "rerun: nothing sent"
printf '%s\n' '{"email":"demo.user@example.com","entry":"c.test"}' '{"email":"x@example.com"}' >"$T_DIR/bad"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" user-blocklist-add entry=- <"$T_DIR/bad"
expect_rc 2 "bad record"
expect_err_has "line 2"
printf '%s\n' '{"email":"demo.user@example.com","entry":"g.test"}' '{"email":"nobody@example.com","entry":"g.test"}' >"$T_DIR/some"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" user-blocklist-add entry=- <"$T_DIR/some"
expect_rc 1 "one user of two failed"
expect_err_has "blocklist of 'nobody@example.com'"

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
