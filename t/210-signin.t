# Superadmin sign-in at the edge (docs/sessions.md "Superadmin sign-in",
# "The bypass cookie", "The decision, in order"): ?forceLogin=true never
# lets anything through by itself; during a window it shows the sign-in
# page; the POST is rate limited, same-origin and CSRF checked, then the
# credential; success redirects to a local path only, with a signed bypass
# cookie that passes the window (private, no-store, with a banner in HTML);
# maint_force_login_arg, maint_superadmin_identity, maint_bypass_ttl and
# maint_bypass_banner; allowed paths are not widened by path tricks.
#
# Every sign-in attempt comes from its own loopback address (127.1.x.y) so
# that maint_signin_limit (5 a minute here) only bites where it is tested.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Digest::SHA qw(sha256_hex hmac_sha256);
use MIME::Base64 qw(encode_base64 decode_base64);
use Time::HiRes qw(time);

my $HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
my $MAX_TTL = 43200;

my $redis = start_redis();
my $up = free_port();

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms;
    maint_signin_limit 5/m;
    large_client_header_buffers 4 32k;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        server_name localhost;
        maint on;
        maint_app shop;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Superadmin "$maint_superadmin" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /sudo/ { maint_force_login_arg sudo; proxy_pass http://127.0.0.1:%%UP%%; }
        # an SSO in front: auth_request, the identity from its answer
        location /ident/ {
            auth_request /_sso;
            auth_request_set $sso_user $upstream_http_x_user;
            maint_superadmin_identity $sso_user;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location = /_sso {
            internal;
            proxy_pass http://127.0.0.1:%%UP%%/sso;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }
        location /nobanner/ { maint_bypass_banner off; proxy_pass http://127.0.0.1:%%UP%%; }
        location /short/ { maint_bypass_ttl 1h; proxy_pass http://127.0.0.1:%%UP%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / {
            default_type text/html;
            expires 1h;
            return 200 "<!DOCTYPE html>\n<html><head><title>app</title></head><body><p>app $request_method $request_uri</p></body></html>\n";
        }
        location /api/ {
            default_type application/json;
            expires 1h;
            return 200 '{"app":"$request_method $request_uri"}';
        }
        location /set/ {
            add_header Set-Cookie "sid=$arg_v; Path=/";
            return 200 "set\n";
        }
        # the SSO of the test: whoever X-Remote-User names
        location = /sso {
            add_header X-User $http_x_remote_user;
            return 204;
        }
    }
HTTP

my $port = $nginx->port;

# ---------------------------------------------------------------------------
# the state

sub rand_bytes { join '', map { chr int rand 256 } 1 .. $_[0] }

my %CRED = (alice => 'sa_' . b64url(rand_bytes(32)),
            bob   => 'sa_' . b64url(rand_bytes(32)));
my %KEY = (k_old => rand_bytes(32), k_sign => rand_bytes(32));

sub superadmins {
    my (%cred) = @_;
    return [ map { { name => $_, credential => sha256_hex($cred{$_}), credential_id => test_cid($_) } }
             sort keys %cred ];
}

sub keys_json {
    return [ { kid => 'k_old', secret => encode_base64($KEY{k_old}, ''), signing => JSON::PP::false },
             { kid => 'k_sign', secret => encode_base64($KEY{k_sign}, ''), signing => JSON::PP::true } ];
}

# a full window for shop (allowed path /public) unless told otherwise
sub state {
    my (%o) = @_;
    my $windows = exists $o{windows} ? $o{windows}
                : [ window($redis, id => 'w1', apps => ['shop'], allow => { paths => ['/public'] }) ];
    return set_state($redis, windows => $windows,
                     superadmins => superadmins(%{ $o{cred} // \%CRED }),
                     bypass_keys => keys_json());
}

sub now_s { int(redis_now_ms($redis) / 1000) }

# ---------------------------------------------------------------------------
# HTTP

my $addr_seq = 0;
sub fresh_addr {
    my $n = $addr_seq++;
    return sprintf('127.1.%d.%d', int($n / 250), $n % 250 + 1);
}

sub request_text {
    my ($method, $target, %o) = @_;
    my @h = (['Host', $o{host} // 'localhost'], ['Connection', 'close']);
    push @h, ['Cookie', $_] for @{ $o{cookies} // [] };
    push @h, map { [$_, $o{headers}{$_}] } sort keys %{ $o{headers} // {} };
    my $body = $o{body} // '';
    if ($method eq 'POST') {
        push @h, ['Content-Type', $o{content_type} // 'application/x-www-form-urlencoded'];
        push @h, ['Content-Length', length $body];
    }
    return "$method $target HTTP/1.1\r\n" . join('', map { "$_->[0]: $_->[1]\r\n" } @h) . "\r\n" . $body;
}

sub req {
    my ($method, $target, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp',
                                  Timeout => 5, LocalAddr => $o{from} // '127.0.0.1')
        or return { status => 0, error => "connect: $!", headers => {} };
    binmode $s;
    print {$s} request_text($method, $target, %o);
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, 10));
    $res->{headers} //= {};
    return $res;
}

# the Set-Cookie for a name: (value, attributes) or ()
sub cookie_set {
    my ($res, $name) = @_;
    for (set_cookies($res)) {
        my ($n, $v, $a) = parse_cookie($_);
        return ($v, $a) if $n eq $name;
    }
    return;
}

sub st { $_[0]{headers}{'x-maint-status'} // '' }

# GET the sign-in page: (response, csrf cookie value, csrf field)
sub signin_page {
    my ($target, %o) = @_;
    my $r = req('GET', $target, %o, headers => { Accept => $HTML, %{ $o{headers} // {} } });
    my ($cookie) = cookie_set($r, 'maint_csrf');
    return ($r, $cookie, form_inputs($r->{body})->{csrf});
}

# The whole sign-in from one (fresh) address: the page, then the POST to the
# same URL.  Options: from, csrf_cookie / csrf_field (override, undef drops),
# headers (for the POST), host, cookies (extra).
sub signin {
    my ($target, $name, $credential, %o) = @_;
    my $from = $o{from} // fresh_addr();
    my (undef, $cookie, $field) = signin_page($target, from => $from, host => $o{host});
    $cookie = $o{csrf_cookie} if exists $o{csrf_cookie};
    $field = $o{csrf_field} if exists $o{csrf_field};
    my @cookies = @{ $o{cookies} // [] };
    push @cookies, "maint_csrf=$cookie" if defined $cookie;
    my @form = (name => $name, credential => $credential);
    push @form, csrf => $field if defined $field;
    return req('POST', $target, from => $from, host => $o{host}, cookies => \@cookies,
               headers => { Accept => $HTML, %{ $o{headers} // {} } },
               body => form_encode(@form));
}

# A successful sign-in: 303 with the bypass cookie; returns the cookie value.
sub signed_in {
    my ($res, $name, $who, %o) = @_;
    my $ttl = $o{ttl} // $MAX_TTL;
    is($res->{status}, 303, "$name: 303 See Other") or diag($res->{raw} // $res->{error});
    my ($v, $a) = cookie_set($res, 'maint_bypass');
    ok(defined $v && length $v, "$name: Set-Cookie maint_bypass") or return;
    is($a->{path}, '/', "$name: bypass cookie Path=/");
    ok(exists $a->{httponly}, "$name: bypass cookie HttpOnly");
    is(lc($a->{samesite} // ''), 'lax', "$name: bypass cookie SameSite=Lax");
    ok(!exists $a->{domain}, "$name: bypass cookie has no Domain");
    ok(($a->{'max-age'} // -1) > 0 && $a->{'max-age'} <= $ttl,
       "$name: bypass cookie Max-Age in (0, $ttl] (" . ($a->{'max-age'} // 'none') . ')');

    # the value, as documented:
    # v2.<kid>.<name>.<credential id>.<scheme>.<iat>.<exp>.<mac>, signed by the signing key
    my @p = split /\./, $v, -1;
    is(scalar @p, 8, "$name: the value has eight parts");
    is($p[0], 'v2', "$name: version v2");
    is($p[1], 'k_sign', "$name: signed by the signing key");
    is(b64url_decode($p[2]), $who, "$name: names $who");
    is($p[3], test_cid($who), "$name: bound to $who\'s credential id");
    is($p[4], 'http', "$name: bound to the scheme, http");
    my $now = now_s();
    ok(($p[5] // 0) =~ /^\d+$/ && abs($p[5] - $now) <= 5, "$name: issued now on the Redis clock");
    ok(($p[6] // 0) =~ /^\d+$/ && $p[6] - $p[5] > 0 && $p[6] - $p[5] <= $ttl,
       "$name: lasts at most $ttl s");
    is($p[7], b64url(hmac_sha256(join('.', @p[0 .. 6]), $KEY{k_sign})), "$name: the HMAC is right");
    return $v;
}

sub refused {
    my ($res, $status, $name) = @_;
    is($res->{status}, $status, "$name: $status") or diag($res->{raw} // $res->{error});
    ok(!cookie_set($res, 'maint_bypass'), "$name: no bypass cookie");
}

sub bypassed {
    my ($target, $cookie, %o) = @_;
    return req('GET', $target, cookies => [ "maint_bypass=$cookie", @{ $o{cookies} // [] } ],
               headers => { Accept => $HTML, %{ $o{headers} // {} } });
}

# a Location the browser can only resolve to this site
sub local_location {
    my ($loc, $name) = @_;
    ok(defined $loc, "$name: a Location") or return;
    like($loc, qr{^/}, "$name: Location starts with /");
    unlike($loc, qr{^/[/\\]}, "$name: Location does not start with // or /\\");
    unlike($loc, qr{^[A-Za-z][A-Za-z0-9+.\-]*:}, "$name: Location has no scheme");
    unlike($loc, qr{[\x00-\x20\x7f]}, "$name: Location has no control characters or spaces");
    unlike($loc, qr{%(?:[01][0-9A-Fa-f]|7[Ff])}, "$name: Location has no percent-encoded control characters");
}

# ---------------------------------------------------------------------------
# outside a window, ?forceLogin=true is just an argument

state(windows => []);
{
    my $r = req('GET', '/app/page?forceLogin=true');
    is($r->{status}, 200, 'no window, ?forceLogin=true: passes');
    is(st($r), 'pass', 'no window, ?forceLogin=true: $maint_status pass');
    like($r->{body}, qr{app GET /app/page\?forceLogin=true}, 'no window: the argument reaches the app unchanged');

    $r = req('POST', '/app/page?forceLogin=true', from => fresh_addr(),
             body => form_encode(name => 'alice', credential => $CRED{alice}));
    is($r->{status}, 200, 'no window, a sign-in POST: passes to the app');
    like($r->{body}, qr{app POST /app/page\?forceLogin=true}, 'no window, POST: the app answers it');
    ok(!cookie_set($r, 'maint_bypass'), 'no window, POST: no bypass cookie');

    state(windows => [ window($redis, id => 'crm-only', apps => ['crm']) ]);
    $r = req('GET', '/app/page?forceLogin=true');
    is($r->{status}, 200, 'a window for another app only: ?forceLogin=true passes');
    like($r->{body}, qr{forceLogin=true}, 'a window for another app: the argument reaches the app');

    state(windows => [ window($redis, id => 'soon', apps => ['shop'], start => 600, end => 3600) ]);
    $r = req('GET', '/app/page?forceLogin=true');
    is($r->{status}, 200, 'an upcoming window: ?forceLogin=true passes');
    is(st($r), 'notice', 'an upcoming window: $maint_status notice');
}

# ---------------------------------------------------------------------------
# during a window: the sign-in page

state();
{
    my ($r, $cookie, $field) = signin_page('/app/page?x=1&forceLogin=true&y=2');
    is($r->{status}, 200, 'window, ?forceLogin=true: 200 sign-in page') or diag($r->{raw});
    is(st($r), 'signin', 'sign-in page: $maint_status signin');
    like($r->{headers}{'content-type'} // '', qr{^text/html\b}, 'sign-in page: text/html');
    like($r->{headers}{'cache-control'} // '', qr/\bno-store\b/, 'sign-in page: Cache-Control no-store');
    like($r->{body}, qr{<form\b[^>]*\bmethod\s*=\s*["']?post}i, 'sign-in page: a POST form');
    my $in = form_inputs($r->{body});
    ok(exists $in->{$_}, "sign-in page: a field named $_") for qw(name credential csrf);
    ok(defined $field && length $field, 'sign-in page: the csrf field has a value');
    my ($v, $a) = cookie_set($r, 'maint_csrf');
    ok(defined $v && length $v, 'sign-in page: Set-Cookie maint_csrf');
    ok($a && exists $a->{httponly}, 'sign-in page: maint_csrf HttpOnly');
    is(lc(($a // {})->{samesite} // ''), 'strict', 'sign-in page: maint_csrf SameSite=Strict');
    unlike($r->{body}, qr/app GET/, 'sign-in page: the app was not asked');

    for my $c (['/app/page', 'no argument'], ['/app/page?forceLogin=false', 'forceLogin=false'],
               ['/app/page?forceLogin=1', 'forceLogin=1'], ['/app/page?forceLogin=', 'forceLogin empty'],
               ['/app/page?xforceLogin=true', 'xforceLogin=true']) {
        my ($t, $name) = @$c;
        my $m = req('GET', $t, headers => { Accept => $HTML });
        is($m->{status}, 503, "window, $name: the maintenance page");
        is(st($m), 'maintenance', "window, $name: \$maint_status maintenance");
        ok(!cookie_set($m, 'maint_csrf'), "window, $name: no sign-in cookie");
    }
}

# ---------------------------------------------------------------------------
# a successful sign-in, and what the bypass cookie does

my $alice;
{
    my $r = signin('/app/page?x=1&forceLogin=true&y=2', alice => $CRED{alice});
    $alice = signed_in($r, 'sign-in as alice', 'alice') // '';
    is($r->{headers}{location}, '/app/page?x=1&y=2',
       'sign-in: back to the original path, forceLogin removed, other arguments kept');

    my $b = bypassed('/app/page?z=1', $alice);
    is($b->{status}, 200, 'bypass cookie: passes the window') or diag($b->{raw});
    is(st($b), 'bypass', 'bypass cookie: $maint_status bypass');
    is($b->{headers}{'x-maint-superadmin'}, 'alice', 'bypass cookie: $maint_superadmin alice');
    is($b->{headers}{'cache-control'}, 'private, no-store', 'bypassed: Cache-Control private, no-store');
    ok(!defined $b->{headers}{expires}, 'bypassed: the upstream\'s Expires is gone');
    my ($after_body) = $b->{body} =~ m{<body[^>]*>(.*?)<p>app GET /app/page\?z=1</p>}s;
    ok(defined $after_body && $after_body =~ /\S/, 'bypassed HTML: a banner right after <body>')
        or diag($b->{body});
    like($after_body // '', qr/maintenance/i, 'banner: says the site is in maintenance');
    like($after_body // '', qr/\balice\b/, 'banner: says who is signed in');
    like($b->{body}, qr{<body[^>]*>\s*<}, 'banner: it is the first thing in <body>');

    my $j = bypassed('/api/orders', $alice, headers => { Accept => 'application/json' });
    is($j->{status}, 200, 'bypass cookie, JSON: passes');
    is($j->{body}, '{"app":"GET /api/orders"}', 'bypassed JSON: no banner, body untouched');
    is($j->{headers}{'cache-control'}, 'private, no-store', 'bypassed JSON: Cache-Control private, no-store');
    ok(!defined $j->{headers}{expires}, 'bypassed JSON: no Expires');

    my $nb = bypassed('/nobanner/page', $alice);
    is($nb->{status}, 200, 'maint_bypass_banner off: passes');
    is($nb->{body}, "<!DOCTYPE html>\n<html><head><title>app</title></head><body><p>app GET /nobanner/page</p></body></html>\n",
       'maint_bypass_banner off: the page untouched');

    my $p = bypassed('/app/page', $alice, cookies => ['theme=dark']);
    is(st($p), 'bypass', 'bypass cookie next to other cookies: bypass');

    # order of the decision
    my $f = bypassed('/app/page?forceLogin=true', $alice);
    is($f->{status}, 200, 'bypass cookie and ?forceLogin=true: the superadmin passes (step 3 before 4)');
    is(st($f), 'bypass', 'bypass cookie and ?forceLogin=true: $maint_status bypass');
    like($f->{body}, qr{app GET /app/page\?forceLogin=true}, '... to the app');

    my $e = bypassed('/public/x', $alice);
    is(st($e), 'exempt', 'bypass cookie on an allowed path: exempt (step 2 before 3)');
    my $ef = req('GET', '/public/x?forceLogin=true');
    is($ef->{status}, 200, '?forceLogin=true on an allowed path: exempt, passes');
    is(st($ef), 'exempt', '?forceLogin=true on an allowed path: $maint_status exempt');

    my $sid = 's' . join('', map { ('a' .. 'z')[rand 26] } 1 .. 31);
    revoke_session($redis, $sid);
    my $rv = bypassed('/app/page', $alice, cookies => ["sid=$sid"]);
    is(st($rv), 'revoked', 'a revoked session with a bypass cookie: logged off (step 1 first)');
    ok(grep({ /^sid=;/ } set_cookies($rv)), 'a revoked session with a bypass cookie: the session cookie is expired');
    is($rv->{status}, 200, 'a revoked session with a bypass cookie: still passes the window');
    is($rv->{headers}{'cache-control'}, 'private, no-store',
       'a revoked session with a bypass cookie: still private, no-store');

    # the registry records the superadmin of a bypassed request that creates a session
    my $new = 'n' . join('', map { ('a' .. 'z')[rand 26] } 1 .. 31);
    my $s = bypassed("/set/?v=$new", $alice);
    is(st($s), 'bypass', 'a session created on a bypassed request: bypass');
    my $h = wait_until(sub {
        my $l = $redis->cmd('HGETALL', 'maint:session:' . session_id($new)) // [];
        my %h = @$l;
        defined $h{first_seen} ? \%h : undef;
    }, 5, 'the superadmin\'s session in the registry') || {};
    is($h->{superadmin}, 'alice', 'registry: a session set on a bypassed request records the superadmin');

    # maint_bypass_ttl
    my $short = signin('/short/page?forceLogin=true', alice => $CRED{alice});
    signed_in($short, 'maint_bypass_ttl 1h', 'alice', ttl => 3600);
    is($short->{headers}{location}, '/short/page', 'maint_bypass_ttl 1h: back to the path');

    # the form's cookie is expired on success
    my ($cv, $ca) = cookie_set($r, 'maint_csrf');
    ok(defined $cv && (($ca->{'max-age'} // '') eq '0' || ($ca->{expires} // '') =~ /\b19[67]\d\b/),
       'sign-in: the form\'s cookie is expired');

    # a same-origin Origin is fine
    my $o = signin('/app/page?forceLogin=true', alice => $CRED{alice}, host => "localhost:$port",
                   headers => { Origin => "http://localhost:$port" });
    is($o->{status}, 303, 'an Origin that is this site: signed in') or diag($o->{raw});
}

# the argument removed, the others kept
for my $c (['/app/page?forceLogin=true', '/app/page'],
           ['/app/page?x=1&forceLogin=true', '/app/page?x=1'],
           ['/app/page?forceLogin=true&y=2', '/app/page?y=2'],
           ['/app/page?x=1&forceLogin=true&y=2', '/app/page?x=1&y=2'],
           ['/app/page?xforceLogin=true&forceLogin=true', '/app/page?xforceLogin=true'],
           ['/app/page?q=a%20b&forceLogin=true', '/app/page?q=a%20b'],
           ['/?forceLogin=true', '/']) {
    my ($target, $want) = @$c;
    my $r = signin($target, alice => $CRED{alice});
    is($r->{status}, 303, "sign-in at $target: 303");
    is($r->{headers}{location}, $want, "sign-in at $target: Location $want");
}

# ---------------------------------------------------------------------------
# refusals

{
    my $wrong = signin('/app/page?forceLogin=true', alice => $CRED{alice} . 'x');
    refused($wrong, 401, 'a wrong credential');
    ok(exists form_inputs($wrong->{body})->{credential}, 'a wrong credential: the form again');
    is(form_inputs($wrong->{body})->{name}, 'alice', 'a wrong credential: the name typed stays');
    is(form_inputs($wrong->{body})->{credential}, '', 'a wrong credential: the credential never comes back');
    like($wrong->{body}, qr{<input id="name"[^>]*autocomplete="username"}, 'the name is a username to password managers');
    like($wrong->{body}, qr{<input id="credential"[^>]*autocomplete="current-password"},
         'the credential is a current password to password managers');
    unlike($wrong->{body}, qr{autocomplete="off"}, 'nothing fights the password manager');
    my $odd = signin('/app/page?forceLogin=true', '"><b>x' => 'nope');
    like($odd->{body}, qr{value="&quot;&gt;&lt;b&gt;x"}, 'a name typed comes back escaped');
    my $unknown = signin('/app/page?forceLogin=true', mallory => $CRED{alice});
    refused($unknown, 401, 'an unknown name');
    my $norm = sub { my $b = $_[0] // ''; $b =~ s/\bvalue\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)//g;
                     $b =~ s/\b(?:alice|mallory)\b/NAME/g; $b };
    is($norm->($wrong->{body}), $norm->($unknown->{body}),
       'the same answer whether the name or the credential was wrong');
    refused(signin('/app/page?forceLogin=true', alice => $CRED{bob}), 401, 'another superadmin\'s credential');
    refused(signin('/app/page?forceLogin=true', alice => ''), 401, 'an empty credential');
    refused(signin('/app/page?forceLogin=true', '' => $CRED{alice}), 401, 'an empty name');
    refused(signin('/app/page?forceLogin=true', alice => sha256_hex($CRED{alice})), 401,
            'the stored hash as the credential');
    refused(signin('/app/page?forceLogin=true', alice => "$CRED{alice}\0"), 401, 'the credential and a NUL');

    # removed superadmin
    state(cred => { alice => $CRED{alice} });
    refused(signin('/app/page?forceLogin=true', bob => $CRED{bob}), 401, 'a removed superadmin');

    # rotated credential
    my $rotated = 'sa_' . b64url(rand_bytes(32));
    state(cred => { alice => $rotated, bob => $CRED{bob} });
    refused(signin('/app/page?forceLogin=true', alice => $CRED{alice}), 401, 'the old credential after a rotation');
    is(signin('/app/page?forceLogin=true', alice => $rotated)->{status}, 303, 'the new credential after a rotation');
    state();
}

# same origin and CSRF
{
    my $t = '/app/page?forceLogin=true';
    refused(signin($t, alice => $CRED{alice}, csrf_cookie => undef), 403, 'no csrf cookie');
    refused(signin($t, alice => $CRED{alice}, csrf_field => undef), 403, 'no csrf field');
    my (undef, undef, $other) = signin_page($t, from => fresh_addr());
    my $r = signin($t, alice => $CRED{alice}, csrf_field => $other . 'x');
    refused($r, 403, 'a csrf field that does not match');
    ok(exists form_inputs($r->{body})->{csrf}, 'a csrf refusal: a fresh form');
    refused(signin($t, alice => $CRED{alice}, csrf_cookie => 'forged', csrf_field => 'forged'), 403,
            'a csrf cookie and field that match but were not signed by the edge');
    refused(signin($t, alice => $CRED{alice}, csrf_cookie => '', csrf_field => ''), 403, 'empty csrf');
    refused(signin($t, alice => $CRED{alice}, headers => { Origin => 'https://evil.example' }), 403,
            'a foreign Origin');
    refused(signin($t, alice => $CRED{alice}, headers => { Origin => 'null' }), 403, 'Origin: null');
    refused(signin($t, alice => $CRED{alice}, headers => { 'Sec-Fetch-Site' => 'cross-site' }), 403,
            'Sec-Fetch-Site: cross-site');
    is(signin($t, alice => $CRED{alice}, headers => { 'Sec-Fetch-Site' => 'same-origin' })->{status}, 303,
       'Sec-Fetch-Site: same-origin is fine');
    my $from = fresh_addr();
    my (undef, $ck, $fd) = signin_page($t, from => $from);
    my $big = req('POST', $t, from => $from, cookies => ["maint_csrf=" . ($ck // '')],
                  body => form_encode(name => 'alice', credential => $CRED{alice}, csrf => $fd,
                                      pad => 'x' x 9000));
    refused($big, 413, 'a form over 8 KiB');
    refused(signin($t, alice => $CRED{alice}, host => "localhost:$port",
                   headers => { Origin => "http://localhost:$port.evil.example" }), 403,
            'an Origin that only starts like this site');
}

# rate limit: 5 a minute per address, across both workers
{
    my $from = fresh_addr();
    my @st = map { signin('/app/page?forceLogin=true', alice => 'wrong', from => $from)->{status} } 1 .. 5;
    is_deeply(\@st, [ (401) x 5 ], 'five attempts from one address: answered (401)');
    my $r = signin('/app/page?forceLogin=true', alice => $CRED{alice}, from => $from);
    refused($r, 429, 'the sixth attempt in the minute, even with the right credential');
    my $ra = $r->{headers}{'retry-after'} // '';
    ok($ra =~ /^\d+$/ && $ra >= 1 && $ra <= 60, "429 has Retry-After in seconds ($ra)");
    my $nocsrf = req('POST', '/app/page?forceLogin=true', from => $from,
                     body => form_encode(name => 'alice', credential => $CRED{alice}));
    is($nocsrf->{status}, 429, 'the rate limit comes before the other checks');
    is(signin('/app/page?forceLogin=true', alice => $CRED{alice})->{status}, 303,
       'another address is not limited');
}

# ---------------------------------------------------------------------------
# the redirect is always local

for my $c (['//evil.example/x?forceLogin=true', 'a path starting with //'],
           ['/\\evil.example/x?forceLogin=true', 'a path starting with /\\'],
           ['/%09/evil.example?forceLogin=true', 'a percent-encoded tab', '/'],
           ['/%0d%0aSet-Cookie:%20x=1?forceLogin=true', 'percent-encoded CRLF', '/'],
           ['/%2F/evil.example?forceLogin=true', 'a percent-encoded slash'],
           ['/%5C/evil.example?forceLogin=true', 'a percent-encoded backslash'],
           ['/https:evil.example?forceLogin=true', 'a path that looks like a scheme'],
           ['/x?next=//evil.example&forceLogin=true', 'an argument holding a URL'],
           ['http://evil.example/abs?forceLogin=true', 'an absolute-form request target']) {
    my ($target, $name, $exact) = @$c;
    my $r = signin($target, alice => $CRED{alice});
    is($r->{status}, 303, "redirect, $name: signed in") or diag($r->{raw} // $r->{error});
    local_location($r->{headers}{location}, "redirect, $name");
    is($r->{headers}{location}, $exact, "redirect, $name: collapses to $exact") if $exact;
    ok(!grep({ /^x=/ } set_cookies($r)), "redirect, $name: no injected cookie");
}

{
    my $r = signin('/app/page?forceLogin=true', alice => $CRED{alice}, host => 'evil.example');
    is($r->{status}, 303, 'a foreign Host header: signed in');
    is($r->{headers}{location}, '/app/page', 'a foreign Host header: the host never comes from the request');
}

# ---------------------------------------------------------------------------
# maint_force_login_arg

{
    my $r = req('GET', '/sudo/page?sudo=true', headers => { Accept => $HTML });
    is($r->{status}, 200, 'maint_force_login_arg sudo: ?sudo=true shows the sign-in page');
    is(st($r), 'signin', 'maint_force_login_arg sudo: $maint_status signin');
    my $f = req('GET', '/sudo/page?forceLogin=true', headers => { Accept => $HTML });
    is($f->{status}, 503, 'maint_force_login_arg sudo: ?forceLogin=true is just an argument there');
    my $s = signin('/sudo/page?a=1&sudo=true', alice => $CRED{alice});
    signed_in($s, 'maint_force_login_arg sudo: sign-in', 'alice');
    is($s->{headers}{location}, '/sudo/page?a=1', 'maint_force_login_arg sudo: the sudo argument removed');
}

# ---------------------------------------------------------------------------
# maint_superadmin_identity (an auth_request "SSO" that believes X-Remote-User
# stands in for a real one here)

{
    my $r = req('GET', '/ident/page', headers => { 'X-Remote-User' => 'alice' });
    is($r->{status}, 200, 'identity of a superadmin: passes');
    is(st($r), 'bypass', 'identity of a superadmin: $maint_status bypass');
    is($r->{headers}{'x-maint-superadmin'}, 'alice', 'identity: $maint_superadmin');
    is($r->{headers}{'cache-control'}, 'private, no-store', 'identity: Cache-Control private, no-store');
    for my $who ('mallory', '', 'ALICE', 'alice2', "alice\tx") {
        my $o = req('GET', '/ident/page', headers => { 'X-Remote-User' => $who });
        is($o->{status}, 503, "identity '$who': not a superadmin, the maintenance page");
    }
    is(req('GET', '/ident/page')->{status}, 503, 'no identity: the maintenance page');
    is(req('GET', '/app/page', headers => { 'X-Remote-User' => 'alice' })->{status}, 503,
       'the identity counts only where maint_superadmin_identity is set');
    state(cred => { bob => $CRED{bob} });
    is(req('GET', '/ident/page', headers => { 'X-Remote-User' => 'alice' })->{status}, 503,
       'identity of a removed superadmin: the maintenance page');
    state();
}

# ---------------------------------------------------------------------------
# allowed paths are not widened by path tricks

for my $c (['/public', 200], ['/public/', 200], ['/public/x', 200],
           ['/public/../admin', 503], ['/public%2f..%2fadmin', 503], ['/public%2F..%2Fadmin', 503],
           ['/public/%2e%2e/admin', 503], ['/public/./../admin', 503], ['/publicx', 503],
           ['/publicx/y', 503], ['/admin/public', 503]) {
    my ($path, $status) = @$c;
    my $r = req('GET', $path);
    is($r->{status}, $status, "allow.paths [/public], GET $path: $status");
}

# ---------------------------------------------------------------------------
# a read-only window: reads pass, but ?forceLogin=true leads to the sign-in
# (writes are what a superadmin needs the bypass for)

state(windows => [ window($redis, id => 'ro', apps => ['shop'], mode => 'read_only') ]);
{
    my $p = req('GET', '/app/page');
    is($p->{status}, 200, 'read-only window, GET: passes');
    is(st($p), 'pass', 'read-only window, GET: $maint_status pass');
    my $r = req('GET', '/app/page?forceLogin=true');
    is($r->{status}, 200, 'read-only window, GET ?forceLogin=true: 200');
    is(st($r), 'signin', 'read-only window, GET ?forceLogin=true: the sign-in page');
    unlike($r->{body}, qr{app GET}, 'read-only window, ?forceLogin=true: the app is not asked');
    my $w = req('POST', '/app/page', body => 'x=1',
                headers => { 'Content-Type' => 'application/x-www-form-urlencoded' });
    is($w->{status}, 503, 'read-only window, POST without a bypass: 503');
    my $ro = signed_in(signin('/app/page?forceLogin=true', alice => $CRED{alice}),
                       'read-only window: sign-in', 'alice') // '';
    my $b = req('POST', '/app/page', body => 'x=1', cookies => ["maint_bypass=$ro"],
                headers => { 'Content-Type' => 'application/x-www-form-urlencoded' });
    is($b->{status}, 200, 'read-only window, POST with the bypass cookie: passes');
    is(st($b), 'bypass', 'read-only window, POST with the bypass cookie: $maint_status bypass');
}

$nginx->stop;
check_error_log($nginx);
$redis->stop;

done_testing();
