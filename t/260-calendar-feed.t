# The calendar feed (docs/admin-api.md, "Calendar feed"): GET
# /v1/calendar.ics against a real maint-admind and Redis, with windows made
# through the API in every state (scheduled, in progress, completed with
# notes, cancelled, disabled, for every app, finished long ago): the
# content type, CRLF and lines of at most 75 octets, unfolded and
# unescaped values equal to what was written (commas, semicolons,
# backslashes, line breaks, emoji, a description long enough to fold),
# STATUS and SEQUENCE following edits and a cancellation, the app filter,
# ETag and If-None-Match, the feed role (a feed token in the URL or as a
# bearer token, and nothing else; viewer and admin tokens refused in the
# URL), no token in the daemon's log, maintctl calendar, and the document
# read by real parsers: Mozilla's ical.js (Thunderbird's, from t/browser)
# and, when installed, Debian's python3-icalendar.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use Encode qw(decode);
use POSIX qw(strftime);

my $redis = start_redis();
my $port = free_port();
my %tokens = (
    admin  => [ 'admin',  "mt_admin_$port" . join('', map { int rand 10 } 1 .. 24) ],
    viewer => [ 'viewer', "mt_viewer_$port" . join('', map { int rand 10 } 1 .. 24) ],
    feed   => [ 'feed',   "mt_feed_$port" . join('', map { int rand 10 } 1 .. 24) ],
);
my $admin = start_admin(redis => $redis, port => $port, tokens => \%tokens,
                        extra => "calendar_domain maint.example.org\n");
my $FEED = $admin->token('feed');

my $H = 3600;
sub now_s { int(redis_now_ms($redis) / 1000) }
sub ical_time { strftime('%Y%m%dT%H%M%SZ', gmtime($_[0])) }

# --- helpers: fetch, check the lines, parse --------------------------------

