package FaultLoad;

# FaultLoad: steady traffic from a child process while a test breaks
# something, for the fault-injection tests (t/25x-*.t).  The child sends
# waves of concurrent requests (one connection each, MaintTest::http_many)
# until told to stop, and records every answer as one line
#
#   phase path status maint_status maint_source milliseconds
#
# "phase" is whatever the test last wrote with phase(), read before each
# wave, so that the test can tell which answers were given during which
# fault.  A request that got no answer at all has status 0.

use strict;
use warnings;

use POSIX ();
use Time::HiRes qw(time);

sub start {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    my $base = "$opt{dir}/load.$$." . int(rand 1e9);
    @$self{qw(phase_file out stop_file)} = ("$base.phase", "$base.out", "$base.stop");
    $self->phase($opt{phase} // 'start');

    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP);
        $SIG{PIPE} = 'IGNORE';
        open(my $out, '>', $self->{out}) or POSIX::_exit(1);
        my $parent = getppid();
        # ends with the test, even one killed without a chance to stop it
        until (-e $self->{stop_file} || getppid() != $parent) {
            my $phase = $self->_read_phase;
            my @paths = @{ $opt{paths} };
            # cookie => NAME: every request carries a session cookie never
            # seen before, so that the session lookups and the cache churn
            my $res = MaintTest::http_many($opt{port}, [ map {
                ['GET', $_, $opt{cookie}
                     ? (headers => { Cookie => "$opt{cookie}=" . join('', map {
                           (0 .. 9, 'a' .. 'z')[rand 36] } 1 .. 24) })
                     : ()]
            } @paths ], timeout => $opt{timeout} // 10);
            for my $i (0 .. $#paths) {
                my $r = $res->[$i];
                my $h = $r->{headers} // {};
                printf {$out} "%s %s %d %s %s %.1f\n", $phase, $paths[$i],
                    $r->{status}, $h->{'x-maint-status'} // '-',
                    $h->{'x-maint-source'} // '-', $r->{time} * 1000;
            }
            $out->flush;
        }
        close $out;
        POSIX::_exit(0);
    }
    $MaintTest::children{$pid} = 'load';
    $self->{pid} = $pid;
    return $self;
}

sub phase {
    my ($self, $p) = @_;
    open(my $f, '>', "$self->{phase_file}.tmp") or die $!;
    print {$f} $p;
    close $f;
    rename "$self->{phase_file}.tmp", $self->{phase_file} or die $!;
}

sub _read_phase {
    my ($self) = @_;
    open(my $f, '<', $self->{phase_file}) or return '?';
    my $p = <$f> // '?';
    return $p;
}

# Stops the traffic (after the wave in progress) and returns every answer
# as a hash: phase, path, status, mstatus, source, ms.
sub stop {
    my ($self) = @_;
    if (open(my $f, ">", $self->{stop_file})) { close $f }
    MaintTest::wait_until(sub { waitpid($self->{pid}, POSIX::WNOHANG()) > 0 },
                          30, 'the load generator to stop');
    delete $MaintTest::children{ $self->{pid} };
    open(my $in, '<', $self->{out}) or return [];
    my @all;
    while (<$in>) {
        my @f = split;
        next unless @f == 6;
        my %r;
        @r{qw(phase path status mstatus source ms)} = @f;
        push @all, \%r;
    }
    return \@all;
}

# The number of answers so far (the test waits for traffic to flow).
sub count {
    my ($self) = @_;
    open(my $in, '<', $self->{out}) or return 0;
    my $n = 0;
    $n++ while <$in>;
    return $n;
}

1;
