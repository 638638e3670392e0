# Several clusters at once: --profile east,west runs a search on both emulators side by side,
# merges the records newest first and tags each with its cluster; a dead third cluster is named
# on stderr and the others still print (exit 1). Actions on several clusters need --yes.
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
START=1735689600 # 2025-01-01T00:00:00Z
A="start_time=2025-01-01T00:00:00Z"
B="end_time=2025-01-02T00:00:00Z"
python3 "$GEN" "$T_DIR/east.json" --start $START --messages 30 --tag e --seed 11
python3 "$GEN" "$T_DIR/west.json" --start $((START + 1)) --messages 20 --tag w --seed 12
sim_start --fixture "$T_DIR/east.json"
EAST_URL=$SIM_URL EAST_CA=$SIM_CACERT
sim_start --fixture "$T_DIR/west.json"
WEST_URL=$SIM_URL WEST_CA=$SIM_CACERT
# A port nothing listens on: bound, then closed.
DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

mkdir -p "$XDG_CONFIG_HOME/pps"
cat >"$XDG_CONFIG_HOME/pps/config" <<CONF
[east]
url = $EAST_URL
username = admin
password = admin-pass
cacert = $EAST_CA

[west]
url = $WEST_URL
username = admin
password = admin-pass
cacert = $WEST_CA

[dead]
url = https://127.0.0.1:$DEAD_PORT
username = admin
password = admin-pass
cacert = $EAST_CA
CONF
chmod 600 "$XDG_CONFIG_HOME/pps/config"

# An exported PPS_URL for one server does not pull every cluster to it.
run env PPS_URL="$EAST_URL" "$PPS" -o ndjson --profile east,west smart-search "$A" "$B"
expect_rc 0 "two clusters"
expect_eq "$(jq -r .cluster <<<"$OUT" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	"east=30 west=20 " "every record of both clusters, tagged"
expect_eq "$(jq -r .Date <<<"$OUT" | sort -c -r 2>&1 | wc -l)" 0 "merged newest first"
expect_eq "$(jq -r 'select(.cluster=="east") | .GUID' <<<"$OUT" | grep -vc '^e')" 0 "east's records are east's"

run "$PPS" -o csv --profile east,west smart-search "$A" "$B" limit=5
expect_eq "$(head -1 <<<"$OUT" | cut -d, -f1)" "cluster" "CSV has a cluster column first"
expect_eq "$(wc -l <<<"$OUT")" 11 "CSV: a header and 5 rows per cluster"

run env COLUMNS=200 "$PPS" --profile east,west smart-search "$A" "$B" limit=2
expect_out_has "cluster" "the table has a cluster column"
expect_out_has "east" "the table names the cluster"

# On a narrow terminal (40 columns) the cluster column stays, whole, whatever else must go.
printf 'stty cols 40 rows 50; exec %q --profile east,west smart-search %q %q limit=2 2>/dev/null\n' \
	"$PPS" "$A" "$B" >"$T_DIR/tty.sh"
script -qec "bash $T_DIR/tty.sh" /dev/null 2>&1 </dev/null |
	sed 's/\x1b\[[0-9;]*m//g; s/\r$//' >"$T_DIR/tty.out" # emphasis and the terminal's CR off
expect_eq "$(grep -m1 '^cluster ' "$T_DIR/tty.out" | awk '{print $1, $2}')" "cluster GUID" \
	"40 columns: the cluster column comes first"
expect_eq "$(grep -cE '^(east|west) ' "$T_DIR/tty.out")" 4 "40 columns: every row names its cluster"

# A dead third cluster: named, the others printed, exit 1.
run "$PPS" -o ndjson --timeout 5 --retries 0 --profile east,west,dead smart-search "$A" "$B"
expect_rc 1 "one cluster of three is dead"
expect_eq "$(jq -r .cluster <<<"$OUT" | sort -u | tr '\n' ' ')" "east west " "the live clusters still print"
expect_err_has "pps: cluster 'dead': connection refused" "the dead cluster is named"
expect_eq "$(printf '%s\n' "$ERR" | grep -c '')" 1 "one stderr line"

# All clusters dead: the failure's own status.
run "$PPS" -o ndjson --timeout 5 --retries 0 --profile dead smart-search "$A" "$B"
expect_rc 6 "one dead cluster alone"
PPS_PROFILE=dead,dead2 run "$PPS" -o ndjson smart-search "$A" "$B"
expect_rc 2 "an unknown profile in the list"
expect_err_has "no profile 'dead2'" "the unknown profile is named"

# Quarantine lists merge too; actions need --yes and report per cluster.
run "$PPS" -o ndjson --profile east,west quarantine-messages-list sender=x "$A" "$B"
expect_rc 0 "quarantine search on two clusters"
run "$PPS" --profile east,west quarantine-message-delete folder_name=Quarantine local_guid=1:1:1
expect_rc 2 "an action on two clusters without --yes"
expect_err "pps: refusing to run quarantine-message-delete on 2 clusters at once without --yes"
run "$PPS" --profile east,west --yes quarantine-message-delete folder_name=Quarantine local_guid=1:1:1
expect_err_has "pps: cluster 'east':" "the action reports per cluster (east)"
expect_err_has "pps: cluster 'west':" "the action reports per cluster (west)"

run "$PPS" --profile east,west --url "$EAST_URL" smart-search
expect_rc 2 "--url with several profiles"

done_testing
