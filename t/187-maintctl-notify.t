# maintctl's notify commands against the real daemon (docs/maintctl.md,
# docs/notifications.md): notify target add (an email target; a webhook,
# whose secret is printed once on a line of its own and is the one Redis
# keeps; --json), targets (the table), show (no secret, header values
# hidden), edit (events, enable, disable), rotate (a new secret, the old
# one kept until --drop-old), rm (--yes needed without a terminal); the
# window's --notify on create and update (none, an unknown name refused);
# settings set --notify-default-targets and --notify-time-zone; notify
# deliveries (the table, --json, one by ID, the filters, --limit and --all)
# and redeliver; the API's field errors shown once, and the exit codes (2,
# 3, 4).  The webhook's URL is a port nobody listens on: its deliveries
# stay pending (or fail), never delivered.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $P = $admin->{prefix};
my $JSON = JSON::PP->new->utf8->canonical;
my $dead = 'http://127.0.0.1:' . free_port() . '/hook';
my $SECRET_RE = qr/whsec_[A-Za-z0-9+\/=]{32,}/;

# maintctl with a role's token; {code, out, err, json}
sub ctl {
    my ($role, @args) = @_;
    my ($code, $out, $err) = maintctl($admin, $role, @args);
    my $json = eval { $JSON->decode($out) };
    return { code => $code, out => $out, err => $err, json => $json,
             cmd => join(' ', 'maintctl', @args) };
}

sub exits {
    my ($r, $code, $name) = @_;
    is($r->{code}, $code, "$name: exit $code")
        or diag("$r->{cmd}\nstdout: $r->{out}\nstderr: $r->{err}");
}

sub stored {
    my ($name) = @_;
    my $v = $redis->cmd('HGET', "${P}notify_targets", $name);
    return defined $v ? eval { $JSON->decode($v) } : undef;
}

sub target { $admin->api('GET', "/v1/notify/targets/$_[0]") }

sub count_of { my ($re, $s) = @_; my $n = () = $s =~ /$re/g; $n }

# --- targets -------------------------------------------------------------

my $r = ctl('admin', 'notify', 'targets');
exits($r, 0, 'targets, none yet');
like($r->{out}, qr/^NAME\s+KIND\s+EVENTS\s+STATE\s+SENDS TO\s*$/m, 'the table\'s heads');

$r = ctl('admin', qw(notify target add team --email), 'a@example.com,b@example.com',
         '--events', 'scheduled,completed');
exits($r, 0, 'add an email target');
like($r->{out}, qr/^kind: email$/m, 'email: kind');
like($r->{out}, qr/^to: a\@example\.com, b\@example\.com$/m, 'email: the addresses');
like($r->{out}, qr/^events: scheduled, completed$/m, 'email: the events');
unlike($r->{out}, qr/^secret:/m, 'email: no secret');
is_deeply(target('team')->{json}{to}, ['a@example.com', 'b@example.com'], 'email: stored');

$r = ctl('admin', 'notify', 'target', 'add', 'hook', '--webhook', $dead,
         '--header', 'X-Api-Key:  k-123  ');
exits($r, 0, 'add a webhook');
my ($secret) = $r->{out} =~ /^secret: ($SECRET_RE)$/m;
ok($secret, 'webhook: the secret on a line of its own') or diag($r->{out});
is(count_of(qr/whsec_/, $r->{out} . $r->{err}), 1, 'webhook: the secret printed once');
like($r->{err}, qr/shown only now/, 'webhook: stderr says it is shown only now');
like($r->{out}, qr/^headers\.X-Api-Key: \(hidden\)$/m, 'webhook: the header value hidden');
unlike($r->{out} . $r->{err}, qr/k-123/, 'webhook: the header value never printed');
my $rec = stored('hook');
is($rec->{secrets}[0], $secret, 'webhook: the printed secret is the one Redis keeps');
is($rec->{headers}{'X-Api-Key'}, 'k-123', 'webhook: the header stored without the blanks');

$r = ctl('admin', '--json', 'notify', 'target', 'add', 'hook2', '--webhook', $dead,
         '--events', 'started');
