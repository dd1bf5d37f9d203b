# The lease (docs/performance.md, ngx_maint_reader.c): maint-admind answers
# a change only after the gateways' lease (lease_ms, written at its start,
# after a reload and with every change), so a gateway may decide on one read for that long and yet every
# request that arrives after the answer is decided on the change.  Here the
# lease is long (200 ms), so a gateway that kept deciding on a read made
# before a change would be caught by the very next request; meanwhile
# traffic keeps the leases in use, and the reads fall far below one per
# request.  Lease 0 turns it off again, safely.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);
use File::Path qw(make_path);

my $redis = start_redis();
my $admin = start_admin(redis => $redis, extra => "lease 200ms\n");
my $nginx = start_nginx(redis => $redis, workers => 2, http => <<'HTTP');
    # timeout=1s: a read the machine stalls past the default 100 ms would
    # decide on the last state known, which these tests of the lease and
    # its shared read would count as stale (t/030 tests the timeout)
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=1s;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        root %%DIR%%/html;
        location = /metrics { maint off; maint_metrics; }
        add_header X-Maint-Status "$maint_status" always;
    }
HTTP

my $port = $nginx->port;
make_path($nginx->dir . '/html');
{
    open(my $f, '>', $nginx->dir . '/html/index.html') or die $!;
    print {$f} "app\n";
}

sub now_s { int(redis_now_ms($redis) / 1000) }
sub metric_of { metric($port, $_[0]) // 0 }

# traffic in the background, so that every worker holds a lease
my $load = fork();
die "fork: $!" unless defined $load;
if ($load == 0) {
    while (1) { http($port, 'GET', '/') }
}
END { if ($load) { kill 'KILL', $load; waitpid($load, 0) } }

# a fresh daemon writes the lease at its start, before any state exists:
# the gateways use it from the first moment, on the empty state
ok(wait_until(sub { ($redis->cmd('HGET', 'maint:state', 'lease_ms') // '') eq '200' },
              5, 'lease_ms at start'), 'a fresh daemon writes lease_ms at its start');
is($redis->cmd('HGET', 'maint:state', 'version'), undef, '... and no state: version 0');
ok(wait_until(sub { metric_of('ngx_maint_requests_leased_total') > 50 }, 10,
              'leased requests before any change'),
   '... requests on the empty state are decided under it')
    or diag('leased: ' . metric_of('ngx_maint_requests_leased_total'));
is(http($port, 'GET', '/')->{status}, 200, '... and pass');

# the first change writes it too
{
    my $t = now_s();
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Later', apps => ['shop'], starts_at => rfc3339($t + 86400),
        ends_at => rfc3339($t + 90000) });
    is($r->{status}, 201, 'a first change') or diag($r->{body});
    is($redis->cmd('HGET', 'maint:state', 'lease_ms'), 200,
       'lease_ms is written with it');
}

ok(wait_until(sub { metric_of('ngx_maint_requests_leased_total') > 50 }, 10,
              'leased requests'), 'requests are decided under the lease');

# reads against requests, while the leases are in use
{
    my ($reads0, $reqs0) = (metric_of('ngx_maint_redis_reads_total'),
                            metric_of('ngx_maint_requests_total{decision="pass"}'));
    my $until = time + 1;
    http($port, 'GET', '/') while time < $until;
    my $reads = metric_of('ngx_maint_redis_reads_total') - $reads0;
    my $reqs = metric_of('ngx_maint_requests_total{decision="pass"}') - $reqs0;
    ok($reqs > 200 / MaintTest::time_scale(1) && $reads * 10 < $reqs,
       "$reqs requests in a second took $reads reads");
}

# every answer waits out the lease; the very next request follows it
for my $round (1 .. 5) {
    my $t = now_s();
    my $t0 = time;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => "Now $round", apps => ['shop'], starts_at => rfc3339($t - 1),
        ends_at => rfc3339($t + 600) });
    my $took = time - $t0;
    is($r->{status}, 201, "round $round: a window in force") or diag($r->{body});
    ok($took >= 0.2, sprintf('... answered after the lease (%.0f ms)', $took * 1000));
    my $id = $r->{json}{id} // 'none';

    my @res = map { http($port, 'GET', '/') } 1 .. 4;
    my @bad = grep { $_->{status} != 503 } @res;
    ok(!@bad, '... the very next requests get the maintenance page')
        or diag(join ' ', map { $_->{status} } @res);

    my $tag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
    $r = $admin->api('POST', "/v1/windows/$id/complete", if_match => $tag);
    is($r->{status}, 200, '... completed') or diag($r->{body});
    @res = map { http($port, 'GET', '/') } 1 .. 4;
    @bad = grep { $_->{status} != 200 } @res;
    ok(!@bad, '... the very next requests pass') or diag(join ' ', map { $_->{status} } @res);
}

# lease 0: a daemon started with it writes it at once, before any change
# (the changes that follow within the old lease still wait it out:
# resources/write.c); after it no request is decided under a lease
$admin->stop;
my $admin0 = start_admin(redis => $redis, extra => "lease 0ms\n");
ok(wait_until(sub { ($redis->cmd('HGET', 'maint:state', 'lease_ms') // '') eq '0' },
              5, 'lease_ms 0'), 'lease 0: written at the start');
{
    my $r = $admin0->api('PUT', '/v1/settings', json => { notify_before_minutes => 45 });
    is($r->{status}, 200, '... a change') or diag($r->{body});
    is($redis->cmd('HGET', 'maint:state', 'lease_ms'), 0, '... lease_ms 0');
    my $leased = metric_of('ngx_maint_requests_leased_total');
    http($port, 'GET', '/') for 1 .. 20;
    is(metric_of('ngx_maint_requests_leased_total'), $leased, '... no request is leased after it');
}

# a reload that changes the lease writes it, without a change
{
    my $v = $redis->cmd('HGET', 'maint:state', 'version');
    $admin0->{extra} = "lease 150ms\n";
    $admin0->write_conf;
    kill 'HUP', $admin0->pid;
    ok(wait_until(sub { ($redis->cmd('HGET', 'maint:state', 'lease_ms') // '') eq '150' },
                  5, 'lease_ms 150'), 'a reload writes the new lease');
    is($redis->cmd('HGET', 'maint:state', 'version'), $v, '... and no change');
}

kill 'KILL', $load;
waitpid($load, 0);
$load = 0;

check_error_log($nginx);
done_testing();
