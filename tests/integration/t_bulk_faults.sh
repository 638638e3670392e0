# Bulk actions against a throttling, answer-losing, vanishing or interrupted server: a 429 is
# sent again after its wait (every message in the outbox exactly once); a lost answer is
# `unknown`, never sent again; a server gone stops the run with the rest `not_sent`; an
# interrupt writes `not_sent` for the rest. Every run is bounded by `timeout`.
# ctest: slow
. "$(dirname "$0")/lib.sh"
# outcomes JOURNAL: the outcome lines of a --report journal.
outcomes() { jq -c 'select(.event == "outcome")' "$1"; }

# fixture FILE N: N messages in Quarantine (6:6:1001...) from @phish.example, of the last hour.
fixture() {
	python3 - "$@" <<'PY'
import datetime, json, sys
path, n = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
q = [{"guid": "Qg%030d" % i, "localguid": "6:6:%d" % (1000 + i), "folder": "Quarantine",
      "from": "bad%d@phish.example" % i, "rcpts": ["user@corp.test"], "subject": "Reset %d" % i,
      "date": (now - datetime.timedelta(seconds=10 + i)).strftime("%Y-%m-%d %H:%M:%S")}
     for i in range(1, n + 1)]
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}], "quarantine": q}, open(path, "w"))
PY
}
pps_env() {
	run timeout 120 env PPS_URL="${URL:-$SIM_URL}" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
		PPS_CACERT="$SIM_CACERT" "$PPS" "$@"
}
# outbox_stats: "entries distinct" of the emulator's outbox.
outbox_stats() {
	curl -sS -u admin:admin-pass "${SIM_URL}/rest/v1/sim/outbox" |
		jq -r '[.records[].localguid] | "\(length) \(unique | length)"'
}

fixture "$T_DIR/120.json" 120
seq 1001 1120 | sed 's/^/6:6:/' >"$T_DIR/120"

# --- 30% of the requests throttled: every message released exactly once, exit 0. ---
sim_start --fixture "$T_DIR/120.json" --no-tls --faults throttle=0.3:1,seed=11
start=$(date +%s)
pps_env --batch 10 --report "$T_DIR/throttle.report" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/120"
expect_rc 0 "release of 120 under 30% throttling"
expect_eq "$(outbox_stats)" "120 120" "each of the 120 in the outbox exactly once"
expect_err_has "server throttling (429): sending batch" "the wait is said on stderr"
expect_err_has "released 120 of 120 messages in 12 requests" "the count"
expect_eq "$(jq -r .outcome <(outcomes "$T_DIR/throttle.report") | sort | uniq -c | tr -s ' ')" " 120 done" "120 done"
echo "# throttled release of 120: $(($(date +%s) - start)) s, $(grep -c '429' <<<"$ERR") waits" >&2
sim_stop

# --- Retry-After beyond --timeout: not waited for; three batches in a row not sent stop it. ---
sim_start --fixture "$T_DIR/120.json" --no-tls --faults throttle=1:30
start=$(date +%s)
pps_env --timeout 1 --batch 20 --report "$T_DIR/slow.report" quarantine-message-delete \
	folder_name=Quarantine local_guid=@"$T_DIR/120"
elapsed=$(($(date +%s) - start))
expect_rc 5 "a server that keeps throttling"
[ "$elapsed" -lt 15 ] && ok || fail "Retry-After: 30 was capped by --timeout 1 (took $elapsed s)"
expect_err_has "asks to wait 30.0 s; waiting 1.0 s, what is left of the --timeout of 1 s" \
	"the cap is said on stderr"
expect_err_has "stopped: 3 batches in a row got no answer" "the run stops"
expect_eq "$(jq -r .outcome <(outcomes "$T_DIR/slow.report") | sort | uniq -c | tr -s ' ')" " 120 not_sent" \
	"every entry not_sent"
sim_stop

# --- A lost answer: `unknown`, never sent again; the others done once. ---
sim_start --fixture "$T_DIR/120.json" --no-tls
python3 "$PPS_SOURCE_DIR/tests/integration/helpers/drop_proxy.py" --upstream "${SIM_URL#http://}" \
	>"$T_DIR/proxy.out" 2>"$T_DIR/proxy.err" &
SIM_PIDS+=("$!")
for _ in $(seq 1 100); do
	PROXY_PORT=$(sed -n 's/^port //p' "$T_DIR/proxy.out")
	[ -n "$PROXY_PORT" ] && break
	sleep 0.05
