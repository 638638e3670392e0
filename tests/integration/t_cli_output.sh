# The output contract of docs/output.md, driven by its table: for every row, -o json prints
# exactly one JSON document passing the row's jq test, -o ndjson that many JSON lines, -o csv
# the row's header with LF line ends (or a usage error, or nothing).
. "$(dirname "$0")/lib.sh"

DOC="$PPS_SOURCE_DIR/docs/output.md"
sim_start --fixture "$FIXTURES/basic.json" || exit 1
cd "$T_DIR" || exit 1

# The rows between the markers: | `arguments` | `jq test` | lines | `header` |
rows=$(sed -n '/<!-- BEGIN CONTRACT -->/,/<!-- END CONTRACT -->/p' "$DOC" | grep '^| `')
[ "$(wc -l <<<"$rows")" -ge 10 ] && ok || fail "docs/output.md's contract table has too few rows"
while IFS= read -r row; do
	# Cells are split on " | " outside backquotes; "\|" inside a cell is a literal pipe.
	row=${row//'\|'/$'\x01'}
	IFS=$'\x02' read -r args jqtest lines header < <(sed -e 's/^| //; s/ |$//; s/ | /\x02/g' <<<"$row")
	args=${args//\`/}
	jqtest=${jqtest//\`/}
	jqtest=${jqtest//$'\x01'/|}
	header=${header//\`/}
	read -ra words <<<"$args"
	name="${words[0]}"

	pps_admin -o json "${words[@]}"
	expect_rc 0 "json $args"
	expect_eq "$(jq -s length <<<"$OUT" 2>/dev/null)" 1 "json $args: one document"
	jq -e "$jqtest" <<<"$OUT" >/dev/null && ok || fail "json $name: jq test '$jqtest' is false"

	pps_admin -o ndjson "${words[@]}"
	expect_rc 0 "ndjson $args"
	if [ "$lines" = 0 ]; then
		expect_out "" "ndjson $name: no lines"
	else
		expect_eq "$(wc -l <<<"$OUT")" "$lines" "ndjson $name: lines"
		expect_eq "$(jq -c 'type' <<<"$OUT" | sort -u)" '"object"' "ndjson $name: one object a line"
	fi

	pps_admin -o csv "${words[@]}"
	case $header in
	usage)
		expect_rc 2 "csv $name: usage error"
		expect_out "" "csv $name: nothing on stdout"
		;;
	-)
		expect_rc 0 "csv $name"
		expect_out "" "csv $name: nothing on stdout"
		;;
	*)
		expect_rc 0 "csv $name"
		expect_eq "$(sed -n 1p <<<"$OUT")" "$header" "csv $name: header"
		[ "$(printf '%s' "$OUT" | tr -cd '\r' | wc -c)" = 0 ] && ok || fail "csv $name: CR in the output"
		;;
	esac
done <<<"$rows"

# csv lines end in LF, so awk sees the last field as it is
pps_admin -o csv smart-search start_time=2020-05-16T00:00:00Z end_time=2020-05-17T00:00:00Z
expect_eq "$(awk -F, '$NF == "accept"' <<<"$OUT" | wc -l)" 1 "awk matches the last field"

done_testing
