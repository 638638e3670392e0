#!/usr/bin/env bash
# pps-sim's API over HTTPS with curl against the shared fixture: Smart Search matching rules,
# quarantine search, download and actions (all or nothing), the outbox, end users, restart.
. "$(dirname "$0")/lib.sh"

state="$T_DIR/state"
sim_start --state-dir "$state" --fixture "$FIXTURES/basic.json" || exit 1

# filter QUERY-ARGS...: GET /pss/filter with url-encoded args; GUIDS = the result's GUIDs.
filter() {
	local a args=()
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	curl_sim -G "${args[@]}" /rest/v1/pss/filter
	GUIDS=$(jq -r '[.result[].GUID] | join(",")' <<<"$OUT" 2>/dev/null)
	SENDERS=$(jq -r '[.result[].Sender] | join(",")' <<<"$OUT" 2>/dev/null)
	RCPTS=$(jq -r '[.result[].Recipients] | join(",")' <<<"$OUT" 2>/dev/null)
}

D11=(from=2020-05-11T00:00:00Z to=2020-05-12T00:00:00Z)
D12=(from=2020-05-12T00:00:00Z to=2020-05-13T00:00:00Z)

# Every partial-match example of the seed finds a.b@c.d.
for p in a.b 'a.b*' a.b@ 'a.b@*' '*@c.d' @c.d 'a.*@' 'a*@' '@*.d' '@*d'; do
	filter "${D11[@]}" "env_from=$p"
	expect_eq "$SENDERS" "a.b@c.d" "env_from=$p"
	filter "${D12[@]}" "env_rcpt=$p"
	expect_eq "$RCPTS" "a.b@c.d" "env_rcpt=$p"
done
filter "${D11[@]}" 'env_from=*example*'
expect_eq "$SENDERS" "user@example.org,user@example.com,example@abc.com,user.example@abc.com,example.user@abc.com" "*example* senders"
filter "${D11[@]}" 'env_from=@*example*'
expect_eq "$SENDERS" "user@example.org,user@example.com" "@*example* senders"
filter "${D11[@]}" 'env_from=@'
expect_status 200
expect_eq "$GUIDS" "" "a lone @ finds nothing"
filter "${D12[@]}" 'env_rcpt=second@multi.test'
expect_eq "$GUIDS" "3bDK7Q1I7iweRaFgCUrw1M9zO-wfYMFG" "any recipient matches"

# Subject analysis: stop words dropped, stems matched.
filter from=2020-05-13T00:00:00Z to=2020-05-14T00:00:00Z 'subject=party'
expect_eq "$GUIDS" "0tF6KO_tTpF_w_K2xEDjJ-uCo1cWIpve,z27qF_9fj65O3hhQEV2olqKFu8TgPiOG" "subject party"
filter from=2020-05-13T00:00:00Z to=2020-05-14T00:00:00Z "subject=I'm going to a party"
expect_eq "$GUIDS" "z27qF_9fj65O3hhQEV2olqKFu8TgPiOG" "subject with stop words"

# virus, attachments, host, action, guid, count.
filter from=2020-05-14T00:00:00Z to=2020-05-15T00:00:00Z 'virus=eicar*'
expect_eq "$GUIDS" "YOlJuuZTs9WvK7mOWBkraAXdCxPMAedS" "virus"
filter from=2020-05-14T00:00:00Z to=2020-05-15T00:00:00Z 'attach=*.zip'
expect_eq "$GUIDS" "WFgERIBgS-8WkbnMMpmKC6mBCGfsJQNZ" "attach"
filter from=2020-05-15T00:00:00Z to=2020-05-16T00:00:00Z 'host=198.51.100.7'
expect_eq "$GUIDS" "er6R2hOAq3eflLz5D5QcrY7Tg7ycScTN" "host by ip"
filter from=2020-05-16T00:00:00Z to=2020-05-17T00:00:00Z 'action=redirect'
expect_eq "$GUIDS" "0uwMMNDYGTbwLPFlRoYhNUC4SKOH6GUK" "action"
filter from=2020-05-16T00:00:00Z to=2020-05-17T00:00:00Z count=2
expect_eq "$GUIDS" "3C5VtFquTQJ-97Z9pyxyLJ8bZHXIVadZ,1eA7CNTHINIzE3YR7c2c2hzIqvEaPjcs" "count, newest first"
filter from=2020-05-01T00:00:00Z guid=9rLtu31xs8H24NF8KcRw-S6EihtLK-y_
expect_eq "$(jq -r '.result[0].Date' <<<"$OUT")" "2020-05-20 14:13:02 [UTC-0600]" "recorded Date"
expect_eq "$(jq -r '.result[0] | length' <<<"$OUT")" "44" "all fields"
# from inclusive, to exclusive; an unescaped '+' arrives as a space
curl_sim '/rest/v1/pss/filter?from=2020-05-11T13:15:00+0500&to=2020-05-11T13:15:01%2B05:00'
expect_eq "$(jq -r '[.result[].Sender] | join(",")' <<<"$OUT")" "a.b@c.d" "unescaped + offset"
filter from=2020-05-11T08:15:00Z to=2020-05-11T09:15:00Z
expect_eq "$SENDERS" "a.b@c.d" "bounds"
for bad in count=0 count=x action=bounce from=yesterday to=2020-02-30T00:00:00Z; do
	filter "$bad"
	expect_status 400 "$bad"
	expect_eq "$(jq -r '.status' <<<"$OUT")" "400" "$bad JSON error"
