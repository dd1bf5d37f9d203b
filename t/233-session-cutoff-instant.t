# Issue 12, classes H and E (the session side), end to end: the sample
# legacy app (demo/app.pl) behind nginx with the module, maint-admind, one
# Redis.  What the app receives shows in its page ("Signed in as X", or a
# redirect to its login page when the edge took the session away).
#
# H: a window with terminate_sessions started "now" begins at an instant,
# not on a whole second.  A session the app created earlier in that same
# second is ended; one created from the start on (through an allowed path)
# is not; and when the window is completed the first stays ended and the
# second stays signed in.  Three ways to start now: POST /v1/windows with
# starts_at "now", POST /v1/windows/{id}/start, PATCH starts_at "now".
# The test does not sleep to get there: it lines each try up at the start
# of a Redis second and retries (at most 5 times, 15 on a sanitizer build)
# until the session and the window start did fall in one second; every
# try asserts the outcome.
#
# E: an app user whose name (maint_session_user, from the app) equals a
# superadmin's is an ordinary user: "end all" with except_superadmins and a
# terminate_sessions window end that session, while the session the edge
# saw created on a superadmin's bypassed request is kept, until that
# superadmin's credential is rotated.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;

my $HTML = 'text/html,application/xhtml+xml';

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my ($app_port, $app_pid) = start_app();

my $nginx = start_nginx(redis => $redis, vars => { APP => $app_port }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% heartbeat=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name localhost;
        maint on;
        maint_app crm;
        maint_session_cookie sid;
        maint_session_user $upstream_http_x_user;

        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%APP%%; }
    }
HTTP

my $port = $nginx->port;

sub now_ms { redis_now_ms($redis) }

sub req {
    my ($method, $target, %o) = @_;
    return browser_request($port, $method, $target, accept => $HTML, %o);
}


# the app's login through the gateway; the new session's cookie value
sub login {
    my ($user, @extra) = @_;
    my $r = req('POST', '/login', body => "user=$user&password=demo", cookies => \@extra);
    my $sid = cookie_value($r, 'sid') // '';
    ok(length $sid, "$user logs in through the gateway") or diag($r->{raw});
    return $sid;
}

# what the app made of the session: the user it shows, or '' (no session)
sub app_user {
    my ($sid, @extra) = @_;
    my $r = req('GET', '/customers', cookies => [ "sid=$sid", @extra ]);
    return $r->{status} == 200 && $r->{body} =~ m{Signed in as <strong>([^<]+)</strong>} ? $1 : '';
}

# the registry entry, once the gateway's write is in
sub first_seen {
    my ($sid) = @_;
    return wait_until(sub { $redis->cmd('HGET', 'maint:session:' . session_id($sid), 'first_seen') },
                      10, 'the registry entry');
}

