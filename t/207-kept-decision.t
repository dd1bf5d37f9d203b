# A decision kept per connection (docs/performance.md, "A decision kept
# per connection"; ngx_maint_kept.c): a keep-alive connection whose
# requests carry the same Cookie header, while no window of its app is in
# force, has its next requests take the decision of one before over.  Here
# every change that must reach such a connection's very next request does,
# under maint-admind's lease (200 ms: a gateway may decide on one read for
# that long, and the daemon answers a change only after it), on one
# connection each:
#
#   - a window started now: the next request gets the maintenance page;
#     completed: the next passes;
#   - a window's scheduled start, with no change written at all: the
#     notice before it, the maintenance page from its start on (the kept
#     decision ends at the instant the clock reaches it);
#   - a window in force with an allowed path: the allowed path and another
#     alternate on the connection, each judged (nothing is kept then);
#   - the session ended (DELETE /v1/sessions/{id}), and every session of
#     the app ended (terminate): the next request goes without it;
#   - another location: its own decision;
#   - every request counted and its $maint_status its own.
#
# That decisions are taken over at all is seen in the debug log, when
# NGINX has one (Debian's has).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use KeepAlive;
use Test::More;
use Time::HiRes qw(time);

my $debug = `nginx -V 2>&1` =~ /--with-debug/;

my $redis = start_redis();
my $admin = start_admin(redis => $redis, extra => "lease 200ms\n");
my $up = free_port();

my $nginx = start_nginx(redis => $redis, vars => { UP => $up }, http => <<'HTTP' . cookie_echo_server());
    # timeout=1s: a read the machine stalls past the default would decide
    # by policy, not on the state under test
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        keepalive_requests 1000000;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        error_log %%DIR%%/logs/debug.log debug;

        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /other/ {
            maint_app crm;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location = /metrics { maint off; maint_metrics; }
    }
HTTP

my $port = $nginx->port;

