# pps-sim --faults: each fault as the client sees it, the repeatable draw sequence, the routes
# left alone (/rest/v1/sim/*), and a POST that takes effect although its answer is lost.
. "$(dirname "$0")/lib.sh"

H="$T_DIR/headers"
# get PATH [curl args...]: an authenticated GET; STATUS, OUT, CRC (curl's exit code), headers in $H.
get() {
	local path=$1
	shift
	STATUS=$(curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -D "$H" -o "$T_DIR/body" \
		-w '%{http_code}' "$@" "$SIM_URL$path" 2>"$T_DIR/curlerr")
	CRC=$?
	OUT=$(cat "$T_DIR/body")
}
header() { sed -n "s/^$1: *//Ip" "$H" | tr -d '\r'; }
is_json() { jq -e . <<<"$1" >/dev/null 2>&1; }

STATE="$T_DIR/state"
sim_start --state-dir "$STATE" --fixture "$FIXTURES/basic.json" || exit 1
get /rest/v1/pss/health
expect_status 200 "health without faults"
is_json "$OUT" && ok || fail "health body is not JSON"
HEALTH=$OUT
sim_stop

sim_start --state-dir "$STATE" --faults error=1:503 || exit 1
get /rest/v1/pss/health
expect_status 503 "error=1:503"
expect_eq "$(jq -r .status <<<"$OUT")" 503 "error body"
get /rest/v1/sim/outbox
expect_status 200 "/rest/v1/sim/ is never faulted"
# Before-handler faults change nothing: the user is not created.
get /rest/v1/enduser/never@example.com -X POST -d '{"firstname":"N"}'
expect_status 503 "POST under error=1"
sim_stop

sim_start --state-dir "$STATE" --faults=error=1 || exit 1
get /rest/v1/pss/health
expect_status 500 "error=1 defaults to 500"
sim_stop

sim_start --state-dir "$STATE" --faults throttle=1:2 || exit 1
get /rest/v1/pss/health
expect_status 429 "throttle=1:2"
expect_eq "$(header Retry-After)" 2 "Retry-After"
sim_stop

sim_start --state-dir "$STATE" --faults garbage=1 || exit 1
get /rest/v1/pss/health
expect_status 200 "garbage=1"
expect_eq "$(header Content-Type)" "application/json" "garbage content type"
is_json "$OUT" && fail "garbage body parses as JSON" || ok
sim_stop

sim_start --state-dir "$STATE" --faults truncate=1 || exit 1
get /rest/v1/pss/health
expect_status 200 "truncate=1"
expect_eq "$CRC" 0 "a truncated response is well framed"
expect_eq "$(header Content-Length)" "$(($(printf %s "$HEALTH" | wc -c) / 2))" "half the body"
expect_eq "$OUT" "${HEALTH:0:$((${#HEALTH} / 2))}" "the first half"
is_json "$OUT" && fail "truncated body parses as JSON" || ok
sim_stop

sim_start --state-dir "$STATE" --faults reset=1 || exit 1
get /rest/v1/pss/health
case "$CRC" in 18 | 56) ok ;; *) fail "reset=1: curl exit $CRC, expected 18 or 56" ;; esac
# After-handler faults: the POST took effect although its answer was cut.
get /rest/v1/enduser/lost@example.com -X POST -H 'Content-Type: application/json' \
	-d '{"firstname":"Lost","lastname":"Answer"}'
case "$CRC" in 18 | 56) ok ;; *) fail "reset=1 POST: curl exit $CRC" ;; esac
sim_stop
sim_start --state-dir "$STATE" || exit 1
get /rest/v1/enduser/lost@example.com
expect_status 200 "the POST whose answer was lost took effect"
get /rest/v1/enduser/never@example.com
expect_status 404 "the POST refused before its handler did not"
sim_stop

sim_start --state-dir "$STATE" --faults html=1 || exit 1
get /rest/v1/pss/health
expect_status 502 "html=1"
header Content-Type | grep -q '^text/html' && ok || fail "html content type: $(header Content-Type)"
expect_out_has "<html>"
sim_stop

sim_start --state-dir "$STATE" --faults ctype=1 || exit 1
get /rest/v1/pss/health
expect_status 200 "ctype=1"
header Content-Type | grep -q '^text/html' && ok || fail "ctype content type: $(header Content-Type)"
expect_eq "$OUT" "$HEALTH" "ctype keeps the body"
sim_stop

sim_start --state-dir "$STATE" --faults authfail_after=2 || exit 1
for want in 200 200 401 401; do
	get /rest/v1/pss/health
	expect_status "$want" "authfail_after=2"
done
grep -qi '^WWW-Authenticate: Basic' "$H" && ok || fail "authfail WWW-Authenticate"
sim_stop

# Latency delays the answer by at least the given time (a lower bound only).
sim_start --state-dir "$STATE" --faults latency=300ms || exit 1
T=$(curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -o /dev/null -w '%{time_total}' \
	"$SIM_URL/rest/v1/pss/health")
awk -v t="$T" 'BEGIN { exit !(t >= 0.3) }' && ok || fail "latency=300ms answered in ${T}s"
sim_stop

# SIGTERM cuts a long injected delay short and still exits 0.
sim_start --state-dir "$STATE" --faults latency=600s || exit 1
curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -o /dev/null "$SIM_URL/rest/v1/pss/health" \
	2>/dev/null &
CURL_PID=$!
sleep 0.5
kill -TERM "$SIM_PID"
wait "$SIM_PID"
expect_eq "$?" 0 "exit status after SIGTERM during a delay"
SIM_PID=
wait "$CURL_PID"

# The same seed gives the same sequence for one client; another seed another one.
sequence() {
	local s="" i
	sim_start --state-dir "$STATE" --faults "error=0.5:503,throttle=0.3,seed=$1" || exit 1
	for i in $(seq 1 24); do
		get /rest/v1/pss/health
		s="$s$STATUS "
	done
	sim_stop
	SEQ=$s
}
sequence 7
A=$SEQ
sequence 7
expect_eq "$SEQ" "$A" "seed 7 repeats"
grep -q 503 <<<"$A" && grep -q 429 <<<"$A" && grep -q 200 <<<"$A" && ok ||
	fail "a mixed sequence expected: $A"
sequence 8
[ "$SEQ" != "$A" ] && ok || fail "seeds 7 and 8 gave the same sequence"

done_testing
