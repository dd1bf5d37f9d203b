# Superadmins and bypass keys through the admin API (docs/admin-api.md,
# "Superadmins", "Bypass keys", "Audit"; docs/redis-schema.md, the
# snapshot's superadmins and bypass_keys, "Superadmins and bypass keys"):
# a credential is sa_ and 43 base64url characters, shown once, stored only
# as its SHA-256 (in maint:superadmins and in the snapshot); the first
# superadmin brings the first bypass key; listing shows neither credentials
# nor hashes nor secrets; duplicates 409, bad names 422; rotate; delete;
# new keys sign, the older still verify, deleting the signing key hands
# signing to the newest remaining; the audit, the daemon's log and a dry
# run's snapshot never hold a credential, its hash or a key secret; a
# viewer cannot write any of it.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use JSON::PP;
use Digest::SHA qw(sha256_hex);
use MIME::Base64 qw(decode_base64);

my $redis = start_redis();
my $admin = start_admin(redis => $redis);

my $CRED_RE = qr/^sa_[A-Za-z0-9_-]{43}$/;
my $KID_RE = qr/^[A-Za-z0-9_-]{1,32}$/;
my $TIME_RE = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
my $JSON = JSON::PP->new->utf8->canonical;

sub now_s { int(redis_now_ms($redis) / 1000) }
sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

sub decode_or_undef {
    my ($text) = @_;
    return undef unless defined $text;
    return eval { $JSON->decode($text) };
}

