/*
 * Unit tests of the pps-sim route handlers (pss.c, quarantine_*.c, enduser.c) called directly on
 * a temporary store filled through sim_store_add_*: matching rules, bounds, actions, atomicity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>

#include "sim/sim.h"
#include "sim/record.h"
#include "sim/store.h"
#include "util/timeutil.h"
#include "helpers.h"

#define MAX_PARAMS 16
#define DAY1	   1589155200 /* 2020-05-11 00:00:00 UTC */

struct fx {
	char dir[64];
	sim_store *st;
	sim_ctx ctx;
	sim_account acct;
};

/* One handler call: the request built from a query string, the response and its JSON. */
struct call {
	char *query;
	sim_param params[MAX_PARAMS];
	sim_request req;
	sim_response resp;
	json_t *json;
};

static void call_release(struct call *c)
{
	free(c->query);
	free(c->resp.body);
	json_decref(c->json);
	memset(c, 0, sizeof(*c));
}

/*
 * Calls fn. query is "k=v&k=v" (already decoded; values hold no '&'); body may be NULL.
 * The previous result in c is released first.
 */
static void call(struct fx *f, struct call *c, sim_route_fn fn, const char *method,
		 const char *tail, const char *query, const char *body)
{
	size_t n = 0;

	call_release(c);
	if (query) {
		char *p;

		c->query = strdup(query);
		assert_non_null(c->query);
		p = c->query;
		while (p && *p && n < MAX_PARAMS) {
			char *amp = strchr(p, '&'), *eq;

			if (amp)
				*amp = '\0';
			eq = strchr(p, '=');
			c->params[n].key = p;
			c->params[n].value = eq ? eq + 1 : p + strlen(p);
			if (eq)
				*eq = '\0';
			n++;
			p = amp ? amp + 1 : NULL;
		}
	}
	c->req.method = method;
	c->req.path = "/rest/v1/test";
	c->req.tail = tail;
	c->req.params = c->params;
	c->req.nparams = n;
	c->req.body = body ? body : "";
	c->req.body_len = body ? strlen(body) : 0;
	c->req.account = &f->acct;
	c->req.ctx = &f->ctx;
	fn(&c->req, &c->resp);
	if (c->resp.content_type && strcmp(c->resp.content_type, "application/json") == 0)
		c->json = json_loadb(c->resp.body, c->resp.body_len, 0, NULL);
}

static int add_rec(sim_store *st, const char *guid, int64_t epoch, const char *sender,
		   const char *rcpts, const char *subject, const char *action, const char *virus,
		   const char *attach, const char *host, const char *ip)
{
	char date[64], when[32];
	json_t *r;
	int rc;

	tu_format_utc(epoch, when, sizeof(when));
	snprintf(date, sizeof(date), "%s [UTC+0000]", when);
	r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		      " s:[s]}",
		      "GUID", guid, "Date", date, "Sender", sender, "Recipients", rcpts, "Subject",
		      subject, "Final_Action", action, "Virus_Names", virus, "Attachment_Names",
		      attach, "Sender_Host", host, "Sender_IP_Address", ip, "QID", guid, "SID",
		      "sid-1", "Message_ID", "<mid@example.test>", "Duration", "0.1",
		      "module_rules", "access.system");
	rc = sim_record_add(st, r, epoch);
	json_decref(r);
	return rc;
}

static const char *const day1_senders[] = {
	"a.b@c.d",	    "example.user@abc.com", "user.example@abc.com", "example@abc.com",
	"user@example.com", "user@example.org",	    "someone@other.net"
};

