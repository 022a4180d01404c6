/* --connect: the control protocol's client.  The words after the
 * options are one command (a lone ";" between two), else each line of
 * standard input is one.  Each command goes out as one line and waits
 * for its one answer line, so answers print in the order of the
 * commands, and a server that closes is named with the command it left
 * unanswered.  An answer prints as it came (JSON) unless standard output
 * is a terminal without --json: then as an outline for a person. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "connect.h"
#include "lib/json.h"

enum answer_form { ANSWER_JSON, ANSWER_HUMAN, ANSWER_QUIET };

/* One answer line as form says.  An error answer in quiet form goes to
 * stderr, as a message. */
/* The answer without the header every JSON line starts with (JSON
 * OUTPUT: version ... rank_source, whose values hold no brace): what a
 * person reads is {"ok":...} or {"error":...}. */
static char *past_header(char *answer)
{
	char *rs = strstr(answer, ",\"rank_source\":{"), *end;

	if (strncmp(answer, "{\"version\":", 11) || !rs || !(end = strchr(rs + 15, '}')) || end[1] != ',')
		return answer;
	end[1] = '{';
	return end + 1;
}

static void print_answer(char *answer, enum answer_form form, const char *line)
{
	size_t len = strlen(answer);
	struct json_member *m = NULL;
	size_t n = 0;
	char why[128];

	if (form == ANSWER_JSON) {
		fputs(answer, stdout);
		return;
	}
	while (len && (answer[len - 1] == '\n' || answer[len - 1] == '\r'))
		answer[--len] = '\0';
	answer = past_header(answer);
	len = strlen(answer);
	if (!strncmp(answer, "{\"ok\":", 6) && len > 7 && answer[len - 1] == '}') {
		char head[64] = "ok", *body = answer + 6;
		size_t verb = strspn(body + 12, "abcdefghijklmnopqrstuvwxyz");

		answer[len - 1] = '\0';
		/* {"command":"set",...}: "ok set" heads the rest */
		if (!strncmp(body, "{\"command\":\"", 12) && verb < 32 && body[12 + verb] == '"' &&
		    strchr(",}", body[13 + verb])) {
			snprintf(head, sizeof(head), "ok %.*s", (int)verb, body + 12);
			body += 12 + verb;
			*body = '{';
			if (body[1] == ',')
				*++body = '{';
		}
		if (form == ANSWER_QUIET || !json_outline(stdout, body, head))
			return;
		printf("%s\n", answer); /* not JSON numamem can read: what is left of it */
		return;
	}
	if (!parse_json_object(answer, &m, &n, why, sizeof(why)) && n == 1 && !strcmp(m[0].key, "error") &&
	    m[0].type == JSON_STRING) {
		if (form == ANSWER_QUIET)
			fail(EXIT_CONTROL, "'%s': %s", line, m[0].text);
		else
			printf("error: %s\n", m[0].text);
	} else if (form != ANSWER_QUIET) {
		printf("%s\n", answer); /* not an answer numamem knows: as it came */
	}
	json_members_free(m, n);
}

/* Send line, print the one answer line; 0, EXIT_CONTROL for an error
 * answer, or an exit status after a message. */
static int exchange(int fd, FILE *in, const char *path, const char *line, enum answer_form form)
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
	/* after the header, "ok" or "error": no ok answer has a key named
	 * error, and a string's quotes are escaped */
	got = !strstr(answer, ",\"error\":\"");
	print_answer(answer, form, line);
	fflush(stdout);
	free(answer);
	return got ? EXIT_OK : EXIT_CONTROL;
}

/* The words of COMMAND as commands: joined by blanks, split at each
 * lone ";".  NULL-terminated, or NULL after a message (*status). */
static char **commands_of(char **words, int *status)
{
	size_t n = 1, k = 0, len = 0;
	char **cmds;

	for (char **w = words; *w; w++)
		n += !strcmp(*w, ";");
	cmds = calloc(n + 1, sizeof(*cmds));
	if (!cmds) {
		*status = fail_oom();
		return NULL;
	}
	for (char **w = words;; w++) {
		bool end = !*w || !strcmp(*w, ";");

		if (*w && strchr(*w, '\n')) {
			*status = fail(EXIT_USAGE, "invalid command word '%s': a command is one line", *w);
			break;
		}
		if (end && !cmds[k]) {
			*status = fail(EXIT_USAGE, "an empty command: ';' goes between two commands");
			break;
		}
		if (end) {
			if (!*w)
				return cmds;
			k++, len = 0;
			continue;
		}
		{
			size_t add = strlen(*w);
			char *c = realloc(cmds[k], len + add + 2);

			if (!c) {
				*status = fail_oom();
				break;
			}
			if (len)
				c[len++] = ' ';
			memcpy(c + len, *w, add + 1);
			len += add;
			cmds[k] = c;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(cmds[i]);
	free(cmds);
	return NULL;
}

int control_connect(const struct numamem *nm)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	enum answer_form form = nm->quiet ? ANSWER_QUIET
				: !nm->json && isatty(STDOUT_FILENO) ? ANSWER_HUMAN : ANSWER_JSON;
	int fd, status = EXIT_OK, st;
	char **cmds = NULL;
	FILE *in;

	if (strlen(nm->connect_path) >= sizeof(sun.sun_path))
		return fail(EXIT_USAGE, "invalid connect '%s': the path is longer than %zu bytes", nm->connect_path,
			    sizeof(sun.sun_path) - 1);
	if (nm->command && !(cmds = commands_of(nm->command, &status)))
		return status;
	strcpy(sun.sun_path, nm->connect_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		status = fail_errno(EXIT_UNAVAILABLE, e, "cannot connect to '%s'", nm->connect_path);
		goto out;
	}
	in = fdopen(dup(fd), "r");
	if (!in) {
		close(fd);
		status = fail_oom();
		goto out;
	}
	if (cmds) {
		for (char **c = cmds; *c; c++) {
			st = exchange(fd, in, nm->connect_path, *c, form);
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
			st = exchange(fd, in, nm->connect_path, line, form);
			if (!status)
				status = st;
		}
		free(line);
	}
	fclose(in);
	close(fd);
out:
	for (char **c = cmds; c && *c; c++)
		free(*c);
	free(cmds);
	return status;
}
