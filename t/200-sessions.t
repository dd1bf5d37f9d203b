# Sessions at the edge (docs/sessions.md, "The decision" step 1, "Logging a
# session off", "The registry"; docs/redis-schema.md "Sessions: the
# registry, the blacklist, cutoffs"): a session that is not ended reaches
# the app untouched; a revoked one is logged off on every worker's very next
# request (cookie removed upstream, expired in the response, or answered at
# the edge with 401 or a redirect); every value of the cookie counts;
# malformed values are no session at all (never looked up, never crash);
# explicit cutoffs and windows with terminate_sessions end the sessions the
# edge did not see being created, with the documented exceptions; a stopped
# Redis delays nothing beyond the timeout; the registry records what the
# app creates and what requests carry, and no raw cookie value ever reaches
# Redis or the error log.
#
# The upstream is a server of the same nginx that echoes the Cookie header
# it received and sets cookies on demand (the value comes in an X-Set
# request header, not in the URI, which nginx itself logs).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use RedisMonitor;
use Test::More;
use JSON::PP;
use IO::Select;
use IO::Socket::INET;
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(time);

my $TIMEOUT = 0.100;                # maint_redis timeout below
my $BOUND = $TIMEOUT + MaintTest::time_scale(0.050);   # the machine's slack
my $IDLE_MINUTES = 90;              # settings.session_idle_minutes of every snapshot here
my $EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';
my $HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
my $UA = 'SessionTest/1.0 (' . ('x' x 300) . ')';

my $redis = start_redis();
my $monitor = RedisMonitor->new($redis->port);
my $up = free_port();

