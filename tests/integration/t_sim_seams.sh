# pps-sim at its seams (loopback only, bounded): the store's lock outlives its lock file; Basic
# credentials with a NUL are refused; /rest/v1/sim/ is for administrators; no odd path answers
# 5xx; the request log redacts every secret-like name at any depth and in the query; failed
# logins are counted per address and account, not per connection (200 connections guessing);
# an honest client keeps its answers under 3,500 reconnecting slowloris connections from
# another address. Figures go to stderr as "# ..." lines.
# ctest: slow
. "$(dirname "$0")/lib.sh"

HELPERS="$PPS_SOURCE_DIR/tests/integration/helpers"
PW=admin:admin-pass
STATE="$T_DIR/state"

# --- The lock: a second pps-sim is refused even after the lock file was deleted. ---
sim_start --state-dir "$STATE" --fixture "$FIXTURES/basic.json" || exit 1
FIRST=$SIM_PID
rm -f "$STATE/lock"
run timeout 20 "$PPS_SIM" --listen 127.0.0.1:0 --state-dir "$STATE" --no-tls
expect_rc 1 "a second pps-sim after the lock file was deleted"
expect_err_has "in use by another pps-sim" "a second pps-sim after the lock file was deleted"
kill -0 "$FIRST" && ok || fail "the first pps-sim is gone"
curl_sim /rest/v1/pss/health
expect_status 200 "the first pps-sim serves on"

# --- Basic credentials: a NUL after the password is not the password. ---
basic() { printf '%s' "$1" | base64 -w0; }
curl_sim -H "Authorization: Basic $(printf 'admin:admin-pass\0junk' | base64 -w0)" /rest/v1/pss/health
expect_status 401 "Basic admin:admin-pass NUL junk"
curl_sim -H "Authorization: Basic $(printf 'admin\0x:admin-pass' | base64 -w0)" /rest/v1/pss/health
expect_status 401 "a NUL in the name"
curl_sim -H "Authorization: Basic $(basic admin:admin-pass)!" /rest/v1/pss/health
expect_status 401 "base64 with a stray character"
curl_sim -H "Authorization: Basic $(basic admin:admin-pass)" /rest/v1/pss/health
expect_status 200 "the same credentials without the NUL"

# --- /rest/v1/sim/ is for administrators only. ---
for r in "GET /rest/v1/sim/outbox" "GET /rest/v1/sim/requests" "DELETE /rest/v1/sim/requests" \
	"POST /rest/v1/sim/messages" "GET /rest/v1/sim/nothing"; do
	CURL_USER=pssonly:pssonly-pass curl_sim -X "${r% *}" -d '{}' "${r#* }"
	expect_status 403 "pssonly: $r"
done
curl_sim /rest/v1/sim/outbox
expect_status 200 "admin: GET /rest/v1/sim/outbox"

# --- Odd paths: every answer is below 500. ---
python3 - "${SIM_URL#https://}" "$SIM_CACERT" "$PW" >"$T_DIR/fuzz.out" <<'PY'
import base64, http.client, ssl, sys
hostport, cacert, cred = sys.argv[1:4]
host, port = hostport.rsplit(":", 1)
ctx = ssl.create_default_context(cafile=cacert)
auth = {"Authorization": "Basic " + base64.b64encode(cred.encode()).decode()}
e = "%C3%A9"
pieces = ["", "a", "ab", e, e * 700, "a" + e * 700,
          "ab" + e * 699, e * 1300, "%C3", "%", "%%", "%zz", "%FF", "%C0%AF", "%ED%A0%80",
          "%F4%90%80%80", "..", "../..", "./", "//", "%2e%2e%2f", "a@b", "@", "a" * 8100,
          "%00", "x%0d%0aSet-Cookie:%20a", "%E2%80%AE", "%EF%BB%BF", "+", ";", "?", "#",
          "a?b=%C3", "a?" + "&".join("p%d=%s" % (i, e * 10) for i in range(50))]
prefixes = ["/rest/v1/enduser/", "/rest/v1/enduser/" + "a" * 300 + "@", "/rest/v1/quarantine/",
            "/rest/v1/pss/", "/rest/v1/sim/", "/rest/v1/", "/rest/", "/", "/rest/v1/pss/filter/"]
bodies = [None, b'{"firstname":"' + ("é" * 400).encode() + b'"}', b'{"email":"\xc3"}', b"\xff",
          b'{"a":' * 5000, b'[]', b'{"' + ("é" * 300).encode() + b'":1}']
