#!/usr/bin/perl
# Instructions per proxied request, exact, under valgrind's callgrind: the
# gateway (NGINX with the module, "maint on", a session cookie, no window)
# serves N1 then N2 requests in two runs; the difference divided by N2 - N1
# leaves out start-up and shut-down.  Prints the gateway's instructions per
# request (all of them: NGINX and the module) and the module's own (its
# functions, self cost).  Background reads follow the clock, so the totals
# move by a few hundred instructions from run to run; the module's own
# figure barely moves.
#
#   perl bench/instructions.pl [MODULE.so ...]     (default: the build's)
#
# Several modules (an older build, say) are measured one after the other.
# Needs valgrind (callgrind_annotate); uses the test harness (t/lib).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use File::Spec;
use File::Temp qw(tempdir);
use MaintTest;

my ($N1, $N2) = (200, 1200);
my @modules = map { File::Spec->rel2abs($_) }
              @ARGV ? @ARGV : ("$FindBin::Bin/../build/ngx_maint_module.so");
my $tmp = tempdir(CLEANUP => 1);

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

# (instructions of every process, instructions of the module's functions)
sub totals {
    my ($prefix) = @_;
    my ($all, $mine) = (0, 0);
    for my $f (glob("$prefix.*")) {
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

sub run {
    my ($module, $n, $prefix) = @_;
    local $MaintTest::MODULE = $module;
    my $redis = start_redis();
    my $up = start_nginx(http => <<'HTTP');
    server { listen 127.0.0.1:%%PORT%%; location / { return 200 "ok\n"; } }
HTTP
    set_state($redis, windows => []);
    $out = $prefix;
    my $gw = start_nginx(redis => $redis, vars => { UP => $up->port },
                         http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    upstream up { server 127.0.0.1:%%UP%%; keepalive 8; }
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        location / {
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
HTTP
    $out = undef;
    my $ok = 0;
    for my $i (1 .. $n) {
        my $r = http($gw->port, 'GET', "/p$i", headers => {
            Cookie => 'sid=abcdef0123456789abcdef0123456789; theme=dark' });
        $ok++ if ($r->{status} // 0) == 200;
    }
    $gw->stop;
    $up->stop;
    $redis->stop;
    die "$module: $ok of $n requests passed\n" unless $ok == $n;
    return totals($prefix);
}

{
    local $ENV{MAINT_VALGRIND} = 1;
    for my $i (0 .. $#modules) {
        my @a = run($modules[$i], $N1, "$tmp/m$i.a");
        my @b = run($modules[$i], $N2, "$tmp/m$i.b");
        my $d = $N2 - $N1;
        printf "%s: %d instructions a request in the gateway, %d of them "
             . "the module's\n", $modules[$i], ($b[0] - $a[0]) / $d,
             ($b[1] - $a[1]) / $d;
    }
}
