/*
 * An API account as the store hands it to the server: its name and the modules of its role.
 * Plain data, shared by store.h and sim.h so that the store knows nothing of requests.
 */
#ifndef PPS_SIM_ACCOUNT_H
#define PPS_SIM_ACCOUNT_H

/* Managed modules of an account's role. */
enum { SIM_MOD_PSS = 1, SIM_MOD_QUARANTINE = 2, SIM_MOD_ENDUSER = 4, SIM_MOD_ALL = 7 };

typedef struct sim_account {
	char name[128];
	unsigned modules; /* SIM_MOD_* bits */
} sim_account;

#endif
