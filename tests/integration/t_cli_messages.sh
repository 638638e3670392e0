# The errors that say what to do (issue 12): each with its exact stderr line and exit status.
# Clear text over http://, a refusing proxy, https:// to a plain server, a non-message download,
# a huge header, bad time windows and dates, credentials in a URL or a readable password file,
# and "did you mean" for commands, arguments, values and options.
. "$(dirname "$0")/lib.sh"

WIN=(start_time=2020-01-01T00:00:00Z end_time=2021-01-01T00:00:00Z)
G=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua

# http:// with a password: one warning, the command still runs
sim_start --fixture "$FIXTURES/basic.json" --no-tls || exit 1
PLAIN=$SIM_URL
run env PPS_URL="$PLAIN" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" test
expect_rc 0 "http:// works"
expect_out "ok"
expect_err "pps: warning: the URL is http://: the password crosses the network in clear text; use https://"


# a refusing proxy is named as the proxy, with no credentials
run env PPS_URL="$PLAIN" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --retries 0 --proxy http://puser:psecret@127.0.0.1:9 health
expect_rc 6 "refusing proxy"
expect_err_has "pps: warning: the URL is http://"
expect_err_has "pps: connection refused by the proxy 127.0.0.1 port 9 (on the way to 127.0.0.1)"
expect_err_lacks "psecret"
run env PPS_URL="$PLAIN" https_proxy= http_proxy=http://127.0.0.1:9 PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --retries 0 health
expect_err_has "pps: connection refused by the proxy 127.0.0.1 port 9 (on the way to 127.0.0.1)"
run env PPS_URL="$PLAIN" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --retries 0 --proxy http://puser:psecret@proxy.invalid:3128 health
expect_rc 6 "unknown proxy"
expect_err_has "pps: could not resolve the proxy proxy.invalid port 3128 (on the way to 127.0.0.1)"
expect_err_lacks "psecret"
sim_stop

# credentials in the URL never reach a message
run env PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --url ftp://u:hunter2@example.com health
expect_rc 2 "ftp url"
expect_err "pps: url 'ftp://***@example.com' must start with https:// or http://"
run env PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --url 'https://u:hunter2@example.com:99999999' health
expect_rc 2 "bad port"
expect_err "pps: url 'https://***@example.com:99999999' has no valid host"

# a page that is not a message (text/html) is no download: exit 7, no file
sim_start --fixture "$FIXTURES/basic.json" --faults ctype=1 || exit 1
cd "$T_DIR"
pps_admin quarantine-message-download guid=$G
expect_rc 7 "html download"
expect_err "pps: the server sent text/html, not a message: is the URL the PPS server's? nothing was saved"
[ ! -e "$G.eml" ] && ok || fail "a non-message left $G.eml"
[ -z "$(ls -A "$T_DIR" | grep -F "$G")" ] && ok || fail "a temporary file was left"
pps_admin quarantine-messages-list guid=$G
expect_rc 7 "html raw message"
expect_out ""
expect_err "pps: the server sent text/html, not a message: is the URL the PPS server's? nothing was printed"
cd - >/dev/null
sim_stop

# odd_start MODE: starts helpers/odd_server.py in MODE; sets ODD_PORT.
odd_start() {
	python3 "$PPS_SOURCE_DIR/tests/integration/helpers/odd_server.py" "$1" >"$T_DIR/odd.$1" 2>&1 &
	SIM_PIDS+=("$!")
	for _ in $(seq 1 50); do grep -q '^port ' "$T_DIR/odd.$1" && break; sleep 0.1; done
	ODD_PORT=$(sed -n 's/^port //p' "$T_DIR/odd.$1")
}

# https:// to a server that answers in plain HTTP: the TLS handshake meets HTTP
odd_start plain400
run env PPS_URL="https://127.0.0.1:$ODD_PORT" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --retries 0 test
expect_rc 6 "tls to plain"
expect_err "pps: module 'pss': the server does not speak TLS here; is the URL http://?"
run env PPS_URL="https://127.0.0.1:$ODD_PORT" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --retries 0 health
expect_err "pps: the server does not speak TLS here; is the URL http://?"

# a 1 MiB response header is named as a header, not as memory
odd_start bigheader
BIG_PORT=$ODD_PORT
run env PPS_URL="http://127.0.0.1:$BIG_PORT" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" --retries 0 health
expect_rc 7 "huge header"
expect_err_has "pps: a response header from 127.0.0.1 port $BIG_PORT is larger than the 100 KiB libcurl accepts"
expect_err_lacks "out of memory"

