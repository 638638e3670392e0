/*
 * pps-sim's clock (see clock.h). The offset is set before any thread starts and read only
 * afterwards, so it needs no lock.
 */
#include "sim/clock.h"

#include <time.h>

#include "util/banned.h"

static int64_t offset;

void sim_clock_set_offset(int64_t seconds)
{
	offset = seconds;
}

int64_t sim_clock_now(void)
{
	return (int64_t)time(NULL) + offset;
}
