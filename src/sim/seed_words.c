/*
 * The seed's vocabulary: the word lists, folders and rules that pps-sim --seed and --flow draw
 * from. Data only: their order is part of the generated data, so an edit changes every seed.
 */
#include "sim/seed_words.h"

#include "util/banned.h"

static const char *const first_names[] = {
	"james",  "mary",    "john",	  "patricia", "robert",	  "jennifer", "michael",
	"linda",  "william", "elizabeth", "david",    "barbara",  "richard",  "susan",
	"joseph", "jessica", "thomas",	  "sarah",    "charles",  "karen",    "christopher",
	"nancy",  "daniel",  "lisa",	  "matthew",  "betty",	  "anthony",  "margaret",
	"mark",	  "sandra",  "donald",	  "ashley",   "steven",	  "kimberly", "paul",
	"emily",  "andrew",  "donna",	  "joshua",   "michelle",
};
static const char *const last_names[] = {
	"smith",    "johnson",	 "williams", "brown",	  "jones",  "garcia",	"miller",
	"davis",    "rodriguez", "martinez", "hernandez", "lopez",  "gonzalez", "wilson",
	"anderson", "taylor",	 "moore",    "jackson",	  "martin", "lee",	"perez",
	"thompson", "white",	 "harris",   "sanchez",	  "clark",  "ramirez",	"lewis",
	"robinson", "walker",	 "young",    "allen",	  "king",   "wright",	"scott",
	"torres",   "nguyen",	 "hill",     "flores",	  "green",
};

static const char *const roles[] = { "noreply", "info",	  "news",      "billing", "support",
				     "alerts",	"orders", "marketing", "hr",	  "accounts" };
static const char *const dom_stems[] = {
	"acme",	   "globex",   "initech", "umbrella",  "stark",	   "wayne",   "wonka",
	"hooli",   "vandelay", "soylent", "cyberdyne", "tyrell",   "massive", "gringotts",
	"oceanic", "pied",     "monarch", "aperture",  "nakatomi", "duff",
};
static const char *const dom_suffixes[] = { "corp", "mail",  "net",  "systems", "group",
					    "labs", "media", "bank", "shop",	"travel" };
static const char *const tlds[] = { ".com", ".net", ".org", ".io", ".co.uk", ".de", ".fr" };
static const char *const countries[] = { "us", "us", "us", "de", "gb", "fr",
					 "nl", "cn", "ru", "br", "in", "**" };
