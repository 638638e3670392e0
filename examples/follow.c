/*
 * follow: new Smart Search records as they appear, one line each, for SECONDS (default: until
 * Ctrl-C); the position is saved to CHECKPOINT after each poll and a new run goes on from it.
 *   cc follow.c $(pkg-config --cflags --libs pps) -o follow
 *   PPS_URL=https://pps:10000 PPS_USERNAME=api PPS_PASSWORD=... ./follow CHECKPOINT [MIN [SEC]]
 * deb-check-args: follow.ck 1 8
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>
#include <pps/pps.h>

static volatile sig_atomic_t interrupted;
static time_t end_at;
static pps_client *client;

static void on_signal(int sig)
{
	interrupted = sig;
}

static int stop(void *ctx)
{
	return (void)ctx, interrupted || (end_at && time(NULL) >= end_at);
}

static int print_record(void *ctx, json_t *rec, int64_t t)
{
	(void)ctx, (void)t;
	printf("%s  %s  %s\n", json_string_value(json_object_get(rec, "Date")),
	       pps_record_id(PPS_OP_SMARTSEARCH, rec),
	       json_string_value(json_object_get(rec, "Subject")));
	return 0;
}

static void event(void *ctx, const pps_follow_event *ev)
{
	(void)ctx;
	if (ev->type == PPS_FOLLOW_OUTAGE) /* the detail is in the client until its next call */
		fprintf(stderr, "follow: %s; trying again\n",
			pps_client_last_error(client)->message);
}

/* The position goes to a new file renamed over the checkpoint: a crash leaves the old one. */
static int save(void *ctx, const char *position)
{
	const char *path = ctx;
	char tmp[4096];
	FILE *f;

	fflush(stdout); /* what the position covers is out first */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")) || fputs(position, f) < 0 || fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

static char *load(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long n = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;

	if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (text = calloc(1, (size_t)n + 1)) &&
	    fread(text, 1, (size_t)n, f) != (size_t)n)
		free(text), text = NULL;
	if (f)
		fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	pps_client_options copts = PPS_CLIENT_OPTIONS_INIT;
	pps_follow_options fopts = PPS_FOLLOW_OPTIONS_INIT;
	pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;
	char err[256] = "cannot set up libpps", *position;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: follow CHECKPOINT [MINUTES_BACK [SECONDS]]\n");
		return 2;
	}
	/* the server and the account from the environment */
	copts.url = getenv("PPS_URL");
	copts.username = getenv("PPS_USERNAME");
	copts.password = getenv("PPS_PASSWORD");
	copts.cacert = getenv("PPS_CACERT");
	if (pps_global_init() || pps_client_new(&client, &copts, err, sizeof(err))) {
		fprintf(stderr, "follow: %s\n", err);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	end_at = argc > 3 ? time(NULL) + atol(argv[3]) : 0;
	req.start.epoch = (int64_t)time(NULL) - 60 * (argc > 2 ? atol(argv[2]) : 0);
	req.start.set = 1;
	position = load(argv[1]); /* NULL: no checkpoint yet, start at req.start */
	fopts.interval = 2;
	fopts.record = print_record;
	fopts.poll_done = save;
	fopts.stop = stop;
	fopts.event = event;
	fopts.ctx = argv[1];
	fopts.position = position;
	rc = pps_smartsearch_follow(client, &req, &fopts);
	if (rc != PPS_OK)
		fprintf(stderr, "follow: %s\n", pps_client_last_error(client)->message);
	free(position);
	pps_client_free(client);
	pps_global_cleanup();
	return rc == PPS_OK ? 0 : 1;
}