static void add_quarantined(sim_store *st, const char *guid, const char *localguid,
			    const char *folder, const char *subject, int64_t date)
{
	const char *rcpts[] = { "foo@bar.com", "second@bar.com" };
	char raw[256], *status;
	sim_qmsg m = { .guid = guid,
		       .localguid = localguid,
		       .folder = folder,
		       .from = "john@doe.com",
		       .rcpts = rcpts,
		       .nrcpts = 2,
		       .subject = subject,
		       .date = date,
		       .spamscore = "100",
		       .host_ip = "[10.54.40.3] [10.54.40.3]",
		       .messageid = "YATQ@example.net",
		       .processingserver = "pps1" };

	snprintf(raw, sizeof(raw), "From: john@doe.com\r\nSubject: %s\r\n\r\nbody of %s\r\n",
		 subject, guid);
	m.raw = raw;
	m.raw_len = strlen(raw);
	status = sim_qstatus_initial(date);
	assert_non_null(status);
	m.status = status;
	assert_int_equal(sim_store_add_quarantine(st, &m), 0);
	free(status);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256], guid[32], rcpt[64];
	json_t *user;

	if (!f)
		return -1;
	if (!th_tmpdir(f->dir, sizeof(f->dir), "routes") ||
	    sim_store_open(&f->st, f->dir, err, sizeof(err)) < 0)
		return -1;
	f->ctx.store = f->st;
	f->ctx.max_count = 1000;
	snprintf(f->acct.name, sizeof(f->acct.name), "admin");
	f->acct.modules = SIM_MOD_ALL;
	if (sim_store_begin(f->st) < 0)
		return -1;
	for (int i = 0; i < 7; i++) {
		snprintf(guid, sizeof(guid), "s%d", i);
		if (add_rec(f->st, guid, DAY1 + 8 * 3600 + i * 3600, day1_senders[i],
			    "inbox@corp.test", "hello", "accept", "", "", "mx.test",
			    "192.0.2.1") < 0)
			return -1;
		snprintf(guid, sizeof(guid), "r%d", i);
		snprintf(rcpt, sizeof(rcpt), "first@multi.test, %s", day1_senders[i]);
		if (add_rec(f->st, guid, DAY1 + 86400 + 8 * 3600 + i * 3600, "relay@corp.test",
			    rcpt, "hello", "accept", "", "", "mx.test", "192.0.2.1") < 0)
			return -1;
	}
	/* day 3: subjects; day 4: viruses and attachments, hosts and actions */
	if (add_rec(f->st, "sub1", DAY1 + 2 * 86400 + 3600, "s@x.test", "staff@example.com",
		    "I'm going to a party", "accept", "", "", "h", "1.1.1.1") < 0 ||
	    add_rec(f->st, "sub2", DAY1 + 2 * 86400 + 7200, "s@x.test", "staff@example.com",
		    "Parties and events this weekend", "accept", "", "", "h", "1.1.1.1") < 0 ||
	    add_rec(f->st, "sub3", DAY1 + 2 * 86400 + 10800, "s@x.test", "staff@example.com",
		    "The invoice is in the mail", "continue", "", "", "h", "1.1.1.1") < 0 ||
	    add_rec(f->st, "v1", DAY1 + 3 * 86400 + 3600, "v@x.test", "staff@example.com", "virus",
		    "discard", "Eicar-Test-Signature", "invoice.pdf,macro.docm",
		    "mail.partner.example.net", "203.0.113.25") < 0 ||
	    add_rec(f->st, "v2", DAY1 + 3 * 86400 + 7200, "v@x.test", "staff@example.com", "virus",
		    "reject", "W32/Mydoom", "document.zip", "mx1.vendor.test", "198.51.100.7") < 0)
		return -1;
	if (sim_store_put_folder(f->st, "Quarantine", SIM_FOLDER_SPAM) < 0 ||
	    sim_store_put_folder(f->st, "Deleted", SIM_FOLDER_SPAM) < 0 ||
	    sim_store_put_folder(f->st, "Phish", SIM_FOLDER_SPAM) < 0 ||
	    sim_store_put_folder(f->st, "Virus", SIM_FOLDER_VIRUS) < 0 ||
	    sim_store_put_folder(f->st, "HIPAA", SIM_FOLDER_DLP) < 0 ||
	    sim_store_put_folder(f->st, "Deleted Incidents", SIM_FOLDER_DLP) < 0)
		return -1;
	add_quarantined(f->st, "lR_SjEF1", "6:6:239", "Quarantine", "Loan", 1579118400);
	add_quarantined(f->st, "edlp0pU9", "6:6:4", "Quarantine", "Loan", 1579687218);
	add_quarantined(f->st, "cheap", "6:6:300", "Quarantine", "Cheap loans for everyone",
			1579700000);
	add_quarantined(f->st, "hipaa1", "4:2:6", "HIPAA", "Patient records", 1589794200);
	add_quarantined(f->st, "virus1", "3:1:20", "Virus", "Invoice", 1589794300);
	user = json_pack("{s:[], s:{}, s:[], s:[], s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s, s:s,"
			 " s:s, s:i, s:s}",
			 "alias", "attributes", "blocklist", "safelist", "created",
			 "2020-05-01 00:00:00", "creationsource", "api", "email",
			 "demo.user@example.com", "firstname", "Demo", "lastname", "User", "groups",
			 "staff", "lastmodified", "2020-05-01 00:00:00", "lastpasswordchange", "",
			 "lastsignon", "", "suborg", "", "type", 0, "uid", "demo.user");
	if (sim_user_add(f->st, user) < 0)
		return -1;
	json_decref(user);
	if (sim_store_commit(f->st) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sim_store_close(f->st);
	if (th_rmtree(f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

/* The GUIDs of a /pss/filter answer, comma-joined, newest first. */
static char *guids_of(const struct call *c)
{
	json_t *result = json_object_get(c->json, "result"), *r;
	size_t i, len = 1;
	char *out;

	json_array_foreach(result, i, r)
		len += strlen(json_string_value(json_object_get(r, "GUID"))) + 1;
	out = calloc(1, len);
	assert_non_null(out);
	json_array_foreach(result, i, r)
	{
		if (i)
			memcpy(out + strlen(out), ",", 2);
		const char *g = json_string_value(json_object_get(r, "GUID"));
		memcpy(out + strlen(out), g, strlen(g) + 1);
	}
	return out;
}

/* Runs a Smart Search and checks the GUIDs found. */
static void expect_filter(struct fx *f, const char *query, const char *want)
{
	struct call c = { 0 };
	char *got;

	call(f, &c, route_pss_filter_get, "GET", NULL, query, NULL);
	assert_int_equal(c.resp.status, 200);
	assert_non_null(c.json);
	got = guids_of(&c);
	if (strcmp(got, want) != 0)
		fail_msg("query '%s': got '%s', want '%s'", query, got, want);
	free(got);
	call_release(&c);
}

static void expect_status(struct fx *f, sim_route_fn fn, const char *method, const char *tail,
			  const char *query, const char *body, int status, const char *needle)
{
	struct call c = { 0 };

	call(f, &c, fn, method, tail, query, body);
	if (c.resp.status != status || (needle && (!c.resp.body || !strstr(c.resp.body, needle))))
		fail_msg("%s %s %s: got %d '%s', want %d with '%s'", method, query ? query : "",
			 body ? body : "", c.resp.status, c.resp.body ? c.resp.body : "", status,
			 needle ? needle : "");
	call_release(&c);
}

#define D1 "from=2020-05-11T00:00:00Z&to=2020-05-12T00:00:00Z"
#define D2 "from=2020-05-12T00:00:00Z&to=2020-05-13T00:00:00Z"

static void test_routes__health(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };

	call(f, &c, route_pss_health_get, "GET", NULL, NULL, NULL);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(c.json, "status")), "ok");
	call_release(&c);
}

