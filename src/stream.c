/* The memory kernels of --measure and --traffic (stream.h).
 *
 * Each vector kernel moves 256 bytes an iteration through four
 * independent registers, so that loads never wait for one another (the
 * read sums go to four accumulators, folded at the end into a volatile
 * sink so the compiler keeps the loads).  Stores are non-temporal
 * (movntdq): the written lines go to memory without being read first,
 * the write bandwidth of the memory rather than of read-for-ownership
 * plus write-back.  The functions carry their own target attribute, so
 * the file builds with the project's flags and each is called only when
 * __builtin_cpu_supports() says the CPU has it. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#ifdef __x86_64__
#include <immintrin.h>
#define STREAM_X86 1
#endif

const char *const stream_op_names[STREAM_OPS] = {
	[STREAM_READ] = "read",
	[STREAM_WRITE] = "write",
	[STREAM_COPY] = "copy",
};

#define BLOCK 256

static volatile uint64_t sink;

enum isa { ISA_SCALAR, ISA_SSE2, ISA_AVX2, ISA_AVX512, ISAS };
static const char *const isa_names[ISAS] = { "scalar", "sse2", "avx2", "avx512" };

typedef void (*read_fn)(const char *, size_t);
typedef void (*write_fn)(char *, size_t);
typedef void (*copy_fn)(char *, const char *, size_t);

static void read_scalar(const char *p, size_t len)
{
	uint64_t a = 0, b = 0, c = 0, d = 0;

	for (size_t i = 0; i + 32 <= len; i += 32) {
		a += *(const uint64_t *)(p + i);
		b += *(const uint64_t *)(p + i + 8);
		c += *(const uint64_t *)(p + i + 16);
		d += *(const uint64_t *)(p + i + 24);
	}
	sink += a + b + c + d;
}

static void write_scalar(char *p, size_t len)
{
	memset(p, 0x5a, len);
}

static void copy_scalar(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
}

#ifdef STREAM_X86
__attribute__((target("sse2"))) static void read_sse2(const char *p, size_t len)
{
	__m128i a = _mm_setzero_si128(), b = a, c = a, d = a;

	for (size_t i = 0; i < len; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j += 64) {
			const __m128i *q = (const __m128i *)(p + i + j);

			a = _mm_add_epi64(a, _mm_load_si128(q));
			b = _mm_add_epi64(b, _mm_load_si128(q + 1));
			c = _mm_add_epi64(c, _mm_load_si128(q + 2));
			d = _mm_add_epi64(d, _mm_load_si128(q + 3));
		}
	a = _mm_add_epi64(_mm_add_epi64(a, b), _mm_add_epi64(c, d));
	sink += (uint64_t)_mm_cvtsi128_si64(a);
}

__attribute__((target("sse2"))) static void write_sse2(char *p, size_t len)
{
	const __m128i v = _mm_set1_epi8(0x5a);

	for (size_t i = 0; i < len; i += 64) {
		__m128i *q = (__m128i *)(p + i);

		_mm_stream_si128(q, v);
		_mm_stream_si128(q + 1, v);
		_mm_stream_si128(q + 2, v);
		_mm_stream_si128(q + 3, v);
	}
	_mm_sfence();
}

__attribute__((target("sse2"))) static void copy_sse2(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i += 64) {
		const __m128i *s = (const __m128i *)(src + i);
		__m128i *q = (__m128i *)(dst + i);
		__m128i a = _mm_load_si128(s), b = _mm_load_si128(s + 1), c = _mm_load_si128(s + 2),
			d = _mm_load_si128(s + 3);

		_mm_stream_si128(q, a);
		_mm_stream_si128(q + 1, b);
		_mm_stream_si128(q + 2, c);
		_mm_stream_si128(q + 3, d);
	}
	_mm_sfence();
}

__attribute__((target("avx2"))) static void read_avx2(const char *p, size_t len)
{
	__m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;

	for (size_t i = 0; i < len; i += BLOCK)
		for (size_t j = 0; j < BLOCK; j += 128) {
			const __m256i *q = (const __m256i *)(p + i + j);

			a = _mm256_add_epi64(a, _mm256_load_si256(q));
			b = _mm256_add_epi64(b, _mm256_load_si256(q + 1));
			c = _mm256_add_epi64(c, _mm256_load_si256(q + 2));
			d = _mm256_add_epi64(d, _mm256_load_si256(q + 3));
		}
	a = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
	sink += (uint64_t)_mm256_extract_epi64(a, 0) + (uint64_t)_mm256_extract_epi64(a, 3);
}

__attribute__((target("avx2"))) static void write_avx2(char *p, size_t len)
{
	const __m256i v = _mm256_set1_epi8(0x5a);

	for (size_t i = 0; i < len; i += 128) {
		__m256i *q = (__m256i *)(p + i);

		_mm256_stream_si256(q, v);
		_mm256_stream_si256(q + 1, v);
		_mm256_stream_si256(q + 2, v);
		_mm256_stream_si256(q + 3, v);
	}
	_mm_sfence();
}

__attribute__((target("avx2"))) static void copy_avx2(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i += 128) {
		const __m256i *s = (const __m256i *)(src + i);
		__m256i *q = (__m256i *)(dst + i);
		__m256i a = _mm256_load_si256(s), b = _mm256_load_si256(s + 1), c = _mm256_load_si256(s + 2),
			d = _mm256_load_si256(s + 3);

		_mm256_stream_si256(q, a);
		_mm256_stream_si256(q + 1, b);
		_mm256_stream_si256(q + 2, c);
		_mm256_stream_si256(q + 3, d);
	}
	_mm_sfence();
}

__attribute__((target("avx512f"))) static void read_avx512(const char *p, size_t len)
{
	__m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;

	for (size_t i = 0; i < len; i += BLOCK) {
		const __m512i *q = (const __m512i *)(p + i);

		a = _mm512_add_epi64(a, _mm512_load_si512(q));
		b = _mm512_add_epi64(b, _mm512_load_si512(q + 1));
		c = _mm512_add_epi64(c, _mm512_load_si512(q + 2));
		d = _mm512_add_epi64(d, _mm512_load_si512(q + 3));
	}
	uint64_t lanes[8];

	a = _mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d));
	_mm512_storeu_si512(lanes, a); /* summed unsigned: _mm512_reduce_add_epi64 adds signed */
	sink += lanes[0] + lanes[7];
}

