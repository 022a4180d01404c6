/* --connect: the control protocol's client. */
#ifndef NUMAMEM_CONNECT_H
#define NUMAMEM_CONNECT_H

#include "numamem.h"

/* Send each COMMAND (or each line of standard input) to the socket,
 * print each answer.  Exit status: 0 when every answer is ok. */
int control_connect(const struct numamem *nm);

#endif