ok(wait_until(sub { ($redis->cmd('HGET', 'maint:state', 'lease_ms') // '') eq '200' },
              5, 'the lease'), 'maint-admind wrote its lease');

sub now_s { int(redis_now_ms($redis) / 1000) }

# how often the debug log says a decision was taken over
sub taken {
    open(my $f, '<', $nginx->dir . '/logs/debug.log') or return 0;
    my $n = 0;
    while (<$f>) { $n++ if /the connection's last decision taken over/ }
    return $n;
}

sub new_window {
    my (%w) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Kept', apps => ['shop'], %w });
    is($r->{status}, 201, "a window ($w{starts_at})") or diag($r->{body});
    return $r->{json}{id} // 'none';
}

sub finish {
    my ($id, $how) = @_;
    my $tag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
    my $r = $admin->api('POST', "/v1/windows/$id/$how", if_match => $tag);
    is($r->{status}, 200, "... $how") or diag($r->{body});
}

my $sid = 'kept-' . int(rand 1e9);
live_session($redis, $sid);
my $header = "sid=$sid; theme=dark";

sub get {
    my ($c, $path) = @_;
    my $r = $c->request(path => $path // '/p', cookies => [$header]);
    $r->{upstream} = upstream_cookie($r);
    return $r;
}

# --- passes, counted one by one, taken over -----------------------------

{
    my $c = KeepAlive->new($port);
    my $before = metric($port, 'ngx_maint_requests_total{decision="pass"}') // 0;
    my $taken = taken();
    my @st = map { get($c) } 1 .. 20;
    is(scalar(grep { $_->{status} == 200 && $_->{upstream} eq $header } @st),
       20, '20 requests on one connection pass, the header as sent');
    is(scalar(grep { ($_->{headers}{'x-maint-status'} // '') eq 'pass' } @st),
       20, '... each with $maint_status pass');
    is(metric($port, 'ngx_maint_requests_total{decision="pass"}') - $before,
       20, '... each counted');
    SKIP: {
        skip 'NGINX without --with-debug', 1 unless $debug;
        # the first is decided in full, the second keeps it, on it goes
        ok(taken() - $taken >= 15,
           '... most of them on the decision kept (' . (taken() - $taken) . ')');
    }
}

# --- a window started now, and completed --------------------------------

{
    my $c = KeepAlive->new($port);
    get($c) for 1 .. 3;
    my $t = now_s();
    my $id = new_window(starts_at => rfc3339($t - 1), ends_at => rfc3339($t + 600));
    my $r = get($c);
    is($r->{status}, 503, '... the connection\'s next request: the maintenance page');
    is($r->{headers}{'x-maint-status'}, 'maintenance', '... $maint_status maintenance');
    finish($id, 'complete');
    my @r = map { get($c) } 1 .. 3;
    is(join(' ', map { $_->{status} } @r), '200 200 200',
       '... the next requests pass again');
}

# --- a scheduled start: no change written, the clock reaches it ---------

{
    my $c = KeepAlive->new($port);
    my $start = now_s() + 3;
    my $id = new_window(starts_at => rfc3339($start), ends_at => rfc3339($start + 600),
                    notify_before_minutes => 30);
    my $r = get($c);
    is($r->{headers}{'x-maint-status'}, 'notice', 'before the start: notice');
    get($c) for 1 .. 3;

    # requests until well past the start, each with Redis's time just
    # before it was sent and just after its answer came
    my @seen;
    my $until = $start * 1000 + 1500;
    while (1) {
        my $sent = redis_now_ms($redis);
        my $r = get($c);
        my $back = redis_now_ms($redis);
        push @seen, [$sent, $back, $r->{status}, $r->{headers}{'x-maint-status'} // ''];
        last if $sent > $until || !$r->{status};
    }
    ok(!grep({ !$_->[2] } @seen), '... every one answered on the connection');

    # the gateway's clock is Redis's, estimated: a few ms either way
    my @late = grep { $_->[0] >= $start * 1000 + 50 && $_->[2] != 503 } @seen;
    my @early = grep { $_->[1] < $start * 1000 - 50 && $_->[2] != 200 } @seen;
    ok(!@late, scalar(@seen) . ' requests around the start: none sent after it passed')
        or diag(join "\n", map { "@$_" } @late[0 .. ($#late > 4 ? 4 : $#late)]);
    ok(!@early, '... none answered before it was stopped')
        or diag(join "\n", map { "@$_" } @early[0 .. ($#early > 4 ? 4 : $#early)]);
    my @order = map { $_->[2] } @seen;
    my $first = (grep { $order[$_] == 503 } 0 .. $#order)[0] // scalar @order;
    ok($first > 0 && $first < @order && !grep({ $_ != 503 } @order[$first .. $#order]),
       '... notice, then the maintenance page from the start on');
    finish($id, 'complete');
}

# --- a window in force with an allowed path: each request judged --------

{
    my $c = KeepAlive->new($port);
    my $t = now_s();
    my $id = new_window(starts_at => rfc3339($t - 1), ends_at => rfc3339($t + 600),
                    allow => { paths => ['/health'], networks => [] });
    my @got;
    for my $i (1 .. 4) {
        push @got, get($c, '/health')->{status}, get($c, '/p')->{status};
    }
    is("@got", '200 503 200 503 200 503 200 503',
       'a window in force: the allowed path passes, the other does not, '
       . 'alternating on one connection');
    finish($id, 'complete');
    is(get($c)->{status}, 200, '... completed: passes');
}

# --- the session ended, one and all --------------------------------------

{
    my $c = KeepAlive->new($port);
    get($c) for 1 .. 3;
    my $r = $admin->api('DELETE', '/v1/sessions/' . session_id($sid));
    is($r->{status}, 204, 'the session ended') or diag($r->{body});
    $r = get($c);
    is($r->{upstream}, 'theme=dark', '... the connection\'s next request goes without it');
    like($r->{headers}{'set-cookie'} // '', qr/^sid=; Max-Age=0/, '... its cookie expired');
}

# the admin API writes a new state with it; a writer may also move only
# the revocations counter (t/lib's revoke_session, as t/206 does): the
# kept decision must see that alone.  Answered after the lease, as
# maint-admind answers.
{
    my $direct = 'kept-direct-' . int(rand 1e9);
    live_session($redis, $direct);
    $header = "sid=$direct";
    my $c = KeepAlive->new($port);
    get($c) for 1 .. 3;
    my $v = $redis->cmd('HGET', 'maint:state', 'version');
    revoke_session($redis, $direct);
    my $t = redis_now_ms($redis);
    wait_until(sub { redis_now_ms($redis) >= $t + 200 }, 5, 'the lease');
    my $r = get($c);
    is($r->{upstream}, '', 'a session ended by the counter alone: the next '
       . 'request goes without it');
    is($redis->cmd('HGET', 'maint:state', 'version'), $v, '... no new state');
}

{
    my $other = 'kept-other-' . int(rand 1e9);
    live_session($redis, $other);
    $header = "sid=$other";
    my $c = KeepAlive->new($port);
    my @r = map { get($c) } 1 .. 3;
    is(join(' ', map { $_->{upstream} // 'none' } @r), join(' ', ($header) x 3),
       'another live session passes');
    my $r = $admin->api('POST', '/v1/sessions/terminate', json => { app => 'shop' });
    is($r->{status}, 200, 'every session of the app ended') or diag($r->{body});
    $r = get($c);
    is($r->{upstream}, '', '... the connection\'s next request goes without it');
}

# --- another location, another app: its own decision ---------------------

{
    my $value = 'kept-crm-' . int(rand 1e9);
    live_session($redis, $value);
    $header = "sid=$value";
    my $c = KeepAlive->new($port);
    get($c, '/other/x') for 1 .. 3;
    my $t = now_s();
    my $id = new_window(starts_at => rfc3339($t - 1), ends_at => rfc3339($t + 600));
    is(get($c, '/p')->{status}, 503, 'a window for shop: shop\'s location answers');
    my @r = map { get($c, '/other/x')->{status} } 1 .. 3;
    is("@r", '200 200 200', '... crm\'s passes on the same connection');
    is(get($c, '/p')->{status}, 503, '... and shop\'s still answers');
    finish($id, 'complete');
}

check_error_log($nginx);
$nginx->stop;
$admin->stop;
$redis->stop;
done_testing();
