# The bypass cookie (docs/sessions.md "The bypass cookie"), made by hand:
# v2.<kid>.<name, base64url>.<credential id>.<scheme>.<iat>.<exp>.<HMAC-SHA256,
# base64url>.  A valid
# one passes an active window; anything else (tampered, truncated, extra
# parts, another version, unknown key, expired, future-dated, too long, a
# name not on the list, garbage, huge, empty) is simply not a bypass: the
# maintenance page everybody gets, never an error.  Key rotation: every key
# in the snapshot verifies; removing a key or a superadmin ends their
# cookies on the next request.  Over TLS the cookie is __Host-maint_bypass.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Digest::SHA qw(sha256_hex hmac_sha256);
use MIME::Base64 qw(encode_base64);
use File::Temp qw(tempdir);

my $HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

# TLS: a throwaway self-signed certificate, if openssl is at hand
my $tmp = tempdir(CLEANUP => 1);
my $tls = !system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                  . "-keyout $tmp/key.pem -out $tmp/cert.pem >/dev/null 2>&1")
          && -s "$tmp/cert.pem";
my $tls_port = free_port();
my $TLS_N = 0;
my $tls_listen = $tls ? <<"TLS" : '';
        listen 127.0.0.1:$tls_port ssl;
        ssl_certificate $tmp/cert.pem;
        ssl_certificate_key $tmp/key.pem;
TLS

my $redis = start_redis();
my $up = free_port();

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up }, http => <<"HTTP");
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms;
    large_client_header_buffers 4 32k;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
$tls_listen
        server_name localhost;
        maint on;
        maint_app shop;

        add_header X-Maint-Status "\$maint_status" always;
        add_header X-Maint-Superadmin "\$maint_superadmin" always;
        add_header X-Worker "\$pid" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / {
            default_type text/html;
            return 200 "<!DOCTYPE html>\\n<html><head><title>app</title></head><body><p>app</p></body></html>\\n";
        }
    }
HTTP

my $port = $nginx->port;

sub rand_bytes { join '', map { chr int rand 256 } 1 .. $_[0] }

my %KEY = (k_old => rand_bytes(32), k_new => rand_bytes(32));
my %CRED = (alice => 'sa_' . b64url(rand_bytes(32)), bob => 'sa_' . b64url(rand_bytes(32)));

