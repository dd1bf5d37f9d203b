# Request validation (docs/admin-api.md, "Errors" and "The window
# object"): a table of bad bodies for POST /v1/windows and for PATCH
# /v1/windows/{id}, each with the status it must get (400, 413, 415, 422)
# and, for 422, the field errors[] must name.  Every error is
# application/problem+json with type, title and status; nothing is ever
# written (no window appears, the state version does not move, the patched
# window keeps its revision).  The limits are checked from both sides: the
# largest valid values are accepted (by a dry run, which writes nothing).
# Hostile bodies (deep nesting, oversize) are refused without a crash.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

my $ENC = JSON::PP->new->utf8->canonical;       # bodies are UTF-8 bytes
my $DEL = \'delete this key';                    # marker for body_with()

# RFC 3339 with a +HH:MM offset, for the same instant
sub now_s { int(redis_now_ms($redis) / 1000) }

sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

my $NOW = now_s();
my $S = $NOW + 86400;                           # every valid window starts tomorrow

sub base {
    return { title => 'Valid window', apps => ['shop'],
             starts_at => rfc3339($S), ends_at => rfc3339($S + 3600) };
}

# base() with keys replaced ($DEL removes one); "allow.x" sets allow->{x}.
sub body_with {
    my (%ch) = @_;
    my $b = base();
    for my $k (sort keys %ch) {
        my $v = $ch{$k};
        my $is_del = ref $v eq 'SCALAR' && $v == $DEL;
        if ($k =~ /^allow\.(\w+)$/) {
            $b->{allow} //= { paths => [], networks => [] };
            $is_del ? delete $b->{allow}{$1} : ($b->{allow}{$1} = $v);
        } else {
            $is_del ? delete $b->{$k} : ($b->{$k} = $v);
        }
    }
    return $b;
}

# base() encoded, with the text of one placeholder replaced by raw bytes
sub raw_with {
    my ($placeholder, $bytes, %ch) = @_;
    my $j = $ENC->encode(body_with(title => $placeholder, %ch));
    $j =~ s/\Q$placeholder\E/$bytes/;
    return $j;
}

my %SUFFIX = (400 => 'bad-request', 413 => 'payload-too-large',
              415 => 'unsupported-media-type', 422 => 'validation');

