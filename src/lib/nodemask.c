/* Node sets; see nodemask.h. */
#include "config.h"

#include <stdio.h>

#include "nodemask.h"

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

void bits_set(unsigned long *bits, size_t nbits, size_t bit)
{
	if (bit < nbits)
		bits[bit / LONG_BITS] |= 1UL << (bit % LONG_BITS);
}

bool bits_isset(const unsigned long *bits, size_t nbits, size_t bit)
{
	return bit < nbits && (bits[bit / LONG_BITS] >> (bit % LONG_BITS) & 1);
}

size_t bits_weight(const unsigned long *bits, size_t nbits)
{
	size_t w = 0;

	for (size_t b = 0; b < nbits; b++)
		w += bits_isset(bits, nbits, b);
	return w;
}

size_t bits_maxbit(const unsigned long *bits, size_t nbits)
{
	for (size_t b = nbits; b-- > 0;)
		if (bits_isset(bits, nbits, b))
			return b + 1;
	return 0;
}

bool bits_to_nodemask(const unsigned long *bits, size_t nbits, struct nodemask *m)
{
	*m = (struct nodemask){ { 0 } };
	for (size_t b = 0; b < nbits && b < NUMAMEM_MAX_NODES; b++)
		if (bits_isset(bits, nbits, b))
			nodemask_set(m, (unsigned)b);
	return bits_maxbit(bits, nbits) <= NUMAMEM_MAX_NODES;
}

void nodemask_to_bits(const struct nodemask *m, unsigned long *bits, size_t nbits)
{
	for (size_t b = 0; b < nbits && b < NUMAMEM_MAX_NODES; b++)
		if (nodemask_isset(m, (unsigned)b))
			bits_set(bits, nbits, b);
}

int bits_format(const unsigned long *bits, size_t nbits, char *buf, size_t len)
{
	size_t used = 0;

#define BIT(i) ((bits[(i) / LONG_BITS] >> ((i) % LONG_BITS)) & 1)
	if (len)
		buf[0] = '\0';
	for (size_t c = 0; c < nbits; c++) {
		size_t last = c;
		int w;

		if (!BIT(c))
			continue;
		while (last + 1 < nbits && BIT(last + 1))
			last++;
		w = snprintf(buf + (used < len ? used : len), used < len ? len - used : 0,
			     last == c ? "%s%zu" : "%s%zu-%zu", used ? "," : "", c, last);
		used += (size_t)w;
		c = last;
	}
#undef BIT
	return (int)used;
}

int cpuset_format(const cpu_set_t *set, char *buf, size_t len)
{
	return bits_format(set->__bits, CPU_SETSIZE, buf, len);
}
