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

/* One number of a list or a count; *s moves past it.  numactl's reading:
 * decimal digits.  QEMU's (parse_uint() in util/cutils.c, as its -object
 * parser reads every integer): blanks, an optional '+', then base 0 (0x
 * hexadecimal, a leading 0 octal).  -ERANGE past ULONG_MAX (*v is then
 * ULONG_MAX), -EINVAL without a digit. */
static int read_number(const char **s, bool qemu, unsigned long *v)
{
	const char *p = *s;
	char *end;

	if (qemu) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '+')
			p++;
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	*v = strtoul(p, &end, qemu ? 0 : 10);
	*s = end;
	return errno ? -ERANGE : 0;
}

int parse_object_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	int r = s ? read_number(&s, true, &v) : -EINVAL;

	if (r == -EINVAL || (!r && *s))
		return -EINVAL;
	if (r < 0 || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_weights(const char *s, unsigned w[NUMAMEM_MAX_NODES], unsigned long *bad)
{
	char buf[1024], *save = NULL;

	memset(w, 0, NUMAMEM_MAX_NODES * sizeof(*w));
	if (!s || !*s || strlen(s) >= sizeof(buf) || s[strlen(s) - 1] == ',')
		return -EINVAL;
	strcpy(buf, s);
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		unsigned long node, weight;
		int r;

		if (!colon)
			return -EINVAL;
		*colon = '\0';
		r = parse_uint(item, 0, ULONG_MAX, &node);
		if (r < 0)
			return -EINVAL;
		if (node >= NUMAMEM_MAX_NODES) {
			*bad = node;
			return -ERANGE;
		}
		r = parse_uint(colon + 1, 0, ULONG_MAX, &weight);
		if (r < 0 || w[node])
			return -EINVAL;
		*bad = node;
		if (!weight)
			return -EDOM;
		if (weight > 255)
			return -EOVERFLOW;
		w[node] = (unsigned)weight;
	}
	return 0;
}

static int suffix_shift(char c)
{
	static const char units[] = "BKMGTPE";
	const char *p = c ? strchr(units, toupper((unsigned char)c)) : NULL;

	return p ? (int)(p - units) * 10 : -1;
}

/* Digits in base 10 or 16 → *v; *s moves past them.  -ERANGE past
 * UINT64_MAX (every digit is still read), -EINVAL without a digit. */
static int parse_digits(const char **s, unsigned base, uint64_t *v)
{
	bool over = false;
	const char *p = *s;

	*v = 0;
	for (;; p++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (*v > (UINT64_MAX - d) / base)
			over = true;
		else
			*v = *v * base + d;
	}
	if (p == *s)
		return -EINVAL;
	*s = p;
	return over ? -ERANGE : 0;
}

/* round(0.DIGITS * 2^shift), halves up, exactly: the decimal fraction is
 * doubled shift times, each carry out of the point one more bit of the
 * result.  *nonzero: the fraction is not zero. */
static int scale_fraction(const char *digits, size_t n, int shift, uint64_t *out, bool *nonzero)
{
	unsigned char *d = malloc(n ? n : 1);
	uint64_t v = 0;

	if (!d)
		return -ENOMEM;
	*nonzero = false;
	for (size_t i = 0; i < n; i++) {
		d[i] = (unsigned char)(digits[i] - '0');
		*nonzero |= d[i] != 0;
	}
	for (int b = 0; b < shift; b++) {
		unsigned carry = 0;

		for (size_t i = n; i-- > 0;) {
			unsigned x = d[i] * 2u + carry;

			d[i] = (unsigned char)(x % 10);
			carry = x / 10;
		}
		v = v << 1 | carry;
	}
	*out = v + (n && d[0] >= 5);
	free(d);
	return 0;
}

/* QEMU's qemu_strtosz() (util/cutils.c, QEMU 8.1 and later), read
 * exactly: no floating point. */
