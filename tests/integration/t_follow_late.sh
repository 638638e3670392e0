# --follow against a server that indexes 20 % of its records 70 s after their date (pps-sim
# --flow-late): with --overlap 100 every record comes out once; with --overlap 40 the records
# indexed past the overlap are found by the sweep behind it, printed, and named on stderr.
# (70 s: past the 60 s the follow used to look back; the test runs about 85 s.)
# ctest: slow
. "$(dirname "$0")/lib.sh"

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
LATE=70
sim_start --flow 20 --flow-late 20:$LATE --max-count 200 --fixture "$FIXTURES/basic.json"
T0=$(date +%s)
follow() { # follow NAME OVERLAP: a follower in the background, its pid in PID_NAME
	env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT" \
		"$PPS" -o ndjson --timeout 10 smart-search start_time="$(iso $T0)" --follow \
		--interval 2 --overlap "$2" --checkpoint "$T_DIR/$1.ck" >"$T_DIR/$1.out" 2>"$T_DIR/$1.err" &
	eval "PID_$1=$!"
}
follow wide 100
follow narrow 40
sleep 86
for f in wide narrow; do
	eval "pid=\$PID_$f"
	kill -TERM "$pid"
	wait "$pid"
	expect_eq "$?" 0 "--overlap $f: SIGTERM ends the follow with 0"
done
# Every record dated before the high water less the delay is visible by now.
H=$(jq -r .high_water "$T_DIR/wide.ck")
H2=$(jq -r .high_water "$T_DIR/narrow.ck")
[ "$H2" -lt "$H" ] && H=$H2
END=$((H - LATE - 2))
pps_admin -o ndjson smart-search start_time="$(iso $T0)" end_time="$(iso $END)" --all
expect_rc 0 "the truth"
jq -r .GUID <<<"$OUT" | sort -u >"$T_DIR/truth"
n=$(wc -l <"$T_DIR/truth" | tr -d ' ')
[ "$n" -gt 100 ] && ok || fail "the flow brought messages ($n)"
for f in wide narrow; do
	jq -r .GUID "$T_DIR/$f.out" | sort -u >"$T_DIR/$f.seen"
	lost=$(comm -23 "$T_DIR/truth" "$T_DIR/$f.seen" | wc -l | tr -d ' ')
	expect_eq "$lost" 0 "--overlap $f: none of the $n records lost"
	expect_eq "$(jq -r .GUID "$T_DIR/$f.out" | sort | uniq -d | wc -l | tr -d ' ')" 0 "--overlap $f: none twice"
	echo "# --overlap $f: $n records in the window, $lost lost"
done
expect_eq "$(grep -c . "$T_DIR/wide.err")" 0 "--overlap 100 covers the delay: nothing on stderr"
grep -q "records indexed up to [0-9]* s late, past the --overlap of 40 s: printed now; widen --overlap" \
	"$T_DIR/narrow.err" && ok || fail "--overlap 40: the late records are named: $(cat "$T_DIR/narrow.err")"
grep "indexed up to" "$T_DIR/narrow.err" | sed 's/^/# /'
sim_stop

done_testing
