# pps --jq EXPR (libjq): each record of ndjson and the other streaming formats through the
# filter, one result a line; -o json: the whole document (the records' array); -r raw strings;
# a bad expression is a usage error naming jq's message; a run-time error exits 1.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json" || exit 1
WIN=(start_time=2020-01-01T00:00:00Z end_time=2021-01-01T00:00:00Z)

pps_admin -o ndjson smart-search "${WIN[@]}"
expect_rc 0 "plain ndjson"
want_guids=$(jq -r .GUID <<<"$OUT")
n=$(wc -l <<<"$want_guids")
[ "$n" -ge 3 ] && ok || fail "the fixture gives at least 3 records in the window, got $n"
want_senders=$(jq -sc '[.[].Sender] | unique' <<<"$OUT")

# ndjson: one GUID a line, jq's JSON output (a quoted string)
pps_admin --jq '.GUID' -o ndjson smart-search "${WIN[@]}"
expect_rc 0 "--jq .GUID -o ndjson"
expect_eq "$(wc -l <<<"$OUT")" "$n" "--jq .GUID: one line a record"
expect_eq "$(jq -r . <<<"$OUT")" "$want_guids" "--jq .GUID: the GUIDs as JSON strings, in order"

# -r: the text itself; the default format (a table) becomes jq's lines too
pps_admin -r --jq '.GUID' smart-search "${WIN[@]}"
expect_rc 0 "-r --jq .GUID"
expect_eq "$OUT" "$want_guids" "-r --jq .GUID: one bare GUID a line"
pps_admin --raw-output --jq '.GUID' -o csv smart-search "${WIN[@]}"
expect_eq "$OUT" "$want_guids" "--raw-output with -o csv: jq's lines, no CSV"

# -o json: one document, the filter on the records' array
pps_admin --jq '[.[] | .Sender] | unique' -o json smart-search "${WIN[@]}"
expect_rc 0 "--jq on -o json"
expect_eq "$(jq -s length <<<"$OUT")" 1 "-o json --jq: one document"
expect_eq "$OUT" "$want_senders" "-o json --jq: the unique senders"
pps_admin --jq 'length' -o json smart-search "${WIN[@]}"
expect_eq "$OUT" "$n" "-o json --jq length: the number of records"

# a filter with several results per record, and one with none
pps_admin --jq '.GUID, .Sender' -o ndjson smart-search "${WIN[@]}"
expect_eq "$(wc -l <<<"$OUT")" "$((2 * n))" "two results a record: two lines a record"
pps_admin --jq 'select(.GUID == "no such")' smart-search "${WIN[@]}"
expect_rc 0 "a filter that selects nothing"
expect_out "" "a filter that selects nothing prints nothing"

# a bad expression: exit 2 before any request, jq's message named
pps_admin --jq '.[' smart-search "${WIN[@]}"
expect_rc 2 "bad --jq expression"
expect_err_has "invalid --jq expression '.['" "the expression named"
expect_err_has "syntax error" "jq's own message"
expect_out "" "nothing on stdout for a bad expression"
run env PPS_URL=https://127.0.0.1:1 "$PPS" --jq '.GUID | nosuchfunction' smart-search
expect_rc 2 "an unknown jq function is a usage error, with no server reached"
expect_err_has "nosuchfunction" "the unknown function named"
run "$PPS" -r smart-search
expect_rc 2 "-r without --jq"

# a run-time error: said on stderr per record, exit 1, the other results kept
pps_admin --jq 'if .GUID == "'"$(head -n 1 <<<"$want_guids")"'" then error("boom") else .GUID end' \
	-r smart-search "${WIN[@]}"
expect_rc 1 "a jq run-time error exits 1"
expect_err_has "pps: --jq: boom" "jq's run-time message on stderr"
expect_eq "$(wc -l <<<"$OUT")" "$((n - 1))" "the other records still printed"

# a single object (get-user) goes through the filter as itself
pps_admin --jq '.email' -r get-user email=jane.doe@example.com
expect_rc 0 "get-user --jq"
expect_out "jane.doe@example.com" "get-user --jq .email: the user's address"
done_testing
