# Automatic activation: with maint_on_upstream_error on, an app that is
# down (connection refused, timeout) or answers 502/504 gives the user the
# "temporarily unavailable" page (or problem+json) instead of a bare error.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use IO::Socket::INET;

my $up = free_port();
my $closed = free_port();

# a listener that accepts connections (the kernel does) and never answers
my $silent = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                   Listen => 64, Proto => 'tcp') or die;

my $nginx = start_nginx(vars => { UP => $up, CLOSED => $closed,
                                  SILENT => $silent->sockport }, http => <<'HTTP');
    server {
        listen 127.0.0.1:%%PORT%%;
        maint_on_upstream_error on;
        add_header X-Maint-Status "$maint_status" always;
        proxy_read_timeout 300ms;

        location /refused { proxy_pass http://127.0.0.1:%%CLOSED%%; }
        location /silent  { proxy_pass http://127.0.0.1:%%SILENT%%; }
        location /app/    { proxy_pass http://127.0.0.1:%%UP%%; }
        location /api/    { maint_api on; proxy_pass http://127.0.0.1:%%UP%%/app/; }
        location /own/    { error_page 502 = /own-page; proxy_pass http://127.0.0.1:%%CLOSED%%; }
        location = /own-page { return 502 "our own error page\n"; }
        location /teapot/ { maint_status_code 418; proxy_pass http://127.0.0.1:%%UP%%/app/; }
        location /plain/  { maint_on_upstream_error off; proxy_pass http://127.0.0.1:%%CLOSED%%; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location = /app/ok  { return 200 "fine\n"; }
        location = /app/502 { return 502 "upstream says bad gateway\n"; }
        location = /app/504 { return 504 "upstream says timeout\n"; }
        location = /app/500 { return 500 "upstream says 500\n"; }
        location = /app/503 { return 503 "upstream maintenance page\n"; }
        location = /app/cached { add_header Cache-Control "public, max-age=600" always;
                                 add_header Expires "Thu, 01 Jan 2037 00:00:00 GMT" always;
                                 add_header Retry-After 3600 always;
                                 return 502 "cached error"; }
        location = /app/gz  { add_header Content-Encoding gzip always;
                              add_header Set-Cookie "keep=1" always;
                              return 502 "binary junk"; }
    }
HTTP

my $port = $nginx->port;

sub unavailable_page {
    my ($r, $what) = @_;
    is($r->{status}, 503, "$what: 503");
    like($r->{headers}{'content-type'}, qr{^text/html}, "$what: HTML");
    is($r->{headers}{'retry-after'}, 30, "$what: Retry-After");
    is($r->{headers}{'cache-control'}, 'no-store', "$what: no-store");
    is($r->{headers}{'x-maint-status'}, 'unavailable', "$what: \$maint_status");
    like($r->{body}, qr/<h1 id="h">Temporarily unavailable<\/h1>/, "$what: the page");
    is(length($r->{body}), $r->{headers}{'content-length'}, "$what: Content-Length matches");
}

unavailable_page(http($port, 'GET', '/refused'), 'connection refused');
unavailable_page(http($port, 'GET', '/silent'), 'upstream never answers');
unavailable_page(http($port, 'GET', '/app/502'), 'upstream answers 502');
unavailable_page(http($port, 'GET', '/app/504'), 'upstream answers 504');

my $r = http($port, 'GET', '/app/gz');
unavailable_page($r, 'encoded upstream error');
ok(!defined $r->{headers}{'content-encoding'}, 'encoded upstream error: Content-Encoding dropped');
unlike($r->{body}, qr/binary junk/, 'nothing of the upstream body is left');

$r = http($port, 'GET', '/app/cached');
unavailable_page($r, 'upstream error with caching headers');
ok(!defined $r->{headers}{expires}, "the upstream's Expires is dropped");
is(() = $r->{raw} =~ /^Cache-Control:/mig, 1, 'one Cache-Control, ours');
is(() = $r->{raw} =~ /^Retry-After:/mig, 1, 'one Retry-After, ours');

$r = http($port, 'GET', '/refused', headers => { Accept => 'application/json' });
is($r->{status}, 503, 'API client: 503');
is($r->{headers}{'content-type'}, 'application/problem+json', 'API client: problem+json');
my $doc = eval { decode_json($r->{body}) } || {};
is($doc->{type}, 'urn:ngx-maint:unavailable', 'API client: problem type');
is($doc->{status}, 503, 'API client: status member');

$r = http($port, 'GET', '/api/502');
is($r->{headers}{'content-type'}, 'application/problem+json', 'maint_api location: JSON');

$r = http($port, 'HEAD', '/refused');
is($r->{status}, 503, 'HEAD: 503');
is($r->{body}, '', 'HEAD: no body');

$r = http($port, 'GET', '/teapot/502');
is($r->{status}, 418, 'maint_status_code applies to the unavailable answer');

is(http($port, 'GET', '/app/ok')->{status}, 200, 'healthy responses untouched');
is(http($port, 'GET', '/app/500')->{body}, "upstream says 500\n", '500 from the app untouched');
is(http($port, 'GET', '/app/503')->{body}, "upstream maintenance page\n",
   "the app's own 503 untouched");

$r = http($port, 'GET', '/own/x');
is($r->{body}, "our own error page\n", "a configured error_page wins");

$r = http($port, 'GET', '/plain/x');
is($r->{status}, 502, 'directive off: the bare 502');
ok(!defined $r->{headers}{'retry-after'}, 'directive off: no Retry-After');

# keepalive survives a replaced response
{
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die;
    print {$s} "GET /app/502 HTTP/1.1\r\nHost: x\r\n\r\nGET /app/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    local $/;
    my $both = <$s>;
    like($both, qr{^HTTP/1\.1 503 .*HTTP/1\.1 200 OK.*fine}s, 'keepalive: next request served after a replaced one');
}

my @log = do { open(my $f, '<', $nginx->dir . '/logs/access.log'); <$f> };
ok(scalar(grep { m{^GET /refused HTTP/1\.1 503 unavailable } } @log),
   'access log: $status is what the client got, $maint_status says why');

$nginx->stop;
check_error_log($nginx);

done_testing();
