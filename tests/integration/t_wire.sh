# The wire, curl-style: for every command and its main argument combinations
# (tests/integration/wire/cases.txt), the requests pps sends, those its --curl lines send when
# run with bash, and those --dry-run prints are each exactly the case's; never the password.
. "$(dirname "$0")/lib.sh"

H="$PPS_SOURCE_DIR/tests/integration/helpers"
run python3 "$H/wire.py" "$PPS" "$H/capture_server.py" \
	"$PPS_SOURCE_DIR/tests/integration/wire/cases.txt" "$T_DIR"
expect_rc 0 "wire cases"
[ "$RC" = 0 ] || printf '%s\n' "$OUT" >&2
expect_out_has "wire: "
done_testing
