/*
 * pps-sim's reading of an "Authorization: Basic" header: strict base64, the name before the
 * first ':', and no NUL anywhere (a C string would silently end at it). No libmicrohttpd here.
 */
#ifndef PPS_SIM_BASIC_AUTH_H
#define PPS_SIM_BASIC_AUTH_H

#include <stddef.h>

enum sim_basic {
	SIM_BASIC_OK,	     /* *user and *pass set (malloc'd, the caller frees both) */
	SIM_BASIC_NONE,	     /* no header, or not the Basic scheme */
	SIM_BASIC_MALFORMED, /* not base64, or no ':' */
	SIM_BASIC_NUL,	     /* a NUL byte in the name or the password */
	SIM_BASIC_NOMEM,
};

/* Parses the header's value (NULL: no header). */
enum sim_basic sim_basic_parse(const char *header, char **user, char **pass);

#endif
