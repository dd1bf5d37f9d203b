# Allowed paths and "maint off" locations are judged on NGINX's normalised
# URI, while "proxy_pass" without a URI part sends the request target on
# as the client wrote it (issue 12, class B).  A full window allowing
# "/public/", an upstream that records the exact request line it gets:
# every request target the app could route elsewhere than the path judged
# ("/admin/%2e%2e/public/x" is "/public/x" to NGINX, "/admin/../public/x"
# to the app) gets the maintenance answer and never reaches the app; plain
# paths under "/public/" still pass.  The same for the exempt locations
# ("location = /healthz { maint off; proxy_pass ...; }").

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis();
my ($up, $app, $noslash, $h2, $offsrv) = map { free_port() } 1 .. 5;

# One set of locations for each front server: proxy_pass without a URI
# part, the way the README's exempt location used to be written.
my $locations = <<'LOC';
        maint on;
        maint_app shop;
        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location = /healthz { maint off; proxy_pass http://127.0.0.1:%%UP%%; }
        location /static/ {
            maint off;
            proxy_pass http://127.0.0.1:%%UP%%;

            location /static/img/ { proxy_pass http://127.0.0.1:%%UP%%; }
        }
        location /old/ {
            rewrite ^/old/(.*)$ /public/$1 break;
            proxy_pass http://127.0.0.1:%%UP%%;
        }
        location = /ping {
            maint off;
            proxy_pass http://127.0.0.1:%%UP%%$uri$is_args$args;
        }
LOC

my $nginx = start_nginx(redis => $redis,
                        vars => { UP => $up, APP => $app, NOSLASH => $noslash, H2 => $h2,
                                  OFFSRV => $offsrv },
                        http => <<"HTTP");
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms;
    log_format upstream '\$request';

    server {
        listen 127.0.0.1:%%PORT%%;
$locations
    }

    server {
        listen 127.0.0.1:%%NOSLASH%%;
        merge_slashes off;
$locations
    }

    server {
        listen 127.0.0.1:%%H2%% http2;
$locations
    }

    # a whole server with maint off: plain off, no path is judged
    server {
        listen 127.0.0.1:%%OFFSRV%%;
        maint off;
        location / { proxy_pass http://127.0.0.1:%%UP%%; }
    }

    # the app: records the exact request line it received.  Its log line
    # must be written before our answer arrives: a proxy reads the whole
    # body before it answers, and without a lingering close the request
    # is logged as soon as the answer is sent.
    server {
        listen 127.0.0.1:%%UP%%;
        access_log %%DIR%%/logs/upstream.log upstream;
        lingering_close off;
        location / { proxy_pass http://127.0.0.1:%%APP%%; }
    }

    server {
        listen 127.0.0.1:%%APP%%;
        access_log off;
        location / { return 200 "app\\n"; }
    }
HTTP

my $uplog = $nginx->dir . '/logs/upstream.log';

sub upstream_lines {
    open(my $f, '<', $uplog) or return ();
    my @l = <$f>;
    chomp @l;
    # without the HTTP version: proxy_http_version's, 1.1 from NGINX 1.29.7
    s{ HTTP/1\.[01]$}{} for @l;
    return @l;
}

# A request; returns the response and what the app received meanwhile.
# The upstream's log line is written before it answers, so before we get
# our answer.
sub request {
    my ($port, $method, $target, %opt) = @_;
    my $before = () = upstream_lines();
    my $res = http($port, $method, $target,
                   $method eq 'GET' ? () : (body => 'x=1'), %opt);
    my @l = upstream_lines();
    return ($res, [ @l[$before .. $#l] ]);
}

sub blocked {
    my ($port, $method, $target, $what) = @_;
    my ($res, $seen) = request($port, $method, $target);
    is($res->{status}, 503, "$what: $method $target: maintenance answer")
        or diag($res->{raw} // $res->{error});
    is_deeply($seen, [], "$what: $method $target: the app saw nothing")
        or diag(join "\n", @$seen);
}

sub passes {
    my ($port, $method, $target, $what) = @_;
    my ($res, $seen) = request($port, $method, $target);
    is($res->{status}, 200, "$what: $method $target: passes")
        or diag($res->{raw} // $res->{error});
    my $path = $target =~ s{^http://[^/]+}{}r;
    is_deeply($seen, ["$method $path"],
              "$what: $method $target: the app got exactly that");
}


# Raw request targets that NGINX normalises to a path under /public/ (or
# keeps under it) while an app routes them to /admin.
my @attacks = (
    '/admin/%2e%2e/public/x',
    '/admin/.%2e/public/x',
    '/admin/%2e./public/x',
    '/admin/%2E%2E/public/x',
    '/admin/%2e%2E/public/x',
    '/admin/%2E./public/x',
    '/admin/x/%2e%2e/%2e%2e/public/x',
    '/admin/%2e/%2e%2e/public/x',
    '/admin/%2e%2e/public/x?a=1',
    '/public/..;/admin',
    '/public/..;jsessionid=x/admin',
    '/public;jsessionid=x/..;/admin',
    '/admin%2f..%2fpublic/x',
    '/admin%2F..%2Fpublic/x',
    '/admin%2f%2e%2e%2fpublic/x',
    '/public/..%5cadmin',
    '/public/..%5Cadmin',
    '/public/..\\admin',
    '/public/%252e%252e/admin',
    '/public/%252E%252E/admin',
    '/public/%25%32%65%25%32%65/admin',
    '/public/%25252e%25252e/admin',
    '/public/%252e%252e%252fadmin',
    '/public/%c0%ae%c0%ae/admin',
    '/public/%ef%bc%8e%ef%bc%8e/admin',
    '/public/..%00/admin',
    '/public/x#/../../admin',
    'http://localhost/admin/%2e%2e/public/x',
    'http://localhost/public/..;/admin',
);

set_state($redis, windows => [ window($redis, id => 'full', apps => ['shop'],
                                      allow => { paths => ['/public/'] }) ]);

passes($nginx->port, 'GET', '/public/x', 'full window, allowed path');
passes($nginx->port, 'GET', '/public/%78', 'full window, an escape of x');
passes($nginx->port, 'GET', '/public/caf%C3%A9', 'full window, UTF-8');
passes($nginx->port, 'GET', 'http://localhost/public/x',
       'full window, absolute-form');
blocked($nginx->port, 'GET', '/admin', 'full window, plain /admin');

# a rewrite judges (and sends on) its own URI: exempt when both are canonical
{
    my ($res, $seen) = request($nginx->port, 'GET', '/old/x?a=1');
    is($res->{status}, 200, 'rewritten to /public/x: passes');
    is_deeply($seen, ['GET /public/x?a=1'],
              'rewritten to /public/x: the app got the rewritten URI');
    blocked($nginx->port, 'GET', '/old/x;a/..;/y', 'rewritten, raw not canonical');
}

for my $t (@attacks) {
    my ($res, $seen) = request($nginx->port, 'GET', $t);
    # NGINX itself refuses some (400): fine, as long as nothing passes
    ok($res->{status} == 503 || $res->{status} == 400,
       "full window: GET $t: maintenance answer (or refused)")
        or diag($res->{raw} // $res->{error});
    is($res->{status}, 503, "full window: GET $t: judged, not refused")
        unless $t =~ /%00/;
    is_deeply($seen, [], "full window: GET $t: the app saw nothing")
        or diag(join "\n", @$seen);
}

# merge_slashes off: "/public//../admin" is "/public/admin" to NGINX, an
# app that merges slashes first reads "/public/../admin"
passes($noslash, 'GET', '/public/x', 'merge_slashes off');
blocked($noslash, 'GET', $_, 'merge_slashes off')
    for ('/public//../admin', '/public//%2e%2e/admin', '/public/x//../../admin',
         '//public/x', '/public//x');

# a read-only window: the allowed path also lets writes through
set_state($redis, windows => [ window($redis, id => 'ro', apps => ['shop'],
                                      mode => 'read_only',
                                      allow => { paths => ['/public/'] }) ]);

for my $m (qw(POST PUT DELETE)) {
    passes($nginx->port, $m, '/public/x', 'read-only window');
    blocked($nginx->port, $m, $_, 'read-only window')
        for ('/admin/%2e%2e/public/x', '/admin/.%2e/public/x',
             '/admin/%2E%2E/public/x', '/public/..;/admin',
             '/admin%2f..%2fpublic/x', '/public/..%5cadmin',
             '/public/%252e%252e/admin', '/public/%25%32%65%25%32%65/admin',
             'http://localhost/admin/%2e%2e/public/x');
    blocked($noslash, $m, '/public//../admin', 'read-only window');
}

passes($nginx->port, 'GET', '/admin/%2e%2e/public/x',
       'read-only window, a safe method is not blocked');

# "maint off" locations inside "maint on": off only for a raw path the
# app receives as it was matched
set_state($redis, windows => [ window($redis, id => 'full', apps => ['shop'],
                                      allow => { paths => ['/public/'] }) ]);

for my $port ($nginx->port, $noslash) {
    passes($port, 'GET', '/healthz', 'maint off location');
    passes($port, 'GET', '/static/app.css', 'maint off location');
    passes($port, 'GET', '/static/img/a.png', 'nested in maint off');
    passes($port, 'POST', '/static/app.css', 'maint off location');
    passes($port, 'GET', '/ping', 'maint off, proxying $uri');

    blocked($port, 'GET', $_, 'maint off location')
        for ('/admin/%2e%2e/healthz', '/admin/.%2e/healthz',
             '/admin%2f..%2fhealthz', '/admin/%2E%2E/static/app.css',
             '/static/..;/admin', '/static/..%5cadmin', '/static/%252e%252e/admin',
             '/admin/%2e%2e/static/img/a.png', '/static/img/..;/../admin',
             'http://localhost/admin/%2e%2e/healthz', '/admin/%2e%2e/ping');
    blocked($port, 'POST', '/admin/%2e%2e/static/x', 'maint off location');
}

blocked($noslash, 'GET', '/admin//../static/x', 'maint off location');

# decided "as if on": with no window, such a request passes as usual
set_state($redis, windows => []);
passes($nginx->port, 'GET', '/admin/%2e%2e/healthz', 'no window');

# a server with maint off is off for every path: nothing there is exempt
# at another location's expense
set_state($redis, windows => [ window($redis, id => 'full', apps => ['*']) ]);
passes($offsrv, 'GET', '/admin/%2e%2e/public/x', 'maint off server');

# HTTP/2: the :path pseudo-header is the request target
SKIP: {
    skip 'nghttp (nghttp2-client) not installed', 8
        unless `which nghttp 2>/dev/null`;

    set_state($redis, windows => [ window($redis, id => 'full',
                                          apps => ['shop'],
                                          allow => { paths => ['/public/'] }) ]);

    for my $c (['/public/x', 200], ['/admin/%2e%2e/public/x', 503],
               ['/admin/%2e%2e/healthz', 503], ['/public/..;/admin', 503])
    {
        my ($t, $want) = @$c;
        my $before = () = upstream_lines();
        my $out = `nghttp -v 'http://127.0.0.1:$h2$t' 2>&1`;
        my ($status) = $out =~ /:status: (\d+)/;
        my @l = upstream_lines();
        my $seen = [ @l[$before .. $#l] ];
        is($status // 0, $want, "HTTP/2: GET $t: $want")
            or diag($out);
        is_deeply($seen, $want == 200 ? ["GET $t"] : [],
                  "HTTP/2: GET $t: the app saw " . ($want == 200 ? 'it' : 'nothing'));
    }
}

$nginx->stop;
check_error_log($nginx);

# nginx -t warns about an exempt location that sends the raw URI on
my $redis_port = $redis->port;
my $warn = qr/\[warn\] "maint off" location "([^"]+)" passes the raw request URI on/;

sub warned_locations {
    my ($server) = @_;
    my ($rc, $out) = nginx_t(<<"HTTP");
    maint_redis 127.0.0.1:$redis_port;
    server {
        listen 127.0.0.1:%%PORT%%;
$server
    }
HTTP
    is($rc, 0, 'nginx -t accepts it') or diag($out);
    return [ sort map { /$warn/ ? $1 : () } split /\n/, $out ];
}

is_deeply(warned_locations(<<'SRV'), ['/healthz', '/raw/', '/req', '/sock', '/static/img/', '/var'],
        maint on;
        location = /healthz { maint off; proxy_pass http://127.0.0.1:1; }
        location = /req { maint off; proxy_pass http://127.0.0.1:1$request_uri; }
        location = /sock { maint off; proxy_pass http://unix:/tmp/x.sock:; }
        location /raw/ { maint off; proxy_pass http://127.0.0.1:1; }
        location /static/ {
            maint off;
            location /static/img/ { proxy_pass http://127.0.0.1:1; }
        }
        location = /var { maint off; proxy_pass http://$host; }
        location = /uri { maint off; proxy_pass http://127.0.0.1:1$uri$is_args$args; }
        location /part/ { maint off; proxy_pass http://127.0.0.1:1/part/; }
        location = /sockpart { maint off; proxy_pass http://unix:/tmp/x.sock:/p; }
        location = /varuri { maint off; proxy_pass http://$host$uri; }
        location /on/ { proxy_pass http://127.0.0.1:1; }
SRV
          'nginx -t: each maint off location that proxies the raw URI, no other');

is_deeply(warned_locations(<<'SRV'), [],
        maint off;
        location / { proxy_pass http://127.0.0.1:1; }
        location /x/ { maint off; proxy_pass http://127.0.0.1:1; }
SRV
          'nginx -t: no warning where maint is not on around it');

done_testing();
