# Issue 12, class D: a banner must never turn a safe page into XSS.  The
# notice banner (maint_banner) and the superadmin's banner (a bypassed
# page) go right after the page's real <body ...> start tag, as a browser
# tokenizes it, or nowhere: never after a "<body>" in a script string (the
# issue's page), a comment, an attribute value, title, textarea, style,
# template, noscript, xmp, iframe, a DOCTYPE or a "<bodyx>" tag.  Every
# page comes whole, and from an upstream that sends it in chunks of 1, 2
# and 7 bytes (each chunk a buffer of its own to the filter), so the tag
# is split at every position; the client must get exactly the page, with
# the banner exactly once after the real tag, or the page byte for byte.
# Compressed pages pass as they are, and so do pages whose bytes are not
# ASCII-compatible text (UTF-16, ISO-2022-JP's escapes).  The banners need no inline script or
# style to be read (a strict Content-Security-Policy): the notice's
# dismiss button is hidden by the "hidden" attribute until its script runs.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;
use IO::Compress::Gzip qw(gzip $GzipError);
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(encode_base64);
use JSON::PP;

my $HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
my $XSS = '<img src=x onerror=alert(document.domain)>';

# Each page: a name, then the page with "^" where the banner goes (no "^":
# no banner).  "^" appears in none of them otherwise.
my @PAGES = (
    [legit => qq{<!DOCTYPE html>\n<html><head><title>app</title></head><body class="app">^\n<p>app</p></body></html>\n}],
    # the issue's page: user data, escaped for JavaScript, in a script
    [script_string => qq{<!DOCTYPE html>\n<html><head><script>var s = "...<body>$XSS...";</script></head>\n<p>no body tag</p></html>\n}],
    [script_then_body => qq{<html><head><script>var s = "<body>$XSS";</script></head><body>^<p>x</p></body></html>}],
    [script_escaped => qq{<html><head><script><!--<script></script><body>$XSS</script>--></script></head><body id=2>^x</body></html>}],
    [script_end_attr => qq{<html><head><script>var a = 1</script x=">"></head><body>^x</body></html>}],
    [comment => qq{<html><head><!-- <body>$XSS --></head><p>x</p></html>}],
    [comment_then_body => qq{<html><!-- <body>$XSS --!><body>^x</body></html>}],
    [bogus_comment => qq{<html><? <body> ?><! <body> ></ <body><p>x</p></html>}],
    [doctype => qq{<!DOCTYPE html SYSTEM "<body>"><p>x</p>}],
    [attr_dq => qq{<html><div title="<body>$XSS">x</div></html>}],
    [attr_sq => qq{<html><div title='<body>$XSS'>x</div></html>}],
    [attr_unquoted => qq{<html><div title=<body>x</div></html>}],
    [attr_then_body => qq{<html><div title="<body>"></div><body class='a>b' data-x="1">^x</body></html>}],
    [title => qq{<html><head><title>a <body>$XSS</title></head><p>x</p></html>}],
    [textarea => qq{<html><textarea><body>$XSS</textarea><p>x</p></html>}],
    [style => qq{<html><head><style>p::after { content: "<body>" }</style></head><p>x</p></html>}],
    [template => qq{<html><template><body>$XSS</template><p>x</p></html>}],
    [noscript => qq{<html><head><noscript><body>$XSS</noscript></head><p>x</p></html>}],
    [xmp_iframe => qq{<html><xmp><body></xmp><iframe><body></iframe><p>x</p></html>}],
    [texts_then_body => qq{<html><head><title><body></title><style><body></style><noscript><body></noscript><template><body></template></head><textarea><body></TEXTAREA ><BODY class=x>^<p>x</p></BODY></html>}],
    [bodyx => qq{<html><bodyx><body-x><p>x</p></html>}],
    [uppercase => qq{<HTML><HEAD></HEAD><BODY class=x>^<P>x</P></BODY></HTML>}],
    [svg => qq{<html><svg><style></svg><script>var s = "</style><body>$XSS";</script></html>}],
    [no_body => qq{<p>no body tag</p>}],
    # read as ASCII bytes, "</script><body>" is the end of the script; in
    # ISO-2022-JP, after ESC \$B, it is two-byte text in the string
    [iso2022jp => qq{<html><head><meta charset=iso-2022-jp><script>var s = "\e\$B</script><body>\e(B$XSS";</script></head><body>x</body></html>}],
    # UTF-16 (the header says so): its bytes are not ASCII text
    [utf16 => qq{<html><head></head><body>x</body></html>}, 'cs=utf-16le'],
);

