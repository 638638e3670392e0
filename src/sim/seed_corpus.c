/*
 * --write-corpus: the seed's messages as .eml files, for benchmarks and tests of message
 * inspection. Every message of the seed is written, whatever its folder, by the same generator
 * that fills the quarantine; nothing goes to a store.
 */
#include "sim/seed.h"
#include "sim/seed_gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/banned.h"

/* Writes len bytes of p to the new file path (replacing one of that name). 0 or -1 (errno). */
static int write_file(const char *path, const char *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int saved;

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		return -1;
	return 0;
fail:
	saved = errno ? errno : EIO;
	close(fd);
	errno = saved;
	return -1;
}

int sim_seed_corpus(const char *dir, long seed, long count, int64_t now, char *err, size_t errlen)
{
	struct seeder *sd;
	ppsbuf b;
	char path[4096];
	int rc = -1;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	sd = sim_seeder_new(NULL, seed, now);
	if (!sd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The seed's people and stream; its count spreads the dates over the window. */
	sd->n = count;
	ppsbuf_init(&b, 0);
	for (long i = 0; i < count; i++) {
		if (sim_seeder_mail(sd, i, &b) < 0) {
			snprintf(err, errlen, "cannot build message %ld: out of memory", i);
			goto done;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/%06ld.eml", dir, i) >= sizeof(path)) {
			snprintf(err, errlen, "the path '%s' is too long", dir);
			goto done;
		}
		if (write_file(path, b.buf, b.len) < 0) {
			snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
			goto done;
		}
	}
	rc = 0;
done:
	ppsbuf_release(&b);
	sim_seeder_free(sd);
	return rc;
}