done

# Quarantine search.
curl_sim -G --data-urlencode from=john@doe.com --data-urlencode 'startdate=2020-01-01 00:00:00' \
	--data-urlencode 'enddate=2020-02-01 00:00:00' --data-urlencode messagestatus=t \
	--data-urlencode dlpviolation=details /rest/v1/quarantine
expect_status 200
expect_eq "$(jq -c '[.count, [.records[].localguid], .meta.limit]' <<<"$OUT")" '[2,["6:6:4","6:6:239"],100]' "search"
expect_eq "$(jq -r '.records[1].size + "/" + .records[1].spamscore + "/" + .records[1].messagestatus[0].statusdesc' <<<"$OUT")" "6496/100/New" "record fields"
curl_sim -G --data-urlencode 'subject=*loan*' /rest/v1/quarantine
expect_eq "$(jq -c '[.records[].localguid]' <<<"$OUT")" '["6:6:300","6:6:4","6:6:239"]' "subject contains"
curl_sim -G --data-urlencode folder=Quarantine /rest/v1/quarantine
expect_status 400
expect_eq "$(jq -r .message <<<"$OUT")" "At least one of the following parameters must be specified: from, rcpt, subject"
curl_sim -G --data-urlencode subject=x --data-urlencode limit=0 /rest/v1/quarantine
expect_status 400 "limit=0"
curl_sim -G --data-urlencode subject=x --data-urlencode folder=Nope /rest/v1/quarantine
expect_status 400 "unknown folder"

# Raw download, byte-exact, whatever the folder says.
curl_sim -G --data-urlencode guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua --data-urlencode folder=Spam /rest/v1/quarantine
expect_status 200
expect_eq "$(curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/quarantine?guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua" | sha256sum | cut -c1-64)" \
	"$(jq -j '.quarantine[] | select(.localguid == "4:2:6") | .raw' "$FIXTURES/basic.json" | sha256sum | cut -c1-64)" "raw bytes"
curl_sim /rest/v1/quarantine?guid=nope
expect_status 404
expect_eq "$(jq -r .message <<<"$OUT")" "No message found"

# post BODY: POST /quarantine
post() { curl_sim -X POST -H 'Content-Type: application/json' --data-binary "$1" /rest/v1/quarantine; }
outbox_size() { curl_sim /rest/v1/sim/outbox; jq '.records | length' <<<"$OUT"; }

# Refusals change nothing, also with one bad GUID among good ones.
post '{"action":"delete","folder":"Quarantine","localguid":"6:6:4,9:9:9"}'
expect_status 400
expect_eq "$OUT" "Invalid argument: localguid"
post '{"action":"move","folder":"Quarantine","localguid":"6:6:4","targetfolder":"HIPAA"}'
expect_eq "$STATUS $OUT" "400 Invalid argument: targetfolder"
post '{"action":"delete","folder":"HIPAA","localguid":"4:2:6","deletedfolder":"Deleted"}'
expect_eq "$STATUS $OUT" "400 Invalid argument: deletedfolder"
post '{"action":"forward","folder":"Quarantine","localguid":"6:6:4"}'
expect_eq "$STATUS $OUT" "400 Invalid argument: to"
post '{"action":"explode","folder":"Quarantine","localguid":"6:6:4"}'
expect_eq "$STATUS $OUT" "400 Invalid argument: action"
post '{"action":"delete","folder":"Nope","localguid":"6:6:4"}'
expect_eq "$STATUS $OUT" "400 Invalid argument: folder"
post 'not json'
expect_status 400 "bad JSON"
expect_eq "$(jq -r .status <<<"$OUT")" "400" "bad JSON is a JSON error"
expect_eq "$(outbox_size)" "0" "nothing sent by refusals"