sim_start --fixture "$FIXTURES/basic.json" || exit 1

# time windows and dates
pps_admin smart-search start_time=2021-01-01T00:00:00Z end_time=2020-01-01T00:00:00Z
expect_rc 2 "start after end"
expect_err "pps: start_time '2021-01-01T00:00:00Z' is after end_time '2020-01-01T00:00:00Z': nothing can match"
pps_admin quarantine-messages-list subject=x start_time=yesterday end_time='2 days ago'
expect_rc 2 "start after end (relative)"
expect_err "pps: start_time 'yesterday' is after end_time '2 days ago': nothing can match"
pps_admin smart-search start_time=2020-13-45T10:00:00Z
expect_rc 2 "month 13"
expect_err "pps: invalid start_time '2020-13-45T10:00:00Z': month 13 is not 1 to 12"
pps_admin smart-search end_time=2021-02-29
expect_err "pps: invalid end_time '2021-02-29': day 29 is not in 2021-02 (1 to 28)"
pps_admin smart-search start_time=2020-01-01T24:00:00Z
expect_err "pps: invalid start_time '2020-01-01T24:00:00Z': hour 24 is not 0 to 23"
pps_admin help smart-search
expect_out_has "today or yesterday (midnight UTC)"
expect_out_has "a time without a zone is UTC"

# a password file others can read, or with a NUL, is refused like the config file
printf 'admin-pass\n' >"$T_DIR/pw"
chmod 644 "$T_DIR/pw"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_CACERT="$SIM_CACERT" "$PPS" --password-file "$T_DIR/pw" test
expect_rc 2 "readable password file"
expect_err "pps: password file '$T_DIR/pw' is readable by others: run chmod 600 '$T_DIR/pw'"
chmod 600 "$T_DIR/pw"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_CACERT="$SIM_CACERT" "$PPS" --password-file "$T_DIR/pw" test
expect_rc 0 "private password file"
printf 'admin\0-pass\n' >"$T_DIR/pwnul"
chmod 600 "$T_DIR/pwnul"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_CACERT="$SIM_CACERT" "$PPS" --password-file "$T_DIR/pwnul" test
expect_rc 2 "NUL in a password file"
expect_err "pps: password in '$T_DIR/pwnul' holds a NUL byte"

# discovery: did you mean, test-module
pps_admin smart-serch
expect_rc 2 "typo command"
expect_err "pps: unknown command 'smart-serch': did you mean 'smart-search'?"
pps_admin '!proofpoint-pps-quarantine-mesages-list'
expect_err "pps: unknown command '!proofpoint-pps-quarantine-mesages-list': did you mean 'quarantine-messages-list'?"
pps_admin smart-search recipent=a@b.c
expect_rc 2 "typo argument"
expect_err "pps: unknown argument 'recipent' for smart-search: did you mean 'recipient'?"
pps_admin smart-search action=acept
expect_err "pps: invalid action 'acept': expected one of accept, continue, discard, redirect, reject, retry; did you mean 'accept'?"
pps_admin -o jsn smart-search
expect_err "pps: invalid output format 'jsn': expected one of table, wide, markdown, json, ndjson, csv, tsv, raw; did you mean 'json'?"
pps_admin --outptu json smart-search
expect_err "pps: unknown option '--outptu': did you mean '--output'?"
pps_admin smart-search 'start_time=24 horus'
expect_err "pps: invalid start_time '24 horus': unknown unit 'horus'; did you mean 'hours'?"
pps_admin smart-search recipient=x zzzzzz=1
expect_err_has "valid arguments: action, start_time"
pps_admin -o csv --fields GUID,Sendr smart-search "${WIN[@]}" guid=9rLtu31xs8H24NF8KcRw-S6EihtLK-y_
expect_rc 0 "a misspelt field"
expect_out "GUID,Sendr
9rLtu31xs8H24NF8KcRw-S6EihtLK-y_,"
expect_err "pps: warning: no record has a field 'Sendr'; did you mean 'Sender'?"
pps_admin --fields , smart-search
expect_rc 2 "empty --fields"
expect_err "pps: invalid --fields ',': expected a comma list of names"
pps_admin test-module
expect_rc 0 "test-module"
expect_out "ok"
pps_admin '!test-module'
expect_rc 0 "!test-module"
pps_admin help test-module
expect_out_has "usage: pps [OPTIONS] test"

done_testing
