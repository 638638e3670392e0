# Shared helpers of the integration tests: start a real pps-sim on a free loopback port over
# HTTPS, run the real pps against it, assert. Sourced by tests/integration/t_*.sh.
# The emulator is always stopped, also when a test fails (trap on EXIT).
set -u

: "${PPS:?PPS must name the pps binary}"
: "${PPS_SIM:?PPS_SIM must name the pps-sim binary}"
: "${PPS_SOURCE_DIR:?}"
FIXTURES="$PPS_SOURCE_DIR/tests/fixtures"
T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pps-$T_NAME.XXXXXX")
T_FAILS=0
T_CHECKS=0
SIM_PID=
SIM_PIDS=()
# A table on a terminal goes through $PAGER: no test waits on a pager for a key (t_pager.sh
# runs the default one on purpose).
export PAGER=cat

# PPS_WRAP (e.g. "valgrind -q --error-exitcode=99"): run both binaries under a wrapper.
if [ -n "${PPS_WRAP:-}" ]; then
	mkdir -p "$T_DIR/bin"
	printf '#!/bin/sh\nexec %s %q "$@"\n' "$PPS_WRAP" "$PPS" >"$T_DIR/bin/pps"
	printf '#!/bin/sh\nexec %s %q "$@"\n' "$PPS_WRAP" "$PPS_SIM" >"$T_DIR/bin/pps-sim"
	chmod +x "$T_DIR/bin/pps" "$T_DIR/bin/pps-sim"
	PPS="$T_DIR/bin/pps"
	PPS_SIM="$T_DIR/bin/pps-sim"
fi

# Keep the client's environment clean of the user's own configuration.
unset PPS_URL PPS_USERNAME PPS_PASSWORD PPS_CACERT PPS_INSECURE PPS_PROFILE http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export XDG_CONFIG_HOME="$T_DIR/config"
export HOME="$T_DIR/home"
mkdir -p "$XDG_CONFIG_HOME" "$HOME"

t_cleanup() {
	local pid
	for pid in "${SIM_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	if [ "$T_FAILS" -eq 0 ]; then
		rm -rf "$T_DIR"
	else
		echo "# kept $T_DIR for inspection" >&2
	fi
}
trap t_cleanup EXIT

# sim_start [pps-sim flags...]: starts pps-sim on 127.0.0.1:0 with its own state dir (unless
# --state-dir is given) and waits for its ready line. Sets SIM_URL, SIM_CACERT, SIM_PID, SIM_LOG.
sim_start() {
	local state="$T_DIR/state.$RANDOM" line i
	case " $* " in *" --state-dir "*) state= ;; esac
	SIM_LOG="$T_DIR/sim.$RANDOM.log"
	if [ -n "$state" ]; then
		"$PPS_SIM" --listen 127.0.0.1:0 --state-dir "$state" "$@" >"$SIM_LOG" 2>&1 &
	else
		"$PPS_SIM" --listen 127.0.0.1:0 "$@" >"$SIM_LOG" 2>&1 &
	fi
	SIM_PID=$!
	SIM_PIDS+=("$SIM_PID")
	for i in $(seq 1 300); do
		line=$(grep -m1 '^pps-sim: ready ' "$SIM_LOG" 2>/dev/null || true)
		[ -n "$line" ] && break
		if ! kill -0 "$SIM_PID" 2>/dev/null; then
			echo "# pps-sim exited before it was ready:" >&2
			cat "$SIM_LOG" >&2
			return 1
		fi
		sleep 0.1
	done
	if [ -z "$line" ]; then
		echo "# pps-sim was not ready within 30 s:" >&2
		cat "$SIM_LOG" >&2
		return 1
	fi
	SIM_URL=$(sed -n 's/.* url=\([^ ]*\).*/\1/p' <<<"$line")
	SIM_CACERT=$(sed -n 's/.* cacert=\([^ ]*\).*/\1/p' <<<"$line")
	export SIM_URL SIM_CACERT
}

# sim_stop: stops the last started emulator (SIGTERM), waits for it, returns its exit status.
sim_stop() {
	local rc
	[ -n "$SIM_PID" ] || return 0
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
	rc=$?
	SIM_PID=
	return $rc
}

# run CMD...: runs a command, capturing OUT, ERR and RC (never fails the script).
run() {
	local o="$T_DIR/out.$$" e="$T_DIR/err.$$"
	"$@" >"$o" 2>"$e"
	RC=$?
	OUT=$(cat "$o")
	ERR=$(cat "$e")
}

# pps_as USER PASS ARGS...: runs pps against the emulator as USER, capturing OUT, ERR, RC.
pps_as() {
	local user=$1 pass=$2
	shift 2
	run env PPS_URL="$SIM_URL" PPS_USERNAME="$user" PPS_PASSWORD="$pass" PPS_CACERT="$SIM_CACERT" "$PPS" "$@"
}

# pps_admin ARGS...: pps_as with the fixture's full-rights account.
pps_admin() {
	pps_as admin admin-pass "$@"
}

# curl_sim [curl args...] PATH: an authenticated request to the emulator; body in OUT, status in STATUS.
curl_sim() {
	local path=${*: -1}
	local args=("${@:1:$#-1}")
	local o="$T_DIR/curl.$$"
	STATUS=$(curl -sS --cacert "$SIM_CACERT" -u "${CURL_USER:-admin:admin-pass}" -o "$o" -w '%{http_code}' "${args[@]}" "$SIM_URL$path")
	OUT=$(cat "$o")
}

ok() { T_CHECKS=$((T_CHECKS + 1)); }
fail() {
	T_CHECKS=$((T_CHECKS + 1))
	T_FAILS=$((T_FAILS + 1))
	echo "FAIL: $*" >&2
	echo "  rc=${RC:-} out=$(head -c 600 <<<"${OUT:-}")" >&2
	echo "  err=$(head -c 600 <<<"${ERR:-}")" >&2
}

expect_rc() { [ "$RC" = "$1" ] && ok || fail "${2:-} expected exit $1, got $RC"; }
expect_out() { [ "$OUT" = "$1" ] && ok || fail "${2:-} expected stdout '$1'"; }
expect_err() { [ "$ERR" = "$1" ] && ok || fail "${2:-} expected stderr '$1'"; }
expect_out_has() { grep -qF -- "$1" <<<"$OUT" && ok || fail "${2:-} stdout lacks '$1'"; }
expect_out_lacks() { grep -qF -- "$1" <<<"$OUT" && fail "${2:-} stdout has '$1'" || ok; }
expect_err_has() { grep -qF -- "$1" <<<"$ERR" && ok || fail "${2:-} stderr lacks '$1'"; }
expect_err_lacks() { grep -qF -- "$1" <<<"$ERR" && fail "${2:-} stderr has '$1'" || ok; }
expect_eq() { [ "$1" = "$2" ] && ok || fail "${3:-} expected '$2', got '$1'"; }
expect_status() { [ "$STATUS" = "$1" ] && ok || fail "${2:-} expected HTTP $1, got $STATUS"; }

# done_testing: prints the summary and exits non-zero when any check failed.
done_testing() {
	echo "$T_NAME: $((T_CHECKS - T_FAILS)) passed, $T_FAILS failed"
	[ "$T_CHECKS" -gt 0 ] || { echo "$T_NAME: no checks ran" >&2; exit 1; }
	[ "$T_FAILS" -eq 0 ]
}
