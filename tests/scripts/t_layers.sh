#!/usr/bin/env bash
# scripts/check-layers passes on the tree and fails on each kind of violation added to a copy.
set -u
src=${PPS_SOURCE_DIR:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pps-layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

check() { # check WANT_RC WHAT
	local rc
	"$tmp/tree/scripts/check-layers" "$tmp/tree" >"$tmp/out" 2>&1
	rc=$?
	checks=$((checks + 1))
	if [ "$rc" != "$1" ]; then
		fails=$((fails + 1))
		echo "FAIL: $2: expected exit $1, got $rc" >&2
		cat "$tmp/out" >&2
	fi
}

fresh() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree/scripts"
	cp -r "$src/src" "$tmp/tree/"
	cp "$src/scripts/check-layers" "$tmp/tree/scripts/"
}

fresh
check 0 "the tree as it is"

fresh
echo '#include "cli/cli.h"' >>"$tmp/tree/src/lib/client.c"
check 1 "the library includes the command line"

fresh
echo '#include "pps/version.h"' >>"$tmp/tree/src/sim/main.c"
check 1 "the emulator includes the library's header"

fresh
echo '#include "lib/internal.h"' >>"$tmp/tree/src/cli/main.c"
check 1 "the command line includes library internals"

fresh
echo '#include <curl/curl.h>' >>"$tmp/tree/src/cli/main.c"
check 1 "the command line includes libcurl"

fresh
printf 'static void f(void) { curl_easy_init(); }\n' >>"$tmp/tree/src/cli/args.c"
check 1 "the command line calls libcurl"

fresh
echo '#include <sqlite3.h>' >>"$tmp/tree/src/sim/server.c"
check 1 "SQLite outside the store"

fresh
echo 'typedef struct sqlite3 sqlite3;' >>"$tmp/tree/src/sim/store.h"
check 1 "a SQLite type in store.h"

fresh
echo '#include "sim.h"' >>"$tmp/tree/src/sim/store.h"
check 1 "the store includes the server's header"

fresh
echo '#include <yajl/yajl_parse.h>' >>"$tmp/tree/src/lib/search.c"
check 1 "yajl outside records.c"

fresh
echo '#include <microhttpd.h>' >>"$tmp/tree/src/sim/pss.c"
check 1 "libmicrohttpd outside the server's files"

fresh
echo '#include <microhttpd.h>' >>"$tmp/tree/src/sim/server.h"
check 1 "libmicrohttpd in the server's public header"

fresh
echo '#include <archive.h>' >>"$tmp/tree/src/sim/seed_message.c"
check 1 "libarchive outside the generated mail's files"

fresh
echo '#include "sim/mime_int.h"' >>"$tmp/tree/src/sim/seed_message.c"
check 1 "the generated mail's private header outside its files"

fresh
echo '#include <gmime/gmime.h>' >>"$tmp/tree/src/sim/seed_corpus.c"
check 1 "GMime in the emulator outside src/sim/mime*.c"

fresh
echo '#include "sim/server_int.h"' >>"$tmp/tree/src/sim/main.c"
check 1 "the server's private header outside the server"

fresh
echo '#include <curl/curl.h>' >>"$tmp/tree/src/lib/search.c"
check 1 "libcurl outside the transport's files"

fresh
echo '#include "lib/http_int.h"' >>"$tmp/tree/src/lib/search.c"
check 1 "the transport's private header outside the transport"

fresh
echo '#include "lib/records_int.h"' >>"$tmp/tree/src/lib/search.c"
check 1 "the records parser's private header outside it"

fresh
echo '#include <gmime/gmime.h>' >>"$tmp/tree/src/lib/search.c"
check 1 "GMime outside the inspection's folder"

fresh
echo '#include <glib.h>' >>"$tmp/tree/src/cli/main.c"
check 1 "GLib in the command line"

fresh
echo '#include <gumbo.h>' >>"$tmp/tree/src/lib/inspect/walk.c"
check 1 "gumbo outside html.c"

fresh
echo '#include <magic.h>' >>"$tmp/tree/src/lib/inspect/html.c"
check 1 "libmagic outside filetype.c"

fresh
echo '#include <magic.h>' >>"$tmp/tree/src/sim/main.c"
check 1 "libmagic in the emulator"

fresh
echo '#include <ncurses.h>' >>"$tmp/tree/src/cli/cmd_inspect.c"
check 1 "ncursesw outside the terminal view's folder"

fresh
echo '#include <ncursesw/curses.h>' >>"$tmp/tree/src/lib/search.c"
check 1 "ncursesw in the library"

echo "t_layers: $((checks - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
