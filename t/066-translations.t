# Window translations: the admin API validates them (422 naming the field),
# stores them and puts them in the snapshot; the gateway answers with the
# maintenance page and problem+json in the best language of
# Accept-Language (q-values, fr-CA served by fr), English otherwise, with
# Content-Language and Vary; hostile translated texts are escaped.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use Encode qw(encode_utf8);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);
my $nginx = start_nginx(redis => $redis, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        maint on;
        maint_app shop;
        root %%DIR%%/html;
    }
HTTP
my $port = $nginx->port;

mkdir $nginx->dir . '/html';
open(my $f, '>', $nginx->dir . '/html/index.html') or die $!;
print {$f} "<p>app page</p>\n";
close $f;

# --- the admin API's checks -------------------------------------------------------

my %base = (title => 'DB upgrade', apps => ['shop'], starts_at => 'now',
            ends_at => MaintTest::rfc3339(int(redis_now_ms($redis) / 1000) + 3600));

for my $case (
    [ { 'f r' => {} }, 'translations.f r', 'a bad tag' ],
    [ { fr => { headline => 'x' } }, 'translations.fr.headline', 'an unknown key' ],
    [ { fr => { login_message => 'x' x 2001 } }, 'translations.fr.login_message', 'a text too long' ],
    [ { fr => { title => "a\nb" } }, 'translations.fr.title', 'a line break in a title' ],
    [ { fr => 'x' }, 'translations.fr', 'texts not an object' ],
    [ { map { ("l" . chr(97 + $_ / 26) . chr(97 + $_ % 26)) => {} } 0 .. 32 }, 'translations', 'too many' ],
    [ [], 'translations', 'not an object' ],
) {
    my ($tr, $field, $name) = @$case;
    my $r = $admin->api('POST', '/v1/windows', json => { %base, translations => $tr });
    is($r->{status}, 422, "$name: 422");
    my @fields = map { $_->{field} } @{ ($r->{json} // {})->{errors} // [] };
    ok((grep { $_ eq $field } @fields), "$name: names $field") or diag($r->{body});
}

my $FR_MSG = "De retour \x{e0} 23 h <b>\"promis\"</b> & \x{2013} merci";
# UTF-8 on the wire, as clients send it
sub utf8_json { encode_utf8(JSON::PP->new->canonical->encode($_[0])) }

my $r = $admin->api('POST', '/v1/windows', body => utf8_json({
    %base, login_message => 'Back by 11 pm',
    translations => { fr => { title => "Mise \x{e0} jour", login_message => $FR_MSG },
                      'pt-BR' => { login_message => 'Voltamos logo' },
                      de => { title => 'Datenbank' } } }));
is($r->{status}, 201, 'a window with translations: 201') or diag($r->{body});
my $id = ($r->{json} // {})->{id} // '';
is_deeply($r->{json}{translations}{'pt-BR'}, { login_message => 'Voltamos logo' }, 'stored as given');

$r = $admin->api('GET', "/v1/windows/$id");
is($r->{json}{translations}{fr}{login_message}, $FR_MSG, 'GET shows them');

my $snap = decode_json($redis->cmd('HGET', 'maint:state', 'snapshot') // '{}');
my ($sw) = grep { $_->{id} eq $id } @{ $snap->{windows} };
is($sw->{translations}{fr}{login_message}, $FR_MSG, 'the snapshot carries them to the gateways');

# --- the gateway's answers ------------------------------------------------------------

my $FR_HTML = encode_utf8("De retour \x{e0} 23 h &lt;b&gt;&quot;promis&quot;&lt;/b&gt; &amp; \x{2013} merci");

ok(wait_until(sub { http($port, 'GET', '/')->{status} == 503 }, 5, 'the window is enforced'),
   'the window is enforced');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'fr-CA,fr;q=0.9,en;q=0.8' });
is($r->{status}, 503, 'fr-CA: 503');
like($r->{body}, qr{<p class="message" lang="fr">\Q$FR_HTML\E</p>}, 'fr-CA: the French message, escaped');
like($r->{body}, qr{<html lang="fr">}, 'fr-CA: the page is French');
my $FR_H1 = encode_utf8("Maintenance programm\x{e9}e");
like($r->{body}, qr{<h1 id="h">\Q$FR_H1\E</h1>}, 'fr-CA: its own headline in French');
like($r->{body}, qr{<dt>Retour pr\S+vu</dt>}, 'fr-CA: its labels in French');
like($r->{body}, qr{data-left="Encore environ %s\."}, 'fr-CA: the countdown in French');
unlike($r->{body}, qr{<b>}, 'no markup from the translation reaches the page');
is($r->{headers}{'content-language'}, 'fr', 'Content-Language: fr');
is($r->{headers}{vary}, 'Accept-Language', 'Vary: Accept-Language');
is(length $r->{body}, $r->{headers}{'content-length'}, 'Content-Length matches');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'it-IT, en;q=0.7, fr;q=0.5' });
like($r->{body}, qr{<p class="message" lang="en">Back by 11 pm</p>}, 'en before fr: English');
is($r->{headers}{'content-language'}, 'en', 'Content-Language: en');

