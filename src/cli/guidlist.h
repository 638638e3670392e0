/*
 * The entries of a local_guid list, checked before anything is sent: one per line (or per item
 * of a comma list), each a bare GUID or a JSON record as `pps -o ndjson quarantine-messages-list`
 * prints it. Pure: no I/O beyond the text it is given, no wire fact but the GUID shapes.
 */
#ifndef PPS_CLI_GUIDLIST_H
#define PPS_CLI_GUIDLIST_H

#include <stddef.h>

/* One input entry. Strings are owned by the list. */
typedef struct cli_guid_entry {
	size_t line;  /* 1-based line of the input; 1 for an inline list */
	char *text;   /* the line or comma-list item, without BOM and surrounding white space */
	char *guid;   /* the GUID to act on; for an invalid entry the text taken for one, or NULL */
	char *folder; /* its record's folder (or resolved from one), or NULL */
	char *alt;    /* a record's other name of the message (its "guid" beside "localguid") */
	const char *why; /* static text saying why the entry is invalid, or NULL when valid */
	size_t dup_of;	 /* 1 + the index of the first entry with this GUID and folder, or 0 */
	int record;	 /* 1: the line was a JSON record */
} cli_guid_entry;

/* CLI_GUIDLIST_INIT or zeroed; freed with cli_guidlist_release(). */
typedef struct cli_guidlist {
	cli_guid_entry *v;
	size_t n;
	size_t alloc;
} cli_guidlist;

#define CLI_GUIDLIST_INIT  \
	{                  \
		NULL, 0, 0 \
	}

void cli_guidlist_release(cli_guidlist *l);

/* The longest GUID the server takes (its localguid field). */
#define CLI_GUID_MAX 128

/*
 * Whether s is a GUID pps sends: on-premise folder_id:table_id:dbase_id (three runs of 1 to 10
 * digits, as 4:2:6), or any other token of 1 to CLI_GUID_MAX printable ASCII characters without
 * commas, quotes, brackets or braces (a cloud GUID such as g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7; the
 * server decides what it knows). Digits and colons that miss the on-premise shape (4:2, 4::6)
 * are refused as typos.
 */
int cli_guid_valid(const char *s);

/*
 * Parses one line (len bytes, no newline) numbered lineno and appends its entries to l.
 * A BOM, surrounding white space and CR are stripped; a blank line or a '#' comment adds
 * nothing. A line starting with '{' is a JSON record: its "localguid" (else "guid", as a cloud
 * record may have) and its "folder". Any other line is a comma list of GUIDs, each item with one
 * pair of surrounding quotes ("..." or '...') removed. An entry that is no GUID is kept with its
 * reason in why. A journal line other than an outcome (an "event" of start, intent, split or
 * end: journal.h) names no entry and adds nothing. Returns 0, or -1 when out of memory.
 */
int cli_guidlist_parse_line(cli_guidlist *l, const char *line, size_t len, size_t lineno);

/* Parses every line of text[0..len) (LF or CRLF ends), numbered from 1. 0 or -1 (memory). */
int cli_guidlist_parse(cli_guidlist *l, const char *text, size_t len);

/*
 * Gives each valid entry without a folder the folder of the first valid record with the same
 * GUID (a GUID names one message); an entry left without one is made invalid. Call it only when
 * no folder_name is given. Returns 0 or -1 (memory).
 */
int cli_guidlist_resolve_folders(cli_guidlist *l);

/*
 * Marks each valid entry whose GUID and folder (its own, else default_folder) equal those of an
 * earlier valid entry: dup_of is 1 + that entry's index. Returns 0 or -1 (memory).
 */
int cli_guidlist_mark_duplicates(cli_guidlist *l, const char *default_folder);

/*
 * One message may be named by its localguid (on premise N:N:N) and by its GUID (the cloud
 * form). Each entry naming a message by the GUID of a record that also gives its localguid is
 * made to name it by that localguid, so that duplicates are found. When valid entries still
 * name messages in both forms, nothing tells whether two name one message: *onprem and *cloud
 * (borrowed) name one entry of each and 1 is returned. Returns 0, 1, or -1 (memory).
 */
int cli_guidlist_canonicalize(cli_guidlist *l, const char **onprem, const char **cloud);

#endif
