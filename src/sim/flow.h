/* pps-sim --flow N: a live mail flow of about N new messages a second, dated now. */
#ifndef PPS_SIM_FLOW_H
#define PPS_SIM_FLOW_H

#include "sim/store.h"

typedef struct sim_flow sim_flow;

/* Starts the flow's thread (signals should be blocked in the caller). 0, or -1 with a reason
 * in err. */
int sim_flow_start(sim_flow **out, sim_store *st, long per_second, char *err, size_t errlen);
/* Stops the thread and frees the flow. Accepts NULL. */
void sim_flow_stop(sim_flow *fl);

#endif
