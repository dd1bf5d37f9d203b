# Clients that go away while their request waits for Redis: the request is
# cleaned up (no callback touches it later), the worker carries on, and
# the next requests are decided normally.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;

my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=2s;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;

set_state($redis, windows => [ window($redis, id => 'w1') ]);
is(http($port, 'GET', '/x')->{status}, 503, 'enforced before');

sub waited { metric($port, 'ngx_maint_requests_waited_total') }

# Redis stops answering; 50 clients send a request each and hang up
$redis->signal('STOP');
my $w0 = waited();
my @socks = map {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die;
    print {$s} "GET /gone$_ HTTP/1.1\r\nHost: x\r\n\r\n";
    $s;
} 1 .. 50;

ok(wait_until(sub { waited() - $w0 >= 50 }, 5, 'requests parked'), 'all 50 are parked');
close $_ for @socks;

# the reply arrives after they are gone; then a new request must work
$redis->signal('CONT');
my $r = http($port, 'GET', '/after');
is($r->{status}, 503, 'next request decided normally');
ok($r->{time} < 1, 'and promptly');

# abort during the wait, repeatedly, while Redis answers normally
my $ok = 0;
for my $i (1 .. 200) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die;
    print {$s} "GET /quick$i HTTP/1.1\r\nHost: x\r\n\r\n";
    close $s;
}
$ok++ for grep { $_->{status} == 503 } @{ http_many($port, [ map { ['GET', "/m$_"] } 1 .. 50 ]) };
is($ok, 50, 'after 200 aborted requests, 50 concurrent ones are all decided');

is(scalar($nginx->log_lines(qr/exited on signal|\[alert\]/)), 0, 'no crash, no alert');
$nginx->stop;
check_error_log($nginx);

done_testing();
