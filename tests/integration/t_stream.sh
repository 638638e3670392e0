# Records stream: a body cut in the middle of the 3rd record prints at most the 2 before it and
# exits 7 (one line on stderr); the first NDJSON line is readable while a slow server has not
# finished the body.
. "$(dirname "$0")/lib.sh"

H="$PPS_SOURCE_DIR/tests/integration/helpers"
export PPS_USERNAME=admin PPS_PASSWORD=admin-pass
WIN=(start_time=2020-01-01T00:00:00Z)

# server MODE [ARGS...]: starts the capture server, sets PPS_URL and SRV_PID.
server() {
	local fifo="$T_DIR/port.$RANDOM" line
	mkfifo "$fifo"
	python3 "$H/capture_server.py" "$T_DIR/log" --mode "$@" >"$fifo" &
	SRV_PID=$!
	SIM_PIDS+=("$SRV_PID")
	read -r line <"$fifo"
	export PPS_URL="http://127.0.0.1:${line#port=}"
}

server cut3 --records 5
for fmt in ndjson csv markdown json table; do
	run "$PPS" --retries 0 -o $fmt smart-search "${WIN[@]}"
	expect_rc 7 "cut in the 3rd record, -o $fmt"
	# (the capture server speaks plain HTTP: its one warning line is not counted)
	expect_eq "$(grep -v 'warning: the URL is http://' <<<"$ERR" | grep -c .)" "1" "-o $fmt: one error line"
	expect_err_has "response body was cut short" "-o $fmt"
	expect_out_lacks "guid-2" "-o $fmt: the cut record"
done
run "$PPS" -o ndjson smart-search "${WIN[@]}"
expect_eq "$(grep -c . <<<"$OUT")" "2" "the 2 records before the cut, as NDJSON lines"
expect_eq "$(jq -r .GUID <<<"$OUT" | tr '\n' ' ')" "guid-0 guid-1 " "in order, whole"
run "$PPS" -o json smart-search "${WIN[@]}"
if jq -e . >/dev/null 2>&1 <<<"$OUT"; then fail "a cut body printed a complete json document"; else ok; fi
expect_eq "$(grep -c '"GUID"' <<<"$OUT")" "2" "json: the 2 records before the cut"
run "$PPS" -o table smart-search "${WIN[@]}"
expect_out "" "table: nothing of a cut body"
kill "$SRV_PID"

# A slow server: the first record is on stdout while the rest is still on its way.
server slow --records 5 --delay 4
"$PPS" -o ndjson smart-search "${WIN[@]}" >"$T_DIR/slow.out" 2>"$T_DIR/slow.err" &
PID=$!
first=
for _ in $(seq 1 30); do
	first=$(head -n1 "$T_DIR/slow.out")
	[ -n "$first" ] && break
	sleep 0.1
done
expect_eq "$(jq -r .GUID <<<"$first")" "guid-0" "first record before the body ended"
kill -0 "$PID" 2>/dev/null && ok || fail "pps had already finished: the test proves nothing"
wait "$PID"
expect_eq "$?" "0" "slow body: exit"
expect_eq "$(grep -c . "$T_DIR/slow.out")" "5" "slow body: all records"
kill "$SRV_PID"
done_testing
