# maint-admind over HTTPS (issue 14, part 4; docs/admin-api.md, "HTTPS"):
#
# - tls_cert/tls_key: the listener speaks only HTTPS, TLS 1.2 and 1.3:
#   curl with the test CA is answered (with HSTS), plain HTTP to the port
#   gets no HTTP answer, curl without the CA or with another CA fails
#   verification, TLS 1.0 and 1.1 and a CBC suite are refused;
# - maint-admind -t names the setting and the file: a missing certificate
#   or key, a key that is not the certificate's, one without the other, a
#   bad tls_priorities;
# - maintctl over https:// with --cacert or MAINT_API_CACERT creates and
#   lists windows; without the CA it fails (exit 5) saying the certificate
#   is not trusted and where the CA goes; a missing CA file is named;
# - SIGHUP reloads the certificate and key: the new certificate is served
#   (fingerprints), a TLS connection opened before still answers; a key
#   that does not match on SIGHUP keeps the old certificate and logs why;
# - the admin page in chromium over HTTPS: load, sign in, list, create.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use MaintCerts;
use Test::More;
use JSON::PP;
use IPC::Open3;
use IO::Select;
use Symbol qw(gensym);
use Time::HiRes qw(time);

my $dir = "$MaintTest::SERVROOT/257-https-$$";
mkdir $dir;

my $ca = MaintCerts::ca($dir, 'ca');
MaintCerts::ca($dir, 'other');
my ($cert, $key) = MaintCerts::issue($dir, 'ca', 'server', chain => 1);
my ($cert2, $key2) = MaintCerts::issue($dir, 'ca', 'server2', key => 'rsa');
my ($ocert, $okey) = MaintCerts::issue($dir, 'other', 'foreign');

sub admind_t {
    my ($conf) = @_;
    open(my $f, '>', "$dir/t.conf") or die $!;
    print {$f} $conf;
    close $f;
    my $out = `$MaintTest::ADMIND -t --config $dir/t.conf 2>&1`;
    return ($? >> 8, $out);
}

# --- maint-admind -t ----------------------------------------------------

{
    my ($rc, $out) = admind_t("tls_cert $cert\ntls_key $key\n");
    is($rc, 0, 'maint-admind -t: a certificate chain and its key') or diag($out);
    like($out, qr/HTTPS/, '... says HTTPS');

    for my $bad (
        [ "tls_cert $dir/nope.crt\ntls_key $key\n", qr/"tls_cert" \Q$dir\E\/nope\.crt: cannot read/, 'a missing certificate' ],
        [ "tls_cert $cert\ntls_key $dir/nope.key\n", qr/"tls_key" \Q$dir\E\/nope\.key: cannot read/, 'a missing key' ],
        [ "tls_cert $cert\ntls_key $key2\n", qr/"tls_key" \Q$key2\E does not match the certificate of "tls_cert" \Q$cert\E/, 'the key of another certificate' ],
        [ "tls_cert $cert\ntls_key $okey\n", qr/"tls_key" \Q$okey\E does not match/, 'a key from another CA\'s certificate' ],
        [ "tls_cert $cert\ntls_key $cert\n", qr/"tls_key" \Q$cert\E: no unencrypted PEM private key/, 'a certificate as the key' ],
        [ "tls_cert $key\ntls_key $key\n", qr/"tls_cert" \Q$key\E: no PEM certificate/, 'a key as the certificate' ],
        [ "tls_cert $cert\n", qr/"tls_cert" needs "tls_key"/, 'a certificate without a key' ],
        [ "tls_key $key\n", qr/"tls_key" needs "tls_cert"/, 'a key without a certificate' ],
        [ "tls_cert $cert\ntls_key $key\ntls_priorities NORMAL:+NOPE\n", qr/"tls_priorities": not a GnuTLS priority string/, 'a bad tls_priorities' ],
    ) {
        my ($rc, $out) = admind_t($bad->[0]);
        ok($rc != 0 && $out =~ $bad->[1], "maint-admind -t refuses $bad->[2], naming it") or diag($out);
    }
}

# --- the daemon over HTTPS ----------------------------------------------

my $redis = start_redis();
my $admin = start_admin(redis => $redis, tls_ca => $ca,
                        extra => "tls_cert $cert\ntls_key $key\n");
