/* pps-sim --flow N: a live mail flow of about N new messages a second, dated now (--flow-late:
 * a share of them indexed late). */
#ifndef PPS_SIM_FLOW_H
#define PPS_SIM_FLOW_H

#include "sim/store.h"

typedef struct sim_flow sim_flow;

typedef struct sim_flow_config {
	long per_second;   /* about this many new messages a second */
	long late_percent; /* --flow-late: this share of them (0..100) ... */
	long late_seconds; /* ... become visible to searches this long after their date */
} sim_flow_config;

/* Starts the flow's thread (signals should be blocked in the caller). 0, or -1 with a reason
 * in err. */
int sim_flow_start(sim_flow **out, sim_store *st, const sim_flow_config *cfg, char *err,
		   size_t errlen);
/* Stops the thread and frees the flow. Accepts NULL. */
void sim_flow_stop(sim_flow *fl);

#endif
