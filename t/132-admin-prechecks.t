# Custom prechecks (issue 19, part 2): maint-admind's "precheck" lines ask
# an HTTP service before a window starts.  Against a real HTTP service on
# loopback (t/lib/check_server.py: a path that passes, one that answers
# 503, one whose body lacks the text, one that never answers, one switched
# from failing to passing by the test, ones held until the test releases
# them, a redirect; and a port where nothing listens), counting what each
# check asked:
#
# 1. maint-admind -t names the line and what is wrong: a bad name, a URL
#    that is not http(s), a bad status, a bad timeout, an unknown option,
#    a bad or reserved header (its value not echoed), a fifth header, a
#    name given twice, a 33rd check; a good file passes;
# 2. dry runs (POST /v1/windows and /start) list, after the built-in
#    checks, every custom check of the window's apps (status, detail,
#    custom, ms), "ok" false when one fails; a check of another app is
#    neither run nor listed; basic auth from the URL is sent, its password
#    never shown nor logged, as header= options are sent and their values
#    never shown nor logged; a redirect is not followed; method=HEAD;
# 3. a check that never answers fails after its timeout ("no answer within
#    1000 ms"; 3000 on a sanitizer build), and meanwhile the daemon
#    answers other requests at once;
# 4. a port where nothing listens: "cannot connect";
# 5. an early start with a failing check is refused (409 naming it, the
#    window still scheduled, the refusal audited); {"force": true} starts
#    it and records that it was forced; once the check passes the window
#    starts without force; a bad body is 422 naming "force";
# 6. a window that starts on time starts whatever its checks say; their
#    results are written afterwards ("scheduled", actor system,
#    window.prechecks in the audit), as for a window created to start now;
# 7. a window no check covers starts with no prechecks and asks nothing;
# 8. maintctl: window start refused (exit 3, the failed check, --force),
#    --force, --dry-run, window show;
# 9. SIGHUP: a changed check is used, and precheck_ca_file's file read
#    again (another CA in place); a bad precheck line changes nothing;
# 10. at most 16 runs of checks that requests wait for: a 17th request is
#    answered 503 at once (Retry-After; an early start audited as
#    refused), others are not held back, and checks run again after;
# 11. a client that gives up on an early start while its checks run
#    (maintctl --timeout 1): the start is not made when they pass, the
#    daemon logs "client gone"; maintctl without --timeout waits past 10 s
#    for a start, and gets it;
# 12. SIGTERM: a dry run waiting for a check longer than the 5 s the daemon
#    gives requests as it stops is answered then, the check "not finished",
#    and the daemon stops cleanly;
# 13. https:// checks: one whose server's certificate precheck_ca_file's
#    CA issued passes, one whose certificate another CA issued fails,
#    naming the certificate; -t names a precheck_ca_file that cannot be
#    read or holds no certificate.
#
# One wait on a check that hangs (1 s), one for a window to start on
# Redis's clock (2 to 3 s, overlapped with the rest), the 5 s of the stop;
# everything else is polled with a deadline.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use CheckServer;
use MaintCerts;
use Test::More;
use JSON::PP;
use IO::Select;
use IO::Socket::INET;
use MIME::Base64 ();
use Time::HiRes qw(time);

plan skip_all => "needs python3 ($CheckServer::PYTHON)"
    unless -x $CheckServer::PYTHON;

my $H = 3600;
my $SECRET = 's3cr3t-PW';                        # basic auth of one check's URL
my $KEY = 'k3y-0f-the-backup-API';               # a header= value of another

sub scaled { MaintTest::time_scale($_[0]) }

# the hanging check's timeout: longer than what the test asks of the
# daemon meanwhile, on a slow (sanitizer) build too
my $HANG_MS = scaled(1000);


# ---------------------------------------------------------------------------
# 1. maint-admind -t

my $tdir = MaintTest::_test_dir('conf');

sub admind_t {
    my ($lines) = @_;
    open(my $f, '>', "$tdir/admin-t.conf") or die $!;
    print {$f} "listen 127.0.0.1:1\nredis 127.0.0.1:6379\n$lines";
    close $f;
    my $out = `$MaintTest::ADMIND -t --config $tdir/admin-t.conf 2>&1`;
    return ($? >> 8, $out);
}

{
    my $U = 'http://127.0.0.1:9/ready';
    for my $bad (
        [ 'a name with a slash',     "precheck bad/name $U\n",                   3, qr/name/i ],
        [ 'a name of 65 characters', 'precheck ' . ('n' x 65) . " $U\n",         3, qr/name/i ],
        [ 'no URL',                  "precheck lonely\n",                        3, qr/url/i ],
        [ 'a file: URL',             "precheck local file:///etc/passwd\n",      3, qr/http/i ],
        [ 'a gopher: URL',           "precheck old gopher://127.0.0.1:70/1\n",   3, qr/http/i ],
        [ 'status=abc',              "precheck st $U status=abc\n",              3, qr/status/ ],
        [ 'status=1000',             "precheck st $U status=1000\n",             3, qr/status/ ],
        [ 'timeout=0',               "precheck tm $U timeout=0\n",               3, qr/timeout/ ],
        [ 'timeout=2m',              "precheck tm $U timeout=2m\n",              3, qr/timeout/ ],
        [ 'timeout=50ms',            "precheck tm $U timeout=50ms\n",            3, qr/timeout/ ],
        [ 'method=PUT',              "precheck mt $U method=PUT\n",              3, qr/method/ ],
        [ 'an unknown option',       "precheck op $U colour=red\n",              3, qr/colour/ ],
        [ 'a name given twice',      "precheck dup $U\nprecheck dup $U?again\n", 4, qr/\bdup\b/ ],
        [ 'status=299-200',          "precheck st $U status=299-200\n",          3, qr/status/ ],
        [ 'an unclosed quote',       "precheck bq $U body=\"backups: on\n",      3, qr/quote/ ],
        [ 'apps= empty',             "precheck ap $U apps=\n",                   3, qr/apps/ ],
        [ 'a header without a colon', "precheck hd $U header=X-Api-Key\n",      3, qr/header/ ],
        [ 'a header name with a space', "precheck hd $U header=\"X Key: v\"\n", 3, qr/header/ ],
        [ 'a header without a value', "precheck hd $U header=\"X-Api-Key: \"\n", 3, qr/header/ ],
        [ 'header Host',             "precheck hd $U header=\"host: $KEY\"\n",  3, qr/header/ ],
        [ 'header Content-Length',   "precheck hd $U header=Content-Length:0\n", 3, qr/header/ ],
        [ 'a fifth header',          "precheck hd $U" . join('', map { " header=X-H$_:v" } 1 .. 5)
                                     . "\n",                                     3, qr/header/ ],
        [ 'a 33rd check',            join('', map { "precheck c$_ $U\n" } 1 .. 33), 35, qr/\b32\b/ ],
    ) {
        my ($name, $lines, $line, $re) = @$bad;
        my ($rc, $out) = admind_t($lines);
        isnt($rc, 0, "maint-admind -t refuses $name") or diag($out);
        unlike($out, qr/\Q$KEY\E/, '... not echoing a header\'s value') if $lines =~ /\Q$KEY\E/;
        like($out, qr/admin-t\.conf:$line:/, "... naming line $line") or diag($out);
        like($out, $re, "... and what is wrong ($re)") or diag($out);
    }

    my ($rc, $out) = admind_t(
        "precheck backups https://ops:pw\@backup.example.org/status body=\"backups: enabled\" "
        . "timeout=500ms apps=shop,crm\n"
        . "precheck lb-ready http://127.0.0.1:8080/ready method=HEAD status=200,204 timeout=2s\n"
        . "precheck queue_depth.v2 http://[::1]:9000/q method=POST status=200-299 apps=*\n"
        . "precheck ranges http://127.0.0.1:9/x status=200,300-302 timeout=60s body=ok\n"
        . "precheck keyed http://127.0.0.1:9/k header=\"X-Api-Key: a b\" header=X-Trace:1"
        . " header=\"Authorization: Bearer t\" header=x-4:v\n");
    is($rc, 0, 'maint-admind -t: good precheck lines pass') or diag($out);
}