my $port = $admin->port;
my $url = $admin->url;
like($url, qr{^https://}, 'the daemon is at an https:// URL');

# curl; returns (exit code, status, headers+body)
sub curl {
    my (@args) = @_;
    my $out = `curl -sS -i --max-time 10 @args 2>&1`;
    my $rc = $? >> 8;
    my ($status) = $out =~ m{^HTTP/[\d.]+ (\d{3})}m;
    return ($rc, $status // 0, $out);
}

{
    my ($rc, $status, $out) = curl("--cacert $ca $url/healthz");
    is($status, 200, 'curl --cacert: GET /healthz over HTTPS') or diag($out);
    like($out, qr/^Strict-Transport-Security: max-age=31536000\r?$/mi, '... with HSTS');
    ($rc, $status, $out) = curl("--cacert $ca -H 'Authorization: Bearer " . $admin->token('viewer') . "'"
                                . " https://localhost:$port/v1/windows");
    is($status, 200, '... by name (localhost) too, with a token') or diag($out);

    my $plain = MaintTest::http($port, 'GET', '/healthz', timeout => 5);
    is($plain->{status}, 0, 'plain HTTP to the port gets no HTTP answer') or diag($plain->{raw});
    ($rc, $status, $out) = curl("http://127.0.0.1:$port/healthz");
    ok($rc != 0 && !$status, '... nor does curl http://') or diag($out);

    ($rc, $status, $out) = curl("$url/healthz");
    is($rc, 60, 'curl without the CA: the certificate does not verify (60)') or diag($out);
    ($rc, $status, $out) = curl("--cacert $dir/other.crt $url/healthz");
    is($rc, 60, 'curl with another CA: the certificate does not verify (60)') or diag($out);

    ($rc, $status, $out) = curl("--cacert $ca --tlsv1.2 --tls-max 1.2 $url/healthz");
    is($status, 200, 'TLS 1.2 is accepted') or diag($out);
    ($rc, $status, $out) = curl("--cacert $ca --tlsv1.3 $url/healthz");
    is($status, 200, 'TLS 1.3 is accepted') or diag($out);
    ($rc, $status, $out) = curl("--cacert $ca --tlsv1.2 --tls-max 1.2 --ciphers AES128-SHA $url/healthz");
    ok($rc != 0 && !$status, 'a CBC suite (AES128-SHA) is refused') or diag($out);
}

# TLS 1.0 and 1.1, offered by an openssl that still can (SECLEVEL=0)
for my $v ('tls1', 'tls1_1') {
    my $out = `echo | timeout 10 openssl s_client -connect 127.0.0.1:$port -$v -cipher 'DEFAULT\@SECLEVEL=0' 2>&1`;
  SKIP: {
        skip("this openssl cannot offer -$v", 2)
            if $out =~ /no protocols available|unknown option|Option unknown/i;
        like($out, qr/written [1-9]\d* bytes/, "openssl s_client -$v sent its hello");
        like($out, qr/Cipher is \(NONE\)/, "... and the daemon refused $v") or diag($out);
    }
}

# --- maintctl -------------------------------------------------------------

sub ctl {
    my ($env, @args) = @_;
    local @ENV{ keys %$env } = values %$env;
    local $ENV{MAINT_API_CACERT} = $env->{MAINT_API_CACERT} // '';
    my ($code, $out, $err) = maintctl($admin, 'admin', @args);
    return { code => $code, out => $out, err => $err };
}

my $T = time;
sub rfc { my @t = gmtime($_[0]); sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]) }

{
    my $r = ctl({ MAINT_API_CACERT => $ca }, 'window', 'create', '--title', 'Over HTTPS', '--app', 'crm',
                '--start', rfc($T + 3600), '--end', rfc($T + 7200));
    is($r->{code}, 0, 'maintctl with MAINT_API_CACERT: window create') or diag("$r->{out}\n$r->{err}");
    my ($id) = $r->{out} =~ /\b(w_[A-Za-z0-9._-]{10})\b/;
    ok($id, "... prints the id") or diag($r->{out});

    $r = ctl({}, '--cacert', $ca, 'window', 'list', '--json');
    is($r->{code}, 0, 'maintctl --cacert: window list') or diag($r->{err});
    my $j = eval { decode_json($r->{out}) } // {};
    ok((grep { ($_->{id} // '') eq ($id // 'none') } @{ $j->{items} // [] }), '... lists the window');

    $r = ctl({}, 'window', 'list');
    is($r->{code}, 5, 'maintctl without the CA: exit 5') or diag("$r->{out}\n$r->{err}");
    like($r->{err}, qr/^maintctl: the TLS certificate of the admin API at \Q$url\E is not trusted: /m,
         '... saying the certificate is not trusted');
    like($r->{err}, qr/--cacert FILE or MAINT_API_CACERT/, '... and where the CA goes');

    $r = ctl({ MAINT_API_CACERT => "$dir/other.crt" }, 'window', 'list');
    is($r->{code}, 5, 'maintctl with another CA: exit 5');
    like($r->{err}, qr/not trusted.*\n.*checked against the CA file given/, '... not trusted by the CA file given')
        or diag($r->{err});

    $r = ctl({}, '--cacert', "$dir/nope.pem", 'window', 'list');
    is($r->{code}, 5, 'maintctl --cacert with a missing file: exit 5');
    like($r->{err}, qr/cannot use the CA file "\Q$dir\E\/nope\.pem" \(--cacert or MAINT_API_CACERT\)/,
         '... naming the file') or diag($r->{err});
}

# --- the certificate is reloaded on SIGHUP ---------------------------------

sub served_fp {
    my $out = `echo | timeout 10 openssl s_client -connect 127.0.0.1:$port -servername localhost 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>&1`;
    return $out =~ /=([0-9A-F:]+)/ ? $1 : "none ($out)";
}

# a TLS connection, kept alive: s_client with pipes
my ($in, $out_fh, $pid);
sub ka_request {
    print {$in} "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    $in->flush;
    my ($buf, $sel, $deadline) = ('', IO::Select->new($out_fh), time + 10);
    while (time < $deadline) {
        last if $buf =~ /\r\n\r\n/ && $buf =~ /Content-Length: (\d+)/i
                && length($buf) - index($buf, "\r\n\r\n") - 4 >= $1;
        last unless $sel->can_read($deadline - time);
        sysread($out_fh, $buf, 65536, length $buf) or last;
    }
    return $buf =~ m{^HTTP/1\.1 (\d{3})}m ? $1 : 0;
}

{
    is(served_fp(), MaintCerts::fingerprint($cert), 'the first certificate is served');

    $pid = open3($in, $out_fh, undef, 'openssl', 's_client', '-quiet', '-ign_eof', '-CAfile', $ca,
                 '-verify_return_error', '-connect', "127.0.0.1:$port");
    $MaintTest::children{$pid} = 'openssl s_client';
    is(ka_request(), 200, 'a kept-alive TLS connection: a first request');

    # the files are replaced in place, as a certificate renewal does
    system('cp', $cert2, $cert) == 0 or die;
    system('cp', $key2, $key) == 0 or die;
    ok($admin->reload(qr/"msg":"configuration reloaded"/), 'SIGHUP: configuration reloaded');
    is(served_fp(), MaintCerts::fingerprint($cert2), 'the renewed certificate is served after SIGHUP');
    my ($rc, $status) = curl("--cacert $ca $url/healthz");
    is($status, 200, '... and verifies');
    is(ka_request(), 200, 'the connection opened before the reload still answers');
    close $in;
    waitpid($pid, 0);
    delete $MaintTest::children{$pid};

    # a key that does not match: nothing changes
    MaintCerts::issue($dir, 'ca', 'third');
    system('cp', "$dir/third.key", $key) == 0 or die;
    ok($admin->reload(qr/"msg":"configuration not reloaded/), 'SIGHUP with a key that does not match: not reloaded');
    ok($admin->log_count(qr/"error":"\\"tls_key\\" \Q$key\E does not match the certificate/), '... the log names tls_key');
    is(served_fp(), MaintCerts::fingerprint($cert2), '... the running certificate is still served');
    ($rc, $status) = curl("--cacert $ca $url/healthz");
    is($status, 200, '... and answers');
    system('cp', $key2, $key) == 0 or die;
}

# --- the admin page in chromium ---------------------------------------------

# Where chromium and node are installed (Debian 12's test tools) the
# browser part must run; the Debian roots have neither and skip it.
SKIP: {
    skip('no chromium or node here (the browser tests run on Debian 12)', 1)
        unless -x ($ENV{CHROMIUM} || '/usr/bin/chromium') && `which node` ne '';
    my ($chromium, $missing) = browser_tools();
    ok($chromium, 'playwright-core is there') or diag("missing: $missing");
    my $bdir = "$ROOT/t/browser";

    my $listed = 'Listed over HTTPS';
    my ($rc, $status, $o) = curl("--cacert $ca -X POST -H 'Authorization: Bearer " . $admin->token('admin') . "'"
                                 . " -H 'Content-Type: application/json' -d '"
                                 . encode_json({ title => $listed, apps => ['crm'], starts_at => rfc($T + 3 * 3600),
                                                 ends_at => rfc($T + 4 * 3600) }) . "' $url/v1/windows");
    is($status, 201, 'a window made with curl over HTTPS') or diag($o);

    my %env = (ADMIN_URL => "https://localhost:$port", ADMIN_TOKEN => $admin->token('admin'),
               SPKI => MaintCerts::spki_hash($cert), LISTED_TITLE => $listed, CHROMIUM => $chromium);
    my $outf = "$dir/browser.out";
    {
        local @ENV{ keys %env } = values %env;
        my $bp = fork() // die "fork: $!";
        if ($bp == 0) {
            open(STDIN, '<', '/dev/null');
            open(STDOUT, '>', $outf) or POSIX::_exit(127);
            open(STDERR, '>&', \*STDOUT);
            exec('node', "$bdir/https.mjs") or POSIX::_exit(127);
        }
        $MaintTest::children{$bp} = 'node';
        waitpid($bp, 0);
        delete $MaintTest::children{$bp};
        is($? >> 8, 0, 'the browser run exited 0');
    }
    open(my $f, '<', $outf) or die "$outf: $!";
    my ($checks, $done, @other) = (0, 0);
    while (my $line = <$f>) {
        if ($line =~ /^CHECK (\{.*\})$/) {
            my $c = decode_json($1);
            $checks++;
            ok($c->{ok}, "browser: $c->{name}") or diag($c->{detail});
        } elsif ($line =~ /^DONE (\d+)$/) {
            $done = $1;
        } else {
            push @other, $line;
        }
    }
    ok($done && $done == $checks && $checks >= 7, "the browser run reported every check ($checks)")
        or diag(join '', @other);
}

$admin->stop;
$redis->stop;

done_testing();
