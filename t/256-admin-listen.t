# maint-admind's listening socket and its clients (issue 12, class I;
# docs/admin-api.md, "Running maint-admind"):
#
# - the port is its own: no SO_REUSEPORT, so neither a second maint-admind
#   nor any other socket (even one asking for SO_REUSEPORT) binds it and
#   gets other clients' requests (their bearer tokens); the second daemon
#   refuses to start, saying the address is in use, and the first still
#   answers;
# - ports are checked: maint-admind -t refuses 0, 65536, 99999 and the like
#   for listen (in the file and as --listen), redis and redis_sentinels,
#   naming the setting, and the new settings' bad values;
# - one client cannot take every connection: 300 connections from
#   127.0.0.1, each a request's first header line and then nothing, leave a
#   request from 127.0.0.2 answered at once; only max_connections_per_client
#   of them stay open, and those are closed after client_timeout; then
#   127.0.0.1 is answered again.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;
use IO::Select;
use Socket qw(SOL_SOCKET SO_REUSEADDR SO_REUSEPORT);
use Time::HiRes qw(time);

my $dir = "$MaintTest::SERVROOT/256-admind-$$";
mkdir $dir;

sub admind_t {
    my ($conf, @args) = @_;
    open(my $f, '>', "$dir/admin.conf") or die $!;
    print {$f} $conf;
    close $f;
    my $out = `$MaintTest::ADMIND -t --config $dir/admin.conf @args 2>&1`;
    return ($? >> 8, $out);
}

# --- ports and limits, checked by -t -------------------------------------

for my $bad (
    [ "listen 127.0.0.1:99999\n",      qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:65536\n",      qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:0\n",          qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:\n",           qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:80x\n",        qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:-80\n",        qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1:4294967377\n", qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen [::1]:0\n",              qr/"listen".*port must be a number from 1 to 65535/ ],
    [ "listen 127.0.0.1\n",            qr/"listen".*expected host:port/ ],
    [ "redis 127.0.0.1:70000\n",       qr/"redis".*port must be a number from 1 to 65535/ ],
    [ "redis_master_name m\nredis_sentinels 127.0.0.1:26379,127.0.0.1:0\n",
                                       qr/"redis_sentinels".*port must be a number from 1 to 65535/ ],
    [ "client_timeout 0\n",            qr/"client_timeout"/ ],
    [ "client_timeout 1500ms\n",       qr/"client_timeout"/ ],
    [ "max_connections_per_client 0\n", qr/"max_connections_per_client" must be a number from 1 to 1000/ ],
    [ "max_connections 5000\n",        qr/"max_connections" must be a number from 1 to 1000/ ],
) {
    my ($rc, $out) = admind_t($bad->[0]);
    ok($rc != 0 && $out =~ $bad->[1], 'maint-admind -t refuses: ' . ($bad->[0] =~ s/\n/; /gr))
        or diag($out);
    like($out, qr/admin\.conf:\d+:/, '... naming the line') if $bad->[0] =~ /^listen/;
}
{
    my ($rc, $out) = admind_t('', '--listen', '127.0.0.1:99999');
    ok($rc != 0 && $out =~ /--listen.*"listen".*port must be a number from 1 to 65535/,
       'maint-admind -t --listen 127.0.0.1:99999 is refused, naming the setting') or diag($out);
    ($rc, $out) = admind_t("listen 127.0.0.1:65535\nredis [::1]:6379\nclient_timeout 30s\n"
                           . "max_connections 512\nmax_connections_per_client 64\n");
    is($rc, 0, 'maint-admind -t: port 65535, an IPv6 Redis, the limits') or diag($out);
    ($rc, $out) = admind_t("redis_master_name m\nredis_sentinels 127.0.0.1:26379,[::1]:26380,h\n");
    is($rc, 0, 'maint-admind -t: Sentinels with and without ports') or diag($out);
}

# --- the port is the daemon's alone --------------------------------------

my $redis = start_redis();
my $admin = start_admin(redis => $redis, extra => "client_timeout 2s\nmax_connections_per_client 8\n");
my $port = $admin->port;

sub windows_ok {
    my $r = $admin->api('GET', '/v1/windows', token => 'viewer');
    return $r->{status} == 200;
}

{
    my $s = IO::Socket::INET->new(Proto => 'tcp');
    setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1);
    setsockopt($s, SOL_SOCKET, SO_REUSEPORT, 1);
    my $bound = bind($s, Socket::pack_sockaddr_in($port, Socket::inet_aton('127.0.0.1')));
    my $err = $!;
    ok(!$bound, 'another socket with SO_REUSEPORT cannot bind the daemon\'s port')
        or diag('bound it');
    like("$err", qr/in use/i, '... the address is in use');
    close $s;

    # a second maint-admind on the same address (its own tokens)
    my $log = "$dir/second.log";
    open(my $f, '>', "$dir/second.conf") or die $!;
    print {$f} "listen 127.0.0.1:$port\nredis 127.0.0.1:" . $redis->port . "\n"
        . "token thief admin " . ('ab' x 32) . "\n";
    close $f;
    my $t0 = time;
    my $pid = MaintTest::_spawn('second maint-admind', $log, $MaintTest::ADMIND, '--config', "$dir/second.conf");
    my $exited = MaintTest::_reap($pid, MaintTest::time_scale(10));
    my $status = $?;
    ok($exited, 'the second maint-admind exits at once') or MaintTest::_stop_pid($pid, 'KILL');
    ok($exited && $status != 0, '... with a failure status');
    my $text = '';
    if (open(my $l, '<', $log)) { local $/; $text = <$l> // '' }
    like($text, qr/listen \\?"127\.0\.0\.1:$port\\?": Address already in use/, '... saying the address is in use')
        or diag($text);
    ok(windows_ok(), 'the first daemon still answers the requests');
    for (1 .. 10) {
        last unless windows_ok();
    }
    ok(windows_ok(), '... every one of them');
}

# --- one client cannot take every connection -----------------------------

sub from {
    my ($addr, $text, $timeout) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, LocalAddr => $addr,
                                  Proto => 'tcp', Timeout => $timeout // 3) or return;
    print {$s} $text if defined $text;
    return $s;
}

sub get_from {
    my ($addr) = @_;
    my $t0 = time;
    my $s = from($addr, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        or return { status => 0, time => time - $t0 };
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, MaintTest::time_scale(5)));
    $res->{time} = time - $t0;
    return $res;
}

