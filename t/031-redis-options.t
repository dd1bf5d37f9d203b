# maint_redis options against a real Redis: password (and ACL user),
# database, unix socket, key prefix.  A wrong password is reported without
# the secret and the failure policy applies.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis(password => 'sesame');
my $dir = $redis->{dir};
$redis->cmd('ACL', 'SETUSER', 'gateway', 'on', '>gw-secret', '~*', '+@all');

# a second server on a unix socket, for the socket and database options
my $sock = "$dir/redis.sock";
my $unix = start_redis(args => ['--unixsocket', $sock, '--unixsocketperm', '700']);

my $nginx = start_nginx(redis => $redis, vars => { SOCK => $sock }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% password=sesame timeout=500ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
    }
HTTP

set_state($redis, windows => [ window($redis, id => 'pw') ]);
is(http($nginx->port, 'GET', '/x')->{status}, 503, 'password: authenticated and enforced');
$nginx->stop;
check_error_log($nginx);

my $acl = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% user=gateway password=gw-secret;
    server { listen 127.0.0.1:%%PORT%%; maint on; root %%DIR%%; }
HTTP
is(http($acl->port, 'GET', '/x')->{status}, 503, 'ACL user and password');
$acl->stop;
check_error_log($acl);

my $wrong = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% password=not-the-password timeout=200ms;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
        location /closed/ { maint_on_redis_error closed; }
    }
HTTP
my $r = http($wrong->port, 'GET', '/x');
is($r->{status}, 404, 'wrong password: open policy, request reaches the content');
is($r->{headers}{'x-maint-status'}, 'error', 'wrong password: $maint_status error');
ok($r->{time} < 0.3, 'wrong password: answered within the timeout');
is(http($wrong->port, 'GET', '/closed/x')->{status}, 503, 'wrong password: closed policy');
my @auth = $wrong->log_lines(qr/AUTH failed/);
ok(@auth, 'the failure is logged') or diag(`tail -5 ${\ $wrong->error_log}`);
like($auth[0] // '', qr/WRONGPASS|invalid password/i, "Redis's reason is given");
is(scalar($wrong->log_lines(qr/not-the-password/)), 0, 'the password is never logged');
$wrong->stop;
check_error_log($wrong);

# unix socket, database 5, own prefix; decoy state in database 0
set_state($unix, windows => [ window($unix, id => 'decoy') ]);
$unix->cmd('SELECT', 5);
set_state($unix, prefix => 'corp.maint:', windows => [ window($unix, id => 'db5', apps => ['intranet']) ]);
$unix->cmd('SELECT', 0);

my $socknginx = start_nginx(vars => { SOCK => $sock }, http => <<'HTTP');
    maint_redis unix:%%SOCK%% db=5 prefix=corp.maint:;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app intranet;
        root %%DIR%%;
        add_header X-Maint-Window "$maint_window_id" always;
        location /other/ { maint_app other; }
    }
HTTP
$r = http($socknginx->port, 'GET', '/x');
is($r->{status}, 503, 'unix socket, db 5, prefix: enforced');
is($r->{headers}{'x-maint-window'}, 'db5', 'read the window from db 5 under the prefix');
is(http($socknginx->port, 'GET', '/other/x')->{status}, 404,
   'the decoy in db 0 is not read');
$socknginx->stop;
check_error_log($socknginx);

# the longest prefix: session keys (prefix, "revoked:", 64 hex) still fit
my $long = ('p' x 63) . ':';
set_state($unix, prefix => $long, windows => []);
revoke_session($unix, 'ended-session', prefix => $long);
my $longnginx = start_nginx(vars => { SOCK => $sock, PREFIX => $long }, http => <<'HTTP');
    maint_redis unix:%%SOCK%% prefix=%%PREFIX%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_session_cookie sid;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
    }
HTTP
$r = http($longnginx->port, 'GET', '/x', headers => { Cookie => 'sid=ended-session' });
is($r->{headers}{'x-maint-status'}, 'revoked', 'a 64-character prefix: an ended session is logged off');
like($r->{headers}{'set-cookie'} // '', qr/^sid=;/, 'a 64-character prefix: its cookie is expired');
$r = http($longnginx->port, 'GET', '/x', headers => { Cookie => 'sid=live-session' });
is($r->{headers}{'x-maint-status'}, 'pass', 'a 64-character prefix: a live session passes');
$longnginx->stop;
check_error_log($longnginx);

done_testing();
