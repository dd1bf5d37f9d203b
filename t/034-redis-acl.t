# Least privilege in Redis (docs/redis-acl.conf; docs/redis-schema.md,
# "Redis users (ACL)"): a Redis whose users are the shipped file's, read
# from docs/redis-acl.conf itself and adapted only as its header says
# (password hashes, a non-default prefix), the default user off.
# maint-admind runs as maint-admin, nginx with the module as
# maint-gateway, and the whole loop works: heartbeats, a window (503, then
# 200), the session registry, ending one session and all of an app's with
# an exception, superadmins and bypass keys, the sign-in and a
# superadmin's session.  Then, with the gateway's credentials, every write
# to every key the schema says the admin API owns is refused (and the
# state is byte for byte what it was), and maint-admin has none of the
# dangerous commands nor keys outside its prefix.  Last, a gateway given
# too narrow a user: the error log names the refused command and the
# gateway decides by maint_on_redis_error.
#
# The harness itself connects as a test-only user (mt-ops), appended to
# the adapted file: it reads what the test checks.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Digest::SHA qw(sha256_hex);

my $PREFIX = 'acl-t:';              # not the default: the file adapted
my %PW = map { $_ => "$_-" . join('', map { int rand 10 } 1 .. 20) }
         qw(gateway admin ops narrow);

# ---------------------------------------------------------------------------
# the shipped file, adapted as its header says

sub slurp { open(my $f, '<', $_[0]) or die "$_[0]: $!"; local $/; my $t = <$f>; $t }

