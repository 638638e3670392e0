# pps quarantine commands against pps-sim: the multi-folder list, guid= raw data, every action
# reaching the outbox exactly once, bulk GUID lists from a file and stdin in batches, --dry-run,
# download byte-exact and the refusal to overwrite.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json" || exit 1
OLD=start_time=2019-01-01T00:00:00Z

outbox_count() { # outbox_count ACTION LOCALGUID: how many times the outbox saw it
	curl_sim /rest/v1/sim/outbox
	jq --arg a "$1" --arg g "$2" '[.records[] | select(.action == $a and .localguid == $g)] | length' <<<"$OUT"
}

# list: the recorded records, newest first, the reference's columns
pps_admin -o markdown quarantine-messages-list sender=john@doe.com subject='Loan*' $OLD
expect_rc 0 "list"
expect_eq "$(sed -n 2p <<<"$OUT")" "|localguid|folder|spamscore|from|rcpts|date|subject|size|host_ip|" "list header"
expect_eq "$(sed -n 4p <<<"$OUT" | cut -d'|' -f2)" " 6:6:4 " "newest first"
expect_eq "$(sed -n 5p <<<"$OUT" | cut -d'|' -f2)" " 6:6:239 " "then the older"

# several folders, as a JSON array and a comma list: one request each, concatenated in the
# order given, each folder in the server's order (as the reference does)
pps_admin -o json quarantine-messages-list 'folder_name=["HIPAA","PCI","Quarantine"]' sender=john@doe.com $OLD
expect_rc 0 "json folders"
expect_eq "$(jq -r '[.Proofpoint.QuarantinedMessage[].localguid] | join(" ")' <<<"$OUT")" "6:6:4 6:6:239" "json folder array"
pps_admin -o ndjson quarantine-messages-list folder_name=HIPAA,PCI 'subject=*' $OLD
expect_rc 0 "comma folders"
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "4:2:7 4:2:6 5:3:12 " "folders in the order given"
pps_admin -o ndjson quarantine-messages-list folder_name=PCI,HIPAA 'subject=*' $OLD
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "5:3:12 4:2:7 4:2:6 " "the other order"
expect_err "" "nothing cut, nothing said"
pps_admin -o ndjson quarantine-messages-list folder_name=HIPAA,PCI 'subject=*' $OLD limit=2
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "4:2:7 4:2:6 " "limit=2: at most 2 in all"
expect_err "pps: warning: limit=2: printed 2 of 3 records; raise limit= for more"
expect_rc 0 "a cut list is no failure"

# a folder named twice is queried once, and stderr says so (one line naming the folder)
pps_admin -o ndjson quarantine-messages-list folder_name=HIPAA,HIPAA 'subject=*' $OLD
expect_rc 0 "a folder named twice"
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "4:2:7 4:2:6 " "its records once"
expect_err "pps: warning: folder 'HIPAA' named more than once in folder_name: queried once"
pps_admin -o ndjson quarantine-messages-list 'folder_name=["PCI","HIPAA","PCI","PCI"]' 'subject=*' $OLD
expect_rc 0 "a folder named three times among others"
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "5:3:12 4:2:7 4:2:6 " "each folder once, in the order first given"
expect_err "pps: warning: folder 'PCI' named more than once in folder_name: queried once"

# a failing folder is named, the others still print, the exit status says it failed
pps_admin -o ndjson quarantine-messages-list folder_name=NoSuchFolder,HIPAA 'subject=*' $OLD
[ "$RC" != 0 ] && ok || fail "a failed folder exits non-zero"
expect_err_has "folder 'NoSuchFolder'"
expect_eq "$(jq -r .localguid <<<"$OUT" | tr '\n' ' ')" "4:2:7 4:2:6 " "the other folder printed"

# at least one filter
pps_admin quarantine-messages-list folder_name=HIPAA
expect_rc 2 "no filter"
expect_err "pps: At least one of the following arguments must be specified: sender, recipient, subject."