__attribute__((target("avx512f"))) static void write_avx512(char *p, size_t len)
{
	const __m512i v = _mm512_set1_epi8(0x5a);

	for (size_t i = 0; i < len; i += BLOCK) {
		__m512i *q = (__m512i *)(p + i);

		_mm512_stream_si512(q, v);
		_mm512_stream_si512(q + 1, v);
		_mm512_stream_si512(q + 2, v);
		_mm512_stream_si512(q + 3, v);
	}
	_mm_sfence();
}

__attribute__((target("avx512f"))) static void copy_avx512(char *dst, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i += BLOCK) {
		const __m512i *s = (const __m512i *)(src + i);
		__m512i *q = (__m512i *)(dst + i);
		__m512i a = _mm512_load_si512(s), b = _mm512_load_si512(s + 1), c = _mm512_load_si512(s + 2),
			d = _mm512_load_si512(s + 3);

		_mm512_stream_si512(q, a);
		_mm512_stream_si512(q + 1, b);
		_mm512_stream_si512(q + 2, c);
		_mm512_stream_si512(q + 3, d);
	}
	_mm_sfence();
}
#endif

static const struct kernels {
	read_fn read;
	write_fn write;
	copy_fn copy;
} kernels[ISAS] = {
	[ISA_SCALAR] = { read_scalar, write_scalar, copy_scalar },
#ifdef STREAM_X86
	[ISA_SSE2] = { read_sse2, write_sse2, copy_sse2 },
	[ISA_AVX2] = { read_avx2, write_avx2, copy_avx2 },
	[ISA_AVX512] = { read_avx512, write_avx512, copy_avx512 },
#endif
};

static enum isa chosen = ISAS;

static enum isa choose(void)
{
	enum isa best = ISA_SCALAR;
	const char *want = getenv("NUMAMEM_KERNELS");

#ifdef STREAM_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse2"))
		best = ISA_SSE2;
	if (__builtin_cpu_supports("avx2"))
		best = ISA_AVX2;
	if (__builtin_cpu_supports("avx512f"))
		best = ISA_AVX512;
#endif
	for (enum isa i = ISA_SCALAR; want && i < best; i++)
		if (!strcmp(want, isa_names[i]))
			return i;
	return best;
}

static const struct kernels *k(void)
{
	enum isa i = __atomic_load_n(&chosen, __ATOMIC_RELAXED);

	if (i == ISAS) {
		i = choose();
		__atomic_store_n(&chosen, i, __ATOMIC_RELAXED);
	}
	return &kernels[i];
}

const char *stream_isa(void)
{
	k();
	return isa_names[chosen];
}

uint64_t stream_pass(enum stream_op op, char *p, size_t len)
{
	const struct kernels *use = k();
	bool aligned = !((uintptr_t)p & 63);
	size_t half = len / 2 / BLOCK * BLOCK, body = len / BLOCK * BLOCK;

	switch (op) {
	case STREAM_READ:
		(aligned ? use->read : read_scalar)(p, body);
		if (body < len)
			read_scalar(p + body, len - body);
		return len;
	case STREAM_WRITE:
		(aligned ? use->write : write_scalar)(p, body);
		memset(p + body, 0x5a, len - body);
		return len;
	case STREAM_COPY:
		if (!half) {
			memcpy(p + len / 2, p, len / 2);
			return len / 2 * 2;
		}
		(aligned ? use->copy : copy_scalar)(p + half, p, half);
		return 2 * half;
	default:
		return 0;
	}
}

uint64_t stream_read_paced(const char *p, size_t len, unsigned delay)
{
	const struct kernels *use = k();
	size_t done = 0;

	for (; done + 1024 <= len; done += 1024) {
		use->read(p + done, 1024);
		for (unsigned d = 0; d < delay; d++)
			__asm__ volatile("" ::: "memory"); /* not pause: under KVM it can exit to the host */
	}
	return done;
}
