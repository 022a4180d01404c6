/* Minimal TAP output for the unit tests. */
#ifndef NUMAMEM_TAP_H
#define NUMAMEM_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                  \
	do {                                                           \
		int ok_ = !!(cond);                                    \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ++tap_n);    \
		printf(__VA_ARGS__);                                   \
		putchar('\n');                                         \
		if (!ok_) {                                            \
			tap_failed++;                                  \
			printf("#   failed at %s:%d\n", __FILE__, __LINE__); \
		}                                                      \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
