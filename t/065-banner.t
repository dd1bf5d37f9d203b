# maint_banner: during an upcoming window's notice period, text/html pages
# get the notice banner right after <body ...> (notify message, start time,
# dismiss button), in the reader's language when the window has it; every
# other response passes byte for byte: JSON, compressed HTML, HEAD, 304, a
# location with maint_banner off, no window at all.  The banner is found
# when "<body" is split across upstream writes, and the window's texts are
# escaped.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use IO::Socket::INET;
use Encode qw(encode_utf8);

my $redis = start_redis();

# not ASCII, as people write: the body must carry it as UTF-8
my $FR = "Maintenance ce soir \x{e0} 22 h \x{2013} retour vers 23 h";
my $FR_BYTES = encode_utf8($FR);

# An upstream that streams "<bo" and "dy ...>" in separate writes (the
# pause shapes the TCP segments; the test waits on nothing but the answer).
my $st_port = MaintTest::free_port();
my $st_dir = "$MaintTest::SERVROOT/065-up$st_port";
mkdir $st_dir;
my $st = MaintTest::_spawn('streaming upstream', "$st_dir/log", $^X, '-e', <<'PERL', $st_port);
use IO::Socket::INET;
$SIG{PIPE} = 'IGNORE';
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0],
                              Listen => 16, ReuseAddr => 1) or die $!;
