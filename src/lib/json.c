/* JSON written (strings, node and CPU sets) and read (one flat object,
 * as libvirt writes -object); see json.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"

/* The bytes of the UTF-8 sequence lead c starts (2 to 4), 1 for ASCII,
 * 0 for a byte no sequence starts with: a continuation byte, the
 * overlong leads C0 and C1, and F5 to FF (beyond U+10FFFF). */
static size_t utf8_lead_length(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* The length of the valid UTF-8 sequence at s, 0 when there is none
 * (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF).
 * Stops at a NUL, which is no continuation byte. */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t len = utf8_lead_length(s[0]);
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */

	if (len < 2)
		return len;
	if (s[0] == 0xe0)
		lo = 0xa0; /* below: overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* above: U+D800-DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90; /* below: overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above: beyond U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t utf8_whole(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = n;

	while (i > 0 && n - i < 3 && (u[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && utf8_lead_length(u[i - 1]) > n - (i - 1))
		return i - 1;
	return n;
}

void json_string(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', out);
	while (u && *u) {
		size_t len = utf8_sequence(u);

		if (!len)
			fputs("\\ufffd", out);
		else if (*u == '"' || *u == '\\')
			fprintf(out, "\\%c", *u);
		else if (*u < 0x20)
			fprintf(out, "\\u%04x", *u);
		else
			fwrite(u, 1, len, out);
		u += len ? len : 1;
	}
	fputc('"', out);
}

void json_nodes(FILE *out, const struct nodemask *m)
{
	bool first = true;

	fputc('[', out);
	for (unsigned n = 0; n < NUMAMEM_MAX_NODES; n++)
		if (nodemask_isset(m, n)) {
			fprintf(out, "%s%u", first ? "" : ",", n);
			first = false;
		}
	fputc(']', out);
}

void json_node_bits(FILE *out, const unsigned long *bits, size_t nbits)
{
	bool first = true;

	fputc('[', out);
	for (size_t n = 0; n < nbits; n++)
		if (bits_isset(bits, nbits, n)) {
			fprintf(out, "%s%zu", first ? "" : ",", n);
			first = false;
		}
	fputc(']', out);
}

void json_cpus(FILE *out, const cpu_set_t *set)
{
	bool first = true;

	fputc('[', out);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set)) {
			fprintf(out, "%s%d", first ? "" : ",", c);
			first = false;
		}
	fputc(']', out);
}

/* ------------------------------------------------ reading one flat JSON object */

struct json_reader {
	const char *s, *p;
	char *why;
	size_t whylen;
};

static int read_fail(struct json_reader *j, const char *what)
{
	snprintf(j->why, j->whylen, "%s at offset %zu", what, (size_t)(j->p - j->s));
	return -EINVAL;
}

static void read_blank(struct json_reader *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int read_hex4(const char *p, unsigned *v)
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
static int read_string(struct json_reader *j, char **out)
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
			return read_fail(j, c ? "control character in a string" : "unterminated string");
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
			return read_fail(j, "invalid escape in a string");
		}
		if (read_hex4(j->p + 1, &u) < 0 || !u) {
			free(buf);
			return read_fail(j, "invalid \\u escape in a string");
		}
		j->p += 5;
		if (u >= 0xd800 && u < 0xdc00) { /* a surrogate pair */
			if (j->p[0] != '\\' || j->p[1] != 'u' || read_hex4(j->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
				free(buf);
				return read_fail(j, "invalid surrogate pair in a string");
			}
			j->p += 6;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			free(buf);
			return read_fail(j, "invalid surrogate pair in a string");
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
static int read_number(struct json_reader *j, char **out)
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
		return read_fail(j, "invalid number");
	if (*j->p == '.') {
		if (!isdigit((unsigned char)*++j->p))
			return read_fail(j, "invalid number");
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!isdigit((unsigned char)*j->p))
			return read_fail(j, "invalid number");
		while (isdigit((unsigned char)*j->p))
			j->p++;
	}
	*out = strndup(start, (size_t)(j->p - start));
	return *out ? 0 : -ENOMEM;
}

static bool read_word(struct json_reader *j, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(j->p, w, n) || isalnum((unsigned char)j->p[n]))
		return false;
	j->p += n;
	return true;
}

