# libpps against a real pps-sim over HTTPS: a small C program built on the installed-style
# interface (pps/pps.h + libpps.so) runs each operation and prints its outcome on one line.
. "$(dirname "$0")/lib.sh"

: "${PPS_BUILD_DIR:?PPS_BUILD_DIR must name the build directory}"
LIB="$PPS_BUILD_DIR/libpps.so"
[ -f "$LIB" ] || { fail "no $LIB"; done_testing; exit 1; }

cat >"$T_DIR/client.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <pps/pps.h>

static pps_client_options opts;

static int count_record(void *ctx, json_t *rec)
{
	(void)rec;
	++*(long *)ctx;
	return 0;
}

/* One client per thread (the rule pps.h states): each streams its own searches. */
static void *worker(void *arg)
{
	long *n = arg;
	pps_client *c = NULL;
	pps_smartsearch_req q = PPS_SMARTSEARCH_REQ_INIT;
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .record = count_record, .ctx = n };

	if (pps_client_new(&c, &opts, NULL, 0) != 0)
		return NULL;
	pps_time_parse(&q.start, "2020-01-01", 0);
	for (int i = 0; i < 20; i++)
		if (pps_smartsearch_each(c, &q, &v) != 0)
			*n = -1000000;
	pps_client_free(c);
	return NULL;
}

static const char *env(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static pps_instant when(const char *text)
{
	pps_instant t = { 0 };
	if (pps_time_parse(&t, text, (int64_t)time(NULL)) != 0) {
		fprintf(stderr, "bad time %s\n", text);
		exit(2);
	}
	return t;
}

int main(int argc, char **argv)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = NULL;
	pps_response *r = NULL;
	const pps_error *e;
	char err[256];
	const char *op = argv[1];
	int rc = PPS_EUSAGE, repeat = 1;

	if (argc < 2 || pps_global_init() != 0)
		return 2;
	o.url = env("T_URL", "");
	o.username = env("T_USER", NULL);
	o.password = env("T_PASS", NULL);
	o.cacert = strcmp(env("T_CACERT", "-"), "-") ? env("T_CACERT", "-") : NULL;
	o.insecure = !strcmp(env("T_INSECURE", "0"), "1");
	o.retries = (int)strtol(env("T_RETRIES", "0"), NULL, 10);
	if (o.retries == 0)
		o.retries = PPS_RETRIES_NONE;
	o.retry_base_ms = 1;
	o.timeout_ms = strtol(env("T_TIMEOUT", "0"), NULL, 10);
	o.no_proxy = 1;
	if (pps_client_new(&c, &o, err, sizeof(err)) != 0) {
		printf("new: %s\n", err);
		return 2;
	}
	if (!strcmp(op, "threads")) {
		pthread_t t[8];
		long n[8] = { 0 };

		opts = o;
		for (int i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, worker, &n[i]);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
		printf("threads:");
		for (int i = 0; i < 8; i++)
			printf(" %ld", n[i]);
		printf("\n");
		pps_client_free(c);
		pps_global_cleanup();
		return 0;
	}
	if (!strcmp(op, "health-x")) {
		repeat = (int)strtol(argv[2], NULL, 10);
		op = "health";
	}
	for (int i = 0; i < repeat; i++) {
		pps_response_free(r);
		r = NULL;
		if (!strcmp(op, "health")) {
			rc = pps_health(&r, c);
		} else if (!strcmp(op, "smartsearch") && argc >= 5) {
			pps_smartsearch_req q = PPS_SMARTSEARCH_REQ_INIT;
			q.start = when(argv[2]);
			q.end = when(argv[3]);
			q.env_from = *argv[4] ? argv[4] : NULL;
			q.subject = argc > 5 ? argv[5] : NULL;
			rc = pps_smartsearch(&r, c, &q);
		} else if (!strcmp(op, "qsearch") && argc >= 7) {
			pps_quarantine_search_req q = PPS_QUARANTINE_SEARCH_REQ_INIT;
			q.sender = *argv[2] ? argv[2] : NULL;
			q.subject = *argv[3] ? argv[3] : NULL;
			q.start = when(argv[4]);
			q.end = when(argv[5]);
			q.folder = *argv[6] ? argv[6] : NULL;
			rc = pps_quarantine_search(&r, c, &q);
		} else if (!strcmp(op, "download") && argc >= 3) {
			rc = pps_quarantine_download(&r, c, argv[2]);
		} else if (!strcmp(op, "action") && argc >= 5) {
			pps_quarantine_action_req q = PPS_QUARANTINE_ACTION_REQ_INIT;
			q.action = !strcmp(argv[2], "move")	? PPS_QA_MOVE
				   : !strcmp(argv[2], "delete") ? PPS_QA_DELETE
								: PPS_QA_RELEASE;
			q.folder = argv[3];
			q.localguid = argv[4];
			q.targetfolder = argc > 5 ? argv[5] : NULL;
			rc = pps_quarantine_action(&r, c, &q);
		} else if (!strcmp(op, "user-get") && argc >= 3) {
			rc = pps_enduser_get(&r, c, &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION, .email = argv[2] });
		} else if (!strcmp(op, "user-create") && argc >= 4) {
			rc = pps_enduser_create(&r, c, &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION, .email = argv[2], .fields_json = argv[3] });
		} else if (!strcmp(op, "user-delete") && argc >= 3) {
			rc = pps_enduser_delete(&r, c, &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION, .email = argv[2] });
		}
	}
	e = pps_client_last_error(c);
	printf("rc=%s status=%ld n=%ld conns=%ld msg=%s server=%s", pps_code_name(rc),
	       r ? r->status : e->http_status, r && r->records ? (long)json_array_size(r->records) : -1L,
	       pps_client_connections(c), e->message, e->server_message ? e->server_message : "-");
	if (r && r->message)
		printf(" message=%s", r->message);
	if (r && !strcmp(op, "download"))
		printf(" bytes=%zu", r->body_len);
	if (r && r->records && json_array_size(r->records) > 0) {
		json_t *first = json_array_get(r->records, 0);
		const char *k = json_string_value(json_object_get(first, "localguid"));
		if (!k)
			k = json_string_value(json_object_get(first, "GUID"));
		if (!k)
			k = json_string_value(json_object_get(first, "email"));
		printf(" first=%s", k ? k : "-");
	}
	printf("\n");
	pps_response_free(r);
	pps_client_free(c);
	pps_global_cleanup();
	return 0;
}
C

