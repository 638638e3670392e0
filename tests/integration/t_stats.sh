# pps stats: over a week of trace past the server's cap, its numbers (total, hourly buckets,
# every top list with counts and shares) equal what jq counts over `smart-search --all -o
# ndjson` of the same window; the chart fits an 80-column terminal with proportional bars, in
# Unicode or ASCII; the quarantine the same; a crowded second exits 1; bad input exits 2.
# ctest: slow
. "$(dirname "$0")/lib.sh"

GEN="$PPS_SOURCE_DIR/tests/integration/helpers/gen_stats_fixture.py"
FLOW="$PPS_SOURCE_DIR/tests/integration/helpers/gen_flow_fixture.py"
START=1736121600 # 2025-01-06T00:00:00Z, a Monday
A="start_time=2025-01-06T00:00:00Z"
B="end_time=2025-01-13T00:00:00Z"
python3 "$GEN" "$T_DIR/week.json" --start $START --messages 4000 --quarantine 600 --seed 7

# The server answers at most 500 records: a week of 4000 needs the walk.
sim_start --fixture "$T_DIR/week.json" --max-count 500

# The truth: the window's records as smart-search --all prints them.
pps_admin -o ndjson smart-search "$A" "$B" --all
expect_rc 0 "the trace of the week"
printf '%s\n' "$OUT" >"$T_DIR/trace.ndjson"
expect_eq "$(wc -l <"$T_DIR/trace.ndjson")" 4000 "the week holds every message"
expect_eq "$(jq -r '.Date | endswith("[UTC+0000]")' "$T_DIR/trace.ndjson" | sort -u)" true \
	"the dates are UTC (the buckets below read them as they are)"

# What jq counts: the hourly buckets and each top list (count descending, then value).
cat >"$T_DIR/truth.jq" <<'EOF'
def rcpts: [if type == "array" then .[] elif type == "string" then split(",")[] else empty end
	| select(type == "string") | sub("^[ \t]+"; "") | sub("[ \t]+$"; "") | select(length > 0)]
	| unique | .[];
def str: select(type == "string");
(length) as $total
| def top(f): [.[] | f] | group_by(.) | map({value: .[0], count: length})
	| sort_by(-.count, .value) | .[:$top]
	| map(. + {share: (((.count * 2000 + $total) / (2 * $total) | floor) / 10)});
  {total: $total,
   hours: (group_by(.[$date][0:13]) | map({key: .[0][$date][0:13], value: length}) | from_entries),
   top: ({senders: top(.[$from] | str),
         sender_domains: top(.[$from] | str | capture("@(?<d>[^@]+)$") | .d | ascii_downcase),
         recipients: top(.[$rcpt] | rcpts),
         subjects: top(.[$subject] | str)}
       + (if $mode == "trace" then {final_actions: top(.Final_Action | str)}
          else {folders: top(.folder | str)} end))}
EOF
# The numbers of pps stats in the same shape (empty hours left out, as jq has none).
SHAPE='{total, hours: (.buckets | map(select(.count > 0)
	| {key: (.start[0:10] + " " + .start[11:13]), value: .count}) | from_entries), top}'

pps_admin -o json stats --all "$A" "$B" by=hour top=10
expect_rc 0 "stats --all"
expect_err "" "a whole walk says nothing on stderr"
printf '%s\n' "$OUT" >"$T_DIR/stats.json"
expect_eq "$(jq -c .window "$T_DIR/stats.json")" \
	'{"start":"2025-01-06T00:00:00Z","end":"2025-01-13T00:00:00Z","by":"hour"}' "the window"
expect_eq "$(jq .total "$T_DIR/stats.json")" 4000 "the total is every record of the week"
expect_eq "$(jq '.buckets | length' "$T_DIR/stats.json")" 168 "a week has 168 hourly buckets"
expect_eq "$(jq '[.buckets[].count] | add' "$T_DIR/stats.json")" 4000 "the buckets add up"
expect_eq "$(jq -r '[.buckets[].start] == ([range(0; 168)] | map(1736121600 + . * 3600 | todate))' \
	"$T_DIR/stats.json")" true "the buckets start on the UTC hours of the window"
jq -S -c --argjson top 10 --arg mode trace --arg date Date --arg from Sender \
	--arg rcpt Recipients --arg subject Subject -s -f "$T_DIR/truth.jq" \
	"$T_DIR/trace.ndjson" >"$T_DIR/want"
jq -S -c "$SHAPE" "$T_DIR/stats.json" >"$T_DIR/got"
cmp -s "$T_DIR/want" "$T_DIR/got" && ok ||
	fail "stats equals jq's counts: $(diff <(jq -S . "$T_DIR/want") <(jq -S . "$T_DIR/got") | head -20)"
expect_eq "$(jq '.top.senders | length' "$T_DIR/stats.json")" 10 "top=10 keeps ten of 41 senders"
expect_eq "$(jq -r '.top.sender_domains[0].value' "$T_DIR/stats.json")" example.com \
	"domains are counted lower-cased (Example.COM is example.com)"

