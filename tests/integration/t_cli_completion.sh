# Shell completion in real shells: bash (the function as complete -F calls it), zsh (a real
# interactive zsh in a pty, Tab pressed, through compinit: helpers/zsh_complete.zsh) and fish
# (complete -C). Commands, options after the command, predefined values, profiles, the config
# words, and file names after out=, local_guid=@, --report and --checkpoint.
. "$(dirname "$0")/lib.sh"

SRC=$PPS_SOURCE_DIR
for sh in zsh fish; do
	command -v "$sh" >/dev/null || { fail "$sh is not installed (scripts/install-deps)"; done_testing; exit 1; }
done
cd "$T_DIR" || exit 1
mkdir -p comp d "$XDG_CONFIG_HOME/pps"
"$PPS" completion bash >comp/pps.bash
"$PPS" completion zsh >comp/_pps
"$PPS" completion fish >comp/pps.fish
: >d/report.txt
: >d/rep2.json
: >d/other.log
printf '[default]\nurl = https://a.example\n[prod]\n[ps-lab]\n' >"$XDG_CONFIG_HOME/pps/config"

# case LINE EXPECTED: each shell's candidates for LINE, sorted, joined by spaces.
bash_comp() {
	bash -c '. comp/pps.bash
		COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<"$1"
		[[ $1 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _pps
		printf "%s\n" "${COMPREPLY[@]}"' _ "$1" | sort -u | paste -sd ' '
}
zsh_comp() {
	timeout 30 zsh "$SRC/tests/integration/helpers/zsh_complete.zsh" "$T_DIR/comp/_pps" "$1" |
		sort -u | paste -sd ' '
}
fish_comp() {
	fish -c 'source comp/pps.fish; complete -C $argv[1]' "$1" | cut -f1 | sort -u | paste -sd ' '
}
each() {
	local line=$1 want_bash=$2 want_zsh=$3 want_fish=$4
	expect_eq "$(bash_comp "$line")" "$want_bash" "bash: '$line'"
	expect_eq "$(zsh_comp "$line")" "$want_zsh" "zsh: '$line'"
	expect_eq "$(fish_comp "$line")" "$want_fish" "fish: '$line'"
}

# commands and builtin words
each "pps quarantine-message-r" "quarantine-message-release quarantine-message-resubmit" \
	"quarantine-message-release quarantine-message-resubmit" \
	"quarantine-message-release quarantine-message-resubmit"
each "pps con" "config" "config" "config"
# predefined values (bash replaces after the '=', zsh and fish the whole word)
each "pps smart-search action=re" "redirect reject retry" \
	"action=redirect action=reject action=retry" "action=redirect action=reject action=retry"
# options after the command, and their values
each "pps smart-search --chec" "--checkpoint" "--checkpoint" "--checkpoint"
each "pps smart-search limit=3 -o nd" "ndjson" "ndjson" "ndjson"
each "pps get-user --profile p" "prod ps-lab" "prod ps-lab" "prod ps-lab"
# file names: after --report and --checkpoint (before or after the command), out=, local_guid=@;
# zsh's _files adds the folder's and the files' names apart, so its list is checked by name
files_each() {
	local line=$1 pre=$2 got
	expect_eq "$(bash_comp "$line")" "${pre#*=}d/rep2.json ${pre#*=}d/report.txt" "bash: '$line'"
	got=$(zsh_comp "$line")
	[[ " $got " == *" ${pre}report.txt "* && " $got " == *" ${pre}rep2.json "* &&
		" $got " != *other.log* ]] && ok || fail "zsh: '$line' offered '$got'"
	expect_eq "$(fish_comp "$line")" "${pre}d/rep2.json ${pre}d/report.txt" "fish: '$line'"
}
files_each "pps --report d/rep" ""
files_each "pps smart-search --all --checkpoint d/re" ""
files_each "pps quarantine-message-download guid=x out=d/re" "out="
files_each "pps quarantine-message-delete folder_name=Q local_guid=@d/rep" "local_guid=@"
# config's words and keys
each "pps config " "profiles set show" "profiles set show" "profiles set show"
each "pps config set ti" "timeout" "timeout" "timeout"
# an argument name of the command
each "pps smart-search sen" "sender=" "sender=" "sender="

# zsh loads the completion without an error (the bashcompinit one said "unrecognized modifier")
out=$(zsh -f -c 'autoload -U compinit; compinit -u -D; source comp/_pps' 2>&1)
expect_eq "$out" "" "zsh sources the completion silently"
done_testing
