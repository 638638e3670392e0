# pps-sim's process and HTTP layer: ready line, auth and modules, 404/405/413, TLS trust, query
# decoding, keep-alive, restart persistence, signals, crash recovery, flag errors.
. "$(dirname "$0")/lib.sh"

PW=admin:admin-pass

# One-line errors and exit 2 for bad flags, before anything is started.
for bad in "--bogus" "--listen" "--listen nohost" "--listen 127.0.0.1:70000" "--seed -1" \
	"--threads 0" "--max-count x" "--faults bogus=1" "--faults error=2" \
	"--account nopassword" "--account a:b:pss,nosuchmodule" "--cert $T_DIR/c.pem" \
	"--no-tls=1"; do
	# shellcheck disable=SC2086
	run "$PPS_SIM" --state-dir "$T_DIR/never" $bad
	expect_rc 2 "pps-sim $bad:"
	expect_eq "$(wc -l <<<"$ERR")" 1 "pps-sim $bad: one line of stderr"
	expect_err_has "pps-sim: " "pps-sim $bad:"
	expect_out "" "pps-sim $bad: nothing on stdout"
done
run "$PPS_SIM" --bogus
expect_err "pps-sim: unknown option '--bogus' (see pps-sim --help)"
run "$PPS_SIM" --faults error=2:503 --state-dir "$T_DIR/never"
expect_err "pps-sim: invalid --faults item 'error=2:503': the share must be a number from 0 to 1"
[ -e "$T_DIR/never" ] && fail "a refused start created its state directory" || ok

# A store without accounts is refused.
run "$PPS_SIM" --listen 127.0.0.1:0 --state-dir "$T_DIR/empty"
expect_rc 2 "no accounts:"
expect_err "pps-sim: no accounts: give --account NAME:PASSWORD"

run "$PPS_SIM" --version
expect_rc 0
expect_out_has "pps-sim "

# Start with the shared fixture and one extra account given by flag (the --flag=value form).
STATE="$T_DIR/state"
sim_start --state-dir "$STATE" --fixture "$FIXTURES/basic.json" --account=extra:ex:tra:pss || exit 1
READY=$(grep '^pps-sim: ready ' "$SIM_LOG")
grep -Eq '^pps-sim: ready url=https://127\.0\.0\.1:[0-9]+ cacert=/[^ ]+/cert\.pem accounts=[a-z,]+$' \
	<<<"$READY" && ok || fail "ready line: $READY"
expect_eq "$SIM_CACERT" "$STATE/cert.pem" "cacert path"
for a in admin pssonly quaronly noenduser extra; do
	grep -q "accounts=.*\b$a\b" <<<"$READY" && ok || fail "ready line lacks account $a"
done
expect_eq "$(grep -c . "$SIM_LOG")" 1 "without -v the log holds only the ready line"
expect_eq "$(stat -c %a "$STATE")" 700 "state dir mode"
expect_eq "$(stat -c %a "$STATE/key.pem")" 600 "key.pem mode"
expect_eq "$(stat -c %a "$STATE/cert.pem")" 644 "cert.pem mode"
openssl x509 -in "$SIM_CACERT" -noout -ext subjectAltName,basicConstraints >"$T_DIR/ext" 2>&1
grep -q "DNS:localhost" "$T_DIR/ext" && grep -q "IP Address:127.0.0.1" "$T_DIR/ext" &&
	grep -q "IP Address:0:0:0:0:0:0:0:1" "$T_DIR/ext" && grep -q "CA:TRUE" "$T_DIR/ext" && ok ||
	fail "certificate extensions: $(cat "$T_DIR/ext")"
cp "$SIM_CACERT" "$T_DIR/first-cert.pem"

# The health route answers the full account; the "ex:tra" password held a colon.
curl_sim /rest/v1/pss/health
expect_status 200 "health"
CURL_USER=extra:ex:tra curl_sim /rest/v1/pss/health
expect_status 200 "a password with a colon"

