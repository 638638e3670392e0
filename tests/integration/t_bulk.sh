# Bulk actions from records: the README pipeline across two folders; a mixed input (records of
# two folders, garbage, a quoted GUID, a BOM, comments, a GUID that does not exist) with
# --report and a rerun of the rest; release without and with --isolate; one JSON document;
# a 1000-GUID answer printed whole; the confirmation on a terminal.
. "$(dirname "$0")/lib.sh"
# outcomes JOURNAL: the outcome lines of a --report journal.
outcomes() { jq -c 'select(.event == "outcome")' "$1"; }

# fixture FILE Q P [EXTRA]: Q messages from @phish.example in Quarantine (6:6:1001...), P in
# Phish (7:1:2001...), and one from another sender in Quarantine (6:6:1), all of the last hour.
fixture() {
	python3 - "$@" <<'PY'
import datetime, json, sys
path, nq, npf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc)
def msg(guid, lg, folder, sender, i):
    d = (now - datetime.timedelta(seconds=10 + i)).strftime("%Y-%m-%d %H:%M:%S")
    return {"guid": guid, "localguid": lg, "folder": folder, "from": sender,
            "rcpts": ["user@corp.test"], "subject": "Reset %d" % i, "date": d}
q = [msg("Qg%030d" % i, "6:6:%d" % (1000 + i), "Quarantine", "bad%d@phish.example" % i, i)
     for i in range(1, nq + 1)]
q += [msg("Pg%030d" % i, "7:1:%d" % (2000 + i), "Phish", "bad%d@phish.example" % i, i)
      for i in range(1, npf + 1)]
q.append(msg("Keep%028d" % 1, "6:6:1", "Quarantine", "ok@good.test", 0))
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": n, "type": "spam"} for n in ("Quarantine", "Phish", "Spam")],
           "quarantine": q}, open(path, "w"))
PY
}

# left FOLDER [SENDER]: how many messages from SENDER (default @phish.example) FOLDER holds.
left() {
	curl_sim -G --data-urlencode "folder=$1" --data-urlencode "from=${2:-@phish.example}" \
		--data-urlencode "startdate=2000-01-01 00:00:00" \
		--data-urlencode "enddate=2100-01-01 00:00:00" --data-urlencode "limit=1000" \
		/rest/v1/quarantine
	jq '.records | length' <<<"$OUT"
}
# outbox GUID: how many times GUID was released.
outbox() {
	curl_sim /rest/v1/sim/outbox
	jq --arg g "$1" '[.records[] | select(.localguid == $g)] | length' <<<"$OUT"
}
pps_env() {
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" "$@"
}

fixture "$T_DIR/two.json" 30 20

# --- The README's pipeline, as written: records of two folders into a delete. ---
sim_start --fixture "$T_DIR/two.json"
expect_eq "$(left Quarantine)" 30 "30 messages in Quarantine before"
expect_eq "$(left Phish)" 20 "20 messages in Phish before"
readme_line=$(grep -m1 -F '| pps quarantine-message-delete local_guid=-' "$PPS_SOURCE_DIR/README.md")
expect_eq "$readme_line" \
	'pps -o ndjson quarantine-messages-list sender=@phish.example folder_name=Quarantine,Phish | pps quarantine-message-delete local_guid=-' \
	"the README's bulk example is the records pipeline"
mkdir -p "$T_DIR/bin"
ln -sf "$PPS" "$T_DIR/bin/pps"
run pps_env env PATH="$T_DIR/bin:$PATH" bash -c "$readme_line"
expect_rc 0 "the README pipeline, as written"
expect_eq "$(left Quarantine)" 0 "the pipeline emptied Quarantine of the campaign"
expect_eq "$(left Phish)" 0 "the pipeline emptied Phish of the campaign"
expect_eq "$(left Quarantine ok@good.test)" 1 "another sender's message stays"
expect_err_has "deleted 50 of 50 messages in 2 requests" "one batch per folder"
sim_stop

# --- The bulk scenario: a two-folder listing with garbage mixed in, --batch 20, --report. ---
sim_start --fixture "$T_DIR/two.json"
pps_admin -o ndjson quarantine-messages-list sender=@phish.example folder_name=Quarantine,Phish
expect_rc 0 "listing"
printf '%s\n' "$OUT" >"$T_DIR/list.ndjson"
expect_eq "$(wc -l <"$T_DIR/list.ndjson")" 50 "the listing holds 50 records"
{
	printf '\xef\xbb\xbf# campaign 2026-11, two folders\n'
	head -n 25 "$T_DIR/list.ndjson"
	printf 'garbage !!\n'
	printf '"6:6:1003"\r\n'
	printf '\n   # an indented comment\n'
	printf '{"localguid":"6:6:999","folder":"Quarantine"}\n'
	printf '{"localguid": broken\n'
	tail -n 25 "$T_DIR/list.ndjson"
	printf '"7:1:2001"\n'
} >"$T_DIR/mixed"
# Entries: every line but the comment and blank ones (lines 1, 29 and 30).
entries=$(awk 'NR != 1 && NR != 29 && NR != 30' "$T_DIR/mixed" | wc -l)
run pps_env "$PPS" --batch 20 --report "$T_DIR/report" quarantine-message-delete local_guid=@"$T_DIR/mixed"
expect_rc 1 "the bulk scenario is partial"
expect_eq "$(left Quarantine)" 0 "none of the real messages is left in Quarantine"
expect_eq "$(left Phish)" 0 "none of the real messages is left in Phish"
expect_eq "$(left Quarantine ok@good.test)" 1 "the other sender's message stays"
expect_eq "$(outcomes "$T_DIR/report" | wc -l)" "$entries" "one report line per entry"
expect_eq "$(jq -r '.input.line' <(outcomes "$T_DIR/report") | sort -n | tr '\n' ' ')" \
	"$(seq 2 28 | tr '\n' ' ')$(seq 31 58 | tr '\n' ' ')" "the report names every entry by line"