# The actions.
post '{"action":"release","folder":"Quarantine","localguid":"6:6:239","scan":"f","deletedfolder":null}'
expect_eq "$STATUS $OUT" "202 Request sent. Message 6:6:239 will be released momentarily"
post '{"action":"forward","folder":"Quarantine","localguid":"6:6:4","to":"a@x.test,b@x.test","subject":"FW:","appendoldsubject":"t","deletedfolder":"Deleted"}'
expect_eq "$STATUS $OUT" "202 Request sent. Message 6:6:4 will be forwarded momentarily"
post '{"action":"resubmit","folder":"Quarantine","localguid":"6:6:300"}'
expect_eq "$STATUS $OUT" "202 Request sent. Message 6:6:300 will be resubmitted momentarily"
post '{"action":"move","folder":"HIPAA","localguid":"4:2:6,4:2:7","targetfolder":"PCI"}'
expect_eq "$STATUS $OUT" '200 {"status":"Successfully moved message 4:2:6,4:2:7"}'
post '{"action":"delete","folder":"Phish","localguid":"2:1:31"}'
expect_eq "$STATUS $OUT" '200 {"status":"Successfully deleted message 2:1:31"}'
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq -c '[.records[] | [.id, .action, .localguid]]' <<<"$OUT")" \
	'[[1,"release","6:6:239"],[2,"forward","6:6:4"],[3,"resubmit","6:6:300"]]' "outbox"
expect_eq "$(jq -c '.records[1] | [.to, .subject]' <<<"$OUT")" '[["a@x.test","b@x.test"],"FW: Loan"]' "forward entry"
curl_sim -G --data-urlencode 'subject=*' --data-urlencode folder=Deleted /rest/v1/quarantine
expect_eq "$(jq -c '[.records[].localguid]' <<<"$OUT")" '["6:6:4"]' "forward moved to deletedfolder"
filter from=2020-01-01T00:00:00Z env_from=john@doe.com
expect_eq "$(jq -c '[.result[] | .Module_ID] | length' <<<"$OUT")" "2" "sent messages in Smart Search"

# End users.
eu() { curl_sim -X "$1" -H 'Content-Type: application/json' ${2:+--data-binary "$2"} "/rest/v1/enduser/$3"; }
eu GET "" Demo.User@Example.com
expect_eq "$STATUS $(jq -r .uid <<<"$OUT")" "200 demo.user" "get by email"
eu POST '{"firstname":"New","addgroup":"ops"}' new.user@example.com
expect_eq "$STATUS $(jq -c '[.uid, .groups, .creationsource]' <<<"$OUT")" '200 ["new.user",["ops"],"api"]' "create"
eu POST '{}' new.user@example.com
expect_eq "$STATUS $OUT" '400 {"status":400,"errors":{"invalidarguments":[{"error":"User already exists"}]}}'
eu POST '{"favourite":"x"}' other@example.com
expect_status 400 "unknown field"
eu PUT '{"lastname":"User","blocklist":["spam@x.test"]}' new.user
expect_eq "$STATUS $(jq -c '[.firstname, .lastname, .blocklist]' <<<"$OUT")" '200 ["New","User",["spam@x.test"]]' "modify"
eu DELETE "" new.user@example.com
expect_eq "$STATUS $OUT" '200 {"status":200,"message":"User deleted"}'
eu DELETE "" new.user@example.com
expect_eq "$STATUS $OUT" '404 {"status":404,"errors":{"invalidarguments":[{"error":"User not found"}]}}'

# The state survives a restart.
sim_stop
sim_start --state-dir "$state" || exit 1
expect_eq "$(outbox_size)" "3" "outbox after restart"
curl_sim -G --data-urlencode 'subject=*' --data-urlencode folder=PCI /rest/v1/quarantine
expect_eq "$(jq -c '[.records[].localguid] | sort' <<<"$OUT")" '["4:2:6","4:2:7","5:3:12"]' "moves after restart"

# A kill -9 right after an action loses nothing that was answered, and corrupts nothing.
post '{"action":"move","folder":"PCI","localguid":"4:2:7","targetfolder":"Deleted Incidents"}'
expect_status 200 "move before kill"
kill -9 "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
SIM_PID=
sim_start --state-dir "$state" || exit 1
curl_sim -G --data-urlencode 'subject=*' --data-urlencode 'folder=Deleted Incidents' /rest/v1/quarantine
expect_eq "$(jq -c '[.records[].localguid]' <<<"$OUT")" '["4:2:7"]' "move survives kill -9"
expect_eq "$(sqlite3 "$state/pps-sim.db" 'PRAGMA integrity_check' 2>/dev/null || echo ok)" "ok" "integrity"

done_testing
