# pps triage driven as a person would, in tmux at 80x24 and 120x40 against pps-sim: open two
# folders on the statistics screen (the chart of both, partial until the walk ends), Tab to the
# index and back, filter, preview, mark three, release them (each exactly once in the emulator's
# request log and outbox), quit with the terminal restored; a lost answer during a release shows
# unknown and nothing is sent twice; SIGTERM restores the terminal; TERM=dumb and no terminal
# are refused with exit 2; no painted line is wider than the pane.
# ctest: slow
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "# tmux is not installed: skipped"; exit 77; }
SOCK="pps-triage-$$"
tm() { tmux -L "$SOCK" "$@"; }
trap 'stop_views; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; t_cleanup' EXIT
export XDG_STATE_HOME="$T_DIR/xdg-state"

# fixture FILE: 60 messages in Quarantine and 20 in Phish, of the last hours; message 3's
# subject holds an escape sequence that must never reach the terminal.
python3 - "$T_DIR/f.json" <<'PY'
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc)
q = []
for i in range(1, 81):
    q.append({"guid": "Qg%030d" % i, "localguid": "6:6:%d" % (1000 + i),
              "folder": "Quarantine" if i <= 60 else "Phish",
              "from": "bad%d@phish.example" % i, "rcpts": ["user%d@corp.test" % (i % 4)],
              "subject": "Reset \x1b[2J%d" % i if i == 3 else "Invoice %d overdue" % i,
              "spamscore": 90 + i % 10,
              "date": (now - datetime.timedelta(seconds=30 + 40 * i)).strftime("%Y-%m-%d %H:%M:%S")})
