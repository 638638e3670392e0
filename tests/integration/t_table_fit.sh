# Terminal tables give who sent it and to whom their share (script(1), 80, 120 and 160 columns):
# at 80 the GUID whole and at least 20 characters of sender and recipient; at 120 senders and
# recipients under 30 characters whole; dates short on a terminal, whole in -o wide and json;
# a --fields column is not cut while another is shown.
. "$(dirname "$0")/lib.sh"

sim_start --seed 3000 --account demo:demo-pass || exit 1
SS=(smart-search recipient=@example.com 'start_time=7 days' limit=40)

on_tty() {
	local cols=$1 file=$2
	shift 2
	printf 'stty cols %s rows 50; exec' "$cols" >"$T_DIR/tty.sh"
	printf ' %q' env PPS_URL="$SIM_URL" PPS_USERNAME=demo PPS_PASSWORD=demo-pass \
		PPS_CACERT="$SIM_CACERT" "$@" >>"$T_DIR/tty.sh"
	printf ' 2>%q\n' "$file.err" >>"$T_DIR/tty.sh"
	script -qec "bash $T_DIR/tty.sh" /dev/null 2>&1 </dev/null |
		sed 's/\x1b\[[0-9;]*m//g; s/\r//' >"$file"
}

pps_as demo demo-pass -o ndjson "${SS[@]}"
printf '%s\n' "$OUT" >"$T_DIR/ss.ndjson"
[ "$(wc -l <"$T_DIR/ss.ndjson")" -ge 10 ] && ok || fail "the seeded search found too little"

# shown FILE FIELD N: on the line of each record's GUID its FIELD is whole when shorter than N
# characters, else shows at least N - 1 of them; prints the narrowest seen.
shown() {
	python3 - "$1" "$2" "$3" "$T_DIR/ss.ndjson" <<'PY'
import json, sys
screen = open(sys.argv[1], encoding="utf-8").read().split("\n")
field, need = sys.argv[2], int(sys.argv[3])
least, bad = 10**6, 0
for rec in map(json.loads, open(sys.argv[4])):
    line = next((l for l in screen if l.startswith(rec["GUID"] + " ")), None)
    if line is None:
        print("GUID %s not whole" % rec["GUID"]); bad = 1; continue
    v = rec[field] if isinstance(rec[field], str) else ", ".join(rec[field])
    want = len(v) if len(v) < need else need - 1
    if v[:want] not in line:
        print("%s of %s: fewer than %d characters of %r" % (field, rec["GUID"], want, v)); bad = 1
    got = len(v) if v in line else max(k for k in range(len(v) + 1) if v[:k] in line)
    least = min(least, got)
print("narrowest", least)
sys.exit(bad)
PY
}

on_tty 80 "$T_DIR/80" "$PPS" "${SS[@]}"
for f in Sender Recipients; do
	r=$(shown "$T_DIR/80" $f 21) && ok || fail "80 columns, $f: $(head -2 <<<"$r")"
	echo "# 80 columns: $f $r"
done
[ "$(LC_ALL=C.UTF-8 wc -L <"$T_DIR/80")" -le 80 ] && ok || fail "a line wider than 80"
on_tty 120 "$T_DIR/120" "$PPS" "${SS[@]}"
for f in Sender Recipients; do
	r=$(shown "$T_DIR/120" $f 30) && ok || fail "120 columns, $f: $(head -2 <<<"$r")"
	echo "# 120 columns: $f $r"
done
# 160 columns: the date shows short (no zone), the zone stays in -o wide and json
on_tty 160 "$T_DIR/160" "$PPS" "${SS[@]}"
grep -Eq '  20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}  ' "$T_DIR/160" && ok ||
	fail "160 columns: no short date: $(sed -n 3p "$T_DIR/160")"
grep -q 'UTC+0000' "$T_DIR/160" && fail "160 columns: the date keeps its zone" || ok
for f in Sender Recipients; do
	r=$(shown "$T_DIR/160" $f 30) && ok || fail "160 columns, $f: $(head -2 <<<"$r")"
done
on_tty 160 "$T_DIR/wide" "$PPS" -o wide "${SS[@]}"
grep -q 'UTC+0000' "$T_DIR/wide" && ok || fail "-o wide lost the date's zone"
on_tty 80 "$T_DIR/json" "$PPS" -o json "${SS[@]}"
grep -q 'UTC+0000' "$T_DIR/json" && ok || fail "-o json lost the date's zone"
# --fields: the named columns share the width; a short sender is whole
on_tty 100 "$T_DIR/f" "$PPS" --fields GUID,Sender,Subject "${SS[@]}"
r=$(shown "$T_DIR/f" Sender 30) && ok || fail "--fields at 100 columns: $(head -2 <<<"$r")"
grep -q 'hidden to fit' "$T_DIR/f.err" && fail "--fields hid a named column" || ok

# colour that carries meaning: a reject in red, on a terminal only, never with NO_COLOR or
# --color=never; the spam score from 50 in yellow
RJ=(smart-search recipient=@example.com action=reject 'start_time=7 days' limit=5)
on_tty_raw() {
	on_tty "$@"
	script -qec "bash $T_DIR/tty.sh" /dev/null 2>&1 </dev/null >"$T_DIR/raw"
}
on_tty_raw 160 "$T_DIR/c" "$PPS" "${RJ[@]}"
grep -q $'\x1b\[31mreject\x1b\[0m' "$T_DIR/raw" && ok || fail "no red reject on a terminal"
on_tty_raw 160 "$T_DIR/c" NO_COLOR=1 "$PPS" "${RJ[@]}"
grep -q $'\x1b\[3' "$T_DIR/raw" && fail "colour with NO_COLOR" || ok
on_tty_raw 160 "$T_DIR/c" "$PPS" --color=never "${RJ[@]}"
grep -q $'\x1b\[3' "$T_DIR/raw" && fail "colour with --color=never" || ok
pps_as demo demo-pass "${RJ[@]}"
expect_out_lacks $'\x1b' "no colour into a pipe"
pps_as demo demo-pass --color=always -o wide quarantine-messages-list recipient=example.com \
	folder_name=Quarantine 'start_time=7 days' limit=20
grep -Eq $'\x1b\\[3[13]m[5-9][0-9]\x1b' <<<"$OUT" && ok || fail "no coloured spam score"

done_testing
