# A revoked session never reaches the app, in any form an app may read it
# (docs/sessions.md, "What the edge guarantees"): every occurrence of the
# session cookie in every Cookie header is either checked and found active,
# or removed from the request the upstream receives.  The upstream echoes
# the Cookie header it received; what an app could make of it (quotes
# dropped, backslash escapes, percent-decoding once or more, a read that
# stops at any byte that is not a letter or digit) must never yield the
# revoked id.  Also: the edge's own cookies never reach the upstream, the
# optional shape of session ids (pattern=) strips everything else, and
# unknown values cost bounded Redis work (at most one lookup, two
# commands, per request; the others are stripped).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use RedisMonitor;
use Test::More;
use IO::Socket::INET;

my $redis = start_redis();
my $monitor = RedisMonitor->new($redis->port);
my $up = free_port();

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up }, http => <<'HTTP' . cookie_echo_server());
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=200ms connect_timeout=200ms;
    large_client_header_buffers 4 32k;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /named/ {
            maint_session_cookie app_sid;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location /shaped/ {
            maint_session_cookie sid "pattern=[a-z0-9]{32}";
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location /off/ {
            maint off;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
    }
HTTP

my $port = $nginx->port;

set_state($redis, settings => { notify_before_minutes => 30 });

sub rand_id { join '', map { ('a' .. 'z', 0 .. 9)[rand 36] } 1 .. ($_[0] // 32) }

# every Cookie header line exactly as given
sub req {
    my ($path, @cookies) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return { status => 0, error => "connect: $!" };
    binmode $s;
    print {$s} "GET $path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        . join('', map { "Cookie: $_\r\n" } @cookies) . "\r\n";
    my $r = MaintTest::_parse_response(MaintTest::_read_all($s, 10));
    $r->{headers} //= {};
    return $r;
}

sub st { $_[0]{headers}{'x-maint-status'} // '' }

# Every reading of the header an app may make: as sent, without quotes
# and backslashes, percent-decoded up to five times ("+" as a space too).
sub readings {
    my ($h) = @_;
    my @r = ($h, $h =~ tr/"\\//dr);
    for my $v (@r[0, 1]) {
        my $d = $v;
        for (1 .. 5) {
            $d =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
            push @r, $d, $d =~ tr/+/ /r, $d =~ tr/"\\//dr;
        }
    }
    return @r;
}

sub never_reaches {
    my ($r, $x, $name) = @_;
    is($r->{status}, 200, "$name: answered by the upstream") or diag($r->{raw} // $r->{error});
    my $got = upstream_cookie($r);
    ok(defined $got, "$name: the upstream echoed what it received");
    my @hit = grep { index(lc $_, lc $x) >= 0 } readings($got // '');
    ok(!@hit, "$name: the revoked id is in no reading of what the upstream received")
        or diag("upstream got: $got");
}

sub expires_sid {
    my ($r, $name) = @_;
    ok(grep({ /^sid=;/ } set_cookies($r)), "$name: the response expires the cookie");
}

# ---------------------------------------------------------------------------
# the variants of one revoked value

my $x = rand_id();
revoke_session($redis, $x);
is(st(req('/', "sid=$x")), 'revoked', 'the plain revoked value is logged off');

my $live = rand_id();
my $last = substr($x, -1);
my $enc_all = join '', map { sprintf '%%%02X', ord } split //, $x;
my $enc_last = substr($x, 0, -1) . sprintf('%%%02x', ord $last);
my $oct_first = sprintf('\\%03o', ord substr($x, 0, 1)) . substr($x, 1);

my @variants = (
    [ 'a trailing comma', "sid=$x," ],
    [ 'a trailing quote', "sid=$x\"" ],
    [ 'a trailing backslash', "sid=$x\\" ],
    [ 'a space and more', "sid=$x x" ],
    [ 'a trailing !', "sid=$x!" ],
    [ 'a trailing -', "sid=$x-" ],
    [ 'a trailing dot', "sid=$x.1" ],
    [ 'a slash and more', "sid=$x/extra" ],
    [ 'a trailing =', "sid=$x=" ],
    [ 'a plus and more', "sid=$x+y" ],
    [ 'an encoded NUL after', "sid=$x%00" ],
    [ 'an encoded space after', "sid=$x%20junk" ],
    [ 'quoted', "sid=\"$x\"" ],
    [ 'a leading quote only', "sid=\"$x" ],
    [ 'quoted with an escaped quote', "sid=\"$x\\\"\"" ],
    [ 'quoted, the first byte an octal escape', "sid=\"$oct_first\"" ],
    [ 'its last byte percent-encoded', "sid=$enc_last" ],
    [ 'every byte percent-encoded', "sid=$enc_all" ],
    [ 'percent-encoded twice', "sid=" . ($enc_last =~ s/%/%25/r) ],
    [ 'percent-encoded three times', "sid=" . ($enc_last =~ s/%/%2525/r) ],
    [ 'after a comma in the header', "a=1, sid=$x" ],
    [ 'after a comma without a space', "a=1,sid=$x" ],
    [ 'inside another cookie, after a comma', "pref=\"a, sid=$x\"" ],
    [ 'longer than 4096 bytes', "sid=$x" . ('a' x 5000) ],
    [ 'a - and longer than 4096 bytes', "sid=$x-" . ('a' x 5000) ],
    [ 'a control byte after', "sid=$x\x01" ],
    [ 'an 8-bit byte after', "sid=$x\xff" ],
    [ 'a tab and more', "sid=$x\tmore" ],
    [ 'twice', "sid=$x; sid=$x" ],
    [ 'after a live value', "sid=$live; sid=$x" ],
    [ 'a variant after a live value', "sid=$live; sid=$x-" ],
    [ 'blanks around the name', " sid =$x" ],
    [ 'the name in capitals', "SID=$x" ],
    [ 'the name percent-encoded', "s%69d=$x" ],
    [ 'the name as a PHP array', "sid[0]=$x" ],
    [ 'the name with an unclosed bracket', "sid[=$x" ],
    [ 'with a bracketed array after', "sid[]=$x" ],
);

for my $v (@variants) {
    my ($name, $cookie) = @$v;
    my $r = req('/', $cookie, 'theme=dark');
    never_reaches($r, $x, "revoked value, $name");
    like(upstream_cookie($r) // '', qr/theme=dark/, "revoked value, $name: the other cookies stay");
}

# the same value in two Cookie headers, and after a live one
for my $c ([ "sid=$live", "sid=$x-" ], [ "a=1", "sid=\"$x\"" ], [ "sid=$x,", "sid=$live" ]) {
    my $name = 'revoked value in a second header: ' . join(' | ', @$c);
    never_reaches(req('/', @$c), $x, $name);
}

# the forms that are checked are logged off, not just stripped
for my $v ([ 'a trailing -', "sid=$x-" ], [ 'quoted', "sid=\"$x\"" ],
           [ 'its last byte percent-encoded', "sid=$enc_last" ],
           [ 'after a comma in the header', "a=1, sid=$x" ]) {
    my $r = req('/', $v->[1]);
    is(st($r), 'revoked', "$v->[0]: \$maint_status revoked");
    expires_sid($r, $v->[0]);
}

# a live session passes untouched in the same shapes
for my $c ("sid=$live", "a=1, sid=$live", "sid=\"$live\"", "theme=dark; sid=$live; lang=en") {
    my $r = req('/', $c);
    is(st($r), 'pass', "live session ($c): pass");
    is(upstream_cookie($r), $c, "live session ($c): the Cookie header reaches the upstream exactly as sent");
}

# another cookie name: PHP reads "app.sid" and "app sid" as "app_sid"
{
    my $y = rand_id();
    revoke_session($redis, $y);
    for my $c ("app_sid=$y", "app.sid=$y", "app sid=$y", "APP_SID=$y", "app%5Fsid=$y",
               "app%2Esid=$y", "app+sid=$y", "app[sid=$y", "app_sid=\"$y\"", "app_sid=$y-") {
        never_reaches(req('/named/', $c, 'theme=dark'), $y, "cookie app_sid, revoked value sent as $c");
    }
    my $ok = rand_id();
    is(upstream_cookie(req('/named/', "app_sid=$ok; other=1")), "app_sid=$ok; other=1",
       'cookie app_sid: a live value passes');
}

# ---------------------------------------------------------------------------
# the shape of session ids: anything else is stripped, without a lookup

{
    my $mark = $monitor->sync_mark($redis);
    my @odd = ("sid=$x-", "sid=" . uc($x), "sid=$enc_last", "sid=\"$x\"", "sid=${x}0",
               "sid=" . substr($x, 0, 31), "sid=$x x");
    for my $c (@odd) {
        my $r = req('/shaped/', $c, 'theme=dark');
        is(st($r), 'pass', "pattern: $c is no session");
        # (the emptied header line stays, empty)
        is(join('; ', grep { length } split /;\s*/, upstream_cookie($r) // ''), 'theme=dark',
           "pattern: $c is stripped, the other cookies stay");
    }
    my $end = $monitor->sync_mark($redis);
    my @lookups = grep { /"(?:HMGET|EXISTS)" "maint:(?:session|revoked):/ } $monitor->since($mark);
    is(scalar(@lookups), 0, 'pattern: values of another shape cost no Redis command')
        or diag(join "\n", @lookups);

    my $r = req('/shaped/', "sid=$x");
    is(st($r), 'revoked', 'pattern: a revoked value of the right shape is logged off');
    my $ok = rand_id();
    is(upstream_cookie(req('/shaped/', "sid=$ok")), "sid=$ok", 'pattern: a live value of the right shape passes');
}

for my $bad ([ 'pattern=', qr/empty "pattern=" in "maint_session_cookie"/ ],
             [ 'pattern=[a-z', qr/invalid "pattern=" in "maint_session_cookie"/ ]) {
    my ($rc, $out) = nginx_t("maint_redis 127.0.0.1:6379; server { listen 127.0.0.1:%%PORT%%;"
                             . " location / { maint on; maint_session_cookie sid $bad->[0]; } }");
    isnt($rc, 0, "nginx -t refuses maint_session_cookie sid $bad->[0]");
    like($out, $bad->[1], "nginx -t names the directive for $bad->[0]");
}

# ---------------------------------------------------------------------------
# bounded work: random values cost at most one lookup (2 commands) a request

{
    my $n = 20;
    my $mark = $monitor->sync_mark($redis);
    my $reached = 0;
    for (1 .. $n) {
        my @v = map { rand_id() } 1 .. 8;
        my $r = req('/', join('; ', map { "sid=$_" } @v));
        $reached += () = (upstream_cookie($r) // '') =~ /sid=/g;
    }
    $monitor->sync_mark($redis);
    my @cmds = grep { /"(?:HMGET|EXISTS)" "maint:(?:session|revoked):/ } $monitor->since($mark);
    my $per = @cmds / $n;
    note("8 random values a request: $per session commands a request, $reached values reached the upstream");
    ok($per <= 2, "8 random values a request: at most 2 Redis commands a request ($per)");
    ok($reached <= $n, "8 random values a request: at most one value a request reaches the upstream ($reached)");

    # 8 random values with the revoked one last: never passed unchecked
    for (1 .. 6) {
        my @v = map { rand_id() } 1 .. 7;
        never_reaches(req('/', join('; ', map { "sid=$_" } @v, $x)), $x,
                      "7 random values, then the revoked one (try $_)");
    }
}

# ---------------------------------------------------------------------------
# the edge's own cookies are the edge's business

for my $path ('/', '/off/x') {
    my $r = req($path, 'a=1; maint_bypass=v1.x; __Host-maint_bypass=v1.y; maint_csrf=t; '
                . '__Host-maint_csrf=u; MAINT_BYPASS=z; maint%5Fcsrf=w; b=2');
    is(upstream_cookie($r), 'a=1; b=2', "$path: the edge's cookies never reach the upstream");
}

check_error_log($nginx);
$monitor->stop;
$nginx->stop;
$redis->stop;

done_testing();
