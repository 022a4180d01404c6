/* --connect: the control protocol's client.  Each command goes out as
 * one line and waits for its one answer line, so answers print in the
 * order of the commands, and a server that closes is named with the
 * command it left unanswered. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "connect.h"

/* Send line, print the one answer line; 0, EXIT_CONTROL for an error
 * answer, or an exit status after a message. */
static int exchange(int fd, FILE *in, const char *path, const char *line)
{
	size_t len = strlen(line);
	char *answer = NULL;
	size_t room = 0;
	ssize_t got;

	if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len || send(fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return fail_errno(EXIT_CONTROL, errno, "cannot send '%s' to '%s'", line, path);
	got = getline(&answer, &room, in);
	if (got <= 0) {
		free(answer);
		return fail(EXIT_CONTROL, "'%s' closed without answering '%s'", path, line);
	}
	fputs(answer, stdout);
	fflush(stdout);
	/* after the header, "ok" or "error": no ok answer has a key named
	 * error, and a string's quotes are escaped */
	got = !strstr(answer, ",\"error\":\"");
	free(answer);
	return got ? EXIT_OK : EXIT_CONTROL;
}

int control_connect(const struct numamem *nm)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, status = EXIT_OK, st;
	FILE *in;

	if (strlen(nm->connect_path) >= sizeof(sun.sun_path))
		return fail(EXIT_USAGE, "invalid connect '%s': the path is longer than %zu bytes", nm->connect_path,
			    sizeof(sun.sun_path) - 1);
	strcpy(sun.sun_path, nm->connect_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return fail_errno(EXIT_UNAVAILABLE, e, "cannot connect to '%s'", nm->connect_path);
	}
	in = fdopen(dup(fd), "r");
	if (!in) {
		close(fd);
		return fail_oom();
	}
	if (nm->command) {
		for (char **c = nm->command; *c; c++) {
			st = strchr(*c, '\n') ? fail(EXIT_USAGE, "'%s': one command an argument, without newlines", *c)
					       : exchange(fd, in, nm->connect_path, *c);
			if (!status)
				status = st;
		}
	} else { /* no COMMAND: each line of standard input */
		char *line = NULL;
		size_t room = 0;
		ssize_t got;

		while ((got = getline(&line, &room, stdin)) > 0) {
			while (got && (line[got - 1] == '\n' || line[got - 1] == '\r'))
				line[--got] = '\0';
			if (!*line || *line == '#')
				continue;
			st = exchange(fd, in, nm->connect_path, line);
			if (!status)
				status = st;
		}
		free(line);
	}
	fclose(in);
	close(fd);
	return status;
}
