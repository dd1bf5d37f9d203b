# One client connection kept open, as a browser keeps it: each request is
# sent on it and its response read to its end (Content-Length; the edge's
# and the test upstreams' answers have one), the connection left open for
# the next request.  For what the edge keeps per connection (t/206, t/207).
#
#   my $c = KeepAlive->new($port);
#   my $r = $c->request(path => '/p', cookies => ['sid=a'],
#                       method => 'POST', headers => {...}, body => '...');
#   $r->{status}, $r->{headers}{'set-cookie'}, $r->{body}
#
# status 0: the connection closed or nothing came within 10 s.

package KeepAlive;

use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

sub new {
    my ($class, $port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or die "connect: $!";
    binmode $s;
    return bless { sock => $s, buf => '' }, $class;
}

sub request {
    my ($self, %opt) = @_;
    my $s = $self->{sock};
    my $method = $opt{method} // 'GET';
    my %h = %{ $opt{headers} // {} };
    $h{'Content-Length'} = length $opt{body} if defined $opt{body};
    print {$s} "$method $opt{path} HTTP/1.1\r\nHost: localhost\r\n"
        . join('', map { "Cookie: $_\r\n" } @{ $opt{cookies} // [] })
        . join('', map { "$_: $h{$_}\r\n" } sort keys %h) . "\r\n"
        . ($opt{body} // '');

    my $sel = IO::Select->new($s);
    my $deadline = time + 10;
    while (time < $deadline) {
        if ($self->{buf} =~ /^(.*?)\r\n\r\n/s) {
            my $head = $1;
            my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
            last if length($self->{buf}) >= length($head) + 4 + ($len // 0);
        }
        last unless $sel->can_read(1);
        sysread($s, $self->{buf}, 65536, length $self->{buf}) or last;
    }

    my ($head, $rest) = split /\r\n\r\n/, $self->{buf}, 2;
    return { status => 0 } unless defined $rest;
    my ($len) = $head =~ /^Content-Length:\s*(\d+)/mi;
    my $body = substr($rest, 0, $len // 0);
    $self->{buf} = substr($rest, $len // 0);
    my %headers;
    for my $l (split /\r\n/, $head) {
        next unless $l =~ /^([^:]+):\s*(.*)$/;
        $headers{ lc $1 } = defined $headers{ lc $1 }
                            ? "$headers{lc $1}, $2" : $2;
    }
    my ($status) = $head =~ m{^HTTP/1\.1 (\d+)};
    return { status => $status // 0, headers => \%headers, body => $body };
}

1;
