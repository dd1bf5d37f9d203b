#!/usr/bin/perl
# Redis load per gateway host (docs/performance.md, "Scaling"): G NGINX
# gateways (1 by default) with 1, 2 and 4 workers each (reuseport, so
# that every worker is busy) on one Redis, the state with lease_ms as
# maint-admind writes it, one wrk per gateway on keep-alive connections
# (C in all), all at once; prints Redis's HMGETs and all its commands a
# second and per request (INFO commandstats), against the models
# 2·G·W/L (every worker reads for itself) and 2·G/L (the workers of a
# gateway share one read).
#
#   perl bench/redis-load.pl [--lease MS] [--duration S] [--connections C]
#                            [--workers 1,2,4] [--gateways 1,2,4]
#                            [--before REV] [MODULE.so ...]
#
# --before REV: also measures the module as it was at git revision REV
# (built under build/bench/before-REV), first: "before" and "after" side by
# side.  Modules default to the build's.  Needs wrk; uses the test harness
# (t/lib), which starts Redis and NGINX on free ports and stops them by pid.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib", "$FindBin::Bin";
use File::Path qw(make_path);
use File::Spec;
use Getopt::Long;
use MaintTest;
use BenchLib qw(build_before commandstats total);

my %opt = (lease => 20, duration => 3, connections => 64, workers => '1,2,4',
           gateways => '1');
GetOptions(\%opt, 'lease=i', 'duration=f', 'connections=i', 'workers=s',
           'gateways=s', 'before=s')
    or die "usage: bench/redis-load.pl [--lease MS] [--duration S] "
         . "[--connections C] [--workers 1,2,4] [--gateways 1,2,4] "
         . "[--before REV] [MODULE.so ...]\n";

my @modules = map { [ $_, File::Spec->rel2abs($_) ] }
              @ARGV ? @ARGV : ('build/ngx_maint_module.so');
$modules[0][0] = 'after' unless @ARGV;
unshift @modules, [ "before ($opt{before})", build_before($opt{before}) ]
    if $opt{before};
my @workers = split /,/, $opt{workers};
my @gateways = split /,/, $opt{gateways};

# one wrk per URL, all at once: (requests, seconds, non-2xx) summed
sub wrk {
    my ($secs, @urls) = @_;
    my $c = int($opt{connections} / @urls) || 1;
    my $threads = @urls > 1 ? 1 : 2;    # two cores in all
    my @fhs = map { open(my $fh, '-|',
                         "wrk -t$threads -c$c -d${secs}s $_ 2>&1")
                        or die "wrk: $!"; $fh } @urls;
    my ($n, $t, $bad) = (0, 0, 0);
    for my $fh (@fhs) {
        my $out = do { local $/; <$fh> };
        close $fh;
        my ($r) = $out =~ /(\d+) requests in/;
        my ($s) = $out =~ /requests in ([\d.]+)s/;
        die "wrk failed: $out" unless $r && $s;
        $n += $r;
        $t = $s if $s > $t;
        $bad += $1 if $out =~ /Non-2xx or 3xx responses: (\d+)/;
    }
    return ($n, $t, $bad);
}

sub gateway {
    my ($redis, $w) = @_;
    my $nginx = start_nginx(redis => $redis, workers => $w, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms;
    server {
        listen 127.0.0.1:%%PORT%% reuseport backlog=4096;
        keepalive_requests 1000000;
        access_log off;
        maint on;
        maint_app demo;
        root %%DIR%%/html;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
    make_path($nginx->dir . '/html');
    open(my $f, '>', $nginx->dir . '/html/index.html') or die $!;
    print {$f} "ok\n";
    close $f;

    return $nginx;
}

sub measure {
    my ($module, $w, $g) = @_;
    local $MaintTest::MODULE = $module;
    my $redis = start_redis();
    set_state($redis);
    $redis->cmd('HSET', 'maint:state', 'lease_ms', $opt{lease});
    my @gw = map { gateway($redis, $w) } 1 .. $g;
    my @urls = map { 'http://127.0.0.1:' . $_->port . '/' } @gw;

    # warm up: every worker holds the state and a lease
    wrk(1, @urls);

    my $c0 = commandstats($redis);
    my ($requests, $secs, $non2xx) = wrk($opt{duration}, @urls);
    my $c1 = commandstats($redis);

    my $hmget = ($c1->{hmget} // 0) - ($c0->{hmget} // 0);
    my $all = total($c1) - total($c0);

    $_->stop for @gw;
    $redis->stop;

    return { rps => $requests / $secs, hmget_s => $hmget / $secs,
             all_s => $all / $secs, per_req => $all / $requests,
             non2xx => $non2xx };
}

printf "lease %d ms, %d connections in all, %.0f s each; models: "
       . "2·G/L = %.0f x G reads/s, 2·G·W/L = %.0f x G x W\n\n",
       $opt{lease}, $opt{connections}, $opt{duration},
       2000 / $opt{lease}, 2000 / $opt{lease};
printf "%-22s %8s %7s %10s %9s %9s %9s %9s %10s\n", 'module', 'gateways',
       'workers', 'req/s', 'HMGET/s', '2G/L', '2GW/L', 'cmds/s', 'cmds/req';
for my $m (@modules) {
    for my $g (@gateways) {
        for my $w (@workers) {
            my $r = measure($m->[1], $w, $g);
            printf "%-22s %8d %7d %10.0f %9.1f %9.0f %9.0f %9.1f %10.6f%s\n",
                   $m->[0], $g, $w, $r->{rps}, $r->{hmget_s},
                   2000 * $g / $opt{lease}, 2000 * $g * $w / $opt{lease},
                   $r->{all_s}, $r->{per_req},
                   $r->{non2xx} ? "  ($r->{non2xx} not 2xx)" : '';
        }
    }
}
