#!/usr/bin/env perl
# A stand-in for a legacy web application with no maintenance mode of its
# own: "Acme CRM".  Login form, a session cookie (sid), a page that needs
# the session, a JSON API, a health check.  Core Perl only; one process per
# connection; sessions are files so every process sees them.
#
#   demo/app.pl PORT SESSION_DIR

use strict;
use warnings;
use IO::Socket::INET;
use POSIX ();

my ($port, $sessions) = @ARGV;
die "usage: $0 PORT SESSION_DIR\n" unless $port && $sessions;
mkdir $sessions;

$SIG{CHLD} = sub { 1 while waitpid(-1, POSIX::WNOHANG()) > 0 };

my $server = IO::Socket::INET->new(
    LocalAddr => '127.0.0.1', LocalPort => $port, Listen => 128,
    ReuseAddr => 1, Proto => 'tcp') or die "listen on $port: $!\n";

while (1) {
    my $c = $server->accept or next;
    my $pid = fork;
    if (!defined $pid) { close $c; next; }
    if ($pid == 0) {
        close $server;
        eval { serve($c) };
        close $c;
        POSIX::_exit(0);
    }
    close $c;
}

sub serve {
    my ($c) = @_;
    local $/ = "\r\n";
    my $line = <$c> // return;
    my ($method, $target) = $line =~ m{^(\w+) (\S+) HTTP/} or return;
    my %h;
    while (my $l = <$c>) {
        last if $l eq "\r\n";
        $h{lc $1} = $2 if $l =~ /^([^:]+):\s*(.*?)\r\n$/;
    }
    my $body = '';
    read($c, $body, $h{'content-length'}) if ($h{'content-length'} // 0) > 0;

    my ($path) = split /\?/, $target;
    my ($sid) = ($h{cookie} // '') =~ /(?:^|;\s*)sid=([A-Za-z0-9]+)/;
    my $user = $sid && -f "$sessions/$sid" ? slurp("$sessions/$sid") : undef;

    if ($path eq '/health') {
        return reply($c, 200, 'text/plain', "ok\n");
    }

    if ($path eq '/api/orders') {
        return reply($c, 401, 'application/json', qq({"error":"log in first"}\n))
            unless $user;
        return reply($c, 200, 'application/json',
                     qq({"user":"$user","orders":[{"id":1,"total":"12.50"},{"id":2,"total":"99.00"}]}\n));
    }

    if ($path eq '/login' && $method eq 'POST') {
        my ($name) = $body =~ /(?:^|&)user=([A-Za-z0-9._-]{1,32})/;
        $name //= 'guest';
        my $new = join '', map { ('a'..'z', 0..9)[rand 36] } 1 .. 32;
        open(my $f, '>', "$sessions/$new") or die;
        print {$f} $name;
        close $f;
        return reply($c, 303, 'text/plain', "see /\n",
                     'Location' => '/',
                     'Set-Cookie' => "sid=$new; Path=/; HttpOnly; SameSite=Lax",
                     'X-User' => $name);
    }

    if ($path eq '/logout') {
        unlink "$sessions/$sid" if $sid && $sid =~ /^[a-z0-9]+$/;
        return reply($c, 303, 'text/plain', "bye\n", 'Location' => '/login',
                     'Set-Cookie' => 'sid=; Path=/; Max-Age=0');
    }

    if ($path eq '/login') {
        return reply($c, 200, 'text/html', page('Sign in', <<'HTML'));
<form method="post" action="/login">
  <label>User name <input name="user" value="alice" autocomplete="username"></label>
  <label>Password <input name="password" type="password" value="demo"></label>
  <button>Sign in</button>
</form>
HTML
    }

    if ($path eq '/' || $path eq '/customers') {
        return reply($c, 303, 'text/plain', "log in\n", 'Location' => '/login')
            unless $user;
        return reply($c, 200, 'text/html', page('Customers', <<"HTML"));
<p>Signed in as <strong>$user</strong>. <a href="/logout">Sign out</a></p>
<table><tr><th>Customer</th><th>Open orders</th></tr>
<tr><td>Globex</td><td>3</td></tr><tr><td>Initech</td><td>1</td></tr></table>
<form method="post" action="/customers"><button>Save changes</button></form>
HTML
    }

    return reply($c, 404, 'text/plain', "not found\n");
}

sub page {
    my ($title, $content) = @_;
    return <<"HTML";
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Acme CRM: $title</title>
<style>body{font:16px/1.5 sans-serif;margin:2rem auto;max-width:40rem}
label{display:block;margin:.5rem 0}td,th{padding:.25rem 1rem;text-align:left}</style>
</head><body><h1>Acme CRM: $title</h1>
$content
</body></html>
HTML
}

sub reply {
    my ($c, $status, $type, $body, %extra) = @_;
    my %reason = (200 => 'OK', 303 => 'See Other', 401 => 'Unauthorized',
                  404 => 'Not Found');
    print {$c} "HTTP/1.1 $status $reason{$status}\r\n"
        . "Content-Type: $type; charset=utf-8\r\n"
        . "Content-Length: " . length($body) . "\r\n"
        . "Connection: close\r\n"
        . join('', map { "$_: $extra{$_}\r\n" } sort keys %extra)
        . "\r\n" . $body;
}

sub slurp {
    open(my $f, '<', $_[0]) or return;
    local $/;
    return scalar <$f>;
}