my $nginx = start_nginx(redis => $redis, workers => 2, vars => { UP => $up }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms connect_timeout=100ms
                backoff=50ms:400ms;
    large_client_header_buffers 4 32k;

    server {
        listen 127.0.0.1:%%PORT%% reuseport;
        maint on;
        maint_app shop;
        maint_session_cookie sid;
        maint_session_user $upstream_http_x_user;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Worker "$pid" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /crm/ { maint_app crm; proxy_pass http://127.0.0.1:%%UP%%; }
        location /scoped/ {
            maint_session_cookie sid path=/scoped domain=example.test;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location /edge401/ { maint_session_revoked 401; proxy_pass http://127.0.0.1:%%UP%%; }
        location /redirect/ {
            maint_session_revoked redirect=/login;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        default_type text/plain;
        location / { return 200 "cookie=[$http_cookie]\n"; }
        location /set/ {
            add_header Set-Cookie "sid=$http_x_set; Path=/";
            add_header X-User $arg_user;
            return 200 "set\n";
        }
        location /set-max-age-0/ {
            add_header Set-Cookie "sid=$http_x_set; Path=/; Max-Age=0";
            return 200 "expired\n";
        }
        location /set-past-expires/ {
            add_header Set-Cookie "sid=$http_x_set; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
            return 200 "expired\n";
        }
        location /set-other/ {
            add_header Set-Cookie "theme=$http_x_set; Path=/";
            return 200 "other\n";
        }
    }
HTTP

my $port = $nginx->port;
my @RAW;                            # every well-formed session value used here

# ---------------------------------------------------------------------------
# helpers

sub rand_value {
    my ($n) = @_;
    my $v = join '', map { ('a' .. 'z', 'A' .. 'Z', 0 .. 9)[rand 62] } 1 .. ($n // 32);
    push @RAW, $v;
    return $v;
}

sub state {
    my (%o) = @_;
    return set_state($redis, settings => { notify_before_minutes => 30,
                                           session_idle_minutes => $IDLE_MINUTES },
                     windows => $o{windows} // [],
                     superadmins => $o{superadmins} // [],
                     session_cutoffs => $o{cutoffs} // {});
}

# The request as bytes: every element of "cookies" is one Cookie header line,
# sent exactly as given.
sub request_text {
    my ($method, $path, %o) = @_;
    my @h = (['Host', $o{host} // 'localhost'], ['User-Agent', $o{ua} // $UA],
             ['Connection', $o{keepalive} ? 'keep-alive' : 'close']);
    push @h, map { ['Cookie', $_] } @{ $o{cookies} // [] };
    push @h, map { [$_, $o{headers}{$_}] } sort keys %{ $o{headers} // {} };
    my $body = $o{body} // '';
    push @h, ['Content-Length', length $body] if length $body || $method eq 'POST';
    return "$method $path HTTP/1.1\r\n" . join('', map { "$_->[0]: $_->[1]\r\n" } @h)
        . "\r\n" . $body;
}

sub raw_http {
    my ($text, %o) = @_;
    my $t0 = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return { status => 0, error => "connect: $!", time => time - $t0 };
    binmode $s;
    print {$s} $text;
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, $o{timeout} // 10));
    $res->{time} = time - $t0;
    $res->{headers} //= {};
    return $res;
}

sub req {
    my ($path, %o) = @_;
    return raw_http(request_text($o{method} // 'GET', $path, %o), %o);
}

# the Set-Cookie lines that expire "sid" (empty value)
sub sid_expiries {
    my ($res) = @_;
    return grep { my ($n, $v) = parse_cookie($_); $n eq 'sid' && $v eq '' } set_cookies($res);
}

sub sid_pairs {
    my ($cookie) = @_;
    return grep { /^sid=/ } map { s/^[ \t]+|[ \t]+$//gr } split /;/, $cookie // '';
}

sub st { $_[0]{headers}{'x-maint-status'} // '' }

sub is_intact {
    my ($res, $name, $value, %o) = @_;
    my $decision = $o{decision} // 'pass';
    is($res->{status}, 200, "$name: the upstream answers") or diag($res->{raw} // $res->{error});
    is(st($res), $decision, "$name: \$maint_status $decision");
    my @pairs = sid_pairs(upstream_cookie($res));
    ok(grep({ $_ eq "sid=$value" } @pairs), "$name: the upstream received the session cookie")
        or diag('upstream got: ' . (upstream_cookie($res) // 'nothing'));
    ok(!sid_expiries($res), "$name: the cookie is not expired");
}

sub is_logged_off {
    my ($res, $name, %o) = @_;
    is($res->{status}, 200, "$name: logged off, the upstream answers")
        or diag($res->{raw} // $res->{error});
    is(st($res), 'revoked', "$name: \$maint_status revoked");
    my $got = upstream_cookie($res);
    ok(defined $got && !sid_pairs($got), "$name: the upstream received no session cookie")
        or diag('upstream got: ' . ($got // 'nothing'));
    for my $keep (@{ $o{keep} // [] }) {
        ok(grep({ $_ eq $keep } map { s/^[ \t]+|[ \t]+$//gr } split /;/, $got // ''),
           "$name: the upstream still received $keep");
    }
    expiry_ok($res, $name, %o);
}

sub expiry_ok {
    my ($res, $name, %o) = @_;
    my @exp = sid_expiries($res);
    ok(@exp >= 1, "$name: Set-Cookie expires the session cookie")
        or diag(join("\n", set_cookies($res)) || 'no Set-Cookie');
    if (!$o{path} && !$o{domain}) {
        is($exp[0], "sid=; Max-Age=0; Expires=$EPOCH; Path=/", "$name: Set-Cookie as documented")
            if @exp;
        return;
    }
    my ($n, $v, $a) = parse_cookie($exp[0] // '');
    is($a->{'max-age'}, '0', "$name: Max-Age=0");
    is($a->{expires}, $EPOCH, "$name: Expires in 1970");
    is($a->{path}, $o{path} // '/', "$name: Path=" . ($o{path} // '/'));
    is($a->{domain}, $o{domain}, "$name: Domain=" . ($o{domain} // 'none'));
}

# requests made by $make on new connections until both workers have
# answered (at least $min of them)
sub from_both_workers {
    my ($make, $min) = @_;
    my (@res, %w);
    for my $i (1 .. 80) {
        my $r = $make->($i);
        push @res, $r;
        $w{ $r->{headers}{'x-worker'} } = 1 if $r->{headers}{'x-worker'};
        last if $i >= ($min // 6) && keys %w >= 2;
    }
    return (\@res, scalar keys %w);
}

sub session_key { 'maint:session:' . session_id($_[0]) }

sub session_hash {
    my ($value) = @_;
    my $l = $redis->cmd('HGETALL', session_key($value)) // [];
    return { @$l };
}

sub wait_registered {
    my ($value, $field, $what) = @_;
    return wait_until(sub { my $h = session_hash($value); defined $h->{$field} ? $h : undef },
                      5, $what // "registry entry with $field");
}

# A registry entry as the gateway (first_seen...) or the admin API (kept_at)
# would have written it; written before the session is first used, so no
# gateway holds an older view of it.
sub write_entry {
    my ($value, %f) = @_;
    my $key = session_key($value);
    $redis->cmd('HSET', $key, %f);
    $redis->cmd('PEXPIRE', $key, $IDLE_MINUTES * 60000);
    $redis->cmd('ZADD', 'maint:sessions', $f{last_seen} // $f{first_seen} // redis_now_ms($redis),
                session_id($value));
}

sub my_redis_port { $redis->{sock} ? $redis->{sock}->sockport : -1 }

# Sends $text and, on the same connection (so the same worker, in order), a
# request whose response sets a fresh session cookie: once that sentinel is
# registered, anything the first request sent to Redis has been sent.
# Returns the sentinel and the MONITOR lines of the gateways since just
# before.
sub with_sentinel {
    my ($text, $what) = @_;
    my $sentinel = rand_value(40);
    my $id = session_id($sentinel);
    my $mark = $monitor->sync_mark($redis);
    $text =~ s/\r\nConnection: close\r\n/\r\nConnection: keep-alive\r\n/;
    raw_http($text . request_text('GET', '/set/', headers => { 'X-Set' => $sentinel }));
    ok(wait_registered($sentinel, 'first_seen', "$what: the sentinel"),
       "$what: the sentinel request that followed on the same connection was registered");
    wait_until(sub { grep { /\Q$id\E/ } $monitor->since($mark) }, 5, 'the sentinel in MONITOR');
    my $me = my_redis_port();
    return ($sentinel, [ grep { !/ 127\.0\.0\.1:$me\]/ } $monitor->since($mark) ]);
}

# the session ids the gateways named in Redis commands
sub ids_in {
    my ($lines) = @_;
    my %ids;
    for (@$lines) { $ids{$1} = 1 while /maint:(?:session|revoked):([0-9a-f]{64})/g }
    return [ sort keys %ids ];
}

sub workers_alive {
    my ($before, $name) = @_;
    my @now = $nginx->workers;
    is_deeply(\@now, $before, "$name: the same workers are alive (none crashed)");
}

# ---------------------------------------------------------------------------
# a session that is not ended passes untouched

state();

{
    my $v = rand_value();
    my $r = req('/page', cookies => ["theme=dark; sid=$v; lang=en"]);
    is_intact($r, 'a live session', $v);
    is(upstream_cookie($r), "theme=dark; sid=$v; lang=en",
       'a live session: the Cookie header reaches the upstream exactly as sent');

    my $n = req('/page', cookies => ['theme=dark']);
    is($n->{status}, 200, 'no session cookie: passes');
    is(st($n), 'pass', 'no session cookie: $maint_status pass');
    is(upstream_cookie($n), 'theme=dark', 'no session cookie: other cookies untouched');
}

# ---------------------------------------------------------------------------
# revocation: every worker's very next request is logged off

my $revoked = rand_value();
{
    my ($res, $workers) = from_both_workers(
        sub { req("/warm$_[0]", cookies => ["theme=dark; sid=$revoked; lang=en"]) }, 8);
    is($workers, 2, 'before the revocation: both workers have seen the session');
    is(scalar(grep { $_->{status} == 200 && st($_) eq 'pass' && sid_pairs(upstream_cookie($_)) }
                   @$res), scalar @$res, 'before the revocation: every request passes with its session');

    revoke_session($redis, $revoked);

    ($res, $workers) = from_both_workers(
        sub { req("/after$_[0]", cookies => ["theme=dark; sid=$revoked; lang=en"]) }, 8);
    is($workers, 2, 'after the revocation: both workers answered');
    my @bad = grep { st($_) ne 'revoked' || sid_pairs(upstream_cookie($_)) || !sid_expiries($_) } @$res;
    ok(!@bad, 'after the revocation: the very next request of every worker is logged off')
        or diag(join "\n", map { "$_->{status} " . st($_) . ' ' . (upstream_cookie($_) // '-') } @bad);
    is_logged_off($res->[0], 'revoked session', keep => ['theme=dark', 'lang=en']);

    my $again = req('/again', cookies => ["sid=$revoked"]);
    is_logged_off($again, 'revoked session, alone in the header');
}

# the app answering a logged-off request with a new session of its own: no
# expiry added next to it
{
    my $new = rand_value();
    my $r = req('/set/', cookies => ["sid=$revoked"], headers => { 'X-Set' => $new });
    is(st($r), 'revoked', 'a revoked session, the app sets a new one: logged off');
    ok(!sid_pairs(upstream_cookie($r)), 'the app sets a new one: it got no session cookie')
        if defined upstream_cookie($r);
    is_deeply([ grep { /^sid=/ } set_cookies($r) ], ["sid=$new; Path=/"],
              'the app sets a new session: only its Set-Cookie, the edge adds no expiry');
    ok(wait_registered($new, 'first_seen', 'the new session'), 'the app sets a new session: registered');
}

# cookies whose names merely resemble the session cookie are not it
for my $c (["xsid=$revoked", 'a cookie named xsid'],
           ["sid2=$revoked", 'a cookie named sid2'],
           ["other=sid=$revoked", 'a value that contains "sid="']) {
    my ($cookie, $name) = @$c;
    my $r = req('/similar', cookies => [$cookie]);
    is($r->{status}, 200, "$name: passes");
    is(st($r), 'pass', "$name: not a session, \$maint_status pass");
    is(upstream_cookie($r), $cookie, "$name: reaches the upstream untouched");
    ok(!sid_expiries($r), "$name: nothing expired");
}

# path= and domain= are used to expire it
{
    my $r = req('/scoped/page', cookies => ["sid=$revoked; theme=dark"]);
    is_logged_off($r, 'maint_session_cookie path=/scoped domain=example.test',
                  keep => ['theme=dark'], path => '/scoped', domain => 'example.test');
}

# maint_session_revoked 401: answered at the edge, HTML or problem+json
{
    my $r = req('/edge401/page', cookies => ["sid=$revoked"], headers => { Accept => $HTML });
    is($r->{status}, 401, 'maint_session_revoked 401: 401 for a browser') or diag($r->{raw});
    is(st($r), 'revoked', 'maint_session_revoked 401: $maint_status revoked');
    like($r->{headers}{'content-type'} // '', qr{^text/html\b}, 'maint_session_revoked 401: an HTML page');
    like($r->{body}, qr/session\b.*\bended/is, 'maint_session_revoked 401: the page says the session has ended');
    ok(!defined upstream_cookie($r), 'maint_session_revoked 401: the upstream was not asked');
    expiry_ok($r, 'maint_session_revoked 401 (HTML)');

    my $j = req('/edge401/api', cookies => ["sid=$revoked"], headers => { Accept => 'application/json' });
    is($j->{status}, 401, 'maint_session_revoked 401: 401 for an API client');
    like($j->{headers}{'content-type'} // '', qr{^application/problem\+json\b},
         'maint_session_revoked 401: problem+json for an API client');
    my $doc = eval { decode_json($j->{body}) } // {};
    is($doc->{status}, 401, 'maint_session_revoked 401: problem status member');
    ok(defined $doc->{title} && length $doc->{title}, 'maint_session_revoked 401: problem title');
    expiry_ok($j, 'maint_session_revoked 401 (JSON)');

    my $live = rand_value();
    is_intact(req('/edge401/page', cookies => ["sid=$live"]), 'maint_session_revoked 401, a live session', $live);
}

# maint_session_revoked redirect=/login
{
    my $r = req('/redirect/page', cookies => ["sid=$revoked"]);
    is($r->{status}, 303, 'maint_session_revoked redirect=/login: 303') or diag($r->{raw});
    is($r->{headers}{location}, '/login', 'maint_session_revoked redirect=/login: Location /login');
    is(st($r), 'revoked', 'maint_session_revoked redirect: $maint_status revoked');
    ok(!defined upstream_cookie($r), 'maint_session_revoked redirect: the upstream was not asked');
    expiry_ok($r, 'maint_session_revoked redirect');

    my $h = req('/redirect/page', cookies => ["sid=$revoked"], host => 'evil.example');
    is($h->{headers}{location}, '/login', 'maint_session_revoked redirect, a foreign Host header: still Location /login');

    my $live = rand_value();
    is_intact(req('/redirect/page', cookies => ["sid=$live"]), 'maint_session_revoked redirect, a live session', $live);
}

# ---------------------------------------------------------------------------
# every value of the cookie counts

{
    my $first = rand_value();
    my @cases = (
        ['two values in one header, the second revoked', ["a=1; sid=$first; b=2; sid=$revoked; c=3"]],
        ['two values in one header without spaces', ["a=1;sid=$first;sid=$revoked;c=3"]],
        ['two Cookie headers, the second revoked', ["a=1; sid=$first; b=2", "sid=$revoked; c=3"]],
        ['two Cookie headers, each with other cookies', ["a=1; sid=$first", "b=2; sid=$revoked; c=3"]],
    );
    for my $c (@cases) {
        my ($name, $cookies) = @$c;
        my $r = req('/dup', cookies => $cookies);
        is_logged_off($r, $name, keep => [ grep { /^[abc]=/ } map { split /;\s*/ } @$cookies ]);
        unlike(upstream_cookie($r) // '', qr/\Q$first\E|\Q$revoked\E/,
               "$name: neither value reaches the upstream");
    }

    # values this worker does not know cost one lookup a request (two
    # commands); the others are stripped, never passed unchecked, and get
    # their turn in later requests
    my @eight = map { rand_value() } 1 .. 8;
    my $e = req('/many', cookies => [ join('; ', map { "sid=$_" } @eight) ]);
    is(st($e), 'pass', '8 new live values of the cookie: pass');
    is_deeply([ sid_pairs(upstream_cookie($e)) ], ["sid=$eight[0]"],
              '8 new live values: the first is looked up and reaches the upstream, the others are stripped');
    my $all;
    for (1 .. 40) {
        $e = req('/many', cookies => [ join('; ', map { "sid=$_" } @eight) ]);
        last if ($all = scalar(sid_pairs(upstream_cookie($e)))) == 8;
    }
    is($all, 8, '8 live values: all reach the upstream once each was looked up');

    # more than 8 values is not something a browser sends: logged off
    my @nine = map { rand_value() } 1 .. 9;
    is_logged_off(req('/many', cookies => [ join('; ', 'theme=dark', map { "sid=$_" } @nine) ]),
                  '9 live values of the cookie', keep => ['theme=dark']);
    is_logged_off(req('/many', cookies => [ join('; ', map { "sid=$_" } @nine[0 .. 4]),
                                            join('; ', map { "sid=$_" } @nine[5 .. 8]) ]),
                  '9 live values over two Cookie headers');

    # two live values: one new value is looked up a request, so both
    # reach the upstream once the worker knows them
    my $second = rand_value();
    my $r;
    for (1 .. 20) {
        $r = req('/dup', cookies => ["sid=$first", "sid=$second"]);
        last if sid_pairs(upstream_cookie($r)) == 2;
    }
    is($r->{status}, 200, 'two live values: pass');
    is(st($r), 'pass', 'two live values: $maint_status pass');
    is_deeply([ sid_pairs(upstream_cookie($r)) ], ["sid=$first", "sid=$second"],
              'two live values: both reach the upstream');
}

# ---------------------------------------------------------------------------
# hostile values: no crash, no lookup for malformed ones, no escape from a
# revocation next to them

{
    my @workers = $nginx->workers;
    # kind: "stripped" (over 4096 bytes, bytes outside printable ASCII:
    # never looked up, never sent on), "checked" (a session like any other,
    # whatever an app makes of its odd bytes), "any" (whatever the parse,
    # the edge must survive it)
    my @hostile = (
        { name => 'CRLF inside the header', cookie => "sid=crlf1\r\nX-Injected: 1", kind => 'any', nocombo => 1 },
        { name => 'a NUL byte', cookie => "sid=nul1\0nul2", kind => 'any', nocombo => 1 },
        { name => 'a lone CR', cookie => "sid=cr1\rcr2", kind => 'any', nocombo => 1 },
        { name => 'printf directives', cookie => 'sid=%n%n%s%s%x%p', kind => 'checked' },
        { name => '8 KiB value', cookie => 'sid=' . ('a' x 8192), kind => 'stripped' },
        { name => '4097 bytes', cookie => 'sid=' . ('b' x 4097), kind => 'stripped' },
        { name => 'non-UTF-8 bytes', cookie => "sid=\xff\xfe\xc3\x28\x80bad", kind => 'stripped' },
        { name => 'a quote inside', cookie => 'sid=ab"cd', kind => 'checked' },
        { name => 'an unbalanced quote', cookie => 'sid="abcd', kind => 'any' },
        { name => 'a backslash', cookie => 'sid=ab\\cd', kind => 'checked' },
        { name => 'a comma', cookie => 'sid=ab,cd', kind => 'any' },
        { name => 'a space inside', cookie => 'sid=ab cd', kind => 'checked' },
        { name => 'a control character', cookie => "sid=ab\x01cd", kind => 'stripped' },
        { name => 'DEL', cookie => "sid=ab\x7fcd", kind => 'stripped' },
        { name => 'a tab inside', cookie => "sid=ab\tcd", kind => 'stripped' },
        { name => 'semicolons everywhere', cookie => 'sid=;;;sid;;=;=sid;', kind => 'any' },
        { name => 'an empty value', cookie => 'sid=', kind => 'any' },
        { name => 'the name alone', cookie => 'sid', kind => 'any' },
        { name => 'only separators', cookie => ';;; ; ;', kind => 'any' },
    );

    # the ids a gateway may legitimately look up: those of the well-formed
    # values this test sends (a bumped revocations counter has the workers
    # check again the sessions they hold)
    my %known_value = map { $_ => 1 } '%n%n%s%s%x%p', 'crlf1', 'nul1', 'cr1', '';

    for my $h (@hostile) {
        my $n = "hostile value, $h->{name}";
        my ($value) = $h->{cookie} =~ /^sid=(.*)$/s;

        # a value on the blacklist is ended if, and only if, it is looked up
        revoke_session($redis, $value) if $h->{kind} ne 'any';

        if ($h->{kind} eq 'stripped') {
            # its first use: whatever the parse, nothing new is looked up
            my ($sentinel, $lines) = with_sentinel(request_text('GET', '/hostile', cookies => [$h->{cookie}]), $n);
            my %known = map { session_id($_) => 1 } @RAW, keys %known_value;
            my @ids = @{ ids_in($lines) };
            ok(grep({ $_ eq session_id($sentinel) } @ids), "$n: MONITOR saw the sentinel");
            my @unknown = grep { !$known{$_} } @ids;
            ok(!@unknown, "$n: no session id but those of known well-formed values was sent to Redis")
                or diag(join "\n", grep { my $l = $_; grep { $l =~ /$_/ } @unknown } @$lines);
        }

        my $r = req('/hostile', cookies => [$h->{cookie}]);
        ok($r->{status} && $r->{status} < 500, "$n: answered, not an error ($r->{status})")
            or diag($r->{raw} // $r->{error});

        if ($h->{kind} eq 'stripped') {
            is(st($r), 'pass', "$n: no session at all, even with its hash on the blacklist");
            ok(!sid_expiries($r), "$n: nothing to expire");
            ok(!sid_pairs(upstream_cookie($r)), "$n: never reaches the upstream");
        }

        if ($h->{kind} eq 'checked') {
            is(st($r), 'revoked', "$n: a well-formed value is a session like any other (revoked, logged off)");
        }

        next if $h->{nocombo};
        # a revoked value this worker knows is logged off whatever comes
        # with it; one it must look up again may be stripped instead when
        # a checked hostile value took the request's one lookup: either
        # way it never reaches the upstream
        for my $order ([ $h->{cookie}, "sid=$revoked" ], [ "sid=$revoked", $h->{cookie} ]) {
            my $which = $order->[0] eq "sid=$revoked" ? 'after' : 'before';
            my $c = req('/hostile', cookies => [ join('; ', @$order) ]);
            ok(st($c) eq 'revoked' || ($h->{kind} ne 'stripped' && st($c) eq 'pass'),
               "$n, $which a revoked value: logged off, or the revoked value stripped")
                or diag($c->{raw} // $c->{error});
            ok(!grep({ $_ eq "sid=$revoked" } sid_pairs(upstream_cookie($c))),
               "$n, $which a revoked value: the revoked value never reaches the upstream");
            ok(sid_expiries($c) >= 1, "$n, $which a revoked value: expired in the response")
                if st($c) eq 'revoked';
        }
        my $two = req('/hostile', cookies => [ $h->{cookie}, "sid=$revoked" ]);
        is(st($two), 'revoked', "$n, a revoked value in a second Cookie header: logged off");
    }

    workers_alive(\@workers, 'after the hostile values');
    my $v = rand_value();
    is_intact(req('/after-hostile', cookies => ["sid=$v"]), 'after the hostile values, a live session', $v);
    my @alerts = $nginx->log_lines(qr/\[alert\]|\[emerg\]|exited on signal/);
    ok(!@alerts, 'after the hostile values: no [alert] in the error log') or diag(@alerts);

    # exactly 4096 bytes of cookie-octets is still a session
    my $max = 'c' x 4096;
    revoke_session($redis, $max);
    my $r = req('/max', cookies => ["sid=$max; theme=dark"]);
    is_logged_off($r, 'a revoked 4096-byte value (the longest there is)', keep => ['theme=dark']);
}

# ---------------------------------------------------------------------------
# explicit cutoffs: session_cutoffs {app or "*": epoch s}

{
    my $c = int(redis_now_ms($redis) / 1000);
    my $cms = $c * 1000;
    my $old = ($c - 600) * 1000;

    # each: the registry entry (undef: none)
    my @cases = (
        ['never registered', undef],
        ['registered without first_seen', { last_seen => $cms - 1000 }],
        ['first_seen a minute before the cutoff', { first_seen => $cms - 60000 }],
        ['first_seen a millisecond before the cutoff', { first_seen => $cms - 1 }],
        ['first_seen exactly at the cutoff', { first_seen => $cms }],
        ['first_seen after the cutoff', { first_seen => $cms + 5000 }],
        ['older, kept_at exactly at the cutoff', { first_seen => $old, kept_at => $cms }],
        ['older, kept_at after the cutoff', { first_seen => $old, kept_at => $cms + 1 }],
        ['older, kept_at before the cutoff', { first_seen => $old, kept_at => $cms - 1000 }],
        ['older, a superadmin\'s (no exception from a cutoff)',
         { first_seen => $old, superadmin => 'root', user => 'root' }],
    );

    # the rule of docs/redis-schema.md, step 2: ended unless first_seen or
    # kept_at >= the cutoff (epoch s; the fields are ms)
    my $ended = sub {
        my ($entry, $cut) = @_;
        return 0 unless defined $cut;
        return 0 if $entry && (($entry->{first_seen} // -1) >= $cut * 1000
                               || ($entry->{kept_at} // -1) >= $cut * 1000);
        return 1;
    };

    # each: the label, session_cutoffs, the cutoff that then applies to each app
    my @configs = (
        ['{shop: now}', { shop => $c }, { shop => $c, crm => undef }],
        ['{"*": now}', { '*' => $c }, { shop => $c, crm => $c }],
        ['{crm: now}', { crm => $c }, { shop => undef, crm => $c }],
        ['{shop: an hour ago, "*": now} (the later one counts)', { shop => $c - 3600, '*' => $c },
         { shop => $c, crm => $c }],
        ['{shop: now, "*": an hour ago} (the later one counts)', { shop => $c, '*' => $c - 3600 },
         { shop => $c, crm => $c - 3600 }],
    );

    for my $cfg (@configs) {
        my ($label, $cutoffs, $applies) = @$cfg;
        state(cutoffs => $cutoffs, superadmins => [ { name => 'root', credential => sha256_hex('x') } ]);
        for my $app (qw(shop crm)) {
            my $path = $app eq 'crm' ? '/crm/cut' : '/cut';
            for my $case (@cases) {
                my ($name, $entry) = @$case;
                my $v = rand_value();
                write_entry($v, app => $app, %$entry) if $entry;
                my $r = req($path, cookies => ["sid=$v; theme=dark"]);
                my $n = "cutoff $label, app $app, $name";
                if ($ended->($entry, $applies->{$app})) {
                    is_logged_off($r, "$n: ended", keep => ['theme=dark']);
                } else {
                    is_intact($r, "$n: active", $v);
                }
            }
        }
    }

    # kept_at written later (with revocations bumped, as the admin API does)
    # brings the session back on the next request of every worker
    state(cutoffs => { shop => $c });
    my $v = rand_value();
    write_entry($v, app => 'shop', first_seen => $old);
    my ($res, $w) = from_both_workers(sub { req('/kept', cookies => ["sid=$v"]) }, 6);
    ok(!grep({ st($_) ne 'revoked' } @$res), 'a session older than the cutoff: ended on both workers');
    $redis->atomically(['HSET', session_key($v), 'kept_at', $cms + 10],
                       ['HINCRBY', 'maint:state', 'revocations', 1]);
    ($res, $w) = from_both_workers(sub { req('/kept', cookies => ["sid=$v"]) }, 6);
    is($w, 2, 'kept_at: both workers answered');
    ok(!grep({ st($_) ne 'pass' || !sid_pairs(upstream_cookie($_)) } @$res),
       'kept_at set afterwards: the session is active again on every worker\'s next request');

    # a cutoff written while the workers hold the session as active ends it
    # on their very next request
    state();
    my $cached = rand_value();
    write_entry($cached, app => 'shop', first_seen => $old);
    ($res, $w) = from_both_workers(sub { req('/cached', cookies => ["sid=$cached"]) }, 6);
    ok(!grep({ st($_) ne 'pass' } @$res), 'no cutoff: an old session is active on both workers');
    state(cutoffs => { shop => $c });
    ($res, $w) = from_both_workers(sub { req('/cached', cookies => ["sid=$cached"]) }, 6);
    is($w, 2, 'new cutoff: both workers answered');
    ok(!grep({ st($_) ne 'revoked' } @$res),
       'a cutoff written while workers hold the session: ended on every worker\'s next request');
}

# ---------------------------------------------------------------------------
# windows with terminate_sessions

{
    my @sa = map { { name => $_, credential => sha256_hex("$_-credential"), credential_id => test_cid($_) } }
             qw(root ops);
    my $w = window($redis, id => 'wt', apps => ['shop'], mode => 'read_only',
                   terminate_sessions => JSON::PP::true, start => -120, end => 3600);
    my $s = $w->{start} * 1000;
    my $before = $s - 60000;
    state(windows => [$w], superadmins => \@sa);

    my @cases = (
        ['never registered', undef, 1],
        ['registered without first_seen', { last_seen => $s - 1000 }, 1],
        ['first_seen before the start', { first_seen => $before }, 1],
        ['first_seen exactly at the start', { first_seen => $s }, 0],
        ['first_seen after the start', { first_seen => $s + 1000 }, 0],
        ['kept_at after the start', { first_seen => $before, kept_at => $s + 1 }, 0],
        ['a superadmin\'s (superadmin field on the list)',
         { first_seen => $before, superadmin => 'root', superadmin_cid => test_cid('root') }, 0],
        ['a superadmin\'s made under an earlier credential (rotated since)',
         { first_seen => $before, superadmin => 'root', superadmin_cid => 'c_before_rotation' }, 1],
        ['a superadmin\'s written without the credential id', { first_seen => $before, superadmin => 'root' }, 1],
        # the app's user name is the app's word, never a superadmin's (issue 12 E)
        ['an app user named like a superadmin on the list, never seen created', { user => 'ops' }, 1],
        ['an app user named like a superadmin on the list, seen before the start', { first_seen => $before, user => 'ops' }, 1],
        ['superadmin field naming someone not on the list', { first_seen => $before, superadmin => 'ghost' }, 1],
        ['user not on the list', { first_seen => $before, user => 'mallory' }, 1],
    );

    for my $case (@cases) {
        my ($name, $entry, $ended) = @$case;
        my $v = rand_value();
        write_entry($v, app => 'shop', %$entry) if $entry;
        my $r = req('/term', cookies => ["sid=$v; theme=dark"]);
        my $n = "terminate_sessions window started, $name";
        if ($ended) {
            is_logged_off($r, "$n: ended", keep => ['theme=dark']);
        } else {
            is_intact($r, "$n: active", $v);
        }
        # the window covers shop only
        my $o = rand_value();
        write_entry($o, app => 'crm', %$entry) if $entry;
        is_intact(req('/crm/term', cookies => ["sid=$o"]), "$name, app crm not covered by the window", $o);
    }

    # a superadmin removed from the list loses the exception
    my $sav = rand_value();
    write_entry($sav, app => 'shop', first_seen => $before, superadmin => 'root',
                superadmin_cid => test_cid('root'));
    is_intact(req('/term', cookies => ["sid=$sav"]), 'superadmin session during the window', $sav);
    state(windows => [$w], superadmins => [ $sa[1] ]);
    is_logged_off(req('/term', cookies => ["sid=$sav"]),
                  'the superadmin removed from the snapshot: the session is ended on the next request');

    # before its start nothing is ended
    my $soon = window($redis, id => 'ws', apps => ['shop'], terminate_sessions => JSON::PP::true,
                      start => 600, end => 3600);
    state(windows => [$soon], superadmins => \@sa);
    my $v = rand_value();
    my $r = req('/soon', cookies => ["sid=$v"]);
    is_intact($r, 'terminate_sessions window not started yet: a never-seen session', $v, decision => 'notice');

    # a window without terminate_sessions ends nothing
    my $plain = window($redis, id => 'wp', apps => ['shop'], mode => 'read_only', start => -120, end => 3600);
    state(windows => [$plain], superadmins => \@sa);
    $v = rand_value();
    is_intact(req('/plain', cookies => ["sid=$v"]), 'window without terminate_sessions: a never-seen session', $v);

    # a full window: "logged off, window or not"
    my $full = window($redis, id => 'wf', apps => ['shop'], terminate_sessions => JSON::PP::true,
                      start => -120, end => 3600);
    state(windows => [$full], superadmins => \@sa);
    $v = rand_value();
    $r = req('/full', cookies => ["sid=$v"]);
    is(st($r), 'revoked', 'full terminate_sessions window, a pre-window session: $maint_status revoked');
    ok(sid_expiries($r) >= 1, 'full terminate_sessions window, a pre-window session: the cookie is expired');
    unlike($r->{body}, qr/\Q$v\E/, 'full terminate_sessions window: the session never reaches the upstream');
    my $fresh = rand_value();
    write_entry($fresh, app => 'shop', first_seen => $full->{start} * 1000 + 1000);
    $r = req('/full', cookies => ["sid=$fresh"]);
    is($r->{status}, 503, 'full window, a session created since its start: the maintenance page like anyone');
    is(st($r), 'maintenance', 'full window, a session created since its start: $maint_status maintenance');
    ok(!sid_expiries($r), 'full window, a session created since its start: not expired');
}

# ---------------------------------------------------------------------------
# the registry

state();

{
    my $v = rand_value();
    my $t0 = redis_now_ms($redis);
    my $r = req('/set/', headers => { 'X-Set' => $v });
    is($r->{status}, 200, 'the upstream sets the session cookie');
    ok(grep({ $_ eq "sid=$v; Path=/" } set_cookies($r)), 'the app\'s Set-Cookie reaches the client unchanged');
    my $h = wait_registered($v, 'first_seen', 'registration on Set-Cookie') || {};
    my $t1 = redis_now_ms($redis);
    ok(($h->{first_seen} // 0) >= $t0 - 1000 && ($h->{first_seen} // 0) <= $t1 + 1000,
       "registry: first_seen is now on the Redis clock, in ms ($h->{first_seen} in [$t0, $t1])")
        or diag(explain $h);
    is($h->{app}, 'shop', 'registry: app');
    is($h->{addr}, '127.0.0.1', 'registry: client address');
    is($h->{user_agent}, substr($UA, 0, 200), 'registry: the first 200 bytes of the User-Agent');
    ok(!exists $h->{user}, 'registry: no user when maint_session_user gives none');
    ok(!exists $h->{superadmin}, 'registry: no superadmin for a request that was not bypassed');
    my $score = $redis->cmd('ZSCORE', 'maint:sessions', session_id($v));
    ok(defined $score && $score >= $t0 - 1000 && $score <= redis_now_ms($redis) + 1000,
       'registry: indexed in maint:sessions, scored in ms on the Redis clock');
    my $ttl = $redis->cmd('PTTL', session_key($v));
    ok($ttl > ($IDLE_MINUTES - 1) * 60000 && $ttl <= $IDLE_MINUTES * 60000,
       "registry: expires after session_idle_minutes ($ttl ms)");

    my $b = rand_value();
    req('/set/?user=bob', headers => { 'X-Set' => $b });
    my $hb = wait_registered($b, 'first_seen', 'registration with a user') || {};
    is($hb->{user}, 'bob', 'registry: maint_session_user $upstream_http_x_user gives the user');

    # Set-Cookies that do not create a session
    for my $c (['/set-max-age-0/', 'Max-Age=0'], ['/set-past-expires/', 'Expires in the past'],
               ['/set-other/', 'another cookie name']) {
        my ($loc, $name) = @$c;
        my $x = rand_value();
        with_sentinel(request_text('GET', $loc, headers => { 'X-Set' => $x }), "Set-Cookie with $name");
        is($redis->cmd('EXISTS', session_key($x)), 0, "Set-Cookie with $name: not registered");
        ok(!defined $redis->cmd('ZSCORE', 'maint:sessions', session_id($x)),
           "Set-Cookie with $name: not indexed");
    }
    with_sentinel(request_text('GET', '/set/', headers => { 'X-Set' => '' }), 'Set-Cookie with an empty value');
    is($redis->cmd('EXISTS', session_key('')), 0, 'Set-Cookie with an empty value: not registered');

    # a value the registry does not hold: seen in a request, nothing is
    # written (random values must not fill Redis; docs/sessions.md)
    my $u = rand_value();
    my ($sent, $lines) = with_sentinel(request_text('GET', '/seen', cookies => ["sid=$u"]),
                                       'a session the registry does not hold');
    is($redis->cmd('EXISTS', session_key($u)), 0, 'an unknown session seen in a request: not registered');
    ok(!defined $redis->cmd('ZSCORE', 'maint:sessions', session_id($u)),
       'an unknown session seen in a request: not indexed');
    ok(!grep({ /\bHSET\b.*\Q${\ session_id($u)}\E/i } @$lines),
       'an unknown session seen in a request: no HSET for it');

    # a session the registry holds: last_seen, app and address follow it
    my $k = rand_value();
    my $old = redis_now_ms($redis) - 10 * 60000;
    write_entry($k, first_seen => $old, last_seen => $old, app => 'shop', addr => '192.0.2.9',
                user_agent => 'old');
    my $t2 = redis_now_ms($redis);
    req('/seen', cookies => ["sid=$k"]);
    my $hu = wait_until(sub { my $h = session_hash($k); ($h->{last_seen} // 0) > $old ? $h : undef },
                        5, 'last_seen of a registered session') || {};
    ok(($hu->{last_seen} // 0) >= $t2 - 1000 && ($hu->{last_seen} // 0) <= redis_now_ms($redis) + 1000,
       'seen in a request: last_seen is now, in ms');
    is($hu->{first_seen}, $old, 'seen in a request: first_seen unchanged');
    is($hu->{app}, 'shop', 'seen in a request: app');
    is($hu->{addr}, '127.0.0.1', 'seen in a request: address');
    my $seen_score = $redis->cmd('ZSCORE', 'maint:sessions', session_id($k));
    ok(defined $seen_score && $seen_score > $old, 'seen in a request: indexed with the new last_seen');

    my $cr = rand_value();
    write_entry($cr, first_seen => $old, last_seen => $old, app => 'shop');
    req('/crm/seen', cookies => ["sid=$cr"]);
    my $hc = wait_until(sub { my $h = session_hash($cr); ($h->{last_seen} // 0) > $old ? $h : undef },
                        5, 'a crm session') || {};
    is($hc->{app}, 'crm', 'seen in a crm location: app crm');
}

# ---------------------------------------------------------------------------
# Redis stopped: revocation checks never hold a request beyond the timeout

{
    $redis->signal('STOP');
    my @res;
    for my $i (1 .. 20) {
        my $v = $i % 2 ? $revoked : rand_value();
        push @res, req("/stopped$i", cookies => ["sid=$v"]);
    }

    # sessions the app creates now, while the workers wait for Redis
    # again: their registration is kept and sent once it answers
    my @created = map { rand_value() } 1 .. 4;
    my @set = map { raw_http(request_text('GET', '/set/', headers => { 'X-Set' => $_ })) } @created;
    $redis->signal('CONT');
    my ($worst) = sort { $b <=> $a } map { $_->{time} } @res;
    ok($worst <= $BOUND, sprintf('Redis stopped: slowest request with a session %.0f ms <= %.0f ms',
                                 $worst * 1000, $BOUND * 1000));
    is(scalar(grep { $_->{status} && $_->{status} < 500 } @res), 20,
       'Redis stopped: every request with a session answered');

    ok(wait_until(sub {
        my %fresh;
        for (1 .. 30) {
            my $r = req('/probe');
            return undef unless ($r->{headers}{'x-maint-source'} // '') eq 'fresh';
            $fresh{ $r->{headers}{'x-worker'} } = 1;
            return 1 if keys %fresh == 2;
        }
        return undef;
    }, 10, 'fresh again'), 'Redis continued: both workers fresh again');
    is(scalar(grep { ($_->{status} // 0) == 200 } @set), 4, 'Redis stopped: the app created 4 sessions');
    for my $c (@created) {
        my $h = wait_registered($c, 'first_seen', 'a session created while Redis was stopped');
        ok($h && $h->{app} eq 'shop',
           'Redis continued: a session created while it was stopped is in the registry');
    }
    is(st(req('/after-stop', cookies => ["sid=$revoked"])), 'revoked', 'Redis continued: the revoked session is still ended');
    my $v = rand_value();
    is_intact(req('/after-stop', cookies => ["sid=$v"]), 'Redis continued: a live session', $v);
}

# ---------------------------------------------------------------------------
# no raw cookie value in Redis, in what was sent to it, or in the error log

{
    my $dump = '';
    for my $k (@{ $redis->cmd('KEYS', '*') }) {
        my $t = $redis->cmd('TYPE', $k);
        my $v = $t eq 'string' ? $redis->cmd('GET', $k)
              : $t eq 'hash'   ? $redis->cmd('HGETALL', $k)
              : $t eq 'zset'   ? $redis->cmd('ZRANGE', $k, 0, -1)
              : $t eq 'set'    ? $redis->cmd('SMEMBERS', $k)
              : $t eq 'list'   ? $redis->cmd('LRANGE', $k, 0, -1)
              : $t eq 'stream' ? $redis->cmd('XRANGE', $k, '-', '+')
              : '';
        $dump .= "$k\n" . flat($v) . "\n";
    }
    my @in_redis = grep { index($dump, $_) >= 0 } @RAW;
    ok(!@in_redis, sprintf('no raw cookie value (%d used) in any Redis key or value', scalar @RAW))
        or diag("found: @in_redis[0 .. ($#in_redis > 4 ? 4 : $#in_redis)]");

    my $sent = join "\n", $monitor->since(0);
    my @in_cmds = grep { index($sent, $_) >= 0 } @RAW;
    ok(!@in_cmds, 'no raw cookie value in any command sent to Redis (MONITOR)')
        or diag("found: @in_cmds[0 .. ($#in_cmds > 4 ? 4 : $#in_cmds)]");
    ok(scalar(grep { /maint:revoked:[0-9a-f]{64}/ } split /\n/, $sent),
       'MONITOR did see the gateways look sessions up (the check above is not vacuous)');
}

$monitor->stop;
$nginx->stop;

{
    open(my $f, '<', $nginx->error_log) or die $!;
    local $/;
    my $log = <$f> // '';
    my @in_log = grep { index($log, $_) >= 0 } @RAW;
    ok(!@in_log, 'no raw cookie value in the error log')
        or diag("found: @in_log[0 .. ($#in_log > 4 ? 4 : $#in_log)]");
}

check_error_log($nginx);
$redis->stop;

done_testing();

sub flat {
    my ($v) = @_;
    return '' unless defined $v;
    return join("\n", map { flat($_) } @$v) if ref $v eq 'ARRAY';
    return "$v";
}

