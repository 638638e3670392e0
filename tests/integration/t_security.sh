# Security checks: nobody is let in without the right account and module; passwords are stored
# hashed; injection-shaped values stay data; CR/LF in arguments never reach a header or URL
# unescaped; download names stay in their folder; no password is ever printed.
# ctest: slow
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json"
state=$(dirname "$SIM_CACERT")

# Every endpoint: no credentials, a wrong password, an unknown user -> 401 with WWW-Authenticate.
routes=("GET /rest/v1/pss/health" "GET /rest/v1/pss/filter" "GET /rest/v1/quarantine?subject=x"
	"POST /rest/v1/quarantine" "GET /rest/v1/enduser/demo.user@example.com"
	"POST /rest/v1/enduser/new@example.com" "PUT /rest/v1/enduser/demo.user@example.com"
	"DELETE /rest/v1/enduser/demo.user@example.com" "GET /rest/v1/sim/outbox"
	"GET /rest/v1/nowhere")
for r in "${routes[@]}"; do
	m=${r%% *}
	p=${r#* }
	for cred in "" "admin:wrong" "nobody:admin-pass" "admin:" ":admin-pass"; do
		if [ -z "$cred" ]; then
			h=$(curl -sS -o /dev/null -D - --cacert "$SIM_CACERT" -X "$m" "$SIM_URL$p")
		else
			h=$(curl -sS -o /dev/null -D - --cacert "$SIM_CACERT" -u "$cred" -X "$m" -d '{}' "$SIM_URL$p")
		fi
		grep -q "^HTTP/1.1 401" <<<"$h" && ok || fail "$r with '$cred' was not refused with 401"
		grep -qi "^WWW-Authenticate: Basic" <<<"$h" && ok || fail "$r: no WWW-Authenticate"
	done
done

# A missing module -> 403 naming it, for every gated route.
check403() { # user module method path
	CURL_USER="$1" curl_sim -X "$3" -d '{}' "$4"
	expect_status 403 "$3 $4 as $1"
	grep -q "'$2'" <<<"$OUT" && ok || fail "403 for $1 does not name $2: $OUT"
}
check403 quaronly:quaronly-pass pss GET /rest/v1/pss/health
check403 quaronly:quaronly-pass pss GET /rest/v1/pss/filter
check403 pssonly:pssonly-pass Quarantine GET "/rest/v1/quarantine?subject=x"
check403 pssonly:pssonly-pass Quarantine POST /rest/v1/quarantine
check403 noenduser:noenduser-pass enduser GET /rest/v1/enduser/demo.user@example.com
check403 noenduser:noenduser-pass enduser POST /rest/v1/enduser/x@example.com
check403 noenduser:noenduser-pass enduser PUT /rest/v1/enduser/demo.user@example.com
check403 noenduser:noenduser-pass enduser DELETE /rest/v1/enduser/demo.user@example.com

# Passwords are stored salted and hashed: no account password appears in the store's files.
for pw in admin-pass pssonly-pass quaronly-pass noenduser-pass; do
	if cat "$state"/pps-sim.db* 2>/dev/null | grep -aqF "$pw"; then
		fail "password '$pw' is stored in clear"
	else
		ok
	fi
done
expect_eq "$(sqlite3 "$state/pps-sim.db" "SELECT count(*) FROM account WHERE length(salt) >= 16")" \
	"$(sqlite3 "$state/pps-sim.db" "SELECT count(*) FROM account")" "every account has a salt"

# Injection-shaped values in every filter stay data: no 5xx, nothing changes.
count_all() {
	curl_sim -G --data-urlencode "from=2000-01-01T00:00:00Z" --data-urlencode "count=10000" \
		/rest/v1/pss/filter
	jq '.result | length' <<<"$OUT"
}
before=$(count_all)
evil=("' OR '1'='1" "x'; DROP TABLE msg; --" '" OR 1=1 --' "%' OR 1=1 --" "*' UNION SELECT * FROM account --"
	"\\x00" "a@b' OR 'a'='a")
for v in "${evil[@]}"; do
	for k in action virus env_from env_rcpt attach qid host sid subject guid hdr_mid; do
		curl_sim -G --data-urlencode "$k=$v" --data-urlencode "from=2000-01-01T00:00:00Z" /rest/v1/pss/filter
		case "$STATUS" in 200 | 400) ok ;; *) fail "pss/filter $k='$v' answered $STATUS" ;; esac
		# (subject is analyzed: its words, like "1", may match real subjects)
		[ "$STATUS" = 200 ] && [ "$k" != subject ] && { [ "$(jq '.result | length' <<<"$OUT")" = 0 ] && ok || fail "pss/filter $k='$v' matched records"; }
	done
	for k in from rcpt subject folder; do
		curl_sim -G --data-urlencode "$k=$v" --data-urlencode "subject=zz" /rest/v1/quarantine
		case "$STATUS" in 200 | 400) ok ;; *) fail "quarantine $k='$v' answered $STATUS" ;; esac
	done
	curl_sim -G --data-urlencode "guid=$v" /rest/v1/quarantine
	expect_status 404 "download guid '$v'"
	curl_sim -X POST -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg v "$v" '{action:"delete",folder:$v,localguid:$v}')" /rest/v1/quarantine
	expect_status 400 "delete with folder/localguid '$v'"
	curl_sim "/rest/v1/enduser/$(jq -rn --arg v "$v" '$v|@uri')"
	expect_status 404 "enduser '$v'"
