# Notification targets and the outbox (docs/notifications.md,
# docs/admin-api.md "Notifications", docs/redis-schema.md "The outbox"):
# targets are validated field by field (422 naming the field), a webhook's
# secret is answered once and is never in a listing, the audit or the log;
# a window names its targets (unknown names refused, the settings' default
# list when it names none); every window change writes its events and
# their deliveries in the same commit (one event body per event, one
# delivery per target that wants the type and is enabled, none for the
# others); the body is a Standard Webhooks message; a reminder is written
# once at the notice time.  The sender is not configured here: what is
# checked is what the commit wrote.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis,
                        extra => "public_url https://admin.example\n");
my $JSON = JSON::PP->new->utf8->canonical;
my $P = 'maint:';

sub now_s { int(redis_now_ms($redis) / 1000) }

sub errors_name {
    my ($r, $field, $name) = @_;
    is_problem($r, 422, 'validation', $name);
    my @f = map { $_->{field} // '' } @{ (ref $r->{json} eq 'HASH' ? $r->{json}{errors} : undef) // [] };
    ok(scalar(grep { $_ eq $field } @f), "$name: names $field") or diag("fields: @f");
}

# every delivery of a window: { "<type>/<target>" => hash }
sub deliveries_of {
    my ($window) = @_;
    my %out;
    for my $id (@{ $redis->cmd('ZRANGE', "${P}deliveries", 0, -1) }) {
        my %h = @{ $redis->cmd('HGETALL', "${P}delivery:$id") };
        next unless ($h{window} // '') eq $window;
        $h{id} = $id;
        $out{"$h{type}/$h{target}"} = \%h;
    }
    return \%out;
}

sub event_body {
    my ($id) = @_;
    my $raw = $redis->cmd('GET', "${P}event:$id");
    return defined $raw ? $JSON->decode($raw) : undef;
}

# --- targets: validation --------------------------------------------------

my @bad = (
    [ { kind => 'email', to => ['ops@example.com'] }, 'name', 'no name' ],
    [ { name => 'a b', kind => 'email', to => ['ops@example.com'] }, 'name', 'bad name' ],
    [ { name => 'x', kind => 'sms', to => ['1'] }, 'kind', 'unknown kind' ],
    [ { name => 'x', kind => 'email' }, 'to', 'email without to' ],
    [ { name => 'x', kind => 'email', to => [] }, 'to', 'empty to' ],
    [ { name => 'x', kind => 'email', to => ["a\@b.example\r\nBcc: x\@evil"] }, 'to', 'CRLF in an address' ],
    [ { name => 'x', kind => 'email', to => ['Ops <ops@example.com>'] }, 'to', 'display name' ],
    [ { name => 'x', kind => 'email', to => ['ops@example.com,b@example.com'] }, 'to', 'comma-joined' ],
    [ { name => 'x', kind => 'email', to => ['ops@'] }, 'to', 'no domain' ],
    [ { name => 'x', kind => 'email', to => ['a@b.example'], url => 'https://x' }, 'url', 'url on email' ],
    [ { name => 'x', kind => 'webhook' }, 'url', 'webhook without url' ],
    [ { name => 'x', kind => 'webhook', url => 'ftp://h/x' }, 'url', 'ftp url' ],
    [ { name => 'x', kind => 'webhook', url => 'https://' }, 'url', 'no host' ],
    [ { name => 'x', kind => 'webhook', url => "https://h/a b" }, 'url', 'space in url' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', headers => { 'X-A' => "v\r\nX-B: 1" } }, 'headers', 'CRLF in a header value' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', headers => { 'webhook-id' => 'x' } }, 'headers', 'reserved header' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', headers => { 'Host' => 'x' } }, 'headers', 'Host header' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', headers => { 'Bad Name' => 'x' } }, 'headers', 'header name with space' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', secret => 'not-a-secret' }, 'secret', 'bad secret' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', secret => 'whsec_AAAA' }, 'secret', 'short secret' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', events => ['started', 'exploded'] }, 'events', 'unknown event' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', events => [] }, 'events', 'no event' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', events => ['started', 'started'] }, 'events', 'repeated event' ],
    [ { name => 'x', kind => 'webhook', url => 'https://h/', color => 'red' }, 'color', 'unknown field' ],
);
for my $b (@bad) {
    errors_name($admin->api('POST', '/v1/notify/targets', json => $b->[0]), $b->[1], $b->[2]);
}
is(scalar @{ $redis->cmd('HKEYS', "${P}notify_targets") }, 0, 'nothing refused was stored');