static void test_routes__env_from_partial_matches(void **state)
{
	struct fx *f = *state;
	static const char *const finds_ab[] = { "a.b",	"a.b*", "a.b@", "a.b@*", "*@c.d",
						"@c.d", "a.*@", "a*@",	"@*.d",	 "@*d" };
	char q[128];

	for (size_t i = 0; i < sizeof(finds_ab) / sizeof(finds_ab[0]); i++) {
		snprintf(q, sizeof(q), D1 "&env_from=%s", finds_ab[i]);
		expect_filter(f, q, "s0");
	}
	expect_filter(f, D1 "&env_from=*example*", "s5,s4,s3,s2,s1");
	expect_filter(f, D1 "&env_from=@*example*", "s5,s4");
	expect_filter(f, D1 "&env_from=@", "");
	expect_filter(f, D1 "&env_from=EXAMPLE@ABC.COM", "s3");
	/* the time window applies to address searches too */
	expect_filter(f, D2 "&env_from=*example*", "");
}

static void test_routes__env_rcpt_any_recipient(void **state)
{
	struct fx *f = *state;

	expect_filter(f, D2 "&env_rcpt=a.b", "r0");
	expect_filter(f, D2 "&env_rcpt=@*.d", "r0");
	expect_filter(f, D2 "&env_rcpt=*example*", "r5,r4,r3,r2,r1");
	expect_filter(f, D2 "&env_rcpt=@*example*", "r5,r4");
	/* every record of the day has first@multi.test: each is found once */
	expect_filter(f, D2 "&env_rcpt=first@multi.test", "r6,r5,r4,r3,r2,r1,r0");
	expect_filter(f, D2 "&env_rcpt=first@multi.test&env_from=nobody", "");
}

static void test_routes__subject_stop_words_and_stems(void **state)
{
	struct fx *f = *state;

	expect_filter(f, "subject=party", "sub2,sub1");
	expect_filter(f, "subject=going to parties", "sub1");
	expect_filter(f, "subject=the invoice", "sub3");
	expect_filter(f, "subject=inv*", "sub3");
	expect_filter(f, "subject=weekend party", "sub2");
	expect_filter(f, "subject=banana", "");
}

