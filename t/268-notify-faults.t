# Notifications that lose nothing (issue 16, docs/notifications.md): the
# outbox is written with the change, so an acknowledged change's events
# are delivered whatever happens to the sender.
#
# (a) maint-admind killed with SIGKILL while a delivery is in flight (the
#     receiver holds the first request unanswered), other events waiting,
#     then started again: the claim it held runs out (notify_timeout + 30 s)
#     and that event is sent again with the same webhook-id.
# (b) Redis failed over by Sentinel (primary killed) while deliveries are
#     being retried (the receiver answers 503 with Retry-After: 1) and one
#     attempt is in flight (held unanswered), more
#     changes made during the failover (redis_min_replicas 1: a change is
#     acknowledged once a replica has it), then the receiver answers 200.
#
# Both times, at the receiver (t/lib/webhook_sink.py), after deduplication
# by webhook-id: every acknowledged change's event arrives, answered 2xx,
# with a valid signature; each event has one id (a duplicate is a request
# with an id seen before, never a second id for one event).  The figures
# (events, requests, duplicates, the longest delay from a change's
# acknowledgement to its event's first 2xx) are printed as diagnostics.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use MaintNotify;
use Test::More;
use JSON::PP;
use MIME::Base64 ();
use Time::HiRes qw(time);

plan skip_all => 'needs python3 (Debian\'s, /usr/bin/python3)' unless python3_has('json');

# notify_timeout: the attempt the daemon is killed in must still be in
# flight when it dies (the receiver holds it); the claim's hold after the
# kill is notify_timeout + 30 s
sub notify_conf {
    my ($timeout) = @_;
    return "notify_backoff 200ms\nnotify_timeout $timeout\nnotify_retry_for 5m\n";
}
my $H = 3600;
our $napps = 0;

sub secret { 'whsec_' . MIME::Base64::encode_base64(join('', map { chr rand 256 } 1 .. 24), '') }

# An API call that may meet a daemon or a Redis in trouble: status 0 if
# it died.  The acknowledged changes are pushed on @$acks as [window id,
# event type, when the API acknowledged it].
sub change {
    my ($admin, $method, $path, %opt) = @_;
    return eval { $admin->api($method, $path, %opt) } // { status => 0 };
}

sub create {
    my ($admin, $acks, $title) = @_;
    my $now = time;
    my $r = change($admin, 'POST', '/v1/windows', json => {
        # an app of its own: windows of one app must not overlap
        title => $title, apps => [ 'app' . ++$main::napps ], notify => ['hook'],
        starts_at => rfc3339(int($now) + $H), ends_at => rfc3339(int($now) + 2 * $H) });
    my $id = ($r->{status} == 201 && $r->{json}) ? $r->{json}{id} : undef;
    push @$acks, [ $id, 'scheduled', time ] if $id;
    return ($r->{status}, $id);
}

sub act {
    my ($admin, $acks, $id, $action) = @_;
    my $g = $admin->api('GET', "/v1/windows/$id");
    my $r = change($admin, 'POST', "/v1/windows/$id/$action",
                   if_match => $g->{headers}{etag});
    push @$acks, [ $id, { start => 'started', complete => 'completed' }->{$action}, time ]
        if $r->{status} == 200;
    return $r->{status};
}

