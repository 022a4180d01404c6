/* The control protocol: what each command does to the held regions.  The
 * loop that reads the lines is loop.c, the client of --connect connect.c.
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
#include <unistd.h>

#include "control-verbs.h"
#include "control.h"
#include "host.h"
#include "lib/json.h"
#include "object.h"
#include "region.h"
#include "report.h"
#include "traffic.h"
#include "util.h"
#include "verify.h"

/* What set may change while a region is held. */
enum { SET_SIZE, SET_POLICY, SET_NODES };
static const char *const settable[] = { [SET_SIZE] = "size", [SET_POLICY] = "policy",
					[SET_NODES] = "host-nodes", NULL };

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
		status = regions_query(r, 1, false);
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
	traffic_forget(nm, i);
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
	/* default and local take no host-nodes (QEMU's rule): naming one of
	 * them alone drops the region's */
	if (!status && (given & 1u << SET_POLICY) && !(given & 1u << SET_NODES) &&
	    (want.policy == POLICY_DEFAULT || want.policy == POLICY_LOCAL))
		want.host_nodes = (struct nodemask){ { 0 } };
	/* the policy is checked before the size changes, and changed after:
	 * a refused command changes nothing */
	if (!status && rebind)
		status = region_check_policy(r, want.policy, &want.host_nodes);
	if (!status && (given & 1u << SET_SIZE))
		status = region_resize(r, want.size, &resized);
	if (!status && rebind)
		status = region_rebind(r, want.policy, &want.host_nodes, &moved);
	if (!status)
		status = regions_query(r, 1, false);
	region_free(&want);
	if (status)
		return status;
	fputs("\"command\":\"set\",\"id\":", out);
	json_string(out, r->id);
	if (given & 1u << SET_SIZE)
		fprintf(out, ",\"resize\":{\"old_size\":%" PRIu64 ",\"size\":%" PRIu64 ",\"time_ms\":%.3f}",
			resized.old_size, r->size, resized.seconds * 1e3);
	if (rebind)
		fprintf(out, ",\"migration\":{\"moved_bytes\":%" PRIu64 ",\"moved_pages\":%" PRIu64
			",\"failed_bytes\":%" PRIu64 ",\"failed_pages\":%" PRIu64 ",\"page_size\":%zu"
			",\"time_ms\":%.3f,\"threads\":%u,\"bytes_per_sec\":%.0f}",
			moved.moved_bytes, moved.page ? moved.moved_bytes / moved.page : 0, moved.failed_bytes,
			moved.page ? moved.failed_bytes / moved.page : 0, moved.page, moved.seconds * 1e3, moved.threads,
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
	status = regions_query(nm->regions, nm->nregions, false);
	if (status)
		return status;
	for (size_t i = 0; nm->verify && i < nm->nregions; i++)
		region_verify(&nm->regions[i]);
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

static int cmd_quit(struct numamem *nm, const char *rest, FILE *out)
{
	(void)nm;
	if (*rest)
		return fail(EXIT_USAGE, "quit takes nothing, not '%s'", rest);
	fputs("\"command\":\"quit\"", out);
	return EXIT_OK;
}

/* Each verb's command: what follows the verb, and where the body of the
 * ok answer goes. */
static const struct command {
	enum verb verb;
	int (*run)(struct numamem *nm, const char *rest, FILE *out);
} commands[] = {
	{ V_ADD, cmd_add },
	{ V_DEL, cmd_del },
	{ V_SET, cmd_set },
	{ V_QUERY, cmd_query },
	{ V_QUIT, cmd_quit },
};

/* The command of line, or an error for a line that names none. */
static int dispatch(struct numamem *nm, const char *line, FILE *out, bool *quit)
{
	const char *rest;
	int v = verb_of(line, &rest);

	for (size_t i = 0; v >= 0 && i < ARRAY_SIZE(commands); i++)
		if (commands[i].verb == (enum verb)v) {
			int status = commands[i].run(nm, rest, out);

			*quit = !status && v == V_QUIT;
			return status;
		}
	return fail(EXIT_USAGE, "unknown command '%.*s': expected add, del, set, query or quit",
		    (int)strcspn(line, " \t"), line);
}

char *control_execute(struct numamem *nm, const char *line, bool *failed, bool *quit)
{
	char msg[1024], *body = NULL, *answer = NULL;
	size_t len = 0, n;
	const char *rest = line;
	char *copy;
	int status;
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
	status = dispatch(nm, copy, out, quit);
	traffic_resume(nm);
	fail_capture(NULL, 0);
	fclose(out);
	free(copy);
	out = open_memstream(&answer, &len);
	if (out)
		json_header(out, "control", host_kernel_release());
	if (out && status) {
		fputs(",\"error\":", out);
		json_string(out, msg[0] ? msg : "failed");
		fputs("}\n", out);
	} else if (out) {
		fprintf(out, ",\"ok\":{%s}}\n", body ? body : "");
	}
	if (out)
		fclose(out);
	free(body);
	*failed = status != EXIT_OK;
	return answer;
}