static void test_routes__virus_attach_host_action(void **state)
{
	struct fx *f = *state;

	expect_filter(f, "virus=eicar*", "v1");
	expect_filter(f, "virus=W32/Mydoom,nothing", "v2");
	expect_filter(f, "attach=*.zip", "v2");
	expect_filter(f, "attach=macro.docm", "v1");
	expect_filter(f, "host=MX1.vendor.test", "v2");
	expect_filter(f, "host=203.0.113.25", "v1");
	expect_filter(f, "action=reject", "v2");
	expect_filter(f, "action=continue", "sub3");
	expect_filter(f, "guid=v1", "v1");
	expect_filter(f, "qid=v2", "v2");
	expect_filter(f, "guid=v1&action=accept", "");
	expect_filter(f, D1 "&hdr_mid=mid@example.test&count=2", "s6,s5");
	expect_filter(f, D1 "&hdr_mid=<mid@example.test>&count=1", "s6");
	expect_filter(f, D1 "&sid=sid-1&env_from=a.b", "s0");
	expect_filter(f, D1 "&unknown=ignored&env_from=a.b", "s0");
}

static void test_routes__time_bounds_and_count(void **state)
{
	struct fx *f = *state;

	/* from inclusive, to exclusive: s0 is at 08:00, s1 at 09:00 */
	expect_filter(f, "from=2020-05-11T08:00:00Z&to=2020-05-11T09:00:00Z", "s0");
	expect_filter(f, "from=2020-05-11T08:00:00+0000&to=2020-05-11T10:00:00+00:00", "s1,s0");
	/* an unescaped '+' arrives as a space */
	expect_filter(f, "from=2020-05-11T13:00:00 0500&to=2020-05-11T14:00:00 05:00", "s0");
	expect_filter(f, "from=2020-05-11T03:00:00-0500&to=2020-05-11T04:00:00-0500", "s0");
	expect_filter(f, D1 "&count=3", "s6,s5,s4");
	f->ctx.max_count = 2;
	expect_filter(f, D1 "&count=50", "s6,s5");
	expect_filter(f, D1, "s6,s5");
	f->ctx.max_count = 1000;
	expect_status(f, route_pss_filter_get, "GET", NULL, "count=0", NULL, 400, "count");
	expect_status(f, route_pss_filter_get, "GET", NULL, "count=ten", NULL, 400, "count");
	expect_status(f, route_pss_filter_get, "GET", NULL, "count=-5", NULL, 400, "count");
	expect_status(f, route_pss_filter_get, "GET", NULL, "action=bounce", NULL, 400, "action");
	expect_status(f, route_pss_filter_get, "GET", NULL, "from=yesterday", NULL, 400, "from");
	expect_status(f, route_pss_filter_get, "GET", NULL, "to=2020-13-01T00:00:00Z", NULL, 400,
		      "to");
}

static void test_routes__records_are_returned_as_stored(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };
	json_t *r;

	call(f, &c, route_pss_filter_get, "GET", NULL, "guid=v1", NULL);
	r = json_array_get(json_object_get(c.json, "result"), 0);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "Sender")), "v@x.test");
	assert_string_equal(json_string_value(json_object_get(r, "Date")),
			    "2020-05-14 01:00:00 [UTC+0000]");
	assert_true(json_is_array(json_object_get(r, "module_rules")));
	call_release(&c);
}

