# examples/ against pps-sim: search prints records, export streams NDJSON, bulk_release acts once
# per batch; and each example builds with `pkg-config --cflags --libs pps` alone against an
# installed libpps, as a user (or the Debian package) builds it.
. "$(dirname "$0")/lib.sh"

: "${PPS_BUILD_DIR:?PPS_BUILD_DIR must name the build directory}"
EX="$PPS_BUILD_DIR/examples"
sim_start --fixture "$FIXTURES/basic.json" || exit 1
export PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT"

run "$EX/search" 100000 user@example.com
expect_rc 0 "search"
expect_out_has "9rLtu31xs8H24NF8KcRw-S6EihtLK-y_"
expect_err_has "search: $(grep -c . <<<"$OUT") records"

run "$EX/export" Quarantine john@doe.com
expect_rc 0 "export a folder"
expect_eq "$(jq -r .localguid <<<"$OUT" | sort | tr '\n' ' ')" "6:6:239 6:6:4 " "export: NDJSON records"
run "$EX/export" -s "10 years"
expect_rc 0 "export a Smart Search"
expect_eq "$(jq -s length <<<"$OUT")" "$(grep -c . <<<"$OUT")" "export: one JSON value per line"

run "$EX/bulk_release" HIPAA <<<$'4:2:6\n4:2:7'
expect_rc 0 "bulk_release"
expect_out_has "will be released momentarily"
curl_sim /rest/v1/sim/outbox
expect_eq "$(jq '[.records[] | select(.action == "release")] | length' <<<"$OUT")" "2" "released once each"
run env PPS_PASSWORD=wrong "$EX/bulk_release" HIPAA <<<'4:2:6'
expect_rc 1 "bulk_release with a wrong password"
expect_err_has "bulk_release: auth"

# inspect: a quarantined message streamed into the inspection, and the same message saved.
G=lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO
run "$EX/inspect" guid=$G
expect_rc 0 "inspect guid="
expect_eq "$(jq -r .source.guid <<<"$OUT")" "$G" "inspect: the guid in source"
curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass -o "$T_DIR/q.eml" "$SIM_URL/rest/v1/quarantine?guid=$G"
run "$EX/inspect" "$T_DIR/q.eml"
expect_rc 0 "inspect a file"
expect_eq "$(jq -c 'del(.source.guid)' <<<"$("$EX/inspect" guid=$G)")" "$(jq -c . <<<"$OUT")" \
	"inspect: the download and the file give one result"
expect_eq "$(jq -r '.headers | type' <<<"$OUT")" "object" "inspect: headers"
run "$EX/inspect" guid=NoSuchGuid
expect_rc 1 "inspect an unknown guid"
expect_err_has "inspect: 'NoSuchGuid': not found"

# Built as a user builds them: an installed libpps and pkg-config alone.
PREFIX="$T_DIR/prefix"
run cmake --install "$PPS_BUILD_DIR" --prefix "$PREFIX"
expect_rc 0 "install"
PC=$(dirname "$(find "$PREFIX" -name pps.pc | head -1)")
EXTRA=
# A Debug libpps carries the sanitizers: its users must link them too.
nm -D "$PREFIX"/lib*/libpps.so* 2>/dev/null | grep -q __asan_init && EXTRA="-fsanitize=address,undefined"
for src in "$PPS_SOURCE_DIR"/examples/*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2046
	run cc -std=c17 -Wall -Wextra -Werror $EXTRA -o "$T_DIR/$name" "$src" \
		$(PKG_CONFIG_PATH="$PC" pkg-config --cflags --libs pps)
	expect_rc 0 "$name builds with pkg-config --cflags --libs pps alone"
	[ "$RC" = 0 ] || printf '%s\n' "$ERR" >&2
done
# The complete example of libpps(3) builds too.
awk '/^\.EX/ { n++; if (n == 1) { on = 1; next } } /^\.EE/ { on = 0 } on' \
	"$PPS_SOURCE_DIR/docs/libpps.3" | sed -e 's/\\e/\\/g' -e 's/\\-/-/g' >"$T_DIR/man_example.c"
# shellcheck disable=SC2046
run cc -std=c17 -Wall -Wextra -Werror $EXTRA -o "$T_DIR/man_example" "$T_DIR/man_example.c" \
	$(PKG_CONFIG_PATH="$PC" pkg-config --cflags --libs pps)
expect_rc 0 "the example of libpps(3) builds"
[ "$RC" = 0 ] || printf '%s\n' "$ERR" >&2
run env LD_LIBRARY_PATH="$(dirname "$(find "$PREFIX" -name 'libpps.so' | head -1)")" \
	"$T_DIR/search" 100000 user@example.com
expect_rc 0 "the installed search runs"
expect_out_has "9rLtu31xs8H24NF8KcRw-S6EihtLK-y_"
[ -f "$PREFIX/share/man/man3/libpps.3" ] && ok || fail "libpps(3) is installed"
# follow: records of a flowing emulator, and a second run goes on from its checkpoint (none
# printed twice, none lost between the runs).
sim_stop
sim_start --flow 20 --max-count 200 --fixture "$FIXTURES/basic.json" || exit 1
export PPS_URL="$SIM_URL" PPS_CACERT="$SIM_CACERT"
CK="$T_DIR/follow.ck"
run "$EX/follow" "$CK" 0 5
expect_rc 0 "follow for 5 s"
N1=$(grep -c . <<<"$OUT")
[ "$N1" -gt 20 ] && ok || fail "follow prints the flow ($N1 records in 5 s at 20 a second)"
[ -s "$CK" ] && ok || fail "follow saves its checkpoint"
printf '%s\n' "$OUT" >"$T_DIR/follow.1"
sleep 2
run "$EX/follow" "$CK" 0 5
expect_rc 0 "follow resumed from its checkpoint"
printf '%s\n' "$OUT" >"$T_DIR/follow.2"
N2=$(grep -c . "$T_DIR/follow.2")
cat "$T_DIR/follow.1" "$T_DIR/follow.2" | awk '{ print $4 }' | sort >"$T_DIR/follow.both"
expect_eq "$(uniq -d "$T_DIR/follow.both" | wc -l | tr -d ' ')" 0 \
	"the resumed run prints nothing the first printed"
# Every record the server holds from the first printed to the last second of the second run.
FIRST=$(head -1 "$T_DIR/follow.1" | cut -c1-19 | tr ' ' T)
LAST=$(tail -1 "$T_DIR/follow.2" | cut -c1-19 | tr ' ' T)
pps_admin -o ndjson smart-search start_time="${FIRST}Z" end_time="${LAST}Z" --all
expect_rc 0 "the server's records of both runs"
jq -r .GUID <<<"$OUT" | sort -u >"$T_DIR/follow.truth"
MISSED=$(comm -23 "$T_DIR/follow.truth" "$T_DIR/follow.both" | wc -l | tr -d ' ')
echo "# follow: $N1 then $N2 records; of the server's $(wc -l <"$T_DIR/follow.truth" | tr -d ' ') between them, $MISSED not printed"
expect_eq "$MISSED" 0 "the second run went on from the first's position: none lost"

done_testing
