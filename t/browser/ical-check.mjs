// ical-check.mjs FILE: the calendar feed read by Mozilla's ical.js (the
// parser of Thunderbird), for t/260-calendar-feed.t.  Prints one JSON
// document: the calendar's properties and, for each VEVENT, what a
// calendar program takes from it (times as UTC ISO strings, TEXT values
// unescaped).  Exits 1, with the parser's message, when the file is not
// iCalendar, or when something RFC 5545 requires is missing.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const text = readFileSync(process.argv[2], 'utf8');
const fail = (msg) => { console.error(msg); process.exit(1); };

let cal;
try {
    cal = new ICAL.Component(ICAL.parse(text));
} catch (e) {
    fail(`ical.js: ${e.message}`);
}

if (cal.name !== 'vcalendar') fail(`top component ${cal.name}`);
for (const p of ['version', 'prodid']) {
    if (!cal.hasProperty(p)) fail(`VCALENDAR without ${p.toUpperCase()}`);
}

const utc = (t) => t && t.convertToZone(ICAL.Timezone.utcTimezone).toString();
const events = cal.getAllSubcomponents('vevent').map((c) => {
    for (const p of ['uid', 'dtstamp', 'dtstart']) {
        if (!c.hasProperty(p)) fail(`VEVENT without ${p.toUpperCase()}`);
    }
    const ev = new ICAL.Event(c);
    const start = c.getFirstPropertyValue('dtstart');
    const end = c.getFirstPropertyValue('dtend');
    if (!start.isDate && start.zone !== ICAL.Timezone.utcTimezone) {
        fail(`${ev.uid}: DTSTART not in UTC`);
    }
    if (end && end.compare(start) <= 0) fail(`${ev.uid}: DTEND not after DTSTART`);
    return {
        uid: ev.uid,
        summary: ev.summary,
        description: ev.description,
        status: c.getFirstPropertyValue('status'),
        sequence: ev.sequence,
        dtstart: utc(start),
        dtend: utc(end),
        dtstamp: utc(c.getFirstPropertyValue('dtstamp')),
        last_modified: utc(c.getFirstPropertyValue('last-modified')),
        transp: c.getFirstPropertyValue('transp'),
        categories: c.getAllProperties('categories').flatMap((p) => p.getValues()),
        x_status: c.getFirstPropertyValue('x-ngx-maint-status'),
        x_apps: c.getFirstPropertyValue('x-ngx-maint-apps'),
    };
});

console.log(JSON.stringify({
    version: cal.getFirstPropertyValue('version'),
    prodid: cal.getFirstPropertyValue('prodid'),
    method: cal.getFirstPropertyValue('method'),
    calscale: cal.getFirstPropertyValue('calscale'),
    name: cal.getFirstPropertyValue('x-wr-calname'),
    events,
}));
