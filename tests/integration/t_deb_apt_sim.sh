# scripts/deb-apt-sim, deb-check's "apt can install the packages" step: it passes for packages
# not installed and for packages installed at the same version (the README's order: make deb,
# apt install ./dist/*.deb, make deb-check), and fails for a Depends nothing provides. The
# installed state is a copy of dpkg's status with the package added (Dir::State::status):
# nothing is installed on the machine.
. "$(dirname "$0")/lib.sh"

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "# no apt: skipped"; exit 0; }
SIM="$PPS_SOURCE_DIR/scripts/deb-apt-sim"
cd "$T_DIR" || exit 1

# mkdeb NAME VERSION [DEPENDS]: a tiny package in ./NAME_VERSION_all.deb
mkdeb() {
	mkdir -p "pkg-$1/DEBIAN"
	{
		printf 'Package: %s\nVersion: %s\nArchitecture: all\n' "$1" "$2"
		[ -n "${3:-}" ] && printf 'Depends: %s\n' "$3"
		printf 'Maintainer: pps <pps@example.invalid>\nDescription: test package\n test package\n'
	} >"pkg-$1/DEBIAN/control"
	dpkg-deb -b "pkg-$1" "$1_$2_all.deb" >/dev/null
}
mkdeb pps-apt-sim-test 1.2.3 libc6
mkdeb pps-apt-sim-broken 1.0.0 pps-no-such-package-anywhere

# not installed: apt would install and configure it
run "$SIM" ./pps-apt-sim-test_1.2.3_all.deb
expect_rc 0 "a package not installed"

# installed at this version: a status file that says so (the package's own control fields)
cp /var/lib/dpkg/status status
{
	echo
	echo 'Status: install ok installed'
	dpkg-deb -f ./pps-apt-sim-test_1.2.3_all.deb
} >>status
out=$(apt-get -o Dir::State::status="$T_DIR/status" install -s --no-install-recommends ./pps-apt-sim-test_1.2.3_all.deb 2>&1)
grep -q 'already the newest version' <<<"$out" && ok || fail "the status file does not mark the package installed: $out"
grep -q '^Conf pps-apt-sim-test' <<<"$out" && fail "apt-get -s without --reinstall configured an installed package" || ok
APT_OPTS="-o Dir::State::status=$T_DIR/status" run "$SIM" ./pps-apt-sim-test_1.2.3_all.deb
expect_rc 0 "a package installed at this version (the README's order)"

# a Depends nothing provides fails, naming apt's reason
run "$SIM" ./pps-apt-sim-broken_1.0.0_all.deb
expect_rc 1 "an unmet Depends"
expect_out_has "pps-no-such-package-anywhere" "the missing package named"
done_testing
