# maint_session_end_notice: a user the edge logged off is told why, once,
# on the app's next HTML page.  The logoff's own answer (the demo app's
# redirect to its login page, or maint_session_revoked redirect=) carries a
# short-lived edge cookie with the reason; the next HTML page from the app
# shows the banner and expires the cookie; the page after it is the app's
# own again.  Ended by an admin (one session, or "end all") and ended by a
# window's terminate_sessions say different things.  Our own answers (the
# maintenance page) keep the cookie for the app's next page.  The app never
# receives the notice cookie; a forged value shows nothing; the directive
# off, or maint_session_revoked 401 (its own page says it), sets no cookie.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $HTML = 'text/html,application/xhtml+xml';

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my ($app_port, $app_pid) = start_app();

my $nginx = start_nginx(redis => $redis, vars => { APP => $app_port, ECHO => MaintTest::free_port() }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% heartbeat=1s;

    # what the app would receive, for the test to read
    server {
        listen 127.0.0.1:%%ECHO%%;
        location / { default_type text/plain; return 200 "cookie: $http_cookie\n"; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name localhost;
        maint on;
        maint_app crm;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%APP%%; }
        location /echo { proxy_pass http://127.0.0.1:%%ECHO%%; }
        location /quiet/ {
            maint_session_end_notice off;
            proxy_pass http://127.0.0.1:%%APP%%/;
        }
        location /edge-redirect/ {
            maint_session_revoked redirect=/login;
            proxy_pass http://127.0.0.1:%%APP%%/;
        }
        location /edge-401/ {
            maint_session_revoked 401;
            proxy_pass http://127.0.0.1:%%APP%%/;
        }
    }
HTTP
my $port = $nginx->port;

sub req {
    my ($method, $target, %o) = @_;
    return browser_request($port, $method, $target, accept => $HTML, %o);
}

sub login {
    my ($user) = @_;
    my $r = req('POST', '/login', body => "user=$user&password=demo");
    my $sid = cookie_value($r, 'sid') // '';
    ok(length $sid, "$user logs in through the gateway") or diag($r->{raw});
    # registered before it is ended: an end-all ends what it saw created
    wait_until(sub { $admin->api('GET', '/v1/sessions/' . session_id($sid))->{status} == 200 },
               10, "$user registered");
    return $sid;
}

sub end_session {
    my ($sid) = @_;
    my $r = $admin->api('DELETE', '/v1/sessions/' . session_id($sid));
    ok($r->{status} == 200 || $r->{status} == 204, 'the session ended through the admin API')
        or diag($r->{body});
}

sub notice_cookie { cookie_value($_[0], 'maint_notice') }

my $ADMIN_TEXT = 'Your session was ended by an administrator. Please sign in again.';
my $MAINT_TEXT = 'Your session was ended for maintenance. Please sign in again.';

# --- ended by an admin: the redirect carries the reason, the login page says it ---

my $sid = login('alice');
end_session($sid);

my $r = wait_until(sub { my $r = req('GET', '/customers', cookies => [ "sid=$sid" ]);
                         ($r->{headers}{'x-maint-status'} // '') eq 'revoked' ? $r : undef },
                   10, 'the logoff');
ok($r, 'the ended session is logged off') or BAIL_OUT('no logoff');
is($r->{status}, 303, 'the app redirects to its login page (no HTML page to tell)');
is(notice_cookie($r), '1', 'the redirect carries the notice cookie: ended by an admin');
my ($set) = grep { /^maint_notice=/ } set_cookies($r);
like($set, qr{;\s*Max-Age=600\b}, 'short-lived');
like($set, qr{;\s*HttpOnly\b}i, 'HttpOnly');
like($set, qr{;\s*SameSite=Lax\b}i, 'SameSite=Lax');
like($set, qr{;\s*Path=/(?:;|$)}, 'Path=/');

$r = req('GET', '/login', cookies => [ 'maint_notice=1' ]);
is($r->{status}, 200, 'the login page');
like($r->{body}, qr{<body[^>]*><div data-maint-notice=""[^>]*>.*?\Q$ADMIN_TEXT\E}s,
     'the login page tells why, right after <body>');
like($r->{body}, qr{<form method="post" action="/login">}, 'the app\'s page is all there');
my ($exp) = grep { /^maint_notice=/ } set_cookies($r);
like($exp // '', qr{^maint_notice=;.*Max-Age=0}, 'the page that told expires the cookie');

$r = req('GET', '/login');
unlike($r->{body}, qr{data-maint-notice}, 'the page after it: the app\'s own');

# --- the app never receives the notice cookie ---------------------------------------

$r = req('GET', '/echo', cookies => [ 'a=1', 'maint_notice=1', 'b=2' ]);
like($r->{body}, qr{^cookie: a=1; b=2$}m, 'the notice cookie is the edge\'s: stripped on the way')
    or diag($r->{body});
like($r->{body} // '', qr{cookie:}, 'the echo answered');

# --- forged or odd values show nothing ----------------------------------------------

for my $v ('3', '<script>', '11', '') {
    $r = req('GET', '/login', cookies => [ "maint_notice=$v" ]);
    unlike($r->{body}, qr{data-maint-notice}, "maint_notice=$v: no banner");
}

# --- the same logoff, told at once when the response is an HTML page ----------------

$sid = login('bob');
end_session($sid);
$r = wait_until(sub { my $r = req('GET', '/login', cookies => [ "sid=$sid" ]);
                      ($r->{headers}{'x-maint-status'} // '') eq 'revoked' ? $r : undef },
                10, 'the logoff on an HTML page');
like($r->{body} // '', qr{\Q$ADMIN_TEXT\E}, 'an HTML page on the logoff itself tells at once');
ok(!defined notice_cookie($r), 'and sets no notice cookie');

# --- maint_session_revoked redirect=: the edge's own 303 carries it --------------------

$sid = login('carol');
end_session($sid);
$r = wait_until(sub { my $r = req('GET', '/edge-redirect/customers', cookies => [ "sid=$sid" ]);
                      ($r->{headers}{'x-maint-status'} // '') eq 'revoked' ? $r : undef },
                10, 'the edge redirect');
is($r->{status}, 303, 'redirect=: 303 from the edge');
is(notice_cookie($r), '1', 'redirect=: the notice cookie');

# --- off, and 401: no cookie ------------------------------------------------------------

$sid = login('dave');
end_session($sid);
$r = wait_until(sub { my $r = req('GET', '/quiet/customers', cookies => [ "sid=$sid" ]);
                      ($r->{headers}{'x-maint-status'} // '') eq 'revoked' ? $r : undef },
                10, 'the logoff where the notice is off');
ok(!defined notice_cookie($r), 'maint_session_end_notice off: no notice cookie');
$r = req('GET', '/quiet/login', cookies => [ 'maint_notice=1' ]);
unlike($r->{body}, qr{data-maint-notice}, 'maint_session_end_notice off: no banner');

$r = req('GET', '/edge-401/customers', cookies => [ "sid=$sid" ]);
is($r->{status}, 401, 'maint_session_revoked 401: the edge\'s page');
like($r->{body}, qr{Your session has ended}, 'which says so itself');
ok(!defined notice_cookie($r), '401: no notice cookie');

# --- ended by a window: the maintenance page keeps it; after the window, the reason ---

$sid = login('erin');
# first_seen is on the gateway's estimate of Redis's clock, within its
# error bound (docs/design.md): a window started within that of the login
# may count the session as created from its start on, and spare it
{
    my $seen = $redis->cmd('HGET', 'maint:session:' . session_id($sid), 'first_seen') // 0;
    wait_until(sub { redis_now_ms($redis) > $seen + 50 }, 5, 'erin\'s login 50 ms behind us');
}
my $w = $admin->api('POST', '/v1/windows', json => {
    title => 'Terminating', apps => ['crm'], starts_at => 'now',
    ends_at => rfc3339(int(redis_now_ms($redis) / 1000) + 600), terminate_sessions => JSON::PP::true });
is($w->{status}, 201, 'a window with terminate_sessions, started now') or diag($w->{body});

$r = wait_until(sub { my $r = req('GET', '/customers', cookies => [ "sid=$sid" ]);
                      $r->{status} == 503 ? $r : undef },
                10, 'the maintenance page');
is($r->{headers}{'x-maint-status'}, 'revoked', 'logged off by the window');
unlike($r->{body}, qr{data-maint-notice}, 'the maintenance page itself has no banner');
is(notice_cookie($r), '2', 'it carries the notice cookie: ended for maintenance');

my $id = $w->{json}{id};
my $tag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
is($admin->api('POST', "/v1/windows/$id/complete", if_match => $tag)->{status}, 200, 'the window completed');

$r = wait_until(sub { my $r = req('GET', '/login', cookies => [ 'maint_notice=2' ]);
                      $r->{status} == 200 ? $r : undef }, 10, 'the app again');
like($r->{body}, qr{\Q$MAINT_TEXT\E}, 'after the window, the app\'s page tells: ended for maintenance');

$nginx->stop;
check_error_log($nginx);
$admin->stop;

done_testing();
