# maint_read_only_banner: during a read-only window the reads that pass
# (GET, HEAD, OPTIONS) get a banner in the app's HTML pages, right after
# <body ...>: what is closed, the window's message, when it started and when
# it is expected to end, in the reader's language when the window has it.
# Writes still get the refusal page (no banner in our own pages); JSON,
# compressed HTML and a location with the banner off pass byte for byte; a
# full window's maintenance page and an upcoming window's notice are not
# this banner.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use Encode qw(encode_utf8);

my $redis = start_redis();

my $UP = MaintTest::free_port();
my $PAGE = qq{<!DOCTYPE html>\n<html><head><title>app</title></head><body class="app">\n<p>app page</p>\n</body></html>\n};
(my $PAGE_CONF = $PAGE) =~ s/(["\\])/\\$1/g;
$PAGE_CONF =~ s/\n/\\n/g;

my $nginx = start_nginx(redis => $redis, vars => { UP => $UP, PAGE => $PAGE_CONF },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;

    # the app
    server {
        listen 127.0.0.1:%%UP%%;
        location / { default_type text/html; return 200 "%%PAGE%%"; }
        location /api { default_type application/json; return 200 '{"ok":true}'; }
        location /gz {
            default_type text/html;
            add_header Content-Encoding gzip;
            return 200 "%%PAGE%%";
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        add_header X-Maint-Status "$maint_status" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /off/ {
            maint_read_only_banner off;
            proxy_pass http://127.0.0.1:%%UP%%/;
        }
    }
HTTP
my $port = $nginx->port;

my $FR = "Lecture seule \x{e0} cause de la migration \x{2013} retour vers 23 h";
my $w = window($redis, id => 'w-ro', apps => ['shop'], mode => 'read_only',
               start => -120, end => 1800,
               login_message => 'Saving is off <b>"now"</b> & back soon',
               translations => { fr => { login_message => $FR } });
set_state($redis, windows => [ $w ]);

my ($starts_at, $ends_at) = (MaintTest::rfc3339($w->{start}), MaintTest::rfc3339($w->{end}));
(my $starts_text = $starts_at) =~ s/^(\S{10})T(\d\d:\d\d):\d\dZ$/$1 $2 UTC/;
(my $ends_text = $ends_at) =~ s/^(\S{10})T(\d\d:\d\d):\d\dZ$/$1 $2 UTC/;

# --- a read: the app's page with the banner -------------------------------------

my $r = http($port, 'GET', '/page');
is($r->{status}, 200, 'a GET in a read-only window: 200 (it passes)');
is($r->{headers}{'x-maint-status'}, 'pass', '$maint_status is pass');
my ($head, $banner, $tail) = $r->{body} =~ m{\A(.*?<body class="app">)(<div data-maint-notice=.*?</script>)(.*)\z}s;
ok(defined $banner, 'the banner comes right after <body ...>') or diag($r->{body});
is($head, qq{<!DOCTYPE html>\n<html><head><title>app</title></head><body class="app">}, 'before it: the page as sent');
is($tail, qq{\n<p>app page</p>\n</body></html>\n}, 'after it: the rest of the page, once');
$banner //= '';
like($banner, qr{data-maint-notice="read-only:w-ro"}, 'dismissal per window, apart from its notice');
like($banner, qr{This service is read-only during maintenance: changes cannot be saved until it is over\.},
     'says what is closed');
like($banner, qr{Saving is off &lt;b&gt;&quot;now&quot;&lt;/b&gt; &amp; back soon}, 'the window\'s message, escaped');
unlike($banner, qr{<b>}, 'no markup from the window reaches the page');
like($banner, qr{Started <time datetime="\Q$starts_at\E"[^>]*>\Q$starts_text\E</time>}, 'when it started');
like($banner, qr{Expected back <time datetime="\Q$ends_at\E"[^>]*>\Q$ends_text\E</time>}, 'when it is expected to end');
like($banner, qr{<button type="button" aria-label="Dismiss"}, 'a dismiss button');
unlike($banner, qr{\b(?:src|href)=}, 'no external assets');
is($r->{headers}{vary}, 'Accept-Language', 'Vary: Accept-Language (the window has translations)');
ok(!defined $r->{headers}{'content-length'} || $r->{headers}{'content-length'} == length $r->{body},
   'Content-Length is gone or right');

$r = http($port, 'GET', '/page', headers => { 'Accept-Language' => 'fr' });
like($r->{body}, qr{<span lang="fr"[^>]*>Ce service est en lecture seule pendant la maintenance},
     'French: the banner\'s own sentence');
like($r->{body}, qr{<span lang="fr"[^>]*>\Q${\ encode_utf8($FR)}\E</span>}, 'French: the window\'s French message');
like($r->{body}, qr{aria-label="Fermer"}, 'French: the button too');

# --- writes: the refusal page, never a banner in our own page ----------------------

$r = http($port, 'POST', '/page', body => 'x=1', headers => { Accept => 'text/html' });
is($r->{status}, 503, 'a POST: refused');
is($r->{headers}{'x-maint-status'}, 'read_only_blocked', 'read_only_blocked');
unlike($r->{body}, qr{data-maint-notice}, 'the refusal page carries no banner');

# --- left alone ---------------------------------------------------------------------

$r = http($port, 'GET', '/api');
is($r->{body}, '{"ok":true}', 'JSON: untouched');
is($r->{headers}{'content-length'}, 11, 'JSON: Content-Length kept');

$r = http($port, 'GET', '/gz');
is($r->{body}, $PAGE, 'compressed HTML: byte for byte');

$r = http($port, 'GET', '/off/page');
is($r->{body}, $PAGE, 'maint_read_only_banner off: untouched');

$r = http($port, 'HEAD', '/page');
is($r->{body}, '', 'HEAD: no body');
is($r->{headers}{'content-length'}, length $PAGE, 'HEAD: Content-Length of the page as it is');

# --- other windows: not this banner ---------------------------------------------------

set_state($redis, windows => [ window($redis, id => 'w-full', apps => ['shop'], start => -60, end => 600) ]);
$r = http($port, 'GET', '/page');
is($r->{status}, 503, 'a full window: the maintenance page');
unlike($r->{body}, qr{data-maint-notice}, 'a full window: no banner in it');

set_state($redis, windows => [ window($redis, id => 'w-soon', apps => ['shop'], mode => 'read_only',
                                      start => 60, end => 600) ]);
$r = http($port, 'GET', '/page');
is($r->{body}, $PAGE, 'a read-only window not started yet (maint_banner off): untouched');

set_state($redis, windows => [ window($redis, id => 'w-other', apps => ['other'], mode => 'read_only',
                                      start => -60, end => 600) ]);
$r = http($port, 'GET', '/page');
is($r->{body}, $PAGE, 'another app\'s read-only window: untouched');

clear_state($redis);
$r = http($port, 'GET', '/page');
is($r->{body}, $PAGE, 'no window: untouched');

$nginx->stop;
check_error_log($nginx);

done_testing();
