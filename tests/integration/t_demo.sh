# scripts/demo (make demo) against the build under test: it runs to the end, shows one release
# in the emulator's outbox and one download, and leaves the newcomer the PATH and PPS_* exports
# and a one-line persistent emulator; that one line and those exports work.
. "$(dirname "$0")/lib.sh"

bin=$(dirname "$PPS")
export XDG_STATE_HOME="$T_DIR/state-home"
run "$PPS_SOURCE_DIR/scripts/demo" "$bin"
expect_rc 0 "demo"
expect_out_has "pps and pps-sim are in $bin"
expect_out_has "GUID identifies a message everywhere"
expect_out_has '"action":"release"'
expect_err_has "saved './"
expect_out_has "Return-Path: <"
expect_out_has "  $bin/pps-sim --state-dir $XDG_STATE_HOME/pps-demo --seed 5000 --account demo:demo-password &"
expect_out_has "  export PATH=\"$bin:\$PATH\" PPS_URL=https://127.0.0.1:10000 PPS_CACERT=$XDG_STATE_HOME/pps-demo/cert.pem PPS_USERNAME=demo PPS_PASSWORD=demo-password"
expect_eq "$(wc -l <<<"$ERR")" 1 "stderr holds the saved line alone"

# The printed emulator line, on a free port instead of 10000 (which may be taken here).
sim_start --state-dir "$XDG_STATE_HOME/pps-demo" --seed 5000 --account demo:demo-password || exit 1
[ "$SIM_CACERT" = "$XDG_STATE_HOME/pps-demo/cert.pem" ] && ok || fail "the cacert is not where the demo says"
pps_as demo demo-password -o ndjson smart-search recipient=@example.com limit=3
expect_rc 0 "pps with the printed exports"
expect_eq "$(wc -l <<<"$OUT")" 3 "records from the persistent emulator"

done_testing