expect_eq "$(jq -r 'select(.outcome == "done") | .localguid' <(outcomes "$T_DIR/report") | sort -u | wc -l)" 50 \
	"all 50 messages done"
expect_eq "$(jq -r 'select(.input.line == 27) | .outcome + " " + .localguid' <(outcomes "$T_DIR/report"))" \
	"invalid garbage !!" "garbage is invalid"
expect_eq "$(jq -r 'select(.input.line == 28) | .outcome + " " + .localguid + " " + .folder' <(outcomes "$T_DIR/report"))" \
	"done 6:6:1003 Quarantine" "a quoted GUID with CRLF takes its record's folder"
expect_eq "$(jq -r 'select(.input.line == 58) | .outcome + " " + .folder + " " + (.duplicate_of_line|tostring)' <(outcomes "$T_DIR/report"))" \
	"done Phish $(grep -n '"localguid":"7:1:2001"' "$T_DIR/mixed" | cut -d: -f1)" \
	"a GUID given twice is sent once, reported with its first line"
expect_eq "$(jq -r 'select(.input.line == 31) | .outcome + " " + .message' <(outcomes "$T_DIR/report"))" \
	"refused Invalid argument: localguid" "a GUID that does not exist is refused with the server's text"
expect_eq "$(jq -r 'select(.input.line == 32) | .outcome' <(outcomes "$T_DIR/report"))" "invalid" "a broken record is invalid"
expect_eq "$(jq -r 'select(.input.line == 2) | .action + " " + .folder' <(outcomes "$T_DIR/report"))" \
	"delete $(sed -n 2p "$T_DIR/mixed" | jq -r .folder)" "the first record in its own folder"
expect_err_has "line 27: invalid entry 'garbage !!'" "garbage named by line on stderr"
expect_err_has "GUID 6:6:999 in 'Quarantine': Invalid argument: localguid" "the refused GUID is named alone"
expect_err_has "deleted 50 of 51 messages" "the count"
expect_err_lacks "BOM" "the BOM is no entry"
# The report's lines are input for a rerun that does exactly the rest.
run pps_env bash -c "jq -c 'select(.outcome != \"done\")' '$T_DIR/report' | \"\$PPS\" --dry-run quarantine-message-delete local_guid=-"
expect_rc 1 "the rerun's dry run: invalid entries stay invalid"
expect_out "POST $SIM_URL/rest/v1/quarantine {\"action\":\"delete\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:999\"}" \
	"the rerun sends only the refused GUID"
# folder_name and records that name another folder: a usage error that names it.
run pps_env "$PPS" quarantine-message-delete folder_name=Quarantine local_guid=@"$T_DIR/list.ndjson"
expect_rc 2 "folder_name against records"
expect_err_has "names folder 'Phish' but folder_name is 'Quarantine'" "the other folder is named"
sim_stop

# --- Release: a refused batch is reported whole without --isolate, split with it. ---
printf '%s\n' 6:6:1001 6:6:1002 6:6:999 6:6:1003 6:6:1004 6:6:1005 >"$T_DIR/rel"
sim_start --fixture "$T_DIR/two.json"
run pps_env "$PPS" --batch 3 --report "$T_DIR/rel.report" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/rel"
expect_rc 1 "release with a refused batch"
expect_err_has "batch 1 of 2 (3 GUIDs in 'Quarantine', first 6:6:1001) refused, not done (--isolate splits it): Invalid argument: localguid" \
	"the refused batch is named whole"
for g in 6:6:1001 6:6:1002 6:6:999; do
	expect_eq "$(outbox $g)" 0 "without --isolate $g is not released"
	expect_eq "$(jq -r --arg g $g 'select(.localguid == $g) | .outcome' <(outcomes "$T_DIR/rel.report"))" refused \
		"without --isolate $g is reported refused"
done
for g in 6:6:1003 6:6:1004 6:6:1005; do
	expect_eq "$(outbox $g)" 1 "without --isolate $g of the good batch is released once"
done
run pps_env "$PPS" --batch 3 --isolate --report "$T_DIR/iso.report" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/rel"
expect_rc 1 "release --isolate"
for g in 6:6:1001 6:6:1002; do
	expect_eq "$(outbox $g)" 1 "with --isolate $g is released once"
