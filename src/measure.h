/* --measure: a node x node matrix of read bandwidth and idle latency,
 * in the manner of Intel MLC's --bandwidth_matrix and --latency_matrix. */
#ifndef NUMAMEM_MEASURE_H
#define NUMAMEM_MEASURE_H

#include "numamem.h"

/* Measure and print (text, or JSON with nm->json).  Exit status. */
int measure_run(const struct numamem *nm);

#endif
