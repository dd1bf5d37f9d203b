# HTTP/2: many streams multiplexed on a few connections are parked and
# resumed individually (each stream is its own request on a fake
# connection), bounded the same way when Redis stops answering.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

plan skip_all => 'h2load (nghttp2-client) not installed'
    unless `which h2load 2>/dev/null`;

my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms;
    server {
        listen 127.0.0.1:%%PORT%% http2;
        maint on;
        root %%DIR%%;
    }
HTTP

open(my $f, '>', $nginx->dir . '/index.html') or die;
print {$f} "app\n";
close $f;

sub h2load {
    my (%o) = @_;
    my $out = `h2load -n $o{n} -c $o{c} -m $o{m} http://127.0.0.1:${\ $nginx->port}/index.html 2>&1`;
    my %r;
    @r{qw(done ok failed errored)} = $out =~ /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/;
    @r{qw(s2xx s5xx)} = $out =~ /status codes: (\d+) 2xx, \d+ 3xx, \d+ 4xx, (\d+) 5xx/;
    # "time for request:" (nghttp2 1.52), "request     :" (1.64 and later)
    ($r{max_ms}) = $out =~ /^(?:time for )?request\s*:\s+\S+\s+([\d.]+(?:us|ms|s))/m;
    $r{max_ms} = to_ms($r{max_ms}) if defined $r{max_ms};
    $r{out} = $out;
    return \%r;
}

sub to_ms {
    my ($v) = @_;
    return $1 / 1000 if $v =~ /^([\d.]+)us$/;
    return $1 if $v =~ /^([\d.]+)ms$/;
    return $1 * 1000 if $v =~ /^([\d.]+)s$/;
}

set_state($redis, windows => [ window($redis, id => 'w1') ]);
my $r = h2load(n => 2000, c => 4, m => 32);
is($r->{s5xx}, 2000, 'window active: 2000 multiplexed streams all get the page')
    or diag($r->{out});

clear_state($redis);
$r = h2load(n => 2000, c => 4, m => 32);
is($r->{s2xx}, 2000, 'window gone: all 2000 pass') or diag($r->{out});

$redis->signal('STOP');
$r = h2load(n => 400, c => 2, m => 50);
is($r->{done}, 400, 'Redis stopped: every stream answered');
# the read timeout (100 ms) and the machine's slack, scaled on a sanitizer
# build (MAINT_TIME_SCALE)
my $bound = 100 + MaintTest::time_scale(50);
ok(defined $r->{max_ms} && $r->{max_ms} <= $bound,
   'Redis stopped: slowest stream ' . ($r->{max_ms} // '?') . " ms <= $bound ms")
    or diag($r->{out});
$redis->signal('CONT');

$nginx->stop;
check_error_log($nginx);

done_testing();
