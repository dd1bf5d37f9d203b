# End to end: Redis, maint-admind and nginx with ngx_maint_module.  A window
# created with maintctl is enforced on the very next request and lifted on
# the very next request after it is completed; upcoming windows give the
# notice; read-only windows; app targeting; changes made through the API
# (extend, start early, settings' default message) reach the gateway at
# once; the daemon's /v1/status agrees with the gateway; and the gateway's
# workers appear in GET /v1/gateways from their heartbeats, and leave it
# when they stop.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use File::Path qw(make_path);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $nginx = start_nginx(redis => $redis, workers => 2, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% heartbeat=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        root %%DIR%%/html;

        add_header X-Maint-Status "$maint_status" always;
        add_header X-Maint-Window "$maint_window_id" always;
        add_header X-Maint-Notice "$maint_notice" always;

        location /crm/ { maint_app crm; }
    }
HTTP

my $port = $nginx->port;
my $H = 3600;

for my $d ('html', 'html/crm') {
    make_path($nginx->dir . "/$d");
    open(my $f, '>', $nginx->dir . "/$d/index.html") or die $!;
    print {$f} "<p>app page</p>\n";
    close $f;
}

sub now_s { int(redis_now_ms($redis) / 1000) }

sub create {
    my (%w) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => \%w);
    is($r->{status}, 201, "create '$w{title}': 201") or diag($r->{body});
    return $r->{json} // {};
}

sub act {
    my ($id, $action, %opt) = @_;
    my $tag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
    my $r = $admin->api('POST', "/v1/windows/$id/$action", if_match => $tag, %opt);
    is($r->{status}, 200, "$action $id: 200") or diag($r->{body});
    return $r->{json} // {};
}

# the gateway's answer: [status, $maint_status, window id, notice, retry-after]
sub gw {
    my ($method, $path, %opt) = @_;
    my $r = http($port, $method, $path, %opt);
    return $r;
}

