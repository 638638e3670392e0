# How runs end, as a script and a person read them: an --all stopped by SIGINT or SIGTERM exits
# 130 and says how far it got (--follow: 0); the folders of --checkpoint, --output-file, --report
# and out= are made; an empty selection piped into an action is no usage error (--fail-empty: 1);
# --dry-run/--curl print only requests (and refuse --follow); one unknown message or folder exits
# 4 naming both; --profile without a config file names the missing file; limit= is per cluster.
# ctest: slow
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
START=1735689600 # 2025-01-01T00:00:00Z
A="start_time=2025-01-01T00:00:00Z"
B="end_time=2025-01-02T00:00:00Z"
python3 "$GEN" "$T_DIR/east.json" --start $START --messages 600 --quarantine 90 --tag e --seed 21
python3 "$GEN" "$T_DIR/west.json" --start $((START + 1)) --messages 40 --tag w --seed 22

pps_env() {
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" "$@"
}
# bg OUT ERR ARGS...: pps in the background with SIGINT at its default (a script's background
# job inherits SIGINT ignored); its pid in BG.
bg() {
	local o=$1 e=$2
	shift 2
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$PPS" "$@" >"$o" 2>"$e" &
	BG=$!
}
# stop_bg SIG: sends SIG to BG once its stdout has records, waits; the exit status in RC.
stop_bg() {
	local i
	for i in $(seq 1 100); do
		[ -s "$1" ] || [ -s "$3" ] && break
		sleep 0.1
	done
	kill -s "$2" "$BG"
	wait "$BG"
	RC=$?
	OUT=$(cat "$1")
	ERR=$(cat "$3")
}

# --- 1. An --all stopped by a signal: 130, and how far it got. ---
sim_start --fixture "$T_DIR/east.json" --max-count 50 --faults latency=300ms
bg "$T_DIR/i.out" "$T_DIR/i.err" -o ndjson smart-search "$A" "$B" --all
stop_bg "$T_DIR/i.out" INT "$T_DIR/i.err"
expect_rc 130 "--all stopped by SIGINT"
n=$(wc -l <"$T_DIR/i.out" | tr -d ' ')
[ "$n" -gt 0 ] && [ "$n" -lt 600 ] && ok || fail "SIGINT stopped the walk part-way ($n of 600)"
expect_err_has "stopped before the end of the window: $n records written, the oldest from 2025-01-01 " \
	"the count on stdout and the oldest instant on stderr"
oldest=$(jq -r .Date "$T_DIR/i.out" | sort | head -1 | cut -c1-19)
expect_err_has "the oldest from $oldest UTC" "the instant is the oldest record printed"
expect_err_has "the older records were not fetched" "without --checkpoint: what is missing"
echo "# SIGINT: $n of 600 records, exit $RC"

CK="$T_DIR/walk.ck"
bg "$T_DIR/t.out" "$T_DIR/t.err" -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
stop_bg "$T_DIR/t.out" TERM "$T_DIR/t.err"
expect_rc 130 "--all --checkpoint stopped by SIGTERM"
n1=$(wc -l <"$T_DIR/t.out" | tr -d ' ')
expect_err_has "$n1 records written" "SIGTERM: the count"
expect_err_has "with --checkpoint '$CK' resumes from there" "the checkpoint to resume from is named"
expect_eq "$(jq -r .done "$CK")" false "the checkpoint is not done"
run pps_env "$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$CK"
expect_rc 0 "the resumed walk ends with 0"
expect_err_lacks "stopped" "a finished walk says nothing of a stop"
n2=$(wc -l <<<"$OUT" | tr -d ' ')
expect_eq "$({ cat "$T_DIR/t.out"; printf '%s\n' "$OUT"; } | jq -r .GUID | sort -u | wc -l | tr -d ' ')" 600 \
	"stopped and resumed: every record"
echo "# SIGTERM: $n1 records, then $n2 on resume"

# Quarantine, folder by folder: the folder it stopped in is named.
bg "$T_DIR/q.out" "$T_DIR/q.err" -v -o ndjson --server-cap 10 quarantine-messages-list \
	folder_name=Quarantine,Phish sender=phish.test "$A" "$B" --all
# Its 90 short records stay in stdout's buffer to the end: stopped after its first request
# (-v) and two more pages of 300 ms, well before the last of Quarantine's 6.
for i in $(seq 1 100); do
	[ -s "$T_DIR/q.err" ] && break
	sleep 0.1
done
sleep 0.6
stop_bg "$T_DIR/q.out" INT "$T_DIR/q.err"
expect_rc 130 "quarantine --all stopped by SIGINT"
nq=$(wc -l <"$T_DIR/q.out" | tr -d ' ')
expect_err_has "$nq records written, the oldest from 2025-01-01 " "quarantine: the count"
expect_err_has " UTC in folder 'Quarantine'" "quarantine: the folder it stopped in"

