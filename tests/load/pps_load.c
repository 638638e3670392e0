/*
 * pps-load: concurrent quarantine actions against a PPS server through libpps, for the load and
 * crash tests. Each thread has its own client and fires overlapping move, delete, release and
 * forward requests at the same messages; every acknowledged action is logged, one line each.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pps/pps.h"

#include "util/banned.h"

typedef struct load_opts {
	const char *url, *cacert, *user, *password;
	char **guids;
	size_t nguids;
	char **folders;
	size_t nfolders;
	const char *deleted;
	double seconds;
	FILE *log;
	pthread_mutex_t lock;
	long ok, rejected, failed;
} load_opts;

typedef struct worker {
	load_opts *o;
	unsigned long long rng;
	int id;
} worker;

static unsigned long long next_rand(unsigned long long *s)
{
	/* splitmix64: deterministic per thread */
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *action_name(pps_qaction a)
{
	switch (a) {
	case PPS_QA_RELEASE:
		return "release";
	case PPS_QA_RESUBMIT:
		return "resubmit";
	case PPS_QA_FORWARD:
		return "forward";
	case PPS_QA_MOVE:
		return "move";
	case PPS_QA_DELETE:
		return "delete";
	}
	return "?";
}

static void *work(void *arg)
{
	worker *w = arg;
	load_opts *o = w->o;
	pps_client_options co = { .version = PPS_CLIENT_OPTIONS_VERSION,
				  .url = o->url,
				  .username = o->user,
				  .password = o->password,
				  .cacert = o->cacert,
				  .retries = PPS_RETRIES_NONE,
				  .timeout_ms = 30000 };
	pps_client *c = NULL;
	double end = now_s() + o->seconds;
	char err[256];

	if (pps_client_new(&c, &co, err, sizeof(err)) != 0) {
		fprintf(stderr, "pps-load: %s\n", err);
		return NULL;
	}
	while (now_s() < end) {
		pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;
		pps_response *resp = NULL;
		unsigned long long r = next_rand(&w->rng);
		const char *guid = o->guids[r % o->nguids];
		const char *folder = o->folders[(r >> 16) % o->nfolders];
		const char *target = o->folders[(r >> 24) % o->nfolders];
		unsigned kind = (unsigned)((r >> 32) % 100);
		int rc;

		req.folder = folder;
		req.localguid = guid;
		if (kind < 30) {
			req.action = PPS_QA_MOVE;
			req.targetfolder = target;
		} else if (kind < 55) {
			req.action = PPS_QA_RELEASE;
			req.scan = PPS_FLAG_FALSE;
		} else if (kind < 80) {
			req.action = PPS_QA_FORWARD;
			req.to = "soc@example.com";
			req.appendoldsubject = PPS_FLAG_TRUE;
			req.subject = "FW:";
		} else if (kind < 99) {
			req.action = PPS_QA_DELETE;
			req.deletedfolder = o->deleted;
		} else {
			req.action = PPS_QA_DELETE;
		}
		rc = pps_quarantine_action(&resp, c, &req);
		pthread_mutex_lock(&o->lock);
		if (rc == 0) {
			o->ok++;
			fprintf(o->log, "%s %s %s %s\n", action_name(req.action), guid, folder,
				req.action == PPS_QA_MOVE ? target
				: req.action == PPS_QA_DELETE
					? (req.deletedfolder ? req.deletedfolder : "-")
					: "-");
			fflush(o->log);
		} else if (rc == PPS_EREJECTED) {
			o->rejected++;
		} else {
			o->failed++;
		}
		pthread_mutex_unlock(&o->lock);
		pps_response_free(resp);
	}
	pps_client_free(c);
	return NULL;
}

static char **split(const char *s, char sep, size_t *n)
{
	size_t cap = 8, count = 0;
	char **v = malloc(cap * sizeof(*v));
	const char *p = s;

	if (!v)
		return NULL;
	while (*p) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			if (count == cap) {
				char **nv = realloc(v, 2 * cap * sizeof(*v));
				if (!nv)
					exit(1);
				v = nv;
				cap *= 2;
			}
			v[count] = strndup(p, len);
			if (!v[count])
				exit(1);
			count++;
		}
		p += len + (e ? 1 : 0);
	}
	*n = count;
	return v;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t len = 0;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size + 1);
		if (data) {
			len = fread(data, 1, (size_t)size, f);
			data[len] = '\0';
		}
	}
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	load_opts o = { .deleted = "Deleted", .seconds = 10 };
	const char *guid_file = NULL, *folders = "Quarantine", *log_path = NULL;
	int threads = 16, status = 1;
	pthread_t *tids = NULL;
	worker *ws = NULL;
	char *text = NULL;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (strcmp(k, "--url") == 0)
			o.url = v;
		else if (strcmp(k, "--cacert") == 0)
			o.cacert = v;
		else if (strcmp(k, "--user") == 0)
			o.user = v;
		else if (strcmp(k, "--password") == 0)
			o.password = v;
		else if (strcmp(k, "--threads") == 0)
			threads = (int)strtol(v, NULL, 10);
		else if (strcmp(k, "--seconds") == 0)
			o.seconds = strtod(v, NULL);
		else if (strcmp(k, "--guids") == 0)
			guid_file = v;
		else if (strcmp(k, "--folders") == 0)
			folders = v;
		else if (strcmp(k, "--deleted") == 0)
			o.deleted = v;
		else if (strcmp(k, "--log") == 0)
			log_path = v;
		else {
			fprintf(stderr, "pps-load: unknown option '%s'\n", k);
			return 2;
		}
	}
	if (!o.url || !o.user || !o.password || !guid_file || !log_path || threads < 1 ||
	    threads > 256) {
		fprintf(stderr,
			"usage: pps-load --url U --cacert C --user U --password P --guids FILE "
			"--log FILE [--threads N] [--seconds S] [--folders A,B] [--deleted F]\n");
		return 2;
	}
	text = slurp(guid_file);
	if (!text) {
		fprintf(stderr, "pps-load: cannot read '%s': %s\n", guid_file, strerror(errno));
		return 2;
	}
	o.guids = split(text, '\n', &o.nguids);
	o.folders = split(folders, ',', &o.nfolders);
	o.log = fopen(log_path, "w");
	if (!o.guids || !o.nguids || !o.folders || !o.nfolders || !o.log) {
		fprintf(stderr, "pps-load: bad input\n");
		goto done;
	}
	pthread_mutex_init(&o.lock, NULL);
	if (pps_global_init() != 0)
		goto done;
	tids = calloc((size_t)threads, sizeof(*tids));
	ws = calloc((size_t)threads, sizeof(*ws));
	if (!tids || !ws)
		goto done;
	for (int i = 0; i < threads; i++) {
		ws[i] = (worker){ .o = &o, .rng = 0x5eed0000ULL + (unsigned long long)i, .id = i };
		if (pthread_create(&tids[i], NULL, work, &ws[i]) != 0) {
			fprintf(stderr, "pps-load: cannot start thread %d\n", i);
			threads = i;
			break;
		}
	}
	for (int i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	pps_global_cleanup();
	printf("acknowledged=%ld rejected=%ld failed=%ld\n", o.ok, o.rejected, o.failed);
	status = 0;
done:
	if (o.log)
		fclose(o.log);
	for (size_t i = 0; o.guids && i < o.nguids; i++)
		free(o.guids[i]);
	for (size_t i = 0; o.folders && i < o.nfolders; i++)
		free(o.folders[i]);
	free(o.guids);
	free(o.folders);
	free(text);
	free(tids);
	free(ws);
	return status;
}
