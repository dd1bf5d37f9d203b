package MaintTest;

# MaintTest: the integration test harness.  Starts a real redis-server and
# a real nginx with the built module on free loopback ports, talks HTTP and
# RESP to them with core Perl only, writes maintenance state the way
# docs/redis-schema.md says the admin API does, and stops every process it
# started, by pid, whatever happens to the test.

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter qw(import);
use File::Basename qw(dirname basename);
use File::Path qw(make_path remove_tree);
use IO::Select;
use IO::Socket::INET;
use Digest::SHA ();
use JSON::PP;
use MIME::Base64 ();
use POSIX qw(:sys_wait_h);
use Test::More;
use Time::HiRes qw(time sleep);
use Time::Local ();

our @EXPORT = qw(
    free_port start_redis start_nginx start_slow_proxy start_admin maintctl
    maintctl_run maintctl_ok
    start_sentinels
    nginx_t http http_many wait_until every_worker_fresh every_worker_holds
    window set_state clear_state redis_now_ms check_error_log metric
    rfc3339 rfc3339_offset epoch is_problem
    session_id live_session revoke_session bypass_cookie
    cookie_echo_server upstream_cookie test_cid superadmin_cid b64url
    start_app
    set_cookies parse_cookie cookie_value b64url_decode form_encode
    html_unescape form_inputs browser_tools browser_request
    $ROOT $MODULE
);

our $ROOT = abs_path(dirname(__FILE__) . '/../..');
our $MODULE = $ENV{MAINT_MODULE} || "$ROOT/build/ngx_maint_module.so";
our $ADMIND = $ENV{MAINT_ADMIND} || "$ROOT/build/maint-admind";
our $MAINTCTL = $ENV{MAINTCTL} || "$ROOT/build/maintctl";
our $SERVROOT = $ENV{MAINT_SERVROOT} || "$ROOT/t/servroot";

our %children;                      # pid => description, all we started
our %SANITIZED;                     # directories sanitizer reports go to
my $parent = $$;

# MAINT_VALGRIND=1 runs nginx and maint-admind under valgrind (=leaks: with
# the leak check, for maint-admind: NGINX's workers exit without freeing
# their cycle), each process logging to valgrind.<pid>.log in its
# directory; check_error_log() and the admin's stop report what it found.
# Timing assertions fail under it: look at the reports, not the verdicts.
#
# For nginx (=leaks) only definite leaks are looked for, and only those
# with ngx_maint / maint_ code on their stack count: NGINX's own pools and
# OpenSSL's caches are not ours to judge (docs/reliability.md).
sub _valgrind {
    my ($dir, $leaks) = @_;
    return () unless $ENV{MAINT_VALGRIND};
    $SANITIZED{$dir} = 1;
    my $full = ($leaks // 1) && $ENV{MAINT_VALGRIND} eq 'leaks';
    # --keep-debuginfo: NGINX unloads the module before its worker exits;
    # without it the module's frames in leak stacks are "???"
    return ('valgrind', '-q', "--log-file=$dir/valgrind.%p.log", '--num-callers=30',
            '--keep-debuginfo=yes',
            '--leak-check=' . ($full ? 'full' : 'no'),
            ($full && !$leaks ? ('--show-leak-kinds=definite',
                                 '--errors-for-leak-kinds=definite') : ()));
}

sub valgrind_reports {
    my ($dir) = @_;
    my @found;
    for my $f (glob("$dir/valgrind.*.log")) {
        next unless -s $f;
        my $text = do { local (@ARGV, $/) = ($f); <> };
        # a definite leak is ours only when our code allocated it; the PCRE2
        # compile context NGINX makes on the first regex of a process (ours
        # with maint_session_cookie pattern=) is NGINX's
        my @records = split /\n(?===\d+== \S)/, $text;
        @records = grep { !/definitely lost/
                          || (/\b(ngx_maint_|maint_|adm_)/ && !/pcre2_compile_context_create/) }
                   @records;
        push @found, "$f:\n" . join("\n", @records) if grep { /\S/ } @records;
    }
    return @found;
}

# MAINT_ASAN=1: MAINT_MODULE, MAINT_ADMIND and MAINTCTL are the sanitizer
# build (make asan: build/asan/).  Debian's nginx gets the ASan and UBSan
# runtimes preloaded (the module needs them first); every process writes
# its reports to asan.<pid> / ubsan.<pid> in its directory, where
# check_error_log(), the admin's stop and, at the end, the test's exit
# status look for them.  Leaks are looked for in maint-admind and maintctl
# only: NGINX frees its cycle to nobody's satisfaction at exit.
my $asan_preload;

sub _sanitizer_env {
    my ($dir, $leaks, $preload) = @_;
    return () unless $ENV{MAINT_ASAN};
    $SANITIZED{$dir} = 1;
    $asan_preload //= join ' ', map { my $f = `gcc -print-file-name=$_`; chomp $f; $f }
                                    qw(libasan.so libubsan.so);
    return (
        ASAN_OPTIONS => "log_path=$dir/asan:detect_leaks=" . ($leaks ? 1 : 0)
                        . ':detect_odr_violation=0:handle_abort=1',
        UBSAN_OPTIONS => "log_path=$dir/ubsan:print_stacktrace=1",
        ($preload ? (LD_PRELOAD => $asan_preload) : ()),
    );
}

sub sanitizer_reports {
    my ($dir) = @_;
    my @found;
    for my $f (glob("$dir/asan.* $dir/ubsan.*")) {
        push @found, "$f:\n" . do { local (@ARGV, $/) = ($f); <> } if -s $f;
    }
    return @found;
}

sub _spawn {
    my ($what, $log, @cmd) = @_;

    my $pid = fork();
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>>', $log) or POSIX::_exit(127);
        open(STDERR, '>&', \*STDOUT);
        exec(@cmd) or POSIX::_exit(127);
    }

    $children{$pid} = $what;

    # recorded so that the runner can reap it should this test be killed
    if (open(my $f, '>>', "$SERVROOT/pids")) {
        print {$f} "$pid $what\n";
        close $f;
    }

    return $pid;
}

