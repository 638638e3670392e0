# The wire against the real emulator: for every case of tests/integration/wire/cases.txt, the
# requests pps-sim logs (GET /rest/v1/sim/requests: method, path, raw query, raw body) for
# `pps ARGS` are exactly those it logs for the lines `pps --curl ARGS` prints, run with bash;
# and the --curl lines never hold the password.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json"
export PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_CACERT="$SIM_CACERT"

# logged: the emulator's log since the last clear, one line per request (method path?query body).
# A time of day in the query is masked: a default start_time ("24 hours") is taken from the clock
# when each command runs, a second apart perhaps (t_wire checks given times to the letter).
logged() {
	curl -sS --cacert "$SIM_CACERT" -u admin:admin-pass "$SIM_URL/rest/v1/sim/requests" |
		jq -r '.records[] | select(.path | startswith("/rest/v1/sim/") | not) |
			"\(.method) \(.path)\(if .query then "?" + .query else "" end) \(.body // "")"' |
		sed -E 's/((from|to|startdate|enddate)=[0-9]{4}-[0-9]{2}-[0-9]{2}(T|%20))[0-9A-F%]+/\1*/g'
}
clear_log() {
	curl -sS -o /dev/null --cacert "$SIM_CACERT" -u admin:admin-pass -X DELETE "$SIM_URL/rest/v1/sim/requests"
}

n=0
while IFS= read -r line; do
	case $line in "> "*) ;; *) continue ;; esac
	args=${line#> }
	n=$((n + 1))
	clear_log
	# The case's words as a shell would split them (quotes), never expanded or redirected.
	mapfile -d '' words < <(python3 -c 'import shlex, sys
sys.stdout.write("".join(w + "\0" for w in shlex.split(sys.argv[1])))' "$args")
	set -- "${words[@]}"
	"$PPS" --timeout 10 "$@" >/dev/null 2>&1 </dev/null
	logged >"$T_DIR/pps.$n"
	clear_log
	"$PPS" --curl "$@" >"$T_DIR/curl.$n" 2>/dev/null </dev/null
	grep -qF admin-pass "$T_DIR/curl.$n" && fail "--curl $args shows the password" || ok
	bash "$T_DIR/curl.$n" >/dev/null 2>&1 </dev/null
	logged >"$T_DIR/replayed.$n"
	[ -s "$T_DIR/pps.$n" ] && ok || fail "pps $args: pps-sim logged no request"
	if cmp -s "$T_DIR/pps.$n" "$T_DIR/replayed.$n"; then
		ok
	else
		fail "pps $args: pps-sim got different requests from --curl: $(diff "$T_DIR/pps.$n" "$T_DIR/replayed.$n" | head -6)"
	fi
done <"$PPS_SOURCE_DIR/tests/integration/wire/cases.txt"
[ "$n" -ge 15 ] && ok || fail "only $n cases read"

done_testing