static int read_value(struct json_reader *j, struct json_member *m)
{
	int r;

	read_blank(j);
	if (*j->p == '"') {
		m->type = JSON_STRING;
		return read_string(j, &m->text);
	}
	if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		m->type = JSON_NUMBER;
		return read_number(j, &m->text);
	}
	if (read_word(j, "true") || read_word(j, "false")) {
		m->type = JSON_BOOL;
		m->text = strdup(j->p[-2] == 'u' ? "true" : "false"); /* tr*ue*, fal*se* */
		return m->text ? 0 : -ENOMEM;
	}
	if (read_word(j, "null")) {
		m->type = JSON_NULL;
		return 0;
	}
	if (*j->p == '{')
		return read_fail(j, "nested object (only a flat object is taken)");
	if (*j->p != '[')
		return read_fail(j, "expected a value");
	m->type = JSON_ARRAY;
	j->p++;
	read_blank(j);
	if (*j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		char *text = NULL, *end;
		uint64_t *grown;

		read_blank(j);
		if (!isdigit((unsigned char)*j->p))
			return read_fail(j, "expected a whole number from 0 in an array");
		r = read_number(j, &text);
		if (r < 0)
			return r;
		errno = 0;
		if (strpbrk(text, ".eE")) {
			free(text);
			return read_fail(j, "expected a whole number from 0 in an array");
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
			return read_fail(j, "number too large in an array");
		m->nitems++;
		read_blank(j);
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return read_fail(j, "expected ',' or ']'");
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
	read_blank(&j);
	if (*j.p != '{')
		return read_fail(&j, "expected '{'");
	j.p++;
	read_blank(&j);
	if (*j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		struct json_member *grown;

		read_blank(&j);
		if (*j.p != '"') {
			r = read_fail(&j, "expected a key in double quotes");
			break;
		}
		grown = realloc(m, (n + 1) * sizeof(*m));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		m = grown;
		m[n] = (struct json_member){ 0 };
		r = read_string(&j, &m[n].key);
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
		read_blank(&j);
		if (*j.p != ':') {
			r = read_fail(&j, "expected ':'");
			break;
		}
		j.p++;
		r = read_value(&j, &m[n - 1]);
		if (r < 0)
			break;
		read_blank(&j);
		if (*j.p == '}') {
			j.p++;
			break;
		}
		if (*j.p != ',') {
			r = read_fail(&j, "expected ',' or '}'");
			break;
		}
		j.p++;
	}
end:
	if (!r) {
		read_blank(&j);
		if (*j.p)
			r = read_fail(&j, "text after the object");
	}
	if (r < 0) {
		json_members_free(m, n);
		return r;
	}
	*members = m;
	*count = n;
	return 0;
}

/* ------------------------------------------------------ json_outline */

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* The end of the value at s (after blanks), or NULL when it is not one. */
static const char *value_end(const char *s, int depth)
{
	s = ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++)
			if (*s == '\\' && !*++s)
				return NULL;
		return *s ? s + 1 : NULL;
	}
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';

		s = ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (close == '}') {
				if (*s != '"' || !(s = value_end(s, depth + 1)) || *(s = ws(s)) != ':')
					return NULL;
				s++;
			}
			if (!(s = value_end(s, depth + 1)))
				return NULL;
			s = ws(s);
			if (*s == close)
				return s + 1;
			if (*s != ',')
				return NULL;
			s = ws(s + 1);
		}
	}
	if (!*s || strchr(",:}]", *s))
		return NULL;
	while (*s && !strchr(",:}] \t\r\n", *s))
		s++;
	return s;
}

/* A scalar, an empty object or array, or an array of scalars. */
static bool outline_inline(const char *s)
{
	s = ws(s);
	if (*s == '{')
		return *ws(s + 1) == '}';
	if (*s != '[')
		return true;
	for (s = ws(s + 1); *s != ']'; s = ws(s)) {
		if (*s == '{' || *s == '[')
			return false;
		s = ws(value_end(s, 0));
		if (*s == ',')
			s++;
	}
	return true;
}

/* Text built in a fixed buffer, cut short when it is full. */
struct outline_buf {
	char b[512];
	size_t used;
};

static void put(struct outline_buf *o, const char *s, size_t n)
{
	if (n > sizeof(o->b) - 1 - o->used)
		n = sizeof(o->b) - 1 - o->used;
	memcpy(o->b + o->used, s, n);
	o->used += n;
	o->b[o->used] = '\0';
}

