package ClockShift;

# ClockShift: a relay in front of a real Redis that shows its clients a
# Redis whose clock is moved by a fixed number of seconds: the replies to
# TIME are rewritten, every other byte passes as it is.  Redis's clock is
# the fleet's (maint-admind's "now", the gateways' windows and freshness:
# docs/design.md, "One clock for the fleet"), so daemons and gateways
# that reach Redis through it live at that moment, with their own clocks
# untouched: how a test meets a date (a change of daylight-saving time)
# the machine's clock is months away from.  libfaketime cannot do it for
# Redis itself: Debian's redis-server deadlocks in jemalloc's
# initialisation under it.
#
# It follows each connection's commands (RESP arrays, or inline) to pair
# the replies with them, and parses the replies (RESP2 and RESP3, pushes
# aside) so that only a whole TIME reply is rewritten.  TIME inside MULTI
# or a script is not rewritten: ngx_maint sends it alone.
#
# A forked child of the test, registered with the harness.

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use POSIX ();

# start(to => REDIS PORT, offset => SECONDS)
sub start {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                       Listen => 128, ReuseAddr => 1) or die $!;
    $self->{port} = $listen->sockport;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP);
        $SIG{PIPE} = 'IGNORE';
        eval { $self->_run($listen) };
        POSIX::_exit(0);
    }
    close $listen;
    $MaintTest::children{$pid} = 'clock shift relay';
    $self->{pid} = $pid;
    return $self;
}

sub port { $_[0]{port} }
sub stop { MaintTest::_stop_pid($_[0]{pid}, 'TERM') }

# The end of the RESP value at $pos in $buf, or undef while incomplete.
sub resp_end {
    my ($buf, $pos) = @_;
    my $eol = index($buf, "\r\n", $pos);
    return undef if $eol < 0;
    my $type = substr($buf, $pos, 1);
    my $arg = substr($buf, $pos + 1, $eol - $pos - 1);
    my $end = $eol + 2;
    if ($type =~ /[\$=!]/) {
        return $end if $arg < 0;
        return length($buf) >= $end + $arg + 2 ? $end + $arg + 2 : undef;
    }
    if ($type =~ /[*~>%|]/) {
        my $n = $arg < 0 ? 0 : $type =~ /[%|]/ ? 2 * $arg : $arg;
        for (1 .. $n) {
            $end = resp_end($buf, $end);
            return undef unless defined $end;
        }
        # an attribute (|) is followed by the value it describes
        return $type eq '|' ? resp_end($buf, $end) : $end;
    }
    return $end;            # + - : _ , # ( and inline lines
}

# The name of the command at the start of $buf, and where it ends.
sub command {
    my ($buf) = @_;
    if (substr($buf, 0, 1) ne '*') {
        my $eol = index($buf, "\n");
        return if $eol < 0;
        my ($name) = substr($buf, 0, $eol) =~ /^\s*(\S*)/;
        return (uc($name // ''), $eol + 1);
    }
    my $end = resp_end($buf, 0);
    return unless defined $end;
    my ($name) = $buf =~ /^\*\d+\r\n\$\d+\r\n([^\r]*)\r\n/;
    return (uc($name // ''), $end);
}

sub _shift_time {
    my ($self, $reply) = @_;
    my ($s, $us) = $reply =~ /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/
        or return $reply;
    $s += $self->{offset};
    return sprintf("*2\r\n\$%d\r\n%s\r\n\$%d\r\n%s\r\n", length $s, $s,
                   length $us, $us);
}

sub _run {
    my ($self, $listen) = @_;
    my $sel = IO::Select->new($listen);
    my %c;              # by fileno: {peer, up (is Redis), buf, names}

    my $drop = sub {
        my ($x) = @_;
        my $p = $c{ fileno $x } && $c{ fileno $x }{peer};
        for my $s (grep { $_ && defined fileno $_ } $x, $p) {
            $sel->remove($s);
            delete $c{ fileno $s };
            close $s;
        }
    };

    my $parent = getppid();
    while (getppid() == $parent) {
        for my $s ($sel->can_read(0.05)) {
            if ($s == $listen) {
                my $cl = $listen->accept or next;
                my $up = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                               PeerPort => $self->{to})
                    or do { close $cl; next };
                setsockopt($_, IPPROTO_TCP, TCP_NODELAY, 1) for $cl, $up;
                my $names = [];
                $c{ fileno $cl } = { s => $cl, peer => $up, buf => '', names => $names };
                $c{ fileno $up } = { s => $up, peer => $cl, buf => '', names => $names,
                                     up => 1 };
                $sel->add($cl, $up);
                next;
            }
            my $me = $c{ fileno $s } or next;
            my $n = sysread($s, my $in, 65536);
            if (!$n) {
                $drop->($s);
                next;
            }
            $me->{buf} .= $in;
            my $out = '';
            while (length $me->{buf}) {
                if (!$me->{up}) {
                    my ($name, $end) = command($me->{buf});
                    last unless defined $end;
                    push @{ $me->{names} }, $name;
                    $out .= substr($me->{buf}, 0, $end, '');
                    next;
                }
                my $end = resp_end($me->{buf}, 0);
                last unless defined $end;
                my $reply = substr($me->{buf}, 0, $end, '');
                if (substr($reply, 0, 1) ne '>') {
                    my $name = shift @{ $me->{names} } // '';
                    $reply = $self->_shift_time($reply) if $name eq 'TIME';
                }
                $out .= $reply;
            }
            # blocking writes: the peers read what they asked for
            while (length $out) {
                my $w = syswrite($me->{peer}, $out);
                if (!$w) {
                    $drop->($s);
                    last;
                }
                substr($out, 0, $w, '');
            }
        }
    }
}

1;
