# Notifications (docs/notifications.md, issue 16) against real receivers:
# a real SMTP server on loopback (t/lib/smtp_sink.py, python3-aiosmtpd)
# with STARTTLS required and AUTH for one user, the daemon given its CA in
# smtp_ca_file; and an HTTP receiver (t/lib/webhook_sink.py) that checks
# Standard Webhooks signatures with its own code and answers as scripted.
#
# Targets are made with maintctl, a window is created, started and
# completed with maintctl: three emails arrive, each multipart/alternative
# of text, HTML and an invitation that python3-icalendar reads (one UID,
# SEQUENCE rising, METHOD:REQUEST; a cancelled window's is METHOD:CANCEL),
# and three signed webhooks with one stable id per event and the body of
# the contract.  Then the delivery rules, each on a target of its own: a
# 500 retried, a 503's Retry-After waited for, a 410 that disables the
# target, a receiver that hangs (the attempt times out and is retried), a
# receiver that is down then back, a redelivery by hand with the same id,
# a secret rotated (two signatures, both valid); an https:// receiver
# trusted through notify_ca_file; mail over implicit TLS (smtps://) from a
# second daemon.  No secret in the log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use MaintNotify;
use Test::More;
use JSON::PP;
use Encode ();
use MIME::Base64 ();
use POSIX qw(strftime);
use Time::HiRes qw(time);

plan skip_all => 'needs python3-aiosmtpd and python3-icalendar '
               . '(scripts/install-deps.sh --tests)'
    unless python3_has('aiosmtpd', 'icalendar');

my $TIMEOUT = 2;                        # notify_timeout, seconds
my $redis = start_redis();
my $smtp = start_smtp_sink(tls => 'starttls');
my $hook = start_webhook_sink();
my $https = start_webhook_sink(tls => 1);      # its CA is notify_ca_file
my $admin = start_admin(redis => $redis, extra =>
    "calendar_domain maint.example.org\n"
    . "public_url http://admin.example.org\n"
    . $smtp->admin_conf(from => 'maintenance@maint.example.org')
    . 'notify_ca_file ' . $https->ca . "\n"
    . "notify_backoff 200ms\nnotify_timeout ${TIMEOUT}s\nnotify_retry_for 1m\n");

my $H = 3600;
sub now_s { int(redis_now_ms($redis) / 1000) }
sub ctl { maintctl($admin, 'admin', @_) }

sub ctl_ok {
    my ($name, @args) = @_;
    my ($code, $out, $err) = ctl(@args);
    is($code, 0, "maintctl @args[0 .. 2]: $name") or diag("stdout: $out\nstderr: $err");
    return $out;
}

