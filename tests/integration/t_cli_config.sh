# pps configuration against pps-sim: flags > environment > config file profiles, password
# files and stdin, the refusal of a config file readable by others, -v without secrets, TLS trust.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json" || exit 1
CFG="$XDG_CONFIG_HOME/pps/config"
mkdir -p "$XDG_CONFIG_HOME/pps"
echo admin-pass >"$T_DIR/admin.pw"
echo pssonly-pass >"$T_DIR/pssonly.pw"
chmod 600 "$T_DIR"/*.pw

cat >"$CFG" <<EOC
[default]
url = $SIM_URL
username = admin
password_file = $T_DIR/admin.pw
cacert = $SIM_CACERT

[lab]
url = $SIM_URL
username = admin
password = wrong-lab-password
cacert = $SIM_CACERT
output = json
EOC
chmod 600 "$CFG"

# the default profile of the XDG config file, nothing else given
run "$PPS" test
expect_rc 0 "config file default profile"
expect_out "ok"

# a named profile (flag or PPS_PROFILE) with a wrong password: 401
run "$PPS" --profile lab test
expect_rc 3 "profile lab"
expect_err_lacks "wrong-lab-password"
run env PPS_PROFILE=lab "$PPS" test
expect_rc 3 "PPS_PROFILE"
run "$PPS" --profile nosuch test
expect_rc 2 "unknown profile"
expect_err_has "no profile 'nosuch'"

# the environment beats the file, flags beat the environment
run env PPS_PASSWORD=admin-pass "$PPS" --profile lab -o table test
expect_rc 0 "env password over the file's"
run env PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --username pssonly --password-file "$T_DIR/pssonly.pw" test
expect_rc 3 "flags over env"
expect_err_has "'Quarantine', 'enduser'"

# the profile's output format applies; -o beats it
run env PPS_PASSWORD=admin-pass "$PPS" --profile lab get-user uid=demo.user
expect_eq "$(jq -r .Proofpoint.User.uid <<<"$OUT")" "demo.user" "output=json from the profile"
run env PPS_PASSWORD=admin-pass "$PPS" --profile lab -o csv get-user uid=demo.user
expect_out_has "uid,email"

# --config FILE
cp "$CFG" "$T_DIR/other.cfg"
rm "$CFG"
run "$PPS" --config "$T_DIR/other.cfg" test
expect_rc 0 "--config"
run "$PPS" --config "$T_DIR/missing.cfg" test
expect_rc 2 "missing --config"
expect_err_has "cannot open config file"

# a config file holding a password, readable by others: refused with the fix
chmod 644 "$T_DIR/other.cfg"
run "$PPS" --config "$T_DIR/other.cfg" test
expect_rc 2 "readable config with a password"
expect_err "pps: config file '$T_DIR/other.cfg' holds a password and is readable by others: run chmod 600 '$T_DIR/other.cfg'"

# nothing configured: usage errors that name the way out
run "$PPS" test
expect_rc 2 "no URL"
expect_err_has "PPS_URL"
run env PPS_URL="$SIM_URL" "$PPS" test
expect_rc 2 "no username"
expect_err_has "PPS_USERNAME"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin "$PPS" test
expect_rc 2 "no password"
expect_err_has "--password-file"

# no --password flag: a password on the command line is visible to others
run "$PPS" --password admin-pass test
expect_rc 2 "--password refused"
expect_err_has "visible to other users"

# --password-stdin
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_CACERT="$SIM_CACERT" "$PPS" --password-stdin test <<<"admin-pass"
expect_rc 0 "--password-stdin"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_CACERT="$SIM_CACERT" "$PPS" --password-stdin \
	quarantine-message-release folder_name=Quarantine local_guid=- <<<"6:6:4"
expect_rc 2 "stdin asked twice"

# -v: method, URL, status; never the password or the Authorization header
pps_admin -v smart-search start_time=2020-01-01 end_time=2021-01-01 guid=9rLtu31xs8H24NF8KcRw-S6EihtLK-y_
expect_rc 0 "-v"
expect_err_has "GET $SIM_URL/rest/v1/pss/filter"
expect_err_has "200"
expect_err_lacks "admin-pass"
expect_err_lacks "Authorization"
expect_err_lacks "YWRtaW46YWRtaW4tcGFzcw"
pps_as admin wrong-secret-pw -v test
expect_rc 3 "-v 401"
expect_err_lacks "wrong-secret-pw"

# TLS: verified by default; the sim's certificate is not in the system store
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" health
expect_rc 6 "untrusted certificate"
expect_eq "$(wc -l <<<"$ERR")" "1" "one line"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass "$PPS" --insecure health
expect_rc 0 "--insecure"
expect_err "pps: warning: certificate verification is off (--insecure)"
run env PPS_URL="$SIM_URL" PPS_USERNAME=admin PPS_PASSWORD=admin-pass PPS_INSECURE=1 "$PPS" health
expect_rc 0 "PPS_INSECURE"
expect_err_has "certificate verification is off"

# option values are checked
pps_admin --timeout soon health
expect_rc 2 "bad --timeout"
pps_admin -o yaml health
expect_rc 2 "bad -o"
expect_err_has "expected one of table, wide, markdown, json, ndjson, csv, tsv, raw"
pps_admin --bogus health
expect_rc 2 "unknown option"

# global options after the command
pps_admin get-user uid=demo.user -o json
expect_eq "$(jq -r .Proofpoint.User.uid <<<"$OUT")" "demo.user" "-o after the command"

done_testing