done
expect_eq "$(count_all)" "$before" "the store is unchanged after the injection attempts"
expect_eq "$(sqlite3 "$state/pps-sim.db" 'PRAGMA integrity_check')" ok "integrity after the injection attempts"
sim_stop

# CR/LF in any argument never reaches a header or the URL unescaped: a capture server records the
# raw requests pps sends.
cap="$T_DIR/capture"
python3 - "$cap" >"$T_DIR/cap.port" <<'PY' &
import socket, sys
out = open(sys.argv[1], "wb")
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
s.settimeout(30)
try:
    while True:
        c, _ = s.accept()
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        n = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        while len(rest) < n:
            chunk = c.recv(65536)
            if not chunk:
                break
            rest += chunk
        out.write(b"=== REQUEST\n" + head + b"\r\n\r\n" + rest + b"\n")
        out.flush()
        body = b'{"result":[],"records":[],"count":0}'
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        c.close()
except socket.timeout:
    pass
PY
cap_pid=$!
for _ in $(seq 1 50); do [ -s "$T_DIR/cap.port" ] && break; sleep 0.1; done
CAP_URL="http://127.0.0.1:$(cat "$T_DIR/cap.port")"
crlf=$'x\r\nX-Injected: yes'
pps_cap() { run env PPS_URL="$CAP_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" "$@"; }
pps_cap smart-search "subject=$crlf" "sender=$crlf@example.com" "host=$crlf" "start_time=1 day"
expect_rc 0 "smart search with CR/LF values"
pps_cap quarantine-messages-list "subject=$crlf" "folder_name=$crlf"
expect_rc 0 "quarantine list with CR/LF values"
pps_cap get-user "email=a$crlf@example.com"
pps_cap quarantine-message-release "folder_name=$crlf" "local_guid=1:2:3"
sleep 0.5
grep -aq "^X-Injected" "$cap" && fail "a CR/LF value became a header or a raw line" || ok
grep -aq "X-Injected%3A%20yes" "$cap" && ok || fail "the CR/LF value was not percent-encoded in the URL"
grep -aq 'x\\r\\nX-Injected: yes' "$cap" && ok || fail "the CR/LF value was not JSON-escaped in the body"
expect_eq "$(grep -ac '^=== REQUEST' "$cap")" 4 "four requests captured"
# The password never appears in the clear on the wire (only base64 in Authorization).
grep -aq "admin-pass" "$cap" && fail "the password was sent in the clear" || ok
# A URL with CR/LF is refused before anything is sent.
run env PPS_URL="$CAP_URL/x"$'\r\n'"X: y" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" health
expect_rc 2 "CR/LF in the URL"
expect_eq "$(grep -ac '^=== REQUEST' "$cap")" 4 "nothing sent for a bad URL"

# Download names stay in the chosen folder; nothing is sent for an unsafe GUID.
mkdir -p "$T_DIR/dl/inner"
for g in ../evil ../../etc/passwd /etc/passwd a/b .. . -rf .hidden $'a\nb'; do
	(cd "$T_DIR/dl/inner" && pps_cap quarantine-message-download "guid=$g")
	expect_rc 2 "unsafe guid '$g'"
done
expect_eq "$(find "$T_DIR/dl" -type f | wc -l)" 0 "no file written for an unsafe guid"
expect_eq "$(grep -ac '^=== REQUEST' "$cap")" 4 "nothing sent for an unsafe guid"
kill "$cap_pid" 2>/dev/null
wait "$cap_pid" 2>/dev/null

# No password or Authorization header is printed, at any verbosity, on success or failure.
sim_start --fixture "$FIXTURES/basic.json"
b64=$(printf 'admin:admin-pass' | base64)
for args in "-v health" "-v -v health" "-v -o raw health" "-v --dry-run quarantine-message-release folder_name=HIPAA local_guid=4:2:6" \
	"--curl test" "--curl create-user email=a@b.c"; do
	# shellcheck disable=SC2086
	pps_admin $args
	for secret in admin-pass "$b64" Authorization; do
		grep -qF -- "$secret" <<<"$OUT$ERR" && fail "'pps $args' printed '$secret'" || ok
	done
done
pps_as admin wrong-password -v health
expect_rc 3 "wrong password"
grep -qF wrong-password <<<"$OUT$ERR" && fail "the wrong password was printed" || ok
sim_stop

# The emulator binds loopback unless --listen names another address.
if ! (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null; then
	"$PPS_SIM" --state-dir "$T_DIR/default-state" --account a:b >"$T_DIR/default.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do grep -q ready "$T_DIR/default.log" && break; sleep 0.1; done
	grep -q "url=https://127.0.0.1:10000 " "$T_DIR/default.log" && ok || fail "default listen is not 127.0.0.1:10000: $(cat "$T_DIR/default.log")"
	ss -ltn 2>/dev/null | grep -q "0.0.0.0:10000" && fail "bound a wildcard address by default" || ok
	kill "$pid"
	wait "$pid"
fi

done_testing