# 401: no credentials, a wrong password, an unknown user; also for unknown paths under /rest/.
for u in "" "admin:wrong" "nobody:admin-pass"; do
	for p in /rest/v1/pss/health /rest/v1/nothing/here; do
		if [ -n "$u" ]; then
			STATUS=$(curl -sS --cacert "$SIM_CACERT" -u "$u" -D "$T_DIR/h" -o "$T_DIR/b" \
				-w '%{http_code}' "$SIM_URL$p")
		else
			STATUS=$(curl -sS --cacert "$SIM_CACERT" -D "$T_DIR/h" -o "$T_DIR/b" \
				-w '%{http_code}' "$SIM_URL$p")
		fi
		OUT=$(cat "$T_DIR/b")
		expect_status 401 "'$u' $p:"
		grep -qi '^WWW-Authenticate: Basic realm="PPS REST API"' "$T_DIR/h" && ok ||
			fail "'$u' $p: WWW-Authenticate missing"
		jq -e '.status == 401 and (.message | length > 0)' <<<"$OUT" >/dev/null && ok ||
			fail "'$u' $p: JSON error body"
	done
done

# 403 names the missing module exactly.
CURL_USER=pssonly:pssonly-pass curl_sim "/rest/v1/quarantine?subject=Loan"
expect_status 403 "pssonly quarantine"
expect_eq "$(jq -r .message <<<"$OUT")" "the account 'pssonly' has no managed module 'Quarantine'"
CURL_USER=pssonly:pssonly-pass curl_sim /rest/v1/enduser/x
expect_status 403 "pssonly enduser"
expect_eq "$(jq -r .message <<<"$OUT")" "the account 'pssonly' has no managed module 'enduser'"
CURL_USER=quaronly:quaronly-pass curl_sim "/rest/v1/pss/filter?from=2020-01-01T00:00:00Z"
expect_status 403 "quaronly filter"
expect_eq "$(jq -r .message <<<"$OUT")" "the account 'quaronly' has no managed module 'pss'"
CURL_USER=noenduser:noenduser-pass curl_sim -X DELETE /rest/v1/enduser/x
expect_status 403 "noenduser delete"
CURL_USER=extra:ex:tra curl_sim /rest/v1/enduser/x
expect_status 403 "an account from --account with modules pss"
# The emulator's own routes are for administrators (every module) only.
CURL_USER=pssonly:pssonly-pass curl_sim /rest/v1/sim/outbox
expect_status 403 "outbox for a pss-only account"
expect_eq "$(jq -r .message <<<"$OUT")" "the account 'pssonly' is not an administrator: /rest/v1/sim/ is for administrators only"

# 404 and 405 with JSON bodies; 405 names the allowed methods.
curl_sim /rest/v1/nothing
expect_status 404 "unknown path"
expect_eq "$(jq -r .status <<<"$OUT")" 404 "404 body"
curl_sim /rest/v1/enduser/
expect_status 404 "enduser without a name"
curl_sim /elsewhere
expect_status 404 "outside /rest/ no auth needed"
curl_sim -X PUT -D "$T_DIR/h" /rest/v1/quarantine
expect_status 405 "PUT quarantine"
expect_eq "$(jq -r .status <<<"$OUT")" 405 "405 body"
grep -qi '^Allow: GET, POST' "$T_DIR/h" && ok || fail "Allow header: $(cat "$T_DIR/h")"
curl_sim -X PATCH /rest/v1/enduser/x
expect_status 405 "PATCH enduser"
curl_sim -X POST /rest/v1/pss/health
expect_status 405 "POST health"

