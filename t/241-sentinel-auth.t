# Sentinel with passwords everywhere: the nodes (requirepass, masterauth)
# and the sentinels (requirepass, sentinel-pass) each have their own, and
# nginx and maint-admind use both: the sentinel password to ask for the
# primary, the node password to read and write it.  Shown: a window written
# through the daemon is enforced at the edge; after the primary is killed
# both follow the promoted replica, still authenticating; a gateway whose
# sentinel password is wrong finds no primary, decides by its policy and
# says why, and no password appears in any log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Select;

my ($node_pw, $sentinel_pw) = ('node-Secret-1', 'sentinel-Secret-2');

my @fast = ('--repl-diskless-sync-delay', '0');
my $primary = start_redis(password => $node_pw, args => [@fast, '--masterauth', $node_pw]);
my $replica = start_redis(password => $node_pw,
                          args => [@fast, '--masterauth', $node_pw,
                                   '--replicaof', '127.0.0.1', $primary->port]);
ok(wait_until(sub { $primary->cmd('INFO', 'replication') =~ /state=online/ }, 20,
              'the replica in sync'), 'a replica that authenticates to its primary');

my @sentinels = start_sentinels($primary, 3, password => $sentinel_pw,
                                down_after => 500, failover_timeout => 2000);
my $list = join(',', map { '127.0.0.1:' . $_->port } @sentinels);

# the sentinels refuse who does not authenticate
{
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $sentinels[0]->port,
                                  Timeout => 5) or die $!;
    $s->timeout(5);
    print {$s} "SENTINEL get-master-addr-by-name mymaster\r\n";
    my $line = IO::Select->new($s)->can_read(5) ? <$s> : '';
    like($line // '', qr/^-NOAUTH/, 'a sentinel without its password answers NOAUTH');
}

my $admin = start_admin(sentinels => \@sentinels,
                        extra => "redis_password $node_pw\nredis_min_replicas 0\n"
                                 . "redis_failover_timeout 8s\n");

my $nginx = start_nginx(workers => 2,
                        vars => { SENTINELS => $list, NPW => $node_pw, SPW => $sentinel_pw },
                        http => <<'HTTP');
    maint_redis sentinel:mymaster sentinels=%%SENTINELS%% password=%%NPW%%
                sentinel_password=%%SPW%% timeout=200ms connect_timeout=300ms
                backoff=50ms:400ms role_check=200ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_on_redis_error closed;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Window "$maint_window_id" always;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP
my $port = $nginx->port;

# the same, with a wrong sentinel password
my $wrong = start_nginx(workers => 1,
                        vars => { SENTINELS => $list, NPW => $node_pw },
                        http => <<'HTTP');
    maint_redis sentinel:mymaster sentinels=%%SENTINELS%% password=%%NPW%%
                sentinel_password=not-the-Secret timeout=200ms connect_timeout=300ms
                backoff=50ms:400ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_on_redis_error closed;
        add_header X-Maint-Source "$maint_source" always;
        location = /metrics { maint off; maint_metrics; }
    }
HTTP

sub now_s { int(time) }

sub edge {
    my ($window) = @_;
    for (1 .. 6) {
        my $r = http($port, 'GET', '/x');
        return 0 unless $r->{status} == 503 && ($r->{headers}{'x-maint-source'} // '') eq 'fresh'
            && ($r->{headers}{'x-maint-window'} // '') eq $window;
    }
    return 1;
}

sub window_now {
    my ($title) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => $title, apps => ['default'], starts_at => 'now',
        ends_at => rfc3339(now_s() + 3600) });
    is($r->{status}, 201, "the daemon writes '$title' through the sentinels") or diag($r->{body});
    return ($r->{json} // {})->{id} // 'none';
}

my $w1 = window_now('Before');
ok(wait_until(sub { edge($w1) }, 10, 'window at the edge'),
   'the gateway, authenticated to sentinels and nodes, enforces it');

# a wrong sentinel password: no primary, the policy, and a reason
{
    my $r = http($wrong->port, 'GET', '/x');
    is($r->{status}, 503, 'wrong sentinel password: the policy (closed) answers');
    isnt($r->{headers}{'x-maint-source'} // '', 'fresh', '... not a fresh read');
    ok(wait_until(sub { (metric($wrong->port, 'ngx_maint_sentinel_failures_total') // 0) >= 3 },
                  5, 'sentinel failures'), '... sentinel failures counted');
    my @refused = grep {
        my $p = $_->port;
        $wrong->log_lines(qr/sentinel 127\.0\.0\.1:$p: AUTH failed: WRONGPASS/);
    } @sentinels;
    is(scalar @refused, 3, '... each of the 3 sentinels refused the password (AUTH failed: WRONGPASS)');
}

# the primary is killed: both follow the promoted replica
my $old = '127.0.0.1:' . $primary->port;
$primary->kill9;
ok(wait_until(sub {
    my %seen;
    $seen{ $_->master_addr }++ for @sentinels;
    ($seen{ '127.0.0.1:' . $replica->port } // 0) >= 2;
}, 30, 'promotion'), 'the sentinels promote the replica');

my $done;
wait_until(sub {
    my $tag = $admin->api('GET', "/v1/windows/$w1")->{headers}{etag};
    $done = $admin->api('POST', "/v1/windows/$w1/complete", if_match => $tag);
    $done->{status} == 200;
}, 15, 'a write on the new primary');
is($done->{status}, 200, 'the daemon writes to the promoted replica') or diag($done->{body});
my $w2 = window_now('After');
ok(wait_until(sub { edge($w2) }, 10, 'new window at the edge'),
   'the gateway follows it and enforces the change made there');

# no password in any log (the daemon's, nginx's, the sentinels')
my @logs = ($admin->log_file, $nginx->error_log, $wrong->error_log,
            map { "$_->{dir}/sentinel.log" } @sentinels);
@logs = grep { -s } @logs;
my @leaks = grep {
    my $t = do { local (@ARGV, $/) = ($_); <> } // '';
    index($t, $node_pw) >= 0 || index($t, $sentinel_pw) >= 0 || index($t, 'not-the-Secret') >= 0;
} @logs;
is(scalar @leaks, 0, 'no password in any of ' . scalar(@logs) . ' logs') or diag("@leaks");

check_error_log($_) for $nginx, $wrong;
$admin->stop;
done_testing();