$r = http($port, 'GET', '/');
like($r->{body}, qr{<p class="message" lang="en">Back by 11 pm</p>}, 'no Accept-Language: English');
like($r->{body}, qr{<html lang="en">.*<h1 id="h">Scheduled maintenance</h1>.*<dt>Expected back</dt>}s,
     'no Accept-Language: the page in English');

# the page as a reader gets it, with or without script
like($r->{body}, qr{<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>},
     'times readable without script, exact for it');
like($r->{body}, qr{<meta http-equiv="refresh" content="\d+">}, 'refreshes itself');
like($r->{body}, qr{prefers-color-scheme:dark}, 'a dark scheme');
like($r->{body}, qr{<meta name="viewport" content="width=device-width}, 'sized for phones');
unlike($r->{body}, qr{\b(?:src|href)=|\@import|url\(}, 'no external assets');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'pt' });
like($r->{body}, qr{lang="pt-BR">Voltamos logo<}, 'pt: served by pt-BR');
like($r->{body}, qr{<html lang="en">.*<h1 id="h">Scheduled maintenance</h1>}s,
     'pt: no texts of our own in Portuguese, so the page around the message is English');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'de-AT' });
like($r->{body}, qr{<html lang="de">.*<h1 id="h">Geplante Wartung</h1>}s, 'de-AT: the page in German');
like($r->{body}, qr{<p class="message" lang="en">Back by 11 pm</p>},
     'de has no message of its own: the English one, marked English');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'fr;q=0, *' });
like($r->{body}, qr{lang="en">Back by 11 pm<}, 'fr;q=0: not French');

$r = http($port, 'GET', '/', headers => { 'Accept-Language' => ('x-y,;q=,' x 800) . 'fr' });
is($r->{status}, 503, 'a hostile Accept-Language: still the page');
like($r->{body}, qr{lang="en">Back by 11 pm<}, 'only the first 64 ranges count: English');

$r = http($port, 'GET', '/', headers => { Accept => 'application/json', 'Accept-Language' => 'fr' });
like($r->{headers}{'content-type'} // '', qr{^application/problem\+json}, 'API client: problem+json');
my $j = eval { decode_json($r->{body}) } // {};
is($j->{detail}, $FR_MSG, 'problem+json: detail in French');
is($j->{title}, "Maintenance programm\x{e9}e", 'problem+json: title in French');
is($j->{window_title}, "Mise \x{e0} jour", 'problem+json: window_title in French');
is($r->{headers}{'content-language'}, 'fr', 'problem+json: Content-Language: fr');

# the rendering is cached per language: English again after French
$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'en' });
like($r->{body}, qr{lang="en">Back by 11 pm<}, 'cached renderings do not mix languages');