# ---------------------------------------------------------------------------
# The daemon, with its checks

my $cs = CheckServer->new_started;

# 13: two HTTPS services, one with a certificate of the CA the daemon
# trusts for its checks, one of a CA it does not know
my $pki = MaintTest::_test_dir('pki');
my $checks_ca = MaintCerts::ca($pki, 'checks-ca');
my $stranger_ca = MaintCerts::ca($pki, 'stranger-ca');

# the daemon's precheck_ca_file: a copy of the first CA's certificate, which
# section 9 replaces in place with the other's (a CA renewed or changed)
my $ca_file = "$pki/precheck-ca.pem";
sub ca_file_holds {
    my ($from) = @_;
    open(my $in, '<', $from) or die "$from: $!";
    open(my $out, '>', "$ca_file.tmp") or die "$ca_file.tmp: $!";
    print {$out} do { local $/; <$in> };
    close $out or die $!;
    rename "$ca_file.tmp", $ca_file or die "rename: $!";
}
ca_file_holds($checks_ca);
my $tls_ok = CheckServer->new_started(name => 'checks-tls',
    tls => [ MaintCerts::issue($pki, 'checks-ca', 'ok') ]);
my $tls_bad = CheckServer->new_started(name => 'checks-tls-stranger',
    tls => [ MaintCerts::issue($pki, 'stranger-ca', 'stranger') ]);
my $refused_port = free_port();                  # bound and closed: nothing listens
my $redis = start_redis();