sub get_window { $admin->api('GET', "/v1/windows/$_[0]")->{json} // {} }

# a webhook target at $path of the receiver, for the events given, with a
# secret we choose (so that the sink knows it at once); through the API
sub hook_target {
    my ($name, $path, @events) = @_;
    my $secret = 'whsec_' . MIME::Base64::encode_base64(join('', map { chr rand 256 } 1 .. 24), '');
    my $r = $admin->api('POST', '/v1/notify/targets', json => {
        name => $name, kind => 'webhook', url => $hook->url($path), secret => $secret,
        @events ? (events => \@events) : () });
    is($r->{status}, 201, "target $name created") or diag($r->{body});
    $hook->add_secret($secret);
    return $secret;
}

# a window that notifies only @targets; its id.  Each has an app of its
# own: windows of one app must not overlap
my $napps = 0;
sub window_for {
    my ($title, @targets) = @_;
    my $w = $admin->create_window(title => $title, apps => [ 'app' . ++$napps ],
                                  notify => \@targets,
                                  starts_at => rfc3339(now_s() + $H),
                                  ends_at => rfc3339(now_s() + 2 * $H));
    return $w->{id} // 'none';
}

sub deliveries_of {
    my ($window, %q) = @_;
    return @{ deliveries($admin, window => $window, %q) };
}

# waits until the window's deliveries to $target are all in $state, and
# returns the one there is (a window made for one event and one target)
sub settled {
    my ($window, $target, $state, $timeout) = @_;
    my ($ok, $items) = wait_deliveries($admin, { window => $window, target => $target },
        sub { my $i = shift; @$i == 1 && $i->[0]{state} eq $state }, $timeout // 20,
        "the delivery to $target $state");
    ok($ok, "$target: the delivery is $state") or diag(explain($items));
    return $items->[0] // {};
}

# --- the receivers check what they should -----------------------------------

{
    # the sink's verifier is not a rubber stamp: a wrong signature is
    # recorded as invalid, the specification's published vector as valid
    my $self_check = start_webhook_sink(secrets => ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
    my $body = '{"test": 2432232314}';
    for my $sig ('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
                 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=') {
        http($self_check->port, 'POST', '/hook', body => $body, headers => {
            'webhook-id' => 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp' => 1614265330,
            'webhook-signature' => $sig, 'Content-Type' => 'application/json' });
    }
    my @r = $self_check->records;
    is_deeply([ map { $_->{sig_valid} ? 1 : 0 } @r ], [1, 0],
              'webhook_sink: the published vector verifies, one changed byte does not');
    $self_check->stop;
}

# --- targets, through maintctl -----------------------------------------------

my @TO = ('ops@example.org', 'dba@example.org');
ctl_ok('an email target', 'notify', 'target', 'add', 'mail', '--email', join(',', @TO));
my $out = ctl_ok('a webhook target', 'notify', 'target', 'add', 'hook', '--webhook',
                 $hook->url('/hook'));
my ($SECRET) = $out =~ /^secret: (whsec_\S+)$/m;
ok($SECRET, 'maintctl printed the webhook secret, once') or diag($out);
$hook->add_secret($SECRET // 'none');

my $t = $admin->api('GET', '/v1/notify/targets/hook', token => 'viewer');
is($t->{status}, 200, 'GET the webhook target as viewer');
ok(!exists(($t->{json} // {})->{secrets}) && index($t->{body}, $SECRET // 'none') < 0,
   '... without its secret') or diag($t->{body});
is(($t->{json} // {})->{secret_count}, 1, '... but its count');
my $list = $admin->api('GET', '/v1/notify/targets', token => 'viewer');
is_deeply([ sort map { $_->{name} } @{ ($list->{json} // {})->{items} // [] } ], ['hook', 'mail'],
          'both targets listed');

# --- a window created, started, completed with maintctl ----------------------

my $TITLE = "Database upgrade \xc3\xa9t\xc3\xa9";       # UTF-8, as argv carries it
my $NOTES = 'Cache rebuilt; 2 nodes slow';
my $start_at = now_s() + $H;
$out = ctl_ok('create a window that notifies both', '--json', 'window', 'create', '--app', 'crm',
              '--title', $TITLE, '--start', rfc3339($start_at), '--for', '30m',
              '--message', 'We move the database', '--notify', 'mail,hook');
my $W = (eval { decode_json($out) } // {})->{id} // 'none';
my $t_created = time;
is_deeply(get_window($W)->{notify}, ['mail', 'hook'], "the window's notify list");

my $got_mail = ok($smtp->wait_messages(1, 20), 'the "scheduled" email arrived');
my $got_hook = ok($hook->wait_records(sub { grep { ($_->{type} // '') eq 'maintenance.scheduled' } @_ },
                                      20, 'scheduled webhook', path => '/hook'),
                  'the "scheduled" webhook arrived');
if (!$got_mail && !$got_hook) {
    # nothing sent at all: every check below would only wait out its deadline
    diag('nothing was delivered: is the sender running? see ' . $admin->log_file);
    done_testing();
    exit;
}

ctl_ok('start it', 'window', 'start', $W);
ok($smtp->wait_messages(2, 20), 'the "started" email arrived');
ok($hook->wait_records(sub { grep { ($_->{type} // '') eq 'maintenance.started' } @_ }, 20,
                       'started webhook', path => '/hook'), 'the "started" webhook arrived');

ctl_ok('complete it', 'window', 'complete', $W, '--outcome', 'completed_with_errors',
       '--notes', $NOTES);
ok($smtp->wait_messages(3, 20), 'the "completed" email arrived');
ok($hook->wait_records(sub { grep { ($_->{type} // '') eq 'maintenance.completed' } @_ }, 20,
                       'completed webhook', path => '/hook'), 'the "completed" webhook arrived');
my $window = get_window($W);

# --- the emails ----------------------------------------------------------------

my @mails = @{ inspect_mail($smtp->messages) };
is(scalar @mails, 3, 'exactly three emails') or diag(explain([ map { $_->{headers} } @mails ]));
my $UID = "$W\@maint.example.org";
my ($prev_seq, $i) = (-1, 0);
for my $m (@mails) {
    my $what = ('scheduled', 'started', 'completed')[$i++] // 'extra';
    my $env = $smtp->envelope($m->{file});
    is_deeply([ sort @{ $env->{rcpt_tos} } ], [ sort @TO ], "$what: sent to both addresses");
    is($env->{mail_from}, 'maintenance@maint.example.org', "$what: from smtp_from");
    ok($env->{tls} && ($env->{user} // '') eq $smtp->{user},
       "$what: over STARTTLS, authenticated as the configured user");
    is_deeply($m->{tree}, ['multipart/alternative', 'text/plain', 'text/html', 'text/calendar'],
              "$what: multipart/alternative of text, HTML and calendar");
    is_deeply($m->{defects}, [], "$what: no MIME defects");
    like($m->{headers}{Subject} // '', qr/Database upgrade/, "$what: the title in the subject");
    like($m->{plain} // '', qr{http://admin\.example\.org/#/windows/\Q$W\E},
         "$what: the text links to the admin page");
    like($m->{html} // '', qr/Database upgrade/, "$what: the HTML names the window");
    my $c = $m->{calendar} // {};
    is($c->{error}, undef, "$what: python3-icalendar reads the invitation");
    is(uc($c->{method_param} // ''), 'REQUEST', "$what: Content-Type method=REQUEST");
    is($c->{method}, 'REQUEST', "$what: METHOD:REQUEST");
    my $ev = ($c->{events} // [])->[0] // {};
    is($ev->{uid}, $UID, "$what: UID is the window's");
    cmp_ok($ev->{sequence} // -1, '>', $prev_seq, "$what: SEQUENCE rises ($ev->{sequence})")
        if defined $ev->{sequence};
    $prev_seq = $ev->{sequence} // $prev_seq;
    unlike($c->{raw} // '', qr/(?<!\r)\n/, "$what: the .ics lines end in CRLF");
}
is(((($mails[0] // {})->{calendar} // {})->{events} // [{}])->[0]{dtstart}, rfc3339($start_at),
   'the invitation starts when the window was scheduled to');
like($mails[2]{plain} // '', qr/\Q$NOTES\E/, 'the "completed" email carries the notes');
like($mails[2]{plain} // '', qr/completed.with.errors|with errors/i, '... and the outcome');

# --- the webhooks ----------------------------------------------------------------

my @hooks = $hook->records(path => '/hook');
my $sum = webhook_summary(\@hooks);
is($sum->{requests}, 3, 'three webhook requests') or diag(explain([ map { $_->{type} } @hooks ]));
is($sum->{invalid}, 0, 'every signature verifies (webhook_sink, Python hmac)');
is_deeply([ map { $_->{type} } @hooks ],
          [ map { "maintenance.$_" } qw(scheduled started completed) ], 'in order');
for my $r (@hooks) {
    my $b = $r->{json} // {};
    my $what = $b->{type} // 'a request';
    like($r->{id} // '', qr/^msg_[A-Za-z0-9_-]{24}$/, "$what: webhook-id is msg_ + 24 base64url");
    is($b->{data}{event_id}, $r->{id}, "$what: data.event_id is the webhook-id");
    like($r->{timestamp} // '', qr/^\d{10}$/, "$what: webhook-timestamp in seconds");
    ok(abs($r->{ts_skew} // 1e9) < 300, "$what: ... within 5 minutes of now");
    like($r->{headers}{'content-type'} // '', qr{^application/json}, "$what: application/json");
    like($b->{timestamp} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, "$what: RFC 3339 timestamp");
    is($b->{data}{window}{id}, $W, "$what: data.window is the window");
    is($b->{data}{actor}, 'admin', "$what: data.actor is the token's name");
    is($b->{data}{link}, "http://admin.example.org/#/windows/$W", "$what: data.link");
}
my $done = ($hooks[2] // {})->{json} // {};
is($done->{data}{window}{status}, 'completed_with_errors', 'completed: the outcome is the status');
is($done->{data}{window}{completion_notes}, $NOTES, 'completed: the notes');
is(($hooks[0] // {})->{json}{data}{window}{title}, Encode::decode('UTF-8', $TITLE),
   'scheduled: the title, UTF-8 intact');

# --- delivery state ---------------------------------------------------------------

my ($ok, $items) = wait_deliveries($admin, { window => $W },
    sub { my $i = shift; @$i == 6 && !grep { $_->{state} ne 'delivered' } @$i }, 20,
    'six deliveries delivered');
ok($ok, 'GET /v1/notify/deliveries: six deliveries, all delivered') or diag(explain($items));
is_deeply([ sort map { "$_->{type}.$_->{target}" } @$items ],
          [ sort map { ("$_.hook", "$_.mail") } qw(scheduled started completed) ],
          'one per event and target');
for my $d (@$items) {
    is($d->{id}, "$d->{event}.$d->{target}", "$d->{id}: id is event.target");
    is($d->{attempts}, 1, "$d->{id}: one attempt");
    is($d->{kind}, $d->{target} eq 'mail' ? 'email' : 'webhook', "$d->{id}: kind");
    ok($d->{delivered_at} && !length($d->{last_error} // ''), "$d->{id}: delivered_at, no error");
}
is_deeply([ sort map { $_->{event} } grep { $_->{target} eq 'hook' } @$items ],
          [ sort map { $_->{id} } @hooks ], "the webhook deliveries' events are the ids received");
my ($code, $lst) = ctl('notify', 'deliveries', '--window', $W);
is($code, 0, 'maintctl notify deliveries --window');
is(scalar(() = $lst =~ /\bdelivered\b/g), 6, '... lists the six, delivered') or diag($lst);

# --- a cancelled window: METHOD:CANCEL ---------------------------------------------

my $C = window_for('Not needed after all', 'mail');
ok($smtp->wait_messages(4, 20), 'its "scheduled" email arrived');
ctl_ok('cancel it', 'window', 'cancel', $C, '--notes', 'postponed');
ok($smtp->wait_messages(5, 20), 'its "cancelled" email arrived');
my ($m_sched, $m_cancel) = @{ inspect_mail(($smtp->messages)[3, 4]) };
my $ev_s = $m_sched->{calendar}{events}[0] // {};
my $ev_c = $m_cancel->{calendar}{events}[0] // {};
is($m_cancel->{calendar}{method}, 'CANCEL', 'cancelled: METHOD:CANCEL');
is(uc($m_cancel->{calendar}{method_param} // ''), 'CANCEL', '... and method=CANCEL');
is($m_cancel->{calendar}{error}, undef, '... read by python3-icalendar');
is($ev_c->{uid}, "$C\@maint.example.org", '... the same UID as the invitation')
    and is($ev_s->{uid}, $ev_c->{uid}, '... (its invitation)');
cmp_ok($ev_c->{sequence} // -1, '>=', $ev_s->{sequence} // 0, '... a SEQUENCE not lower');
is($ev_c->{status}, 'CANCELLED', '... STATUS:CANCELLED');
is(scalar(deliveries_of($C, target => 'hook')), 0, 'the webhook was not chosen: nothing for it');

# --- delivery rules, one target each --------------------------------------------------

# 500, then 200: delivered on the second attempt, the same id both times
$hook->control({ paths => {
    '/r500' => ['500', '200'], '/r503' => ['503:3', '200'], '/r410' => ['410'],
    '/rhang' => ['hang', '200'] } });
hook_target('r500', '/r500', 'scheduled');
my $w500 = window_for('Retried after a 500', 'r500');
my $d500 = settled($w500, 'r500', 'delivered');
is($d500->{attempts}, 2, '500 then 200: two attempts');
my @r500 = $hook->records(path => '/r500');
is_deeply([ map { $_->{answer} } @r500 ], ['500', '200'], 'the receiver answered 500, then 200');
is(scalar(keys %{ { map { ($_->{id} // '') => 1 } @r500 } }), 1, '... one webhook-id for both');
is(scalar(grep { $_->{sig_valid} } @r500), 2, '... both signed');
is($r500[0]{body}, $r500[1]{body}, '... the same body, byte for byte') if @r500 == 2;

# 503 with Retry-After: 3: the next attempt not before 3 s
hook_target('r503', '/r503', 'scheduled');
my $w503 = window_for('Retry-After', 'r503');
my $d503 = settled($w503, 'r503', 'delivered', 30);
my @r503 = $hook->records(path => '/r503');
is(scalar @r503, 2, '503 then 200: two requests');
my $gap = @r503 == 2 ? $r503[1]{t} - $r503[0]{t} : 0;
cmp_ok($gap, '>=', 2.9, sprintf('Retry-After: 3 honoured (%.2f s between attempts)', $gap));
cmp_ok($gap, '<', 3 + 5, '... and not much later');

# 410: failed at once, the target disabled
hook_target('r410', '/r410', 'scheduled');
my $w410 = window_for('Gone', 'r410');
my $d410 = settled($w410, 'r410', 'failed');
is($d410->{attempts}, 1, '410: one attempt');
is($d410->{last_status}, 410, '... last_status 410');
my $t410 = $admin->api('GET', '/v1/notify/targets/r410', token => 'viewer')->{json} // {};
ok(defined $t410->{enabled} && !$t410->{enabled}, '410: the target is disabled');
like($t410->{disabled_reason} // '', qr/410/, '... with the reason');
my $w410b = window_for('Gone again', 'r410');
ok(wait_until(sub { my $w = get_window($w410b); $w->{id} }, 5), 'another window names it');
my $before = () = $hook->records(path => '/r410');
ok(!wait_until(sub { my @r = $hook->records(path => '/r410'); @r > $before }, 2,
               'a request to the disabled target (none is the right answer)'),
   '... and the disabled target gets nothing');
ok(!grep({ $_->{state} ne 'failed' } deliveries_of($w410b, target => 'r410')),
   '... no delivery pending for it');
my $pe = $admin->api('PATCH', '/v1/notify/targets/r410', json => { enabled => JSON::PP::true });
is($pe->{status}, 200, 're-enabled') or diag($pe->{body});
is(($pe->{json} // {})->{disabled_reason}, undef, '... its disabled_reason cleared');

# a receiver that never answers: the attempt times out, and is retried
hook_target('rhang', '/rhang', 'scheduled');
my $whang = window_for('Hanging receiver', 'rhang');
my $dhang = settled($whang, 'rhang', 'delivered', 30);
my @rhang = $hook->records(path => '/rhang');
is_deeply([ map { $_->{answer} } @rhang ], ['hang', '200'], 'hang, then 200');
is(scalar(keys %{ { map { ($_->{id} // '') => 1 } @rhang } }), 1, '... the same webhook-id');
my $hgap = @rhang == 2 ? $rhang[1]{t} - $rhang[0]{t} : 0;
cmp_ok($hgap, '>=', $TIMEOUT - 0.1, sprintf('the hung attempt was given up after notify_timeout '
       . '(next attempt %.2f s later)', $hgap));
cmp_ok($hgap, '<', $TIMEOUT + 10, '... and retried soon after');

# a receiver that is down, then back
my $down = start_webhook_sink();
my $dsecret = 'whsec_' . MIME::Base64::encode_base64('d' x 24, '');
$down->add_secret($dsecret);
my $rd = $admin->api('POST', '/v1/notify/targets', json => {
    name => 'rdown', kind => 'webhook', url => $down->url('/hook'), secret => $dsecret,
    events => ['scheduled'] });
is($rd->{status}, 201, 'target rdown created');
$down->stop;
my $wdown = window_for('Receiver down', 'rdown');
my ($okd, $itd) = wait_deliveries($admin, { window => $wdown, target => 'rdown' },
    sub { my $i = shift; @$i == 1 && $i->[0]{attempts} >= 2 }, 20, 'attempts on a down receiver');
ok($okd, 'receiver down: attempted again and again') or diag(explain($itd));
my $dd = $itd->[0] // {};
is($dd->{state}, 'pending', '... still pending');
is($dd->{last_status}, 0, '... last_status 0 (no answer)');
ok(length($dd->{last_error} // ''), "... last_error says why: $dd->{last_error}");
$down->start;
settled($wdown, 'rdown', 'delivered', 30);
my @rdn = $down->records;
ok(@rdn >= 1 && $rdn[-1]{sig_valid}, 'the receiver, back, got it signed');

# redelivery by hand: the same webhook-id again
my $n500 = () = $hook->records(path => '/r500');
($code, $out) = ctl('notify', 'redeliver', $d500->{id} // 'none');
is($code, 0, 'maintctl notify redeliver') or diag($out);
ok($hook->wait_records(sub { @_ > $n500 }, 20, 'redelivery', path => '/r500'), 'it arrives again');
my @again = $hook->records(path => '/r500');
is($again[-1]{id}, $r500[0]{id}, '... with the same webhook-id');
ok($again[-1]{sig_valid}, '... signed');
my $d500b = settled($w500, 'r500', 'delivered');
cmp_ok($d500b->{attempts}, '>=', 3, '... the attempts counted on (' . ($d500b->{attempts} // '?') . ')');

# a secret rotated: the old one kept, both sign
($code, $out) = ctl('notify', 'target', 'rotate', 'hook');
is($code, 0, 'maintctl notify target rotate');
my ($NEW) = $out =~ /^secret: (whsec_\S+)$/m;
ok($NEW && $NEW ne ($SECRET // ''), 'a new secret, printed once') or diag($out);
$hook->add_secret($NEW // 'none');
my $n_hook = () = $hook->records(path => '/hook');
window_for('After the rotation', 'hook');
ok($hook->wait_records(sub { @_ > $n_hook }, 20, 'after rotation', path => '/hook'),
   'the next webhook arrived');
my $rot = ($hook->records(path => '/hook'))[-1] // {};
my @entries = split / /, $rot->{signature} // '';
is(scalar @entries, 2, 'two v1 signatures during the rotation');
my @secrets = $hook->secrets;
my %matched = map { $secrets[$_] => 1 } @{ $rot->{sig_matched} // [] };
ok($matched{$SECRET // 'none'} && $matched{$NEW // 'none'}, '... one by the old secret, one by the new');

# an HTTPS receiver, trusted through notify_ca_file
{
    my $s = 'whsec_' . MIME::Base64::encode_base64(join('', map { chr rand 256 } 1 .. 32), '');
    $https->add_secret($s);
    my $r = $admin->api('POST', '/v1/notify/targets', json => {
        name => 'tls-hook', kind => 'webhook', url => $https->url('/hook'), secret => $s,
        events => ['scheduled'] });
    is($r->{status}, 201, 'an https:// webhook target') or diag($r->{body});
    my $w = window_for('Over HTTPS', 'tls-hook');
    settled($w, 'tls-hook', 'delivered');
    my @r = $https->records;
    ok(@r == 1 && $r[0]{sig_valid} && ($r[0]{type} // '') eq 'maintenance.scheduled',
       'the HTTPS receiver got it, signed') or diag(explain(\@r));
}

# implicit TLS (smtps://): a second daemon (its own prefix, its own sender)
# sending to a second SMTP server that speaks TLS from the first byte, and
# that answers the first message 451 (a temporary failure: retried)
{
    my $smtps = start_smtp_sink(tls => 'implicit', fail_first => 1);
    my $admin2 = start_admin(redis => $redis, prefix => 'm2:', extra =>
        "calendar_domain maint.example.org\n" . $smtps->admin_conf
        . "notify_backoff 200ms\nnotify_timeout ${TIMEOUT}s\nnotify_retry_for 1m\n");
    my $r = $admin2->api('POST', '/v1/notify/targets', json => {
        name => 'mail', kind => 'email', to => ['ops@example.org'] });
    is($r->{status}, 201, 'smtps: an email target') or diag($r->{body});
    my $w = $admin2->create_window(title => 'Over smtps', apps => ['crm'], notify => ['mail'],
                                   starts_at => rfc3339(now_s() + $H),
                                   ends_at => rfc3339(now_s() + 2 * $H));
    ok($smtps->wait_messages(1, 20), 'smtps: the email arrived');
    my ($m) = $smtps->messages;
    my $env = $m ? $smtps->envelope($m) : {};
    ok($env->{tls} && ($env->{user} // '') eq $smtps->{user}, 'smtps: over TLS, authenticated');
    my ($x) = @{ inspect_mail($m // ()) };
    is((($x // {})->{calendar} // {})->{method}, 'REQUEST', 'smtps: the invitation is there');
    is(scalar(grep { /^\S+ 535 / } $smtps->refused), 0, 'smtps: no refused AUTH');
    is(scalar(grep { /^\S+ 451 / } $smtps->refused), 1, 'smtps: the first attempt was answered 451');
    my ($ok, $d) = wait_deliveries($admin2, { window => $w->{id} // 'none' },
        sub { @{ $_[0] } == 1 && $_[0][0]{state} eq 'delivered' }, 20);
    ok($ok, 'smtps: delivered') or diag(explain($d));
    is(($d->[0] // {})->{attempts}, 2, 'smtps: on the second attempt, after the 451');
    $admin2->stop;
    $smtps->stop;
}

# --- no secret in the daemon's log --------------------------------------------------

my $log = do { local (@ARGV, $/) = ($admin->log_file); <> } // '';
for my $s (grep { defined } $SECRET, $NEW, $smtp->{password}) {
    ok(index($log, $s) < 0, 'the log holds no secret (' . substr($s, 0, 8) . '...)');
}

diag(sprintf('notify: %d emails, %d webhook requests on /hook, first event %.1f s after '
             . 'the change', scalar($smtp->messages), scalar(@hooks),
             @hooks ? $hooks[0]{t} - $t_created : -1));

$admin->stop;
$smtp->stop;
$hook->stop;
$https->stop;
$down->stop;
done_testing();