# --follow: SIGINT and SIGTERM are its normal end.
for sig in INT TERM; do
	bg "$T_DIR/f.out" "$T_DIR/f.err" -o ndjson smart-search "$A" --follow --interval 1
	stop_bg "$T_DIR/f.out" "$sig" "$T_DIR/f.err"
	expect_rc 0 "--follow ended by SIG$sig"
	expect_err_lacks "stopped before" "--follow SIG$sig: no stop line"
done
sim_stop

# --- 3. The folders of --checkpoint, --output-file, --report and out= are made (0700). ---
sim_start --fixture "$T_DIR/east.json"
# The README's SIEM recipe: a checkpoint under ~/.local/state/pps, which does not exist yet.
rm -rf "$HOME/.local"
run pps_env "$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$HOME/.local/state/pps/nov01.ck" \
	--output-file "$T_DIR/exports/2025/jan.ndjson"
expect_rc 0 "--checkpoint and --output-file in folders that do not exist"
[ -f "$HOME/.local/state/pps/nov01.ck" ] && ok || fail "the checkpoint is written"
expect_eq "$(stat -c %a "$HOME/.local/state/pps")" 700 "the checkpoint's folder is 0700"
expect_eq "$(stat -c %a "$HOME/.local")" 700 "and so are the folders above it"
expect_eq "$(wc -l <"$T_DIR/exports/2025/jan.ndjson" | tr -d ' ')" 600 "the output file in its new folder"
: >"$T_DIR/plainfile"
run pps_env "$PPS" -o ndjson smart-search "$A" "$B" --all --checkpoint "$T_DIR/plainfile/sub/x.ck"
expect_rc 1 "a folder that cannot be made"
expect_err "pps: cannot create the folder '$T_DIR/plainfile' of the checkpoint '$T_DIR/plainfile/sub/x.ck': Not a directory" \
	"the error names the folder"
expect_err_lacks ".tmp." "no temporary file is named"
pps_admin -o ndjson quarantine-messages-list folder_name=Quarantine sender=phish.test "$A" "$B" limit=3
expect_rc 0 "a listing to act on"
head -2 <<<"$OUT" >"$T_DIR/two.ndjson"
guid=$(tail -1 <<<"$OUT" | jq -r '.GUID // .guid')
run pps_env "$PPS" --report "$T_DIR/journals/jan/del.jsonl" quarantine-message-delete local_guid=@"$T_DIR/two.ndjson"
expect_rc 0 "--report in a folder that does not exist"
expect_eq "$(jq -c 'select(.event == "outcome") | .outcome' "$T_DIR/journals/jan/del.jsonl" | sort -u)" '"done"' \
	"the journal is written"
expect_eq "$(stat -c %a "$T_DIR/journals/jan")" 700 "the report's folder is 0700"
run pps_env "$PPS" --report "$T_DIR/plainfile/r.jsonl" quarantine-message-delete local_guid=9:1:1 folder_name=Quarantine
expect_rc 1 "a report folder that cannot be made"
expect_err_has "cannot create the folder '$T_DIR/plainfile' of the report" "the report's folder is named"
run pps_env "$PPS" quarantine-message-download guid="$guid" out="$T_DIR/mail/new/"
expect_rc 0 "out=DIR/ that does not exist"
[ -s "$T_DIR/mail/new/$guid.eml" ] && ok || fail "the message is saved in the new folder"
expect_eq "$(stat -c %a "$T_DIR/mail/new")" 700 "out='s folder is 0700"
run pps_env "$PPS" quarantine-message-download guid="$guid" out="$T_DIR/mail2/x/m.eml"
expect_rc 0 "out=DIR/FILE whose folder does not exist"
[ -s "$T_DIR/mail2/x/m.eml" ] && ok || fail "the message is saved under its name"
run pps_env "$PPS" quarantine-message-download guid="$guid" out="$T_DIR/plainfile/m.eml"
expect_rc 1 "out= under a file"
expect_err_has "cannot create the folder '$T_DIR/plainfile'" "out=: the folder is named"

# --- 5. The README's delete pipeline when the search matched nothing. ---
pipe="\"\$PPS\" -o ndjson quarantine-messages-list sender=nobody@nowhere.test folder_name=Quarantine,Phish"
run pps_env bash -c "$pipe | \"\$PPS\" quarantine-message-delete local_guid=-"
expect_rc 0 "an empty selection piped into a delete"
expect_err "pps: nothing to delete: the input held no entries" "one line on stderr"
expect_out "" "nothing on stdout"
run pps_env bash -c "$pipe | \"\$PPS\" --fail-empty quarantine-message-delete local_guid=-"
expect_rc 1 "--fail-empty: an empty selection exits 1"
expect_err "pps: nothing to delete: the input held no entries" "--fail-empty: the same line"
: >"$T_DIR/empty"
run pps_env "$PPS" quarantine-message-release local_guid=@"$T_DIR/empty"
expect_rc 0 "an empty file"
expect_err "pps: nothing to release: the input held no entries" "the action is named"
run pps_env "$PPS" quarantine-message-delete local_guid=, folder_name=Quarantine
expect_rc 2 "an empty list typed out is still a usage error"
run "$PPS" help
expect_out_has "--fail-empty" "pps help lists --fail-empty"

