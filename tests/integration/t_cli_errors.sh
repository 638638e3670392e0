# pps against a failing pps-sim: 5xx after the retries (exit 5), malformed and truncated answers
# (exit 7, nothing half-printed), a POST never retried, a closed port (exit 6).
. "$(dirname "$0")/lib.sh"

WIN=(start_time=2020-01-01T00:00:00Z end_time=2021-01-01T00:00:00Z)

sim_start --fixture "$FIXTURES/basic.json" --faults error=1:503 || exit 1
pps_admin --retries 1 smart-search "${WIN[@]}"
expect_rc 5 "503"
expect_out "" "nothing on stdout"
expect_eq "$(wc -l <<<"$ERR")" "1" "one line on stderr"
expect_err_has "pps: "
pps_admin quarantine-message-release folder_name=Quarantine local_guid=6:6:4
expect_rc 5 "503 on a POST"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults garbage=1 || exit 1
for fmt in table markdown json ndjson csv; do
	pps_admin -o $fmt smart-search "${WIN[@]}"
	expect_rc 7 "garbage -o $fmt"
	expect_out "" "garbage -o $fmt prints nothing"
done
pps_admin -o json quarantine-messages-list sender=john@doe.com start_time=2019-01-01
expect_rc 7 "garbage quarantine list"
pps_admin get-user uid=demo.user
expect_rc 7 "garbage user"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults truncate=1 || exit 1
# Records stream out as they arrive: what came before the cut may be printed, but never as a
# complete result (the json document stays unclosed) and the exit status says so.
pps_admin -o json smart-search "${WIN[@]}"
expect_rc 7 "truncated"
if [ -n "$OUT" ] && jq -e . >/dev/null 2>&1 <<<"$OUT"; then
	fail "a truncated answer printed a complete json document"
else
	ok
fi
sim_stop

# a lost answer to a POST: reported, never sent twice (the release took effect once)
ST="$T_DIR/reset-state"
sim_start --state-dir "$ST" --fixture "$FIXTURES/basic.json" --faults reset=1 || exit 1
pps_admin --retries 3 quarantine-message-release folder_name=HIPAA local_guid=4:2:6
[ "$RC" != 0 ] && ok || fail "a reset POST is an error"
expect_eq "$(wc -l <<<"$ERR")" "1" "one line"
sim_stop
sim_start --state-dir "$ST" || exit 1
curl_sim /rest/v1/sim/outbox
expect_status 200
expect_eq "$(jq '[.records[] | select(.localguid == "4:2:6")] | length' <<<"$OUT")" "1" "the POST was sent once"
url=$SIM_URL
sim_stop

# an interrupted bulk action: the batch in flight finishes, the rest is not sent, and the count
# on stderr is exactly what the server received
sim_start --seed 300 --account admin:admin-pass --faults latency=300ms || exit 1
pps_admin -o ndjson quarantine-messages-list 'subject=*' start_time='10 years' folder_name=Quarantine limit=1000
jq -r .localguid <<<"$OUT" >"$T_DIR/all.guids"
total=$(wc -l <"$T_DIR/all.guids")
[ "$total" -ge 6 ] && ok || fail "seeded Quarantine holds $total messages"
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --batch 1 quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/all.guids" \
	>"$T_DIR/bulk.out" 2>"$T_DIR/bulk.err" &
bulk=$!
# wait for the first answer, then interrupt
for _ in $(seq 1 100); do
	[ -s "$T_DIR/bulk.out" ] && break
	sleep 0.1
done
kill -TERM "$bulk"
wait "$bulk"
RC=$?
ERR=$(cat "$T_DIR/bulk.err")
OUT=$(cat "$T_DIR/bulk.out")
expect_rc 130 "interrupted bulk"
expect_err_has "pps: interrupted: released "
sent=$(sed -n 's/.*released \([0-9]*\) of.*/\1/p' <<<"$ERR")
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '.records | length' <<<"$OUT")" "$sent" "the outbox holds exactly the reported count"
[ "${sent:-0}" -lt "$total" ] && ok || fail "the interrupt stopped the run ($sent of $total)"
sim_stop

# nobody listening: network error
run env PPS_URL="$url" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" "$PPS" --retries 0 health
expect_rc 6 "connection refused"
expect_eq "$(wc -l <<<"$ERR")" "1" "one line"

done_testing