my $r = $admin->api('POST', '/v1/notify/targets', token => 'viewer',
                    json => { name => 'v', kind => 'email', to => ['a@b.example'] });
is($r->{status}, 403, 'a viewer cannot add a target');

# --- targets: create, show, edit, rotate ------------------------------------

$r = $admin->api('POST', '/v1/notify/targets',
                 json => { name => 'mail', kind => 'email', to => ['ops@example.com', 'dev@example.org'] });
is($r->{status}, 201, 'email target created') or diag($r->{body});
is_deeply($r->{json}{events}, [qw(scheduled changed reminder started completed cancelled)],
          'events default to all');
ok(!exists $r->{json}{secret}, 'an email target has no secret');

$r = $admin->api('POST', '/v1/notify/targets',
                 json => { name => 'hook', kind => 'webhook', url => 'https://hooks.example/in?k=1',
                           headers => { 'X-Api-Key' => 'k-12345-secret' },
                           events => [qw(scheduled started completed cancelled)] });
is($r->{status}, 201, 'webhook target created') or diag($r->{body});
my $secret = $r->{json}{secret} // '';
like($secret, qr{^whsec_[A-Za-z0-9+/]{43}=$}, 'the generated secret is answered once, whsec_ + 32 bytes');
is($r->{json}{secret_count}, 1, 'one secret');
is($r->{json}{headers}{'X-Api-Key'}, '(hidden)', 'header values are hidden');

$r = $admin->api('POST', '/v1/notify/targets',
                 json => { name => 'mail', kind => 'email', to => ['x@example.com'] });
is($r->{status}, 409, 'a second target of the same name: 409');

$r = $admin->api('GET', '/v1/notify/targets', token => 'viewer');
is($r->{status}, 200, 'a viewer lists targets');
is_deeply([ map { $_->{name} } @{ $r->{json}{items} } ], [qw(hook mail)], 'listed by name');
unlike($r->{body}, qr/\Q$secret\E|whsec_|k-12345-secret/, 'the listing holds no secret and no header value');

$r = $admin->api('PATCH', '/v1/notify/targets/mail', json => { kind => 'webhook' });
errors_name($r, 'kind', 'the kind cannot change');
$r = $admin->api('PATCH', '/v1/notify/targets/mail', json => { url => 'https://h/' });
errors_name($r, 'url', 'a url on an email target');
$r = $admin->api('PATCH', '/v1/notify/targets/hook', json => { secret => $secret });
errors_name($r, 'secret', 'a secret is rotated, not set');
$r = $admin->api('PATCH', '/v1/notify/targets/nope', json => { enabled => JSON::PP::false });
is($r->{status}, 404, 'editing an unknown target: 404');

$r = $admin->api('POST', '/v1/notify/targets/hook/rotate');
is($r->{status}, 200, 'rotate') or diag($r->{body});
my $secret2 = $r->{json}{secret} // '';
like($secret2, qr{^whsec_}, 'a new secret');
isnt($secret2, $secret, 'a different one');
is($r->{json}{secret_count}, 2, 'the old one still signs');
my $stored = $JSON->decode($redis->cmd('HGET', "${P}notify_targets", 'hook'));
is_deeply($stored->{secrets}, [$secret2, $secret], 'stored newest first');
$r = $admin->api('POST', '/v1/notify/targets/mail/rotate');
is($r->{status}, 409, 'an email target has no secret to rotate');

# --- windows name their targets ---------------------------------------------

my $now = now_s();
$r = $admin->api('POST', '/v1/windows', json => {
    title => 'x', apps => ['shop'], starts_at => rfc3339($now + 7200),
    ends_at => rfc3339($now + 9000), notify => ['nope'] });
errors_name($r, 'notify', 'an unknown target');
like($r->{body}, qr/nope/, 'the reason names it');
$r = $admin->api('POST', '/v1/windows', json => {
    title => 'x', apps => ['shop'], starts_at => rfc3339($now + 7200),
    ends_at => rfc3339($now + 9000), notify => 'mail' });
errors_name($r, 'notify', 'not a list');

$r = $admin->api('PUT', '/v1/settings', json => { notify_default_targets => ['mail'],
                                                  notify_time_zone => 'Mars/Olympus' });
errors_name($r, 'notify_time_zone', 'a zone the database lacks');
$r = $admin->api('PUT', '/v1/settings', json => { notify_default_targets => ['nobody'] });
errors_name($r, 'notify_default_targets', 'a default that is not a target');
$r = $admin->api('PUT', '/v1/settings', json => { notify_time_zone => '../../etc/passwd' });
errors_name($r, 'notify_time_zone', 'a path for a zone');
$r = $admin->api('PUT', '/v1/settings', json => { notify_default_targets => ['mail'],
                                                  notify_time_zone => 'Europe/Berlin' });