# 413 for a body over 1 MiB, with and without Content-Length; the handler never sees it.
head -c 2097152 /dev/zero | tr '\0' x >"$T_DIR/big"
curl_sim -X POST -H 'Content-Type: application/json' --data-binary @"$T_DIR/big" /rest/v1/quarantine
expect_status 413 "2 MiB body"
expect_eq "$(jq -r .status <<<"$OUT")" 413 "413 body"
curl_sim -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$T_DIR/big" /rest/v1/quarantine
expect_status 413 "2 MiB chunked body"
curl_sim -X POST -d '{"action":"move"}' /rest/v1/quarantine
[ "$STATUS" != 413 ] && [ "$STATUS" != 500 ] && ok || fail "a small body: $STATUS"

# TLS: verification works with the printed CA, and fails without it.
run curl -sS -u "$PW" "$SIM_URL/rest/v1/pss/health"
expect_rc 60 "curl without --cacert"
run curl -sS -u "$PW" --cacert "$FIXTURES/basic.json" "$SIM_URL/rest/v1/pss/health"
[ "$RC" -ne 0 ] && ok || fail "curl with a wrong CA file succeeded"
run curl -sS -u "$PW" --cacert "$SIM_CACERT" "https://localhost:${SIM_URL##*:}/rest/v1/pss/health"
expect_rc 0 "the name localhost verifies"

# Query decoding: '+' and '%20' are a space, '%2B' a plus (quarantine subject contains-search).
# q_count SUBJECT SPACE: the number of HIPAA records found, in COUNT.
q_count() {
	curl_sim "/rest/v1/quarantine?folder=HIPAA&subject=$1&startdate=2020-05-01$2"00:00:00"&enddate=2020-06-01$2"00:00:00"&dlpviolation=details&messagestatus=t"
	COUNT=$(jq -r .count <<<"$OUT")
}
q_count 'Patient+records' '+'
expect_status 200 "dates with +"
expect_eq "$COUNT" 1 "subject with +"
q_count 'Patient%20records' '%20'
expect_status 200 "dates with %20"
expect_eq "$COUNT" 1 "subject with %20"
q_count 'Patient%2Brecords' '%20'
expect_eq "$COUNT" 0 "subject with %2B is a plus"
# A path is decoded too (%40 is '@'), and '+' in a path stays a plus.
curl_sim /rest/v1/enduser/demo.user%40example.com
expect_status 200 "enduser by %40"
expect_eq "$(jq -r .email <<<"$OUT")" "demo.user@example.com"

# Keep-alive: two requests in one curl run share one connection.
run curl -sv --cacert "$SIM_CACERT" -u "$PW" -o /dev/null -o /dev/null \
	"$SIM_URL/rest/v1/pss/health" "$SIM_URL/rest/v1/pss/health"
expect_rc 0 "keep-alive run"
grep -qi "Re-using existing connection" <<<"$ERR" && ok || fail "the connection was not reused"

# A second emulator on the same port: exit 1, one line.
run "$PPS_SIM" --listen "127.0.0.1:${SIM_URL##*:}" --state-dir "$T_DIR/second" --account a:b
expect_rc 1 "port in use:"
expect_err "pps-sim: cannot listen on 127.0.0.1:${SIM_URL##*:}: the port is in use (another pps-sim?); pick another port, or --listen 127.0.0.1:0 for a free one"

# SIGTERM: a clean exit 0.
kill -TERM "$SIM_PID"
wait "$SIM_PID"
expect_eq "$?" 0 "exit status after SIGTERM"
SIM_PID=

# Restart without the fixture: accounts, data and the certificate are still there.
sim_start --state-dir "$STATE" || exit 1
cmp -s "$SIM_CACERT" "$T_DIR/first-cert.pem" && ok || fail "the certificate changed on restart"
CURL_USER=pssonly:pssonly-pass curl_sim /rest/v1/pss/health
expect_status 200 "fixture account after restart"
CURL_USER=extra:ex:tra curl_sim /rest/v1/pss/health
expect_status 200 "--account account after restart"
q_count 'Patient+records' '+'
expect_eq "$COUNT" 1 "fixture data after restart"
kill -INT "$SIM_PID"
wait "$SIM_PID"
expect_eq "$?" 0 "exit status after SIGINT"
SIM_PID=