# guid= with -o json: an object describing the message, never raw bytes unannounced
pps_admin -o json quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_rc 0 "list guid json"
want_sha=$(curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/quarantine?guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua" | sha256sum | cut -d' ' -f1)
pps_admin -o json quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_eq "$(jq -r .guid <<<"$OUT")" "hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua" "json guid"
expect_eq "$(jq -r .sha256 <<<"$OUT")" "$want_sha" "json sha256 of the exact bytes"
expect_eq "$(jq -r '.raw | length > 0' <<<"$OUT")" "true" "json raw text"
expect_eq "$(jq -r '.size == (.raw | utf8bytelength)' <<<"$OUT")" "true" "json size"
pps_admin -o ndjson quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_eq "$(wc -l <<<"$OUT")" "1" "ndjson: one line"
pps_admin -o csv quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_rc 2 "csv of a raw message"
expect_err "pps: guid= prints one raw message, not records: use -o raw, -o table or -o json"

# guid=: the raw message, byte-exact
pps_admin quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_rc 0 "list guid"
curl_sim -G --data-urlencode guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua /rest/v1/quarantine
expect_status 200
want=$OUT
pps_admin quarantine-messages-list guid=hP7cQ2xk1mVb9TzR4nLw8Yd3Fs6Gj0Ua
expect_eq "$OUT" "$want" "raw data equals curl's"
pps_admin quarantine-messages-list guid=NoSuchGuid
expect_rc 4 "unknown message"
expect_err "pps: No message found."

# download: byte-exact to <guid>.eml, never overwritten without force
cd "$T_DIR"
G=lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO
curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -o curl.eml "$SIM_URL/rest/v1/quarantine?guid=$G"
pps_admin quarantine-message-download guid=$G
expect_rc 0 "download"
cmp -s curl.eml "$G.eml" && ok || fail "download is byte-exact"
echo changed >"$G.eml"
pps_admin quarantine-message-download guid=$G
expect_rc 2 "refuses to overwrite"
expect_err_has "exists: use force=true"
expect_eq "$(cat "$G.eml")" "changed" "file kept"
pps_admin quarantine-message-download guid=$G force=true
expect_rc 0 "force"
cmp -s curl.eml "$G.eml" && ok || fail "forced download is byte-exact"
mkdir -p outdir
pps_admin quarantine-message-download --guid $G --out outdir
expect_rc 0 "--out DIR"
cmp -s curl.eml "outdir/$G.eml" && ok || fail "download into a directory"
pps_admin quarantine-message-download guid=$G out=-
expect_rc 0 "out=-"
"$PPS" --url "$SIM_URL" --username admin --cacert "$SIM_CACERT" --password-stdin \
	quarantine-message-download guid=$G out=- >stdout.eml 2>/dev/null <<<admin-pass
cmp -s curl.eml stdout.eml && ok || fail "out=- is byte-exact"
pps_admin quarantine-message-download guid=../evil
expect_rc 2 "unsafe guid"
expect_err_has "unsafe guid"
[ -e ../evil.eml ] && fail "unsafe file written" || ok
pps_admin quarantine-message-download guid=NoSuchGuid
expect_rc 4 "download unknown"
expect_err "pps: No message found."
pps_admin quarantine-message-download folder_name=$G
expect_rc 2 "download takes guid, not folder_name"
cd - >/dev/null

# bad action arguments: usage error, nothing reaches the outbox
curl_sim /rest/v1/sim/outbox
before=$(jq '.records | length' <<<"$OUT")
pps_admin quarantine-message-forward folder_name=HIPAA local_guid=4:2:6
expect_rc 2 "forward without recipient"
expect_err "pps: missing required argument 'recipient' for quarantine-message-forward"
pps_admin quarantine-message-release folder_name=HIPAA local_guid=4:2:6 scan=maybe
expect_rc 2 "bad scan"
expect_err "pps: invalid scan 'maybe': expected one of true, false"
pps_admin quarantine-message-forward folder_name=HIPAA local_guid=4:2:6 recipient=a@b.test append_old_subject=yes
expect_rc 2 "bad append_old_subject"
pps_admin quarantine-message-move folder_name=HIPAA local_guid=4:2:6
expect_rc 2 "move without target"
pps_admin quarantine-message-release local_guid=4:2:6
expect_rc 2 "release without folder"
pps_admin --dry-run quarantine-message-release folder_name=HIPAA local_guid=4:2:6 scan=true
expect_rc 0 "dry-run"
expect_out "POST $SIM_URL/rest/v1/quarantine {\"action\":\"release\",\"folder\":\"HIPAA\",\"localguid\":\"4:2:6\",\"scan\":\"t\"}"
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '.records | length' <<<"$OUT")" "$before" "nothing sent by bad arguments or --dry-run"

# a local_guid is any token up to the server's 128 characters: a short one is sent, and the
# server (not pps) says it knows no such message; white space, quotes, 129 characters or a
# broken on-premise GUID are still refused before anything is sent
pps_admin --dry-run quarantine-message-release folder_name=HIPAA local_guid=abc123
expect_rc 0 "a short local_guid is no usage error"
expect_out_has '"localguid":"abc123"'
pps_admin quarantine-message-release folder_name=HIPAA local_guid=abc123
expect_rc 4 "one unknown message is not found"
expect_err "pps: message 'abc123' not found in folder 'HIPAA'"
expect_err_lacks "not a GUID"
curl_sim /rest/v1/sim/outbox
before=$(jq '.records | length' <<<"$OUT")
long=$(printf 'g%.0s' $(seq 129))
for bad in 'ab cd' '"4:2:6' '4:2' "$long"; do
	pps_admin quarantine-message-release folder_name=HIPAA local_guid="$bad"
	expect_rc 2 "local_guid '$bad'"
	expect_err_has "not a GUID (expected N:N:N or a cloud GUID)"