sub _reap {
    my ($pid, $timeout) = @_;
    my $deadline = time + ($timeout // 10);

    while (time < $deadline) {
        my $r = waitpid($pid, WNOHANG);
        if ($r == $pid || $r == -1) {
            delete $children{$pid};
            return 1;
        }
        sleep 0.01;
    }

    return 0;
}

sub _stop_pid {
    my ($pid, $signal) = @_;
    return unless $children{$pid};
    kill $signal // 'TERM', $pid;
    kill 'CONT', $pid;              # a stopped process cannot exit
    return if _reap($pid, 10);
    kill 'KILL', $pid;
    _reap($pid, 5);
}

sub _cleanup {
    return unless $$ == $parent;
    # run from END: reaping a child (the sample app dies of its TERM) must
    # not become the test's exit status
    local $?;
    for my $pid (keys %children) {
        _stop_pid($pid, 'TERM');
    }
}

END {
    _cleanup();
    if ($$ == $parent) {
        my @r = map { sanitizer_reports($_), valgrind_reports($_) } sort keys %SANITIZED;
        if (@r) {
            Test::More::diag("sanitizer/valgrind reports:\n" . join("\n", @r));
            $? = 1 unless $?;
        }
    }
}
$SIG{$_} = sub { _cleanup(); exit 1 } for qw(INT TERM HUP PIPE);

# A port the kernel calls free now, never one this process was given
# before: a closed port can be handed out again at once, and two servers
# of one test given the same port fail (nginx: "duplicate listen").
my %ports_given;

sub free_port {
    for (1 .. 100) {
        my $s = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
            Listen => 1, ReuseAddr => 1) or die "free_port: $!";
        my $port = $s->sockport;
        close $s;
        return $port unless $ports_given{$port}++;
    }
    die "free_port: no new port in 100 tries";
}

