# Tables on a real terminal (script(1), 80 and 120 columns) over a seeded store: no line wider
# than the terminal, every GUID, localguid, uid and email whole, the hidden columns named once;
# -o wide shows every column; colour only on a terminal, never with NO_COLOR or --color=never.
. "$(dirname "$0")/lib.sh"

sim_start --seed 3000 --account demo:demo-pass || exit 1
CHECK="$PPS_SOURCE_DIR/tests/integration/helpers/tty_check.py"
SS=(smart-search recipient=@example.com 'start_time=7 days' limit=40)
QL=(quarantine-messages-list recipient=example.com folder_name=Quarantine,Phish 'start_time=7 days' limit=40)
USR=(get-user email=demo.user@example.com)

# on_tty COLS FILE [ENV=...] ARGS...: runs pps on a terminal COLS wide: stdout into FILE,
# stderr (the terminal too, for isatty) into FILE.err.
on_tty() {
	local cols=$1 file=$2
	shift 2
	printf 'stty cols %s rows 50; exec' "$cols" >"$T_DIR/tty.sh"
	printf ' %q' env PPS_URL="$SIM_URL" PPS_USERNAME=demo PPS_PASSWORD=demo-pass \
		PPS_CACERT="$SIM_CACERT" "$@" >>"$T_DIR/tty.sh"
	printf ' 2>%q\n' "$file.err" >>"$T_DIR/tty.sh"
	script -qec "bash $T_DIR/tty.sh" /dev/null >"$file" 2>&1 </dev/null
}

pps_as demo demo-pass -o ndjson "${SS[@]}"
jq -r .GUID <<<"$OUT" >"$T_DIR/ss.ids"
[ "$(wc -l <"$T_DIR/ss.ids")" -ge 10 ] && ok || fail "the seeded search found too little"
pps_as demo demo-pass -o ndjson "${QL[@]}"
jq -r '.guid, .localguid' <<<"$OUT" >"$T_DIR/q.ids"
[ "$(wc -l <"$T_DIR/q.ids")" -ge 10 ] && ok || fail "the seeded quarantine found too little"
printf 'demo.user\ndemo.user@example.com\n' >"$T_DIR/u.ids"

for cols in 80 120; do
	for t in ss q u; do
		case $t in
		ss) args=("${SS[@]}") ;;
		q) args=("${QL[@]}") ;;
		u) args=("${USR[@]}") ;;
		esac
		on_tty "$cols" "$T_DIR/tty.out" "$PPS" "${args[@]}"
		python3 "$CHECK" "$cols" "$T_DIR/$t.ids" <"$T_DIR/tty.out" >"$T_DIR/check.out" && ok ||
			fail "$t at $cols columns: $(head -3 "$T_DIR/check.out")"
		grep -q $'\x1b\[1m' "$T_DIR/tty.out" && ok || fail "$t at $cols columns: no bold header on a terminal"
	done
done

# 80 columns: the quarantine table names what it hid, once, and shows guid and localguid
on_tty 80 "$T_DIR/tty.out" "$PPS" "${QL[@]}"
expect_eq "$(grep -c 'hidden to fit the terminal' "$T_DIR/tty.out.err")" 1 "one note"
expect_eq "$(grep -c 'hidden to fit the terminal' "$T_DIR/tty.out")" 0 "the note is on stderr"
grep -q 'localguid  guid  ' "$T_DIR/tty.out" || grep -q 'localguid  guid ' "$T_DIR/tty.out" && ok || fail "guid column in the quarantine table"
# -o wide: every column, nothing cut, lines as long as they need
on_tty 80 "$T_DIR/tty.out" "$PPS" -o wide "${SS[@]}"
grep -q 'Final_Action' "$T_DIR/tty.out" && grep -q 'Date' "$T_DIR/tty.out" && ok || fail "-o wide lacks columns"
grep -q $'\xe2\x80\xa6' "$T_DIR/tty.out" && fail "-o wide cut a cell" || ok
grep -q 'hidden to fit' "$T_DIR/tty.out.err" && fail "-o wide hid a column" || ok
# colour: NO_COLOR and --color=never turn it off, --color=always on into a pipe
on_tty 80 "$T_DIR/tty.out" NO_COLOR=1 "$PPS" "${USR[@]}"
grep -q $'\x1b' "$T_DIR/tty.out" && fail "NO_COLOR" || ok
on_tty 80 "$T_DIR/tty.out" "$PPS" --color=never "${USR[@]}"
grep -q $'\x1b' "$T_DIR/tty.out" && fail "--color=never" || ok
pps_as demo demo-pass --color=always "${USR[@]}"
expect_out_has $'\x1b[1muid'
pps_as demo demo-pass "${USR[@]}"
expect_out_lacks $'\x1b'
pps_as demo demo-pass --color=sometimes "${USR[@]}"
expect_rc 2 "--color=sometimes"
expect_err "pps: invalid --color 'sometimes': expected one of auto, always, never"
# into a pipe: no width limit, nothing hidden, no note
pps_as demo demo-pass "${QL[@]}"
expect_err_lacks "hidden"
expect_out_has "host_ip"

done_testing
