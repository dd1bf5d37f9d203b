# GET /v1/status (docs/admin-api.md): what a gateway decides now for an
# app, a method, a path and a client, on the snapshot in Redis and Redis's
# clock: no window (none/pass), a full window (active/maintenance with
# retry_after), read-only (GET passes, writes read_only_blocked), allowed
# paths and networks (exempt), upcoming windows inside and outside their
# notice period (upcoming/notice), the settings' default notice period, and
# other apps unaffected.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

sub now_s { int(redis_now_ms($redis) / 1000) }

sub uri { my $s = shift; $s =~ s/([^A-Za-z0-9\-._~\/])/sprintf('%%%02X', ord $1)/ge; $s }

sub create {
    my (%w) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => \%w);
    is($r->{status}, 201, "create '$w{title}': 201") or diag($r->{body});
    return $r->{json} // {};
}

my $T = now_s();
my %W;

$W{shop} = create(title => 'Shop down', apps => ['shop'], starts_at => 'now',
                  ends_at => rfc3339($T + 3600));
$W{ro} = create(title => 'Read only', apps => ['ro'], mode => 'read_only', starts_at => 'now',
                ends_at => rfc3339($T + 1800));
$W{paths} = create(title => 'With paths', apps => ['paths'], starts_at => 'now',
                   ends_at => rfc3339($T + 3600), allow => { paths => ['/public', '/static/'], networks => [] });
$W{nets} = create(title => 'With networks', apps => ['nets'], starts_at => 'now',
                  ends_at => rfc3339($T + 3600),
                  allow => { paths => [], networks => ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] });
$W{soon} = create(title => 'Soon', apps => ['soon'], starts_at => rfc3339($T + 600),
                  ends_at => rfc3339($T + 4200), notify_before_minutes => 30, notify_message => 'Soon!');
$W{later} = create(title => 'Later', apps => ['later'], starts_at => rfc3339($T + 7200),
                   ends_at => rfc3339($T + 9000), notify_before_minutes => 30);
$W{d20} = create(title => 'Default notice, 20 min', apps => ['d20'], starts_at => rfc3339($T + 1200),
                 ends_at => rfc3339($T + 2400));
$W{d40} = create(title => 'Default notice, 40 min', apps => ['d40'], starts_at => rfc3339($T + 2400),
                 ends_at => rfc3339($T + 3600));
$W{zero} = create(title => 'No notice', apps => ['zero'], starts_at => rfc3339($T + 120),
                  ends_at => rfc3339($T + 600), notify_before_minutes => 0);
$W{off} = create(title => 'Disabled', apps => ['off'], enabled => JSON::PP::false, starts_at => 'now',
                 ends_at => rfc3339($T + 3600));

# [query, state, decision, window key or undef]
my @CASES = (
    [ 'app=other',                              none     => 'pass',              undef ],
    [ '',                                       none     => 'pass',              undef, 'default' ],
    [ 'app=shop',                               active   => 'maintenance',       'shop' ],
    [ 'app=shop&method=POST&path=/cart',        active   => 'maintenance',       'shop' ],
    [ 'app=ro',                                 active   => 'pass',              'ro' ],
    [ 'app=ro&method=GET',                      active   => 'pass',              'ro' ],
    [ 'app=ro&method=HEAD',                     active   => 'pass',              'ro' ],
    [ 'app=ro&method=OPTIONS',                  active   => 'pass',              'ro' ],
    [ 'app=ro&method=POST',                     active   => 'read_only_blocked', 'ro' ],
    [ 'app=ro&method=PUT',                      active   => 'read_only_blocked', 'ro' ],
    [ 'app=ro&method=PATCH',                    active   => 'read_only_blocked', 'ro' ],
    [ 'app=ro&method=DELETE',                   active   => 'read_only_blocked', 'ro' ],
    [ 'app=paths',                              active   => 'maintenance',       'paths' ],
    [ 'app=paths&path=' . uri('/public/logo.png'), active => 'exempt',           'paths' ],
    [ 'app=paths&path=/public',                 active   => 'exempt',            'paths' ],
    [ 'app=paths&path=/publicity',              active   => 'maintenance',       'paths' ],
    [ 'app=paths&path=' . uri('/static/app.js'), active  => 'exempt',            'paths' ],
    [ 'app=paths&path=/other&method=POST',      active   => 'maintenance',       'paths' ],
    [ 'app=nets',                               active   => 'maintenance',       'nets' ],
    [ 'app=nets&client=10.1.2.3',               active   => 'exempt',            'nets' ],
    [ 'app=nets&client=192.0.2.7',              active   => 'exempt',            'nets' ],
    [ 'app=nets&client=192.0.2.8',              active   => 'maintenance',       'nets' ],
    [ 'app=nets&client=' . uri('2001:db8::1'),  active   => 'exempt',            'nets' ],
    [ 'app=nets&client=' . uri('2001:db9::1'),  active   => 'maintenance',       'nets' ],
    [ 'app=soon',                               upcoming => 'notice',            'soon' ],
    [ 'app=later',                              none     => 'pass',              undef ],
    [ 'app=d20',                                upcoming => 'notice',            'd20' ],
    [ 'app=d40',                                none     => 'pass',              undef ],
    [ 'app=zero',                               none     => 'pass',              undef ],
    [ 'app=off',                                none     => 'pass',              undef ],
);