sub state {
    my (%o) = @_;
    my @keys = @{ $o{keys} // [qw(k_old k_new)] };
    my $signing = $keys[-1];
    return set_state($redis,
        windows => [ window($redis, id => 'w1', apps => ['shop']) ],
        superadmins => [ map { { name => $_, credential => sha256_hex($CRED{$_}),
                                 credential_id => test_cid($_) } }
                         @{ $o{admins} // [qw(alice bob)] } ],
        bypass_keys => [ map { { kid => $_, secret => encode_base64($KEY{$_}, ''),
                                 signing => $_ eq $signing ? JSON::PP::true : JSON::PP::false } } @keys ]);
}

sub now_s { int(redis_now_ms($redis) / 1000) }

sub sign { b64url(hmac_sha256($_[0], $_[1])) }

# a cookie over an arbitrary payload, signed properly
sub signed { my ($payload, $key) = @_; "$payload." . sign($payload, $key // $KEY{k_new}) }

sub request_text {
    my ($target, %o) = @_;
    my @h = (['Host', 'localhost'], ['Connection', 'close'], ['Accept', $o{accept} // $HTML]);
    push @h, ['Cookie', $_] for @{ $o{cookies} // [] };
    return "GET $target HTTP/1.1\r\n" . join('', map { "$_->[0]: $_->[1]\r\n" } @h) . "\r\n";
}

sub req {
    my ($target, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp', Timeout => 5)
        or return { status => 0, error => "connect: $!", headers => {} };
    binmode $s;
    print {$s} request_text($target, %o);
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, 10));
    $res->{headers} //= {};
    return $res;
}

# the same over TLS, through openssl s_client
sub tls_req {
    my ($method, $target, %o) = @_;
    my @h = (['Host', "localhost:$tls_port"], ['Connection', 'close'], ['Accept', $HTML]);
    push @h, ['Cookie', $_] for @{ $o{cookies} // [] };
    push @h, map { [$_, $o{headers}{$_}] } sort keys %{ $o{headers} // {} };
    if ($method eq 'POST') {
        push @h, ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', length $o{body}];
    }
    my $file = "$tmp/request." . ++$TLS_N;
    open(my $f, '>', $file) or die $!;
    binmode $f;
    print {$f} "$method $target HTTP/1.1\r\n" . join('', map { "$_->[0]: $_->[1]\r\n" } @h) . "\r\n"
               . ($o{body} // '');
    close $f;
    my $raw = `timeout 10 openssl s_client -connect 127.0.0.1:$tls_port -servername localhost -quiet < $file 2>/dev/null`;
    my $res = MaintTest::_parse_response($raw);
    $res->{headers} //= {};
    return $res;
}

sub with_cookie { my ($v, %o) = @_; req('/page', %o, cookies => [ "maint_bypass=$v" ]) }

sub st { $_[0]{headers}{'x-maint-status'} // '' }

sub passes {
    my ($res, $name, $who) = @_;
    is($res->{status}, 200, "$name: passes the window") or diag($res->{raw} // $res->{error});
    is(st($res), 'bypass', "$name: \$maint_status bypass");
    is($res->{headers}{'x-maint-superadmin'}, $who, "$name: \$maint_superadmin $who") if $who;
}

sub blocked {
    my ($res, $name) = @_;
    is($res->{status}, 503, "$name: the maintenance page, as for anybody")
        or diag($res->{raw} // $res->{error});
    is(st($res), 'maintenance', "$name: \$maint_status maintenance");
    ok(!defined $res->{headers}{'x-maint-superadmin'}, "$name: no \$maint_superadmin");
}

# requests on new connections until both workers answered
sub both_workers {
    my ($make) = @_;
    my (@res, %w);
    for my $i (1 .. 60) {
        my $r = $make->();
        push @res, $r;
        $w{ $r->{headers}{'x-worker'} } = 1 if $r->{headers}{'x-worker'};
        last if $i >= 6 && keys %w >= 2;
    }
    return (\@res, scalar keys %w);
}

# ---------------------------------------------------------------------------

state();
my $now = now_s();
my %base = (kid => 'k_new', secret => $KEY{k_new}, name => 'alice', iat => $now - 10, exp => $now + 3600);
my $valid = bypass_cookie(%base);

passes(with_cookie($valid), 'a valid cookie', 'alice');
passes(req('/page', cookies => ["theme=dark; maint_bypass=$valid; lang=en"]), 'a valid cookie among others', 'alice');
passes(req('/page', cookies => ['theme=dark', "maint_bypass=$valid"]), 'a valid cookie in a second Cookie header', 'alice');
blocked(req('/page'), 'no cookie');

# boundaries that are still valid
for my $c (['issued 30 s ahead of the Redis clock', iat => $now + 30, exp => $now + 3600],
           ['lasting exactly 12 hours', iat => $now - 10, exp => $now - 10 + 43200],
           ['expiring in a few seconds', iat => $now - 3600, exp => $now + 30],
           ['signed by the older key', kid => 'k_old', secret => $KEY{k_old}],
           ['for the other superadmin', name => 'bob']) {
    my ($name, %o) = @$c;
    passes(with_cookie(bypass_cookie(%base, %o)), "valid: $name", $o{name} // 'alice');
}

# everything else is no bypass
{
    my @p = split /\./, $valid;
    my $payload = join '.', @p[0 .. 6];
    my $mac = $p[7];
    (my $flipped = $mac) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e;
    my $n = sub { my ($name, $iat, $exp) = @_; "v2.k_new." . b64url($name) . '.' . test_cid($name) . ".http.$iat.$exp" };

    my @bad = (
        ['a tampered name', join('.', @p[0, 1], b64url('bob'), @p[3 .. 7])],
        ['a tampered name and credential id', join('.', @p[0, 1], b64url('bob'), test_cid('bob'), @p[4 .. 7])],
        ['a tampered credential id', join('.', @p[0 .. 2], test_cid('bob'), @p[4 .. 7])],
        ['a tampered scheme', join('.', @p[0 .. 3], 'https', @p[5 .. 7])],
        ['a tampered expiry', join('.', @p[0 .. 5], $p[6] + 3600, $p[7])],
        ['a tampered issue time', join('.', @p[0 .. 4], $p[5] - 60, @p[6, 7])],
        ['a tampered key id', join('.', $p[0], 'k_old', @p[2 .. 7])],
        ['a wrong mac', "$payload." . b64url(rand_bytes(32))],
        ['a mac with one character changed', "$payload.$flipped"],
        ['an empty mac', "$payload."],
        ['a mac in hex', "$payload." . unpack('H*', hmac_sha256($payload, $KEY{k_new}))],
        ['a mac made with the base64 text of the key', "$payload." . sign($payload, encode_base64($KEY{k_new}, ''))],
        ['a truncated mac', "$payload." . substr($mac, 0, 20)],
        (map { my $k = $_; ["only the first $k part" . ($k > 1 ? 's' : ''), join('.', @p[0 .. $k - 1])] } 1 .. 7),
        ['the mac alone', $mac],
        ['an extra part at the end', "$valid.extra"],
        ['an extra part in the middle', join('.', @p[0 .. 2], 'x', @p[3 .. 7])],
        ['an extra dot at the end', "$valid."],
        ['version v3', bypass_cookie(%base, version => 'v3')],
        ['version V2', bypass_cookie(%base, version => 'V2')],
        ['the v1 of before credential ids, signed right',
         signed(join('.', 'v1', 'k_new', b64url('alice'), $base{iat}, $base{exp}))],
        ['no version', bypass_cookie(%base, version => '')],
        ['an unknown key id', bypass_cookie(%base, kid => 'k_gone', secret => rand_bytes(32))],
        ['an unknown key id signed with a known key', bypass_cookie(%base, kid => 'k_gone')],
        ['an empty key id', bypass_cookie(%base, kid => '')],
        ['expired a second ago', bypass_cookie(%base, iat => $now - 3600, exp => $now - 1)],
        ['expired long ago', bypass_cookie(%base, iat => $now - 90000, exp => $now - 86400)],
        ['issued two minutes ahead', bypass_cookie(%base, iat => $now + 120, exp => $now + 3600)],
        ['issued an hour ahead', bypass_cookie(%base, iat => $now + 3600, exp => $now + 7200)],
        ['lasting 12 hours and a minute', bypass_cookie(%base, iat => $now - 10, exp => $now - 10 + 43260)],
        ['lasting a year', bypass_cookie(%base, iat => $now - 10, exp => $now + 31536000)],
        ['a name not on the list', bypass_cookie(%base, name => 'mallory')],
        ['an empty name', bypass_cookie(%base, name => '')],
        ['a superadmin\'s name and a NUL', bypass_cookie(%base, name => "alice\0")],
        ['a superadmin\'s name with a suffix', bypass_cookie(%base, name => 'alicex')],
        ['a superadmin\'s name in capitals', bypass_cookie(%base, name => 'ALICE')],
        ['a name that is not base64url', signed("v2.k_new.!!!\$\$." . test_cid('alice') . ".http.$base{iat}.$base{exp}")],
        ['non-numeric times', signed($n->('alice', 'abc', 'def'))],
        ['negative issue time', signed($n->('alice', -5, $now + 60))],
        ['times with junk after them', signed($n->('alice', "$base{iat}x", "$base{exp}x"))],
        ['an expiry that overflows 64 bits', signed($n->('alice', $base{iat}, '99999999999999999999999'))],
        ['an issue time that overflows 64 bits', signed($n->('alice', '99999999999999999999999', $base{exp}))],
        ['base64 garbage', b64url(rand_bytes(90))],
        ['dots only', '.....'],
        ['an 8 KiB value', 'v2.k_new.' . ('A' x 8192)],
        ['an 8 KiB value of dots', '.' x 8192],
        ['an empty value', ''],
        ['non-UTF-8 bytes', "v2.k_new.\xff\xfe." . test_cid('alice') . ".http.$base{iat}.$base{exp}.$mac"],
        ['a valid value behind a stray quote', qq("$valid)],
        ['printf directives', '%n%n%s%s.%x.%p.%n.%s.%d'],
    );

    my @workers = $nginx->workers;
    for my $c (@bad) {
        my ($name, $value) = @$c;
        blocked(with_cookie($value), "not a bypass: $name");
    }
    my $j = with_cookie($bad[0][1], accept => 'application/json');
    is($j->{status}, 503, 'not a bypass, API client: 503');
    like($j->{headers}{'content-type'} // '', qr{^application/problem\+json}, 'not a bypass, API client: problem+json');

    # the name alone, or in another case, is not the cookie
    blocked(req('/page', cookies => ["MAINT_BYPASS=$valid"]), 'the cookie under another name');

    is_deeply([ $nginx->workers ], \@workers, 'after every bad cookie: the same workers (none crashed)');
    passes(with_cookie($valid), 'after every bad cookie: a valid one still passes', 'alice');
    my @alerts = $nginx->log_lines(qr/\[alert\]|\[emerg\]|exited on signal/);
    ok(!@alerts, 'after every bad cookie: no [alert]') or diag(@alerts);
}

# ---------------------------------------------------------------------------
# key rotation and removal

{
    my $old = bypass_cookie(%base, kid => 'k_old', secret => $KEY{k_old});
    my $new = bypass_cookie(%base);
    my $bob = bypass_cookie(%base, name => 'bob');

    my ($res, $w) = both_workers(sub { with_cookie($old) });
    ok(!grep({ st($_) ne 'bypass' } @$res), 'two keys: a cookie of the older key passes on both workers');
    ($res, $w) = both_workers(sub { with_cookie($new) });
    ok(!grep({ st($_) ne 'bypass' } @$res), 'two keys: a cookie of the newer key passes on both workers');
    ($res, $w) = both_workers(sub { with_cookie($bob) });
    ok(!grep({ st($_) ne 'bypass' } @$res), 'bob\'s cookie passes on both workers');

    state(keys => ['k_new']);
    ($res, $w) = both_workers(sub { with_cookie($old) });
    is($w, 2, 'old key removed: both workers answered');
    ok(!grep({ $_->{status} != 503 || st($_) ne 'maintenance' } @$res),
       'old key removed: its cookies stop on the very next request of every worker');
    passes(with_cookie($new), 'old key removed: the newer key\'s cookies still pass', 'alice');

    state(keys => ['k_new'], admins => ['alice']);
    ($res, $w) = both_workers(sub { with_cookie($bob) });
    is($w, 2, 'bob removed: both workers answered');
    ok(!grep({ $_->{status} != 503 || st($_) ne 'maintenance' } @$res),
       'bob removed: his cookie stops on the very next request of every worker');
    passes(with_cookie($new), 'bob removed: alice\'s cookie still passes', 'alice');

    state(keys => ['k_new', 'k_old']);
    passes(with_cookie($old), 'a key back in the snapshot verifies again', 'alice');
    state(keys => [], admins => ['alice']);
    blocked(with_cookie($new), 'no keys at all: no bypass');
    state();
}

# ---------------------------------------------------------------------------
# over TLS: __Host-maint_bypass

SKIP: {
    skip 'openssl could not make a certificate: no TLS test', 1 unless $tls;

    my $host = bypass_cookie(%base, scheme => 'https');
    my $r = tls_req('GET', '/page', cookies => ["__Host-maint_bypass=$host"]);
    passes($r, 'TLS, __Host-maint_bypass', 'alice');
    blocked(tls_req('GET', '/page', cookies => ["maint_bypass=$host"]),
            'TLS, a cookie named maint_bypass (not the TLS name)');
    blocked(tls_req('GET', '/page'), 'TLS, no cookie');

    # the sign-in over TLS sets the __Host- cookies, Secure
    my $page = tls_req('GET', '/page?forceLogin=true');
    is($page->{status}, 200, 'TLS sign-in page: 200') or diag($page->{raw});
    my ($csrf_line) = grep { /^__Host-maint_csrf=/ } set_cookies($page);
    ok($csrf_line, 'TLS sign-in page: Set-Cookie __Host-maint_csrf');
    like($csrf_line // '', qr/;\s*Secure\b/i, 'TLS: __Host-maint_csrf is Secure');
    my ($csrf_cookie) = ($csrf_line // '') =~ /^__Host-maint_csrf=([^;]*)/;
    my ($csrf_field) = ($page->{body} // '') =~ /<input\b[^>]*\bname="csrf"[^>]*\bvalue="([^"]*)"/;
    ($csrf_field) = ($page->{body} // '') =~ /<input\b[^>]*\bvalue="([^"]*)"[^>]*\bname="csrf"/
        unless defined $csrf_field;
    my $enc = sub { my $x = $_[0] // ''; $x =~ s/&amp;/&/g; $x =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; $x };
    my $post = tls_req('POST', '/page?forceLogin=true',
                       cookies => [ "__Host-maint_csrf=" . ($csrf_cookie // '') ],
                       body => 'name=alice&credential=' . $enc->($CRED{alice}) . '&csrf=' . $enc->($csrf_field));
    is($post->{status}, 303, 'TLS sign-in: 303') or diag($post->{raw});
    my ($line) = grep { /^__Host-maint_bypass=/ } set_cookies($post);
    ok($line, 'TLS sign-in: Set-Cookie __Host-maint_bypass');
    ok(!grep({ /^maint_bypass=/ } set_cookies($post)), 'TLS sign-in: no plain maint_bypass cookie');
    like($line // '', qr/;\s*Secure\b/i, 'TLS: the bypass cookie is Secure');
    like($line // '', qr/;\s*Path=\/(;|$)/i, 'TLS: the bypass cookie has Path=/');
    unlike($line // '', qr/;\s*Domain=/i, 'TLS: the bypass cookie has no Domain (__Host-)');
    my ($v) = ($line // '') =~ /^__Host-maint_bypass=([^;]*)/;
    passes(tls_req('GET', '/page', cookies => [ "__Host-maint_bypass=" . ($v // '') ]),
           'TLS: the cookie from the sign-in passes', 'alice');
}

$nginx->stop;
check_error_log($nginx);
$redis->stop;

done_testing();