# For every acknowledged change: its event at the receiver, answered 2xx;
# the receiver's requests grouped by (window, type) must show one id each.
sub delivered_all {
    my ($sink, $acks) = @_;
    my %got;
    for my $r ($sink->records) {
        my $b = $r->{json} // next;
        my $k = ($b->{data}{window}{id} // '') . ' ' . ($b->{type} // '');
        $got{$k}{ $r->{id} // '' }++;
        $got{$k}{ok} = 1 if $r->{answer} =~ /^2/;
    }
    return !grep { !$got{"$_->[0] maintenance.$_->[1]"}{ok} } @$acks;
}

sub check {
    my ($name, $sink, $acks, $t_fault) = @_;
    my @recs = $sink->records;
    my $sum = webhook_summary(\@recs);
    my (%ids_of, %first_ok);
    for my $r (@recs) {
        my $b = $r->{json} // {};
        my $k = ($b->{data}{window}{id} // '') . ' ' . ($b->{type} // '');
        $ids_of{$k}{ $r->{id} // '' } = 1;
        $first_ok{$k} //= $r->{t} if $r->{answer} =~ /^2/;
    }
    my (@missing, @two_ids, $longest);
    $longest = 0;
    for my $a (@$acks) {
        my $k = "$a->[0] maintenance.$a->[1]";
        if (!defined $first_ok{$k}) { push @missing, $k; next }
        my $delay = $first_ok{$k} - $a->[2];
        $longest = $delay if $delay > $longest;
    }
    @two_ids = grep { keys %{ $ids_of{$_} } > 1 } sort keys %ids_of;
    is(scalar @missing, 0, "$name: every acknowledged change's event reached the receiver, 2xx")
        or diag(explain(\@missing));
    is(scalar @two_ids, 0, "$name: one webhook-id per event (duplicates only with the same id)")
        or diag(explain({ map { ($_ => [ keys %{ $ids_of{$_} } ]) } @two_ids }));
    is($sum->{invalid}, 0, "$name: every request's signature verifies");
    ok(!grep({ !$sum->{acked_ids}{$_} } @{ $sum->{order} }),
       "$name: every distinct id the receiver saw was answered 2xx in the end");
    diag(sprintf('%s: %d changes acknowledged, %d events (distinct ids) at the receiver, '
                 . '%d requests, %d of them again for an id seen before (same id: '
                 . 'retries and re-sends), %d after that id had been answered 2xx; '
                 . 'longest delay from acknowledgement to delivery %.1f s', $name,
                 scalar @$acks, $sum->{ids}, $sum->{requests}, $sum->{duplicates},
                 $sum->{after_ok}, $longest));
    return $sum;
}

# --- (a) maint-admind killed with SIGKILL mid-delivery --------------------------

subtest 'SIGKILL mid-delivery' => sub {
    my $redis = start_redis();
    my $sink = start_webhook_sink();
    # the first request is held unanswered; all others answered 200
    $sink->control({ paths => { '/hook' => ['hang'] }, default => '200' });
    my $admin = start_admin(redis => $redis, extra => notify_conf('5s'));
    my $s = secret();
    $sink->add_secret($s);
    my $t = $admin->api('POST', '/v1/notify/targets', json => {
        name => 'hook', kind => 'webhook', url => $sink->url('/hook'), secret => $s });
    is($t->{status}, 201, 'the webhook target') or diag($t->{body});

    my @acks;
    my @ids = map { (create($admin, \@acks, "kill test $_"))[1] } 1 .. 4;
    is(scalar(grep { defined } @ids), 4, 'four windows created (acknowledged)');
    ok($sink->wait_records(sub { grep { $_->{answer} eq 'hang' } @_ }, 20, 'the held request'),
       'a delivery is in flight: the receiver holds it') or return;
    # more changes, their events not yet sent when the daemon dies
    is(act($admin, \@acks, $ids[0], 'start'), 200, 'a window started');
    is(act($admin, \@acks, $ids[0], 'complete'), 200, '... and completed');
    is(act($admin, \@acks, $ids[1], 'start'), 200, 'another started');
    my $held = (grep { $_->{answer} eq 'hang' } $sink->records)[0]{id};

    my $t_kill = time;
    my $pid = $admin->pid;
    $admin->stop('KILL');
    ok(!kill(0, $pid), 'maint-admind killed (SIGKILL)');
    my @at_kill = $sink->records;
    my $n_at_kill = @at_kill;
    is(scalar(grep { ($_->{id} // '') eq $held } @at_kill), 1,
       'it died with the held attempt in flight (not yet timed out and retried)');
    $admin->start;

    ok(wait_until(sub { delivered_all($sink, \@acks) }, 90, 'every event delivered'),
       'after the restart, every event is delivered');
    my @again = grep { ($_->{id} // '') eq $held } $sink->records;
    cmp_ok(scalar @again, '>=', 2, 'the event in flight at the kill was sent again');
    ok(@again >= 2 && $again[-1]{answer} eq '200', '... with the same webhook-id, and answered 200');
    diag(sprintf('SIGKILL: %d requests before the kill; the held event sent again %.1f s after it',
                 $n_at_kill, @again >= 2 ? $again[1]{t} - $t_kill : -1));
    check('SIGKILL', $sink, \@acks, $t_kill);

    my ($ok, $items) = wait_deliveries($admin, {},
        sub { my $i = shift; @$i == @acks && !grep { $_->{state} ne 'delivered' } @$i }, 20);
    ok($ok, 'the API shows every delivery delivered') or diag(explain($items));
    is($redis->cmd('ZCARD', 'maint:delivery_due'), 0, 'nothing left due in the outbox');

    $admin->stop;
    $sink->stop;
    $redis->stop;
};

# --- (b) Redis failed over by Sentinel mid-delivery -------------------------------

subtest 'Sentinel failover mid-delivery' => sub {
    my @fast = ('--repl-diskless-sync-delay', '0');
    my $primary = start_redis(args => \@fast);
    my @replicas = map { start_redis(args => [@fast, '--replicaof', '127.0.0.1', $primary->port]) }
                   1 .. 2;
    ok(wait_until(sub { my @on = $primary->cmd('INFO', 'replication') =~ /state=online/g; @on == 2 },
                  20, 'two replicas in sync'), 'two replicas in sync') or return;
    my @sentinels = start_sentinels($primary, 3, down_after => 500, failover_timeout => 2000);
    my %nodes = map { ('127.0.0.1:' . $_->port => $_) } $primary, @replicas;
    my $current = sub {
        my %seen;
        $seen{ $_->master_addr }++ for @sentinels;
        my ($addr) = grep { $seen{$_} >= 2 } keys %seen;
        return $addr // '';
    };

    my $sink = start_webhook_sink();
    # while the primary goes, deliveries are being retried: 503, Retry-After 1
    $sink->control({ default => '503:1' });
    my $admin = start_admin(sentinels => \@sentinels, extra => notify_conf('2s')
        . "redis_timeout 400ms\nredis_failover_timeout 8s\nredis_min_replicas 1\n");
    my $s = secret();
    $sink->add_secret($s);
    my $t = $admin->api('POST', '/v1/notify/targets', json => {
        name => 'hook', kind => 'webhook', url => $sink->url('/hook'), secret => $s });
    is($t->{status}, 201, 'the webhook target') or diag($t->{body});

    my @acks;
    my @ids = grep { defined } map { (create($admin, \@acks, "failover test $_"))[1] } 1 .. 3;
    is(scalar @ids, 3, 'three windows created before the failover');
    is(act($admin, \@acks, $ids[0], 'start'), 200, 'one started');
    ok($sink->wait_records(sub { @_ >= 4 }, 20, 'retries under way'),
       'the receiver is being tried (503, Retry-After: 1)') or return;

    # and one attempt in flight (held unanswered) when the primary dies
    $sink->control({ paths => { '/hook' => ['hang'] }, default => '503:1' });
    ok($sink->wait_records(sub { grep { $_->{answer} eq 'hang' } @_ }, 20, 'a held attempt'),
       'an attempt is in flight (the receiver holds it)') or return;

    my $old = '127.0.0.1:' . $primary->port;
    my $t_kill = time;
    $primary->kill9;
    my ($n, %answers, $moved_at) = (0);
    my $deadline = time + 40;
    my $acked_before = @acks;
    while (time < $deadline) {
        my ($st) = create($admin, \@acks, 'during ' . ++$n);
        $answers{$st}++;
        select(undef, undef, undef, 0.05) if $st != 201;
        $moved_at //= time if $current->() ne $old && $current->() ne '';
        last if $moved_at && @acks >= $acked_before + 3;
    }
    ok($moved_at, sprintf('the sentinels promoted %s (%.1f s)', $current->(),
                          ($moved_at // time) - $t_kill)) or return;
    cmp_ok(scalar @acks, '>=', $acked_before + 3, 'changes acknowledged during and after the failover')
        or diag(explain(\%answers));
    is(act($admin, \@acks, $ids[0], 'complete'), 200, 'a window completed after the failover');

    $sink->control({ default => '200' });
    ok(wait_until(sub { delivered_all($sink, \@acks) }, 90, 'every event delivered'),
       'after the failover, every event is delivered');
    diag(sprintf('failover: %d writes tried during it, answers %s', $n,
                 join(', ', map { "$_: $answers{$_}" } sort keys %answers)));
    check('failover', $sink, \@acks, $t_kill);

    my %acked_window = map { ($_->[0] => 1) } @acks;
    my ($ok, $items) = wait_deliveries($admin, {}, sub {
        my @mine = grep { $acked_window{ $_->{window} } } @{ $_[0] };
        @mine >= @acks && !grep { $_->{state} ne 'delivered' } @mine }, 30);
    ok($ok, 'the API shows every acknowledged change\'s delivery delivered')
        or diag(explain($items));

    $admin->stop;
    $sink->stop;
    $_->stop for @sentinels, @replicas;
};

done_testing();