# --- 6. --dry-run and --curl: only the requests on stdout; --follow refused. ---
run timeout 20 env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" --curl smart-search "$A" --follow
expect_rc 2 "--curl --follow is refused"
expect_err_has "--follow polls until it is stopped" "and says why"
run timeout 20 env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" --dry-run smart-search "$A" --follow
expect_rc 2 "--dry-run --follow is refused"
for fmt in table csv json ndjson; do
	run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" -o $fmt --dry-run \
		quarantine-messages-list folder_name=Quarantine,Phish sender=x "$A" "$B" --all
	expect_rc 0 "--dry-run -o $fmt --all"
	expect_eq "$(grep -cv '^GET https://' <<<"$OUT")" 0 "--dry-run -o $fmt --all: request lines only"
	expect_eq "$(grep -c '^GET https://' <<<"$OUT")" 2 "--dry-run -o $fmt --all: one per folder"
done
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" -o csv --curl smart-search "$A" "$B" --all
expect_rc 0 "--curl --all"
expect_eq "$(grep -cv '^curl ' <<<"$OUT")" 0 "--curl --all: curl lines only"
expect_out_lacks "No results found." "--curl --all: no 'No results found.'"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" -o ndjson --dry-run smart-search "$A" "$B" \
	--all --checkpoint "$T_DIR/dry/a.ck"
expect_rc 0 "--dry-run --all --checkpoint"
[ ! -e "$T_DIR/dry" ] && ok || fail "--dry-run writes no checkpoint (nor its folder)"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=x "$PPS" -o ndjson --dry-run smart-search "$A" "$B" \
	--all --checkpoint "$T_DIR/dry.ck"
expect_rc 0 "--dry-run --all --checkpoint in a folder that exists"
[ ! -e "$T_DIR/dry.ck" ] && ok || fail "--dry-run writes no checkpoint (a real run would find it done)"

# --- 7. One action on an unknown message or folder: 4, naming both. ---
run pps_env "$PPS" quarantine-message-delete local_guid=1:2:3 folder_name=Quarantine
expect_rc 4 "an unknown message"
expect_err "pps: message '1:2:3' not found in folder 'Quarantine'" "the message and the folder are named"
run pps_env "$PPS" quarantine-message-release local_guid=9:21:3 folder_name=Nope
expect_rc 4 "an unknown folder"
expect_err "pps: folder 'Nope' not found (message '9:21:3')" "the folder is named"
run pps_env "$PPS" -o json quarantine-message-move local_guid=1:2:3 folder_name=Quarantine target_folder=Phish
expect_rc 4 "-o json: an unknown message is 4 too"
expect_eq "$(jq -r .totals.refused <<<"$OUT")" 1 "and its outcome stays refused"
run pps_env "$PPS" quarantine-message-delete local_guid=1:2:3,1:2:4 folder_name=Quarantine
expect_rc 2 "a refused batch of two is still refused (2)"
expect_err_has "GUID 1:2:4 in 'Quarantine': Invalid argument: localguid" "a batch of many: the server's text"
expect_err_lacks "not found" "a batch of many: not said to be not found"
sim_stop

# --- 12. --profile without a config file; limit= per cluster. ---
run env XDG_CONFIG_HOME="$T_DIR/noconfig" "$PPS" --profile east,west smart-search "$A" "$B"
expect_rc 2 "--profile east,west without a config file"
expect_err_has "the config file '$T_DIR/noconfig/pps/config' does not exist" "the missing file and its path"
run "$PPS" help
expect_out_has "limit=8 over two clusters prints up to 16 rows" "--profile's help says limit= is per cluster"
sim_start --fixture "$T_DIR/east.json"
EAST_URL=$SIM_URL EAST_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/west.json"
mkdir -p "$XDG_CONFIG_HOME/pps"
cat >"$XDG_CONFIG_HOME/pps/config" <<CONF
[east]
url = $EAST_URL
username = admin
password = admin-pass
cacert = $EAST_CA

[west]
url = $SIM_URL
username = admin
password = admin-pass
cacert = $SIM_CACERT
CONF
chmod 600 "$XDG_CONFIG_HOME/pps/config"
run "$PPS" -o ndjson --profile east,west smart-search "$A" "$B" limit=8
expect_rc 0 "limit=8 over two clusters"
expect_eq "$(wc -l <<<"$OUT" | tr -d ' ')" 16 "limit=8 over two clusters: 16 rows, as documented"
expect_eq "$(jq -r .cluster <<<"$OUT" | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" "8 8 " "8 from each"

done_testing