done
head -n 3 "$T_DIR/120" >"$T_DIR/three"
URL="http://127.0.0.1:$PROXY_PORT" pps_env --timeout 10 --batch 1 --report "$T_DIR/lost.report" \
	-o json quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/three"
expect_rc 8 "a lost answer: exit 8 (check before sending again)"
expect_eq "$(outbox_stats)" "3 3" "each released exactly once"
expect_eq "$(jq -r '.outcome + " " + .localguid' <(outcomes "$T_DIR/lost.report") | tr '\n' ' ')" \
	"done 6:6:1001 unknown 6:6:1002 done 6:6:1003 " "the 2nd is unknown, the others done"
jq -r 'select(.outcome == "unknown") | .message' <(outcomes "$T_DIR/lost.report") |
	grep -q 'the server may have carried out the release of 6:6:1002; check before sending it again' &&
	ok || fail "the report says why the outcome is unknown"
expect_eq "$(jq -c .totals <<<"$OUT")" \
	'{"entries":3,"messages":3,"done":2,"invalid":0,"refused":0,"unknown":1,"not_sent":0}' "json totals"
sim_stop

# --- A server that loses every answer: three batches unknown, then the rest is not sent. ---
sim_start --fixture "$T_DIR/120.json" --no-tls --faults reset=1
pps_env --batch 10 --report "$T_DIR/reset.report" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/120"
expect_rc 8 "every answer lost"
expect_eq "$(outbox_stats)" "30 30" "three batches carried out, each once, none resent"
expect_eq "$(jq -r .outcome <(outcomes "$T_DIR/reset.report") | sort | uniq -c | tr -s ' \n' ' ')" \
	" 90 not_sent 30 unknown " "30 unknown, the rest not_sent"
expect_err_has "not sent: 90 from GUID 6:6:1031 on" "the rest named"
sim_stop

# --- The server gone: three batches in a row fail, the rest is not sent at once. ---
sim_start --fixture "$T_DIR/120.json" --no-tls
URL=$SIM_URL
sim_stop
start=$(date +%s)
URL=$URL pps_env --retries 0 --batch 10 --report "$T_DIR/gone.report" quarantine-message-delete \
	folder_name=Quarantine local_guid=@"$T_DIR/120"
elapsed=$(($(date +%s) - start))
expect_rc 6 "a server gone"
expect_eq "$(grep -c 'not sent: connection refused' <<<"$ERR")" 3 "three batches tried"
expect_err_has "not sent: 90 from GUID 6:6:1031 on" "the rest named"
expect_eq "$(jq -r .outcome <(outcomes "$T_DIR/gone.report") | sort | uniq -c | tr -s ' ')" " 120 not_sent" \
	"every entry not_sent"
expect_eq "$(jq -r 'select(.localguid == "6:6:1120") | .message' <(outcomes "$T_DIR/gone.report"))" \
	"not sent: stopped: 3 batches in a row got no answer (the server is gone, throttling or losing answers)" \
	"the entries never tried say why"
expect_eq "$(jq -r 'select(.localguid == "6:6:1001") | .message' <(outcomes "$T_DIR/gone.report"))" \
	"$(grep -o 'connection refused by .*' <<<"$ERR" | head -1)" "the entries tried say what failed"
[ "$elapsed" -lt 10 ] && ok || fail "a dead server stops the run at once (took $elapsed s)"

# --- SIGTERM: the batch in flight finishes, the report says not_sent for the rest. ---
sim_start --fixture "$T_DIR/120.json" --no-tls --faults latency=200ms
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --batch 1 \
	--report "$T_DIR/int.report" quarantine-message-release folder_name=Quarantine \
	local_guid=@"$T_DIR/120" >"$T_DIR/int.out" 2>"$T_DIR/int.err" &
bulk=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '' "$T_DIR/int.out")" -ge 3 ] && break
	sleep 0.1
done
kill -TERM "$bulk"
wait "$bulk"
RC=$?
expect_rc 130 "interrupted"
sent=$(outbox_stats)
expect_eq "$(jq -r 'select(.outcome == "done")' <(outcomes "$T_DIR/int.report") | jq -s length) $(jq -r 'select(.outcome == "done")' <(outcomes "$T_DIR/int.report") | jq -s length)" \
	"$sent" "the report's done entries are exactly the outbox"
expect_eq "$(jq -s length <(outcomes "$T_DIR/int.report"))" 120 "every entry in the report"
expect_eq "$(jq -r 'select(.outcome != "done") | .outcome' <(outcomes "$T_DIR/int.report") | sort -u)" "not_sent" \
	"the rest not_sent"
sim_stop

done_testing
