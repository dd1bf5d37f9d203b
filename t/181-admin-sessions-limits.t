# Sessions through the admin API at their edges: a window's cutoff is never
# lost (turning terminate_sessions off keeps what it ended ended), kept_at
# only ever moves forward, and the API never writes a snapshot the
# gateways would refuse (at most 256 session cutoffs, 1024 superadmins);
# cutoffs that can no longer end anything are dropped.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use Digest::SHA qw(sha256_hex);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $JSON = JSON::PP->new->canonical;

sub now_ms { redis_now_ms($redis) }
sub cutoffs { $JSON->decode($redis->cmd('GET', 'maint:session_cutoffs') // '{}') }
sub kept_at { $redis->cmd('HGET', "maint:session:$_[0]", 'kept_at') }
sub status_of { ($admin->api('GET', "/v1/sessions/$_[0]")->{json} // {})->{status} // '' }

sub seed {
    my ($id, %f) = @_;
    $redis->cmd('HSET', "maint:session:$id", last_seen => now_ms(), app => 'shop', %f);
    $redis->cmd('ZADD', 'maint:sessions', now_ms(), $id);
}

# wait until the Redis clock is in a later second than $s
sub after_second {
    my ($s) = @_;
    wait_until(sub { int(now_ms() / 1000) > $s }, 3, 'the next second');
}

sub running_window {
    my (%f) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Terminating', apps => ['shop'], starts_at => 'now',
        ends_at => rfc3339(int(now_ms() / 1000) + 3600), terminate_sessions => JSON::PP::true, %f });
    is($r->{status}, 201, 'a running window with terminate_sessions') or diag($r->{body});
    return $r;
}

my $sa = $admin->api('POST', '/v1/superadmins', json => { name => 'root' });
is($sa->{status}, 201, 'a superadmin');

# --- kept_at only moves forward -------------------------------------------------

{
    my $boss = 'b' x 64;
    my $t0 = int(now_ms() / 1000) - 5;
    seed($boss, first_seen => ($t0 - 60) * 1000, superadmin => 'root',
         superadmin_cid => superadmin_cid($redis, 'root'));
    my $w = running_window()->{json};
    my $begin = epoch($w->{actual_start} // $w->{starts_at});

    after_second($begin);
    my $t = $admin->api('POST', '/v1/sessions/terminate', json => { app => 'shop', except_superadmins => JSON::PP::true });
    is($t->{status}, 200, 'end all of shop but the superadmins\' during the window');
    my $k1 = kept_at($boss);
    ok(defined $k1 && $k1 > $begin * 1000, "the superadmin's session kept at the later cutoff ($k1)");

    my $g = $admin->api('GET', "/v1/windows/$w->{id}");
    my $c = $admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => $g->{headers}{etag});
    is($c->{status}, 200, 'complete the window');
    is(kept_at($boss), $k1, 'completing the window did not move kept_at back to its start');
    is(status_of($boss), 'active', 'the superadmin\'s session is still active');
}

# --- terminate_sessions turned off while running: what it ended stays ended -----

{
    $redis->cmd('DEL', 'maint:session_cutoffs');
    my $user = 'c' x 64;
    seed($user, first_seen => now_ms() - 600_000, user => 'someone');
    my $w = running_window()->{json};
    is(status_of($user), 'ended', 'a session older than the window: ended');
    my $g = $admin->api('GET', "/v1/windows/$w->{id}");
    my $p = $admin->api('PATCH', "/v1/windows/$w->{id}", if_match => $g->{headers}{etag},
                        json => { terminate_sessions => JSON::PP::false });
    is($p->{status}, 200, 'PATCH terminate_sessions false on the running window') or diag($p->{body});
    ok(defined cutoffs()->{shop}, 'its start is now a cutoff for shop');
    is(status_of($user), 'ended', 'the session it ended stays ended');
    $g = $admin->api('GET', "/v1/windows/$w->{id}");
    $admin->api('POST', "/v1/windows/$w->{id}/cancel", if_match => $g->{headers}{etag});
}

# --- at most 256 cutoffs; the ones that cannot matter go -----------------------

{
    my $now = int(now_ms() / 1000);
    my %many = map { ("app$_" => $now - 10) } 1 .. 256;
    $many{ancient} = $now - 40 * 86400;             # beyond session_lifetime_days
    $redis->cmd('SET', 'maint:session_cutoffs', $JSON->encode(\%many));

    my $r = $admin->api('POST', '/v1/sessions/terminate', json => { app => 'app1' });
    is($r->{status}, 200, 'an app that has a cutoff already: fine');
    ok(!exists cutoffs()->{ancient}, 'a cutoff older than session_lifetime_days is dropped');
    is(scalar(keys %{ cutoffs() }), 256, '256 cutoffs remain');

    $r = $admin->api('POST', '/v1/sessions/terminate', json => { app => 'one-more' });
    is_problem($r, 409, 'conflict', 'a 257th app');
    is(scalar(keys %{ cutoffs() }), 256, 'nothing written');
    my $snap = $JSON->decode($redis->cmd('HGET', 'maint:state', 'snapshot'));
    ok(scalar(keys %{ $snap->{session_cutoffs} }) <= 256, 'the snapshot stays readable by the gateways');

    $r = $admin->api('POST', '/v1/sessions/terminate', json => {});
    is($r->{status}, 200, 'end all everywhere instead');
    is_deeply([ keys %{ cutoffs() } ], ['*'], 'the "*" cutoff makes every older app cutoff moot');
}

# --- at most 1024 superadmins --------------------------------------------------

{
    my @h = map { ("sa$_" => $JSON->encode({ name => "sa$_", credential_sha256 => sha256_hex("x$_"),
                                               created_at => rfc3339(1), created_by => 'test',
                                               rotated_at => undef })) } 1 .. 1023;
    $redis->cmd('HSET', 'maint:superadmins', @h);
    is(scalar(@{ ($admin->api('GET', '/v1/superadmins')->{json} // {})->{items} // [] }), 1024,
       '1024 superadmins');
    my $r = $admin->api('POST', '/v1/superadmins', json => { name => 'one-too-many' });
    is_problem($r, 409, 'conflict', 'a 1025th superadmin');
    $r = $admin->api('DELETE', '/v1/superadmins/sa1');
    is($r->{status}, 204, 'remove one');
    $r = $admin->api('POST', '/v1/superadmins', json => { name => 'one-too-many' });
    is($r->{status}, 201, 'then there is room');
}

$admin->stop;
done_testing();