# One request (no --all) counts what one answer holds and is not silent about the cap.
pps_admin -o json --server-cap 500 stats "$A" "$B"
expect_rc 0 "one request"
expect_eq "$(jq .total <<<"$OUT")" 500 "one answer's records"
expect_err_has "more match before" "the cut answer is named"
expect_err_has "use --all" "with the way out"
expect_eq "$(jq -r .window.by <<<"$OUT")" day "a week is counted per day unless by= says"

# CSV: the total, a row per bucket, a row per top entry.
pps_admin -o csv stats --all "$A" "$B" by=day top=3
expect_rc 0 "-o csv"
expect_eq "$(head -2 <<<"$OUT")" $'list,value,count,share\ntotal,,4000,100.0' "the csv's head"
expect_eq "$(grep -c '^day,' <<<"$OUT")" 7 "a row per day"
expect_eq "$(grep '^day,' <<<"$OUT" | awk -F, '{ n += $3 } END { print n }')" 4000 "the days add up"
expect_eq "$(grep -c '^senders,' <<<"$OUT")" 3 "top=3 rows per list"
expect_eq "$(grep '^senders,' <<<"$OUT" | head -1 | cut -d, -f2-3)" \
	"$(jq -r '.top.senders[0] | "\(.value),\(.count)"' "$T_DIR/stats.json")" "the top sender"

# The chart on an 80-column terminal: no line wider, bars proportional to the counts.
tty_run() { # tty_run COLS ENV...: pps stats --all by=hour on a terminal of COLS columns (stdout)
	local cols=$1
	shift
	cat >"$T_DIR/tty.sh" <<EOF
stty cols $cols rows 24
exec env PPS_URL=$SIM_URL PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT=$SIM_CACERT $* \
	$PPS stats --all "$A" "$B" by=hour 2>$T_DIR/tty.err
EOF
	script -qec "bash $T_DIR/tty.sh" /dev/null 2>&1 </dev/null | tr -d '\r'
}
tty_run 80 LC_ALL=C.UTF-8 TERM=xterm >"$T_DIR/chart"
printf '%s\n' user0@example.com '\x1b[31mred alert\x1b[0m' >"$T_DIR/ids"
python3 "$PPS_SOURCE_DIR/tests/integration/helpers/tty_check.py" 80 "$T_DIR/ids" <"$T_DIR/chart" \
	>"$T_DIR/tty.out" && ok || fail "the chart fits 80 columns: $(cat "$T_DIR/tty.out")"
expect_eq "$(grep -c $'\x1b' "$T_DIR/chart")" 0 "no escape sequence from a subject reaches it"
expect_eq "$(grep -c '^2025-01-.. ..:00 ' "$T_DIR/chart")" 168 "a bar line per hour"
grep -q '…' "$T_DIR/chart" && ok || fail "a subject longer than the line is cut with an ellipsis"
cat >"$T_DIR/bars.py" <<'EOF'
import json, re, sys
eighths = {"\u2588": 8, "\u2589": 7, "\u258a": 6, "\u258b": 5, "\u258c": 4, "\u258d": 3,
           "\u258e": 2, "\u258f": 1, "#": 8}
want = {b["start"][:10] + " " + b["start"][11:16]: b["count"]
        for b in json.load(open(sys.argv[2]))["buckets"]}
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d) +(\d+)(?: (.*))?$", line.rstrip("\n"))
    if m:
        rows.append((m.group(1), int(m.group(2)), sum(eighths[c] for c in (m.group(3) or ""))))
bad = [r for r in rows if want.get(r[0]) != r[1]]
top = max(r[1] for r in rows)
cells = max(r[2] for r in rows) / 8
for label, count, units in rows:
    exact = count * cells * 8 / top
    if abs(units - exact) > 0.5 + 1e-9 and not (count and units == 1):
        bad.append((label, count, units, exact))
print("%d bars, longest %g columns; off: %s" % (len(rows), cells, bad[:5]))
sys.exit(1 if bad or len(rows) != 168 or cells < 50 else 0)
EOF
python3 "$T_DIR/bars.py" "$T_DIR/chart" "$T_DIR/stats.json" >"$T_DIR/bars.out" && ok ||
	fail "bars proportional to the counts: $(cat "$T_DIR/bars.out")"
expect_eq "$(grep -c '^Top ' "$T_DIR/chart")" 5 "five top lists follow the chart"

