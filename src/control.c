/* The control protocol: what each command does to the held regions, and
 * the client of --connect.  The loop that reads the lines is loop.c.
 *
 * A command either changes the run and answers ok, or answers with the
 * one message numamem would have printed on the command line and leaves
 * the run as it was.  Messages are caught with fail_capture(), so that
 * every check is the one the command line makes. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "lib/json.h"
#include "object.h"
#include "region.h"
#include "report.h"
#include "traffic.h"

enum verb { V_ADD, V_DEL, V_SET, V_QUERY, V_QUIT, V_COUNT };
static const char *const verbs[V_COUNT] = {
	[V_ADD] = "add", [V_DEL] = "del", [V_SET] = "set", [V_QUERY] = "query", [V_QUIT] = "quit",
};

/* What set may change while a region is held. */
enum { SET_SIZE, SET_POLICY, SET_NODES };
static const char *const settable[] = { [SET_SIZE] = "size", [SET_POLICY] = "policy",
					[SET_NODES] = "host-nodes", NULL };

/* The verb of line, and in *rest what follows it (blanks skipped). */
static int verb_of(const char *line, const char **rest)
{
	size_t len;

	while (isspace((unsigned char)*line))
		line++;
	len = strcspn(line, " \t\r\n");
	for (int v = 0; v < V_COUNT; v++)
		if (strlen(verbs[v]) == len && !strncmp(line, verbs[v], len)) {
			for (line += len; isspace((unsigned char)*line); line++)
				;
			*rest = line;
			return v;
		}
	return -1;
}

bool control_known(const char *line)
{
	const char *rest;

	return verb_of(line, &rest) >= 0;
}

static struct region *find_region(struct numamem *nm, const char *id, size_t *index)
{
	for (size_t i = 0; i < nm->nregions; i++)
		if (!strcmp(nm->regions[i].id, id)) {
			if (index)
				*index = i;
			return &nm->regions[i];
		}
	fail(EXIT_USAGE, "no region has id '%s'", id);
	return NULL;
}

/* The one word a command takes: the id. */
static int one_word(const char *rest, const char *verb, char *word, size_t len)
{
	size_t n = strcspn(rest, " \t");

	if (!n)
		return fail(EXIT_USAGE, "%s needs a region id", verb);
	if (rest[n] || n >= len)
		return fail(EXIT_USAGE, "%s takes one region id, not '%s'", verb, rest);
	memcpy(word, rest, n);
	word[n] = '\0';
	return EXIT_OK;
}

static int cmd_add(struct numamem *nm, const char *spec, FILE *out)
{
	struct region *r = NULL;
	int status;

	if (!*spec)
		return fail(EXIT_USAGE, "add needs an object: memory-backend-KIND,id=ID,size=SIZE,...");
	status = object_add(nm, spec, &r);
	if (status)
		return status;
	status = region_validate(r);
	if (!status)
		status = region_complete(r, false, 0);
	if (!status)
		status = placement_query(r, 1, false);
	if (status) {
		region_release(r, false);
		region_free(r);
		nm->nregions--;
		return status;
	}
	fputs("\"command\":\"add\",\"region\":", out);
	report_json_region(out, r);
	return EXIT_OK;
}

static int cmd_del(struct numamem *nm, const char *rest, FILE *out)
{
	char id[160];
	size_t i;
	int status = one_word(rest, "del", id, sizeof(id));
	struct region *r = status ? NULL : find_region(nm, id, &i);

	if (!r)
		return status ? status : EXIT_USAGE;
	region_release(r, true);
	region_free(r);
	memmove(r, r + 1, (nm->nregions - i - 1) * sizeof(*r));
	nm->nregions--;
	fputs("\"command\":\"del\",\"id\":", out);
	json_string(out, id);
	return EXIT_OK;
}