CFLAGS_EXTRA=
# A Debug libpps carries the sanitizers: its users must link them too.
nm -D "$LIB" | grep -q __asan_init && CFLAGS_EXTRA="-fsanitize=address,undefined"
run cc -std=c17 -Wall -Wextra -Werror $CFLAGS_EXTRA -I"$PPS_SOURCE_DIR/include" \
	-o "$T_DIR/client" "$T_DIR/client.c" -pthread -L"$PPS_BUILD_DIR" -lpps -ljansson \
	-Wl,-rpath,"$PPS_BUILD_DIR"
expect_rc 0 "compiling a program against libpps"
[ "$RC" = 0 ] || { done_testing; exit 1; }
export ASAN_OPTIONS=detect_leaks=1

# lib OP ARGS...: runs the client as admin against the emulator; its line in OUT.
lib() {
	run env T_URL="$SIM_URL" T_USER="${T_USER:-admin}" T_PASS="${T_PASS:-admin-pass}" \
		T_CACERT="${T_CACERT-$SIM_CACERT}" "$T_DIR/client" "$@"
}

sim_start --fixture "$FIXTURES/basic.json" -v || { fail "pps-sim did not start"; done_testing; exit 1; }

lib health
expect_out_has "rc=ok status=200"

lib health-x 5
expect_out_has "rc=ok status=200 n=-1 conns=1 " "five calls over one kept-alive connection"

# Eight threads, a client each, streaming at once: every thread sees every record every time.
lib smartsearch 2020-01-01 now "" ""
total=$(sed -n 's/.* n=\([0-9]*\) .*/\1/p' <<<"$OUT")
[ "${total:-0}" -gt 0 ] && ok || fail "no records to stream in the threads test"
lib threads
expect_eq "$OUT" "threads:$(for _ in 1 2 3 4 5 6 7 8; do printf ' %d' $((total * 20)); done)" \
	"one client per thread, in parallel"

lib smartsearch 2020-05-01 2020-06-01 "" ""
expect_out_has "rc=ok status=200"
lib smartsearch 2020-05-20T00:00:00Z 2020-05-21T00:00:00Z "root@user.example.com"
expect_out_has "rc=ok status=200 n=1 "
expect_out_has "first=9rLtu31xs8H24NF8KcRw-S6EihtLK-y_"

