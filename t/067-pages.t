# The built-in pages at the edge: the read-only refusal page never reloads
# (a reload would GET the form again and lose the user's edit), says the
# change was not saved and offers Back; the maintenance page names the
# window and the site; "Reference:" appears only with a window to name.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;

my $redis = start_redis();
my $closed = free_port();

my $nginx = start_nginx(redis => $redis, vars => { CLOSED => $closed },
                        http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        root %%DIR%%;
        location /ro/ { maint_app ro; }
        location /ro-teapot/ { maint_app ro; maint_status_code 418; }
        location /down/ {
            maint off;
            maint_on_upstream_error on;
            proxy_pass http://127.0.0.1:%%CLOSED%%;
        }
    }
HTTP

my $title = 'Tom & "Jerry" <b>';
set_state($redis, windows => [
    window($redis, id => 'w-full', apps => ['default'], title => $title),
    window($redis, id => 'w-ro', apps => ['ro'], mode => 'read_only',
           title => 'DB <upgrade>', login_message => 'Back at <6>'),
]);

my $port = $nginx->port;

# the read-only refusal page
my $r = http($port, 'POST', '/ro/save', body => 'name=x',
             headers => { Referer => 'http://evil.example/phish' });
is($r->{status}, 503, 'refused write: status kept');
like($r->{headers}{'retry-after'} // '', qr/^\d+$/, 'refused write: Retry-After kept');
ok(!exists $r->{headers}{refresh}, 'refused write: no Refresh header');
my $b = $r->{body};
unlike($b, qr{http-equiv="refresh"}i, 'refused write: no meta refresh');
unlike($b, qr{location\.(reload|replace|href|assign)}, 'refused write: no script reload');
like($b, qr{<h1 id="h">Read-only during maintenance</h1>}, 'refused write: headline');
like($b, qr{Your change was not saved}, 'refused write: says the change was not saved');
like($b, qr{Back button to return to your form}, 'refused write: tells to go back without script');
like($b, qr{<button type="button" id="back" hidden>Go back</button>}, 'refused write: a Back button');
like($b, qr{history\.back\(\)}, 'refused write: the button goes back in history');
unlike($b, qr{evil\.example}, 'refused write: the Referer is never a link');
like($b, qr{<p class="wtitle" lang="en">DB &lt;upgrade&gt;</p>}, 'refused write: window title, escaped');
like($b, qr{Back at &lt;6&gt;}, 'refused write: message, escaped');
like($b, qr{Reference: w-ro \(503\)}, 'refused write: reference');
is(length $b, $r->{headers}{'content-length'}, 'refused write: Content-Length matches');

$r = http($port, 'POST', '/ro-teapot/save', body => 'x');
is($r->{status}, 418, 'refused write: maint_status_code still applies');
like($r->{body}, qr{Reference: w-ro \(418\)}, 'refused write: reference with that status');

$r = http($port, 'GET', '/ro/page');
isnt($r->{status}, 503, 'read-only window: reads pass');

# the maintenance page
$r = http($port, 'GET', '/x');
is($r->{status}, 503, 'maintenance page');
$b = $r->{body};
like($b, qr{<meta http-equiv="refresh" content="30">}, 'maintenance page still refreshes');
like($b, qr{<p class="wtitle" lang="en">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</p>},
     'maintenance page: window title, escaped');
unlike($b, qr{<b>}, 'maintenance page: no markup from the title');
like($b, qr{<p class="small site" id="site" hidden></p>}, 'site: an empty element, filled by the script');
like($b, qr{n\.textContent=location\.hostname}, 'site: set as text, never markup');
like($b, qr{This page refreshes itself\. Reference: w-full \(503\)}, 'maintenance page: reference');

# no title: the element is empty (and hidden by the style)
set_state($redis, windows => [ window($redis, id => 'w-bare', apps => ['default'], title => '') ]);
ok(wait_until(sub { http($port, 'GET', '/x')->{body} =~ /w-bare/ }, 5), 'new state served');
like(http($port, 'GET', '/x')->{body}, qr{<p class="wtitle" lang="en"></p>}, 'no title: empty element');

# the "temporarily unavailable" page: no window, so no "Reference:"
$r = http($port, 'GET', '/down/x');
is($r->{status}, 503, 'unavailable page');
$b = $r->{body};
like($b, qr{Temporarily unavailable}, 'unavailable: headline');
unlike($b, qr{Reference}, 'unavailable: no empty reference');
unlike($b, qr{\(503\)}, 'unavailable: no bare status in brackets');
like($b, qr{<p class="small">This page refreshes itself\. </p>}, 'unavailable: refresh note alone');

$nginx->stop;
check_error_log($nginx);

done_testing();
