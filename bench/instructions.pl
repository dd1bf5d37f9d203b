#!/usr/bin/perl
# What the module adds to a proxied request, in instructions: exact, under
# valgrind's callgrind, independent of the machine's load.
#
# One gateway at a time runs under callgrind with W workers (1, 2, 4),
# proxying keep-alive requests with a session cookie to a plain upstream,
# W client connections at once (curl, one connection each):
#
#   plain       NGINX without the module;
#   module      "maint on", "maint_session_cookie sid", on the state as
#               maint-admind writes it (its lease, an upcoming window);
#   two values  the same, each connection's requests alternating between
#               two live sessions, so that no request's Cookie header is
#               the one before it (a proxy in front that mixes users on
#               its connections): the header is read every time;
#   no lease    the module with lease_ms 0: every request waits for a
#               Redis read of its own;
#   no lease, busy  the same with --busy K connections per worker at once
#               (8): the requests that arrive in one turn of the event
#               loop share a read, as on a busy gateway (plain NGINX is
#               measured with as many connections for it).
#
# Each gateway is warmed up first (the sessions seen, the upstream
# connections open), then serves N requests; the difference between a run
# of N and one of N/5 requests, divided by 4N/5, leaves start-up, warm-up
# and shut-down out.  Medians of --rounds rounds, the cases interleaved.
# "own" is the module's functions' (self cost); "cmds/req" Redis's
# commands per request (INFO commandstats).
#
# The lease: reads go out in the background by the clock (twice per
# lease, TIME once a second with them), and under callgrind a request
# takes some 100 times longer, so a 20 ms lease would charge every request
# about 100 times the reads it costs at full speed.  The lease is therefore
# 1000 ms here (--lease; the longest a gateway accepts): the table prints
# the commands per request this gives, still 5 to 15 times those of
# bench/redis-load.pl at full speed with maint-admind's 20 ms (0.001 to
# 0.002), so the figures with a lease are upper bounds.
#
#   perl bench/instructions.pl [--workers 1,2,4] [--requests N] [--rounds R]
#                              [--lease MS] [--busy K] [--before REV]
#                              [--keep DIR] [MODULE.so ...]
#
# --keep DIR leaves every callgrind file there, named by what it measured
# (NNN-module-wWORKERS-kCONNS-case-nREQUESTS.pid), for a look at where
# the instructions go: callgrind_annotate --inclusive=no FILE.
#
# Exits 1 when a target of docs/performance.md is missed.  Needs valgrind
# and curl; uses the test harness (t/lib).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib", "$FindBin::Bin";
use File::Spec;
use File::Temp qw(tempdir);
use Getopt::Long;
use List::Util qw(sum);
use MaintTest;
use BenchLib qw(build_before commandstats total);

my %opt = (workers => '1,2,4', requests => 2000, rounds => 3, lease => 1000,
           busy => 8);
GetOptions(\%opt, 'workers=s', 'requests=i', 'rounds=i', 'lease=i',
           'busy=i', 'before=s', 'keep=s')
    or die "usage: bench/instructions.pl [--workers 1,2,4] [--requests N] "
         . "[--rounds R] [--lease MS] [--busy K] [--before REV] "
         . "[--keep DIR] [MODULE.so ...]\n";
my @workers = split /,/, $opt{workers};
my @modules = map { [ $_, File::Spec->rel2abs($_) ] }
              @ARGV ? @ARGV : ('build/ngx_maint_module.so');
$modules[0][0] = 'module' unless @ARGV;
unshift @modules, [ "before ($opt{before})", build_before($opt{before}) ]
    if $opt{before};

my $tmp = tempdir(CLEANUP => 1);
my $keep = $opt{keep} // $tmp;
-d $keep or mkdir $keep or die "$keep: $!\n";
my $seq = 0;            # the callgrind files' order
my @SIDS = map { sprintf 'bench%027d', $_ } 1, 2;
my $WARM = 50;

# the gateway alone runs under callgrind, one output file per process
my $out;
{
    no warnings 'redefine';
    *MaintTest::_valgrind = sub {
        return () unless $out;
        return ('valgrind', '--tool=callgrind', "--callgrind-out-file=$out.%p",
                '--keep-debuginfo=yes');
    };
}

