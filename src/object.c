/* QEMU's -object syntax.  Both forms, key=value and JSON, become the
 * same pairs and go through the same setters (props.c) and checks, so an
 * object given either way, on the command line or to the control
 * socket's add, is refused with the same message. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "lib/json.h"
#include "object.h"
#include "props.h"


/* QEMU's id rule (id_wellformed): a letter, then letters, digits, '-',
 * '.', '_', of any length, as QEMU takes it; the names numamem makes of
 * an id (memfd names, temporary file names) are cut to fit. */
static int check_id(const char *id)
{
	const char *c = id;

	if (isalpha((unsigned char)*c))
		while (*++c && (isalnum((unsigned char)*c) || strchr("-._", *c)))
			;
	if (c > id && !*c)
		return EXIT_OK;
	return fail(EXIT_USAGE, "invalid id '%s': use a letter, then letters, digits, '-', '.' or '_'", id);
}

/* Two passes: count the pairs, then split in place, unescaping ",,"
 * as the text moves left. */
long object_tokenize(char *s, struct object_pair **pairs)
{
	size_t n = 1;
	char *w = s;

	for (const char *c = s; *c; c++)
		if (*c == ',' && c[1] != ',')
			n++;
		else if (*c == ',')
			c++;
	*pairs = calloc(n, sizeof(**pairs));
	if (!*pairs)
		return -1;
	n = 0;
	(*pairs)[n++].key = s;
	for (char *r = s;; r++) {
		if (*r == ',' && r[1] == ',') {
			*w++ = ',';
			r++;
		} else if (*r == ',' || !*r) {
			bool end = !*r;

			*w++ = '\0';
			if (end)
				break;
			(*pairs)[n++].key = w;
		} else {
			*w++ = *r;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr((*pairs)[i].key, '=');

		if (eq) {
			*eq = '\0';
			(*pairs)[i].value = eq + 1;
		}
	}
	return (long)n;
}

static int context_set(struct thread_context *tc, const char *key, const char *value)
{
	int status;

	if (!strcmp(key, "cpu-affinity")) {
		status = parse_cpus(key, value, SYNTAX_OBJECT, &tc->cpus);
		tc->has_cpus = true;
	} else if (!strcmp(key, "node-affinity")) {
		status = parse_nodes(key, value, SYNTAX_OBJECT, &tc->nodes);
		tc->has_nodes = true;
	} else {
		return fail(EXIT_USAGE, "thread-context has no property '%s'", key);
	}
	if (!status && tc->has_cpus && tc->has_nodes)
		return fail(EXIT_USAGE, "thread-context '%s': cpu-affinity and node-affinity are mutually exclusive",
			    tc->id);
	return status;
}

static int object_set(struct region *r, const char *key, const char *value)
{
	const struct prop *o = prop_find(key);

	if (!o || !prop_of_kind(o, region_kind(r)))
		return fail(EXIT_USAGE, "%s has no property '%s'", r->ops->qom_type, key);
	if (!value)
		return fail(EXIT_USAGE, "property '%s' of region '%s' needs a value", key, r->id);
	return prop_set(r, o, value, SYNTAX_OBJECT);
}

/* A key without '=' as QEMU's option parser reads it: noKEY is KEY=off
 * ("no" taken off first), any other KEY is KEY=on.  The region property
 * it then names if that takes on and off, else NULL. */
static const struct prop *short_form(const char *key, const char **name, const char **value)
{
	bool no = !strncmp(key, "no", 2);
	const struct prop *o = prop_find(no ? key + 2 : key);

	*name = no ? key + 2 : key;
	*value = no ? "off" : "on";
	return o && (o->type == P_BOOL || o->type == P_TRI || o->type == P_IGNORE) ? o : NULL;
}

/* Keys that are no region property, and the form of their value. */
static const char *const other_keys[][2] = {
	{ "id", "ID" }, { "cpu-affinity", "CPUS" }, { "node-affinity", "NODES" },
};

/* A key without '=' that cannot stand so (where: "--object 'SPEC': "
 * or ""): say what to write.  after: the key before it. */
static int bare_key(const char *where, const char *key, const char *after, const char *qom_type)
{
	const struct prop *o = prop_find(key);
	const char *name, *value;

	if (isdigit((unsigned char)*key) && after)
		return fail(EXIT_USAGE, "%s'%s' is not key=value: write %s=%s for another value (or a range such as %s=0-3)",
			    where, key, after, key, after);
	if (strcmp(key, "id") && short_form(key, &name, &value))
		return fail(EXIT_USAGE, "%s'%s' is not key=value: write %s=%s", where, key, name, value);
	if (o)
		return fail(EXIT_USAGE, "%s'%s' is not key=value: write %s=%s", where, key, key, o->arg ? o->arg : "ID");
	for (size_t i = 0; i < ARRAY_SIZE(other_keys); i++)
		if (!strcmp(key, other_keys[i][0]))
			return fail(EXIT_USAGE, "%s'%s' is not key=value: write %s=%s", where, key, key, other_keys[i][1]);
	return fail(EXIT_USAGE, "%s has no property '%s'", qom_type, key);
}

/* The object's properties, after type and id. */
static int object_apply(const char *spec, struct object_pair *pairs, size_t n, struct region *r,
			struct thread_context *tc)
{
	const char *last_key = NULL;
	char *where = malloc(strlen(spec) + 16);
	int status = EXIT_OK;

	if (!where)
		return fail_oom();
	sprintf(where, "--object '%s': ", spec);
	for (size_t i = 1; i < n && !status; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value, *name, *on_off;
		const struct prop *o;

		if (!value && !*key && i == n - 1)
			break; /* a trailing comma, as QEMU allows */
		o = !value && r && strcmp(key, "id") ? short_form(key, &name, &on_off) : NULL;
		if (o && !prop_of_kind(o, region_kind(r))) {
			status = fail(EXIT_USAGE, "%s has no property '%s'", r->ops->qom_type, name);
			break;
		} else if (o) {
			/* QEMU still takes share for share=on, with a warning */
			warn_msg("%sshort form '%s' is deprecated: write %s=%s", where, key, name, on_off);
			key = name;
			value = on_off;
		} else if (!value) {
			status = bare_key(where, key, last_key, tc ? "thread-context" : r->ops->qom_type);
			break;
		}
		if (strcmp(key, "id")) /* QEMU takes the first id and ignores the others */
			status = tc ? context_set(tc, key, value) : object_set(r, key, value);
		last_key = key;
	}
	free(where);
	if (status)
		return status;
	if (r && !r->size_given)
		return fail(EXIT_USAGE, "region '%s': parameter 'size' is missing", r->id);
	return EXIT_OK;
}

/* A new region or thread-context named id, of type; the caller applies
 * the properties. */
static int object_new(struct numamem *nm, const char *type, const char *id, struct region **r,
		      struct thread_context **tc)
{
	int kind = -1;

	if (!strncmp(type, "memory-backend-", 15))
		kind = parse_name(type + 15, backend_kind_names, BACKEND_KINDS);
	if (kind < 0 && strcmp(type, "thread-context"))
		return fail(EXIT_USAGE, "invalid --object type '%s': expected memory-backend-ram, -memfd, -file, -shm or thread-context",
			    type);
	if (kind < 0) {
		*tc = array_grow((void **)&nm->contexts, &nm->ncontexts, &nm->contexts_room, sizeof(**tc));
		if (!*tc || !((*tc)->id = strdup(id)))
			return fail_oom();
		return EXIT_OK;
	}
	*r = array_grow((void **)&nm->regions, &nm->nregions, &nm->regions_room, sizeof(**r));
	if (!*r)
		return fail_oom();
	region_init(*r, id, backend_of((enum backend_kind)kind));
	return (*r)->id ? EXIT_OK : fail_oom();
}

/* ---------------------------------------------------- JSON --object */

static const char *const json_type_names[] = {
	[JSON_STRING] = "a string", [JSON_NUMBER] = "a number", [JSON_BOOL] = "true or false",
	[JSON_NULL] = "null", [JSON_ARRAY] = "an array",
};

/* The JSON type QEMU's QAPI schema gives a property, as QEMU's QObject
 * input visitor demands it: sizes and counts are numbers, booleans are
 * true/false, enums and paths strings, node and CPU lists arrays. */
static enum json_type json_type_of(const struct prop *o, const char *key)
{
	if (!o)
		return !strcmp(key, "cpu-affinity") || !strcmp(key, "node-affinity") ? JSON_ARRAY : JSON_STRING;
	switch (o->type) {
	case P_SIZE:
	case P_UINT:
	case P_NODE:
		return JSON_NUMBER;
	case P_BOOL:
	case P_IGNORE:
		return JSON_BOOL;
	case P_TRI:
		return prop_takes_auto(o) ? JSON_STRING : JSON_BOOL;
	case P_NODES:
	case P_CPUS:
		return JSON_ARRAY;
	default:
		return JSON_STRING;
	}
}

/* One member's value as the text the key=value setters take. */
static int json_value_text(const char *spec, const struct json_member *m, bool context, char **text)
{
	const struct prop *o = context ? NULL : prop_find(m->key);
	enum json_type want = json_type_of(o, m->key);
	size_t len = 1, used = 0;

	*text = NULL;
	if (context ? want != JSON_ARRAY : !o)
		return EXIT_OK; /* unknown: object_apply names it */
	if (m->type != want)
		return fail(EXIT_USAGE, "--object '%s': '%s' must be %s, not %s", spec, m->key, json_type_names[want],
			    json_type_names[m->type]);
	if (want == JSON_NUMBER && (m->text[0] == '-' || strpbrk(m->text, ".eE")))
		return fail(EXIT_USAGE, "--object '%s': '%s' must be a whole number from 0, not %s", spec, m->key,
			    m->text);
	if (want != JSON_ARRAY) {
		*text = strdup(!strcmp(m->text, "true") && want == JSON_BOOL ? "on"
			       : !strcmp(m->text, "false") && want == JSON_BOOL ? "off" : m->text);
		return *text ? EXIT_OK : fail_oom();
	}
	for (size_t i = 0; i < m->nitems; i++) {
		if (m->items[i] > UINT16_MAX)
			return fail(EXIT_USAGE, "--object '%s': '%s' takes numbers up to 65535, not %" PRIu64, spec,
				    m->key, m->items[i]);
		len += 6;
	}
	if (!m->nitems)
		return EXIT_OK; /* an empty list sets nothing */
	*text = malloc(len);
	if (!*text)
		return fail_oom();
	for (size_t i = 0; i < m->nitems; i++)
		used += (size_t)snprintf(*text + used, len - used, "%s%" PRIu64, i ? "," : "", m->items[i]);
	return EXIT_OK;
}

/* --object '{"qom-type":"memory-backend-ram","id":"m0","size":1073741824}',
 * as libvirt writes it: the members become the key=value pairs of the
 * other form and go through the same setters and checks. */
static int object_parse_json(struct numamem *nm, const char *spec)
{
	struct json_member *m = NULL;
	struct object_pair *pairs = NULL;
	size_t n = 0, np = 1;
	const char *type = NULL, *id = NULL;
	struct region *r = NULL;
	struct thread_context *tc = NULL;
	char why[160];
	int status = EXIT_OK, e = parse_json_object(spec, &m, &n, why, sizeof(why));

	if (e == -ENOMEM)
		return fail_oom();
	if (e < 0)
		return fail(EXIT_USAGE, "invalid --object JSON '%s': %s", spec, why);
	pairs = calloc(n + 1, sizeof(*pairs));
	if (!pairs) {
		json_members_free(m, n);
		return fail_oom();
	}
	for (size_t i = 0; i < n && !status; i++) {
		if (strcmp(m[i].key, "qom-type") && strcmp(m[i].key, "id"))
			continue;
		if (m[i].type != JSON_STRING)
			status = fail(EXIT_USAGE, "--object '%s': '%s' must be a string", spec, m[i].key);
		else if (!strcmp(m[i].key, "id"))
			id = m[i].text;
		else
			type = m[i].text;
	}
	if (!status && !type)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'qom-type' is missing", spec);
	else if (!status && !id)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'id' is missing", spec);
	else if (!status)
		status = check_id(id);
	if (!status)
		status = object_new(nm, type, id, &r, &tc);
	pairs[0].key = (char *)type;
	for (size_t i = 0; i < n && !status; i++) {
		char *text;

		if (!strcmp(m[i].key, "qom-type") || !strcmp(m[i].key, "id"))
			continue;
		status = json_value_text(spec, &m[i], tc != NULL, &text);
		if (status)
			break;
		if (!text && (tc ? json_type_of(NULL, m[i].key) == JSON_ARRAY : prop_find(m[i].key) != NULL))
			continue; /* an empty list */
		pairs[np].key = m[i].key;
		pairs[np++].value = text ? text : (char *)"";
		free(m[i].text);
		m[i].text = text; /* freed with the members */
	}
	if (!status)
		status = object_apply(spec, pairs, np, r, tc);
	free(pairs);
	json_members_free(m, n);
	return status;
}

int object_parse(struct numamem *nm, const char *spec)
{
	char *copy;
	struct object_pair *pairs = NULL;
	long n;
	const char *type, *id = NULL;
	struct region *r = NULL;
	struct thread_context *tc = NULL;
	int status;

	if (spec[0] == '{') /* QEMU: JSON when the argument starts with '{' */
		return object_parse_json(nm, spec);
	copy = strdup(spec);
	n = copy ? object_tokenize(copy, &pairs) : -1;
	if (n < 0) {
		free(copy);
		return fail_oom();
	}
	type = pairs[0].value && !strcmp(pairs[0].key, "qom-type") ? pairs[0].value : pairs[0].key;
	for (long i = 1; i < n && !id; i++)
		if (pairs[i].value && !strcmp(pairs[i].key, "id"))
			id = pairs[i].value;
	if (!id)
		status = fail(EXIT_USAGE, "--object '%s': parameter 'id' is missing", spec);
	else
		status = check_id(id);
	if (!status)
		status = object_new(nm, type, id, &r, &tc);
	if (!status)
		status = object_apply(spec, pairs, (size_t)n, r, tc);
	free(pairs);
	free(copy);
	return status;
}

/* ------------------------------------------------- the objects together */

/* Ids, sorted by the environment name COMMAND would see them under. */
struct id_entry {
	const char *id;
	char *env;          /* the id as it stands in COMMAND's names */
	bool region;
};

static int cmp_id_entry(const void *a, const void *b)
{
	const struct id_entry *x = a, *y = b;
	int r = strcmp(x->env, y->env);

	return r ? r : strcmp(x->id, y->id);
}

/* Every id once, and no two regions under one environment name (a.b and
 * a_b are both NUMAMEM_A_B_FD): sorted, so 10,000 objects cost
 * n log n, not n². */
int object_check_ids(const struct numamem *nm)
{
	size_t n = nm->nregions + nm->ncontexts;
	struct id_entry *e = calloc(n ? n : 1, sizeof(*e));
	int status = EXIT_OK;

	if (!e)
		return fail_oom();
	for (size_t i = 0; i < n; i++) {
		e[i].region = i < nm->nregions;
		e[i].id = e[i].region ? nm->regions[i].id : nm->contexts[i - nm->nregions].id;
		e[i].env = strdup(e[i].id);
		if (!e[i].env) {
			status = fail_oom();
			n = i;
			break;
		}
		for (size_t k = 0; e[i].env[k]; k++)
			e[i].env[k] = isalnum((unsigned char)e[i].env[k]) ? (char)toupper((unsigned char)e[i].env[k]) : '_';
	}
	if (!status)
		qsort(e, n, sizeof(*e), cmp_id_entry);
	for (size_t i = 1; i < n && !status; i++) {
		if (!strcmp(e[i - 1].id, e[i].id))
			status = fail(EXIT_USAGE, "duplicate id '%s'", e[i].id);
		else if (e[i - 1].region && e[i].region && !strcmp(e[i - 1].env, e[i].env))
			status = fail(EXIT_USAGE, "ids '%s' and '%s' give COMMAND the same names (NUMAMEM_%s_FD)",
				      e[i - 1].id, e[i].id, e[i].env);
	}
	for (size_t i = 0; i < n; i++)
		free(e[i].env);
	free(e);
	return status;
}

/* prealloc-context=ID → the thread-context's CPUs or nodes.  Every
 * thread-context is checked first, named by a region or not, as QEMU
 * creates (and so checks) every object. */
int object_resolve_contexts(struct numamem *nm)
{
	for (size_t k = 0; k < nm->ncontexts; k++) {
		const struct thread_context *tc = &nm->contexts[k];
		struct region probe = {
			.prealloc_context = tc->id, .has_prealloc_cpus = tc->has_cpus, .prealloc_cpus = tc->cpus,
			.has_prealloc_nodes = tc->has_nodes, .prealloc_nodes = tc->nodes,
		};
		int status = region_check_context(&probe);

		if (status)
			return status;
	}
	for (size_t i = 0; i < nm->nregions; i++) {
		struct region *r = &nm->regions[i];
		const struct thread_context *tc = NULL;

		if (!r->prealloc_context)
			continue;
		for (size_t k = 0; k < nm->ncontexts; k++)
			if (!strcmp(nm->contexts[k].id, r->prealloc_context))
				tc = &nm->contexts[k];
		if (!tc)
			return fail(EXIT_USAGE, "prealloc-context '%s' of region '%s': no thread-context has that id",
				    r->prealloc_context, r->id);
		r->has_prealloc_cpus = tc->has_cpus;
		r->prealloc_cpus = tc->cpus;
		r->has_prealloc_nodes = tc->has_nodes;
		r->prealloc_nodes = tc->nodes;
	}
	return EXIT_OK;
}

/* ------------------------------------------- a live run's control commands */

int object_add(struct numamem *nm, const char *spec, struct region **added)
{
	size_t nr = nm->nregions, nc = nm->ncontexts;
	int status = object_parse(nm, spec);

	if (!status && nm->ncontexts > nc)
		status = fail(EXIT_USAGE, "add '%s': only a memory-backend-* object can be added", spec);
	if (!status)
		status = object_check_ids(nm);
	if (!status && nm->thp != TRI_AUTO)
		nm->regions[nr].thp = (enum tristate)nm->thp;
	if (!status)
		status = object_resolve_contexts(nm);
	if (!status && nm->nregions == nr + 1) {
		*added = &nm->regions[nr];
		return EXIT_OK;
	}
	while (nm->nregions > nr)
		region_free(&nm->regions[--nm->nregions]);
	while (nm->ncontexts > nc)
		free(nm->contexts[--nm->ncontexts].id);
	return status ? status : fail(EXIT_USAGE, "add '%s': no region", spec);
}

int object_set_props(struct region *r, const char *props, const char *const *allowed, unsigned *given)
{
	size_t len = strlen(props);
	char *copy = malloc(len + 3);
	struct object_pair *pairs = NULL;
	const char *last_key = NULL;
	int status = EXIT_OK;
	long n;

	*given = 0;
	if (!copy)
		return fail_oom();
	memcpy(copy, "x,", 2);
	memcpy(copy + 2, props, len + 1);
	n = object_tokenize(copy, &pairs);
	if (n < 0)
		status = fail_oom();
	for (long i = 1; !status && i < n; i++) {
		const char *key = pairs[i].key, *value = pairs[i].value;
		unsigned k = 0;

		if (!value && !*key && i == n - 1)
			break; /* a trailing comma */
		if (!value) {
			status = bare_key("", key, last_key, r->ops->qom_type);
			break;
		}
		while (allowed[k] && strcmp(allowed[k], key))
			k++;
		if (!allowed[k] && !prop_find(key))
			status = fail(EXIT_USAGE, "%s has no property '%s'", r->ops->qom_type, key);
		else if (!allowed[k])
			status = fail(EXIT_USAGE, "property '%s' of region '%s' cannot change while it is held", key,
				      r->id);
		else if (!(*given & (1u << k)) && !strcmp(key, "host-nodes"))
			r->host_nodes = (struct nodemask){ { 0 } }; /* given anew, not added to */
		if (!status)
			status = object_set(r, key, value);
		*given |= 1u << k;
		last_key = key;
	}
	if (!status && n <= 1)
		status = fail(EXIT_USAGE, "no property to set");
	free(pairs);
	free(copy);
	return status;
}