sub feed {
    my ($query, %opt) = @_;
    my $q = join('&', grep { length } $query // '', $opt{no_token} ? () : "token=$FEED");
    return $admin->api('GET', '/v1/calendar.ics' . (length $q ? "?$q" : ''),
                       token => 'none', %opt);
}

# every line ends in CRLF, none is longer than 75 octets; failures named
sub lines_ok {
    my ($body, $name) = @_;
    ok(length($body) && $body =~ /\r\n\z/, "$name: ends with CRLF");
    my @bad_eol = grep { /\r(?!\n)|(?<!\r)\n/ } ($body =~ /([^\n]*\n?)/g);
    ok(!@bad_eol, "$name: no bare CR or LF") or diag(explain(\@bad_eol));
    my @long = grep { length($_) > 75 } split /\r\n/, $body;
    ok(!@long, "$name: every line at most 75 octets") or diag(explain(\@long));
    my @cont = ($body =~ /\r\n([ \t])/g);
    return scalar @cont;
}

sub unescape {
    my ($s) = @_;
    $s =~ s/\\([\\;,nN])/$1 eq 'n' || $1 eq 'N' ? "\n" : $1/ge;
    return $s;
}

# (calendar properties, { UID => { NAME => raw value } }), values unfolded
sub parse_ics {
    my ($body) = @_;
    (my $u = $body) =~ s/\r\n[ \t]//g;
    my (%cal, %events, $ev);
    for my $l (split /\r\n/, $u) {
        my ($name, $v) = $l =~ /^([A-Za-z0-9-]+)(?:;[^:]*)?:(.*)\z/s or next;
        if ($name eq 'BEGIN' && $v eq 'VEVENT') { $ev = {}; next }
        if ($name eq 'END' && $v eq 'VEVENT') { $events{ $ev->{UID} } = $ev; undef $ev; next }
        ($ev // \%cal)->{$name} //= $v;
    }
    return (\%cal, \%events);
}

sub create { $admin->create_window(@_) }

sub act {
    my ($id, $action, $body) = @_;
    my $g = $admin->api('GET', "/v1/windows/$id");
    my $r = $admin->api('POST', "/v1/windows/$id/$action", if_match => $g->{headers}{etag},
                        defined $body ? (json => $body) : ());
    is($r->{status}, 200, "$action $id: 200") or diag($r->{body});
    return $r->{json} // {};
}

sub get_window { $admin->api('GET', "/v1/windows/$_[0]")->{json} // {} }

# --- the windows ------------------------------------------------------------

my $now = now_s();
# UTF-8 bytes, as they travel: commas, semicolons, a backslash, quotes, emoji
my $TITLE = 'Upgrade, DB; "core" \\ phase 1,2;3 ' . "\xc3\xa9t\xc3\xa9 \xf0\x9f\x9b\xa0\xef\xb8\x8f";
my $MESSAGE = "Back soon.\nWe move the database; expect, maybe, a few minutes more.\n\n"
    . join('', map { "Z\xc3\xbcrich \xe2\x80\x93 Step $_: \xf0\x9f\x94\xa7 check, verify; go. " } 1 .. 12);
my $NOTES = "Cache rebuilt; 2 nodes, slow\nsee ticket \\#42";

my $sched = create(title => $TITLE, apps => ['crm'], login_message => $MESSAGE,
                   starts_at => rfc3339($now + $H), ends_at => rfc3339($now + 2 * $H));
my $running = create(title => 'Running now', apps => ['shop'], mode => 'read_only',
                     starts_at => 'now', ends_at => rfc3339($now + $H));
my $done = create(title => 'Done early', apps => ['billing'],
                  starts_at => rfc3339($now + 3 * $H), ends_at => rfc3339($now + 4 * $H));
act($done->{id}, 'start');
act($done->{id}, 'complete', { outcome => 'completed_with_errors', notes => $NOTES });
my $cancelled = create(title => 'Not needed', apps => ['crm'],
                       starts_at => rfc3339($now + 5 * $H), ends_at => rfc3339($now + 6 * $H));
act($cancelled->{id}, 'cancel', { notes => 'postponed, see you; later' });
my $everyone = create(title => 'Network, all apps', apps => ['*'],
                      starts_at => rfc3339($now + 10 * $H), ends_at => rfc3339($now + 11 * $H));
my $disabled = create(title => 'Disabled', apps => ['crm'], enabled => JSON::PP::false,
                      starts_at => rfc3339($now + 20 * $H), ends_at => rfc3339($now + 21 * $H));

# two finished windows moved into the past in Redis: 20 and 40 days ago
my %aged;
for my $days (20, 40) {
    my $w = create(title => "Finished $days days ago", apps => ["old$days"],
                   starts_at => 'now', ends_at => rfc3339($now + $H));
    act($w->{id}, 'complete');
    my $key = "maint:window:$w->{id}";
    my $rec = JSON::PP->new->utf8->decode($redis->cmd('GET', $key));
    my $t = $now - $days * 86400;
    $rec->{$_->[0]} = rfc3339($t + $_->[1]) for
        ['starts_at', 0], ['ends_at', $H], ['actual_start', 0], ['actual_end', $H / 2],
        ['updated_at', $H / 2];
    $redis->cmd('SET', $key, JSON::PP->new->utf8->canonical->encode($rec));
    $redis->cmd('ZADD', 'maint:windows', $t, $w->{id});
    $aged{$days} = $w->{id};
}

# --- the feed, with the feed token in the URL --------------------------------

my $r = feed();
is($r->{status}, 200, 'feed with ?token=: 200') or diag($r->{body});
like($r->{headers}{'content-type'} // '', qr{^text/calendar; charset=utf-8$}i,
     'Content-Type: text/calendar; charset=utf-8');
like($r->{headers}{etag} // '', qr/^"[0-9a-f]{32}"$/, 'an ETag');
like($r->{headers}{'cache-control'} // '', qr/\bprivate\b/, 'Cache-Control: private');
my $body = $r->{body} // '';
my $folds = lines_ok($body, 'feed');
cmp_ok($folds, '>', 5, "long values are folded ($folds continuation lines)");
like($body, qr/\ABEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:[^\r]+\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n/,
     'VCALENDAR, VERSION, PRODID, CALSCALE, METHOD:PUBLISH first');
like($body, qr/END:VCALENDAR\r\n\z/, 'END:VCALENDAR last');

# no fold splits a UTF-8 character: every physical line alone decodes
{
    my @broken = grep { !eval { decode('UTF-8', $_, Encode::FB_CROAK); 1 } } split /\r\n/, $body;
    ok(!@broken, 'every physical line is valid UTF-8 on its own') or diag(explain(\@broken));
}

my ($cal, $ev) = parse_ics($body);
is($cal->{'X-WR-CALNAME'}, 'Maintenance', 'X-WR-CALNAME');
like($cal->{'REFRESH-INTERVAL'} // '', qr/^PT\d+M$/, 'REFRESH-INTERVAL');

my $uid = sub { "$_[0]\@maint.example.org" };
for my $w ($sched, $running, $done, $cancelled, $everyone) {
    ok($ev->{ $uid->($w->{id}) }, "the feed lists $w->{id} as $w->{id}\@maint.example.org");
}
ok(!$ev->{ $uid->($disabled->{id}) }, 'a disabled window is not listed');
ok($ev->{ $uid->($aged{20}) }, 'a window finished 20 days ago is listed');
ok(!$ev->{ $uid->($aged{40}) }, 'a window finished 40 days ago is not');
is(scalar keys %$ev, 6, 'six events');

{
    my $e = $ev->{ $uid->($sched->{id}) } // {};
    is(unescape($e->{SUMMARY} // ''), $TITLE, 'SUMMARY unfolds and unescapes to the title, byte for byte');
    like($e->{SUMMARY} // '', qr/Upgrade\\, DB\\; "core" \\\\ phase 1\\,2\\;3/, 'SUMMARY escapes , ; and \\');
    my $d = unescape($e->{DESCRIPTION} // '');
    is(substr($d, 0, length($MESSAGE) + 2), "$MESSAGE\n\n", 'DESCRIPTION starts with the login message, byte for byte');
    like($d, qr/\nApps: crm\nMode: full [^\n]*\nStatus: scheduled\z/, 'DESCRIPTION: apps, mode, status');
    is($e->{DTSTART}, ical_time(epoch($sched->{starts_at})), 'DTSTART in UTC');
    is($e->{DTEND}, ical_time(epoch($sched->{ends_at})), 'DTEND in UTC');
    is($e->{STATUS}, 'CONFIRMED', 'STATUS:CONFIRMED');
    is($e->{SEQUENCE}, get_window($sched->{id})->{revision}, 'SEQUENCE is the revision');
    is($e->{'LAST-MODIFIED'}, ical_time(epoch(get_window($sched->{id})->{updated_at})), 'LAST-MODIFIED');
    is($e->{TRANSP}, 'TRANSPARENT', 'TRANSP:TRANSPARENT');
    is($e->{CATEGORIES}, 'Maintenance,crm', 'CATEGORIES');
}
{
    my $e = $ev->{ $uid->($running->{id}) } // {};
    my $w = get_window($running->{id});
    is($e->{'X-NGX-MAINT-STATUS'}, 'in_progress', 'in progress');
    is($e->{DTSTART}, ical_time(epoch($w->{actual_start})), 'in progress: DTSTART is the actual start');
    like(unescape($e->{DESCRIPTION} // ''), qr/Mode: read-only/, 'in progress: read-only mode said');
}
{
    my $e = $ev->{ $uid->($done->{id}) } // {};
    my $w = get_window($done->{id});
    is($e->{STATUS}, 'CONFIRMED', 'completed: STATUS:CONFIRMED');
    is($e->{'X-NGX-MAINT-STATUS'}, 'completed_with_errors', 'completed: the outcome');
    is($e->{DTSTART}, ical_time(epoch($w->{actual_start})), 'completed: DTSTART is when it started');
    my $end = epoch($w->{actual_end});
    $end++ if $end <= epoch($w->{actual_start});
    is($e->{DTEND}, ical_time($end), 'completed: DTEND is when it ended');
    like(unescape($e->{DESCRIPTION} // ''), qr/\nStatus: completed with errors\nNotes: \Q$NOTES\E\z/,
         'completed: outcome and notes in DESCRIPTION, exactly');
    is($e->{SEQUENCE}, $w->{revision}, 'completed: SEQUENCE is the revision');
}
{
    my $e = $ev->{ $uid->($cancelled->{id}) } // {};
    is($e->{STATUS}, 'CANCELLED', 'cancelled: STATUS:CANCELLED');
    is($e->{DTSTART}, ical_time(epoch($cancelled->{starts_at})), 'cancelled: the planned DTSTART');
    like(unescape($e->{DESCRIPTION} // ''), qr/\nNotes: postponed, see you; later\z/, 'cancelled: its notes');
}
is($ev->{ $uid->($everyone->{id}) }{CATEGORIES}, 'Maintenance,all apps', 'a window for every app');

# --- Mozilla's ical.js, as Thunderbird reads it -------------------------------

my $ics_file = $admin->dir . '/feed.ics';
{ open(my $f, '>:raw', $ics_file) or die $!; print {$f} $body; close $f }

SKIP: {
    my $dir = "$ROOT/t/browser";
    skip('node is not installed (scripts/install-deps.sh --tests): ical.js not run', 12)
        unless `which node` ne '';
    if (!-d "$dir/node_modules/ical.js") {
        local $ENV{PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} = 1;
        system('npm', 'ci', '--prefix', $dir, '--no-audit', '--no-fund', '--loglevel=error');
    }
    skip('ical.js is not in t/browser/node_modules (npm ci failed)', 12)
        unless -d "$dir/node_modules/ical.js";

    my $out = `node $dir/ical-check.mjs $ics_file 2>&1`;
    is($?, 0, 'ical.js reads the feed') or diag($out);
    my $doc = eval { decode_json($out) } // {};
    is($doc->{version}, '2.0', 'ical.js: VERSION 2.0');
    is($doc->{method}, 'PUBLISH', 'ical.js: METHOD');
    my %e = map { $_->{uid} => $_ } @{ $doc->{events} // [] };
    is(scalar keys %e, 6, 'ical.js: six events');
    my $s = $e{ $uid->($sched->{id}) } // {};
    is($s->{summary}, decode('UTF-8', $TITLE), 'ical.js: SUMMARY is the title');
    is(substr($s->{description} // '', 0, length(decode('UTF-8', $MESSAGE))),
       decode('UTF-8', $MESSAGE), 'ical.js: DESCRIPTION holds the message');
    is($s->{dtstart}, substr($sched->{starts_at}, 0, 19) . 'Z', 'ical.js: DTSTART, UTC');
    is($s->{dtend}, substr($sched->{ends_at}, 0, 19) . 'Z', 'ical.js: DTEND, UTC');
    is($s->{sequence}, get_window($sched->{id})->{revision}, 'ical.js: SEQUENCE');
    is($e{ $uid->($cancelled->{id}) }{status}, 'CANCELLED', 'ical.js: the cancelled window');
    like($e{ $uid->($done->{id}) }{description} // '', qr/Notes: \Q@{[decode('UTF-8', $NOTES)]}\E\z/,
         'ical.js: the completion notes');
    is_deeply($e{ $uid->($everyone->{id}) }{categories}, ['Maintenance', 'all apps'],
              'ical.js: CATEGORIES as a list');
}

# --- Debian's python3-icalendar, when installed --------------------------------

SKIP: {
    skip('python3-icalendar is not installed', 3)
        unless system('/usr/bin/python3 -c "import icalendar" 2>/dev/null') == 0;
    my $py = <<'PY';
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
print(json.dumps({str(e['UID']): {'summary': str(e['SUMMARY']),
                                  'description': str(e.get('DESCRIPTION', '')),
                                  'start': e.decoded('DTSTART').isoformat()}
                  for e in cal.walk('VEVENT')}))
PY
    my $py_file = $admin->dir . '/read-ics.py';
    { open(my $f, '>', $py_file) or die $!; print {$f} $py; close $f }
    my $out = `/usr/bin/python3 $py_file $ics_file 2>&1`;
    is($?, 0, 'python3-icalendar reads the feed') or diag($out);
    my $doc = eval { decode_json($out) } // {};
    my $s = $doc->{ $uid->($sched->{id}) } // {};
    is($s->{summary}, decode('UTF-8', $TITLE), 'python3-icalendar: SUMMARY is the title');
    like($s->{description} // '', qr/^\Q@{[decode('UTF-8', $MESSAGE)]}\E\n\n/,
         'python3-icalendar: DESCRIPTION holds the message');
}

# --- edits move STATUS and SEQUENCE; ETag and If-None-Match -----------------------

my $etag = $r->{headers}{etag};
{
    my $r2 = feed(undef, headers => { 'If-None-Match' => $etag });
    is($r2->{status}, 304, 'If-None-Match with the ETag: 304');
    is($r2->{body} // '', '', '304: no body');
    is($r2->{headers}{etag}, $etag, '304: the same ETag');
    is(feed()->{body}, $body, 'the same state gives the same bytes');
}
{
    my $seq0 = $ev->{ $uid->($sched->{id}) }{SEQUENCE};
    my $g = $admin->api('GET', "/v1/windows/$sched->{id}");
    my $p = $admin->api('PATCH', "/v1/windows/$sched->{id}", if_match => $g->{headers}{etag},
                        json => { title => 'Renamed; again', ends_at => rfc3339($now + 2 * $H + 900) });
    is($p->{status}, 200, 'edit a window') or diag($p->{body});

    my $r2 = feed(undef, headers => { 'If-None-Match' => $etag });
    is($r2->{status}, 200, 'after an edit, the old ETag gets 200');
    isnt($r2->{headers}{etag}, $etag, 'a new ETag');
    my (undef, $e2) = parse_ics($r2->{body});
    my $e = $e2->{ $uid->($sched->{id}) } // {};
    is($e->{SEQUENCE}, $seq0 + 1, 'edited: SEQUENCE + 1');
    is(unescape($e->{SUMMARY} // ''), 'Renamed; again', 'edited: the new SUMMARY');
    is($e->{DTEND}, ical_time($now + 2 * $H + 900), 'edited: the new DTEND');
    is($e->{UID}, $uid->($sched->{id}), 'edited: the same UID');

    my $seq1 = $e2->{ $uid->($everyone->{id}) }{SEQUENCE};
    is($e2->{ $uid->($everyone->{id}) }{STATUS}, 'CONFIRMED', 'before cancelling: CONFIRMED');
    act($everyone->{id}, 'cancel');
    my (undef, $e3) = parse_ics(feed()->{body});
    is($e3->{ $uid->($everyone->{id}) }{STATUS}, 'CANCELLED', 'cancelled: STATUS:CANCELLED');
    is($e3->{ $uid->($everyone->{id}) }{SEQUENCE}, $seq1 + 1, 'cancelled: SEQUENCE + 1');
}

# --- the app filter --------------------------------------------------------------------

{
    my $ids = sub {
        my ($q) = @_;
        my $x = feed($q);
        is($x->{status}, 200, "?$q: 200") or diag($x->{body});
        my ($c, $e) = parse_ics($x->{body} // '');
        return ([ sort keys %$e ], $c);
    };
    my ($crm, $c) = $ids->('app=crm');
    is_deeply($crm, [ sort map { $uid->($_->{id}) } $sched, $cancelled, $everyone ],
              '?app=crm: the crm windows and the one for every app');
    is($c->{'X-WR-CALNAME'}, 'Maintenance: crm', '?app=crm: the calendar is named for it');
    my ($two) = $ids->('app=crm,shop');
    is_deeply($two, [ sort map { $uid->($_->{id}) } $sched, $running, $cancelled, $everyone ],
              '?app=crm,shop: both apps');
    my ($rep) = $ids->('app=crm&app=shop');
    is_deeply($rep, $two, '?app=crm&app=shop: the same');
    my ($none) = $ids->('app=nothing');
    is_deeply($none, [ $uid->($everyone->{id}) ], '?app=nothing: only the window for every app');
    is_problem(feed('app=bad%20name'), 400, 'bad-request', '?app= with a bad name');
    is_problem(feed('app='), 400, 'bad-request', '?app= empty');
    is_problem(feed(join('&', map { "app=a$_" } 1 .. 65)), 400, 'bad-request', '65 apps');
}

# --- who may read it ------------------------------------------------------------

{
    my $viewer = $admin->token('viewer');
    my $admin_tok = $admin->token('admin');

    for my $t (['feed', $FEED], ['viewer', $viewer], ['admin', $admin_tok]) {
        my $x = feed(undef, no_token => 1, token => $t->[1]);
        is($x->{status}, 200, "$t->[0] token as a bearer token: 200");
    }
    is_problem(feed(undef, no_token => 1), 401, 'unauthorized', 'no token');
    like(feed(undef, no_token => 1)->{headers}{'www-authenticate'} // '', qr/^Bearer/,
         'no token: WWW-Authenticate');
    is_problem(feed('token=mt_wrong'), 401, 'unauthorized', 'a wrong token in the URL');
    is_problem(feed('token=' . substr($FEED, 0, -1), no_token => 1), 401, 'unauthorized',
               'a truncated feed token in the URL');
    is_problem(feed("token=$viewer", no_token => 1), 403, 'forbidden', 'a viewer token in the URL');
    is_problem(feed("token=$admin_tok", no_token => 1), 403, 'forbidden', 'an admin token in the URL');
    is_problem(feed(undef, no_token => 1, token => 'mt_wrong'), 401, 'unauthorized',
               'a wrong bearer token');
    # a bad header is not rescued by a good URL token
    is_problem(feed(undef, token => 'mt_wrong'), 401, 'unauthorized',
               'a wrong bearer token with a feed token in the URL');

    # the feed token reads the feed and nothing else
    for my $p ('/v1/windows', "/v1/windows/$sched->{id}", '/v1/status', '/v1/settings',
               '/v1/audit', '/v1/sessions', '/v1/superadmins', '/v1/gateways') {
        is_problem($admin->api('GET', $p, token => $FEED), 403, 'forbidden', "feed token: GET $p");
        is_problem($admin->api('GET', "$p?token=$FEED", token => 'none'), 401, 'unauthorized',
                   "feed token in the URL: GET $p");
    }
    is_problem($admin->api('POST', '/v1/windows', token => $FEED,
                           json => { title => 'x', apps => ['x'], starts_at => 'now',
                                     ends_at => rfc3339($now + $H) }),
               403, 'forbidden', 'feed token: POST /v1/windows');
    is_problem($admin->api('PUT', '/v1/settings', token => $FEED, json => {}), 403, 'forbidden',
               'feed token: PUT /v1/settings');
}

# --- maintctl calendar ------------------------------------------------------------

{
    my $want = feed('app=crm&app=shop')->{body};
    my ($code, $out, $err) = maintctl($admin, 'viewer', 'calendar', '--app', 'crm', '--app', 'shop');
    is($code, 0, 'maintctl calendar --app crm --app shop: exit 0') or diag($err);
    is($out, $want, 'maintctl calendar prints the feed as the API sends it');
    ($code, $out, $err) = maintctl($admin, 'feed', 'calendar');
    is($code, 0, 'maintctl calendar with a feed token: exit 0') or diag($err);
    like($out, qr/\ABEGIN:VCALENDAR\r\n/, 'maintctl calendar: the whole feed');
    ($code, $out, $err) = maintctl($admin, 'feed', 'window', 'list');
    is($code, 4, 'maintctl window list with a feed token: exit 4');
}

# --- no token in the log ------------------------------------------------------------

$admin->stop;
{
    open(my $f, '<', $admin->log_file) or die $admin->log_file . ": $!";
    local $/;
    my $log = <$f> // '';
    close $f;
    like($log, qr{"/v1/calendar\.ics"}, 'the log records the feed requests');
    like($log, qr{"status": ?403}, 'the log records the refused ones');
    for my $t (qw(feed viewer admin)) {
        ok(index($log, $admin->token($t)) < 0, "the log never contains the $t token");
    }
    ok(index($log, 'token=') < 0, 'the log never contains a query\'s token=');
}

$redis->stop;

done_testing();
