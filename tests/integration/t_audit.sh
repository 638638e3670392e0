# ctest: slow
# The audit trail: every request that changes something leaves an intent line (synced before the
# request leaves) and an outcome line joined by id, in a 0600 file under 0700 folders; never a
# password; pps audit joins and filters them (target= answers "who did what to this message");
# a kill -9 while the answer is awaited leaves an unknown; a full or read-only file system stops
# a release before it is sent (the emulator's request log holds no POST); audit = off and
# --audit off write nothing; audit_syslog = on delivers the same lines to a real rsyslogd.
. "$(dirname "$0")/lib.sh"

AUD="$HOME/.local/state/pps/audit.ndjson"
MNT="$T_DIR/mnt"
RSYSLOG_PID=
cleanup() {
	[ -n "$RSYSLOG_PID" ] && kill "$RSYSLOG_PID" 2>/dev/null
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	t_cleanup
}
trap cleanup EXIT

sim_start --fixture "$FIXTURES/basic.json" --request-log 500

# posts: how many POST requests the emulator logged.
posts() { curl_sim /rest/v1/sim/requests; jq '[.records[] | select(.method == "POST")] | length' <<<"$OUT"; }

# ---------------------------------------------------------------- every action
pps_admin quarantine-message-forward folder_name=HIPAA local_guid=4:2:6 recipient=analyst@example.com
expect_rc 0 "forward"
pps_admin quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_rc 0 "release"
pps_admin quarantine-message-resubmit folder_name=HIPAA local_guid=4:2:6
expect_rc 0 "resubmit"
pps_admin quarantine-message-move folder_name=Quarantine local_guid=6:6:239 target_folder=Spam
expect_rc 0 "move"
pps_admin quarantine-message-delete folder_name=Spam local_guid=6:6:239
expect_rc 0 "delete"
pps_admin create-user email=audit.user@example.com
expect_rc 0 "create-user"
pps_admin modify-user email=audit.user@example.com fields='{"firstname":"Audited"}'
expect_rc 0 "modify-user"
pps_admin delete-user email=audit.user@example.com
expect_rc 0 "delete-user"

expect_eq "$(stat -c %a "$AUD")" 600 "the audit file's mode"
expect_eq "$(stat -c %a "$(dirname "$AUD")")" 700 "the audit folder's mode"
for op in release resubmit forward move delete create-user modify-user delete-user; do
	id=$(jq -r --arg op "$op" 'select(.event == "intent" and .operation == $op) | .id' "$AUD")
	expect_eq "$(wc -w <<<"$id")" 1 "$op: one intent"
	out=$(jq -r --arg id "$id" 'select(.event == "outcome" and .id == $id) | .outcome' "$AUD")
	expect_eq "$out" done "$op: its outcome joined by id"
done
expect_eq "$(jq -r 'select(.operation == "forward" and .event == "intent") | .to' "$AUD")" \
	analyst@example.com "forward names its recipient"
expect_eq "$(jq -r 'select(.operation == "move" and .event == "intent") | .target_folder' "$AUD")" \
	Spam "move names its target folder"
expect_eq "$(jq -r 'select(.operation == "modify-user" and .event == "outcome") | .enduser' "$AUD")" \
	audit.user@example.com "the user named on the outcome line too"
# Every line carries who, where, what.
bad=$(jq -c 'select((.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$") | not)
	or .user != "root" and .user != env.USER or (.pps_version | type) != "string"
	or .profile != "default" or .server != env.SIM_URL or .account != "admin")' "$AUD")
expect_eq "$bad" "" "every line: UTC time, OS user, version, profile, server, account"