is($r->{status}, 200, 'default targets and time zone set') or diag($r->{body});

my $w = $admin->create_window(title => 'Default', apps => ['shop'],
                              starts_at => rfc3339($now + 7200), ends_at => rfc3339($now + 9000));
is_deeply($w->{notify}, ['mail'], 'a window naming none takes the default list');
my $d = deliveries_of($w->{id});
is_deeply([ sort keys %$d ], ['scheduled/mail'], 'one delivery: scheduled, to the default target');

# --- the outbox, step by step -----------------------------------------------

my $v0 = $redis->cmd('HGET', "${P}state", 'version');
$w = $admin->create_window(title => 'Upgrade', apps => ['shop'], notify => [qw(mail hook)],
                           starts_at => rfc3339($now + 3600), ends_at => rfc3339($now + 5400));
my $id = $w->{id};
is($redis->cmd('HGET', "${P}state", 'version'), $v0 + 1, 'one commit');
$d = deliveries_of($id);
is_deeply([ sort keys %$d ], ['scheduled/hook', 'scheduled/mail'], 'created: scheduled, to both');
my $dh = $d->{'scheduled/hook'};
is($dh->{event}, $d->{'scheduled/mail'}{event}, 'one event, two deliveries');
like($dh->{event}, qr/^msg_[A-Za-z0-9_-]{24}$/, 'the event id is a webhook-id');
is($dh->{id}, "$dh->{event}.hook", 'the delivery id is <event>.<target>');
is($dh->{kind}, 'webhook', 'kind');
ok(defined $redis->cmd('ZSCORE', "${P}delivery_due", $dh->{id}), 'due');
my $pttl = $redis->cmd('PTTL', "${P}event:$dh->{event}");
ok($pttl > 30 * 86400 * 1000 && $pttl <= 31 * 86400 * 1000, 'the event body is kept 31 days');

my $body = event_body($dh->{event});
is($body->{type}, 'maintenance.scheduled', 'type');
like($body->{timestamp}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'timestamp RFC 3339');
is($body->{data}{event_id}, $dh->{event}, 'data.event_id');
is($body->{data}{window}{id}, $id, 'data.window');
is($body->{data}{window}{title}, 'Upgrade', 'the window as the API shows it');
is($body->{data}{actor}, 'admin', 'actor');
is($body->{data}{link}, "https://admin.example/#/windows/$id", 'link to the admin page');

# edits: only what people plan around is a "changed" event
sub etag { $admin->api('GET', "/v1/windows/$_[0]")->{headers}{etag} }
$r = $admin->api('PATCH', "/v1/windows/$id", json => { notes => 'internal' }, if_match => etag($id));
is($r->{status}, 200, 'notes edited');
is(scalar(grep { /^changed/ } keys %{ deliveries_of($id) }), 0, 'notes alone: no event');
$r = $admin->api('PATCH', "/v1/windows/$id", json => { ends_at => rfc3339($now + 6000), title => 'Upgrade 2' },
                 if_match => etag($id));
is($r->{status}, 200, 'times edited');
$d = deliveries_of($id);
ok($d->{'changed/mail'}, 'changed: to mail (it wants every event)');
ok(!$d->{'changed/hook'}, 'changed: not to hook (it did not ask for it)');
$body = event_body($d->{'changed/mail'}{event});
is_deeply([ sort @{ $body->{data}{changed} } ], [qw(ends_at title)], 'data.changed names the fields');

# a target added to a live window hears of it, the others are not told again
my $wd = $admin->api('GET', '/v1/windows?limit=50')->{json}{items};
my ($def) = grep { $_->{title} eq 'Default' } @$wd;
$r = $admin->api('PATCH', "/v1/windows/$def->{id}", json => { notify => [qw(mail hook)] },
                 if_match => etag($def->{id}));
is($r->{status}, 200, 'a target added to a window') or diag($r->{body});
is_deeply([ sort keys %{ deliveries_of($def->{id}) } ], ['scheduled/hook', 'scheduled/mail'],
          'the added target gets "scheduled", the one already there nothing new');

# a disabled target is passed over
$r = $admin->api('PATCH', '/v1/notify/targets/mail', json => { enabled => JSON::PP::false });
is($r->{status}, 200, 'mail disabled');
$r = $admin->api('POST', "/v1/windows/$id/start", if_match => etag($id));
is($r->{status}, 200, 'started early') or diag($r->{body});
$d = deliveries_of($id);
ok($d->{'started/hook'}, 'started: to hook');
ok(!$d->{'started/mail'}, 'started: not to the disabled mail');
is(event_body($d->{'started/hook'}{event})->{data}{window}{status}, 'in_progress', 'the window in progress');