sub registry {
    my ($sid) = @_;
    return { @{ $redis->cmd('HGETALL', 'maint:session:' . session_id($sid)) // [] } };
}

sub api_session { ($admin->api('GET', '/v1/sessions/' . session_id($_[0]), token => 'viewer')->{json}) // {} }

# ms of an RFC 3339 time the API wrote
sub epoch_ms {
    my ($t) = @_;
    my $s = epoch($t) // return;
    my ($f) = $t =~ /\.(\d+)Z$/;
    return $s * 1000 + (defined $f ? substr($f . '00', 0, 3) : 0);
}

sub etag { $admin->api('GET', "/v1/windows/$_[0]")->{headers}{etag} }

# ---------------------------------------------------------------------------
# H: a session created in the second a window starts now, before it

my %start_now = (
    'POST /v1/windows starts_at "now"' => sub {
        my (%w) = @_;
        my $r = $admin->api('POST', '/v1/windows', json => { %w, starts_at => 'now' });
        return $r->{status} == 201 ? $r->{json} : do { diag($r->{body}); undef };
    },
    'POST /v1/windows/{id}/start' => sub {
        my (%w) = @_;
        my $c = $admin->api('POST', '/v1/windows', json => { %w, starts_at => rfc3339(int(now_ms() / 1000) + 60) });
        return do { diag($c->{body}); undef } unless $c->{status} == 201;
        my $r = $admin->api('POST', "/v1/windows/$c->{json}{id}/start", if_match => $c->{headers}{etag});
        return $r->{status} == 200 ? $r->{json} : do { diag($r->{body}); undef };
    },
    'PATCH starts_at "now"' => sub {
        my (%w) = @_;
        my $c = $admin->api('POST', '/v1/windows', json => { %w, starts_at => rfc3339(int(now_ms() / 1000) + 60) });
        return do { diag($c->{body}); undef } unless $c->{status} == 201;
        my $r = $admin->api('PATCH', "/v1/windows/$c->{json}{id}", json => { starts_at => 'now' },
                            if_match => $c->{headers}{etag});
        return $r->{status} == 200 ? $r->{json} : do { diag($r->{body}); undef };
    },
);

my $n = 0;
for my $how (sort keys %start_now) {
    my $same_second = 0;
    # more tries on a sanitizer build, where less fits in a second
    for my $try (1 .. MaintTest::time_scale(5)) {
        $n++;
        # early in a Redis second, so that all of this can happen in it
        wait_until(sub { now_ms() % 1000 < 150 }, 3, 'the start of a second');

        my $before = login("user$n");
        my $fs_before = first_seen($before);
        # strictly before: the start comes from the same clock, once it has
        # moved on (a fast machine may otherwise start it in the same ms)
        wait_until(sub { now_ms() > $fs_before }, 2, 'the next millisecond');
        my $w = $start_now{$how}->(
            title => "Now $n", apps => ['crm'], ends_at => rfc3339(int(now_ms() / 1000) + 600),
            mode => 'read_only', terminate_sessions => JSON::PP::true,
            allow => { paths => ['/login'], networks => [] });
        ok($w, "$how (try $try): the window is in progress") or last;
        my $start = epoch_ms($w->{actual_start} // $w->{starts_at});
        # the app's login is allowed: a session created from the start on
        my $after = login("late$n");
        my $fs_after = first_seen($after);

        my $name = "$how (try $try)";
        ok($fs_before < $start, "$name: the first session was created before the window's start "
                                . "($fs_before < $start, $w->{actual_start})");
        is(app_user($before), '', "$name: the session created before the start is logged off")
            or diag(explain({ session => registry($before), snapshot => $redis->cmd('HGET', 'maint:state', 'snapshot') }));
        is(api_session($before)->{ended_by}, 'window', "$name: the API says ended by the window");
        is(app_user($after), "late$n", "$name: the session created after the start is signed in")
            if $fs_after >= $start;

        my $c = $admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => etag($w->{id}));
        is($c->{status}, 200, "$name: the window completed") or diag($c->{body});
        is(app_user($before), '', "$name: after the window, still logged off");
        is(app_user($after), "late$n", "$name: after the window, the later session still signed in")
            if $fs_after >= $start;

        if (int($fs_before / 1000) == int($start / 1000)) {
            $same_second = 1;
            last;
        }
        diag("$name: not in one second ($fs_before, $start); again");
    }
    ok($same_second, "$how: a session created in the very second the window started, before it, was tried");
}

# ---------------------------------------------------------------------------
# E: an app user named like a superadmin is not one

{
    my $r = $admin->api('POST', '/v1/superadmins', json => { name => 'root' });
    is($r->{status}, 201, 'superadmin root created') or diag($r->{body});
    my $credential = ($r->{json} // {})->{credential} // '';

    # the real superadmin: signs in at the edge during a window, then into
    # the app through it (a bypassed request: the registry's "superadmin")
    my $w = $admin->api('POST', '/v1/windows', json => {
        title => 'Superadmin sign-in', apps => ['crm'], starts_at => 'now',
        ends_at => rfc3339(int(now_ms() / 1000) + 600) })->{json} // {};
    my $page = req('GET', '/?forceLogin=true');
    my $csrf_cookie = cookie_value($page, 'maint_csrf') // '';
    my $csrf = form_inputs($page->{body} // '')->{csrf} // '';
    my $post = req('POST', '/?forceLogin=true', cookies => [ "maint_csrf=$csrf_cookie" ],
                   body => form_encode(name => 'root', credential => $credential, csrf => $csrf));
    my $bypass = cookie_value($post, 'maint_bypass') // '';
    ok(length $bypass, 'root signed in at the edge: the bypass cookie') or diag($post->{raw});
    my $real = login('root', "maint_bypass=$bypass");
    first_seen($real);
    is(registry($real)->{superadmin}, 'root', 'the registry: the bypassed session is root\'s');
    my $c = $admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => etag($w->{id}));
    is($c->{status}, 200, 'that window completed') or diag($c->{body});

    # an ordinary app user called root, and one called root.x for contrast
    my $fake = login('root');
    first_seen($fake);
    my $reg = registry($fake);
    is($reg->{user}, 'root', 'the registry: user root (the app\'s X-User)');
    ok(!defined $reg->{superadmin}, 'the registry: no superadmin (not a bypassed request)');
    is(api_session($fake)->{superadmin}, undef, 'the API: superadmin null');
    is(app_user($fake), 'root', 'the app user root is signed in');
    is(app_user($real), 'root', 'the superadmin root is signed in');

    wait_until(sub { now_ms() % 1000 < 500 }, 3, 'early in a second');
    my $t = $admin->api('POST', '/v1/sessions/terminate', json => { app => 'crm', except_superadmins => JSON::PP::true });
    is($t->{status}, 200, 'end all of crm except superadmins') or diag($t->{body});
    is(($t->{json} // {})->{kept}, 1, 'end all: one session kept, the superadmin\'s');
    is(app_user($fake), '', 'end all except superadmins: the app user named root is logged off');
    is(api_session($fake)->{ended_by}, 'cutoff', 'the API: ended by the cutoff');
    is(app_user($real), 'root', 'end all except superadmins: the superadmin\'s session is kept');

    # a window with terminate_sessions: the same
    my $cut = epoch(($t->{json} // {})->{cutoff}) // 0;
    wait_until(sub { now_ms() >= $cut * 1000 }, 3, 'the cutoff');
    my $fake2 = login('root');
    first_seen($fake2);
    is(app_user($fake2), 'root', 'a new session of the app user root');
    my $tw = $admin->api('POST', '/v1/windows', json => {
        title => 'Terminate', apps => ['crm'], starts_at => 'now', mode => 'read_only',
        ends_at => rfc3339(int(now_ms() / 1000) + 600), terminate_sessions => JSON::PP::true });
    is($tw->{status}, 201, 'a terminate_sessions window, now') or diag($tw->{body});
    is(app_user($fake2), '', 'terminate_sessions: the app user named root is logged off');
    is(api_session($fake2)->{ended_by}, 'window', 'the API: ended by the window');
    is(app_user($real, "maint_bypass=$bypass"), 'root', 'terminate_sessions: the superadmin\'s session survives');
    my $done = $admin->api('POST', "/v1/windows/$tw->{json}{id}/complete", if_match => etag($tw->{json}{id}));
    is($done->{status}, 200, 'the window completed') or diag($done->{body});
    is(app_user($fake2), '', 'after the window the app user root stays logged off');
    is(app_user($real), 'root', 'after the window the superadmin\'s session still works');

    # the credential rotated: the session made under the old one is no
    # superadmin's any more, as the bypass cookie signed in with it
    is(registry($real)->{superadmin_cid}, superadmin_cid($redis, 'root'),
       'the registry: the credential id the superadmin\'s session was made under');
    my $rot = $admin->api('POST', '/v1/superadmins/root/rotate');
    is($rot->{status}, 200, 'root\'s credential rotated') or diag($rot->{body});
    isnt(superadmin_cid($redis, 'root'), registry($real)->{superadmin_cid}, 'a new credential id');
    my $tw2 = $admin->api('POST', '/v1/windows', json => {
        title => 'Terminate again', apps => ['crm'], starts_at => 'now', mode => 'read_only',
        ends_at => rfc3339(int(now_ms() / 1000) + 600), terminate_sessions => JSON::PP::true });
    is($tw2->{status}, 201, 'another terminate_sessions window, now') or diag($tw2->{body});
    is(app_user($real), '', 'terminate_sessions after the rotation: the session of before is logged off');
    is(api_session($real)->{ended_by}, 'window', 'the API agrees: ended by the window');
}

$nginx->stop;
check_error_log($nginx);
MaintTest::_stop_pid($app_pid, 'TERM');
$admin->stop;
$redis->stop;

done_testing();