sub precheck_conf {
    my (%o) = @_;
    my $p = $cs->port;
    return join('',
        "precheck backups-on http://probe:$SECRET\@127.0.0.1:$p/pass body=\"backups: enabled\" apps=shop,cli\n",
        "precheck svc-503 http://127.0.0.1:$p/fail503 apps=shop,cli\n",
        "precheck body-missing http://127.0.0.1:$p/nobody body=\"backups: enabled\" timeout=2s apps=shop,cli\n",
        # the windows that start on their own ask a path of their own: the
        # counts of the others do not depend on when they start
        "precheck sched-503 http://127.0.0.1:$p/fail503-sched apps=sched,schednow,schedmove\n",
        "precheck other-app http://127.0.0.1:$p/other apps=crm\n",
        "precheck hanging http://127.0.0.1:$p/hang timeout=" . ($o{hang_timeout} // "${HANG_MS}ms") . " apps=slow\n",
        "precheck refused " . ($o{refused_url} // "http://127.0.0.1:$refused_port/ready")
            . " timeout=2s apps=refuse\n",
        "precheck switchable http://127.0.0.1:$p/switch status=200 body=ready apps=gate,gate2,gate3,gate4\n",
        "precheck redirect http://127.0.0.1:$p/redirect apps=misc\n",
        "precheck keyed http://127.0.0.1:$p/pass-keyed header=\"X-Api-Key: $KEY\" apps=keyed\n",
        "precheck head-probe http://127.0.0.1:$p/pass-head method=HEAD status=200,204 apps=misc\n",
        "precheck late-text http://127.0.0.1:$p/late body=\"backups: enabled\" apps=misc\n",
        "precheck tls-trusted " . $tls_ok->url('/pass') . " body=\"backups: enabled\" apps=tls\n",
        "precheck tls-stranger " . $tls_bad->url('/pass') . " timeout=2s apps=tls\n",
        "precheck_ca_file $ca_file\n",
        # section 10 holds 17 connections at once
        "max_connections_per_client 32\n",
        $o{more} // '');
}

my $admin = start_admin(redis => $redis, extra => precheck_conf());

sub now_s { int(redis_now_ms($redis) / 1000) }
sub get_w { $admin->api('GET', "/v1/windows/$_[0]") }
sub etag { get_w($_[0])->{headers}{etag} }

sub is_bool_val {
    my ($v, $want, $name) = @_;
    ok(JSON::PP::is_bool($v) && (!!$v == !!$want), "$name: JSON " . ($want ? 'true' : 'false'))
        or diag('got ' . (defined $v ? encode_json([$v]) : 'undef'));
}

sub audit_for {
    my ($id) = @_;
    my $r = $admin->api('GET', "/v1/audit?limit=500&target=$id");
    return @{ ($r->{json} // {})->{items} // [] };
}

# the checks of a list of results, by name
sub by_name { my %h = map { ($_->{name} // '?') => $_ } grep { ref $_ eq 'HASH' } @{ $_[0] // [] }; \%h }
sub custom_names { [ map { $_->{name} } grep { ref $_ eq 'HASH' && $_->{custom} } @{ $_[0] // [] } ] }

my $T = now_s();
my $slot = 0;

# a window of its own slot, hours ahead, an hour long
sub window_body {
    my (%w) = @_;
    $slot++;
    $w{title} //= "Window $slot";
    $w{starts_at} //= rfc3339($T + $slot * $H);
    $w{ends_at} //= rfc3339(epoch($w{starts_at} eq 'now' ? rfc3339(now_s()) : $w{starts_at}) + $H);
    return \%w;
}

sub create {
    my $b = window_body(@_);
    my $r = $admin->api('POST', '/v1/windows', json => $b);
    is($r->{status}, 201, "create '$b->{title}': 201") or diag($r->{body});
    return $r->{json} // {};
}

sub dry_run {
    my %w = @_;
    my $r = $admin->api('POST', '/v1/windows?dry_run=true', json => window_body(%w));
    is($r->{status}, 200, 'dry run of ' . join(',', @{ $w{apps} }) . ': 200') or diag($r->{body});
    return $r;
}

# a dry run sent on a socket of its own, not waited for: the socket, to
# read its answer from when the test is ready
sub dry_run_sent {
    my %w = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $admin->port,
                                  Proto => 'tcp', Timeout => 5) or die "connect: $!";
    print {$s} MaintTest::_request_text('POST', '/v1/windows?dry_run=true',
        body => encode_json(window_body(%w)),
        headers => { Authorization => 'Bearer ' . $admin->token('admin'),
                     'Content-Type' => 'application/json' });
    return $s;
}

# the answer on such a socket, parsed
sub answer_of {
    my ($s) = @_;
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, scaled(10)));
    close $s;
    $res->{json} = eval { decode_json($res->{body}) };
    return $res;
}

sub start {
    my ($id, %opt) = @_;
    return $admin->api('POST', "/v1/windows/$id/start", if_match => etag($id), %opt);
}

# one custom result as the interface describes it
sub is_result {
    my ($c, $status, $detail, $name) = @_;
    ok($c, "$name: listed") or return;
    is($c->{status}, $status, "$name: $status");
    like($c->{detail} // '', $detail, "$name: detail") or diag($c->{detail});
    is_bool_val($c->{custom}, 1, "$name: custom");
    ok(defined $c->{ms} && $c->{ms} =~ /^\d+$/, "$name: ms, a whole number") or diag($c->{ms});
}

# --- 6 (begun now, checked later): a window that starts on Redis's clock in 2 to 3 s

my $sched_start = now_s() + 3;
my $sched = create(title => 'Starts on time', apps => ['sched'],
                   starts_at => rfc3339($sched_start), ends_at => rfc3339($sched_start + $H));
my $sched_n0 = $cs->count('/fail503-sched');


# ---------------------------------------------------------------------------
# 2. dry runs list the checks of the window's apps

{
    my %n0 = map { $_ => $cs->count($_) } qw(/pass /fail503 /nobody /other);
    my $r = dry_run(title => 'Dry shop', apps => ['shop']);
    my $j = $r->{json} // {};
    my @pc = @{ $j->{prechecks} // [] };
    is_deeply([ map { $_->{name} } @pc[0 .. 2] ], [qw(redis_writable overlaps gateways)],
              'dry run: the built-in checks first')
        or diag(encode_json(\@pc));
    is_deeply([ sort @{ custom_names(\@pc) } ], [ sort qw(backups-on svc-503 body-missing) ],
              'dry run: the three checks of app shop, no other');
    my $pc = by_name(\@pc);
    is_result($pc->{'backups-on'}, 'ok', qr/^HTTP 200 in \d+ ms$/, 'backups-on');
    is_result($pc->{'svc-503'}, 'fail', qr/^HTTP 503, expected 200-299$/, 'svc-503');
    is_result($pc->{'body-missing'}, 'fail', qr/^HTTP 200 but the body lacks "backups: enabled"$/,
              'body-missing');
    ok(!$pc->{'other-app'}, 'the check of app crm is not listed');
    is_bool_val($j->{ok}, 0, 'dry run with failing checks: ok');
    is($cs->count('/pass'), $n0{'/pass'} + 1, 'backups-on asked the service once');
    is($cs->count('/fail503'), $n0{'/fail503'} + 1, 'svc-503 asked once');
    is($cs->count('/nobody'), $n0{'/nobody'} + 1, 'body-missing asked once');
    is($cs->count('/other'), $n0{'/other'}, 'the check of app crm was not run');
    my ($auth) = map { $_->{auth} } grep { $_->{path} eq '/pass' } $cs->records;
    is($auth, 'Basic ' . MIME::Base64::encode_base64("probe:$SECRET", ''),
       'user:password in the URL is sent as basic auth');
    unlike($r->{body}, qr/\Q$SECRET\E/, 'the password is not in the answer');

    # the same from /start?dry_run=true on a window of app shop
    my $w = create(title => 'Shop window', apps => ['shop']);
    %n0 = map { $_ => $cs->count($_) } qw(/pass /fail503 /nobody /other);
    my $g = get_w($w->{id});
    $r = $admin->api('POST', "/v1/windows/$w->{id}/start?dry_run=true", if_match => $g->{headers}{etag});
    is($r->{status}, 200, '/start dry run: 200') or diag($r->{body});
    $j = $r->{json} // {};
    is_deeply([ sort @{ custom_names($j->{prechecks}) } ], [ sort qw(backups-on svc-503 body-missing) ],
              '/start dry run: the three checks of app shop');
    $pc = by_name($j->{prechecks});
    is($pc->{'svc-503'} && $pc->{'svc-503'}{status}, 'fail', '/start dry run: svc-503 fails');
    is($pc->{'backups-on'} && $pc->{'backups-on'}{status}, 'ok', '/start dry run: backups-on passes');
    is_bool_val($j->{ok}, 0, '/start dry run: ok');
    is($cs->count($_), $n0{$_} + 1, "/start dry run: $_ asked once") for qw(/pass /fail503 /nobody);
    is($cs->count('/other'), $n0{'/other'}, '/start dry run: the check of app crm was not run');
    my $after = get_w($w->{id});
    is($after->{json}{status}, 'scheduled', '/start dry run: still scheduled');
    is($after->{headers}{etag}, $g->{headers}{etag}, '/start dry run: ETag unchanged');
    ok(!exists $after->{json}{prechecks}, '/start dry run: nothing recorded on the window');

    # PATCH dry runs: the checks of the window's apps as they would be
    %n0 = map { $_ => $cs->count($_) } qw(/pass /other);
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}?dry_run=true", json => { title => 'Dry title' },
                     if_match => $g->{headers}{etag});
    is($r->{status}, 200, 'PATCH dry run: 200') or diag($r->{body});
    is_deeply([ sort @{ custom_names(($r->{json} // {})->{prechecks}) } ],
              [ sort qw(backups-on svc-503 body-missing) ], 'PATCH dry run: the checks of app shop');
    is_bool_val(($r->{json} // {})->{ok}, 0, 'PATCH dry run: ok');
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}?dry_run=true", json => { apps => ['crm'] },
                     if_match => $g->{headers}{etag});
    is($r->{status}, 200, 'PATCH dry run to app crm: 200') or diag($r->{body});
    is_deeply(custom_names(($r->{json} // {})->{prechecks}), ['other-app'],
              'PATCH dry run to app crm: the check of crm, not those of shop');
    is($cs->count('/other'), $n0{'/other'} + 1, 'PATCH dry run to app crm: its check asked');
    is($cs->count('/pass'), $n0{'/pass'} + 1, 'the two PATCH dry runs asked backups-on once');
    is(get_w($w->{id})->{headers}{etag}, $g->{headers}{etag}, 'PATCH dry runs: ETag unchanged');

    # a redirect is a status, not followed; method=HEAD
    my $n_pass = $cs->count('/pass');
    $r = dry_run(title => 'Dry misc', apps => ['misc']);
    $pc = by_name(($r->{json} // {})->{prechecks});
    is_result($pc->{redirect}, 'fail', qr/^HTTP 302, expected 200-299$/, 'redirect');
    is_result($pc->{'head-probe'}, 'ok', qr/^HTTP 200 in \d+ ms$/, 'head-probe');
    is_result($pc->{'late-text'}, 'fail', qr/^HTTP 200 but the body lacks "backups: enabled"$/,
              'late-text (the text after 64 KiB)');
    is($cs->count('/pass'), $n_pass, 'the redirect was not followed');
    my @heads = grep { $_->{path} eq '/pass-head' } $cs->records;
    is_deeply([ map { $_->{method} } @heads ], ['HEAD'], 'method=HEAD: one HEAD request');

    # the check of app crm runs for a window of crm, alone
    my $n_other = $cs->count('/other');
    $r = dry_run(title => 'Dry crm', apps => ['crm']);
    is_deeply(custom_names(($r->{json} // {})->{prechecks}), ['other-app'], 'app crm: its one check');
    is_bool_val(($r->{json} // {})->{ok}, 1, 'app crm: ok');
    is($cs->count('/other'), $n_other + 1, 'app crm: its check asked once');
}


# 2, header=: sent, its value shown nowhere (a start, so that the audit
# holds the results too)
{
    my $r = dry_run(title => 'Dry keyed', apps => ['keyed']);
    is_result(by_name(($r->{json} // {})->{prechecks})->{keyed}, 'ok', qr/^HTTP 200 in \d+ ms$/,
              'keyed');
    my @keyed = grep { $_->{path} eq '/pass-keyed' } $cs->records;
    is(scalar @keyed, 1, 'keyed asked once');
    is($keyed[0] && $keyed[0]{key}, $KEY, 'header= sent as written');
    unlike($r->{body}, qr/\Q$KEY\E/, 'the header\'s value is not in the answer');
    my $w = create(title => 'Keyed start', apps => ['keyed']);
    $r = start($w->{id});
    is($r->{status}, 200, 'keyed: an early start passes its check') or diag($r->{body});
    unlike($r->{body}, qr/\Q$KEY\E/, '... its answer without the header\'s value');
}


# ---------------------------------------------------------------------------
# 4. nothing listening

{
    my $r = dry_run(title => 'Dry refused', apps => ['refuse']);
    my $pc = by_name(($r->{json} // {})->{prechecks});
    is_result($pc->{refused}, 'fail', qr/^cannot connect\b/, 'refused');
    is_bool_val(($r->{json} // {})->{ok}, 0, 'refused: ok');
}


# ---------------------------------------------------------------------------
# 13. https://: the CA of precheck_ca_file

{
    my $r = dry_run(title => 'Dry https', apps => ['tls']);
    my $pc = by_name(($r->{json} // {})->{prechecks});
    is_result($pc->{'tls-trusted'}, 'ok', qr/^HTTP 200 in \d+ ms$/,
              'https, a certificate of precheck_ca_file\'s CA');
    is_result($pc->{'tls-stranger'}, 'fail', qr/certificate/i,
              'https, a certificate of another CA');
    is($tls_ok->count('/pass'), 1, 'https: the trusted service was asked');
    is($tls_bad->count('/pass'), 0, 'https: nothing was asked of the other');
    for my $bad ([ 'a missing file', "$pki/none.pem", qr/No such file/ ],
                 [ 'a key, no certificate', "$pki/ok.key", qr/no PEM certificate/ ]) {
        my ($rc, $out) = admind_t("precheck_ca_file $bad->[1]\n");
        ok($rc != 0 && $out =~ /"precheck_ca_file" \Q$bad->[1]\E: / && $out =~ $bad->[2],
           "maint-admind -t: precheck_ca_file, $bad->[0], named") or diag($out);
    }
}


# ---------------------------------------------------------------------------
# 7. no check for the window's apps: nothing runs, nothing recorded

{
    my $n = $cs->total('/fail503-sched');
    my $r = dry_run(title => 'Dry nocheck', apps => ['nocheck']);
    is_deeply(custom_names(($r->{json} // {})->{prechecks}), [], 'app nocheck: no custom check listed');
    my $w = create(title => 'No checks', apps => ['nocheck']);
    $r = start($w->{id});
    is($r->{status}, 200, 'app nocheck: start 200') or diag($r->{body});
    is($r->{json} && $r->{json}{status}, 'in_progress', 'app nocheck: in progress');
    ok($r->{json} && !exists $r->{json}{prechecks}, 'app nocheck: no prechecks field');
    ok(!exists get_w($w->{id})->{json}{prechecks}, 'app nocheck: GET, no prechecks field');
    is($cs->total('/fail503-sched'), $n, 'app nocheck: the service was not asked');
}


# ---------------------------------------------------------------------------
# 3. a check that never answers: its timeout, and the daemon meanwhile

{
    my $n0 = $cs->count('/hang');
    my $t0 = time;
    my $s = dry_run_sent(title => 'Dry slow', apps => ['slow']);
    ok(wait_until(sub { $cs->count('/hang') > $n0 }, 5, 'the hanging check to ask'),
       'the hanging check is under way');

    my $hz = $admin->api('GET', '/healthz', token => 'none');
    my $st = $admin->api('GET', '/v1/status?app=shop', token => 'viewer');
    my $n_fail = $cs->count('/fail503');
    my $other = $admin->api('POST', '/v1/windows?dry_run=true',
                            json => window_body(title => 'Dry shop meanwhile', apps => ['shop']));
    my $waiting = !IO::Select->new($s)->can_read(0);

    ok($hz->{status} == 200 || $hz->{status} == 503, "meanwhile: /healthz answered ($hz->{status})");
    is($st->{status}, 200, 'meanwhile: GET /v1/status answered') or diag($st->{body});
    is($other->{status}, 200, 'meanwhile: another dry run answered') or diag($other->{body});
    is($cs->count('/fail503'), $n_fail + 1, 'meanwhile: its checks ran');
    my $meanwhile = $hz->{time} + $st->{time} + $other->{time};
    ok($meanwhile < scaled(0.6), sprintf("meanwhile: the three answered in %.3f s (%.3f, %.3f, %.3f)",
                                        $meanwhile, $hz->{time}, $st->{time}, $other->{time}));
    ok($waiting, 'the hanging dry run was still waiting when they were answered');

    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, scaled(10)));
    my $elapsed = time - $t0;
    close $s;
    is($res->{status}, 200, 'hanging dry run: 200') or diag($res->{raw});
    my $j = eval { decode_json($res->{body}) } // {};
    my $pc = by_name($j->{prechecks});
    is_result($pc->{hanging}, 'fail', qr/^no answer within $HANG_MS ms$/, 'hanging');
    is_bool_val($j->{ok}, 0, 'hanging: ok');
    ok($elapsed >= $HANG_MS / 1000 - 0.1 && $elapsed < $HANG_MS / 1000 + scaled(2),
       sprintf('hanging: answered after the %d ms timeout, not much later (%.2f s)',
               $HANG_MS, $elapsed));
}


# ---------------------------------------------------------------------------
# 5. early start: refused on a failing check, forced, or once it passes

{
    $cs->switch('fail');
    my $w = create(title => 'Gate one', apps => ['gate']);
    my $g = get_w($w->{id});
    my $n0 = $cs->count('/switch');
    my $r = start($w->{id});
    is_problem($r, 409, 'conflict', 'start with a failing check');
    my $j = $r->{json} // {};
    like($j->{detail} // '', qr/^custom prechecks failed: switchable \(HTTP 503, expected 200\)/,
         '409: the detail names the check and its result') or diag($j->{detail});
    like($j->{detail} // '', qr/send "force": true to start anyway/, '409: the detail says how to force');
    my $pc = by_name($j->{prechecks});
    ok(ref $j->{prechecks} eq 'ARRAY', '409: a "prechecks" array');
    is_result($pc->{switchable}, 'fail', qr/^HTTP 503, expected 200$/, '409: switchable');
    is($cs->count('/switch'), $n0 + 1, '409: the check asked once');
    my $after = get_w($w->{id});
    is($after->{json}{status}, 'scheduled', '409: still scheduled');
    is($after->{headers}{etag}, $g->{headers}{etag}, '409: ETag unchanged');
    ok(!exists $after->{json}{prechecks}, '409: nothing recorded on the window');
    ok(scalar(grep { $_->{action} eq 'window.start' && $_->{outcome} eq 'rejected'
                     && ($_->{status} // 0) == 409 } audit_for($w->{id})),
       '409: audited as a rejected window.start');

    for my $bad ({ force => 'yes' }, { force => 1 }) {
        $r = start($w->{id}, json => $bad);
        is_problem($r, 422, 'validation', 'start with ' . encode_json($bad));
        ok(scalar(grep { ($_->{field} // '') eq 'force' } @{ ($r->{json} // {})->{errors} // [] }),
           '... names force') or diag($r->{body});
    }
    is(get_w($w->{id})->{json}{status}, 'scheduled', 'bad bodies: still scheduled');

    my $before = now_s();
    $r = start($w->{id}, json => { force => JSON::PP::true });
    is($r->{status}, 200, 'start with force: 200') or diag($r->{body});
    $j = $r->{json} // {};
    is($j->{status}, 'in_progress', 'forced: in progress');
    my $p = $j->{prechecks} // {};
    is($p->{trigger}, 'start', 'forced: trigger start');
    is_bool_val($p->{ok}, 0, 'forced: ok');
    is_bool_val($p->{forced}, 1, 'forced: forced');
    my $at = epoch($p->{at});
    ok(defined $at && $at >= $before - 1 && $at <= now_s() + 1, 'forced: at is now')
        or diag($p->{at});
    is_deeply(custom_names($p->{checks}), ['switchable'], 'forced: its check listed');
    is_result(by_name($p->{checks})->{switchable}, 'fail', qr/^HTTP 503, expected 200$/,
              'forced: switchable');
    is_deeply(get_w($w->{id})->{json}{prechecks}, $p, 'forced: GET shows the same prechecks');
    my ($a) = grep { $_->{action} eq 'window.start' && $_->{outcome} eq 'ok' } audit_for($w->{id});
    ok($a, 'forced: audited as window.start');
    is($a && $a->{after}{status}, 'in_progress', 'forced: the audit has the window after');
    is($a && $a->{after}{prechecks} && $a->{after}{prechecks}{forced} ? 1 : 0, 1,
       'forced: ... with its prechecks, forced');

    # blocked, then allowed once the check passes
    my $w2 = create(title => 'Gate two', apps => ['gate2']);
    is(start($w2->{id})->{status}, 409, 'gate two: refused while the check fails');
    $cs->switch('pass');
    $r = start($w2->{id});
    is($r->{status}, 200, 'gate two: started without force once the check passes') or diag($r->{body});
    $p = ($r->{json} // {})->{prechecks} // {};
    is($r->{json} && $r->{json}{status}, 'in_progress', 'gate two: in progress');
    is($p->{trigger}, 'start', 'gate two: trigger start');
    is_bool_val($p->{ok}, 1, 'gate two: ok');
    is_bool_val($p->{forced}, 0, 'gate two: forced');
    is_result(by_name($p->{checks})->{switchable}, 'ok', qr/^HTTP 200 in \d+ ms$/, 'gate two: switchable');

    # force sent when nothing fails: not forced
    my $w3 = create(title => 'Gate three', apps => ['gate3']);
    $r = start($w3->{id}, json => { force => JSON::PP::true });
    is($r->{status}, 200, 'gate three: force with passing checks, 200') or diag($r->{body});
    $p = ($r->{json} // {})->{prechecks} // {};
    is_bool_val($p->{ok}, 1, 'gate three: ok');
    is_bool_val($p->{forced}, 0, 'gate three: forced only when a check failed');

    my $w4 = create(title => 'Gate four', apps => ['gate4']);
    $r = start($w4->{id}, json => {});
    is($r->{status}, 200, 'an empty body {} is accepted') or diag($r->{body});
}


# ---------------------------------------------------------------------------
# 8. maintctl

{
    my $w = create(title => 'CLI window', apps => ['cli']);
    my $r = maintctl_run($admin, 'admin', 'window', 'start', $w->{id}, '--dry-run');
    is($r->{code}, 2, 'maintctl window start --dry-run: exit 2 (a check fails)')
        or diag("stdout: $r->{out}\nstderr: $r->{err}");
    like($r->{out}, qr/svc-503/, '--dry-run lists svc-503');
    like($r->{out}, qr/backups-on/, '--dry-run lists backups-on');
    like($r->{out}, qr/HTTP 503, expected 200-299/, '--dry-run shows its detail');

    $r = maintctl_run($admin, 'admin', 'window', 'start', $w->{id});
    is($r->{code}, 3, 'maintctl window start on failing checks: exit 3')
        or diag("stdout: $r->{out}\nstderr: $r->{err}");
    my $all = "$r->{out}\n$r->{err}";
    like($all, qr/svc-503.*HTTP 503, expected 200-299/, '... prints svc-503 and its detail');
    like($all, qr/body-missing.*HTTP 200 but the body lacks "backups: enabled"/,
         '... prints body-missing and its detail');
    like($all, qr/--force/, '... mentions --force');
    is(get_w($w->{id})->{json}{status}, 'scheduled', '... and the window is still scheduled');

    $r = maintctl_run($admin, 'admin', 'window', 'start', $w->{id}, '--force');
    maintctl_ok($r, 'maintctl window start --force');
    my $g = get_w($w->{id})->{json};
    is($g->{status}, 'in_progress', '--force: in progress');
    is_bool_val($g->{prechecks} && $g->{prechecks}{forced}, 1, '--force: forced');

    $r = maintctl_run($admin, 'admin', 'window', 'show', $w->{id});
    maintctl_ok($r, 'maintctl window show');
    like($r->{out}, qr/svc-503\s.*FAIL.*HTTP 503, expected 200-299/, 'show: svc-503, FAIL, its detail');
    like($r->{out}, qr/backups-on\s.*\bok\b.*HTTP 200 in \d+ ms/, 'show: backups-on, ok, its detail');
    like($r->{out}, qr/forced/i, 'show: says it was forced');
    like($r->{out}, qr/prechecks.*\bstart\b/i, 'show: the trigger');
}


# ---------------------------------------------------------------------------
# 6. on time, whatever the checks say; their results written afterwards

{
    my $id = $sched->{id};
    ok(wait_until(sub { redis_now_ms($redis) >= $sched_start * 1000 }, 10, 'starts_at on Redis\'s clock'),
       'Redis\'s clock passed starts_at');
    my $g = get_w($id)->{json} // {};
    is($g->{status}, 'in_progress', 'scheduled: in progress on time, though its check fails');
    my $as = epoch($g->{actual_start}) // 0;
    ok($as >= $sched_start && $as <= $sched_start + 2, 'scheduled: actual_start is starts_at')
        or diag($g->{actual_start});
    is(($admin->api('GET', '/v1/status?app=sched')->{json} // {})->{state}, 'active',
       'scheduled: the gateways\' view: active');

    my $p;
    ok(wait_until(sub { $p = get_w($id)->{json}{prechecks} }, 10, 'the scheduled prechecks'),
       'scheduled: the window gets its prechecks');
    $p //= {};
    is($p->{trigger}, 'scheduled', 'scheduled: trigger scheduled');
    is_bool_val($p->{ok}, 0, 'scheduled: ok');
    is_bool_val($p->{forced}, 0, 'scheduled: forced');
    ok(defined epoch($p->{at}) && epoch($p->{at}) >= $sched_start - 1, 'scheduled: at, after it started')
        or diag($p->{at});
    is_deeply(custom_names($p->{checks}), ['sched-503'], 'scheduled: the check of app sched');
    is_result(by_name($p->{checks})->{'sched-503'}, 'fail', qr/^HTTP 503, expected 200-299$/,
              'scheduled: sched-503');
    ok($cs->count('/fail503-sched') > $sched_n0, 'scheduled: the check asked the service');
    is(get_w($id)->{json}{status}, 'in_progress', 'scheduled: still in progress');

    my @a;
    ok(wait_until(sub { @a = grep { $_->{action} eq 'window.prechecks' } audit_for($id) }, 5,
                  'window.prechecks in the audit'), 'scheduled: window.prechecks audited');
    is($a[0] && $a[0]{actor}, 'system', 'scheduled: by system');
    ok(scalar(grep { $_->{action} eq 'window.auto_start' && $_->{actor} eq 'system' } audit_for($id)),
       'scheduled: window.auto_start audited');

    # a window created to start at once: the same
    my $r = $admin->api('POST', '/v1/windows', json => window_body(title => 'Now', apps => ['schednow'],
                                                                   starts_at => 'now'));
    is($r->{status}, 201, 'create starting now: 201') or diag($r->{body});
    my $nid = ($r->{json} // {})->{id} // 'none';
    is($r->{json} && $r->{json}{status}, 'in_progress', 'created starting now: in progress');
    $p = undef;
    ok(wait_until(sub { $p = get_w($nid)->{json}{prechecks} }, 10, 'prechecks of the window started now'),
       'started now: the window gets its prechecks');
    is($p && $p->{trigger}, 'scheduled', 'started now: trigger scheduled');
    is_bool_val($p && $p->{ok}, 0, 'started now: ok');
    ok(wait_until(sub { grep { $_->{action} eq 'window.prechecks' && $_->{actor} eq 'system' }
                        audit_for($nid) }, 5, 'window.prechecks of the window started now'),
       'started now: window.prechecks audited, by system');

    # a window moved to start at once: the same
    my $m = create(title => 'Moved to now', apps => ['schedmove']);
    $r = $admin->api('PATCH', "/v1/windows/$m->{id}", json => { starts_at => 'now' },
                     if_match => etag($m->{id}));
    is($r->{status}, 200, 'moved to start now: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{status}, 'in_progress', 'moved to start now: in progress');
    $p = undef;
    ok(wait_until(sub { $p = get_w($m->{id})->{json}{prechecks} }, 10, 'prechecks of the window moved'),
       'moved to start now: the window gets its prechecks');
    is($p && $p->{trigger}, 'scheduled', 'moved to start now: trigger scheduled');
    is_deeply(custom_names($p && $p->{checks}), ['sched-503'], 'moved to start now: its check');
}


# ---------------------------------------------------------------------------
# 9. SIGHUP

{
    ca_file_holds($stranger_ca);
    $admin->{extra} = precheck_conf(hang_timeout => '200ms',
                                    refused_url => $cs->url('/pass-reloaded'),
                                    more => 'precheck everywhere ' . $cs->url('/pass-everywhere')
                                            . " apps=*\n");
    $admin->write_conf;
    ok($admin->reload(qr/"msg":"configuration reloaded"/), 'SIGHUP: configuration reloaded');

    my $p;
    ok(wait_until(sub {
        my $r = $admin->api('POST', '/v1/windows?dry_run=true',
                            json => window_body(title => 'Reloaded refuse', apps => ['refuse']));
        $p = by_name(($r->{json} // {})->{prechecks})->{refused};
        $p && $p->{status} eq 'ok' }, 10, 'the reloaded check'),
       'SIGHUP: the check with a new URL passes');
    ok($cs->count('/pass-reloaded') >= 1, 'SIGHUP: the new URL was asked');

    my $t0 = time;
    my $r = $admin->api('POST', '/v1/windows?dry_run=true',
                        json => window_body(title => 'Reloaded slow', apps => ['slow']));
    my $took = time - $t0;
    is_result(by_name(($r->{json} // {})->{prechecks})->{hanging}, 'fail',
              qr/^no answer within 200 ms$/, 'SIGHUP: hanging, the new timeout');
    ok($took < $HANG_MS / 1000 * 0.9,
       sprintf('SIGHUP: the new timeout is used (%.2f s, the old one %d ms)', $took, $HANG_MS));

    # the other CA trusted now, and only it: the same path, read again
    $r = dry_run(title => 'Reloaded https', apps => ['tls']);
    my $tls = by_name(($r->{json} // {})->{prechecks});
    is_result($tls->{'tls-stranger'}, 'ok', qr/^HTTP 200\b/, 'SIGHUP: precheck_ca_file changed, its CA trusted');
    is_result($tls->{'tls-trusted'}, 'fail', qr/certificate/i, 'SIGHUP: ... and the one before no more');

    # a check added, on every app; a window on every app runs every check
    $r = dry_run(title => 'Reloaded nocheck', apps => ['nocheck']);
    is_deeply(custom_names(($r->{json} // {})->{prechecks}), ['everywhere'],
              'SIGHUP: a check added with apps=* runs for any app');
    $r = dry_run(title => 'Reloaded everything', apps => ['*']);
    is_deeply([ sort @{ custom_names(($r->{json} // {})->{prechecks}) } ],
              [ sort qw(backups-on svc-503 body-missing sched-503 other-app hanging refused
                        switchable redirect head-probe late-text tls-trusted tls-stranger keyed
                        everywhere) ],
              'SIGHUP: a window on * runs every check');

    # a bad precheck line: nothing changes
    # (were it applied, "refused" would go back to the port where nothing listens)
    $admin->{extra} = precheck_conf(more => "precheck svc-503 http://127.0.0.1:9/dup\n");
    $admin->write_conf;
    ok($admin->reload(qr/"msg":"configuration not reloaded/), 'SIGHUP with a name given twice: not reloaded');
    my $n = $cs->count('/pass-reloaded');
    $r = $admin->api('POST', '/v1/windows?dry_run=true',
                     json => window_body(title => 'Refused reload', apps => ['refuse']));
    is(by_name(($r->{json} // {})->{prechecks})->{refused}{status}, 'ok',
       'not reloaded: the checks loaded before still hold');
    is($cs->count('/pass-reloaded'), $n + 1, 'not reloaded: ... asking the URL loaded before');
}


# ---------------------------------------------------------------------------

{
    open(my $f, '<', $admin->log_file) or die $!;
    my $log = do { local $/; <$f> };
    unlike($log, qr/\Q$SECRET\E/, 'the basic auth password is never logged');
    unlike($log, qr/\Q$KEY\E/, 'a header= value is never logged');
    my $audit = $admin->api('GET', '/v1/audit?limit=500');
    like($audit->{body}, qr/backups-on/, 'the audit holds results of backups-on');
    unlike($audit->{body}, qr/\Q$SECRET\E/, '... but not its password');
    like($audit->{body}, qr/"keyed"/, 'the audit holds results of keyed');
    unlike($audit->{body}, qr/\Q$KEY\E/, '... but not its header\'s value');
}

# every check judged is counted, passed or failed: at least as many as
# the requests the service saw (a refused port and a timeout count too)
{
    my $m = $admin->api('GET', '/metrics', token => 'none')->{body} // '';
    my ($p) = $m =~ /^maint_admin_prechecks_passed_total (\d+)$/m;
    my ($f) = $m =~ /^maint_admin_prechecks_failed_total (\d+)$/m;
    ok($p && $f, 'metrics: ' . ($p // 'no') . ' checks passed, '
                 . ($f // 'no') . ' failed');
    cmp_ok(($p // 0) + ($f // 0), '>=', $cs->total,
           '... at least one for each request the service saw');
}

# ---------------------------------------------------------------------------
# 10. at most 16 runs of checks that requests wait for: the 17th request
# is answered 503 at once (a dry run, an early start: audited), a window
# no check covers is not held back, and once they are done checks run again

$admin->{extra} = precheck_conf(more => 'precheck held-busy ' . $cs->url('/held-busy')
                                        . " timeout=30s apps=busy\n"
                                        . 'precheck held-gone ' . $cs->url('/held-gone')
                                        . " timeout=30s apps=gone\n"
                                        . 'precheck held-wait ' . $cs->url('/held-wait')
                                        . " timeout=30s apps=wait\n");
$admin->write_conf;
ok($admin->reload(qr/"msg":"configuration reloaded"/), 'checks held by the test added');

{
    my $n0 = $cs->count('/held-busy');
    my @held = map { dry_run_sent(title => "Dry busy $_", apps => ['busy']) } 1 .. 16;
    ok(wait_until(sub { $cs->count('/held-busy') >= $n0 + 16 }, 10, '16 checks held'),
       'limit: 16 dry runs wait for their checks');

    my $r = $admin->api('POST', '/v1/windows?dry_run=true',
                        json => window_body(title => 'Dry busy 17', apps => ['busy']));
    is_problem($r, 503, 'unavailable', 'limit: a 17th dry run');
    like(($r->{json} // {})->{detail} // '', qr/could not be run: 16 runs of checks are under way; try again$/,
         'limit: the detail says why') or diag($r->{body});
    is($r->{headers}{'retry-after'}, '1', 'limit: Retry-After: 1');

    $r = dry_run(title => 'Dry nocheck while busy', apps => ['nocheck']);
    is_bool_val(($r->{json} // {})->{ok}, 1, 'limit: a window no check covers is not held back');

    my $w = create(title => 'Busy start', apps => ['busy']);
    $r = start($w->{id});
    is_problem($r, 503, 'unavailable', 'limit: an early start');
    like(($r->{json} // {})->{detail} // '', qr/16 runs of checks are under way; try again, or send "force": true/,
         'limit: the start is told how to go without them') or diag($r->{body});
    is(get_w($w->{id})->{json}{status}, 'scheduled', 'limit: the window is still scheduled');
    ok(scalar(grep { $_->{action} eq 'window.start' && $_->{outcome} eq 'rejected' }
              audit_for($w->{id})), 'limit: audited as a rejected window.start');
    is($cs->count('/held-busy'), $n0 + 16, 'limit: no check was started for them');

    $cs->release('busy');
    my @ok = grep { $_->{status} == 200 && by_name(($_->{json} // {})->{prechecks})->{'held-busy'}
                    && by_name($_->{json}{prechecks})->{'held-busy'}{status} eq 'ok' }
             map { answer_of($_) } @held;
    is(scalar @ok, 16, 'limit: the 16 are answered once their checks pass');

    $r = dry_run(title => 'Dry busy after', apps => ['busy']);
    is_result(by_name(($r->{json} // {})->{prechecks})->{'held-busy'}, 'ok', qr/^HTTP 200 in \d+ ms$/,
              'limit: over, checks run again');
}


# ---------------------------------------------------------------------------
# 11. a client that gives up on an early start while its checks run (here
# maintctl with a --timeout shorter than them): the start is not made when
# they pass, and the daemon says so; maintctl without --timeout waits past
# its usual 10 s for a start, and gets it

{
    my $w = create(title => 'Gone start', apps => ['gone']);
    my $n0 = $cs->count('/held-gone');
    my $give_up = scaled(1);                     # its GET for the ETag fits in it
    my $r = maintctl_run($admin, 'admin', '--timeout', $give_up, 'window', 'start', $w->{id});
    is($r->{code}, 5, "client gone: maintctl --timeout $give_up gives up (exit 5)") or diag($r->{err});
    like($r->{err}, qr/did not answer within \Q$give_up\E s/, '... saying after how long')
        or diag($r->{err});
    ok(wait_until(sub { $cs->count('/held-gone') == $n0 + 1 }, 10, 'the held check'),
       '... while its check was held');
    $cs->release('gone');
    ok(wait_until(sub { $admin->log_count(qr/^(?=.*"msg":"client gone")(?=.*"path":"\/v1\/windows\/\Q$w->{id}\E\/start")/) },
                  10, 'the daemon to see the client gone'),
       'client gone: logged once its check passed');
    is(get_w($w->{id})->{json}{status}, 'scheduled', 'client gone: the window is still scheduled');
    ok(!grep({ $_->{action} eq 'window.start' } audit_for($w->{id})), 'client gone: no start audited');

    # the same start by a client that waits: made (longer than 10 s, on
    # the clock: what maintctl's default is about, counted from when its
    # check arrived, after maintctl sent the start)
    my $w2 = create(title => 'Waited start', apps => ['wait']);
    my $out = "$MaintTest::SERVROOT/132-maintctl-wait-$$.out";
    my $n1 = $cs->count('/held-wait');
    my $pid = do {
        local $ENV{MAINT_API_URL} = $admin->url;
        local $ENV{MAINT_API_TOKEN} = $admin->token('admin');
        local %ENV = (%ENV, MaintTest::_sanitizer_env($admin->dir, 1));
        MaintTest::_spawn('maintctl', $out, $MaintTest::MAINTCTL, 'window', 'start', $w2->{id});
    };
    ok(wait_until(sub { $cs->count('/held-wait') > $n1 }, 10, 'the start\'s check'),
       'maintctl window start: its check is held');
    my $t1 = time;
    my $exited;
    wait_until(sub { $exited = waitpid($pid, POSIX::WNOHANG()) == $pid; $exited || time - $t1 > 10.5 },
               15, 'maintctl to wait 10.5 s');
    ok(!$exited, 'maintctl without --timeout still waits for the start after 10.5 s');
    $cs->release('wait');
    unless ($exited) {
        waitpid($pid, 0);
    }
    delete $MaintTest::children{$pid};
    is($? >> 8, 0, 'maintctl window start: exit 0 once the check passes')
        or diag(CheckServer::_read($out));
    is(get_w($w2->{id})->{json}{status}, 'in_progress', 'a client that waits: the start is made');
}


# ---------------------------------------------------------------------------
# 12. shutdown: a dry run waiting for a check that outlives the 5 s the
# daemon gives requests as it stops is answered then, the check failed as
# such, and the daemon stops (libmicrohttpd cannot with a request suspended)

{
    $admin->{extra} = precheck_conf(more => 'precheck hang-stop ' . $cs->url('/hang-stop')
                                            . " timeout=30s apps=stopping\n");
    $admin->write_conf;
    ok($admin->reload(qr/"msg":"configuration reloaded"/), 'shutdown: a 30 s check added');

    my $n0 = $cs->count('/hang-stop');
    my $s = dry_run_sent(title => 'Dry at shutdown', apps => ['stopping']);
    ok(wait_until(sub { $cs->count('/hang-stop') > $n0 }, 5, 'the long check to ask'),
       'shutdown: a check longer than the daemon waits is under way');

    my $t0 = time;
    kill 'TERM', $admin->pid;
    my $res = MaintTest::_parse_response(MaintTest::_read_all($s, scaled(15)));
    my $took = time - $t0;
    close $s;
    is($res->{status}, 200, 'shutdown: the waiting dry run is answered') or diag($res->{raw});
    my $j = eval { decode_json($res->{body}) } // {};
    is_result(by_name($j->{prechecks})->{'hang-stop'}, 'fail',
              qr/^not finished: the daemon is stopping$/, 'shutdown');
    ok($took >= 4.5 && $took < 5 + scaled(2),
       sprintf('shutdown: answered after the 5 s the daemon waits (%.2f s)', $took));
    ok(wait_until(sub { $admin->log_count(qr/"msg":"stopped"/) }, 10, 'the daemon to stop'),
       'shutdown: the daemon stopped cleanly');
}

$admin->stop;
$cs->stop;
$tls_ok->stop;
$tls_bad->stop;
$redis->stop;

done_testing();
