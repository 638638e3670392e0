#!/usr/bin/env zsh
# Completes LINE in a real interactive zsh (in a pty, by zpty) with the completion script FILE
# loaded by compinit, as a user's Tab would, and prints the candidates zsh offered, one a line.
# Usage: zsh_complete.zsh FILE LINE   (run in the folder file names are completed from)
emulate -L zsh
zmodload zsh/zpty || exit 2
file=$1 line=$2
zpty z zsh -f -i || exit 2
zpty -w z 'PS1=""; PS2=""; RPS1=""; unsetopt zle_bracketed_paste beep; setopt no_list_beep'
zpty -w z 'fpath=(' "${file:h}" '$fpath); autoload -U compinit; compinit -u -D'
# Every match zsh adds is printed between \x01 and \x02 (the echo of this line shows neither), whatever function adds it (_files too).
zpty -w z 'compadd() { local -a __m; builtin compadd -A __m "$@"; local m; for m in $__m; do print -r -- $'"'"'\x01'"'"'"$IPREFIX$m"$'"'"'\x02'"'"'; done; builtin compadd "$@"; }'
# The markers are printed as __RE""ADY__: the echo of the typed line never matches them.
zpty -w z 'bindkey "^I" complete-word; print __RE""ADY__'
# read_until TEXT: reads the pty into $out until TEXT comes (20 s at most).
read_until() {
	local chunk i
	out=
	for i in {1..400}; do
		if zpty -r -t z chunk; then
			out+=$chunk
			[[ $out == *$1* ]] && return 0
		else
			sleep 0.05
		fi
	done
	print -u2 "zsh_complete: no $1 from zsh"; [[ -n $ZC_DEBUG ]] && print -r -- "$out" | cat -v >&2
	return 1
}
read_until __READY__ || exit 2
# The shell reads its input in order: the Tab's completion is done before ^U and the marker.
zpty -w -n z "$line"$'\t'
sleep 0.2
zpty -w -n z $'\C-u'
zpty -w z 'print __DO""NE__'
read_until __DONE__ || exit 2
zpty -d z
[[ -n $ZC_DEBUG ]] && print -r -- "$out" | cat -v >&2
print -r -- "${out}" | grep -ao $'\x01[^\x02]*\x02' | tr -d '\001\002' | sort -u
