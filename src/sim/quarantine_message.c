/*
 * A quarantined message as the /quarantine routes see it: the copy of a store row, the
 * recipients as an array, and the API's comma lists and flags. No route and no store call here.
 */
#include "sim/quarantine.h"

#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* The recipients as the store keeps them (one a line) as a JSON array; NULL when out of memory. */
json_t *sim_quarantine_rcpts(const char *lines)
{
	json_t *arr = json_array();
	const char *p = lines;

	while (arr && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (json_array_append_new(arr, json_stringn(p, n)) < 0) {
			json_decref(arr);
			return NULL;
		}
		p += n;
		if (*p)
			p++;
	}
	return arr;
}

int sim_quarantine_truthy(const char *v)
{
	return v && (strcmp(v, "t") == 0 || strcmp(v, "true") == 0);
}

void sim_qmsg_copy_release(struct qmsg_copy *m)
{
	free(m->guid);
	free(m->localguid);
	free(m->folder);
	free(m->folder_type);
	free(m->from);
	free(m->subject);
	free(m->messageid);
	free(m->host_ip);
	free(m->spamscore);
	json_decref(m->rcpts);
	json_decref(m->status);
	memset(m, 0, sizeof(*m));
}

int sim_qmsg_copy_row(void *arg, const sim_qrow *r)
{
	struct qmsg_copy *m = arg;

	m->id = r->id;
	m->size = r->size;
	m->guid = strdup(r->guid);
	m->localguid = strdup(r->localguid);
	m->folder = strdup(r->folder);
	m->folder_type = strdup(r->folder_type);
	m->from = strdup(r->from);
	m->subject = strdup(r->subject);
	m->messageid = strdup(r->messageid);
	m->host_ip = strdup(r->host_ip);
	m->spamscore = strdup(r->spamscore);
	m->rcpts = sim_quarantine_rcpts(r->rcpts);
	m->status = json_loads(r->status, 0, NULL);
	if (!json_is_array(m->status)) {
		json_decref(m->status);
		m->status = json_array();
	}
	return m->guid && m->localguid && m->folder && m->folder_type && m->from && m->subject &&
			       m->messageid && m->host_ip && m->spamscore && m->rcpts && m->status
		       ? 1
		       : -1;
}

/* Splits a comma list into a JSON array of trimmed, non-empty strings; NULL when empty. */
json_t *sim_quarantine_split(const char *list)
{
	json_t *arr = json_array();
	const char *p = list;

	if (!arr)
		return NULL;
	while (*p) {
		const char *start, *end, *comma = strchr(p, ',');

		end = comma ? comma : p + strlen(p);
		start = p;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start &&
		    json_array_append_new(arr, json_stringn(start, (size_t)(end - start))) < 0)
			goto fail;
		p = comma ? comma + 1 : p + strlen(p);
	}
	if (json_array_size(arr) == 0)
		goto fail;
	return arr;
fail:
	json_decref(arr);
	return NULL;
}