static void test_routes__quarantine_search(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };
	json_t *recs, *r;

	call(f, &c, route_quarantine_get, "GET", NULL,
	     "from=john@doe.com&subject=Loan&startdate=2020-01-01 00:00:00&enddate=2020-02-01 "
	     "00:00:00&folder=Quarantine&messagestatus=t&dlpviolation=details",
	     NULL);
	assert_int_equal(c.resp.status, 200);
	recs = json_object_get(c.json, "records");
	assert_int_equal(json_integer_value(json_object_get(c.json, "count")), 3);
	assert_int_equal(json_array_size(recs), 3);
	r = json_array_get(recs, 1);
	assert_string_equal(json_string_value(json_object_get(r, "localguid")), "6:6:4");
	assert_string_equal(json_string_value(json_object_get(r, "date")), "2020-01-22 10:00:18");
	assert_true(json_is_string(json_object_get(r, "size")));
	assert_string_equal(json_string_value(json_object_get(r, "spamscore")), "100");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(r, "messagestatus"), 0), "statusdesc")),
		"New");
	assert_null(json_object_get(r, "dlpviolation"));
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(c.json, "meta"), "limit")), 100);
	/* subject rules: "Loan" contains, "Loan*" starts with (case-insensitive) */
	call(f, &c, route_quarantine_get, "GET", NULL, "subject=loan*", NULL);
	assert_int_equal(json_array_size(json_object_get(c.json, "records")), 2);
	call(f, &c, route_quarantine_get, "GET", NULL, "subject=loan&limit=1", NULL);
	assert_int_equal(json_array_size(json_object_get(c.json, "records")), 1);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(c.json, "records"), 0), "localguid")),
		"6:6:300");
	/* enddate is inclusive */
	call(f, &c, route_quarantine_get, "GET", NULL,
	     "subject=Loan&startdate=2020-01-15 20:00:00&enddate=2020-01-15 20:00:00", NULL);
	assert_int_equal(json_array_size(json_object_get(c.json, "records")), 1);
	call(f, &c, route_quarantine_get, "GET", NULL,
	     "rcpt=*@bar.com&folder=HIPAA&dlpviolation=details", NULL);
	r = json_array_get(json_object_get(c.json, "records"), 0);
	assert_non_null(json_object_get(r, "dlpviolation"));
	assert_null(json_object_get(r, "messagestatus"));
	call_release(&c);
	expect_status(f, route_quarantine_get, "GET", NULL, "folder=Quarantine", NULL, 400,
		      "At least one of the following parameters must be specified: from, rcpt, "
		      "subject");
	expect_status(f, route_quarantine_get, "GET", NULL, "subject=x&limit=0", NULL, 400,
		      "limit");
	expect_status(f, route_quarantine_get, "GET", NULL, "subject=x&startdate=soon", NULL, 400,
		      "startdate");
	expect_status(f, route_quarantine_get, "GET", NULL, "subject=x&folder=Nope", NULL, 400,
		      "folder");
	expect_status(f, route_quarantine_get, "GET", NULL, "subject=Nothing&folder=Phish", NULL,
		      200, "\"count\":0");
}

static void test_routes__quarantine_download(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };

	call(f, &c, route_quarantine_get, "GET", NULL, "guid=hipaa1&folder=Quarantine", NULL);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(c.resp.content_type, "message/rfc822");
	assert_string_equal(
		c.resp.body,
		"From: john@doe.com\r\nSubject: Patient records\r\n\r\nbody of hipaa1\r\n");
	call_release(&c);
	expect_status(f, route_quarantine_get, "GET", NULL, "guid=nope", NULL, 404,
		      "No message found");
}

/* The number of outbox entries. */
static size_t outbox_count(struct fx *f)
{
	struct call c = { 0 };
	size_t n;

	call(f, &c, route_outbox_get, "GET", NULL, NULL, NULL);
	assert_int_equal(c.resp.status, 200);
	n = json_array_size(json_object_get(c.json, "records"));
	call_release(&c);
	return n;
}

static size_t folder_count(struct fx *f, const char *folder)
{
	struct call c = { 0 };
	char q[128];
	size_t n;

	snprintf(q, sizeof(q), "from=john@doe.com&folder=%s", folder);
	call(f, &c, route_quarantine_get, "GET", NULL, q, NULL);
	assert_int_equal(c.resp.status, 200);
	n = json_array_size(json_object_get(c.json, "records"));
	call_release(&c);
	return n;
}

static void post(struct fx *f, const char *body, int status, const char *text)
{
	expect_status(f, route_quarantine_post, "POST", NULL, NULL, body, status, text);
}

static void test_routes__release_sends_and_keeps(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };
	json_t *e;

	post(f,
	     "{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:239\","
	     "\"scan\":\"f\",\"deletedfolder\":null}",
	     202, "Request sent. Message 6:6:239 will be released momentarily");
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(folder_count(f, "Quarantine"), 3);
	call(f, &c, route_outbox_get, "GET", NULL, NULL, NULL);
	e = json_array_get(json_object_get(c.json, "records"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "action")), "release");
	assert_string_equal(json_string_value(json_object_get(e, "localguid")), "6:6:239");
	assert_int_equal(json_array_size(json_object_get(e, "to")), 2);
	assert_int_equal(json_integer_value(json_object_get(e, "id")), 1);
	call_release(&c);
	/* the sent message shows in Smart Search, from quarantine */
	call(f, &c, route_pss_filter_get, "GET", NULL, "env_from=john@doe.com", NULL);
	e = json_array_get(json_object_get(c.json, "result"), 0);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "Module_ID")), "quarantine");
	assert_string_equal(json_string_value(json_object_get(e, "Final_Action")), "accept");
	assert_string_equal(json_string_value(json_object_get(e, "Quarantine_Folder")),
			    "Quarantine");
	assert_int_equal(json_object_size(e), 44);
	call_release(&c);
	/* release with deletedfolder moves the message */
	post(f,
	     "{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:239,6:6:4\","
	     "\"deletedfolder\":\"Deleted\"}",
	     202, "Message 6:6:239,6:6:4 will be released");
	assert_int_equal(outbox_count(f), 3);
	assert_int_equal(folder_count(f, "Quarantine"), 1);
	assert_int_equal(folder_count(f, "Deleted"), 2);
	call(f, &c, route_outbox_get, "GET", NULL, "since=2", NULL);
	assert_int_equal(json_array_size(json_object_get(c.json, "records")), 1);
	call_release(&c);
}

