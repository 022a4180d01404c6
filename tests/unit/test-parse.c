/* Unit tests for the pure parsers in src/parse.c. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/mempolicy.h"
#include "lib/parse.h"
#include "tap.h"

/* json_string of s, as written, is want */
static void json_is(const char *what, const char *s, const char *want)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	json_string(f, s);
	fclose(f);
	ok(got && !strcmp(got, want), "JSON string: %s (got %s)", what, got ? got : "nothing");
	free(got);
}

static void size_is(const char *s, uint64_t want)
{
	uint64_t got = 0;
	int r = parse_size(s, &got);

	ok(r == 0 && got == want, "size '%s' = %llu (got %llu, r=%d)", s, (unsigned long long)want,
	   (unsigned long long)got, r);
}

static void size_fails(const char *s, int err)
{
	uint64_t got = 12345;
	int r = parse_size(s, &got);

	ok(r == err && got == 12345, "size '%s' refused with %s (r=%d)", s, err == -EINVAL ? "EINVAL" : "ERANGE", r);
}

static void nodes_are(const char *s, const char *want)
{
	struct nodemask all = { { 0 } }, m = { { 0 } };
	char buf[128];
	int r;

	for (unsigned n = 0; n < 4; n++)
		nodemask_set(&all, n);
	r = parse_nodelist(s, &all, &m, NULL);
	nodemask_format(&m, buf, sizeof(buf));
	ok(r == 0 && !strcmp(buf, want), "nodes '%s' = '%s' (got '%s', r=%d)", s, want, buf, r);
}

static void nodes_fail(const char *s, int err, unsigned long bad_want)
{
	struct nodemask all = { { 0 } }, m = { { 0 } };
	unsigned long bad = 0;
	int r = parse_nodelist(s, &all, &m, &bad);

	ok(r == err && (err != -ERANGE || bad == bad_want), "nodes '%s' refused (r=%d, bad=%lu)", s, r, bad);
}

static void cpus_are(const char *s, const int *want, int n)
{
	cpu_set_t all, set;
	int r, match;

	CPU_ZERO(&all);
	CPU_ZERO(&set);
	for (int c = 0; c < 8; c++)
		CPU_SET(c, &all);
	r = parse_cpulist(s, &all, &set, NULL);
	match = r == 0 && CPU_COUNT(&set) == n;
	for (int i = 0; match && i < n; i++)
		match = CPU_ISSET(want[i], &set);
	ok(match, "cpus '%s' (r=%d, count=%d)", s, r, CPU_COUNT(&set));
}

