#!/usr/bin/python3
"""The Python side of the inspection benchmark: what `pps inspect -o ndjson` extracts, with the
standard library alone, as the .eml analysers people write do it.

Usage: bench/inspect_py.py FILE...   (one JSON object a line on standard output)

Per message: the headers decoded (email's policy.default: RFC 2047, charsets) with their raw
text, addresses and the spoofing flags; the Received hops with their time, the delay from the
hop below and the first external hop; Authentication-Results and Received-SPF parsed; a body
excerpt (the text part, or the HTML as text); every URL of the text part, of the HTML (href, src,
form action) and of List-Unsubscribe, once each, with Proofpoint URL Defense v1/v2/v3 decoded;
every attachment (through message/rfc822) with its declared type, a type sniffed from its bytes,
its size and md5/sha1/sha256, and the double-extension, mismatch and macro flags. The JSON
members are those of docs/output.md.
"""
import base64
import email
import email.policy
import email.utils
import hashlib
import html
import html.parser
import io
import json
import re
import sys
import unicodedata
import zipfile
from urllib.parse import unquote, urlsplit

POLICY = email.policy.default
BODY_EXCERPT = 2048
ADDRESS_FIELDS = ("from", "sender", "reply_to", "return_path", "to", "cc")
HEADER_NAMES = {"from": "From", "sender": "Sender", "reply_to": "Reply-To",
                "return_path": "Return-Path", "to": "To", "cc": "Cc", "subject": "Subject",
                "date": "Date", "message_id": "Message-ID"}

URL_RE = re.compile(r"""\b(?:https?|ftp)://[^\s<>"'`]+""", re.I)
EMAIL_IN_NAME = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
RCV_FROM = re.compile(r"^from\s+(.+?)\s+(?:by|with|id|for|via)\s", re.I)
RCV_BY = re.compile(r"\bby\s+(\S+(?:\s+\([^)]*\))?)", re.I)
RCV_WITH = re.compile(r"\bwith\s+(\S+)", re.I)
RCV_ID = re.compile(r"\bid\s+([^\s;]+)", re.I)
RCV_FOR = re.compile(r"\bfor\s+<?([^>\s;]+)>?", re.I)
AR_METHOD = re.compile(r"\b(spf|dkim|dmarc|arc)\s*=\s*([a-z]+)([^;]*)", re.I)
AR_PROP = re.compile(r"\b([a-z]+\.[a-z-]+)\s*=\s*([^\s;()]+)", re.I)

V2 = re.compile(r"u=(?P<url>.+?)&[dc]=")
V3 = re.compile(r"v3/__(?P<url>.+?)__;(?P<enc>.*?)!")
V3_TOKEN = re.compile(r"\*(\*.)?")
V3_RUN = {c: i + 2 for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}
V1 = re.compile(r"u=(?P<url>.+?)&k=")

MACRO_EXT = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm",
             "doc", "xls", "ppt"}
TEXTUAL = {"application/javascript", "application/json", "application/xml",
           "application/x-sh"}
EXEC_EXT = {"exe", "scr", "com", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "hta", "msi",
            "ps1", "jar", "lnk", "dll", "cpl"}


def urldefense(url):
    """The URL a URL Defense link wraps, or None."""
    m = re.match(r"https?://urldefense(?:\.proofpoint)?\.com/(v\d)/", url)
    if not m:
        return None
    try:
        if m.group(1) == "v3":
            v = V3.search(url)
            if not v:
                return None
            text = unquote(v.group("url"))
            dec = base64.urlsafe_b64decode(v.group("enc") + "==").decode("utf-8")
            out, pos, used = [], 0, 0
            for t in V3_TOKEN.finditer(text):
                n = 1 if t.group(0) == "*" else V3_RUN.get(t.group(0)[-1], 1)
                out += [text[pos:t.start()], dec[used:used + n]]
                used += n
                pos = t.end()
            out.append(text[pos:])
            return "".join(out)
        if m.group(1) == "v2":
            v = V2.search(url)
            if not v:
                return None
            return html.unescape(unquote(v.group("url").translate(str.maketrans("-_", "%/"))))
        v = V1.search(url)
        return unquote(v.group("url")) if v else None
    except (ValueError, UnicodeDecodeError):
        return None