# --- translations removed by PATCH --------------------------------------------------------

my $etag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
$r = $admin->api('PATCH', "/v1/windows/$id", if_match => $etag, json => { translations => {} });
is($r->{status}, 200, 'PATCH translations {}: 200') or diag($r->{body});
ok(wait_until(sub { !defined http($port, 'GET', '/')->{headers}{'content-language'} }, 5, 'no translations'),
   'without translations: no Content-Language');
$r = http($port, 'GET', '/', headers => { 'Accept-Language' => 'fr' });
like($r->{body}, qr{lang="en">Back by 11 pm<}, 'without translations: English for everyone');

# --- the longest texts, in characters of 3 and 4 bytes --------------------------------------
# The API counts characters (title 200, messages 2000); the gateways count
# bytes. 2000 emoji are 8000 bytes: accepted by the API, read by every
# gateway, shown whole.

{
    my ($title, $msg) = ("\x{20ac}" x 200, "\x{1f600}" x 2000);
    $etag = $admin->api('GET', "/v1/windows/$id")->{headers}{etag};
    $r = $admin->api('PATCH', "/v1/windows/$id", if_match => $etag, body => utf8_json({
        translations => { ja => { title => $title, login_message => $msg } } }));
    is($r->{status}, 200, 'PATCH: a 200-character title and a 2000-character message of '
       . '3- and 4-byte characters') or diag(substr($r->{body} // '', 0, 400));
    my $want = encode_utf8($msg);
    ok(wait_until(sub {
        my $p = http($port, 'GET', '/', headers => { 'Accept-Language' => 'ja' });
        $p->{status} == 503 && index($p->{body}, $want) >= 0;
    }, 5, 'the long message at the edge'), 'the gateway reads that state and shows the 8000-byte message whole');
    is(scalar(my @refused = $nginx->log_lines(qr/is invalid, keeping version/)), 0,
       'no gateway refused a state the API accepted');
}

# --- maintctl --translation ----------------------------------------------------------------

my ($code, $out, $err) = maintctl($admin, 'admin', 'window', 'create', '--app', 'crm', '--title', 'CRM',
    '--start', MaintTest::rfc3339(int(redis_now_ms($redis) / 1000) + 7200), '--for', '1h',
    '--translation', 'fr:title=CRM fr', '--translation', "fr:message=Bient\xc3\xb4t",
    '--translation', 'de:notify-message=Heute Abend', '--json');
is($code, 0, 'maintctl window create --translation: exit 0') or diag($err);
my $cw = eval { decode_json($out) } // {};
is_deeply($cw->{translations}, { fr => { title => 'CRM fr', login_message => "Bient\x{f4}t" },
                                 de => { notify_message => 'Heute Abend' } },
          'maintctl: the translations as given');

($code, $out, $err) = maintctl($admin, 'admin', 'window', 'update', $cw->{id} // 'x',
    '--translation', 'fr:message=Plus tard', '--json');
is($code, 0, 'maintctl window update --translation: exit 0') or diag($err);
$cw = eval { decode_json($out) } // {};
is_deeply($cw->{translations}, { fr => { title => 'CRM fr', login_message => 'Plus tard' },
                                 de => { notify_message => 'Heute Abend' } },
          'maintctl update: one text replaced, the others kept');

($code, $out, $err) = maintctl($admin, 'admin', 'window', 'update', $cw->{id} // 'x',
    '--translation', 'fr:headline=x');
is($code, 1, 'maintctl --translation with an unknown field: usage error (1)');
like($err, qr/title, message or notify-message/, 'maintctl: says which fields there are');

($code, $out, $err) = maintctl($admin, 'admin', 'window', 'update', $cw->{id} // 'x',
    '--translation', 'f r:title=x');
isnt($code, 0, 'maintctl --translation with a bad tag: refused');
like($err, qr/translations\.f r/, 'maintctl: the API names the field');

$nginx->stop;
check_error_log($nginx);

done_testing();
