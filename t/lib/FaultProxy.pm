package FaultProxy;

# FaultProxy: a TCP proxy between the gateways and Redis that misbehaves on
# demand, for the fault-injection tests (t/25x-*.t).  Its mode is read from
# a control file at every turn of its loop, so a test switches it while
# connections are open:
#
#   pass       relays what comes, as it comes
#   bytes      one byte per write, both directions (TCP_NODELAY, so the
#              peer really sees one byte per segment)
#   chunks     random 1..chunk bytes per write, a random 0..delay_ms pause
#              before each
#   cut        relays requests; the first reply bytes that arrive on a
#              connection are passed on only in part, then both sides are
#              closed: every reply is cut in its middle
#   blackhole  keeps accepting and reading, never relays or answers
#   late       holds what the client sends (what matches late_match, if
#              given) for late_ms before relaying it,
#              and relays it even if the client hangs up meanwhile (as
#              the bytes would be in Redis's socket buffer)
#   late-reply holds what Redis sends (what matches late_match, if
#              given) for late_ms
#
# The proxy is a forked child of the test, registered with the harness so
# that it is stopped whatever happens to the test.

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes qw(time);
use POSIX ();

sub start {
    my ($class, %opt) = @_;
    my $self = bless { chunk => 7, delay_ms => 2, late_ms => 1500, mode => 'pass',
                       %opt },
                     $class;
    $self->{ctl} = "$opt{dir}/faultproxy.$$." . int(rand 1e9) . '.mode';
    $self->mode($self->{mode});

    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                       LocalPort => 0, Listen => 128,
                                       ReuseAddr => 1) or die $!;
    $self->{port} = $listen->sockport;

    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP PIPE);
        $SIG{PIPE} = 'IGNORE';
        srand($$ ^ time);
        eval { $self->_run($listen) };
        POSIX::_exit(0);
    }
    close $listen;
    $MaintTest::children{$pid} = 'fault proxy';
    $self->{pid} = $pid;
    return $self;
}

sub port { $_[0]{port} }
sub stop { MaintTest::_stop_pid($_[0]{pid}, 'TERM') }

# Switches the mode; connections already open follow from the next byte.
sub mode {
    my ($self, $mode) = @_;
    my $tmp = "$self->{ctl}.tmp";
    open(my $f, '>', $tmp) or die "$tmp: $!";
    print {$f} $mode;
    close $f;
    rename $tmp, $self->{ctl} or die "rename: $!";
    $self->{mode} = $mode;
}

sub _read_mode {
    my ($self) = @_;
    my @st = stat $self->{ctl} or return $self->{cur} // 'pass';
    my $stamp = "$st[9]:$st[1]";
    return $self->{cur} if defined $self->{stamp} && $self->{stamp} eq $stamp;
    open(my $f, '<', $self->{ctl}) or return $self->{cur} // 'pass';
    my $m = <$f> // 'pass';
    close $f;
    $self->{stamp} = $stamp;
    return $self->{cur} = $m;
}

sub _trace {
    my ($self, $s, $dir, $bytes) = @_;
    return unless $ENV{FAULTPROXY_TRACE};
    open(my $f, '>>', "$self->{ctl}." . $s->peerport . ".$dir") or return;
    print {$f} $bytes;
    close $f;
}

sub _run {
    my ($self, $listen) = @_;
    my $sel = IO::Select->new($listen);
    my (%peer, %sock, %out, %up);   # by fileno: peer, socket, queue, is Redis
    my %closing;                    # Redis side to close once its queue is out

    my $drop = sub {
        for my $x (@_) {
            next unless $x && defined fileno $x;
            my $fd = fileno $x;
            $sel->remove($x);
            delete @{$_}{$fd} for \%peer, \%sock, \%out, \%up, \%closing;
            close $x;
        }
    };

    my $parent = getppid();
    # ends with the test, even one killed without a chance to stop it
    while (getppid() == $parent) {
        my $mode = $self->_read_mode;
        my $now = time;
        my $wait = 0.02;
        for my $q (values %out) {
            next unless @$q;
            my $d = defined $q->[0][2] ? $q->[0][2] - $now : $q->[0][0];
            $wait = $d if $d < $wait;
        }
        $wait = 0 if $wait < 0;

        for my $s ($sel->can_read($wait)) {
            if ($s == $listen) {
                my $c = $listen->accept or next;
                my $u;
                unless ($mode eq 'blackhole') {
                    $u = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                               PeerPort => $self->{to})
                        or do { close $c; next };
                    setsockopt($_, IPPROTO_TCP, TCP_NODELAY, 1) for $c, $u;
                    $sock{ fileno $u } = $u;
                    $peer{ fileno $u } = $c;
                    $up{ fileno $u } = 1;
                    $sel->add($u);
                }
                $sock{ fileno $c } = $c;
                $peer{ fileno $c } = $u;
                $sel->add($c);
                next;
            }

            next unless defined fileno $s;
            my $n = sysread($s, my $buf, 65536);
            my $p = $peer{ fileno $s };
            if (!$n) {
                # "late": what the client sent before it hung up still
                # reaches Redis, as it would from a socket buffer
                if ($mode eq 'late' && !$up{ fileno $s } && $p
                    && @{ $out{ fileno $p } // [] }) {
                    $sel->remove($s);
                    delete $peer{ fileno $p };
                    $closing{ fileno $p } = 1;
                    close $s;
                    next;
                }
                $drop->($s, $p);
                next;
            }
            next if $mode eq 'blackhole' || !$p;
            _trace($self, $s, 'in', $buf);

            if ($mode eq 'cut' && $up{ fileno $s }) {
                # what was queued before, half of what Redis sent now,
                # then the connection is gone
                my $q = $out{ fileno $p } // [];
                my $half = int(length($buf) / 2);
                syswrite($p, join('', map { $_->[1] } @$q)
                             . substr($buf, 0, $half));
                $drop->($s, $p);
                next;
            }

            my $q = $out{ fileno $p } //= [];
            if ($mode eq 'bytes') {
                push @$q, map { [0, $_] } split //, $buf;
            } elsif (($mode eq 'late' && !$up{ fileno $s }
                      || $mode eq 'late-reply' && $up{ fileno $s })
                     && $buf =~ ($self->{late_match} // qr/^/)) {
                push @$q, [$self->{late_ms} / 1000, $buf];
            } elsif ($mode eq 'chunks') {
                while (length $buf) {
                    my $len = 1 + int(rand $self->{chunk});
                    push @$q, [rand($self->{delay_ms}) / 1000,
                               substr($buf, 0, $len, '')];
                }
            } else {
                push @$q, [0, $buf];
            }
        }

        # what is due, in order: [pause, bytes, due]; a pause counts from
        # the moment the chunk before it left
        $now = time;
        for my $fd (keys %out) {
            my $q = $out{$fd} or next;
            my $s = $sock{$fd} or next;
            while (@$q) {
                my $item = $q->[0];
                $item->[2] //= $now + $item->[0];
                last if $item->[2] > $now;
                my $w = syswrite($s, $item->[1]);
                _trace($self, $s, 'out', substr($item->[1], 0, $w)) if $w;
                if (!$w) {
                    $drop->($s, $peer{$fd});
                    last;
                }
                substr($item->[1], 0, $w, '');
                shift @$q unless length $item->[1];
                if (!@$q && $closing{$fd}) {
                    $drop->($s);
                    last;
                }
                # one chunk per turn when chunks are meant to be apart
                last if $mode eq 'chunks' || $mode eq 'bytes';
            }
        }
    }
}

1;
