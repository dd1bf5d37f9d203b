# maintctl against the real daemon (docs/maintctl.md): every command, its
# human output and its --json output (one JSON document on stdout), the
# exit codes (1 usage, 2 refused, 3 conflict, 4 auth, 5 unavailable),
# --dry-run, delete's confirmation, and `maintctl run`, which wraps a
# command in a window: completed on exit 0, failed with the status in the
# notes otherwise, and the command never runs when the window cannot be
# created.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

my $H = 3600;

sub now_s { int(redis_now_ms($redis) / 1000) }

# maintctl with a role's token (undef: none); {code, out, err, json}
sub ctl { maintctl_run($admin, @_) }
sub ok_run { maintctl_ok(@_) }

sub exits {
    my ($r, $code, $name) = @_;
    is($r->{code}, $code, "$name: exit $code")
        or diag("$r->{cmd}\nstdout: $r->{out}\nstderr: $r->{err}");
    like($r->{err}, qr/^maintctl: \S/m, "$name: 'maintctl: <detail>' on stderr") if $code >= 2 && $code <= 5;
}

sub api_w { $admin->api('GET', "/v1/windows/$_[0]")->{json} // {} }

sub windows_of {
    my ($app) = @_;
    my $r = $admin->api('GET', "/v1/windows?limit=500&app=$app");
    return grep { !grep({ $_ eq '*' } @{ $_->{apps} }) } @{ ($r->{json} // {})->{items} // [] };
}

sub count_windows { scalar @{ ($admin->api('GET', '/v1/windows?limit=500')->{json} // {})->{items} // [] } }

my $ID = qr/\b(w_[A-Za-z0-9._-]{10})\b/;
my $T = now_s();
my $dir = $admin->dir;

# --- help and usage errors --------------------------------------------------------------

{
    my $r = ctl('admin', '--help');
    ok_run($r, '--help');
    like($r->{out} . $r->{err}, qr/window/, '--help describes the commands');

    exits(ctl('admin', 'frobnicate'), 1, 'an unknown command');
    exits(ctl('admin', 'window', 'create', '--title', 'x', '--app', 'shop', '--start', 'now',
              '--for', '5m', '--bogus'), 1, 'an unknown option');
    exits(ctl('admin', 'window', 'list', '--limit'), 1, 'an option without its value');
    exits(ctl('admin', 'window', 'create', '--title', 'x', '--app', 'shop', '--start', 'now',
              '--for', 'soon'), 1, 'a bad duration');
    is(count_windows(), 0, 'usage errors created nothing');
}

# --- window create ------------------------------------------------------------------------

my ($id1, $w1);
{
    my $r = ctl('admin', 'window', 'create', '--title', 'CLI window', '--app', 'shop',
                '--start', rfc3339($T + $H), '--end', rfc3339($T + 2 * $H));
    ok_run($r, 'window create');
    ($id1) = $r->{out} =~ $ID;
    ok($id1, "window create prints the id ($r->{out})");
    $w1 = api_w($id1 // 'none');
    is($w1->{title}, 'CLI window', 'created: title');
    is_deeply($w1->{apps}, ['shop'], 'created: apps');
    is($w1->{starts_at}, rfc3339($T + $H), 'created: starts_at');
    is($w1->{ends_at}, rfc3339($T + 2 * $H), 'created: ends_at');
    is($w1->{created_by}, 'admin', 'created by the token\'s name');
}

my $full;
{
    my $r = ctl('admin', 'window', 'create', '--json', '--title', 'Every option',
                '--app', 'crm', '--app', 'billing', '--start', rfc3339($T + 3 * $H), '--for', '1h30m',
                '--mode', 'read_only', '--message', 'Back soon', '--hide-message',
                '--notify-message', 'Tonight', '--notify-before', '45',
                '--allow-path', '/health', '--allow-path', '/static/',
                '--allow-network', '10.0.0.0/8', '--allow-network', '2001:db8::/32',
                '--hold', '--terminate-sessions', '--notes', 'Runbook 7');
    ok_run($r, 'window create with every option --json');
    $full = $r->{json} // {};
    ok(ref $r->{json} eq 'HASH', '--json: stdout is one JSON document');
    like($full->{id} // '', qr/^w_/, '--json: the window');
    is_deeply($full->{apps}, ['crm', 'billing'], '--app twice: two apps');
    is(epoch($full->{ends_at}) - epoch($full->{starts_at}), 5400, '--for 1h30m');
    is($full->{mode}, 'read_only', '--mode');
    is($full->{login_message}, 'Back soon', '--message');
    ok(!$full->{show_login_message}, '--hide-message');
    is($full->{notify_message}, 'Tonight', '--notify-message');
    is($full->{notify_before_minutes}, 45, '--notify-before');
    is_deeply($full->{allow}, { paths => ['/health', '/static/'],
                                networks => ['10.0.0.0/8', '2001:db8::/32'] }, '--allow-path, --allow-network');
    ok($full->{hold_until_completed}, '--hold');
    ok($full->{terminate_sessions}, '--terminate-sessions');
    is($full->{notes}, 'Runbook 7', '--notes');
    ok($full->{enabled}, 'enabled by default');
    is_deeply(api_w($full->{id} // 'none'), $full, '--json prints the API\'s window');

    $r = ctl('admin', 'window', 'create', '--json', '--title', 'Disabled one', '--app', 'dis',
             '--start', rfc3339($T + 3 * $H), '--for', '20m', '--disabled');
    ok_run($r, 'window create --disabled');
    ok($r->{json} && !$r->{json}{enabled}, '--disabled');
    is(epoch($r->{json}{ends_at} // '') - epoch($r->{json}{starts_at} // ''), 1200, '--for 20m');
}

my $now_w;
{
    my $before = now_s();
    my $r = ctl('admin', '--json', 'window', 'create', '--title', 'Now', '--app', 'nowapp',
                '--start', 'now', '--for', '2h');
    ok_run($r, '--json before the command, --start now');
    $now_w = $r->{json} // {};
    my $s = epoch($now_w->{starts_at}) // 0;
    ok($s >= $before && $s <= now_s(), '--start now is the Redis clock\'s now');
    is(epoch($now_w->{ends_at}) - $s, 7200, '--for 2h');
    is(api_w($now_w->{id} // 'none')->{status}, 'in_progress', 'a window from now is in progress');
}

# --- list and show ----------------------------------------------------------------------------

{
    my $r = ctl('admin', 'window', 'list');
    ok_run($r, 'window list');
    my ($header) = grep { /\S/ } split /\n/, $r->{out};
    like($header // '', qr/\bID\b.*\bSTATUS\b.*\bAPPS\b.*\bSTART\b.*\bEND\b.*\bTITLE\b/,
         'list: a table with ID, STATUS, APPS, START, END, TITLE');
    like($r->{out}, qr/^.*\Q$id1\E.*scheduled.*shop.*CLI window.*$/m, 'list: a row for the window');
    like($r->{out}, qr/\Q$now_w->{id}\E.*in_progress/, 'list: the in-progress window');

    $r = ctl('admin', 'window', 'list', '--app', 'shop', '--json');
    ok_run($r, 'window list --app shop --json');
    my $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is_deeply([ map { $_->{id} } @{ $items // [] } ], [ $id1 ], 'list --app: only that app\'s window');

    $r = ctl('admin', 'window', 'list', '--status', 'in_progress', '--json');
    $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is_deeply([ map { $_->{id} } @{ $items // [] } ], [ $now_w->{id} ], 'list --status');

    $r = ctl('admin', 'window', 'list', '--search', 'RUNBOOK', '--json');
    $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is_deeply([ map { $_->{id} } @{ $items // [] } ], [ $full->{id} ], 'list --search');

    $r = ctl('admin', 'window', 'list', '--from', rfc3339($T + 3 * $H), '--to', rfc3339($T + 4 * $H), '--json');
    $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is(scalar @{ $items // [] }, 2, 'list --from --to: the two windows in the range');

    $r = ctl('admin', 'window', 'list', '--limit', '1', '--json');
    $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is(scalar @{ $items // [] }, 1, 'list --limit 1: one window');

    $r = ctl('admin', 'window', 'list', '--limit', '1', '--all', '--json');
    ok_run($r, 'list --limit 1 --all');
    $items = ref $r->{json} eq 'HASH' ? $r->{json}{items} : $r->{json};
    is(scalar @{ $items // [] }, count_windows(), 'list --all follows next_cursor to the end');

    $r = ctl('viewer', 'window', 'list');
    ok_run($r, 'a viewer lists');

    $r = ctl('admin', 'window', 'show', $id1);
    ok_run($r, 'window show');
    like($r->{out}, qr/^\s*id:\s*\Q$id1\E\s*$/mi, 'show: id line');
    like($r->{out}, qr/^\s*title:\s*CLI window\s*$/mi, 'show: title line');
    like($r->{out}, qr/^\s*status:\s*scheduled\s*$/mi, 'show: status line');
    like($r->{out}, qr/^\s*apps:.*\bshop\b/mi, 'show: apps line');

    $r = ctl('admin', 'window', 'show', $id1, '--json');
    is_deeply($r->{json}, api_w($id1), 'show --json: the API\'s window');

    exits(ctl('admin', 'window', 'show', 'w_nosuchwin0'), 2, 'show an unknown window');
}

# --- update, start, complete, cancel, delete --------------------------------------------------------

{
    my $rev = api_w($id1)->{revision};
    my $r = ctl('admin', 'window', 'update', $id1, '--title', 'Dry title', '--dry-run');
    ok_run($r, 'update --dry-run');
    like($r->{out}, qr/redis_writable/, 'update --dry-run prints the prechecks: redis_writable');
    like($r->{out}, qr/overlaps/, '... overlaps');
    like($r->{out}, qr/gateways/, '... gateways');
    is(api_w($id1)->{title}, 'CLI window', 'update --dry-run changed nothing');
    is(api_w($id1)->{revision}, $rev, '... not even the revision');

    $r = ctl('admin', 'window', 'update', $id1, '--title', 'CLI window v2');
    ok_run($r, 'window update --title');
    is(api_w($id1)->{title}, 'CLI window v2', 'update changed the title');
    like($r->{out}, qr/^\s*title:\s*CLI window v2\s*$/mi, 'update prints the window');

    $r = ctl('admin', 'window', 'update', $id1, '--end', rfc3339($T + 2 * $H + 600), '--notes', 'longer');
    ok_run($r, 'window update --end --notes');
    is(api_w($id1)->{ends_at}, rfc3339($T + 2 * $H + 600), 'update --end');
    is(api_w($id1)->{notes}, 'longer', 'update --notes');
    is(api_w($id1)->{title}, 'CLI window v2', 'update keeps what it was not told to change');

    $r = ctl('admin', 'window', 'update', $id1, '--disable');
    ok_run($r, 'window update --disable');
    ok(!api_w($id1)->{enabled}, '--disable');
    $r = ctl('admin', 'window', 'update', $id1, '--enable');
    ok_run($r, 'window update --enable');
    ok(api_w($id1)->{enabled}, '--enable');

    $r = ctl('admin', 'window', 'start', $id1, '--dry-run');
    ok_run($r, 'window start --dry-run');
    like($r->{out}, qr/redis_writable/, 'start --dry-run prints the prechecks');
    is(api_w($id1)->{status}, 'scheduled', 'start --dry-run did not start it');

    exits(ctl('admin', 'window', 'complete', $id1), 3, 'complete a scheduled window (409)');

    $r = ctl('admin', 'window', 'start', $id1);
    ok_run($r, 'window start');
    like($r->{out}, qr/^\s*status:\s*in_progress\s*$/mi, 'start prints the window, in progress');
    is(api_w($id1)->{status}, 'in_progress', 'started');

    $r = ctl('admin', 'window', 'complete', $id1, '--outcome', 'completed_with_errors',
             '--notes', 'Two retries');
    ok_run($r, 'window complete --outcome --notes');
    my $w = api_w($id1);
    is($w->{status}, 'completed_with_errors', 'complete --outcome');
    is($w->{completion_notes}, 'Two retries', 'complete --notes');

    my $c = ctl('admin', '--json', 'window', 'create', '--title', 'To cancel', '--app', 'canc',
                '--start', rfc3339($T + 5 * $H), '--for', '10m')->{json} // {};
    $r = ctl('admin', 'window', 'cancel', $c->{id} // 'none', '--notes', 'Postponed');
    ok_run($r, 'window cancel --notes');
    is(api_w($c->{id} // 'none')->{status}, 'cancelled', 'cancelled');
    is(api_w($c->{id} // 'none')->{completion_notes}, 'Postponed', 'cancel --notes');

    my $d = ctl('admin', '--json', 'window', 'create', '--title', 'To delete', '--app', 'del',
                '--start', rfc3339($T + 6 * $H), '--for', '10m')->{json} // {};
    $r = ctl('admin', 'window', 'delete', $d->{id} // 'none');
    is($r->{code}, 1, 'delete without --yes and no terminal: exit 1')
        or diag("stdout: $r->{out}\nstderr: $r->{err}");
    is($admin->api('GET', "/v1/windows/" . ($d->{id} // 'none'))->{status}, 200,
       '... and the window is still there');
    $r = ctl('admin', 'window', 'delete', $d->{id} // 'none', '--yes');
    ok_run($r, 'window delete --yes');
    is($admin->api('GET', "/v1/windows/" . ($d->{id} // 'none'))->{status}, 404, 'deleted');
}

# --- status, settings, audit, gateways ------------------------------------------------------------------

{
    my $r = ctl('viewer', 'status', '--app', 'nowapp');
    ok_run($r, 'status --app');
    like($r->{out}, qr/^nowapp: active \(maintenance\)/m, 'status: "app: state (decision)"');
    like($r->{out}, qr/\Q$now_w->{id}\E/, 'status: names the window');

    $r = ctl('viewer', 'status', '--app', 'nowapp', '--json');
    is($r->{json} && $r->{json}{state}, 'active', 'status --json: state');
    is($r->{json} && $r->{json}{decision}, 'maintenance', 'status --json: decision');
    is($r->{json} && $r->{json}{window}{id}, $now_w->{id}, 'status --json: window');

    $r = ctl('viewer', 'status', '--app', 'quiet');
    ok_run($r, 'status of an app without a window');
    like($r->{out}, qr/^quiet: none\b/m, 'status: none');

    $r = ctl('viewer', 'status', '--app', 'crm', '--method', 'POST', '--path', '/x',
             '--client', '10.1.2.3', '--json');
    ok_run($r, 'status --method --path --client');
    is($r->{json} && $r->{json}{app}, 'crm', 'status --json echoes the app');

    $r = ctl('viewer', 'settings');
    ok_run($r, 'settings');
    like($r->{out}, qr/\b30\b/, 'settings shows the 30-minute notice period');
    $r = ctl('viewer', 'settings', 'show', '--json');
    is($r->{json} && $r->{json}{notify_before_minutes}, 30, 'settings show --json');

    $r = ctl('admin', 'settings', 'set', '--notify-before', '45', '--login-message', 'From the CLI');
    ok_run($r, 'settings set');
    my $s = $admin->api('GET', '/v1/settings')->{json} // {};
    is($s->{notify_before_minutes}, 45, 'settings set --notify-before');
    is($s->{login_message}, 'From the CLI', 'settings set --login-message');
    $r = ctl('admin', 'settings', 'set', '--notify-message', 'Soon, from the CLI');
    ok_run($r, 'settings set --notify-message');
    $s = $admin->api('GET', '/v1/settings')->{json} // {};
    is($s->{notify_message}, 'Soon, from the CLI', 'settings set --notify-message');
    is($s->{notify_before_minutes}, 45, 'settings set keeps what it was not told to change');
    exits(ctl('viewer', 'settings', 'set', '--notify-before', '5'), 4, 'a viewer setting settings');

    $r = ctl('viewer', 'audit');
    ok_run($r, 'audit');
    like($r->{out}, qr/window\.create/, 'audit shows the actions');
    $r = ctl('viewer', 'audit', '--limit', '2', '--json');
    ok_run($r, 'audit --limit --json');
    ok($r->{json} && @{ $r->{json}{items} // [] } == 2, 'audit --limit 2');
    $r = ctl('viewer', 'audit', '--action', 'window.cancel', '--json');
    my @items = @{ ($r->{json} // {})->{items} // [] };
    ok(@items && !grep({ $_->{action} ne 'window.cancel' } @items), 'audit --action');
    $r = ctl('viewer', 'audit', '--target', $id1, '--json');
    @items = @{ ($r->{json} // {})->{items} // [] };
    ok(@items >= 5 && !grep({ ($_->{target} // '') ne $id1 } @items), 'audit --target');
    $r = ctl('viewer', 'audit', '--actor', 'admin', '--limit', '500', '--json');
    @items = @{ ($r->{json} // {})->{items} // [] };
    ok(@items && !grep({ $_->{actor} ne 'admin' } @items), 'audit --actor');

    $r = ctl('viewer', 'gateways');
    ok_run($r, 'gateways');
    $r = ctl('viewer', 'gateways', '--json');
    ok_run($r, 'gateways --json');
    is_deeply($r->{json} && $r->{json}{items}, [], 'gateways --json: none live');
}

# --- exit codes ------------------------------------------------------------------------------------------

{
    my $n0 = count_windows();
    my @new = ('window', 'create', '--title', 'Refused', '--app', 'refused',
               '--start', rfc3339($T + 7 * $H), '--for', '10m');

    exits(ctl(undef, 'window', 'list'), 4, 'no token');
    exits(ctl(undef, '--token', 'mt_not_a_token', 'window', 'list'), 4, 'an unknown token');
    exits(ctl('viewer', @new), 4, 'a viewer writing');
    ok_run(ctl(undef, '--token', $admin->token('viewer'), 'window', 'list'), '--token instead of the environment');
    ok_run(ctl(undef, 'window', 'list', '--token', $admin->token('viewer')), '--token after the command');

    my $o = ctl('admin', 'window', 'create', '--title', 'Overlapping', '--app', 'shop', '--app', 'nowapp',
                '--start', 'now', '--for', '10m');
    exits($o, 3, 'an overlap (409)');

    my $v = ctl('admin', 'window', 'create', '--title', 'x' x 201, '--app', 'refused',
                '--start', rfc3339($T + 7 * $H), '--for', '10m');
    exits($v, 2, 'a validation error (422)');
    like($v->{err}, qr/^(?!maintctl: ).*\btitle\b/m, 'a line for the field error: title');

    $v = ctl('admin', 'window', 'create', '--title', 'Bad', '--app', 'bad app',
             '--start', rfc3339($T + 7 * $H), '--for', '10m');
    exits($v, 2, 'a bad app name (422)');
    like($v->{err}, qr/\bapps\b/, 'the field error names apps');

    {
        local $admin->{port} = free_port();
        exits(ctl('admin', 'window', 'list'), 5, 'connection refused');
        exits(ctl('admin', @new), 5, 'connection refused on a write');
    }
    exits(ctl('admin', '--url', 'http://127.0.0.1:' . free_port(), 'window', 'list'), 5,
          '--url to a closed port');

    $redis->signal('STOP');
    my $u = ctl('admin', '--timeout', '5', 'window', 'list');
    $redis->signal('CONT');
    exits($u, 5, 'Redis unavailable (503)');
    ok(wait_until(sub { $admin->api('GET', '/healthz', token => 'none')->{status} == 200 }, 10,
                  'healthz after SIGCONT'), 'the daemon recovers');

    is(count_windows(), $n0, 'refused commands created nothing');

    # dry runs
    my $r = ctl('admin', @new, '--dry-run');
    ok_run($r, 'create --dry-run');
    like($r->{out}, qr/redis_writable/, 'create --dry-run prints redis_writable');
    like($r->{out}, qr/overlaps/, '... overlaps');
    like($r->{out}, qr/gateways/, '... gateways');
    $r = ctl('admin', @new, '--dry-run', '--json');
    ok_run($r, 'create --dry-run --json');
    ok($r->{json} && $r->{json}{dry_run} && ref $r->{json}{prechecks} eq 'ARRAY',
       'create --dry-run --json: the whole dry-run answer');
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '100mb');
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    $r = ctl('admin', @new, '--dry-run');
    $redis->cmd('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    $redis->cmd('CONFIG', 'SET', 'maxmemory', '0');
    is($r->{code}, 2, 'create --dry-run with a failing precheck: exit 2')
        or diag("stdout: $r->{out}\nstderr: $r->{err}");
    is(count_windows(), $n0, 'dry runs created nothing');
}

# --- maintctl run -------------------------------------------------------------------------------------------

{
    my $seen = "$dir/run-status.json";
    my $before = now_s();
    my $r = ctl('admin', 'run', '--app', 'runok', '--for', '5m', '--message', 'Deploying v2.3', '--',
                'sh', '-c', '"$0" --json status --app runok > "$1"; exit 0', $MaintTest::MAINTCTL, $seen);
    ok_run($r, 'run -- (exit 0)');
    my $during = {};
    if (open(my $fh, '<', $seen)) {
        local $/;
        $during = eval { decode_json(<$fh>) } // {};
        close $fh;
    }
    is($during->{state}, 'active', 'run: the window was active while the command ran');
    is($during->{decision}, 'maintenance', 'run: and enforced');
    my @w = windows_of('runok');
    is(scalar @w, 1, 'run: one window');
    my $w = $w[0] // {};
    is($w->{status}, 'completed', 'run: completed after exit 0');
    is($w->{login_message}, 'Deploying v2.3', 'run: --message');
    my $s = epoch($w->{starts_at}) // 0;
    ok($s >= $before, 'run: the window starts now');
    is((epoch($w->{ends_at}) // 0) - $s, 300, 'run: --for 5m');
    ok(defined $w->{actual_end}, 'run: actual_end');

    $r = ctl('admin', 'run', '--app', 'runtitle', '--for', '2m', '--title', 'Deploy v2', '--mode', 'read_only',
             '--', 'true');
    ok_run($r, 'run --title --mode');
    my ($t) = windows_of('runtitle');
    is($t && $t->{title}, 'Deploy v2', 'run --title');
    is($t && $t->{mode}, 'read_only', 'run --mode');

    $r = ctl('admin', 'run', '--app', 'runfail', '--for', '5m', '--', 'sh', '-c', 'exit 3');
    is($r->{code}, 3, 'run: exits with the command\'s status 3') or diag("stderr: $r->{err}");
    my ($f) = windows_of('runfail');
    is($f && $f->{status}, 'failed', 'run: failed after a non-zero exit');
    like($f && $f->{completion_notes} // '', qr/\b3\b/, 'run: the notes give the exit status');

    # the window cannot be created: the command does not run
    my $marker = "$dir/run-must-not-happen";
    my $busy = $admin->api('POST', '/v1/windows', json => {
        title => 'Busy', apps => ['runbusy'], starts_at => 'now', ends_at => rfc3339(now_s() + $H) });
    is($busy->{status}, 201, 'a window that the run will overlap');
    $r = ctl('admin', 'run', '--app', 'runbusy', '--for', '5m', '--', 'touch', $marker);
    is($r->{code}, 3, 'run with an overlap: exit 3') or diag("stderr: $r->{err}");
    ok(!-e $marker, 'run with an overlap: the command did not run');
    is(scalar(windows_of('runbusy')), 1, 'run with an overlap: no second window');

    $r = ctl('viewer', 'run', '--app', 'runviewer', '--for', '5m', '--', 'touch', $marker);
    is($r->{code}, 4, 'run as a viewer: exit 4');
    ok(!-e $marker, 'run as a viewer: the command did not run');

    {
        local $admin->{port} = free_port();
        $r = ctl('admin', 'run', '--app', 'rundown', '--for', '5m', '--', 'touch', $marker);
    }
    is($r->{code}, 5, 'run with the API down: exit 5');
    ok(!-e $marker, 'run with the API down: the command did not run');
}

$admin->stop;
$redis->stop;

done_testing();
