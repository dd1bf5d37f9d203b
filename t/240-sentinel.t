# Redis high availability with Sentinel: a primary, two replicas and three
# sentinels on loopback; nginx (2 workers) and maint-admind find the
# primary through the sentinels.  Under traffic, with a window active, the
# primary is killed (SIGKILL).  Shown: every request is still answered with
# the window's maintenance page (the bound: at most 1% other answers, none
# slower than 1 s; the measured numbers are printed), the sentinels promote
# a replica, the gateway and the daemon follow it (a change made after the
# failover is enforced at the edge), and every admin write acknowledged
# before or during the failover is there afterwards, with its audit entry.
# Then a manual failover demotes the primary without killing it: the
# gateway leaves the demoted node (ROLE / READONLY) and follows again.
# Before all that: nginx -t and maint-admind -t name bad Sentinel settings,
# a change held past the daemon's timeout is sent again, applied once, and
# a change no replica confirms is answered 503, saying so.
#
# Two replicas, not one: the daemon acknowledges a write only once a
# replica has it (WAIT 1), so after the primary is lost a replica must
# remain for writes to be acknowledged at all.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time);

# --- configuration: nginx -t and maint-admind -t name bad values ------------

{
    my $srv = 'server { listen 127.0.0.1:1; maint on; }';
    my ($rc, $out) = nginx_t("maint_redis sentinel:mymaster sentinels=127.0.0.1:1,127.0.0.1 "
                             . "sentinel_password=s role_check=200ms; $srv");
    is($rc, 0, 'nginx -t: a Sentinel configuration') or diag($out);

    for my $bad (
        [ 'sentinel:mymaster', qr/requires "sentinels="/ ],
        [ 'sentinel:my/master sentinels=127.0.0.1', qr/invalid master name "my\/master"/ ],
        [ '127.0.0.1:6379 sentinels=127.0.0.1', qr/require the address "sentinel:MASTER_NAME"/ ],
        [ 'sentinel:m sentinels=127.0.0.1,,127.0.0.2', qr/invalid "sentinels" value/ ],
        [ 'sentinel:m sentinels=127.0.0.1 role_check=5ms', qr/invalid "role_check" value "5ms"/ ],
        [ 'sentinel:m sentinels=127.0.0.1 sentinel_password=hunter2 db=x', qr/invalid parameter "db=x"/ ],
        [ 'sentinel:m sentinels=127.0.0.1 sentinel_password=', qr/invalid parameter "sentinel_password"/ ],
    ) {
        ($rc, $out) = nginx_t("maint_redis $bad->[0]; $srv");
        ok($rc != 0 && $out =~ $bad->[1], "nginx -t refuses maint_redis $bad->[0]") or diag($out);
        unlike($out, qr/hunter2/, '... and never echoes the sentinel password');
    }

    my $dir = "$MaintTest::SERVROOT/240-admind-t-$$";
    mkdir $dir;
    for my $bad (
        [ "redis_master_name mymaster\n", qr/go together/ ],
        [ "redis_sentinels 127.0.0.1:1\n", qr/go together/ ],
        [ "redis_master_name my/master\n", qr/redis_master_name/ ],
        [ "redis_sentinels 127.0.0.1:1,,127.0.0.1:2\n", qr/redis_sentinels/ ],
        [ "redis_min_replicas 99\n", qr/redis_min_replicas/ ],
        [ "redis_failover_timeout 2m\n", qr/redis_failover_timeout/ ],
    ) {
        open(my $f, '>', "$dir/admin.conf") or die $!;
        print {$f} $bad->[0];
        close $f;
        my $out = `$MaintTest::ADMIND -t --config $dir/admin.conf 2>&1`;
        ok($? != 0 && $out =~ $bad->[1], "maint-admind -t refuses: " . ($bad->[0] =~ s/\n//r))
            or diag($out);
    }
    open(my $f, '>', "$dir/admin.conf") or die $!;
    print {$f} "redis_master_name mymaster\nredis_sentinels 127.0.0.1:1,[::1]:2\n"
        . "redis_min_replicas 2\nredis_failover_timeout 3s\n";
    close $f;
    $out = `$MaintTest::ADMIND -t --config $dir/admin.conf 2>&1`;
    is($?, 0, 'maint-admind -t: a Sentinel configuration') or diag($out);
}

# --- the servers ------------------------------------------------------------

# replicas sync at once, not after Redis's default 5 s diskless delay
my @fast = ('--repl-diskless-sync-delay', '0');
my $primary = start_redis(args => \@fast);
my @replicas = map { start_redis(args => [@fast, '--replicaof', '127.0.0.1', $primary->port]) } 1 .. 2;

wait_until(sub { my @on = $primary->cmd('INFO', 'replication') =~ /state=online/g; @on == 2 },
           20, 'two replicas in sync') or BAIL_OUT('replicas did not sync');

my @sentinels = start_sentinels($primary, 3, down_after => 500, failover_timeout => 2000);
my $sentinel_list = join(',', map { '127.0.0.1:' . $_->port } @sentinels);
my %nodes = map { ('127.0.0.1:' . $_->port => $_) } $primary, @replicas;

# Sentinel kills the clients of a node it reconfigures (CLIENT KILL TYPE
# normal): a command on such a node goes again on a new connection.
sub node_cmd {
    my ($node, @cmd) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $r = eval { $node->cmd(@cmd) };
    return $r unless $@;
    close $node->{sock} if $node->{sock};
    delete $node->{sock};
    return $node->cmd(@cmd);
}

sub current_primary {
    my %seen;
    $seen{ $_->master_addr }++ for @sentinels;
    my ($addr) = grep { $seen{$_} >= 2 } keys %seen;
    return $addr // '';
}

is(current_primary(), '127.0.0.1:' . $primary->port, 'the sentinels agree on the primary');

my $admin = start_admin(sentinels => \@sentinels,
                        extra => "redis_timeout 400ms\nredis_failover_timeout 8s\n"
                                 . "redis_min_replicas 1\n");

my $up = free_port();
my $nginx = start_nginx(workers => 2, vars => { UP => $up, SENTINELS => $sentinel_list },
                        http => <<'HTTP');
    maint_redis sentinel:mymaster sentinels=%%SENTINELS%% timeout=100ms
                connect_timeout=200ms backoff=50ms:400ms role_check=200ms
                heartbeat=1s;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_on_redis_error open stale=10m;
        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Window "$maint_window_id" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location = /metrics { maint off; maint_metrics; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app\n"; }
    }
HTTP
my $port = $nginx->port;

sub now_s { int(time) }

sub edge_all {
    my ($n, $window) = @_;
    for (1 .. $n) {
        my $r = http($port, 'GET', '/');
        return 0 unless $r->{status} == 503
            && ($r->{headers}{'x-maint-window'} // '') eq $window;
    }
    return 1;
}

sub metric_sum {
    my ($name) = @_;
    return metric($port, $name) // 0;
}

# --- a window active, through the sentinels ---------------------------------

my $w1 = $admin->api('POST', '/v1/windows', json => {
    title => 'Sentinel', apps => ['default'], starts_at => 'now',
    ends_at => rfc3339(now_s() + 3600) });
is($w1->{status}, 201, 'the daemon writes through the sentinels') or diag($w1->{body});
my $w1_id = ($w1->{json} // {})->{id} // 'none';

ok(wait_until(sub { edge_all(6, $w1_id) }, 10, 'the window at the edge'),
   'the gateway, through the sentinels, enforces the window');
ok(metric_sum('ngx_maint_sentinel_lookups_total') >= 2,
   'every worker asked a sentinel for the primary');

# --- a write whose outcome is unknown is sent again, and applies once --------
# CLIENT PAUSE WRITE holds the change's script (reads go on) past the
# daemon's redis_timeout: the daemon gives up on that connection, asks the
# sentinels again and sends the same script with the same marker.

{
    my $retries = sub {
        (http($admin->port, 'GET', '/metrics')->{body} // '')
            =~ /^maint_admin_write_failover_retries_total (\d+)/m ? $1 : -1 };
    my $r0 = $retries->();
    is($primary->cmd('CLIENT', 'PAUSE', 600, 'WRITE'), 'OK', 'the primary holds writes for 600 ms');
    my $t0 = time;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Held once', apps => ['held'], starts_at => rfc3339(now_s() + 7200),
        ends_at => rfc3339(now_s() + 9000) });
    is($r->{status}, 201, sprintf('the held change is acknowledged after %.0f ms', (time - $t0) * 1000))
        or diag($r->{body});
    is($retries->(), $r0 + 1, '... after one more attempt (maint_admin_write_failover_retries_total)');
    my $items = ($admin->api('GET', '/v1/windows?app=held&limit=500')->{json} // {})->{items} // [];
    is(scalar(grep { $_->{title} eq 'Held once' } @$items), 1, '... and applied once');
}

# --- no replica confirms: the change is not acknowledged, and says so -------

{
    $_->signal('STOP') for @replicas;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Unconfirmed', apps => ['unconfirmed'], starts_at => rfc3339(now_s() + 7200),
        ends_at => rfc3339(now_s() + 9000) });
    $_->signal('CONT') for @replicas;
    is($r->{status}, 503, 'replicas stopped: the change is not acknowledged (503)');
    like(($r->{json} // {})->{detail} // '', qr/no replica confirmed it/,
         '... and the answer says it reached the primary unconfirmed');
    my $items = ($admin->api('GET', '/v1/windows?app=unconfirmed')->{json} // {})->{items} // [];
    is(scalar @$items, 1, '... where it is (the audit trail would say so too)');

    ok(wait_until(sub {
        my @on = $primary->cmd('INFO', 'replication') =~ /state=online/g;
        return unless @on == 2;
        for my $x (@sentinels) {
            my $rs = eval { $x->cmd('SENTINEL', 'replicas', 'mymaster') } or return;
            for my $rep (@$rs) {
                my %h = @$rep;
                return if $h{flags} ne 'slave';
            }
        }
        1;
    }, 20, 'replicas back'), 'the replicas are back in sync, and the sentinels see them up');
}

# --- traffic: a child process, one request per connection, each recorded ----

my $log = $nginx->dir . '/traffic.log';
my $stop = $nginx->dir . '/traffic.stop';
my $child = fork() // die "fork: $!";
if ($child == 0) {
    open(my $f, '>', $log) or POSIX::_exit(1);
    $f->autoflush(1);
    until (-e $stop) {
        select(undef, undef, undef, 0.002);     # pacing: two cores, shared
        my $r = eval { http($port, 'GET', '/') } // { status => 0, headers => {}, time => 0 };
        printf {$f} "%.3f %d %s %s %s %.4f\n", time, $r->{status},
            $r->{headers}{'x-maint-status'} // '-', $r->{headers}{'x-maint-source'} // '-',
            $r->{headers}{'x-maint-window'} // '-', $r->{time} // 0;
    }
    close $f;
    POSIX::_exit(0);
}

# --- admin writes, before and during the failover ---------------------------

my (@acked, %answers);
my $n = 0;

sub write_one {
    my ($phase) = @_;
    $n++;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => "ack $phase $n", apps => ["app$n"],
        starts_at => rfc3339(now_s() + 7200), ends_at => rfc3339(now_s() + 9000) });
    $answers{ $r->{status} }++;
    push @acked, $r->{json}{id} if $r->{status} == 201 && $r->{json} && $r->{json}{id};
    return $r->{status};
}

write_one('before') for 1 .. 5;
is(scalar @acked, 5, 'five writes acknowledged before the failover');

my $old = '127.0.0.1:' . $primary->port;
my $t_kill = time;
$primary->kill9;
my $acked_before = @acked;

my $deadline = time + 40;
my $moved_at;
while (time < $deadline) {
    # paced: the daemon answers 503 at once while there is no primary
    select(undef, undef, undef, 0.05) if write_one('during') == 503;
    $moved_at //= time if current_primary() ne $old && current_primary() ne '';
    last if $moved_at && @acked >= $acked_before + 3;
}

my $new = current_primary();
ok($new ne '' && $new ne $old, "the sentinels promoted $new")
    or BAIL_OUT('no failover');
ok(@acked >= $acked_before + 3, 'writes are acknowledged again after the failover')
    or diag(explain \%answers);
diag(sprintf('failover: promoted after %.1f s; %d writes tried, answers %s', ($moved_at // time) - $t_kill,
             $n, join(', ', map { "$_: $answers{$_}" } sort keys %answers)));

# the gateway follows: a new change is enforced at the edge
ok(wait_until(sub { metric_sum('ngx_maint_sentinel_failovers_total') >= 2 }, 10, 'workers follow'),
   'both workers followed the primary (ngx_maint_sentinel_failovers_total)');

open(my $sf, '>', $stop) or die $!;
close $sf;
waitpid($child, 0);

my $tag = $admin->api('GET', "/v1/windows/$w1_id")->{headers}{etag};
is($admin->api('POST', "/v1/windows/$w1_id/complete", if_match => $tag)->{status}, 200,
   'the first window completed after the failover');
my $w2 = $admin->api('POST', '/v1/windows', json => {
    title => 'After the failover', apps => ['default'], starts_at => 'now',
    ends_at => rfc3339(now_s() + 3600) });
is($w2->{status}, 201, 'a window created after the failover') or diag($w2->{body});
my $w2_id = ($w2->{json} // {})->{id} // 'none';
push @acked, $w2_id if $w2->{status} == 201;
ok(wait_until(sub { edge_all(6, $w2_id) }, 5, 'the new window at the edge'),
   'the gateway enforces the change made on the new primary');

# --- the traffic: enforcement never stopped ----------------------------------

open(my $tf, '<', $log) or die "$log: $!";
my @lines = map { [ split ' ' ] } <$tf>;
close $tf;
my @during = grep { $_->[0] >= $t_kill } @lines;
my @bad = grep { $_->[1] != 503 || $_->[2] ne 'maintenance' || $_->[4] ne $w1_id } @lines;
my ($slowest) = sort { $b <=> $a } map { $_->[5] } @lines;
my %sources;
$sources{ $_->[3] }++ for @during;
diag(sprintf('traffic: %d requests (%d after the kill), %d not the maintenance page, slowest %.0f ms; '
             . 'sources after the kill: %s', scalar @lines, scalar @during, scalar @bad,
             ($slowest // 0) * 1000, join(', ', map { "$_ $sources{$_}" } sort keys %sources)));
ok(@during >= 20, 'traffic ran through the failover');
ok(@bad <= @lines / 100, 'at most 1% of requests were not the maintenance page')
    or diag(join "\n", map { "@$_" } @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
ok(($slowest // 9) < 1.0, 'no request took 1 s or more');

# --- no acknowledged write lost ----------------------------------------------

my @missing = grep { $admin->api('GET', "/v1/windows/$_")->{status} != 200 } @acked;
is(scalar @missing, 0, scalar(@acked) . ' acknowledged writes, all present on the new primary')
    or diag("missing: @missing");
my @unaudited = grep {
    my $id = $_;
    my $items = ($admin->api('GET', "/v1/audit?limit=500&target=$id")->{json} // {})->{items} // [];
    !grep { ($_->{action} // '') eq 'window.create' } @$items;
} @acked;
is(scalar @unaudited, 0, '... each with its audit entry') or diag("no audit: @unaudited");

# --- a demoted primary (manual failover: it stays up, as a replica) ---------

my $before = metric_sum('ngx_maint_sentinel_failovers_total');
my $demoted = $new;
# possible once a replica is in sync and the last failover's timeout is
# over; asked only once every sentinel names $demoted and none is still
# in the last failover (its leader reconfigures the replicas after it has
# announced the new primary: a failover asked meanwhile can be undone by
# it, and $demoted would then stay the primary)
my $why = '';
ok(wait_until(sub {
    my @on = node_cmd($nodes{$demoted}, 'INFO', 'replication') =~ /state=online/g;
    return unless @on;
    for my $s (@sentinels) {
        my $m = eval { $s->cmd('SENTINEL', 'master', 'mymaster') };
        my %m = ref $m eq 'ARRAY' ? @$m : ();
        return unless ($m{flags} // '') eq 'master'
                      && "$m{ip}:$m{port}" eq $demoted;
    }
    # any sentinel will do: one that led the last failover may still call
    # it in progress (INPROG) for a while on a busy machine
    for my $s (@sentinels) {
        my $r = eval { $s->cmd('SENTINEL', 'failover', 'mymaster') };
        $why = $@;
        return 1 if ($r // '') eq 'OK';
    }
    return;
}, 60, 'a manual failover'), 'manual failover (SENTINEL FAILOVER)') or diag($why);
ok(wait_until(sub { my $p = current_primary(); $p ne '' && $p ne $demoted }, 20, 'promotion'),
   'another replica promoted');
ok(wait_until(sub { node_cmd($nodes{$demoted}, 'ROLE')->[0] eq 'slave' }, 20, 'demotion'),
   "$demoted is a replica now");
ok(wait_until(sub { metric_sum('ngx_maint_sentinel_failovers_total') >= $before + 2 }, 10,
              'workers follow again'), 'both workers left the demoted primary');

# a write is acknowledged once a replica has it (redis_min_replicas 1):
# the demoted node and the other replica first resync with the new primary,
# and "online" alone can come before a replica acknowledges writes: wait
# until one confirms a write of the test's own (WAIT, as the daemon does)
ok(wait_until(sub {
    my $p = $nodes{ current_primary() } // return;
    my @on = node_cmd($p, 'INFO', 'replication') =~ /state=online/g;
    return unless @on >= 1;
    node_cmd($p, 'SET', 'test:replicated', time);
    return node_cmd($p, 'WAIT', 1, 200) >= 1;
}, 30, 'a replica in sync with the new primary'), 'a replica follows the new primary');
$tag = $admin->api('GET', "/v1/windows/$w2_id")->{headers}{etag};
is($admin->api('POST', "/v1/windows/$w2_id/complete", if_match => $tag)->{status}, 200,
   'the daemon writes to the new primary: the second window completed');
my $w3 = $admin->api('POST', '/v1/windows', json => {
    title => 'After the switchover', apps => ['default'], starts_at => 'now',
    ends_at => rfc3339(now_s() + 3600) });
is($w3->{status}, 201, 'a third window created') or diag($w3->{body});
my $w3_id = ($w3->{json} // {})->{id} // 'none';
ok(wait_until(sub { edge_all(6, $w3_id) }, 5, 'the third window at the edge'),
   'the gateway enforces changes made on the newest primary');

check_error_log($nginx);

done_testing();
