# No action is ever sent twice: a proxy in front of pps-sim passes every request on and drops the
# answer to the 2nd request of the 1st connection (the server has carried it out). libcurl would
# re-send that request on a fresh connection by itself; pps must not, and must say the outcome
# of the 2nd batch is unknown. Release, forward, move and delete, over HTTP and over TLS.
. "$(dirname "$0")/lib.sh"

PROXY_PID=
proxy_start() { # proxy_start [--cert F --key F]: sets PROXY_PORT
	local i
	# The shell truncates proxy.out in the background child: the last proxy's port must not
	# be read before that happens.
	rm -f "$T_DIR/proxy.out"
	python3 "$PPS_SOURCE_DIR/tests/integration/helpers/drop_proxy.py" \
		--upstream "${SIM_URL#http://}" "$@" >"$T_DIR/proxy.out" 2>"$T_DIR/proxy.err" &
	PROXY_PID=$!
	SIM_PIDS+=("$PROXY_PID")
	for i in $(seq 1 100); do
		PROXY_PORT=$(sed -n 's/^port //p' "$T_DIR/proxy.out")
		[ -n "$PROXY_PORT" ] && return 0
		sleep 0.05
	done
	echo "# the proxy did not start" >&2
	cat "$T_DIR/proxy.err" >&2
	return 1
}
proxy_stop() { kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; PROXY_PID=; }

# The proxy's own certificate, for the TLS cases.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T_DIR/proxy.key" -out "$T_DIR/proxy.crt" \
	>/dev/null 2>&1 || { echo "# openssl could not make a certificate" >&2; exit 1; }

printf '6:6:239\n6:6:4\n6:6:300\n' >"$T_DIR/three"

# outbox_count GUID: how many times the emulator sent GUID out (release, resubmit, forward).
outbox_count() {
	curl -sS "${SIM_URL}/rest/v1/sim/outbox" -u admin:admin-pass |
		jq --arg g "$1" '[.records[] | select(.localguid == $g)] | length'
}
# folder_count FOLDER GUID: how many times GUID sits in FOLDER (searched by its sender).
declare -A SENDER=([6:6:239]=john@doe.com [6:6:4]=john@doe.com [6:6:300]=deals@bulkmail.test)
folder_count() {
	curl -sS -u admin:admin-pass -G "${SIM_URL}/rest/v1/quarantine" --data-urlencode "folder=$1" \
		--data-urlencode "from=${SENDER[$2]}" --data-urlencode "startdate=2000-01-01 00:00:00" \
		--data-urlencode "enddate=2100-01-01 00:00:00" --data-urlencode "limit=1000" |
		jq --arg g "$2" '[.records[] | select(.localguid == $g)] | length'
}

# case SCHEME ACTION [extra args]
resend_case() {
	local scheme=$1 action=$2 url cacert=()
	shift 2
	sim_start --fixture "$FIXTURES/basic.json" --no-tls
	if [ "$scheme" = https ]; then
		proxy_start --cert "$T_DIR/proxy.crt" --key "$T_DIR/proxy.key"
		cacert=(--cacert "$T_DIR/proxy.crt")
	else
		proxy_start
	fi
	url="$scheme://127.0.0.1:$PROXY_PORT"
	for g in 6:6:239 6:6:4 6:6:300; do
		expect_eq "$(folder_count Quarantine "$g")" 1 "$action over $scheme: $g in Quarantine before"
	done
	run timeout 60 env PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --url "$url" \
		"${cacert[@]}" --timeout 10 --batch 1 "quarantine-message-$action" \
		folder_name=Quarantine local_guid=@"$T_DIR/three" "$@"
	local name="$action over $scheme"
	[ "$RC" != 0 ] && ok || fail "$name: a lost answer must not exit 0"
	expect_err_has "may have carried out the $action of 6:6:4" "$name: the 2nd batch is named unknown"
	expect_err_has "check before sending it again" "$name: the user is told to check"
	case $action in
	release | forward)
		for g in 6:6:239 6:6:4 6:6:300; do
			expect_eq "$(outbox_count "$g")" 1 "$name: $g in the outbox exactly once"
		done
		;;
	move)
		for g in 6:6:239 6:6:4 6:6:300; do
			expect_eq "$(folder_count Quarantine "$g")" 0 "$name: $g left Quarantine"
			expect_eq "$(folder_count Spam "$g")" 1 "$name: $g in Spam once"
		done
		;;
	delete)
		for g in 6:6:239 6:6:4 6:6:300; do
			expect_eq "$(folder_count Quarantine "$g")" 0 "$name: $g deleted"
		done
		expect_err_lacks "400" "$name: no re-sent delete refused by the server"
		;;
	esac
	proxy_stop
	sim_stop
}

for scheme in http https; do
	resend_case "$scheme" release
	resend_case "$scheme" forward recipient=soc@example.test
	resend_case "$scheme" move target_folder=Spam
	resend_case "$scheme" delete
done

# A single action whose answer is lost: exit 8 (outcome unknown), one line on stderr.
sim_start --fixture "$FIXTURES/basic.json" --no-tls
proxy_start --drop-request 1
run timeout 60 env PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --url "http://127.0.0.1:$PROXY_PORT" \
	--timeout 10 quarantine-message-release folder_name=Quarantine local_guid=6:6:239
expect_rc 8 "a lost answer to a single release"
expect_eq "$(printf '%s' "$ERR" | grep -v '^pps: warning: the URL is http://' | grep -c '')" 1 "one line on stderr (and the http:// warning)"
expect_err_has "closed the connection without answering: the server may" "the cause comes first"
expect_eq "$(outbox_count 6:6:239)" 1 "released once"
proxy_stop
sim_stop

done_testing
