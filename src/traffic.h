/* --traffic: threads streaming over the held regions (read, write or
 * copy), and the bandwidth each region got, printed every second. */
#ifndef NUMAMEM_TRAFFIC_H
#define NUMAMEM_TRAFFIC_H

#include <stdio.h>

#include "numamem.h"

enum traffic_mode { TRAFFIC_NONE, TRAFFIC_READ, TRAFFIC_WRITE, TRAFFIC_COPY, TRAFFIC_MODES };
extern const char *const traffic_mode_names[TRAFFIC_MODES];

/* Start nm->traffic_threads threads.  Exit status after a message. */
int traffic_start(struct numamem *nm);
/* Stop and join them. */
void traffic_stop(struct numamem *nm);
/* Hold off the threads while the regions change (a control command),
 * and let them go on. */
void traffic_pause(struct numamem *nm);
void traffic_resume(struct numamem *nm);
/* Region i is going (del, while paused): its counter goes with it, and
 * the later regions' counters follow their regions. */
void traffic_forget(struct numamem *nm, size_t i);
/* One line of the bandwidth each region got since the last one. */
void traffic_report(FILE *out, struct numamem *nm);

#endif