# Polls a condition until it holds or the deadline passes: this is how
# tests wait for something to happen, never a blind sleep.
#
# MAINT_TIME_SCALE (scripts/test.sh --asan sets 3, --valgrind 10)
# stretches every such deadline, and time_scale() the limits of tests that
# measure how fast something happens: slower code, the same assertions.
our $TIME_SCALE = $ENV{MAINT_TIME_SCALE} || 1;
sub time_scale { ($_[0] // 1) * $TIME_SCALE }

sub wait_until {
    my ($cond, $timeout, $what) = @_;
    my $deadline = time + ($timeout // 10) * $TIME_SCALE;

    while (time < $deadline) {
        my $v = eval { $cond->() };
        return $v if $v;
        sleep 0.02;
    }

    diag("timed out waiting for " . ($what // 'condition'));
    return;
}

make_path($SERVROOT);

sub _test_dir {
    my ($name) = @_;
    my $base = basename($0, '.t');
    my $dir = "$SERVROOT/$base-$name-$$";
    remove_tree($dir);
    make_path("$dir/logs", "$dir/tmp");
    return $dir;
}


# ---------------------------------------------------------------------------
# Redis

package MaintTest::Redis;

use Time::HiRes qw(time sleep);

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    $self->{port} //= MaintTest::free_port();
    $self->{dir} //= MaintTest::_test_dir("redis$self->{port}");
    $self->start;
    return $self;
}

sub start {
    my ($self) = @_;
    my @cmd = ('redis-server', '--port', $self->{port},
               '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
               '--dir', $self->{dir}, '--daemonize', 'no',
               '--maxclients', '1000',
               # user => NAME: the harness's own ACL user (the test
               # defines it, e.g. in an included file), not requirepass
               $self->{password} && !$self->{user}
                   ? ('--requirepass', $self->{password}) : (),
               @{ $self->{args} // [] });

    $self->{pid} = MaintTest::_spawn('redis-server',
                                     "$self->{dir}/redis.log", @cmd);

    MaintTest::wait_until(sub { $self->_connect && $self->cmd('PING') eq 'PONG' },
                          10, "redis on port $self->{port}")
        or die "redis did not start, see $self->{dir}/redis.log";
}

sub pid { $_[0]{pid} }
sub port { $_[0]{port} }

sub stop {
    my ($self) = @_;
    close $self->{sock} if $self->{sock};
    delete $self->{sock};
    MaintTest::_stop_pid($self->{pid}, 'TERM') if $self->{pid};
    delete $self->{pid};
}

sub kill9 {
    my ($self) = @_;
    close $self->{sock} if $self->{sock};
    delete $self->{sock};
    MaintTest::_stop_pid($self->{pid}, 'KILL');
    delete $self->{pid};
}

sub signal {
    my ($self, $sig) = @_;
    kill $sig, $self->{pid};
}

sub _connect {
    my ($self) = @_;
    return $self->{sock} if $self->{sock};
    $self->{sock} = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $self->{port}, Proto => 'tcp',
        Timeout => 2) or return;
    $self->cmd('AUTH', defined $self->{user} ? $self->{user} : (),
               $self->{password}) if $self->{password};
    return $self->{sock};
}

sub _encode {
    my $out = '*' . scalar(@_) . "\r\n";
    for my $a (@_) {
        my $v = defined $a ? "$a" : '';
        utf8::encode($v) if utf8::is_utf8($v);
        $out .= '$' . length($v) . "\r\n$v\r\n";
    }
    return $out;
}

sub _line {
    my ($s) = @_;
    my $line = <$s>;
    die "redis: connection closed\n" unless defined $line;
    $line =~ s/\r\n\z//;
    return $line;
}

sub _reply {
    my ($s) = @_;
    my $line = _line($s);
    my ($t, $rest) = (substr($line, 0, 1), substr($line, 1));

    return $rest if $t eq '+';
    die "redis error: $rest\n" if $t eq '-';
    return 0 + $rest if $t eq ':';

    if ($t eq '$') {
        return undef if $rest < 0;
        my $buf = '';
        while (length($buf) < $rest + 2) {
            my $n = read($s, $buf, $rest + 2 - length($buf), length($buf));
            die "redis: short read\n" unless $n;
        }
        return substr($buf, 0, $rest);
    }

    if ($t eq '*') {
        return undef if $rest < 0;
        return [ map { _reply($s) } 1 .. $rest ];
    }

    die "redis: bad reply '$line'\n";
}

sub cmd {
    my ($self, @args) = @_;
    my $s = $self->_connect or die "redis: cannot connect: $!\n";
    print {$s} _encode(@args);
    return _reply($s);
}

# Commands in one MULTI/EXEC; returns EXEC's reply.
sub atomically {
    my ($self, @cmds) = @_;
    my $s = $self->_connect or die "redis: cannot connect\n";
    print {$s} join('', map { _encode(@$_) } ['MULTI'], @cmds, ['EXEC']);
    _reply($s) for 0 .. @cmds;              # +OK, then +QUEUED each
    return _reply($s);
}


# ---------------------------------------------------------------------------
# Redis Sentinel: redis-sentinel with a config file in its own directory
# (Sentinel rewrites it), monitoring one primary.  cmd() and the rest are
# the Redis client's.

package MaintTest::Sentinel;

our @ISA = ('MaintTest::Redis');

use Time::HiRes qw(time sleep);

sub start {
    my ($self) = @_;
    my $conf = "$self->{dir}/sentinel.conf";
    my $m = $self->{master};
    my $name = $self->{name} // 'mymaster';
    unless (-e $conf) {
        open(my $f, '>', $conf) or die "$conf: $!";
        print {$f} "port $self->{port}\nbind 127.0.0.1\ndaemonize no\n"
            . "dir $self->{dir}\n"
            . "sentinel monitor $name 127.0.0.1 " . $m->port . " "
            . ($self->{quorum} // 2) . "\n"
            . ($m->{password} ? "sentinel auth-pass $name $m->{password}\n" : '')
            # password => ...: clients and the other sentinels must AUTH
            . ($self->{password} ? "requirepass $self->{password}\n"
                                   . "sentinel sentinel-pass $self->{password}\n" : '')
            . "sentinel down-after-milliseconds $name "
            . ($self->{down_after} // 500) . "\n"
            . "sentinel failover-timeout $name "
            . ($self->{failover_timeout} // 2000) . "\n"
            . "sentinel parallel-syncs $name 2\n"
            # extra => "...": more lines (TLS ports and files, say)
            . ($self->{extra} // '');
        close $f;
    }

    $self->{pid} = MaintTest::_spawn('redis-sentinel',
                                     "$self->{dir}/sentinel.log",
                                     'redis-sentinel', $conf);

    MaintTest::wait_until(sub { $self->_connect && $self->cmd('PING') eq 'PONG' },
                          10, "sentinel on port $self->{port}")
        or die "redis-sentinel did not start, see $self->{dir}/sentinel.log";
}

sub _connect {
    my ($self) = @_;
    return $self->{sock} if $self->{sock};
    $self->{sock} = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1', PeerPort => $self->{port}, Proto => 'tcp',
        Timeout => 2) or return;
    $self->cmd('AUTH', $self->{password}) if $self->{password};
    return $self->{sock};
}

# "host:port" of the primary as this sentinel sees it, or '' if unknown
sub master_addr {
    my ($self) = @_;
    my $r = eval { $self->cmd('SENTINEL', 'get-master-addr-by-name',
                              $self->{name} // 'mymaster') };
    return ref $r ? "$r->[0]:$r->[1]" : '';
}


# ---------------------------------------------------------------------------
# nginx

package MaintTest::Nginx;

use Time::HiRes qw(time sleep);

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    $self->{port} //= MaintTest::free_port();
    $self->{dir} //= MaintTest::_test_dir("nginx$self->{port}");
    $self->{workers} //= 1;
    $self->write_conf;
    $self->start;
    return $self;
}

sub port { $_[0]{port} }
sub dir { $_[0]{dir} }
sub pid { $_[0]{pid} }
sub error_log { "$_[0]{dir}/logs/error.log" }

# The test's http{} body, with placeholders for what the harness picked.
sub expand {
    my ($self, $text) = @_;
    my %v = (
        PORT => $self->{port},
        REDIS_PORT => $self->{redis} ? $self->{redis}->port : 0,
        DIR => $self->{dir},
        %{ $self->{vars} // {} },
    );
    $text =~ s/%%(\w+)%%/defined $v{$1} ? $v{$1} : die "no value for %%$1%%\n"/ge;
    return $text;
}

sub conf_text {
    my ($self, $http) = @_;
    my $d = $self->{dir};
    my $user = $> == 0 ? "user root;\n" : '';
    my $env = join('', map { "env $_;\n" } @{ $self->{env_keep} // [] });
    # valgrind keeps file descriptors for itself: raising the limit fails
    my $nofile = $ENV{MAINT_VALGRIND} ? '' : "worker_rlimit_nofile 4096;\n";
    # plain => 1: NGINX without the module (the baseline of the benchmarks)
    my $load = $self->{plain} ? '' : "load_module $MaintTest::MODULE;\n";
    my $vars = $self->{plain} ? ''
             : ' $maint_status $maint_source $maint_window_id';

    return $self->expand(<<"CONF" . $http . "\n}\n");
$load$user$env
worker_processes $self->{workers};
error_log $d/logs/error.log info;
pid $d/nginx.pid;
${nofile}events { worker_connections 1024; }
http {
    log_format maint '\$request \$status$vars';
    access_log $d/logs/access.log maint;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
CONF
}

sub write_conf {
    my ($self, $http) = @_;
    $self->{http} = $http if defined $http;
    open(my $f, '>', "$self->{dir}/nginx.conf") or die $!;
    print {$f} $self->conf_text($self->{http});
    close $f;
}

sub start {
    my ($self) = @_;
    my @cmd = (MaintTest::_valgrind($self->{dir}),
               'nginx', '-p', $self->{dir}, '-c', "$self->{dir}/nginx.conf",
               '-e', "$self->{dir}/logs/error.log",
               '-g', 'daemon off; master_process on;');

    local %ENV = (%ENV, MaintTest::_sanitizer_env($self->{dir}, 0, 1),
                  %{ $self->{env} // {} });
    $self->{pid} = MaintTest::_spawn('nginx', "$self->{dir}/logs/stderr.log",
                                     @cmd);

    MaintTest::wait_until(sub {
        IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                              PeerPort => $self->{port}, Proto => 'tcp')
    }, 10, "nginx on port $self->{port}") or do {
        system("cat $self->{dir}/logs/stderr.log $self->{dir}/logs/error.log >&2");
        die "nginx did not start\n";
    };

    MaintTest::wait_until(sub { my @w = $self->workers;
                                @w >= $self->{workers} },
                          10, "nginx workers");
}

sub stop {
    my ($self) = @_;
    MaintTest::_stop_pid($self->{pid}, 'QUIT') if $self->{pid};
    delete $self->{pid};
}

# Worker pids, from /proc: the children of the master.
sub workers {
    my ($self) = @_;
    my @w;
    opendir(my $d, '/proc') or return;
    for my $p (grep { /^\d+$/ } readdir $d) {
        open(my $f, '<', "/proc/$p/stat") or next;
        my $stat = <$f> // next;
        close $f;
        my ($comm, $state, $ppid) = $stat =~ /^\d+ \((.*)\) (\S) (\d+)/ or next;
        push @w, $p if $ppid == $self->{pid} && $state ne 'Z';
    }
    return sort { $a <=> $b } @w;
}

sub open_fds {
    my ($self, $pid) = @_;
    opendir(my $d, "/proc/$pid/fd") or return -1;
    my @fds = grep { /^\d+$/ } readdir $d;
    return scalar @fds;
}

# HUP, then wait until every worker is one of the new generation.
sub reload {
    my ($self, $http) = @_;
    $self->write_conf($http) if defined $http;
    my %old = map { $_ => 1 } $self->workers;
    kill 'HUP', $self->{pid};
    return MaintTest::wait_until(sub {
        my @w = $self->workers;
        @w == $self->{workers} && !grep { $old{$_} } @w;
    }, 20, 'workers after reload');
}

sub log_lines {
    my ($self, $re) = @_;
    open(my $f, '<', $self->error_log) or return ();
    return grep { $_ =~ $re } <$f>;
}


# ---------------------------------------------------------------------------
# A slow link: a TCP proxy that holds every chunk it relays, in either
# direction, for "delay" ms before passing it on (chunks are relayed in
# order, one after the other, so a large reply takes many delays).

package MaintTest::SlowProxy;

use IO::Select;
use Time::HiRes qw(time);

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                       Listen => 64, ReuseAddr => 1) or die $!;
    $self->{port} = $listen->sockport;

    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        _relay($listen, $opt{to}, ($opt{delay_ms} // 10) / 1000, $opt{chunk} // 16384);
        POSIX::_exit(0);
    }
    close $listen;
    $MaintTest::children{$pid} = 'slow proxy';
    $self->{pid} = $pid;
    return $self;
}

sub port { $_[0]{port} }
sub stop { MaintTest::_stop_pid($_[0]{pid}, 'TERM') }

sub _relay {
    my ($listen, $to, $delay, $chunk) = @_;
    my $sel = IO::Select->new($listen);
    my (%peer, %queue);                     # fileno => socket; fileno => [[due, data]]
    my %sock;

    while (1) {
        my $now = time;
        my $wait = 1;
        for my $q (values %queue) {
            $wait = $q->[0][0] - $now if @$q && $q->[0][0] - $now < $wait;
        }
        $wait = 0 if $wait < 0;

        for my $s ($sel->can_read($wait)) {
            if ($s == $listen) {
                my $c = $listen->accept or next;
                my $u = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $to)
                    or do { close $c; next };
                $sel->add($c, $u);
                @sock{ fileno $c, fileno $u } = ($c, $u);
                @peer{ fileno $c, fileno $u } = ($u, $c);
                next;
            }
            my $n = sysread($s, my $buf, $chunk);
            my $p = $peer{ fileno $s };
            if (!$n) {
                for my $x ($s, $p) {
                    $sel->remove($x);
                    delete $queue{ fileno $x };
                    delete $peer{ fileno $x };
                    delete $sock{ fileno $x };
                    close $x;
                }
                next;
            }
            push @{ $queue{ fileno $p } }, [ time + $delay, $buf ];
        }

        $now = time;
        for my $fd (keys %queue) {
            my $q = $queue{$fd};
            while (@$q && $q->[0][0] <= $now) {
                my $item = shift @$q;
                my $s = $sock{$fd} or last;
                my $off = 0;
                while ($off < length $item->[1]) {
                    my $w = syswrite($s, $item->[1], length($item->[1]) - $off, $off);
                    last unless defined $w;
                    $off += $w;
                }
                # the next chunk leaves a delay after this one
                $q->[0][0] = $now + $delay if @$q && $q->[0][0] < $now + $delay;
            }
        }
    }
}


# ---------------------------------------------------------------------------
# The admin API daemon, with two tokens made up for the test: "admin" (role
# admin) and "viewer" (role viewer), configured by their hashes.

package MaintTest::Admin;

use Digest::SHA qw(sha256_hex);
use JSON::PP;
use Time::HiRes qw(time);

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { %opt }, $class;
    $self->{port} //= MaintTest::free_port();
    $self->{dir} //= MaintTest::_test_dir("admin$self->{port}");
    $self->{prefix} //= 'maint:';
    $self->{tokens} //= {
        admin  => [ 'admin',  "mt_admin_$self->{port}_" . join('', map { int rand 10 } 1 .. 24) ],
        viewer => [ 'viewer', "mt_viewer_$self->{port}_" . join('', map { int rand 10 } 1 .. 24) ],
    };
    $self->write_conf;
    $self->start;
    return $self;
}

sub port { $_[0]{port} }
sub dir { $_[0]{dir} }
sub pid { $_[0]{pid} }
# tls_ca => FILE: the daemon serves HTTPS (its "extra" names tls_cert and
# tls_key); url() is https://, and readiness is asked with curl --cacert
sub url { ($_[0]{tls_ca} ? 'https' : 'http') . "://127.0.0.1:$_[0]{port}" }
sub token { $_[0]{tokens}{ $_[1] }[1] }
sub log_file { "$_[0]{dir}/admind.log" }

sub write_conf {
    my ($self) = @_;
    my $redis = $self->{redis};
    # sentinels => [ MaintTest::Sentinel... ]: Sentinel mode, "mymaster"
    my $conf = "listen 127.0.0.1:$self->{port}\n"
        . ($self->{sentinels}
           ? "redis_master_name mymaster\nredis_sentinels "
             . join(',', map { '127.0.0.1:' . $_->port } @{ $self->{sentinels} }) . "\n"
             . ($self->{sentinels}[0]{password}
                ? "redis_sentinel_password $self->{sentinels}[0]{password}\n" : '')
           : 'redis 127.0.0.1:' . $redis->port . "\n")
        # redis_user/redis_password: an ACL user other than the harness's
        . ($self->{redis_user} ? "redis_user $self->{redis_user}\n" : '')
        . (($self->{redis_password} // $redis->{password})
           ? 'redis_password ' . ($self->{redis_password} // $redis->{password}) . "\n"
           : '')
        . "redis_prefix $self->{prefix}\n"
        . "redis_timeout 1s\n"
        . "log_level debug\n"
        . join('', map { "token $_ $self->{tokens}{$_}[0] " . sha256_hex($self->{tokens}{$_}[1]) . "\n" }
                   sort keys %{ $self->{tokens} })
        . ($self->{extra} // '');
    open(my $f, '>', "$self->{dir}/admin.conf") or die $!;
    print {$f} $conf;
    close $f;
}

sub start {
    my ($self) = @_;
    local %ENV = (%ENV, MaintTest::_sanitizer_env($self->{dir}, 1));
    $self->{pid} = MaintTest::_spawn('maint-admind', $self->log_file,
                                     MaintTest::_valgrind($self->{dir}, 1),
                                     $MaintTest::ADMIND, '--config', "$self->{dir}/admin.conf");
    my $ready = $self->{tls_ca}
        ? sub { system('curl', '-sf', '-o', '/dev/null', '--max-time', '2', '--cacert',
                       $self->{tls_ca}, $self->url . '/healthz') == 0 }
        : sub { MaintTest::http($self->{port}, 'GET', '/healthz')->{status} };
    MaintTest::wait_until($ready, 10, "maint-admind on port $self->{port}")
        or do { system("cat", $self->log_file); die "maint-admind did not start\n" };
}

sub stop {
    my ($self, $signal) = @_;
    MaintTest::_stop_pid($self->{pid}, $signal // 'TERM') if $self->{pid};
    delete $self->{pid};
    if ($ENV{MAINT_VALGRIND}) {
        my @v = MaintTest::valgrind_reports($self->{dir});
        Test::More::ok(!@v, 'valgrind found nothing in maint-admind') or Test::More::diag(join "\n", @v);
    }
    if ($ENV{MAINT_ASAN}) {
        my @v = MaintTest::sanitizer_reports($self->{dir});
        Test::More::ok(!@v, 'no sanitizer report from maint-admind or maintctl')
            or Test::More::diag(join "\n", @v);
    }
}

# log_count(RE): the daemon's log lines matching RE
sub log_count {
    my ($self, $re) = @_;
    open(my $f, '<', $self->log_file) or return 0;
    return scalar grep { /$re/ } <$f>;
}

# reload(RE): SIGHUP, then true once one more log line matches RE
sub reload {
    my ($self, $re) = @_;
    my $n = $self->log_count($re);
    kill 'HUP', $self->{pid};
    return MaintTest::wait_until(sub { $self->log_count($re) > $n }, 10, "log $re");
}

# create_window(FIELD => VALUE...): POST /v1/windows as admin, checked to
# answer 201 (one assertion); the window created, or {}
sub create_window {
    my ($self, %w) = @_;
    my $r = $self->api('POST', '/v1/windows', json => \%w);
    Test::More::is($r->{status}, 201, "create '$w{title}': 201") or Test::More::diag($r->{body});
    return $r->{json} // {};
}

# api(METHOD, PATH, token => 'admin'|'viewer'|'none'|<literal token>,
#     json => <perl data>, body => <raw>, headers => {...}, if_match => ETAG)
# Returns http()'s result plus "json", the decoded body when it is JSON.
sub api {
    my ($self, $method, $path, %opt) = @_;
    my %h = %{ $opt{headers} // {} };
    my $tok = $opt{token} // 'admin';
    if ($tok ne 'none') {
        $h{Authorization} = 'Bearer ' . ($self->{tokens}{$tok} ? $self->{tokens}{$tok}[1] : $tok);
    }
    my $body = $opt{body};
    if (exists $opt{json}) {
        $body = JSON::PP->new->canonical->encode($opt{json});
    }
    $h{'Content-Type'} //= 'application/json' if defined $body;
    $h{'If-Match'} = $opt{if_match} if defined $opt{if_match};
    my $r = MaintTest::http($self->{port}, $method, $path, headers => \%h,
                            defined $body ? (body => $body) : ());
    if (($r->{headers}{'content-type'} // '') =~ /json/ && length($r->{body} // '')) {
        $r->{json} = eval { decode_json($r->{body}) };
    }
    return $r;
}


# ---------------------------------------------------------------------------

package MaintTest;

# browser_tools(): chromium's path once chromium, node and playwright-core
# (t/browser, pinned by its package-lock.json; `npm ci` when missing, no
# browser download) are all there; otherwise (undef, what is missing).
sub browser_tools {
    my $chromium = $ENV{CHROMIUM} || '/usr/bin/chromium';
    my $dir = "$ROOT/t/browser";
    return (undef, "chromium ($chromium; scripts/install-deps.sh --tests)")
        unless -x $chromium;
    return (undef, 'node') unless `which node` ne '';
    if (!-d "$dir/node_modules/playwright-core") {
        local $ENV{PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} = 1;
        system('npm', 'ci', '--prefix', $dir, '--no-audit', '--no-fund',
               '--loglevel=error');
    }
    return (undef, 'playwright-core (npm ci in t/browser failed)')
        unless -d "$dir/node_modules/playwright-core";
    return ($chromium);
}

sub start_redis { MaintTest::Redis->new_started(@_) }

# start_sentinels($primary, $n, %opt): $n sentinels monitoring $primary as
# "mymaster" (quorum 2, down-after 500 ms, failover-timeout 2 s unless
# given); returns them once each knows the others and every replica the
# primary has (INFO's connected_slaves), so that a failover can happen.
sub start_sentinels {
    my ($master, $n, %opt) = @_;
    my @s = map { MaintTest::Sentinel->new_started(master => $master, %opt) } 1 .. $n;
    my ($replicas) = ($master->cmd('INFO', 'replication') =~ /connected_slaves:(\d+)/);
    my $name = $opt{name} // 'mymaster';
    wait_until(sub {
        for my $x (@s) {
            my $o = eval { $x->cmd('SENTINEL', 'sentinels', $name) } or return;
            my $r = eval { $x->cmd('SENTINEL', 'replicas', $name) } or return;
            return unless @$o == $n - 1 && @$r == ($replicas // 0);
        }
        1;
    }, 30, "$n sentinels that know each other") or die "sentinels did not converge\n";
    return @s;
}
sub start_admin { MaintTest::Admin->new_started(@_) }

# Runs build/maintctl against an admin daemon with a token of the given
# role (or none); returns (exit code, stdout, stderr).
sub maintctl {
    my ($admin, $role, @args) = @_;
    my $dir = $admin->dir;
    my $n = ++$MaintTest::maintctl_runs;
    local $ENV{MAINT_API_URL} = $admin->url;
    local $ENV{MAINT_API_TOKEN} = defined $role ? $admin->token($role) : '';
    local %ENV = (%ENV, _sanitizer_env($dir, 1));
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>', "$dir/maintctl.$n.out") or POSIX::_exit(127);
        open(STDERR, '>', "$dir/maintctl.$n.err") or POSIX::_exit(127);
        exec($MAINTCTL, @args) or POSIX::_exit(127);
    }
    waitpid($pid, 0);
    my $code = $? >> 8;
    my $read = sub { open(my $f, '<', $_[0]) or return ''; local $/; my $v = <$f>; $v // '' };
    return ($code, $read->("$dir/maintctl.$n.out"), $read->("$dir/maintctl.$n.err"));
}
# maintctl() as one record: {code, out, err, json (stdout decoded, or
# undef), cmd}; and the check that such a run exited 0, with its output
# when it did not
sub maintctl_run {
    my ($admin, $role, @args) = @_;
    my ($code, $out, $err) = maintctl($admin, $role, @args);
    my $json = eval { JSON::PP->new->utf8->decode($out) };
    return { code => $code, out => $out, err => $err, json => $json,
             cmd => join(' ', 'maintctl', @args) };
}

sub maintctl_ok {
    my ($r, $name) = @_;
    Test::More::is($r->{code}, 0, "$name: exit 0")
        or Test::More::diag("$r->{cmd}\nstdout: $r->{out}\nstderr: $r->{err}");
}

sub start_nginx { MaintTest::Nginx->new_started(@_) }
sub start_slow_proxy { MaintTest::SlowProxy->new_started(@_) }

# nginx -t on a configuration; returns (exit code, output).
sub nginx_t {
    my ($http, %opt) = @_;
    my $n = bless { port => free_port(), dir => _test_dir('t'),
                    workers => 1, %opt }, 'MaintTest::Nginx';
    $n->write_conf($http);
    local %ENV = (%ENV, _sanitizer_env($n->{dir}, 0, 1));
    my $out = `nginx -t -p $n->{dir} -c $n->{dir}/nginx.conf -e $n->{dir}/logs/error.log 2>&1`;
    return ($? >> 8, $out);
}

# One HTTP/1.1 request on a new connection.  Returns a hash: status,
# headers (lower-cased names; repeated ones joined with ", "), body, and
# the elapsed time in seconds.
sub http {
    my ($port, $method, $path, %opt) = @_;
    my $t0 = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return { status => 0, error => "connect: $!", time => time - $t0 };

    print {$s} _request_text($method, $path, %opt);
    my $raw = _read_all($s, $opt{timeout} // 10);
    my $res = _parse_response($raw);
    $res->{time} = time - $t0;
    return $res;
}

sub _request_text {
    my ($method, $path, %opt) = @_;
    my %h = (Host => 'localhost', Connection => 'close',
             %{ $opt{headers} // {} });
    my $body = $opt{body} // '';
    $h{'Content-Length'} = length($body) if length($body) || $method eq 'POST';
    return "$method $path HTTP/1.1\r\n"
        . join('', map { "$_: $h{$_}\r\n" } sort keys %h) . "\r\n" . $body;
}

sub _read_all {
    my ($s, $timeout) = @_;
    my $buf = '';
    my $sel = IO::Select->new($s);
    my $deadline = time + $timeout;
    while (time < $deadline) {
        last unless $sel->can_read($deadline - time);
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;
    }
    return $buf;
}

sub _parse_response {
    my ($raw) = @_;
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    return { status => 0, error => 'no response', raw => $raw }
        unless defined $head && $head =~ m{^HTTP/1\.[01] (\d{3})};
    my %res = (status => $1, body => $body // '', raw => $raw);
    my %h;
    for my $l (split /\r\n/, $head) {
        next unless $l =~ /^([^:]+):\s*(.*)$/;
        my $k = lc $1;
        $h{$k} = defined $h{$k} ? "$h{$k}, $2" : $2;
    }
    $res{headers} = \%h;
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        my ($out, $b) = ('', $res{body});
        while ($b =~ s/^([0-9a-fA-F]+)\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($b, 0, $n, '');
            $b =~ s/^\r\n//;
        }
        $res{body} = $out;
    }
    return \%res;
}

# A request as a browser sends it, its headers in this order: Host,
# Connection, Accept (a browser's, or accept => ...), User-Agent (with
# user_agent => ...), the cookies (cookies => [...] in one header), other
# headers by name, and a form body for a POST (body => ...).  Returns what
# http() returns, its headers at least {}.
sub browser_request {
    my ($port, $method, $target, %o) = @_;
    my @h = (['Host', $o{host} // 'localhost'], ['Connection', 'close'],
             ['Accept', $o{accept} // 'text/html,application/xhtml+xml,'
                                    . 'application/xml;q=0.9,*/*;q=0.8']);
    push @h, ['User-Agent', $o{user_agent}] if defined $o{user_agent};
    push @h, ['Cookie', join('; ', @{ $o{cookies} })] if @{ $o{cookies} // [] };
    push @h, map { [$_, $o{headers}{$_}] } sort keys %{ $o{headers} // {} };
    my $body = $o{body} // '';
    push @h, ['Content-Type', 'application/x-www-form-urlencoded'],
             ['Content-Length', length $body] if $method eq 'POST';
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or return { status => 0, error => "connect: $!", headers => {} };
    binmode $s;
    print {$s} "$method $target HTTP/1.1\r\n"
        . join('', map { "$_->[0]: $_->[1]\r\n" } @h) . "\r\n" . $body;
    my $res = _parse_response(_read_all($s, 10));
    $res->{headers} //= {};
    return $res;
}

# Many requests at once, each on its own connection, multiplexed with
# select(); each result carries its own elapsed time.
sub http_many {
    my ($port, $reqs, %opt) = @_;
    my (@res, %by_sock);
    my $sel = IO::Select->new;
    my $timeout = $opt{timeout} // 10;

    for my $i (0 .. $#$reqs) {
        my $r = $reqs->[$i];
        my $t0 = time;
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Proto => 'tcp');
        if (!$s) {
            $res[$i] = { status => 0, error => "connect: $!", time => 0 };
            next;
        }
        print {$s} _request_text(@$r);
        $by_sock{fileno $s} = { i => $i, s => $s, t0 => $t0, buf => '' };
        $sel->add($s);
    }

    my $deadline = time + $timeout;
    while ($sel->count && time < $deadline) {
        for my $s ($sel->can_read($deadline - time)) {
            my $c = $by_sock{fileno $s};
            my $n = sysread($s, $c->{buf}, 65536, length $c->{buf});
            next if $n;
            $sel->remove($s);
            my $res = _parse_response($c->{buf});
            $res->{time} = time - $c->{t0};
            $res[$c->{i}] = $res;
            close $s;
        }
    }

    for my $c (values %by_sock) {
        $res[$c->{i}] //= { status => 0, error => 'timeout',
                            time => time - $c->{t0} };
    }

    return \@res;
}


# Times as the admin API writes and reads them.
sub rfc3339 {
    my @t = gmtime($_[0]);
    return sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ',
                   $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]);
}

# the same instant, written with an offset of $minutes
sub rfc3339_offset {
    my ($t, $minutes) = @_;
    my @l = gmtime($t + $minutes * 60);
    return sprintf('%04d-%02d-%02dT%02d:%02d:%02d%s%02d:%02d',
                   $l[5] + 1900, $l[4] + 1, @l[3, 2, 1, 0],
                   $minutes < 0 ? '-' : '+', abs($minutes) / 60, abs($minutes) % 60);
}

sub epoch {
    my ($s) = @_;
    my @p = ($s // '') =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:(Z)|([+-])(\d\d):(\d\d))$/
        or return undef;
    my $t = Time::Local::timegm($p[5], $p[4], $p[3], $p[2], $p[1] - 1, $p[0]);
    $t -= ($p[7] eq '+' ? 1 : -1) * ($p[8] * 3600 + $p[9] * 60) unless $p[6];
    return $t;
}

# An admin API answer is the RFC 9457 problem it should be.
sub is_problem {
    my ($r, $status, $suffix, $name) = @_;
    is($r->{status}, $status, "$name: status $status")
        or diag($r->{raw} // $r->{error});
    like($r->{headers}{'content-type'} // '', qr{^application/problem\+json\b},
         "$name: application/problem+json");
    my $j = ref $r->{json} eq 'HASH' ? $r->{json} : {};
    is($j->{type}, "urn:ngx-maint:problem:$suffix", "$name: type $suffix");
    ok(defined $j->{title} && !ref $j->{title} && length $j->{title}, "$name: has a title");
    is($j->{status}, $status, "$name: status member");
}


# One value from a maint_metrics location ("/metrics" unless told), for a
# metric written with its labels: metric($port, 'x_total{decision="pass"}').
# Whether each of the gateway's workers decides on a fresh read again: up to
# $tries requests to $path, whose answers name their worker (X-Worker: $pid)
# and their source (X-Maint-Source).
sub every_worker_fresh {
    my ($port, $path, $workers, $tries) = @_;
    my %fresh;
    for (1 .. $tries) {
        my $r = http($port, 'GET', $path);
        return undef unless ($r->{headers}{'x-maint-source'} // '') eq 'fresh';
        $fresh{ $r->{headers}{'x-worker'} // '' } = 1;
        return 1 if keys %fresh == $workers;
    }
    return undef;
}

# Requests to $path until every one of the gateway's $workers workers holds
# state version $version (its ngx_maint_state_version on /metrics): a
# worker loads a version only when a request reaches it, and which worker
# accepts a connection is the kernel's choice.  1, or undef at the deadline.
sub every_worker_holds {
    my ($port, $path, $workers, $version) = @_;
    return wait_until(sub {
        http($port, 'GET', $path);
        my $body = http($port, 'GET', '/metrics')->{body} // '';
        my @held = $body =~ /^ngx_maint_state_version\{worker="\d+"\} (\d+)$/mg;
        @held == $workers && !grep { $_ != $version } @held;
    }, 10, "every worker at version $version");
}

sub metric {
    my ($port, $name, $path) = @_;
    my $body = http($port, 'GET', $path // '/metrics')->{body} // '';
    my ($v) = $body =~ /^\Q$name\E (\S+)$/m;
    return $v;
}


# ---------------------------------------------------------------------------
# State, written as docs/redis-schema.md describes (schema 1).

sub redis_now_ms {
    my ($redis) = @_;
    my $t = $redis->cmd('TIME');
    return $t->[0] * 1000 + int($t->[1] / 1000);
}

# A window; start and end are seconds relative to Redis's clock now.
sub window {
    my ($redis, %w) = @_;
    my $now = int(redis_now_ms($redis) / 1000);
    $w{id} //= 'w1';
    $w{apps} //= ['*'];
    $w{start} = $now + ($w{start} // -60);
    $w{end} = $now + ($w{end} // 3600);
    return \%w;
}

# Replaces the whole state atomically: bumps the version and writes the
# snapshot in one MULTI/EXEC.  Returns the new version.
sub set_state {
    my ($redis, %opt) = @_;
    my $prefix = $opt{prefix} // 'maint:';
    my $snapshot = {
        schema => 1,
        settings => $opt{settings} // { notify_before_minutes => 30 },
        windows => $opt{windows} // [],
    };
    for my $k (qw(superadmins bypass_keys session_cutoffs)) {
        $snapshot->{$k} = $opt{$k} if exists $opt{$k};
    }
    my $json = exists $opt{raw} ? $opt{raw}
             : JSON::PP->new->canonical->encode($snapshot);
    my $r = $redis->atomically(
        ['HINCRBY', "${prefix}state", 'version', 1],
        ['HSET', "${prefix}state", 'schema', 1, 'snapshot', $json],
    );
    return $r->[0];
}

sub clear_state { set_state($_[0], windows => []) }

# The id the edge knows a cookie value by (maint_session_id): SHA-256 of
# the value without surrounding quotes, percent-decoded until it settles.
sub session_id {
    my ($v) = @_;
    $v =~ s/^"//;
    $v =~ s/"$//;
    for (1 .. 5) {
        (my $d = $v) =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
        last if $d eq $v;
        $v = $d;
    }
    return Digest::SHA::sha256_hex($v);
}

# An upstream server block that answers with the Cookie header it got
# ("cookie=[...]"), on %%UP%%, to follow a start_nginx() http block; and
# that header read back from a response (undef: not the echo's answer).
sub cookie_echo_server {
    return <<'HTTP';

    server {
        listen 127.0.0.1:%%UP%%;
        default_type text/plain;
        location / { return 200 "cookie=[$http_cookie]\n"; }
    }
HTTP
}

sub upstream_cookie {
    my ($res) = @_;
    return ($res->{body} // '') =~ /^cookie=\[(.*)\]$/ms ? $1 : undef;
}

# A live session of the app (given by its cookie value) in the registry,
# created a minute ago, as the gateway that saw it created wrote it.
sub live_session {
    my ($redis, $value, %opt) = @_;
    my $prefix = $opt{prefix} // 'maint:';
    my $now = redis_now_ms($redis);
    return $redis->cmd('HSET', "${prefix}session:" . session_id($value),
                       'first_seen', $now - 60000, 'last_seen', $now - 60000,
                       'app', $opt{app} // 'shop');
}

# Ends a session (given by its cookie value) the way the admin API does:
# the blacklist entry and the revocations counter, in one transaction.
sub revoke_session {
    my ($redis, $value, %opt) = @_;
    my $prefix = $opt{prefix} // 'maint:';
    my $id = session_id($value);
    return $redis->atomically(
        ['SET', "${prefix}revoked:$id", '{"at":0,"by":"test"}', 'PX', 86400000],
        ['HINCRBY', "${prefix}state", 'revocations', 1],
    );
}

sub b64url {
    my $b = MIME::Base64::encode_base64($_[0], '');
    $b =~ tr{+/}{-_};
    $b =~ s/=+$//;
    return $b;
}

# A bypass cookie value as docs/sessions.md describes it, made by hand so
# that tests can also make wrong ones: kid, secret (raw bytes), name,
# cid (the superadmin's credential_id in the snapshot; default
# test_cid(name)), scheme (http or https, default http), iat, exp; "mac"
# replaces the signature.
sub bypass_cookie {
    my (%o) = @_;
    my $payload = join('.', $o{version} // 'v2', $o{kid}, b64url($o{name}),
                       $o{cid} // test_cid($o{name}), $o{scheme} // 'http',
                       $o{iat}, $o{exp});
    my $mac = $o{mac} // b64url(Digest::SHA::hmac_sha256($payload, $o{secret}));
    return "$payload.$mac";
}

# The credential id the admin API gave a superadmin (its record in
# <prefix>superadmins), which the edge writes beside a session it saw
# created for that superadmin ("superadmin_cid"); '' when there is none.
sub superadmin_cid {
    my ($redis, $name, $prefix) = @_;
    my $rec = $redis->cmd('HGET', ($prefix // 'maint:') . 'superadmins', $name);
    return '' unless defined $rec && !ref $rec;
    return JSON::PP::decode_json($rec)->{credential_id} // '';
}

# The credential_id tests that write a snapshot by hand give a superadmin
# (and bypass_cookie's default): "c_" and the name in hex.
sub test_cid { 'c_' . unpack('H*', $_[0] // '') }

# The sample legacy app (demo/app.pl) as an upstream: login form, session
# cookie "sid", /health.  Returns (port, pid).
sub start_app {
    my $port = free_port();
    my $dir = _test_dir("app$port");
    my $pid = _spawn('demo app', "$dir/app.log", $^X, "$ROOT/demo/app.pl",
                     $port, "$dir/sessions");
    wait_until(sub { http($port, 'GET', '/health')->{status} == 200 }, 10,
               'the sample app') or die "the sample app did not start\n";
    return ($port, $pid);
}

# No [alert] or [emerg] in the error log (and no crashed worker).

# ---------------------------------------------------------------------------
# Cookies and forms, as the tests of sessions and the sign-in read them.

# the Set-Cookie lines of a response
sub set_cookies {
    my ($res) = @_;
    my ($head) = split /\r\n\r\n/, $res->{raw} // '', 2;
    return map { /^set-cookie:[ \t]*(.*)$/i ? $1 : () } split /\r\n/, $head // '';
}

# the value a response's Set-Cookie gives the cookie name, or undef
sub cookie_value {
    my ($res, $name) = @_;
    for (set_cookies($res)) { return $1 if /^\Q$name\E=([^;]*)/ }
    return;
}

# a Set-Cookie line: (name, value, {lower-case attribute => value})
sub parse_cookie {
    my ($line) = @_;
    my ($nv, @attrs) = split /;[ \t]*/, $line;
    my ($name, $value) = split /=/, $nv // '', 2;
    my %a = map { my ($k, $v) = split /=/, $_, 2; (lc $k => $v // '') } @attrs;
    return ($name, $value // '', \%a);
}

sub b64url_decode {
    my ($s) = @_;
    $s =~ tr{-_}{+/};
    $s .= '=' x ((4 - length($s) % 4) % 4);
    return MIME::Base64::decode_base64($s);
}

# application/x-www-form-urlencoded
sub form_encode {
    my (@kv) = @_;
    my @out;
    while (my ($k, $v) = splice(@kv, 0, 2)) {
        push @out, join '=', map { my $x = $_ // ''; $x =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; $x } $k, $v;
    }
    return join '&', @out;
}

sub html_unescape {
    my ($s) = @_;
    $s =~ s/&quot;/"/g; $s =~ s/&#39;|&#x27;|&apos;/'/g; $s =~ s/&lt;/</g; $s =~ s/&gt;/>/g;
    $s =~ s/&#(\d+);/chr $1/ge; $s =~ s/&#x([0-9a-f]+);/chr hex $1/gie; $s =~ s/&amp;/&/g;
    return $s;
}

# the <input>s of a page: name => value
sub form_inputs {
    my ($html) = @_;
    my %in;
    while (($html // '') =~ /<input\b([^>]*)>/gi) {
        my $attrs = $1;
        my %a;
        $a{lc $1} = $2 // $3 // $4 while $attrs =~ /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
        $in{ html_unescape($a{name}) } = html_unescape($a{value} // '') if defined $a{name};
    }
    return \%in;
}

sub check_error_log {
    my ($nginx) = @_;
    my @bad = $nginx->log_lines(qr/\[(alert|emerg)\]|exited on signal/);
    ok(!@bad, 'error log has no [alert], [emerg] or crashed worker')
        or diag(join '', @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);
    if ($ENV{MAINT_VALGRIND}) {
        my @v = valgrind_reports($nginx->{dir});
        ok(!@v, 'valgrind found nothing in nginx') or diag(join "\n", @v);
    }
    if ($ENV{MAINT_ASAN}) {
        # workers lose log_path with their environment: their reports go
        # to stderr, the error log
        my @v = (sanitizer_reports($nginx->{dir}),
                 $nginx->log_lines(qr/runtime error:|AddressSanitizer|LeakSanitizer/));
        ok(!@v, 'no sanitizer report from nginx') or diag(join "\n", @v);
    }
}

1;
