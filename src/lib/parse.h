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

#include "nodemask.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
/* An integer of QEMU's -object syntax, as its parse_uint() reads it:
 * leading blanks and a '+' allowed, base 0 (0x hex, leading 0 octal),
 * nothing after it.  -EINVAL, -ERANGE outside [min, max]. */
int parse_object_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* "0:3,2:1": a weight from 1 to 255 per node, into w (zeroed first).
 * 0; -EINVAL for syntax or a node given twice; -ERANGE for a node above
 * 127, -EOVERFLOW for a weight above 255, -EDOM for weight 0 (*bad:
 * the node). */
int parse_weights(const char *s, unsigned w[NUMAMEM_MAX_NODES], unsigned long *bad);
/* numamem's options: on/off, yes/no, true/false, 1/0 (case-insensitive). */
int parse_bool(const char *s, bool *out);
/* WHEN, as ls --color takes it, and parse_bool()'s words (any case):
 * always, yes, force, on, true, 1 → 1; never, no, none, off, false, 0 →
 * 0; auto, tty, if-tty → -1.  0; -EINVAL for anything else. */
int parse_when(const char *s, int *out);
/* QEMU's -object syntax (qapi_bool_parse()): on/yes/true/y and
 * off/no/false/n, in lower case only. */
int parse_object_bool(const char *s, bool *out);
/* DURATION: decimal number (digits, optional fraction) with an
 * optional ms, s, m, h, d suffix (default s). */
int parse_duration(const char *s, double *seconds);
/* Index of s in table, or -EINVAL. */
int parse_name(const char *s, const char *const *table, size_t n);
/* The entry of table closest to s by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbours), when it is
 * close enough to be a typo of it: at most 1 edit for names of up to 4
 * characters, 2 up to 8, 3 beyond; NULL otherwise, or when two entries
 * are equally close.  For "did you mean". */
const char *parse_suggest(const char *s, const char *const *table, size_t n);
/* The edit distance above (optimal string alignment). */
size_t parse_distance(const char *a, const char *b);

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
/* The same lists in QEMU's -object syntax: each number read as
 * parse_object_uint() reads it (010 is 8, 0x3 is 3, +1 is 1). */
int parse_object_nodelist(const char *s, const struct nodemask *all, struct nodemask *m,
			  unsigned long *bad);
int parse_object_cpulist(const char *s, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad);

/* The n bytes at src with the kernel's octal escapes decoded (seq_file's
 * mangle_path: a backslash and three octal digits, as numa_maps writes
 * '\n', '\t', '=' and ' ' of a file name: "\040" is a space) into dst
 * of room len, always terminated, cut at len - 1 bytes; a backslash not
 * followed by three octal digits stays as it is.  Returns the bytes
 * written, without the terminating NUL. */
size_t unescape_octal(char *dst, size_t len, const char *src, size_t n);
/* The same lists into a bit array of nbits bits (one unsigned long per
 * 8 * sizeof(long) bits), for sets larger than struct nodemask and
 * cpu_set_t: numactl's options take any node the kernel can have and
 * any CPU.  all has nbits bits too; numbers from nbits up are -ERANGE.
 * Adds to bits. */
int parse_nodelist_bits(const char *s, const unsigned long *all, unsigned long *bits, size_t nbits,
			unsigned long *bad);
int parse_cpulist_bits(const char *s, const unsigned long *all, unsigned long *bits, size_t nbits,
		       unsigned long *bad);

/* "4 KiB", "2 MiB", "1.5 GiB": exact where possible. */
/* One line of cgroup v2's memory.numa_stat, "anon N0=4096 N1=0": the
 * key into key (len bytes at most) and the bytes per node added to
 * bytes.  0, or -EINVAL. */
int parse_numa_stat_line(const char *line, char *key, size_t len, uint64_t bytes[NUMAMEM_MAX_NODES]);
void format_size(uint64_t bytes, char *buf, size_t len);

#endif