done
pps_admin --dry-run quarantine-message-release folder_name=HIPAA local_guid="${long%g}"
expect_rc 0 "128 characters: the server's length"
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '.records | length' <<<"$OUT")" "$before" "nothing sent for the mistakes"

# forward: the server's text, exactly one outbox entry
pps_admin quarantine-message-forward folder_name=HIPAA local_guid=4:2:6 recipient=analyst@example.com
expect_rc 0 "forward"
expect_out "Request sent. Message 4:2:6 will be forwarded momentarily"
expect_eq "$(outbox_count forward 4:2:6)" "1" "forward reached the outbox once"

# release with the reference name and a pasted ! line
pps_admin '!proofpoint-pps-quarantine-message-release' folder_name=HIPAA local_guid=4:2:7
expect_rc 0 "release"
expect_out "Request sent. Message 4:2:7 will be released momentarily"
expect_eq "$(outbox_count release 4:2:7)" "1" "release reached the outbox once"

# move and delete: the JSON status
pps_admin quarantine-message-move folder_name=Quarantine local_guid=6:6:239 target_folder=Spam
expect_rc 0 "move"
expect_out "Successfully moved message 6:6:239"
pps_admin quarantine-message-move folder_name=Quarantine local_guid=6:6:4 target_folder=HIPAA
expect_rc 2 "move across module types"
expect_err_has "targetfolder"
pps_admin quarantine-message-delete folder_name=Spam local_guid=6:6:239
expect_rc 0 "delete"
expect_out "Successfully deleted message 6:6:239"
pps_admin quarantine-message-resubmit folder_name=Virus local_guid=3:1:20
expect_rc 0 "resubmit"
expect_out "Request sent. Message 3:1:20 will be resubmitted momentarily"

# bulk release from a file: blank lines, spaces and duplicates, two batches, each GUID once
printf '6:6:4\n\n  6:6:300  \n6:6:4\n9:9:9\n' >"$T_DIR/guids"
pps_admin --batch 2 -o json quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/guids"
expect_rc 1 "bulk with a failing batch (9:9:9 is not in Quarantine)"
expect_err_has "released 2 of 3 messages in 2 requests; 1 refused by the server: 9:9:9"
expect_err_has "GUID 9:9:9 in 'Quarantine': Invalid argument: localguid"
expect_eq "$(outbox_count release 6:6:4)" "1" "bulk: 6:6:4 released once"
expect_eq "$(outbox_count release 6:6:300)" "1" "bulk: 6:6:300 released once"

# bulk from stdin, the documented pipeline, one request per batch
pps_admin -o ndjson quarantine-messages-list folder_name=HIPAA 'subject=*' $OLD
guids=$(jq -r .localguid <<<"$OUT")
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --batch 1 quarantine-message-resubmit folder_name=HIPAA local_guid=- <<<"$guids"
expect_rc 0 "bulk from stdin"
expect_err_has "resubmitted 2 of 2 messages in 2 requests"
expect_eq "$(grep -c 'will be resubmitted' <<<"$OUT")" "2" "one answer per batch"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --dry-run --batch 2 quarantine-message-delete folder_name=PCI local_guid=- <<<$'1:1:1\n1:1:2\n1:1:3\n1:1:1'
expect_rc 0 "bulk dry-run"
expect_eq "$(wc -l <<<"$OUT")" "2" "dry-run prints one request per batch"
expect_out_has '"localguid":"1:1:1,1:1:2"'
expect_out_has '"localguid":"1:1:3"'
run "$PPS" quarantine-message-delete folder_name=PCI local_guid=@/nonexistent/guids
expect_rc 2 "missing GUID file"
expect_err_has "cannot open '/nonexistent/guids'"

# a seeded store: several folders without limit= give the sum of what each folder gives
sim_start --seed 5000 --account seed:seed-pass || exit 1
sum=0
CURL_USER=seed:seed-pass
for f in Quarantine Phish Spam; do
	curl_sim -G --data-urlencode "folder=$f" --data-urlencode 'subject=*' \
		--data-urlencode 'startdate=2000-01-01 00:00:00' --data-urlencode 'enddate=2100-01-01 00:00:00' \
		/rest/v1/quarantine
	sum=$((sum + $(jq '.records | length' <<<"$OUT")))
done
[ "$sum" -gt 100 ] && ok || fail "the seeded folders hold $sum, not more than 100"
pps_as seed seed-pass -o ndjson quarantine-messages-list folder_name=Quarantine,Phish,Spam 'subject=*' start_time=2000-01-01T00:00:00Z end_time=2100-01-01T00:00:00Z
expect_rc 0 "seeded multi-folder"
expect_eq "$(wc -l <<<"$OUT")" "$sum" "the sum of what each folder returns"

done_testing
