# pps config show | profiles | set: the settings in effect with their sources (flag,
# environment, file:line, default), the profiles, and set writing the file (mode 0600,
# comments kept, atomically), round-tripping through show; the set value really used.
. "$(dirname "$0")/lib.sh"

cfg="$XDG_CONFIG_HOME/pps/config"
# field KEY: the value and the source columns of KEY's row in OUT
value_of() { awk -v k="$1" '$1 == k { print $2 }' <<<"$OUT"; }
source_of() { awk -v k="$1" '$1 == k { $1 = ""; $2 = ""; sub(/^ +/, ""); print }' <<<"$OUT"; }

# no file yet: show says so, every source the default; profiles is an error
run "$PPS" config show
expect_rc 0 "show without a file"
expect_eq "$(source_of config)" "missing (no file: flags, environment, defaults)" "config row, no file"
expect_eq "$(value_of timeout)" 60 "default timeout"
expect_eq "$(source_of timeout)" default "timeout from the default"
run "$PPS" config profiles
expect_rc 2 "profiles without a file"
expect_err_has "no config file" "profiles names the missing file"

# set creates the file (and its folder) with mode 0600
run "$PPS" config set url https://pps.example.test:10000
expect_rc 0 "set into a new file"
expect_eq "$(stat -c %a "$cfg")" 600 "a new config file is mode 0600"
expect_eq "$(stat -c %a "$(dirname "$cfg")")" 700 "its new folder is mode 0700"
run "$PPS" config show
expect_eq "$(value_of url)" https://pps.example.test:10000 "show: the url set"
expect_eq "$(source_of url)" "file $cfg:2" "show: the url's file line"

# a hand-written file: comments, two profiles; set keeps every other line byte for byte
cat >"$cfg" <<'INI'
; pps settings, written by hand
[default]
# the lab server
url = https://old.example.test
timeout = 20   ; slow lab

[east]
; east cluster
username = alice
INI
chmod 600 "$cfg"
cp "$cfg" "$T_DIR/before"
run "$PPS" config set url https://new.example.test
expect_rc 0 "set an existing key"
run "$PPS" config set timeout 45
run "$PPS" config set cacert /etc/ssl/east.pem --profile east
expect_rc 0 "set with --profile after the words"
run "$PPS" --profile west config set retries 7
expect_rc 0 "set into a new profile"
expect_eq "$(stat -c %a "$cfg")" 600 "the mode stays 0600"
diff <(sed -e 's|^url = https://old.example.test$|url = https://new.example.test|' \
	-e 's|^timeout = 20   ; slow lab$|timeout = 45   ; slow lab|' \
	-e 's|^username = alice$|username = alice\ncacert = /etc/ssl/east.pem|' "$T_DIR/before";
	printf '\n[west]\nretries = 7\n') "$cfg" >"$T_DIR/diff" && ok ||
	fail "set changed more than its lines: $(cat "$T_DIR/diff")"
grep -qx '; pps settings, written by hand' "$cfg" && grep -qx '# the lab server' "$cfg" &&
	grep -qx '; east cluster' "$cfg" && ok || fail "comments lost"
ls "$(dirname "$cfg")" | grep -v '^config$' | grep -q . && fail "a temporary file was left" || ok

# an indented line continues the value above it (as libinih reads it): not a key of its own
printf '[cont]\nproxy = http://one\n  timeout = 5\n' >>"$cfg"
run "$PPS" --profile cont config set timeout 7
expect_eq "$(tail -n 3 "$cfg")" "$(printf 'proxy = http://one\n  timeout = 5\ntimeout = 7')" "a continuation line is not taken for a key"
head -n -4 "$cfg" >"$T_DIR/trim" && cat "$T_DIR/trim" >"$cfg"

# show: the values set, each with its line; flag and environment win and say so
run "$PPS" config show
expect_eq "$(value_of url)" https://new.example.test "round trip: url"
expect_eq "$(source_of url)" "file $cfg:4" "round trip: url's line"
expect_eq "$(value_of timeout)" 45 "round trip: timeout"
expect_eq "$(source_of timeout)" "file $cfg:5" "round trip: timeout's line"
expect_eq "$(value_of profile)" default "the profile in effect"
run env PPS_URL=https://env.example.test "$PPS" config show --timeout 9
expect_eq "$(value_of url)" https://env.example.test "env url"
expect_eq "$(source_of url)" "environment PPS_URL" "env url named"
expect_eq "$(source_of timeout)" "flag --timeout" "flag named"
run env PPS_PROFILE=east "$PPS" config show
expect_eq "$(source_of profile)" "environment PPS_PROFILE" "the profile's source"
expect_eq "$(value_of username)" alice "east's username"
expect_eq "$(source_of username)" "file $cfg:9" "east's username line"
expect_eq "$(value_of cacert)" /etc/ssl/east.pem "east's cacert set"
expect_eq "$(source_of cacert)" "file $cfg:10" "east's cacert line"
expect_eq "$(value_of url)" - "east has no url"

# profiles: every section, * the one in effect
run "$PPS" --profile east config profiles
expect_rc 0 "profiles"
expect_out "$(printf '  default\n* east\n  west')" "profiles lists the three, east marked"

# the password is never printed, only where it comes from
printf 'secret-pass-123\n' >"$T_DIR/pw"
chmod 600 "$T_DIR/pw"
run "$PPS" config set password_file "$T_DIR/pw"
run env PPS_PASSWORD=other-secret "$PPS" config show
expect_out_lacks secret "no password on screen"
expect_eq "$(source_of password)" "environment PPS_PASSWORD" "the password's source"
run "$PPS" config show
expect_eq "$(source_of password)" "file $cfg:6" "the password_file line is the password's source"

# refusals: unknown key (exit 2), a password on the command line, a bad value, a symlink
run "$PPS" config set colour never
expect_rc 2 "unknown key"
expect_err_has "unknown config key 'colour'" "unknown key named"
run "$PPS" config set password hunter2
expect_rc 2 "password refused"
run "$PPS" config set timeout soon
expect_rc 2 "bad timeout"
expect_err "pps: invalid timeout 'soon': expected a number"
run "$PPS" config set output jsn
expect_rc 2 "bad output"
ln -s "$cfg" "$T_DIR/link"
run "$PPS" --config "$T_DIR/link" config set url https://x.test
expect_rc 2 "a symlinked config file is not rewritten"
run "$PPS" config
expect_rc 2 "config without a word"

# a wider file is narrowed to 0600 and says so
chmod 644 "$cfg"
run "$PPS" config set retries 2
expect_rc 0 "set on a 0644 file"
expect_eq "$(stat -c %a "$cfg")" 600 "narrowed to 0600"
expect_err_has "was mode 0644, is now 0600" "the narrowing said"

# the value set is the one a command uses: against a real pps-sim
sim_start --fixture "$FIXTURES/basic.json" || exit 1
printf 'admin-pass\n' >"$T_DIR/pw"
run "$PPS" --profile lab config set url "$SIM_URL"
run "$PPS" --profile lab config set username admin
run "$PPS" --profile lab config set cacert "$SIM_CACERT"
run "$PPS" --profile lab config set password_file "$T_DIR/pw"
run "$PPS" --profile lab health
expect_rc 0 "a command runs on the settings config set wrote"
done_testing
