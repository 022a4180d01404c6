/* JSON output helpers shared by every JSON document numamem prints, so
 * that a string, a node set and a CPU set look the same everywhere. */
#ifndef NUMAMEM_JSON_H
#define NUMAMEM_JSON_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "nodemask.h"

/* "text", escaped, and valid UTF-8 whatever s holds: valid UTF-8 is
 * kept as it is, and each byte that is not part of a valid sequence
 * (RFC 3629: a stray continuation byte, a sequence cut short, an
 * overlong form, a surrogate, beyond U+10FFFF, 0xfe and 0xff) is
 * written as \ufffd, the replacement character. */
void json_string(FILE *out, const char *s);
/* How many of the n bytes of s to keep so that a character n cut
 * short is dropped whole: n, or the start of that last character. */
size_t utf8_whole(const char *s, size_t n);
/* [0,2,3] */
void json_nodes(FILE *out, const struct nodemask *m);
/* The same for a bit array of nbits bits. */
void json_node_bits(FILE *out, const unsigned long *bits, size_t nbits);
/* [0,1,8] */
void json_cpus(FILE *out, const cpu_set_t *set);
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

/* A JSON document as an outline for a person: each object one line,
 * head first, then its scalar members as key=value (a string without
 * its quotes, an array of scalars as a,b,c), then each member that holds
 * objects on lines of its own below, indented two more ("key:", an
 * array's objects as "-").  Whatever the member names: nothing here
 * knows a document.  0, or -EINVAL (nothing written) when doc is not
 * one JSON value. */
int json_outline(FILE *out, const char *doc, const char *head);

#endif