exits($r, 0, 'add --json');
like($r->{json}{secret} // '', qr/^$SECRET_RE$/, '--json: the API\'s answer with the secret');
is_deeply($r->{json}{events}, ['started'], '--json: the events');
unlike($r->{err}, qr/whsec_/, '--json: the secret only on stdout');

$r = ctl('admin', qw(notify target add), 'bad name', '--email', 'a@example.com');
exits($r, 2, 'a bad name: refused');
is(count_of(qr/^  name: /m, $r->{err}), 1, 'the field error shown once')
    or diag($r->{err});

$r = ctl('admin', qw(notify target add team --email c@example.com));
exits($r, 3, 'a name that exists: conflict');

$r = ctl('viewer', qw(notify target add v1 --email c@example.com));
exits($r, 4, 'a viewer cannot add');
ok(!defined stored('v1'), 'nothing stored for the viewer');

$r = ctl('admin', qw(notify target add x --email a@example.com --webhook), $dead);
exits($r, 1, 'email and webhook together: usage');
$r = ctl('admin', qw(notify target add x --email a@example.com --events nope));
exits($r, 1, 'an unknown event type: usage');

$r = ctl('viewer', 'notify', 'targets');
exits($r, 0, 'targets, as a viewer');
like($r->{out}, qr/^hook\s+webhook\s+\S+\s+enabled\s+\Q$dead\E$/m, 'the webhook\'s row');
like($r->{out}, qr/^team\s+email\s+scheduled,completed\s+enabled\s+a\@example\.com,b\@example\.com$/m,
     'the email target\'s row');
unlike($r->{out}, qr/whsec_|k-123/, 'the table shows no secret');

$r = ctl('viewer', qw(notify target show hook));
exits($r, 0, 'show');
like($r->{out}, qr/^secret_count: 1$/m, 'show: secret_count');
unlike($r->{out}, qr/whsec_|k-123|^secret:/m, 'show: no secret');

# --- edit, rotate ----------------------------------------------------------

$r = ctl('admin', qw(notify target edit team --events started --disable));
exits($r, 0, 'edit: events and disable');
like($r->{out}, qr/^enabled: false$/m, 'edit: the answer says disabled');
my $t = target('team')->{json};
is_deeply([$t->{events}, $t->{enabled} ? 1 : 0], [['started'], 0], 'edit: stored');
is_deeply($t->{to}, ['a@example.com', 'b@example.com'], 'edit: the addresses kept');

$r = ctl('admin', qw(notify target edit team --enable));
exits($r, 0, 'edit --enable');
ok(target('team')->{json}{enabled}, 'enabled again');

$r = ctl('admin', qw(notify target edit team));
exits($r, 1, 'edit without a field: usage');

$r = ctl('admin', qw(notify target rotate hook));
exits($r, 0, 'rotate');
my ($new) = $r->{out} =~ /^secret: ($SECRET_RE)$/m;
ok($new && $new ne $secret, 'rotate: a new secret printed');
is_deeply(stored('hook')->{secrets}, [$new, $secret], 'rotate: the new one first, the old one kept');
like($r->{err}, qr/old secret signs too/, 'rotate: says the old one still signs');

$r = ctl('admin', qw(notify target rotate hook --drop-old));
exits($r, 0, 'rotate --drop-old');
my ($newer) = $r->{out} =~ /^secret: ($SECRET_RE)$/m;
is_deeply(stored('hook')->{secrets}, [$newer], 'rotate --drop-old: only the new one');

$r = ctl('viewer', qw(notify target rotate hook));
exits($r, 4, 'a viewer cannot rotate');

# --- windows and settings ---------------------------------------------------

# each window in an hour of its own: they must not overlap
my $hour = 10;
sub create_window {
    my (@more) = @_;
    my $start = sprintf('2099-01-01T%02d:00:00Z', $hour++);
    return ctl('admin', '--json', qw(window create --title Notified --app shop --start), $start,
               '--for', '1h', @more);
}

$r = create_window('--notify', 'hook,team');
exits($r, 0, 'window create --notify');
my $wid = $r->{json}{id};
is_deeply($r->{json}{notify}, ['hook', 'team'], 'create: the window\'s notify');

$r = ctl('admin', 'window', 'show', $wid);
like($r->{out}, qr/^notify: hook, team$/m, 'window show prints notify');

$r = ctl('admin', '--json', 'window', 'update', $wid, '--notify', 'none');
exits($r, 0, 'window update --notify none');
is_deeply($r->{json}{notify}, [], 'update: nobody');

$r = create_window('--notify', 'nosuch');
exits($r, 2, 'an unknown target: refused');
is(count_of(qr/^  notify/m, $r->{err}), 1, 'the notify field error shown once') or diag($r->{err});

$r = ctl('admin', qw(settings set --notify-default-targets hook --notify-time-zone Europe/Paris));
exits($r, 0, 'settings set: the notify settings');
like($r->{out}, qr/^notify_default_targets: hook$/m, 'settings: default targets');
like($r->{out}, qr/^notify_time_zone: Europe\/Paris$/m, 'settings: time zone');

$r = create_window();
exits($r, 0, 'window create without --notify');
is_deeply($r->{json}{notify}, ['hook'], 'the settings\' default targets');
my $wid2 = $r->{json}{id};

# --- deliveries --------------------------------------------------------------

my $items;
ok(wait_until(sub {
       my $d = ctl('viewer', '--json', 'notify', 'deliveries', '--window', $wid2);
       $items = ($d->{json} // {})->{items} // [];
       return scalar @$items;
   }, 10), 'the window\'s scheduled event has a delivery');
my ($d) = grep { ($_->{target} // '') eq 'hook' && ($_->{type} // '') eq 'scheduled' } @$items;
ok($d, 'a scheduled delivery to hook') or diag(explain($items));
my $did = $d ? $d->{id} : 'none';
like($did, qr/^msg_[A-Za-z0-9_-]{24}\.hook$/, 'the delivery id: event id, dot, target');

$r = ctl('viewer', qw(notify deliveries --window), $wid2);
exits($r, 0, 'deliveries: the table');
like($r->{out}, qr/^ID\s+WINDOW\s+TYPE\s+STATE\s+TRIES\s+CREATED\s+LAST ERROR\s*$/m, 'the heads');
like($r->{out}, qr/^\Q$did\E\s+\Q$wid2\E\s+scheduled\s+(pending|failed)\s+\d+\s/m, 'the row');

$r = ctl('viewer', qw(notify deliveries --target team --state delivered --json));
exits($r, 0, 'deliveries: the filters');
is(scalar @{ ($r->{json} // {})->{items} // [1] }, 0, 'nothing delivered to team');

# two windows named hook: two scheduled deliveries, one page each
$r = ctl('viewer', qw(notify deliveries --target hook --limit 1));
exits($r, 0, 'deliveries --limit 1');
is(scalar(() = $r->{out} =~ /^msg_/mg), 1, '--limit 1: one row');
like($r->{err}, qr/more deliveries follow/, '--limit 1: says more follow');
$r = ctl('viewer', qw(notify deliveries --target hook --limit 1 --all --json));
exits($r, 0, 'deliveries --all');
my @hook = grep { ($_->{target} // '') eq 'hook' } @{ ($r->{json} // {})->{items} // [] };
cmp_ok(scalar @hook, '>=', 2, '--all: every page\'s deliveries');

$r = ctl('viewer', 'notify', 'deliveries', $did);
exits($r, 0, 'deliveries ID');
like($r->{out}, qr/^id: \Q$did\E$/m, 'one delivery: its id');
like($r->{out}, qr/^window: \Q$wid2\E$/m, 'one delivery: its window');
like($r->{out}, qr/^state: (pending|failed)$/m, 'one delivery: its state');

$r = ctl('viewer', qw(notify deliveries --state bogus));
exits($r, 1, 'a bad --state: usage');

$r = ctl('viewer', 'notify', 'redeliver', $did);
exits($r, 4, 'a viewer cannot redeliver');

$r = ctl('admin', 'notify', 'redeliver', $did);
exits($r, 0, 'redeliver');
like($r->{out}, qr/pending again/, 'redeliver: says so');
is($admin->api('GET', "/v1/notify/deliveries/$did")->{json}{state}, 'pending', 'redeliver: pending');

$r = ctl('admin', 'notify', 'redeliver', 'msg_AAAAAAAAAAAAAAAAAAAAAAAA.hook');
exits($r, 2, 'redeliver an unknown delivery: 404');

# --- rm ------------------------------------------------------------------------

$r = ctl('admin', qw(notify target rm hook2));
exits($r, 1, 'rm without a terminal needs --yes');
ok(stored('hook2'), 'nothing removed');

$r = ctl('admin', qw(notify target rm hook2 --yes));
exits($r, 0, 'rm --yes');
like($r->{out}, qr/^removed target hook2$/m, 'rm: says so');
is(target('hook2')->{status}, 404, 'rm: gone');

$r = ctl('admin', qw(notify target show hook2));
exits($r, 2, 'show a removed target: 404');

# the secrets are nowhere in the daemon's log
my $log = do { open(my $f, '<', $admin->log_file) or die $!; local $/; <$f> };
for my $s ($secret, $new, $newer) {
    ok(index($log, $s) < 0, 'no secret in the daemon\'s log') if $s;
}

done_testing();
