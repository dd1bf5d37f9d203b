# CheckServer: t/lib/check_server.py, the HTTP service that maint-admind's
# custom prechecks ask, on a loopback port for one test file, stopped by
# pid with everything else.  What each path answers is in check_server.py;
# every request it got is in records().

package CheckServer;

use strict;
use warnings;
use JSON::PP ();
use MaintTest ();

our $PYTHON = $ENV{MAINT_PYTHON3} || '/usr/bin/python3';

# new_started(name => DIR, tls => [CERT, KEY]): its files in a directory
# of that name (default "checks"), HTTPS with that certificate
sub new_started {
    my ($class, %opt) = @_;
    my $dir = MaintTest::_test_dir($opt{name} // 'checks');
    my $self = bless { dir => $dir, log => "$dir/requests.jsonl",
                       switch => "$dir/switch", release => "$dir/release",
                       scheme => $opt{tls} ? 'https' : 'http' }, $class;
    $self->switch('fail');
    mkdir $self->{release} or die "$self->{release}: $!";
    my $out = "$dir/check_server.log";
    $self->{pid} = MaintTest::_spawn('check_server', $out, $PYTHON,
                                     "$MaintTest::ROOT/t/lib/check_server.py",
                                     '--log', $self->{log}, '--switch', $self->{switch},
                                     '--release', $self->{release},
                                     $opt{tls} ? ('--tls-cert', $opt{tls}[0],
                                                  '--tls-key', $opt{tls}[1])
                                               : ());
    MaintTest::wait_until(sub {
        die "check_server exited\n" unless kill 0, $self->{pid};
        ($self->{port}) = _read($out) =~ /^check_server ready port (\d+)/m;
        $self->{port};
    }, 10, 'check_server ready') or die "check_server did not start:\n" . _read($out);
    return $self;
}

sub _read {
    open(my $f, '<', $_[0]) or return '';
    local $/;
    return <$f> // '';
}

sub port { $_[0]{port} }
sub url { "$_[0]{scheme}://127.0.0.1:$_[0]{port}$_[1]" }

# every request so far: {t, method, path, auth, key, answer}
sub records {
    my ($self) = @_;
    return map { eval { JSON::PP::decode_json($_) } // () }
           split /\n/, _read($self->{log});
}

sub count {
    my ($self, $path) = @_;
    return scalar grep { $_->{path} eq $path } $self->records;
}

# every request but those to the paths named
sub total {
    my ($self, @but) = @_;
    my %skip = map { $_ => 1 } @but;
    return scalar grep { !$skip{ $_->{path} } } $self->records;
}

# "pass" or "fail": what /switch answers from the next request on
sub switch {
    my ($self, $state) = @_;
    my $tmp = "$self->{switch}.tmp";
    open(my $f, '>', $tmp) or die "$tmp: $!";
    print {$f} "$state\n";
    close $f;
    rename $tmp, $self->{switch} or die "rename: $!";
}

# /held-NAME answers from now on (those held, at once)
sub release {
    my ($self, $name) = @_;
    open(my $f, '>', "$self->{release}/$name") or die "$name: $!";
    close $f;
}

sub stop {
    my ($self) = @_;
    MaintTest::_stop_pid($self->{pid}, 'TERM') if $self->{pid};
    delete $self->{pid};
}

1;