# ASCII: the C locale, TERM=dumb or --ascii draw '#' and nothing outside ASCII.
for how in "LC_ALL=C TERM=xterm" "LC_ALL=C.UTF-8 TERM=dumb"; do
	tty_run 80 $how >"$T_DIR/ascii"
	expect_eq "$(LC_ALL=C grep -c '[^[:print:][:space:]]' "$T_DIR/ascii")" 0 "$how: ASCII only"
	grep -q '^2025-01-06 12:00 *[0-9]* ##*$' "$T_DIR/ascii" && ok || fail "$how: '#' bars"
	python3 "$PPS_SOURCE_DIR/tests/integration/helpers/tty_check.py" 80 "$T_DIR/ids" \
		<"$T_DIR/ascii" >"$T_DIR/tty.out" && ok || fail "$how: fits: $(cat "$T_DIR/tty.out")"
done
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
	LC_ALL=C.UTF-8 "$PPS" stats --all "$A" "$B" by=hour --ascii
expect_rc 0 "--ascii"
expect_eq "$(LC_ALL=C grep -c '[^[:print:][:space:]]' <<<"$OUT")" 0 "--ascii: ASCII only"
# In a pipe the values are never cut.
expect_out_has "Newsletter very long very long very long very long very long very long very long very long very long" \
	"a pipe shows the whole subject"

# The quarantine of three folders, the same way.
Q="folder_name=Quarantine,Phish,Spam"
pps_admin -o ndjson quarantine-messages-list "$Q" sender=phish.test "$A" "$B" --all
expect_rc 0 "the quarantine's truth"
printf '%s\n' "$OUT" >"$T_DIR/quar.ndjson"
expect_eq "$(wc -l <"$T_DIR/quar.ndjson")" 600 "every quarantined message"
pps_admin -o json stats --all "$Q" sender=phish.test "$A" "$B" by=hour top=5
expect_rc 0 "stats of the quarantine"
printf '%s\n' "$OUT" >"$T_DIR/qstats.json"
jq -S -c --argjson top 5 --arg mode quarantine --arg date date --arg from from --arg rcpt rcpts \
	--arg subject subject -s -f "$T_DIR/truth.jq" "$T_DIR/quar.ndjson" >"$T_DIR/want"
jq -S -c "$SHAPE" "$T_DIR/qstats.json" >"$T_DIR/got"
cmp -s "$T_DIR/want" "$T_DIR/got" && ok ||
	fail "quarantine stats equal jq's: $(diff <(jq -S . "$T_DIR/want") <(jq -S . "$T_DIR/got") | head -20)"
expect_eq "$(jq -c '.top.folders | map(.value) | sort' "$T_DIR/qstats.json")" \
	'["Phish","Quarantine","Spam"]' "the folders are a top list"
expect_eq "$(jq -c '.top | has("final_actions")' "$T_DIR/qstats.json")" false \
	"the quarantine has no final actions"

# An empty window says so and exits 0.
pps_admin stats start_time=2024-01-01T00:00:00Z end_time=2024-01-02T00:00:00Z
expect_rc 0 "an empty window"
expect_out_has "No messages in this window." "says so"
pps_admin -o json stats start_time=2024-01-01T00:00:00Z end_time=2024-01-02T00:00:00Z
expect_eq "$(jq -c '[.total, (.buckets | length), (.top.senders | length)]' <<<"$OUT")" \
	"[0,24,0]" "its json: no messages, 24 empty hours, empty lists"

# Bad input: one line, exit 2, nothing sent.
bad() {
	local why=$1
	shift
	pps_admin stats "$@"
	expect_rc 2 "$why"
	expect_eq "$(wc -l <<<"$ERR")" 1 "$why: one line"
	expect_out "" "$why: nothing on stdout"
}
bad "by=week" by=week
bad "end before start" start_time=2025-01-08T00:00:00Z end_time=2025-01-07T00:00:00Z
bad "a year by hour" start_time=2024-01-01T00:00:00Z "$B" by=hour
bad "top=0" top=0
bad "a trace filter with folder_name" folder_name=Phish sender=x action=accept
bad "folder_name without sender, recipient or subject" folder_name=Phish
bad "-o tsv" -o tsv
bad "--follow" --follow
bad "--checkpoint" --all --checkpoint "$T_DIR/ck"
bad "several clusters" --profile east,west
pps_admin stats by=week
expect_err "pps: invalid by 'week': expected one of hour, day" "the choices are named"
sim_stop

# A second holding more records than an answer: the counts of the rest, named, exit 1.
python3 "$FLOW" "$T_DIR/crowd.json" --start 1735689600 --messages 200 \
	--crowded-second $((1735689600 + 100)):80 --tag c --seed 4
sim_start --fixture "$T_DIR/crowd.json" --max-count 50
W=("start_time=2025-01-01T00:00:00Z" "end_time=2025-01-02T00:00:00Z")
pps_admin -o ndjson smart-search "${W[@]}" --all
N=$(wc -l <<<"$OUT")
pps_admin -o json stats --all "${W[@]}"
expect_rc 1 "a crowded second"
expect_err_has "the second 2025-01-01 00:01:40 UTC holds more records than the server returns" \
	"the second is named"
expect_eq "$(jq .total <<<"$OUT")" "$N" "what the walk did get is counted, as smart-search prints it"
sim_stop

done_testing
