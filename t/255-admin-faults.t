# The admin API under faults (docs/reliability.md):
#
# - Redis stopped (SIGSTOP), then killed: every kind of write answers 503
#   application/problem+json "unavailable" within the daemon's
#   redis_timeout, and nothing is written, neither half of a change nor,
#   once Redis runs again, a change the daemon already refused (every key
#   compared, byte for byte, before and after);
# - a change whose script (or reply) Redis gets only after the daemon's
#   redis_timeout: 503 and never applied (the commit marker fences it), or
#   applied and then acknowledged, once;
# - the daemon killed with SIGKILL in the middle of a burst of concurrent
#   writes: after a restart every acknowledged write (201 with its id) is
#   there with its audit entry, and nothing is half there (every window
#   record has its audit entry and is in the enforced snapshot or not, as
#   its status says);
# - hostile bodies on every route that takes one: oversized (with and
#   without a Content-Length, and one that announces 1 TB), malformed,
#   100000 levels deep, duplicate keys: 4xx problem+json, nothing written,
#   the daemon alive throughout.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use FaultProxy;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use IO::Select;
use POSIX ();
use Time::HiRes qw(time);

my $redis = start_redis(args => ['--appendonly', 'yes', '--appendfsync', 'always']);
my $admin = start_admin(redis => $redis);
my $port = $admin->port;

sub now_s { int(redis_now_ms($redis) / 1000) }