# Another listen address regenerates the certificate with that address in it.
sim_start --state-dir "$STATE" --listen 127.0.0.2:0 || exit 1
expect_eq "${SIM_URL%:*}" "https://127.0.0.2" "url host"
cmp -s "$SIM_CACERT" "$T_DIR/first-cert.pem" && fail "the certificate was not regenerated" || ok
run curl -sS --cacert "$SIM_CACERT" -u "$PW" "$SIM_URL/rest/v1/pss/health"
expect_rc 0 "TLS on 127.0.0.2"
sim_stop

# A given certificate and key are served as they are (and printed as the CA).
cp "$STATE/cert.pem" "$T_DIR/given.pem"
cp "$STATE/key.pem" "$T_DIR/given.key"
sim_start --state-dir "$STATE" --cert "$T_DIR/given.pem" --key "$T_DIR/given.key" || exit 1
expect_eq "$SIM_CACERT" "$T_DIR/given.pem" "--cert is the printed cacert"
curl_sim /rest/v1/pss/health
expect_status 200 "health with --cert"
sim_stop

# A certificate with a key that is not its own is refused at start.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T_DIR/other.key" 2>/dev/null
run "$PPS_SIM" --listen 127.0.0.1:0 --state-dir "$STATE" --cert "$T_DIR/given.pem" \
	--key "$T_DIR/other.key"
expect_rc 2 "--cert with a foreign key:"
expect_err_has "pps-sim: unusable certificate '$T_DIR/given.pem' and key"
expect_eq "$(wc -l <<<"$ERR")" 1 "one line"

# Plain HTTP and the -v request log.
sim_start --state-dir "$STATE" --no-tls -v || exit 1
grep -q "^pps-sim: ready url=http://127.0.0.1:[0-9]* cacert=- accounts=" "$SIM_LOG" && ok ||
	fail "--no-tls ready line: $(cat "$SIM_LOG")"
STATUS=$(curl -sS -u "$PW" -o /dev/null -w '%{http_code}' "$SIM_URL/rest/v1/pss/health")
expect_status 200 "plain HTTP"
sim_stop
grep -Eq '^GET /rest/v1/pss/health 200 [0-9.]+ ms$' "$SIM_LOG" && ok ||
	fail "-v log line: $(cat "$SIM_LOG")"

# kill -9 in the middle of writes, then the store still opens and is intact.
sim_start --state-dir "$STATE" || exit 1
for i in $(seq 1 20); do
	curl -sS --cacert "$SIM_CACERT" -u "$PW" -o /dev/null -X POST \
		-d "{\"email\":\"crash$i@example.com\",\"firstname\":\"C\"}" \
		"$SIM_URL/rest/v1/enduser/crash$i@example.com" 2>/dev/null &
done
sleep 0.2
kill -9 "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
wait
SIM_PID=
sim_start --state-dir "$STATE" || exit 1
curl_sim /rest/v1/pss/health
expect_status 200 "restart after kill -9"
sim_stop
run sqlite3 "$STATE/pps-sim.db" 'PRAGMA integrity_check'
expect_out "ok" "integrity_check after kill -9"

# A port in use is said at once, before the store is opened or seeded (a seed of 2,000,000
# would take minutes): exit 1, the port named, no state directory made.
sim_start --fixture "$FIXTURES/basic.json" || exit 1
port=${SIM_URL##*:}
run timeout 20 "$PPS_SIM" --listen "127.0.0.1:$port" --state-dir "$T_DIR/busy" --seed 2000000 \
	--account a:b
expect_rc 1 "a second pps-sim on a port in use"
expect_err "pps-sim: cannot listen on 127.0.0.1:$port: the port is in use (another pps-sim?); pick another port, or --listen 127.0.0.1:0 for a free one"
[ ! -e "$T_DIR/busy" ] && ok || fail "the busy pps-sim made its state directory"
sim_stop

done_testing
