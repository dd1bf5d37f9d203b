# Reloads (HUP) under traffic: every request is still decided, new workers
# pick the state up on their first request, the old ones leave without
# alerts, no descriptors leak, and a changed configuration takes effect.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use POSIX ();

my $RELOADS = $ENV{MAINT_RELOADS} || 10;

my $redis = start_redis();
my $up = free_port();

my $conf = <<'HTTP';
    # connect_timeout: a new worker on a busy machine (a sanitizer build,
    # the traffic) can miss the default 200 ms for its connect and PING and
    # decide its first requests by policy, as t/254-reload-100.t found
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms connect_timeout=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app %%APP%%;
        add_header X-Maint-Status "$maint_status" always;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP

my $nginx = start_nginx(redis => $redis, workers => 2,
                        vars => { UP => $up, APP => 'shop' }, http => $conf);
my $port = $nginx->port;

set_state($redis, windows => [ window($redis, id => 'w1', apps => ['shop']) ]);
is(http($port, 'GET', '/')->{status}, 503, 'window enforced before reloads');

sub redis_clients { grep { !/cmd=client/ } split /\n/, $redis->cmd('CLIENT', 'LIST') }

# descriptors of the master and of idle workers, before any reload, once
# every worker has its Redis connection (each opens it on its own, after
# it starts)
my $nworkers = () = $nginx->workers;
ok(wait_until(sub { redis_clients() == $nworkers }, 5, 'worker connections'),
   "each of the $nworkers workers connected to Redis");
sub fds { my ($n) = @_; [ $n->open_fds($n->pid), sort map { $n->open_fds($_) } $n->workers ] }
my $fds0 = fds($nginx);

# traffic from a child process; it reports "total bad" when told to stop
my $stop = $nginx->dir . '/stop-traffic';
pipe(my $rd, my $wr) or die;
my $child = fork();
die unless defined $child;

if ($child == 0) {
    close $rd;
    my ($total, $bad) = (0, 0);
    until (-e $stop) {
        my $r = http($port, 'GET', "/t$total");
        $total++;
        $bad++ unless $r->{status} == 503
                      && ($r->{headers}{'x-maint-status'} // '') eq 'maintenance';
    }
    print {$wr} "$total $bad\n";
    close $wr;
    POSIX::_exit(0);
}
close $wr;

for my $i (1 .. $RELOADS) {
    ok($nginx->reload, "reload $i: a new generation of workers");
    is(http($port, 'GET', "/after$i")->{status}, 503, "reload $i: enforced at once");
}

open(my $sf, '>', $stop);
close $sf;
my ($total, $bad) = split ' ', scalar <$rd>;
waitpid($child, 0);

ok($total > 50, "traffic during the reloads: $total requests");
is($bad, 0, 'not one request undecided or answered wrongly');

# once the last client connection is closed, the count must be what it was
my $fds1;
wait_until(sub { $fds1 = fds($nginx); "@$fds1" eq "@$fds0" }, 5, 'idle descriptors');
is("@$fds1", "@$fds0", "master and idle workers hold as many descriptors after "
   . "$RELOADS reloads as before (@$fds0)");

my @clients = redis_clients();
ok(wait_until(sub { @clients = redis_clients(); @clients <= $nworkers }, 10,
              'old workers closed their connections'),
   'Redis connections: one per live worker (' . scalar(@clients) . ')');

# a configuration change is picked up by the reload
$nginx->{vars}{APP} = 'crm';
ok($nginx->reload($conf), 'reload with maint_app crm');
is(http($port, 'GET', '/')->{status}, 200, 'the shop window no longer applies');

$nginx->stop;
check_error_log($nginx);

done_testing();