static void test_routes__resubmit_forward_move_delete(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };
	json_t *e;

	post(f, "{\"action\":\"resubmit\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:239\"}",
	     202, "Request sent. Message 6:6:239 will be resubmitted momentarily");
	assert_int_equal(folder_count(f, "Quarantine"), 2);
	assert_int_equal(outbox_count(f), 1);
	post(f,
	     "{\"action\":\"forward\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
	     "\"to\":\"x@y.test, z@y.test\",\"subject\":\"FW:\",\"appendoldsubject\":\"t\","
	     "\"comment\":\"see attached\",\"from\":\"admin@corp.test\"}",
	     202, "Request sent. Message 6:6:4 will be forwarded momentarily");
	assert_int_equal(folder_count(f, "Quarantine"), 2);
	call(f, &c, route_outbox_get, "GET", NULL, "since=1", NULL);
	e = json_array_get(json_object_get(c.json, "records"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "subject")), "FW: Loan");
	assert_string_equal(json_string_value(json_object_get(e, "from")), "admin@corp.test");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "to"), 1)),
			    "z@y.test");
	assert_string_equal(json_string_value(json_object_get(e, "comment")), "see attached");
	call_release(&c);
	post(f,
	     "{\"action\":\"forward\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
	     "\"to\":\"x@y.test\",\"subject\":\"New\"}",
	     202, "forwarded");
	call(f, &c, route_outbox_get, "GET", NULL, "since=2", NULL);
	e = json_array_get(json_object_get(c.json, "records"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "subject")), "New");
	call_release(&c);
	post(f,
	     "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
	     "\"targetfolder\":\"Phish\"}",
	     200, "{\"status\":\"Successfully moved message 6:6:4\"}");
	assert_int_equal(folder_count(f, "Phish"), 1);
	post(f,
	     "{\"action\":\"delete\",\"folder\":\"Phish\",\"localguid\":\"6:6:4\","
	     "\"deletedfolder\":\"Deleted\"}",
	     200, "Successfully deleted message 6:6:4");
	assert_int_equal(folder_count(f, "Deleted"), 1);
	post(f, "{\"action\":\"delete\",\"folder\":\"Deleted\",\"localguid\":\"6:6:4\"}", 200,
	     "{\"status\":\"Successfully deleted message 6:6:4\"}");
	assert_int_equal(folder_count(f, "Deleted"), 0);
	expect_status(f, route_quarantine_get, "GET", NULL, "guid=edlp0pU9", NULL, 404, NULL);
	/* move and delete send nothing */
	assert_int_equal(outbox_count(f), 3);
}