class LinkParser(html.parser.HTMLParser):
    """hrefs, srcs and form actions of an HTML part, with the anchor text of each link, and
    the text of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (url, where, anchor text or None)
        self.text = []
        self._anchor = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a" and a.get("href"):
            self._anchor = [a["href"].strip(), []]
        elif tag in ("img", "script", "iframe", "source") and a.get("src"):
            self.links.append((a["src"].strip(), "html:src", None))
        elif tag == "form" and a.get("action"):
            self.links.append((a["action"].strip(), "html:form", None))
        if tag in ("p", "br", "div", "tr", "li"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag == "a" and self._anchor:
            self.links.append((self._anchor[0], "html:href", "".join(self._anchor[1]).strip()))
            self._anchor = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._anchor:
            self._anchor[1].append(data)


def header_value(msg, name, raws):
    value = msg.get(name)
    if value is None:
        return None
    return {"value": str(value), "raw": raws.get(name.lower(), str(value))}


def addresses_of(value):
    try:
        return [{"name": a.display_name or None, "address": a.addr_spec or None,
                 "domain": a.domain.lower() if a.domain else None}
                for a in getattr(value, "addresses", ())]
    except (ValueError, AttributeError):
        return []


def scripts_of(text):
    """The scripts of the letters of text (a rough Unicode name prefix)."""
    found = set()
    for ch in text:
        if ch.isalpha():
            try:
                found.add(unicodedata.name(ch).split(" ")[0])
            except ValueError:
                pass
    return found


def headers(msg):
    out, flags, raws = {}, [], {}
    for k, v in msg.raw_items():  # the policy keeps each field's text as sent
        raws.setdefault(k.lower(), v if isinstance(v, str) else str(v))
    for key, name in HEADER_NAMES.items():
        try:
            h = header_value(msg, name, raws)
        except (ValueError, IndexError, AttributeError):
            h = None
        if h and key in ADDRESS_FIELDS:
            h["addresses"] = addresses_of(msg[name])
        if h and key == "date":
            try:
                d = email.utils.parsedate_to_datetime(h["value"])
                h["utc"] = d.astimezone(email.utils.datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ") if d.tzinfo else None
            except (TypeError, ValueError):
                h["utc"] = None
        out[key] = h
    frm = (out.get("from") or {}).get("addresses") or [{}]
    from_addr = (frm[0].get("address") or "").lower()
    from_dom = frm[0].get("domain")
    for a in EMAIL_IN_NAME.findall(frm[0].get("name") or ""):
        if a.lower() != from_addr:
            flags.append({"flag": "display_name_address", "detail": a})
    for key, flag in (("reply_to", "reply_to_domain"), ("return_path", "return_path_domain")):
        for a in (out.get(key) or {}).get("addresses") or []:
            if from_dom and a.get("domain") and a["domain"] != from_dom:
                flags.append({"flag": flag, "detail": a["domain"]})
    if len(scripts_of((out.get("subject") or {}).get("value") or "")) > 1:
        flags.append({"flag": "mixed_script_subject", "detail": None})
    if len(scripts_of(frm[0].get("name") or "")) > 1:
        flags.append({"flag": "mixed_script_name", "detail": None})
    out["flags"] = flags
    return out


def received(msg):
    hops = []
    for raw in msg.get_all("Received") or []:
        text = " ".join(str(raw).split())
        clauses, _, date = text.rpartition(";")
        g = {}
        for key, rx in (("from", RCV_FROM), ("by", RCV_BY), ("with", RCV_WITH), ("id", RCV_ID),
                        ("for", RCV_FOR)):
            m = rx.search(clauses)
            g[key] = m.group(1) if m else None
        t = None
        if date.strip():
            try:
                t = email.utils.parsedate_to_datetime(date.strip())
            except (TypeError, ValueError):
                t = None
        hops.append({"from": g.get("from"), "by": g.get("by"), "with": g.get("with"),
                     "id": g.get("id"), "for": g.get("for"), "_t": t,
                     "time": t.astimezone(email.utils.datetime.timezone.utc).strftime(
                         "%Y-%m-%dT%H:%M:%SZ") if t and t.tzinfo else None,
                     "delay": None, "first_external": False, "raw": text})
    for i, h in enumerate(hops):
        below = hops[i + 1]["_t"] if i + 1 < len(hops) else None
        if h["_t"] and below and h["_t"].tzinfo and below.tzinfo:
            h["delay"] = int((h["_t"] - below).total_seconds())
    if hops:
        top = (hops[0]["by"] or "").split()[0] if hops[0]["by"] else ""
        dom = ".".join(top.split(".")[-2:]).lower()
        for h in reversed(hops):
            by = (h["by"] or "").split()[0].lower() if h["by"] else ""
            frm = (h["from"] or "").split()[0].lower() if h["from"] else ""
            if dom and by.endswith(dom) and not frm.endswith(dom):
                h["first_external"] = True
                break
    for h in hops:
        del h["_t"]
    return hops


def auth(msg):
    results = []
    for raw in msg.get_all("Authentication-Results") or []:
        text = " ".join(str(raw).split())
        serv, _, rest = text.partition(";")
        r = {"authserv_id": serv.strip() or None, "spf": None, "dkim": [], "dmarc": None,
             "arc": None, "raw": text}
        for m in AR_METHOD.finditer(rest):
            method, result, props = m.group(1).lower(), m.group(2).lower(), m.group(3)
            p = {k.lower(): v for k, v in AR_PROP.findall(props)}
            if method == "spf":
                r["spf"] = {"result": result, "smtp_mailfrom": p.get("smtp.mailfrom")}
            elif method == "dkim":
                r["dkim"].append({"result": result, "d": p.get("header.d"),
                                  "s": p.get("header.s")})
            elif method == "dmarc":
                pol = re.search(r"p=(\w+)", props)
                r["dmarc"] = {"result": result, "header_from": p.get("header.from"),
                              "policy": pol.group(1) if pol else None}
            else:
                r["arc"] = {"result": result}
        results.append(r)
    top = results[0] if results else {}
    rspf = msg.get("Received-SPF")
    return {"spf": (top.get("spf") or {}).get("result"),
            "dkim": [{"d": d["d"], "s": d["s"], "result": d["result"]}
                     for d in top.get("dkim") or []],
            "dmarc": (top.get("dmarc") or {}).get("result"),
            "arc": (top.get("arc") or {}).get("result"),
            "results": results,
            "received_spf": {"result": str(rspf).split()[0].lower() if str(rspf).split()
                             else None, "raw": str(rspf)} if rspf is not None else None}


def sniff(data):
    """A type from the bytes, as a magic table does for the types mail carries."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return "application/zip"
        if "[Content_Types].xml" in names:
            for prefix, t in (("word/", "wordprocessingml.document"),
                              ("xl/", "spreadsheetml.sheet"),
                              ("ppt/", "presentationml.presentation")):
                if any(n.startswith(prefix) for n in names):
                    return "application/vnd.openxmlformats-officedocument." + t
        return "application/zip"
    if data.startswith(b"MZ"):
        return "application/x-dosexec"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    if data.startswith((b"\x1f\x8b",)):
        return "application/gzip"
    head = data[:1024]
    if b"\x00" in head:
        return "application/octet-stream"
    low = head.lower()
    if b"<html" in low or b"<!doctype html" in low:
        return "text/html"
    return "text/plain"


