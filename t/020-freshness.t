# The freshness promise: a request that arrives after a state change is
# decided on that change, on every worker; reads are coalesced; the state
# is decoded only when its version changes; windows open and close on
# Redis's clock, not the gateway's.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use FaultProxy;
use Test::More;

my $redis = start_redis();
my $up = free_port();

my $http = <<'HTTP';
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /relaxed/ {
            maint_max_staleness 60s;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location = /metrics { maint off; maint_metrics; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up },
                        http => $http);

sub counter { metric($nginx->port, $_[0]) }

# 1. the very next request after each change, many times over, on two
#    workers (new connection each time, so either worker may answer)

my $active = [ window($redis, id => 'w1') ];
my ($ok_on, $ok_off) = (0, 0);

for my $i (1 .. 40) {
    set_state($redis, windows => $active);
    $ok_on++ if http($nginx->port, 'GET', "/on$i")->{status} == 503;
    clear_state($redis);
    $ok_off++ if http($nginx->port, 'GET', "/off$i")->{status} == 200;
}

is($ok_on, 40, 'every request after switching on saw maintenance');
is($ok_off, 40, 'every request after switching off passed');

# 2. a burst of concurrent requests shares reads: each waits for a read
#    sent after it arrived, and a read is shared by all that arrive
#    while the ones before it are in flight.  Redis's replies are held
#    50 ms (t/lib/FaultProxy.pm), so that the burst arrives within the
#    reads' flight even when a loaded machine sends it slowly.

clear_state($redis);
my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir},
                              mode => 'late-reply', late_ms => 50);
my $slow = start_nginx(redis => $redis, workers => 2,
                       vars => { UP => free_port(), REDIS_PORT => $proxy->port },
                       http => $http);
http($_, 'GET', '/warm') for ($nginx->port, $slow->port) x 4;

sub slow_counter { metric($slow->port, $_[0]) }

my $reads0 = slow_counter('ngx_maint_redis_reads_total');
my $waited0 = slow_counter('ngx_maint_requests_waited_total');

my $res = http_many($slow->port, [ map { ['GET', "/burst$_"] } 1 .. 200 ]);
is(scalar(grep { $_->{status} == 200 } @$res), 200, 'burst: all 200 passed');
is(scalar(grep { ($_->{headers}{'x-maint-source'} // '') eq 'fresh' } @$res), 200,
   'burst: all decided on a fresh read');

my $reads = slow_counter('ngx_maint_redis_reads_total') - $reads0;
my $waited = slow_counter('ngx_maint_requests_waited_total') - $waited0;

is($waited, 200, 'burst: each request waited for a read sent after it arrived');
ok($reads < $waited, "burst: $waited requests shared $reads reads");
diag("coalescing: $waited requests, $reads reads");

$slow->stop;
check_error_log($slow);
$proxy->stop;

# 3. the snapshot is decoded only when its version changes

ok(every_worker_holds($nginx->port, '/same', 2,
                      $redis->cmd('HGET', 'maint:state', 'version') // 0),
   'every worker holds the state before counting');
my $loads0 = counter('ngx_maint_snapshot_loads_total');
http($nginx->port, 'GET', "/same$_") for 1 .. 30;
is(counter('ngx_maint_snapshot_loads_total'), $loads0,
   'no decoding while the version stays');

set_state($redis, windows => []);
http($nginx->port, 'GET', "/changed$_") for 1 .. 20;
my $loads = counter('ngx_maint_snapshot_loads_total') - $loads0;
ok($loads >= 1 && $loads <= 2, "one decode per worker after a change ($loads)");

# 4. maint_max_staleness relaxes freshness: decided without a read

http($nginx->port, 'GET', '/relaxed/prime') for 1 .. 4;
$reads0 = counter('ngx_maint_redis_reads_total');
my @relaxed = map { http($nginx->port, 'GET', "/relaxed/$_") } 1 .. 20;
is(scalar(grep { ($_->{headers}{'x-maint-source'} // '') eq 'recent' } @relaxed), 20,
   'relaxed location decides on a recent read');
is(counter('ngx_maint_redis_reads_total') - $reads0, 0, 'and sends no reads');

$nginx->stop;
check_error_log($nginx);

# 5. the fleet clock: a gateway whose clock is two days behind still opens
#    and closes windows on Redis's time

SKIP: {
    my ($lib) = grep { -f } map { "$_/faketime/libfaketime.so.1" }
        '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib';
    skip 'libfaketime not installed', 5 unless $lib;
    # the sanitizer runtimes must be preloaded first, and deadlock at start
    # with libfaketime after them: this part is for the plain build
    skip 'libfaketime and the ASan runtime do not load together', 5
        if $ENV{MAINT_ASAN};

    my $skewed = start_nginx(
        redis => $redis, vars => { UP => $up }, http => $http,
        env => { LD_PRELOAD => $lib, FAKETIME => '-2d',
                 FAKETIME_DONT_FAKE_MONOTONIC => 1 },
        env_keep => [qw(LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC)]);

    # on the gateway's own clock this window is two days in the future
    set_state($redis, windows => [ window($redis, id => 'now', start => -60, end => 3600) ]);
    my $r = http($skewed->port, 'GET', '/clock', headers => { Accept => 'application/json' });
    is($r->{status}, 503, 'skewed gateway: window active on Redis time');
    my $ra = $r->{headers}{'retry-after'} // 0;
    ok($ra > 3500 && $ra <= 3600, "skewed gateway: Retry-After from Redis time ($ra)");

    # and this one, active on the gateway's clock, ended on Redis's
    set_state($redis, windows => [ window($redis, id => 'past', start => -2 * 86400 - 3600,
                                           end => -2 * 86400 + 3600) ]);
    is(http($skewed->port, 'GET', '/clock')->{status}, 200,
       'skewed gateway: window over on Redis time');

    # a window starting in two seconds (Redis time) starts on time
    my $w = window($redis, id => 'soon', start => 2, end => 3600);
    set_state($redis, windows => [$w]);
    is(http($skewed->port, 'GET', '/clock')->{status}, 200, 'skewed gateway: not yet');
    wait_until(sub { redis_now_ms($redis) >= $w->{start} * 1000 + 100 }, 5,
               'Redis clock past the start');
    is(http($skewed->port, 'GET', '/clock')->{status}, 503,
       'skewed gateway: starts on Redis time, to within 100 ms');

    $skewed->stop;
    check_error_log($skewed);
}

done_testing();
