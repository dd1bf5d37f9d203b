# Two ways for Redis to be unreachable (docs/reliability.md):
#
# - a listener that accepts connections and reads what it gets but never
#   answers (t/lib/FaultProxy.pm, mode "blackhole"): the handshake fails
#   at connect_timeout, every request is decided by maint_on_redis_error
#   within timeout + 50 ms, attempts follow the backoff, the abandoned
#   connections are closed (no descriptor grows), and when the listener
#   relays again every worker is fresh within the reconnect ceiling;
# - connection refused (nothing listens on the port): the connect fails at
#   once, so requests are decided without waiting for the timeout (1 s
#   here), and when Redis appears on the port the workers connect within
#   the reconnect ceiling.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use FaultProxy;
use Test::More;
use Time::HiRes qw(time);

my $WORKERS = 2;
my $BACKOFF_MAX = 0.400;

my $redis = start_redis();
my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir});
my $up = free_port();

my $conf = <<'HTTP';
    maint_redis 127.0.0.1:%%TO%% timeout=%%TIMEOUT%% connect_timeout=100ms
                backoff=50ms:400ms;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Worker $pid always;

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

sub fresh_on {
    my ($port) = @_;
    my %fresh;
    for (1 .. 60) {
        my $r = http($port, 'GET', '/open/probe');
        return undef unless ($r->{headers}{'x-maint-source'} // '') eq 'fresh';
        $fresh{ $r->{headers}{'x-worker'} // '' } = 1;
        return 1 if keys %fresh == $WORKERS;
    }
    return undef;
}

# the machine's slack beyond the module's timeouts, scaled on a sanitizer
# build (MAINT_TIME_SCALE)
sub slack { MaintTest::time_scale($_[0]) }

# A wave of requests; checks bound and policy, returns the slowest.
sub policy_wave {
    my ($port, $label, $bound) = @_;
    my @paths = map { ("/open/a$_", "/closed/a$_", "/off/a$_") } 1 .. 10;
    my $res = http_many($port, [ map { ['GET', $_] } @paths ]);
    my (@bad, $worst, $worst_off);
    ($worst, $worst_off) = (0, 0);
    for my $i (0 .. $#paths) {
        my $r = $res->[$i];
        my $ms = ($r->{headers}{'x-maint-status'} // '');
        if ($paths[$i] =~ m{^/off/}) {
            $worst_off = $r->{time} if $r->{time} > $worst_off;
            push @bad, "$paths[$i] $r->{status}" unless $r->{status} == 200;
            next;
        }
        $worst = $r->{time} if $r->{time} > $worst;
        my $want = $paths[$i] =~ m{^/open/} ? 200 : 503;
        push @bad, "$paths[$i] $r->{status} $ms" unless $r->{status} == $want && $ms eq 'error';
    }
    is(scalar @bad, 0, "$label: every request decided by its policy") or diag("@bad");
    ok($worst <= $bound, sprintf("$label: slowest %.0f ms <= %.0f ms", $worst * 1000, $bound * 1000));
    ok($worst_off < 0.1, sprintf("$label: maint off unaffected (slowest %.1f ms)", $worst_off * 1000));
    return $worst;
}

# --- the listener that never answers ---------------------------------------

my $nginx = start_nginx(workers => $WORKERS,
                        vars => { UP => $up, TO => $proxy->port, TIMEOUT => '100ms' },
                        http => $conf);
my $port = $nginx->port;
my @workers = $nginx->workers;

set_state($redis, windows => [ window($redis, id => 'w1') ]);
ok(wait_until(sub { fresh_on($port) }, 5, 'fresh'), 'healthy: every worker fresh');
my @fds0 = map { $nginx->open_fds($_) } @workers;

$proxy->mode('blackhole');
# the connection already open stops answering too
my $worst = 0;
for my $i (1 .. 3) {
    my $w = policy_wave($port, "blackhole, wave $i", 0.100 + slack(0.050));
    $worst = $w if $w > $worst;
}

my $rc0 = metric($port, 'ngx_maint_redis_reconnects_total');
my $t0 = time;
my $maxfds = 0;
while (time - $t0 < 2) {
    for my $w (@workers) {
        my $n = $nginx->open_fds($w);
        $maxfds = $n if $n > $maxfds;
    }
    http($port, 'GET', '/open/steady');
}
my $elapsed = time - $t0;
my $rc = metric($port, 'ngx_maint_redis_reconnects_total') - $rc0;
# per worker: a few attempts while the delay doubles, then one per
# connect_timeout + at least backoff_max / 2
ok($rc <= $WORKERS * (4 + $elapsed / 0.3),
   sprintf('blackhole: %d connection attempts in %.1f s: the backoff', $rc, $elapsed));
my ($fmax) = sort { $b <=> $a } @fds0;
ok($maxfds <= $fmax + 1, "blackhole: a worker holds at most $maxfds descriptors "
   . "(idle: @fds0): abandoned attempts are closed");

$proxy->mode('pass');
my $t1 = time;
ok(wait_until(sub { fresh_on($port) }, 5, 'recovery'), 'relaying again: every worker fresh');
my $rec = time - $t1;
ok($rec < $BACKOFF_MAX + 0.1 + 0.1 + slack(0.3),
   sprintf('relaying again: fresh after %.0f ms (backoff ceiling %.0f ms)', $rec * 1000,
           $BACKOFF_MAX * 1000));
diag(sprintf('blackhole: slowest request %.0f ms, %d attempts in %.1f s, recovered in %.0f ms',
             $worst * 1000, $rc, $elapsed, $rec * 1000));
is("@{[ $nginx->workers ]}", "@workers", 'blackhole: no worker crashed');
$nginx->stop;
check_error_log($nginx);

# --- connection refused -----------------------------------------------------

my $closed = free_port();
my $refused = start_nginx(workers => $WORKERS,
                          vars => { UP => $up, TO => $closed, TIMEOUT => '1s' },
                          http => $conf);
$port = $refused->port;
@workers = $refused->workers;

# the first requests may meet a connect in progress; from then on the
# worker knows Redis is down and decides at once
$worst = 0;
for my $i (1 .. 5) {
    my $w = policy_wave($port, "refused, wave $i", 1 + slack(0.05));
    $worst = $w if $w > $worst && $i > 1;
}
ok($worst < slack(0.5), sprintf('refused: no request waits for the 1 s timeout (slowest %.0f ms '
                         . 'after the first wave)', $worst * 1000));

my $late = MaintTest::Redis->new_started(port => $closed);
set_state($late, windows => [ window($late, id => 'w2') ]);
$t1 = time;
ok(wait_until(sub { fresh_on($port) }, 5, 'connect'), 'Redis listening: every worker fresh');
$rec = time - $t1;
ok($rec < $BACKOFF_MAX + 0.1 + 1 + slack(0.3),
   sprintf('Redis listening: fresh after %.0f ms (backoff ceiling %.0f ms)', $rec * 1000,
           $BACKOFF_MAX * 1000));
diag(sprintf('refused: slowest request %.0f ms after the first wave; connected %.0f ms '
             . 'after Redis started', $worst * 1000, $rec * 1000));
is(http($port, 'GET', '/open/x')->{status}, 503, 'refused, then up: the window is enforced');
my $clients = grep { !/cmd=client/ } split /\n/, $late->cmd('CLIENT', 'LIST');
ok($clients <= $WORKERS, "refused, then up: $clients connections for $WORKERS workers");
is("@{[ $refused->workers ]}", "@workers", 'refused: no worker crashed');
$refused->stop;
check_error_log($refused);
$proxy->stop;

done_testing();