/* A scalar as a person reads it: a string without quotes or escapes. */
static void outline_scalar(struct outline_buf *o, const char *s, const char *end)
{
	if (*s != '"') {
		put(o, s, (size_t)(end - s));
		return;
	}
	for (s++, end--; s < end; s++) {
		if (*s == '\\') {
			s++;
			put(o, *s == 'n' || *s == 't' ? " " : *s == 'u' ? "?" : s, 1);
			if (*s == 'u')
				s += 4;
			continue;
		}
		put(o, s, 1);
	}
}

static void outline_inline_value(struct outline_buf *o, const char *s)
{
	const char *e;

	s = ws(s);
	if (*s == '{') {
		put(o, "{}", 2);
		return;
	}
	if (*s != '[') {
		outline_scalar(o, s, value_end(s, 0));
		return;
	}
	s = ws(s + 1);
	if (*s == ']')
		put(o, "[]", 2);
	for (bool first = true; *s != ']'; first = false) {
		e = value_end(s, 0);
		if (!first)
			put(o, ",", 1);
		outline_scalar(o, s, e);
		s = ws(e);
		if (*s == ',')
			s = ws(s + 1);
	}
}

static void outline_value(FILE *out, const char *s, int indent, const char *head, size_t headlen);

/* Nothing to say: null, "", {} or []. */
static bool outline_empty(const char *v)
{
	v = ws(v);
	return !strncmp(v, "null", 4) || !strncmp(v, "\"\"", 2) || (strchr("[{", *v) && strchr("]}", *ws(v + 1)));
}

/* The members of the object at s: scalars on the head's line (those
 * with nothing to say left out, continued on lines indented four more
 * past OUTLINE_WIDTH columns), the rest below. */
#define OUTLINE_WIDTH 79
static void outline_object(FILE *out, const char *obj, int indent, const char *head, size_t headlen)
{
	int col = fprintf(out, "%*s%.*s", indent, "", (int)headlen, head);

	for (int pass = 0; pass < 2; pass++) {
		const char *s = ws(ws(obj) + 1);

		while (*s == '"') {
			const char *key = s + 1, *kend = value_end(s, 0) - 1, *v = ws(ws(kend + 1) + 1);
			bool in = outline_inline(v);

			if (pass == 0 && in && !outline_empty(v)) {
				struct outline_buf item = { .used = 0 };

				put(&item, " ", 1);
				put(&item, key, (size_t)(kend - key));
				put(&item, "=", 1);
				outline_inline_value(&item, v);
				if (col > indent + 4 && col + (int)item.used > OUTLINE_WIDTH)
					col = fprintf(out, "\n%*s", indent + 3, "") - 1;
				col += fprintf(out, "%s", item.b);
			} else if (pass == 1 && !in) {
				char h[256];
				int n = snprintf(h, sizeof(h), "%.*s:", (int)(kend - key), key);

				outline_value(out, v, indent + 2, h, n < 0 ? 0 : (size_t)n < sizeof(h) ? (size_t)n : sizeof(h) - 1);
			}
			s = ws(value_end(v, 0));
			if (*s == ',')
				s = ws(s + 1);
		}
		if (pass == 0)
			fputc('\n', out);
	}
}

static void outline_value(FILE *out, const char *s, int indent, const char *head, size_t headlen)
{
	s = ws(s);
	if (*s == '{') {
		outline_object(out, s, indent, head, headlen);
		return;
	}
	if (*s != '[' || outline_inline(s)) {
		struct outline_buf item = { .used = 0 };

		outline_inline_value(&item, s);
		fprintf(out, "%*s%.*s %s\n", indent, "", (int)headlen, head, item.b);
		return;
	}
	fprintf(out, "%*s%.*s\n", indent, "", (int)headlen, head);
	for (s = ws(s + 1); *s != ']';) {
		outline_value(out, s, indent + 2, "-", 1);
		s = ws(value_end(s, 0));
		if (*s == ',')
			s = ws(s + 1);
	}
}

int json_outline(FILE *out, const char *doc, const char *head)
{
	const char *end = value_end(doc, 0);

	if (!end || *ws(end))
		return -EINVAL;
	outline_value(out, doc, 0, head, strlen(head));
	return 0;
}
