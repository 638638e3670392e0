/*
 * pps-sim's clock: the real clock shifted by --clock-offset, so that the emulated server can
 * run behind or ahead of its clients. The live flow dates its messages by it and the Date
 * header of every answer tells it.
 */
#ifndef PPS_SIM_CLOCK_H
#define PPS_SIM_CLOCK_H

#include <stdint.h>

/* Sets the offset in seconds (negative: the server is behind); called once at start. */
void sim_clock_set_offset(int64_t seconds);
/* The server's time now, in Unix seconds. */
int64_t sim_clock_now(void);

#endif
