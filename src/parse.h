/* Pure parsers: sizes, durations, booleans, node and CPU lists.
 *
 * Every function here returns 0 or a negative errno value and touches no
 * global state, so the unit tests call them directly.  Callers turn the
 * errno into a message naming the option and the value. */
#ifndef NUMAMEM_PARSE_H
#define NUMAMEM_PARSE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Highest node number + 1 that host-nodes accepts, as in QEMU. */
#define NUMAMEM_MAX_NODES 128
#define NODEMASK_LONGS ((NUMAMEM_MAX_NODES + 1 + 8 * sizeof(unsigned long) - 1) / \
                        (8 * sizeof(unsigned long)))

/* One bit more than NUMAMEM_MAX_NODES: mbind() is passed maxnode + 1. */
struct nodemask {
	unsigned long bits[NODEMASK_LONGS];
};

void nodemask_set(struct nodemask *m, unsigned node);
bool nodemask_isset(const struct nodemask *m, unsigned node);
unsigned nodemask_weight(const struct nodemask *m);
bool nodemask_empty(const struct nodemask *m);
/* Highest set node + 1, or 0 when empty (mbind's maxnode). */
unsigned nodemask_maxnode(const struct nodemask *m);
/* "0-2,5"; returns the length snprintf would have written. */
int nodemask_format(const struct nodemask *m, char *buf, size_t len);

/* "0-3,8" for a CPU set; returns the length snprintf would have written. */
int cpuset_format(const cpu_set_t *set, char *buf, size_t len);

/* SIZE as QEMU's qemu_strtosz() reads it: leading blanks and a '+'
 * allowed; decimal digits with an optional fraction (either side of the
 * point may be empty, not both) and one of B K M G T P E (either case,
 * base 1024); or 0x and hexadecimal digits, with neither fraction nor
 * suffix.  A non-zero fraction needs a suffix above B; the result is
 * rounded to the nearest byte, halves up, computed exactly.  -EINVAL for
 * junk (and negative numbers), -ERANGE past UINT64_MAX, -ENOMEM. */
int parse_size(const char *s, uint64_t *out);
/* Unsigned decimal in [min, max]; no sign, no octal, no junk. */
int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* "0:3,2:1": a weight from 1 to 255 per node, into w (zeroed first).
 * 0; -EINVAL for syntax or a node given twice; -ERANGE for a node above
 * 127, -EOVERFLOW for a weight above 255, -EDOM for weight 0 (*bad:
 * the node). */
int parse_weights(const char *s, unsigned w[NUMAMEM_MAX_NODES], unsigned long *bad);
/* on/off, yes/no, true/false, 1/0 (case-insensitive). */
int parse_bool(const char *s, bool *out);
/* DURATION: decimal number (digits, optional fraction) with an
 * optional ms, s, m, h, d suffix (default s). */
int parse_duration(const char *s, double *seconds);
/* Index of s in table, or -EINVAL. */
int parse_name(const char *s, const char *const *table, size_t n);

/* numactl node-list syntax: "0-3,5", "all", "!LIST".  "all" and "!" are
 * relative to *all (the nodes this process may use).  Nodes must be
 * < NUMAMEM_MAX_NODES (-ERANGE, with *bad set to the node); a list
 * that names no node ("!all") is -ENOENT.  Adds to *m, so repeated
 * host-nodes= keys accumulate as in QEMU. */
int parse_nodelist(const char *s, const struct nodemask *all, struct nodemask *m,
		   unsigned long *bad);
/* CPU list "0-3,8-11:2" (stride optional), "all" and "!LIST" relative
 * to *all (the CPUs this process may use); "!all" is -ENOENT. */
int parse_cpulist(const char *s, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad);

/* One flat JSON object, as libvirt writes -object: members whose values
 * are strings, numbers (kept as their text), true/false, null or arrays
 * of whole numbers from 0.  Strict RFC 8259 otherwise: no trailing
 * commas, no comments, no duplicate keys, nothing after the object.
 * 0, or -EINVAL with the problem and its offset in why; -ENOMEM. */
enum json_type { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL, JSON_ARRAY };
struct json_member {
	char *key;
	enum json_type type;
	char *text;       /* string (unescaped), number text, "true"/"false" */
	uint64_t *items;  /* JSON_ARRAY */
	size_t nitems;
};
int parse_json_object(const char *s, struct json_member **members, size_t *count, char *why, size_t whylen);
void json_members_free(struct json_member *m, size_t n);

/* "4 KiB", "2 MiB", "1.5 GiB": exact where possible. */
void format_size(uint64_t bytes, char *buf, size_t len);

#endif