json.dump({"accounts": [{"username": "admin", "password": "admin-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}, {"name": "Phish", "type": "spam"}],
           "quarantine": q,
           "users": [{"email": "user%d@corp.test" % u, "uid": "user%d" % u} for u in range(4)]},
          open(sys.argv[1], "w"))
PY

# start_view W H URL ARGS...: pps triage in a new tmux session of W x H; the pane stays after
# pps exits, and $T_DIR/view.* hold stty -g before and after, the exit status and the trace.
start_view() {
	local w=$1 h=$2 url=$3
	shift 3
	local args
	args=$(printf ' %q' "$@")
	rm -f "$T_DIR"/view.*
	cat >"$T_DIR/view.sh" <<EOF
#!/bin/bash
stty -g >"$T_DIR/view.before"
env ${VIEW_ENV:-} PPS_URL='$url' PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT='${SIM_CACERT:-}' \
	PPS_TRIAGE_TRACE="$T_DIR/view.trace" "$PPS" ${PPS_FLAGS:-} triage $args 2>"$T_DIR/view.err"
echo \$? >"$T_DIR/view.rc"
stty -g >"$T_DIR/view.after"
exec sleep 600
EOF
	chmod +x "$T_DIR/view.sh"
	stop_views
	# A server still going away may take the new session with it: try again then.
	for _ in 1 2 3; do
		tm new-session -d -s v -x "$w" -y "$h" "$T_DIR/view.sh" 2>>"$T_DIR/tmux.err" &&
			sleep 0.2 && tm has-session -t v 2>/dev/null && return 0
		sleep 0.3
	done
	fail "tmux did not start the view: $(cat "$T_DIR/tmux.err")"
}
# stop_views: the tmux server gone (kill-server returns before it is).
stop_views() {
	local i
	tm kill-server 2>/dev/null
	for i in $(seq 1 100); do
		tm has-session 2>/dev/null || return 0
		sleep 0.05
	done
}
screen() { tm capture-pane -p -t v; }
keys() { tm send-keys -t v "$@"; }
# wait_for TEXT [SECONDS]: until the pane shows TEXT.
wait_for() {
	local i
	for i in $(seq 1 $((${2:-5} * 20))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
wait_rc() {
	local i
	for i in $(seq 1 200); do
		[ -s "$T_DIR/view.rc" ] && [ -s "$T_DIR/view.after" ] && return 0
		sleep 0.05
	done
	return 1
}
# fits W H: every line of the pane within W columns, the status line on the row above the last.
fits() {
	local w=$1 h=$2 widest
	widest=$(screen | wc -L)
	[ "$widest" -le "$w" ] && ok || fail "a line of $widest columns in a pane of $w"
	[ "$(screen | sed -n "$((h - 1))p" | grep -c 'cluster:')" = 1 ] && ok ||
		fail "the status line is on row $((h - 1)) of $h"
}
released() { # released GUID: how many times the outbox holds it
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/outbox" |
		jq --arg g "$1" '[.records[] | select(.localguid == $g)] | length'
}
posted() { # posted GUID: the release requests the emulator got for GUID
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/requests?limit=100000" |
		jq --arg g "$1" '[.records[] | select(.method == "POST" and ((.body // "") | tostring | contains($g)))] | length'
}

# chart_lines: the chart's lines on the pane ("2026-12-06 19:00 12 ####").
chart_lines() { screen | grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:00 +[0-9]+( |$)'; }
# on_stats: the pane shows the statistics screen, not the index.
on_stats() {
	screen | grep -q "Tab:index" && ! screen | grep -qE '^ +date +folder'
}
# on_index: the pane shows the index (its title line), not the statistics.
on_index() { wait_for " date " && ! screen | grep -q "Tab:index"; }

# --- The whole review at 80x24 and at 120x40. ---
flow() {
	local w=$1 h=$2 g
	sim_start --fixture "$T_DIR/f.json"
	start_view "$w" "$h" "$SIM_URL" folder_name=Quarantine,Phish start_time="1 day"
	# The first screen: the statistics chart of both folders as the walk reads them.
	wait_for "complete: all 80 messages read" && ok ||
		fail "${w}x$h: the first screen counts both folders (80)"
	on_stats && ok || fail "${w}x$h: the first screen is the statistics"
	screen | grep -qF "80 messages, per hour" && ok || fail "${w}x$h: the chart's headline"
	[ "$(chart_lines | wc -l)" -ge 10 ] && ok || fail "${w}x$h: the first screen shows the chart"
	screen | grep -q "Invoice" && fail "${w}x$h: no message row on the statistics" || ok
	fits "$w" "$h"
	# The chart's last hours (a page down at 80x24): bars, and their counts add up to 80.
	[ "$h" -lt 30 ] && keys NPage
	sleep 0.2
	[ "$(chart_lines | awk '{ n += $3 } END { print n }')" = 80 ] && ok ||
		fail "${w}x$h: the chart's hours add up to 80: $(chart_lines | tr '\n' '|')"
	chart_lines | grep -qE ' [0-9]+ +(#|▏|▎|▍|▌|▋|▊|▉|█)' && ok || fail "${w}x$h: the chart has bars"
	# Tab: the index; Tab again: the statistics; Tab: the index.
	keys Tab
	wait_for "Invoice 1 overdue" && ok || fail "${w}x$h: Tab shows the index, the newest first"
	on_index && ok || fail "${w}x$h: Tab leaves the statistics"
	wait_for "/80 " && ok || fail "${w}x$h: the status line counts both folders (80)"
	keys Tab
	wait_for "Tab:index" && ok || fail "${w}x$h: Tab again shows the statistics"
	wait_for "80 messages, per hour" && ok || fail "${w}x$h: the statistics again"
	keys Tab
	wait_for "Invoice 1 overdue" && on_index && ok || fail "${w}x$h: Tab back to the index"
	fits "$w" "$h"
	screen | grep -q $'\x1b' && fail "${w}x$h: an escape reached the pane" || ok
	screen | grep -qF 'Reset \x1b[2J3' && ok || fail "${w}x$h: the escape is shown escaped"
	# Filter: messages 21..29 and 2, 20 match "Invoice 2".
	keys /
	wait_for "filter (empty: none):" && ok || fail "${w}x$h: / asks the filter"
	keys "Invoice 2" Enter
	wait_for "filter: Invoice 2" && ok || fail "${w}x$h: the filter is in the status line"
	wait_for "/11 " && ok || fail "${w}x$h: 11 messages match"
	screen | grep -q "Invoice 3" && fail "${w}x$h: the filter hides the others" || ok
	# Preview the first: its GUID and localguid.
	keys Enter
	wait_for "guid:      Qg000000000000000000000000000002" && ok || fail "${w}x$h: Enter previews"
	screen | grep -qF "localguid: 6:6:1002" && ok || fail "${w}x$h: the preview names the localguid"
	keys q
	wait_for "date" && ok || fail "${w}x$h: q leaves the preview"
	# Help from the key table.
	keys '?'
	wait_for "pps triage: keys" && ok || fail "${w}x$h: ? shows the help"
	screen | grep -qF "release (asks to confirm)" && ok || fail "${w}x$h: the help lists r"
	# The help screen and pps(1)'s KEYS come from one table: every key of the man page is shown.
	if [ "$h" -ge 30 ]; then
		"$PPS" help --man | sed -n '/^\.SH KEYS/,/^\.SH /p' | sed -n 's/^\\fB\(.*\)\\fR$/\1/p' |
			sed 's/\\-/-/g' >"$T_DIR/keys"
		[ "$(wc -l <"$T_DIR/keys")" -ge 20 ] && ok || fail "pps(1) KEYS lists the keys"
		while read -r k; do
			screen | grep -qF "  $k " && ok || fail "${w}x$h: the help screen lacks '$k' of pps(1)"
		done <"$T_DIR/keys"
	fi
	keys q
	# Mark three and release them.
	keys t t t
	wait_for "marked: 3" && ok || fail "${w}x$h: three marked"
	keys T r
	wait_for "release 3 messages? (y/N)" && ok || fail "${w}x$h: the confirmation names count and action"
	keys y
	wait_for "release 3: 3 done" && ok || fail "${w}x$h: the outcome is said"
	[ "$(screen | grep -c ' done *$')" = 3 ] && ok || fail "${w}x$h: three rows say done"
	for g in 6:6:1002 6:6:1020 6:6:1021; do
		expect_eq "$(released "$g")" 1 "${w}x$h: $g released exactly once (outbox)"
		expect_eq "$(posted "$g")" 1 "${w}x$h: $g in exactly one POST (request log)"
	done
	expect_eq "$(released 6:6:1022)" 0 "${w}x$h: the unmarked one is not released"
	expect_eq "$("$PPS" -o ndjson audit target=6:6:1020 | jq -r '.operation + " " + .outcome' | tail -1)" \
		"release done" "${w}x$h: the release is in the audit trail, intent and outcome"
	ls "$XDG_STATE_HOME"/pps/triage/*-release.ndjson >/dev/null 2>&1 && ok ||
		fail "${w}x$h: the journal is under the state dir"
	fits "$w" "$h"
	keys q
	wait_rc && ok || fail "${w}x$h: q quits"
	expect_eq "$(cat "$T_DIR/view.rc")" 0 "${w}x$h: exit 0"
	expect_eq "$(cat "$T_DIR/view.after")" "$(cat "$T_DIR/view.before")" "${w}x$h: stty restored"
	expect_eq "$(tm display -p -t v '#{alternate_on}')" 0 "${w}x$h: the alternate screen is left"
	sim_stop
}
flow 80 24
flow 120 40

# --- Resize: 80x24 to 120x40 and back, the view follows; b; SIGTERM and Ctrl-C. ---
sim_start --fixture "$T_DIR/f.json"
start_view 80 24 "$SIM_URL" folder_name=Quarantine
wait_for "complete: all 60 messages read" || fail "resize: first screen"
tm resize-window -t v -x 120 -y 40
sleep 0.5
fits 120 40
screen | grep -q "^2[0-9-]* [0-9:]* *[0-9]* [^ ]\{60,\}" && ok || fail "resize: the chart widens to 120"
tm resize-window -t v -x 80 -y 24
sleep 0.5
fits 80 24
# An action on the statistics, where no message is shown, is refused; ? and q come back there.
keys r
wait_for "r acts on the index's messages: Tab shows the index" && ok ||
	fail "stats: an action without marks is refused"
screen | grep -q "(y/N)" && fail "stats: nothing is asked" || ok
# / on the statistics: they count again what the filter lets through; empty: all again.
keys /
wait_for "filter (empty: none):" || fail "stats: / asks the filter"
keys "Invoice 2" Enter
wait_for "complete: all 11 messages read" && ok || fail "stats: the filter's 11 messages counted"
keys / Enter
wait_for "complete: all 60 messages read" && ok || fail "stats: no filter, all 60 again"
keys '?'
wait_for "pps triage: keys" || fail "stats: ? shows the help"
keys q
wait_for "Tab:index" && on_stats && ok || fail "stats: q leaves the help for the statistics"
keys Tab
wait_for "Invoice 1 overdue" || fail "resize: Tab shows the index"
tm resize-window -t v -x 120 -y 40
sleep 0.5
fits 120 40
tm resize-window -t v -x 80 -y 24
sleep 0.5
fits 80 24
# b: the senders of the two newest into their recipients' blocklists, confirmed, journaled.
keys t t T b
wait_for "add the senders of 2 messages to the blocklist of 2 users? (y/N)" && ok ||
	fail "b: the confirmation names the messages, the list and the users"
keys y
wait_for "blocklist: 2 of 2 users done" && ok || fail "b: both users done"
pps_admin -o json user-blocklist-list email=user1@corp.test
expect_eq "$(jq -r '[.Proofpoint.User.Blocklist[].entry] | join(",")' <<<"$OUT")" \
	"bad1@phish.example" "b: user1's blocklist holds the sender"
ls "$XDG_STATE_HOME"/pps/triage/*-blocklist.ndjson >/dev/null 2>&1 && ok ||
	fail "b: the journal is under the state dir"
# D: the message under the cursor saved atomically where asked; never over an existing file.
mkdir -p "$T_DIR/dl"
keys g D
wait_for "download to (empty: ./<guid>.eml):" && ok || fail "D: asks the path"
keys -l "$T_DIR/dl/one.eml"
keys Enter
wait_for "download 1 message? (y/N)" && ok || fail "D: asks to confirm"
keys y
wait_for "saved '$T_DIR/dl/one.eml'" && ok || fail "D: saved"
expect_eq "$(stat -c %a "$T_DIR/dl/one.eml")" 600 "D: the file is 0600"
grep -q "^Subject: " "$T_DIR/dl/one.eml" && ok || fail "D: the file holds the message"
inode=$(stat -c %i "$T_DIR/dl/one.eml")
keys D
wait_for "download to" || fail "D again: asks the path"
keys -l "$T_DIR/dl/one.eml"
keys Enter y
wait_for "download 'Qg000000000000000000000000000001': '" && ok || fail "D: the refusal is said"
expect_eq "$(stat -c %i "$T_DIR/dl/one.eml")" "$inode" "D: an existing file is not replaced"
# m: asks the folder, names it in the confirmation, moves through the bulk runner.
keys m
wait_for "move to folder:" && ok || fail "m: asks the folder"
keys -l Phish
keys Enter
wait_for "move 1 message to Phish? (y/N)" && ok || fail "m: the confirmation names the folder"
keys y
wait_for "move 1: 1 done" && ok || fail "m: moved"
pps_admin -o json quarantine-messages-list folder_name=Phish subject='Invoice 1 overdue'
expect_eq "$(jq -r '[.Proofpoint.QuarantinedMessage[].localguid] | join(",")' <<<"$OUT")" "6:6:1001" \
	"m: the message is in Phish"
# SIGTERM: the terminal restored, exit 130.
kill -TERM "$(sed -n 's/.* pid=\([0-9]*\).*/\1/p' "$T_DIR/view.trace" | head -1)"
wait_rc && ok || fail "SIGTERM ends the view"
expect_eq "$(cat "$T_DIR/view.rc")" 130 "SIGTERM: exit 130"
expect_eq "$(cat "$T_DIR/view.after")" "$(cat "$T_DIR/view.before")" "SIGTERM: stty restored"
expect_eq "$(tm display -p -t v '#{alternate_on}')" 0 "SIGTERM: the alternate screen is left"
# Colour marks a message; NO_COLOR turns it off (tmux capture-pane -e shows the attributes).
start_view 80 24 "$SIM_URL" folder_name=Quarantine
wait_for "messages read" || fail "colour: first screen"
keys Tab
wait_for "Invoice 2 overdue" || fail "colour: the index"
keys t
wait_for "marked: 1" || fail "colour: marked"
tm capture-pane -e -p -t v | grep -q $'\e\[[0-9;]*3[0-7]m' && ok || fail "colour: the mark is coloured"
keys q
wait_rc || fail "colour: q quits"
# Ctrl-C: the same, here with NO_COLOR.
VIEW_ENV=NO_COLOR=1 start_view 80 24 "$SIM_URL" folder_name=Quarantine
wait_for "messages read" || fail "ctrl-c: first screen"
keys Tab
wait_for "Invoice 2 overdue" || fail "ctrl-c: the index"
keys t
wait_for "marked: 1" || fail "NO_COLOR: marked"
tm capture-pane -e -p -t v | grep -q $'\e\[[0-9;]*3[0-7]m' && fail "NO_COLOR: a colour was drawn" || ok
keys C-c
wait_rc && ok || fail "Ctrl-C ends the view"
expect_eq "$(cat "$T_DIR/view.rc")" 130 "Ctrl-C: exit 130"
expect_eq "$(cat "$T_DIR/view.after")" "$(cat "$T_DIR/view.before")" "Ctrl-C: stty restored"
sim_stop

# --- The answer to the release lost: unknown, sent once, never again. ---
sim_start --fixture "$T_DIR/f.json" --no-tls
python3 "$PPS_SOURCE_DIR/tests/integration/helpers/drop_proxy.py" --upstream "${SIM_URL#http://}" \
	--drop-post 1 >"$T_DIR/proxy.out" 2>"$T_DIR/proxy.err" &
PROXY_PID=$!
SIM_PIDS+=("$PROXY_PID")
for _ in $(seq 1 100); do
	PROXY_PORT=$(sed -n 's/^port //p' "$T_DIR/proxy.out")
	[ -n "$PROXY_PORT" ] && break
	sleep 0.05
done
SIM_CACERT=
start_view 80 24 "http://127.0.0.1:$PROXY_PORT" folder_name=Quarantine
wait_for "messages read" || fail "lost: first screen"
keys Tab
wait_for "Invoice 1 overdue" || fail "lost: the index"
keys t t t T r
wait_for "release 3 messages? (y/N)" || fail "lost: confirmation"
keys y
wait_for "release 3: 0 done, 0 refused, 3 unknown" 20 && ok || fail "lost: the three are unknown"
[ "$(screen | grep -c ' unknown *$')" = 3 ] && ok || fail "lost: three rows say unknown"
outbox=$(curl -sS -u admin:admin-pass "$SIM_URL/rest/v1/sim/outbox" |
	jq -r '[.records[].localguid] | "\(length) \(unique | length)"')
# The server dies (the proxy the view speaks to): a new walk (a filter) fails, said on the
# bottom line; the view stays usable.
kill -9 "$PROXY_PID"
keys / x Enter
wait_for "reading folder 'Quarantine' failed" 20 && ok || fail "dead server: the failure is said"
keys q
wait_rc || fail "lost: q quits"
expect_eq "$(cat "$T_DIR/view.after")" "$(cat "$T_DIR/view.before")" "lost: stty restored"
expect_eq "$outbox" "3 3" "lost: each of the three carried out exactly once"
expect_eq "$("$PPS" -o ndjson audit target=6:6:1003 | jq -r '.outcome' | tail -1)" unknown \
	"lost: the audit trail says unknown"
sim_stop

# --- A slow server: the frame comes at once, the counts grow page by page, partial until the
# walk ends; q on the statistics quits. ---
sim_start --fixture "$T_DIR/f.json" --faults latency=1500ms
start_view 80 24 "$SIM_URL" folder_name=Quarantine,Phish
wait_for "reading the first page..." 1 && ok || fail "slow: the frame is drawn before the first page"
screen | grep -q "partial: 0 messages read so far, still reading" && ok ||
	fail "slow: the empty count is said partial"
screen | grep -q "messages, per hour" && fail "slow: a chart before the first page came" || ok
wait_for "partial: 60 messages read so far, still reading" 10 && ok ||
	fail "slow: the first page (Quarantine) is counted, said partial"
screen | grep -qF "Quarantine (partial)" && ok || fail "slow: the headline says partial"
screen | grep -qF "60 messages, per hour" && ok || fail "slow: the chart of the first page"
wait_for "complete: all 80 messages read" 15 && ok || fail "slow: the counts grow to both folders"
keys q
wait_rc && ok || fail "slow: q on the statistics quits"
expect_eq "$(cat "$T_DIR/view.rc")" 0 "slow: exit 0"
sim_stop

# --- No terminal to draw on: one line, exit 2. ---
export PPS_URL=https://127.0.0.1:9 PPS_USERNAME=admin PPS_PASSWORD=admin-pass
run env TERM=dumb script -qec "$PPS triage" /dev/null
expect_eq "$RC" 2 "TERM=dumb: exit 2"
expect_out_has "pps: triage needs a terminal: TERM=dumb cannot draw a full-screen view" "TERM=dumb: said"
run "$PPS" triage </dev/null
expect_rc 2 "no terminal: exit 2"
expect_err "pps: triage needs a terminal: standard input and output must be a terminal" "no terminal: said"
mkdir -p "$XDG_CONFIG_HOME/pps"
printf '[a]\nurl = https://127.0.0.1:9\nusername = admin\npassword = x\n[b]\nurl = https://127.0.0.2:9\nusername = admin\npassword = x\n' \
	>"$XDG_CONFIG_HOME/pps/config"
chmod 600 "$XDG_CONFIG_HOME/pps/config"
run timeout 20 script -qec "env -u PPS_URL -u PPS_USERNAME -u PPS_PASSWORD $PPS --yes --profile a,b triage" /dev/null
expect_rc 2 "two clusters: exit 2"
expect_out_has "triage shows one cluster: give one profile to --profile" "two clusters: refused"
done_testing