bad, n = [], 0
c = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
for pre in prefixes:
    for p in pieces:
        for m, body in [("GET", None), ("DELETE", None), ("POST", bodies[1]), ("PUT", bodies[1])] + \
                [("POST", b) for b in bodies[2:]] if pre.startswith("/rest/v1/enduser/") else \
                [("GET", None), ("POST", bodies[1])]:
            # A kept-alive connection the server has closed (after an answer it gave before
            # reading a body) fails the next request: that one is sent again on a new connection.
            for attempt in (1, 2):
                try:
                    c.request(m, pre + p, body=body, headers=auth)
                    r = c.getresponse()
                    r.read()
                    status = r.status
                    break
                except (OSError, http.client.HTTPException) as ex:
                    status = "error %s" % ex
                    c = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
            n += 1
            if not isinstance(status, int) or status >= 500:
                bad.append("%s %s... -> %s" % (m, (pre + p)[:80], status))
print("requests=%d bad=%d" % (n, len(bad)))
for b in bad[:10]:
    print(b)
PY
echo "# odd paths: $(head -1 "$T_DIR/fuzz.out")" >&2
expect_eq "$(sed -n 's/.*bad=\([0-9]*\).*/\1/p' "$T_DIR/fuzz.out")" 0 "no 5xx for odd paths: $(cat "$T_DIR/fuzz.out")"
curl_sim -X POST -d '{"firstname":"x"}' "/rest/v1/enduser/a$(python3 -c "print('%C3%A9'*300)")"
expect_status 400 "a long run of %C3%A9 after one byte, in an end-user path"

# --- The request log: every secret-like name redacted, at any depth, in the query too. ---
curl_sim -X DELETE /rest/v1/sim/requests
q="subject=visible-1&password=SEKRIT-q1&passwd=SEKRIT-q2&secret=SEKRIT-q3&pass%77ord=SEKRIT-q4"
q="$q&pass%2577ord=SEKRIT-q5&API_KEY=SEKRIT-q6&apikey=SEKRIT-q7&Token=SEKRIT-q8&x-auth=SEKRIT-q9"
q="$q&credential=SEKRIT-q10&pwd=SEKRIT-q11&attributes.password=SEKRIT-q12&pass=SEKRIT-q13"
q="$q&client_secret=SEKRIT-q14&access%5Ftoken=SEKRIT-q15"
curl_sim "/rest/v1/pss/health?$q"
body='{"firstname":"visible-2","attributes":{"password":"SEKRIT-b1","deeper":[{"secret":"SEKRIT-b2"},
{"x":{"y":{"apiKey":"SEKRIT-b3"}}}]},"attributes.password":"SEKRIT-b4","passwd":"SEKRIT-b5",
"PassWord":{"nested":"SEKRIT-b6"},"pass%77ord":"SEKRIT-b7","pass\u0077ord2":"SEKRIT-b8",
"auth_token":"SEKRIT-b9","credentials":["SEKRIT-b10"],"pwd":"SEKRIT-b11"}'
curl_sim -X PUT -H 'Content-Type: application/json' -d "$body" /rest/v1/enduser/demo.user@example.com
curl_sim -X POST -d 'password=SEKRIT-f1&firstname=x' /rest/v1/enduser/form@example.com
curl_sim -X POST -d '{"broken json", "password": "SEKRIT-f2"' /rest/v1/enduser/broken@example.com
curl_sim /rest/v1/sim/requests
expect_out_has visible-1 "a plain parameter is kept"
expect_out_has visible-2 "a plain body key is kept"
leaks=$(grep -o 'SEKRIT-[a-z0-9]*' <<<"$OUT" | sort -u | tr '\n' ' ')
expect_eq "$leaks" "" "secrets left in the request log"
expect_eq "$(grep -o '(redacted)' <<<"$OUT" | wc -l)" 28 "redacted values (15 query, 11 JSON, 2 bodies)"
sim_stop

# --- Failed logins: 200 connections from one address guessing one account's password. ---
sim_start --no-tls --fixture "$FIXTURES/basic.json" --login-throttle 5 --max-per-address 400 || exit 1
HP=${SIM_URL#http://}
python3 "$HELPERS/guess.py" "${HP%:*}" "${HP#*:}" --conns 200 --seconds 8 >"$T_DIR/guess.out"
echo "# 200 connections guessing for 8 s: $(cat "$T_DIR/guess.out")" >&2
checked=$(sed -n 's/.*checked=\([0-9]*\).*/\1/p' "$T_DIR/guess.out")
# 5 checks, then one each 250 ms, 500 ms, 1 s, 2 s, 4 s: at most 11 in 8 s.
[ "${checked:-999}" -le 11 ] && ok || fail "more than 11 passwords checked in 8 s: $(cat "$T_DIR/guess.out")"
refused=$(sed -n 's/.*refused=\([0-9]*\).*/\1/p' "$T_DIR/guess.out")
[ "${refused:-0}" -ge 100 ] && ok || fail "the guesses were not refused: $(cat "$T_DIR/guess.out")"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' --interface 127.0.0.3 -u "$PW" "$SIM_URL/rest/v1/pss/health")
expect_status 200 "the right password from another address, at once"
# From the guessing address the right password waits out the spacing (at most 4 s).
t0=$(date +%s)
for _ in $(seq 1 12); do
	STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -u "$PW" "$SIM_URL/rest/v1/pss/health")
	[ "$STATUS" = 200 ] && break
	sleep 0.5