static const char *const departments[] = { "sales", "finance", "engineering", "hr",
					   "legal", "support", "marketing",   "it" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const topics[] = {
	"budget review",     "project kickoff",	    "Q3 planning",    "team lunch",
	"contract renewal",  "server maintenance",  "hiring update",  "customer feedback",
	"product launch",    "travel arrangements", "board meeting",  "security training",
	"office move",	     "marketing plan",	    "sales pipeline", "annual review",
	"vendor onboarding", "release schedule",    "expense report", "holiday party",
};
static const char *const prizes[] = { "gift card", "new iPhone", "cruise", "cash prize",
				      "free vacation" };
static const char *const services[] = { "Microsoft 365", "PayPal",   "Apple ID",
					"Netflix",	 "DocuSign", "Dropbox" };
static const char *const ham_subjects[] = {
	"Re: %T",
	"Fwd: %T",
	"RE: RE: %T",
	"%T",
	"Meeting notes: %T",
	"Invitation: %T @ %D",
	"Your %C invoice %N",
	"Invoice %N from %C",
	"%C newsletter - %M edition",
	"Your order #%N has shipped",
	"Weekly digest from %C",
	"Payment received - thank you",
	"Quarterly report Q%Q",
	"Updated: %T",
	"Reminder: %T tomorrow",
	"Welcome to %C",
	"Your receipt from %C",
	"Out of office: %T",
	"Shared document: %T",
	"Action items from %D's call",
};
static const char *const spam_subjects[] = {
	"Lowest mortgage rates - act now", "You have been selected for a %P",
	"Cheap meds, no prescription",	   "Make $5000 a week from home",
	"Congratulations! You won a %P",   "Limited offer: 90% off at %C",
	"Loan approved: claim your funds", "Re: your loan application",
	"Lose 10 kg in 10 days",	   "Exclusive deal for %F",
};
static const char *const phish_subjects[] = {
	"Action required: verify your %S account",     "Your %S password expires today",
	"Unusual sign-in activity on your %S account", "Your mailbox is full - upgrade now",
	"Invoice %N overdue - pay immediately",	       "DocuSign: please review and sign",
	"Your package could not be delivered",	       "Urgent wire transfer request",
	"Security alert: confirm your identity",       "Voicemail received from %F",
};
static const char *const virus_subjects[] = {
	"Scanned document %N",	   "Invoice %N",	  "Your order details",
	"Payment confirmation %N", "Fax message from %F", "Resume - %F",
};
static const char *const dlp_subjects[] = {
	"Patient records %N", "Customer card list", "Account statements for review",
	"Payroll export %M",  "Claims data %N",	    "Loan applicants list",
};
static const char *const attachments[] = { "invoice.pdf",   "report.xlsx", "photo.jpg",
					   "document.docx", "slides.pptx", "statement.pdf",
					   "scan001.pdf",   "notes.txt" };
static const char *const bad_attachments[] = { "invoice.zip",	"document.docm",   "payment.js",
					       "scan.pdf.exe",	"order.xlsm",	   "macro.docm",
					       "statement.pdf", "invoice.pdf.exe", "message.eml" };
static const char *const viruses[] = { "Eicar-Test-Signature",	  "W32/Mydoom.A@mm",
				       "Trojan.Emotet-9785706-0", "JS/Nemucod.gen",
				       "W97M/Downloader.BX",	  "Win.Trojan.Agent-1388596" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct sim_seed_vocab sim_seed_words = {
	.first_names = { first_names, COUNT(first_names) },
	.last_names = { last_names, COUNT(last_names) },
	.roles = { roles, COUNT(roles) },
	.dom_stems = { dom_stems, COUNT(dom_stems) },
	.dom_suffixes = { dom_suffixes, COUNT(dom_suffixes) },
	.tlds = { tlds, COUNT(tlds) },
	.countries = { countries, COUNT(countries) },
	.departments = { departments, COUNT(departments) },
	.months = { months, COUNT(months) },
	.days = { days, COUNT(days) },
	.topics = { topics, COUNT(topics) },
	.prizes = { prizes, COUNT(prizes) },
	.services = { services, COUNT(services) },
	.ham_subjects = { ham_subjects, COUNT(ham_subjects) },
	.spam_subjects = { spam_subjects, COUNT(spam_subjects) },
	.phish_subjects = { phish_subjects, COUNT(phish_subjects) },
	.virus_subjects = { virus_subjects, COUNT(virus_subjects) },
	.dlp_subjects = { dlp_subjects, COUNT(dlp_subjects) },
	.attachments = { attachments, COUNT(attachments) },
	.bad_attachments = { bad_attachments, COUNT(bad_attachments) },
	.viruses = { viruses, COUNT(viruses) },
};

/* Folder ids in localguids are index + 1. */
const struct sim_seed_folder sim_seed_folders[SIM_SEED_NFOLDERS] = {
	{ "Quarantine", "spam" },
	{ "Spam", "spam" },
	{ "Phish", "spam" },
	{ "Malware", "virus" },
	{ "Virus", "virus" },
	{ "Bulk", "spam" },
	{ "Deleted", "spam" },
	{ "HIPAA", "dlp" },
	{ "PCI", "dlp" },
	{ "GLBA", "dlp" },
	{ "Deleted Incidents", "dlp" },
};

const char *const sim_seed_rules[SIM_SEED_NRULES] = {
	"spam.none",  "spam.safe", "access.retry", "access.reject", "dlp.redirect", "spam.definite",
	"spam.phish", "av.virus",  "dlp.hipaa",	   "dlp.pci",	    "dlp.glba",
};
