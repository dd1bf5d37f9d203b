# The superadmin's way through at the edges of the transport: a sign-in form
# whose body arrives after its headers, a form posted while Redis is down
# (the credential must not reach the app), the banner where "<body>" ends a
# buffer of a streamed response, and in a static file sent with sendfile.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(encode_base64);
use Time::HiRes qw(sleep);

my $redis = start_redis();
my $SECRET = join '', map { chr int rand 256 } 1 .. 32;
my $CRED = 'sa_edge-credential';

# An upstream that streams: the page up to "<body>" in one write, the rest
# in a later one (the pause shapes the TCP segments; nothing waits on it).
my $up_port = MaintTest::free_port();
my $up_dir = "$MaintTest::SERVROOT/215-up$up_port";
mkdir $up_dir;
my $up = MaintTest::_spawn('streaming upstream', "$up_dir/log", $^X, '-e', <<'PERL', $up_port);
use IO::Socket::INET;
$SIG{PIPE} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0],
                              Listen => 16, ReuseAddr => 1) or die $!;
while (my $c = $l->accept) {
    my $req = '';
    while (defined(my $line = <$c>)) { $req .= $line; last if $line eq "\r\n" }
    my ($path) = $req =~ m{^\w+ (\S+)} or next;
    my ($len) = $req =~ /^Content-Length: *(\d+)/mi;
    read($c, my $body, $len) if $len;
    $c->autoflush(1);
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n";
    if ($path =~ m{^/stream}) {
        print $c "<html><head><title>t</title></head><body>";
        select(undef, undef, undef, 0.1);
        print $c "<p>content</p></body></html>";
    } else {
        print $c "<html><body>app " . ($body // '') . "</body></html>";
    }
    close $c;
}
PERL
wait_until(sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$up_port") }, 10, 'the upstream')
    or BAIL_OUT('the streaming upstream did not start');

my $nginx = start_nginx(redis => $redis, workers => 1, vars => { UP => $up_port }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=100ms;
    sendfile on;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        maint_on_redis_error open stale=off;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;
        location / {
            proxy_pass http://127.0.0.1:%%UP%%;
            proxy_buffering off;
        }
        location /static/ { }
    }
HTTP
my $port = $nginx->port;

mkdir "$nginx->{dir}/static";
open(my $f, '>', "$nginx->{dir}/static/page.html") or die $!;
print {$f} "<html><head><title>static</title></head><body class=\"x\">\n<p>"
    . ('static content ' x 500) . "</p>\n</body></html>\n";
close $f;

sub state {
    set_state($redis, windows => [ window($redis, id => 'w1', apps => ['shop']) ],
              superadmins => [ { name => 'edge', credential => sha256_hex($CRED), credential_id => test_cid('edge') } ],
              bypass_keys => [ { kid => 'k1', secret => encode_base64($SECRET, ''), signing => JSON::PP::true } ]);
}
state();

my $now = int(redis_now_ms($redis) / 1000);
my $cookie = bypass_cookie(kid => 'k1', name => 'edge', iat => $now, exp => $now + 3600, secret => $SECRET);

sub raw {
    my (@parts) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die $!;
    binmode $s;
    for my $i (0 .. $#parts) {
        print {$s} $parts[$i];
        $s->flush;
        sleep(0.15) if $i < $#parts;        # a later TCP segment
    }
    return MaintTest::_parse_response(MaintTest::_read_all($s, 10));
}

# --- the banner where "<body>" ends a buffer of a streamed response ---------

my $r = raw("GET /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            . "Cookie: maint_bypass=$cookie\r\n\r\n");
is($r->{status}, 200, 'streamed page, bypassed: 200');
is($r->{headers}{'x-maint-status'}, 'bypass', 'streamed page: $maint_status bypass');
like($r->{body}, qr{<body><div role="status"[^>]*>Maintenance: .*edge.*</div><p>content</p></body></html>$}s,
     'streamed page, "<body>" at the end of a buffer: the banner after it, the page whole');

# --- the banner in a static file sent with sendfile ---------------------------

$r = raw("GET /static/page.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
         . "Cookie: maint_bypass=$cookie\r\n\r\n");
my $file = do { local (@ARGV, $/) = ("$nginx->{dir}/static/page.html"); <> };
(my $want_head, my $want_tail) = $file =~ /\A(.*?<body class="x">)(.*)\z/s;
is($r->{status}, 200, 'static page, bypassed: 200');
if ($r->{body} =~ /<div role="status"/) {
    my ($head, $tail) = $r->{body} =~ m{\A(.*?)<div role="status".*?</div>(.*)\z}s;
    is($head, $want_head, 'static page: everything up to <body> once, then the banner');
    is($tail, $want_tail, 'static page: the rest of the file, once');
} else {
    is($r->{body}, $file, 'static page: served whole (files are not rewritten)');
}

# --- a sign-in form whose body comes after its headers --------------------------

my $page = raw("GET /x?forceLogin=true HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
my ($csrf) = map { /^maint_csrf=([^;]+)/ ? $1 : () } set_cookies($page);
ok($csrf, 'the sign-in page sets its form cookie');
my $form = form_encode(csrf => $csrf, name => 'edge', credential => $CRED);
$r = raw("POST /x?forceLogin=true HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
         . "Cookie: maint_csrf=$csrf\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Content-Length: " . length($form) . "\r\n\r\n",
         substr($form, 0, 10), substr($form, 10));
is($r->{status}, 303, 'the form\'s body in later segments: signed in (303)') or diag($r->{raw});
ok(scalar(grep { /^maint_bypass=v2\./ } set_cookies($r)), '... with the bypass cookie');

# --- the form posted while Redis is down: the credential stays at the edge -----

$redis->signal('STOP');
$r = raw("POST /x?forceLogin=true HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
         . "Cookie: maint_csrf=$csrf\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . "Content-Length: " . length($form) . "\r\n\r\n$form");
$redis->signal('CONT');
is($r->{status}, 503, 'the form posted while Redis is down: 503 from the edge');
is($r->{headers}{'x-maint-status'}, 'signin', '... $maint_status signin');
unlike($r->{body}, qr/\Q$CRED\E|app /, '... the app never saw it');
like($r->{body}, qr/not available/, '... and the page says sign-in is not available');

# a POST without the form's cookie is the app's, Redis down or not
$redis->signal('STOP');
$r = raw("POST /x?forceLogin=true HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
         . "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1");
$redis->signal('CONT');
like($r->{body} // '', qr/app a=1/, 'a POST without the form cookie, Redis down, policy open: the app\'s');

$nginx->stop;
check_error_log($nginx);
MaintTest::_stop_pid($up, 'TERM');

done_testing();
