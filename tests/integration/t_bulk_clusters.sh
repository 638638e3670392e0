# Bulk actions on several clusters (--profile a,b --yes --report FILE): one journal holds every
# cluster's lines, each tagged with its cluster, and a rerun sends nothing again; an unknown
# outcome on one cluster makes the run exit 8; two profiles naming one server and account are
# refused before anything is sent; the process holding the passwords is not dumpable.
# ctest: slow
. "$(dirname "$0")/lib.sh"

python3 - "$T_DIR/fix.json" <<'PY'
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
q = [{"guid": "Qg%030d" % i, "localguid": "6:6:%d" % (1000 + i), "folder": "Quarantine",
      "from": "bad%d@phish.example" % i, "rcpts": ["user@corp.test"], "subject": "Reset %d" % i,
      "date": (now - datetime.timedelta(seconds=10 + i)).strftime("%Y-%m-%d %H:%M:%S")}
     for i in range(1, 31)]
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}], "quarantine": q}, open(sys.argv[1], "w"))
PY
seq 1001 1030 | sed 's/^/6:6:/' >"$T_DIR/list"

sim_start --fixture "$T_DIR/fix.json"
EAST_URL=$SIM_URL EAST_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/fix.json"
WEST_URL=$SIM_URL WEST_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/fix.json" --faults reset=1
LOSSY_URL=$SIM_URL LOSSY_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/fix.json" --faults latency=4s
SLOW_URL=$SIM_URL SLOW_CA=$SIM_CACERT

profile() { # profile NAME URL CA
	printf '[%s]\nurl = %s\nusername = admin\npassword = admin-pass\ncacert = %s\n\n' "$1" "$2" "$3"
}
mkdir -p "$XDG_CONFIG_HOME/pps"
{
	profile east "$EAST_URL" "$EAST_CA"
	profile west "$WEST_URL" "$WEST_CA"
	profile lossy "$LOSSY_URL" "$LOSSY_CA"
	# The same server and account as east, spelt another way.
	profile east2 "$(sed 's#^https://127.0.0.1#HTTPS://127.0.0.1#' <<<"$EAST_URL")/" "$EAST_CA"
} >"$XDG_CONFIG_HOME/pps/config"
chmod 600 "$XDG_CONFIG_HOME/pps/config"

released() { # released URL CA: the emulator's outbox entries
	curl -sS --cacert "$2" -u admin:admin-pass "$1/rest/v1/sim/outbox" | jq '.records | length'
}

# --- Two clusters, one journal: both clusters' lines, tagged; a rerun sends nothing again. ---
REL=(--batch 10 --report "$T_DIR/j" quarantine-message-release folder_name=Quarantine local_guid=@"$T_DIR/list")
run "$PPS" --profile east,west --yes "${REL[@]}"
expect_rc 0 "two clusters released"
expect_eq "$(jq -r 'select(.event == "outcome") | .cluster + " " + .outcome' "$T_DIR/j" | sort | uniq -c | tr -s ' \n' ' ')" \
	" 30 east done 30 west done " "each cluster's outcomes kept, tagged"
expect_eq "$(jq -r 'select(.cluster == null) | .event' "$T_DIR/j" | wc -l)" 0 "every line names its cluster"
expect_eq "$(released "$EAST_URL" "$EAST_CA") $(released "$WEST_URL" "$WEST_CA")" "30 30" "30 released on each"
run "$PPS" --profile east,west --yes "${REL[@]}"
expect_rc 0 "the same command again"
expect_eq "$(released "$EAST_URL" "$EAST_CA") $(released "$WEST_URL" "$WEST_CA")" "30 30" "nothing sent again"
expect_err_has "pps: cluster 'west': 30 messages done by an earlier run" "each cluster resumes its own"

# --- An unknown on one cluster: exit 8, its lines say unknown, the other's done. ---
run "$PPS" --profile lossy,west --yes --batch 100 --report "$T_DIR/u" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/list"
expect_rc 8 "an unknown outcome on cluster lossy: exit 8"
expect_eq "$(jq -r 'select(.event == "outcome") | .cluster + " " + .outcome' "$T_DIR/u" | sort | uniq -c | tr -s ' \n' ' ')" \
	" 30 lossy unknown 30 west done " "lossy's unknown kept beside west's done"

# --- SIGTERM during cluster slow's batch: the batch finishes, west is not started, exit 130. ---
{
	profile slow "$SLOW_URL" "$SLOW_CA"
} >>"$XDG_CONFIG_HOME/pps/config"
before=$(released "$WEST_URL" "$WEST_CA")
"$PPS" --profile slow,west --yes --report "$T_DIR/t" quarantine-message-release \
	folder_name=Quarantine local_guid=@"$T_DIR/list" >/dev/null 2>"$T_DIR/t.err" &
pid=$!
sleep 1.5
kill -TERM "$pid"
wait "$pid"
RC=$? ERR=$(cat "$T_DIR/t.err")
expect_rc 130 "SIGTERM on the first of two clusters"
expect_err_has "pps: cluster 'west': not started: interrupted" "the next cluster is named, not started"
expect_eq "$(released "$SLOW_URL" "$SLOW_CA") $(released "$WEST_URL" "$WEST_CA")" "30 $before" \
	"slow's batch finished, nothing sent to west"
expect_eq "$(jq -r 'select(.event == "outcome") | .cluster + " " + .outcome' "$T_DIR/t" | sort | uniq -c | tr -s ' \n' ' ')" \
	" 30 slow done " "the journal holds slow's outcomes"

# --- Two profiles for one server and account: refused, nothing sent. ---
before=$(released "$EAST_URL" "$EAST_CA")
run "$PPS" --profile east,east2 --yes quarantine-message-release folder_name=Quarantine local_guid=6:6:1001
expect_rc 2 "the same server twice"
expect_err_has "profiles 'east' and 'east2' name the same server and account" "both profiles named"
expect_eq "$(released "$EAST_URL" "$EAST_CA")" "$before" "nothing released"
run "$PPS" --profile east,east2 -o ndjson smart-search
expect_rc 2 "a search on the same server twice is refused too"

# --- Not dumpable from the first password on: /proc/PID/status belongs to root, not to the user. ---
PUB=$(mktemp -d /tmp/pps-clusters-pub.XXXXXX)
chmod 755 "$PUB"
cp "$SLOW_CA" "$PUB/slow.pem"
cp "$WEST_CA" "$PUB/west.pem"
{
	profile slow "$SLOW_URL" "$PUB/slow.pem"
	profile west "$WEST_URL" "$PUB/west.pem"
} >"$PUB/config"
chmod 600 "$PUB/config"
if [ "$(id -u)" = 0 ] && chown 65534:65534 "$PUB/config" && command -v setpriv >/dev/null; then
	# The checkout may sit in a folder only root can enter (mktemp -d): run a copy from $PUB.
	UPPS=$PPS
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PPS"; then
		cp "$PPS" "$PUB/pps" && chmod 755 "$PUB/pps" && UPPS=$PUB/pps
	fi
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$PUB" XDG_CONFIG_HOME="$PUB" \
		"$UPPS" --config "$PUB/config" --profile west,slow -o ndjson smart-search \
		>/dev/null 2>"$PUB/err" &
	pid=$!
	sleep 2
	owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null)
	expect_eq "$owner" 0 "--profile west,slow: the process is not dumpable (/proc/PID/status owned by root, not 65534)"
	wait "$pid"
	RC=$?
	expect_rc 0 "the search as another user"
else
	echo "# not root: the dumpable check needs setpriv" >&2
fi
rm -rf "$PUB"

done_testing
