# pps stays bounded against a hostile or broken server (helpers/flood_server.py): far more
# records than asked for, in every format; an endless download; a 63 MiB string; a Retry-After
# of 3 minutes; a bare status line; 200,000 response headers. Peak RSS is measured (GNU time)
# and must stay under 64 MiB. Also: secrets of --url and --proxy never reach stderr, and a
# --password-file that is a FIFO is refused at once.
# ctest: slow
. "$(dirname "$0")/lib.sh"

LIMIT_KB=$((64 * 1024))
# Under AddressSanitizer freed memory waits in a quarantine of 256 MiB before reuse: kept small
# here, so that the peak measures what pps holds, not what ASan keeps back.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
export PPS_USERNAME=admin PPS_PASSWORD=admin-pass
SRV_PID=

# serve MODE [ARG]: (re)starts the hostile server; sets SRV_URL.
serve() {
	local i port=
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	python3 "$PPS_SOURCE_DIR/tests/integration/helpers/flood_server.py" "$@" >"$T_DIR/srv" &
	SRV_PID=$!
	SIM_PIDS+=("$SRV_PID")
	for i in $(seq 1 100); do
		port=$(sed -n 's/^port //p' "$T_DIR/srv")
		[ -n "$port" ] && break
		sleep 0.05
	done
	SRV_URL=http://127.0.0.1:$port
}

# peak SECONDS ARGS...: runs pps with ARGS against the server, stdout into $T_DIR/out; sets RC,
# ERR (the http:// warning left out), PEAK_KB (peak RSS) and SECS. Killed past 4x the RSS limit
# or after SECONDS, so that a defect fails the test without taking the machine's memory.
peak() {
	local secs=$1 start wpid pid= hwm i
	shift
	start=$(date +%s%N)
	/usr/bin/time -o "$T_DIR/time" -f '%M' "$PPS" --url "$SRV_URL" "$@" >"$T_DIR/out" 2>"$T_DIR/err" &
	wpid=$!
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$wpid" 2>/dev/null || break
		[ -n "$pid" ] || pid=$(pgrep -P "$wpid" | head -1)
		hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		if [ -n "$hwm" ] && [ "$hwm" -gt $((4 * LIMIT_KB)) ]; then
			kill -9 "$pid"
			break
		fi
		sleep 0.05
	done
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	wait "$wpid"
	RC=$?
	SECS=$((($(date +%s%N) - start) / 1000000000))
	PEAK_KB=$(tail -1 "$T_DIR/time")
	ERR=$(grep -v 'warning: the URL is http://' "$T_DIR/err")
	OUT=
}

expect_bounded() {
	[ "${PEAK_KB:-0}" -gt 0 ] 2>/dev/null && [ "$PEAK_KB" -lt "$LIMIT_KB" ] && ok ||
		fail "$1: peak RSS ${PEAK_KB:-?} KiB, limit $LIMIT_KB KiB"
}

WIN=(start_time=2024-01-01T00:00:00Z end_time=2024-01-02T00:00:00Z)

# 5,000,000 records to a request for 10,000: every format stops at the 10,001st, bounded
serve flood 5000000
for fmt in table wide markdown json ndjson csv raw; do
	peak 60 -o $fmt smart-search "${WIN[@]}" limit=10000
	expect_rc 7 "-o $fmt flood"
	expect_err_has "the server sent more than the 10000 records asked for" "-o $fmt flood"
	expect_bounded "-o $fmt flood"
	echo "# -o $fmt: peak ${PEAK_KB} KiB, ${SECS} s"
done
# the records asked for are printed before the error; a table is one table (one header)
peak 60 -o ndjson smart-search "${WIN[@]}" limit=10000
expect_eq "$(wc -l <"$T_DIR/out")" 10000 "ndjson lines before the error"
peak 60 smart-search "${WIN[@]}" limit=10000
expect_eq "$(grep -c '^GUID' "$T_DIR/out")" 1 "the table's header, once"
expect_eq "$(grep -c '^g0' "$T_DIR/out")" 10000 "the table's rows"
expect_eq "$(awk 'NR > 3 { print index($0, "accept") }' "$T_DIR/out" | sort -u | wc -l)" 1 "the table's rows are aligned"
peak 60 quarantine-messages-list "${WIN[@]}" subject=x limit=10000
expect_rc 7 "quarantine flood"
expect_err_has "more than the 10000 records asked for" "quarantine flood"
expect_bounded "quarantine flood"
# a pipe into a table: the rows stream out in windows, not all at the end
serve flood 5000
peak 60 smart-search "${WIN[@]}" limit=5000
expect_rc 0 "a table of 5,000 rows"
expect_eq "$(wc -l <"$T_DIR/out")" 5003 "a table of 5,000 rows: title, header, rule, rows"