int main(void)
{
	/* sizes: every suffix, both cases, fractions, bytes */
	size_is("0", 0);
	size_is("1", 1);
	size_is("4096", 4096);
	size_is("1B", 1);
	size_is("1K", 1024);
	size_is("1k", 1024);
	size_is("2M", 2ULL << 20);
	size_is("2m", 2ULL << 20);
	size_is("4G", 4ULL << 30);
	size_is("4g", 4ULL << 30);
	size_is("1T", 1ULL << 40);
	size_is("1P", 1ULL << 50);
	size_is("1E", 1ULL << 60);
	size_is("15E", 15ULL << 60);
	size_is("1.5G", 3ULL << 29);
	size_is("0.5K", 512);
	size_is("18446744073709551615", UINT64_MAX);
	size_fails("", -EINVAL);
	size_fails("G", -EINVAL);
	size_fails("4Q", -EINVAL);
	size_fails("4GB", -EINVAL);
	size_fails("4 G", -EINVAL);
	size_fails("1 ", -EINVAL);
	size_fails("10x", -EINVAL);
	/* qemu_strtosz (QEMU 8.1+): blanks and '+' before the number */
	size_is(" 1", 1);
	size_is("+1K", 1024);
	size_is(" +2M", 2ULL << 20);
	size_fails("+-1", -EINVAL);
	size_fails("-1", -EINVAL);       /* QEMU: ERANGE; refused either way */
	size_fails("-0", -EINVAL);
	size_fails(" -.5K", -EINVAL);
	/* hexadecimal: no suffix, no fraction; b and e are digits */
	size_is("0x10", 16);
	size_is("0X1f", 31);
	size_is("0x1b", 27);
	size_is("0x1E", 30);
	size_is("0xffffffffffffffff", UINT64_MAX);
	size_fails("0x", -EINVAL);
	size_fails("0xg", -EINVAL);
	size_fails("0x20M", -EINVAL);
	size_fails("0x1.8", -EINVAL);
	size_fails("0x1p3", -EINVAL);
	size_fails("0x10000000000000000", -ERANGE);
	size_fails("00x10", -EINVAL);
	/* octal is not: 010 is ten */
	size_is("010", 10);
	/* fractions: either side of the point may be empty, not both */
	size_is("1.", 1);
	size_is("1.K", 1024);
	size_is(".5K", 512);
	size_is("1.0", 1);               /* a zero fraction needs no unit */
	size_is("2.000", 2);
	size_fails("1.5", -EINVAL);      /* a fraction needs a unit above B */
	size_fails("0.3", -EINVAL);
	size_fails(".5", -EINVAL);
	size_fails("1.5B", -EINVAL);
	size_fails(".", -EINVAL);
	size_fails(".K", -EINVAL);
	size_fails("1..5K", -EINVAL);
	size_fails("1.5.K", -EINVAL);
	/* exponents are not: 1e3 is 1E and junk */
	size_fails("1e3", -EINVAL);
	size_is("1e", 1ULL << 60);
	size_is("1.5e", 3ULL << 59);
	size_fails("inf", -EINVAL);
	size_fails("nan", -EINVAL);
	/* rounded to the nearest byte, halves up, exactly */
	size_is("0.1K", 102);            /* 102.4 */
	size_is("0.3K", 307);            /* 307.2 */
	size_is("1.00048828125K", 1025); /* 1024.5: up */
	size_is("1.000488281249999999999999K", 1024);
	size_is("0.0000000000000000001E", 0);
	size_is("1.0000001K", 1024);
	size_is("1.2500000000000000P", 5ULL << 48);
	size_is("0.2500000000000000P", 1ULL << 48);
	size_is("0.0009765625K", 1);
	size_is("1.00000000000000000000000000000G", 1ULL << 30);
	size_is("15.9375E", 255ULL << 56);
	size_is("0.99999999999999999999E", 1ULL << 60);
	size_is("15.999999999999999999E", UINT64_MAX); /* 16E - 1.15: rounds to 16E - 1 */
	size_fails("16E", -ERANGE);
	size_fails("16.5E", -ERANGE);
	size_fails("15.99999999999999999999E", -ERANGE); /* rounds to 16E */
	size_fails("18446744073709551616", -ERANGE);
	size_fails("99999999999999999999G", -ERANGE);
	size_fails("99999999999999999999Gx", -EINVAL); /* junk before range */

	/* one flat JSON object */
	{
		struct json_member *m;
		size_t n;
		char why[160];
		static const char *const bad[][2] = {
			{ "", "expected '{' at offset 0" },
			{ "[]", "expected '{' at offset 0" },
			{ "{", "expected a key in double quotes at offset 1" },
			{ "{\"a\":1,}", "expected a key in double quotes at offset 7" },
			{ "{\"a\" 1}", "expected ':' at offset 5" },
			{ "{\"a\":1 \"b\":2}", "expected ',' or '}' at offset 7" },
			{ "{\"a\":1}x", "text after the object at offset 7" },
			{ "{\"a\":01}", "expected ',' or '}' at offset 6" },
			{ "{\"a\":1.}", "invalid number at offset 7" },
			{ "{\"a\":-}", "invalid number at offset 6" },
			{ "{\"a\":tru}", "expected a value at offset 5" },
			{ "{\"a\":{}}", "nested object (only a flat object is taken) at offset 5" },
			{ "{\"a\":[1,]}", "expected a whole number from 0 in an array at offset 8" },
			{ "{\"a\":[-1]}", "expected a whole number from 0 in an array at offset 6" },
			{ "{\"a\":[1.5]}", "expected a whole number from 0 in an array at offset 9" },
			{ "{\"a\":[\"x\"]}", "expected a whole number from 0 in an array at offset 6" },
			{ "{\"a\":\"x}", "unterminated string at offset 8" },
			{ "{\"a\":\"\\x\"}", "invalid escape in a string at offset 7" },
			{ "{\"a\":\"\\u00\"}", "invalid \\u escape in a string at offset 7" },
			{ "{\"a\":\"\\u0000\"}", "invalid \\u escape in a string at offset 7" },
			{ "{\"a\":\"\\udc00\"}", "invalid surrogate pair in a string at offset 12" },
			{ "{\"a\":1,\"a\":2}", "duplicate key 'a'" },
			{ "{'a':1}", "expected a key in double quotes at offset 1" },
			{ "{\"a\":1} // c", "text after the object at offset 8" },
		};

		ok(parse_json_object(" { \"qom-type\" : \"memory-backend-ram\", \"id\":\"m0\", \"size\":1073741824,"
				     "\"prealloc\":true, \"merge\":false, \"host-nodes\":[0, 2,3], \"x\":null,"
				     "\"e\":[], \"s\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\" } ",
				     &m, &n, why, sizeof(why)) == 0 && n == 9,
		   "JSON object parses (%s)", why);
		ok(!strcmp(m[0].key, "qom-type") && m[0].type == JSON_STRING && !strcmp(m[0].text, "memory-backend-ram"),
		   "JSON: string member");
		ok(m[2].type == JSON_NUMBER && !strcmp(m[2].text, "1073741824"), "JSON: number kept as text");
		ok(m[3].type == JSON_BOOL && !strcmp(m[3].text, "true") && m[4].type == JSON_BOOL &&
			   !strcmp(m[4].text, "false"),
		   "JSON: true and false");
		ok(m[5].type == JSON_ARRAY && m[5].nitems == 3 && m[5].items[0] == 0 && m[5].items[1] == 2 &&
			   m[5].items[2] == 3,
		   "JSON: array of numbers");
		ok(m[6].type == JSON_NULL && m[7].type == JSON_ARRAY && m[7].nitems == 0, "JSON: null, empty array");
		ok(!strcmp(m[8].text, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80"), "JSON: escapes, \\u and surrogate pairs to UTF-8");
		json_members_free(m, n);
		ok(parse_json_object("{}", &m, &n, why, sizeof(why)) == 0 && n == 0, "JSON: empty object");
		json_members_free(m, n);
		ok(parse_json_object("{\"n\":-1.5e+3}", &m, &n, why, sizeof(why)) == 0 && !strcmp(m[0].text, "-1.5e+3"),
		   "JSON: a number's full grammar");
		json_members_free(m, n);
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			why[0] = '\0';
			ok(parse_json_object(bad[i][0], &m, &n, why, sizeof(why)) == -EINVAL && !strcmp(why, bad[i][1]) &&
				   !m && !n,
			   "JSON '%s' refused: %s (got: %s)", bad[i][0], bad[i][1], why);
		}
	}

	/* unsigned integers */
	{
		unsigned long v = 0;

		ok(parse_uint("16", 1, 100, &v) == 0 && v == 16, "uint 16");
		ok(parse_uint("0", 1, 100, &v) == -ERANGE, "uint 0 below min");
		ok(parse_uint("101", 1, 100, &v) == -ERANGE, "uint above max");
		ok(parse_uint("010", 1, 100, &v) == 0 && v == 10, "uint 010 is decimal");
		ok(parse_uint("-1", 0, 100, &v) == -EINVAL, "uint -1 refused");
		ok(parse_uint("4x", 0, 100, &v) == -EINVAL, "uint junk refused");
		ok(parse_uint("99999999999999999999999", 0, UINT32_MAX, &v) == -ERANGE, "uint overflow");
	}
	{
		unsigned w[NUMAMEM_MAX_NODES];
		unsigned long bad = 0;

		ok(parse_weights("0:3,2:1", w, &bad) == 0 && w[0] == 3 && w[1] == 0 && w[2] == 1, "weights 0:3,2:1");
		ok(parse_weights("127:255", w, &bad) == 0 && w[127] == 255, "weights 127:255");
		ok(parse_weights("0:0", w, &bad) == -EDOM && bad == 0, "weights: zero refused");
		ok(parse_weights("1:256", w, &bad) == -EOVERFLOW && bad == 1, "weights: 256 refused");
		ok(parse_weights("128:1", w, &bad) == -ERANGE && bad == 128, "weights: node 128 refused");
		ok(parse_weights("0:1,0:2", w, &bad) == -EINVAL, "weights: a node twice refused");
		ok(parse_weights("0:1,", w, &bad) == -EINVAL, "weights: trailing comma refused");
		ok(parse_weights("0", w, &bad) == -EINVAL, "weights: no weight refused");
		ok(parse_weights("", w, &bad) == -EINVAL, "weights: empty refused");
		ok(parse_weights("0:-1", w, &bad) == -EINVAL, "weights: negative refused");
	}

	/* -object integers, as QEMU's parse_uint(): base 0, blanks, '+' */
	{
		static const struct {
			const char *s;
			int r;
			unsigned long v;
		} cases[] = {
			{ "16", 0, 16 },     { "010", 0, 8 },      { "0x10", 0, 16 }, { "0X1f", 0, 31 },
			{ "+2", 0, 2 },      { " 2", 0, 2 },       { "\t+7", 0, 7 },  { "0", -ERANGE, 0 },
			{ "", -EINVAL, 0 },  { "0x", -EINVAL, 0 }, { "08", -EINVAL, 0 }, { "2 ", -EINVAL, 0 },
			{ "-1", -EINVAL, 0 }, { "+-1", -EINVAL, 0 }, { "++1", -EINVAL, 0 }, { "4x", -EINVAL, 0 },
			{ "99999999999999999999999", -ERANGE, 0 },
		};

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			unsigned long v = 0;
			int r = parse_object_uint(cases[i].s, 1, 100, &v);

			ok(r == cases[i].r && (r || v == cases[i].v), "-object uint '%s' (r=%d, v=%lu)", cases[i].s, r, v);
		}
	}
	/* -object lists: every number read so */
	{
		struct nodemask all = { { 0 } }, m = { { 0 } };
		cpu_set_t cpus, set;
		char buf[64];

		for (unsigned n = 0; n < 16; n++)
			nodemask_set(&all, n);
		ok(parse_object_nodelist("010", &all, &m, NULL) == 0 && nodemask_isset(&m, 8) && nodemask_weight(&m) == 1,
		   "-object nodes '010' is node 8");
		m = (struct nodemask){ { 0 } };
		ok(parse_object_nodelist("0x3", &all, &m, NULL) == 0 && nodemask_isset(&m, 3) && nodemask_weight(&m) == 1,
		   "-object nodes '0x3' is node 3");
		m = (struct nodemask){ { 0 } };
		ok(parse_object_nodelist("+1-0x3", &all, &m, NULL) == 0 && nodemask_weight(&m) == 3, "-object nodes '+1-0x3'");
		m = (struct nodemask){ { 0 } };
		ok(parse_object_nodelist(" 0", &all, &m, NULL) == 0 && nodemask_isset(&m, 0), "-object nodes ' 0'");
		ok(parse_object_nodelist("0x", &all, &m, NULL) == -EINVAL, "-object nodes '0x' refused");
		ok(parse_object_nodelist("", &all, &m, NULL) == -EINVAL, "-object nodes '' refused");
		ok(parse_object_nodelist("08", &all, &m, NULL) == -EINVAL, "-object nodes '08' refused");
		m = (struct nodemask){ { 0 } };
		ok(parse_nodelist("010", &all, &m, NULL) == 0 && nodemask_isset(&m, 10), "numactl nodes '010' is node 10");
		ok(parse_nodelist("0x3", &all, &m, NULL) == -EINVAL, "numactl nodes '0x3' refused");
		CPU_ZERO(&cpus);
		CPU_ZERO(&set);
		for (int c = 0; c < 64; c++)
			CPU_SET(c, &cpus);
		ok(parse_object_cpulist("0x10-023:0x2", &cpus, &set, NULL) == 0, "-object cpus '0x10-023:0x2'");
		cpuset_format(&set, buf, sizeof(buf));
		ok(!strcmp(buf, "16,18"), "-object cpus '0x10-023:0x2' are 16,18 ('%s')", buf);
	}

	/* -object booleans, as QEMU's qapi_bool_parse(): lower case only */
	{
		static const char *const yes[] = { "on", "yes", "true", "y" };
		static const char *const no[] = { "off", "no", "false", "n" };
		static const char *const bad[] = { "ON", "On", "True", "TRUE", "Y", "N", "1", "0", "", "auto", "yes " };
		bool b;

		for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
			ok(parse_object_bool(yes[i], &b) == 0 && b, "-object bool '%s' is on", yes[i]);
		for (size_t i = 0; i < ARRAY_SIZE(no); i++)
			ok(parse_object_bool(no[i], &b) == 0 && !b, "-object bool '%s' is off", no[i]);
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			ok(parse_object_bool(bad[i], &b) == -EINVAL, "-object bool '%s' refused", bad[i]);
	}

	/* booleans */
	{
		static const char *const yes[] = { "on", "yes", "true", "1", "ON", "True" };
		static const char *const no[] = { "off", "no", "false", "0", "OFF" };
		bool b;

		for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
			ok(parse_bool(yes[i], &b) == 0 && b, "bool '%s' is on", yes[i]);
		for (size_t i = 0; i < ARRAY_SIZE(no); i++)
			ok(parse_bool(no[i], &b) == 0 && !b, "bool '%s' is off", no[i]);
		ok(parse_bool("maybe", &b) == -EINVAL, "bool 'maybe' refused");
		ok(parse_bool("", &b) == -EINVAL, "bool '' refused");
	}

	/* WHEN (--color): ls's words and the booleans' */
	{
		static const char *const always[] = { "always", "force", "yes", "on", "true", "1", "ALWAYS", "Yes" };
		static const char *const never[] = { "never", "none", "no", "off", "false", "0", "Never" };
		static const char *const autos[] = { "auto", "tty", "if-tty", "AUTO" };
		static const char *const bad[] = { "", "maybe", "alway", "y", "2" };
		int w;

		for (size_t i = 0; i < ARRAY_SIZE(always); i++)
			ok(parse_when(always[i], &w) == 0 && w == 1, "when '%s' is always", always[i]);
		for (size_t i = 0; i < ARRAY_SIZE(never); i++)
			ok(parse_when(never[i], &w) == 0 && w == 0, "when '%s' is never", never[i]);
		for (size_t i = 0; i < ARRAY_SIZE(autos); i++)
			ok(parse_when(autos[i], &w) == 0 && w == -1, "when '%s' is auto", autos[i]);
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			ok(parse_when(bad[i], &w) == -EINVAL, "when '%s' refused", bad[i]);
	}

	/* durations */
	{
		double d = 0;

		ok(parse_duration("10", &d) == 0 && d == 10, "duration 10");
		ok(parse_duration("1.5s", &d) == 0 && d == 1.5, "duration 1.5s");
		ok(parse_duration("250ms", &d) == 0 && d > 0.249 && d < 0.251, "duration 250ms");
		ok(parse_duration("2m", &d) == 0 && d == 120, "duration 2m");
		ok(parse_duration("1h", &d) == 0 && d == 3600, "duration 1h");
		ok(parse_duration("1d", &d) == 0 && d == 86400, "duration 1d");
		ok(parse_duration("5x", &d) == -EINVAL, "duration 5x refused");
		ok(parse_duration("-5", &d) == -EINVAL, "duration -5 refused");
		ok(parse_duration("", &d) == -EINVAL, "duration '' refused");
		ok(parse_duration("nan", &d) == -EINVAL, "duration nan refused");
		ok(parse_duration("0x2", &d) == -EINVAL, "duration 0x2 refused");
		ok(parse_duration("1e3", &d) == -EINVAL, "duration 1e3 refused");
		ok(parse_duration("inf", &d) == -EINVAL, "duration inf refused");
		ok(parse_duration("1.", &d) == 0 && d == 1, "duration 1. (as sleep 1. takes it)");
		ok(parse_duration("2.s", &d) == 0 && d == 2, "duration 2.s");
		ok(parse_duration(".2", &d) == 0 && d == 0.2, "duration .2 (as sleep .2 takes it)");
		ok(parse_duration(".5s", &d) == 0 && d == 0.5, "duration .5s");
		ok(parse_duration("1..5", &d) == -EINVAL, "duration 1..5 refused");
		ok(parse_duration(".", &d) == -EINVAL, "duration . refused");
		ok(parse_duration(".s", &d) == -EINVAL, "duration .s refused");
		ok(parse_duration("..5", &d) == -EINVAL, "duration ..5 refused");
		ok(parse_duration("+.5", &d) == -EINVAL, "duration +.5 refused");
		ok(parse_duration("0.5", &d) == 0 && d == 0.5, "duration 0.5");
	}

	/* node lists (all = 0-3 here) */
	nodes_are("0", "0");
	nodes_are("0-3", "0-3");
	nodes_are("0,2", "0,2");
	nodes_are("1-2,5", "1-2,5");
	nodes_are("all", "0-3");
	nodes_are("!1", "0,2-3");
	nodes_fail("!all", -ENOENT, 0);
	nodes_fail("!0-3", -ENOENT, 0);
	nodes_are("!0-1", "2-3");
	nodes_are("127", "127");
	nodes_fail("", -EINVAL, 0);
	nodes_fail("a", -EINVAL, 0);
	nodes_fail("1-", -EINVAL, 0);
	nodes_fail("-1", -EINVAL, 0);
	nodes_fail("3-1", -EINVAL, 0);
	nodes_fail("1,", -EINVAL, 0);
	nodes_fail(",1", -EINVAL, 0);
	nodes_fail("1,,2", -EINVAL, 0);
	nodes_fail("0-2:2", -EINVAL, 0);
	nodes_fail("128", -ERANGE, 128);
	nodes_fail("0-200", -ERANGE, 200);
	nodes_fail("99999999999999999999999", -ERANGE, ULONG_MAX);
	{
		struct nodemask all = { { 0 } }, m = { { 0 } };

		parse_nodelist("0", &all, &m, NULL);
		parse_nodelist("2", &all, &m, NULL);
		ok(nodemask_weight(&m) == 2 && nodemask_maxnode(&m) == 3, "repeated lists accumulate; maxnode 3");
		m = (struct nodemask){ { 0 } };
		ok(nodemask_maxnode(&m) == 0 && nodemask_empty(&m), "empty mask: maxnode 0");
		nodemask_set(&m, 127);
		ok(nodemask_maxnode(&m) == 128, "node 127: maxnode 128");
	}

	/* CPU lists (all = 0-7 here) */
	{
		static const int a[] = { 0 }, b[] = { 0, 1, 2, 3 }, c[] = { 0, 2, 4, 6 }, d[] = { 1, 5, 6, 7 };
		static const int e[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
		cpu_set_t all, set;
		unsigned long bad = 0;

		cpus_are("0", a, 1);
		cpus_are("0-3", b, 4);
		cpus_are("0-7:2", c, 4);
		cpus_are("1,5-7", d, 4);
		cpus_are("all", e, 8);
		{
			static const int f[] = { 1, 2, 3, 5, 6, 7 }, g[] = { 0, 4 };

			cpus_are("!0,4", f, 6);
			cpus_are("!1-3,5-7", g, 2);
		}
		CPU_ZERO(&set);
		for (int i = 0; i < 8; i++)
			CPU_SET(i, &set);
		ok(parse_cpulist("!all", &set, &set, NULL) == -ENOENT, "cpus '!all' names no CPU");
		ok(parse_cpulist("!x", &set, &set, NULL) == -EINVAL, "cpus '!x' refused");
		CPU_ZERO(&all);
		CPU_ZERO(&set);
		ok(parse_cpulist("x", &all, &set, NULL) == -EINVAL, "cpus 'x' refused");
		ok(parse_cpulist("0-3:0", &all, &set, NULL) == -EINVAL, "cpus stride 0 refused");
		ok(parse_cpulist("5000", &all, &set, &bad) == -ERANGE && bad == 5000, "cpus 5000 out of range");
		ok(parse_cpulist("", &all, &set, NULL) == -EINVAL, "cpus '' refused");
		CPU_ZERO(&set);
		ok(parse_cpulist("5-10:18446744073709551614", &all, &set, NULL) == 0 && CPU_COUNT(&set) == 1 &&
		   CPU_ISSET(5, &set), "cpus: a stride that would wrap stops at the range's end");
		CPU_ZERO(&set);
		ok(parse_cpulist("1-1023:1000", &all, &set, NULL) == 0 && CPU_COUNT(&set) == 2 &&
		   CPU_ISSET(1001, &set), "cpus: stride 1000 from 1 to 1023");
		ok(parse_cpulist("0-3:99999999999999999999999", &all, &set, NULL) == -EINVAL,
		   "cpus: a stride past ULONG_MAX refused");
		{
			char buf[64];

			CPU_ZERO(&set);
			parse_cpulist("0-3,8,10-11", &all, &set, NULL);
			cpuset_format(&set, buf, sizeof(buf));
			ok(!strcmp(buf, "0-3,8,10-11"), "cpuset_format round trip ('%s')", buf);
			CPU_ZERO(&set);
			cpuset_format(&set, buf, sizeof(buf));
			ok(!strcmp(buf, ""), "cpuset_format of no CPU is empty");
		}
	}

	/* JSON strings are valid UTF-8 whatever they are given: each byte
	 * of an invalid sequence is U+FFFD */
	{
		static const char *const strings[][3] = {
			{ "ASCII and escapes", "a\"b\\c\n\x01", "\"a\\\"b\\\\c\\u000a\\u0001\"" },
			{ "valid 2, 3, 4-byte sequences kept", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"" },
			{ "byte 0xff", "a\xff" "b", "\"a\\ufffdb\"" },
			{ "bytes 0xfe, 0xf5", "\xfe\xf5", "\"\\ufffd\\ufffd\"" },
			{ "a lone continuation byte", "a\x80" "b", "\"a\\ufffdb\"" },
			{ "a 2-byte sequence cut short", "\xc3", "\"\\ufffd\"" },
			{ "a 2-byte sequence cut short by ASCII", "\xc3z", "\"\\ufffdz\"" },
			{ "a 3-byte sequence cut short", "\xe2\x82", "\"\\ufffd\\ufffd\"" },
			{ "a 4-byte sequence cut short", "\xf0\x9f\x98z", "\"\\ufffd\\ufffd\\ufffdz\"" },
			{ "overlong 2-byte '/' (C0 AF)", "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
			{ "overlong 2-byte (C1 BF)", "\xc1\xbf", "\"\\ufffd\\ufffd\"" },
			{ "overlong 3-byte (E0 80 AF)", "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
			{ "overlong 4-byte (F0 8F BF BF)", "\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
			{ "surrogate U+D800", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
			{ "surrogate U+DFFF", "\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"" },
			{ "U+D7FF kept (below the surrogates)", "\xed\x9f\xbf", "\"\xed\x9f\xbf\"" },
			{ "U+110000 (F4 90 80 80)", "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		};

		for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
			json_is(strings[i][0], strings[i][1], strings[i][2]);
	}
	json_is("NULL", NULL, "\"\"");
	/* cutting a message short: never inside a character */
	ok(utf8_whole("ab\xc3\xa9", 4) == 4, "utf8_whole: a whole 2-byte character kept");
	ok(utf8_whole("ab\xc3\xa9", 3) == 2, "utf8_whole: a 2-byte character cut after its lead dropped");
	ok(utf8_whole("a\xe2\x82\xac", 3) == 1, "utf8_whole: a 3-byte character cut after 2 dropped");
	ok(utf8_whole("a\xf0\x9f\x98\x80", 4) == 1, "utf8_whole: a 4-byte character cut after 3 dropped");
	ok(utf8_whole("a\xf0\x9f\x98\x80", 5) == 5, "utf8_whole: a whole 4-byte character kept");
	ok(utf8_whole("abc", 3) == 3 && utf8_whole("", 0) == 0, "utf8_whole: ASCII kept");

	/* names and formatting */
	{
		static const char *const t[] = { "ram", "memfd", NULL, "shm" };
		char buf[32];

		ok(parse_name("memfd", t, 4) == 1, "name memfd");
		ok(parse_name("file", t, 4) == -EINVAL, "name file unknown");
		format_size(2ULL << 20, buf, sizeof(buf));
		ok(!strcmp(buf, "2 MiB"), "format 2 MiB ('%s')", buf);
		format_size(1536ULL << 20, buf, sizeof(buf));
		ok(!strcmp(buf, "1.50 GiB"), "format 1.50 GiB ('%s')", buf);
		format_size(100, buf, sizeof(buf));
		ok(!strcmp(buf, "100 B"), "format 100 B ('%s')", buf);
	}

	/* json_outline: an answer for a person, whatever its member names */
	{
		static const struct {
			const char *doc, *want;
		} cases[] = {
			{ "{\"command\":\"set\",\"id\":\"m0\",\"resize\":{\"old_size\":1,\"size\":2},\"fd\":null}",
			  "ok command=set id=m0\n  resize: old_size=1 size=2\n" },
			{ "{\"regions\":[{\"id\":\"a\",\"nodes\":[0,1],\"x\":[],\"s\":\"say \\\"hi\\\"\"},{\"id\":\"b\"}],\"v\":true}",
			  "ok v=true\n  regions:\n    - id=a nodes=0,1 s=say \"hi\"\n    - id=b\n" },
			{ "{\"a\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"b\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}",
			  "ok a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    b=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n" },
		};
		static const char *const bad[] = { "", "{", "{\"a\":}", "{\"a\":1} x", "[1,]", "{\"a\" 1}" };

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			char *got = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&got, &len);
			int r = json_outline(f, cases[i].doc, "ok");

			fclose(f);
			ok(r == 0 && !strcmp(got, cases[i].want), "outline %zu", i);
			if (r || strcmp(got, cases[i].want))
				fprintf(stderr, "# got:\n%s", got);
			free(got);
		}
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			char *got = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&got, &len);
			int r = json_outline(f, bad[i], "ok");

			fclose(f);
			ok(r == -EINVAL && !len, "outline of '%s' refused, nothing written", bad[i]);
			free(got);
		}
	}
	{
		/* numa_maps' escapes (seq_file's mangle_path) */
		static const struct {
			const char *in, *out;
			size_t room;
		} un[] = {
			{ "/memfd:m0\\040(deleted)", "/memfd:m0 (deleted)", 64 },
			{ "/tmp/a\\012b\\011c\\075d", "/tmp/a\nb\tc=d", 64 },
			{ "/tmp/back\\slash\\", "/tmp/back\\slash\\", 64 }, /* no digits: kept */
			{ "/tmp/x\\04", "/tmp/x\\04", 64 },                    /* cut short: kept */
			{ "/tmp/x\\400", "/tmp/x\\400", 64 },                  /* above \377: kept */
			{ "/tmp/x\\000y", "/tmp/x\\000y", 64 },                /* a NUL: kept */
			{ "/tmp/\\303\\251", "/tmp/\xc3\xa9", 64 },             /* bytes of UTF-8 */
			{ "a\\040b\\040c", "a b", 4 },                         /* cut at the room */
			{ "", "", 1 },
		};
		char dst[64];

		for (size_t i = 0; i < ARRAY_SIZE(un); i++) {
			size_t n = unescape_octal(dst, un[i].room, un[i].in, strlen(un[i].in));

			ok(!strcmp(dst, un[i].out) && n == strlen(un[i].out), "unescape '%s' -> '%s' ('%s')", un[i].in,
			   un[i].out, dst);
		}
		ok(unescape_octal(dst, 0, "abc", 3) == 0, "unescape into no room writes nothing");
		ok(unescape_octal(dst, sizeof(dst), "a\\040b", 3) == 3 && !strcmp(dst, "a\\0"),
		   "unescape reads only n bytes ('%s')", dst);
	}
	{
		uint64_t b[NUMAMEM_MAX_NODES] = { 0 };
		char key[32];

		ok(parse_numa_stat_line("anon N0=4096 N1=8192\n", key, sizeof(key), b) == 0 && !strcmp(key, "anon") &&
		   b[0] == 4096 && b[1] == 8192, "numa_stat: anon N0=4096 N1=8192");
		memset(b, 0, sizeof(b));
		ok(parse_numa_stat_line("shmem N0=0 N3=67108864", key, sizeof(key), b) == 0 && !strcmp(key, "shmem") &&
		   b[3] == 67108864 && !b[0], "numa_stat: shmem on node 3, no newline");
		ok(parse_numa_stat_line("file N200=5\n", key, sizeof(key), b) == 0 && !strcmp(key, "file"),
		   "numa_stat: a node beyond NUMAMEM_MAX_NODES is read and left out");
		ok(parse_numa_stat_line("anon N0=x\n", key, sizeof(key), b) == -EINVAL, "numa_stat: N0=x refused");
		ok(parse_numa_stat_line("anon 0=1\n", key, sizeof(key), b) == -EINVAL, "numa_stat: 0=1 refused");
		ok(parse_numa_stat_line("anon\n", key, sizeof(key), b) == -EINVAL, "numa_stat: a key alone refused");
		ok(parse_numa_stat_line("a_very_long_key_beyond_room N0=1", key, 8, b) == -EINVAL,
		   "numa_stat: a key beyond its room refused");
	}
	/* did you mean */
	{
		static const char *const t[] = { "membind", "interleave", "preferred", "preferred-many", "prealloc",
						 "no-prealloc", NULL, "show", "share" };
		const char *g;

		ok(parse_distance("membnd", "membind") == 1, "distance membnd-membind 1");
		ok(parse_distance("mebmind", "membind") == 1, "distance: a swap of neighbours is 1");
		ok(parse_distance("", "abc") == 3 && parse_distance("abc", "abc") == 0, "distance to empty, to itself");
		g = parse_suggest("membnd", t, ARRAY_SIZE(t));
		ok(g && !strcmp(g, "membind"), "suggest membnd -> membind (%s)", g ? g : "none");
		g = parse_suggest("interleaved", t, ARRAY_SIZE(t));
		ok(g && !strcmp(g, "interleave"), "suggest interleaved -> interleave (%s)", g ? g : "none");
		g = parse_suggest("prealoc", t, ARRAY_SIZE(t));
		ok(g && !strcmp(g, "prealloc"), "suggest prealoc -> prealloc (%s)", g ? g : "none");
		ok(!parse_suggest("bogus", t, ARRAY_SIZE(t)), "suggest bogus: nothing close");
		ok(!parse_suggest("membind", t, ARRAY_SIZE(t)), "suggest: an exact name is no typo");
		ok(!parse_suggest("shave", (const char *const[]){ "share", "shame" }, 2), "suggest: a tie gives no guess");
		g = policy_guess("membind");
		ok(g && !strcmp(g, "bind"), "policy membind -> bind");
		g = policy_guess("localalloc");
		ok(g && !strcmp(g, "local"), "policy localalloc -> local");
		g = policy_guess("MPOL_INTERLEAVE");
		ok(g && !strcmp(g, "interleave"), "policy MPOL_INTERLEAVE -> interleave");
		g = policy_guess("prefer");
		ok(g && !strcmp(g, "preferred"), "policy prefer -> preferred");
		g = policy_guess("weigthed-interleave");
		ok(g && !strcmp(g, "weighted-interleave"), "policy weigthed-interleave -> weighted-interleave");
		ok(!policy_guess("strict") && !policy_guess("xyz"), "policy strict, xyz: no guess");
	}

	/* node and CPU lists beyond struct nodemask and cpu_set_t */
	{
		enum { CPUS = 4096, NODES = 1024, W = 8 * sizeof(unsigned long) };
		unsigned long all[CPUS / W], got[CPUS / W], bad = 0;
		unsigned count = 0;
		int r;

		memset(all, 0, sizeof(all));
		for (unsigned c = 0; c < CPUS; c++)
			all[c / W] |= 1UL << (c % W);
		memset(got, 0, sizeof(got));
		r = parse_cpulist_bits("3500", all, got, CPUS, &bad);
		ok(r == 0 && (got[3500 / W] >> (3500 % W) & 1), "cpus '3500' in a 4096-CPU set (r=%d)", r);
		memset(got, 0, sizeof(got));
		r = parse_cpulist_bits("1020-3500:10", all, got, CPUS, &bad);
		for (unsigned c = 0; c < CPUS; c++)
			count += got[c / W] >> (c % W) & 1;
		ok(r == 0 && count == 249 && (got[3500 / W] >> (3500 % W) & 1), "cpus '1020-3500:10': 249 CPUs (%u)",
		   count);
		memset(got, 0, sizeof(got));
		r = parse_cpulist_bits("!0-3499", all, got, CPUS, &bad);
		count = 0;
		for (unsigned c = 0; c < CPUS; c++)
			count += got[c / W] >> (c % W) & 1;
		ok(r == 0 && count == CPUS - 3500, "cpus '!0-3499': the rest (%u)", count);
		r = parse_cpulist_bits("4096", all, got, CPUS, &bad);
		ok(r == -ERANGE && bad == 4096, "cpus '4096' in a 4096-CPU set: -ERANGE, bad 4096 (r=%d)", r);
		r = parse_cpulist_bits("!all", all, got, CPUS, &bad);
		ok(r == -ENOENT, "cpus '!all': -ENOENT (r=%d)", r);
		memset(got, 0, sizeof(got));
		r = parse_nodelist_bits("1000", all, got, NODES, &bad);
		ok(r == 0 && (got[1000 / W] >> (1000 % W) & 1), "nodes '1000' in a 1024-node set (r=%d)", r);
		r = parse_nodelist_bits("0-1024", all, got, NODES, &bad);
		ok(r == -ERANGE && bad == 1024, "nodes '0-1024': -ERANGE, bad 1024 (r=%d)", r);
		r = parse_nodelist_bits("0-3:2", all, got, NODES, &bad);
		ok(r == -EINVAL, "nodes take no stride (r=%d)", r);
	}

	/* the bit-array helpers of numactl's node sets */
	{
		enum { NODES = 1024, W = 8 * sizeof(unsigned long) };
		unsigned long all[NODES / W], got[NODES / W];
		struct nodemask m = { { 0 } };
		char buf[64];

		ok(NODE_BITS_WORDS(1024) == 1024 / W && NODE_BITS_WORDS(1) == 1 && NODE_BITS_WORDS(W + 1) == 2,
		   "NODE_BITS_WORDS rounds up");
		memset(all, 0, sizeof(all));
		memset(got, 0, sizeof(got));
		ok(bits_maxbit(got, NODES) == 0 && bits_weight(got, NODES) == 0, "empty: maxbit 0, weight 0");
		bits_set(got, NODES, 129);
		bits_set(got, NODES, 127);
		bits_set(got, NODES, NODES); /* past the set: ignored */
		ok(bits_isset(got, NODES, 129) && bits_isset(got, NODES, 127) && !bits_isset(got, NODES, 128) &&
			   !bits_isset(got, NODES, NODES),
		   "bits_set/bits_isset: 127 and 129, not 128 or 1024");
		ok(bits_weight(got, NODES) == 2 && bits_maxbit(got, NODES) == 130, "weight 2, maxbit 130");
		bits_format(got, NODES, buf, sizeof(buf));
		ok(!strcmp(buf, "127,129"), "bits_format '127,129' (%s)", buf);
		ok(!bits_to_nodemask(got, NODES, &m) && nodemask_isset(&m, 127) && nodemask_weight(&m) == 1,
		   "bits_to_nodemask: 129 does not fit, 127 kept");
		memset(got, 0, sizeof(got));
		bits_set(got, NODES, 3);
		ok(bits_to_nodemask(got, NODES, &m) && nodemask_isset(&m, 3) && nodemask_weight(&m) == 1,
		   "bits_to_nodemask: node 3 fits");
		memset(got, 0, sizeof(got));
		nodemask_set(&m, 127);
		nodemask_to_bits(&m, got, NODES);
		ok(bits_weight(got, NODES) == 2 && bits_isset(got, NODES, 127) && bits_isset(got, NODES, 3),
		   "nodemask_to_bits: 3 and 127");
		for (unsigned n = 0; n < 130; n++)
			bits_set(all, NODES, n);
		memset(got, 0, sizeof(got));
		ok(parse_nodelist_bits("all", all, got, NODES, NULL) == 0 && bits_weight(got, NODES) == 130 &&
			   bits_maxbit(got, NODES) == 130,
		   "nodes 'all' of 130: 0-129");
		memset(got, 0, sizeof(got));
		ok(parse_nodelist_bits("!0-127", all, got, NODES, NULL) == 0 && bits_weight(got, NODES) == 2 &&
			   bits_isset(got, NODES, 128) && bits_isset(got, NODES, 129),
		   "nodes '!0-127' of 130: 128,129");
	}
	return tap_done();
}