static int cmd_set(struct numamem *nm, const char *rest, FILE *out)
{
	size_t n = strcspn(rest, " \t");
	char *id = strndup(rest, n), *props = NULL;
	struct region *r = NULL, want;
	struct region_change moved = { 0 }, resized = { 0 };
	bool rebind;
	unsigned given = 0;
	int status;

	if (!id)
		return fail_oom();
	for (rest += n; isspace((unsigned char)*rest); rest++)
		;
	if (!n || !*rest) {
		free(id);
		return fail(EXIT_USAGE, "set needs a region id and properties: set ID prop=value,...");
	}
	r = find_region(nm, id, NULL);
	free(id);
	if (!r)
		return EXIT_USAGE;
	props = strdup(rest);
	if (!props)
		return fail_oom();
	/* the properties onto a scratch region that starts as r is */
	region_init(&want, r->id, r->ops);
	want.size = r->size;
	want.policy = r->policy;
	want.host_nodes = r->host_nodes;
	status = object_set_props(&want, props, settable, &given);
	free(props);
	rebind = given & (1u << SET_POLICY | 1u << SET_NODES);
	/* the policy is checked before the size changes, and changed after:
	 * a refused command changes nothing */
	if (!status && rebind)
		status = region_check_policy(r, want.policy, &want.host_nodes);
	if (!status && (given & 1u << SET_SIZE))
		status = region_resize(r, want.size, &resized);
	if (!status && rebind)
		status = region_rebind(r, want.policy, &want.host_nodes, &moved);
	if (!status)
		status = placement_query(r, 1, false);
	region_free(&want);
	if (status)
		return status;
	fputs("\"command\":\"set\",\"id\":", out);
	json_string(out, r->id);
	if (given & 1u << SET_SIZE)
		fprintf(out, ",\"resize\":{\"old_size\":%" PRIu64 ",\"size\":%" PRIu64 ",\"seconds\":%.6f}",
			resized.old_size, r->size, resized.seconds);
	if (rebind)
		fprintf(out, ",\"migration\":{\"moved_bytes\":%" PRIu64 ",\"moved_pages\":%" PRIu64
			",\"failed_bytes\":%" PRIu64 ",\"failed_pages\":%" PRIu64 ",\"page_size\":%zu"
			",\"seconds\":%.6f,\"bytes_per_sec\":%.0f}",
			moved.moved_bytes, moved.page ? moved.moved_bytes / moved.page : 0, moved.failed_bytes,
			moved.page ? moved.failed_bytes / moved.page : 0, moved.page, moved.seconds,
			moved.seconds > 0 ? (double)moved.moved_bytes / moved.seconds : 0.0);
	fputs(",\"region\":", out);
	report_json_region(out, r);
	return EXIT_OK;
}

static int cmd_query(struct numamem *nm, const char *rest, FILE *out)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f;
	int status;

	if (*rest)
		return fail(EXIT_USAGE, "query takes nothing, not '%s'", rest);
	status = placement_query(nm->regions, nm->nregions, false);
	if (status)
		return status;
	for (size_t i = 0; nm->verify && i < nm->nregions; i++)
		placement_verify(&nm->regions[i]);
	f = open_memstream(&doc, &len);
	if (!f)
		return fail_oom();
	report_json(f, nm);
	fclose(f);
	while (len && doc[len - 1] == '\n')
		doc[--len] = '\0';
	fprintf(out, "\"command\":\"query\",\"report\":%s", doc);
	free(doc);
	return EXIT_OK;
}

char *control_execute(struct numamem *nm, const char *line, bool *failed, bool *quit)
{
	char msg[1024], *body = NULL, *answer = NULL;
	size_t len = 0, n;
	const char *rest = line;
	char *copy;
	int v, status;
	FILE *out;

	*failed = *quit = false;
	while (isspace((unsigned char)*rest))
		rest++;
	if (!*rest || *rest == '#')
		return NULL;
	copy = strdup(rest);
	if (!copy)
		return NULL;
	for (n = strlen(copy); n && isspace((unsigned char)copy[n - 1]);)
		copy[--n] = '\0';
	out = open_memstream(&body, &len);
	if (!out) {
		free(copy);
		return NULL;
	}
	fail_capture(msg, sizeof(msg));
	traffic_pause(nm);
	v = verb_of(copy, &rest);
	switch (v) {
	case V_ADD:
		status = cmd_add(nm, rest, out);
		break;
	case V_DEL:
		status = cmd_del(nm, rest, out);
		break;
	case V_SET:
		status = cmd_set(nm, rest, out);
		break;
	case V_QUERY:
		status = cmd_query(nm, rest, out);
		break;
	case V_QUIT:
		status = *rest ? fail(EXIT_USAGE, "quit takes nothing, not '%s'", rest) : EXIT_OK;
		if (!status)
			fputs("\"command\":\"quit\"", out);
		*quit = !status;
		break;
	default:
		status = fail(EXIT_USAGE, "unknown command '%.*s': expected add, del, set, query or quit",
			      (int)strcspn(copy, " \t"), copy);
	}
	traffic_resume(nm);
	fail_capture(NULL, 0);
	fclose(out);
	free(copy);
	out = open_memstream(&answer, &len);
	if (out && status) {
		fputs("{\"error\":", out);
		json_string(out, msg[0] ? msg : "failed");
		fputs("}\n", out);
	} else if (out) {
		fprintf(out, "{\"ok\":{%s}}\n", body ? body : "");
	}
	if (out)
		fclose(out);
	free(body);
	*failed = status != EXIT_OK;
	return answer;
}

/* ------------------------------------------------------------ --connect */

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
	got = !strncmp(answer, "{\"ok\":", 6);
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
