# Authentication and roles (docs/admin-api.md, "Authentication and
# roles"): every /v1 route wants a bearer token (401 with
# WWW-Authenticate: Bearer otherwise, whatever is wrong with it), a viewer
# may read everything and write nothing (403), an admin may write, every
# write is audited with the token's name as its actor, refused requests
# change nothing, and no token ever reaches the daemon's log.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use MIME::Base64 qw(encode_base64);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

sub now_s { int(redis_now_ms($redis) / 1000) }

sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

# Windows for separate apps, hours apart, so that they never overlap.
my $slot = 0;
sub window_body {
    my ($title) = @_;
    my $now = now_s();
    $slot++;
    return { title => $title, apps => ["app$slot"],
             starts_at => rfc3339($now + 3600 * $slot),
             ends_at => rfc3339($now + 3600 * $slot + 1800) };
}

sub create {
    my ($title) = @_;
    my $r = $admin->api('POST', '/v1/windows', json => window_body($title));
    is($r->{status}, 201, "admin creates '$title': 201") or diag($r->{body});
    return ($r->{json} // {}, $r->{headers}{etag});
}

# --- fixture: a scheduled window the routes below can name -------------------

my ($fixture, $fixture_etag) = create('Auth fixture');
my $fid = $fixture->{id} // 'w_missing000';

my @READS = (
    '/v1/windows', '/v1/windows?app=app1', "/v1/windows/$fid",
    '/v1/status', '/v1/status?app=app1', '/v1/settings', '/v1/audit',
    '/v1/audit?limit=5', '/v1/gateways',
);

# Every write, with a body and an If-Match that would let an admin through:
# the token is the only thing wrong.
my @WRITES = (
    [ 'create a window',   'POST',   '/v1/windows',              json => window_body('Never') ],
    [ 'update a window',   'PATCH',  "/v1/windows/$fid",          json => { title => 'Changed' },
                                                                  if_match => $fixture_etag ],
    [ 'delete a window',   'DELETE', "/v1/windows/$fid",          if_match => $fixture_etag ],
    [ 'start a window',    'POST',   "/v1/windows/$fid/start",    if_match => $fixture_etag ],
    [ 'complete a window', 'POST',   "/v1/windows/$fid/complete", json => { outcome => 'completed' },
                                                                  if_match => $fixture_etag ],
    [ 'cancel a window',   'POST',   "/v1/windows/$fid/cancel",   json => { notes => 'no' },
                                                                  if_match => $fixture_etag ],
    [ 'update settings',   'PUT',    '/v1/settings',              json => { notify_before_minutes => 15 } ],
    [ 'dry-run a window',  'POST',   '/v1/windows?dry_run=true',  json => window_body('Dry') ],
);

my $admin_tok = $admin->token('admin');
my @BAD_CREDENTIALS = (
    [ 'no Authorization',             token => 'none' ],
    [ 'an unknown token',             token => 'mt_unknown_00000000000000000000' ],
    [ 'a truncated admin token',      token => substr($admin_tok, 0, -1) ],
    [ 'the admin token plus a byte',  token => $admin_tok . '0' ],
    [ 'an empty bearer token',        token => 'none', headers => { Authorization => 'Bearer' } ],
    [ 'the admin token as Basic',     token => 'none',
      headers => { Authorization => 'Basic ' . encode_base64("admin:$admin_tok", '') } ],
    [ 'the admin token without a scheme', token => 'none', headers => { Authorization => $admin_tok } ],
);

# what must not change when a request is refused
sub world {
    my $w = $admin->api('GET', "/v1/windows/$fid");
    my $s = $admin->api('GET', '/v1/settings');
    my $l = $admin->api('GET', '/v1/windows?limit=500');
    return { version => state_version(), etag => $w->{headers}{etag},
             window => $w->{json}, settings => $s->{json},
             count => scalar @{ ($l->{json} // {})->{items} // [] } };
}

my $world0 = world();

# --- 401 for every /v1 route, whatever is wrong with the credentials -----------

for my $cred (@BAD_CREDENTIALS) {
    my ($what, %auth) = @$cred;
    for my $route ((map { [ "GET $_", 'GET', $_ ] } @READS), @WRITES) {
        my ($name, $m, $p, %opt) = @$route;
        my %o = (%opt, %auth);
        my $r = $admin->api($m, $p, %o);
        is_problem($r, 401, 'unauthorized', "$what: $m $p");
        like($r->{headers}{'www-authenticate'} // '', qr/^Bearer\b/,
             "$what: $m $p: WWW-Authenticate: Bearer");
    }
}

is_deeply(world(), $world0, 'requests without a valid token changed nothing');

# --- routes that need no token -----------------------------------------------------

for my $p ('/healthz', '/metrics', '/openapi.json') {
    is($admin->api('GET', $p, token => 'none')->{status}, 200, "GET $p needs no token");
}

# --- a viewer reads everything and writes nothing ---------------------------------------

for my $p (@READS) {
    my $r = $admin->api('GET', $p, token => 'viewer');
    is($r->{status}, 200, "viewer: GET $p: 200") or diag($r->{body});
}

for my $route (@WRITES) {
    my ($name, $m, $p, %opt) = @$route;
    is_problem($admin->api($m, $p, %opt, token => 'viewer'), 403, 'forbidden',
               "viewer: $name ($m $p)");
}

is_deeply(world(), $world0, 'a viewer\'s writes changed nothing');

# --- an admin writes, and each write is audited with its actor ----------------------------

my @done;                                      # [action, target]
push @done, ['window.create', $fid];

{
    my $r = $admin->api('PATCH', "/v1/windows/$fid", json => { title => 'Renamed' },
                        if_match => $fixture_etag);
    is($r->{status}, 200, 'admin: update: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{title}, 'Renamed', 'admin: update applied');
    is($r->{json} && $r->{json}{updated_by}, 'admin', 'admin: updated_by names the token');
    push @done, ['window.update', $fid];

    $r = $admin->api('POST', "/v1/windows/$fid/start", if_match => $r->{headers}{etag});
    is($r->{status}, 200, 'admin: start: 200') or diag($r->{body});
    push @done, ['window.start', $fid];

    $r = $admin->api('POST', "/v1/windows/$fid/complete", json => { outcome => 'completed' },
                     if_match => $r->{headers}{etag});
    is($r->{status}, 200, 'admin: complete: 200') or diag($r->{body});
    push @done, ['window.complete', $fid];

    my ($w2, $e2) = create('To cancel');
    push @done, ['window.create', $w2->{id}];
    $r = $admin->api('POST', "/v1/windows/$w2->{id}/cancel", json => { notes => 'not needed' },
                     if_match => $e2);
    is($r->{status}, 200, 'admin: cancel: 200') or diag($r->{body});
    push @done, ['window.cancel', $w2->{id}];

    my ($w3, $e3) = create('To delete');
    is($w3->{created_by}, 'admin', 'admin: created_by names the token');
    push @done, ['window.create', $w3->{id}];
    $r = $admin->api('DELETE', "/v1/windows/$w3->{id}", if_match => $e3);
    is($r->{status}, 204, 'admin: delete: 204') or diag($r->{body});
    push @done, ['window.delete', $w3->{id}];

    $r = $admin->api('PUT', '/v1/settings', json => { notify_before_minutes => 20 });
    is($r->{status}, 200, 'admin: settings: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{updated_by}, 'admin', 'admin: settings updated_by names the token');
    push @done, ['settings.update', undef];
}

{
    my $r = $admin->api('GET', '/v1/audit?limit=500', token => 'viewer');
    is($r->{status}, 200, 'viewer reads the audit');
    my @items = @{ ($r->{json} // {})->{items} // [] };
    for my $d (@done) {
        my ($action, $target) = @$d;
        my @hits = grep { ($_->{action} // '') eq $action
                          && (!defined $target || ($_->{target} // '') eq $target)
                          && ($_->{outcome} // '') eq 'ok' } @items;
        my $what = $action . (defined $target ? " of $target" : '');
        is(scalar @hits, 1, "audit: one entry for $what");
        is($hits[0] && $hits[0]{actor}, 'admin', "audit: $what names actor admin");
        is($hits[0] && $hits[0]{role}, 'admin', "audit: $what has role admin");
    }
    ok(!grep({ ($_->{actor} // '') eq 'viewer' && ($_->{outcome} // '') eq 'ok' } @items),
       'audit: no successful write by the viewer');
}

# --- no token in the log ---------------------------------------------------------------

$admin->stop;

{
    open(my $f, '<', $admin->log_file) or die $admin->log_file . ": $!";
    local $/;
    my $log = <$f> // '';
    close $f;
    like($log, qr{/v1/windows}, 'the log records requests (so the next checks mean something)');
    for my $t (['admin', $admin->token('admin')], ['viewer', $admin->token('viewer')],
               map { [ $_->[0], $_->[2] ] } grep { $_->[2] ne 'none' } @BAD_CREDENTIALS) {
        my ($what, $tok) = @$t;
        ok(index($log, $tok) < 0, "the log never contains $what token");
    }
    ok(index($log, encode_base64("admin:$admin_tok", '')) < 0,
       'the log never contains the Basic credentials');
}

$redis->stop;

done_testing();
