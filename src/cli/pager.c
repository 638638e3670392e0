/*
 * The pager: a child process reading what pps writes on stdout. A pager that cannot be run
 * leaves stdout as it was (checked through a close-on-exec pipe before stdout is handed over).
 */
#include "cli/pager.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/banned.h"

#define DEFAULT_PAGER "less -FRX"
#define MAX_WORDS     16

static pid_t pager_pid = -1;

/* Splits line at spaces into argv (in buf); 0, or -1 when it needs a shell or has no word. */
static int split_words(char *buf, char **argv)
{
	size_t n = 0;

	if (strpbrk(buf, "\"'\\$`|&;<>()*?[]{}~#=\t\n"))
		return -1;
	for (char *p = buf; *p && n < MAX_WORDS;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		argv[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[n] = NULL;
	return n && n < MAX_WORDS ? 0 : -1;
}

/* In the child: stdin from the pipe, then the pager; on failure errno to the status pipe. */
static void run_child(int in, int status, char *line)
{
	char *argv[MAX_WORDS + 1];
	int e;

	if (dup2(in, STDIN_FILENO) < 0)
		goto fail;
	close(in);
	/* less without -R shows colours as text; LESS from the user wins. */
	setenv("LESS", "FRX", 0);
	setenv("LV", "-c", 0);
	if (split_words(line, argv) == 0) {
		execvp(argv[0], argv);
	} else {
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
	}
fail:
	e = errno;
	if (write(status, &e, sizeof(e)) < 0) {
		/* Nothing more to say: the parent sees the pipe closed. */
	}
	_exit(127);
}

int cli_pager_start(const char *pager)
{
	int data[2], status[2], e = 0;
	char *line;
	ssize_t got;
	pid_t pid;

	if (!pager)
		pager = DEFAULT_PAGER;
	if (!*pager || !strcmp(pager, "cat") || pager_pid > 0)
		return -1;
	line = strdup(pager);
	if (!line)
		return -1;
	if (pipe(data) < 0) {
		free(line);
		return -1;
	}
	if (pipe(status) < 0 || fcntl(status[1], F_SETFD, FD_CLOEXEC) < 0) {
		close(data[0]);
		close(data[1]);
		free(line);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(data[1]);
		close(status[0]);
		run_child(data[0], status[1], line);
	}
	free(line);
	close(data[0]);
	close(status[1]);
	got = pid > 0 ? read(status[0], &e, sizeof(e)) : -1;
	close(status[0]);
	if (pid < 0 || got != 0) {
		/* Not started: stdout stays the terminal. */
		if (pid > 0)
			waitpid(pid, NULL, 0);
		close(data[1]);
		return -1;
	}
	if (dup2(data[1], STDOUT_FILENO) < 0) {
		close(data[1]);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(data[1]);
	pager_pid = pid;
	atexit(cli_pager_finish);
	return 0;
}

void cli_pager_finish(void)
{
	pid_t pid = pager_pid;

	if (pid <= 0)
		return;
	pager_pid = -1;
	fflush(stdout);
	/* The pager ends at end of input: stdout is its only writer (stderr stays the tty). */
	close(STDOUT_FILENO);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
