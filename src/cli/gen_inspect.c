/*
 * The man page's walk-through of inspecting a quarantined message before acting on it, as roff
 * (README.md's "Inspecting a message before acting" says the same). Text only.
 */
#include <stdio.h>

#include "cli/gen.h"

#include "util/banned.h"

void cli_gen_man_inspect(FILE *out)
{
	fputs(".SH INSPECTING A MESSAGE BEFORE ACTING\n"
	      "Whether to release, delete or forward a quarantined message depends on what it is. "
	      "\\fBquarantine\\-message\\-inspect\\fR reads it into memory (never to disk) and "
	      "shows "
	      "its headers, hops, SPF, DKIM, DMARC and ARC results, text, links and attachments; "
	      "\\fBinspect\\fR does the same for saved .eml files (\\- for standard input).\n"
	      ".PP\n"
	      "1. List the quarantine and take a message's GUID and localguid:\n"
	      ".RS\n.nf\n"
	      "pps quarantine\\-messages\\-list folder_name=Quarantine "
	      "recipient=demo.user@example.com\n"
	      "read \\-r G L < <(pps quarantine\\-messages\\-list folder_name=Quarantine \\e\n"
	      "  recipient=demo.user@example.com \\-\\-jq '.guid + \" \" + .localguid' \\-r | head "
	      "\\-n1)\n"
	      ".fi\n.RE\n"
	      ".PP\n"
	      "2. Inspect it. Lines starting with ! are what should make you stop: a display name "
	      "holding another address, a Reply\\-To or Return\\-Path in another domain, DMARC "
	      "fail, "
	      "a link whose text names another host, a double extension, a declared type that is "
	      "not "
	      "the content's, a macro\\-capable Office file. Links are defanged "
	      "(hxxps://example[.]com); a URL Defense link is shown as the URL it wraps, with the "
	      "rewritten form below it; controls and bidi characters are written visibly.\n"
	      ".RS\n.nf\n"
	      "pps quarantine\\-message\\-inspect guid=$G\n"
	      ".fi\n.RE\n"
	      ".PP\n"
	      "3. Keep what the ticket and the threat\\-intelligence feed need: a markdown report, "
	      "the indicators (one NDJSON line per URL, domain, IP, address and hash) and the "
	      "attachments (mode 0600, safe names, never over an existing file):\n"
	      ".RS\n.nf\n"
	      "pps \\-o markdown quarantine\\-message\\-inspect guid=$G >ticket\\-$G.md\n"
	      "pps quarantine\\-message\\-inspect guid=$G \\-\\-iocs >iocs\\-$G.ndjson\n"
	      "pps quarantine\\-message\\-inspect guid=$G \\-\\-extract evidence/$G\n"
	      ".fi\n.RE\n"
	      ".PP\n"
	      "4. Act on it:\n"
	      ".RS\n.nf\n"
	      "pps quarantine\\-message\\-delete folder_name=Quarantine local_guid=$L\n"
	      "pps quarantine\\-message\\-release folder_name=Quarantine local_guid=$L\n"
	      ".fi\n.RE\n",
	      out);
}