# (instructions of every file, instructions of the module's functions)
sub totals {
    my (@files) = @_;
    my ($all, $mine) = (0, 0);
    for my $f (@files) {
        for (`callgrind_annotate --inclusive=no --threshold=100 $f 2>/dev/null`) {
            if (/^\s*([\d,]+) .*PROGRAM TOTALS/) {
                $all += $1 =~ tr/,//dr;
            } elsif (/^\s*([\d,]+) .*:(?:ngx_)?maint_\w+ \[/) {
                $mine += $1 =~ tr/,//dr;
            }
        }
    }
    return ($all, $mine);
}

# $n requests over $conns keep-alive connections at once, one curl each
# (which keeps its connection for all its URLs); with $mix, a connection's
# requests alternate between the two sessions.  How many answered 200.
sub load {
    my ($port, $n, $conns, $mix) = @_;
    my @fhs;
    for my $c (1 .. $conns) {
        my $k = int($n / $conns) + ($c <= $n % $conns ? 1 : 0);
        my $cfg = "$tmp/curl.$c";
        open(my $f, '>', $cfg) or die $!;
        for my $i (1 .. $k) {
            my $sid = $SIDS[ $mix ? $i % 2 : 0 ];
            print {$f} qq{url = "http://127.0.0.1:$port/c$c/p$i"\n}
                     . qq{header = "Cookie: sid=$sid; theme=dark"\n}
                     . qq{output = "/dev/null"\nwrite-out = "%{http_code}\\n"\n}
                     . ($i < $k ? "next\n" : '');
        }
        close $f;
        open(my $fh, '-|', 'curl', '-s', '-K', $cfg) // die $!;
        push @fhs, $fh;
    }
    my $ok = 0;
    for my $fh (@fhs) {
        $ok += grep { /^200$/ } <$fh>;
        close $fh;
    }
    return $ok;
}

# One gateway, warmed up, then $n requests on $k connections per worker:
# (instructions of all its processes, of the module's functions, Redis
# commands in the $n requests)
sub run {
    my ($module, $w, $k, $n, $mix, $lease, $up, $redis) = @_;
    local $MaintTest::MODULE = $module // $MaintTest::MODULE;
    my $which = !$module ? 'plain'
              : $module =~ m{/before-([^/]+)/} ? "before-$1" : 'module';
    my $case = !$module ? 'plain' : $mix ? 'mix' : $lease ? 'lease' : 'nolease';
    my $tag = sprintf '%03d-%s-w%d-k%d-%s-n%d', ++$seq, $which, $w, $k, $case, $n;
    my $maint = $module ? <<'MAINT' : '';
    maint on;
    maint_app shop;
    maint_session_cookie sid;
MAINT
    my $redis_conf = $module ? 'maint_redis 127.0.0.1:%%REDIS_PORT%%;' : '';
    # valgrind keeps file descriptors for itself (no worker_rlimit_nofile)
    local $ENV{MAINT_VALGRIND} = 1;
    $out = "$keep/$tag";
    my $gw = start_nginx(redis => $redis, plain => !$module, workers => $w,
                         vars => { UP => $up->port }, http => <<"HTTP");
    $redis_conf
    upstream up { server 127.0.0.1:%%UP%%; keepalive 8; }
    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        keepalive_requests 1000000;
        access_log off;
$maint
        location / {
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
HTTP
    $out = undef;
    load($gw->port, $WARM * $w, $w, 1) == $WARM * $w
        or die "$tag: not every request of the warm-up passed\n";
    my $c0 = commandstats($redis);
    my $ok = load($gw->port, $n, $w * $k, $mix);
    my $c1 = commandstats($redis);
    $gw->stop;
    die "$tag: $ok of $n requests passed\n" unless $ok == $n;
    return (totals(glob("$keep/$tag.*")), total($c1) - total($c0));
}

# per request: (all instructions, the module's, Redis commands)
sub measure {
    my ($module, $w, $k, $lease, $mix, $up, $redis) = @_;
    $redis->cmd('HSET', 'maint:state', 'lease_ms', $lease) if defined $lease;
    my ($n1, $n2) = (int($opt{requests} / 5), $opt{requests});
    my @a = run($module, $w, $k, $n1, $mix, $lease, $up, $redis);
    my @b = run($module, $w, $k, $n2, $mix, $lease, $up, $redis);
    return [ ($b[0] - $a[0]) / ($n2 - $n1), ($b[1] - $a[1]) / ($n2 - $n1),
             $b[2] / $n2 ];
}

sub median {
    my @s = sort { $a <=> $b } @_;
    return @s % 2 ? $s[$#s / 2] : ($s[@s / 2 - 1] + $s[@s / 2]) / 2;
}

# name, lease, two values, connections per worker
my @cases = ([ "lease $opt{lease} ms", $opt{lease}, 0, 1 ],
             [ "lease $opt{lease} ms, two values", $opt{lease}, 1, 1 ],
             [ 'no lease', 0, 0, 1 ],
             [ "no lease, $opt{busy} connections a worker", 0, 0,
               $opt{busy} ]);
my %conns = map { $_->[3] => 1 } @cases;
my %res;            # {module}{case}{workers} = [ [all, own, cmds] per round ]
my %plain;          # {workers}{connections} = [ all per round ]

for my $w (@workers) {
    my $redis = start_redis();
    my $admin = start_admin(redis => $redis);
    $admin->api('POST', '/v1/windows', json => {
        title => 'upgrade', apps => ['shop'], mode => 'full',
        starts_at => '2099-01-01T02:00:00Z',
        ends_at => '2099-01-01T04:00:00Z' })->{status} == 201
        or die "creating the window failed\n";
    my $now = redis_now_ms($redis);
    $redis->cmd('HSET', 'maint:session:' . session_id($_), 'first_seen',
                $now - 60000, 'last_seen', $now - 60000, 'app', 'shop')
        for @SIDS;
    my $up = start_nginx(http => <<'HTTP');
    server {
        listen 127.0.0.1:%%PORT%%;
        keepalive_requests 1000000;
        access_log off;
        location / { return 200 "ok\n"; }
    }
HTTP
    for my $round (1 .. $opt{rounds}) {
        push @{ $plain{$w}{$_} },
             measure(undef, $w, $_, undef, 0, $up, $redis)->[0]
            for sort keys %conns;
        for my $m (@modules) {
            for my $c (@cases) {
                push @{ $res{ $m->[0] }{ $c->[0] }{$w} },
                     measure($m->[1], $w, $c->[3], $c->[1], $c->[2], $up,
                             $redis);
            }
        }
    }
    $up->stop;
    $admin->stop;
    $redis->stop;
}

printf "Instructions per keep-alive proxied request with a session cookie "
       . "(callgrind; %d requests,\nmedians of %d rounds)\n",
       $opt{requests}, $opt{rounds};
my @missed;
for my $m (@modules) {
    for my $c (@cases) {
        printf "\n%s, %s\n%7s %9s %9s %9s %9s %9s\n", $m->[0], $c->[0],
               'workers', 'plain', 'module', 'added', 'own', 'cmds/req';
        for my $w (@workers) {
            my $rounds = $res{ $m->[0] }{ $c->[0] }{$w};
            my $p = median(@{ $plain{$w}{ $c->[3] } });
            my $x = median(map { $_->[0] } @$rounds);
            printf "%7d %9.0f %9.0f %+9.0f %9.0f %9.4f\n", $w, $p, $x,
                   $x - $p, median(map { $_->[1] } @$rounds),
                   median(map { $_->[2] } @$rounds);
            my $limit = $c->[1] ? 1000 : 3000;
            push @missed, "$m->[0], $c->[0], $w workers: +"
                          . sprintf('%.0f', $x - $p) . " > $limit"
                if $m->[0] eq $modules[-1][0] && $x - $p > $limit;
        }
    }
}

print "\nTargets (docs/performance.md): at most 1,000 added with a lease, "
      . "3,000 without: ", (@missed ? "missed\n" . join('', map { "  $_\n" } @missed)
                                    : "met\n");
exit(@missed ? 1 : 0);
