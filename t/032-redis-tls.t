# TLS to Redis (maint_redis ... tls; maint-admind's redis_tls).  Which
# half runs is decided by what the build says, not by the OS: nginx -t on
# a "tls" configuration either refuses it as unavailable (a build against
# hiredis 0.14, or 1.x without hiredis_ssl) or accepts it.
#
# Without TLS: nginx -t and maint-admind -t refuse every TLS parameter,
# naming it and the hiredis version the build used, and a configuration
# without them still works as before.
#
# With TLS: a throwaway CA, server and client certificates made here with
# openssl; redis-server with a TLS port (its plain port stays for this
# test's own client: the module and the daemon are only given the TLS
# port).  The module reads over TLS; a wrong CA, a wrong server name and a
# missing client certificate are refused by the check and behave like a
# Redis that is down; nginx -t names a bad file; maint-admind writes over
# TLS; Sentinel over TLS.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my (undef, $probe) = nginx_t(<<'HTTP');
    maint_redis 127.0.0.1:6379 tls;
    server { listen 127.0.0.1:%%PORT%%; maint on; }
HTTP
my $no_tls = $probe =~ /needs hiredis 1\.0 or newer/;

# the hiredis the build compiled with, from its header
sub hiredis_version {
    my %v;
    for my $inc ('/usr/include/hiredis/hiredis.h', '/usr/local/include/hiredis/hiredis.h') {
        open(my $f, '<', $inc) or next;
        while (<$f>) { $v{$1} = $2 if /#define HIREDIS_(MAJOR|MINOR|PATCH) (\d+)/ }
        last;
    }
    return join('.', map { $v{$_} // '?' } qw(MAJOR MINOR PATCH));
}

# maint-admind -t on a configuration; returns (exit code, output)
sub admind_t {
    my ($dir, $conf) = @_;
    open(my $f, '>', "$dir/admin-t.conf") or die $!;
    print {$f} "listen 127.0.0.1:1\n$conf";
    close $f;
    my $out = `$MaintTest::ADMIND -t --config $dir/admin-t.conf 2>&1`;
    return ($? >> 8, $out);
}

my $HTTP_SERVER = <<'HTTP';
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
        location /closed/ { maint_on_redis_error closed; }
    }
HTTP

if ($no_tls) {
    my $ver = hiredis_version();
    diag("built without TLS to Redis (hiredis $ver)");
    my $redis = start_redis();
    my $dir = $redis->{dir};

    my ($code, $out) = nginx_t(<<'HTTP');
    maint_redis 127.0.0.1:6379 timeout=500ms tls;
    server { listen 127.0.0.1:%%PORT%%; maint on; }
HTTP
    isnt($code, 0, 'nginx -t refuses "tls"');
    like($out, qr/"tls" in "maint_redis" needs hiredis 1\.0 or newer built with TLS \(hiredis_ssl\); this module was built against hiredis \Q$ver\E/,
         'the message names the parameter, the need and the version built with');

    for my $p ('tls_ca=/etc/ssl/certs/ca-certificates.crt', 'tls_cert=/x/c.pem tls_key=/x/k.pem',
               'tls_server_name=redis.example') {
        (my $name = $p) =~ s/=.*//;
        ($code, $out) = nginx_t("    maint_redis 127.0.0.1:6379 $p;\n"
                                . "    server { listen 127.0.0.1:%%PORT%%; maint on; }\n");
        isnt($code, 0, "nginx -t refuses \"$name\"");
        like($out, qr/"\Q$name\E" in "maint_redis" needs hiredis 1\.0 .*hiredis \Q$ver\E/, "... naming \"$name\"");
    }

    # nothing else changed: the same configuration without TLS works
    my $http = "    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms;\n$HTTP_SERVER";
    ($code, $out) = nginx_t($http, redis => $redis);
    is($code, 0, 'without the TLS parameters nginx -t passes') or diag($out);
    my $nginx = start_nginx(redis => $redis, http => $http);
    set_state($redis, windows => [ window($redis, id => 'plain') ]);
    is(http($nginx->port, 'GET', '/x')->{status}, 503, 'plain Redis: the window is enforced');
    clear_state($redis);
    is(http($nginx->port, 'GET', '/x')->{status}, 404, 'plain Redis: cleared, the request passes');
    $nginx->stop;
    check_error_log($nginx);

    for my $key ('redis_tls on', 'redis_tls_ca /etc/ssl/certs/ca-certificates.crt',
                 'redis_tls_server_name redis.example', 'redis_tls_cert /x/c.pem') {
        (my $name = $key) =~ s/ .*//;
        ($code, $out) = admind_t($dir, "$key\n");
        isnt($code, 0, "maint-admind -t refuses \"$name\"");
        like($out, qr/"\Q$name\E" needs hiredis 1\.0 or newer built with TLS \(hiredis_ssl\); this maint-admind was built against hiredis \Q$ver\E/,
             "... naming \"$name\" and hiredis $ver");
    }
    ($code, $out) = admind_t($dir, "redis_tls off\n");
    is($code, 0, 'maint-admind -t: "redis_tls off" is fine') or diag($out);

    $redis->stop;
    done_testing();
    exit 0;
}

diag('built with TLS to Redis');

# --- certificates: two CAs, the server's, the client's ----------------------

my $redis = start_redis();              # plain, for the files' directory
my $dir = $redis->{dir};
$redis->stop;

sub openssl {
    my $out = `openssl @_ 2>&1`;
    die "openssl @_: $out" if $?;
}

for my $ca ('ca', 'other') {
    openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=maint-test-$ca"
            . " -keyout $dir/$ca.key -out $dir/$ca.crt");
}
open(my $ext, '>', "$dir/server.ext") or die $!;
print {$ext} "subjectAltName=DNS:redis.test,IP:127.0.0.1\n";
close $ext;
open($ext, '>', "$dir/client.ext") or die $!;
print {$ext} "extendedKeyUsage=clientAuth\n";
close $ext;
for my $who ('server', 'client') {
    openssl("req -newkey rsa:2048 -nodes -subj /CN=maint-test-$who"
            . " -keyout $dir/$who.key -out $dir/$who.csr");
    openssl("x509 -req -in $dir/$who.csr -CA $dir/ca.crt -CAkey $dir/ca.key"
            . " -CAcreateserial -days 2 -extfile $dir/$who.ext -out $dir/$who.crt");
}

sub tls_redis {
    my ($auth) = @_;
    my $port = free_port();
    my $r = start_redis(args => [
        '--tls-port', $port, '--tls-cert-file', "$dir/server.crt",
        '--tls-key-file', "$dir/server.key", '--tls-ca-cert-file', "$dir/ca.crt",
        '--tls-auth-clients', $auth ]);
    $r->{tls_port} = $port;
    return $r;
}

my $open = tls_redis('no');              # clients need no certificate
my $mtls = tls_redis('yes');             # clients must show one

my %v = (DIR_CERTS => $dir, TLS_PORT => $open->{tls_port}, MTLS_PORT => $mtls->{tls_port});

sub tls_nginx {
    my ($redis, $params, $port) = @_;
    return start_nginx(redis => $redis, vars => { %v, P => $port // $redis->{tls_port} },
                       http => "    maint_redis 127.0.0.1:%%P%% tls $params"
                               . " connect_timeout=2s timeout=1s backoff=50ms:200ms;\n"
                               . $HTTP_SERVER);
}

sub tls_errors { grep { /maint: redis/ && /\[error\]/ } $_[0]->log_lines(qr/./) }

# the module reads over TLS; the name checked by default is the address
# as written, 127.0.0.1, which the certificate names
my $nginx = tls_nginx($open, 'tls_ca=%%DIR_CERTS%%/ca.crt');
set_state($open, windows => [ window($open, id => 'over-tls') ]);
my $r = http($nginx->port, 'GET', '/x');
is($r->{status}, 503, 'over TLS: the window is enforced');
is($r->{headers}{'x-maint-status'}, 'maintenance', 'over TLS: $maint_status maintenance');
clear_state($open);
$r = http($nginx->port, 'GET', '/x');
is($r->{status}, 404, 'over TLS: cleared, the request passes');
is($r->{headers}{'x-maint-status'}, 'pass', 'over TLS: $maint_status pass');
is(scalar(tls_errors($nginx)), 0, 'over TLS: no connection errors logged')
    or diag(join '', tls_errors($nginx));
$nginx->stop;
check_error_log($nginx);

# the name given, sent as SNI and checked
$nginx = tls_nginx($open, 'tls_ca=%%DIR_CERTS%%/ca.crt tls_server_name=redis.test');
set_state($open, windows => [ window($open, id => 'by-name') ]);
is(http($nginx->port, 'GET', '/x')->{status}, 503, 'tls_server_name=redis.test: read over TLS');
$nginx->stop;
check_error_log($nginx);

# refused connections: the failure policy applies as for a Redis that is
# down, and the log says why
sub refused {
    my ($what, $nginx, $why) = @_;
    my $r = http($nginx->port, 'GET', '/x');
    is($r->{status}, 404, "$what: open policy, the request reaches the content");
    is($r->{headers}{'x-maint-status'}, 'error', "$what: \$maint_status error");
    is(http($nginx->port, 'GET', '/closed/x')->{status}, 503, "$what: closed policy");
    ok(wait_until(sub { grep { /$why/ } tls_errors($nginx) }, 5, 'the log line'),
       "$what: the error log says why") or diag(join '', tls_errors($nginx));
    $nginx->stop;
    check_error_log($nginx);
}

set_state($open, windows => [ window($open, id => 'must-not-be-read') ]);

refused('a wrong CA', tls_nginx($open, 'tls_ca=%%DIR_CERTS%%/other.crt'),
        qr/certificate verification failed: .*(issuer|self[- ]signed)/);
refused('a wrong server name', tls_nginx($open, 'tls_ca=%%DIR_CERTS%%/ca.crt tls_server_name=wrong.test'),
        qr/certificate verification failed: hostname mismatch \(expected "wrong\.test"\)/);
# (Redis takes a ClientHello for the start of an inline command and waits:
# connect_timeout ends it)
refused('TLS to a plain port', tls_nginx($open, 'tls_ca=%%DIR_CERTS%%/ca.crt', $open->port),
        qr/connect timed out in the TLS handshake|TLS handshake failed/);
refused('no client certificate where Redis requires one',
        tls_nginx($mtls, 'tls_ca=%%DIR_CERTS%%/ca.crt'),
        qr/TLS handshake failed: .*certificate|connection lost/);

# a client certificate where Redis requires one
set_state($mtls, windows => [ window($mtls, id => 'mtls') ]);
$nginx = tls_nginx($mtls, 'tls_ca=%%DIR_CERTS%%/ca.crt tls_cert=%%DIR_CERTS%%/client.crt'
                          . ' tls_key=%%DIR_CERTS%%/client.key');
$r = http($nginx->port, 'GET', '/x');
is($r->{status}, 503, 'client certificate given: read over mutual TLS');
is(scalar(tls_errors($nginx)), 0, 'mutual TLS: no connection errors logged');
is(scalar($nginx->log_lines(qr/BEGIN|PRIVATE/)), 0, 'no key material in the log');
$nginx->stop;
check_error_log($nginx);

# nginx -t reads the files and names the one that is wrong
sub t_fails {
    my ($params, $want, $name) = @_;
    my ($code, $out) = nginx_t("    maint_redis 127.0.0.1:6379 $params;\n"
                               . "    server { listen 127.0.0.1:%%PORT%%; maint on; }\n",
                               vars => \%v);
    isnt($code, 0, "nginx -t fails: $name");
    like($out, $want, "nginx -t: $name, named");
}
t_fails('tls tls_ca=%%DIR_CERTS%%/missing.crt',
        qr/"tls_ca" file ".*\/missing\.crt" in "maint_redis": No such file/, 'a missing CA file');
t_fails('tls tls_ca=%%DIR_CERTS%%/server.ext',
        qr/"tls_ca" file ".*\/server\.ext" in "maint_redis"/, 'a CA file without a certificate');
t_fails('tls tls_ca=%%DIR_CERTS%%/ca.crt tls_cert=%%DIR_CERTS%%/client.crt tls_key=%%DIR_CERTS%%/other.key',
        qr/"tls_key" file ".*\/other\.key" in "maint_redis": .*(mismatch|does not match)/,
        'a key of another certificate');
t_fails('tls tls_cert=%%DIR_CERTS%%/client.crt',
        qr/"tls_cert" and "tls_key" .* both or neither/, 'a certificate without a key');
t_fails('tls_ca=%%DIR_CERTS%%/ca.crt', qr/"tls_ca" in "maint_redis" requires "tls"/,
        'tls_ca without tls');
my ($code, $out) = nginx_t("    maint_redis unix:/tmp/redis.sock tls;\n"
                           . "    server { listen 127.0.0.1:%%PORT%%; maint on; }\n");
isnt($code, 0, 'nginx -t fails: tls on a unix socket');
like($out, qr/"tls" in "maint_redis" cannot be used with the unix socket "unix:\/tmp\/redis\.sock"/,
     'nginx -t: tls on a unix socket, named');
($code, $out) = nginx_t("    maint_redis 127.0.0.1:6379 tls tls_ca=%%DIR_CERTS%%/ca.crt"
                           . " tls_cert=%%DIR_CERTS%%/client.crt tls_key=%%DIR_CERTS%%/client.key;\n"
                           . "    server { listen 127.0.0.1:%%PORT%%; maint on; }\n", vars => \%v);
is($code, 0, 'nginx -t: good files pass') or diag($out);

# --- maint-admind over TLS ----------------------------------------------------

($code, $out) = admind_t($dir, "redis_tls on\nredis_tls_ca $dir/missing.crt\n");
isnt($code, 0, 'maint-admind -t fails on a missing CA file');
like($out, qr/"redis_tls_ca" file ".*\/missing\.crt": No such file/, 'maint-admind -t names it');
($code, $out) = admind_t($dir, "redis_tls_ca $dir/ca.crt\n");
like($out, qr/"redis_tls_ca" requires "redis_tls on"/, 'maint-admind -t: redis_tls_ca alone');

clear_state($mtls);
my $admin = start_admin(redis => bless({ port => $mtls->{tls_port} }, 'MaintTest::Redis'),
                        extra => "redis_tls on\nredis_tls_ca $dir/ca.crt\n"
                                 . "redis_tls_server_name redis.test\n"
                                 . "redis_tls_cert $dir/client.crt\nredis_tls_key $dir/client.key\n");
$r = $admin->api('POST', '/v1/windows', json => {
    title => 'Over TLS', apps => ['*'], starts_at => 'now',
    ends_at => rfc3339(int(redis_now_ms($mtls) / 1000) + 600) });
is($r->{status}, 201, 'maint-admind: a window started over TLS') or diag($r->{body});
my $id = ($r->{json} // {})->{id} // 'none';
ok($mtls->cmd('EXISTS', "maint:window:$id"), 'maint-admind: the window is in Redis');
$nginx = tls_nginx($mtls, 'tls_ca=%%DIR_CERTS%%/ca.crt tls_cert=%%DIR_CERTS%%/client.crt'
                          . ' tls_key=%%DIR_CERTS%%/client.key');
is(http($nginx->port, 'GET', '/x')->{status}, 503, 'the module sees the window the daemon wrote');
$nginx->stop;
check_error_log($nginx);
$admin->stop;

my $bad = start_admin(redis => bless({ port => $open->{tls_port} }, 'MaintTest::Redis'),
                      extra => "redis_tls on\nredis_tls_ca $dir/other.crt\n");
$r = $bad->api('POST', '/v1/windows', json => {
    title => 'Refused', apps => ['*'], starts_at => 'now',
    ends_at => rfc3339(int(redis_now_ms($open) / 1000) + 600) });
is($r->{status}, 503, 'maint-admind with a wrong CA: 503, nothing written');
my $log = '';
if (open(my $f, '<', $bad->log_file)) { local $/; $log = <$f> // '' }
like($log, qr/certificate verification failed/, 'maint-admind logs the failed check');
$bad->stop;

# --- Sentinel over TLS: sentinel and primary both on TLS ports ----------------

SKIP: {
    my $sp = free_port();
    my $stls = free_port();
    my $sdir = MaintTest::_test_dir("sentinel$sp");
    my $s = eval {
        MaintTest::Sentinel->new_started(
            port => $sp, dir => $sdir, quorum => 1,
            master => bless({ port => $open->{tls_port} }, 'MaintTest::Redis'),
            extra => "tls-port $stls\ntls-cert-file $dir/server.crt\n"
                     . "tls-key-file $dir/server.key\ntls-ca-cert-file $dir/ca.crt\n"
                     . "tls-auth-clients no\ntls-replication yes\n");
    };
    skip("redis-sentinel with TLS did not start: $@", 3) unless $s;
    wait_until(sub { $s->master_addr eq "127.0.0.1:$open->{tls_port}" }, 10, 'the sentinel knows the primary');

    set_state($open, windows => [ window($open, id => 'via-sentinel') ]);
    $nginx = start_nginx(vars => { %v, SP => $stls }, http => <<'HTTP' . $HTTP_SERVER);
    maint_redis sentinel:mymaster sentinels=127.0.0.1:%%SP%% tls
                tls_ca=%%DIR_CERTS%%/ca.crt connect_timeout=2s timeout=1s;
HTTP
    is(http($nginx->port, 'GET', '/x')->{status}, 503, 'Sentinel over TLS: the primary is read');
    is(scalar(tls_errors($nginx)), 0, 'Sentinel over TLS: no connection errors logged')
        or diag(join '', tls_errors($nginx));
    $nginx->stop;
    check_error_log($nginx);
    $s->stop;
}

$open->stop;
$mtls->stop;
done_testing();
