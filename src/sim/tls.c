/*
 * Generates, stores and reloads pps-sim's self-signed certificate with GnuTLS. It must not
 * serve anything (server.c does) and never writes a file other than cert.pem and key.pem.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sim/tls.h"

#include "util/banned.h"

#define DAY_SECS   86400L
#define VALID_DAYS 3650L

void sim_tls_release(sim_tls *t)
{
	free(t->cert_pem);
	free(t->key_pem);
	t->cert_pem = NULL;
	t->key_pem = NULL;
}

/* A NUL-terminated malloc'd copy of a GnuTLS datum. */
static char *dup_datum(const gnutls_datum_t *d)
{
	char *s = malloc((size_t)d->size + 1);

	if (!s)
		return NULL;
	memcpy(s, d->data, d->size);
	s[d->size] = '\0';
	return s;
}

/* Reads a whole file into a NUL-terminated malloc'd string. Returns 0 or -1 (errno kept). */
static int read_text(const char *path, char **out)
{
	gnutls_datum_t d = { NULL, 0 };

	if (gnutls_load_file(path, &d) < 0) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	*out = dup_datum(&d);
	gnutls_free(d.data);
	return *out ? 0 : -1;
}

/* Writes data to dir/name through a temporary file and rename, so a reader never sees half. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t len,
			mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	int fd = -1, rc = -1;

	if (snprintf(final, sizeof(final), "%s/%s", dir, name) >= (int)sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "state directory path too long: '%s'", dir);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a file in '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp, final) < 0) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, final,
			 strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* The binary form of an IP literal: 4 or 16 bytes, 0 when host is not an IP literal. */
static size_t ip_bytes(const char *host, unsigned char out[16])
{
	if (!host)
		return 0;
	if (inet_pton(AF_INET, host, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, host, out) == 1)
		return 16;
	return 0;
}

/* An address a client can actually name: not the wildcard. */
static int is_wildcard(const unsigned char *ip, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (ip[i])
			return 0;
	return 1;
}

/* 1 when the certificate and key belong together, name listen_host and stay valid a day. */
static int usable(char *cert_pem, char *key_pem, const char *listen_host)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t d;
	unsigned char id1[64], id2[64], ip[16];
	size_t n1 = sizeof(id1), n2 = sizeof(id2), iplen;
	time_t now = time(NULL);
	int ok = 0;

	if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_privkey_init(&key) < 0)
		goto done;
	d.data = (unsigned char *)cert_pem;
	d.size = (unsigned)strlen(cert_pem);
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0)
		goto done;
	d.data = (unsigned char *)key_pem;
	d.size = (unsigned)strlen(key_pem);
	if (gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM) < 0)
		goto done;
	if (gnutls_x509_crt_get_key_id(crt, 0, id1, &n1) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, 0, id2, &n2) < 0 || n1 != n2 ||
	    memcmp(id1, id2, n1) != 0)
		goto done;
	if (gnutls_x509_crt_get_activation_time(crt) > now ||
	    gnutls_x509_crt_get_expiration_time(crt) < now + DAY_SECS)
		goto done;
	iplen = ip_bytes(listen_host, ip);
	if (iplen) {
		if (!is_wildcard(ip, iplen) &&
		    !gnutls_x509_crt_check_ip(crt, ip, (unsigned)iplen, 0))
			goto done;
	} else if (listen_host && !gnutls_x509_crt_check_hostname(crt, listen_host)) {
		goto done;
	}
	ok = 1;
done:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return ok;
}

/* Adds one IP address to the subjectAltName. */
static int add_ip_san(gnutls_x509_crt_t crt, const unsigned char *ip, size_t len)
{
	return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, (unsigned)len,
						    GNUTLS_FSAN_APPEND);
}