done
expect_status 200 "the right password from the guessing address, after $(($(date +%s) - t0)) s"
sim_stop

# --- The head deadline: a head trickled a byte at a time is cut after --header-deadline; a
# slow body and an idle kept-alive connection are left to the request deadline. ---
sim_start --no-tls --fixture "$FIXTURES/basic.json" --header-deadline 2 --request-deadline 8 || exit 1
HP=${SIM_URL#http://}
python3 - "${HP%:*}" "${HP#*:}" "$(printf %s "$PW" | base64 -w0)" >"$T_DIR/head.out" <<'PY'
import socket, sys, time
host, port, cred = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def conn():
    s = socket.create_connection((host, port))
    s.settimeout(0.05)
    return s
def gone(s):
    try:
        return s.recv(65536) == b""
    except socket.timeout:
        return False
    except OSError:
        return True
head = conn()
head.sendall(b"GET /rest/v1/pss/health HTTP/1.1\r\nHost: x\r\n")
body = conn()
body.sendall(("POST /rest/v1/quarantine HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
              "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n" % cred).encode())
idle = conn()
idle.sendall(("GET /rest/v1/pss/health HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n\r\n"
              % cred).encode())
t0, cut = time.monotonic(), {}
while time.monotonic() - t0 < 5:
    for name, s in (("head", head), ("body", body)):
        if name not in cut:
            try:
                s.send(b"X" if name == "head" else b" ")
            except OSError:
                pass
    for name, s in (("head", head), ("body", body), ("idle", idle)):
        if name not in cut and gone(s):
            cut[name] = time.monotonic() - t0
    time.sleep(0.25)
print(" ".join("%s=%s" % (n, "%.1f" % cut[n] if n in cut else "open") for n in ("head", "body", "idle")))
PY
echo "# cut after (s): $(cat "$T_DIR/head.out")" >&2
read -r h b i <"$T_DIR/head.out"
h=${h#head=}
[ "$h" != open ] && [ "${h%.*}" -lt 4 ] && ok || fail "a trickled head was not cut within 4 s: $(cat "$T_DIR/head.out")"
expect_eq "$b $i" "body=open idle=open" "a slow body and an idle connection within the request deadline"
sim_stop

# --- 3,500 reconnecting slowloris connections from 127.0.0.2; the honest client on 127.0.0.1. ---
# The attacker needs 3,500 descriptors at once (pps-sim raises its own limit for its slots).
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
sim_start --fixture "$FIXTURES/basic.json" || exit 1
HP=${SIM_URL#https://}
python3 "$HELPERS/slowloris.py" "${HP%:*}" "${HP#*:}" --source 127.0.0.2 --conns 3500 \
	--seconds 36 --mode tls --ready "$T_DIR/slow.ready" --stop "$T_DIR/slow.stop" \
	>"$T_DIR/slow.out" 2>&1 &
SLOW=$!
for _ in $(seq 1 300); do [ -s "$T_DIR/slow.ready" ] && break; sleep 0.1; done
[ "$(cat "$T_DIR/slow.ready" 2>/dev/null || echo 0)" -ge 3500 ] && ok ||
	fail "the attacker opened only $(cat "$T_DIR/slow.ready" 2>/dev/null) connections (ulimit -n $(ulimit -n))"
sleep 2
python3 "$HELPERS/honest.py" "${HP%:*}" "${HP#*:}" --cacert "$SIM_CACERT" -n 100 \
	--interval 0.25 --timeout 2 >"$T_DIR/honest.out"
touch "$T_DIR/slow.stop"
wait "$SLOW"
echo "# honest client under 3,500 reconnecting slowloris (tls): $(cat "$T_DIR/honest.out"); attacker: $(cat "$T_DIR/slow.out")" >&2
good=$(sed -n 's/^ok=\([0-9]*\).*/\1/p' "$T_DIR/honest.out")
[ "${good:-0}" -ge 95 ] && ok || fail "honest client answered within 1 s: ${good:-0} of 100: $(cat "$T_DIR/honest.out")"
curl_sim /rest/v1/pss/health
expect_status 200 "after the slowloris"

done_testing