int parse_size(const char *s, uint64_t *out)
{
	const char *frac = NULL;
	size_t nfrac = 0;
	uint64_t whole = 0, part = 0;
	bool hex = false, digits, nonzero;
	int shift = 0, r = 0;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-')
		return -EINVAL; /* QEMU: negative sizes, -0 too, are refused */
	if (*s == '+')
		s++;
	digits = isdigit((unsigned char)*s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
		/* hexadecimal: no fraction, no suffix */
		s += 2;
		hex = true;
		r = parse_digits(&s, 16, &whole);
		if (*s) /* 0x1.8, 0x20M */
			return -EINVAL;
	} else if (digits || (s[0] == '.' && isdigit((unsigned char)s[1]))) {
		if (digits)
			r = parse_digits(&s, 10, &whole);
		if (*s == '.') {
			frac = ++s;
			while (isdigit((unsigned char)*s))
				s++;
			nfrac = (size_t)(s - frac);
		}
	} else {
		return -EINVAL;
	}
	if (!hex && *s) {
		shift = suffix_shift(*s++);
		if (shift < 0 || *s)
			return -EINVAL;
	}
	if (r < 0)
		return r;
	r = scale_fraction(frac ? frac : "", nfrac, shift, &part, &nonzero);
	if (r < 0)
		return r;
	if (nonzero && !shift)
		return -EINVAL; /* a fraction needs a unit larger than a byte */
	if (shift && whole > (UINT64_MAX >> shift))
		return -ERANGE;
	whole <<= shift;
	if (part > UINT64_MAX - whole)
		return -ERANGE;
	*out = whole + part;
	return 0;
}

/* yes[i] and no[i], compared with cmp: numamem's options take 1 and 0
 * in any case; QEMU's qapi_bool_parse() takes y and n, in lower case. */
static bool same(const char *s, const char *t, bool any_case)
{
	return any_case ? !strcasecmp(s, t) : !strcmp(s, t);
}

static int bool_in(const char *s, const char *const yes[4], const char *const no[4], bool any_case, bool *out)
{
	for (size_t i = 0; s && i < 4; i++) {
		if (same(s, yes[i], any_case)) {
			*out = true;
			return 0;
		}
		if (same(s, no[i], any_case)) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };

	return bool_in(s, yes, no, true, out);
}

int parse_when(const char *s, int *out)
{
	static const struct {
		const char *word;
		int when;
	} words[] = { { "always", 1 }, { "force", 1 }, { "never", 0 }, { "none", 0 },
		      { "auto", -1 }, { "tty", -1 },   { "if-tty", -1 } };
	bool on;

	for (size_t i = 0; s && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i].word)) {
			*out = words[i].when;
			return 0;
		}
	if (parse_bool(s, &on) < 0)
		return -EINVAL;
	*out = on;
	return 0;
}

int parse_object_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "y" };
	static const char *const no[] = { "off", "no", "false", "n" };

	return bool_in(s, yes, no, false, out);
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

	/* decimal digits with an optional point and fraction, a digit on
	 * at least one side of it, as sleep(1) takes them (.5, 2.), nothing
	 * else strtod() also takes (0x2, 1e3, inf, leading blanks or signs) */
	if (!p || !(isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))))
		return -EINVAL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.')
		p++;
	while (isdigit((unsigned char)*p))
		p++;
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

size_t parse_distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	size_t la = strlen(a), lb = strlen(b), d[MAX + 1][MAX + 1];

	if (la > MAX || lb > MAX)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *parse_suggest(const char *s, const char *const *table, size_t n)
{
	size_t len = s ? strlen(s) : 0, room = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = SIZE_MAX;
	const char *found = NULL;

	for (size_t i = 0; s && i < n; i++) {
		size_t d;

		if (!table[i])
			continue;
		d = parse_distance(s, table[i]);
		if (d < best) {
			best = d;
			found = table[i];
		} else if (d == best && found && strcmp(found, table[i])) {
			found = NULL; /* a tie: no guess */
		}
	}
	return best <= room && best > 0 ? found : NULL;
}

/* Shared by node and CPU lists: "A", "A-B", "A-B:S", comma separated.
 * set_bit() is called for every member; max is the first invalid id. */
