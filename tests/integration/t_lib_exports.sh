# libpps exports exactly the functions pps.h declares, and pps.h compiles alone, strictly.
. "$(dirname "$0")/lib.sh"

: "${PPS_BUILD_DIR:?PPS_BUILD_DIR must name the build directory}"
LIB="$PPS_BUILD_DIR/libpps.so"
HDR="$PPS_SOURCE_DIR/include/pps/pps.h"

if [ -f "$LIB" ]; then
	ok
else
	fail "no $LIB (build the libpps.so target)"
	done_testing
	exit 1
fi

nm -D --defined-only "$LIB" | awk '{print $3}' | sed 's/@.*//' | sort -u >"$T_DIR/exported"
grep 'PPS_EXTERN' "$HDR" | grep -o 'pps_[a-z0-9_]*(' | tr -d '(' | sort -u >"$T_DIR/declared"

OUT=$(grep -v '^pps_' "$T_DIR/exported")
expect_out "" "symbols outside the pps_ prefix are exported:"
OUT=$(diff "$T_DIR/declared" "$T_DIR/exported")
expect_out "" "exports differ from pps.h's declarations (< declared only, > exported only):"
[ "$(wc -l <"$T_DIR/declared")" -ge 20 ] && ok || fail "found too few declarations in pps.h"

# A user includes only pps/pps.h: it must stand alone under strict flags, in C and C++.
printf '#include <pps/pps.h>\nint main(void) { return pps_code_name(PPS_OK) == 0; }\n' >"$T_DIR/h.c"
for std in c99 c11 c17; do
	run cc -std=$std -Wall -Wextra -pedantic -Werror -Wstrict-prototypes -Wshadow \
		-I"$PPS_SOURCE_DIR/include" -fsyntax-only "$T_DIR/h.c"
	expect_rc 0 "pps.h with -std=$std"
	expect_err "" "pps.h with -std=$std"
done
if command -v c++ >/dev/null; then
	cp "$T_DIR/h.c" "$T_DIR/h.cc"
	run c++ -std=c++17 -Wall -Wextra -pedantic -Werror -I"$PPS_SOURCE_DIR/include" \
		-fsyntax-only "$T_DIR/h.cc"
	expect_rc 0 "pps.h from C++"
fi

# Only what pps.h declares is reachable: internal helpers stay hidden.
nm -D --defined-only "$LIB" | grep -q 'pps__\|ppsbuf_\|tu_' && fail "internal symbols exported" || ok

done_testing
