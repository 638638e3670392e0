# pps-sim's Proofpoint on Demand flavour (cloud record shape, actions by GUID in both flavours),
# the live mail flow (--flow: rate within loose bounds, recent dates, kept over a restart) and
# POST /rest/v1/sim/messages.
# ctest: slow
. "$(dirname "$0")/lib.sh"

PW=admin:admin-pass
jq_out() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# On-premise: sizes and scores are strings, localguid is folder:table:dbase; a move by GUID works.
sim_start --fixture "$FIXTURES/basic.json"
curl_sim "/rest/v1/quarantine?from=john@doe.com&folder=Quarantine&messagestatus=t"
expect_status 200 "onprem search"
expect_eq "$(jq_out 'type(d["records"][0]["size"]).__name__')" str "onprem size is a string"
expect_eq "$(jq_out 'type(d["records"][0]["spamscore"]).__name__')" str "onprem spamscore is a string"
expect_eq "$(jq_out 'd["records"][0]["localguid"]')" 6:6:4 "onprem localguid"
curl_sim -X POST -d '{"action":"move","folder":"Quarantine","localguid":"lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO","targetfolder":"Quarantine"}' /rest/v1/quarantine
expect_status 200 "onprem move by GUID"
expect_out '{"status":"Successfully moved message lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO"}' "onprem move by GUID"
# One message named by its localguid and its GUID is deleted once, not refused.
curl_sim -X POST -d '{"action":"delete","folder":"Quarantine","localguid":"6:6:4,edlp0pU9YXkWB5nmat91i9HUl7J-K-ep"}' /rest/v1/quarantine
expect_status 200 "delete by localguid and GUID together"
curl_sim "/rest/v1/quarantine?guid=edlp0pU9YXkWB5nmat91i9HUl7J-K-ep"
expect_status 404 "the deleted message is gone"
curl_sim -X POST -d '{"action":"move","folder":"Quarantine","localguid":"NoSuchGuid0000000000000000000000","targetfolder":"Quarantine"}' /rest/v1/quarantine
expect_status 400 "an unknown GUID"
expect_out "Invalid argument: localguid"
sim_stop

# PoD: the spec's cloud record shape, and actions by GUID.
sim_start --fixture "$FIXTURES/basic.json" --flavor pod
pps_admin -o json quarantine-messages-list sender=sender@example.com folder_name=TestQ start_time="2026-06-01T00:00:00Z" end_time="2026-07-01T00:00:00Z"
expect_rc 0 "pps lists the cloud record"
curl_sim "/rest/v1/quarantine?from=sender@example.com&folder=TestQ&messagestatus=t&startdate=2026-06-01%2000:00:00"
expect_status 200 "pod search"
rec=$(jq_out 'json.dumps(d["records"][0], sort_keys=True)')
want='{"date": "2026-06-17 17:48:41", "folder": "TestQ", "from": "sender@example.com", "guid": "72wWvWN8qIx-jclF-uv6feVwEFDkkidM", "host_ip": "mail-westeuropeazon11023111.outbound.protection.outlook.com [52.101.72.111]", "localguid": "72wWvWN8qIx-jclF-uv6feVwEFDkkidM", "messageid": "AM6PR05MB5064D46607AA2CA5DC89270FBE1A2@AM6PR05MB5064.eurprd05.prod.outlook.com", "messagestatus": [{"comment": "", "date": "2026-06-17 17:48:41", "id": 0, "status": 0, "statusdesc": "New", "user": ""}], "processingserver": "m0409393.ppops.net", "rcpts": ["rcpt@example.com"], "size": 387, "spamscore": 0, "subject": "Lottery Winning 3"}'
expect_eq "$rec" "$want" "the spec's cloud record shape"
curl_sim "/rest/v1/quarantine?from=john@doe.com&folder=Quarantine"
expect_eq "$(jq_out 'd["records"][0]["localguid"] == d["records"][0]["guid"]')" True "pod localguid is the GUID"
expect_eq "$(jq_out 'type(d["records"][0]["spamscore"]).__name__')" int "pod spamscore is a number"
pps_admin quarantine-message-move folder_name=Quarantine local_guid=lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO target_folder=Quarantine
expect_rc 0 "pps moves by GUID on a PoD store"
sim_stop

# --flow 20: 40 to 400 new messages in 5 s, dated within the last seconds; kept over a restart.
STATE="$T_DIR/flow"
sim_start --state-dir "$STATE" --seed 500 --account admin:admin-pass --flow 20
since=$(date -u -d '-2 sec' +%Y-%m-%dT%H%%3A%M%%3A%S%%2B0000)
count_new() { # sets N and leaves the answer in OUT
	curl_sim "/rest/v1/pss/filter?from=$since&count=100000"
	N=$(jq_out 'len(d["result"])')
}
sleep 5
count_new
n1=$N
[ "$n1" -ge 40 ] && [ "$n1" -le 400 ] && ok || fail "--flow 20 added $n1 messages in about 5 s"
now=$(date -u +%s)
newest=$(jq_out 'd["result"][0]["Date"][:19]')
age=$((now - $(date -u -d "$newest" +%s)))
[ "$age" -ge -1 ] && [ "$age" -le 5 ] && ok || fail "the newest message is $age s old ($newest)"
curl_sim "/rest/v1/quarantine?subject=*&folder=Quarantine&startdate=$(date -u -d '-1 hour' +%Y-%m-%d%%20%H:%M:%S)&limit=1000"
q=$(jq_out 'd["count"]')
[ "$q" -ge 1 ] && ok || fail "no live message was quarantined"
sim_stop
sim_start --state-dir "$STATE" --seed 500
count_new
n2=$N
[ "$n2" -ge "$n1" ] && ok || fail "after a restart $n2 messages, before $n1"
sim_stop

# POST /rest/v1/sim/messages: a fixture document without accounts, all or nothing; admin only.
sim_start --fixture "$FIXTURES/basic.json"
body='{"messages":[{"GUID":"injected-0000000000000000000001","Date":"2026-01-02 03:04:05 [UTC+0000]","Sender":"inj@example.org","Recipients":"demo.user@example.com","Subject":"Injected"}]}'
curl_sim -X POST -d "$body" /rest/v1/sim/messages
expect_status 200 "inject"
expect_out_has '"messages":1' "inject"
curl_sim "/rest/v1/pss/filter?from=2026-01-01T00%3A00%3A00Z&guid=injected-0000000000000000000001"
expect_out_has '"Subject":"Injected"' "the injected record is found"
curl_sim -X POST -d '{"accounts":[{"user":"x","password":"y"}]}' /rest/v1/sim/messages
expect_status 400 "accounts cannot be injected"
CURL_USER=pssonly:pssonly-pass curl_sim -X POST -d "$body" /rest/v1/sim/messages
expect_status 403 "inject needs an administrator with every module"

done_testing