static void test_routes__action_refusals_change_nothing(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *body;
		const char *text;
	} bad[] = {
		{ "{\"action\":\"destroy\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\"}",
		  "Invalid argument: action" },
		{ "{\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\"}",
		  "Invalid argument: action" },
		{ "{\"action\":\"delete\",\"folder\":\"Nope\",\"localguid\":\"6:6:4\"}",
		  "Invalid argument: folder" },
		{ "{\"action\":\"delete\",\"localguid\":\"6:6:4\"}", "Invalid argument: folder" },
		{ "{\"action\":\"delete\",\"folder\":\"Quarantine\"}",
		  "Invalid argument: localguid" },
		/* one bad GUID among good ones: nothing happens */
		{ "{\"action\":\"delete\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4,9:9:9\"}",
		  "Invalid argument: localguid" },
		{ "{\"action\":\"release\",\"folder\":\"Quarantine\","
		  "\"localguid\":\"6:6:239,4:2:6\"}",
		  "Invalid argument: localguid" },
		{ "{\"action\":\"forward\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\"}",
		  "Invalid argument: to" },
		{ "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\"}",
		  "Invalid argument: targetfolder" },
		{ "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"targetfolder\":\"Nope\"}",
		  "Invalid argument: targetfolder" },
		{ "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"targetfolder\":\"HIPAA\"}",
		  "Invalid argument: targetfolder" },
		{ "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"targetfolder\":\"Virus\"}",
		  "Invalid argument: targetfolder" },
		{ "{\"action\":\"move\",\"folder\":\"HIPAA\",\"localguid\":\"4:2:6\","
		  "\"targetfolder\":\"Quarantine\"}",
		  "Invalid argument: targetfolder" },
		{ "{\"action\":\"delete\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"deletedfolder\":\"Deleted Incidents\"}",
		  "Invalid argument: deletedfolder" },
		{ "{\"action\":\"delete\",\"folder\":\"HIPAA\",\"localguid\":\"4:2:6\","
		  "\"deletedfolder\":\"Deleted\"}",
		  "Invalid argument: deletedfolder" },
		{ "{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"deletedfolder\":\"Virus\"}",
		  "Invalid argument: deletedfolder" },
		{ "{\"action\":\"forward\",\"folder\":\"Virus\",\"localguid\":\"3:1:20\","
		  "\"to\":\"a@b.c\",\"deletedfolder\":\"Deleted\"}",
		  "Invalid argument: deletedfolder" },
		{ "{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"scan\":\"yes\"}",
		  "Invalid argument: scan" },
		{ "{\"action\":\"forward\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
		  "\"to\":\"a@b.c\",\"appendoldsubject\":\"maybe\"}",
		  "Invalid argument: appendoldsubject" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct call c = { 0 };

		call(f, &c, route_quarantine_post, "POST", NULL, NULL, bad[i].body);
		if (c.resp.status != 400 || strcmp(c.resp.body, bad[i].text) != 0 ||
		    strncmp(c.resp.content_type, "text/plain", 10) != 0)
			fail_msg("%s: got %d '%s'", bad[i].body, c.resp.status, c.resp.body);
		call_release(&c);
	}
	/* malformed bodies get a JSON error */
	expect_status(f, route_quarantine_post, "POST", NULL, NULL, "{not json", 400, "\"status\"");
	expect_status(f, route_quarantine_post, "POST", NULL, NULL, "[1,2]", 400, "\"status\"");
	expect_status(f, route_quarantine_post, "POST", NULL, NULL,
		      "{\"action\":\"delete\",\"folder\":\"Quarantine\",\"localguid\":5}", 400,
		      "localguid");
	assert_int_equal(outbox_count(f), 0);
	assert_int_equal(folder_count(f, "Quarantine"), 3);
	assert_int_equal(folder_count(f, "Deleted"), 0);
	assert_int_equal(folder_count(f, "HIPAA"), 1);
	expect_filter(f, "env_from=john@doe.com", "");
}

static void test_routes__enduser_lifecycle(void **state)
{
	struct fx *f = *state;
	struct call c = { 0 };

	call(f, &c, route_enduser_get, "GET", "Demo.User@Example.com", NULL, NULL);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(c.json, "uid")), "demo.user");
	call(f, &c, route_enduser_get, "GET", "demo.user", NULL, NULL);
	assert_int_equal(c.resp.status, 200);
	call(f, &c, route_enduser_post, "POST", "new.person@example.com", NULL,
	     "{\"firstname\":\"New\",\"addgroup\":\"sales\",\"attributes\":{\"dept\":\"7\"},"
	     "\"safelist\":[\"a@b.c\"]}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(c.json, "uid")), "new.person");
	assert_string_equal(json_string_value(json_object_get(c.json, "creationsource")), "api");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c.json, "groups"), 0)),
			    "sales");
	call(f, &c, route_enduser_put, "PUT", "new.person", NULL,
	     "{\"lastname\":\"Person\",\"removegroup\":\"sales\",\"addgroup\":\"ops\","
	     "\"attributes\":{\"site\":\"x\"},\"blocklist\":\"z@z.z,y@y.y\"}");
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(c.json, "firstname")), "New");
	assert_string_equal(json_string_value(json_object_get(c.json, "lastname")), "Person");
	assert_int_equal(json_array_size(json_object_get(c.json, "groups")), 1);
	assert_int_equal(json_array_size(json_object_get(c.json, "blocklist")), 2);
	assert_int_equal(json_object_size(json_object_get(c.json, "attributes")), 2);
	call(f, &c, route_enduser_delete, "DELETE", "NEW.person@example.com", NULL, NULL);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(json_string_value(json_object_get(c.json, "message")), "User deleted");
	call_release(&c);
	expect_status(f, route_enduser_get, "GET", "new.person@example.com", NULL, NULL, 404,
		      "{\"status\":404,\"errors\":{\"invalidarguments\":[{\"error\":\"User not "
		      "found\"}]}}");
}