def attachment(part, index, path, data=None):
    if data is None:
        data = part.get_payload(decode=True) or b""
    name = part.get_filename()
    if name:
        name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name)[:255]
    declared = part.get_content_type()
    detected = sniff(data)
    flags = []
    exts = name.lower().split(".")[1:] if name else []
    if len(exts) >= 2 and exts[-1] in EXEC_EXT:
        flags.append("double_extension")
    if exts and exts[-1] in MACRO_EXT or b"vbaProject.bin" in data[:65536]:
        flags.append("macro_capable")
    if part.get_content_type() == "message/rfc822":
        detected = "message/rfc822"
        flags.append("nested_message")
    if detected in ("application/x-dosexec",) or (exts and exts[-1] in EXEC_EXT):
        flags.append("executable")
    if declared != detected and declared != "application/octet-stream" and not (
            (declared.startswith("text/") or declared in TEXTUAL) and
            detected.startswith("text/")) and not (
            detected == "application/zip" and "officedocument" in declared) and not (
            "macroenabled" in declared and "officedocument" in detected):
        flags.append("type_mismatch")
    return {"index": index, "path": path, "filename": name, "declared_type": declared,
            "detected_type": detected, "size": len(data),
            "md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "disposition": part.get_content_disposition(), "flags": flags}


def walk(part, path, state, nested=False):
    """Through the MIME tree: the first text and HTML bodies, the rest as attachments."""
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        # The attached message itself, then what it holds.
        for sub in part.iter_parts():
            state["attachments"].append(attachment(part, len(state["attachments"]), path,
                                                   sub.as_bytes()))
            walk(sub, path, state, True)
        return
    if part.is_multipart():
        for i, sub in enumerate(part.iter_parts(), 1):
            walk(sub, f"{path}.{i}" if path else str(i), state, nested)
        return
    disp = part.get_content_disposition()
    if ctype in ("text/plain", "text/html") and disp != "attachment":
        try:
            text = part.get_content()
        except (LookupError, ValueError):
            text = part.get_payload(decode=True).decode("utf-8", "replace")
            state["warnings"].append({"code": "bad_charset", "message": path})
        # The first of each is the body; the links of every one count; the text of an attached
        # message is one of its leaves as well.
        state["texts"].append((ctype, text))
        if not nested and ctype not in state["bodies"]:
            state["bodies"][ctype] = text
            return
    a = attachment(part, len(state["attachments"]), path or "1")
    if nested:
        a["flags"].append("nested_message")
    state["attachments"].append(a)


def urls(msg, texts):
    seen, order = {}, []

    def add(url, where, anchor=None):
        url = url.strip().rstrip(".,;:)")
        if not re.match(r"(?i)(https?|ftp)://", url):
            return
        wrapped = urldefense(url)
        key = wrapped or url
        u = seen.get(key)
        if not u:
            host = (urlsplit(key).hostname or "").lower()
            u = {"url": key, "found_in": [], "anchor_text": None, "host": host,
                 "rewritten_from": url if wrapped else None,
                 "flags": ["urldefense"] if wrapped else []}
            if re.fullmatch(r"[\d.]+", host):
                u["flags"].append("ip_host")
            if "xn--" in host:
                u["flags"].append("punycode")
            seen[key] = u
            order.append(u)
        if where not in u["found_in"]:
            u["found_in"].append(where)
        if anchor:
            m = re.search(r"(?:https?://)?([\w-]+(?:\.[\w-]+)+)", anchor)
            if m and m.group(1).lower() != u["host"]:
                u["anchor_text"] = anchor
                if "anchor_host_mismatch" not in u["flags"]:
                    u["flags"].append("anchor_host_mismatch")

    page_text = None
    for ctype, text in texts:
        if ctype == "text/plain":
            for m in URL_RE.finditer(text):
                add(m.group(0), "text")
            continue
        p = LinkParser()
        p.feed(text)
        p.close()
        for url, where, anchor in p.links:
            add(url, where, anchor)
        if page_text is None:
            page_text = "".join(p.text)
    lu = msg.get("List-Unsubscribe")
    if lu:
        for m in re.finditer(r"<([^>]+)>", str(lu)):
            add(m.group(1), "header:List-Unsubscribe")
    return order, page_text


def inspect(path):
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=POLICY)
    state = {"bodies": {}, "texts": [], "attachments": [], "warnings": []}
    walk(msg, "", state)
    found, page_text = urls(msg, state["texts"])
    if "text/plain" in state["bodies"]:
        btype, text = "text/plain", state["bodies"]["text/plain"]
    elif page_text is not None:
        btype, text = "text/html", re.sub(r"\n\s*\n+", "\n\n", page_text).strip()
    else:
        btype, text = None, ""
    for d in msg.defects:
        state["warnings"].append({"code": "malformed_mime", "message": type(d).__name__})
    return {
        "source": {"file": path, "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()},
        "headers": headers(msg),
        "received": received(msg),
        "auth": auth(msg),
        "body": {"type": btype, "charset": None, "text": text[:BODY_EXCERPT],
                 "length": len(text), "truncated": len(text) > BODY_EXCERPT},
        "urls": found,
        "attachments": state["attachments"],
        "warnings": state["warnings"],
    }


def main(argv):
    if not argv:
        print("usage: inspect_py.py FILE...", file=sys.stderr)
        return 2
    out = sys.stdout
    status = 0
    for path in argv:
        try:
            out.write(json.dumps(inspect(path), ensure_ascii=False) + "\n")
        except OSError as e:
            print(f"inspect_py: '{path}': {e.strerror}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
