/*
 * pps-sim's server: Basic credentials checked against the store's accounts, with the failed
 * logins of an address or an account throttled (guard.c counts them).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/basic_auth.h"
#include "sim/server_int.h"
#include "sim/store.h"

#include "util/banned.h"

static void client_address(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	sim_srv_address_text(ci ? ci->client_addr : NULL, buf, len);
}

/* The 401 of credentials that cannot be checked or are not there. */
static int no_credentials(sim_response *resp, enum sim_basic why)
{
	switch (why) {
	case SIM_BASIC_NUL:
		sim_respond_error(resp, 401, "invalid credentials: they hold a NUL byte");
		return 0;
	case SIM_BASIC_MALFORMED:
		sim_respond_error(resp, 401, "invalid credentials: not base64 of NAME:PASSWORD");
		return 0;
	case SIM_BASIC_NOMEM:
		sim_respond_error(resp, 500, "out of memory");
		return -1;
	default:
		sim_respond_error(resp, 401, "authentication required");
		return 0;
	}
}

/*
 * Checks the Basic credentials; fills acct. 1 valid, 0 missing or wrong (resp set), -1 error.
 * *delay_ms: how long the 401 of a throttled failure waits. *retry_after: set (seconds) when
 * the address may not try now: the password was not checked, resp is a 429.
 */
static int authenticate(struct MHD_Connection *conn, sim_server *srv, sim_account *acct,
			sim_response *resp, long *delay_ms, long *retry_after)
{
	char *user = NULL, *pass = NULL, addr[INET6_ADDRSTRLEN];
	enum sim_basic why = sim_basic_parse(
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		&user, &pass);
	struct timespec ts;
	double now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	*delay_ms = 0;
	*retry_after = 0;
	if (why != SIM_BASIC_OK)
		return no_credentials(resp, why);
	client_address(conn, addr, sizeof(addr));
	*retry_after = sim_guard_login_begin(srv->guard, addr, user, now);
	if (*retry_after > 0) {
		sim_respond_error(
			resp, 429,
			"too many failed logins from this address; retry after %ld second%s",
			*retry_after, *retry_after == 1 ? "" : "s");
		rc = 0;
		goto done;
	}
	rc = sim_store_check_account(srv->ctx->store, user, pass, acct);
	if (rc == 0) {
		sim_respond_error(resp, 401, "invalid username or password");
		*delay_ms = sim_guard_login_failed(srv->guard, user, now);
	} else if (rc > 0) {
		sim_guard_login_ok(srv->guard, addr, user);
	} else {
		sim_guard_login_cancel(srv->guard, addr, user);
		sim_respond_error(resp, 500, "cannot check the credentials");
	}
done:
	free(user);
	free(pass);
	return rc;
}

enum sim_login sim_srv_log_in(struct MHD_Connection *conn, sim_server *srv, struct req_state *st,
			      sim_account *acct, sim_response *resp, struct extra_header *hdr)
{
	long delay_ms = 0, wait_secs = 0;

	if (authenticate(conn, srv, acct, resp, &delay_ms, &wait_secs) != 1) {
		if (resp->status == 401) {
			hdr->name = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
			hdr->value = REALM_HEADER;
		} else if (wait_secs > 0) {
			snprintf(hdr->text, sizeof(hdr->text), "%ld", wait_secs);
			hdr->name = MHD_HTTP_HEADER_RETRY_AFTER;
			hdr->value = hdr->text;
		}
		if (delay_ms > 0 && sim_srv_hold_back(srv, conn, st, resp, hdr, delay_ms) == 0)
			return SIM_LOGIN_HELD;
		return SIM_LOGIN_REFUSED;
	}
	snprintf(st->account, sizeof(st->account), "%s", acct->name);
	st->logged_in = 1;
	return SIM_LOGIN_OK;
}
