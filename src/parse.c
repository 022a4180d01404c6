/* Pure parsers; see parse.h. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

#define LONG_BITS (8 * sizeof(unsigned long))

void nodemask_set(struct nodemask *m, unsigned node)
{
	m->bits[node / LONG_BITS] |= 1UL << (node % LONG_BITS);
}

bool nodemask_isset(const struct nodemask *m, unsigned node)
{
	if (node >= NODEMASK_LONGS * LONG_BITS)
		return false;
	return m->bits[node / LONG_BITS] & (1UL << (node % LONG_BITS));
}

unsigned nodemask_weight(const struct nodemask *m)
{
	unsigned w = 0;

	for (size_t i = 0; i < NODEMASK_LONGS; i++)
		w += (unsigned)__builtin_popcountl(m->bits[i]);
	return w;
}

bool nodemask_empty(const struct nodemask *m)
{
	return nodemask_weight(m) == 0;
}

unsigned nodemask_maxnode(const struct nodemask *m)
{
	for (size_t i = NODEMASK_LONGS; i-- > 0;)
		if (m->bits[i])
			return (unsigned)(i * LONG_BITS + LONG_BITS - __builtin_clzl(m->bits[i]));
	return 0;
}

int nodemask_format(const struct nodemask *m, char *buf, size_t len)
{
	size_t used = 0;
	unsigned end = NODEMASK_LONGS * LONG_BITS;

	if (len)
		buf[0] = '\0';
	for (unsigned n = 0; n < end; n++) {
		unsigned last = n;
		int w;

		if (!nodemask_isset(m, n))
			continue;
		while (last + 1 < end && nodemask_isset(m, last + 1))
			last++;
		if (last == n)
			w = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
				     "%s%u", used ? "," : "", n);
		else
			w = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
				     "%s%u-%u", used ? "," : "", n, last);
		used += (size_t)w;
		n = last;
	}
	return (int)used;
}

int cpuset_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int last = c, w;

		if (!CPU_ISSET(c, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		w = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
			     last == c ? "%s%d" : "%s%d-%d", used ? "," : "", c, last);
		used += (size_t)w;
		c = last;
	}
	return (int)used;
}

int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int suffix_shift(char c)
{
	static const char units[] = "BKMGTPE";
	const char *p = c ? strchr(units, toupper((unsigned char)c)) : NULL;

	return p ? (int)(p - units) * 10 : -1;
}

/* digits → *v; -ERANGE past UINT64_MAX, -EINVAL without a digit. */
static int parse_digits(const char **s, uint64_t *v, unsigned *count)
{
	*v = 0;
	*count = 0;
	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	for (; isdigit((unsigned char)**s); (*s)++, (*count)++) {
		unsigned d = (unsigned)(**s - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		*v = *v * 10 + d;
	}
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t whole, frac = 0, den = 1;
	unsigned digits;
	int shift = 0, r;

	if (!s || (r = parse_digits(&s, &whole, &digits)) < 0)
		return s ? r : -EINVAL;
	if (*s == '.') {
		const char *f = ++s, *last;

		if (!isdigit((unsigned char)*f))
			return -EINVAL;
		while (isdigit((unsigned char)*s))
			s++;
		/* trailing zeros say nothing: 1.2500000000000000P is 1.25P */
		for (last = s; last > f && last[-1] == '0'; last--)
			;
		if (last - f > 19)
			return -ERANGE; /* more digits than any byte count needs */
		for (; f < last; f++) {
			frac = frac * 10 + (uint64_t)(*f - '0');
			den *= 10;
		}
	}
	if (*s) {
		shift = suffix_shift(*s);
		if (shift < 0 || s[1])
			return -EINVAL;
	}
	if (shift && whole > (UINT64_MAX >> shift))
		return -ERANGE;
	whole <<= shift;
	if (frac) {
		/* frac / den of one unit, exactly: a whole number of bytes */
		unsigned __int128 scaled = (unsigned __int128)frac << shift;

		if (scaled % den || scaled / den > UINT64_MAX - whole)
			return -ERANGE;
		whole += (uint64_t)(scaled / den);
	}
	*out = whole;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };

	for (size_t i = 0; s && i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_duration(const char *s, double *seconds)
{
	static const struct {
		const char *suffix;
		double scale;
	} units[] = { { "", 1 }, { "ms", 1e-3 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 } };
	const char *p = s;
	char *end;
	double v;

	/* decimal digits with an optional fraction, nothing strtod() also
	 * takes (0x2, 1e3, inf, leading blanks or signs) */
	if (!p || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -EINVAL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end != p)
		return -EINVAL;
	if (errno || !isfinite(v))
		return -ERANGE;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			v *= units[i].scale;
			if (v > 1e9)
				return -ERANGE;
			*seconds = v;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_name(const char *s, const char *const *table, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (table[i] && !strcmp(s, table[i]))
			return (int)i;
	return -EINVAL;
}

/* Shared by node and CPU lists: "A", "A-B", "A-B:S", comma separated.
 * set_bit() is called for every member; max is the first invalid id. */
static int parse_ranges(const char *s, unsigned long max, void *set,
			void (*set_bit)(void *, unsigned long), bool allow_stride,
			unsigned long *bad)
{
	if (!*s)
		return -EINVAL;
	while (*s) {
		unsigned long a, b, stride = 1;
		char *end;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		a = strtoul(s, &end, 10);
		if (errno)
			a = ULONG_MAX;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			errno = 0;
			b = strtoul(s, &end, 10);
			if (errno)
				b = ULONG_MAX;
			s = end;
			if (allow_stride && *s == ':') {
				s++;
				if (!isdigit((unsigned char)*s))
					return -EINVAL;
				errno = 0;
				stride = strtoul(s, &end, 10);
				s = end;
				if (!stride || errno)
					return -EINVAL;
			}
		}
		if (*s == ',') {
			s++;
			if (!*s)
				return -EINVAL;
		} else if (*s) {
			return -EINVAL;
		}
		if (a > b)
			return -EINVAL;
		if (b >= max) {
			if (bad)
				*bad = a >= max ? a : b;
			return -ERANGE;
		}
		for (unsigned long i = a;; i += stride) {
			set_bit(set, i);
			if (b - i < stride) /* the next step would pass b (or wrap) */
				break;
		}
	}
	return 0;
}

static void set_node(void *m, unsigned long n)
{
	nodemask_set(m, (unsigned)n);
}

int parse_nodelist(const char *s, const struct nodemask *all, struct nodemask *m,
		   unsigned long *bad)
{
	struct nodemask tmp = { { 0 } };
	bool invert = false;
	int r;

	if (!s)
		return -EINVAL;
	if (*s == '!') {
		invert = true;
		s++;
	}
	if (!strcmp(s, "all")) {
		tmp = *all;
	} else {
		r = parse_ranges(s, NUMAMEM_MAX_NODES, &tmp, set_node, false, bad);
		if (r < 0)
			return r;
	}
	if (invert)
		for (size_t i = 0; i < NODEMASK_LONGS; i++)
			tmp.bits[i] = all->bits[i] & ~tmp.bits[i];
	if (nodemask_empty(&tmp))
		return -ENOENT;
	for (size_t i = 0; i < NODEMASK_LONGS; i++)
		m->bits[i] |= tmp.bits[i];
	return 0;
}

static void set_cpu(void *set, unsigned long cpu)
{
	CPU_SET(cpu, (cpu_set_t *)set);
}

int parse_cpulist(const char *s, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad)
{
	cpu_set_t tmp;
	bool invert = false;
	int r;

	if (!s)
		return -EINVAL;
	CPU_ZERO(&tmp);
	if (*s == '!') {
		invert = true;
		s++;
	}
	if (!strcmp(s, "all")) {
		CPU_OR(&tmp, &tmp, all);
	} else {
		r = parse_ranges(s, CPU_SETSIZE, &tmp, set_cpu, true, bad);
		if (r < 0)
			return r;
	}
	if (invert) {
		CPU_XOR(&tmp, &tmp, all);
		CPU_AND(&tmp, &tmp, all);
		if (!CPU_COUNT(&tmp))
			return -ENOENT;
	}
	CPU_OR(set, set, &tmp);
	return 0;
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t u = 0;
	double v = (double)bytes;

	while (u + 1 < ARRAY_SIZE(units) && bytes >= (1ULL << (10 * (u + 1))))
		u++;
	v = (double)bytes / (double)(1ULL << (10 * u));
	if (u == 0 || bytes % (1ULL << (10 * u)) == 0)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}