sub snapshot { decode_or_undef($redis->cmd('HGET', 'maint:state', 'snapshot')) // {} }

# name => credential hash, from the snapshot
sub snap_superadmins {
    return { map { ($_->{name} // '?') => $_->{credential} } grep { ref $_ eq 'HASH' }
             @{ snapshot()->{superadmins} // [] } };
}

# name => credential_id, from the snapshot (the bypass cookies are bound to it)
sub snap_cids {
    return { map { ($_->{name} // '?') => $_->{credential_id} } grep { ref $_ eq 'HASH' }
             @{ snapshot()->{superadmins} // [] } };
}

# kid => { secret, signing }, from the snapshot
sub snap_keys {
    return { map { ($_->{kid} // '?') => $_ } grep { ref $_ eq 'HASH' } @{ snapshot()->{bypass_keys} // [] } };
}

sub signing_kids {
    my ($keys) = @_;
    return [ sort grep { JSON::PP::is_bool($keys->{$_}{signing}) && $keys->{$_}{signing} } keys %$keys ];
}

sub api_superadmins {
    my $r = $admin->api('GET', '/v1/superadmins');
    return { map { ($_->{name} // '?') => $_ } @{ ($r->{json} // {})->{items} // [] } };
}

sub api_keys {
    my $r = $admin->api('GET', '/v1/bypass-keys');
    return { map { ($_->{kid} // '?') => $_ } @{ ($r->{json} // {})->{items} // [] } };
}

sub is_invalid {
    my ($r, $field, $name) = @_;
    is_problem($r, 422, 'validation', $name);
    my @fields = map { $_->{field} // '' } grep { ref $_ eq 'HASH' }
                 @{ (ref $r->{json} eq 'HASH' ? $r->{json}{errors} : undef) // [] };
    ok(scalar(grep { $_ eq $field } @fields), "$name: errors name $field") or diag("errors name: @fields");
}

# Everything that must never be shown: credentials, their hashes, key
# secrets (as stored, and in the other spellings a leak could take).
my %SECRET;                                     # text => what it is
sub remember_secret {
    my ($text, $what) = @_;
    return unless defined $text && length $text;
    $SECRET{$text} = $what;
}
sub remember_key_secret {
    my ($b64, $kid) = @_;
    return unless defined $b64;
    remember_secret($b64, "secret of key $kid");
    my $raw = decode_base64($b64);
    remember_secret(b64url($raw), "secret of key $kid, base64url");
    remember_secret(unpack('H*', $raw), "secret of key $kid, hex");
}
sub remember_credential {
    my ($cred, $who) = @_;
    return unless defined $cred && length $cred;
    remember_secret($cred, "credential of $who");
    remember_secret(sha256_hex($cred), "credential hash of $who");
    remember_secret(uc sha256_hex($cred), "credential hash of $who, upper case");
}

# the secrets a text holds (JSON may write "/" as "\/")
sub leaks {
    my ($text) = @_;
    $text //= '';
    return map { $SECRET{$_} } grep { index($text, $_) >= 0 || index($text, s{/}{\\/}gr) >= 0 } sort keys %SECRET;
}

# --- nothing yet ----------------------------------------------------------------------------

{
    my $r = $admin->api('GET', '/v1/superadmins');
    is($r->{status}, 200, 'list superadmins: 200');
    is_deeply($r->{json} && $r->{json}{items}, [], 'no superadmin yet');
    $r = $admin->api('GET', '/v1/bypass-keys');
    is($r->{status}, 200, 'list bypass keys: 200');
    is_deeply($r->{json} && $r->{json}{items}, [], 'no bypass key yet');
    is_problem($admin->api('GET', '/v1/superadmins', token => 'none'), 401, 'unauthorized', 'superadmins without a token');
    is_problem($admin->api('GET', '/v1/bypass-keys', token => 'none'), 401, 'unauthorized', 'bypass keys without a token');
    is($admin->api('GET', '/v1/superadmins', token => 'viewer')->{status}, 200, 'a viewer lists superadmins');
    is($admin->api('GET', '/v1/bypass-keys', token => 'viewer')->{status}, 200, 'a viewer lists bypass keys');
}

# --- POST /v1/superadmins -----------------------------------------------------------------------

my %cred;                                       # name => current credential
my $first_kid;
{
    my $v0 = state_version();
    my $before = now_s();
    my $r = $admin->api('POST', '/v1/superadmins', json => { name => 'alice' });
    is($r->{status}, 201, 'create alice: 201') or diag($r->{body});
    like($r->{headers}{'content-type'} // '', qr{^application/json\b}, 'create: JSON');
    my $j = $r->{json} // {};
    is($j->{name}, 'alice', 'create: name');
    like($j->{credential} // '', $CRED_RE, 'create: the credential is sa_ and 43 base64url characters');
    is(length(b64url_decode(substr($j->{credential} // 'sa_', 3))), 32, 'create: the credential is 32 bytes');
    like($j->{created_at} // '', $TIME_RE, 'create: created_at in UTC');
    ok((epoch($j->{created_at}) // 0) >= $before && (epoch($j->{created_at}) // 0) <= now_s(),
       'create: created_at is now');
    $cred{alice} = $j->{credential} // 'none';
    remember_credential($cred{alice}, 'alice');
    ok(state_version() > $v0, 'create: the state version was bumped');

    my $raw = $redis->cmd('HGET', 'maint:superadmins', 'alice');
    my $rec = decode_or_undef($raw) // {};
    is($rec->{name}, 'alice', 'maint:superadmins alice: name');
    is($rec->{credential_sha256}, sha256_hex($cred{alice}), 'maint:superadmins alice: the credential\'s SHA-256');
    is($rec->{created_by}, 'admin', 'maint:superadmins alice: created_by');
    ok(index($raw // '', $cred{alice}) < 0, 'maint:superadmins alice: not the credential');
    is_deeply([ sort @{ $redis->cmd('HKEYS', 'maint:superadmins') } ], ['alice'], 'maint:superadmins: alice only');

    like($rec->{credential_id} // '', qr/^[A-Za-z0-9_-]{22}$/, 'maint:superadmins alice: a credential id');
    my $snap = snapshot();
    is_deeply($snap->{superadmins}, [ { name => 'alice', credential => sha256_hex($cred{alice}),
                                        credential_id => $rec->{credential_id} } ],
              'the snapshot lists alice with the credential\'s SHA-256 and its id');

    # the first superadmin brings the first bypass key
    my $keys = snap_keys();
    is(scalar keys %$keys, 1, 'the first superadmin also created a bypass key');
    ($first_kid) = keys %$keys;
    $first_kid //= 'none';
    like($first_kid, $KID_RE, 'bypass key: kid');
    is_deeply(signing_kids($keys), [ $first_kid ], 'bypass key: it signs');
    my $secret = $keys->{$first_kid}{secret};
    is(length(decode_base64($secret // '')), 32, 'bypass key: secret, base64 of 32 bytes');
    remember_key_secret($secret, $first_kid);
    my $stored = decode_or_undef($redis->cmd('HGET', 'maint:bypass_keys', $first_kid)) // {};
    is($stored->{kid}, $first_kid, 'maint:bypass_keys: the key');
    is($stored->{secret}, $secret, 'maint:bypass_keys: the same secret');

    my $l = $admin->api('GET', '/v1/bypass-keys');
    my @items = @{ ($l->{json} // {})->{items} // [] };
    is(scalar @items, 1, 'GET /v1/bypass-keys: one key');
    is($items[0]{kid}, $first_kid, 'GET /v1/bypass-keys: its kid');
    ok(JSON::PP::is_bool($items[0]{signing}) && $items[0]{signing}, 'GET /v1/bypass-keys: signing true');
    like($items[0]{created_at} // '', $TIME_RE, 'GET /v1/bypass-keys: created_at');
    ok(exists $items[0]{created_by}, 'GET /v1/bypass-keys: created_by');
    ok(!exists $items[0]{secret}, 'GET /v1/bypass-keys: no secret field');
    is_deeply([ leaks($l->{body}) ], [], 'GET /v1/bypass-keys: no secret anywhere in the answer');

    $l = $admin->api('GET', '/v1/superadmins');
    my ($a) = @{ ($l->{json} // {})->{items} // [] };
    is($a && $a->{name}, 'alice', 'GET /v1/superadmins: alice');
    like($a && $a->{created_at} // '', $TIME_RE, 'GET /v1/superadmins: created_at');
    is($a && $a->{created_by}, 'admin', 'GET /v1/superadmins: created_by');
    ok($a && exists $a->{rotated_at} && !defined $a->{rotated_at}, 'GET /v1/superadmins: rotated_at null');
    ok($a && !exists $a->{credential} && !exists $a->{credential_sha256}, 'GET /v1/superadmins: no credential field');
    is_deeply([ leaks($l->{body}) ], [], 'GET /v1/superadmins: no credential or hash anywhere in the answer');

    $r = $admin->api('POST', '/v1/superadmins', json => { name => 'bob' });
    is($r->{status}, 201, 'create bob: 201') or diag($r->{body});
    $cred{bob} = ($r->{json} // {})->{credential} // 'none';
    like($cred{bob}, $CRED_RE, 'bob: a credential');
    isnt($cred{bob}, $cred{alice}, 'bob: not alice\'s credential');
    remember_credential($cred{bob}, 'bob');
    is_deeply(snap_superadmins(), { alice => sha256_hex($cred{alice}), bob => sha256_hex($cred{bob}) },
              'the snapshot lists both');
    is_deeply([ keys %{ snap_keys() } ], [ $first_kid ], 'a second superadmin brings no second key');
    is_deeply([ sort keys %{ api_superadmins() } ], [qw(alice bob)], 'GET /v1/superadmins: both');

    # the name is taken
    $v0 = state_version();
    is_problem($admin->api('POST', '/v1/superadmins', json => { name => 'alice' }), 409, 'conflict',
               'create alice again');
    is(state_version(), $v0, 'the duplicate wrote nothing');
    is(snap_superadmins()->{alice}, sha256_hex($cred{alice}), 'alice keeps her credential');
}

# --- bad names, unknown fields, bad bodies ------------------------------------------------------------

{
    my @BAD = (
        [ { name => '' },                   'name' ],
        [ { name => 'a b' },                'name' ],
        [ { name => 'x' x 65 },             'name' ],
        [ { name => "caf\x{e9}" },          'name' ],
        [ { name => 'a/b' },                'name' ],
        [ { name => 'a:b' },                'name' ],
        [ { name => "a\nb" },               'name' ],
        [ { name => 42 },                   'name' ],
        [ { name => undef },                'name' ],
        [ { name => ['alice2'] },           'name' ],
        [ {},                               'name' ],
        [ { name => 'carol', colour => 'red' }, 'colour' ],
        [ { name => 'carol', credential => 'sa_' . ('A' x 43) }, 'credential' ],
    );
    my $v0 = state_version();
    for my $b (@BAD) {
        my ($body, $field) = @$b;
        my $bytes = $JSON->encode($body);          # UTF-8
        is_invalid($admin->api('POST', '/v1/superadmins', body => $bytes), $field,
                   "create superadmin $bytes");
    }
    for my $raw ('not json', '[]', '"carol"') {
        is_problem($admin->api('POST', '/v1/superadmins', body => $raw), 400, 'bad-request',
                   "create superadmin with the body $raw");
    }
    is(state_version(), $v0, 'refused creations wrote nothing');
    is_deeply([ sort keys %{ api_superadmins() } ], [qw(alice bob)], 'refused creations created nobody');

    my $ok = $admin->api('POST', '/v1/superadmins', json => { name => 'A-z_0.9' . ('x' x 57) });
    is($ok->{status}, 201, 'a 64-character name of every allowed class: 201') or diag($ok->{body});
    remember_credential(($ok->{json} // {})->{credential}, 'the long name');
    is($admin->api('DELETE', '/v1/superadmins/A-z_0.9' . ('x' x 57))->{status}, 204, '... and deleted again');
}

# --- rotate ------------------------------------------------------------------------------------------

{
    my $old = $cred{alice};
    my ($old_cid, $bob_cid) = @{ snap_cids() }{qw(alice bob)};
    my $v0 = state_version();
    my $before = now_s();
    my $r = $admin->api('POST', '/v1/superadmins/alice/rotate');
    is($r->{status}, 200, 'rotate alice: 200') or diag($r->{body});
    my $j = $r->{json} // {};
    is($j->{name}, 'alice', 'rotate: name');
    like($j->{credential} // '', $CRED_RE, 'rotate: a new credential');
    isnt($j->{credential}, $old, 'rotate: a different credential');
    like($j->{rotated_at} // '', $TIME_RE, 'rotate: rotated_at');
    ok((epoch($j->{rotated_at}) // 0) >= $before, 'rotate: rotated_at is now');
    $cred{alice} = $j->{credential} // 'none';
    remember_credential($cred{alice}, 'alice (rotated)');

    ok(state_version() > $v0, 'rotate: the state version was bumped');
    my $cids = snap_cids();
    like($cids->{alice} // '', qr/^[A-Za-z0-9_-]{22}$/, 'rotate: the snapshot has a credential id');
    isnt($cids->{alice}, $old_cid, 'rotate: a new credential id (the old bypass cookies end)');
    is($cids->{bob}, $bob_cid, 'rotate: bob\'s credential id is untouched');
    my $snap = snap_superadmins();
    is($snap->{alice}, sha256_hex($cred{alice}), 'the snapshot has the new hash');
    isnt($snap->{alice}, sha256_hex($old), 'the snapshot no longer has the old hash');
    is($snap->{bob}, sha256_hex($cred{bob}), 'bob is untouched');
    my $rec = decode_or_undef($redis->cmd('HGET', 'maint:superadmins', 'alice')) // {};
    is($rec->{credential_sha256}, sha256_hex($cred{alice}), 'maint:superadmins: the new hash');
    is(api_superadmins()->{alice}{rotated_at}, $j->{rotated_at}, 'GET /v1/superadmins: rotated_at');

    is_problem($admin->api('POST', '/v1/superadmins/nosuch/rotate'), 404, 'not-found', 'rotate an unknown superadmin');
}

# --- bypass keys ---------------------------------------------------------------------------------------

my ($kid2, $kid3);
{
    my $v0 = state_version();
    my $r = $admin->api('POST', '/v1/bypass-keys');
    is($r->{status}, 201, 'new bypass key: 201') or diag($r->{body});
    $kid2 = ($r->{json} // {})->{kid} // 'none';
    like($kid2, $KID_RE, 'new bypass key: kid');
    isnt($kid2, $first_kid, 'new bypass key: a new kid');
    ok(!exists(($r->{json} // {})->{secret}), 'new bypass key: the answer has no secret');
    ok(state_version() > $v0, 'new bypass key: the state version was bumped');

    my $keys = snap_keys();
    is_deeply([ sort keys %$keys ], [ sort $first_kid, $kid2 ], 'the snapshot holds both keys');
    is_deeply(signing_kids($keys), [ $kid2 ], 'the new key signs, the previous one no longer');
    isnt($keys->{$kid2}{secret}, $keys->{$first_kid}{secret}, 'a new secret');
    remember_key_secret($keys->{$kid2}{secret}, $kid2);
    is_deeply([ leaks($r->{body}) ], [], 'new bypass key: no secret anywhere in the answer');

    my $api = api_keys();
    ok($api->{$kid2} && $api->{$kid2}{signing}, 'GET /v1/bypass-keys: the new key signs');
    ok($api->{$first_kid} && JSON::PP::is_bool($api->{$first_kid}{signing}) && !$api->{$first_kid}{signing},
       'GET /v1/bypass-keys: the previous key signing false');

    $r = $admin->api('POST', '/v1/bypass-keys');
    is($r->{status}, 201, 'a third bypass key: 201') or diag($r->{body});
    $kid3 = ($r->{json} // {})->{kid} // 'none';
    $keys = snap_keys();
    remember_key_secret($keys->{$kid3}{secret}, $kid3);
    is_deeply(signing_kids($keys), [ $kid3 ], 'the third key signs');
    is(scalar keys %$keys, 3, 'three keys in the snapshot');

    # deleting the signing key: the newest remaining one signs
    $v0 = state_version();
    $r = $admin->api('DELETE', "/v1/bypass-keys/$kid3");
    is($r->{status}, 204, 'delete the signing key: 204') or diag($r->{body});
    ok(state_version() > $v0, 'delete: the state version was bumped');
    $keys = snap_keys();
    is_deeply([ sort keys %$keys ], [ sort $first_kid, $kid2 ], 'the deleted key left the snapshot');
    is_deeply(signing_kids($keys), [ $kid2 ], 'the newest remaining key signs');
    is($redis->cmd('HEXISTS', 'maint:bypass_keys', $kid3), 0, 'the deleted key left maint:bypass_keys');
    ok(!api_keys()->{$kid3}, 'GET /v1/bypass-keys: the deleted key is gone');
    ok(api_keys()->{$kid2}{signing}, 'GET /v1/bypass-keys: the newest remaining key signs');
    is_problem($admin->api('DELETE', "/v1/bypass-keys/$kid3"), 404, 'not-found', 'delete it again');

    # deleting a key that does not sign
    $r = $admin->api('DELETE', "/v1/bypass-keys/$first_kid");
    is($r->{status}, 204, 'delete the older key: 204') or diag($r->{body});
    $keys = snap_keys();
    is_deeply([ keys %$keys ], [ $kid2 ], 'one key left in the snapshot');
    is_deeply(signing_kids($keys), [ $kid2 ], 'it still signs');

    is_problem($admin->api('DELETE', '/v1/bypass-keys/k_nosuchkey'), 404, 'not-found', 'delete an unknown kid');
}

# --- DELETE /v1/superadmins/{name} ------------------------------------------------------------------------

{
    my $v0 = state_version();
    my $r = $admin->api('DELETE', '/v1/superadmins/bob');
    is($r->{status}, 204, 'delete bob: 204') or diag($r->{body});
    is($r->{body}, '', 'delete: no body');
    ok(state_version() > $v0, 'delete: the state version was bumped');
    is_deeply(snap_superadmins(), { alice => sha256_hex($cred{alice}) }, 'bob left the snapshot');
    is($redis->cmd('HEXISTS', 'maint:superadmins', 'bob'), 0, 'bob left maint:superadmins');
    is_deeply([ keys %{ api_superadmins() } ], ['alice'], 'GET /v1/superadmins: alice only');
    is_problem($admin->api('DELETE', '/v1/superadmins/bob'), 404, 'not-found', 'delete bob again');
    is_problem($admin->api('POST', '/v1/superadmins/bob/rotate'), 404, 'not-found', 'rotate bob after his deletion');
    is_problem($admin->api('DELETE', '/v1/superadmins/nosuch'), 404, 'not-found', 'delete an unknown superadmin');

    # the name is free again
    $r = $admin->api('POST', '/v1/superadmins', json => { name => 'bob' });
    is($r->{status}, 201, 'bob again: 201') or diag($r->{body});
    $cred{bob} = ($r->{json} // {})->{credential} // 'none';
    remember_credential($cred{bob}, 'bob (again)');
    is(snap_superadmins()->{bob}, sha256_hex($cred{bob}), 'bob is back with a new credential');
}

# --- a viewer writes nothing ---------------------------------------------------------------------------

{
    my $v0 = state_version();
    my $sa0 = $redis->cmd('HGETALL', 'maint:superadmins');
    my $k0 = $redis->cmd('HGETALL', 'maint:bypass_keys');
    my @WRITES = (
        [ 'POST',   '/v1/superadmins', { name => 'mallory' } ],
        [ 'DELETE', '/v1/superadmins/alice' ],
        [ 'POST',   '/v1/superadmins/alice/rotate' ],
        [ 'POST',   '/v1/bypass-keys' ],
        [ 'DELETE', "/v1/bypass-keys/$kid2" ],
    );
    for my $w (@WRITES) {
        my ($m, $p, $body) = @$w;
        is_problem($admin->api($m, $p, token => 'viewer', defined $body ? (json => $body) : ()),
                   403, 'forbidden', "a viewer: $m $p");
    }
    is(state_version(), $v0, 'the viewer\'s attempts left the state version');
    is_deeply($redis->cmd('HGETALL', 'maint:superadmins'), $sa0, '... and maint:superadmins');
    is_deeply($redis->cmd('HGETALL', 'maint:bypass_keys'), $k0, '... and maint:bypass_keys');
}

# --- a dry run's snapshot is redacted --------------------------------------------------------------------

{
    my $t = now_s();
    my $r = $admin->api('POST', '/v1/windows?dry_run=true', json => {
        title => 'Dry run', apps => ['dry'], starts_at => rfc3339($t + 3600), ends_at => rfc3339($t + 7200) });
    is($r->{status}, 200, 'a dry-run window creation: 200') or diag($r->{body});
    my $snap = ($r->{json} // {})->{snapshot} // {};
    my @sa = grep { ref $_ eq 'HASH' } @{ $snap->{superadmins} // [] };
    is_deeply([ sort map { $_->{name} // '?' } @sa ], [qw(alice bob)], 'dry run: the snapshot names the superadmins');
    ok(@sa && !grep({ ($_->{credential} // '') ne '<redacted>' } @sa),
       'dry run: every superadmin\'s credential is "<redacted>"');
    my @keys = grep { ref $_ eq 'HASH' } @{ $snap->{bypass_keys} // [] };
    is_deeply([ map { $_->{kid} // '?' } @keys ], [ $kid2 ], 'dry run: the snapshot names the bypass key');
    ok(@keys && !grep({ ($_->{secret} // '') ne '<redacted>' } @keys), 'dry run: every key\'s secret is "<redacted>"');
    is_deeply([ leaks($r->{body}) ], [], 'dry run: no credential, hash or secret anywhere in the answer');
}

# --- the audit and the log ---------------------------------------------------------------------------------

{
    my (@items, $body, $before, $pages);
    do {
        my $r = $admin->api('GET', '/v1/audit?limit=500' . (defined $before ? "&before=$before" : ''));
        $body .= $r->{body} // '';
        push @items, @{ ($r->{json} // {})->{items} // [] };
        $before = ($r->{json} // {})->{next_before};
    } while (defined $before && ++$pages < 20);

    my %count;
    $count{ $_->{action} // '' }++ for grep { ($_->{outcome} // '') eq 'ok' } @items;
    my @WANT = (
        [ 'superadmin.create', 4 ],             # alice, bob, the long name, bob again
        [ 'superadmin.rotate', 1 ],
        [ 'superadmin.delete', 2 ],             # the long name, bob
        [ 'bypass_key.create', 2 ],             # the keys made on purpose (the first came with alice)
        [ 'bypass_key.delete', 2 ],
    );
    for my $w (@WANT) {
        my ($action, $n) = @$w;
        ok(($count{$action} // 0) >= $n, "audit: $action ($n or more; got " . ($count{$action} // 0) . ')');
        my @mine = grep { ($_->{action} // '') eq $action && ($_->{outcome} // '') eq 'ok' } @items;
        ok(@mine && !grep({ ($_->{actor} // '') ne 'admin' } @mine), "audit: $action by the actor admin");
    }
    ok(($count{'superadmin.create'} // 0) == 4, 'audit: exactly four superadmin.create');
    ok(($count{'bypass_key.delete'} // 0) == 2, 'audit: exactly two bypass_key.delete');
    ok(scalar(grep { ($_->{action} // '') eq 'superadmin.rotate' && $JSON->encode($_) =~ /"alice"/ } @items),
       'audit: the rotation names alice');
    ok(scalar(grep { ($_->{action} // '') eq 'bypass_key.delete' && $JSON->encode($_) =~ /\Q$kid3\E/ } @items),
       'audit: the deletion names the key');

    ok(keys(%SECRET) >= 10, 'secrets to look for: ' . scalar(keys %SECRET));
    is_deeply([ leaks($body) ], [], 'the whole audit holds no credential, hash or key secret');

    my $log = do { open(my $f, '<', $admin->log_file) or die $!; local $/; <$f> } // '';
    ok(length $log, 'the daemon\'s log has lines');
    is_deeply([ leaks($log) ], [], 'the daemon\'s log holds no credential, hash or key secret');
}

$admin->stop;
$redis->stop;

# after shutdown too
{
    my $log = do { open(my $f, '<', $admin->log_file) or die $!; local $/; <$f> } // '';
    is_deeply([ leaks($log) ], [], 'the daemon\'s whole log, after it stopped, holds none of them');
}

done_testing();