/* Makes a new ECDSA P-256 key and a self-signed CA certificate for it, as PEM. */
static int generate(sim_tls *out, const char *listen_host, char *err, size_t errlen)
{
	static const char cn[] = "localhost";
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t cert_pem = { NULL, 0 }, key_pem = { NULL, 0 };
	unsigned char serial[16], ip[16], keyid[64];
	size_t iplen, keyidlen = sizeof(keyid);
	time_t now = time(NULL);
	int rc = -1, grc;

	if ((grc = gnutls_x509_privkey_init(&key)) < 0 ||
	    (grc = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
						GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
						0)) < 0 ||
	    (grc = gnutls_x509_crt_init(&crt)) < 0 ||
	    (grc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial))) < 0)
		goto fail;
	/* A positive serial: DER integers are signed. */
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	if ((grc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (grc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
	    (grc = gnutls_x509_crt_set_activation_time(crt, now - DAY_SECS)) < 0 ||
	    (grc = gnutls_x509_crt_set_expiration_time(crt, now + VALID_DAYS * DAY_SECS)) < 0 ||
	    (grc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						 sizeof(cn) - 1)) < 0 ||
	    (grc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
						 "pps-sim", 7)) < 0 ||
	    (grc = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (grc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, cn, sizeof(cn) - 1,
							GNUTLS_FSAN_APPEND)) < 0)
		goto fail;
	memcpy(ip, (const unsigned char[]){ 127, 0, 0, 1 }, 4);
	if ((grc = add_ip_san(crt, ip, 4)) < 0)
		goto fail;
	memset(ip, 0, sizeof(ip));
	ip[15] = 1;
	if ((grc = add_ip_san(crt, ip, 16)) < 0)
		goto fail;
	iplen = ip_bytes(listen_host, ip);
	if (iplen && !is_wildcard(ip, iplen) &&
	    !(iplen == 4 && memcmp(ip, "\x7f\0\0\x01", 4) == 0) &&
	    !(iplen == 16 && memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16) == 0) &&
	    (grc = add_ip_san(crt, ip, iplen)) < 0)
		goto fail;
	if (!iplen && listen_host && strcmp(listen_host, cn) != 0 &&
	    (grc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, listen_host,
							(unsigned)strlen(listen_host),
							GNUTLS_FSAN_APPEND)) < 0)
		goto fail;
	/* CA:TRUE so that a client given this file as its CA bundle accepts it as the anchor. */
	if ((grc = gnutls_x509_crt_set_basic_constraints(crt, 1, -1)) < 0 ||
	    (grc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
							      GNUTLS_KEY_KEY_CERT_SIGN)) < 0 ||
	    (grc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
	    (grc = gnutls_x509_crt_get_key_id(crt, 0, keyid, &keyidlen)) < 0 ||
	    (grc = gnutls_x509_crt_set_subject_key_id(crt, keyid, keyidlen)) < 0 ||
	    (grc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (grc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cert_pem)) < 0 ||
	    (grc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &key_pem)) < 0)
		goto fail;
	out->cert_pem = dup_datum(&cert_pem);
	out->key_pem = dup_datum(&key_pem);
	if (!out->cert_pem || !out->key_pem) {
		sim_tls_release(out);
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	rc = 0;
	goto done;
fail:
	snprintf(err, errlen, "cannot generate a certificate: %s", gnutls_strerror(grc));
done:
	gnutls_free(cert_pem.data);
	gnutls_free(key_pem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

int sim_tls_prepare(sim_tls *out, const char *state_dir, const char *listen_host, char *err,
		    size_t errlen)
{
	char key_path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (snprintf(out->cert_path, sizeof(out->cert_path), "%s/cert.pem", state_dir) >=
		    (int)sizeof(out->cert_path) ||
	    snprintf(key_path, sizeof(key_path), "%s/key.pem", state_dir) >=
		    (int)sizeof(key_path)) {
		snprintf(err, errlen, "state directory path too long: '%s'", state_dir);
		return -1;
	}
	if (read_text(out->cert_path, &out->cert_pem) == 0 &&
	    read_text(key_path, &out->key_pem) == 0 &&
	    usable(out->cert_pem, out->key_pem, listen_host))
		return 0;
	sim_tls_release(out);
	if (generate(out, listen_host, err, errlen) < 0)
		return -1;
	/* The key first: a cert.pem on disk always has its key next to it. */
	if (write_atomic(state_dir, "key.pem", out->key_pem, strlen(out->key_pem), 0600, err,
			 errlen) < 0 ||
	    write_atomic(state_dir, "cert.pem", out->cert_pem, strlen(out->cert_pem), 0644, err,
			 errlen) < 0) {
		sim_tls_release(out);
		return -1;
	}
	return 0;
}

/* Refuses a pair GnuTLS would not serve, with its reason (the server's own error is vague). */
static int check_pair(sim_tls *t, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c = { (unsigned char *)t->cert_pem, (unsigned)strlen(t->cert_pem) };
	gnutls_datum_t k = { (unsigned char *)t->key_pem, (unsigned)strlen(t->key_pem) };
	int grc;

	if ((grc = gnutls_certificate_allocate_credentials(&cred)) < 0) {
		snprintf(err, errlen, "cannot check the certificate: %s", gnutls_strerror(grc));
		return -1;
	}
	grc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (grc < 0) {
		snprintf(err, errlen, "unusable certificate '%s' and key: %s", t->cert_path,
			 gnutls_strerror(grc));
		return -1;
	}
	return 0;
}

int sim_tls_load(sim_tls *out, const char *cert_file, const char *key_file, char *err,
		 size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (snprintf(out->cert_path, sizeof(out->cert_path), "%s", cert_file) >=
		    (int)sizeof(out->cert_path) ||
	    read_text(cert_file, &out->cert_pem) < 0) {
		snprintf(err, errlen, "cannot read certificate '%s': %s", cert_file,
			 strerror(errno));
		goto fail;
	}
	if (read_text(key_file, &out->key_pem) < 0) {
		snprintf(err, errlen, "cannot read key '%s': %s", key_file, strerror(errno));
		goto fail;
	}
	if (check_pair(out, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	sim_tls_release(out);
	return -1;
}
