# One read for all workers (docs/design.md, "One read for all workers"):
# the workers of one NGINX share their newest state read through a shared
# zone, so that a busy NGINX reads about twice per lease, not twice per
# lease and worker, and the freshness promise still holds on every worker.
#
# One nginx with 4 workers (reuseport: the kernel spreads the connections
# over all of them), a 50 ms lease, keep-alive load on 32 connections.
#   1. Redis sees about one worker's worth of HMGETs (INFO commandstats):
#      at most 1.5 x 2/L, where reading per worker would be about 4 x 2/L.
#   2. After every acknowledged change through the admin API (a window
#      started now, then completed), no request sent after the answer gets
#      the old answer, on any worker.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;
use IO::Handle;
use POSIX qw(_exit);
use Time::HiRes qw(time);
use File::Path qw(make_path);

my $LEASE_MS = 50;
my $WORKERS = 4;
my $CHILDREN = 4;
my $CONNS = 8;                  # each child's keep-alive connections

my $redis = start_redis();
my $admin = start_admin(redis => $redis, extra => "lease ${LEASE_MS}ms\n");
my $nginx = start_nginx(redis => $redis, workers => $WORKERS, http => <<'HTTP');
    # timeout=1s: a read the machine stalls past the default 100 ms would
    # decide on the last state known, which these tests of the lease and
    # its shared read would count as stale (t/030 tests the timeout)
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=1s;
    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        root %%DIR%%/html;
        keepalive_requests 1000000;
        location = /metrics { maint off; maint_metrics; }
        add_header X-Worker $pid always;
    }
HTTP

my $port = $nginx->port;
my $dir = $nginx->dir;
make_path("$dir/html");
{
    open(my $f, '>', "$dir/html/index.html") or die $!;
    print {$f} "app\n";
}

sub now_s { int(redis_now_ms($redis) / 1000) }
sub metric_of { metric($port, $_[0]) // 0 }

sub hmget_calls {
    my $info = $redis->cmd('INFO', 'commandstats');
    return $info =~ /^cmdstat_hmget:calls=(\d+)/m ? $1 : 0;
}

# The load: children with keep-alive connections, one request at a time on
# each; every answer is logged with when its request was sent, its status
# and the worker that answered.

sub one_response {
    my ($s) = @_;
    my $buf = '';
    while ($buf !~ /\r\n\r\n/) {
        my $n = sysread($s, $buf, 65536, length $buf);
        return unless $n;
    }
    my ($head, $rest) = split /\r\n\r\n/, $buf, 2;
    my ($status) = $head =~ m{^HTTP/1\.1 (\d+)};
    my ($pid) = $head =~ /^X-Worker: (\d+)/mi;
    my ($len) = $head =~ /^Content-Length: (\d+)/mi;
    if (defined $len) {
        while (length $rest < $len) {
            my $n = sysread($s, $rest, $len - length $rest, length $rest);
            return unless $n;
        }
    } else {
        # chunked: read to the last chunk
        while ($rest !~ /(?:^|\r\n)0\r\n\r\n$/) {
            my $n = sysread($s, $rest, 65536, length $rest);
            return unless $n;
        }
    }
    my $close = $head =~ /^Connection: close/mi;
    return ($status, $pid // 0, $close);
}

sub connect_one {
    IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                          Proto => 'tcp') or die "connect: $!";
}

sub load_child {
    my ($file, $stop) = @_;
    open(my $out, '>', $file) or die $!;
    $out->autoflush(1);
    my @socks = map { connect_one() } 1 .. $CONNS;
    my $req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    while (!-e $stop) {
        for my $i (0 .. $#socks) {
            my $t0 = time;
            syswrite($socks[$i], $req);
            my ($status, $pid, $close) = one_response($socks[$i]);
            if (!defined $status) {
                $socks[$i] = connect_one();
                next;
            }
            printf {$out} "%.6f %d %d\n", $t0, $status, $pid;
            $socks[$i] = connect_one() if $close;
        }
    }
    close $out;
}

my $stop = "$dir/stop-load";
my @logs = map { "$dir/load$_.log" } 1 .. $CHILDREN;
my @kids;
END { for (@kids) { kill 'KILL', $_; waitpid($_, 0) } }

# every answer logged so far (read on from where the last call stopped)
my (@answers, %at);
sub answers {
    for my $f (@logs) {
        open(my $in, '<', $f) or next;
        seek($in, $at{$f} // 0, 0);
        while (my $line = <$in>) {
            last unless $line =~ /\n$/;
            $at{$f} = tell($in);
            my ($t, $status, $pid) = $line =~ /^(\S+) (\d+) (\d+)$/ or next;
            push @answers, [ $t, $status, $pid ];
        }
    }
    return \@answers;
}

sub first10 { @_[0 .. ($#_ > 9 ? 9 : $#_)] }

# the first change writes the lease
{
    my $t = now_s();
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Later', apps => ['shop'], starts_at => rfc3339($t + 86400),
        ends_at => rfc3339($t + 90000) });
    is($r->{status}, 201, 'a first change') or diag($r->{body});
    is($redis->cmd('HGET', 'maint:state', 'lease_ms'), $LEASE_MS,
       'lease_ms is written with it');
}

for my $f (@logs) {
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        # never the harness's END blocks: they stop what the test started
        eval { load_child($f, $stop) };
        _exit(0);
    }
    push @kids, $pid;
}

# every worker answers, and holds leases
ok(wait_until(sub {
    my %pids = map { $_->[2] => 1 } @{ answers() };
    keys %pids == $WORKERS && metric_of('ngx_maint_reads_shared_total') > 20;
}, 20, 'load on every worker'), "every worker answers, leases are shared");

# 1. the load on Redis: HMGETs a second, against the requests

{
    my ($h0, $n0, $t0) = (hmget_calls(), scalar @{ answers() }, time);
    wait_until(sub { time - $t0 >= 3 }, 10, 'three seconds of load');
    my ($h1, $n1, $t1) = (hmget_calls(), scalar @{ answers() }, time);
    my $per_s = ($h1 - $h0) / ($t1 - $t0);
    my $model = 2 * 1000 / $LEASE_MS;
    my $reqs = $n1 - $n0;
    diag(sprintf('%d workers, lease %d ms: %.1f HMGET/s (one worker: 2/L = '
                 . '%.0f/s; per worker it would be %.0f/s), %d requests, '
                 . '%.4f HMGET per request', $WORKERS, $LEASE_MS, $per_s,
                 $model, $WORKERS * $model, $reqs, ($h1 - $h0) / ($reqs || 1)));
    ok($reqs > 1000, "the load kept up ($reqs requests in 3 s)");
    ok($per_s <= 1.5 * $model,
       sprintf('Redis sees about one worker\'s reads: %.1f/s <= 1.5 x %.0f',
               $per_s, $model));
}

# 2. freshness after every acknowledged change, on every worker

my @rounds;
for my $round (1 .. 5) {
    my %rd;
    $rd{start_sent} = time;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => "Now $round", apps => ['shop'], starts_at => 'now',
        ends_at => rfc3339(now_s() + 600) });
    $rd{start_ack} = time;
    is($r->{status}, 201, "round $round: a window started now") or diag($r->{body});
    my $id = $r->{json}{id} // 'none';

    # let requests sent after the answer reach every worker
    wait_until(sub { (grep { $_->[0] > $rd{start_ack} } @{ answers() }) >= 400 },
               10, 'requests after the start');

    my $tag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
    $rd{end_sent} = time;
    $r = $admin->api('POST', "/v1/windows/$id/complete", if_match => $tag);
    $rd{end_ack} = time;
    is($r->{status}, 200, "round $round: completed") or diag($r->{body});

    wait_until(sub { (grep { $_->[0] > $rd{end_ack} } @{ answers() }) >= 400 },
               10, 'requests after the end');
    push @rounds, \%rd;
}

