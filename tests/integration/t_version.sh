# pps --version and pps-sim --help answer without a server.
. "$(dirname "$0")/lib.sh"

run "$PPS" --version
expect_rc 0
expect_out_has "pps $(sed -n 's/^#define PPS_VERSION "\(.*\)"/\1/p' "$PPS_SOURCE_DIR/include/pps/version.h")"

run "$PPS_SIM" --help
expect_rc 0
expect_out_has "usage: pps-sim"
# Every flag of pps-sim's option table (its --help) is documented in pps-sim(1).
for flag in $(grep -oE '^  (-[a-z], )?--[a-z-]+' <<<"$OUT" | grep -oE -- '--[a-z-]+'); do
	grep -qF -- "${flag//-/\\-}" "$PPS_SOURCE_DIR/docs/pps-sim.1" && ok ||
		fail "pps-sim(1) does not document $flag"
done

done_testing
