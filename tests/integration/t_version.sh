# pps --version and pps-sim --help answer without a server.
. "$(dirname "$0")/lib.sh"

run "$PPS" --version
expect_rc 0
expect_out_has "pps $(sed -n 's/^#define PPS_VERSION "\(.*\)"/\1/p' "$PPS_SOURCE_DIR/include/pps/version.h")"

run "$PPS_SIM" --help
expect_rc 0
expect_out_has "usage: pps-sim"

done_testing