static int parse_ranges(const char *s, bool qemu, unsigned long max, void *set,
			void (*set_bit)(void *, unsigned long), bool allow_stride,
			unsigned long *bad)
{
	if (!*s)
		return -EINVAL;
	while (*s) {
		unsigned long a, b, stride = 1;

		if (read_number(&s, qemu, &a) == -EINVAL)
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (read_number(&s, qemu, &b) == -EINVAL)
				return -EINVAL;
			if (allow_stride && *s == ':') {
				s++;
				if (read_number(&s, qemu, &stride) < 0 || !stride)
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

static int nodelist(const char *s, bool qemu, const struct nodemask *all, struct nodemask *m,
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
		r = parse_ranges(s, qemu, NUMAMEM_MAX_NODES, &tmp, set_node, false, bad);
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

int parse_nodelist(const char *s, const struct nodemask *all, struct nodemask *m, unsigned long *bad)
{
	return nodelist(s, false, all, m, bad);
}

int parse_object_nodelist(const char *s, const struct nodemask *all, struct nodemask *m, unsigned long *bad)
{
	return nodelist(s, true, all, m, bad);
}

static void set_cpu(void *set, unsigned long cpu)
{
	CPU_SET(cpu, (cpu_set_t *)set);
}

static int cpulist(const char *s, bool qemu, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad)
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
		r = parse_ranges(s, qemu, CPU_SETSIZE, &tmp, set_cpu, true, bad);
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

int parse_cpulist(const char *s, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad)
{
	return cpulist(s, false, all, set, bad);
}

int parse_object_cpulist(const char *s, const cpu_set_t *all, cpu_set_t *set, unsigned long *bad)
{
	return cpulist(s, true, all, set, bad);
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* The byte of "\\ooo" at s (n bytes left), or -1 when s is no escape
 * (a NUL is none: no file name holds one). */
static int octal_escape(const char *s, size_t n)
{
	int c;

	if (n < 4 || s[0] != '\\' || s[1] < '0' || s[1] > '3' || !is_octal(s[2]) || !is_octal(s[3]))
		return -1;
	c = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
	return c ? c : -1;
}

size_t unescape_octal(char *dst, size_t len, const char *src, size_t n)
{
	size_t out = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < n && out + 1 < len; i++) {
		int c = octal_escape(src + i, n - i);

		dst[out++] = c < 0 ? src[i] : (char)c;
		if (c >= 0)
			i += 3;
	}
	dst[out] = '\0';
	return out;
}

/* A bit array of nbits bits. */
struct bits {
	unsigned long *w;
	size_t n;
};
#define WORD_BITS (8 * sizeof(unsigned long))

static void set_bits_bit(void *b, unsigned long i)
{
	struct bits *x = b;

	x->w[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
}

/* Nodes and CPUs alike, by numactl's rules: "all", "!LIST", ranges
 * (with a stride for CPUs). */
static int bitlist(const char *s, const unsigned long *all, unsigned long *bits, size_t nbits, bool stride,
		   unsigned long *bad)
{
	size_t words = (nbits + WORD_BITS - 1) / WORD_BITS;
	unsigned long *tmp = calloc(words ? words : 1, sizeof(*tmp));
	struct bits t = { tmp, nbits };
	bool invert = false, any = false;
	int r = 0;

	if (!tmp)
		return -ENOMEM;
	if (!s) {
		free(tmp);
		return -EINVAL;
	}
	if (*s == '!') {
		invert = true;
		s++;
	}
	if (!strcmp(s, "all"))
		memcpy(tmp, all, words * sizeof(*tmp));
	else
		r = parse_ranges(s, false, nbits, &t, set_bits_bit, stride, bad);
	for (size_t i = 0; !r && i < words; i++) {
		if (invert)
			tmp[i] = all[i] & ~tmp[i];
		any |= tmp[i] != 0;
	}
	if (!r && !any)
		r = -ENOENT;
	for (size_t i = 0; !r && i < words; i++)
		bits[i] |= tmp[i];
	free(tmp);
	return r;
}

int parse_nodelist_bits(const char *s, const unsigned long *all, unsigned long *bits, size_t nbits,
			unsigned long *bad)
{
	return bitlist(s, all, bits, nbits, false, bad);
}

int parse_cpulist_bits(const char *s, const unsigned long *all, unsigned long *bits, size_t nbits,
		       unsigned long *bad)
{
	return bitlist(s, all, bits, nbits, true, bad);
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

int parse_numa_stat_line(const char *line, char *key, size_t len, uint64_t bytes[NUMAMEM_MAX_NODES])
{
	size_t k = strcspn(line, " \n");
	const char *p = line + k;

	if (!k || k >= len || *p != ' ')
		return -EINVAL;
	memcpy(key, line, k);
	key[k] = '\0';
	while (*p == ' ') {
		unsigned long long node, v;
		char *end;

		p++;
		if (*p == '\n' || !*p)
			break;
		if (*p != 'N' || !isdigit((unsigned char)p[1]))
			return -EINVAL;
		node = strtoull(p + 1, &end, 10);
		if (*end != '=' || !isdigit((unsigned char)end[1]))
			return -EINVAL;
		v = strtoull(end + 1, &end, 10);
		if (*end && *end != ' ' && *end != '\n')
			return -EINVAL;
		if (node < NUMAMEM_MAX_NODES)
			bytes[node] += v;
		p = end;
	}
	return *p && *p != '\n' ? -EINVAL : 0;
}
