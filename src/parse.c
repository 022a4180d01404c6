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

/* ------------------------------------------------ one flat JSON object */

struct json_reader {
	const char *s, *p;
	char *why;
	size_t whylen;
};

static int json_fail(struct json_reader *j, const char *what)
{
	snprintf(j->why, j->whylen, "%s at offset %zu", what, (size_t)(j->p - j->s));
	return -EINVAL;
}

static void json_blank(struct json_reader *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int json_hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -EINVAL;
		*v = *v * 16 + (unsigned)(isdigit((unsigned char)p[i]) ? p[i] - '0' : tolower((unsigned char)p[i]) - 'a' + 10);
	}
	return 0;
}

/* A string at j->p ('"'), unescaped into a new allocation. */
static int json_string(struct json_reader *j, char **out)
{
	size_t room = strlen(j->p) * 2 + 1, n = 0; /* \uXXXX gives at most 4 bytes for 6 */
	char *buf = malloc(room);

	if (!buf)
		return -ENOMEM;
	j->p++;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;
		unsigned u, lo;

		if (!c || c < 0x20) {
			free(buf);
			return json_fail(j, c ? "control character in a string" : "unterminated string");
		}
		if (c != '\\') {
			buf[n++] = (char)c;
			j->p++;
			continue;
		}
		j->p++;
		switch (*j->p) {
		case '"': case '\\': case '/':
			buf[n++] = *j->p++;
			continue;
		case 'b': buf[n++] = '\b'; j->p++; continue;
		case 'f': buf[n++] = '\f'; j->p++; continue;
		case 'n': buf[n++] = '\n'; j->p++; continue;
		case 'r': buf[n++] = '\r'; j->p++; continue;
		case 't': buf[n++] = '\t'; j->p++; continue;
		case 'u':
			break;
		default:
			free(buf);
			return json_fail(j, "invalid escape in a string");
		}
		if (json_hex4(j->p + 1, &u) < 0 || !u) {
			free(buf);
			return json_fail(j, "invalid \\u escape in a string");
		}
		j->p += 5;
		if (u >= 0xd800 && u < 0xdc00) { /* a surrogate pair */
			if (j->p[0] != '\\' || j->p[1] != 'u' || json_hex4(j->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
				free(buf);
				return json_fail(j, "invalid surrogate pair in a string");
			}
			j->p += 6;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			free(buf);
			return json_fail(j, "invalid surrogate pair in a string");
		}
		if (u < 0x80) {
			buf[n++] = (char)u;
		} else if (u < 0x800) {
			buf[n++] = (char)(0xc0 | u >> 6);
			buf[n++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			buf[n++] = (char)(0xe0 | u >> 12);
			buf[n++] = (char)(0x80 | (u >> 6 & 0x3f));
			buf[n++] = (char)(0x80 | (u & 0x3f));
		} else {
			buf[n++] = (char)(0xf0 | u >> 18);
			buf[n++] = (char)(0x80 | (u >> 12 & 0x3f));
			buf[n++] = (char)(0x80 | (u >> 6 & 0x3f));
			buf[n++] = (char)(0x80 | (u & 0x3f));
		}
	}
	j->p++;
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/* A number at j->p, by JSON's grammar; its text into a new allocation. */
static int json_number(struct json_reader *j, char **out)
{
	const char *start = j->p;

	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (isdigit((unsigned char)*j->p))
		while (isdigit((unsigned char)*j->p))
			j->p++;
	else
		return json_fail(j, "invalid number");
	if (*j->p == '.') {
		if (!isdigit((unsigned char)*++j->p))
			return json_fail(j, "invalid number");
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return json_fail(j, "invalid number");
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	*out = strndup(start, (size_t)(j->p - start));
	return *out ? 0 : -ENOMEM;
}

static bool json_word(struct json_reader *j, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(j->p, w, n) || isalnum((unsigned char)j->p[n]))
		return false;
	j->p += n;
	return true;
}

static int json_value(struct json_reader *j, struct json_member *m)
{
	int r;

	json_blank(j);
	if (*j->p == '"') {
		m->type = JSON_STRING;
		return json_string(j, &m->text);
	}
	if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		m->type = JSON_NUMBER;
		return json_number(j, &m->text);
	}
	if (json_word(j, "true") || json_word(j, "false")) {
		m->type = JSON_BOOL;
		m->text = strdup(j->p[-2] == 'u' ? "true" : "false"); /* tr*ue*, fal*se* */
		return m->text ? 0 : -ENOMEM;
	}
	if (json_word(j, "null")) {
		m->type = JSON_NULL;
		return 0;
	}
	if (*j->p == '{')
		return json_fail(j, "nested object (only a flat object is taken)");
	if (*j->p != '[')
		return json_fail(j, "expected a value");
	m->type = JSON_ARRAY;
	j->p++;
	json_blank(j);
	if (*j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		char *text = NULL, *end;
		uint64_t *grown;

		json_blank(j);
		if (!isdigit((unsigned char)*j->p))
			return json_fail(j, "expected a whole number from 0 in an array");
		r = json_number(j, &text);
		if (r < 0)
			return r;
		errno = 0;
		if (strpbrk(text, ".eE")) {
			free(text);
			return json_fail(j, "expected a whole number from 0 in an array");
		}
		grown = realloc(m->items, (m->nitems + 1) * sizeof(*m->items));
		if (!grown) {
			free(text);
			return -ENOMEM;
		}
		m->items = grown;
		m->items[m->nitems] = strtoull(text, &end, 10);
		free(text);
		if (errno)
			return json_fail(j, "number too large in an array");
		m->nitems++;
		json_blank(j);
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return json_fail(j, "expected ',' or ']'");
		j->p++;
	}
}

void json_members_free(struct json_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].key);
		free(m[i].text);
		free(m[i].items);
	}
	free(m);
}

int parse_json_object(const char *s, struct json_member **members, size_t *count, char *why, size_t whylen)
{
	struct json_reader j = { .s = s, .p = s, .why = why, .whylen = whylen };
	struct json_member *m = NULL;
	size_t n = 0;
	int r = 0;

	*members = NULL;
	*count = 0;
	json_blank(&j);
	if (*j.p != '{')
		return json_fail(&j, "expected '{'");
	j.p++;
	json_blank(&j);
	if (*j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		struct json_member *grown;

		json_blank(&j);
		if (*j.p != '"') {
			r = json_fail(&j, "expected a key in double quotes");
			break;
		}
		grown = realloc(m, (n + 1) * sizeof(*m));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		m = grown;
		m[n] = (struct json_member){ 0 };
		r = json_string(&j, &m[n].key);
		n += r == 0;
		if (r < 0)
			break;
		for (size_t i = 0; i + 1 < n; i++)
			if (!strcmp(m[i].key, m[n - 1].key)) {
				snprintf(why, whylen, "duplicate key '%s'", m[n - 1].key);
				r = -EINVAL;
			}
		if (r < 0)
			break;
		json_blank(&j);
		if (*j.p != ':') {
			r = json_fail(&j, "expected ':'");
			break;
		}
		j.p++;
		r = json_value(&j, &m[n - 1]);
		if (r < 0)
			break;
		json_blank(&j);
		if (*j.p == '}') {
			j.p++;
			break;
		}
		if (*j.p != ',') {
			r = json_fail(&j, "expected ',' or '}'");
			break;
		}
		j.p++;
	}
end:
	if (!r) {
		json_blank(&j);
		if (*j.p)
			r = json_fail(&j, "text after the object");
	}
	if (r < 0) {
		json_members_free(m, n);
		return r;
	}
	*members = m;
	*count = n;
	return 0;
}