my $shipped = slurp("$ROOT/docs/redis-acl.conf");
my %line = map { /^user (\S+) / ? ($1 => $_) : () } split /\n/, $shipped;
ok($line{$_}, "docs/redis-acl.conf defines $_") for qw(default maint-gateway maint-admin);
like($line{default} // '', qr/^user default off\b/, 'the default user is off');

sub adapt {
    my ($text) = @_;
    $text =~ s/GATEWAY_PASSWORD_SHA256/sha256_hex($PW{gateway})/ge;
    $text =~ s/ADMIN_PASSWORD_SHA256/sha256_hex($PW{admin})/ge;
    $text =~ s/~maint:/~$PREFIX/g;
    return $text;
}

my $rules_of = sub { my ($l) = @_; my @w = split ' ', $l; splice(@w, 0, 2); @w };
my @gw_rules = $rules_of->(adapt($line{'maint-gateway'}));

# too narrow on purpose: the shipped gateway's rules without the state
# (no %R~Pstate) and with the registry read-only
my @narrow = map { $_ eq "%R~${PREFIX}state" ? ()
                   : $_ eq "~${PREFIX}session:*" ? "%R~${PREFIX}session:*"
                   : $_ =~ /^#/ ? '>' . $PW{narrow} : $_ } @gw_rules;
is(scalar(grep { $_ eq "%R~${PREFIX}session:*" } @narrow), 1, 'the narrow user is the gateway\'s, narrowed');

my $dir = MaintTest::_test_dir('acl');
open(my $f, '>', "$dir/acl.conf") or die $!;
print {$f} adapt($shipped), "\n",
    "user mt-ops on >$PW{ops} ~* &* +\@all\n",
    "user mt-narrow on " . join(' ', @narrow) . "\n";
close $f;

my $redis = start_redis(user => 'mt-ops', password => $PW{ops},
                        args => ['--include', "$dir/acl.conf"]);

sub as_user {
    my ($user, $pw) = @_;
    return bless { port => $redis->port, user => $user, password => $pw }, 'MaintTest::Redis';
}

sub refused_ok {
    my ($conn, $cmd, $name) = @_;
    my $r = eval { $conn->cmd(@$cmd); 1 };
    my $err = $@ // '';
    ok(!$r && $err =~ /NOPERM|no permissions|can't (?:run|access)/i, $name)
        or diag('got ' . ($r ? 'success' : $err));
}

{
    # the template as shipped is no user: a placeholder is no hash
    my $raw = eval { $redis->cmd('ACL', 'SETUSER', 'mt-template', $rules_of->($line{'maint-gateway'})); 1 };
    ok(!$raw, 'the unadapted gateway line is refused by Redis') ;
    like($@ // '', qr/hash|password/i, '... for its password placeholder');

    # nobody gets anything without authenticating
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $redis->port, Proto => 'tcp');
    print {$s} "*3\r\n\$3\r\nSET\r\n\$1\r\nx\r\n\$1\r\ny\r\n";
    my $l = <$s> // '';
    like($l, qr/^-NOAUTH/, 'an unauthenticated client is refused (default user off)');
    close $s;

    my $gw = as_user('maint-gateway', $PW{gateway});
    is($gw->cmd('PING'), 'PONG', 'maint-gateway authenticates with its password');
    my $ad = as_user('maint-admin', $PW{admin});
    is($ad->cmd('PING'), 'PONG', 'maint-admin authenticates with its password');
}

# ---------------------------------------------------------------------------
# the daemon and the gateway under the shipped users

my $admin = start_admin(redis => $redis, prefix => $PREFIX,
                        redis_user => 'maint-admin', redis_password => $PW{admin});
my $up = free_port();

my $SERVERS = <<'HTTP';
    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        server_name localhost;
        maint on;
        maint_app shop;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app sid=[$cookie_sid]\n"; }
        location /set/ {
            add_header Set-Cookie "sid=$http_x_set; Path=/";
            return 200 "set\n";
        }
    }
HTTP

my $nginx = start_nginx(redis => $redis, workers => 2,
                        vars => { UP => $up, PW => $PW{gateway}, PREFIX => $PREFIX },
                        http => <<'HTTP' . $SERVERS);
    maint_redis 127.0.0.1:%%REDIS_PORT%% prefix=%%PREFIX%% user=maint-gateway
                password=%%PW%% heartbeat=1s timeout=1s;
HTTP

my $port = $nginx->port;

sub req {
    my ($method, $target, %o) = @_;
    return browser_request($o{port} // $port, $method, $target,
                           host => 'localhost:' . ($o{port} // $port), %o);
}

sub st { $_[0]{headers}{'x-maint-status'} // '' }

sub now_s { int(redis_now_ms($redis) / 1000) }

sub cookie_of {
    my ($res, $name) = @_;
    for (set_cookies($res)) { my ($n, $v) = parse_cookie($_); return $v if $n eq $name }
    return;
}

# --- heartbeats: the gateways list shows both workers --------------------------

{
    my $g = wait_until(sub {
        my $r = $admin->api('GET', '/v1/gateways', token => 'viewer');
        my @mine = grep { ($_->{master} // 0) == $nginx->pid } @{ ($r->{json} // {})->{items} // [] };
        @mine == 2 ? \@mine : undef;
    }, 10, 'both workers in GET /v1/gateways');
    ok($g, 'heartbeats under maint-gateway: GET /v1/gateways lists both workers');
    is_deeply($g && $g->[0]{apps}, ['shop'], 'with their apps');
}

# --- a window: 503, completed: 200 ----------------------------------------------

is(req('GET', '/a')->{status}, 200, 'no window: 200');

my $w;
{
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'acl', apps => ['shop'], starts_at => 'now', ends_at => rfc3339(now_s() + 600) });
    is($r->{status}, 201, 'maint-admind (maint-admin) creates a window') or diag($r->{body});
    $w = $r->{json} // {};
    my $g = req('GET', '/a');
    is($g->{status}, 503, 'the gateway (maint-gateway) reads it: the next request gets 503');
    is(st($g), 'maintenance', '$maint_status maintenance');
}

# --- superadmins, bypass keys, the sign-in --------------------------------------

my $cred;
{
    my $r = $admin->api('POST', '/v1/superadmins', json => { name => 'alice' });
    is($r->{status}, 201, 'a superadmin (and the first bypass key) created') or diag($r->{body});
    $cred = ($r->{json} // {})->{credential} // '';
    my $k = $admin->api('POST', '/v1/bypass-keys', json => {});
    is($k->{status}, 201, 'a new bypass key') or diag($k->{body});

    my $page = req('GET', '/a?forceLogin=true');
    unlike($page->{body} // '', qr/app sid=/, 'the sign-in page during the window (not the app)');
    my $csrf = cookie_of($page, 'maint_csrf');
    my $field = form_inputs($page->{body})->{csrf};
    ok(defined $csrf && defined $field, 'with its CSRF cookie and field');
    my $post = req('POST', '/a?forceLogin=true', cookies => [ "maint_csrf=" . ($csrf // '') ],
                   body => form_encode(name => 'alice', credential => $cred, csrf => $field // ''));
    is($post->{status}, 303, 'alice signs in at the edge') or diag($post->{raw});
    my $bypass = cookie_of($post, 'maint_bypass');
    ok($bypass, 'a bypass cookie');

    my $through = req('GET', '/a', cookies => [ "maint_bypass=$bypass" ]);
    is($through->{status}, 200, 'the bypass cookie passes the window');

    # the app creates a session on alice's bypassed request: a superadmin's
    my $sa_sid = 'sa-' . join('', map { int rand 10 } 1 .. 16);
    is(req('GET', '/set/', cookies => [ "maint_bypass=$bypass" ], headers => { 'X-Set' => $sa_sid })->{status},
       200, 'the app sets a session on a bypassed request');
    my $s = wait_until(sub {
        my $r = $admin->api('GET', '/v1/sessions/' . session_id($sa_sid), token => 'viewer');
        $r->{status} == 200 && ($r->{json}{superadmin} // '') eq 'alice' ? $r->{json} : undef;
    }, 10, 'the superadmin session in the registry');
    ok($s, 'the registry holds it as alice\'s (superadmin fields written by the gateway)');
}

{
    my $tag = $admin->api('GET', "/v1/windows/$w->{id}")->{headers}{etag};
    my $r = $admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => $tag);
    is($r->{status}, 200, 'the window completed') or diag($r->{body});
    is(req('GET', '/a')->{status}, 200, 'the next request gets 200');
}

# --- the session registry and ending sessions -----------------------------------

sub new_session {
    my ($name) = @_;
    my $sid = "$name-" . join('', map { int rand 10 } 1 .. 16);
    is(req('GET', '/set/', headers => { 'X-Set' => $sid })->{status}, 200, "$name: the app sets a session");
    my $id = session_id($sid);
    my $s = wait_until(sub {
        my $r = $admin->api('GET', "/v1/sessions/$id", token => 'viewer');
        $r->{status} == 200 && defined $r->{json}{first_seen} ? $r->{json} : undef;
    }, 10, "$name in the registry");
    ok($s, "$name: registered by the gateway, shown by the admin API");
    return $sid;
}

sub passes {
    my ($sid, $name) = @_;
    my $r = req('GET', '/a', cookies => [ "sid=$sid" ]);
    is($r->{status}, 200, "$name: 200");
    like($r->{body} // '', qr/sid=\[\Q$sid\E\]/, "$name: the app gets the session");
}

sub ended {
    my ($sid, $name) = @_;
    my $r = req('GET', '/a', cookies => [ "sid=$sid" ]);
    is(st($r), 'revoked', "$name: \$maint_status revoked");
    like($r->{body} // '', qr/sid=\[\]/, "$name: the app gets no session");
}

{
    my $one = new_session('one');
    passes($one, 'one before it is ended');
    my $r = $admin->api('DELETE', '/v1/sessions/' . session_id($one));
    is($r->{status}, 204, 'DELETE /v1/sessions/{id} (the blacklist, by maint-admin)') or diag($r->{body});
    ended($one, 'one after DELETE');

    my $two = new_session('two');
    my $three = new_session('three');
    my $t = $admin->api('POST', '/v1/sessions/terminate',
                        json => { app => 'shop', except => [ session_id($three) ] });
    is($t->{status}, 200, 'POST /v1/sessions/terminate with an exception (kept_at)') or diag($t->{body});
    ended($two, 'two after terminate');
    passes($three, 'three, excepted');
}

# ---------------------------------------------------------------------------
# the gateway's credentials cannot write the state

# the keys the schema says the admin API writes and gateways do not, from
# docs/redis-schema.md's table itself
my (@state_keys, @gateway_keys);
for (split /\n/, slurp("$ROOT/docs/redis-schema.md")) {
    next unless /^\| `P([^`]+)` \| [^|]+ \| ([^|]+) \|/;
    my ($k, $writer) = ($1, $2);
    $k =~ s/<host>:<pid>/gw:1/;
    $k =~ s/<[a-z]+>/0123abcd/g;
    push @{ $writer =~ /gateway/ ? \@gateway_keys : \@state_keys }, "$PREFIX$k";
}
ok(@state_keys >= 10, 'the schema names the admin API\'s keys: ' . join(' ', @state_keys));
is_deeply([ sort @gateway_keys ], [ sort map { "$PREFIX$_" } 'session:0123abcd', 'sessions', 'gateway:gw:1', 'gateways' ],
          'and the gateways\' (registry and heartbeats) are the ones the file lets them write');

# what is there now, byte for byte, as the admin API left it
sub dump_state {
    my %d;
    for my $k (@state_keys, "${PREFIX}window:$w->{id}") {
        my $t = $redis->cmd('TYPE', $k);
        $d{$k} = $t eq 'none' ? undef : [ $t, $redis->cmd('DUMP', $k), $redis->cmd('PTTL', $k) > 0 ? 1 : 0 ];
    }
    $d{keys} = join ' ', sort @{ $redis->cmd('KEYS', "$PREFIX*") };
    $d{dbsize} = $redis->cmd('DBSIZE');
    return \%d;
}

my $before = dump_state();
ok($before->{"${PREFIX}state"} && $before->{"${PREFIX}superadmins"} && $before->{"${PREFIX}bypass_keys"},
   'the state, superadmins and bypass keys exist');

my $gw = as_user('maint-gateway', $PW{gateway});
my $commit = slurp("$ROOT/admin-api/store/commit.lua");

for my $k (@state_keys, "${PREFIX}window:$w->{id}") {
    refused_ok($gw, $_, "maint-gateway: @{$_}[0 .. 1] refused") for
        ['SET', $k, 'x'], ['DEL', $k], ['UNLINK', $k], ['HSET', $k, 'version', '999'],
        ['HSETNX', $k, 'zz', '1'], ['HDEL', $k, 'snapshot'], ['HINCRBY', $k, 'version', 1],
        ['PEXPIRE', $k, 1], ['EXPIRE', $k, 1], ['PERSIST', $k], ['ZADD', $k, 1, 'm'],
        ['SADD', $k, 'm'], ['XADD', $k, '*', 'a', 'b'], ['RENAME', $k, "${PREFIX}gateway:x"],
        ['GETDEL', $k], ['COPY', "${PREFIX}gateway:gw:1", $k, 'REPLACE'],
        ['RESTORE', $k, 0, "\x00", 'REPLACE'];
}
refused_ok($gw, ['HSET', 'maint:state', 'version', 1], 'maint-gateway: HSET on another prefix\'s state refused');
refused_ok($gw, ['EVAL', $commit, 10, map({ "${PREFIX}x$_" } 1 .. 10), 0], 'maint-gateway: EVAL of the commit script refused');
refused_ok($gw, ['EVAL', "return redis.call('DEL', KEYS[1])", 1, "${PREFIX}state"], 'maint-gateway: EVAL refused');
refused_ok($gw, $_, "maint-gateway: @$_ refused") for
    ['MULTI'], ['FLUSHDB'], ['FLUSHALL'], ['KEYS', '*'], ['SCAN', 0], ['CONFIG', 'SET', 'maxmemory', '1'],
    ['ACL', 'SETUSER', 'maint-gateway', '~*'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'],
    ['SWAPDB', 0, 1], ['MOVE', "${PREFIX}state", 1], ['PUBLISH', 'c', 'm'],
    ['HGETALL', "${PREFIX}superadmins"], ['HMGET', "${PREFIX}bypass_keys", 'x'],
    ['HMGET', "${PREFIX}settings", 'x'];
is($gw->cmd('EXISTS', "${PREFIX}revoked:0123abcd"), 0, 'maint-gateway may read the blacklist');
ok(defined $gw->cmd('HMGET', "${PREFIX}state", 'version')->[0], 'and the state');

is_deeply(dump_state(), $before, 'the state is exactly as it was: every write was refused');
is($admin->api('GET', '/v1/status', token => 'viewer')->{status}, 200, 'the admin API still reads it');

# --- maint-admin: nothing dangerous, nothing outside its prefix -----------------

{
    my $ad = as_user('maint-admin', $PW{admin});
    refused_ok($ad, $_, "maint-admin: @$_ refused") for
        ['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'SET', 'maxmemory', '1'], ['CONFIG', 'GET', 'requirepass'],
        ['KEYS', '*'], ['SCAN', 0], ['ACL', 'LIST'], ['ACL', 'SETUSER', 'x'],
        ['MONITOR'], ['CLIENT', 'LIST'], ['REPLICAOF', 'NO', 'ONE'], ['MODULE', 'LIST'],
        ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'], ['SWAPDB', 0, 1], ['SUBSCRIBE', 'c'],
        ['PUBLISH', 'c', 'm'], ['SET', 'other:key', 'x'], ['GET', 'maint:state'],
        ['DEL', 'maint:state'], ['EVAL', "return redis.call('FLUSHALL')", 0],
        ['EVAL', "return redis.call('SET', 'other:key', 'x')", 0];
    # what cannot be tried for real (or that Redis refuses before the ACL)
    for my $c (['DEBUG', 'SLEEP', 0], ['SHUTDOWN', 'NOSAVE'], ['FAILOVER'], ['MIGRATE', '127.0.0.1', 1, '', 0, 1, 'KEYS', "${PREFIX}state"]) {
        my $v = $redis->cmd('ACL', 'DRYRUN', 'maint-admin', @$c);
        like($v, qr/no permissions/i, "maint-admin: $c->[0] refused (ACL DRYRUN)");
    }
    ok(!$redis->cmd('EXISTS', 'other:key'), 'no key outside the prefix was written');
    is($redis->cmd('DBSIZE'), $before->{dbsize}, 'nothing was flushed');
}

# --- /healthz: the prechecks work without CONFIG -------------------------------

{
    my $h = $admin->api('GET', '/healthz', token => 'none');
    is($h->{status}, 200, '/healthz under maint-admin') or diag($h->{body});
    my $dry = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'dry', apps => ['shop'], starts_at => rfc3339(now_s() + 3600), ends_at => rfc3339(now_s() + 7200) });
    my ($c) = grep { $_->{name} eq 'redis_writable' } @{ ($dry->{json} // {})->{prechecks} // [] };
    is($c && $c->{status}, 'ok', 'the redis_writable precheck: ok (maxmemory read from INFO, not CONFIG)')
        or diag($dry->{body});
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '100mb');
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    $dry = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'dry', apps => ['shop'], starts_at => rfc3339(now_s() + 3600), ends_at => rfc3339(now_s() + 7200) });
    ($c) = grep { $_->{name} eq 'redis_writable' } @{ ($dry->{json} // {})->{prechecks} // [] };
    is($c && $c->{status}, 'fail', 'an allkeys-* policy still fails it under maint-admin') or diag($dry->{body});
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '0');
}

check_error_log($nginx);
ok(!$nginx->log_lines(qr/NOPERM/), 'the gateway under the shipped user was refused nothing');
{
    open(my $l, '<', $admin->log_file);
    my @np = grep { /NOPERM/ } <$l>;
    ok(!@np, 'maint-admind under the shipped user was refused nothing') or diag(@np);
}

# ---------------------------------------------------------------------------
# a gateway with too narrow a user: named in the log, decided by policy

{
    my $narrow = start_nginx(redis => $redis, workers => 1,
                             vars => { UP => $up, PW => $PW{narrow}, PREFIX => $PREFIX },
                             http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% prefix=%%PREFIX%% user=mt-narrow
                password=%%PW%% heartbeat=1s timeout=1s;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        maint_on_redis_error closed stale=off;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        # open here, so that the app's Set-Cookie reaches the registry
        location /set/ {
            maint_on_redis_error open stale=off;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
    }
HTTP
    my $np = $narrow->port;
    my $r = req('GET', '/a', port => $np);
    is($r->{status}, 503, 'the state cannot be read: maint_on_redis_error closed answers 503');
    ok(wait_until(sub { $narrow->log_lines(qr/HMGET \Q${PREFIX}\Estate failed: NOPERM/) }, 5, 'the log line'),
       'the error log names the refused read (HMGET <prefix>state, NOPERM)');

    my $sid = 'narrow-' . join('', map { int rand 10 } 1 .. 16);
    req('GET', '/set/', port => $np, headers => { 'X-Set' => $sid });
    ok(wait_until(sub { $narrow->log_lines(qr/: HSETN?X? failed: NOPERM/) }, 5, 'the log line'),
       'the error log names the refused registry write (NOPERM)');
    ok(!$redis->cmd('EXISTS', "${PREFIX}session:" . session_id($sid)), 'and nothing was written');
    my @lines = $narrow->log_lines(qr/NOPERM/);
    ok(!grep({ /\Q$PW{narrow}\E|\Q$sid\E/ } @lines), 'no password nor cookie value in those lines');
    check_error_log($narrow);
    $narrow->stop;
}

$nginx->stop;
$admin->stop;
$redis->stop;

done_testing();
