# Every decision path of the edge (core/maint_decide.h): windows per app,
# full and read-only modes, exemptions, upcoming notices, HTML vs JSON,
# headers, status codes, variables.  One case = a state + a request + what
# must come back.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $up = free_port();

my $nginx = start_nginx(redis => $redis, vars => { UP => $up }, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% timeout=500ms;

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Source "$maint_source" always;
        add_header X-Maint-Window "$maint_window_id" always;
        add_header X-Maint-Starts "$maint_starts_at" always;
        add_header X-Maint-Ends "$maint_ends_at" always;
        add_header X-Maint-Message "$maint_message" always;
        add_header X-Maint-Notice "$maint_notice" always;

        location / { proxy_pass http://127.0.0.1:%%UP%%; }
        location /api/ { maint_api on; proxy_pass http://127.0.0.1:%%UP%%; }
        location /crm/ { maint_app crm; proxy_pass http://127.0.0.1:%%UP%%; }
        location /health { maint off; proxy_pass http://127.0.0.1:%%UP%%; }
        location /custom/ { maint_status_code 520; proxy_pass http://127.0.0.1:%%UP%%; }
        location /files/ { alias %%DIR%%/; }
    }

    server {
        listen 127.0.0.1:%%UP%%;
        location / { return 200 "app $request_method $uri\n"; }
    }
HTTP

my $HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

# Windows are given relative to Redis's clock: start/end in seconds from now.
my @cases = (
    {
        name => 'no state at all: pass',
        windows => [],
        req => ['GET', '/page'],
        status => 200, body => qr/^app GET \/page$/m,
        headers => { 'x-maint-status' => 'pass', 'x-maint-source' => 'fresh' },
        absent => ['retry-after', 'x-maint-window'],
    },
    {
        name => 'active window for all apps: maintenance page',
        windows => [{ id => 'db-upgrade', title => 'Database upgrade',
                      login_message => 'We <upgrade> "the" DB & more.' }],
        req => ['GET', '/page', headers => { Accept => $HTML_ACCEPT }],
        status => 503,
        headers => { 'content-type' => 'text/html; charset=utf-8',
                     'cache-control' => 'no-store',
                     'x-maint-status' => 'maintenance',
                     'x-maint-window' => 'db-upgrade' },
        retry_after => 3600,
        body => qr/<p class="message"[^>]*>We &lt;upgrade&gt; &quot;the&quot; DB &amp; more\.<\/p>/,
        body_unlike => qr/<upgrade>/,
    },
    {
        name => 'the page is accessible, self-contained and refreshes',
        windows => [{ id => 'w1' }],
        req => ['GET', '/'],
        status => 503,
        body => qr/<html lang="en">.*<meta http-equiv="refresh" content="\d+">.*<main role="main".*<h1/s,
        body_unlike => qr/(src|href)="https?:/,
    },
    {
        name => 'page shows start and expected end as machine-readable times',
        windows => [{ id => 'w1', start => -120, end => 7200 }],
        req => ['GET', '/'],
        status => 503,
        body => qr/<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">.*<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/s,
        retry_after => 7200,
        check => sub {
            my ($res, $w) = @_;
            like($res->{headers}{'x-maint-starts'}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
                 '$maint_starts_at is RFC 3339');
            is($res->{headers}{'x-maint-ends'}, rfc3339($w->[0]{end}),
               '$maint_ends_at is the window end');
            like($res->{body}, qr/\Q$res->{headers}{'x-maint-ends'}\E/,
                 'page carries the end time');
        },
    },
    {
        name => 'API client (Accept: application/json): problem+json',
        windows => [{ id => 'w1', login_message => 'Back at 10:00' }],
        req => ['GET', '/orders', headers => { Accept => 'application/json' }],
        status => 503,
        headers => { 'content-type' => 'application/problem+json',
                     'cache-control' => 'no-store' },
        retry_after => 3600,
        json => { type => 'urn:ngx-maint:maintenance', status => 503,
                  detail => 'Back at 10:00', window_id => 'w1' },
    },
    {
        name => 'Accept preferring HTML over JSON gets HTML',
        windows => [{ id => 'w1' }],
        req => ['GET', '/', headers => { Accept => 'application/json;q=0.5, text/html' }],
        status => 503, headers => { 'content-type' => 'text/html; charset=utf-8' },
    },
    {
        name => 'problem+json Accept gets JSON',
        windows => [{ id => 'w1' }],
        req => ['GET', '/', headers => { Accept => 'application/problem+json' }],
        status => 503, headers => { 'content-type' => 'application/problem+json' },
    },
    {
        name => 'maint_api on: JSON even for a browser',
        windows => [{ id => 'w1' }],
        req => ['GET', '/api/x', headers => { Accept => $HTML_ACCEPT }],
        status => 503,
        headers => { 'content-type' => 'application/problem+json' },
        json => { type => 'urn:ngx-maint:maintenance' },
    },
    {
        name => 'window for another app: pass',
        windows => [{ id => 'w-crm', apps => ['crm'] }],
        req => ['GET', '/page'],
        status => 200, headers => { 'x-maint-status' => 'pass' },
    },
    {
        name => 'window for another app: blocks that app',
        windows => [{ id => 'w-crm', apps => ['crm'] }],
        req => ['GET', '/crm/x'],
        status => 503, headers => { 'x-maint-window' => 'w-crm' },
    },
    {
        name => 'window listing several apps covers each',
        windows => [{ id => 'w2', apps => ['crm', 'shop'] }],
        req => ['GET', '/page'],
        status => 503, headers => { 'x-maint-window' => 'w2' },
    },
    {
        name => 'maint off location is never gated',
        windows => [{ id => 'w1' }],
        req => ['GET', '/health'],
        status => 200, absent => ['x-maint-status', 'retry-after'],
    },
    {
        name => 'maint_status_code changes the status',
        windows => [{ id => 'w1' }],
        req => ['GET', '/custom/x', headers => { Accept => 'application/json' }],
        status => 520, json => { status => 520 },
    },
    {
        name => 'static files are gated too',
        windows => [{ id => 'w1' }],
        req => ['GET', '/files/nginx.conf'],
        status => 503,
    },
    {
        name => 'HEAD during maintenance: headers only',
        windows => [{ id => 'w1' }],
        req => ['HEAD', '/'],
        status => 503, body => qr/^\z/, retry_after => 3600,
        check => sub { ok($_[0]{headers}{'content-length'} > 100, 'Content-Length of the page') },
    },
    {
        name => 'POST with a body during maintenance',
        windows => [{ id => 'w1' }],
        req => ['POST', '/form', body => 'a=1&b=2'],
        status => 503,
    },
    {
        name => 'read-only: GET passes',
        windows => [{ id => 'ro', mode => 'read_only' }],
        req => ['GET', '/list'],
        status => 200, body => qr/app GET/,
        headers => { 'x-maint-status' => 'pass', 'x-maint-window' => 'ro' },
    },
    {
        name => 'read-only: HEAD and OPTIONS pass',
        windows => [{ id => 'ro', mode => 'read_only' }],
        req => ['OPTIONS', '/list'],
        status => 200,
    },
    {
        name => 'read-only: POST blocked',
        windows => [{ id => 'ro', mode => 'read_only', login_message => 'Read only for now' }],
        req => ['POST', '/save', body => 'x=1', headers => { Accept => $HTML_ACCEPT }],
        status => 503,
        headers => { 'x-maint-status' => 'read_only_blocked' },
        body => qr/Your change was not saved.*Read only for now/s,
        retry_after => 3600,
    },
    {
        name => 'read-only: DELETE from an API client',
        windows => [{ id => 'ro', mode => 'read_only' }],
        req => ['DELETE', '/item/1', headers => { Accept => 'application/json' }],
        status => 503,
        json => { type => 'urn:ngx-maint:read_only', window_id => 'ro' },
    },
    {
        name => 'full window wins over an overlapping read-only one',
        windows => [{ id => 'ro', mode => 'read_only', apps => ['*'] },
                    { id => 'full', apps => ['shop'] }],
        req => ['GET', '/x'],
        status => 503, headers => { 'x-maint-window' => 'full' },
    },
    {
        name => 'allowed path prefix is exempt',
        windows => [{ id => 'w1', allow => { paths => ['/public'] } }],
        req => ['GET', '/public/logo.png'],
        status => 200, headers => { 'x-maint-status' => 'exempt', 'x-maint-window' => 'w1' },
    },
    {
        name => 'allowed path matches whole segments only',
        windows => [{ id => 'w1', allow => { paths => ['/public'] } }],
        req => ['GET', '/publicity'],
        status => 503,
    },
    {
        name => 'allowed network is exempt',
        windows => [{ id => 'w1', allow => { networks => ['10.0.0.0/8', '127.0.0.0/8'] } }],
        req => ['GET', '/x'],
        status => 200, headers => { 'x-maint-status' => 'exempt' },
    },
    {
        name => 'other networks are not',
        windows => [{ id => 'w1', allow => { networks => ['10.0.0.0/8', '::1/128'] } }],
        req => ['GET', '/x'],
        status => 503,
    },
    {
        name => 'upcoming window inside notify_before: notice',
        windows => [{ id => 'soon', start => 600, end => 4200, notify_before_minutes => 30,
                      notify_message => "Maintenance\ntonight" }],
        req => ['GET', '/x'],
        status => 200, body => qr/^app GET/,
        headers => { 'x-maint-status' => 'notice', 'x-maint-window' => 'soon',
                     'x-maint-notice' => 'Maintenance tonight' },
        absent => ['retry-after', 'x-maint-message'],
    },
    {
        name => 'upcoming window outside notify_before: plain pass',
        windows => [{ id => 'later', start => 7200, end => 9000, notify_before_minutes => 30 }],
        req => ['GET', '/x'],
        status => 200, headers => { 'x-maint-status' => 'pass' },
        absent => ['x-maint-notice', 'x-maint-window'],
    },
    {
        name => 'notify_before defaults to the settings',
        settings => { notify_before_minutes => 5 },
        windows => [{ id => 'soon', start => 600, end => 1200 }],
        req => ['GET', '/x'],
        status => 200, headers => { 'x-maint-status' => 'pass' },
    },
    {
        name => 'notice without a text still says when',
        settings => { notify_before_minutes => 15 },
        windows => [{ id => 'soon', start => 600, end => 1200 }],
        req => ['GET', '/x'],
        status => 200,
        headers => { 'x-maint-status' => 'notice' },
        check => sub {
            like($_[0]{headers}{'x-maint-notice'},
                 qr/^Maintenance is scheduled to start at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.$/,
                 'default notice text');
        },
    },
    {
        name => 'default messages come from the settings',
        settings => { login_message => 'From settings' },
        windows => [{ id => 'w1' }],
        req => ['GET', '/x', headers => { Accept => 'application/json' }],
        status => 503, json => { detail => 'From settings' },
    },
    {
        name => 'show_login_message false hides the message',
        windows => [{ id => 'w1', login_message => 'Secret plan', show_login_message => JSON::PP::false }],
        req => ['GET', '/x'],
        status => 503, body_unlike => qr/Secret plan/,
    },
    {
        name => 'window that has ended: pass',
        windows => [{ id => 'old', start => -7200, end => -60 }],
        req => ['GET', '/x'],
        status => 200, headers => { 'x-maint-status' => 'pass' },
    },
    {
        name => 'held window stays active after its end, Retry-After 60',
        windows => [{ id => 'held', start => -7200, end => -60, hold => JSON::PP::true }],
        req => ['GET', '/x'],
        status => 503, headers => { 'retry-after' => '60' },
    },
    {
        name => 'message line breaks are flattened in variables',
        windows => [{ id => 'w1', login_message => "line one\nline two" }],
        req => ['GET', '/x'],
        status => 503, headers => { 'x-maint-message' => 'line one line two' },
    },
);

for my $c (@cases) {
    my @windows = map { window($redis, %$_) } @{ $c->{windows} };
    set_state($redis, windows => \@windows,
              $c->{settings} ? (settings => $c->{settings}) : ());

    my $res = http($nginx->port, @{ $c->{req} });
    my $n = $c->{name};

    is($res->{status}, $c->{status}, "$n: status") or diag($res->{raw} // $res->{error});

    for my $h (sort keys %{ $c->{headers} // {} }) {
        is($res->{headers}{$h}, $c->{headers}{$h}, "$n: $h");
    }

    for my $h (@{ $c->{absent} // [] }) {
        ok(!defined $res->{headers}{$h}, "$n: no $h")
            or diag("$h: $res->{headers}{$h}");
    }

    if (my $ra = $c->{retry_after}) {
        my $v = $res->{headers}{'retry-after'} // -1;
        ok($v >= $ra - 3 && $v <= $ra + 1, "$n: Retry-After $v ~ $ra");
    }

    like($res->{body}, $c->{body}, "$n: body") if $c->{body};
    unlike($res->{body}, $c->{body_unlike}, "$n: body lacks") if $c->{body_unlike};

    if (my $j = $c->{json}) {
        my $doc = eval { decode_json($res->{body}) };
        ok($doc, "$n: body is JSON") or diag($res->{body});
        for my $k (sort keys %$j) {
            is($doc->{$k}, $j->{$k}, "$n: json $k");
        }
        is($doc->{title} ? 1 : 0, 1, "$n: json has a title");
    }

    $c->{check}->($res, \@windows) if $c->{check};
}

# every decision was logged with $maint_status
my @log = do { open(my $f, '<', $nginx->dir . '/logs/access.log'); <$f> };
ok(scalar(grep { / 503 maintenance fresh w1$/ } @log), 'access log carries $maint_status and the window');

$nginx->stop;
check_error_log($nginx);

done_testing();

