# A keep-alive connection's requests are judged one by one, whatever the
# edge keeps between them (docs/sessions.md, "One connection, many
# requests"): the Cookie header a request shares byte for byte with the one
# before is not read again, and yet a session ended meanwhile is ended on
# that connection at its next request, a changed header is read anew
# (an edge cookie added is still stripped), a header in another location
# is read with that location's cookie name, a value not checked stays
# stripped request after request, and two Cookie headers are read as two.
# All on one TCP connection each, as a browser keeps it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use KeepAlive;

my $redis = start_redis();
my $up = free_port();

my $nginx = start_nginx(redis => $redis, vars => { UP => $up }, http => <<'HTTP' . cookie_echo_server());
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=200ms;

    server {
        listen 127.0.0.1:%%PORT%%;
        keepalive_requests 1000;
        maint on;
        maint_app shop;
        maint_session_cookie sid;

        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /named/ {
            maint_session_cookie app_sid;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
    }
HTTP

my $port = $nginx->port;
set_state($redis, windows => []);

# One connection; each call sends a request on it and reads its response,
# the connection left open; "upstream" is the Cookie header the app got.
sub connection {
    my $c = KeepAlive->new($port);
    return sub {
        my ($path, @cookies) = @_;
        my $r = $c->request(path => $path, cookies => \@cookies);
        $r->{upstream} = upstream_cookie($r);
        return $r;
    };
}

my $a = 'keepalive-a-' . int(rand 1e9);
my $b = 'keepalive-b-' . int(rand 1e9);
live_session($redis, $_) for $a, $b;

# --- a session ended between two requests of one connection -------------

{
    my $req = connection();
    my $header = "sid=$a; theme=dark";
    for my $i (1 .. 3) {
        my $r = $req->('/p', $header);
        is($r->{upstream}, $header, "request $i: the app gets the header as sent");
    }

    revoke_session($redis, $a);

    my $r = $req->('/p', $header);
    is($r->{upstream}, 'theme=dark',
       'the same header after the session was ended: its cookie is gone');
    like($r->{headers}{'set-cookie'} // '', qr/^sid=; Max-Age=0/,
         '... and the answer expires it');
    $r = $req->('/p', $header);
    is($r->{upstream}, 'theme=dark', '... and again on the next request');
}

# --- a header that changes, and one that changes back -------------------

{
    my $req = connection();
    my $r = $req->('/p', "sid=$b");
    is($r->{upstream}, "sid=$b", 'a live session passes');
    $r = $req->('/p', "sid=$b; maint_bypass=forged");
    is($r->{upstream}, "sid=$b",
       'the same connection, an edge cookie added: stripped');
    $r = $req->('/p', "sid=$b; MAINT_BYPASS=forged");
    is($r->{upstream}, "sid=$b", '... under another letter case too');
    $r = $req->('/p', "sid=$b");
    is($r->{upstream}, "sid=$b", 'the first header again: passes as it was');
    $r = $req->('/p', "sid=$b; SID=$a");
    is($r->{upstream}, "sid=$b", 'an alias of the session cookie added: stripped');
    $r = $req->('/p', "sid=$b");
    is($r->{upstream}, "sid=$b", '... and the header without it passes again');
}

# --- another location, another cookie name, the same header -------------

{
    my $req = connection();
    my $header = "app_sid=$a; sid=$b";
    my $r = $req->('/p', $header);
    is($r->{upstream}, $header,
       '/p: sid is checked (live); app_sid is nothing to it');
    $r = $req->('/named/p', $header);
    is($r->{upstream}, "sid=$b",
       '/named/, the same header on the same connection: app_sid is its '
       . 'session (ended) and goes');
    $r = $req->('/p', $header);
    is($r->{upstream}, $header, 'back in /p: as the first time');
}

# --- a value not checked stays stripped ---------------------------------

{
    my $req = connection();
    my $long = 'x' x 5000;
    for my $i (1 .. 2) {
        my $r = $req->('/p', "sid=$long; theme=dark");
        is($r->{upstream}, 'theme=dark',
           "request $i: a value too long to check is stripped");
    }
}

# --- two Cookie headers: read as two, each time -------------------------

{
    my $req = connection();
    for my $i (1 .. 2) {
        my $r = $req->('/p', "theme=dark", "sid=$a");
        # NGINX joins the two headers for the upstream: "theme=dark; "
        like($r->{upstream} // '', qr/^theme=dark;? ?$/,
             "request $i: the ended session in a second Cookie header goes");
    }
    my $r = $req->('/p', "sid=$a");
    is($r->{upstream}, '', '... and alone in one header');
}

is(scalar(() = $nginx->log_lines(qr/\[(?:alert|crit|emerg)\]/)), 0,
   'no alert in the error log');

$nginx->stop;
$redis->stop;
done_testing();
