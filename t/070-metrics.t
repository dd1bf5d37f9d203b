# Observability: the maint_metrics handler speaks the Prometheus text format
# and counts decisions, reads and latency; every worker writes a heartbeat
# that lets the admin side list live gateways.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis();
my $nginx = start_nginx(redis => $redis, workers => 2, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% prefix=acme: heartbeat=1s;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        root %%DIR%%;
        location /crm/ { maint_app crm; }
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;

sub metrics { http($port, 'GET', '/metrics') }
sub value {
    my ($body, $name) = @_;
    my ($v) = $body =~ /^\Q$name\E (\S+)$/m;
    return $v;
}

my $m0 = metrics()->{body};

set_state($redis, prefix => 'acme:', windows => [ window($redis, id => 'w1', apps => ['shop']) ]);
http($port, 'GET', '/page') for 1 .. 5;                    # maintenance
http($port, 'GET', '/crm/x') for 1 .. 3;                   # pass (404 from disk)

my $r = metrics();
is($r->{status}, 200, 'metrics: 200');
like($r->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'Prometheus content type');
my $m = $r->{body};

# every line is a comment or "name{labels} value"
my @bad = grep { !/^(# (HELP|TYPE) \w+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[\d.]+(e[-+]?\d+)?)$/ }
          split /\n/, $m;
ok(!@bad, 'every line is valid exposition format') or diag(join "\n", @bad);

is(value($m, 'ngx_maint_requests_total{decision="maintenance"}')
   - (value($m0, 'ngx_maint_requests_total{decision="maintenance"}') // 0), 5,
   'maintenance decisions counted');
is(value($m, 'ngx_maint_requests_total{decision="pass"}')
   - (value($m0, 'ngx_maint_requests_total{decision="pass"}') // 0), 3,
   'pass decisions counted');
ok(value($m, 'ngx_maint_decision_source_total{source="fresh"}') >= 8, 'fresh decisions counted');
ok(value($m, 'ngx_maint_redis_reads_total') >= 1, 'reads counted');
ok(value($m, 'ngx_maint_redis_read_seconds_count') >= 1, 'read latency histogram has samples');
is(value($m, 'ngx_maint_redis_read_seconds_bucket{le="+Inf"}'),
   value($m, 'ngx_maint_redis_read_seconds_count'), 'histogram +Inf bucket equals count');
ok(value($m, 'ngx_maint_snapshot_loads_total') >= 1, 'snapshot loads counted');
like($m, qr/^ngx_maint_state_version\{worker="[01]"\} [1-9]\d*$/m, 'state version per worker');
like($m, qr/^ngx_maint_state_age_seconds\{worker="[01]"\} \d+\.\d+$/m, 'state age per worker');
like($m, qr/^ngx_maint_redis_connected\{worker="0"\} 1$/m, 'worker 0 connected');
like($m, qr/^ngx_maint_info\{version="\d+\.\d+\.\d+"\} 1$/m, 'module version');

# heartbeats: a hash per worker with a TTL, and the index of live gateways
my @keys;
ok(wait_until(sub { @keys = @{ $redis->cmd('KEYS', 'acme:gateway:*') }; @keys == 2 }, 5,
              'two heartbeats'), 'one heartbeat key per worker, under the prefix');

my %workers = map { $_ => 1 } $nginx->workers;
for my $k (@keys) {
    my %h = @{ $redis->cmd('HGETALL', $k) };
    ok($workers{ $h{pid} }, "$k: pid of a live worker");
    is($h{master}, $nginx->pid, "$k: master pid");
    is(join(',', sort split /,/, $h{apps}), 'crm,shop', "$k: apps served");
    like($h{module}, qr/^\d+\.\d+\.\d+$/, "$k: module version");
    ok($h{interval} == 1000, "$k: interval");
    my $ttl = $redis->cmd('PTTL', $k);
    ok($ttl > 0 && $ttl <= 3000, "$k: expires after 3 intervals ($ttl ms)");
}

my $live = $redis->cmd('ZRANGE', 'acme:gateways', 0, -1, 'WITHSCORES');
is(scalar(@$live) / 2, 2, 'gateway index lists both workers');
my $now = redis_now_ms($redis);
ok(abs($now - $live->[1]) < 5000, 'seen_at is on the Redis clock');

# the heartbeat carries the state version once it is known
my $version = $redis->cmd('HGET', 'acme:state', 'version');
ok(wait_until(sub { !grep { $redis->cmd('HGET', $_, 'state_version') ne $version } @keys },
              5, 'state versions in heartbeats'),
   "heartbeats report state version $version");

# the module writes nothing else
my @all = sort @{ $redis->cmd('KEYS', '*') };
is_deeply([ grep { !/^acme:(state|gateways|gateway:.*)$/ } @all ], [],
          'no keys besides the state and the heartbeats');

$nginx->stop;
check_error_log($nginx);

done_testing();