$r = $admin->api('PATCH', '/v1/notify/targets/mail', json => { enabled => JSON::PP::true });
$r = $admin->api('POST', "/v1/windows/$id/complete", if_match => etag($id),
                 json => { outcome => 'completed_with_errors', notes => 'one node late' });
is($r->{status}, 200, 'completed') or diag($r->{body});
$d = deliveries_of($id);
ok($d->{'completed/hook'} && $d->{'completed/mail'}, 'completed: to both');
$body = event_body($d->{'completed/hook'}{event});
is($body->{data}{window}{status}, 'completed_with_errors', 'the outcome');
is($body->{data}{window}{completion_notes}, 'one node late', 'the notes');

# cancel, and delete of a live window
$w = $admin->create_window(title => 'Later', apps => ['cms'], notify => ['hook'],
                           starts_at => rfc3339($now + 20000), ends_at => rfc3339($now + 21000));
$r = $admin->api('POST', "/v1/windows/$w->{id}/cancel", if_match => etag($w->{id}));
is($r->{status}, 200, 'cancelled');
ok(deliveries_of($w->{id})->{'cancelled/hook'}, 'cancelled: an event');
$w = $admin->create_window(title => 'Gone', apps => ['cms'], notify => ['hook'],
                           starts_at => rfc3339($now + 30000), ends_at => rfc3339($now + 31000));
$r = $admin->api('DELETE', "/v1/windows/$w->{id}", if_match => etag($w->{id}));
is($r->{status}, 204, 'deleted');
ok(deliveries_of($w->{id})->{'cancelled/hook'}, 'deleting a scheduled window: cancelled');

# created in progress: scheduled and started
$w = $admin->create_window(title => 'Now', apps => ['blog'], notify => ['hook'],
                           starts_at => 'now', ends_at => rfc3339($now + 600));
$d = deliveries_of($w->{id});
is_deeply([ sort keys %$d ], ['scheduled/hook', 'started/hook'], 'created in progress: two events');
$admin->api('POST', "/v1/windows/$w->{id}/complete", if_match => etag($w->{id}));

# a dry run writes nothing
my $n = $redis->cmd('ZCARD', "${P}deliveries");
$r = $admin->api('POST', '/v1/windows?dry_run=true', json => {
    title => 'Dry', apps => ['blog'], notify => ['hook'],
    starts_at => rfc3339($now + 40000), ends_at => rfc3339($now + 41000) });
is($redis->cmd('ZCARD', "${P}deliveries"), $n, 'a dry run sends nothing');

# --- the reminder: once, at the notice time ---------------------------------

$now = now_s();
$w = $admin->create_window(title => 'Soon', apps => ['blog'], notify => ['mail'],
                           notify_before_minutes => 1,
                           starts_at => rfc3339($now + 63), ends_at => rfc3339($now + 600));
ok(!deliveries_of($w->{id})->{'reminder/mail'}, 'no reminder before the notice time');
ok(wait_until(sub { deliveries_of($w->{id})->{'reminder/mail'} }, 15, 'the reminder'),
   'the reminder is written at the notice time');
$body = event_body(deliveries_of($w->{id})->{'reminder/mail'}{event});
is($body->{type}, 'maintenance.reminder', 'type reminder');
my $audit = $admin->api('GET', '/v1/audit?limit=50')->{json}{items} // [];
is(scalar(grep { ($_->{action} // '') eq 'window.reminder' && ($_->{target} // '') eq $w->{id} } @$audit),
   1, 'the reminder is in the audit once');

# --- secrets stay secret ------------------------------------------------------

$r = $admin->api('DELETE', '/v1/notify/targets/mail');
is($r->{status}, 204, 'target removed');
my $audit_raw = $admin->api('GET', '/v1/audit?limit=200')->{body};
like($audit_raw, qr/notify\.target\.create/, 'target changes are audited');
unlike($audit_raw, qr/\Q$secret\E|\Q$secret2\E|k-12345-secret/, 'the audit holds no secret or header value');
my $stream = join "\n", map { join ' ', @{ $_->[1] } } @{ $redis->cmd('XRANGE', "${P}audit", '-', '+') };
unlike($stream, qr/whsec_|k-12345-secret/, 'the audit stream holds none either');
open(my $lf, '<', $admin->log_file) or die;
my $log = do { local $/; <$lf> };
unlike($log, qr/whsec_|k-12345-secret/, 'the log holds none');

$admin->stop;
done_testing();
