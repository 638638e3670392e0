# The pager, on a real terminal (script(1)): a table goes through $PAGER (default less -FRX) as
# one table, not a screenful at a time; --no-pager, a pipe, json and a pager that cannot be run
# leave stdout as it is. --no-headers, --sort-by and -o tsv.
. "$(dirname "$0")/lib.sh"

sim_start --seed 3000 --account demo:demo-pass || exit 1
SS=(smart-search recipient=@example.com 'start_time=7 days' limit=40)

# on_tty COLS ROWS FILE ENV... -- ARGS...: pps on a terminal; what the terminal showed in FILE.
on_tty() {
	local cols=$1 rows=$2 file=$3
	shift 3
	printf 'stty cols %s rows %s; exec' "$cols" "$rows" >"$T_DIR/tty.sh"
	printf ' %q' env PPS_URL="$SIM_URL" PPS_USERNAME=demo PPS_PASSWORD=demo-pass \
		PPS_CACERT="$SIM_CACERT" "$@" >>"$T_DIR/tty.sh"
	printf ' 2>%q\n' "$file.err" >>"$T_DIR/tty.sh"
	timeout 60 script -qec "bash $T_DIR/tty.sh" /dev/null </dev/null 2>&1 |
		sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\r//' >"$file"
	echo "${PIPESTATUS[0]}" >"$file.rc"
}

# rows FILE: the table rows in FILE (colour removed; the rule under the header is no row)
rows() { sed 's/\x1b\[[0-9;]*m//g' "$1" | grep '^[A-Za-z0-9_-]\{32\} ' | grep -vc '^-\{32\}'; }

# $PAGER gets the table, as one table under one header (a terminal of 12 rows, 40 records)
rm -f "$T_DIR/paged"
on_tty 160 12 "$T_DIR/a" PAGER="tee $T_DIR/paged" "$PPS" "${SS[@]}"
[ -s "$T_DIR/paged" ] && ok || fail "the pager got nothing"
expect_eq "$(sed 's/\x1b\[[0-9;]*m//g' "$T_DIR/paged" | grep -c '^GUID ')" 1 "one header in the pager"
expect_eq "$(rows "$T_DIR/paged")" 40 "every row in the pager"
grep -q '^GUID ' "$T_DIR/a" && ok || fail "the terminal shows what the pager shows"
# without a pager a screenful at a time: several headers
on_tty 160 12 "$T_DIR/b" PAGER="tee $T_DIR/paged2" "$PPS" --no-pager "${SS[@]}"
[ -e "$T_DIR/paged2" ] && fail "--no-pager ran the pager" || ok
[ "$(grep -c '^GUID ' "$T_DIR/b")" -gt 1 ] && ok || fail "--no-pager: a screenful at a time"
# the default pager, less -FRX: a short table shows and less ends by itself
unset PAGER
on_tty 160 50 "$T_DIR/c" "$PPS" smart-search recipient=@example.com 'start_time=7 days' limit=3
expect_eq "$(cat "$T_DIR/c.rc")" 0 "less -FRX ends by itself on a short table"
expect_eq "$(rows "$T_DIR/c")" 3 "the rows through less"
# a pager that cannot be run: the table on the terminal all the same
on_tty 160 50 "$T_DIR/d" PAGER=/nonexistent/pager "$PPS" smart-search recipient=@example.com 'start_time=7 days' limit=3
expect_eq "$(rows "$T_DIR/d")" 3 "no pager: the rows on the terminal"
# json on a terminal and a table into a pipe: no pager
on_tty 160 50 "$T_DIR/e" PAGER="tee $T_DIR/paged3" "$PPS" -o json "${SS[@]}"
[ -e "$T_DIR/paged3" ] && fail "json went through the pager" || ok
run env PPS_URL="$SIM_URL" PPS_USERNAME=demo PPS_PASSWORD=demo-pass PPS_CACERT="$SIM_CACERT" \
	PAGER="tee $T_DIR/paged4" "$PPS" "${SS[@]}"
[ -e "$T_DIR/paged4" ] && fail "a pipe went through the pager" || ok

# --no-headers, --sort-by, -o tsv
pps_as demo demo-pass --no-headers --fields GUID,Sender "${SS[@]}"
expect_out_lacks "GUID" "no header"
expect_out_lacks "Smart Search Results" "no title"
expect_eq "$(grep -c . <<<"$OUT")" 40 "rows only"
pps_as demo demo-pass --sort-by=-Spam_Score --fields GUID,Spam_Score "${SS[@]}"
awk 'NR > 3 { print $2 }' <<<"$OUT" >"$T_DIR/scores"
sort -rn "$T_DIR/scores" | cmp -s - "$T_DIR/scores" && ok || fail "--sort-by=-Spam_Score: $(head -3 "$T_DIR/scores" | tr '\n' ' ')"
pps_as demo demo-pass --sort-by Sender --fields Sender,GUID "${SS[@]}"
awk 'NR > 3 { print $1 }' <<<"$OUT" >"$T_DIR/senders"
LC_ALL=C sort "$T_DIR/senders" | cmp -s - "$T_DIR/senders" && ok || fail "--sort-by Sender"
pps_as demo demo-pass --sort-by 'a,b' "${SS[@]}"
expect_rc 2 "--sort-by with two fields"
pps_as demo demo-pass -o tsv --fields GUID,Sender,Subject "${SS[@]}"
expect_eq "$(head -1 <<<"$OUT")" $'GUID\tSender\tSubject' "the tsv header"
expect_eq "$(awk -F'\t' 'NF != 3' <<<"$OUT" | wc -l)" 0 "three cells a line"
expect_eq "$(grep -c . <<<"$OUT")" 41 "a header and 40 rows"
pps_as demo demo-pass -o tsv --no-headers --fields GUID "${SS[@]}"
expect_eq "$(grep -c . <<<"$OUT")" 40 "tsv --no-headers: rows only"
# a tab, a line break or a backslash in a cell is escaped: one line per record
python3 - "$T_DIR/f.json" <<'PY'
import datetime, json, sys
d = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
json.dump({"accounts": [{"username": "demo", "password": "demo-pass"}],
           "folders": [{"name": "Quarantine", "type": "spam"}],
           "quarantine": [{"guid": "Tg%030d" % 1, "localguid": "6:6:1", "folder": "Quarantine",
                           "from": "a@b.test", "rcpts": ["x@y.test", "z@y.test"], "date": d,
                           "subject": "one\ttwo\nthree\\four\u001b[2J"}]}, open(sys.argv[1], "w"))
PY
sim_start --fixture "$T_DIR/f.json" || exit 1
pps_as demo demo-pass -o tsv --fields localguid,subject,rcpts quarantine-messages-list \
	folder_name=Quarantine sender=a@b.test 'start_time=1 hour'
expect_out "$(printf 'localguid\tsubject\trcpts\n6:6:1\tone\\ttwo\\nthree\\\\four\\x1b[2J\tx@y.test,z@y.test')" \
	"tsv escapes \\t \\n \\\\ and shows ESC visibly"

done_testing
