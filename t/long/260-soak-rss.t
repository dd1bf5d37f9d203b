# The long variant (docs/reliability.md, not run by scripts/test.sh): ten
# minutes of traffic while Redis flaps (stopped and continued, killed and
# restarted, in turn), with a new session cookie on every request.  Every
# worker's resident memory (VmRSS) and descriptors are sampled throughout.
# The first half of the run is the warm-up: each worker's session cache
# fills up to its 10000 entries (about 3 MiB, reached after 2 to 4 minutes
# here; then the least recently used are evicted).  At the end, RSS must
# be at most 2 MiB (or 5%) above the highest it reached in the first
# half: flat, not growing with traffic.  Descriptors must be what they
# were; no worker crashes, no [alert].
#
#   MAINT_SERVROOT=$PWD/t/servroot-soak MAINT_SOAK_SECONDS=600 \
#       perl scripts/run-tests.pl t/long/260-soak-rss.t
#
# MAINT_SOAK_SECONDS (default 600) sets the length.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use MaintTest;
use FaultLoad;
use Test::More;
use Time::HiRes qw(time sleep);

my $SECONDS = $ENV{MAINT_SOAK_SECONDS} || 600;
my $WARMUP = $SECONDS / 2;
my $WORKERS = 2;

# with its data on disk, as in production: a restart brings the state back
my $redis = start_redis(args => ['--appendonly', 'yes', '--appendfsync', 'always']);
my $up = free_port();
my $nginx = start_nginx(redis => $redis, workers => $WORKERS, vars => { UP => $up },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms connect_timeout=100ms
                backoff=50ms:400ms;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /closed/ { maint_on_redis_error closed stale=off;
                            proxy_pass http://127.0.0.1:%%UP%%; }
        location /ro/ { maint_app ro; proxy_pass http://127.0.0.1:%%UP%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP
my $port = $nginx->port;
my @workers = $nginx->workers;

sub state {
    set_state($redis, windows => [ window($redis, id => 'w1', apps => ['shop']),
                                   window($redis, id => 'w2', apps => ['ro'],
                                          mode => 'read_only') ]);
}
state();

sub rss_kb {
    my ($pid) = @_;
    open(my $f, '<', "/proc/$pid/status") or return 0;
    while (my $l = <$f>) { return $1 if $l =~ /^VmRSS:\s+(\d+)/ }
    return 0;
}
sub sample { [ time, map { (rss_kb($_), $nginx->open_fds($_)) } @workers ] }


http_many($port, [ map { ['GET', "/warm$_"] } 1 .. 20 ]);
my $fds0 = join ' ', map { $nginx->open_fds($_) } @workers;

my $load = FaultLoad->start(port => $port, dir => $nginx->dir, cookie => 'sid',
                            paths => [ map { ("/a$_", "/closed/b$_", "/ro/c$_") } 1 .. 5 ]);
ok(wait_until(sub { $load->count >= 100 }, 10, 'traffic'), 'traffic flows');

my $t0 = time;
my @samples;
my ($cycle, $next_sample) = (0, $t0);
while (time - $t0 < $SECONDS) {
    # one flap every 6 s: 2 s down, 4 s up; every third one a kill
    $cycle++;
    if ($cycle % 3) {
        $redis->signal('STOP');
        sleep 2;                        # the outage lasts this long
        $redis->signal('CONT');
    } else {
        $redis->kill9;
        sleep 2;                        # the outage lasts this long
        $redis->start;
    }
    my $until = time + 4;
    while (time < $until) {
        if (time >= $next_sample) {
            push @samples, sample();
            $next_sample += 10;
        }
        sleep 0.2;
    }
}
push @samples, sample();
my $all = $load->stop;

my $last = $samples[-1];
my @warm = grep { $_->[0] - $t0 < $WARMUP } @samples;
for my $i (0 .. $#workers) {
    my ($r0) = sort { $b <=> $a } map { $_->[1 + 2 * $i] } @warm;
    my $r1 = $last->[1 + 2 * $i];
    ok($r1 - $r0 <= 2048 || $r1 <= $r0 * 1.05,
       sprintf('worker %d: RSS at most %d kB in the warm-up, %d kB at the end (%+d kB)',
               $i, $r0, $r1, $r1 - $r0));
    diag(sprintf('worker %d RSS (kB) every 10 s: %s', $i,
                 join ' ', map { $_->[1 + 2 * $i] } @samples));
}
my @lost = grep { $_->{status} == 0 } @$all;
is(scalar @lost, 0, scalar(@$all) . " requests in $cycle flaps, every one answered");
my @wrong = grep { $_->{status} != 503 && !($_->{status} == 200 && $_->{mstatus} eq 'error')
                   && !($_->{path} =~ m{^/ro/} && $_->{status} == 200) } @$all;
is(scalar @wrong, 0, 'every answer is the window or the policy')
    or diag(join "\n", map { "$_->{path} $_->{status} $_->{mstatus}" } @wrong[0 .. ($#wrong > 9 ? 9 : $#wrong)]);

# descriptors, once the traffic has stopped
my $fds;
ok(wait_until(sub { $fds = join ' ', map { $nginx->open_fds($_) } @workers;
                    $fds eq $fds0 }, 10, 'fds'),
   "worker descriptors as before the traffic ($fds0 / $fds)");
is("@{[ $nginx->workers ]}", "@workers", 'the same workers all along: none crashed');
$nginx->stop;
check_error_log($nginx);

done_testing();
