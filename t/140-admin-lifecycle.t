# The window lifecycle (docs/admin-api.md, "Lifecycle" and "Concurrency"):
# /start early, /complete with each outcome, /cancel; every transition the
# lifecycle does not allow answers 409 and changes nothing; what may still
# change while a window is in progress; automatic start and end on Redis's
# clock, shown at once by every read and recorded by the daemon (actor
# "system"); hold_until_completed; disabled windows never start; and two
# writers racing with the same ETag: exactly one wins.

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

sub state_version { $redis->cmd('HGET', 'maint:state', 'version') // 0 }

sub snap_window {
    my ($id) = @_;
    my $s = $redis->cmd('HGET', 'maint:state', 'snapshot') // 'null';
    my $snap = eval { JSON::PP->new->utf8->decode($s) } // {};
    my ($w) = grep { ($_->{id} // '') eq ($id // '') } @{ $snap->{windows} // [] };
    return $w;
}

sub get_w { $admin->api('GET', "/v1/windows/$_[0]") }
sub etag { get_w($_[0])->{headers}{etag} }

my $T = now_s();
my $slot = 0;

# A scheduled window for an app of its own, an hour long, hours ahead.
sub create {
    my (%w) = @_;
    $slot++;
    $w{title} //= "Window $slot";
    $w{apps} //= ["lc$slot"];
    $w{starts_at} //= rfc3339($T + $slot * $H);
    $w{ends_at} //= rfc3339(epoch($w{starts_at}) + $H);
    my $r = $admin->api('POST', '/v1/windows', json => \%w);
    is($r->{status}, 201, "create '$w{title}': 201") or diag($r->{body});
    return $r->{json} // {};
}

sub act {
    my ($id, $action, %opt) = @_;
    return $admin->api('POST', "/v1/windows/$id/$action", if_match => etag($id), %opt);
}

sub started {
    my $w = create(@_);
    my $r = act($w->{id}, 'start');
    is($r->{status}, 200, "start '$w->{title}': 200") or diag($r->{body});
    return $r->{json} // {};
}

sub audit_for {
    my ($id) = @_;
    my $r = $admin->api('GET', '/v1/audit?limit=500&target=' . $id);
    return @{ ($r->{json} // {})->{items} // [] };
}

# --- start early --------------------------------------------------------------------

{
    my $w = create(title => 'Start early');
    is_problem($admin->api('POST', "/v1/windows/$w->{id}/start"), 428, 'precondition-required',
               '/start without If-Match');
    is_problem($admin->api('POST', "/v1/windows/$w->{id}/start", if_match => '"424242"'), 412,
               'precondition-failed', '/start with a stale If-Match');
    is(get_w($w->{id})->{json}{status}, 'scheduled', 'refused starts left it scheduled');

    my $e0 = etag($w->{id});
    my $before = now_s();
    my $r = act($w->{id}, 'start');
    my $after = now_s();
    is($r->{status}, 200, '/start: 200') or diag($r->{body});
    my $s = $r->{json} // {};
    is($s->{status}, 'in_progress', '/start: in progress');
    my $as = epoch($s->{actual_start}) // 0;
    ok($as >= $before && $as <= $after, "/start: actual_start is now ($s->{actual_start})");
    is($s->{starts_at}, $w->{starts_at}, '/start: starts_at keeps the schedule');
    isnt($r->{headers}{etag}, $e0, '/start: a new ETag');
    ok(!defined $s->{actual_end}, '/start: no actual_end yet');

    my $sw = snap_window($w->{id});
    ok($sw, 'the started window is in the snapshot');
    ok($sw && $sw->{start} <= now_s() && $sw->{start} >= $before,
       'snapshot start is the actual start, not the schedule');
    is($sw && $sw->{end}, epoch($w->{ends_at}), 'snapshot end unchanged');

    my $st = $admin->api('GET', "/v1/status?app=$w->{apps}[0]");
    is($st->{json} && $st->{json}{state}, 'active', 'the gateways\' view: active');

    my ($a) = grep { $_->{action} eq 'window.start' } audit_for($w->{id});
    is($a && $a->{actor}, 'admin', 'audit: window.start by admin');
    is($a && $a->{after}{status}, 'in_progress', 'audit: after in progress');
}

# --- complete, with each outcome ------------------------------------------------------------

for my $c ([ 'completed', 'All good' ], [ 'completed_with_errors', 'Two hosts need a retry' ],
           [ 'failed', 'Rolled back' ], [ undef, undef ]) {
    my ($outcome, $notes) = @$c;
    my $label = defined $outcome ? "complete as $outcome" : 'complete without a body';
    my $w = started(title => $label);
    my $v0 = state_version();
    my $before = now_s();
    my $r = act($w->{id}, 'complete',
                defined $outcome ? (json => { outcome => $outcome, notes => $notes }) : ());
    my $after = now_s();
    is($r->{status}, 200, "$label: 200") or diag($r->{body});
    my $d = $r->{json} // {};
    is($d->{status}, $outcome // 'completed', "$label: status " . ($outcome // 'completed'));
    if (defined $notes) {
        is($d->{completion_notes}, $notes, "$label: completion_notes");
    } else {
        ok(!length($d->{completion_notes} // ''), "$label: no completion_notes");
    }
    my $ae = epoch($d->{actual_end}) // 0;
    ok($ae >= $before && $ae <= $after, "$label: actual_end is now");
    ok(state_version() > $v0, "$label: state version bumped");
    ok(!snap_window($w->{id}), "$label: gone from the snapshot at once");
    is(get_w($w->{id})->{json}{status}, $outcome // 'completed', "$label: GET agrees");
    my ($a) = grep { $_->{action} eq 'window.complete' } audit_for($w->{id});
    is($a && $a->{after}{status}, $outcome // 'completed', "$label: audited");
}

{
    my $w = started(title => 'Bad outcomes');
    for my $bad ([ { outcome => 'cancelled' }, 'outcome' ], [ { outcome => 'done' }, 'outcome' ],
                 [ { outcome => 'failed', colour => 'red' }, 'colour' ],
                 [ { notes => 42 }, 'notes' ]) {
        my ($body, $field) = @$bad;
        my $r = act($w->{id}, 'complete', json => $body);
        is_problem($r, 422, 'validation', "complete with " . encode_json($body));
        ok(scalar(grep { ($_->{field} // '') eq $field } @{ ($r->{json} // {})->{errors} // [] }),
           "... names $field");
    }
    is(get_w($w->{id})->{json}{status}, 'in_progress', 'refused completions left it in progress');
}

# --- cancel --------------------------------------------------------------------------------

{
    my $w = create(title => 'To cancel');
    is_problem($admin->api('POST', "/v1/windows/$w->{id}/cancel"), 428, 'precondition-required',
               '/cancel without If-Match');
    my $before = now_s();
    my $r = act($w->{id}, 'cancel', json => { notes => 'Vendor postponed' });
    is($r->{status}, 200, '/cancel: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{status}, 'cancelled', '/cancel: cancelled');
    is($r->{json} && $r->{json}{completion_notes}, 'Vendor postponed', '/cancel: the notes');
    ok($r->{json} && !defined $r->{json}{actual_start}, '/cancel: it never started');
    ok(!snap_window($w->{id}), '/cancel: gone from the snapshot');

    my $w2 = create(title => 'Cancel without a body');
    $r = act($w2->{id}, 'cancel');
    is($r->{status}, 200, '/cancel without a body: 200') or diag($r->{body});
    is($r->{json} && $r->{json}{status}, 'cancelled', '/cancel without a body: cancelled');
}

# --- transitions the lifecycle does not allow: 409, nothing changes -----------------------------

my $scheduled = create(title => 'Stays scheduled');
my $disabled = create(title => 'Disabled', enabled => JSON::PP::false);
my $running = started(title => 'Running');
my $done = started(title => 'Done');
is(act($done->{id}, 'complete')->{status}, 200, 'a completed window to poke at');
my $failed = started(title => 'Failed');
is(act($failed->{id}, 'complete', json => { outcome => 'failed' })->{status}, 200,
   'a failed window to poke at');
my $cancelled = create(title => 'Cancelled');
is(act($cancelled->{id}, 'cancel')->{status}, 200, 'a cancelled window to poke at');

my $later = rfc3339($T + 200 * $H);
my @REFUSED = (
    [ 'complete a scheduled window',   $scheduled, POST => 'complete' ],
    [ 'start a disabled window',       $disabled,  POST => 'start' ],
    [ 'complete a disabled window',    $disabled,  POST => 'complete' ],
    [ 'cancel an in-progress window',  $running,   POST => 'cancel' ],
    [ 'delete an in-progress window',  $running,   DELETE => undef ],
    [ 'start an in-progress window',   $running,   POST => 'start' ],
    [ 'change apps in progress',       $running,   PATCH => { apps => ['elsewhere'] } ],
    [ 'change starts_at in progress',  $running,   PATCH => { starts_at => rfc3339($T + 150 * $H) } ],
    [ 'disable an in-progress window', $running,   PATCH => { enabled => JSON::PP::false } ],
    (map {
        my ($what, $w) = @$_;
        ( [ "start a $what window",    $w, POST => 'start' ],
          [ "complete a $what window", $w, POST => 'complete' ],
          [ "cancel a $what window",   $w, POST => 'cancel' ],
          [ "delete a $what window",   $w, DELETE => undef ],
          [ "patch the title of a $what window", $w, PATCH => { title => 'Too late' } ],
          [ "patch the notes of a $what window", $w, PATCH => { notes => 'Post-mortem' } ],
          [ "patch ends_at of a $what window",   $w, PATCH => { ends_at => $later } ] )
    } [ completed => $done ], [ failed => $failed ], [ cancelled => $cancelled ]),
);

for my $c (@REFUSED) {
    my ($name, $w, $method, $what) = @$c;
    my $before = get_w($w->{id});
    my $v0 = state_version();
    my $path = "/v1/windows/$w->{id}" . ($method eq 'POST' ? "/$what" : '');
    my $r = $admin->api($method, $path, if_match => $before->{headers}{etag},
                        $method eq 'PATCH' ? (json => $what) : ());
    is_problem($r, 409, 'conflict', $name);
    my $after = get_w($w->{id});
    is($after->{headers}{etag}, $before->{headers}{etag}, "$name: ETag unchanged");
    is_deeply($after->{json}, $before->{json}, "$name: window unchanged");
    is(state_version(), $v0, "$name: state version unchanged");
}

# --- what may change while in progress --------------------------------------------------------------

{
    my $w = $running;
    my $r = $admin->api('PATCH', "/v1/windows/$w->{id}", json => { title => 'Running, renamed',
                        login_message => 'Nearly there' }, if_match => etag($w->{id}));
    is($r->{status}, 200, 'in progress: title and message may change') or diag($r->{body});

    my $new_end = epoch($w->{ends_at}) + 2 * $H;
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}", json => { ends_at => rfc3339($new_end) },
                     if_match => $r->{headers}{etag});
    is($r->{status}, 200, 'in progress: extend ends_at') or diag($r->{body});
    is($r->{json} && $r->{json}{ends_at}, rfc3339($new_end), 'extended ends_at');
    is($r->{json} && $r->{json}{status}, 'in_progress', 'still in progress');
    is(snap_window($w->{id}) && snap_window($w->{id})->{end}, $new_end, 'the snapshot has the new end');
    is(snap_window($w->{id}) && snap_window($w->{id})->{title}, 'Running, renamed', 'and the new title');

    # (after its scheduled starts_at: whether a window started early may end
    # before the time it was scheduled to start is not the point here)
    my $shorter = epoch($w->{starts_at}) + 600;
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}", json => { ends_at => rfc3339($shorter) },
                     if_match => $r->{headers}{etag});
    is($r->{status}, 200, 'in progress: shorten ends_at') or diag($r->{body});
    is(snap_window($w->{id}) && snap_window($w->{id})->{end}, $shorter, 'the snapshot has the shorter end');

    my $e = $r->{headers}{etag};
    $r = $admin->api('PATCH', "/v1/windows/$w->{id}", json => { ends_at => rfc3339(now_s() - 60) },
                     if_match => $e);
    is_problem($r, 422, 'validation', 'in progress: ends_at into the past');
    ok(scalar(grep { ($_->{field} // '') eq 'ends_at' } @{ ($r->{json} // {})->{errors} // [] }),
       '... names ends_at');
    is(etag($w->{id}), $e, '... and changes nothing');
}

# --- automatic start and end, on Redis's clock ------------------------------------------------------

sub wait_redis_clock {
    my ($t, $what) = @_;
    return wait_until(sub { redis_now_ms($redis) >= $t * 1000 }, 15, $what);
}

{
    my $now_ms = redis_now_ms($redis);
    my $s = int($now_ms / 1000) + 3;            # 2 to 3 s ahead
    my $e = $s + 2;
    my %t = (starts_at => rfc3339($s), ends_at => rfc3339($e));

    my $auto = create(title => 'Automatic', apps => ['auto'], %t);
    my $held = create(title => 'Held', apps => ['held'], hold_until_completed => JSON::PP::true, %t);
    my $off = create(title => 'Off', apps => ['off'], enabled => JSON::PP::false, %t);

    my $g = get_w($auto->{id});
    if (redis_now_ms($redis) < $s * 1000) {
        is($g->{json}{status}, 'scheduled', 'before starts_at: scheduled');
    } else {
        pass('before starts_at: (the clock passed it already, nothing to check)');
    }
    ok(snap_window($auto->{id}), 'the scheduled window is in the snapshot ahead of time');

    ok(wait_redis_clock($s, 'starts_at on the Redis clock'), 'Redis clock passed starts_at');
    my %st = map { $_->{title} => get_w($_->{id})->{json} } $auto, $held, $off;
    is($st{Automatic}{status}, 'in_progress', 'the next read after starts_at: in progress');
    is($st{Held}{status}, 'in_progress', 'a held window starts too');
    is($st{Off}{status}, 'scheduled', 'a disabled window does not start');
    my $as = epoch($st{Automatic}{actual_start}) // 0;
    ok($as >= $s && $as <= $s + 2, "actual_start is starts_at (within the second it is recorded)");
    my $stat = $admin->api('GET', '/v1/status?app=auto')->{json} // {};
    is($stat->{state}, 'active', 'the gateways\' view: active');

    ok(wait_until(sub { get_w($auto->{id})->{json}{status} eq 'in_progress' }, 10, 'in progress'),
       'GET shows it in progress');

    ok(wait_redis_clock($e, 'ends_at on the Redis clock'), 'Redis clock passed ends_at');
    %st = map { $_->{title} => get_w($_->{id})->{json} } $auto, $held, $off;
    is($st{Automatic}{status}, 'completed', 'the next read after ends_at: completed');
    is($st{Held}{status}, 'in_progress', 'hold_until_completed: still in progress after ends_at');
    is($st{Off}{status}, 'scheduled', 'a disabled window does not end either');
    my $ae = epoch($st{Automatic}{actual_end}) // 0;
    ok($ae >= $e && $ae <= $e + 2, 'actual_end is ends_at');

    ok(wait_until(sub { get_w($auto->{id})->{json}{status} eq 'completed' }, 10, 'completed'),
       'GET shows it completed');

    # the daemon records both transitions within a second, as "system"
    my ($as_entry, $ac_entry);
    ok(wait_until(sub {
        my @a = audit_for($auto->{id});
        ($as_entry) = grep { $_->{action} eq 'window.auto_start' } @a;
        ($ac_entry) = grep { $_->{action} eq 'window.auto_complete' } @a;
        $as_entry && $ac_entry }, 5, 'automatic transitions in the audit'),
       'audit: window.auto_start and window.auto_complete');
    is($as_entry && $as_entry->{actor}, 'system', 'auto_start: actor system');
    is($ac_entry && $ac_entry->{actor}, 'system', 'auto_complete: actor system');
    is($ac_entry && $ac_entry->{after}{status}, 'completed', 'auto_complete: after completed');
    ok(wait_until(sub { !snap_window($auto->{id}) }, 5, 'the snapshot to drop it'),
       'the completed window leaves the snapshot');

    # a held window waits for /complete, however long after ends_at
    ok(wait_redis_clock($e + 2, 'two seconds past ends_at'), 'Redis clock two seconds past ends_at');
    is(get_w($held->{id})->{json}{status}, 'in_progress', 'held: still in progress');
    my @ha = audit_for($held->{id});
    ok(scalar(grep { $_->{action} eq 'window.auto_start' && $_->{actor} eq 'system' } @ha),
       'held: its automatic start is audited');
    ok(!grep({ $_->{action} eq 'window.auto_complete' } @ha), 'held: no automatic completion');
    my $hs = snap_window($held->{id});
    ok($hs && $hs->{hold}, 'held: in the snapshot, with hold');
    my $r = act($held->{id}, 'complete', json => { notes => 'done by hand' });
    is($r->{status}, 200, 'held: /complete') or diag($r->{body});
    is($r->{json} && $r->{json}{status}, 'completed', 'held: completed');
    ok(!snap_window($held->{id}), 'held: gone from the snapshot');

    my @oa = audit_for($off->{id});
    ok(!grep({ $_->{action} =~ /^window\.auto_/ } @oa), 'disabled: no automatic transition audited');
    is(get_w($off->{id})->{json}{status}, 'scheduled', 'disabled: still scheduled');
}

# --- two writers, one ETag: exactly one wins ----------------------------------------------------------

{
    my $w = create(title => 'Race', apps => ['race']);
    my $path = "/v1/windows/$w->{id}";
    my %auth = (Authorization => 'Bearer ' . $admin->token('admin'),
                'Content-Type' => 'application/json');

    my ($ok_total, $rej_total) = (0, 0);
    for my $round (1 .. 5) {
        my $g = get_w($w->{id});
        my $tag = $g->{headers}{etag};
        my %change = (a => { title => "Race A $round" }, b => { notes => "Race B $round" });
        my $res = http_many($admin->port, [
            [ 'PATCH', $path, headers => { %auth, 'If-Match' => $tag }, body => encode_json($change{a}) ],
            [ 'PATCH', $path, headers => { %auth, 'If-Match' => $tag }, body => encode_json($change{b}) ],
        ]);
        my @st = map { $_->{status} } @$res;
        is_deeply([ sort @st ], [ 200, 412 ], "race $round: one 200 and one 412 (got @st)");
        my $f = get_w($w->{id})->{json} // {};
        my $a_won = ($f->{title} // '') eq "Race A $round";
        my $b_won = ($f->{notes} // '') eq "Race B $round";
        ok(($a_won xor $b_won), "race $round: the window has exactly one of the two changes");
        is($a_won ? $st[0] : $st[1], 200, "race $round: the change kept is the one that got 200");
        $ok_total++;
        $rej_total++;
    }

    my $tag = etag($w->{id});
    my @reqs = map { [ 'PATCH', $path, headers => { %auth, 'If-Match' => $tag },
                       body => encode_json({ title => "Writer $_" }) ] } 1 .. 8;
    my $res = http_many($admin->port, \@reqs);
    my @winners = grep { $res->[$_]{status} == 200 } 0 .. $#$res;
    is(scalar @winners, 1, 'eight writers: exactly one 200');
    is(scalar(grep { $_->{status} == 412 } @$res), 7, 'eight writers: seven 412');
    is(get_w($w->{id})->{json}{title}, 'Writer ' . (($winners[0] // -1) + 1),
       'eight writers: the winner\'s title is kept');
    $ok_total += 1;
    $rej_total += 7;

    my @a = grep { $_->{action} eq 'window.update' } audit_for($w->{id});
    is(scalar(grep { $_->{outcome} eq 'ok' } @a), $ok_total, "audit: $ok_total successful updates");
    is(scalar(grep { $_->{outcome} eq 'rejected' && ($_->{status} // 0) == 412 } @a), $rej_total,
       "audit: $rej_total rejected updates, status 412");
}

$admin->stop;
$redis->stop;

done_testing();
