# Recurring windows (docs/admin-api.md, "Series"): a series is validated
# field by field (422 naming recurrence.rule, recurrence.time_zone, ...),
# made into windows of its own for the occurrences within series_horizon
# in the same change, and later by the ticker as the horizon moves on;
# each occurrence's window has the id <series>-<local start>; editing one
# occurrence moves no other; changing one and the following continues the
# series with a new one; skipping one cancels its window or keeps it
# from being made; deleting the series cancels its windows yet to start;
# an occurrence that would overlap another window refuses the series (409);
# each occurrence's window is announced to the series' notification targets;
# the daylight-saving rules of RFC 5545 in two zones; maintctl's
# window create --every and series commands.  Then, on a Redis whose clock
# is the morning of the change to summer time in Berlin, a
# weekly series made with maintctl starts and ends at the gateway on time,
# on Redis's clock, with the gateway's own clock months behind
# (t/lib/ClockShift.pm moves the clock Redis shows the fleet).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use ClockShift;
use Test::More;
use JSON::PP;
use POSIX qw(strftime);
use Time::Local qw(timegm);

my $redis = start_redis();
my $admin = start_admin(redis => $redis, extra => "series_horizon 3d\n");

my $D = 86400;

sub now_s { int(redis_now_ms($redis) / 1000) }
sub utc { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }
sub local_key { strftime('%Y%m%dT%H%M%S', gmtime($_[0])) }

