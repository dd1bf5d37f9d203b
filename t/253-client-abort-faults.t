# Clients that hang up while their request waits for Redis, when Redis is
# slow or broken (docs/reliability.md; t/035-client-abort.t covers a
# stopped Redis): through a link that delays every chunk, a listener that
# never answers, and a link that cuts replies in the middle, hundreds of
# requests are abandoned mid-wait.  Nothing touches a freed request (no
# crash: the same workers all along, no [alert]), no connection or
# descriptor is left behind, and the next requests are decided normally.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use FaultProxy;
use Test::More;
use IO::Socket::INET;

my $WORKERS = 2;

my $redis = start_redis();
my $proxy = FaultProxy->start(to => $redis->port, dir => $redis->{dir},
                              chunk => 4, delay_ms => 5);
my $nginx = start_nginx(workers => $WORKERS, vars => { TO => $proxy->port }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%TO%% timeout=1s connect_timeout=200ms backoff=50ms:400ms;
    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        root %%DIR%%;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Worker $pid always;
        location = /status { maint off; stub_status; }
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;
my @workers = $nginx->workers;

sub active { (http($port, 'GET', '/status')->{body} =~ /Active connections:\s*(\d+)/)[0] }
sub fds { join ' ', map { $nginx->open_fds($_) } @workers }
sub waited { metric($port, 'ngx_maint_requests_waited_total') // 0 }

sub fresh_again { every_worker_fresh($port, '/probe', $WORKERS, 60) }

set_state($redis, windows => [ window($redis, id => 'w1') ]);
ok(wait_until(\&fresh_again, 5, 'fresh'), 'every worker fresh');
my ($active0, $fds0) = (active(), fds());

for my $mode (qw(chunks blackhole cut)) {
    # requests park on a slow link; for "cut", the replies they wait for
    # are then cut off
    $proxy->mode($mode eq 'cut' ? 'chunks' : $mode);
    my $w0 = waited();
    # 100 clients send a request and hang up once it is parked; then 100
    # that hang up at once
    my @socks = map {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die;
        print {$s} "GET /gone$_ HTTP/1.1\r\nHost: x\r\n\r\n";
        $s;
    } 1 .. 100;
    ok(wait_until(sub { waited() - $w0 >= 50 }, 5, "$mode: requests parked"),
       "$mode: requests wait for Redis");
    $proxy->mode('cut') if $mode eq 'cut';
    close $_ for @socks;
    for my $i (1 .. 100) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die;
        print {$s} "GET /quick$i HTTP/1.1\r\nHost: x\r\n\r\n";
        close $s;
    }

    $proxy->mode('pass');
    ok(wait_until(\&fresh_again, 5, "$mode: fresh again"), "$mode: every worker fresh afterwards");
    my $res = http_many($port, [ map { ['GET', "/next$_"] } 1 .. 40 ]);
    is(scalar(grep { $_->{status} == 503 } @$res), 40,
       "$mode: after 200 abandoned requests, 40 concurrent ones are all decided");
    ok(wait_until(sub { active() == $active0 }, 5, "$mode: connections closed"),
       "$mode: no connection left open (stub_status active $active0)");
    my $f;
    ok(wait_until(sub { ($f = fds()) eq $fds0 }, 5, "$mode: descriptors"),
       "$mode: worker descriptors as before ($fds0 / $f)");
}

is("@{[ $nginx->workers ]}", "@workers", 'the same workers all along: none crashed');
$nginx->stop;
check_error_log($nginx);
$proxy->stop;

done_testing();
