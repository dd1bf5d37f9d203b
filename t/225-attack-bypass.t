# Attacks on the superadmin bypass (issue 12, classes C, G, K and E at the
# edge), tried as an attacker would, against a real nginx with the module,
# Redis, maint-admind and maintctl, with an upstream that records every
# request it gets (so "the app saw nothing" is checked, not assumed):
#
#   C: a bypass cookie ends with the credential it was issued for: after
#      "maintctl superadmin rotate", after "remove" then "add" (a new
#      superadmin of the same name), the old cookie gets the maintenance
#      page on the next request, on every worker; cookies of the format
#      before credential ids (v1) are no bypass; "Leave" in the banner
#      expires the cookie (a POST with a token only that cookie's holder
#      can know; refused from another origin or with another token).
#   G: the sign-in page's CSP (the stylesheet by hash, no unsafe-inline),
#      X-Frame-Options, Referrer-Policy, nosniff; no-store on every sign-in
#      answer, the 303 that sets the cookie included; "Origin: null" only
#      with Sec-Fetch-Site: same-origin.
#   K: form tokens older than an hour, or from the future, or made for the
#      other scheme, are refused; a bypass value issued over plain HTTP is
#      no bypass over HTTPS under the __Host- name (real TLS, a self-signed
#      certificate made here), nor the other way round.
#   E: nginx -t refuses maint_superadmin_identity with variables a client
#      sets, a fixed text, and $remote_user where "satisfy any" applies;
#      a client certificate's variables count only when it was verified.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Digest::SHA qw(sha256 sha256_hex hmac_sha256);
use MIME::Base64 qw(encode_base64 decode_base64);
use File::Temp qw(tempdir);

my $HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

my $tmp = tempdir(CLEANUP => 1);

# a server certificate, and a client certificate with its own CA (itself)
for my $c (['server', 'localhost'], ['client', 'eve-device']) {
    system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=$c->[1] "
           . "-keyout $tmp/$c->[0].key -out $tmp/$c->[0].pem >/dev/null 2>&1") == 0
        or BAIL_OUT("openssl could not make the $c->[0] certificate");
}
my ($fp) = `openssl x509 -in $tmp/client.pem -noout -fingerprint -sha1` =~ /=([0-9A-F:]+)/;
$fp = lc($fp // '');
$fp =~ s/://g;
like($fp, qr/^[0-9a-f]{40}$/, 'the client certificate\'s SHA-1 fingerprint');

# ---------------------------------------------------------------------------
# the recording upstream: one JSON line per request, written before it
# answers; every test request carries X-Test-Id

my $up_port = free_port();
my $up_dir = "$MaintTest::SERVROOT/225-up$up_port";
mkdir $up_dir;
my $up_log = "$up_dir/requests";
MaintTest::_spawn('recording upstream', "$up_dir/log", $^X, '-e', <<'PERL', $up_port, $up_log);
use IO::Socket::INET;
use JSON::PP;
$SIG{PIPE} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0],
                              Listen => 64, ReuseAddr => 1) or die $!;
