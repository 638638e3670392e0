# The fault matrix: pps against pps-sim --faults and bad TLS set-ups. For each fault: the
# documented exit status, one line on stderr, no hang (every run is bounded by `timeout`), no
# partial .eml left, and no release performed twice (checked in the emulator's outbox).
# ctest: slow
. "$(dirname "$0")/lib.sh"

T0="start_time=2020-05-01T00:00:00Z"
T1="end_time=2020-06-01T00:00:00Z"
# Per-request timeout; longer under a slow wrapper (make memcheck sets PPS_TEST_TIMEOUT).
TO=${PPS_TEST_TIMEOUT:-5}
LIMIT=$((TO * 8 + 30))

# one_line: stderr is exactly one line starting with "pps: ".
one_line() {
	local n
	n=$(printf '%s' "$ERR" | grep -c '') || true
	[ "$n" = 1 ] && [ "${ERR#pps: }" != "$ERR" ] && ok || fail "$1: expected one 'pps: ' line on stderr"
}

# fault_case NAME SPEC EXPECTED_RC [pps args...]
fault_case() {
	local name=$1 spec=$2 want=$3
	shift 3
	sim_start --fixture "$FIXTURES/basic.json" --faults "$spec"
	pps_admin_t "$@"
	expect_rc "$want" "$name"
	if [ "$want" = 0 ]; then
		expect_err "" "$name: nothing on stderr"
		expect_out_has "Smart Search Results" "$name: the results printed"
	else
		one_line "$name"
		expect_out "" "$name: nothing half-printed on stdout"
	fi
	sim_stop
}

pps_admin_t() {
	run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
		PPS_CACERT="$SIM_CACERT" "$PPS" --timeout "$TO" --retries 1 "$@"
}

SEARCH=(smart-search "$T0" "$T1")

TO=1 fault_case "latency beyond --timeout" "latency=4s" 6 "${SEARCH[@]}"
expect_err_has "within 1000 ms" "the timeout is named"
fault_case "500" "error=1:500" 5 "${SEARCH[@]}"
fault_case "502" "error=1:502" 5 "${SEARCH[@]}"
fault_case "503" "error=1:503" 5 "${SEARCH[@]}"
expect_err_has "503" "status named"
fault_case "429 with Retry-After" "throttle=1:1" 5 "${SEARCH[@]}"
# A connection closed mid-body: the GET is retried, then reported as a cut-short response.
fault_case "reset mid-body" "reset=1" 7 "${SEARCH[@]}"
expect_err_has "cut short" "the cause is named"
fault_case "truncated body" "truncate=1" 7 "${SEARCH[@]}"
fault_case "malformed JSON" "garbage=1" 7 "${SEARCH[@]}"
fault_case "wrong content type (valid JSON is still read)" "ctype=1" 0 "${SEARCH[@]}"
fault_case "HTML error page" "html=1" 5 "${SEARCH[@]}"

# A GET that fails once then succeeds is retried: half the requests fail with 503.
sim_start --fixture "$FIXTURES/basic.json" --faults "error=0.5:503,seed=7"
for i in 1 2 3 4 5; do
	run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
		PPS_CACERT="$SIM_CACERT" "$PPS" --retries 6 -o json "${SEARCH[@]}"
	expect_rc 0 "retried GET $i"
done
sim_stop

# A POST whose response is lost (reset after the action ran) is never retried: one outbox entry.
sim_start --fixture "$FIXTURES/basic.json" --faults "reset=1"
pps_admin_t quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_rc 8 "release with lost response"
one_line "release with lost response"
expect_err_has "may have carried out the release of 4:2:6" "the user is told the release may have happened"
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '[.records[] | select(.localguid == "4:2:6")] | length' <<<"$OUT")" 1 "released exactly once"
# A download whose body is cut leaves no file behind.
mkdir -p "$T_DIR/dl"
run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
	PPS_CACERT="$SIM_CACERT" "$PPS" --timeout "$TO" --retries 0 quarantine-message-download \
	guid=lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO out="$T_DIR/dl"
expect_rc 7 "download reset"
expect_eq "$(ls -A "$T_DIR/dl" | wc -l)" 0 "no partial file after a reset download"
sim_stop


# 401 in the middle of a bulk run: the first batches land, the rest fail, nothing twice.
sim_start --fixture "$FIXTURES/basic.json" --faults "authfail_after=2"
printf '6:6:239\n6:6:4\n6:6:300\n9:9:9\n' >"$T_DIR/guids"
run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
	PPS_CACERT="$SIM_CACERT" "$PPS" --batch 1 quarantine-message-release folder_name=Quarantine \
	local_guid=@"$T_DIR/guids"
expect_rc 1 "bulk with a 401 in the middle"
expect_err_has "401" "the 401 is reported"
expect_err_has "stopped: released 2 of 4 messages; not sent: 1 from GUID 9:9:9 on" \
	"the run stops at the 401 and names what was not sent"
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '.records | length' <<<"$OUT")" 2 "two batches released, the third refused, the fourth not sent"
expect_eq "$(jq '[.records[].localguid] | unique | length' <<<"$OUT")" 2 "none twice"
sim_stop

# TLS: self-signed without --cacert, name mismatch, expired certificate.
sim_start --fixture "$FIXTURES/basic.json"
run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
	"$PPS" --timeout "$TO" "${SEARCH[@]}"
expect_rc 6 "self-signed without --cacert"
one_line "self-signed without --cacert"
expect_err_has "--cacert" "the fix is named"
sim_stop

certs="$T_DIR/certs"
mkdir -p "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$certs/wrong.key" -out "$certs/wrong.pem" \
	-days 30 -subj "/CN=wrong.example" -addext "subjectAltName=DNS:wrong.example" \
	-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
sim_start --fixture "$FIXTURES/basic.json" --cert "$certs/wrong.pem" --key "$certs/wrong.key"
run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
	PPS_CACERT="$certs/wrong.pem" "$PPS" --timeout "$TO" "${SEARCH[@]}"
expect_rc 6 "name mismatch"
one_line "name mismatch"
sim_stop

cat >"$certs/expired.tmpl" <<'T'
cn = "127.0.0.1"
ip_address = "127.0.0.1"
dns_name = "localhost"
ca
cert_signing_key
tls_www_server
activation_date = "2019-01-01 00:00:00"
expiration_date = "2020-01-01 00:00:00"
T
certtool --generate-privkey --key-type=ecdsa --outfile "$certs/expired.key" 2>/dev/null
certtool --generate-self-signed --load-privkey "$certs/expired.key" \
	--template "$certs/expired.tmpl" --outfile "$certs/expired.pem" 2>/dev/null
sim_start --fixture "$FIXTURES/basic.json" --cert "$certs/expired.pem" --key "$certs/expired.key"
run timeout $LIMIT env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
	PPS_CACERT="$certs/expired.pem" "$PPS" --timeout "$TO" "${SEARCH[@]}"
expect_rc 6 "expired certificate"
one_line "expired certificate"
expect_err_has "expire" "expiry named"
sim_stop

done_testing
