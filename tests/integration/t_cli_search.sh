# pps smart-search, health and test against pps-sim: every output format, names and spellings,
# empty results, bad arguments (nothing sent), the managed-module checks.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json" || exit 1
WIN=(start_time=2020-01-01T00:00:00Z end_time=2021-01-01T00:00:00Z)
REC=9rLtu31xs8H24NF8KcRw-S6EihtLK-y_

# table (default): the reference's title and columns, the recorded record
pps_admin smart-search "${WIN[@]}" recipient=user@example.com sender=root@user.example.com
expect_rc 0 "table"
expect_out_has "Proofpoint Protection Server Smart Search Results"
expect_out_has "$REC"
expect_out_has "Final_Action"
[ "$(grep -c $'\033' <<<"$OUT")" = 0 ] && ok || fail "ANSI escapes when stdout is not a terminal"

# the reference name, a pasted war-room line, --name value and --name=value give the same answer
pps_admin smart-search "${WIN[@]}" recipient=user@example.com sender=root@user.example.com
want=$OUT
pps_admin '!proofpoint-pps-smart-search' "${WIN[@]}" --recipient user@example.com --sender=root@user.example.com
expect_rc 0 "reference name"
expect_eq "$OUT" "$want" "reference name with ! and --name forms"

# markdown: the reference's HumanReadable
pps_admin -o markdown smart-search "${WIN[@]}" recipient=user@example.com sender=root@user.example.com
expect_rc 0 "markdown"
expect_eq "$(sed -n 1p <<<"$OUT")" "### Proofpoint Protection Server Smart Search Results" "markdown title"
expect_eq "$(sed -n 2p <<<"$OUT")" "|GUID|Date|Sender|Recipients|Subject|Final_Action|" "markdown header"
expect_out_has "| $REC | 2020-05-20 14:13:02 [UTC-0600] | root@user.example.com | user@example.com |"

# json: the context output, records as the server sent them
pps_admin -o json smart-search "${WIN[@]}" guid=$REC
expect_rc 0 "json"
expect_eq "$(jq -r '.Proofpoint.SmartSearch[0].GUID' <<<"$OUT")" "$REC" "json context"
expect_eq "$(jq -r '.Proofpoint.SmartSearch[0].module_rules[0]' <<<"$OUT")" "access.system" "json arrays kept"
expect_eq "$(jq -r '.Proofpoint.SmartSearch[0].Duration' <<<"$OUT")" "0.124094999905240" "json strings kept"

# ndjson: one record per line, each valid JSON
pps_admin -o ndjson smart-search "${WIN[@]}" recipient=user@example.com
expect_rc 0 "ndjson"
n=$(wc -l <<<"$OUT")
[ "$n" -ge 2 ] && ok || fail "ndjson has $n lines"
expect_eq "$(jq -c . <<<"$OUT" | wc -l)" "$n" "every ndjson line parses"

# limit goes to the server as count
pps_admin -o ndjson smart-search "${WIN[@]}" recipient=user@example.com limit=1
expect_eq "$(wc -l <<<"$OUT")" "1" "limit=1"

# csv: header then rows
pps_admin -o csv smart-search "${WIN[@]}" guid=$REC
expect_rc 0 "csv"
expect_eq "$(sed -n 1p <<<"$OUT")" 'GUID,Date,Sender,Recipients,Subject,Final_Action' "csv header (LF)"
pps_admin -o csv smart-search "${WIN[@]}" guid=$REC
[ "$(tr -cd '\r' <<<"$OUT" | wc -c)" = 0 ] && ok || fail "csv has a CR by default"
pps_admin --csv-crlf -o csv smart-search "${WIN[@]}" guid=$REC
expect_eq "$(sed -n 1p <<<"$OUT")" $'GUID,Date,Sender,Recipients,Subject,Final_Action\r' "csv header (--csv-crlf, RFC 4180)"
expect_out_has "$REC,2020-05-20 14:13:02 [UTC-0600],root@user.example.com,user@example.com,"

# raw: the server's body verbatim
pps_admin -o raw smart-search "${WIN[@]}" guid=$REC
expect_rc 0 "raw"
expect_eq "$(jq -r '.result[0].GUID' <<<"$OUT")" "$REC" "raw body"
curl_sim -G --data-urlencode "from=2020-01-01T00:00:00+0000" --data-urlencode "to=2021-01-01T00:00:00+0000" \
	--data-urlencode "guid=$REC" --data-urlencode "count=100" /rest/v1/pss/filter
expect_eq "$(jq -S . <<<"$OUT")" "$(pps_admin -o raw smart-search "${WIN[@]}" guid=$REC; jq -S . <<<"$OUT")" "raw equals curl's body"

# partial address matching reaches the server as given
pps_admin -o ndjson smart-search "${WIN[@]}" 'sender=*@user.example.com'
expect_out_has "$REC"

# nothing found: the reference's message, success
pps_admin smart-search "${WIN[@]}" recipient=nobody@nowhere.invalid
expect_rc 0 "empty"
expect_out "No results found."
pps_admin -o json smart-search "${WIN[@]}" recipient=nobody@nowhere.invalid
expect_eq "$(jq -c . <<<"$OUT")" '{"Proofpoint":{"SmartSearch":[]}}' "empty json"

# bad arguments: usage error naming the argument, exit 2
pps_admin smart-search 'start_time=24 horus'
expect_rc 2 "bad start_time"
expect_err "pps: invalid start_time '24 horus': unknown unit 'horus'; did you mean 'hours'?"
pps_admin smart-search end_time=yesterdayish
expect_rc 2 "bad end_time"
expect_err_has "invalid end_time 'yesterdayish'"
pps_admin smart-search action=deliver
expect_rc 2 "bad action"
expect_err_has "expected one of accept, continue, discard, redirect, reject, retry"
pps_admin smart-search colour=red
expect_rc 2 "unknown argument"
expect_err_has "unknown argument 'colour'"
pps_admin smart-searches
expect_rc 2 "unknown command"
expect_err_has "unknown command 'smart-searches'"

# --dry-run sends nothing and needs no server: the request as it would go (relative without a URL)
run "$PPS" --dry-run smart-search start_time=2021-02-08T08:12:30-05:00 action=accept
expect_rc 0 "dry-run"
expect_out 'GET /rest/v1/pss/filter?action=accept&from=2021-02-08T08%3A12%3A30-0500&count=100'

# health and test
pps_admin -o json health
expect_rc 0 "health"
jq -e '.Proofpoint.Health' <<<"$OUT" >/dev/null && ok || fail "health json"
pps_admin test
expect_rc 0 "test admin"
expect_out "ok"
pps_as pssonly pssonly-pass test
expect_rc 3 "test pssonly"
expect_err_has "'Quarantine', 'enduser'"
expect_out ""
pps_as quaronly quaronly-pass test
expect_rc 3 "test quaronly"
expect_err_has "'pss', 'enduser'"
pps_as noenduser noenduser-pass test
expect_rc 3 "test noenduser"
expect_err "pps: permission denied (403): the account's API role lacks the managed module 'enduser'; add it under Managed Modules of the role"

# a command on a missing module: exit 3, the module named
pps_as quaronly quaronly-pass smart-search "${WIN[@]}"
expect_rc 3 "quaronly smart-search"
expect_err_has "lacks the managed module 'pss'"
[ "$(wc -l <<<"$ERR")" = 1 ] && ok || fail "one line on stderr"

# bad credentials: exit 3
pps_as admin wrong-pass test
expect_rc 3 "bad password"
expect_err_has "authentication failed (401)"
expect_err_lacks "wrong-pass"

done_testing