open(my $log, '>>', $ARGV[1]) or die $!;
$log->autoflush(1);
while (my $c = $l->accept) {
    my $head = '';
    while (defined(my $line = <$c>)) { $head .= $line; last if $line eq "\r\n" }
    my ($method, $target) = $head =~ m{^(\w+) (\S+)} or next;
    my %h;
    $h{lc $1} = defined $h{lc $1} ? "$h{lc $1}, $2" : $2 while $head =~ /^([^:\r\n]+):[ \t]*([^\r\n]*)/mg;
    my $body = '';
    read($c, $body, $h{'content-length'}) if $h{'content-length'};
    print {$log} JSON::PP->new->canonical->encode({ method => $method, target => $target,
                                                    headers => \%h, body => $body }), "\n";
    $c->autoflush(1);
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
             . "<!DOCTYPE html><html><head><title>app</title></head><body><p>app $target</p></body></html>";
    close $c;
}
PERL
wait_until(sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$up_port") }, 10, 'the upstream')
    or BAIL_OUT('the recording upstream did not start');

sub upstream_saw {
    my ($id) = @_;
    open(my $f, '<', $up_log) or return ();
    my @r = grep { ($_->{headers}{'x-test-id'} // '') eq $id } map { eval { decode_json($_) } // () } <$f>;
    return @r;
}

# ---------------------------------------------------------------------------

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

open(my $pw, '>', "$tmp/htpasswd") or die $!;
print {$pw} "eve:{PLAIN}right\n";
close $pw;

my $tls_port = free_port();
my $basic_port = free_port();
my $cert_port = free_port();
my $certv_port = free_port();

my $nginx = start_nginx(redis => $redis, workers => 2,
                        vars => { UP => $up_port, TLS => $tls_port, TMP => $tmp, BASIC => $basic_port,
                                  CERT => $cert_port, CERTV => $certv_port },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% heartbeat=1s;
    maint_signin_limit off;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        listen 127.0.0.1:%%TLS%% ssl;
        ssl_certificate %%TMP%%/server.pem;
        ssl_certificate_key %%TMP%%/server.key;
        server_name localhost;
        maint on;
        maint_app shop;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Superadmin "$maint_superadmin" always;
        add_header X-Worker "$pid" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    # the identity of auth_basic, where it cannot be skipped (satisfy all)
    server {
        listen 127.0.0.1:%%BASIC%%;
        maint on;
        maint_app shop;
        add_header X-Maint-Status "$maint_status" always;
        auth_basic "team";
        auth_basic_user_file %%TMP%%/htpasswd;
        maint_superadmin_identity $remote_user;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    # the identity of a client certificate: asked for, not verified ...
    server {
        listen 127.0.0.1:%%CERT%% ssl;
        ssl_certificate %%TMP%%/server.pem;
        ssl_certificate_key %%TMP%%/server.key;
        ssl_verify_client optional_no_ca;
        maint on;
        maint_app shop;
        add_header X-Maint-Status "$maint_status" always;
        maint_superadmin_identity $ssl_client_fingerprint;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    # ... and verified (its CA is itself)
    server {
        listen 127.0.0.1:%%CERTV%% ssl;
        ssl_certificate %%TMP%%/server.pem;
        ssl_certificate_key %%TMP%%/server.key;
        ssl_verify_client optional;
        ssl_client_certificate %%TMP%%/client.pem;
        maint on;
        maint_app shop;
        add_header X-Maint-Status "$maint_status" always;
        maint_superadmin_identity $ssl_client_fingerprint;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }
HTTP

my $port = $nginx->port;

# ---------------------------------------------------------------------------
# helpers

my $ID = 0;

sub raw_request {
    my ($method, $target, %o) = @_;
    my @h = (['Host', $o{host} // 'localhost'], ['Connection', 'close'], ['Accept', $o{accept} // $HTML],
             ['X-Test-Id', $o{id}]);
    push @h, ['Cookie', join('; ', @{ $o{cookies} })] if @{ $o{cookies} // [] };
    push @h, map { [$_, $o{headers}{$_}] } sort keys %{ $o{headers} // {} };
    my $body = $o{body} // '';
    if ($method eq 'POST') {
        push @h, ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', length $body];
    }
    return "$method $target HTTP/1.1\r\n" . join('', map { "$_->[0]: $_->[1]\r\n" } @h) . "\r\n" . $body;
}

# plain HTTP (or another plain port); the answer gets its X-Test-Id as {id}
sub req {
    my ($method, $target, %o) = @_;
    $o{id} = 'r' . ++$ID;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $o{port} // $port, Proto => 'tcp',
                                  Timeout => 5)
        or return { status => 0, error => "connect: $!", headers => {}, id => $o{id} };
    binmode $s;
    print {$s} raw_request($method, $target, %o);
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, 10));
    $res->{headers} //= {};
    $res->{id} = $o{id};
    return $res;
}

# over TLS, through openssl s_client (with a client certificate: cert => 1)
sub tls_req {
    my ($method, $target, %o) = @_;
    $o{id} = 't' . ++$ID;
    my $p = $o{port} // $tls_port;
    my $file = "$tmp/request.$ID";
    open(my $f, '>', $file) or die $!;
    binmode $f;
    print {$f} raw_request($method, $target, %o, host => "localhost:$p");
    close $f;
    my $cert = $o{cert} ? "-cert $tmp/client.pem -key $tmp/client.key" : '';
    my $raw = `timeout 10 openssl s_client -connect 127.0.0.1:$p -servername localhost $cert -quiet < $file 2>/dev/null`;
    my $res = MaintTest::_parse_response($raw);
    $res->{headers} //= {};
    $res->{id} = $o{id};
    return $res;
}

sub st { $_[0]{headers}{'x-maint-status'} // '' }

sub cookie_of {
    my ($res, $name) = @_;
    for (set_cookies($res)) { return $1 if /^\Q$name\E=([^;]*)/ }
    return;
}

sub passes {
    my ($res, $name, $who) = @_;
    is($res->{status}, 200, "$name: passes the window") or diag($res->{raw} // $res->{error});
    is(st($res), 'bypass', "$name: \$maint_status bypass");
    is($res->{headers}{'x-maint-superadmin'}, $who, "$name: \$maint_superadmin $who") if $who;
    is(scalar(upstream_saw($res->{id})), 1, "$name: the app got the request");
}

sub blocked {
    my ($res, $name) = @_;
    is($res->{status}, 503, "$name: the maintenance page") or diag($res->{raw} // $res->{error});
    is(st($res), 'maintenance', "$name: \$maint_status maintenance");
    is(scalar(upstream_saw($res->{id})), 0, "$name: the app saw nothing");
}

sub snapshot { my $s = $redis->cmd('HGET', 'maint:state', 'snapshot'); eval { decode_json($s // '') } // {} }

sub signing_key {
    my ($k) = grep { $_->{signing} } @{ snapshot()->{bypass_keys} // [] };
    return ($k->{kid}, decode_base64($k->{secret} // ''));
}

sub cid_of {
    my ($name) = @_;
    my ($sa) = grep { ($_->{name} // '') eq $name } @{ snapshot()->{superadmins} // [] };
    return ($sa // {})->{credential_id};
}

sub now_s { int(redis_now_ms($redis) / 1000) }

# the sign-in page, then its form: (answer, bypass cookie value)
sub sign_in {
    my ($name, $credential, %o) = @_;
    my $send = $o{tls} ? \&tls_req : \&req;
    my $cname = $o{tls} ? '__Host-maint_csrf' : 'maint_csrf';
    my $page = $send->('GET', '/shop/page?forceLogin=true');
    my $ck = cookie_of($page, $cname) // '';
    my $field = form_inputs($page->{body})->{csrf} // '';
    my $post = $send->('POST', '/shop/page?forceLogin=true', cookies => [ "$cname=$ck" ],
                       body => form_encode(name => $name, credential => $credential, csrf => $field),
                       headers => $o{headers});
    return ($post, cookie_of($post, $o{tls} ? '__Host-maint_bypass' : 'maint_bypass'), $page);
}

sub ctl {
    my (@args) = @_;
    my ($code, $out, $err) = maintctl($admin, 'admin', @args);
    is($code, 0, "maintctl @args") or diag($err);
    my ($cred) = $out =~ /^credential: (\S+)$/m;
    return $cred;
}

# on both workers: every one of the requests is blocked
sub blocked_everywhere {
    my ($make, $name) = @_;
    my (%w, @bad, $n);
    for my $i (1 .. 60) {
        my $r = $make->();
        $n = $i;
        $w{ $r->{headers}{'x-worker'} // '' } = 1;
        push @bad, $r if $r->{status} != 503 || st($r) ne 'maintenance' || upstream_saw($r->{id});
        last if $i >= 8 && keys %w >= 2;
    }
    is(scalar keys %w, 2, "$name: both workers answered");
    ok(!@bad, "$name: the maintenance page on each of $n requests, the app saw none")
        or diag($bad[0]{raw});
}

# ---------------------------------------------------------------------------
# a window for shop; eve, a superadmin made with maintctl

my $w = $admin->api('POST', '/v1/windows', json => {
    title => 'Bypass attacks', apps => ['shop'], starts_at => 'now', ends_at => rfc3339(now_s() + 3600) });
is($w->{status}, 201, 'a window for shop') or diag($w->{body});

my $cred = ctl('superadmin', 'add', 'eve');
like($cred // '', qr/^sa_/, 'maintctl superadmin add eve: a credential');
wait_until(sub { req('GET', '/x')->{status} == 503 }, 10, 'the window in force');

# ---------------------------------------------------------------------------
# C: rotate

my ($post, $b1) = sign_in('eve', $cred);
is($post->{status}, 303, 'eve signs in: 303') or diag($post->{raw});
ok($b1, 'eve signs in: a bypass cookie');
passes(req('GET', '/shop/orders', cookies => ["maint_bypass=$b1"]), 'eve\'s cookie', 'eve');

my $rotated = ctl('superadmin', 'rotate', 'eve');
like($rotated // '', qr/^sa_/, 'rotate: a new credential');
blocked(req('GET', '/shop/orders', cookies => ["maint_bypass=$b1"]), 'after the rotation: the old cookie');
blocked_everywhere(sub { req('GET', '/shop/orders', cookies => ["maint_bypass=$b1"]) },
                   'after the rotation: the old cookie');
blocked(req('POST', '/shop/orders', cookies => ["maint_bypass=$b1"], body => 'buy=1'),
        'after the rotation: a POST with the old cookie');

my ($post2, $b2) = sign_in('eve', $rotated);
is($post2->{status}, 303, 'eve signs in with the new credential') or diag($post2->{raw});
passes(req('GET', '/shop/orders', cookies => ["maint_bypass=$b2"]), 'the cookie of the new credential', 'eve');
is((sign_in('eve', $cred))[0]{status}, 401, 'the old credential: 401');

# remove, then add again: a new superadmin of the same name

ctl('superadmin', 'remove', 'eve', '--yes');
blocked(req('GET', '/shop/orders', cookies => ["maint_bypass=$b2"]), 'eve removed: her cookie');
my $cid_before = cid_of('eve');
my $readded = ctl('superadmin', 'add', 'eve');
isnt(cid_of('eve'), $cid_before, 're-added: another credential id in the snapshot');
blocked(req('GET', '/shop/orders', cookies => ["maint_bypass=$b2"]), 'eve removed and added again: her old cookie');
blocked_everywhere(sub { req('GET', '/shop/orders', cookies => ["maint_bypass=$b2"]) },
                   'eve removed and added again: her old cookie');
blocked(req('GET', '/shop/orders', cookies => ["maint_bypass=$b1"]), 'eve removed and added again: the first cookie');

my ($post3, $b3) = sign_in('eve', $readded);
is($post3->{status}, 303, 'the re-added eve signs in') or diag($post3->{raw});
passes(req('GET', '/shop/orders', cookies => ["maint_bypass=$b3"]), 'the re-added eve\'s cookie', 'eve');

# hand-made cookies with the real key: only the current credential id passes
{
    my ($kid, $secret) = signing_key();
    my $now = now_s();
    my %c = (kid => $kid, secret => $secret, name => 'eve', iat => $now - 5, exp => $now + 600);
    passes(req('GET', '/x', cookies => [ 'maint_bypass=' . bypass_cookie(%c, cid => cid_of('eve')) ]),
           'made by hand with the key and eve\'s credential id (the test can pass)', 'eve');
    for my $v (['the previous credential id', bypass_cookie(%c, cid => $cid_before)],
               ['an empty credential id', bypass_cookie(%c, cid => '')],
               ['a made-up credential id', bypass_cookie(%c, cid => 'AAAAAAAAAAAAAAAAAAAAAA')],
               ['the credential hash as its id', bypass_cookie(%c, cid => sha256_hex($readded))],
               ['the format before ids (v1), signed with the key',
                do { my $p = join('.', 'v1', $kid, b64url('eve'), $c{iat}, $c{exp});
                     "$p." . b64url(hmac_sha256($p, $secret)) }],
               ['version 1 with the v2 parts', bypass_cookie(%c, version => 'v1', cid => cid_of('eve'))]) {
        blocked(req('GET', '/x', cookies => [ "maint_bypass=$v->[1]" ]), "a cookie with $v->[0]");
    }
}

# ---------------------------------------------------------------------------
# C: Leave

{
    my $page = req('GET', '/shop/orders?tab=2', cookies => ["maint_bypass=$b3"]);
    passes($page, 'a page for the superadmin', 'eve');
    my ($form) = ($page->{body} // '') =~ m{<body[^>]*>.*?(<form\b[^>]*>.*?</form>)}s;
    ok($form, 'the superadmin banner has a form') or diag($page->{body});
    $form //= '';
    like($form, qr/method="post"/i, 'the Leave form posts');
    like($form, qr{<button[^>]*>Leave</button>}, 'the Leave form: a "Leave" button');
    unlike($page->{body}, qr/<script/i, 'no script in the page (the banner needs none)');
    my ($action) = $form =~ /action="([^"]*)"/;
    $action = html_unescape($action // '');
    like($action, qr{^/shop/orders\?tab=2&forceLogin=leave$}, 'the form posts to the page itself, ?forceLogin=leave');
    my $token = form_inputs($form)->{leave} // '';
    like($token, qr/^[A-Za-z0-9_-]{22}$/, 'the form carries a token');

    # refused: another token, another origin, the token of another cookie
    for my $c (['no token', ''],
               ['a wrong token', 'A' x 22],
               ['another cookie\'s token', b64url(substr(sha256("maint-leave.$b2"), 0, 16))],
               ['this cookie\'s token, one character changed', do { (my $t = $token) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e; $t }]) {
        my $r = req('POST', $action, cookies => ["maint_bypass=$b3"], body => form_encode(leave => $c->[1]));
        is($r->{status}, 403, "Leave with $c->[0]: 403") or diag($r->{raw});
        ok(!defined cookie_of($r, 'maint_bypass'), "Leave with $c->[0]: the cookie is left as it is");
        is(scalar(upstream_saw($r->{id})), 0, "Leave with $c->[0]: the app saw nothing");
    }
    my $x = req('POST', $action, cookies => ["maint_bypass=$b3"], body => form_encode(leave => $token),
                headers => { Origin => 'http://evil.example' });
    is($x->{status}, 403, 'Leave from another origin: 403');
    ok(!defined cookie_of($x, 'maint_bypass'), 'Leave from another origin: the cookie is left as it is');
    $x = req('POST', $action, cookies => ["maint_bypass=$b3"], body => form_encode(leave => $token),
             headers => { 'Sec-Fetch-Site' => 'cross-site' });
    is($x->{status}, 403, 'Leave, Sec-Fetch-Site: cross-site: 403');
    my ($y) = req('POST', $action, cookies => ["maint_bypass=$b2"], body => form_encode(leave => $token));
    is($y->{status}, 403, 'Leave with the token of eve\'s current cookie but another cookie: 403');

    my $r = req('POST', $action, cookies => ["maint_bypass=$b3"], body => form_encode(leave => $token),
                headers => { Origin => "http://localhost", 'Sec-Fetch-Site' => 'same-origin' });
    is($r->{status}, 303, 'Leave: 303') or diag($r->{raw});
    is($r->{headers}{location}, '/shop/orders?tab=2', 'Leave: back to the page, a relative Location');
    my ($exp) = grep { /^maint_bypass=/ } set_cookies($r);
    like($exp // '', qr/^maint_bypass=;/, 'Leave: the bypass cookie is emptied');
    like($exp // '', qr/;\s*Max-Age=0\b/i, 'Leave: ... and expires now');
    like($exp // '', qr/;\s*Path=\/(;|$)/i, 'Leave: ... on Path=/');
    like($r->{headers}{'cache-control'} // '', qr/no-store/, 'Leave: no-store');
    is(scalar(upstream_saw($r->{id})), 0, 'Leave: the app saw nothing of the POST');
    blocked(req('GET', '/shop/orders?tab=2'), 'after Leave (the browser has no cookie): the maintenance page');

    # a Leave with a foreign Host still goes back to this site
    my $z = req('POST', '/a?forceLogin=leave', host => 'evil.example', cookies => ["maint_bypass=$b2"],
                body => form_encode(leave => b64url(substr(sha256("maint-leave.$b2"), 0, 16))));
    is($z->{status}, 303, 'Leave with a foreign Host: 303');
    is($z->{headers}{location}, '/a', 'Leave with a foreign Host: a local Location');
}

# an identity from the front gets no Leave (nothing to leave there)
{
    my $r = req('GET', '/page', port => $basic_port, headers => { Authorization => 'Basic ' . encode_base64('eve:right', '') });
    is($r->{status}, 200, 'auth_basic identity of a superadmin: passes');
    unlike($r->{body} // '', qr/forceLogin=leave/, 'auth_basic identity: no Leave form');
}

# ---------------------------------------------------------------------------
# G: the sign-in page's headers

{
    my $page = req('GET', '/shop/page?forceLogin=true');
    is($page->{status}, 200, 'the sign-in page') or diag($page->{raw});
    my $h = $page->{headers};
    my $csp = $h->{'content-security-policy'} // '';
    my %d = map { my ($k, @v) = split ' '; (lc($k // '') => join(' ', @v)) } split /\s*;\s*/, $csp;
    is($d{'default-src'}, "'none'", "CSP default-src 'none'");
    is($d{'form-action'}, "'self'", "CSP form-action 'self'");
    is($d{'frame-ancestors'}, "'none'", "CSP frame-ancestors 'none'");
    is($d{'base-uri'}, "'none'", "CSP base-uri 'none'");
    unlike($csp, qr/unsafe-inline|unsafe-eval|\*/, 'CSP: no unsafe-inline, no wildcard');
    my @styles = ($page->{body} // '') =~ m{<style[^>]*>(.*?)</style>}sg;
    is(scalar @styles, 1, 'the page has one stylesheet');
    my $want = "'sha256-" . encode_base64(sha256($styles[0] // ''), '') . "'";
    is($d{'style-src'}, $want, 'CSP style-src: exactly the hash of the page\'s stylesheet');
    unlike($page->{body} // '', qr/<script|\sstyle="|\son\w+=/i, 'the page has no script, no inline style attribute or handler');
    is($h->{'x-frame-options'}, 'DENY', 'X-Frame-Options DENY');
    is($h->{'referrer-policy'}, 'same-origin', 'Referrer-Policy same-origin');
    is($h->{'x-content-type-options'}, 'nosniff', 'X-Content-Type-Options nosniff');
    is($h->{'cache-control'}, 'no-store', 'the page: Cache-Control no-store');
    unlike($page->{body} // '', qr/<meta name="referrer"/i, 'no <meta> overriding the referrer policy');

    my ($ok) = sign_in('eve', $readded);
    is($ok->{status}, 303, 'a sign-in that works: 303');
    is($ok->{headers}{'cache-control'}, 'no-store', 'the 303 that sets the bypass cookie: Cache-Control no-store');
    is($ok->{headers}{'referrer-policy'}, 'same-origin', 'the 303: Referrer-Policy same-origin');
    for my $c (['a wrong credential (401)', 'nope', 401], ['no form token (403)', undef, 403]) {
        my $r = defined $c->[1] ? (sign_in('eve', $c->[1]))[0]
                                : req('POST', '/shop/page?forceLogin=true', body => 'name=eve&credential=x');
        is($r->{status}, $c->[2], "sign-in answer, $c->[0]");
        is($r->{headers}{'cache-control'}, 'no-store', "sign-in answer, $c->[0]: no-store");
        like($r->{headers}{'content-security-policy'} // '', qr/frame-ancestors 'none'/, "sign-in answer, $c->[0]: CSP");
        is($r->{headers}{'x-frame-options'}, 'DENY', "sign-in answer, $c->[0]: X-Frame-Options");
    }

    # Origin: null (what a stricter referrer policy makes a browser send) only with Sec-Fetch-Site: same-origin
    my ($n1) = sign_in('eve', $readded, headers => { Origin => 'null', 'Sec-Fetch-Site' => 'same-origin' });
    is($n1->{status}, 303, 'Origin: null with Sec-Fetch-Site: same-origin (a browser under a stricter policy): 303');
    for my $site (undef, 'same-site', 'cross-site', 'none') {
        my ($n) = sign_in('eve', $readded, headers => { Origin => 'null', defined $site ? ('Sec-Fetch-Site' => $site) : () });
        is($n->{status}, 403, 'Origin: null with ' . ($site ? "Sec-Fetch-Site: $site" : 'no Sec-Fetch-Site') . ': 403');
        is(scalar(upstream_saw($n->{id})), 0, 'Origin: null, refused: the app saw nothing');
    }
}

# ---------------------------------------------------------------------------
# K: the form token's age and scheme

{
    my ($kid, $secret) = signing_key();
    my $make = sub {
        my ($iat, $scheme) = @_;
        my $nonce = b64url(join '', map { chr int rand 256 } 1 .. 16);
        return "$nonce.$iat." . b64url(hmac_sha256("csrf.$scheme.$nonce.$iat", $secret));
    };
    my $try = sub {
        my ($token, %o) = @_;
        return req('POST', '/shop/page?forceLogin=true', cookies => [ "maint_csrf=$token" ],
                   body => form_encode(name => 'eve', credential => $readded, csrf => $token));
    };
    my $now = now_s();
    is($try->($make->($now - 3500, 'http'))->{status}, 303, 'a token made by hand 58 minutes ago: accepted (the test can pass)');
    is($try->($make->($now + 30, 'http'))->{status}, 303, 'a token 30 s ahead (clock skew): accepted');
    for my $c (['an hour and a minute old', $now - 3660, 'http'],
               ['a day old', $now - 86400, 'http'],
               ['issued at 0', 0, 'http'],
               ['from two minutes ahead', $now + 120, 'http'],
               ['from next year', $now + 31536000, 'http'],
               ['made for https, posted over http', $now, 'https']) {
        my $r = $try->($make->($c->[1], $c->[2]));
        is($r->{status}, 403, "a form token $c->[0]: 403") or diag($r->{raw});
        ok(!cookie_of($r, 'maint_bypass'), "a form token $c->[0]: no bypass cookie");
    }
    # the token format before the issue time
    my $nonce = b64url('n' x 16);
    my $old = "$nonce." . b64url(hmac_sha256("csrf.$nonce", $secret));
    is($try->($old)->{status}, 403, 'a form token of the format before (no issue time): 403');

    my $page = req('GET', '/shop/page?forceLogin=true');
    my ($line) = grep { /^maint_csrf=/ } set_cookies($page);
    like($line // '', qr/;\s*Max-Age=3600\b/i, 'the form cookie lasts the hour the token does');
    my $tok = cookie_of($page, 'maint_csrf') // '';
    my ($iat) = $tok =~ /^[A-Za-z0-9_-]{22}\.(\d+)\./;
    ok(defined $iat && abs($iat - now_s()) <= 5, 'the form token carries its issue time');
}

# ---------------------------------------------------------------------------
# K: the scheme of a bypass value

{
    my ($post_http, $http_value) = sign_in('eve', $readded);
    is($post_http->{status}, 303, 'signed in over http');
    like($http_value // '', qr/\.http\.\d+\.\d+\./, 'the http value names its scheme');
    passes(req('GET', '/x', cookies => ["maint_bypass=$http_value"]), 'over http: the http value', 'eve');
    blocked(tls_req('GET', '/x', cookies => ["__Host-maint_bypass=$http_value"]),
            'over https: the value issued over http, as __Host-maint_bypass');
    blocked(tls_req('GET', '/x', cookies => ["maint_bypass=$http_value"]),
            'over https: the value issued over http, as maint_bypass');

    my ($post_tls, $tls_value) = sign_in('eve', $readded, tls => 1);
    is($post_tls->{status}, 303, 'signed in over https') or diag($post_tls->{raw});
    like($tls_value // '', qr/\.https\.\d+\.\d+\./, 'the https value names its scheme');
    is($post_tls->{headers}{'cache-control'}, 'no-store', 'the https 303: no-store');
    passes(tls_req('GET', '/x', cookies => ["__Host-maint_bypass=$tls_value"]), 'over https: the https value', 'eve');
    blocked(req('GET', '/x', cookies => ["maint_bypass=$tls_value"]), 'over http: the value issued over https');

    # a form token of the http page, posted over https
    my $page = req('GET', '/shop/page?forceLogin=true');
    my $ck = cookie_of($page, 'maint_csrf') // '';
    my $r = tls_req('POST', '/shop/page?forceLogin=true', cookies => [ "__Host-maint_csrf=$ck" ],
                    body => form_encode(name => 'eve', credential => $readded, csrf => $ck));
    is($r->{status}, 403, 'the http page\'s form token, posted over https: 403');
    ok(!cookie_of($r, '__Host-maint_bypass'), '... no bypass cookie');
}

# ---------------------------------------------------------------------------
# E at run time: auth_basic's identity; a client certificate's, verified or not

{
    my $basic = sub { req('GET', '/page', port => $basic_port,
                          headers => { Authorization => 'Basic ' . encode_base64($_[0], '') }) };
    my $r = $basic->('eve:wrong');
    is($r->{status}, 401, '$remote_user under satisfy all: a wrong password is refused by auth_basic');
    is(scalar(upstream_saw($r->{id})), 0, '... the app saw nothing');
    $r = $basic->('eve:right');
    is(st($r), 'bypass', '$remote_user under satisfy all: the right password bypasses');

    ctl('superadmin', 'add', $fp);
    my $nv = tls_req('GET', '/x', port => $cert_port, cert => 1);
    blocked($nv, 'a client certificate not verified (optional_no_ca) naming a superadmin');
    my $v = tls_req('GET', '/x', port => $certv_port, cert => 1);
    is($v->{status}, 200, 'a verified client certificate naming a superadmin: passes') or diag($v->{raw});
    is(st($v), 'bypass', 'a verified client certificate: $maint_status bypass');
    blocked(tls_req('GET', '/x', port => $certv_port), 'no client certificate: the maintenance page');
}

# ---------------------------------------------------------------------------
# E: nginx -t

{
    my $s = sub { "maint_redis 127.0.0.1:6379;\n server { listen 127.0.0.1:%%PORT%%; maint on; $_[0] }" };
    for my $v ('$http_x_remote_user', '$http_authorization', '$cookie_sso_user', '$arg_user', '${http_x_user}',
               '"user:$http_x_user"', '$request_uri', '$request_body', '$args', '$query_string', '$uri',
               '$HTTP_X_USER', '$host') {
        my ($rc, $out) = nginx_t($s->("maint_superadmin_identity $v; location / { }"));
        isnt($rc, 0, "nginx -t refuses maint_superadmin_identity $v");
        like($out, qr/\[emerg\].*"maint_superadmin_identity [^"]*".*comes from the request.*nginx\.conf:\d+/,
             "... the message names the directive, the variable and why") or diag($out);
    }
    my ($rc, $out) = nginx_t($s->('maint_superadmin_identity alice; location / { }'));
    isnt($rc, 0, 'nginx -t refuses a fixed text as the identity');
    like($out, qr/"maint_superadmin_identity alice" has no variable/, '... saying why') or diag($out);

    for my $c (['satisfy any in the location', 'maint_superadmin_identity $remote_user;
                 location / { satisfy any; allow 10.0.0.0/8; deny all; auth_basic x; auth_basic_user_file /dev/null; }'],
               ['satisfy any in the server', 'satisfy any; maint_superadmin_identity $remote_user; location / { }'],
               ['satisfy any in a nested location', 'maint_superadmin_identity $remote_user;
                 location / { location /admin/ { satisfy any; } }'],
               ['the identity in the location, satisfy any around it', 'satisfy any;
                 location /a/ { maint_superadmin_identity "${remote_user}"; }']) {
        my ($rc2, $out2) = nginx_t($s->($c->[1]));
        isnt($rc2, 0, "nginx -t refuses \$remote_user with $c->[0]");
        like($out2, qr/\[emerg\].*"maint_superadmin_identity [^"]*remote_user[^"]*" where "satisfy any" is in force/,
             "... the message names the directive and satisfy any ($c->[0])") or diag($out2);
    }

    for my $c (['$remote_user under satisfy all',
                'maint_superadmin_identity $remote_user; auth_basic x; auth_basic_user_file /dev/null; location / { }'],
               ['$remote_user, satisfy any only where maint is off',
                'maint_superadmin_identity $remote_user; location / { } location /pub/ { maint off; satisfy any; }'],
               ['an auth_request_set variable',
                'location / { auth_request /a; auth_request_set $sso $upstream_http_x_user;
                              maint_superadmin_identity $sso; } location = /a { internal; return 204; }'],
               ['a client certificate', 'maint_superadmin_identity $ssl_client_fingerprint; location / { }']) {
        my ($rc2, $out2) = nginx_t($s->($c->[1]));
        is($rc2, 0, "nginx -t accepts $c->[0]") or diag($out2);
    }
}

$nginx->stop;
check_error_log($nginx);
$admin->stop;
$redis->stop;

done_testing();