# every key with its value, by type (DUMP would differ for the same hash
# after a restart: the order of its fields may change)
sub contents {
    my %c;
    my $enc = JSON::PP->new->canonical;
    for my $k (sort @{ $redis->cmd('KEYS', '*') }) {
        my $t = $redis->cmd('TYPE', $k);
        my $v = $t eq 'string' ? $redis->cmd('GET', $k)
              : $t eq 'hash'   ? { @{ $redis->cmd('HGETALL', $k) } }
              : $t eq 'set'    ? [ sort @{ $redis->cmd('SMEMBERS', $k) } ]
              : $t eq 'zset'   ? $redis->cmd('ZRANGE', $k, 0, -1, 'WITHSCORES')
              : $t eq 'stream' ? $redis->cmd('XRANGE', $k, '-', '+')
              :                  $redis->cmd('DUMP', $k);
        $c{$k} = "$t " . (ref $v ? $enc->encode($v) : $v // '');
    }
    return \%c;
}

sub changed_keys {
    my ($a, $b) = @_;
    my %all = (%$a, %$b);
    return grep { ($a->{$_} // '') ne ($b->{$_} // '') } sort keys %all;
}

# a little of everything to start from
my $now = now_s();
my $w = $admin->api('POST', '/v1/windows', json => {
    title => 'Existing', apps => ['shop'],
    starts_at => rfc3339($now + 86400), ends_at => rfc3339($now + 90000) });
is($w->{status}, 201, 'a window to work on') or diag($w->{raw});
my $wid = $w->{json}{id};
my $etag = $w->{headers}{etag};
is($admin->api('POST', '/v1/superadmins', json => { name => 'alice' })->{status}, 201,
   'a superadmin');
is($admin->api('PUT', '/v1/settings', json => { notify_before_minutes => 15 })->{status}, 200,
   'settings');

# every kind of write, each a valid request that would change something
my $sid = 'ab' x 32;
my @WRITES = (
    ['POST', '/v1/windows', json => { title => 'New', apps => ['crm'],
        starts_at => rfc3339($now + 172800), ends_at => rfc3339($now + 176400) }],
    ['PATCH', "/v1/windows/$wid", json => { title => 'Renamed' }, if_match => $etag],
    ['POST', "/v1/windows/$wid/start", if_match => $etag],
    ['POST', "/v1/windows/$wid/cancel", if_match => $etag],
    ['DELETE', "/v1/windows/$wid", if_match => $etag],
    ['PUT', '/v1/settings', json => { notify_before_minutes => 45 }],
    ['DELETE', "/v1/sessions/$sid"],
    ['POST', '/v1/sessions/terminate', json => { app => 'shop' }],
    ['POST', '/v1/superadmins', json => { name => 'bob' }],
    ['POST', '/v1/superadmins/alice/rotate'],
    ['DELETE', '/v1/superadmins/alice'],
    ['POST', '/v1/bypass-keys'],
);

sub unavailable_writes {
    my ($label) = @_;
    my $worst = 0;
    for my $req (@WRITES) {
        my ($method, $path, %opt) = @$req;
        my $r = $admin->api($method, $path, %opt);
        $worst = $r->{time} if $r->{time} > $worst;
        is_problem($r, 503, 'unavailable', "$label: $method $path");
    }
    # redis_timeout is 1 s (the harness's configuration)
    ok($worst < 2.5, sprintf("$label: every write answered within %.2f s", $worst));
}

# --- Redis stopped ----------------------------------------------------------

my $before = contents();
$redis->signal('STOP');
unavailable_writes('Redis stopped');
$redis->signal('CONT');
ok(wait_until(sub { $admin->api('GET', '/healthz', token => 'none')->{status} == 200 }, 10,
              'healthz'), 'Redis continued: healthz 200');
# the daemon may have queued commands before it gave up; Redis runs them
# now, if at all: a PING on the daemon's own connection is behind them
$admin->api('GET', '/v1/windows');
my @changed = changed_keys($before, contents());
is("@changed", '', 'Redis stopped: nothing was written, not even after SIGCONT');

# --- Redis killed (connection refused), then restarted from its AOF ---------

$before = contents();
$redis->kill9;
unavailable_writes('Redis killed');
$redis->start;
ok(wait_until(sub { $admin->api('GET', '/healthz', token => 'none')->{status} == 200 }, 10,
              'healthz'), 'Redis restarted: healthz 200');
@changed = changed_keys($before, contents());
is("@changed", '', 'Redis killed: nothing was written');

# --- a change whose reply never comes -----------------------------------------
#
# Redis receives the change's script but it runs only after the daemon's
# redis_timeout (a stall, a slow link: here a proxy holds the script and
# delivers it even though the daemon hung up, as a socket buffer would).
# The daemon fences the change's commit marker on a new connection:
#
# - the script is still held when the fence lands: 503, and the script,
#   when it arrives, writes nothing (checked after it arrived);
# - the script ran before the fence (a Redis that answers late but runs
#   it): the marker says so and the change is acknowledged, once.

{
    my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir},
                                  late_ms => 1500, late_match => qr/EVAL/);
    my $late = start_admin(redis => bless({ port => $proxy->port }, 'MaintTest::Redis'));
    my $b = contents();
    my $evals = sub { ($redis->cmd('INFO', 'commandstats') =~ /^cmdstat_eval:calls=(\d+)/m)[0] // 0 };
    my $e0 = $evals->();
    $proxy->mode('late');
    my $lw = $late->api('POST', '/v1/windows', json => { title => 'Late', apps => ['late'],
        starts_at => rfc3339($now + 200000), ends_at => rfc3339($now + 203600) });
    is_problem($lw, 503, 'unavailable', 'a change whose reply is lost');
    like($lw->{json}{detail} // '', qr/nothing was written/, '... says nothing was written');
    # the held script reaches Redis 1.5 s after it was sent, and finds
    # the fence
    ok(wait_until(sub { $evals->() > $e0 }, 5, 'the held script to run'),
       '... the held script reached Redis and ran after the answer');
    my @late = grep { !/^maint:commit:/ } changed_keys($b, contents());
    is("@late", '', 'the held change, arriving after the 503, wrote nothing');
    $late->stop;
    $proxy->stop;
}

{
    # the script runs at once, its reply is held back past the timeout
    my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir},
                                  late_ms => 1500, late_match => qr/^\*3\r\n\$1\r\n1\r\n/);
    my $late = start_admin(redis => bless({ port => $proxy->port }, 'MaintTest::Redis'));
    $proxy->mode('late-reply');
    my $lw = $late->api('POST', '/v1/windows', json => { title => 'Late reply', apps => ['late2'],
        starts_at => rfc3339($now + 300000), ends_at => rfc3339($now + 303600) });
    is($lw->{status}, 201, 'a change applied but answered late: acknowledged (201)')
        or diag($lw->{raw});
    my $id = $lw->{json} && $lw->{json}{id} // '';
    is($admin->api('GET', "/v1/windows/$id")->{status}, 200, '... and there, once');
    my @same = grep { $_ eq $id } map { s/^maint:window://r } @{ $redis->cmd('KEYS', 'maint:window:*') };
    is(scalar @same, 1, '... one record');
    $late->stop;
    $proxy->stop;
}

# --- SIGKILL during a burst of concurrent writes ----------------------------

my $WRITERS = 6;
my $acks = $admin->dir . '/acks';
my @kids;
for my $k (1 .. $WRITERS) {
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        $SIG{PIPE} = 'IGNORE';
        open(my $out, '>>', "$acks.$k") or POSIX::_exit(1);
        $out->autoflush(1);
        for my $i (1 .. 1000) {
            # windows of different apps never overlap
            my $r = $admin->api('POST', '/v1/windows', json => {
                title => "Burst $k.$i", apps => ["burst$k"],
                starts_at => rfc3339($now + 86400 + $i * 7200),
                ends_at => rfc3339($now + 86400 + $i * 7200 + 3600) });
            last if $r->{status} == 0;
            print {$out} "$r->{status} " . ($r->{json} && $r->{json}{id} // '-') . "\n";
        }
        POSIX::_exit(0);
    }
    push @kids, $pid;
}

sub acked {
    my @a;
    for my $k (1 .. $WRITERS) {
        open(my $f, '<', "$acks.$k") or next;
        push @a, map { /^201 (w_\w+)$/ ? $1 : () } <$f>;
    }
    return @a;
}

ok(wait_until(sub { acked() >= 30 }, 30, 'writes acknowledged'), 'the burst is under way');
$admin->stop('KILL');
my $killed_at = time;
waitpid($_, 0) for @kids;
my @acked = acked();
my @other = do {
    my @o;
    for my $k (1 .. $WRITERS) {
        open(my $f, '<', "$acks.$k") or next;
        push @o, grep { !/^201 / } <$f>;
    }
    @o;
};
is(scalar @other, 0, 'no write was refused before the kill') or diag(@other[0 .. 4]);

$admin->start;
my @missing = grep { $admin->api('GET', "/v1/windows/$_")->{status} != 200 } @acked;
is(scalar @missing, 0, scalar(@acked) . ' acknowledged writes, every one present after the restart')
    or diag("@missing");

# the audit trail, straight from the stream: window.create entries by target
my %audited;
for my $e (@{ $redis->cmd('XRANGE', 'maint:audit', '-', '+') }) {
    my %f = @{ $e->[1] };
    $audited{ $f{target} // '' }++ if ($f{action} // '') eq 'window.create';
}
my @unaudited = grep { !$audited{$_} } @acked;
is(scalar @unaudited, 0, 'every acknowledged write has its audit entry') or diag("@unaudited");

# nothing half there: every window record (acknowledged or not) has its
# audit entry, and the enforced snapshot holds exactly the live ones
my @records = map { s/^maint:window://r } @{ $redis->cmd('KEYS', 'maint:window:*') };
my @half = grep { !$audited{$_} && $_ ne $wid } @records;
is(scalar @half, 0, scalar(@records) . ' window records, each with its audit entry')
    or diag("@half");
my $snap = decode_json($redis->cmd('HGET', 'maint:state', 'snapshot'));
my %in_snap = map { $_->{id} => 1 } @{ $snap->{windows} };
my %live = map { $_ => 1 } @{ $redis->cmd('SMEMBERS', 'maint:live') };
my @bad = grep { !$in_snap{$_} != !$live{$_} } @records;
is(scalar @bad, 0, 'the enforced snapshot holds exactly the live windows') or diag("@bad");
diag(sprintf('SIGKILL during %d concurrent writers: %d acknowledged, %d records, '
             . 'restart answered in %.1f s', $WRITERS, scalar @acked, scalar @records,
             time - $killed_at));

# --- hostile bodies -----------------------------------------------------------

# one request with a raw body, sent in full or announced and not sent;
# returns the answer (or none) and the time it took
sub raw_request {
    my ($method, $path, $body, %opt) = @_;
    my $t0 = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die $!;
    my $h = "$method $path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          . ($opt{no_token} ? '' : 'Authorization: Bearer ' . $admin->token('admin') . "\r\n")
          . "Content-Type: application/json\r\n"
          . ($opt{chunked} ? "Transfer-Encoding: chunked\r\n"
                           : 'Content-Length: ' . ($opt{length} // length $body) . "\r\n")
          . "\r\n";
    $SIG{PIPE} = 'IGNORE';
    syswrite($s, $h);
    if ($opt{chunked}) {
        for (my $o = 0; $o < length $body; $o += 65536) {
            my $c = substr($body, $o, 65536);
            last unless syswrite($s, sprintf("%x\r\n", length $c) . $c . "\r\n");
        }
        syswrite($s, "0\r\n\r\n");
    } else {
        for (my $o = 0; $o < length $body; $o += 65536) {
            last unless defined syswrite($s, substr($body, $o, 65536));
        }
    }
    my $raw = MaintTest::_read_all($s, 10);
    my $r = MaintTest::_parse_response($raw);
    $r->{json} = eval { decode_json($r->{body}) } if ($r->{headers}{'content-type'} // '') =~ /json/;
    $r->{time} = time - $t0;
    return $r;
}

my $title = 'x';
my %BODIES = (
    'malformed'             => [400, '{"title": "x", "apps": ['],
    'not UTF-8'             => [400, qq({"title": "\xff\xfe"})],
    'duplicate keys'        => [400, '{"name": "a", "name": "b", "title": "a", "title": "b"}'],
    '100000 levels deep'    => [[400, 413], ('[' x 100000) . (']' x 100000)],
    '30000 levels deep'     => [400, ('{"a":' x 10000) . '1' . ('}' x 10000)],
    'over 64 KiB'           => [413, '{"title": "' . ('x' x 70000) . '"}'],
    '10 MiB'                => [413, '{"title": "' . ('x' x (10 << 20)) . '"}'],
    '10 MiB, chunked'       => [413, '{"title": "' . ('x' x (10 << 20)) . '"}', chunked => 1],
);

my @ROUTES = (['POST', '/v1/windows'], ['PATCH', "/v1/windows/$wid"], ['PUT', '/v1/settings'],
              ['POST', '/v1/sessions/terminate'], ['POST', '/v1/superadmins'],
              ['POST', "/v1/windows/$wid/complete"]);

$before = contents();
for my $route (@ROUTES) {
    for my $name (sort keys %BODIES) {
        my ($want, $body, %opt) = @{ $BODIES{$name} };
        my $r = raw_request(@$route, $body, %opt);
        my @want = ref $want ? @$want : ($want);
        my $label = "@$route, $name";
        ok(scalar(grep { $r->{status} == $_ } @want), "$label: $r->{status} (want @want)")
            or diag(substr($r->{raw} // '', 0, 300));
        like($r->{headers}{'content-type'} // '', qr{^application/problem\+json},
             "$label: problem+json");
        ok($r->{json} && $r->{json}{type} =~ /^urn:ngx-maint:problem:/ && $r->{json}{status} == $r->{status},
           "$label: a problem document");
    }
}

# a body announced as 1 TB: refused at once, not waited for
my $r = raw_request('POST', '/v1/windows', '{', length => 1 << 40);
is($r->{status}, 413, 'a body announced as 1 TB: 413');
ok($r->{time} < 2, sprintf('... at once (%.2f s), without waiting for the body', $r->{time}));
is(raw_request('POST', '/v1/windows', '{', length => 1 << 40, no_token => 1)->{status}, 401,
   'the same without a token: 401 first');

my @changed_h = changed_keys($before, contents());
my @written = grep { !/^maint:audit/ } @changed_h;
is("@written", '', 'no hostile body changed the state (refusals are audited only)');
ok(kill(0, $admin->pid), 'the daemon is alive');
is($admin->api('GET', '/healthz', token => 'none')->{status}, 200, 'and healthy');

$admin->stop;
done_testing();
