# maintctl as an operator reads it (issue 17), against the real daemon:
# window list shows the actual start and end once a window has them
# (marked *), window start leads with status, actual_start and ends_at and
# keeps the scheduled end, status needs --app, a field error is printed
# once, --version, --start +DURATION and "YYYY-MM-DD HH:MM" in the local
# zone, and sessions end-all keeping superadmins' sessions by default.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

# the tables are in the local zone: make it one the test can compute
$ENV{TZ} = 'UTC';

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

sub now_s { int(redis_now_ms($redis) / 1000) }

# maintctl with a role's token (undef: none); {code, out, err, json}
sub ctl { maintctl_run($admin, @_) }
sub ok_run { maintctl_ok(@_) }

sub api_w { $admin->api('GET', "/v1/windows/$_[0]")->{json} // {} }

# "2026-11-21 22:00", UTC as $ENV{TZ} says
sub table_time {
    my @t = gmtime(epoch($_[0]) // 0);
    return sprintf('%04d-%02d-%02d %02d:%02d', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1]);
}

my $ID = qr/\b(w_[A-Za-z0-9._-]{10})\b/;
my $H = 3600;

# --- --version: the daemon's version, from admin-api/config.h -------------------------

{
    open(my $f, '<', "$FindBin::Bin/../admin-api/config.h") or die "config.h: $!";
    my ($v) = join('', <$f>) =~ /^#define ADM_VERSION\s+"([^"]+)"/m;
    ok(defined $v, 'admin-api/config.h has ADM_VERSION');
    my $r = ctl(undef, '--version');
    ok_run($r, '--version');
    is($r->{out}, "maintctl $v\n", '--version prints "maintctl VERSION"');
    is($r->{err}, '', '--version: nothing on stderr');
}

# --- window start, window list -----------------------------------------------------------

my $T = now_s();
my ($id, $sched);
{
    my $r = ctl('admin', 'window', 'create', '--title', 'Early one', '--app', 'shop',
                '--start', rfc3339($T + 2 * $H), '--end', rfc3339($T + 3 * $H));
    ok_run($r, 'create a window two hours ahead');
    ($id) = $r->{out} =~ $ID;
    $sched = api_w($id);

    $r = ctl('admin', 'window', 'start', $id);
    ok_run($r, 'window start');
    my @keys = map { /^\s*([a-z_]+):/ ? $1 : () } split /\n/, $r->{out};
    my %at;
    @at{@keys} = (0 .. $#keys);
    like($r->{out}, qr/^\s*status:\s*in_progress\s*$/m, 'start: status in_progress');
    ok(defined $at{actual_start} && defined $at{ends_at} && defined $at{starts_at},
       'start: actual_start, ends_at and starts_at shown') or diag($r->{out});
    ok(($at{status} // 99) < ($at{starts_at} // -1)
       && ($at{actual_start} // 99) < ($at{starts_at} // -1)
       && ($at{ends_at} // 99) < ($at{starts_at} // -1),
       'start: status, actual_start and ends_at come before the old scheduled start')
        or diag($r->{out});
    my $w = api_w($id);
    is($w->{ends_at}, $sched->{ends_at}, 'starting early keeps the scheduled end');
    ok(defined $w->{actual_start}, 'the window has its actual_start');

    $r = ctl('admin', 'window', 'start', '--help');
    ok_run($r, 'window start --help');
    like($r->{out}, qr/keeps the scheduled end/, 'start --help: starting early keeps the scheduled end');

    $r = ctl('viewer', 'window', 'list');
    ok_run($r, 'list with an in-progress window');
    my ($row) = grep { /\Q$id\E/ } split /\n/, $r->{out};
    my $as = table_time($w->{actual_start});
    like($row // '', qr/\Q$as\E\*/, 'list: the actual start, marked *') or diag($r->{out});
    my $ss = table_time($sched->{starts_at});
    unlike($row // '', qr/\Q$ss\E/, 'list: not the scheduled start') or diag($r->{out});
    like($row // '', qr/\Q@{[ table_time($w->{ends_at}) ]}\E(?!\*)/, 'list: the scheduled end, unmarked');
    like($r->{out}, qr/^\* actual time/m, 'list: the legend of *');

    $r = ctl('admin', 'window', 'complete', $id, '--notes', 'done');
    ok_run($r, 'window complete');
    $w = api_w($id);
    $r = ctl('viewer', 'window', 'list');
    ($row) = grep { /\Q$id\E/ } split /\n/, $r->{out};
    my $ae = table_time($w->{actual_end});
    like($row // '', qr/\Q$as\E\*.*\Q$ae\E\*/, 'list: a completed window, actual start and end marked *')
        or diag($r->{out});
    unlike($row // '', qr/\Q@{[ table_time($sched->{ends_at}) ]}\E/, 'list: not the scheduled end')
        if table_time($sched->{ends_at}) ne $ae;

    $r = ctl('viewer', 'window', 'list', '--json');
    ok_run($r, 'list --json');
    my ($j) = grep { $_->{id} eq $id } @{ ($r->{json} // {})->{items} // [] };
    is($j->{starts_at}, $sched->{starts_at}, '--json: starts_at as the API has it');
    is($j->{actual_start}, $w->{actual_start}, '--json: actual_start as the API has it');
    unlike($r->{out}, qr/actual time/, '--json: no legend');
}

# --- status needs --app ------------------------------------------------------------------

{
    my $r = ctl('viewer', 'status');
    is($r->{code}, 1, 'status without --app: a usage error (exit 1)');
    like($r->{err}, qr/--app/, 'status without --app: the error names --app');
    is($r->{out}, '', 'status without --app: no answer on stdout');
    $r = ctl('viewer', 'status', '--method', 'POST');
    is($r->{code}, 1, 'status with options but no --app: exit 1');
    $r = ctl('viewer', 'status', '--method', 'GET', '--app', 'shop');
    ok_run($r, 'status --app after another option');
    like($r->{out}, qr/^shop: /, 'status answers for the app given');
}

# --- a field error, printed once ----------------------------------------------------------

{
    my $r = ctl('admin', 'window', 'create', '--title', 'x' x 500, '--app', 'shop',
                '--start', rfc3339($T + 5 * $H), '--for', '10m');
    is($r->{code}, 2, 'a too long title: refused by the API (exit 2)') or diag($r->{err});
    my @lines = grep { /title/ } split /\n/, $r->{err};
    is(scalar @lines, 1, 'the field error is printed once') or diag($r->{err});
    like($r->{err}, qr/^maintctl: \S/m, "'maintctl: <headline>' first");
}

# --- --start +DURATION and local "YYYY-MM-DD HH:MM" ------------------------------------------

{
    my $before = time;
    my $r = ctl('admin', 'window', 'create', '--title', 'Relative', '--app', 'rel',
                '--start', '+2m', '--for', '10m');
    ok_run($r, 'create --start +2m');
    my ($rid) = $r->{out} =~ $ID;
    my $w = api_w($rid // 'none');
    my $s = epoch($w->{starts_at}) // 0;
    ok($s >= $before + 120 && $s <= time + 120, '+2m: two minutes from now')
        or diag("starts_at $w->{starts_at}, now $before");
    is((epoch($w->{ends_at}) // 0) - $s, 600, '--for counts from the +2m start');

    $r = ctl('admin', 'window', 'update', $rid, '--start', '+1h30m', '--for', '10m');
    ok_run($r, 'update --start +1h30m');
    $s = epoch(api_w($rid)->{starts_at}) // 0;
    ok($s >= $before + 5400 && $s <= time + 5400, '+1h30m');

    my @t = gmtime($T + 30 * 86400);
    my $local = sprintf('%04d-%02d-%02d 02:00', $t[5] + 1900, $t[4] + 1, $t[3]);
    $r = ctl('admin', 'window', 'create', '--title', 'Local', '--app', 'loc',
             '--start', $local, '--for', '1h');
    ok_run($r, "create --start '$local' (TZ=UTC)");
    my ($lid) = $r->{out} =~ $ID;
    like(api_w($lid // 'none')->{starts_at} // '', qr/^\Q@{[ substr($local, 0, 10) ]}\ET02:00:00(Z|\+00:00)$/,
         'a local time in TZ=UTC is that time UTC');

    {
        local $ENV{TZ} = 'Europe/Berlin';
        $r = ctl('admin', 'window', 'create', '--title', 'Berlin', '--app', 'ber',
                 '--start', '2031-01-15 02:00', '--for', '1h');
        ok_run($r, 'create --start in TZ=Europe/Berlin');
        my ($bid) = $r->{out} =~ $ID;
        is(epoch(api_w($bid // 'none')->{starts_at}), epoch('2031-01-15T01:00:00Z'),
           'a local time in TZ=Europe/Berlin (winter) is an hour before UTC');

        # 02:30 on the day the clocks jump from 02:00 to 03:00 never occurs
        $r = ctl('admin', 'window', 'create', '--title', 'Gap', '--app', 'ber2',
                 '--start', '2031-03-30 02:30', '--for', '1h');
        is($r->{code}, 1, 'a local time the zone skips: a usage error');
    }

    for my $bad ('tomorrow 02:00', '+', '+soon', '2031-01-15 25:00', '2031-01-15 02:00 ', '2031-1-15T02:00') {
        $r = ctl('admin', 'window', 'create', '--title', 'Bad', '--app', 'bad',
                 '--start', $bad, '--for', '1h');
        is($r->{code}, 1, "--start '$bad': a usage error");
        like($r->{err}, qr/not a time/, "--start '$bad': says it is not a time");
    }
    is(scalar(grep { $_->{title} eq 'Bad' } @{ ($admin->api('GET', '/v1/windows?limit=500')->{json} // {})->{items} // [] }),
       0, 'the bad times created nothing');
}

# --- sessions end-all keeps superadmins by default -----------------------------------------

{
    my $r = ctl('admin', 'superadmin', 'add', 'alice');
    ok_run($r, 'superadmin add alice');
    my $n = 0;
    my %S;
    my $now = redis_now_ms($redis);
    for my $row ([ user => 'web-user', undef ], [ sa => 'web-sa', 'alice' ]) {
        my ($name, $cookie, $sa) = @$row;
        my $sid = session_id($cookie);
        $n++;
        my $key = "maint:session:$sid";
        $redis->atomically(
            [ 'HSET', $key, last_seen => $now - $n * 1000, app => 'web', addr => "198.51.100.$n",
              user_agent => "test/$name", user => $name,
              defined $sa ? (superadmin => $sa, superadmin_cid => superadmin_cid($redis, $sa)) : () ],
            [ 'HSETNX', $key, 'first_seen', $now - 3600_000 ],
            [ 'PEXPIRE', $key, 1440 * 60_000 ],
            [ 'ZADD', 'maint:sessions', $now - $n * 1000, $sid ],
        );
        $S{$name} = $sid;
    }
    my $st = sub { ($admin->api('GET', "/v1/sessions/$_[0]")->{json} // {})->{status} // '' };

    $r = ctl('admin', '--json', 'sessions', 'end-all', '--app', 'web', '--yes');
    ok_run($r, 'sessions end-all --app web (no flag)');
    is(($r->{json} // {})->{kept}, 1, 'end-all: one kept');
    is($st->($S{sa}), 'active', 'end-all: the superadmin\'s session is kept by default');
    is($st->($S{user}), 'ended', 'end-all: the user\'s session is ended');

    $r = ctl('admin', 'sessions', 'end-all', '--app', 'web', '--except-superadmins', '--yes');
    ok_run($r, '--except-superadmins is still accepted');
    is($st->($S{sa}), 'active', '--except-superadmins: kept');

    my $c = epoch(($admin->api('GET', '/v1/sessions/' . $S{sa})->{json} // {})->{kept_at}) // now_s();
    ok(wait_until(sub { now_s() >= $c + 2 }, 10, 'the Redis clock past the cutoff'),
       'the Redis clock moved past the last cutoff');
    $r = ctl('admin', 'sessions', 'end-all', '--app', 'web', '--include-superadmins', '--yes');
    ok_run($r, 'sessions end-all --include-superadmins');
    is($st->($S{sa}), 'ended', '--include-superadmins: the superadmin\'s session ends too');

    $r = ctl('admin', 'sessions', 'end-all', '--help');
    like($r->{out}, qr/--include-superadmins/, 'end-all --help names --include-superadmins');
}

done_testing();
