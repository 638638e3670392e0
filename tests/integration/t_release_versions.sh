# One version everywhere: include/pps/version.h is the source; CHANGELOG.md's and
# debian/changelog's newest entries, pps --version, pps-sim --version, pkg-config --modversion
# and the man pages' headers name the same. debian/libpps<major>.symbols is current.
. "$(dirname "$0")/lib.sh"

: "${PPS_BUILD_DIR:?PPS_BUILD_DIR must name the build directory}"
SRC=$PPS_SOURCE_DIR
v=$(sed -n 's/^#define PPS_VERSION "\(.*\)"$/\1/p' "$SRC/include/pps/version.h")
[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && ok || fail "version.h: PPS_VERSION '$v' is not X.Y.Z"

expect_eq "$(sed -n 's/^## \[\([^]]*\)\].*/\1/p' "$SRC/CHANGELOG.md" | head -n 1)" "$v" \
	"CHANGELOG.md's newest entry:"
deb=$(sed -n '1s/^pps (\([^)]*\)) .*/\1/p' "$SRC/debian/changelog")
expect_eq "${deb%-*}" "$v" "debian/changelog's newest entry (upstream part):"

run "$PPS" --version
expect_eq "$OUT" "pps $v" "pps --version:"
run "$PPS_SIM" --version
expect_eq "$OUT" "pps-sim $v" "pps-sim --version:"
run env PKG_CONFIG_PATH="$PPS_BUILD_DIR" pkg-config --modversion pps
expect_rc 0 "pkg-config --modversion pps"
expect_eq "$OUT" "$v" "pkg-config --modversion pps:"

# a man page header that names a version names this one
for page in "$SRC"/docs/*.[1-8]; do
	[ -e "$page" ] || continue
	th=$(grep -m1 '^\.TH' "$page")
	named=$(grep -oE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$th" | head -n 1)
	[ -z "$named" ] || expect_eq "$named" "$v" "$(basename "$page")'s .TH line:"
done

run "$SRC/scripts/gen-symbols" --check
expect_rc 0 "debian/libpps${v%%.*}.symbols is stale (run scripts/gen-symbols):"

done_testing
