# pps end-user commands against pps-sim: get by email and uid (UID accepted), create (and
# "User already exists"), modify, delete (and "User not found"), the email-or-uid rule.
. "$(dirname "$0")/lib.sh"

sim_start --fixture "$FIXTURES/basic.json" || exit 1

pps_admin get-user email=demo.user@example.com
expect_rc 0 "get by email"
expect_out_has "Proofpoint Protection Server Users"
expect_out_has "demo.user@example.com"
pps_admin -o json get-user uid=demo.user
expect_rc 0 "get by uid"
expect_eq "$(jq -r .Proofpoint.User.email <<<"$OUT")" "demo.user@example.com" "json context Proofpoint.User"
pps_admin -o markdown '!proofpoint-pps-get-user' email=demo.user@example.com
expect_eq "$(sed -n 2p <<<"$OUT")" "|uid|email|firstname|lastname|created|lastmodified|" "markdown columns"
pps_admin -o csv get-user email=jane.doe@example.com
expect_eq "$(sed -n 1p <<<"$OUT" | tr -d '\r')" "uid,email,firstname,lastname,created,lastmodified" "csv header"
pps_admin get-user email=nobody@example.com
expect_rc 4 "unknown user"
expect_err "pps: User not found"
pps_admin get-user
expect_rc 2 "neither email nor uid"
expect_err "pps: Please specify an email or uid"

# create, then again: "User already exists"
pps_admin -o json create-user email=new.user@example.com fields='{"firstname":"New","lastname":"User"}' attributes='{"lang":"de"}'
expect_rc 0 "create"
expect_eq "$(jq -r .Proofpoint.User.firstname <<<"$OUT")" "New" "created profile"
pps_admin create-user email=new.user@example.com
expect_rc 2 "create twice"
expect_err "pps: User already exists"
pps_admin create-user fields='{"firstname":"X"}'
expect_rc 2 "create without email"
expect_err_has "missing required argument 'email'"
pps_admin create-user email=x@example.com fields='{"firstname":'
expect_rc 2 "bad JSON"
expect_err_has "invalid fields"

# modify by UID (the reference's documented name) and by email
pps_admin -o json modify-user UID=demo.user fields='{"lastname":"Changed"}'
expect_rc 0 "modify by UID"
expect_eq "$(jq -r .Proofpoint.User.lastname <<<"$OUT")" "Changed" "modified"
pps_admin modify-user email=new.user@example.com fields='{"firstname":"Renamed"}'
expect_rc 0 "modify by email"
expect_out_has "Modified User"
pps_admin -o json get-user email=new.user@example.com
expect_eq "$(jq -r .Proofpoint.User.firstname <<<"$OUT")" "Renamed" "modification kept"
pps_admin modify-user email=nobody@example.com fields='{"firstname":"X"}'
expect_rc 4 "modify unknown"

# delete
pps_admin delete-user email=new.user@example.com
expect_rc 0 "delete"
expect_out "Deleted User"
pps_admin delete-user email=new.user@example.com
expect_rc 4 "delete twice"
expect_err "pps: User not found"

# dry-run: the request, nothing sent
pps_admin --dry-run create-user email=dry@example.com fields='{"firstname":"D"}' attributes='{"a":"b"}'
expect_rc 0 "dry-run create"
expect_out "POST $SIM_URL/rest/v1/enduser/dry@example.com {\"firstname\":\"D\",\"attributes\":{\"a\":\"b\"}}"
pps_admin get-user email=dry@example.com
expect_rc 4 "dry-run created nothing"

# the enduser module is needed
pps_as noenduser noenduser-pass get-user email=demo.user@example.com
expect_rc 3 "no enduser module"
expect_err_has "lacks the managed module 'enduser'"

done_testing
