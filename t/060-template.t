# maint_page: a custom template replaces the built-in page; every
# placeholder is filled and HTML-escaped; the rest is sent as written.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis();

my $nginx = start_nginx(redis => $redis, vars => { TPL => "$FindBin::Bin/data/custom-page.html" },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_page %%TPL%%;
        root %%DIR%%;
        location /builtin/ { maint_page off; }
        location /ro/ { maint_app ro; }
    }
HTTP

my $w = window($redis, id => 'w-1.a_b', apps => ['default'], title => 'Tom & "Jerry" <script>',
               login_message => "<script>alert('x')</script>\nsecond line",
               notify_message => 'a&b');
set_state($redis, windows => [ $w, window($redis, id => 'ro', apps => ['ro'], mode => 'read_only') ]);

my $r = http($nginx->port, 'GET', '/x');
is($r->{status}, 503, 'custom page served');
my $b = $r->{body};

like($b, qr{<title>Tom &amp; &quot;Jerry&quot; &lt;script&gt;</title>}, 'title escaped');
like($b, qr{<h1>Scheduled maintenance</h1>}, 'placeholder with spaces inside the braces');
like($b, qr{<p id="message">&lt;script&gt;alert\(&#39;x&#39;\)&lt;/script&gt;\nsecond line</p>},
     'message escaped, line break kept');
unlike($b, qr{<script>}, 'no markup from the state reaches the page');
like($b, qr{<p id="notify">a&amp;b</p>}, 'notify message');
like($b, qr{<p id="window">w-1\.a_b</p>}, 'window id');
like($b, qr{<p id="start">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ / $w->{start}</p>}, 'start, both forms');
like($b, qr{<p id="end">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ / $w->{end}</p>}, 'end, both forms');
like($b, qr{<p id="kind">maintenance</p>}, 'kind');
like($b, qr{<p id="status">503</p>}, 'status');
like($b, qr{<p id="refresh">\d+</p>}, 'refresh');
like($b, qr{Literal text with "quotes" & <b>markup</b> stays as written\.}, 'literal text untouched');
is(length $b, $r->{headers}{'content-length'}, 'Content-Length matches the rendering');

$r = http($nginx->port, 'POST', '/ro/save', body => 'x');
like($r->{body}, qr{<p id="kind">read_only</p>}, 'read-only kind in the template');

$r = http($nginx->port, 'GET', '/builtin/x');
like($r->{body}, qr{<main role="main"}, 'maint_page off: the built-in page');

# the cached rendering follows the state: a new title shows at once
set_state($redis, windows => [ window($redis, id => 'w2', title => 'Second') ]);
like(http($nginx->port, 'GET', '/x')->{body}, qr{<title>Second</title>}, 'new state, new page');

$nginx->stop;
check_error_log($nginx);

done_testing();