done
for g in 6:6:1003 6:6:1004 6:6:1005; do
	expect_eq "$(outbox $g)" 2 "$g: the second run released it again, as asked"
done
expect_eq "$(jq -r 'select(.localguid == "6:6:999") | .outcome' <(outcomes "$T_DIR/iso.report"))" refused \
	"with --isolate only the GUID that does not exist is refused"
expect_eq "$(jq -r 'select(.outcome == "done")' <(outcomes "$T_DIR/iso.report") | jq -s length)" 5 "five done"
sim_stop

# --- -o json: one document with per-batch results and totals; -o ndjson: the report lines. ---
sim_start --fixture "$T_DIR/two.json"
head -n 12 "$T_DIR/list.ndjson" >"$T_DIR/twelve"
printf 'non sense\n' >>"$T_DIR/twelve"
run pps_env "$PPS" --batch 5 -o json quarantine-message-move target_folder=Spam local_guid=@"$T_DIR/twelve"
expect_rc 1 "json of a partial run"
python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$OUT" && ok || fail "-o json prints one JSON document"
expect_eq "$(jq -c .totals <<<"$OUT")" \
	'{"entries":13,"messages":12,"done":12,"invalid":1,"refused":0,"unknown":0,"not_sent":0}' "the totals"
expect_eq "$(jq '.batches | length' <<<"$OUT")" "$(jq -r .folder "$T_DIR/twelve" 2>/dev/null | sort | uniq -c | awk '{ n += int(($1 + 4) / 5) } END { print n }')" \
	"one result per batch, batches per folder"
expect_eq "$(jq -r '[.batches[].outcome] | unique | join(",")' <<<"$OUT")" "done" "every batch done"
expect_eq "$(left Spam)" 12 "twelve moved to Spam"
pps_admin -o ndjson quarantine-messages-list sender=@phish.example folder_name=Spam
printf '%s\n' "$OUT" 'non sense' >"$T_DIR/spam"
run pps_env "$PPS" --batch 5 -o ndjson quarantine-message-move target_folder=Phish \
	local_guid=@"$T_DIR/spam" folder_name=Spam
expect_rc 1 "ndjson of a partial run"
expect_eq "$(jq -s length <<<"$OUT")" 13 "-o ndjson prints one line per entry"
expect_eq "$(jq -r 'select(.outcome == "done") | .folder' <<<"$OUT" | sort | uniq -c | tr -s ' ')" " 12 Spam" \
	"records may name folder_name's own folder"
expect_eq "$(left Spam)" 0 "moved on to Phish"
sim_stop

# --- A 1000-GUID batch: its answer is printed whole, not cut at 4096 bytes. ---
fixture "$T_DIR/big.json" 1000 0
sim_start --fixture "$T_DIR/big.json"
seq 1001 2000 | sed 's/^/6:6:/' >"$T_DIR/big"
run pps_env "$PPS" --batch 1000 quarantine-message-delete folder_name=Quarantine local_guid=@"$T_DIR/big"
expect_rc 0 "delete of 1000 in one batch"
expect_eq "$(printf '%s' "$OUT" | grep -c '')" 1 "one line"
expect_eq "$(printf '%s' "$OUT" | wc -c)" "$(printf 'Successfully deleted message %s' "$(paste -sd, "$T_DIR/big")" | wc -c)" \
	"the whole answer, every GUID"
expect_out_has ",6:6:2000" "the last GUID is there"
sim_stop

# --- Confirmation: on a terminal above --confirm-over, once, with the count per folder. ---
sim_start --fixture "$T_DIR/two.json"
head -n 12 "$T_DIR/list.ndjson" >"$T_DIR/twelve"
run bash -c "printf 'n\n' | script -qec 'env PPS_URL=$SIM_URL PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT=$SIM_CACERT $PPS --confirm-over 10 quarantine-message-delete local_guid=@$T_DIR/twelve' /dev/null"
expect_out_has "delete 12 messages (" "the question names the count"
expect_out_has "? [y/N]" "the question is asked"
expect_out_has "not confirmed: nothing sent" "a no sends nothing"
expect_eq "$(($(left Quarantine) + $(left Phish)))" 50 "nothing deleted after a no"
run bash -c "script -qec 'env PPS_URL=$SIM_URL PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT=$SIM_CACERT $PPS --yes --confirm-over 10 quarantine-message-delete local_guid=@$T_DIR/twelve' /dev/null </dev/null"
expect_out_lacks "[y/N]" "--yes does not ask"
expect_eq "$(($(left Quarantine) + $(left Phish)))" 38 "--yes deleted the twelve"
# Not on a terminal: no question, as scripts expect.
tail -n 12 "$T_DIR/list.ndjson" >"$T_DIR/twelve2"
run pps_env "$PPS" --confirm-over 10 quarantine-message-delete local_guid=@"$T_DIR/twelve2"
expect_rc 0 "no terminal, no question"
expect_err_lacks "[y/N]" "no question without a terminal"
expect_eq "$(($(left Quarantine) + $(left Phish)))" 26 "deleted without a question"
sim_stop

done_testing