static void test_routes__enduser_errors(void **state)
{
	struct fx *f = *state;

	expect_status(f, route_enduser_post, "POST", "demo.user@example.com", NULL, "{}", 400,
		      "{\"status\":400,\"errors\":{\"invalidarguments\":[{\"error\":\"User already "
		      "exists\"}]}}");
	expect_status(f, route_enduser_post, "POST", "nobody", NULL, "{}", 400, "email");
	expect_status(f, route_enduser_post, "POST", "x@y.z", NULL, "{\"colour\":\"red\"}", 400,
		      "colour");
	expect_status(f, route_enduser_post, "POST", "x@y.z", NULL, "{\"type\":7}", 400, "type");
	expect_status(f, route_enduser_post, "POST", "x@y.z", NULL, "{oops", 400, "\"status\":400");
	expect_status(f, route_enduser_put, "PUT", "ghost@example.com", NULL, "{}", 404,
		      "User not found");
	expect_status(f, route_enduser_put, "PUT", "demo.user", NULL, "{\"uid\":\"x\"}", 400,
		      "uid");
	expect_status(f, route_enduser_delete, "DELETE", "ghost@example.com", NULL, NULL, 404,
		      "User not found");
	/* nothing was created by the refused requests */
	expect_status(f, route_enduser_get, "GET", "x@y.z", NULL, NULL, 404, "User not found");
	expect_status(f, route_enduser_get, "GET", "demo.user", NULL, NULL, 200, "\"Demo\"");
}

static void test_routes__state_survives_reopen(void **state)
{
	struct fx *f = *state;
	char err[256];

	post(f,
	     "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:4\","
	     "\"targetfolder\":\"Phish\"}",
	     200, "moved");
	post(f, "{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:239\"}", 202,
	     "released");
	expect_status(f, route_enduser_post, "POST", "kept@example.com", NULL, "{}", 200, "kept");
	sim_store_close(f->st);
	assert_int_equal(sim_store_open(&f->st, f->dir, err, sizeof(err)), 0);
	f->ctx.store = f->st;
	assert_int_equal(folder_count(f, "Phish"), 1);
	assert_int_equal(outbox_count(f), 1);
	expect_status(f, route_enduser_get, "GET", "kept@example.com", NULL, NULL, 200, "kept");
	expect_filter(f, D1 "&env_from=a.b", "s0");
	expect_status(f, route_pss_filter_get, "GET", NULL, "env_from=john@doe.com", NULL, 200,
		      "quarantine");
}

struct worker {
	struct fx *f;
	int first;
	int ok;
};

/* Moves ten messages one request each, with searches in between, on its own thread. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct call c = { 0 };
	char body[256];

	for (int i = w->first; i < w->first + 10; i++) {
		snprintf(body, sizeof(body),
			 "{\"action\":\"%s\",\"folder\":\"Quarantine\",\"localguid\":\"9:9:%d\","
			 "\"targetfolder\":\"Deleted\"}",
			 i % 2 ? "move" : "release", i);
		call(w->f, &c, route_quarantine_post, "POST", NULL, NULL, body);
		w->ok += c.resp.status == (i % 2 ? 200 : 202);
		call(w->f, &c, route_pss_filter_get, "GET", NULL, D1 "&env_from=*example*", NULL);
		w->ok += c.resp.status == 200 &&
			 json_array_size(json_object_get(c.json, "result")) == 5;
	}
	call_release(&c);
	return NULL;
}

static void test_routes__concurrent_handlers(void **state)
{
	struct fx *f = *state;
	struct worker w[4];
	pthread_t t[4];
	char guid[32], lg[32];

	for (int i = 0; i < 40; i++) {
		snprintf(guid, sizeof(guid), "conc%d", i);
		snprintf(lg, sizeof(lg), "9:9:%d", i);
		add_quarantined(f->st, guid, lg, "Quarantine", "Loan", 1579000000 + i);
	}
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .f = f, .first = i * 10 };
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].ok, 20);
	}
	/* the releases stay in Quarantine, the moves are in Deleted; one entry per release */
	assert_int_equal(folder_count(f, "Deleted"), 20);
	assert_int_equal(folder_count(f, "Quarantine"), 23);
	assert_int_equal(outbox_count(f), 20);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_routes__health),
		T(test_routes__env_from_partial_matches),
		T(test_routes__env_rcpt_any_recipient),
		T(test_routes__subject_stop_words_and_stems),
		T(test_routes__virus_attach_host_action),
		T(test_routes__time_bounds_and_count),
		T(test_routes__records_are_returned_as_stored),
		T(test_routes__quarantine_search),
		T(test_routes__quarantine_download),
		T(test_routes__release_sends_and_keeps),
		T(test_routes__resubmit_forward_move_delete),
		T(test_routes__action_refusals_change_nothing),
		T(test_routes__enduser_lifecycle),
		T(test_routes__enduser_errors),
		T(test_routes__state_survives_reopen),
		T(test_routes__concurrent_handlers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
