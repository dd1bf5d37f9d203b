# A new state version is fetched once per worker, however many reads in
# flight see it: under concurrent traffic and no lease every request waits
# for a read, reads are pipelined (up to 4 in flight per worker), and each
# change is seen by several of them.  Counted on the Redis side too: every
# HMGET that is not a state read is a snapshot fetch (no session cookies
# here), which is also what ngx_maint_snapshot_fetches_total must say.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use File::Path qw(make_path);

my $workers = 2;
my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, workers => $workers, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=1s;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%/html;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;
make_path($nginx->dir . '/html');
{
    open(my $f, '>', $nginx->dir . '/html/index.html') or die $!;
    print {$f} "app\n";
}

sub counter { metric($port, $_[0]) // 0 }

sub redis_hmgets {
    my ($calls) = $redis->cmd('INFO', 'commandstats') =~ /^cmdstat_hmget:calls=(\d+)/m;
    return $calls // 0;
}

clear_state($redis);
ok(every_worker_holds($port, '/warm', $workers,
                      $redis->cmd('HGET', 'maint:state', 'version') // 0),
   'every worker holds the state before counting');

# counted while nothing else runs: before the traffic and after it
my $reads0 = counter('ngx_maint_redis_reads_total');
my $fetch0 = counter('ngx_maint_snapshot_fetches_total');
my $loads0 = counter('ngx_maint_snapshot_loads_total');
my $hmget0 = redis_hmgets();

# 16 clients that keep requests arriving while reads are in flight
my @load;
for (1 .. 16) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        while (1) { http($port, 'GET', '/') }
    }
    push @load, $pid;
}
END { kill 'KILL', @load if @load; waitpid($_, 0) for @load }

ok(wait_until(sub { counter('ngx_maint_requests_waited_total') > 500 }, 10,
              'traffic'), 'traffic flows');

# each change waits until every worker holds it, so each worker loads
# every version: exactly one fetch each
my ($changes, $everywhere) = (40, 0);
for my $i (1 .. $changes) {
    set_state($redis, windows => [], settings => { notify_before_minutes => $i });
    my $v = $redis->cmd('HGET', 'maint:state', 'version');
    wait_until(sub {
        my $body = http($port, 'GET', '/metrics')->{body} // '';
        my @held = $body =~ /^ngx_maint_state_version\{worker="\d+"\} (\d+)$/mg;
        @held == $workers && !grep { $_ != $v } @held;
    }, 5, "version $v everywhere") or last;
    $everywhere++;
}
is($everywhere, $changes, "every worker loaded each of the $changes versions in turn");

kill 'KILL', @load;
waitpid($_, 0) for @load;
@load = ();

my $reads = counter('ngx_maint_redis_reads_total') - $reads0;
my $fetches = counter('ngx_maint_snapshot_fetches_total') - $fetch0;
my $loads = counter('ngx_maint_snapshot_loads_total') - $loads0;
# the /metrics requests above read no state; the INFO here is no HMGET
my $redis_fetches = redis_hmgets() - $hmget0 - $reads;

diag("$changes changes, $workers workers: $reads reads, $fetches snapshot "
     . "fetches (Redis: $redis_fetches), $loads loads");

ok($reads > 4 * $changes * $workers,
   "reads kept flowing during the changes ($reads)");
is($loads, $changes * $workers, 'one load per version per worker');
is($redis_fetches, $changes * $workers,
   'one snapshot fetch per version per worker, as Redis counts them');
is($fetches, $redis_fetches, 'ngx_maint_snapshot_fetches_total agrees');

check_error_log($nginx);
done_testing();