# a connection the daemon has closed reads as end of file (or a reset)
sub closed {
    my ($s) = @_;
    return 0 unless IO::Select->new($s)->can_read(0);
    my $n = sysread($s, my $buf, 4096);
    return !$n;
}

{
    ok(get_from('127.0.0.2')->{status}, 'a client on 127.0.0.2 is answered (the test can bind it)')
        or BAIL_OUT('cannot bind 127.0.0.2');

    my $t0 = time;
    my @slow;
    for (1 .. 300) {
        my $s = from('127.0.0.1', "GET /v1/windows HTTP/1.1\r\nHost: localhost\r\n", 1);
        push @slow, $s if $s;
    }
    ok(@slow >= 256, 'opened ' . scalar(@slow) . ' connections from 127.0.0.1 with half a request each');

    my $r = get_from('127.0.0.2');
    is($r->{status}, 200, 'another address is answered while 127.0.0.1 holds them');
    ok($r->{time} < MaintTest::time_scale(1), sprintf('... at once (%.3f s)', $r->{time}));

    my $open = sub { scalar grep { !closed($_) } @slow };
    ok(wait_until(sub { $open->() == 8 }, 5, 'the connections over the limit closed'),
       'of those, max_connections_per_client (8) are kept open (' . $open->() . ')');
    is(get_from('127.0.0.1')->{status}, 0, 'a ninth connection from 127.0.0.1 gets no answer');

    ok(wait_until(sub { $open->() == 0 }, 10, 'the slow connections closed'),
       'the slow connections are closed after client_timeout');
    my $took = time - $t0;
    ok($took >= 1.5, sprintf('... not before it (%.1f s, client_timeout 2s)', $took));
    close $_ for @slow;

    my $again = get_from('127.0.0.1');
    is($again->{status}, 200, '127.0.0.1 is answered again');
}

$admin->stop;
$redis->stop;

done_testing();