# an endless download: stopped at --max-download, named, nothing saved; bounded
serve endless
mkdir -p "$T_DIR/dl"
peak 60 --max-download 48M quarantine-message-download guid=endless out="$T_DIR/dl"
expect_rc 7 "endless download"
expect_err_has "larger than --max-download (50331648 bytes): nothing was saved" "endless download"
expect_bounded "endless download"
echo "# endless download: peak ${PEAK_KB} KiB, ${SECS} s"
expect_eq "$(ls -A "$T_DIR/dl")" "" "nothing (not even a temporary file) left by the download"
peak 60 --max-download 48M quarantine-message-download guid=endless out=-
expect_rc 7 "endless download to stdout"
expect_eq "$(wc -c <"$T_DIR/out")" 0 "nothing half-written on stdout"
expect_bounded "endless download to stdout"
peak 60 --max-download 8M quarantine-messages-list guid=endless
expect_rc 7 "endless guid="
expect_err_has "larger than --max-download (8388608 bytes)" "endless guid="
# an endless answer to a lookup of one object: stopped at its 16 MiB cap
for cmd in health "get-user email=a@example.com"; do
	read -ra words <<<"$cmd"
	peak 60 "${words[@]}"
	expect_rc 7 "endless $cmd"
	expect_err_has "response body is larger than 16 MiB" "endless $cmd"
	expect_bounded "endless $cmd"
done
run "$PPS" --max-download 12X test
expect_rc 2 "a bad --max-download"

# a 63 MiB string: refused at the 16 MiB cap of one value, named, bounded
serve string $((63 << 20))
for fmt in table ndjson; do
	peak 60 -o $fmt smart-search "${WIN[@]}"
	expect_rc 7 "-o $fmt 63 MiB string"
	expect_err_has "response holds a string longer than 16 MiB (the cap)" "-o $fmt 63 MiB string"
	expect_bounded "-o $fmt 63 MiB string"
	echo "# -o $fmt 63 MiB string: peak ${PEAK_KB} KiB, ${SECS} s"
done
# a 15 MiB string is read whole
serve string $((15 << 20))
peak 60 -o ndjson smart-search "${WIN[@]}"
expect_rc 0 "a 15 MiB string"
expect_eq "$(jq -r '.Subject | length' <"$T_DIR/out")" $((15 << 20)) "a 15 MiB string, whole"

# Retry-After: 180 with --timeout 5 is not waited for
serve retryafter 180
peak 60 --timeout 5 smart-search "${WIN[@]}"
expect_rc 5 "Retry-After 180"
expect_err_has "it asks to retry after 180 s, longer than the timeout (5 s)" "Retry-After 180"
[ "$SECS" -le 10 ] && ok || fail "Retry-After 180 with --timeout 5 took $SECS s"

# a bare status line is no answer, whatever the command
serve bare
for cmd in "get-user email=a@example.com" "smart-search ${WIN[*]}" \
	"quarantine-messages-list ${WIN[*]} subject=x" health test \
	"quarantine-message-download guid=bare out=-" "quarantine-messages-list guid=bare"; do
	read -ra words <<<"$cmd"
	peak 20 "${words[@]}"
	expect_rc 7 "bare status: $cmd"
done
peak 20 get-user email=a@example.com
expect_err_has "the server answered 200 without a profile" "bare get-user"
expect_eq "$(cat "$T_DIR/out")" "" "bare get-user prints nothing"

# 200,000 response headers: a bad response (7), not a network failure
serve headers 200000
peak 30 smart-search "${WIN[@]}"
expect_rc 7 "200,000 headers"
expect_err_has "response headers from 127.0.0.1" "200,000 headers"

# secrets of --url and --proxy never reach stderr
for url in "https://127.0.0.1:9/?password=s3cret" "https://127.0.0.1:9/#s3cret" \
	"ftp://u:s3cret@127.0.0.1/?password=s3cret" "https://h:99999/?password=s3cret"; do
	run "$PPS" --url "$url" test
	expect_rc 2 "--url $url"
	expect_err_lacks s3cret "--url $url"
done
for proxy in "http://user:s3cret@127.0.0.1:1/?token=s3cret" "socks9://user:s3cret@h/?k=s3cret" \
	"http://us er:s3cret@[bad" "user:s3cret@127.0.0.1:1"; do
	run "$PPS" --timeout 3 --retries 0 --url https://127.0.0.1:9 --proxy "$proxy" test
	expect_rc 6 "--proxy $proxy"
	expect_err_lacks s3cret "--proxy $proxy"
done
run env https_proxy="socks9://user:s3cret@h/?k=s3cret" "$PPS" --timeout 3 --retries 0 --url https://127.0.0.1:9 test
expect_err_lacks s3cret "https_proxy"

# a --password-file that is a FIFO (or a directory) is refused at once, not waited on
mkfifo "$T_DIR/fifo"
run timeout 10 env -u PPS_PASSWORD "$PPS" --url https://127.0.0.1:9 --password-file "$T_DIR/fifo" test
expect_rc 2 "password file FIFO"
expect_err_has "is not a regular file" "password file FIFO"
run timeout 10 env -u PPS_PASSWORD "$PPS" --url https://127.0.0.1:9 --password-file "$T_DIR" test
expect_rc 2 "password file directory"

done_testing