open(my $s, '>', $stop) or die $!;
close $s;
for (@kids) { waitpid($_, 0) }
@kids = ();

my $all = answers();
for my $i (0 .. $#rounds) {
    my $rd = $rounds[$i];
    my $next = $i < $#rounds ? $rounds[$i + 1]{start_sent} : 9e9;
    my @on = grep { $_->[0] > $rd->{start_ack} && $_->[0] < $rd->{end_sent} } @$all;
    my @off = grep { $_->[0] > $rd->{end_ack} && $_->[0] < $next } @$all;
    my @stale_on = grep { $_->[1] != 503 } @on;
    my @stale_off = grep { $_->[1] != 200 } @off;
    my %w_on = map { $_->[2] => 1 } @on;
    my %w_off = map { $_->[2] => 1 } @off;
    my $n = $i + 1;
    is(scalar @stale_on, 0, sprintf('round %d: 0 of %d requests sent after the '
       . 'start was answered got the old answer (%d workers)', $n,
       scalar @on, scalar keys %w_on))
        or diag(join ' ', map { sprintf('+%.1fms:%d@%d',
            ($_->[0] - $rd->{start_ack}) * 1000, $_->[1], $_->[2]) } first10(@stale_on));
    is(scalar @stale_off, 0, sprintf('round %d: 0 of %d requests sent after the '
       . 'end was answered got the old answer (%d workers)', $n,
       scalar @off, scalar keys %w_off))
        or diag(join ' ', map { sprintf('+%.1fms:%d@%d',
            ($_->[0] - $rd->{end_ack}) * 1000, $_->[1], $_->[2]) } first10(@stale_off));
    is(scalar keys %w_on, $WORKERS, "round $n: every worker answered after the start");
}

diag(sprintf('reads shared: %d leases taken over from another worker\'s read',
             metric_of('ngx_maint_reads_shared_total')));

check_error_log($nginx);
done_testing();
