# The session check costs no round trip of its own in the common case:
# each worker looks a session up once and keeps the answer until the
# revocations counter (read with the state, on every request) moves.
# Counted with the module's own metric, ngx_maint_session_lookups_total.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, workers => 2, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Worker "$pid" always;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;

set_state($redis, windows => []);

sub lookups { metric($port, 'ngx_maint_session_lookups_total') // 0 }

# n requests with that session; the statuses and the workers that answered
sub requests {
    my ($n, $value) = @_;
    my (%status, %workers);
    my @res = @{ http_many($port, [ map { ['GET', "/x$_", headers => { Cookie => "sid=$value" }] }
                                    1 .. $n ]) };
    for my $r (@res) {
        $status{ $r->{headers}{'x-maint-status'} // '' }++;
        $workers{ $r->{headers}{'x-worker'} // '' }++;
    }
    return (\%status, scalar keys %workers);
}

my $live = 'live-session-' . int(rand(1e9));
live_session($redis, $live);

my $l0 = lookups();
my ($st, $w) = requests(200, $live);
is_deeply($st, { pass => 200 }, '200 requests with a live session: all pass');
my $l1 = lookups();
ok($l1 - $l0 >= 1 && $l1 - $l0 <= 2,
   "200 requests with one session: looked up once per worker, not per request (" . ($l1 - $l0)
   . " lookups, $w workers answered)");

# another session ended somewhere: the counter moves, each worker reads
# this session again once, and goes on from its cache
revoke_session($redis, 'someone-else');
($st, $w) = requests(200, $live);
is_deeply($st, { pass => 200 }, 'after another session was ended: the live one still passes');
my $l2 = lookups();
ok($l2 - $l1 >= 1 && $l2 - $l1 <= 2,
   "after the counter moved: read again once per worker (" . ($l2 - $l1) . " lookups)");

# this session ended: the very next request of every worker logs it off
revoke_session($redis, $live);
($st, $w) = requests(100, $live);
is_deeply($st, { revoked => 100 }, 'the session ended: every next request is logged off');
is($w, 2, 'both workers answered');

# sessions nobody has seen cost one lookup each: the cache spares nothing
my $l3 = lookups();
my @res = @{ http_many($port, [ map { ['GET', '/y', headers => { Cookie => "sid=new-$_-" . int(rand(1e9)) }] }
                                1 .. 50 ]) };
is(scalar(grep { ($_->{headers}{'x-maint-status'} // '') eq 'pass' } @res), 50,
   '50 unknown sessions: all pass');
is(lookups() - $l3, 50, '50 unknown sessions: 50 lookups');

# no session, no lookup
my $l4 = lookups();
http($port, 'GET', '/z') for 1 .. 20;
is(lookups() - $l4, 0, 'requests without the cookie: no lookup');

diag(sprintf('lookups: %d for 200 requests of one session, %d after a revocation elsewhere',
             $l1 - $l0, $l2 - $l1));

$nginx->stop;
check_error_log($nginx);

done_testing();
