# Redis stopped (SIGSTOP), killed, restarted, or absent from the start: no
# request to a "maint on" location waits longer than the timeout (+50 ms),
# a "maint off" location does not notice, maint_on_redis_error decides,
# reconnects follow the backoff (never one per request), and enforcement
# comes back on its own.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use Time::HiRes qw(time);

# the slack beyond the read timeout: the machine's, scaled with it on a
# sanitizer build (MAINT_TIME_SCALE); the timeout itself is the module's
my $TIMEOUT = 0.100;
my $SLACK = MaintTest::time_scale(0.050);
my $BOUND = $TIMEOUT + $SLACK;

my $redis = start_redis();
my $up = free_port();

my $http = <<'HTTP';
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms connect_timeout=100ms
                backoff=50ms:400ms;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Worker $pid always;

        location /stale/  { maint_on_redis_error open stale=10m;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /open/   { maint_on_redis_error open stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /closed/ { maint_on_redis_error closed stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /off/    { maint off; proxy_pass http://127.0.0.1:%%UP%%; }
        location = /metrics { maint off; maint_metrics; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up },
                        http => $http);
my $port = $nginx->port;


sub wave {
    my @reqs = map { my $i = $_; map { ['GET', "/$_/r$i"] } qw(stale open closed off) } 1 .. 15;
    return http_many($port, \@reqs);
}

sub by { my ($res, $loc) = @_; grep { ($_->{req} // '') eq $loc } @$res }

sub check_wave {
    my ($res, $label) = @_;
    my @reqs = map { my $i = $_; map { $_ } qw(stale open closed off) } 1 .. 15;
    $res->[$_]{req} = $reqs[$_] for 0 .. $#reqs;

    my @on = grep { $_->{req} ne 'off' } @$res;
    my ($worst) = sort { $b <=> $a } map { $_->{time} } @on;
    ok($worst <= $BOUND, sprintf("$label: slowest maint on request %.0f ms <= %.0f ms",
                                  $worst * 1000, $BOUND * 1000));

    my ($worst_off) = sort { $b <=> $a } map { $_->{time} } by($res, 'off');
    # under the timeout, or a wait for Redis could hide in the slack
    ok($worst_off < ($SLACK < 0.090 ? $SLACK : 0.090), sprintf("$label: maint off unaffected, slowest %.1f ms",
                                    $worst_off * 1000));
    is(scalar(grep { $_->{status} == 200 } by($res, 'off')), 15, "$label: maint off answered");

    is(scalar(grep { $_->{status} == 503
                     && $_->{headers}{'x-maint-status'} eq 'maintenance'
                     && $_->{headers}{'x-maint-source'} eq 'stale' } by($res, 'stale')),
       15, "$label: stale=10m keeps enforcing the last known window");
    is(scalar(grep { $_->{status} == 200
                     && $_->{headers}{'x-maint-status'} eq 'error'
                     && $_->{headers}{'x-maint-source'} eq 'none' } by($res, 'open')),
       15, "$label: open policy lets requests through, status error");
    is(scalar(grep { $_->{status} == 503
                     && $_->{headers}{'x-maint-status'} eq 'error'
                     && $_->{body} =~ /Temporarily unavailable/ } by($res, 'closed')),
       15, "$label: closed policy answers unavailable");
}

# every worker decides on fresh reads again (answers name their worker;
# one fresh answer could come from the worker that recovered first)
sub fresh_again { every_worker_fresh($port, '/open/probe', 2, 50) }

set_state($redis, windows => [ window($redis, id => 'w1') ]);
http($port, 'GET', "/$_/warm") for map { (qw(stale open closed)) } 1 .. 6;
ok(fresh_again(), 'healthy: fresh decisions');

# --- SIGSTOP: a Redis that accepts but does not answer --------------------

$redis->signal('STOP');
check_wave(wave(), 'stopped');
check_wave(wave(), 'stopped, policy engaged');

my $rc0 = metric($port, 'ngx_maint_redis_reconnects_total');
my ($t0, $sent) = (time, 0);
while (time - $t0 < 1.5) {
    wave();
    $sent += 60;
}
my $elapsed = time - $t0;
my $rc = metric($port, 'ngx_maint_redis_reconnects_total') - $rc0;

# attempts are at least connect_timeout + backoff_min/2 apart per worker
ok($rc <= 2 * (1 + $elapsed / 0.125), sprintf('stopped: %d reconnects in %.1f s for %d requests: '
                          . 'backoff, not per request', $rc, $elapsed, $sent));

$redis->signal('CONT');
my $t1 = time;
ok(wait_until(\&fresh_again, 5, 'recovery after SIGCONT'), 'continued: fresh again');
diag(sprintf('recovered %.0f ms after SIGCONT', (time - $t1) * 1000));
is(http($port, 'GET', '/open/after')->{status}, 503, 'continued: window enforced again');

# --- SIGKILL and restart on the same port ---------------------------------

$redis->kill9;
check_wave(wave(), 'killed');

$redis->start;
ok(wait_until(\&fresh_again, 5, 'recovery after restart'), 'restarted: fresh again');
is(http($port, 'GET', '/open/empty')->{status}, 200,
   'restarted Redis is empty: nothing to enforce');
set_state($redis, windows => [ window($redis, id => 'w2') ]);
is(http($port, 'GET', '/open/again')->{status}, 503,
   'state written after restart: enforced on the next request');

my $clients = grep { !/cmd=client/ } split /\n/, $redis->cmd('CLIENT', 'LIST');
ok($clients <= 2, "Redis sees $clients gateway connections for 2 workers");

$nginx->stop;
check_error_log($nginx);

# --- Redis absent when nginx starts ----------------------------------------

my $later = MaintTest::free_port();
my $cold = start_nginx(vars => { UP => $up }, workers => 2,
                       http => $http =~ s/%%REDIS_PORT%%/$later/r);
$port = $cold->port;

my $res = wave();
check_wave_cold($res);

my $late = MaintTest::Redis->new_started(port => $later);
set_state($late, windows => [ window($late, id => 'w3') ]);
ok(wait_until(\&fresh_again, 5, 'connect once Redis is up'), 'cold start: connects when Redis comes');
is(http($port, 'GET', '/closed/x')->{status}, 503, 'cold start: window enforced');

$cold->stop;
check_error_log($cold);

# --- a connect that fails at once (no such socket): decided without waiting

my $nosock = start_nginx(vars => { UP => $up },
                         http => <<'NOSOCK');
    maint_redis unix:%%DIR%%/no-such.sock timeout=1s;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        add_header X-Maint-Status "$maint_status" always;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /closed/ { maint_on_redis_error closed;
                            proxy_pass http://127.0.0.1:%%UP%%; }
    }
    server { listen 127.0.0.1:%%UP%%; location / { return 200 "app\n"; } }
NOSOCK

my @r = map { http($nosock->port, 'GET', "/x$_") } 1 .. 10;
my ($slowest) = sort { $b <=> $a } map { $_->{time} } @r;
ok($slowest < MaintTest::time_scale(0.2), sprintf('missing socket: no request waits for the 1 s timeout '
                           . '(slowest %.0f ms)', $slowest * 1000));
is(scalar(grep { $_->{status} == 200 && $_->{headers}{'x-maint-status'} eq 'error' } @r),
   10, 'missing socket: open policy');
is(http($nosock->port, 'GET', '/closed/x')->{status}, 503, 'missing socket: closed policy');
$nosock->stop;
check_error_log($nosock);

done_testing();

sub check_wave_cold {
    my ($res) = @_;
    my @reqs = map { my $i = $_; map { $_ } qw(stale open closed off) } 1 .. 15;
    $res->[$_]{req} = $reqs[$_] for 0 .. $#reqs;
    my ($worst) = sort { $b <=> $a } map { $_->{time} } grep { $_->{req} ne 'off' } @$res;
    ok($worst <= $BOUND, sprintf('cold start: slowest %.0f ms', $worst * 1000));
    # nothing is known yet, so even stale=10m has nothing to keep
    is(scalar(grep { $_->{status} == 200 } by($res, 'stale'), by($res, 'open')), 30,
       'cold start: open policies pass');
    is(scalar(grep { $_->{status} == 503 } by($res, 'closed')), 15,
       'cold start: closed policy answers unavailable');
}
