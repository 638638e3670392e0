# pps-sim under a hostile client (loopback only, bounded): slowloris beyond the old connection
# limit while a normal client keeps getting answers, the request deadline, a second process on
# the same state dir, each client mistake a 4xx JSON naming what was wrong, CL+TE, NUL in
# paths and values, libmicrohttpd-level limits answered in JSON, failed-login delays, -v lines.
# ctest: slow
. "$(dirname "$0")/lib.sh"

PW=admin:admin-pass
STATE="$T_DIR/state"
sim_start --state-dir "$STATE" --fixture "$FIXTURES/basic.json" --no-tls -v \
	--request-deadline 3 --login-throttle 3 --max-per-address 0 || exit 1
HOSTPORT=${SIM_URL#http://}

# raw BYTES: sends raw bytes (printf escapes) on one connection; the reply in OUT.
raw() {
	OUT=$(python3 - "${HOSTPORT%:*}" "${HOSTPORT#*:}" "$1" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.settimeout(5)
s.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1"))
out = b""
try:
    while b"\r\n\r\n" not in out or len(out.split(b"\r\n\r\n", 1)[1]) < 2:
        b = s.recv(65536)
        if not b:
            break
        out += b
except OSError:
    pass
sys.stdout.write(out.decode("latin-1"))
PY
)
	STATUS=$(sed -n '1s/^HTTP\/1\.1 \([0-9]*\).*/\1/p' <<<"$OUT" | tr -d '\r')
	OUT=$(sed '1,/^\r*$/d' <<<"$OUT")
}

# is_json_error STATUS WORD CONTEXT: the answer is that status with a JSON body naming WORD.
is_json_error() {
	expect_status "$1" "$3"
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["status"]==int(sys.argv[2]), d' \
		"$OUT" "$1" 2>/dev/null && ok || fail "$3: not a JSON error body: $OUT"
	grep -qF -- "$2" <<<"$OUT" && ok || fail "$3: the message does not name '$2': $OUT"
}

# Client mistakes: 4xx in JSON naming the parameter, never 500.
long=$(head -c 5000 /dev/zero | tr '\0' a)
curl_sim "/rest/v1/quarantine?subject=$long"
is_json_error 400 subject "a value over 4096 bytes"
word=$(head -c 2000 /dev/zero | tr '\0' w)
curl_sim "/rest/v1/pss/filter?subject=$word"
expect_status 200 "a 2,000-byte subject word is a valid (if hopeless) query"
curl_sim "/rest/v1/quarantine?subject=%FF%FE"
is_json_error 400 subject "invalid UTF-8 in a value"
curl_sim "/rest/v1/pss/filter?env_from=%C3"
is_json_error 400 env_from "a truncated UTF-8 sequence"
curl_sim "/rest/v1/quarantine?subject=a%00b"
is_json_error 400 subject "NUL in a value"
curl_sim -X DELETE "/rest/v1/enduser/demo.user%00@attacker.example"
is_json_error 400 NUL "NUL in a path"
curl_sim "/rest/v1/enduser/demo.user@example.com"
expect_status 200 "the user the NUL path aimed at is still there"
curl_sim "/rest/v1/enduser/%FF"
is_json_error 400 UTF-8 "invalid UTF-8 in a path"
many=$(for i in $(seq 1 600); do printf 'p%d=1&' "$i"; done)
curl_sim "/rest/v1/quarantine?subject=x&$many"
is_json_error 400 "too many query parameters" "600 parameters"

# Framing: CL+TE together refused; a Content-Length past the limit refused before the body.
raw 'POST /rest/v1/quarantine HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
is_json_error 400 "Transfer-Encoding" "CL+TE"
raw 'POST /rest/v1/quarantine HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n'
is_json_error 413 "larger than" "a huge Content-Length"

# Limits libmicrohttpd would answer in HTML come first from pps-sim, in JSON.
raw "GET /rest/v1/$(head -c 20000 /dev/zero | tr '\0' a) HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"
is_json_error 414 "target" "a 20 KB URL"
raw "GET /rest/v1/pss/health HTTP/1.1\\r\\nHost: x\\r\\nX-Big: $(head -c 40000 /dev/zero | tr '\0' b)\\r\\n\\r\\n"
is_json_error 431 "headers" "40 KB of headers"

# A second pps-sim on the same state dir is refused with a clear error, and the first serves on.
run "$PPS_SIM" --listen 127.0.0.1:0 --state-dir "$STATE" --no-tls
expect_rc 1 "second process:"
expect_err_has "is in use by another pps-sim (pid $SIM_PID)" "second process:"
curl_sim /rest/v1/pss/health
expect_status 200 "the first process after the refusal"

# Slowloris: 1,100 connections trickling a header from 127.0.0.2 (no per-address cap here: the
# deadline alone is tested; t_sim_seams tests the cap).
python3 - "${HOSTPORT%:*}" "${HOSTPORT#*:}" "$T_DIR/slow.ready" "$T_DIR/slow.stop" \
	>"$T_DIR/slow.out" 2>&1 <<'PY' &
import os, resource, socket, sys, time
host, port, ready, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
socks, opened, cut = [], 0, 0
for i in range(1100):
    try:
        s = socket.create_connection((host, port), timeout=5, source_address=("127.0.0.2", 0))
        s.sendall(b"GET /rest/v1/pss/health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
        opened += 1
    except OSError:
        pass
open(ready, "w").write(str(opened))
deadline = time.time() + 20
while time.time() < deadline and not os.path.exists(stop):
    for s in socks:
        try:
            s.send(b"X")
        except OSError:
            pass
    time.sleep(0.5)
for s in socks:
    try:
        s.settimeout(0.01)
        if s.recv(1) == b"":
            cut += 1
    except socket.timeout:
        pass
    except OSError:
        cut += 1
print(f"opened={opened} cut={cut}")
PY
SLOW=$!
for _ in $(seq 1 200); do [ -s "$T_DIR/slow.ready" ] && break; sleep 0.1; done
expect_eq "$(cat "$T_DIR/slow.ready" 2>/dev/null)" 1100 "slowloris connections opened"
for i in 1 2 3 4 5; do
	STATUS=$(curl -sS -m 5 -u "$PW" -o /dev/null -w '%{http_code}' "$SIM_URL/rest/v1/pss/health")
	expect_status 200 "honest request $i with 1,100 slow connections open"
	sleep 0.5
done
# The deadline (3 s here) cuts the slow connections however often they send a byte.
sleep 3
touch "$T_DIR/slow.stop"
wait "$SLOW"
cut=$(sed -n 's/.*cut=\([0-9]*\).*/\1/p' "$T_DIR/slow.out")
[ "${cut:-0}" -ge 1000 ] && ok || fail "the deadline cut only ${cut:-0} of 1,100 slow connections: $(cat "$T_DIR/slow.out")"
curl_sim /rest/v1/pss/health
expect_status 200 "after the slowloris"

# Failed logins: past --login-throttle 3 for an account, each 401 is delayed (loose bound).
for i in 1 2 3; do CURL_USER=admin:wrong curl_sim /rest/v1/pss/health; done
expect_status 401 "a wrong password"
t0=$(date +%s%N)
CURL_USER=admin:wrong curl_sim /rest/v1/pss/health
t1=$(date +%s%N)
expect_status 401 "the 4th wrong password"
[ $(((t1 - t0) / 1000000)) -ge 200 ] && ok || fail "the 4th failure was not delayed: $(((t1 - t0) / 1000000)) ms"
curl_sim /rest/v1/pss/health
expect_status 200 "the right password is never delayed"
# Past the limit, checks from one address for one account are spaced (250 ms, doubling): of a
# burst of 20 guesses side by side, at most a few are checked, the rest get 429 unchecked.
for i in 1 2 3; do CURL_USER=admin:wrong curl_sim /rest/v1/pss/health; done
pids=()
for i in $(seq 1 20); do
	curl -sS -o /dev/null -D "$T_DIR/head.$i" -w '%{http_code}\n' -u admin:wrong \
		"$SIM_URL/rest/v1/pss/health" >"$T_DIR/burst.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
checked=$(cat "$T_DIR"/burst.* | grep -c 401)
[ "$checked" -le 3 ] && ok || fail "$checked of 20 guesses side by side were checked"
expect_eq "$(cat "$T_DIR"/burst.* | grep -c 429)" "$((20 - checked))" "the other guesses: 429"
grep -qi '^Retry-After: [0-9]' "$T_DIR"/head.* && ok || fail "no Retry-After in a 429"
curl_sim --interface 127.0.0.3 /rest/v1/pss/health
expect_status 200 "the right password from another address"

# -v lines cannot be forged or coloured: control characters in the target are escaped.
raw 'GET /rest/v1/no\x1b[31mwhere\rGET /forged HTTP/1.1\r\nHost: x\r\n\r\n'
grep -q '^GET /forged' "$SIM_LOG" && fail "a request forged a -v line" || ok
grep -q $'\x1b' "$SIM_LOG" && fail "an escape character reached the -v log" || ok
grep -qF 'no\x1b[31mwhere' "$SIM_LOG" && ok || fail "the -v line of the request is missing: $(tail -3 "$SIM_LOG")"

done_testing
