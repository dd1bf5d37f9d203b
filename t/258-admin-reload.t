# SIGHUP reloads maint-admind's configuration without a restart (issue 14,
# part 1; docs/admin-api.md, "Reloading: SIGHUP"):
#
# - a token added to the file works after SIGHUP, a removed one is refused,
#   the process is the same (same pid, one "listening" line);
# - requests in flight are not dropped: a POST whose body is still arriving
#   when the signal comes completes (201), and a keep-alive connection
#   opened before serves the next request under the new tokens;
# - log_level is applied (request lines stop and start again);
# - a file that is not valid (a bad token line, an unknown setting, the
#   file gone) changes nothing: the old tokens still work, the new ones do
#   not, and the log says "configuration not reloaded" with the line;
# - listen and the Redis settings are not applied: the log names them as
#   needing a restart, the daemon keeps its port and its prefix, and the
#   settings that can change in the same file still do;
# - command-line flags keep precedence over the file after a reload.
#
# Every wait is on a log line or an answer, never a sleep.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use Digest::SHA qw(sha256_hex);
use IO::Socket::INET;
use IO::Select;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $port = $admin->port;
my $pid = $admin->pid;
my $conf = $admin->dir . '/admin.conf';

sub log_lines {
    my ($file, $re) = @_;
    open(my $f, '<', $file // $admin->log_file) or return ();
    return grep { /$re/ } <$f>;
}

sub log_count { scalar log_lines(undef, $_[0]) }

# HUP, then wait for the next line matching $re; returns that line
sub hup_and_wait {
    my ($re, $p, $file) = @_;
    my $n = () = log_lines($file, $re);
    kill 'HUP', $p // $pid;
    my $line;
    wait_until(sub { my @l = log_lines($file, $re); $line = $l[-1] if @l > $n; @l > $n }, 10, "log $re")
        or return undef;
    return $line;
}

my $RELOADED = qr/"msg":"configuration reloaded"/;
my $REFUSED = qr/"msg":"configuration not reloaded/;
my $RESTART = qr/"msg":"configuration changes that need a restart were not applied"/;

sub tok { 'mt_reload_' . $_[0] . '_' . join('', map { int rand 10 } 1 .. 24) }

sub status_with {
    my ($token, $method, $path, $json) = @_;
    return $admin->api($method // 'GET', $path // '/v1/windows', token => $token,
                       defined $json ? (json => $json) : ())->{status};
}

my $now = int(time);
sub rfc { my @t = gmtime($_[0]); sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]) }
my $wn = 0;
sub window_json { $wn++; { title => "reload $wn", apps => ["app$wn"], starts_at => rfc($now + 3600 * $wn + 7200),
                           ends_at => rfc($now + 3600 * $wn + 9000) } }

my $admin_tok = $admin->token('admin');
my $viewer_tok = $admin->token('viewer');

# --- tokens, with requests in flight -------------------------------------

