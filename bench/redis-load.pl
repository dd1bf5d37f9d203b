#!/usr/bin/perl
# Redis load per gateway host (docs/performance.md, "Scaling"): one NGINX
# with 1, 2 and 4 workers (reuseport, so that every worker is busy), the
# state with lease_ms as maint-admind writes it, wrk on keep-alive
# connections; prints Redis's HMGETs and all its commands a second and per
# request (INFO commandstats), against the models 2·W/L (every worker
# reads for itself) and 2/L (the workers share one read).
#
#   perl bench/redis-load.pl [--lease MS] [--duration S] [--connections C]
#                            [--workers 1,2,4] [--before REV] [MODULE.so ...]
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

my %opt = (lease => 20, duration => 3, connections => 64, workers => '1,2,4');
GetOptions(\%opt, 'lease=i', 'duration=f', 'connections=i', 'workers=s',
           'before=s')
    or die "usage: bench/redis-load.pl [--lease MS] [--duration S] "
         . "[--connections C] [--workers 1,2,4] [--before REV] [MODULE.so ...]\n";

my @modules = map { [ $_, File::Spec->rel2abs($_) ] }
              @ARGV ? @ARGV : ('build/ngx_maint_module.so');
$modules[0][0] = 'after' unless @ARGV;
unshift @modules, [ "before ($opt{before})", build_before($opt{before}) ]
    if $opt{before};
my @workers = split /,/, $opt{workers};

sub measure {
    my ($module, $w) = @_;
    local $MaintTest::MODULE = $module;
    my $redis = start_redis();
    set_state($redis);
    $redis->cmd('HSET', 'maint:state', 'lease_ms', $opt{lease});
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

    my $url = 'http://127.0.0.1:' . $nginx->port . '/';
    # warm up: every worker holds the state and a lease
    `wrk -t2 -c$opt{connections} -d1s $url 2>&1`;

    my $c0 = commandstats($redis);
    my $out = `wrk -t2 -c$opt{connections} -d$opt{duration}s $url 2>&1`;
    my $c1 = commandstats($redis);

    my ($requests) = $out =~ /(\d+) requests in/;
    my ($secs) = $out =~ /requests in ([\d.]+)s/;
    my ($non2xx) = $out =~ /Non-2xx or 3xx responses: (\d+)/;
    die "wrk failed: $out" unless $requests && $secs;

    my $hmget = ($c1->{hmget} // 0) - ($c0->{hmget} // 0);
    my $all = total($c1) - total($c0);

    $nginx->stop;
    $redis->stop;

    return { rps => $requests / $secs, hmget_s => $hmget / $secs,
             all_s => $all / $secs, per_req => $all / $requests,
             non2xx => $non2xx // 0 };
}

printf "lease %d ms, %d connections, %.0f s each; models: 2/L = %.0f "
       . "reads/s per host, 2W/L = %.0f x W\n\n",
       $opt{lease}, $opt{connections}, $opt{duration},
       2000 / $opt{lease}, 2000 / $opt{lease};
printf "%-22s %7s %10s %9s %9s %9s %10s\n", 'module', 'workers', 'req/s',
       'HMGET/s', '2W/L', 'cmds/s', 'cmds/req';
for my $m (@modules) {
    for my $w (@workers) {
        my $r = measure($m->[1], $w);
        printf "%-22s %7d %10.0f %9.1f %9.0f %9.1f %10.6f%s\n", $m->[0], $w,
               $r->{rps}, $r->{hmget_s}, 2000 * $w / $opt{lease},
               $r->{all_s}, $r->{per_req},
               $r->{non2xx} ? "  ($r->{non2xx} not 2xx)" : '';
    }
}