lib qsearch john@doe.com Loan 2020-01-01 2020-02-01 ""
expect_out_has "rc=ok status=200 n=2 "
expect_out_has "first=6:6:4" "newest first"
lib qsearch "" "" 2020-01-01 2020-02-01 ""
expect_out_has "rc=usage status=0 n=-1 conns=0 msg=a quarantine search needs a sender, a recipient or a subject"

lib download lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO
expect_out_has "rc=ok status=200"
bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$OUT")
[ "${bytes:-0}" -gt 0 ] && ok || fail "download returned no bytes"
lib download no-such-guid
expect_out_has "rc=not found status=404"
expect_out_has "msg=server answered 404 not found server=No message found"

lib action move Quarantine 6:6:300 Nope
expect_out_has "rc=rejected status=400"
expect_out_has "server=Invalid argument: targetfolder"
lib action move Quarantine 6:6:300 Spam
expect_out_has "rc=ok status=200"
expect_out_has "message=Successfully moved message 6:6:300"
lib qsearch "" "Cheap loans" 2000-01-01 now Spam
expect_out_has "first=6:6:300" "the moved message is in Spam"

lib user-get demo.user@example.com
expect_out_has "rc=ok status=200 n=1 "
expect_out_has "first=demo.user@example.com"
lib user-get demo.user
expect_out_has "rc=ok status=200 n=1 " "a uid finds the user too"
lib user-get ghost@example.com
expect_out_has "rc=not found status=404"
expect_out_has "server=User not found"
lib user-create new.user@example.com '{"firstname":"New","lastname":"User"}'
expect_out_has "rc=ok status=200 n=1 "
lib user-create new.user@example.com '{"firstname":"New"}'
expect_out_has "rc=rejected status=400"
expect_out_has "server=User already exists"
lib user-delete new.user@example.com
expect_out_has "rc=ok"
lib user-delete new.user@example.com
expect_out_has "rc=not found status=404"
expect_out_has "server=User not found"

T_PASS=wrong lib health
expect_out_has "rc=auth status=401"
T_USER=pssonly T_PASS=pssonly-pass lib qsearch john@doe.com "" 2020-01-01 2020-02-01 ""
expect_out_has "rc=permission status=403"

# TLS: the emulator's certificate is trusted only through its CA file.
T_CACERT=- lib health
expect_out_has "rc=tls status=0"
expect_out_has "is not trusted server=-" "the library names the cause, no option of pps"
run env T_URL="$SIM_URL" T_USER=admin T_PASS=admin-pass T_INSECURE=1 "$T_DIR/client" health
expect_out_has "rc=ok status=200" "insecure skips verification"
sim_stop

# Faults: a GET is retried on 503, a POST never, even when every answer fails.
sim_start --fixture "$FIXTURES/basic.json" -v --faults error=1:503
T_RETRIES=2 lib health
expect_out_has "rc=server status=503"
expect_eq "$(grep -c 'GET /rest/v1/pss/health 503' "$SIM_LOG")" 3 "a GET is sent 1 + 2 retries times"
T_RETRIES=3 lib action release Quarantine 6:6:239
expect_out_has "rc=server status=503"
expect_eq "$(grep -c 'POST /rest/v1/quarantine 503' "$SIM_LOG")" 1 "a POST is sent once"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults garbage=1
lib health
expect_out_has "rc=bad response status=200"
expect_out_has "msg=response is not valid JSON: "
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults html=1
lib health
expect_out_has "rc=server status=502"
expect_out_lacks "server=-"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults ctype=1
lib qsearch john@doe.com Loan 2020-01-01 2020-02-01 ""
expect_out_has "rc=ok status=200 n=2 " "a JSON body is read whatever its content type"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults latency=2s
T_TIMEOUT=300 lib health
expect_out_has "rc=network status=0"
expect_out_has "msg=no answer from 127.0.0.1 port ${SIM_URL##*:} within 300 ms"
sim_stop

sim_start --fixture "$FIXTURES/basic.json" --faults reset=1
lib qsearch john@doe.com Loan 2020-01-01 2020-02-01 ""
grep -qE "rc=(bad response|network) .*msg=(response body was cut short|connection to .* was reset)" <<<"$OUT" && ok || fail "a reset mid-body"
sim_stop

done_testing
