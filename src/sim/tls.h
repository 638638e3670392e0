/*
 * pps-sim's TLS material: a self-signed certificate kept in the state directory (generated on
 * first start, reused after), or a pair given on the command line. GnuTLS only.
 */
#ifndef PPS_SIM_TLS_H
#define PPS_SIM_TLS_H

#include <limits.h>
#include <stddef.h>

/* The PEM texts the server serves and the absolute path of the certificate clients trust. */
typedef struct sim_tls {
	char *cert_pem; /* NUL-terminated, owned */
	char *key_pem;	/* NUL-terminated, owned */
	char cert_path[PATH_MAX];
} sim_tls;

/*
 * Loads <state_dir>/cert.pem and key.pem, or (re)generates them when either is missing or
 * unreadable, when they do not belong together, when the certificate is not valid for another
 * day, or when listen_host (the --listen address; an IP literal is put into subjectAltName) is
 * not among its names. New files are written atomically: cert.pem 0644, key.pem 0600.
 * state_dir must be absolute. Returns 0, or -1 with a one-line reason in err.
 */
int sim_tls_prepare(sim_tls *out, const char *state_dir, const char *listen_host, char *err,
		    size_t errlen);

/*
 * Loads a given certificate and key as they are (for tests of bad certificates); cert_file
 * becomes cert_path, so pass it absolute.
 */
int sim_tls_load(sim_tls *out, const char *cert_file, const char *key_file, char *err,
		 size_t errlen);

/* Frees the PEM texts; the struct may be reused. Accepts a zeroed struct. */
void sim_tls_release(sim_tls *t);

#endif
