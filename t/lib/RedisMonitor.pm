# Every command Redis executes, from a MONITOR connection of our own: what
# the gateways really sent, for tests that count or inspect commands.
package RedisMonitor;

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;

sub new {
    my ($class, $port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or die "monitor: $!";
    binmode $s;
    print {$s} "*1\r\n\$7\r\nMONITOR\r\n";
    my $self = bless { s => $s, buf => '', lines => [] }, $class;
    MaintTest::wait_until(sub { $self->poll; @{ $self->{lines} } }, 5, 'MONITOR')
        or die "MONITOR did not start\n";
    shift @{ $self->{lines} } if $self->{lines}[0] =~ /^\+OK/;
    return $self;
}

sub poll {
    my ($self) = @_;
    return unless $self->{s};
    my $sel = IO::Select->new($self->{s});
    while ($sel->can_read(0)) {
        my $n = sysread($self->{s}, $self->{buf}, 65536, length $self->{buf});
        last unless $n;
    }
    push @{ $self->{lines} }, $1 while $self->{buf} =~ s/^(.*?)\r\n//s;
}

sub mark {
    my ($self) = @_;
    $self->poll;
    return scalar @{ $self->{lines} };
}

# A mark after every command Redis executed so far: an ECHO of our own,
# once MONITOR has shown it (its feed lags behind the commands).
sub sync_mark {
    my ($self, $redis) = @_;
    my $token = 'mark-' . int(rand 1e9) . '-' . time;
    $redis->cmd('ECHO', $token);
    my $at;
    MaintTest::wait_until(sub {
        $self->poll;
        for my $i (reverse 0 .. $#{ $self->{lines} }) {
            if (index($self->{lines}[$i], $token) >= 0) { $at = $i + 1; return 1 }
        }
        return 0;
    }, 5, 'the MONITOR mark');
    return $at // scalar @{ $self->{lines} };
}

sub since {
    my ($self, $mark) = @_;
    $self->poll;
    my @l = @{ $self->{lines} };
    return @l[$mark .. $#l];
}

sub stop {
    my ($self) = @_;
    CORE::close($self->{s}) if $self->{s};
    delete $self->{s};
}

1;
