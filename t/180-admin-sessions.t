# Sessions through the admin API (docs/admin-api.md, "Sessions",
# "Settings", "Errors", "Audit"; docs/redis-schema.md, "Sessions: the
# registry, the blacklist, cutoffs").  The registry is the gateways' to
# write, so the test seeds it the way the schema says a gateway does, then
# checks: GET /v1/sessions (fields, filters, paging, newest last_seen
# first, expired index entries not shown), GET /v1/sessions/{id} (404 for
# unknown and malformed ids), DELETE /v1/sessions/{id} (the blacklist entry,
# its TTL from session_lifetime_days, revocations bumped by exactly one, ids
# never seen), POST /v1/sessions/terminate (the cutoff in
# maint:session_cutoffs and in the snapshot, kept_at on the excepted
# sessions, except and except_superadmins, sessions of other apps left
# alone, everywhere), a window with terminate_sessions and what its end
# leaves behind, validation, roles, the audit, the two new settings, and
# the redis_writable check with a volatile-* policy under a maxmemory.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
my $MIN_MS = 60_000;
my $HOUR_MS = 3600_000;
my $DAY_MS = 86400_000;
my $JSON = JSON::PP->new->utf8->canonical;

sub now_ms { redis_now_ms($redis) }
sub now_s { int(now_ms() / 1000) }