my $ops_tok = tok('ops');
{
    is(status_with($viewer_tok), 200, 'before: the viewer token works');
    is(status_with($ops_tok), 401, 'before: the ops token is refused');

    # a POST whose body is half sent
    my $body = encode_json(window_json());
    my $half = int(length($body) / 2);
    my $slow = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or die "connect: $!";
    print {$slow} "POST /v1/windows HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        . "Authorization: Bearer $admin_tok\r\nContent-Type: application/json\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n" . substr($body, 0, $half);
    $slow->flush;

    # a keep-alive connection that has made one request
    my $ka = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or die "connect: $!";
    my $ka_get = sub {
        my ($t) = @_;
        print {$ka} "GET /v1/windows HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer $t\r\n\r\n";
        $ka->flush;
        my $buf = '';
        my $sel = IO::Select->new($ka);
        while ($sel->can_read(MaintTest::time_scale(10))) {
            sysread($ka, $buf, 65536, length $buf) or last;
            last if $buf =~ /\r\n\r\n/ && $buf =~ /Content-Length: (\d+)/i
                    && length($buf) - index($buf, "\r\n\r\n") - 4 >= $1;
        }
        return $buf =~ m{^HTTP/1\.1 (\d{3})} ? $1 : 0;
    };
    is($ka_get->($admin_tok), 200, 'a keep-alive connection: a first request');

    # viewer removed, ops added
    $admin->{tokens} = { admin => [ 'admin', $admin_tok ], ops => [ 'admin', $ops_tok ] };
    $admin->write_conf;
    my $line = hup_and_wait($RELOADED);
    ok($line, 'SIGHUP: "configuration reloaded" is logged') or diag(join '', log_lines(undef, qr/./));
    like($line // '', qr/"tokens":2/, '... with the number of tokens');
    unlike($line // '', qr/mt_reload_|mt_admin_|[0-9a-f]{64}/, '... and no token or hash');

    print {$slow} substr($body, $half);
    $slow->flush;
    my $res = MaintTest::_parse_response(MaintTest::_read_all($slow, MaintTest::time_scale(10)));
    is($res->{status}, 201, 'the POST in flight during SIGHUP completes (201)') or diag($res->{raw});

    is($ka_get->($ops_tok), 200, 'the keep-alive connection opened before serves the new token');
    close $ka;

    is(status_with($ops_tok), 200, 'the added token works');
    is(status_with($ops_tok, 'POST', '/v1/windows', window_json()), 201, '... with its role (admin)');
    is(status_with($viewer_tok), 401, 'the removed token is refused');
    is(status_with($admin_tok), 200, 'the kept token still works');
    is($admin->pid, $pid, 'the same process');
    ok(kill(0, $pid), '... still running');
}

# --- log_level ------------------------------------------------------------

{
    my $late = tok('late');
    $admin->{tokens}{late} = [ 'viewer', $late ];
    $admin->{extra} = "log_level warn\n";
    $admin->write_conf;
    kill 'HUP', $pid;
    ok(wait_until(sub { status_with($late) == 200 }, 10, 'the late token'), 'log_level warn: reloaded');
    my $n = log_count(qr/"msg":"request"/);
    status_with($late);
    is(log_count(qr/"msg":"request"/), $n, '... request lines are no longer logged');

    $admin->{extra} = '';
    $admin->write_conf;
    ok(hup_and_wait($RELOADED), 'log_level back to debug: "configuration reloaded"');
    status_with($late);
    is(log_count(qr/"msg":"request"/), $n + 1, '... request lines are logged again');
}

# --- a file that is not valid --------------------------------------------

for my $bad (
    [ "token broken admin zz\n", qr/admin\.conf:\d+: token \\"broken\\": the hash must be 64 hex digits/, 'a bad token line' ],
    [ "no_such_setting 1\n", qr/admin\.conf:\d+: unknown setting \\"no_such_setting\\"/, 'an unknown setting' ],
    [ "lease 5s\n", qr/admin\.conf:\d+: \\"lease\\" must be a time between/, 'a value out of range' ],
    [ "redis_master_name m\n", qr/\\"redis_master_name\\" and \\"redis_sentinels\\" go together/, 'settings that go together' ],
    [ "tls_cert /nonexistent/x.crt\ntls_key /nonexistent/x.key\n", qr/\\"tls_cert\\" \/nonexistent\/x\.crt: cannot read/, 'a TLS file that is missing' ],
) {
    my $nope = tok('nope');
    $admin->{tokens}{nope} = [ 'admin', $nope ];
    $admin->{extra} = $bad->[0];
    $admin->write_conf;
    my $line = hup_and_wait($REFUSED);
    ok($line, "$bad->[2]: \"configuration not reloaded\"");
    like($line // '', $bad->[1], '... the log says what is wrong') or diag($line);
    like($line // '', qr/"level":"error"/, '... as an error');
    is(status_with($nope), 401, '... the token added with it is refused');
    is(status_with($ops_tok), 200, '... the running tokens still work');
    delete $admin->{tokens}{nope};
}
{
    $admin->{extra} = '';
    $admin->write_conf;
    rename($conf, "$conf.away") or die $!;
    my $line = hup_and_wait($REFUSED);
    like($line // '', qr/admin\.conf: No such file or directory/, 'the file gone: not reloaded, saying so')
        or diag($line);
    is(status_with($ops_tok), 200, '... the running tokens still work');
    rename("$conf.away", $conf) or die $!;
}

# --- settings that need a restart ---------------------------------------

{
    my $other = MaintTest::free_port();
    my $moved = tok('moved');
    $admin->{tokens}{moved} = [ 'viewer', $moved ];
    my $save_port = $admin->{port};
    $admin->{port} = $other;                    # write_conf's listen
    $admin->{prefix} = 'elsewhere:';
    $admin->{extra} = "max_window_duration 2h\nclient_timeout 30s\n";
    $admin->write_conf;
    $admin->{port} = $save_port;
    $admin->{prefix} = 'maint:';
    my $line = hup_and_wait($RESTART);
    ok($line, 'listen, redis_prefix and client_timeout changed: logged as needing a restart');
    like($line // '', qr/"settings":"listen, client_timeout, redis_prefix"/, '... naming them') or diag($line);
    like($line // '', qr/"level":"warn"/, '... as a warning');
    ok(wait_until(sub { log_count($RELOADED) && status_with($moved) == 200 }, 10, 'moved'),
       '... the rest is applied: the token added with them works');
    is(status_with($ops_tok), 200, '... on the port it had');
    ok(!IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $other, Proto => 'tcp'),
       '... and nothing listens on the new one');
    my $r = $admin->api('GET', '/v1/windows?limit=500', token => $ops_tok);
    ok(@{ ($r->{json} // {})->{items} // [] } >= 2, '... the windows are still read from the running prefix');
    my $w = window_json();
    $w->{ends_at} = rfc($now + 3600 * $wn + 7200 + 3 * 3600);
    $r = $admin->api('POST', '/v1/windows', token => $ops_tok, json => $w);
    is($r->{status}, 422, 'max_window_duration 2h is applied: a 3 h window is refused');
    like($r->{body}, qr/ends_at/, '... naming ends_at');

    $admin->{extra} = '';
    $admin->write_conf;
    ok(hup_and_wait($RELOADED), 'back to the running settings: reloaded');
    is(scalar log_lines(undef, qr/"msg":"listening"/), 1, 'one "listening" line: never restarted');
    is($admin->pid, $pid, '... the same pid');
}

$admin->stop;

# --- flags keep precedence ------------------------------------------------

{
    my $dir = MaintTest::_test_dir('258-flags');
    my $p = MaintTest::free_port();
    my $t1 = tok('one');
    my $t2 = tok('two');
    my $write = sub {
        my ($extra) = @_;
        open(my $f, '>', "$dir/admin.conf") or die $!;
        print {$f} "listen 127.0.0.1:" . MaintTest::free_port() . "\nredis 127.0.0.1:" . $redis->port . "\n"
            . "log_level debug\n$extra";
        close $f;
    };
    $write->("token one admin " . sha256_hex($t1) . "\n");
    my $log = "$dir/admind.log";
    my $fp = MaintTest::_spawn('maint-admind (flags)', $log, $MaintTest::ADMIND, '--config', "$dir/admin.conf",
                               '--listen', "127.0.0.1:$p", '--log-level', 'info');
    ok(wait_until(sub { MaintTest::http($p, 'GET', '/healthz')->{status} }, 10, 'flags daemon'),
       'a daemon with --listen and --log-level');
    $write->("token two admin " . sha256_hex($t2) . "\nlisten 127.0.0.1:" . MaintTest::free_port() . "\n");
    my $line = hup_and_wait($RELOADED, $fp, $log);
    like($line // '', qr/"log_level":"info"/, 'after SIGHUP, --log-level info still wins over the file\'s debug');
    is(scalar log_lines($log, $RESTART), 0, '... and --listen over the file\'s listen: no restart needed');
    my $st = sub { MaintTest::http($p, 'GET', '/v1/windows', headers => { Authorization => "Bearer $_[0]" })->{status} };
    is($st->($t2), 200, '... the file\'s new token works');
    is($st->($t1), 401, '... its removed one does not');
    MaintTest::_stop_pid($fp, 'TERM');
}

$redis->stop;

done_testing();