sub fields_of { [ map { $_->{field} } @{ ($_[0]{json} // {})->{errors} // [] } ] }

sub tag { $admin->api('GET', $_[0])->{headers}{etag} }

sub snapshot_ids {
    my $s = $redis->cmd('HGET', 'maint:state', 'snapshot');
    return [ map { $_->{id} } @{ (decode_json($s) // {})->{windows} // [] } ];
}

my %base = (title => 'Nightly backup', apps => ['shop']);

# --- 1. validation: each refusal names its field ---------------------------

# the first occurrence 20 hours on (to the minute), whatever the hour the
# test runs at: three within the 3-day horizon (20, 44 and 68 hours on),
# the fourth (92) beyond it, however long the test takes
my $now = now_s();
my $first_at = $now - $now % 60 + 20 * 3600;
my $start = strftime('%Y-%m-%dT%H:%M', gmtime($first_at));
my %rec = (rule => 'FREQ=DAILY', start => $start, time_zone => 'UTC',
           duration_minutes => 60);

for my $case (
    [ 'no recurrence', { %base }, 'recurrence' ],
    [ 'hourly', { %base, recurrence => { %rec, rule => 'FREQ=HOURLY' } }, 'recurrence.rule' ],
    [ 'BYSETPOS', { %base, recurrence => { %rec, rule => 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1' } },
      'recurrence.rule' ],
    [ 'unknown zone', { %base, recurrence => { %rec, time_zone => 'Mars/Olympus' } },
      'recurrence.time_zone' ],
    [ 'start not a local time', { %base, recurrence => { %rec, start => "${start}Z" } },
      'recurrence.start' ],
    [ 'zero minutes', { %base, recurrence => { %rec, duration_minutes => 0 } },
      'recurrence.duration_minutes' ],
    [ 'over max_window_duration', { %base, recurrence => { %rec, duration_minutes => 7 * 1440 + 1 } },
      'recurrence.duration_minutes' ],
    [ 'unknown recurrence field', { %base, recurrence => { %rec, every => 'day' } },
      'recurrence.every' ],
    [ 'starts_at', { %base, starts_at => utc($first_at), recurrence => { %rec } }, 'starts_at' ],
    [ 'all in the past', { %base, recurrence => { %rec, rule => 'FREQ=DAILY;COUNT=2',
                                                  start => '2020-01-01T10:00' } }, 'recurrence' ],
    [ 'never meets', { %base, recurrence => { %rec, rule => 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' } },
      'recurrence.rule' ],
    [ 'no title', { apps => ['shop'], recurrence => { %rec } }, 'title' ],
) {
    my ($name, $body, $field) = @$case;
    my $r = $admin->api('POST', '/v1/series', json => $body);
    is($r->{status}, 422, "$name: 422") or diag($r->{body});
    ok(grep({ $_ eq $field } @{ fields_of($r) }), "$name: names $field")
        or diag($r->{body});
}
is($admin->api('POST', '/v1/series', token => 'viewer',
               json => { %base, recurrence => { %rec } })->{status}, 403, 'viewer: 403');
is_deeply($admin->api('GET', '/v1/series')->{json}{items}, [], 'nothing was written');

# --- 2. create: the windows within the horizon are made with it ------------

my $r = $admin->api('POST', '/v1/series', json => { %base, recurrence => { %rec } });
is($r->{status}, 201, 'create: 201') or diag($r->{body});
my $s = $r->{json};
my $sid = $s->{id} // '';
like($sid, qr/^s_[a-z2-9]{10}$/, 'series id');
is($r->{headers}{location}, "/v1/series/$sid", 'Location');
is($r->{headers}{etag}, '"1"', 'ETag');

$now = now_s();
my @occ = map { $first_at + ($_ - 1) * $D } 1 .. 10;
my @made = grep { $_ > $now && $_ < $now + 3 * $D } @occ;
is_deeply([ map { $_->{occurrence} } @{ $s->{next} } ], [ map { local_key($_) } @occ ],
          'the next 10 occurrences, by their local start');
is_deeply([ map { $_->{starts_at} } @{ $s->{next} } ], [ map { utc($_) } @occ ],
          'a day apart, at the start\'s time of day (UTC)');
is_deeply([ map { $_->{status} } @{ $s->{next} } ],
          [ (('scheduled') x @made), (('planned') x (10 - @made)) ],
          scalar(@made) . ' made within the 3-day horizon, the rest planned');

my @wid = map { "$sid-" . local_key($_) } @occ;
for my $i (0 .. $#made) {
    my $w = $admin->api('GET', "/v1/windows/$wid[$i]")->{json} // {};
    is($w->{starts_at}, utc($occ[$i]), "window $i: starts_at");
    is($w->{ends_at}, utc($occ[$i] + 3600), "window $i: ends_at, an hour on");
    is($w->{series}, $sid, "window $i: its series");
    is($w->{title}, 'Nightly backup', "window $i: the series' fields");
}
is($admin->api('GET', "/v1/windows/$wid[$#made + 1]")->{status}, 404,
   'beyond the horizon: no window yet');
my $ids = snapshot_ids();
ok(!grep({ my $w = $_; !grep { $_ eq $w } @$ids } @wid[0 .. $#made]),
   'the gateways read every window made');

my $audit = $admin->api('GET', '/v1/audit?limit=5')->{json}{items} // [];
is($audit->[0]{action}, 'series.create', 'audited: series.create');

# --- 3. one occurrence edited: the others do not move ----------------------

my $w1 = $admin->api('GET', "/v1/windows/$wid[1]");
$r = $admin->api('PATCH', "/v1/windows/$wid[1]", if_match => $w1->{headers}{etag},
                 json => { title => 'Backup, later', starts_at => utc($occ[1] + 1800),
                           ends_at => utc($occ[1] + 5400) });
is($r->{status}, 200, 'edit one occurrence: 200') or diag($r->{body});
is($admin->api('GET', "/v1/windows/$wid[0]")->{json}{starts_at}, utc($occ[0]),
   'the one before did not move');
is($admin->api('GET', "/v1/windows/$wid[2]")->{json}{starts_at}, utc($occ[2]),
   'the one after did not move');
my $next = $admin->api('GET', "/v1/series/$sid")->{json}{next};
is($next->[1]{starts_at}, utc($occ[1] + 1800), 'the series shows the moved one as it is');
is($next->[2]{starts_at}, utc($occ[2]), 'and the others as they were');
$r = $admin->api('PATCH', "/v1/windows/$wid[0]", if_match => tag("/v1/windows/$wid[0]"),
                 json => { series => 'other' });
is($r->{status}, 422, 'a window\'s series is read-only');

# --- 4. skip ---------------------------------------------------------------

$r = $admin->api('POST', "/v1/series/$sid/skip", json => { occurrence => local_key($occ[2]) });
is($r->{status}, 428, 'skip without If-Match: 428');
$r = $admin->api('POST', "/v1/series/$sid/skip", if_match => tag("/v1/series/$sid"),
                 json => { occurrence => local_key($occ[2]) });
is($r->{status}, 200, 'skip a made occurrence: 200') or diag($r->{body});
like($r->{headers}{etag} // '', qr/^"([2-9]|\d\d+)"$/, 'the series\' revision moved');
is($r->{json}{next}[2]{status}, 'cancelled', 'its window is cancelled');
my $w2 = $admin->api('GET', "/v1/windows/$wid[2]")->{json};
is($w2->{status}, 'cancelled', 'GET: cancelled');
is($w2->{completion_notes}, 'occurrence skipped', 'saying why');
ok(!grep({ $_ eq $wid[2] } @{ snapshot_ids() }), 'the gateways no longer read it');

$r = $admin->api('POST', "/v1/series/$sid/skip", if_match => tag("/v1/series/$sid"),
                 json => { occurrence => $wid[6] });
is($r->{status}, 200, 'skip one not yet made, by its window id: 200') or diag($r->{body});
is($r->{json}{next}[6]{status}, 'skipped', 'shown skipped');
is_deeply([ map { $_->{occurrence} } @{ $r->{json}{skipped} } ],
          [ local_key($occ[2]), local_key($occ[6]) ], 'the series lists both');
$r = $admin->api('POST', "/v1/series/$sid/skip", if_match => tag("/v1/series/$sid"),
                 json => { occurrence => local_key($occ[6]) });
is($r->{status}, 409, 'skipped twice: 409');
$r = $admin->api('POST', "/v1/series/$sid/skip", if_match => tag("/v1/series/$sid"),
                 json => { occurrence => '20200101T100000' });
is($r->{status}, 422, 'not an occurrence: 422');
is_deeply(fields_of($r), ['occurrence'], 'naming occurrence');
$r = $admin->api('POST', "/v1/series/$sid/skip", if_match => tag("/v1/series/$sid"),
                 json => { occurrence => local_key($occ[3] + 60) });
is($r->{status}, 422, 'a time the rule does not make: 422');

# --- 4b. this occurrence and the following: the series continued ---------

# a series of its own (app "ops"), five daily occurrences as the first
my %ops = (title => 'Ops nightly', apps => ['ops'],
           recurrence => { %rec, rule => 'FREQ=DAILY;COUNT=5' });
$r = $admin->api('POST', '/v1/series', json => \%ops);
is($r->{status}, 201, 'a series to change from its 2nd occurrence') or diag($r->{body});
my $oid = $r->{json}{id} // '';
my @owid = map { "$oid-" . local_key($occ[$_]) } 0 .. 4;
$r = $admin->api('PATCH', "/v1/series/$oid", if_match => tag("/v1/series/$oid"),
                 json => { from => local_key($occ[1]), title => 'Ops nightly, longer',
                           recurrence => { duration_minutes => 90 } });
is($r->{status}, 201, 'change from the 2nd on: 201') or diag($r->{body});
my $cont = $r->{json} // {};
my $cid = $cont->{id} // '';
like($cid, qr/^s_/, 'a series that continues it');
is($r->{headers}{location}, "/v1/series/$cid", 'Location: the new series');
is($cont->{continues}, $oid, 'continues the first');
is($cont->{recurrence}{rule}, 'FREQ=DAILY;COUNT=4', 'COUNT counts what was left');
is($cont->{recurrence}{start}, strftime('%Y-%m-%dT%H:%M:00', gmtime($occ[1])),
   'from the 2nd occurrence\'s local start');
is_deeply([ map { $_->{starts_at} } @{ $cont->{next} } ], [ map { utc($_) } @occ[1 .. 4] ],
          'the same days');
is_deeply([ map { $_->{ends_at} } @{ $cont->{next} } ], [ map { utc($_ + 5400) } @occ[1 .. 4] ],
          'ninety minutes each');
my $first_s = $admin->api('GET', "/v1/series/$oid")->{json} // {};
is($first_s->{until}, utc($occ[1]), 'the first ends before the 2nd occurrence');
is($first_s->{continued_by}, $cid, 'continued_by');
is_deeply([ map { $_->{occurrence} } @{ $first_s->{next} } ], [ local_key($occ[0]) ],
          'and shows only its first');
is($admin->api('GET', "/v1/windows/$owid[0]")->{json}{title}, 'Ops nightly',
   'the 1st occurrence\'s window is as it was');
for my $i (grep { $occ[$_] < $now + 3 * $D } 1 .. 4) {
    my $old = $admin->api('GET', "/v1/windows/$owid[$i]")->{json} // {};
    is($old->{status}, 'cancelled', "occurrence $i: the first series' window cancelled");
    my $nw = $admin->api('GET', "/v1/windows/$cid-" . local_key($occ[$i]))->{json} // {};
    is($nw->{title}, 'Ops nightly, longer', "occurrence $i: made again by the new series");
}
$r = $admin->api('PATCH', "/v1/series/$oid", if_match => tag("/v1/series/$oid"),
                 json => { title => 'again' });
is($r->{status}, 409, 'a series continued already: 409, change the new one');
$r = $admin->api('PATCH', "/v1/series/$cid", if_match => tag("/v1/series/$cid"),
                 json => { recurrence => { time_zone => 'Nowhere/Else' } });
is($r->{status}, 422, 'an invalid change: 422');
is_deeply(fields_of($r), ['recurrence.time_zone'], 'naming recurrence.time_zone');
$r = $admin->api('PATCH', "/v1/series/$cid", if_match => tag("/v1/series/$cid"),
                 json => { from => '20200101T100000', title => 'x' });
is($r->{status}, 422, 'from: not an occurrence: 422');
is_deeply(fields_of($r), ['from'], 'naming from');

# --- 5. an occurrence that would overlap another window --------------------

my $crm = $admin->create_window(title => 'CRM upgrade', apps => ['crm'],
                                starts_at => utc($occ[0] + 1800), ends_at => utc($occ[0] + 2400));
my $before = $admin->api('GET', '/v1/series')->{json}{items};
$r = $admin->api('POST', '/v1/series', json => { title => 'CRM nightly', apps => ['crm'],
                                                  recurrence => { %rec } });
is($r->{status}, 409, 'an occurrence overlaps a window: 409') or diag($r->{body});
like($r->{json}{detail} // '', qr/occurrence \Q@{[ local_key($occ[0]) ]}\E overlaps window \Q$crm->{id}\E/,
     'naming the occurrence and the window');
is(scalar @{ $admin->api('GET', '/v1/series')->{json}{items} }, scalar @$before,
   'nothing was written');

# --- 5b. notifications: each occurrence's window is announced on its own --

$r = $admin->api('POST', '/v1/notify/targets',
                 json => { name => 'ops-mail', kind => 'email', to => ['ops@example.com'] });
is($r->{status}, 201, 'a notification target') or diag($r->{body});
$r = $admin->api('POST', '/v1/series', json => {
    title => 'Announced nightly', apps => ['mailed'], notify => ['ops-mail'],
    recurrence => { %rec, rule => 'FREQ=DAILY;COUNT=2' } });
is($r->{status}, 201, 'a series notifying it') or diag($r->{body});
for my $o (grep { $_->{status} eq 'scheduled' } @{ $r->{json}{next} // [] }) {
    my $d = $admin->api('GET', "/v1/notify/deliveries?window=$o->{window}")->{json}{items} // [];
    is_deeply([ map { "$_->{type} $_->{target}" } @$d ], ['scheduled ops-mail'],
              "its window $o->{occurrence}: one scheduled event, to ops-mail");
}
$r = $admin->api('POST', '/v1/series', json => {
    title => 'x', apps => ['mailed2'], notify => ['nobody-here'], recurrence => { %rec } });
is($r->{status}, 422, 'an unknown target: 422');
is_deeply(fields_of($r), ['notify'], 'naming notify');

# --- 6. the ticker makes an occurrence's window as the horizon reaches it --

$now = now_s();
my $soon = $now + 3 * $D + 6;
$r = $admin->api('POST', '/v1/series', json => {
    title => 'Reindex', apps => ['search'],
    recurrence => { rule => 'FREQ=DAILY;COUNT=3', time_zone => 'UTC',
                    start => strftime('%Y-%m-%dT%H:%M:%S', gmtime($soon)),
                    duration_minutes => 5 } });
is($r->{status}, 201, 'a series starting just beyond the horizon') or diag($r->{body});
my $tid = $r->{json}{id} // '';
is($r->{json}{next}[0]{status}, 'planned', 'its first occurrence: planned');
my $first = "$tid-" . local_key($soon);
ok(wait_until(sub { $admin->api('GET', "/v1/windows/$first")->{status} == 200 },
              20, 'the ticker made it'),
   'made by the ticker once within the horizon');
ok(now_s() >= $soon - 3 * $D, 'not before');
is($admin->api('GET', "/v1/series/$tid")->{json}{next}[0]{status}, 'scheduled',
   'the series shows it made');
my ($ext) = grep { $_->{action} eq 'series.extend' && $_->{target} eq $tid }
                 @{ $admin->api('GET', '/v1/audit?limit=20')->{json}{items} // [] };
is($ext && $ext->{actor}, 'system', 'audited: series.extend by system');

# --- 7. delete -------------------------------------------------------------

is($admin->api('DELETE', "/v1/series/$sid")->{status}, 428, 'delete without If-Match: 428');
is($admin->api('DELETE', "/v1/series/$sid", if_match => '"1"')->{status}, 412,
   'with a stale ETag: 412');
is($admin->api('DELETE', "/v1/series/$sid", if_match => tag("/v1/series/$sid"))->{status}, 204,
   'delete: 204');
is($admin->api('GET', "/v1/series/$sid")->{status}, 404, 'gone');
for my $i (0, 1) {
    my $w = $admin->api('GET', "/v1/windows/$wid[$i]")->{json};
    is($w->{status}, 'cancelled', "its window $i yet to start: cancelled");
    is($w->{completion_notes}, 'series deleted', 'saying why');
}
ok(!grep({ /^\Q$sid\E-/ } @{ snapshot_ids() }), 'none is read by the gateways');

# --- 8. daylight-saving time, as RFC 5545 says, in two zones ---------------

sub occurrences_of {
    my (%rc) = @_;
    my $r = $admin->api('POST', '/v1/series', json => { title => 'DST', apps => ['dst'],
                                                         recurrence => { %rc } });
    is($r->{status}, 201, "$rc{rule} from $rc{start} $rc{time_zone}: 201") or diag($r->{body});
    return [ map { [ $_->{occurrence}, $_->{starts_at}, $_->{shifted} ? 1 : 0 ] }
             @{ $r->{json}{next} // [] } ];
}

# Dates in 2036 (a leap year): "next" lists only occurrences yet to end,
# so the dates must stay ahead of the day the test runs on

# Berlin: 02:30 on 2036-03-30 does not exist (02:00 CET -> 03:00 CEST)
my $o = occurrences_of(rule => 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', start => '2036-03-23T02:30',
                       time_zone => 'Europe/Berlin', duration_minutes => 60);
is_deeply($o, [ [ '20360323T023000', '2036-03-23T01:30:00Z', 0 ],
                [ '20360330T023000', '2036-03-30T01:30:00Z', 1 ],
                [ '20360406T023000', '2036-04-06T00:30:00Z', 0 ] ],
          'Berlin, spring forward: the missing 02:30 starts at 03:30 CEST');
# Berlin: 02:30 on 2036-10-26 happens twice: the first (CEST) is meant
$o = occurrences_of(rule => 'FREQ=WEEKLY;BYDAY=SU;COUNT=2', start => '2036-10-26T02:30',
                    time_zone => 'Europe/Berlin', duration_minutes => 60);
is_deeply([ map { $_->[1] } @$o ], [ '2036-10-26T00:30:00Z', '2036-11-02T01:30:00Z' ],
          'Berlin, fall back: the first of the two 02:30s');
# New York: the 2nd Sunday of March, 02:30 does not exist
$o = occurrences_of(rule => 'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;COUNT=2', start => '2036-03-09T02:30',
                    time_zone => 'America/New_York', duration_minutes => 30);
is_deeply($o, [ [ '20360309T023000', '2036-03-09T07:30:00Z', 1 ],
                [ '20370308T023000', '2037-03-08T07:30:00Z', 1 ] ],
          'New York, spring forward: 03:30 EDT, both years');
$o = occurrences_of(rule => 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', start => '2036-01-31T23:00',
                    time_zone => 'America/New_York', duration_minutes => 30);
is_deeply([ map { $_->[1] } @$o ],
          [ '2036-02-01T04:00:00Z', '2036-03-01T04:00:00Z', '2036-04-01T03:00:00Z' ],
          'New York, the last day of each month at 23:00 (February 29 too), EST then EDT');

# --- 9. maintctl -----------------------------------------------------------

my $c = maintctl_run($admin, 'admin', 'window', 'create', '--title', 'Weekly patching',
                     '--app', 'shop', '--every', 'FREQ=WEEKLY;BYDAY=SU', '--tz', 'Europe/Berlin',
                     '--start', '2036-03-16 04:00', '--for', '1h', '--json');
maintctl_ok($c, 'window create --every');
my $mid = ($c->{json} // {})->{id} // '';
like($mid, qr/^s_/, 'it made a series');
is(($c->{json} // {})->{recurrence}{time_zone}, 'Europe/Berlin', 'in --tz');
is(($c->{json} // {})->{recurrence}{duration_minutes}, 60, '--for in minutes');
$c = maintctl_run($admin, 'viewer', 'series', 'list');
maintctl_ok($c, 'series list');
like($c->{out}, qr/^\Q$mid\E\s+Weekly patching\s+FREQ=WEEKLY;BYDAY=SU\s+Europe\/Berlin/m,
     'series list: id, title, rule, zone');
$c = maintctl_run($admin, 'viewer', 'series', 'show', $mid, '--next', '3');
maintctl_ok($c, 'series show');
is(scalar(() = $c->{out} =~ /^2036\d{4}T040000\s+\w+/mg), 3, 'three occurrences shown');
$c = maintctl_run($admin, 'admin', 'series', 'skip', $mid, '20360323T040000', '--json');
maintctl_ok($c, 'series skip');
is((($c->{json} // {})->{skipped} // [])->[0]{occurrence}, '20360323T040000', 'skipped');
$c = maintctl_run($admin, 'admin', 'series', 'update', $mid, '--from', '20360406T040000',
                  '--for', '2h', '--title', 'Weekly patching, longer', '--start', '2036-04-06 03:00',
                  '--json');
maintctl_ok($c, 'series update --from');
my $mcont = $c->{json} // {};
is($mcont->{continues}, $mid, 'a series that continues it');
is($mcont->{recurrence}{duration_minutes}, 120, '--for: its duration');
is($mcont->{recurrence}{start}, '2036-04-06T03:00', '--start: local, as given');
is(($mcont->{next} // [])->[0]{starts_at}, '2036-04-06T01:00:00Z', '03:00 CEST');
$c = maintctl_run($admin, 'admin', 'series', 'delete', $mcont->{id} // 'x', '--yes');
maintctl_ok($c, 'series delete --yes (the continuation)');
$c = maintctl_run($admin, 'admin', 'series', 'delete', $mid);
is($c->{code}, 1, 'series delete without a terminal or --yes: usage error');
$c = maintctl_run($admin, 'admin', 'series', 'delete', $mid, '--yes');
maintctl_ok($c, 'series delete --yes');
$c = maintctl_run($admin, 'admin', 'window', 'create', '--title', 'x', '--app', 'shop',
                  '--every', 'daily', '--start', '2027-03-14 04:00', '--end', '2027-03-14 05:00');
is($c->{code}, 1, '--every with --end: usage error');
$c = maintctl_run($admin, 'admin', 'window', 'create', '--title', 'x', '--app', 'shop',
                  '--tz', 'UTC', '--start', '+1h', '--for', '1h');
is($c->{code}, 1, '--tz without --every: usage error');
$c = maintctl_run($admin, 'admin', 'window', 'create', '--title', 'x', '--app', 'shop',
                  '--every', 'FREQ=HOURLY', '--start', '2027-03-14 04:00', '--for', '1h');
is($c->{code}, 2, 'a rule the API refuses: exit 2');
like($c->{err}, qr/recurrence\.rule/, 'naming recurrence.rule');

$admin->stop;
$redis->stop;

# --- 10. at the edge, across the change to summer time ---------------------
#
# The daemon and the gateway reach a real Redis through a relay that moves
# its clock (t/lib/ClockShift.pm: the replies to TIME are rewritten) to
# 2027-03-28 01:59:45 UTC at the start, running at the real rate.  Redis's
# clock is the fleet's: the daemon and the gateway judge on it while their
# own clocks stay in 2026 (a gateway months behind).  A weekly series at
# 04:00 Europe/Berlin, begun on 2027-03-14 (04:00 CET, 03:00 UTC), meets
# 04:00 CEST on the 28th: 02:00:00 UTC.  The shortest occurrence is a
# minute, what the end costs to wait for, so it is waited for once, in the
# plain pass: the sanitizer pass runs every line of the daemon's above, and
# the passes in other Debian roots (MAINT_ROOT_PASS, scripts/test-debian.sh)
# run the gateway's judgement on Redis's clock in t/020 and t/176; a series
# is the daemon's alone, the gateways see windows.

SKIP: {
skip 'a minute of waiting: the edge at a DST change is timed in the plain pass', 15
    if $ENV{MAINT_ASAN} || $ENV{MAINT_ROOT_PASS};

my $fr = start_redis();
my $start_ms = timegm(0, 0, 2, 28, 2, 2027) * 1000;
my $shift = ClockShift->start(to => $fr->port,
                              offset => int(($start_ms - 15_000 - redis_now_ms($fr)) / 1000));
my $at = sub { redis_now_ms($fr) + $shift->{offset} * 1000 };
my $fa = start_admin(redis => $shift, extra => "series_horizon 10m\n");
my $gw = start_nginx(redis => $shift, vars => { UP => free_port() }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }
    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP
ok($at->() < $start_ms - 5000, 'the fleet\'s clock: before 02:00 UTC on 2027-03-28');

$c = maintctl_run($fa, 'admin', 'window', 'create', '--title', 'Sunday patching',
                  '--app', 'shop', '--every', 'FREQ=WEEKLY;BYDAY=SU',
                  '--tz', 'Europe/Berlin', '--start', '2027-03-14 04:00',
                  '--for', '1m', '--json');
maintctl_ok($c, 'the series, with maintctl');
my ($n0, $n1) = @{ ($c->{json} // {})->{next} // [] };
is($n0->{starts_at}, '2027-03-28T02:00:00Z', '04:00 CEST is 02:00 UTC');
is($n0->{status}, 'scheduled', 'its window made (10 minutes ahead)');
is($n1->{starts_at}, '2027-04-04T02:00:00Z', 'the next week alike');
is($n1->{status}, 'planned', 'not made yet');

my $status = sub { http($gw->port, 'GET', '/')->{status} };
is($status->(), 200, 'before it: the app');
wait_until(sub { $at->() >= $start_ms + 100 }, 30, '02:00:00.1');
my $in = http($gw->port, 'GET', '/', headers => { Accept => 'application/json' });
is($in->{status}, 503, '02:00:00.1 UTC: maintenance, on Redis\'s clock');
my $ra = $in->{headers}{'retry-after'} // 0;
ok($ra > 55 && $ra <= 60, "Retry-After: the end at 02:01 ($ra)");
wait_until(sub { $at->() >= $start_ms + 59_500 }, 90, '02:00:59.5');
is($status->(), 503, '02:00:59.5: still');
wait_until(sub { $at->() >= $start_ms + 60_100 }, 30, '02:01:00.1');
is($status->(), 200, '02:01:00.1: over, on time');
ok(wait_until(sub { ($fa->api('GET', "/v1/windows/$n0->{window}")->{json} // {})->{status}
                    eq 'completed' }, 10, 'completed'),
   'the daemon recorded it completed');
my $w = $fa->api('GET', "/v1/windows/$n0->{window}")->{json} // {};
is($w->{actual_start}, '2027-03-28T02:00:00Z', 'it started at 02:00 UTC');
is($w->{actual_end}, '2027-03-28T02:01:00Z', 'and ended a minute later');

$gw->stop;
check_error_log($gw);
$fa->stop;
$shift->stop;
$fr->stop;
}

done_testing();