my $redis = start_redis();

# The app: serves a page, whole with a Content-Length, or chunked in
# pieces of N bytes (?chunk=N), or gzip-compressed (?gzip); it answers a
# request at a time and closes the connection.
my $up = free_port();
my $updir = "$MaintTest::SERVROOT/275-up$up";
mkdir $updir;
mkdir "$updir/pages";
for my $p (@PAGES) {
    (my $page = $p->[1]) =~ s/\^//;
    open(my $f, '>', "$updir/pages/$p->[0]") or die $!;
    binmode $f;
    print {$f} $page;
    close $f;
}

my $app = MaintTest::_spawn('chunking upstream', "$updir/log", $^X, '-e', <<'PERL', $up, "$updir/pages");
use IO::Socket::INET;
use IO::Compress::Gzip qw(gzip);
$SIG{PIPE} = 'IGNORE';
my ($port, $dir) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                              Listen => 64, ReuseAddr => 1) or die $!;
while (my $c = $l->accept) {
    my $line = <$c> // next;
    while (defined(my $h = <$c>)) { last if $h eq "\r\n" }
    my ($name, $args) = $line =~ m{^GET /(?:\w+/)?(\w+)(?:\?(\S*))? };
    my $page = '';
    if (defined $name && open(my $f, '<', "$dir/$name")) {
        binmode $f;
        local $/;
        $page = <$f>;
    }
    my ($cs) = ($args // '') =~ /\bcs=([\w-]+)/;
    my $head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=" . ($cs // 'utf-8') . "\r\n"
             . "Connection: close\r\n";
    my $out;
    if (($args // '') =~ /\bchunk=(\d+)/) {
        my $n = $1;
        $out = "${head}Transfer-Encoding: chunked\r\n\r\n";
        for (my $i = 0; $i < length $page; $i += $n) {
            my $piece = substr($page, $i, $n);
            $out .= sprintf("%x\r\n%s\r\n", length $piece, $piece);
        }
        $out .= "0\r\n\r\n";
    } elsif (($args // '') =~ /\bgzip\b/) {
        gzip(\$page => \my $z, Time => 0);
        $out = "${head}Content-Encoding: gzip\r\nContent-Length: " . length($z) . "\r\n\r\n$z";
    } else {
        $out = "${head}Content-Length: " . length($page) . "\r\n\r\n$page";
    }
    binmode $c;
    print $c $out;
    close $c;
}
PERL
wait_until(sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$up") }, 10, 'the upstream')
    or BAIL_OUT('the upstream did not start');

my $nginx = start_nginx(redis => $redis, vars => { UP => $up }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name localhost;
        maint on;
        maint_app shop;
        maint_banner on;
        add_header X-Maint-Status "$maint_status" always;

        # whole pages, in one buffer
        location / { proxy_pass http://127.0.0.1:%%UP%%; }

        # each chunk of the upstream's a buffer of its own to the filter
        location /nb/ {
            proxy_pass http://127.0.0.1:%%UP%%;
            proxy_http_version 1.1;
            proxy_buffering off;
        }
    }
HTTP
my $port = $nginx->port;

sub get {
    my ($target, %h) = @_;
    return http($port, 'GET', $target, headers => { Accept => $HTML, %h });
}

# what a page must come out as, given the banner
sub check_pages {
    my ($what, $banner_re, %h) = @_;

    for my $p (@PAGES) {
        my ($name, $marked, $args) = @$p;
        my ($before, $after) = split /\^/, $marked, 2;
        my $page = $before . ($after // '');

        for my $target ("/$name" . ($args ? "?$args" : ''),
                        map { "/nb/$name?chunk=$_" . ($args ? "&$args" : '') } 1, 2, 7) {
            my $r = get($target, %h);
            my $t = "$what, $name, $target";
            is($r->{status}, 200, "$t: 200") or diag($r->{raw} // $r->{error});

            if (!defined $after) {
                is($r->{body}, $page, "$t: no banner, the page byte for byte");
                next;
            }

            my $body = $r->{body};
            my $ok = length($body) > length($page)
                     && substr($body, 0, length $before) eq $before
                     && substr($body, -length($after)) eq $after;
            ok($ok, "$t: the page as sent around the banner") or diag($body);
            next unless $ok;
            my $banner = substr($body, length $before, length($body) - length($page));
            like($banner, $banner_re, "$t: the banner, right after the real <body> tag");
        }
    }
}

# --- the notice banner (maint_banner, an upcoming window) -------------------

set_state($redis, windows => [ window($redis, id => 'w-up', apps => ['shop'], start => 600, end => 3600,
                                      notify_message => 'Down tonight') ]);

my $r = get('/legit');
is($r->{headers}{'x-maint-status'}, 'notice', 'an upcoming window: notice');
my ($notice) = $r->{body} =~ m{(<div data-maint-notice=.*?</script>)}s;
ok(defined $notice, 'the notice banner, as it is') or diag($r->{body});
$notice //= 'none';

check_pages('notice', qr{\A\Q$notice\E\z});

# readable as plain HTML: the words and the start time are text, the
# button needs the script (hidden until it runs), nothing needs a style
(my $text = $notice) =~ s{<script>.*?</script>}{}s;
like($text, qr{>Down tonight</span>}, 'notice: the message is text');
like($text, qr{<time datetime="[^"]+"[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>},
     'notice: the start time is text (UTC without the script)');
like($text, qr{<button [^>]*\bhidden\b[^>]*>}, 'notice: the dismiss button is hidden without the script');
like($notice, qr{\.hidden=false}, 'notice: the script shows it');
unlike($text, qr{<style\b|\bon\w+=|javascript:}i, 'notice: no <style>, no event handler attribute');

$r = get('/legit?gzip');
my $gz_page = $PAGES[0][1] =~ s/\^//r;
gzip(\$gz_page => \my $gz, Time => 0) or die $GzipError;
is($r->{headers}{'content-encoding'}, 'gzip', 'notice, compressed page: still compressed');
is($r->{body}, $gz, 'notice, compressed page: byte for byte');

# --- the superadmin's banner (a bypassed page) ------------------------------

my $cred = 'sa_' . b64url(join '', map { chr int rand 256 } 1 .. 32);
set_state($redis, windows => [ window($redis, id => 'w1', apps => ['shop']) ],
          superadmins => [ { name => 'eve', credential => sha256_hex($cred) } ],
          bypass_keys => [ { kid => 'k1', secret => encode_base64(join('', map { chr int rand 256 } 1 .. 32), ''),
                             signing => JSON::PP::true } ]);

is(get('/legit')->{status}, 503, 'an active window: the maintenance page for anybody');

# signed in through the edge's own form
my $page = get('/legit?forceLogin=true');
my ($csrf) = map { /^maint_csrf=([^;]*)/ ? $1 : () } set_cookies($page);
my $field = form_inputs($page->{body})->{csrf};
ok(defined $csrf && defined $field, 'the sign-in page and its form token') or diag($page->{raw});
$r = http($port, 'POST', '/legit?forceLogin=true',
          headers => { Accept => $HTML, Cookie => 'maint_csrf=' . ($csrf // ''),
                       'Content-Type' => 'application/x-www-form-urlencoded' },
          body => form_encode(name => 'eve', credential => $cred, csrf => $field // ''));
is($r->{status}, 303, 'signed in: 303') or diag($r->{raw});
my ($bypass) = map { /^maint_bypass=([^;]*)/ ? $1 : () } set_cookies($r);
ok($bypass, 'the bypass cookie');

$r = get('/legit', Cookie => "maint_bypass=$bypass");
is($r->{headers}{'x-maint-status'}, 'bypass', 'the superadmin passes the window');

# the banner's own markup may grow (a "Leave" link): one <div>, the
# superadmin named in it, and nothing after its end
check_pages('superadmin', qr{\A<div role="status"(?:(?!role="status").)*\bMaintenance\b(?:(?!role="status").)*\beve\b(?:(?!role="status").)*</div>\z}s,
            Cookie => "maint_bypass=$bypass");

$r = get('/legit?gzip', Cookie => "maint_bypass=$bypass");
is($r->{headers}{'content-encoding'}, 'gzip', 'superadmin, compressed page: still compressed');
is($r->{body}, $gz, 'superadmin, compressed page: byte for byte');

$nginx->stop;
check_error_log($nginx);
MaintTest::_stop_pid($app, 'TERM');

done_testing();
