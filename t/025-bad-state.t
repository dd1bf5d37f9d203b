# What Redis holds is wrong while Redis itself is fine: a snapshot this
# module cannot decode (newer schema, over the limits, missing) is logged
# once and the last good state stays in force, with no age limit, until a
# good version appears.  A large valid snapshot loads even with a tight
# request timeout.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=200ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_on_redis_error open stale=1s;
        root %%DIR%%;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Window "$maint_window_id" always;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;

sub errors { metric($port, 'ngx_maint_snapshot_errors_total') }
sub behind { metric($port, 'ngx_maint_state_behind{worker="0"}') }

my $good = set_state($redis, windows => [ window($redis, id => 'good') ]);
my $r = http($port, 'GET', '/x');
is($r->{status}, 503, 'good state enforced');
is($r->{headers}{'x-maint-source'}, 'fresh', 'fresh');

my $errors0 = errors();

my @bad = (
    [ 'a newer schema', raw => '{"schema":2,"windows":[]}', qr/schema: is not supported/ ],
    [ 'not JSON', raw => '{"schema":1,', qr/invalid JSON/ ],
    [ 'over the window limit',
      windows => [ map { window($redis, id => "w$_", start => 7200) } 1 .. 1025 ],
      qr/windows: has too many entries/ ],
);

for my $b (@bad) {
    my ($name, %opt) = @$b[0 .. 2];
    my $why = $b->[3];
    set_state($redis, %opt);

    my @res = map { http($port, 'GET', "/x$_") } 1 .. 5;
    is(scalar(grep { $_->{status} == 503 && $_->{headers}{'x-maint-window'} eq 'good' } @res),
       5, "$name: the last good window stays enforced");
    is(scalar(grep { $_->{headers}{'x-maint-source'} eq 'stale' } @res), 5,
       "$name: decisions say stale");
    ok(scalar($nginx->log_lines(qr/version \d+ is invalid, keeping version $good: .*$why/)),
       "$name: logged with the reason");
    is(behind(), 1, "$name: ngx_maint_state_behind is 1");
}

is(errors() - $errors0, 3, 'each bad version decoded (and counted) once, not per request');

# a version without a snapshot field
$redis->cmd('HINCRBY', 'maint:state', 'version', 1);
$redis->cmd('HDEL', 'maint:state', 'snapshot');
is(http($port, 'GET', '/nosnap')->{status}, 503, 'no snapshot field: last good state kept');
ok(scalar($nginx->log_lines(qr/has no snapshot, keeping version $good/)), 'and logged');

# not subject to stale=: Redis answers, so this is not a Redis failure
my $t0 = redis_now_ms($redis);
wait_until(sub { redis_now_ms($redis) > $t0 + 1300 }, 5, 'stale= to pass');
$r = http($port, 'GET', '/later');
is($r->{status}, 503, 'still enforced after stale= has passed');

# the writer fixes it: fresh again on the next request
set_state($redis, windows => []);
$r = http($port, 'GET', '/fixed');
is($r->{status}, 404, 'good version again: decided on it');
is($r->{headers}{'x-maint-source'}, 'fresh', 'fresh again');
is(behind(), 0, 'ngx_maint_state_behind back to 0');

$nginx->stop;
check_error_log($nginx);

# a large valid snapshot (1024 windows, about 1 MiB) over a slow link (5 ms
# per 16 KiB, so the snapshot takes over 300 ms, the version read 10 ms)
# with a 50 ms timeout: the snapshot fetch has its own deadline, so it loads

my $slow = start_slow_proxy(to => $redis->port, delay_ms => 5, chunk => 16384);
my $tight = start_nginx(vars => { SLOW => $slow->port }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%SLOW%% timeout=50ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Window "$maint_window_id" always;
    }
HTTP

my $text = 'x' x 900;
my @windows = map { window($redis, id => "w$_", apps => ['other'], login_message => $text) } 1 .. 1023;
push @windows, window($redis, id => 'big', apps => ['*']);
set_state($redis, windows => \@windows);
my $size = length $redis->cmd('HGET', 'maint:state', 'snapshot');
ok($size > 900_000 && $size <= 1024 * 1024, "snapshot of $size bytes");

ok(wait_until(sub {
        my $r = http($tight->port, 'GET', '/big');
        $r->{status} == 503 && ($r->{headers}{'x-maint-source'} // '') eq 'fresh'
            && $r->{headers}{'x-maint-window'} eq 'big'
    }, 5, 'big snapshot'), 'large snapshot loaded and enforced over a slow link');

$tight->stop;
$slow->stop;
check_error_log($tight);

done_testing();
