#!/usr/bin/python3
"""mail_inspect: what a mail client would see in the messages the SMTP
sink kept.  Reads .eml files with Python's email package and the
text/calendar part with Debian's python3-icalendar, and prints one JSON
object per file (a JSON array in all) for the Perl tests to assert on:

  file, headers (Subject, From, To, Date, Message-ID, MIME-Version,
  Content-Type: decoded), tree (the MIME structure: content types nested
  as lists, e.g. ["multipart/alternative", "text/plain", "text/html",
  "text/calendar"]), root_type, plain, html (decoded text),
  calendar: {content_type, method_param (Content-Type's method=),
  raw (the .ics text), method, events: [{uid, sequence, dtstart, dtend
  (RFC 3339 UTC), summary, description, status, organizer, attendees}],
  error (python3-icalendar's complaint, or null)},
  defects (what the email parser found wrong, as text).
"""

import datetime
import email
import email.policy
import json
import sys

import icalendar


def tree(part):
    if part.is_multipart():
        return [part.get_content_type()] + [tree(p)
                                            for p in part.iter_parts()]
    return part.get_content_type()


def flat(part):
    """Every part, depth first, multiparts included."""
    yield part
    if part.is_multipart():
        for p in part.iter_parts():
            yield from flat(p)


def utc(v):
    d = v.dt if hasattr(v, "dt") else v
    if isinstance(d, datetime.datetime):
        if d.tzinfo is None:
            return d.isoformat() + "?floating"
        return d.astimezone(datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return str(d)


def calendar(part):
    raw = part.get_payload(decode=True) or b""
    out = {"content_type": part.get("Content-Type"),
           "method_param": part.get_param("method"),
           "raw": raw.decode("utf-8", "replace"),
           "method": None, "events": [], "error": None}
    try:
        cal = icalendar.Calendar.from_ical(raw)
        out["method"] = str(cal.get("METHOD")) if cal.get("METHOD") else None
        out["version"] = str(cal.get("VERSION", ""))
        out["prodid"] = str(cal.get("PRODID", ""))
        for ev in cal.walk("VEVENT"):
            att = ev.get("ATTENDEE", [])
            if not isinstance(att, list):
                att = [att]
            out["events"].append({
                "uid": str(ev.get("UID")),
                "sequence": int(ev.get("SEQUENCE", -1)),
                "dtstart": utc(ev.get("DTSTART")) if ev.get("DTSTART") else None,
                "dtend": utc(ev.get("DTEND")) if ev.get("DTEND") else None,
                "dtstamp": utc(ev.get("DTSTAMP")) if ev.get("DTSTAMP") else None,
                "summary": str(ev.get("SUMMARY", "")),
                "description": str(ev.get("DESCRIPTION", "")),
                "status": str(ev.get("STATUS", "")),
                "organizer": str(ev.get("ORGANIZER", "")),
                "attendees": [str(a) for a in att],
            })
    except Exception as e:          # the test reports what the parser said
        out["error"] = "%s: %s" % (type(e).__name__, e)
    return out


def inspect(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out = {"file": path, "headers": {}, "root_type": msg.get_content_type(),
           "tree": tree(msg), "plain": None, "html": None, "calendar": None,
           "defects": [str(d) for d in msg.defects]}
    for h in ("Subject", "From", "To", "Date", "Message-ID", "MIME-Version",
              "Content-Type", "Auto-Submitted"):
        if msg.get(h) is not None:
            out["headers"][h] = str(msg.get(h))
    for p in flat(msg):
        out["defects"] += [str(d) for d in p.defects]
        if p.is_multipart():
            continue
        ct = p.get_content_type()
        if ct == "text/plain" and out["plain"] is None:
            out["plain"] = p.get_content()
        elif ct == "text/html" and out["html"] is None:
            out["html"] = p.get_content()
        elif ct == "text/calendar" and out["calendar"] is None:
            out["calendar"] = calendar(p)
    return out


if __name__ == "__main__":
    json.dump([inspect(p) for p in sys.argv[1:]], sys.stdout)
