# A session the app has just created is never taken for an old one
# (docs/sessions.md, "The registry"): its registration goes to Redis before
# the response that sets its cookie, and a worker that finds it
# unregistered at its first lookup while a cutoff is in force looks it up
# once more, so the client's very next request, on whichever worker, finds
# it registered and the earlier cutoff does not end it.  Before, another
# worker's lookup could run first in Redis: the session looked unregistered
# ("never seen created"), which every cutoff ends.
#
# Two workers (reuseport: each connection may land on either), a cutoff in
# the snapshot, and rounds of: a login whose answer sets a new session,
# then at once a request with that cookie on new connections.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $ROUNDS = 1000;

my $redis = start_redis();
my $up = free_port();
my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Worker "$pid" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    # the app: its login answers with a new session id, its pages echo
    # the cookies they get
    server {
        listen 127.0.0.1:%%UP%%;
        default_type text/plain;
        location = /login {
            add_header Set-Cookie "sid=$arg_id; Path=/; HttpOnly";
            return 200 "welcome\n";
        }
        location / { return 200 "cookie=[$http_cookie]\n"; }
    }
HTTP
my $port = $nginx->port;

# a cutoff a minute ago: every session not known to be newer is ended
my $now = redis_now_ms($redis);
set_state($redis, windows => [],
          session_cutoffs => { '*' => int($now / 1000) - 60 });

# an old, unregistered session is ended by it (the rule this test relies on)
my $old = 'old-unregistered-' . int(rand 1e9);
my $r = http($port, 'GET', '/x', headers => { Cookie => "sid=$old" });
is($r->{body}, "cookie=[]\n", 'an unregistered session is ended by the cutoff');

my ($ended, $other_worker) = (0, 0);
for my $i (1 .. $ROUNDS) {
    my $id = sprintf 'fresh%06d%09d', $i, int rand 1e9;
    my $login = http($port, 'GET', "/login?id=$id");
    # three requests at once, each on its own connection: with reuseport
    # one of them usually lands on the other worker
    my @next = @{ http_many($port, [ map { ['GET', "/next$_",
                                            headers => { Cookie => "sid=$id" }] }
                                     1 .. 3 ]) };
    for my $n (@next) {
        $ended++ unless ($n->{body} // '') eq "cookie=[sid=$id]\n";
        diag("after /login?id=$id: $n->{status} " . ($n->{body} // '')
             . ($n->{error} // '')) if ($n->{body} // '') ne "cookie=[sid=$id]\n";
        $other_worker++ if ($n->{headers}{'x-worker'} // '')
                           ne ($login->{headers}{'x-worker'} // '');
    }
}

ok($other_worker > 0, "the next request landed on the other worker "
                      . "($other_worker of " . 3 * $ROUNDS . ")");
is($ended, 0, 'no new session was ended by the earlier cutoff ('
              . 3 * $ROUNDS . ' requests right after a login)');

$nginx->stop;
$redis->stop;
done_testing();
