# Partial reads and writes on the Redis connection (docs/reliability.md):
# between the gateway and Redis sits a proxy (t/lib/FaultProxy.pm) that
# relays one byte per write, or random small chunks with small pauses, in
# both directions; then one that cuts every connection in the middle of a
# reply.  Through the slow links every decision is still right and fresh
# (windows, read-only, a revoked session, a new snapshot fetched through
# the link); through the cutting one every request is decided by
# maint_on_redis_error within the timeout, reconnects follow the backoff,
# and once the link is healthy again every worker is fresh within the
# backoff ceiling.  No worker crashes (the same pids all along), no
# [alert].

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use FaultProxy;
use Test::More;
use Time::HiRes qw(time);

my $TIMEOUT = 1.0;
my $BACKOFF_MAX = 0.400;

my $redis = start_redis();
my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir},
                              chunk => 16, delay_ms => 1);
my $up = free_port();

my $nginx = start_nginx(workers => 2,
                        vars => { UP => $up, PROXY => $proxy->port },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%PROXY%% timeout=1s connect_timeout=200ms
                backoff=50ms:400ms;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        maint_session_revoked 401;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Worker $pid always;

        location /        { maint_on_redis_error open stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /closed/ { maint_on_redis_error closed stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /free/   { maint_app other;
                            maint_on_redis_error closed stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location = /metrics { maint off; maint_metrics; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP
my $port = $nginx->port;
my @workers = $nginx->workers;

# every worker answers from a fresh read (answers name their worker)
sub fresh_again { every_worker_fresh($port, '/free/probe', 2, 60) }

# A mixed wave and what each request must get in the current state:
# [method, path, cookie, expected status].
sub wave {
    my ($label, $mode, $revoked, $live) = @_;
    my @cases;
    for my $i (1 .. 10) {
        push @cases,
            ['GET', "/r$i", undef, $mode eq 'full' ? 503 : 200],
            ['POST', "/w$i", undef, 503],
            ['GET', "/free/f$i", undef, 200],
            ['GET', "/free/s$i", $revoked, 401],
            ['GET', "/free/l$i", $live, 200];
    }
    my $res = http_many($port, [ map {
        [$_->[0], $_->[1],
         $_->[2] ? (headers => { Cookie => "sid=$_->[2]" }) : ()]
    } @cases ]);

    my @wrong = grep { $res->[$_]{status} != $cases[$_][3]
                       || ($res->[$_]{headers}{'x-maint-source'} // '') ne 'fresh' }
                0 .. $#cases;
    is(scalar @wrong, 0, "$label: all " . scalar(@cases) . ' decisions right and fresh')
        or diag(join "\n", map { "$cases[$_][0] $cases[$_][1]: $res->[$_]{status} "
                                 . ($res->[$_]{headers}{'x-maint-source'} // '-')
                                 . ' ' . ($res->[$_]{error} // '') } @wrong[0 .. ($#wrong > 4 ? 4 : $#wrong)]);
    my ($worst) = sort { $b <=> $a } map { $_->{time} } @$res;
    ok($worst < $TIMEOUT, sprintf("$label: slowest %.0f ms < timeout %.0f ms",
                                  $worst * 1000, $TIMEOUT * 1000));
    return $worst;
}

set_state($redis, windows => [ window($redis, id => 'w0', apps => ['shop']) ]);
ok(wait_until(\&fresh_again, 5, 'fresh through the proxy'), 'pass: fresh through the proxy');

my %worst;
for my $mode (qw(bytes chunks)) {
    $proxy->mode($mode);
    for my $round (1 .. 4) {
        # a new snapshot every round (fetched through the link), and a
        # session ended
        my $kind = $round % 2 ? 'read_only' : 'full';
        set_state($redis, windows => [ window($redis, id => "w$mode$round", apps => ['shop'],
                                              mode => $kind) ]);
        my ($revoked, $live) = ("gone-$mode-$round-" . 'x' x 20, "live-$mode-$round-" . 'y' x 20);
        revoke_session($redis, $revoked);
        my $w = wave("$mode, round $round ($kind window)", $kind, $revoked, $live);
        $worst{$mode} = $w if $w > ($worst{$mode} // 0);
    }
}
diag(sprintf('slowest request: %.0f ms one byte per write, %.0f ms in random chunks',
             $worst{bytes} * 1000, $worst{chunks} * 1000));

# --- cut in the middle of a reply ------------------------------------------

$proxy->mode('cut');
my $rc0 = metric($port, 'ngx_maint_redis_reconnects_total');
my ($t0, $n, $worst, @bad) = (time, 0, 0);
while (time - $t0 < 2) {
    my $res = http_many($port, [ map { (['GET', "/c$_"], ['GET', "/closed/c$_"]) } 1 .. 10 ]);
    for my $i (0 .. $#$res) {
        my $r = $res->[$i];
        $n++;
        $worst = $r->{time} if $r->{time} > $worst;
        # open lets through, closed answers unavailable, or the read made
        # it before the cut: the window's answer, fresh
        my $ok = ($r->{headers}{'x-maint-status'} // '') eq 'error'
            ? $r->{status} == ($i % 2 ? 503 : 200)
            : $r->{status} == 503 && ($r->{headers}{'x-maint-source'} // '') eq 'fresh';
        push @bad, "$r->{status} " . ($r->{headers}{'x-maint-status'} // '-') unless $ok;
    }
}
my $elapsed = time - $t0;
is(scalar @bad, 0, "cut: all $n requests decided by the policy (or fresh)")
    or diag("@bad[0 .. ($#bad > 9 ? 9 : $#bad)]");
ok($worst <= $TIMEOUT + 0.05, sprintf('cut: slowest %.0f ms <= timeout + 50 ms', $worst * 1000));
my $rc = metric($port, 'ngx_maint_redis_reconnects_total') - $rc0;
# per worker: a few attempts while the delay doubles from 50 ms to 400 ms,
# then at least 200 ms apart (jitter takes at most half)
ok($rc <= 2 * (5 + $elapsed / 0.2), sprintf('cut: %d reconnects in %.1f s for %d requests: '
                                             . 'backoff, not per request', $rc, $elapsed, $n));
my $errors = metric($port, 'ngx_maint_redis_errors_total') // 0;
ok($errors > 0, "cut: the failures are counted ($errors read errors)");

$proxy->mode('pass');
my $t1 = time;
ok(wait_until(\&fresh_again, 5, 'recovery after the cuts'), 'pass again: every worker fresh');
my $rec = time - $t1;
# the next attempt is due within the backoff ceiling; a connect and a read
ok($rec < $BACKOFF_MAX + $TIMEOUT, sprintf('recovered in %.0f ms (backoff ceiling %.0f ms)',
                                          $rec * 1000, $BACKOFF_MAX * 1000));
diag(sprintf('cut: %d requests in %.1f s, slowest %.0f ms, %d reconnects; recovered in %.0f ms',
             $n, $elapsed, $worst * 1000, $rc, $rec * 1000));
set_state($redis, windows => [ window($redis, id => 'wlast', apps => ['shop']) ]);
is(http($port, 'GET', '/last')->{status}, 503, 'a window written after recovery is enforced');

is("@{[ $nginx->workers ]}", "@workers", 'the same workers all along: none crashed');
$nginx->stop;
check_error_log($nginx);
$proxy->stop;

done_testing();
