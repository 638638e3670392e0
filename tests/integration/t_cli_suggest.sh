# "Did you mean" beyond edit distance: a word whose parts begin a known name in order
# (quarantine-list, folder=), known other names (trace, since=), the builtin words; and a help
# entry for each builtin word (pps help completion, pps help config). No server is needed.
. "$(dirname "$0")/lib.sh"

run "$PPS" quarantine-list
expect_rc 2 "quarantine-list"
expect_err "pps: unknown command 'quarantine-list': did you mean 'quarantine-messages-list'?"
run "$PPS" quarantine-release
expect_err "pps: unknown command 'quarantine-release': did you mean 'quarantine-message-release'?"
run "$PPS" trace
expect_err "pps: unknown command 'trace': did you mean 'smart-search'?"
run "$PPS" confgi show
expect_err "pps: unknown command 'confgi': did you mean 'config'?"
run "$PPS" quarantine-messages-list folder=Quarantine
expect_rc 2 "folder="
expect_err "pps: unknown argument 'folder' for quarantine-messages-list: did you mean 'folder_name'?"
run "$PPS" quarantine-message-move folder_name=a local_guid=1 target=b
expect_err "pps: unknown argument 'target' for quarantine-message-move: did you mean 'target_folder'?"
run "$PPS" smart-search since='1 day'
expect_err "pps: unknown argument 'since' for smart-search: did you mean 'start_time'?"
# edit distance still comes first, and a word too far from everything gets the list
run "$PPS" smart-search recipent=a
expect_err "pps: unknown argument 'recipent' for smart-search: did you mean 'recipient'?"
run "$PPS" zzzz
expect_err "pps: unknown command 'zzzz': run 'pps help' for the list"
run "$PPS" --che
expect_err "pps: unknown option '--che': did you mean '--checkpoint'?"

# every builtin word has a help entry, listed in pps help
for w in completion config help version; do
	run "$PPS" help "$w"
	expect_rc 0 "pps help $w"
	expect_out_has "usage: pps [OPTIONS] $w" "pps help $w: its usage"
done
run "$PPS" help completion
expect_out_has "bash, zsh and fish" "pps help completion names the shells"
run "$PPS" help
expect_out_has "config show|profiles|set KEY VALUE" "pps help lists config"
run "$PPS" help --man
expect_out_has ".SS completion bash|zsh|fish" "the man page has completion"
done_testing