# A refused action: its reason; a batch refused whole and split (delete isolates).
pps_admin quarantine-message-delete folder_name=Quarantine local_guid=6:6:4,9:9:9
expect_rc 1 "a delete of one real and one unknown GUID"
split=$(jq -r 'select(.event == "outcome" and .operation == "delete" and (.localguids | index("9:9:9")))
	| "\(.localguids | join(",")) \(.outcome) \(.http_status) \(.message)"' "$AUD")
expect_eq "$split" "6:6:4,9:9:9 refused 400 Invalid argument: localguid
9:9:9 refused 400 Invalid argument: localguid" "the whole batch and its refused half, with the server's reason"
expect_eq "$(jq -r 'select(.event == "outcome" and .localguids == ["6:6:4"]) | .outcome' "$AUD")" \
	done "the half the server took: done"
expect_eq "$(jq -r .event "$AUD" | sort | uniq -c | awk '{print $1}' | sort -u | wc -l)" 1 \
	"as many outcomes as intents"

# Batches: one intent per request.
n0=$(grep -c '"event":"intent"' "$AUD")
pps_admin --batch 1 quarantine-message-release folder_name=HIPAA local_guid=4:2:7,4:2:8
expect_rc 1 "a release in two batches, one refused"
expect_eq "$(($(grep -c '"event":"intent"' "$AUD") - n0))" 2 "two batches: two intents"

# ---------------------------------------------------------------- who did what to this message
run "$PPS" audit target=4:2:6 --fields operation,outcome,user,cluster -o csv
expect_rc 0 "pps audit target="
expect_out "operation,outcome,user,cluster
forward,done,root,default
release,done,root,default
resubmit,done,root,default" "forward, release, resubmit of 4:2:6"
run "$PPS" audit target=ANALYST@example.com -o ndjson --fields operation
expect_out '{"operation":"forward"}' "a recipient matches in any case"
run "$PPS" audit operation=delete outcome=refused -o ndjson --fields targets
expect_out '{"targets":"6:6:4,9:9:9"}
{"targets":"9:9:9"}' "operation= and outcome="
run "$PPS" audit since=2000-01-01 until="1 day ago" -o ndjson
expect_out "" "until= before every line: nothing"
run "$PPS" audit since="1 hour ago" -o json --jq 'length'
[ "$OUT" -ge 10 ] && ok || fail "since= an hour ago: every request ($OUT)"
run "$PPS" audit outcome=maybe
expect_rc 2 "an unknown outcome= is a usage error"
# A damaged line is skipped with a warning.
cp "$AUD" "$T_DIR/damaged.ndjson"
printf '{"time":"x","event":"intent"\nnot json\n' >>"$T_DIR/damaged.ndjson"
run "$PPS" audit file="$T_DIR/damaged.ndjson" -o json --jq length
expect_rc 0 "a damaged file is read"
expect_err_has "line $(($(wc -l <"$AUD") + 1)) is no audit line" "the damaged line is named"

# ---------------------------------------------------------------- the password never
printf 'Zq9-file-secret-771\n' >"$T_DIR/pw"
chmod 600 "$T_DIR/pw"
sim_stop
sim_start --fixture "$FIXTURES/basic.json" --account auditor:Zq9-file-secret-771 --request-log 500
PW_AUD="$T_DIR/pw.ndjson"
run env PPS_URL="$SIM_URL" PPS_USERNAME=auditor PPS_CACERT="$SIM_CACERT" "$PPS" --audit "$PW_AUD" \
	--password-file "$T_DIR/pw" quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_rc 0 "a release with --password-file"
pps_as admin admin-pass --audit "$PW_AUD" create-user email=pw.user@example.com
expect_rc 0 "create-user with PPS_PASSWORD"
expect_eq "$(grep -c . "$PW_AUD")" 4 "two intents, two outcomes"
b64=$(printf 'auditor:Zq9-file-secret-771' | base64)
hits=$(grep -c -e 'Zq9-file-secret-771' -e 'admin-pass' -e "$b64" -e 'Authorization' "$PW_AUD")
expect_eq "$hits" 0 "no password, no Authorization in the audit file"
expect_eq "$(jq -r .account "$PW_AUD" | sort -u | tr '\n' ' ')" "admin auditor " "the accounts named"

# ---------------------------------------------------------------- audit = off, --audit off
mkdir -p "$XDG_CONFIG_HOME/pps"
printf '[quiet]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\naudit = off\n' \
	"$SIM_URL" "$SIM_CACERT" >"$XDG_CONFIG_HOME/pps/config"
chmod 600 "$XDG_CONFIG_HOME/pps/config"
before=$(wc -l <"$AUD")
run "$PPS" --profile quiet quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_rc 0 "a release with audit = off"
pps_admin --audit off quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_rc 0 "a release with --audit off"
expect_eq "$(wc -l <"$AUD")" "$before" "audit = off and --audit off write nothing"
pps_admin --dry-run quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_eq "$(wc -l <"$AUD")" "$before" "--dry-run sends nothing and records nothing"
printf '[quiet]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\naudit = %s\n' \
	"$SIM_URL" "$SIM_CACERT" "$T_DIR/profile/a.ndjson" >"$XDG_CONFIG_HOME/pps/config"
run "$PPS" --profile quiet quarantine-message-release folder_name=HIPAA local_guid=4:2:6
expect_eq "$(grep -c . "$T_DIR/profile/a.ndjson")" 2 "audit = PATH in the profile"
run "$PPS" --profile quiet audit -o ndjson --fields profile,outcome
expect_out '{"profile":"quiet","outcome":"done"}' "pps audit reads the profile's file"

# ---------------------------------------------------------------- kill -9 while waiting
sim_stop
sim_start --fixture "$FIXTURES/basic.json" --faults latency=4s --request-log 500
K_AUD="$T_DIR/kill.ndjson"
env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	"$PPS" --audit "$K_AUD" quarantine-message-release folder_name=HIPAA local_guid=4:2:6 \
	>/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do
	grep -q '"event":"intent"' "$K_AUD" 2>/dev/null && break
	sleep 0.05
done
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null
expect_eq "$(grep -c . "$K_AUD")" 1 "killed while waiting: an intent, no outcome"
run "$PPS" audit file="$K_AUD" target=4:2:6 -o ndjson --fields operation,outcome
expect_out '{"operation":"release","outcome":"unknown"}' "pps audit shows it unknown"
sleep 4 # the emulator's answer to the killed request

# ---------------------------------------------------------------- a file that cannot be written
sim_stop
sim_start --fixture "$FIXTURES/basic.json" --request-log 500
mkdir -p "$MNT"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16k,mode=700 tmpfs "$MNT" 2>/dev/null; then
	dd if=/dev/zero of="$MNT/fill" bs=1k count=64 2>/dev/null
	curl_sim -X DELETE /rest/v1/sim/requests
	pps_admin --audit "$MNT/audit.ndjson" quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	expect_rc 1 "a full disk: exit 1"
	expect_err_has "pps: cannot write the audit file '$MNT/audit.ndjson': No space left on device; nothing was sent" \
		"one clear line"
	expect_eq "$(grep -c . <<<"$ERR")" 1 "one line"
	expect_eq "$(posts)" 0 "a full disk: no POST reached the server"
	expect_eq "$(stat -c %s "$MNT/audit.ndjson")" 0 "no torn line left"
	pps_admin --audit "$MNT/audit.ndjson" create-user email=full@example.com
	expect_rc 1 "create-user on a full disk: exit 1"
	expect_eq "$(posts)" 0 "no POST"

	# The outcome cannot be written after the request went out: 8, said so. The file is
	# padded so that the intent ends exactly at a page's end and the disk is full: the outcome
	# needs a page there is none of.
	rm -f "$MNT/fill" "$MNT/audit.ndjson"
	pps_admin --audit "$T_DIR/measure.ndjson" quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	len=$(head -1 "$T_DIR/measure.ndjson" | wc -c)
	{ head -c $((8192 - len - 1)) /dev/zero | tr '\0' x; echo; } >"$MNT/audit.ndjson"
	dd if=/dev/zero of="$MNT/fill" bs=1k count=64 2>/dev/null
	curl_sim -X DELETE /rest/v1/sim/requests
	pps_admin --audit "$MNT/audit.ndjson" quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	expect_rc 8 "the outcome could not be written: exit 8"
	expect_err_has "cannot write the outcome (done: Request sent. Message 4:2:6 will be released momentarily) to the audit file" \
		"what the server answered is said"
	expect_eq "$(posts)" 1 "the release went out once"
	run "$PPS" audit file="$MNT/audit.ndjson" -o ndjson --fields outcome
	expect_out '{"outcome":"unknown"}' "the file shows it unknown"
	rm -f "$MNT/fill"

	# Read-only.
	mount -o remount,ro "$MNT"
	curl_sim -X DELETE /rest/v1/sim/requests
	pps_admin --audit "$MNT/ro.ndjson" quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	expect_rc 1 "a read-only file system: exit 1"
	expect_err_has "Read-only file system; nothing was sent" "said"
	expect_eq "$(posts)" 0 "read-only: no POST"
	umount "$MNT"
else
	echo "# not root or no tmpfs: the full-disk cases are skipped" >&2
fi

# ---------------------------------------------------------------- several clusters
EAST_URL=$SIM_URL EAST_CA=$SIM_CACERT
sim_start --fixture "$FIXTURES/basic.json"
printf '[east]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\naudit = %s\n\n[west]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\naudit = %s\n' \
	"$EAST_URL" "$EAST_CA" "$T_DIR/cl.ndjson" "$SIM_URL" "$SIM_CACERT" "$T_DIR/cl.ndjson" >"$XDG_CONFIG_HOME/pps/config"
run "$PPS" --profile east,west --yes quarantine-message-release folder_name=HIPAA local_guid=4:2:7
expect_rc 0 "a release on two clusters"
expect_eq "$(jq -r '"\(.cluster) \(.event) \(.server)"' "$T_DIR/cl.ndjson" | tr '\n' ' ')" \
	"east intent $EAST_URL east outcome $EAST_URL west intent $SIM_URL west outcome $SIM_URL " \
	"each cluster's intent and outcome, named with its server"
run "$PPS" audit file="$T_DIR/cl.ndjson" target=4:2:7 -o csv --fields cluster,outcome --no-headers
expect_out "east,done
west,done" "pps audit: who did what on which cluster"
sim_stop
SIM_URL=$EAST_URL SIM_CACERT=$EAST_CA

# ---------------------------------------------------------------- syslog through rsyslogd
if command -v rsyslogd >/dev/null; then
	mkdir -p "$T_DIR/rs"
	cat >"$T_DIR/rs/conf" <<-EOF
		global(workDirectory="$T_DIR/rs")
		module(load="imuxsock" SysSock.Use="off")
		input(type="imuxsock" Socket="$T_DIR/rs/log.sock" UseSpecialParser="off")
		template(name="j" type="string" string="%app-name% %msgid% %procid%%msg%\n")
		*.* action(type="omfile" file="$T_DIR/rs/out" template="j")
	EOF
	rsyslogd -n -f "$T_DIR/rs/conf" -i "$T_DIR/rs/pid" >"$T_DIR/rs/log" 2>&1 &
	RSYSLOG_PID=$!
	for i in $(seq 1 100); do [ -S "$T_DIR/rs/log.sock" ] && break; sleep 0.05; done
	printf '[sys]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\naudit = %s\naudit_syslog = on\naudit_syslog_socket = %s\n' \
		"$SIM_URL" "$SIM_CACERT" "$T_DIR/sys.ndjson" "$T_DIR/rs/log.sock" >"$XDG_CONFIG_HOME/pps/config"
	run "$PPS" --profile sys quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	expect_rc 0 "a release with audit_syslog = on"
	run "$PPS" --profile sys create-user email=sys.user@example.com
	for i in $(seq 1 100); do [ "$(grep -c . "$T_DIR/rs/out" 2>/dev/null)" = 4 ] && break; sleep 0.05; done
	expect_eq "$(cut -d' ' -f1,2 "$T_DIR/rs/out" | sort -u)" "pps audit" "APP-NAME pps, MSGID audit"
	expect_eq "$(sed 's/^[^{]*//' "$T_DIR/rs/out")" "$(cat "$T_DIR/sys.ndjson")" \
		"rsyslogd received the same lines as the file"
	# A socket nobody listens on: one warning, the action goes on.
	sed -i "s#^audit_syslog_socket = .*#audit_syslog_socket = $T_DIR/none.sock#" "$XDG_CONFIG_HOME/pps/config"
	run "$PPS" --profile sys quarantine-message-release folder_name=HIPAA local_guid=4:2:6
	expect_rc 0 "syslog down: the release still done"
	expect_eq "$(grep -c 'warning: audit_syslog' <<<"$ERR")" 1 "one warning"
	expect_eq "$(grep -c . "$T_DIR/sys.ndjson")" 6 "the file holds the record"
else
	echo "# no rsyslogd: the syslog case is skipped" >&2
fi

done_testing