sub check_case {
    my ($c, $label) = @_;
    my ($q, $state, $decision, $wkey, $app) = @$c;
    $label //= "status ?$q";
    my $r = $admin->api('GET', "/v1/status?$q", token => 'viewer');
    is($r->{status}, 200, "$label: 200") or diag($r->{body});
    my $j = $r->{json} // {};
    ($app) = $q =~ /(?:^|&)app=([^&]*)/ unless defined $app;
    is($j->{app}, $app, "$label: app $app");
    is($j->{state}, $state, "$label: state $state");
    is($j->{decision}, $decision, "$label: decision $decision");
    is($j->{state_version}, $redis->cmd('HGET', 'maint:state', 'version'), "$label: state_version");
    ok(abs((epoch($j->{now}) // 0) - now_s()) <= 2, "$label: now is Redis's clock");

    if (!defined $wkey) {
        ok(exists $j->{window} && !defined $j->{window}, "$label: window null");
        ok(!exists $j->{retry_after}, "$label: no retry_after");
        return;
    }

    my $w = $W{$wkey};
    my $jw = $j->{window} // {};
    is($jw->{id}, $w->{id}, "$label: window id");
    is($jw->{title}, $w->{title}, "$label: window title");
    is($jw->{mode}, $w->{mode}, "$label: window mode");
    is($jw->{starts_at}, $w->{starts_at}, "$label: window starts_at");
    is($jw->{ends_at}, $w->{ends_at}, "$label: window ends_at");
    if ($state eq 'active') {
        my $want = epoch($w->{ends_at}) - now_s();
        my $ra = $j->{retry_after} // -1000;
        ok($ra >= $want - 3 && $ra <= $want + 1, "$label: retry_after $ra ~ ends_at - now ($want)");
    }
}

check_case($_) for @CASES;

# the default notice period comes from the settings
{
    my $r = $admin->api('PUT', '/v1/settings', json => { notify_before_minutes => 60 });
    is($r->{status}, 200, 'settings: notice period 60 minutes') or diag($r->{body});
    check_case([ 'app=d40', upcoming => 'notice', 'd40' ], 'after the settings change, status ?app=d40');
    check_case([ 'app=later', none => 'pass', undef ], 'a window with its own period ignores the settings');
}

# what the API changes, the very next status shows
{
    my $g = $admin->api('GET', "/v1/windows/$W{shop}{id}");
    my $r = $admin->api('POST', "/v1/windows/$W{shop}{id}/complete", if_match => $g->{headers}{etag});
    is($r->{status}, 200, 'complete the shop window') or diag($r->{body});
    check_case([ 'app=shop', none => 'pass', undef ], 'after /complete, status ?app=shop');
    check_case([ 'app=ro&method=POST', active => 'read_only_blocked', 'ro' ],
               'other windows unaffected, status ?app=ro&method=POST');
}

# a "*" window covers every app: with a week's notice, every app without a
# window of its own is told about it; an active window still governs
{
    $W{all} = create(title => 'Everything read-only', apps => ['*'], mode => 'read_only',
                     starts_at => rfc3339($T + 5 * 3600), ends_at => rfc3339($T + 6 * 3600),
                     notify_before_minutes => 10080);
    check_case([ 'app=other', upcoming => 'notice', 'all' ], 'a "*" window with a week\'s notice, status ?app=other');
    check_case([ '', upcoming => 'notice', 'all', 'default' ], 'a "*" window with a week\'s notice, status (default app)');
    check_case([ 'app=ro&method=POST', active => 'read_only_blocked', 'ro' ],
               'an active window governs over an upcoming one');
}

$admin->stop;
$redis->stop;

done_testing();
