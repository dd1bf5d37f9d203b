# maint-admind's service routes and process behaviour (docs/admin-api.md,
# "Service routes", "Errors", "Running maint-admind"): /healthz follows
# Redis (stopped, read-only), /metrics speaks the Prometheus text format,
# /openapi.json is OpenAPI 3.0 and documents exactly the routes that are
# served, unknown routes and wrong methods are problem+json 404 and 405,
# logs are JSON lines, and SIGTERM/SIGINT stop the daemon cleanly (exit 0),
# letting a request in progress finish.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $port = $admin->port;

my $UNKNOWN_ID = 'w_nosuchwin0';            # "w_" and 10 characters

sub now_s { int(redis_now_ms($redis) / 1000) }

sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

# An RFC 9457 problem with the given status and type suffix.
# The item called $name in a "checks"/"prechecks" list (an array of
# {name, status, detail}; a map keyed by name is tolerated).
sub named_check {
    my ($checks, $name) = @_;
    return $checks->{$name} if ref $checks eq 'HASH';
    return unless ref $checks eq 'ARRAY';
    my ($c) = grep { ref $_ eq 'HASH' && ($_->{name} // '') eq $name } @$checks;
    return $c;
}

sub healthz { MaintTest::http($port, 'GET', '/healthz', timeout => 5, @_) }

sub decode { my $j = eval { decode_json($_[0] // '') }; return $j }

# --- /healthz ---------------------------------------------------------------

{
    my $r = healthz();
    is($r->{status}, 200, 'healthz: 200 without a token while Redis is writable');
    like($r->{headers}{'content-type'} // '', qr{^application/json\b}, 'healthz: JSON');
    my $j = decode($r->{body});
    is($j && $j->{status}, 'ok', 'healthz: status ok');
    my $c = named_check($j && $j->{checks}, 'redis_writable');
    ok($c, 'healthz: checks include redis_writable') or diag($r->{body});
    is($c && $c->{status}, 'ok', 'healthz: redis_writable is ok');
}

# Redis stopped: the daemon answers 503 within its redis_timeout (1 s),
# it does not hang.
$redis->signal('STOP');
{
    my $r = healthz();
    is($r->{status}, 503, 'healthz with Redis stopped: 503');
    ok($r->{time} < 4.5, sprintf('healthz with Redis stopped answers without hanging (%.2f s)', $r->{time}));
    my $j = decode($r->{body});
    is($j && $j->{status}, 'unavailable', 'healthz with Redis stopped: status unavailable');
    my $c = named_check($j && $j->{checks}, 'redis_writable');
    is($c && $c->{status}, 'fail', 'healthz with Redis stopped: redis_writable fails');

    my $w = MaintTest::http($port, 'GET', '/v1/windows', timeout => 5,
                            headers => { Authorization => 'Bearer ' . $admin->token('admin') });
    is($w->{status}, 503, 'a /v1 read with Redis stopped: 503');
    ok($w->{time} < 4.5, sprintf('... without hanging (%.2f s)', $w->{time}));
    like($w->{headers}{'content-type'} // '', qr{^application/problem\+json\b},
         '... as problem+json');
    is((decode($w->{body}) // {})->{type}, 'urn:ngx-maint:problem:unavailable',
       '... of type unavailable');
}
$redis->signal('CONT');
ok(wait_until(sub { healthz()->{status} == 200 }, 10, 'healthz after SIGCONT'),
   'healthz: 200 again once Redis answers');

# Redis read-only (a replica): healthz fails and a write is refused with
# 503, writing nothing.
{
    my $dead = free_port();
    my $v0 = state_version();
    $redis->cmd('REPLICAOF', '127.0.0.1', $dead);

    # the role may be looked up per request or cached briefly
    my $r;
    ok(wait_until(sub { $r = healthz(); $r->{status} == 503 }, 5, 'healthz to see a replica'),
       'healthz with a read-only Redis: 503');
    is((decode($r->{body}) // {})->{status}, 'unavailable',
       'healthz with a read-only Redis: status unavailable');

    my $now = now_s();
    my $w = $admin->api('POST', '/v1/windows', json => {
        title => 'Refused', apps => ['shop'],
        starts_at => rfc3339($now + 3600), ends_at => rfc3339($now + 7200) });
    is_problem($w, 503, 'unavailable', 'create with a read-only Redis');

    $redis->cmd('REPLICAOF', 'NO', 'ONE');
    ok(wait_until(sub { healthz()->{status} == 200 }, 10, 'healthz after REPLICAOF NO ONE'),
       'healthz: 200 again once Redis is a primary');
    is(state_version(), $v0, 'the refused write changed no state version');
    my $l = $admin->api('GET', '/v1/windows');
    is($l->{status}, 200, 'list after the refused write: 200');
    is_deeply($l->{json} && $l->{json}{items}, [], 'the refused write created no window');
}

# Under a memory limit, a Redis that may evict keys without a TTL
# (allkeys-*) could lose the state: healthz fails (docs/redis-schema.md);
# volatile-* could lose ended sessions: a warning; noeviction is fine.
$redis->cmd('CONFIG', 'SET', 'maxmemory', '100mb');
for my $p (['allkeys-lru', 503, 'fail'], ['volatile-lru', 200, 'warn'],
           ['noeviction', 200, 'ok']) {
    my ($policy, $want, $check) = @$p;
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', $policy);
    my $r;
    ok(wait_until(sub { $r = healthz(); $r->{status} == $want }, 5, "healthz with $policy"),
       "healthz with maxmemory-policy $policy: $want");
    my $c = named_check((decode($r->{body}) // {})->{checks}, 'redis_writable');
    is($c && $c->{status}, $check, "healthz with $policy: redis_writable $check");
}
$redis->cmd('CONFIG', 'SET', 'maxmemory', '0');

# --- /metrics -----------------------------------------------------------------

# one window, so that "windows by status" has something to count
my $window;
{
    my $now = now_s();
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Metrics probe', apps => ['shop'],
        starts_at => rfc3339($now + 3600), ends_at => rfc3339($now + 7200) });
    is($r->{status}, 201, 'a window to count') or diag($r->{body});
    $window = $r->{json} // {};
}

healthz() for 1 .. 3;
$admin->api('GET', '/v1/no-such-route');

my $SAMPLE = qr/^([a-zA-Z_:][a-zA-Z0-9_:]*)
                (\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"
                  (?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*,?\})?
                \x20(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[-+]Inf)(?:\x20-?[0-9]+)?$/x;

sub metrics_text {
    my $r = MaintTest::http($port, 'GET', '/metrics');
    return $r;
}

# The value of the sample whose labels contain every given fragment.
sub sample_with {
    my ($text, @frags) = @_;
    for my $l (split /\n/, $text) {
        next unless $l =~ $SAMPLE;
        my ($labels, $v) = ($2 // '', $3);
        next if grep { index($labels, $_) < 0 } @frags;
        return $v;
    }
    return;
}

{
    my $r = metrics_text();
    is($r->{status}, 200, 'metrics: 200 without a token');
    like($r->{headers}{'content-type'} // '', qr{^text/plain\b}, 'metrics: text/plain');
    my $m = $r->{body} // '';
    my @lines = grep { length } split /\n/, $m;
    ok(scalar @lines, 'metrics: not empty');
    my @bad = grep { !/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/ && !/^#/ && $_ !~ $SAMPLE } @lines;
    ok(!@bad, 'metrics: every line is a comment or a valid sample')
        or diag(join "\n", @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);
    ok(scalar(grep { /^# TYPE \S+ (counter|gauge|histogram|summary|untyped)$/ } @lines),
       'metrics: TYPE lines');

    # requests by route and status
    my $h200 = sample_with($m, 'healthz', '"200"');
    ok(defined $h200 && $h200 >= 3, 'metrics: requests counted by route and status (healthz, 200)')
        or diag($m);
    ok(defined sample_with($m, '"404"'), 'metrics: 404 answers counted');
    healthz() for 1 .. 3;
    my $h200b = sample_with(metrics_text()->{body} // '', 'healthz', '"200"');
    ok(defined $h200b && defined $h200 && $h200b - $h200 >= 3,
       'metrics: the counter grows with each request');

    # Redis errors: the stopped Redis above cost at least one
    ok(scalar(grep { /^[a-z_:]*redis[a-z_:]*error[a-z_:]*(\{[^}]*\})? ([0-9.e+]+)$/i && $2 > 0 } @lines),
       'metrics: Redis errors counted');

    # windows by status
    my $sched = sample_with($m, '"scheduled"');
    ok(defined $sched && $sched >= 1, 'metrics: windows by status (1 scheduled)');
}

# --- /openapi.json ----------------------------------------------------------

my $doc;
{
    my $r = MaintTest::http($port, 'GET', '/openapi.json');
    is($r->{status}, 200, 'openapi.json: 200 without a token');
    like($r->{headers}{'content-type'} // '', qr{^application/json\b}, 'openapi.json: JSON');
    $doc = decode($r->{body});
    ok(ref $doc eq 'HASH', 'openapi.json: a JSON object') or diag(substr($r->{body} // '', 0, 300));
    $doc = {} unless ref $doc eq 'HASH';
    like($doc->{openapi} // '', qr/^3\.0(\.\d+)?$/, 'openapi.json: OpenAPI 3.0');
    ok(ref $doc->{info} eq 'HASH' && defined $doc->{info}{title} && defined $doc->{info}{version},
       'openapi.json: info with title and version');
    ok(ref $doc->{paths} eq 'HASH' && %{ $doc->{paths} }, 'openapi.json: paths');
}

# path part of the first server URL, if any, prefixes every path
my $base = '';
if (ref $doc->{servers} eq 'ARRAY' && ref $doc->{servers}[0] eq 'HASH') {
    ($base = $doc->{servers}[0]{url} // '') =~ s{^[a-z][a-z0-9+.-]*://[^/]*}{}i;
    $base =~ s{/+\z}{};
}

my @documented;                                 # [METHOD, path]
for my $p (sort keys %{ $doc->{paths} // {} }) {
    my $item = $doc->{paths}{$p};
    next unless ref $item eq 'HASH';
    for my $m (sort grep { /^(get|put|post|delete|patch|head|options|trace)$/ } keys %$item) {
        push @documented, [ uc $m, "$base$p" ];
    }
}

sub norm { my $p = shift; $p =~ s/\{[^}]*\}/{}/g; return $p }
my %documented = map { ("$_->[0] " . norm($_->[1])) => 1 } @documented;

my @CONTRACT_ROUTES = (
    'GET /v1/windows', 'POST /v1/windows',
    'GET /v1/windows/{}', 'PATCH /v1/windows/{}', 'DELETE /v1/windows/{}',
    'POST /v1/windows/{}/start', 'POST /v1/windows/{}/complete',
    'POST /v1/windows/{}/cancel',
    'GET /v1/status', 'GET /v1/settings', 'PUT /v1/settings',
    'GET /v1/audit', 'GET /v1/gateways',
    'GET /v1/sessions', 'POST /v1/sessions/terminate',
    'GET /v1/sessions/{}', 'DELETE /v1/sessions/{}',
    'GET /v1/superadmins', 'POST /v1/superadmins',
    'DELETE /v1/superadmins/{}', 'POST /v1/superadmins/{}/rotate',
    'GET /v1/bypass-keys', 'POST /v1/bypass-keys',
    'DELETE /v1/bypass-keys/{}',
    'GET /healthz', 'GET /metrics', 'GET /openapi.json',
);

for my $route (@CONTRACT_ROUTES) {
    ok($documented{$route}, "openapi.json documents $route");
}

# Every documented operation is served: with an admin token it never
# answers 404 (no such route) or 405.  Paths with a parameter are tried
# with a real one (a window, a session, a superadmin, a key: any 404 is
# then a missing route) and with an unknown id (a 404 must then be about
# the resource).  Write bodies carry an unknown field and no If-Match, and
# writes that need neither are dry runs, so that nothing is ever changed.
my $real_id = $window->{id} // 'w_missing000';
my $real_session = 'ab' x 32;
$redis->cmd('HSET', "maint:session:$real_session", 'app', 'shop', 'last_seen', 1);
my $sa = $admin->api('POST', '/v1/superadmins', json => { name => 'probe' });
is($sa->{status}, 201, 'a superadmin to probe with') or diag($sa->{body});
my $keys = $admin->api('GET', '/v1/bypass-keys');
# a notification target, and a delivery to it (a window naming it)
my $tg = $admin->api('POST', '/v1/notify/targets',
                     json => { name => 'probe', kind => 'email', to => ['probe@example.com'] });
is($tg->{status}, 201, 'a notification target to probe with') or diag($tg->{body});
my $nw = $admin->api('POST', '/v1/windows', json => {
    title => 'Notify probe', apps => ['probe'], notify => ['probe'],
    starts_at => rfc3339(now_s() + 3600), ends_at => rfc3339(now_s() + 7200) });
is($nw->{status}, 201, 'a window notifying it') or diag($nw->{body});
my $dl = $admin->api('GET', '/v1/notify/deliveries?target=probe');
my $real_delivery = ((($dl->{json} // {})->{items} // [])->[0] // {})->{id} // 'msg_missing.probe';
like($real_delivery, qr/^msg_.*\.probe$/, 'a delivery to probe with');
my $series = $admin->api('POST', '/v1/series', json => {
    title => 'probe series', apps => ['probe-series'],
    recurrence => { rule => 'FREQ=WEEKLY', start => '2030-01-06T03:00', time_zone => 'UTC',
                    duration_minutes => 30 } });
is($series->{status}, 201, 'a series to probe with') or diag($series->{body});
my %REAL = ('/v1/windows/' => $real_id, '/v1/sessions/' => $real_session,
            '/v1/series/' => ($series->{json} // {})->{id} // 's_missing000',
            '/v1/superadmins/' => 'probe', '/v1/notify/targets/' => 'probe',
            '/v1/notify/deliveries/' => $real_delivery,
            '/v1/bypass-keys/' => (($keys->{json} // {})->{items} // [{}])->[0]{kid} // 'kmissing');
sub real_id_for {
    my ($p) = @_;
    for my $prefix (keys %REAL) { return $REAL{$prefix} if index($p, $prefix) == 0 }
    return $real_id;
}
my $v_before = state_version();

for my $op (@documented) {
    my ($m, $p) = @$op;
    my $has_param = $p =~ /\{[^}]*\}/;
    my %body = $m =~ /^(POST|PUT|PATCH)$/ ? (json => { __probe__ => 1 }) : ();
    my $dry = $m ne 'GET' && $p =~ m{^/v1/(sessions|superadmins|bypass-keys|notify/targets)}
              ? '?dry_run=true' : '';

    my $real = real_id_for($p);
    (my $with_real = $p) =~ s/\{[^}]*\}/$real/g;
    my $r = $admin->api($m, $with_real . $dry, %body);
    ok($r->{status} && $r->{status} != 404 && $r->{status} != 405 && $r->{status} < 500,
       "$m $p is served (got $r->{status})") or diag($r->{raw} // $r->{error});

    next unless $has_param;
    (my $with_unknown = $p . $dry) =~ s/\{[^}]*\}/$UNKNOWN_ID/g;
    my $u = $admin->api($m, $with_unknown, %body);
    ok($u->{status} && $u->{status} != 405, "$m $p with an unknown id: not 405 (got $u->{status})");
    if ($u->{status} == 404) {
        my $j = $u->{json} // {};
        ok(($u->{headers}{'content-type'} // '') =~ m{^application/problem\+json\b}
           && ($j->{type} // '') eq 'urn:ngx-maint:problem:not-found'
           && ($j->{detail} // '') =~ /\Q$UNKNOWN_ID\E|window|series|session|superadmin|key|target|delivery/i
           && ($j->{detail} // '') !~ /route/,
           "$m $p with an unknown id: the 404 is about the resource, not the route")
            or diag($u->{body});
    }
}
is(state_version(), $v_before, 'probing every documented operation changed nothing');

# --- unknown routes: 404; known path, other method: 405 with Allow --------------

for my $c (['GET', '/v1/no-such-route', 'admin'],
           ['POST', '/v1/no-such-route', 'admin'],
           ['GET', "/v1/windows/$real_id/no-such-action", 'admin'],
           ['GET', '/no-such-route', 'none']) {
    my ($m, $p, $tok) = @$c;
    is_problem($admin->api($m, $p, token => $tok), 404, 'not-found', "$m $p");
}

my @METHOD_CASES = (
    [ 'DELETE', '/v1/windows',                  [qw(GET POST)] ],
    [ 'PUT',    '/v1/windows',                  [qw(GET POST)] ],
    [ 'PUT',    '/v1/windows/{id}',             [qw(GET PATCH DELETE)] ],
    [ 'POST',   '/v1/windows/{id}',             [qw(GET PATCH DELETE)] ],
    [ 'GET',    '/v1/windows/{id}/start',       [qw(POST)] ],
    [ 'DELETE', '/v1/windows/{id}/complete',    [qw(POST)] ],
    [ 'GET',    '/v1/windows/{id}/cancel',      [qw(POST)] ],
    [ 'POST',   '/v1/status',                   [qw(GET)] ],
    [ 'PATCH',  '/v1/settings',                 [qw(GET PUT)] ],
    [ 'DELETE', '/v1/audit',                    [qw(GET)] ],
    [ 'POST',   '/v1/gateways',                 [qw(GET)] ],
    [ 'POST',   '/healthz',                     [qw(GET)] ],
    [ 'DELETE', '/metrics',                     [qw(GET)] ],
    [ 'PUT',    '/openapi.json',                [qw(GET)] ],
    [ 'PUT',    '/v1/sessions',                 [qw(GET)] ],
    [ 'PUT',    '/v1/sessions/terminate',       [qw(POST)] ],
    [ 'POST',   '/v1/superadmins/{id}',         [qw(DELETE)] ],
    [ 'GET',    '/v1/superadmins/{id}/rotate',  [qw(POST)] ],
    [ 'PATCH',  '/v1/bypass-keys',              [qw(GET POST)] ],
);

for my $c (@METHOD_CASES) {
    my ($m, $p, $allowed) = @$c;
    (my $path = $p) =~ s/\{id\}/$real_id/;
    my $r = $admin->api($m, $path, $m =~ /^(PUT|PATCH)$/ ? (json => {}) : ());
    is_problem($r, 405, 'method-not-allowed', "$m $p");
    my %allow = map { uc($_) => 1 } grep { length } split /\s*,\s*/, $r->{headers}{allow} // '';
    ok(!grep({ !$allow{$_} } @$allowed) && !$allow{$m},
       "$m $p: Allow lists " . join(', ', @$allowed) . " (got '" . ($r->{headers}{allow} // '') . "')");
}
is(state_version(), $v_before, 'wrong methods changed nothing');

# --- graceful shutdown ------------------------------------------------------------

# SIGTERM with nothing in progress: exit 0 at once, the port is closed.
{
    my $pid = $admin->pid;
    my $t0 = time;
    $? = -1;
    $admin->stop;                               # SIGTERM, then reaps
    my ($status, $took) = ($?, time - $t0);
    is($status, 0, 'SIGTERM: the daemon exits with status 0');
    ok($took < 2, sprintf('SIGTERM: the daemon exits promptly (%.2f s)', $took));
    ok(!kill(0, $pid) && !-e "/proc/$pid", 'SIGTERM: the process is gone');
    ok(!IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp'),
       'SIGTERM: the port no longer accepts connections');
}

# Logs: JSON lines with ts, level and msg, and requests logged with their
# method, path and status.
{
    open(my $f, '<', $admin->log_file) or die $admin->log_file . ": $!";
    my @lines = grep { /\S/ } <$f>;
    close $f;
    ok(scalar @lines, 'the daemon logged something');
    my @entries = map { decode($_) } @lines;
    my @bad = grep { ref $entries[$_] ne 'HASH' || !defined $entries[$_]{ts}
                     || !defined $entries[$_]{level} || !defined $entries[$_]{msg} } 0 .. $#lines;
    ok(!@bad, 'every log line is a JSON object with ts, level and msg')
        or diag(join '', @lines[ @bad[0 .. ($#bad > 4 ? 4 : $#bad)] ]);
    ok(!grep({ ref $_ eq 'HASH' && ($_->{level} // '') !~ /^(debug|info|warn|error)$/ } @entries),
       'log levels are debug, info, warn or error');
    ok(scalar(grep { ref $_ eq 'HASH' && ($_->{method} // '') eq 'GET'
                     && ($_->{path} // '') =~ m{^/healthz} && ($_->{status} // '') eq '200' } @entries),
       'requests are logged with method, path and status');
}

# SIGTERM while a request is in progress: the request still gets its whole
# answer, then the daemon exits 0.  The request is held in Redis (writes
# paused) so that it is certainly in progress when the signal arrives.
{
    my $a2 = start_admin(redis => $redis);
    my $pid = $a2->pid;
    my $now = now_s();
    my $body = encode_json({ title => 'In flight', apps => ['inflight'],
                             starts_at => rfc3339($now + 3600),
                             ends_at => rfc3339($now + 7200) });
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $a2->port,
                                  Proto => 'tcp', Timeout => 5) or die "connect: $!";

    my ($blocked0) = $redis->cmd('INFO', 'clients') =~ /^blocked_clients:(\d+)/m;
    $redis->cmd('CLIENT', 'PAUSE', 5000, 'WRITE');
    print {$s} MaintTest::_request_text('POST', '/v1/windows', body => $body, headers => {
        Authorization => 'Bearer ' . $a2->token('admin'),
        'Content-Type' => 'application/json' });
    my $held = wait_until(sub { my ($n) = $redis->cmd('INFO', 'clients') =~ /^blocked_clients:(\d+)/m;
                                $n > ($blocked0 // 0) }, 5,
                          'the write to reach Redis');
    ok($held, 'a write is in progress, held by Redis');

    my $t0 = time;
    kill 'TERM', $pid;
    $redis->cmd('CLIENT', 'UNPAUSE');

    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, 8));
    close $s;
    ok($res->{status} == 201 || $res->{status} == 503,
       "the request in progress got a complete answer ($res->{status})")
        or diag($res->{raw});

    my $gone = wait_until(sub { waitpid($pid, WNOHANG) == $pid ? [$?] : undef }, 8,
                          'the daemon to exit after SIGTERM');
    if ($gone) {
        delete $MaintTest::children{$pid};
        delete $a2->{pid};
        is($gone->[0], 0, 'SIGTERM during a request: exit status 0');
        ok(time - $t0 < 6.5, sprintf('... within the 5 s grace (%.2f s)', time - $t0));
    } else {
        fail('SIGTERM during a request: the daemon exits');
        $a2->stop;
    }
}

# SIGINT, with an idle connection open: exit 0 within the grace period.
{
    my $a3 = start_admin(redis => $redis);
    my $pid = $a3->pid;
    my $idle = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $a3->port,
                                     Proto => 'tcp', Timeout => 5);
    ok($idle, 'an idle connection is open');
    my $t0 = time;
    $? = -1;
    $a3->stop('INT');
    my ($status, $took) = ($?, time - $t0);
    is($status, 0, 'SIGINT: exit status 0');
    ok($took < 6.5, sprintf('SIGINT: an idle connection does not hold the exit past the grace (%.2f s)',
                            $took));
    ok(!kill(0, $pid), 'SIGINT: the process is gone');
    close $idle if $idle;
}

$redis->stop;

done_testing();
