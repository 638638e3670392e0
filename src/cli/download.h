/*
 * Saving a downloaded message to a file: safe names from the GUID, no overwrite unless forced,
 * atomic replacement, nothing partial left behind. Knows nothing of HTTP or of commands.
 */
#ifndef PPS_CLI_DOWNLOAD_H
#define PPS_CLI_DOWNLOAD_H

#include <stddef.h>

/* Longest GUID accepted as a file name (bytes, without the ".eml" suffix). */
#define CLI_DOWNLOAD_GUID_MAX 200

/*
 * Saves len bytes of data (may hold NULs) where out says:
 *   NULL or ""          ./<guid>.eml
 *   an existing dir     <dir>/<guid>.eml
 *   "-"                 standard output (flushed; nothing else is written)
 *   anything else       that file path (guid is then not used for the name)
 * When the guid names the file it must be safe: not empty, not "." or "..", no '/', '\\' or
 * control character, not starting with '-' or '.', at most CLI_DOWNLOAD_GUID_MAX bytes;
 * otherwise the error is "unsafe guid '<printable form>' for a file name".
 * An existing file is never replaced unless force ("'<path>' exists: use force=true to
 * overwrite"). The data goes to a temporary ".<name>.XXXXXX" in the target's directory, is
 * fsync'd, then link()ed to the target (without force: fails if the target appeared meanwhile,
 * no race) or rename()d over it (force). On any failure the temporary file is removed, so no
 * partial file is ever left. The file's mode is 0600: quarantined mail may be sensitive.
 * path_out (path_len bytes, may be NULL) receives the final path ("-" for standard output).
 * Returns 0, or -1 with a one-line reason in err (errlen bytes, may be NULL).
 */
int cli_download_save(const char *out, const char *guid, const char *data, size_t len, int force,
		      char *path_out, size_t path_len, char *err, size_t errlen);

/*
 * The same in pieces, for a message that streams in: open creates the temporary file (or, for
 * "-", an unlinked spool file, so that standard output gets the message only when it is whole),
 * write appends, commit fsyncs and links or renames it into place (or copies the spool to
 * standard output) and frees, abort removes the temporary file and frees (NULL is fine).
 * open, write and commit return 0, or -1 with the reason in err; after a failed write the
 * caller aborts.
 */
typedef struct cli_download cli_download;
int cli_download_open(cli_download **out, const char *target, const char *guid, int force,
		      char *err, size_t errlen);
int cli_download_write(cli_download *d, const char *data, size_t len, char *err, size_t errlen);
/* Bytes written so far. */
size_t cli_download_size(const cli_download *d);
int cli_download_commit(cli_download *d, char *path_out, size_t path_len, char *err, size_t errlen);
void cli_download_abort(cli_download *d);

/* 0 when guid is safe as a file name (rules above), else -1 with the reason in err. */
int cli_download_check_guid(const char *guid, char *err, size_t errlen);

#endif
