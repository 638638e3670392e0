# ctest: slow
# The safe and block list commands against pps-sim: add, remove, list; nothing sent when there
# is nothing to change; --dry-run reads and shows the difference with no PUT in the emulator's
# request log; entries checked before anything is sent; stdin records for several users; the
# --report journal skips users done; a PUT whose answer is lost is read back, not resent.
# The concurrent changes are t_user_lists_race.sh's.
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

# A PUT whose answer is lost (the connection cut mid-body): a read after it shows the change,
# so the change is done (exit 0), never written blindly again.
sim_stop
sim_start --verbose --fixture "$FIXTURES/basic.json" --faults reset=0.3,seed=4 || exit 1
lost=0
for i in $(seq 1 5); do
	pps_admin --retries 10 user-blocklist-add email=demo.user@example.com entry="r$i.test"
	[ "$RC" = 0 ] || { lost=$((lost + 1)); echo "# r$i: $RC $ERR" >&2; }
done
expect_eq "$lost" 0 "changes whose answer was lost, then read back"
expect_eq "$(blocklist demo.user@example.com | grep -c '^r[0-9]*\.test$')" 5 "every change there once"
cuts=$(grep -c 'PUT .*(fault)' "$SIM_LOG")
echo "# reset: $cuts of the 5 PUTs cut, each change read back and done" >&2
[ "$cuts" -ge 1 ] && ok || fail "no PUT answer was cut"

done_testing
