# Windows through the admin API (docs/admin-api.md, "Windows", "Settings",
# "Audit"; docs/redis-schema.md, the snapshot): create (201, Location,
# ETag, defaults, times normalised to UTC), get, list with every filter and
# paging, PATCH and DELETE with If-Match (428, 412 with current_etag),
# "now", overlaps (409 with conflicting_window; "*"; disabled, cancelled
# and adjacent windows do not conflict), dry runs (prechecks, nothing
# written), the snapshot the gateways read, settings, and the audit trail
# (paging, filters, before/after, rejected attempts).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use Digest::SHA qw(sha1_hex);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

my $H = 3600;
my $ID_RE = qr/^w_[A-Za-z0-9._-]{10}$/;
my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

# RFC 3339 (any offset) to epoch seconds
sub now_s { int(redis_now_ms($redis) / 1000) }

sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

sub snapshot {
    my $s = $redis->cmd('HGET', 'maint:state', 'snapshot');
    return defined $s ? eval { JSON::PP->new->utf8->decode($s) } : undef;
}

sub snap_window {
    my ($id) = @_;
    my ($w) = grep { ($_->{id} // '') eq $id } @{ (snapshot() // {})->{windows} // [] };
    return $w;
}

sub is_bool_val {
    my ($v, $want, $name) = @_;
    ok(JSON::PP::is_bool($v) && (!!$v == !!$want),
       "$name: JSON " . ($want ? 'true' : 'false'));
}

sub ids { [ map { $_->{id} } @{ ($_[0]{json} // {})->{items} // [] } ] }

sub list {
    my ($query) = @_;
    return $admin->api('GET', '/v1/windows' . (defined $query ? "?$query" : ''));
}

sub uri { my $s = shift; $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; $s }

sub create {
    my (%w) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => \%w);
    is($r->{status}, 201, "create '$w{title}': 201") or diag($r->{body});
    return wantarray ? ($r->{json} // {}, $r) : ($r->{json} // {});
}

sub get_w { $admin->api('GET', "/v1/windows/$_[0]") }

# All keys without a TTL (locks and heartbeats may come and go): digests of
# their DUMPs.
sub redis_dump {
    my %d;
    for my $k (sort @{ $redis->cmd('KEYS', '*') }) {
        next if $redis->cmd('PTTL', $k) >= 0;
        $d{$k} = sha1_hex($redis->cmd('DUMP', $k) // '');
    }
    return \%d;
}

sub audit {
    my ($query) = @_;
    my $r = $admin->api('GET', '/v1/audit' . (defined $query ? "?$query" : ''));
    return $r->{json} // {};
}

# stream-like ids "ms-seq": numerically descending
sub id_cmp {
    my ($a1, $a2) = split /-/, $_[0];
    my ($b1, $b2) = split /-/, $_[1];
    return ($a1 <=> $b1) || (($a2 // 0) <=> ($b2 // 0));
}

my $T = now_s();

# --- create and get ------------------------------------------------------------------

my ($L1, $r1) = create(title => 'Shop patch', apps => ['shop'],
                       starts_at => rfc3339($T + 1 * $H), ends_at => rfc3339($T + 2 * $H));
my $version_after_L1 = state_version();
{
    like($L1->{id} // '', $ID_RE, 'create: id is w_ and 10 characters');
    is($r1->{headers}{location}, "/v1/windows/$L1->{id}", 'create: Location');
    like($r1->{headers}{etag} // '', qr/^"\d+"$/, 'create: ETag is a quoted revision');
    is($r1->{headers}{etag}, qq("$L1->{revision}"), 'create: ETag is "<revision>"');
    like($r1->{headers}{'content-type'} // '', qr{^application/json\b}, 'create: JSON');

    is($L1->{title}, 'Shop patch', 'create: title');
    is_deeply($L1->{apps}, ['shop'], 'create: apps');
    is($L1->{starts_at}, rfc3339($T + $H), 'create: starts_at');
    is($L1->{ends_at}, rfc3339($T + 2 * $H), 'create: ends_at');

    # defaults
    is($L1->{mode}, 'full', 'default mode full');
    is($L1->{login_message}, '', 'default login_message ""');
    is($L1->{notify_message}, '', 'default notify_message ""');
    is($L1->{notes}, '', 'default notes ""');
    ok(exists $L1->{notify_before_minutes} && !defined $L1->{notify_before_minutes},
       'default notify_before_minutes null');
    is_bool_val($L1->{show_login_message}, 1, 'default show_login_message');
    is_bool_val($L1->{enabled}, 1, 'default enabled');
    is_bool_val($L1->{terminate_sessions}, 0, 'default terminate_sessions');
    is_bool_val($L1->{hold_until_completed}, 0, 'default hold_until_completed');
    is_deeply($L1->{allow}, { paths => [], networks => [] }, 'default allow');
    is($L1->{status}, 'scheduled', 'a future window is scheduled');
    for my $f (qw(actual_start actual_end completion_notes)) {
        ok(exists $L1->{$f} && !defined $L1->{$f}, "$f is null");
    }
    is($L1->{created_by}, 'admin', 'created_by is the token\'s name');
    like($L1->{created_at} // '', $TIME_RE, 'created_at in UTC');
    ok(abs((epoch($L1->{created_at}) // 0) - now_s()) <= 5, 'created_at is now (Redis clock)');
    like($L1->{updated_at} // '', $TIME_RE, 'updated_at in UTC');
    ok(exists $L1->{updated_by}, 'updated_by present');
    like($L1->{revision} // '', qr/^\d+$/, 'revision is an integer');
    ok($version_after_L1 > 0, 'the state version was bumped');

    my $g = get_w($L1->{id});
    is($g->{status}, 200, 'get: 200');
    is($g->{headers}{etag}, $r1->{headers}{etag}, 'get: same ETag');
    is_deeply($g->{json}, $L1, 'get: the window as created');

    is_problem(get_w('w_nosuchwin0'), 404, 'not-found', 'get an unknown window');
}

# times given with offsets and fractions come back in UTC, whole seconds
my $L2 = create(title => 'CRM upgrade', apps => ['crm'],
                starts_at => rfc3339_offset($T + 3 * $H, 120) =~ s/([+-]\d\d:\d\d)$/.750$1/r,
                ends_at => rfc3339_offset($T + 4 * $H, -300),
                login_message => 'Please wait for CRM');
is($L2->{starts_at}, rfc3339($T + 3 * $H), 'starts_at with +02:00 and a fraction: UTC, fraction dropped');
is($L2->{ends_at}, rfc3339($T + 4 * $H), 'ends_at with -05:00: UTC');

my $L3 = create(title => 'Network maintenance', apps => ['*'],
                starts_at => rfc3339($T + 5 * $H), ends_at => rfc3339($T + 6 * $H),
                notify_message => 'Heads-up everyone');
is_deeply($L3->{apps}, ['*'], 'apps ["*"]');

my $L4 = create(title => 'Quarterly DB Upgrade', apps => ['shop'],
                starts_at => rfc3339($T + 7 * $H), ends_at => rfc3339($T + 8 * $H),
                notes => 'Kernel patch too');

my ($L5, $r5) = create(title => 'Billing', apps => ['billing'],
                       starts_at => rfc3339($T + 9 * $H), ends_at => rfc3339($T + 10 * $H));
{
    my $c = $admin->api('POST', "/v1/windows/$L5->{id}/cancel", json => { notes => 'postponed' },
                        if_match => $r5->{headers}{etag});
    is($c->{status}, 200, 'cancel L5') or diag($c->{body});
}

my %FULL = (
    title => 'Every field', apps => ['full', 'full2'],
    starts_at => rfc3339($T + 11 * $H), ends_at => rfc3339($T + 12 * $H),
    mode => 'read_only', login_message => "Back soon.\nReally.",
    show_login_message => JSON::PP::false, notify_message => 'Tonight',
    notify_before_minutes => 90, enabled => JSON::PP::true,
    terminate_sessions => JSON::PP::true, hold_until_completed => JSON::PP::true,
    allow => { paths => ['/health', '/static/'], networks => ['10.0.0.0/8', '2001:db8::/32'] },
    notes => 'Runbook: https://example.com/rb',
);
my $F = create(%FULL);
for my $k (sort keys %FULL) {
    if (JSON::PP::is_bool($FULL{$k})) {
        is_bool_val($F->{$k}, $FULL{$k}, "every field: $k");
    } else {
        is_deeply($F->{$k}, $FULL{$k}, "every field: $k");
    }
}

# --- list and its filters -------------------------------------------------------------

{
    my $r = list();
    is($r->{status}, 200, 'list: 200');
    is_deeply(ids($r), [ map { $_->{id} } $F, $L5, $L4, $L3, $L2, $L1 ],
              'list: every window, newest starts_at first');
    ok(exists $r->{json}{next_cursor} && !defined $r->{json}{next_cursor},
       'list: next_cursor null on the only page');
    is_deeply($r->{json}{items}[5], $L1, 'list: items are whole windows');
}

my @FILTERS = (
    [ 'app=shop',                    [ $L4, $L3, $L1 ] ],
    [ 'app=crm',                     [ $L3, $L2 ] ],
    [ 'app=full2',                   [ $F, $L3 ] ],
    [ 'app=nosuch',                  [ $L3 ] ],
    [ 'status=cancelled',            [ $L5 ] ],
    [ 'status=scheduled',            [ $F, $L4, $L3, $L2, $L1 ] ],
    [ 'status=scheduled,cancelled',  [ $F, $L5, $L4, $L3, $L2, $L1 ] ],
    [ 'status=in_progress',          [] ],
    [ 'from=' . uri(rfc3339($T + 2 * $H - 1)) . '&to=' . uri(rfc3339($T + 3 * $H + 1)), [ $L2, $L1 ] ],
    [ 'from=' . uri(rfc3339($T + 2 * $H)) . '&to=' . uri(rfc3339($T + 3 * $H)),         [] ],
    [ 'from=' . uri(rfc3339($T + 1 * $H)) . '&to=' . uri(rfc3339($T + 1 * $H + 1)),     [ $L1 ] ],
    [ 'from=' . uri(rfc3339($T + 7 * $H + 1800)),                                       [ $F, $L5, $L4 ] ],
    [ 'to=' . uri(rfc3339($T + 4 * $H)),                                                [ $L2, $L1 ] ],
    [ 'from=' . uri(rfc3339_offset($T + 2 * $H - 1, 60)) . '&to=' . uri(rfc3339($T + 3 * $H + 1)),
                                                                                        [ $L2, $L1 ] ],
    [ 'q=' . uri('db upgrade'),      [ $L4 ] ],
    [ 'q=KERNEL',                    [ $L4 ] ],
    [ 'q=please',                    [ $L2 ] ],
    [ 'q=heads-up',                  [ $L3 ] ],
    [ 'q=runbook',                   [ $F ] ],
    [ 'q=nothing-matches-this',      [] ],
    [ 'app=shop&status=scheduled&q=upgrade', [ $L4 ] ],
);

for my $f (@FILTERS) {
    my ($q, $want) = @$f;
    my $r = list($q);
    is($r->{status}, 200, "list ?$q: 200");
    is_deeply(ids($r), [ map { $_->{id} } @$want ], "list ?$q");
}

# paging
{
    my $p1 = list('limit=4');
    is_deeply(ids($p1), [ map { $_->{id} } $F, $L5, $L4, $L3 ], 'limit=4: the first four');
    my $cur = $p1->{json}{next_cursor};
    ok(defined $cur && length $cur, 'limit=4: a next_cursor');
    my $p2 = list('limit=4&cursor=' . uri($cur // ''));
    is_deeply(ids($p2), [ map { $_->{id} } $L2, $L1 ], 'cursor: the rest');
    ok(!defined $p2->{json}{next_cursor}, 'cursor: null on the last page');

    my (@all, $n);
    my $c;
    do {
        my $p = list('limit=2' . (defined $c ? '&cursor=' . uri($c) : ''));
        ok(@{ ids($p) } <= 2, 'limit=2: at most two per page');
        push @all, @{ ids($p) };
        $c = $p->{json}{next_cursor};
    } while (defined $c && ++$n < 10);
    is_deeply(\@all, ids(list()), 'limit=2: following next_cursor gives every window once, in order');

    my $s1 = list('app=shop&limit=2');
    is_deeply(ids($s1), [ $L4->{id}, $L3->{id} ], 'filtered paging: first page');
    my $s2 = list('app=shop&limit=2&cursor=' . uri($s1->{json}{next_cursor} // ''));
    is_deeply(ids($s2), [ $L1->{id} ], 'filtered paging: the filter holds on the next page');
}

# --- PATCH with If-Match -------------------------------------------------------------------

my $etag1 = $r1->{headers}{etag};
my ($stale_after_patch, $etag1b);
{
    my $v0 = state_version();
    is_problem($admin->api('PATCH', "/v1/windows/$L1->{id}", json => { title => 'No tag' }),
               428, 'precondition-required', 'PATCH without If-Match');

    my $bogus = '"' . ($L1->{revision} + 5) . '"';
    my $r = $admin->api('PATCH', "/v1/windows/$L1->{id}", json => { title => 'Bad tag' },
                        if_match => $bogus);
    is_problem($r, 412, 'precondition-failed', 'PATCH with a wrong If-Match');
    is($r->{json} && $r->{json}{current_etag}, $etag1, '412 names the current ETag');
    is(state_version(), $v0, 'refused PATCHes wrote nothing');
    is(get_w($L1->{id})->{json}{title}, 'Shop patch', 'refused PATCHes changed nothing');

    $r = $admin->api('PATCH', "/v1/windows/$L1->{id}",
                     json => { title => 'Shop patch v2', notify_before_minutes => 45 },
                     if_match => $etag1);
    is($r->{status}, 200, 'PATCH with the current ETag: 200') or diag($r->{body});
    my $w = $r->{json} // {};
    is($w->{title}, 'Shop patch v2', 'PATCH: title changed');
    is($w->{notify_before_minutes}, 45, 'PATCH: notify_before_minutes set');
    is($w->{starts_at}, $L1->{starts_at}, 'PATCH: other fields kept');
    ok($w->{revision} > $L1->{revision}, 'PATCH: revision grows');
    $etag1b = $r->{headers}{etag};
    is($etag1b, qq("$w->{revision}"), 'PATCH: the new ETag is the new revision');
    isnt($etag1b, $etag1, 'PATCH: ETag changed');
    is($w->{updated_by}, 'admin', 'PATCH: updated_by');
    ok(epoch($w->{updated_at}) >= epoch($L1->{created_at}), 'PATCH: updated_at');
    ok(state_version() > $v0, 'PATCH: state version bumped');
    is(get_w($L1->{id})->{headers}{etag}, $etag1b, 'GET shows the new ETag');

    $r = $admin->api('PATCH', "/v1/windows/$L1->{id}", json => { title => 'Lost update' },
                     if_match => $etag1);
    is_problem($r, 412, 'precondition-failed', 'PATCH with the old ETag');
    is($r->{json} && $r->{json}{current_etag}, $etag1b, '412 names the new ETag');

    $r = $admin->api('PATCH', "/v1/windows/$L1->{id}", json => { notify_before_minutes => undef },
                     if_match => $etag1b);
    is($r->{status}, 200, 'PATCH notify_before_minutes null: 200') or diag($r->{body});
    ok(exists $r->{json}{notify_before_minutes} && !defined $r->{json}{notify_before_minutes},
       'null resets notify_before_minutes');
    $etag1 = $r->{headers}{etag};

    is_problem($admin->api('PATCH', '/v1/windows/w_nosuchwin0', json => { title => 'x' },
                           if_match => '"1"'), 404, 'not-found', 'PATCH an unknown window');

    # ids that cannot exist never reach Redis, the audit or the logs
    for my $bad ('..%2F..%2Fetc', 'a%20b', 'w%00x', 'x' x 64 . 'y', '%E2%80%AE') {
        is_problem($admin->api('GET', "/v1/windows/$bad"), 404, 'not-found',
                   "GET a window id that cannot exist ($bad)");
    }
}

# --- DELETE -----------------------------------------------------------------------------

my $D;
{
    my $rd;
    ($D, $rd) = create(title => 'To delete', apps => ['del'],
                       starts_at => rfc3339($T + 13 * $H), ends_at => rfc3339($T + 14 * $H));
    is_problem($admin->api('DELETE', "/v1/windows/$D->{id}"), 428, 'precondition-required',
               'DELETE without If-Match');
    is_problem($admin->api('DELETE', "/v1/windows/$D->{id}", if_match => '"999999"'), 412,
               'precondition-failed', 'DELETE with a wrong If-Match');
    # a %00 never cuts an id short: the window is not the one addressed
    for my $tail ('%00', '%00x', '%00/..') {
        my $r = $admin->api('DELETE', "/v1/windows/$D->{id}$tail",
                            if_match => $rd->{headers}{etag});
        is_problem($r, 404, 'not-found', "DELETE the window's id followed by $tail");
    }
    is(get_w($D->{id})->{status}, 200, 'refused DELETEs left the window');
    ok(snap_window($D->{id}), 'the window is in the snapshot');

    my $v0 = state_version();
    my $r = $admin->api('DELETE', "/v1/windows/$D->{id}", if_match => $rd->{headers}{etag});
    is($r->{status}, 204, 'DELETE: 204');
    is($r->{body}, '', 'DELETE: no body');
    ok(state_version() > $v0, 'DELETE: state version bumped');
    is_problem(get_w($D->{id}), 404, 'not-found', 'GET after DELETE');
    is_problem($admin->api('DELETE', "/v1/windows/$D->{id}", if_match => $rd->{headers}{etag}),
               404, 'not-found', 'DELETE again');
    ok(!grep({ $_ eq $D->{id} } @{ ids(list('limit=500')) }), 'the list forgets it');
    ok(!snap_window($D->{id}), 'the snapshot forgets it');

    my ($e) = @{ audit('target=' . uri($D->{id}) . '&action=window.delete')->{items} // [] };
    ok($e, 'the audit keeps the deletion');
    is($e && $e->{before} && $e->{before}{title}, 'To delete', 'the audit keeps what it was');
    ok($e && exists $e->{after} && !defined $e->{after}, 'after is null');
    is($e && $e->{status}, 204, 'audited with status 204');
}

# --- overlaps ----------------------------------------------------------------------------

my ($O1, $S1, $Odis, $Oother, $ro1);
{
    ($O1, $ro1) = create(title => 'Overlap base', apps => ['ov'],
                         starts_at => rfc3339($T + 20 * $H), ends_at => rfc3339($T + 22 * $H));
    my @CONFLICTS = (
        [ 'same app, overlapping',     ['ov'],       21 * $H, 23 * $H ],
        [ 'same app, inside',          ['ov'],       20 * $H + 1800, 21 * $H ],
        [ 'same app, around',          ['ov'],       19 * $H, 23 * $H ],
        [ 'one of several apps',       ['x1', 'ov'], 21 * $H, 21 * $H + 1800 ],
        [ '"*" against an app',        ['*'],        21 * $H, 21 * $H + 1800 ],
    );
    for my $c (@CONFLICTS) {
        my ($name, $apps, $s, $e) = @$c;
        my $v0 = state_version();
        my $r = $admin->api('POST', '/v1/windows', json => {
            title => "Conflict: $name", apps => $apps,
            starts_at => rfc3339($T + $s), ends_at => rfc3339($T + $e) });
        is_problem($r, 409, 'conflict', "overlap, $name");
        my $cw = ($r->{json} // {})->{conflicting_window} // {};
        is($cw->{id}, $O1->{id}, "overlap, $name: conflicting_window.id");
        is($cw->{title}, 'Overlap base', "overlap, $name: conflicting_window.title");
        is($cw->{starts_at}, $O1->{starts_at}, "overlap, $name: conflicting_window.starts_at");
        is($cw->{ends_at}, $O1->{ends_at}, "overlap, $name: conflicting_window.ends_at");
        is(state_version(), $v0, "overlap, $name: nothing written");
    }

    $S1 = create(title => 'Everything', apps => ['*'],
                 starts_at => rfc3339($T + 24 * $H), ends_at => rfc3339($T + 25 * $H));
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Under a star', apps => ['ov2'],
        starts_at => rfc3339($T + 24 * $H + 1800), ends_at => rfc3339($T + 26 * $H) });
    is_problem($r, 409, 'conflict', 'an app against a "*" window');
    is($r->{json} && $r->{json}{conflicting_window}{id}, $S1->{id}, '... names the "*" window');

    $Oother = create(title => 'Other app, same time', apps => ['other'],
                     starts_at => rfc3339($T + 20 * $H), ends_at => rfc3339($T + 22 * $H));
    ok($Oother->{id}, 'different apps at the same time do not conflict');

    my $rdis;
    ($Odis, $rdis) = create(title => 'Disabled twin', apps => ['ov'], enabled => JSON::PP::false,
                            starts_at => rfc3339($T + 20 * $H), ends_at => rfc3339($T + 22 * $H));
    ok($Odis->{id}, 'a disabled window does not conflict');
    $r = $admin->api('PATCH', "/v1/windows/$Odis->{id}", json => { enabled => JSON::PP::true },
                     if_match => $rdis->{headers}{etag});
    is_problem($r, 409, 'conflict', 'enabling it does');
    is($r->{json} && $r->{json}{conflicting_window}{id}, $O1->{id}, '... names the other window');

    my $adj = create(title => 'Right after', apps => ['ov'],
                     starts_at => rfc3339($T + 22 * $H), ends_at => rfc3339($T + 23 * $H));
    ok($adj->{id}, 'a window starting when the other ends does not conflict');

    my $c = $admin->api('POST', "/v1/windows/$O1->{id}/cancel", if_match => $ro1->{headers}{etag});
    is($c->{status}, 200, 'cancel the base window') or diag($c->{body});
    my $again = create(title => 'After the cancel', apps => ['ov'],
                       starts_at => rfc3339($T + 20 * $H), ends_at => rfc3339($T + 21 * $H));
    ok($again->{id}, 'a cancelled window does not conflict');

    my $ro = get_w($Oother->{id});
    $r = $admin->api('PATCH', "/v1/windows/$Oother->{id}", json => { apps => ['other', 'ov'] },
                     if_match => $ro->{headers}{etag});
    is_problem($r, 409, 'conflict', 'a PATCH that creates an overlap');
    is($r->{json} && $r->{json}{conflicting_window}{id}, $again->{id}, '... names the window');
}

# --- dry runs write nothing ------------------------------------------------------------------

{
    my $dump0 = redis_dump();
    my $v0 = state_version();
    my $audit0 = audit('limit=1')->{items}[0]{id};
    my $list0 = ids(list('limit=500'));

    my $body = { title => 'Dry run', apps => ['dry'],
                 starts_at => rfc3339($T + 30 * $H), ends_at => rfc3339($T + 31 * $H) };
    my $r = $admin->api('POST', '/v1/windows?dry_run=true', json => $body);
    is($r->{status}, 200, 'dry run: 200') or diag($r->{body});
    my $j = $r->{json} // {};
    is_bool_val($j->{dry_run}, 1, 'dry run: dry_run');
    is_bool_val($j->{ok}, 1, 'dry run: ok');
    is($j->{window} && $j->{window}{title}, 'Dry run', 'dry run: the window as it would be');
    is($j->{window} && $j->{window}{status}, 'scheduled', 'dry run: it would be scheduled');
    is($j->{window} && $j->{window}{starts_at}, $body->{starts_at}, 'dry run: its starts_at');
    is($j->{snapshot} && $j->{snapshot}{schema}, 1, 'dry run: the snapshot it would write');
    my ($sw) = grep { ($_->{title} // '') eq 'Dry run' } @{ ($j->{snapshot} // {})->{windows} // [] };
    ok($sw, 'dry run: the snapshot holds the window');
    is($sw && $sw->{start}, $T + 30 * $H, 'dry run: its start');
    is($sw && $sw->{end}, $T + 31 * $H, 'dry run: its end');
    ok(scalar(grep { ($_->{id} // '') eq $L4->{id} } @{ ($j->{snapshot} // {})->{windows} // [] }),
       'dry run: the snapshot is complete (holds the other windows)');

    my %pc = map { ($_->{name} // '?') => $_ } grep { ref $_ eq 'HASH' } @{ $j->{prechecks} // [] };
    is_deeply([ sort keys %pc ], [qw(gateways overlaps redis_writable)], 'dry run: the three prechecks');
    for my $n (sort keys %pc) {
        like($pc{$n}{status} // '', qr/^(ok|warn|fail)$/, "precheck $n: status ok, warn or fail");
        ok(defined $pc{$n}{detail} && length $pc{$n}{detail}, "precheck $n: a detail");
    }
    is($pc{redis_writable} && $pc{redis_writable}{status}, 'ok', 'redis_writable: ok (primary, noeviction)');
    is($pc{overlaps} && $pc{overlaps}{status}, 'ok', 'overlaps: ok');
    is($pc{gateways} && $pc{gateways}{status}, 'warn', 'gateways: warn (no live gateway)');

    # an overlap is a failed precheck in a dry run
    $r = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'Dry overlap', apps => ['shop'],
        starts_at => rfc3339($T + 7 * $H + 600), ends_at => rfc3339($T + 7 * $H + 1200) });
    is($r->{status}, 200, 'dry run with an overlap: 200') or diag($r->{body});
    %pc = map { ($_->{name} // '?') => $_ } grep { ref $_ eq 'HASH' } @{ ($r->{json} // {})->{prechecks} // [] };
    is($pc{overlaps} && $pc{overlaps}{status}, 'fail', 'dry run with an overlap: overlaps fails');
    like($pc{overlaps} && $pc{overlaps}{detail} // '', qr/\Q$L4->{id}\E/, '... naming the window');
    is_bool_val(($r->{json} // {})->{ok}, 0, 'dry run with an overlap: ok false');

    # a Redis that may evict keys is not fit to hold the state
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '100mb');
    for my $policy (['allkeys-lru', 'fail'], ['volatile-lru', 'warn'], ['noeviction', 'ok']) {
        $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', $policy->[0]);
        $r = $admin->api('POST', '/v1/windows?dry_run=true', json => $body);
        %pc = map { ($_->{name} // '?') => $_ } grep { ref $_ eq 'HASH' } @{ ($r->{json} // {})->{prechecks} // [] };
        is($pc{redis_writable} && $pc{redis_writable}{status}, $policy->[1],
           "maxmemory-policy $policy->[0]: redis_writable $policy->[1]");
        is_bool_val(($r->{json} // {})->{ok}, $policy->[1] ne 'fail', "maxmemory-policy $policy->[0]: ok");
    }
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '0');

    # PATCH and /start dry runs
    my $g = get_w($L2->{id});
    $r = $admin->api('PATCH', "/v1/windows/$L2->{id}?dry_run=true", json => { title => 'Dry title' },
                     if_match => $g->{headers}{etag});
    is($r->{status}, 200, 'PATCH dry run: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{window}{title}, 'Dry title', 'PATCH dry run: the window as it would be');
    ok($r->{json} && ref $r->{json}{prechecks} eq 'ARRAY', 'PATCH dry run: prechecks');

    $r = $admin->api('POST', "/v1/windows/$L2->{id}/start?dry_run=true", if_match => $g->{headers}{etag});
    is($r->{status}, 200, '/start dry run: 200') or diag($r->{body});
    ok($r->{json} && ref $r->{json}{prechecks} eq 'ARRAY', '/start dry run: prechecks');

    my $after = get_w($L2->{id});
    is($after->{headers}{etag}, $g->{headers}{etag}, 'dry runs left the window\'s ETag');
    is($after->{json}{title}, 'CRM upgrade', 'dry runs left the title');
    is($after->{json}{status}, 'scheduled', 'the /start dry run did not start it');
    is(state_version(), $v0, 'dry runs left the state version');
    is_deeply(ids(list('limit=500')), $list0, 'dry runs created no window');
    is(audit('limit=1')->{items}[0]{id}, $audit0, 'dry runs wrote no audit entry');
    is_deeply(redis_dump(), $dump0, 'dry runs left every key in Redis as it was');
}

# --- the snapshot the gateways read ----------------------------------------------------------

{
    my $snap = snapshot();
    ok($snap, 'maint:state has a snapshot');
    is($redis->cmd('HGET', 'maint:state', 'schema'), 1, 'maint:state schema 1');
    is($snap && $snap->{schema}, 1, 'snapshot schema 1');
    ok($snap && ref $snap->{settings} eq 'HASH', 'snapshot settings');

    my $s1 = snap_window($L1->{id});
    ok($s1, 'the snapshot holds a scheduled window');
    is($s1 && $s1->{start}, epoch($L1->{starts_at}), 'snapshot start = starts_at in epoch seconds');
    is($s1 && $s1->{end}, epoch($L1->{ends_at}), 'snapshot end = ends_at in epoch seconds');
    is_deeply($s1 && $s1->{apps}, ['shop'], 'snapshot apps');
    is($s1 && $s1->{title}, 'Shop patch v2', 'snapshot title (after the PATCH)');
    is($s1 && $s1->{mode} // 'full', 'full', 'snapshot mode');
    ok($s1 && !$s1->{hold}, 'snapshot hold false');
    ok($s1 && !defined $s1->{notify_before_minutes}, 'notify_before_minutes null: absent from the snapshot');

    my $sf = snap_window($F->{id});
    is($sf && $sf->{mode}, 'read_only', 'snapshot: read_only mode');
    ok($sf && $sf->{hold} && JSON::PP::is_bool($sf->{hold}), 'snapshot: hold from hold_until_completed');
    is($sf && $sf->{login_message}, "Back soon.\nReally.", 'snapshot: login_message');
    ok($sf && JSON::PP::is_bool($sf->{show_login_message}) && !$sf->{show_login_message},
       'snapshot: show_login_message false');
    is($sf && $sf->{notify_message}, 'Tonight', 'snapshot: notify_message');
    is($sf && $sf->{notify_before_minutes}, 90, 'snapshot: notify_before_minutes');
    is_deeply($sf && $sf->{allow}, $FULL{allow}, 'snapshot: allow');
    is_deeply($sf && $sf->{apps}, ['full', 'full2'], 'snapshot: several apps');

    ok(snap_window($L3->{id}), 'the snapshot holds the "*" window');
    ok(!snap_window($L5->{id}), 'a cancelled window is not in the snapshot');
    ok(!snap_window($O1->{id}), 'a window cancelled later left the snapshot');
    ok(!snap_window($D->{id}), 'a deleted window is not in the snapshot');
    ok(!snap_window($Odis->{id}), 'a disabled window is not in the snapshot');

    # a completed window leaves it too
    # soon, so that starting it early overlaps nothing (the "*" window of
    # app "Network maintenance" lies hours ahead)
    my ($C, $rc) = create(title => 'To complete', apps => ['compl'],
                          starts_at => rfc3339(now_s() + 600), ends_at => rfc3339(now_s() + 1200));
    ok(snap_window($C->{id}), 'a new window enters the snapshot');
    my $s = $admin->api('POST', "/v1/windows/$C->{id}/start", if_match => $rc->{headers}{etag});
    is($s->{status}, 200, 'start it') or diag($s->{body});
    ok(snap_window($C->{id}), 'an in-progress window is in the snapshot');
    my $v0 = state_version();
    my $c = $admin->api('POST', "/v1/windows/$C->{id}/complete", if_match => $s->{headers}{etag});
    is($c->{status}, 200, 'complete it') or diag($c->{body});
    ok(state_version() > $v0, 'completing bumps the state version');
    ok(!snap_window($C->{id}), 'a completed window is not in the snapshot');

    # a cancelled one, right after the answer
    my ($X, $rx) = create(title => 'To cancel', apps => ['canc'],
                          starts_at => rfc3339($T + 42 * $H), ends_at => rfc3339($T + 43 * $H));
    ok(snap_window($X->{id}), 'another window enters the snapshot');
    $c = $admin->api('POST', "/v1/windows/$X->{id}/cancel", if_match => $rx->{headers}{etag});
    is($c->{status}, 200, 'cancel it') or diag($c->{body});
    ok(!snap_window($X->{id}), 'a cancelled window leaves the snapshot at once');
}

# --- "now" as starts_at ----------------------------------------------------------------------------

{
    my $before = now_s();
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Right now', apps => ['nowapp'], starts_at => 'now', ends_at => rfc3339($before + $H) });
    is($r->{status}, 201, 'starts_at "now": 201') or diag($r->{body});
    my $after = now_s();
    my $w = $r->{json} // {};
    my $s = epoch($w->{starts_at}) // 0;
    ok($s >= $before && $s <= $after, "starts_at \"now\" is the Redis clock's now ($w->{starts_at})");
    is(get_w($w->{id})->{json}{status}, 'in_progress', 'a window starting now is in progress');
    my $sw = snap_window($w->{id} // '');
    is($sw && $sw->{start}, $s, 'its snapshot start is now');
}

# --- settings ---------------------------------------------------------------------------------------

my ($set0, $set1);
{
    my $r = $admin->api('GET', '/v1/settings');
    is($r->{status}, 200, 'settings: 200');
    $set0 = $r->{json} // {};
    is($set0->{notify_before_minutes}, 30, 'settings: notify_before_minutes defaults to 30');
    ok(defined $set0->{login_message} && !ref $set0->{login_message}, 'settings: login_message');
    ok(defined $set0->{notify_message} && !ref $set0->{notify_message}, 'settings: notify_message');
    like($set0->{revision} // '', qr/^\d+$/, 'settings: revision');

    my $v0 = state_version();
    $r = $admin->api('PUT', '/v1/settings', json => { notify_before_minutes => 45 });
    is($r->{status}, 200, 'PUT settings: 200') or diag($r->{body});
    $set1 = $r->{json} // {};
    is($set1->{notify_before_minutes}, 45, 'PUT: notify_before_minutes updated');
    is($set1->{login_message}, $set0->{login_message}, 'PUT: a missing field keeps its value');
    ok($set1->{revision} > $set0->{revision}, 'PUT: revision grows');
    is($set1->{updated_by}, 'admin', 'PUT: updated_by');
    like($set1->{updated_at} // '', $TIME_RE, 'PUT: updated_at');
    ok(state_version() > $v0, 'PUT: state version bumped');
    is_deeply($admin->api('GET', '/v1/settings')->{json}, $set1, 'GET shows the update');

    $r = $admin->api('PUT', '/v1/settings', json => { notify_before_minutes => 50 },
                     if_match => '"' . ($set1->{revision} + 10) . '"');
    is_problem($r, 412, 'precondition-failed', 'PUT settings with a wrong If-Match');
    is($r->{json} && $r->{json}{current_etag}, qq("$set1->{revision}"), '412 names the current ETag');

    $r = $admin->api('PUT', '/v1/settings',
                     json => { login_message => 'Settings login', notify_message => "Settings\tnotice" },
                     if_match => qq("$set1->{revision}"));
    is($r->{status}, 200, 'PUT settings with the current If-Match: 200') or diag($r->{body});
    $set1 = $r->{json} // {};
    is($set1->{notify_before_minutes}, 45, 'PUT: the other field kept');
    is($set1->{login_message}, 'Settings login', 'PUT: login_message');

    is_problem($admin->api('PUT', '/v1/settings', json => { notify_before_minutes => -1 }), 422,
               'validation', 'PUT settings with a negative notice');
    my $bad = $admin->api('PUT', '/v1/settings', json => { colour => 'red' });
    is_problem($bad, 422, 'validation', 'PUT settings with an unknown field');
    ok(scalar(grep { ($_->{field} // '') eq 'colour' } @{ ($bad->{json} // {})->{errors} // [] }),
       '... named in errors');

    my $snap = snapshot() // {};
    is($snap->{settings}{notify_before_minutes}, 45, 'snapshot settings: notify_before_minutes');
    is($snap->{settings}{login_message}, 'Settings login', 'snapshot settings: login_message');
    is($snap->{settings}{notify_message}, "Settings\tnotice", 'snapshot settings: notify_message');

    # a window that leaves its messages empty shows the settings' texts
    my $s1 = snap_window($L1->{id}) // {};
    ok(!length($s1->{login_message} // '') && !length($s1->{notify_message} // ''),
       'a window with empty messages leaves them empty in the snapshot: the settings\' texts apply');
}

# --- audit -------------------------------------------------------------------------------------

{
    my $all = audit('limit=500');
    my @items = @{ $all->{items} // [] };
    ok(@items >= 20, 'audit: the history (' . scalar(@items) . ' entries)');
    ok(!defined $all->{next_before}, 'audit: next_before null on the only page');
    ok(!grep({ id_cmp($items[$_]{id}, $items[$_ + 1]{id}) <= 0 } 0 .. $#items - 1),
       'audit: newest first, ids strictly descending');
    ok(!grep({ ($_->{at} // '') !~ $TIME_RE } @items), 'audit: every "at" is RFC 3339 UTC');
    ok(!grep({ (epoch($items[$_]{at}) // 0) < (epoch($items[$_ + 1]{at}) // 0) } 0 .. $#items - 1),
       'audit: "at" never grows down the list');

    # paging
    my (@paged, $before, $n);
    do {
        my $p = audit('limit=3' . (defined $before ? '&before=' . uri($before) : ''));
        my @page = @{ $p->{items} // [] };
        ok(@page <= 3, 'audit limit=3: at most three per page');
        push @paged, map { $_->{id} } @page;
        $before = $p->{next_before};
    } while (defined $before && ++$n < 100);
    is_deeply(\@paged, [ map { $_->{id} } @items ], 'audit: following next_before gives every entry once');

    # filters
    for my $f ([ target => $L1->{id} ], [ actor => 'admin' ], [ action => 'window.update' ],
               [ action => 'window.create' ]) {
        my ($k, $v) = @$f;
        my @got = @{ audit("$k=" . uri($v) . '&limit=500')->{items} // [] };
        ok(@got, "audit $k=$v: entries");
        ok(!grep({ ($_->{$k} // '') ne $v } @got), "audit $k=$v: only those");
        is(scalar @got, scalar(grep { ($_->{$k} // '') eq $v } @items), "audit $k=$v: all of those");
    }
    is_deeply(audit('actor=nobody')->{items}, [], 'audit actor=nobody: none');

    # content
    my @l1 = @{ audit('target=' . uri($L1->{id}) . '&limit=500')->{items} // [] };
    my ($cr) = grep { $_->{action} eq 'window.create' } @l1;
    ok($cr, 'audit: the creation');
    is($cr && $cr->{actor}, 'admin', 'creation: actor');
    is($cr && $cr->{role}, 'admin', 'creation: role');
    is($cr && $cr->{outcome}, 'ok', 'creation: outcome ok');
    is($cr && $cr->{status}, 201, 'creation: status 201');
    ok($cr && exists $cr->{before} && !defined $cr->{before}, 'creation: before null');
    is($cr && $cr->{after} && $cr->{after}{title}, 'Shop patch', 'creation: after is the new window');
    is($cr && $cr->{after} && $cr->{after}{id}, $L1->{id}, 'creation: after.id');
    ok($cr && defined $cr->{request_id} && length $cr->{request_id}, 'creation: request_id');
    is($cr && $cr->{state_version}, $version_after_L1, 'creation: the state version it wrote');

    my ($up) = grep { $_->{action} eq 'window.update' && $_->{outcome} eq 'ok'
                      && ($_->{before}{title} // '') eq 'Shop patch'
                      && ($_->{after}{title} // '') eq 'Shop patch v2' } @l1;
    ok($up, 'audit: the update');
    is($up && $up->{before}{title}, 'Shop patch', 'update: before has the old title');
    is($up && $up->{after}{notify_before_minutes}, 45, 'update: after has the change');
    is($up && $up->{status}, 200, 'update: status 200');

    my @rej = grep { $_->{action} eq 'window.update' && $_->{outcome} eq 'rejected' } @l1;
    ok(scalar(grep { ($_->{status} // 0) == 412 } @rej) >= 2, 'audit: the 412 attempts are rejected entries');
    ok(scalar(grep { ($_->{status} // 0) == 428 } @rej) >= 1, 'audit: the 428 attempt is a rejected entry');

    ok(scalar(grep { $_->{action} eq 'window.create' && $_->{outcome} eq 'rejected'
                     && ($_->{status} // 0) == 409 } @items) >= 5,
       'audit: refused overlapping creations are rejected entries');

    my ($st) = grep { $_->{action} eq 'settings.update' && $_->{outcome} eq 'ok'
                      && ($_->{after}{notify_before_minutes} // 0) == 45
                      && ($_->{before}{notify_before_minutes} // 0) == 30 } @items;
    ok($st, 'audit: the settings update with before and after');

    my ($ca) = grep { $_->{action} eq 'window.cancel' && ($_->{target} // '') eq $L5->{id} } @items;
    is($ca && $ca->{before}{status}, 'scheduled', 'cancel: before scheduled');
    is($ca && $ca->{after}{status}, 'cancelled', 'cancel: after cancelled');
    is($ca && $ca->{after}{completion_notes}, 'postponed', 'cancel: the notes');
}

$admin->stop;
$redis->stop;

done_testing();