# One request with a raw body (bytes) and an optional content type.
sub send_raw {
    my ($method, $path, $bytes, %opt) = @_;
    my %h = (Authorization => 'Bearer ' . $admin->token('admin'));
    $h{'Content-Type'} = exists $opt{ctype} ? $opt{ctype} : 'application/json';
    delete $h{'Content-Type'} unless defined $h{'Content-Type'};
    $h{'If-Match'} = $opt{if_match} if defined $opt{if_match};
    local $SIG{PIPE} = 'IGNORE';                # a daemon may stop reading an oversize body
    my $r = MaintTest::http($admin->port, $method, $path, headers => \%h,
                            body => $bytes, timeout => 10);
    if (($r->{headers}{'content-type'} // '') =~ /json/ && length($r->{body} // '')) {
        $r->{json} = eval { decode_json($r->{body}) };
    }
    return $r;
}

# The answer is the problem the case expects.
sub check_problem {
    my ($c, $r, $label) = @_;
    my @st = ref $c->{status} ? @{ $c->{status} } : ($c->{status});
    ok(scalar(grep { $r->{status} == $_ } @st),
       "$label: status " . join(' or ', @st) . " (got $r->{status})")
        or diag(substr($r->{raw} // $r->{error} // '', 0, 800));
    like($r->{headers}{'content-type'} // '', qr{^application/problem\+json\b},
         "$label: application/problem+json");
    my $j = ref $r->{json} eq 'HASH' ? $r->{json} : {};
    is($j->{type}, 'urn:ngx-maint:problem:' . ($SUFFIX{ $r->{status} } // '?'),
       "$label: type matches the status");
    ok(defined $j->{title} && !ref $j->{title} && length $j->{title}, "$label: has a title");
    is($j->{status}, $r->{status}, "$label: status member");

    my @want = @{ $c->{fields} // (defined $c->{field} ? [ $c->{field} ] : []) };
    return unless @want;
    my @errors = ref $j->{errors} eq 'ARRAY' ? @{ $j->{errors} } : ();
    ok(@errors && !grep({ ref $_ ne 'HASH' || !defined $_->{field} || !length($_->{reason} // '') } @errors),
       "$label: errors[] items have field and reason") or diag($r->{body});
    my @got = map { $_->{field} // '' } grep { ref $_ eq 'HASH' } @errors;
    for my $f (@want) {
        ok(scalar(grep { ref $f ? $_ =~ $f : $_ eq $f } @got),
           "$label: errors[] names $f") or diag('fields: ' . join(', ', @got));
    }
}

sub list_ids {
    my $r = $admin->api('GET', '/v1/windows?limit=500');
    return [ map { $_->{id} } @{ ($r->{json} // {})->{items} // [] } ];
}

my $x = sub { 'x' x $_[0] };

# --- the bodies --------------------------------------------------------------------

# Bodies that are refused before they are looked at as windows: the same
# for POST and PATCH.
my @MALFORMED = (
    { name => 'truncated JSON',         raw => '{"title": "x",',         status => 400 },
    { name => 'not JSON at all',        raw => 'title=x&apps=shop',       status => 400 },
    { name => 'empty body',             raw => '',                        status => 400 },
    { name => 'trailing garbage',       raw => $ENC->encode(base()) . ' x', status => 400 },
    { name => 'two JSON documents',     raw => $ENC->encode(base()) x 2,  status => 400 },
    { name => 'invalid UTF-8 in a string', raw => raw_with('PLACEHOLDER', "bad \xff\xfe byte"),
      status => 400 },
    { name => 'duplicate keys',         raw => $ENC->encode(base()) =~ s/^\{/{"title":"other",/r,
      status => 400 },
    { name => 'duplicate keys in a nested object',
      raw => $ENC->encode(body_with(allow => { paths => [] })) =~ s/"paths":\[\]/"paths":[],"paths":["\/x"]/r,
      status => 400 },
    { name => 'an array instead of an object', raw => '[]',            status => 400 },
    { name => 'the window inside an array',    raw => '[' . $ENC->encode(base()) . ']', status => 400 },
    { name => 'a string instead of an object', raw => '"window"',      status => 400 },
    { name => 'null instead of an object',     raw => 'null',          status => 400 },
    { name => 'a number instead of an object', raw => '42',            status => 400 },
    { name => '32000 nested arrays (under 64 KiB)',
      raw => ('[' x 32000) . (']' x 32000), status => 400 },
    { name => '10000 nested objects in a field (under 64 KiB)',
      raw => '{"notes":' . ('{"a":' x 10000) . '1' . ('}' x 10000) . '}', status => 400 },
    { name => '100000 nested arrays',
      raw => ('[' x 100000) . (']' x 100000), status => [400, 413] },
    { name => 'body over 64 KiB',
      raw => $ENC->encode(body_with(notes => $x->(70000))), status => 413 },
    { name => 'a valid body padded to 65537 bytes',
      raw => pad($ENC->encode(base()), 65537), status => 413 },
    { name => 'text/plain',             raw => $ENC->encode(base()), ctype => 'text/plain',
      status => 415 },
    { name => 'form encoded',           raw => 'title=x', ctype => 'application/x-www-form-urlencoded',
      status => 415 },
    { name => 'no Content-Type',        raw => $ENC->encode(base()), ctype => undef, status => 415 },
    { name => 'application/jsonp',      raw => $ENC->encode(base()), ctype => 'application/jsonp',
      status => 415 },
);

# pad a JSON object with spaces before its closing brace to exactly $n bytes
sub pad {
    my ($json, $n) = @_;
    $json =~ s/\}\z/(' ' x ($n - length $json)) . '}'/e;
    die "pad: $n" unless length $json == $n;
    return $json;
}

my $APP64 = 'a' x 64;
my @apps65 = map { "app$_" } 1 .. 65;
my @paths65 = map { "/p$_" } 1 .. 65;
my @nets65 = map { "10.0.$_.0/24" } 1 .. 65;

# Windows with a bad field, for POST: [name, changes to base(), field(s)].
my @INVALID_POST = (
    [ 'unknown field',                 { colour => 'red' },                  'colour' ],
    [ 'unknown field inside allow',    { allow => { paths => [], networks => [], hosts => [] } },
                                                                              qr/^allow(\.hosts)?$/ ],
    (map { [ "read-only field $_->[0]", { $_->[0] => $_->[1] }, $_->[0] ] }
         [ id => 'w_abcdefghij' ], [ status => 'scheduled' ],
         [ created_at => rfc3339($NOW) ], [ created_by => 'admin' ],
         [ updated_at => rfc3339($NOW) ], [ updated_by => 'admin' ],
         [ revision => 1 ], [ actual_start => rfc3339($S) ],
         [ actual_end => rfc3339($S + 60) ], [ completion_notes => 'done' ]),
    (map { [ "missing $_", { $_ => $DEL }, $_ ] } qw(title apps starts_at ends_at)),
    [ 'empty title',                   { title => '' },                      'title' ],
    [ 'title of 201 characters',       { title => $x->(201) },               'title' ],
    [ 'title is a number',             { title => 42 },                      'title' ],
    [ 'title is null',                 { title => undef },                   'title' ],
    [ 'title with a control character', { title => "bad\x01title" },        'title' ],
    [ 'apps empty',                    { apps => [] },                       qr/^apps/ ],
    [ 'apps is a string',              { apps => 'shop' },                   qr/^apps/ ],
    [ 'apps is null',                  { apps => undef },                    qr/^apps/ ],
    [ '65 apps',                       { apps => \@apps65 },                 qr/^apps/ ],
    [ 'app name with a space',         { apps => ['my shop'] },              qr/^apps/ ],
    [ 'app name with a slash',         { apps => ['shop/eu'] },              qr/^apps/ ],
    [ 'app name with a colon',         { apps => ['shop:eu'] },              qr/^apps/ ],
    [ 'app name of 65 characters',     { apps => ['a' x 65] },               qr/^apps/ ],
    [ 'empty app name',                { apps => [''] },                     qr/^apps/ ],
    [ 'app name is a number',          { apps => [7] },                      qr/^apps/ ],
    [ '"*" mixed with names',          { apps => ['*', 'shop'] },            qr/^apps/ ],
    [ 'names mixed with "*"',          { apps => ['shop', '*'] },            qr/^apps/ ],
    [ 'starts_at without offset',      { starts_at => rfc3339($S) =~ s/Z$//r },   'starts_at' ],
    [ 'ends_at without offset',        { ends_at => rfc3339($S + 3600) =~ s/Z$//r }, 'ends_at' ],
    [ 'starts_at month 13',            { starts_at => '2031-13-01T00:00:00Z' },  'starts_at' ],
    [ 'starts_at 30 February',         { starts_at => '2031-02-30T10:00:00Z' },  'starts_at' ],
    [ 'starts_at hour 25',             { starts_at => '2031-06-01T25:00:00Z' },  'starts_at' ],
    [ 'starts_at a date only',         { starts_at => '2031-06-01' },            'starts_at' ],
    [ 'starts_at a word',              { starts_at => 'tomorrow' },              'starts_at' ],
    [ 'starts_at epoch seconds',       { starts_at => $S },                      'starts_at' ],
    [ 'starts_at empty',               { starts_at => '' },                      'starts_at' ],
    [ 'ends_at not a time',            { ends_at => 'later' },                   'ends_at' ],
    [ 'ends_at before starts_at',      { ends_at => rfc3339($S - 60) },          'ends_at' ],
    [ 'ends_at equal to starts_at',    { ends_at => rfc3339($S) },               'ends_at' ],
    [ 'ends_at "now"',                 { ends_at => 'now' },                     'ends_at' ],
    [ 'longer than 7 days',            { ends_at => rfc3339($S + 7 * 86400 + 1) }, 'ends_at' ],
    [ 'entirely in the past',          { starts_at => rfc3339($NOW - 7200),
                                         ends_at => rfc3339($NOW - 3600) },       'ends_at' ],
    [ 'mode invalid',                  { mode => 'maintenance' },            'mode' ],
    [ 'mode in capitals',              { mode => 'FULL' },                   'mode' ],
    [ 'mode empty',                    { mode => '' },                       'mode' ],
    [ 'mode null',                     { mode => undef },                    'mode' ],
    [ 'login_message of 2001 characters', { login_message => $x->(2001) },   'login_message' ],
    [ 'notify_message of 2001 characters', { notify_message => $x->(2001) }, 'notify_message' ],
    [ 'login_message with \u0001',     { login_message => "a\x01b" },        'login_message' ],
    [ 'notify_message with ESC',       { notify_message => "a\x1bb" },       'notify_message' ],
    [ 'login_message with NUL',        { login_message => "a\x00b" },        'login_message' ],
    [ 'login_message is null',         { login_message => undef },           'login_message' ],
    [ 'notify_before_minutes -1',      { notify_before_minutes => -1 },      'notify_before_minutes' ],
    [ 'notify_before_minutes 10081',   { notify_before_minutes => 10081 },   'notify_before_minutes' ],
    [ 'notify_before_minutes 1.5',     { notify_before_minutes => 1.5 },     'notify_before_minutes' ],
    [ 'notify_before_minutes a string', { notify_before_minutes => '30' },   'notify_before_minutes' ],
    [ 'notify_before_minutes a boolean', { notify_before_minutes => JSON::PP::true }, 'notify_before_minutes' ],
    [ 'allow not an object',           { allow => 'all' },                   qr/^allow/ ],
    [ 'allow.paths not starting with /', { 'allow.paths' => ['api/'] },     qr/^allow\.paths/ ],
    [ 'allow.paths empty string',      { 'allow.paths' => [''] },            qr/^allow\.paths/ ],
    [ 'allow.paths a string',          { 'allow.paths' => '/api' },          qr/^allow\.paths/ ],
    [ 'allow.paths 65 prefixes',       { 'allow.paths' => \@paths65 },       qr/^allow\.paths/ ],
    [ 'allow.networks prefix /33',     { 'allow.networks' => ['10.0.0.0/33'] }, qr/^allow\.networks/ ],
    [ 'allow.networks octet 300',      { 'allow.networks' => ['300.1.1.1'] },   qr/^allow\.networks/ ],
    [ 'allow.networks a name',         { 'allow.networks' => ['intranet'] },    qr/^allow\.networks/ ],
    [ 'allow.networks IPv6 /129',      { 'allow.networks' => ['2001:db8::/129'] }, qr/^allow\.networks/ ],
    [ 'allow.networks empty string',   { 'allow.networks' => [''] },            qr/^allow\.networks/ ],
    [ 'allow.networks 65 entries',     { 'allow.networks' => \@nets65 },        qr/^allow\.networks/ ],
    [ 'notes of 10001 characters',     { notes => $x->(10001) },             'notes' ],
    [ 'enabled "yes"',                 { enabled => 'yes' },                 'enabled' ],
    [ 'enabled null',                  { enabled => undef },                 'enabled' ],
    [ 'show_login_message 1',          { show_login_message => 1 },          'show_login_message' ],
    [ 'hold_until_completed "true"',   { hold_until_completed => 'true' },   'hold_until_completed' ],
    [ 'terminate_sessions 0',          { terminate_sessions => 0 },          'terminate_sessions' ],
);

# Valid bodies at the limits: a dry run must accept them.  They are a week
# later than the refused ones, so that a refused body wrongly accepted
# cannot make them overlap.
my @VALID;
{
my $S_refused = $S;
$S += 8 * 86400;
@VALID = (
    [ 'title of 200 characters',       body_with(title => $x->(200)) ],
    [ 'title of 200 non-ASCII characters (400 bytes)', body_with(title => "\x{e9}" x 200) ],
    [ 'messages of 2000 characters with line breaks and tabs',
      body_with(login_message => "a\nb\tc" . $x->(1995), notify_message => "x\n" x 1000) ],
    [ 'notes of 10000 characters with line breaks', body_with(notes => "n\n" x 5000) ],
    [ 'notify_before_minutes 0',       body_with(notify_before_minutes => 0) ],
    [ 'notify_before_minutes 10080',   body_with(notify_before_minutes => 10080) ],
    [ 'notify_before_minutes null',    body_with(notify_before_minutes => undef) ],
    [ '64 apps of 64 characters',      body_with(apps => [ map { substr("$_$APP64", 0, 64) } 1 .. 64 ]) ],
    [ 'app names with dots, dashes, underscores', body_with(apps => ['shop.eu-1_B']) ],
    [ 'every app',                     body_with(apps => ['*']) ],
    [ 'exactly 7 days',                body_with(ends_at => rfc3339($S + 7 * 86400)) ],
    [ 'times with offsets',            body_with(starts_at => rfc3339_offset($S, 60),
                                                 ends_at => rfc3339_offset($S + 3600, -330)) ],
    [ 'times with fractions',          body_with(starts_at => rfc3339($S) =~ s/Z$/.250Z/r,
                                                 ends_at => rfc3339($S + 3600) =~ s/Z$/.999Z/r) ],
    [ '64 paths and 64 networks',      body_with('allow.paths' => [ map { "/p$_" } 1 .. 64 ],
                                                 'allow.networks' => [ map { "10.0.$_.0/24" } 1 .. 64 ]) ],
    [ 'networks: IPv4, IPv6, plain addresses', body_with('allow.networks' =>
                                                 ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1']) ],
    [ 'every optional field',          body_with(mode => 'read_only', login_message => 'L',
                                                 show_login_message => JSON::PP::false,
                                                 notify_message => 'N', notify_before_minutes => 60,
                                                 enabled => JSON::PP::false,
                                                 terminate_sessions => JSON::PP::true,
                                                 hold_until_completed => JSON::PP::true,
                                                 allow => { paths => ['/health'], networks => ['10.0.0.0/8'] },
                                                 notes => 'free text') ],
);
$S = $S_refused;
}

# --- POST /v1/windows ----------------------------------------------------------------

my $v0 = state_version();
is_deeply(list_ids(), [], 'no windows to start with');

# Nothing was written by the case.  Should something have been (a bug),
# the next cases compare with the new state, so that one failure is
# reported once.
my $ids0 = list_ids();
sub nothing_written {
    my ($label) = @_;
    is(state_version(), $v0, "$label: state version unchanged");
    my $ids = list_ids();
    is_deeply($ids, $ids0, "$label: no window created");
    ($v0, $ids0) = (state_version(), $ids);
}

for my $c (@MALFORMED) {
    my $label = "POST $c->{name}";
    my $r = send_raw('POST', '/v1/windows', $c->{raw}, exists $c->{ctype} ? (ctype => $c->{ctype}) : ());
    check_problem($c, $r, $label);
    nothing_written($label);
}

ok(kill(0, $admin->pid), 'the daemon survived the hostile bodies');
is($admin->api('GET', '/healthz', token => 'none')->{status}, 200, 'and still answers');

for my $c (@INVALID_POST) {
    my ($name, $changes, $field) = @$c;
    my $label = "POST $name";
    my $r = send_raw('POST', '/v1/windows', $ENC->encode(body_with(%$changes)));
    check_problem({ status => 422, field => $field }, $r, $label);
    nothing_written($label);
}

{
    my $label = 'POST with three bad fields';
    my $r = send_raw('POST', '/v1/windows', $ENC->encode(body_with(
        title => '', mode => 'sometimes', notify_before_minutes => -5)));
    check_problem({ status => 422, fields => [qw(title mode notify_before_minutes)] }, $r, $label);
    nothing_written($label);

    $label = 'POST ?dry_run=true with a bad field';
    $r = send_raw('POST', '/v1/windows?dry_run=true', $ENC->encode(body_with(title => '')));
    check_problem({ status => 422, field => 'title' }, $r, $label);
    nothing_written($label);
}

for my $c (@VALID) {
    my ($name, $body) = @$c;
    my $r = send_raw('POST', '/v1/windows?dry_run=true', $ENC->encode($body));
    is($r->{status}, 200, "dry run accepts $name") or diag(substr($r->{body} // '', 0, 800));
    ok($r->{json} && $r->{json}{dry_run}, "dry run of $name says dry_run");
}
{
    my $r = send_raw('POST', '/v1/windows?dry_run=true', $ENC->encode(body_with(apps => ['charset'])),
                     ctype => 'application/json; charset=utf-8');
    is($r->{status}, 200, 'dry run accepts Content-Type: application/json; charset=utf-8');
    $r = send_raw('POST', '/v1/windows?dry_run=true', pad($ENC->encode(body_with(apps => ['padded'])), 65536));
    is($r->{status}, 200, 'dry run accepts a body of exactly 64 KiB');
    nothing_written('the accepted dry runs');
}

# --- PATCH /v1/windows/{id} ------------------------------------------------------------

my $created = $admin->api('POST', '/v1/windows', json => body_with(apps => ['patched']));
is($created->{status}, 201, 'a window to patch') or diag($created->{body});
my $id = ($created->{json} // {})->{id} // 'w_missing000';
my $etag = $created->{headers}{etag};
my $before = $admin->api('GET', "/v1/windows/$id");
$v0 = state_version();

sub unchanged {
    my ($label) = @_;
    is(state_version(), $v0, "$label: state version unchanged");
    my $now = $admin->api('GET', "/v1/windows/$id");
    is($now->{headers}{etag}, $etag, "$label: ETag unchanged");
    is_deeply($now->{json}, $before->{json}, "$label: window unchanged");
    ($v0, $etag, $before) = (state_version(), $now->{headers}{etag}, $now);
}

my @INVALID_PATCH = (
    [ 'unknown field',                 { colour => 'red' },                  'colour' ],
    (map { [ "read-only field $_->[0]", { $_->[0] => $_->[1] }, $_->[0] ] }
         [ id => 'w_abcdefghij' ], [ status => 'in_progress' ],
         [ created_at => rfc3339($NOW) ], [ created_by => 'someone' ],
         [ updated_at => rfc3339($NOW) ], [ revision => 7 ],
         [ actual_start => rfc3339($S) ], [ actual_end => rfc3339($S) ],
         [ completion_notes => 'x' ]),
    [ 'empty title',                   { title => '' },                      'title' ],
    [ 'title null',                    { title => undef },                   'title' ],
    [ 'title of 201 characters',       { title => $x->(201) },               'title' ],
    [ 'apps empty',                    { apps => [] },                       qr/^apps/ ],
    [ 'apps null',                     { apps => undef },                    qr/^apps/ ],
    [ '"*" mixed with names',          { apps => ['*', 'crm'] },             qr/^apps/ ],
    [ 'bad app name',                  { apps => ['no spaces'] },            qr/^apps/ ],
    [ 'starts_at without offset',      { starts_at => rfc3339($S) =~ s/Z$//r }, 'starts_at' ],
    [ 'starts_at null',                { starts_at => undef },               'starts_at' ],
    [ 'ends_at before the current starts_at', { ends_at => rfc3339($S - 60) }, 'ends_at' ],
    [ 'starts_at after the current ends_at', { starts_at => rfc3339($S + 7200) },
                                                                              qr/^(starts_at|ends_at)$/ ],
    [ 'longer than 7 days',            { ends_at => rfc3339($S + 7 * 86400 + 60) }, 'ends_at' ],
    [ 'ends_at in the past',           { starts_at => rfc3339($NOW - 7200),
                                         ends_at => rfc3339($NOW - 3600) },   'ends_at' ],
    [ 'mode invalid',                  { mode => 'readonly' },               'mode' ],
    [ 'login_message of 2001 characters', { login_message => $x->(2001) },   'login_message' ],
    [ 'notify_message with \u0001',    { notify_message => "a\x01b" },       'notify_message' ],
    [ 'notify_before_minutes 10081',   { notify_before_minutes => 10081 },   'notify_before_minutes' ],
    [ 'allow.paths relative',          { allow => { paths => ['health'], networks => [] } }, qr/^allow\.paths/ ],
    [ 'allow.networks invalid',        { allow => { paths => [], networks => ['10.0.0.1/40'] } },
                                                                              qr/^allow\.networks/ ],
    [ 'notes of 10001 characters',     { notes => $x->(10001) },             'notes' ],
    [ 'enabled "no"',                  { enabled => 'no' },                  'enabled' ],
    [ 'show_login_message null',       { show_login_message => undef },      'show_login_message' ],
    [ 'hold_until_completed 1',        { hold_until_completed => 1 },        'hold_until_completed' ],
);

for my $c (@MALFORMED) {
    my $label = "PATCH $c->{name}";
    my $r = send_raw('PATCH', "/v1/windows/$id", $c->{raw}, if_match => $etag,
                     exists $c->{ctype} ? (ctype => $c->{ctype}) : ());
    check_problem($c, $r, $label);
    unchanged($label);
}

for my $c (@INVALID_PATCH) {
    my ($name, $changes, $field) = @$c;
    my $label = "PATCH $name";
    my $r = send_raw('PATCH', "/v1/windows/$id", $ENC->encode($changes), if_match => $etag);
    check_problem({ status => 422, field => $field }, $r, $label);
    unchanged($label);
}

{
    my $r = send_raw('PATCH', "/v1/windows/$id?dry_run=true",
                     $ENC->encode({ title => 'x' x 201 }), if_match => $etag);
    check_problem({ status => 422, field => 'title' }, $r, 'PATCH ?dry_run=true with a bad field');
    $r = send_raw('PATCH', "/v1/windows/$id?dry_run=true",
                  $ENC->encode({ notify_before_minutes => undef, title => $x->(200) }), if_match => $etag);
    is($r->{status}, 200, 'PATCH dry run accepts null notify_before_minutes and a 200-character title')
        or diag($r->{body});
    unchanged('the PATCH dry run');
}

ok(kill(0, $admin->pid), 'the daemon survived every bad PATCH');

# --- bad query parameters: 400 ------------------------------------------------------------

my @BAD_QUERIES = (
    '/v1/windows?limit=0', '/v1/windows?limit=501', '/v1/windows?limit=ten',
    '/v1/windows?limit=-1', '/v1/windows?status=bogus',
    '/v1/windows?status=scheduled,bogus', '/v1/windows?from=yesterday',
    '/v1/windows?to=2031-13-01T00:00:00Z', '/v1/windows?from=2031-06-01T00:00:00',
    '/v1/windows?cursor=not-a-cursor',
    '/v1/audit?limit=0', '/v1/audit?limit=501', '/v1/audit?limit=x',
    '/v1/audit?before=not-an-id',
    '/v1/status?client=not-an-address', '/v1/status?client=300.0.0.1',
);

for my $q (@BAD_QUERIES) {
    check_problem({ status => 400 }, $admin->api('GET', $q), "GET $q");
}
for my $q ('/v1/windows?limit=1', '/v1/windows?limit=500', '/v1/audit?limit=1',
           '/v1/audit?limit=500', '/v1/windows?status=scheduled,in_progress,completed,'
           . 'completed_with_errors,failed,cancelled') {
    is($admin->api('GET', $q)->{status}, 200, "GET $q: 200");
}

{
    # the detail quotes the field, cut to its 1 KiB buffer: here inside the
    # accent's two bytes, which must not make the answer invalid UTF-8
    my $key = ('k' x 1022) . "\x{e9}x";
    my $r = send_raw('POST', '/v1/windows', $ENC->encode(body_with($key => 1)));
    check_problem({ status => 422, field => $key }, $r, 'an unknown field cut inside a character');
}

is(state_version(), $v0, 'no state was written by any refused request');

# --- a state the gateways could not read: the change is refused ---------------------------
# Each body is valid (64 KiB at most, texts of at most 2000 characters),
# but together the windows' texts outgrow the 1 MiB snapshot the gateways
# take. The daemon checks every state with the gateways' decoder: the
# change that would cross the limit is refused, nothing is written, and
# every state it did write is one the gateways read.

{
    my $long = "\x{1f600}" x 2000;                 # 8000 bytes of UTF-8
    my %tr = map { ("l$_" => { login_message => $long }) } 'aa' .. 'ag';
    my ($created, $refused) = (0, undef);
    for my $i (1 .. 40) {
        my $before = state_version();
        my $r = send_raw('POST', '/v1/windows', $ENC->encode(body_with(
            apps => ["big$i"], login_message => $long, translations => \%tr)));
        if ($r->{status} == 201) {
            $created++;
            next;
        }
        $refused = $r;
        check_problem({ status => 422 }, $r, "window $i, past 1 MiB of state");
        is($r->{json}{title}, 'Change refused', '... "Change refused"');
        like($r->{json}{detail} // '', qr/gateways could not read.*larger than 1 MiB/,
             '... saying the gateways could not read the state: over 1 MiB');
        is(state_version(), $before, '... and nothing was written');
        last;
    }
    ok($refused && $created >= 10, "$created windows of 64 KiB written, then the next refused");
    my $snap = $redis->cmd('HGET', 'maint:state', 'snapshot') // '';
    ok(length($snap) > 900 * 1024 && length($snap) <= 1024 * 1024,
       sprintf('the state written last is %d KiB: within what the gateways take', length($snap) / 1024));
    my $r = send_raw('POST', '/v1/windows?dry_run=true', $ENC->encode(body_with(
        apps => ['big-dry'], login_message => $long, translations => \%tr)));
    is($r->{status}, 422, 'a dry run of the same change says so too');
}

$admin->stop;
$redis->stop;

done_testing();