while (my $c = $l->accept) {
    while (defined(my $line = <$c>)) { last if $line eq "\r\n" }
    $c->autoflush(1);
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
           . "Connection: close\r\n\r\n";
    print $c "<html><head><title>s</title></head><bo";
    select(undef, undef, undef, 0.1);
    print $c "dy class='a>b' data-x=\"1\">";
    select(undef, undef, undef, 0.1);
    print $c "<p>streamed</p></body></html>";
    close $c;
}
PERL
wait_until(sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$st_port") }, 10, 'the upstream')
    or BAIL_OUT('the streaming upstream did not start');

my $UP = MaintTest::free_port();
my $PAGE = qq{<!DOCTYPE html>\n<html><head><title>app</title></head><body class="app">\n<p>app page</p>\n</body></html>\n};
(my $PAGE_CONF = $PAGE) =~ s/(["\\])/\\$1/g;
$PAGE_CONF =~ s/\n/\\n/g;

my $nginx = start_nginx(redis => $redis, vars => { UP => $UP, ST => $st_port, PAGE => $PAGE_CONF },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;

    # the app
    server {
        listen 127.0.0.1:%%UP%%;
        location /page { default_type text/html; return 200 "%%PAGE%%"; }
        location /api { default_type application/json; return 200 '{"ok":true}'; }
        location /gz {
            default_type text/html;
            add_header Content-Encoding gzip;
            return 200 "%%PAGE%%";
        }
        location /nobody { default_type text/html; return 200 "<p>no body tag</p>"; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        maint_banner on;
        root %%DIR%%;
        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /stream { proxy_pass http://127.0.0.1:%%ST%%; proxy_buffering off; }
        location /static/ { }
        location /off/ { maint_banner off; proxy_pass http://127.0.0.1:%%UP%%/; }
    }
HTTP
my $port = $nginx->port;

mkdir "$nginx->{dir}/static";
open(my $f, '>', "$nginx->{dir}/static/p.html") or die $!;
print {$f} $PAGE;
close $f;

my $w = window($redis, id => 'w-up', apps => ['shop'], start => 600, end => 3600,
               notify_message => 'Down tonight <b>"10 pm"</b> & \'back\' by 11',
               translations => { fr => { notify_message => $FR } });
set_state($redis, windows => [ $w ]);

my $starts_at = MaintTest::rfc3339($w->{start});

# --- injected -------------------------------------------------------------------

my $r = http($port, 'GET', '/page');
is($r->{status}, 200, 'HTML during the notice: 200');
is($r->{headers}{'x-maint-status'}, 'notice', '$maint_status is notice');
my ($head, $banner, $tail) = $r->{body} =~ m{\A(.*?<body class="app">)(<div data-maint-notice=.*?</script>)(.*)\z}s;
ok(defined $banner, 'the banner comes right after <body ...>') or diag($r->{body});
is($head, qq{<!DOCTYPE html>\n<html><head><title>app</title></head><body class="app">}, 'before it: the page as sent');
is($tail, qq{\n<p>app page</p>\n</body></html>\n}, 'after it: the rest of the page, once');
$banner //= '';
like($banner, qr{data-maint-notice="w-up"}, 'the banner names its window (dismissal per window)');
like($banner, qr{Down tonight &lt;b&gt;&quot;10 pm&quot;&lt;/b&gt; &amp; &#39;back&#39; by 11},
     'the notify message, escaped');
unlike($banner, qr{<b>}, 'no markup from the window reaches the page');
(my $starts_text = $starts_at) =~ s/^(\S{10})T(\d\d:\d\d):\d\dZ$/$1 $2 UTC/;
like($banner, qr{<time datetime="\Q$starts_at\E"[^>]*>\Q$starts_text\E</time>},
     'the start time: exact for the script, readable without it');
like($banner, qr{<button type="button" aria-label="Dismiss"}, 'a dismiss button');
like($banner, qr{sessionStorage}, 'dismissal remembered for the browser session');
like($banner, qr{lang="en"}, 'English by default');
unlike($banner, qr{\b(?:src|href)=}, 'no external assets');
ok(!defined $r->{headers}{'content-length'} || $r->{headers}{'content-length'} == length $r->{body},
   'Content-Length is gone or right');
is($r->{headers}{vary}, 'Accept-Language', 'Vary: Accept-Language (the window has translations)');

# --- in the reader's language ----------------------------------------------------

$r = http($port, 'GET', '/page', headers => { 'Accept-Language' => 'fr-CA,fr;q=0.9,en;q=0.5' });
like($r->{body}, qr{<span lang="fr"[^>]*>\Q$FR_BYTES\E</span>}, 'fr-CA: the French notice, in UTF-8');
like($r->{body}, qr{aria-label="Fermer"}, 'fr-CA: the button speaks French too');
$r = http($port, 'GET', '/page', headers => { 'Accept-Language' => 'de, en;q=0.8, fr;q=0.5' });
like($r->{body}, qr{<span lang="en"[^>]*>Down tonight}, 'en preferred over fr: the English one');

# --- left alone ---------------------------------------------------------------------

$r = http($port, 'GET', '/api');
is($r->{body}, '{"ok":true}', 'JSON: untouched');
is($r->{headers}{'content-length'}, 11, 'JSON: Content-Length kept');

$r = http($port, 'GET', '/gz');
is($r->{headers}{'content-encoding'}, 'gzip', 'compressed HTML: still compressed');
is($r->{body}, $PAGE, 'compressed HTML: byte for byte');
is($r->{headers}{'content-length'}, length $PAGE, 'compressed HTML: Content-Length kept');

$r = http($port, 'GET', '/off/page');
is($r->{body}, $PAGE, 'maint_banner off: untouched');

$r = http($port, 'GET', '/nobody');
is($r->{body}, '<p>no body tag</p>', 'no <body> tag: untouched');

$r = http($port, 'HEAD', '/page');
is($r->{status}, 200, 'HEAD: 200');
is($r->{body}, '', 'HEAD: no body');
is($r->{headers}{'content-length'}, length $PAGE, 'HEAD: Content-Length of the page as it is');

$r = http($port, 'GET', '/static/p.html');
like($r->{body}, qr{<body class="app"><div data-maint-notice="w-up"}, 'static HTML: banner too');
my $lm = http($port, 'HEAD', '/static/p.html')->{headers}{'last-modified'};
$r = http($port, 'GET', '/static/p.html', headers => { 'If-Modified-Since' => $lm });
is($r->{status}, 304, 'conditional GET: 304');
is($r->{body}, '', '304: no body');

# --- "<body" split across writes of the upstream --------------------------------------

$r = http($port, 'GET', '/stream');
like($r->{body}, qr{\A<html><head><title>s</title></head><body class='a>b' data-x="1"><div data-maint-notice="w-up".*?</script><p>streamed</p></body></html>\z}s,
     'split <body> tag, ">" inside a quoted attribute: banner after the real end of the tag');

# --- not in the notice period, no window -------------------------------------------

set_state($redis, windows => [ window($redis, id => 'w-far', apps => ['shop'], start => 7200, end => 9000) ]);
$r = http($port, 'GET', '/page');
is($r->{headers}{'x-maint-status'}, 'pass', 'window beyond the notice period: pass');
is($r->{body}, $PAGE, 'window beyond the notice period: untouched');

clear_state($redis);
$r = http($port, 'GET', '/page');
is($r->{body}, $PAGE, 'no window: untouched');
is($r->{headers}{'content-length'}, length $PAGE, 'no window: Content-Length kept');

# an upcoming window without translations: no Vary added
set_state($redis, windows => [ window($redis, id => 'w-plain', apps => ['shop'], start => 60, end => 600) ]);
$r = http($port, 'GET', '/page');
like($r->{body}, qr{<div data-maint-notice="w-plain"}, 'notice without a message: banner');
like($r->{body}, qr{Scheduled maintenance is coming up\.}, 'notice without a message: a sentence of its own');
$r = http($port, 'GET', '/page', headers => { 'Accept-Language' => 'es' });
like($r->{body}, qr{<span lang="en"[^>]*>Scheduled maintenance}, 'no translations: English whatever the reader asks');
ok(!defined $r->{headers}{vary}, 'no translations: no Vary');

$nginx->stop;
check_error_log($nginx);
MaintTest::_stop_pid($st, 'TERM');

done_testing();