# Requests on fresh connections (so both workers answer) all decided alike.
sub expect {
    my ($name, $method, $path, $status, $decision, $window, %opt) = @_;
    my $n = 6;
    my @res = map { gw($method, $path, %opt) } 1 .. $n;
    my @bad = grep { $_->{status} != $status
                     || ($_->{headers}{'x-maint-status'} // '') ne $decision
                     || (defined $window && ($_->{headers}{'x-maint-window'} // '') ne $window) } @res;
    ok(!@bad, "$name: $method $path -> $status $decision" . (defined $window ? " ($window)" : '')
              . " on every request")
        or diag(join "\n", map { "$_->{status} " . ($_->{headers}{'x-maint-status'} // '-') . ' '
                                 . ($_->{headers}{'x-maint-window'} // '-') } @bad);
    return $res[0];
}

sub status_of {
    my ($q) = @_;
    return $admin->api('GET', "/v1/status?$q")->{json} // {};
}

expect('no window', GET => '/', 200, 'pass', undef);

# --- a window created with maintctl, enforced on the very next request -------------

my $id;
{
    my ($code, $out, $err) = maintctl($admin, 'admin', 'window', 'create', '--json', '--title', 'E2E',
                                      '--app', 'shop', '--start', 'now', '--for', '10m');
    is($code, 0, 'maintctl window create --start now --for 10m') or diag($err);
    my $w = eval { decode_json($out) } // {};
    $id = $w->{id} // 'none';

    my $r = gw('GET', '/');
    is($r->{status}, 503, 'the very next request after maintctl: 503');
    is($r->{headers}{'x-maint-status'}, 'maintenance', '... $maint_status maintenance');
    is($r->{headers}{'x-maint-window'}, $id, '... $maint_window_id is the window');
    my $ra = $r->{headers}{'retry-after'} // -1;
    ok($ra >= 597 && $ra <= 601, "... Retry-After $ra ~ 600");

    expect('maintctl window', GET => '/', 503, 'maintenance', $id);
    expect('maintctl window, other app', GET => '/crm/', 200, 'pass', undef);

    my $s = status_of('app=shop');
    is($s->{decision}, 'maintenance', '/v1/status agrees: maintenance');
    is($s->{window} && $s->{window}{id}, $id, '/v1/status agrees: the window');

    ($code, $out, $err) = maintctl($admin, 'admin', 'window', 'complete', $id);
    is($code, 0, 'maintctl window complete') or diag($err);
    $r = gw('GET', '/');
    is($r->{status}, 200, 'the very next request after completing: 200');
    is($r->{headers}{'x-maint-status'}, 'pass', '... pass');
    expect('completed', GET => '/', 200, 'pass', undef);
    is(status_of('app=shop')->{decision}, 'pass', '/v1/status agrees: pass');
}

# --- an upcoming window: the notice ------------------------------------------------------

{
    my $t = now_s();
    my $w = create(title => 'Upcoming', apps => ['shop'], starts_at => rfc3339($t + 600),
                   ends_at => rfc3339($t + 4200), notify_before_minutes => 30,
                   notify_message => 'Deploy at ten');
    my $r = expect('upcoming', GET => '/', 200, 'notice', $w->{id});
    is($r->{headers}{'x-maint-notice'}, 'Deploy at ten', '$maint_notice is the notify_message');
    ok(!defined $r->{headers}{'retry-after'}, 'no Retry-After for a notice');
    my $s = status_of('app=shop');
    is($s->{state}, 'upcoming', '/v1/status agrees: upcoming');
    is($s->{decision}, 'notice', '/v1/status agrees: notice');

    act($w->{id}, 'cancel');
    expect('upcoming, cancelled', GET => '/', 200, 'pass', undef);
}

# --- the settings' default message ----------------------------------------------------------

{
    my $r = $admin->api('PUT', '/v1/settings', json => { login_message => 'From the settings' });
    is($r->{status}, 200, 'settings: a default login message') or diag($r->{body});
    my $w = create(title => 'Default message', apps => ['shop'], starts_at => 'now',
                   ends_at => rfc3339(now_s() + 600));
    my $g = gw('GET', '/', headers => { Accept => 'application/json' });
    is($g->{status}, 503, 'a window without a message: 503');
    my $j = eval { decode_json($g->{body}) } // {};
    is($j->{detail}, 'From the settings', 'the gateway shows the settings\' message');
    is($j->{window_id}, $w->{id}, '... for the window');

    # extending the window moves Retry-After on the next request
    my $tag = $admin->api('GET', "/v1/windows/$w->{id}")->{headers}{etag};
    my $new_end = now_s() + 1800;
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}", json => { ends_at => rfc3339($new_end) },
                     if_match => $tag);
    is($r->{status}, 200, 'extend the window') or diag($r->{body});
    my $ra = gw('GET', '/')->{headers}{'retry-after'} // -1;
    my $want = $new_end - now_s();
    ok($ra >= $want - 3 && $ra <= $want + 1, "the next request's Retry-After follows ($ra ~ $want)");

    act($w->{id}, 'complete');
    expect('default message, completed', GET => '/', 200, 'pass', undef);
}

# --- read-only --------------------------------------------------------------------------------

{
    my $w = create(title => 'Read only', apps => ['shop'], mode => 'read_only', starts_at => 'now',
                   ends_at => rfc3339(now_s() + 600));
    expect('read-only', GET => '/', 200, 'pass', $w->{id});
    expect('read-only', POST => '/', 503, 'read_only_blocked', $w->{id}, body => 'x=1');
    expect('read-only', DELETE => '/', 503, 'read_only_blocked', $w->{id});
    is(status_of('app=shop&method=POST')->{decision}, 'read_only_blocked',
       '/v1/status agrees: read_only_blocked');
    act($w->{id}, 'complete');
    my $r = gw('POST', '/', body => 'x=1');
    is($r->{headers}{'x-maint-status'}, 'pass', 'read-only completed: POST passes (to nginx\'s static handler)');
    isnt($r->{status}, 503, '... not 503');
}

# --- app targeting ------------------------------------------------------------------------------

for my $c ([ ['crm'],         { '/' => 0, '/crm/' => 1 } ],
           [ ['*'],           { '/' => 1, '/crm/' => 1 } ],
           [ ['shop', 'crm'], { '/' => 1, '/crm/' => 1 } ],
           [ ['billing'],     { '/' => 0, '/crm/' => 0 } ]) {
    my ($apps, $blocked) = @$c;
    my $label = 'apps [' . join(',', @$apps) . ']';
    my $w = create(title => "Targeting $label", apps => $apps, starts_at => 'now',
                   ends_at => rfc3339(now_s() + 600));
    for my $p (sort keys %$blocked) {
        if ($blocked->{$p}) {
            expect($label, GET => $p, 503, 'maintenance', $w->{id});
        } else {
            expect($label, GET => $p, 200, 'pass', undef);
        }
    }
    act($w->{id}, 'complete');
}

# --- start early, disabled ----------------------------------------------------------------------

{
    my $t = now_s();
    my $w = create(title => 'Tonight', apps => ['shop'], starts_at => rfc3339($t + 4 * $H),
                   ends_at => rfc3339($t + 5 * $H));
    expect('scheduled for tonight', GET => '/', 200, 'pass', undef);
    act($w->{id}, 'start');
    expect('started early', GET => '/', 503, 'maintenance', $w->{id});
    act($w->{id}, 'complete');

    my $d = create(title => 'Disabled', apps => ['shop'], enabled => JSON::PP::false,
                   starts_at => 'now', ends_at => rfc3339(now_s() + 600));
    expect('a disabled window', GET => '/', 200, 'pass', undef);
}

# --- gateways, from their heartbeats -------------------------------------------------------------

{
    my @workers = $nginx->workers;
    my $version = $redis->cmd('HGET', 'maint:state', 'version');
    gw('GET', "/warm$_") for 1 .. 20;            # workers read the state on requests
    my $g;
    ok(wait_until(sub {
        $g = $admin->api('GET', '/v1/gateways', token => 'viewer')->{json} // {};
        my @items = @{ $g->{items} // [] };
        my %pids = map { ($_->{pid} // 0) => 1 } @items;
        @items == @workers && !grep({ !$pids{$_} } @workers)
            && grep({ ($_->{state_version} // -1) == $version } @items);
    }, 10, 'both workers in /v1/gateways'),
       'GET /v1/gateways lists every nginx worker (and one reports the current state version)')
        or diag(encode_json($g // {}));
    is($g->{state_version}, $version, 'gateways: the current state version');
    ok(!grep({ ($_->{state_version} // '') !~ /^-?\d+$/ || $_->{state_version} > $version }
             @{ $g->{items} // [] }), 'gateways: each worker\'s state_version is a version read');
    for my $gw (@{ $g->{items} // [] }) {
        my $p = $gw->{pid} // '?';
        ok(defined $gw->{host} && length $gw->{host}, "worker $p: host");
        is($gw->{master}, $nginx->pid, "worker $p: master pid");
        like($gw->{module} // '', qr/^\d+\.\d+\.\d+$/, "worker $p: module version");
        is_deeply([ sort @{ $gw->{apps} // [] } ], ['crm', 'shop'], "worker $p: apps served");
        is($gw->{interval_ms}, 1000, "worker $p: interval_ms");
        my $seen = epoch($gw->{seen_at});
        ok(defined $seen && abs($seen - now_s()) <= 5, "worker $p: seen_at on the Redis clock");
    }

    my ($code, $out, $err) = maintctl($admin, 'viewer', 'gateways');
    is($code, 0, 'maintctl gateways') or diag($err);
    like($out, qr/\b$workers[0]\b/, 'maintctl gateways lists the workers');

    my $t = now_s();
    my $dry = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'Dry', apps => ['shop'], starts_at => rfc3339($t + 6 * $H), ends_at => rfc3339($t + 7 * $H) });
    my ($pc) = grep { ($_->{name} // '') eq 'gateways' } @{ ($dry->{json} // {})->{prechecks} // [] };
    is($pc && $pc->{status}, 'ok', 'dry run: a live gateway serves shop');
    $dry = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'Dry', apps => ['nogw'], starts_at => rfc3339($t + 6 * $H), ends_at => rfc3339($t + 7 * $H) });
    ($pc) = grep { ($_->{name} // '') eq 'gateways' } @{ ($dry->{json} // {})->{prechecks} // [] };
    is($pc && $pc->{status}, 'warn', 'dry run: no live gateway serves nogw');
    like($pc && $pc->{detail} // '', qr/nogw/, '... naming the app');
}

# The gateways enforce starts_at and ends_at on their own: a window made
# through the API starts and ends on time with the daemon stopped.
{
    # room before the start for the daemon's stop (a sanitizer build checks
    # for leaks as it exits) and the first request
    my $s = now_s() + 1 + MaintTest::time_scale(1);
    my $r = $admin->api('POST', '/v1/windows', json => {
        title => 'Unattended', apps => ['shop'],
        starts_at => rfc3339($s), ends_at => rfc3339($s + 2) });
    is($r->{status}, 201, 'unattended window created') or diag($r->{body});

    my $pid = $admin->pid;
    $admin->stop;
    ok(!kill(0, $pid), 'the admin daemon is stopped');

    is(http($nginx->port, 'GET', '/unattended1')->{status}, 404,
       'before its start: the app answers');

    wait_until(sub { redis_now_ms($redis) >= $s * 1000 + 100 }, 5,
               'the start on the Redis clock');
    is(http($nginx->port, 'GET', '/unattended2')->{status}, 503,
       'at its start, with no daemon: maintenance');

    wait_until(sub { redis_now_ms($redis) >= ($s + 2) * 1000 + 100 }, 5,
               'the end on the Redis clock');
    is(http($nginx->port, 'GET', '/unattended3')->{status}, 404,
       'at its end, with no daemon: the app again');

    $admin->start;
    my $w = $admin->api('GET', "/v1/windows/$r->{json}{id}")->{json} // {};
    is($w->{status}, 'completed', 'the daemon, back, shows it completed');
}

$nginx->stop;
ok(wait_until(sub { my $g = $admin->api('GET', '/v1/gateways')->{json};
                    $g && !@{ $g->{items} // [1] } }, 10, 'gateways to expire'),
   'stopped workers leave /v1/gateways after three missed heartbeats');
check_error_log($nginx);

$admin->stop;
$redis->stop;

done_testing();
