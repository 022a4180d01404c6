/* --measure: node x node matrices of read, write and copy bandwidth and
 * of idle latency, and loaded latency curves, in the manner of Intel
 * MLC's --bandwidth_matrix, --latency_matrix and --loaded_latency. */
#ifndef NUMAMEM_MEASURE_H
#define NUMAMEM_MEASURE_H

#include "numamem.h"

enum measure_part { MEASURE_BANDWIDTH, MEASURE_LATENCY, MEASURE_LOADED, MEASURE_PARTS };
#define MEASURE_ALL ((1u << MEASURE_PARTS) - 1)
extern const char *const measure_part_names[MEASURE_PARTS];

#define MEASURE_REPEATS 5      /* timed passes, after one warm-up */
#define MEASURE_SECONDS 0.05   /* one pass */
#define MEASURE_MIN_SIZE (1ULL << 20)

/* Measure and print (text, or JSON with nm->json).  Exit status. */
int measure_run(const struct numamem *nm);

#endif
