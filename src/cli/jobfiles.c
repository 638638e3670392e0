/*
 * The checkpoint and --output-file files of a job (see jobfiles.h). Never follows a symlink and
 * never writes into anything but a regular file.
 */
#include "cli/jobfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/exit.h"
#include "util/fsutil.h"

#include "util/banned.h"

/* The length of fd's content up to and with its last newline (0 when there is none). */
static off_t whole_lines(int fd, off_t size)
{
	char buf[4096];
	off_t end = size;

	while (end > 0) {
		off_t at = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - at), at);

		if (n <= 0)
			return size; /* unreadable: leave it as it is */
		for (ssize_t i = n - 1; i >= 0; i--)
			if (buf[i] == '\n')
				return at + i + 1;
		end = at;
	}
	return 0;
}

/* Opens path for appending, cut back to keep bytes (keep < 0: to its last whole line). */
static int open_output(cli_ctx *ctx, const char *path, long long keep, cli_output *out)
{
	struct stat st;
	off_t cut;
	int fd =
		open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);

	if (fd < 0) {
		cli_errorf(ctx, "cannot open output '%s': %s", path,
			   errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_errorf(ctx, "cannot open output '%s': not a regular file", path);
		close(fd);
		return CLI_EXIT_FAILURE;
	}
	fcntl(fd, F_SETFL, O_APPEND);
	if (keep > (long long)st.st_size) {
		cli_errorf(
			ctx,
			"output '%s' is shorter (%lld bytes) than its checkpoint recorded (%lld): "
			"it was changed since; remove the checkpoint to start over",
			path, (long long)st.st_size, keep);
		close(fd);
		return CLI_EXIT_USAGE;
	}
	cut = keep >= 0 ? (off_t)keep : whole_lines(fd, st.st_size);
	if (cut < st.st_size) {
		if (ftruncate(fd, cut) != 0) {
			cli_errorf(ctx, "cannot cut output '%s': %s", path, strerror(errno));
			close(fd);
			return CLI_EXIT_FAILURE;
		}
		if (!ctx->quiet)
			cli_errorf(ctx, "output '%s': dropped %lld bytes written after the last %s",
				   path, (long long)(st.st_size - cut),
				   keep >= 0 ? "checkpoint" : "whole line");
	}
	out->f = fdopen(fd, "a");
	if (!out->f) {
		cli_errorf(ctx, "cannot open output '%s': %s", path, strerror(errno));
		close(fd);
		return CLI_EXIT_FAILURE;
	}
	out->saved = ctx->out;
	ctx->out = out->f;
	return CLI_EXIT_OK;
}

/* The missing folders above a job file, made 0700 (a checkpoint is a private file). */
static int make_folders(cli_ctx *ctx, const char *path, const char *what)
{
	char folder[4096];

	if (!path || fs_make_parents(path, 0700, folder, sizeof(folder)) == 0)
		return 0;
	cli_errorf(ctx, "cannot create the folder '%s' of the %s '%s': %s", folder, what, path,
		   strerror(errno));
	return -1;
}

int cli_job_files_open(cli_ctx *ctx, cli_checkpoint *cp, const char *job, cli_output *out)
{
	const char *path = ctx->jobs.checkpoint;
	char err[1024];
	int status;
	int rc;

	memset(out, 0, sizeof(*out));
	/*
	 * The folders are made first (a missing one is no reason to refuse); --dry-run and --curl
	 * read a checkpoint (the requests go on from it) and write nothing.
	 */
	if (!ctx->dry_run && (make_folders(ctx, path, "checkpoint") ||
			      make_folders(ctx, ctx->jobs.output, "output")))
		return CLI_EXIT_FAILURE;
	rc = path ? cli_checkpoint_load(cp, path, job, err, sizeof(err)) : 0;
	if (rc) {
		cli_errorf(ctx, "%s", err);
		/* Another job's file is a usage error; an unreadable one is not. */
		return rc == -1 ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
	}
	if (ctx->dry_run)
		return CLI_EXIT_OK;
	if (ctx->jobs.output) {
		status = open_output(ctx, ctx->jobs.output, cp->output_size, out);
		if (status != CLI_EXIT_OK)
			return status;
	}
	/* Written once now: a checkpoint that cannot be written stops the job before it starts. */
	if (cli_job_files_save(ctx, cp, job, out)) {
		cli_job_files_close(ctx, out);
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cli_job_files_save(cli_ctx *ctx, cli_checkpoint *cp, const char *job, cli_output *out)
{
	struct stat st;
	char err[1024];

	if (!ctx->jobs.checkpoint || ctx->dry_run)
		return 0;
	if (out->f) {
		if (fflush(out->f) != 0 || fsync(fileno(out->f)) != 0 ||
		    fstat(fileno(out->f), &st) != 0) {
			cli_errorf(ctx, "cannot write output '%s': %s", ctx->jobs.output,
				   strerror(errno));
			return -1;
		}
		cp->output_size = (long long)st.st_size;
	}
	if (cli_checkpoint_save(cp, ctx->jobs.checkpoint, job, err, sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		return -1;
	}
	return 0;
}

int cli_job_files_close(cli_ctx *ctx, cli_output *out)
{
	int rc = 0;

	if (!out->f)
		return 0;
	ctx->out = out->saved;
	if (fclose(out->f) != 0) {
		cli_errorf(ctx, "cannot write output '%s': %s", ctx->jobs.output, strerror(errno));
		rc = -1;
	}
	out->f = NULL;
	return rc;
}
