# What a bulk run says about 100 messages of which the server refuses one (--isolate): the count
# in messages, not batches ("released 99 of 100 messages in N requests; 1 refused by the
# server: 6:6:999"); the server's 100-GUID answer once in the journal (an answer line) and in
# the -o json document, cut short on screen and in the entries' lines.
. "$(dirname "$0")/lib.sh"

python3 - "$T_DIR/f.json" <<'PY'
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
q = [{"guid": "Qg%030d" % i, "localguid": "6:6:%d" % (1000 + i), "folder": "Quarantine",
      "from": "bad%d@phish.example" % i, "rcpts": ["user@corp.test"], "subject": "Reset %d" % i,
      "date": (now - datetime.timedelta(seconds=10 + i)).strftime("%Y-%m-%d %H:%M:%S")}
     for i in range(1, 100)]
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}], "quarantine": q},
          open(sys.argv[1], "w"))
PY
{ seq 1001 1050; echo 999; seq 1051 1099; } | sed 's/^/6:6:/' >"$T_DIR/guids"
pps_env() {
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" "$@"
}
sim_start --fixture "$T_DIR/f.json" || exit 1
run pps_env "$PPS" --isolate --report "$T_DIR/r" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/guids"
expect_rc 1 "one refused of 100"
expect_err_has "released 99 of 100 messages in " "the count in messages"
expect_err_has "; 1 refused by the server: 6:6:999" "the refused GUID named in the count"
expect_err_lacks "failed)" "no batches counted as failed"
echo "# $(tail -1 <<<"$ERR")"
expect_eq "$(awk 'length($0) > 200' <<<"$OUT" | wc -l)" 0 "no 100-GUID line on screen"
expect_out_has "Request sent. Message <" "the answer on screen names its batch"
expect_eq "$(grep -c '6:6:1001,6:6:1002' "$T_DIR/r")" 1 "the whole answer once in the journal"
expect_eq "$(jq -r 'select(.event == "answer") | .message' "$T_DIR/r" | grep -c '6:6:1001,6:6:1002')" 1 \
	"in its answer line"
expect_eq "$(jq -r 'select(.event == "outcome") | .message | length > 200' "$T_DIR/r" | grep -c true)" 0 \
	"no outcome line carries the long text"
expect_eq "$(jq -r 'select(.event == "outcome" and .outcome == "done") | .localguid' "$T_DIR/r" | wc -l)" 99 \
	"99 done lines"
echo "# journal: $(wc -c <"$T_DIR/r") bytes, $(wc -l <"$T_DIR/r") lines"
# the journal is still the rerun's input: nothing is sent again but the refused GUID
run pps_env "$PPS" --dry-run quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/r"
expect_out_has '"localguid":"6:6:999"' "the rerun sends the refused GUID"
expect_out_lacks '6:6:1001' "and nothing done"
# -o json keeps the server's whole text, once per request
run pps_env "$PPS" -o json quarantine-message-delete folder_name=Quarantine local_guid=@"$T_DIR/guids"
expect_eq "$(jq -r '.batches[] | select(.outcome == "done") | .message' <<<"$OUT" | grep -c '6:6:1001,6:6:1002')" 1 \
	"the json document holds the whole answer"
# colour on stderr only when asked for (or a terminal): the refused count in red
run pps_env "$PPS" --color=always --isolate quarantine-message-release folder_name=Quarantine local_guid=6:6:999,6:6:998
expect_err_has $'\x1b[31m2 refused by the server\x1b[0m: 6:6:999, 6:6:998' "the refused count in red"
run pps_env "$PPS" --isolate quarantine-message-release folder_name=Quarantine local_guid=6:6:999,6:6:998
expect_err_lacks $'\x1b' "no colour into a pipe"
expect_err_has "released 0 of 2 messages in 3 requests; 2 refused by the server: 6:6:999, 6:6:998"
sim_stop
done_testing
