# pps-sim's request log: GET /rest/v1/sim/requests shows each request with its raw query and
# body as sent (since_id, limit), DELETE clears it, --request-log 0 turns it off, and no
# secret (Authorization, a password parameter or body key) ever appears in it.
. "$(dirname "$0")/lib.sh"

PW=admin:admin-pass
jq_out() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

sim_start --fixture "$FIXTURES/basic.json" --request-log 50

# Exact bytes: the raw query (both space forms, escapes, order) and the body as sent.
curl_sim "/rest/v1/pss/filter?from=2020-01-01T00%3A00%3A00-0500&subject=hello+world%20x&count=5&env_from=a%2Bb*"
curl_sim -X POST -H 'Content-Type: application/json' -d '{"action":"move", "folder":"Quarantine","localguid":"6:6:239","targetfolder":"Quarantine"}' /rest/v1/quarantine
curl_sim -X PUT -d '{"firstname":"Ann"}' /rest/v1/enduser/demo.user@example.com
curl_sim /rest/v1/sim/requests
expect_status 200 "read the log"
expect_eq "$(jq_out 'len(d["records"])')" 3 "three requests so far (reads of the log are not logged)"
expect_eq "$(jq_out 'd["records"][0]["query"]')" "from=2020-01-01T00%3A00%3A00-0500&subject=hello+world%20x&count=5&env_from=a%2Bb*" "raw query"
expect_eq "$(jq_out 'd["records"][0]["body"]')" None "no body is null"
expect_eq "$(jq_out 'd["records"][0]["path"]')" /rest/v1/pss/filter "path"
expect_eq "$(jq_out 'd["records"][0]["account"]')" admin "account"
expect_eq "$(jq_out 'd["records"][1]["method"]')" POST "method"
expect_eq "$(jq_out 'd["records"][1]["query"]')" None "no query string is null"
expect_eq "$(jq_out 'd["records"][1]["body"]')" '{"action":"move", "folder":"Quarantine","localguid":"6:6:239","targetfolder":"Quarantine"}' "body as sent"
expect_eq "$(jq_out 'd["records"][1]["status"]')" 200 "status"
expect_eq "$(jq_out 'd["records"][2]["path"]')" /rest/v1/enduser/demo.user@example.com "enduser path"
expect_eq "$(jq_out 'sorted(d["records"][0].keys())')" "['account', 'body', 'id', 'method', 'path', 'query', 'status', 'time']" "entry fields"
last=$(jq_out 'd["records"][-1]["id"]')

# Every route of the client as pps sends it, seen by the emulator.
pps_admin smart-search sender=john@doe.com start_time="2020-01-01T00:00:00Z"
pps_admin quarantine-messages-list sender=john@doe.com folder_name=Quarantine start_time="2020-01-01T00:00:00Z"
pps_admin get-user email=demo.user@example.com
pps_admin create-user email=new.user@example.com fields='{"firstname":"New"}'
pps_admin delete-user email=new.user@example.com
pps_admin quarantine-message-release folder_name=Quarantine local_guid=6:6:239
curl_sim "/rest/v1/sim/requests?since_id=$last"
expect_eq "$(jq_out '" ".join(r["method"] + ":" + r["path"] for r in d["records"])')" \
	"GET:/rest/v1/pss/filter GET:/rest/v1/quarantine GET:/rest/v1/enduser/demo.user@example.com POST:/rest/v1/enduser/new.user@example.com DELETE:/rest/v1/enduser/new.user@example.com POST:/rest/v1/quarantine" \
	"each pps command's request, in order, only those after since_id"
grep -q 'env_from=john%40doe.com' <<<"$OUT" && ok || fail "the Smart Search query: $OUT"
grep -q '\\"action\\":\\"release\\"' <<<"$OUT" && ok || fail "the release body: $OUT"
curl_sim "/rest/v1/sim/requests?limit=2"
expect_eq "$(jq_out 'len(d["records"])')" 2 "limit keeps the newest"
expect_eq "$(jq_out 'd["records"][1]["path"]')" /rest/v1/quarantine "limit keeps the newest"

# Failures are logged too, unauthenticated ones without an account.
CURL_USER=admin:wrong curl_sim "/rest/v1/pss/health?password=hunter2&x=1"
curl_sim -X POST -d '{"password":"hunter2","firstname":"P"}' /rest/v1/enduser/p@example.com
curl_sim /rest/v1/sim/requests
expect_eq "$(jq_out 'd["records"][-2]["status"]')" 401 "a 401 is logged"
expect_eq "$(jq_out 'd["records"][-2]["account"]')" None "without an account"
expect_eq "$(jq_out 'd["records"][-2]["query"]')" "password=(redacted)&x=1" "a password parameter is redacted"
expect_out_lacks hunter2 "no password value in the log"
expect_out_lacks admin-pass "no password of the client in the log"
expect_out_lacks "$(printf %s "$PW" | base64)" "no Authorization header in the log"
expect_out_lacks "admin:wrong" "no credentials in the log"

# The log keeps the last N; DELETE empties it; ids keep counting.
for i in $(seq 1 60); do curl -sS -o /dev/null -u "$PW" --cacert "$SIM_CACERT" "$SIM_URL/rest/v1/pss/health?i=$i"; done
curl_sim /rest/v1/sim/requests
expect_eq "$(jq_out 'len(d["records"])')" 50 "--request-log 50 keeps 50"
expect_eq "$(jq_out 'd["records"][-1]["query"]')" "i=60" "the newest is kept"
top=$(jq_out 'd["records"][-1]["id"]')
curl_sim -X DELETE /rest/v1/sim/requests
expect_status 200 "clear"
expect_out '{"deleted":50}'
curl_sim /rest/v1/sim/requests
expect_eq "$(jq_out '[r["method"] for r in d["records"]]')" "['DELETE']" "only the DELETE is left"
expect_eq "$(jq_out 'd["records"][0]["id"] > '"$top")" True "ids keep counting after a clear"
CURL_USER=pssonly:pssonly-pass curl_sim /rest/v1/sim/requests
expect_status 403 "the log needs an administrator"
curl_sim "/rest/v1/sim/requests?since_id=x"
expect_status 400 "a bad since_id"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --request-log 0
curl_sim /rest/v1/sim/requests
expect_status 404 "--request-log 0"
expect_out_has "request log is off"

done_testing