sub state_field { $redis->cmd('HGET', 'maint:state', $_[0]) // 0 }
sub state_version { state_field('version') }
sub revocations { state_field('revocations') }

sub decode_or_undef {
    my ($text) = @_;
    return undef unless defined $text;
    return eval { $JSON->decode($text) };
}

sub snapshot { decode_or_undef($redis->cmd('HGET', 'maint:state', 'snapshot')) }
sub cutoffs { decode_or_undef($redis->cmd('GET', 'maint:session_cutoffs')) }

sub uri { my $s = shift; $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; $s }

sub is_bool_val {
    my ($v, $want, $name) = @_;
    ok(JSON::PP::is_bool($v) && (!!$v == !!$want), "$name: JSON " . ($want ? 'true' : 'false'));
}

# A 422 whose errors[] name the field (an array's item may be named
# "field[i]" or "field.i")
sub is_invalid {
    my ($r, $field, $name) = @_;
    is_problem($r, 422, 'validation', $name);
    my @fields = map { $_->{field} // '' } grep { ref $_ eq 'HASH' }
                 @{ (ref $r->{json} eq 'HASH' ? $r->{json}{errors} : undef) // [] };
    ok(scalar(grep { $_ eq $field || /^\Q$field\E[\[.]/ } @fields), "$name: errors name $field")
        or diag("errors name: @fields");
}

sub audit_items {
    my ($query) = @_;
    my $r = $admin->api('GET', "/v1/audit?limit=500&$query");
    return @{ ($r->{json} // {})->{items} // [] };
}

# --- the registry, written the way a gateway writes it ----------------------------------

# seed_session(id => ..., app => ..., first_seen => ms|undef, last_seen => ms,
#              addr, user_agent, user, superadmin)
sub seed_session {
    my (%s) = @_;
    my $key = "maint:session:$s{id}";
    my @fields = (last_seen => $s{last_seen}, app => $s{app}, addr => $s{addr},
                  user_agent => $s{user_agent});
    push @fields, user => $s{user} if defined $s{user};
    # as the edge writes it: the name and the credential it signed in with
    push @fields, superadmin => $s{superadmin},
                  superadmin_cid => superadmin_cid($redis, $s{superadmin})
        if defined $s{superadmin};
    $redis->atomically(
        [ 'HSET', $key, @fields ],
        defined $s{first_seen} ? [ 'HSETNX', $key, 'first_seen', $s{first_seen} ] : (),
        [ 'PEXPIRE', $key, 1440 * $MIN_MS ],
        [ 'ZADD', 'maint:sessions', $s{last_seen}, $s{id} ],
    );
    return \%s;
}

sub get_session { $admin->api('GET', "/v1/sessions/$_[0]") }

sub ids_of { [ map { $_->{id} } @{ ($_[0]{json} // {})->{items} // [] } ] }

sub list_sessions {
    my ($query) = @_;
    return $admin->api('GET', '/v1/sessions' . (defined $query ? "?$query" : ''));
}

# The session as the API must show it, from what was seeded.
sub expected_session {
    my ($s) = @_;
    return {
        id => $s->{id}, app => $s->{app},
        first_seen => defined $s->{first_seen} ? rfc3339(int($s->{first_seen} / 1000)) : undef,
        last_seen => rfc3339(int($s->{last_seen} / 1000)),
        addr => $s->{addr}, user_agent => $s->{user_agent},
        user => $s->{user}, superadmin => $s->{superadmin},
    };
}

# Every documented field: the seeded ones, then status, ended_by, kept_at.
sub check_session {
    my ($got, $s, $status, $ended_by, $name) = @_;
    $got //= {};
    my $want = expected_session($s);
    for my $f (sort keys %$want) {
        ok(exists $got->{$f}, "$name: has $f");
        is($got->{$f}, $want->{$f}, "$name: $f");
    }
    is($got->{status}, $status, "$name: status $status");
    ok(exists $got->{ended_by}, "$name: has ended_by");
    is($got->{ended_by}, $ended_by, "$name: ended_by " . ($ended_by // 'null'));
    ok(exists $got->{kept_at}, "$name: has kept_at");
}

sub status_is {
    my ($s, $status, $ended_by, $name) = @_;
    my $r = get_session($s->{id});
    is($r->{status}, 200, "$name: GET 200") or diag($r->{body});
    my $j = $r->{json} // {};
    is($j->{status}, $status, "$name: $status");
    is($j->{ended_by}, $ended_by, "$name: ended_by " . ($ended_by // 'null'));
    return $j;
}

my $superadmin_name = 'boss';
{
    my $r = $admin->api('POST', '/v1/superadmins', json => { name => $superadmin_name });
    is($r->{status}, 201, "a superadmin named $superadmin_name (for except_superadmins)")
        or diag($r->{body});
}

# --- settings: session_idle_minutes and session_lifetime_days ----------------------------

{
    my $r = $admin->api('GET', '/v1/settings');
    is($r->{status}, 200, 'settings: 200');
    my $s0 = $r->{json} // {};
    is($s0->{session_idle_minutes}, 1440, 'settings: session_idle_minutes defaults to 1440');
    is($s0->{session_lifetime_days}, 30, 'settings: session_lifetime_days defaults to 30');

    my @BAD = (
        [ session_idle_minutes  => 0 ],
        [ session_idle_minutes  => -1 ],
        [ session_idle_minutes  => 527041 ],
        [ session_idle_minutes  => '60' ],
        [ session_idle_minutes  => 1.5 ],
        [ session_idle_minutes  => JSON::PP::true ],
        [ session_lifetime_days => 0 ],
        [ session_lifetime_days => -30 ],
        [ session_lifetime_days => 3651 ],
        [ session_lifetime_days => '30' ],
        [ session_lifetime_days => 2.5 ],
    );
    for my $b (@BAD) {
        my ($field, $value) = @$b;
        my $shown = $JSON->allow_nonref->encode($value);
        is_invalid($admin->api('PUT', '/v1/settings', json => { $field => $value }), $field,
                   "PUT settings $field = $shown");
    }
    is($admin->api('GET', '/v1/settings')->{json}{revision}, $s0->{revision},
       'refused settings changed nothing (same revision)');

    my @GOOD = (
        [ session_idle_minutes  => 1 ],
        [ session_idle_minutes  => 527040 ],
        [ session_lifetime_days => 1 ],
        [ session_lifetime_days => 3650 ],
    );
    for my $g (@GOOD) {
        my ($field, $value) = @$g;
        $r = $admin->api('PUT', '/v1/settings', json => { $field => $value });
        is($r->{status}, 200, "PUT settings $field = $value (a limit): 200") or diag($r->{body});
        is($r->{json} && $r->{json}{$field}, $value, "... $field is $value");
    }

    is_problem($admin->api('PUT', '/v1/settings', token => 'viewer', json => { session_idle_minutes => 5 }),
               403, 'forbidden', 'a viewer PUTting settings');

    my $v0 = state_version();
    $r = $admin->api('PUT', '/v1/settings', json => { session_idle_minutes => 90, session_lifetime_days => 30 });
    is($r->{status}, 200, 'PUT settings session_idle_minutes 90, session_lifetime_days 30') or diag($r->{body});
    my $s1 = $r->{json} // {};
    is($s1->{session_idle_minutes}, 90, 'PUT: session_idle_minutes');
    is($s1->{session_lifetime_days}, 30, 'PUT: session_lifetime_days');
    is($s1->{notify_before_minutes}, $s0->{notify_before_minutes}, 'PUT: the other fields are kept');
    is_deeply($admin->api('GET', '/v1/settings')->{json}, $s1, 'GET shows the update');
    ok(state_version() > $v0, 'PUT: the state version was bumped');
    my $snap = snapshot() // {};
    is($snap->{settings} && $snap->{settings}{session_idle_minutes}, 90,
       'the snapshot\'s settings carry session_idle_minutes');

    my ($a) = grep { ($_->{after}{session_idle_minutes} // 0) == 90 } audit_items('action=settings.update');
    ok($a, 'the settings change is audited with the new session_idle_minutes');
}

# --- redis_writable: a volatile-* policy with a maxmemory is a warning ------------------

{
    my $t = now_s();
    my $dry = { title => 'Dry run for the precheck', apps => ['dryapp'],
                starts_at => rfc3339($t + 86400), ends_at => rfc3339($t + 86400 + 3600) };
    my @POLICIES = (
        # maxmemory, maxmemory-policy, redis_writable
        [ '100mb', 'volatile-lru', 'warn' ],
        [ '100mb', 'volatile-ttl', 'warn' ],
        [ '100mb', 'noeviction',   'ok' ],
        [ '0',     'volatile-lru', 'ok' ],
        [ '0',     'noeviction',   'ok' ],
        [ '100mb', 'allkeys-lru',  'fail' ],
    );
    for my $p (@POLICIES) {
        my ($maxmemory, $policy, $want) = @$p;
        my $name = "maxmemory $maxmemory, $policy";
        $redis->cmd('CONFIG', 'SET', 'maxmemory', $maxmemory);
        $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', $policy);

        my $h = $admin->api('GET', '/healthz', token => 'none');
        is($h->{status}, $want eq 'fail' ? 503 : 200, "$name: /healthz " . ($want eq 'fail' ? 503 : 200));
        is($h->{json} && $h->{json}{status}, $want eq 'fail' ? 'unavailable' : 'ok', "$name: /healthz status");
        my ($hc) = grep { ref $_ eq 'HASH' && ($_->{name} // '') eq 'redis_writable' }
                   @{ ($h->{json} // {})->{checks} // [] };
        is($hc && $hc->{status}, $want, "$name: /healthz check redis_writable $want");

        my $r = $admin->api('POST', '/v1/windows?dry_run=true', json => $dry);
        is($r->{status}, 200, "$name: dry run 200") or diag($r->{body});
        my ($pc) = grep { ref $_ eq 'HASH' && ($_->{name} // '') eq 'redis_writable' }
                   @{ ($r->{json} // {})->{prechecks} // [] };
        is($pc && $pc->{status}, $want, "$name: dry run precheck redis_writable $want");
        ok($pc && defined $pc->{detail} && length $pc->{detail}, "$name: the precheck has a detail");
        is_bool_val(($r->{json} // {})->{ok}, $want ne 'fail', "$name: dry run ok");
    }
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '0');
}

# --- seed the registry ------------------------------------------------------------------------

my $N = now_ms();
my %S;
my @SEED = (
    # name,          app,       first seen (ms ago), last seen (s ago), user,      superadmin
    [ shop_alice    => 'shop',    3 * $HOUR_MS,        10,                'alice',   undef ],
    [ crm_alice     => 'crm',     5 * $HOUR_MS,        20,                'alice',   undef ],
    [ shop_bob      => 'shop',    2 * $HOUR_MS,        30,                'bob',     undef ],
    [ shop_unseen   => 'shop',    undef,               40,                'carol',   undef ],
    [ shop_sa       => 'shop',    1 * $HOUR_MS,        50,                'frank',   $superadmin_name ],
    [ shop_bossuser => 'shop',    1 * $HOUR_MS,        60,                $superadmin_name, undef ],
    [ shop_keep     => 'shop',    4 * $HOUR_MS,        70,                'dave',    undef ],
    [ crm_anon      => 'crm',     undef,               80,                undef,     undef ],
    [ billing_erin  => 'billing', 6 * $HOUR_MS,        90,                'erin',    undef ],
);
my $n = 0;
for my $row (@SEED) {
    my ($name, $app, $first_ago, $last_ago, $user, $sa) = @$row;
    $n++;
    $S{$name} = seed_session(
        id => session_id("cookie-value-$name"), app => $app,
        first_seen => defined $first_ago ? $N - $first_ago : undef,
        last_seen => $N - $last_ago * 1000,
        addr => "198.51.100.$n", user_agent => "Mozilla/5.0 (X11; Linux x86_64) test/$name",
        user => $user, superadmin => $sa);
}
my @BY_LAST_SEEN = map { $_->[0] } @SEED;             # seeded newest first

# an index entry whose hash has expired (or was never written)
my $ghost = session_id('cookie-value-expired');
$redis->cmd('ZADD', 'maint:sessions', $N - 5000, $ghost);

sub names_to_ids { [ map { $S{$_}{id} } @_ ] }

# --- GET /v1/sessions and /v1/sessions/{id} -------------------------------------------------------

{
    my $r = list_sessions();
    is($r->{status}, 200, 'list: 200') or diag($r->{body});
    like($r->{headers}{'content-type'} // '', qr{^application/json\b}, 'list: JSON');
    is_deeply(ids_of($r), names_to_ids(@BY_LAST_SEEN),
              'list: every session, newest last_seen first, no expired index entry');
    ok(exists $r->{json}{next_cursor} && !defined $r->{json}{next_cursor}, 'list: next_cursor null on the only page');

    my ($first) = @{ $r->{json}{items} // [] };
    check_session($first, $S{shop_alice}, 'active', undef, 'list item shop_alice');
    ok(exists $first->{kept_at} && !defined $first->{kept_at}, 'list item shop_alice: kept_at null');

    for my $name (@BY_LAST_SEEN) {
        my $g = get_session($S{$name}{id});
        is($g->{status}, 200, "GET $name: 200") or diag($g->{body});
        check_session($g->{json}, $S{$name}, 'active', undef, "GET $name");
    }
    my $g = get_session($S{shop_unseen}{id});
    ok(exists $g->{json}{first_seen} && !defined $g->{json}{first_seen},
       'a session never seen being created: first_seen null');
    $g = get_session($S{crm_anon}{id});
    ok(exists $g->{json}{user} && !defined $g->{json}{user}, 'a session without a user: user null');
    is(get_session($S{shop_sa}{id})->{json}{superadmin}, $superadmin_name, 'superadmin: the name');
    is_deeply(get_session($S{shop_alice}{id})->{json}, $first, 'GET: the same object as the list');

    is_problem(get_session($ghost), 404, 'not-found', 'GET a session whose hash expired');
    is_problem(get_session(session_id('never-seen')), 404, 'not-found', 'GET an unknown session');
    for my $bad ('xyz', substr($S{shop_alice}{id}, 1), $S{shop_alice}{id} . '0', 'g' x 64,
                 '..%2F..%2Fetc', '%00' . ('a' x 61)) {
        is_problem(get_session($bad), 404, 'not-found', "GET a malformed session id ($bad)");
    }

    is_problem($admin->api('GET', '/v1/sessions', token => 'none'), 401, 'unauthorized', 'list without a token');
    my $v = $admin->api('GET', '/v1/sessions', token => 'viewer');
    is($v->{status}, 200, 'a viewer lists sessions');
    is($admin->api('GET', "/v1/sessions/$S{shop_bob}{id}", token => 'viewer')->{status}, 200,
       'a viewer reads a session');
}

my @FILTERS = (
    [ 'app=shop',            [qw(shop_alice shop_bob shop_unseen shop_sa shop_bossuser shop_keep)] ],
    [ 'app=crm',             [qw(crm_alice crm_anon)] ],
    [ 'app=nosuch',          [] ],
    [ 'user=alice',          [qw(shop_alice crm_alice)] ],
    [ 'user=dave',           [qw(shop_keep)] ],
    [ 'user=nobody',         [] ],
    [ 'status=active',       [@BY_LAST_SEEN] ],
    [ 'status=ended',        [] ],
    [ 'app=shop&user=alice', [qw(shop_alice)] ],
    [ 'app=crm&user=alice&status=active', [qw(crm_alice)] ],
);
for my $f (@FILTERS) {
    my ($q, $want) = @$f;
    my $r = list_sessions($q);
    is($r->{status}, 200, "list ?$q: 200");
    is_deeply(ids_of($r), names_to_ids(@$want), "list ?$q");
}

for my $q ('limit=0', 'limit=501', 'limit=abc', 'status=bogus') {
    is_problem(list_sessions($q), 400, 'bad-request', "list ?$q");
}

# paging
{
    my $p1 = list_sessions('limit=4');
    is_deeply(ids_of($p1), names_to_ids(@BY_LAST_SEEN[0 .. 3]), 'limit=4: the newest four');
    my $cur = $p1->{json}{next_cursor};
    ok(defined $cur && length $cur, 'limit=4: a next_cursor');
    my $p2 = list_sessions('limit=4&cursor=' . uri($cur // ''));
    is_deeply(ids_of($p2), names_to_ids(@BY_LAST_SEEN[4 .. 7]), 'cursor: the next four');
    my $p3 = list_sessions('limit=4&cursor=' . uri($p2->{json}{next_cursor} // ''));
    is_deeply(ids_of($p3), names_to_ids($BY_LAST_SEEN[8]), 'cursor: the last one');
    ok(!defined $p3->{json}{next_cursor}, 'cursor: next_cursor null on the last page');

    my (@all, $c, $pages);
    do {
        my $p = list_sessions('limit=2' . (defined $c ? '&cursor=' . uri($c) : ''));
        ok(@{ ids_of($p) } <= 2, 'limit=2: at most two a page');
        push @all, @{ ids_of($p) };
        $c = $p->{json}{next_cursor};
    } while (defined $c && ++$pages < 20);
    is_deeply(\@all, names_to_ids(@BY_LAST_SEEN), 'limit=2: following next_cursor gives every session once, in order');

    my $s1 = list_sessions('app=shop&limit=4');
    is_deeply(ids_of($s1), names_to_ids(qw(shop_alice shop_bob shop_unseen shop_sa)), 'filtered paging: first page');
    my $s2 = list_sessions('app=shop&limit=4&cursor=' . uri($s1->{json}{next_cursor} // ''));
    is_deeply(ids_of($s2), names_to_ids(qw(shop_bossuser shop_keep)), 'filtered paging: the filter holds on the next page');
}

# --- DELETE /v1/sessions/{id} -------------------------------------------------------------------------

my @ended_one_by_one;
sub end_session {
    my ($id, $lifetime_days, $name) = @_;
    my ($v0, $r0) = (state_version(), revocations());
    my $t0 = now_ms();
    my $r = $admin->api('DELETE', "/v1/sessions/$id");
    is($r->{status}, 204, "$name: DELETE 204") or diag($r->{body});
    is($r->{body}, '', "$name: no body");
    push @ended_one_by_one, $id if $r->{status} == 204;

    my $entry = decode_or_undef($redis->cmd('GET', "maint:revoked:$id"));
    ok($entry, "$name: maint:revoked:<id> holds JSON");
    is($entry && $entry->{by}, 'admin', "$name: blacklist entry by the actor");
    ok($entry && defined $entry->{at} && $entry->{at} >= $t0 - 1000 && $entry->{at} <= now_ms() + 1000,
       "$name: blacklist entry at now, in ms");
    my $ttl = $redis->cmd('PTTL', "maint:revoked:$id");
    my $want = $lifetime_days * $DAY_MS;
    ok($ttl > $want - 60_000 && $ttl <= $want,
       "$name: the blacklist entry lives session_lifetime_days ($lifetime_days d; PTTL $ttl)");
    is(revocations(), $r0 + 1, "$name: revocations bumped by exactly one");
}

{
    my $bob = $S{shop_bob}{id};
    my $r0 = revocations();
    is_problem($admin->api('DELETE', "/v1/sessions/$bob", token => 'viewer'), 403, 'forbidden',
               'a viewer ending a session');
    is($redis->cmd('EXISTS', "maint:revoked:$bob"), 0, '... wrote no blacklist entry');
    is(revocations(), $r0, '... nor bumped revocations');
    is_problem($admin->api('DELETE', "/v1/sessions/$bob", token => 'none'), 401, 'unauthorized',
               'ending a session without a token');

    end_session($bob, 30, 'end shop_bob');
    my $j = status_is($S{shop_bob}, 'ended', 'revoked', 'shop_bob after DELETE');
    check_session($j, $S{shop_bob}, 'ended', 'revoked', 'shop_bob after DELETE');
    is_deeply(ids_of(list_sessions('status=ended')), [ $bob ], 'list ?status=ended: the ended session');
    is_deeply(ids_of(list_sessions('app=shop&status=active')),
              names_to_ids(qw(shop_alice shop_unseen shop_sa shop_bossuser shop_keep)),
              'list ?app=shop&status=active: the others');
    is(get_session($S{shop_alice}{id})->{json}{status}, 'active', 'other sessions stay active');

    # an id the edge never saw: ended before it shows up
    my $early = session_id('cookie-value-ended-before-seen');
    end_session($early, 30, 'end a session never seen');
    my $late = seed_session(id => $early, app => 'late', first_seen => now_ms(), last_seen => now_ms(),
                            addr => '203.0.113.9', user_agent => 'curl/8', user => 'late');
    status_is($late, 'ended', 'revoked', 'a session ended before the edge saw it, once seen');
    is(get_session($S{crm_alice}{id})->{json}{status}, 'active', 'sessions of other apps stay active');

    my $again = $admin->api('DELETE', "/v1/sessions/$bob");
    is($again->{status}, 204, 'ending an ended session again: 204');

    # the blacklist entry follows session_lifetime_days
    my $p = $admin->api('PUT', '/v1/settings', json => { session_lifetime_days => 2 });
    is($p->{status}, 200, 'PUT session_lifetime_days 2') or diag($p->{body});
    end_session(session_id('cookie-value-two-days'), 2, 'end a session with a 2-day lifetime');
    $p = $admin->api('PUT', '/v1/settings', json => { session_lifetime_days => 30 });
    is($p->{status}, 200, 'PUT session_lifetime_days 30 again') or diag($p->{body});

    # ids that are not 64 hex digits are not sessions: refused, nothing written
    # (404 like the windows' impossible ids; the contract says only that
    # any 64-hex id works, so 422 is accepted too)
    my $r1 = revocations();
    for my $bad ('xyz', substr($bob, 1), $bob . '0', 'g' x 64) {
        my $r = $admin->api('DELETE', "/v1/sessions/$bad");
        ok($r->{status} == 404 || $r->{status} == 422, "DELETE a malformed id ($bad): 404 or 422 (got $r->{status})");
        is($redis->cmd('EXISTS', "maint:revoked:$bad"), 0, "DELETE a malformed id ($bad): no blacklist entry");
    }
    is(revocations(), $r1, 'malformed ids did not bump revocations');
}

# --- POST /v1/sessions/terminate: validation and roles --------------------------------------------------

{
    my $id = $S{shop_keep}{id};
    my @BAD = (
        [ { app => 'bad app' },                     'app' ],
        [ { app => '' },                            'app' ],
        [ { app => 'x' x 65 },                      'app' ],
        [ { app => 'shop/x' },                      'app' ],
        [ { app => 42 },                            'app' ],
        [ { app => ['shop'] },                      'app' ],
        [ { app => 'shop', except => $id },         'except' ],
        [ { except => { id => $id } },              'except' ],
        [ { except => ['abc'] },                    'except' ],
        [ { except => [ substr($id, 1) ] },         'except' ],
        [ { except => [ $id . 'a' ] },              'except' ],
        [ { except => [ 'z' x 64 ] },               'except' ],
        [ { except => [ $id, 7 ] },                 'except' ],
        [ { except => [ undef ] },                  'except' ],
        [ { except_superadmins => 'yes' },          'except_superadmins' ],
        [ { except_superadmins => 1 },              'except_superadmins' ],
        [ { colour => 'red' },                      'colour' ],
        [ { app => 'shop', scope => 'all' },        'scope' ],
    );
    my ($v0, $r0, $c0) = (state_version(), revocations(), cutoffs());
    for my $b (@BAD) {
        my ($body, $field) = @$b;
        is_invalid($admin->api('POST', '/v1/sessions/terminate', json => $body), $field,
                   'terminate ' . $JSON->encode($body));
    }
    for my $raw ('not json', '[]', '"shop"', '{"app":"shop","app":"crm"}') {
        is_problem($admin->api('POST', '/v1/sessions/terminate', body => $raw), 400, 'bad-request',
                   "terminate with the body $raw");
    }
    is_problem($admin->api('POST', '/v1/sessions/terminate', token => 'viewer', json => { app => 'shop' }),
               403, 'forbidden', 'a viewer ending every session of an app');
    is_problem($admin->api('POST', '/v1/sessions/terminate', token => 'viewer', json => {}),
               403, 'forbidden', 'a viewer ending every session');

    is(state_version(), $v0, 'refused terminations left the state version');
    is(revocations(), $r0, 'refused terminations left revocations');
    is_deeply(cutoffs(), $c0, 'refused terminations wrote no cutoff');
    my $sc = (snapshot() // {})->{session_cutoffs};
    ok(!$sc || (ref $sc eq 'HASH' && !%$sc), 'refused terminations put no cutoff in the snapshot');
    is(get_session($S{shop_alice}{id})->{json}{status}, 'active', 'refused terminations ended nothing');
    is(get_session($id)->{json}{kept_at}, undef, 'refused terminations kept nothing');
}

# --- POST /v1/sessions/terminate for one app ----------------------------------------------------------------

my ($c1, @kept_shop);
{
    my ($v0, $r0) = (state_version(), revocations());
    my $before = now_s();
    my $r = $admin->api('POST', '/v1/sessions/terminate', json => {
        app => 'shop', except => [ $S{shop_keep}{id} ], except_superadmins => JSON::PP::true });
    my $after = now_s();
    is($r->{status}, 200, 'terminate app shop: 200') or diag($r->{body});
    my $j = $r->{json} // {};
    is($j->{app}, 'shop', 'terminate: app');
    like($j->{cutoff} // '', $TIME_RE, 'terminate: cutoff in UTC');
    $c1 = epoch($j->{cutoff}) // 0;
    # whole seconds: now, rounded either way
    ok($c1 >= $before && $c1 <= $after + 1,
       "terminate: the cutoff is the Redis clock's now (" . ($j->{cutoff} // 'none') . ')');
    # shop_bossuser's app user is named like the superadmin: not one of
    # theirs, the edge never saw it bypassed (issue 12 E)
    is($j->{kept}, 2, 'terminate: kept 2 (the excepted session and the superadmin\'s session)');

    is_deeply(cutoffs(), { shop => $c1 }, 'maint:session_cutoffs: {"shop": cutoff}');
    my $snap = snapshot() // {};
    is_deeply($snap->{session_cutoffs}, { shop => $c1 }, 'the snapshot\'s session_cutoffs');
    ok(state_version() > $v0, 'terminate: the state version was bumped');
    ok(revocations() > $r0, 'terminate: revocations bumped (kept_at written)');

    @kept_shop = qw(shop_keep shop_sa);
    for my $name (@kept_shop) {
        my $k = $redis->cmd('HGET', "maint:session:$S{$name}{id}", 'kept_at');
        ok(defined $k && $k >= $c1 * 1000 && $k <= now_ms() + 1000,
           "$name: kept_at in the registry, in ms, not before the cutoff (" . ($k // 'none') . ')');
        my $g = status_is($S{$name}, 'active', undef, "$name (excepted)");
        like($g->{kept_at} // '', $TIME_RE, "$name: kept_at shown in UTC");
        ok((epoch($g->{kept_at}) // 0) >= $c1, "$name: kept_at not before the cutoff");
        ok($redis->cmd('PTTL', "maint:session:$S{$name}{id}") > 0, "$name: the registry entry still expires");
    }
    for my $name (qw(shop_alice shop_unseen shop_bossuser)) {
        my $g = status_is($S{$name}, 'ended', 'cutoff', "$name (shop, not excepted)");
        ok(exists $g->{kept_at} && !defined $g->{kept_at}, "$name: kept_at null");
        is($redis->cmd('HGET', "maint:session:$S{$name}{id}", 'kept_at'), undef, "$name: no kept_at in the registry");
    }
    status_is($S{shop_bob}, 'ended', 'revoked', 'shop_bob: ended one by one before, still "revoked"');
    for my $name (qw(crm_alice crm_anon billing_erin)) {
        my $g = status_is($S{$name}, 'active', undef, "$name (another app)");
        ok(!defined $g->{kept_at}, "$name: kept_at null");
    }

    # created since the cutoff, as the edge saw it, or not seen created at all
    my %late = (
        shop_created_at_cutoff  => [ $c1 * 1000,           'active', undef ],
        shop_created_after      => [ ($c1 + 1) * 1000,     'active', undef ],
        shop_created_just_before => [ $c1 * 1000 - 1,      'ended',  'cutoff' ],
        shop_seen_not_created   => [ undef,                'ended',  'cutoff' ],
    );
    for my $name (sort keys %late) {
        my ($first, $status, $ended_by) = @{ $late{$name} };
        $S{$name} = seed_session(id => session_id("cookie-value-$name"), app => 'shop',
                                 first_seen => $first, last_seen => now_ms(),
                                 addr => '192.0.2.50', user_agent => 'test', user => $name);
        status_is($S{$name}, $status, $ended_by, "$name, registered after the cutoff");
    }

    is_deeply(ids_of(list_sessions('app=shop&status=ended&limit=500')),
              [ map { $_->{id} } grep { ($_->{status} // '') eq 'ended' }
                @{ (list_sessions('app=shop&limit=500')->{json} // {})->{items} // [] } ],
              'list ?app=shop&status=ended agrees with the items\' status');
    my %ended = map { $_ => 1 } @{ ids_of(list_sessions('status=ended&limit=500')) };
    ok($ended{ $S{shop_alice}{id} } && $ended{ $S{shop_unseen}{id} } && !$ended{ $S{shop_keep}{id} }
       && !$ended{ $S{crm_alice}{id} }, 'list ?status=ended: the cut sessions, not the kept ones');
}

# --- a window with terminate_sessions ----------------------------------------------------------------------

{
    # sessions created an hour before the window, registered before it starts
    my %W;
    my $t0 = now_ms();
    my @BEFORE = (
        # name,          user,              superadmin,        status during the window, ended_by
        [ win_user      => 'gina',            undef,             'ended',  'window' ],
        [ win_sa        => 'hank',            $superadmin_name,  'active', undef ],
        # an app user named like the superadmin is no superadmin
        [ win_bossuser  => $superadmin_name,  undef,             'ended',  'window' ],
    );
    for my $row (@BEFORE) {
        my ($name, $user, $sa) = @$row;
        $W{$name} = seed_session(id => session_id("cookie-value-$name"), app => 'winapp',
                                 first_seen => $t0 - $HOUR_MS, last_seen => $t0,
                                 addr => '192.0.2.60', user_agent => 'test', user => $user, superadmin => $sa);
        status_is($W{$name}, 'active', undef, "$name, before the window");
    }

    my $t = now_s();
    my $cr = $admin->api('POST', '/v1/windows', json => {
        title => 'Terminating window', apps => ['winapp'], starts_at => 'now',
        ends_at => rfc3339($t + 3600), terminate_sessions => JSON::PP::true });
    is($cr->{status}, 201, 'a window with terminate_sessions, starting now') or diag($cr->{body});
    my $w = $cr->{json} // {};
    my $ws = epoch($w->{starts_at}) // 0;
    # started now: the instant, to the millisecond (issue 12 H)
    my ($frac) = ($w->{starts_at} // '') =~ /\.(\d{1,3})Z$/;
    my $ws_ms = $ws * 1000 + (defined $frac ? substr($frac . '00', 0, 3) : 0);
    ok($ws_ms >= $t * 1000 && $ws_ms <= now_ms(), "starts_at \"now\" is the instant ($w->{starts_at})");
    my ($sw) = grep { ($_->{id} // '') eq ($w->{id} // '') } @{ (snapshot() // {})->{windows} // [] };
    ok($sw && JSON::PP::is_bool($sw->{terminate_sessions}) && $sw->{terminate_sessions},
       'the snapshot window has terminate_sessions true');

    # created when the window started
    $W{win_new} = seed_session(id => session_id('cookie-value-win_new'), app => 'winapp',
                               first_seen => $ws_ms, last_seen => now_ms(),
                               addr => '192.0.2.61', user_agent => 'test', user => 'ivy');
    push @BEFORE, [ win_new => 'ivy', undef, 'active', undef ];
    # a superadmin's older session the registry learns of only now (its
    # entry had expired): rule 3 keeps it all the same
    $W{win_late_boss} = seed_session(id => session_id('cookie-value-win_late_boss'), app => 'winapp',
                                     first_seen => $t0 - $HOUR_MS, last_seen => now_ms(),
                                     addr => '192.0.2.62', user_agent => 'test', user => 'hank',
                                     superadmin => $superadmin_name);
    push @BEFORE, [ win_late_boss => 'hank', $superadmin_name, 'active', undef ];
    # created earlier in the second the window started: before it
    $W{win_just_before} = seed_session(id => session_id('cookie-value-win_just_before'), app => 'winapp',
                                       first_seen => $ws_ms - 1, last_seen => now_ms(),
                                       addr => '192.0.2.63', user_agent => 'test', user => 'jo');
    push @BEFORE, [ win_just_before => 'jo', undef, 'ended', 'window' ];
    for my $row (@BEFORE) {
        my ($name, undef, undef, $status, $ended_by) = @$row;
        status_is($W{$name}, $status, $ended_by, "$name, during the window");
    }

    my $r0 = revocations();
    my $done = wait_until(sub {
        my $g = $admin->api('GET', "/v1/windows/$w->{id}");
        my $c = $admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => $g->{headers}{etag});
        return $c->{status} == 200 ? $c : undef;
    }, 10, 'completing the terminating window');
    ok($done, 'complete the window') or diag('could not complete it');

    ok(wait_until(sub { (cutoffs() // {})->{winapp} }, 10, 'the window\'s start in session_cutoffs'),
       'the finished window\'s start moved into maint:session_cutoffs');
    is_deeply(cutoffs(), { shop => $c1, winapp => $ws }, 'maint:session_cutoffs: the shop cutoff and the window\'s start');
    is_deeply((snapshot() // {})->{session_cutoffs}, { shop => $c1, winapp => $ws }, 'the snapshot\'s session_cutoffs too');
    for my $name (qw(win_sa win_late_boss)) {
        my $k = $redis->cmd('HGET', "maint:session:$W{$name}{id}", 'kept_at');
        ok(defined $k && $k >= $ws * 1000, "$name: kept_at set when the window finished");
        status_is($W{$name}, 'active', undef, "$name, after the window");
    }
    status_is($W{win_new}, 'active', undef, 'win_new stays active after the window');
    ok(revocations() > $r0, 'kept_at written: revocations bumped');
    status_is($W{win_user}, 'ended', 'cutoff', 'win_user stays ended after the window');
    status_is($W{win_bossuser}, 'ended', 'cutoff', 'win_bossuser stays ended after the window');
    # the cutoff is its whole second: what it ended in that second before
    # its exact start is ended one by one, so that it stays ended
    if ($ws_ms > $ws * 1000) {
        status_is($W{win_just_before}, 'ended', 'revoked', 'win_just_before stays ended after the window');
    } else {
        status_is($W{win_just_before}, 'ended', 'cutoff', 'win_just_before stays ended after the window');
    }
}

# --- POST /v1/sessions/terminate everywhere ------------------------------------------------------------------

{
    my $cut = cutoffs() // {};
    my $latest = (sort { $b <=> $a } values %$cut)[0] // 0;
    # kept_at is in ms and cutoffs in s: start from a later second than any cutoff
    ok(wait_until(sub { now_s() >= $latest + 2 }, 10, 'the Redis clock past the last cutoff'),
       'the Redis clock moved past the last cutoff');

    my ($v0, $r0) = (state_version(), revocations());
    my $before = now_s();
    my $r = $admin->api('POST', '/v1/sessions/terminate', json => { except => [ $S{crm_alice}{id} ] });
    my $after = now_s();
    is($r->{status}, 200, 'terminate everywhere: 200') or diag($r->{body});
    my $j = $r->{json} // {};
    ok(!defined $j->{app} || $j->{app} eq '*', 'terminate everywhere: app null or "*" (' . ($j->{app} // 'null') . ')');
    my $c2 = epoch($j->{cutoff}) // 0;
    ok($c2 >= $before && $c2 <= $after + 1, 'terminate everywhere: the cutoff is now');
    is($j->{kept}, 1, 'terminate everywhere: kept 1');

    my $cuts = cutoffs() // {};
    is($cuts->{'*'}, $c2, 'maint:session_cutoffs: "*" is the cutoff');
    ok(!exists $cuts->{shop} || $cuts->{shop} == $c1, 'maint:session_cutoffs: the shop cutoff kept (or dropped as covered)');
    is_deeply((snapshot() // {})->{session_cutoffs}, $cuts, 'the snapshot\'s session_cutoffs are maint:session_cutoffs');
    ok(state_version() > $v0, 'terminate everywhere: the state version was bumped');
    ok(revocations() > $r0, 'terminate everywhere: revocations bumped');

    my $k = $redis->cmd('HGET', "maint:session:$S{crm_alice}{id}", 'kept_at');
    ok(defined $k && $k >= $c2 * 1000, 'crm_alice: kept_at from this termination');
    status_is($S{crm_alice}, 'active', undef, 'crm_alice (excepted)');
    for my $name (qw(crm_anon billing_erin shop_keep shop_sa shop_bossuser shop_created_after)) {
        status_is($S{$name}, 'ended', 'cutoff', "$name, ended everywhere");
    }
    status_is($S{shop_bob}, 'ended', 'revoked', 'shop_bob still "revoked"');
    is_deeply(ids_of(list_sessions('status=active&limit=500')), [ $S{crm_alice}{id} ],
              'list ?status=active: only the excepted session');
}

# --- the registry entries still expire; the audit -----------------------------------------------------------

{
    my @keys = @{ $redis->cmd('KEYS', 'maint:session:*') // [] };
    ok(@keys > 10, 'the registry has its entries (' . scalar(@keys) . ')');
    ok(!grep({ $redis->cmd('PTTL', $_) <= 0 } @keys), 'every registry entry still expires');

    my @ends = grep { ($_->{outcome} // '') eq 'ok' } audit_items('action=session.end');
    ok(@ends >= @ended_one_by_one, 'audit: a session.end entry for each session ended one by one');
    for my $id (@ended_one_by_one) {
        ok(scalar(grep { JSON::PP->new->canonical->encode($_) =~ /\Q$id\E/ } @ends),
           "audit: session.end names the session " . substr($id, 0, 12));
    }
    ok(!grep({ ($_->{actor} // '') ne 'admin' } @ends), 'audit: session.end by the actor "admin"');
    ok(!grep({ ($_->{role} // '') ne 'admin' } @ends), 'audit: session.end with the role');
    ok(!grep({ ($_->{status} // 0) != 204 } @ends), 'audit: session.end with status 204');

    my @terms = grep { ($_->{outcome} // '') eq 'ok' } audit_items('action=session.terminate');
    is(scalar @terms, 2, 'audit: two session.terminate entries');
    ok(!grep({ ($_->{actor} // '') ne 'admin' } @terms), 'audit: session.terminate by the actor "admin"');
    ok(!grep({ ($_->{status} // 0) != 200 } @terms), 'audit: session.terminate with status 200');
    ok(scalar(grep { JSON::PP->new->canonical->encode($_) =~ /"shop"/ } @terms),
       'audit: the termination of app shop names it');
    ok(!grep({ ($_->{actor} // '') eq 'viewer' && ($_->{outcome} // '') eq 'ok' }
             audit_items('actor=viewer')), 'audit: nothing done by the viewer');
}

$admin->stop;
$redis->stop;

done_testing();
