#!/usr/bin/env perl
# The benchmark (docs/performance.md): plain NGINX, NGINX with
# ngx_maint_module and the OpenResty peer (../shared/peers), side by side on
# this machine, driven by wrk in interleaved rounds; medians, ratios, Redis
# commands per request, worker RSS; then the issue's targets, checked.
#
#   bench/run [--rounds N] [--duration S] [--connections C] [--quick]
#             [--rss-requests N] [--delay US] [--lease MS] [--out FILE]
#
# --lease: the lease_ms written with the state, as maint-admind does with
# every change (its `lease` setting, 20 ms by default); 0 measures the
# module without it, each request waiting for a read of its own.
#
# Every process is started here, on free loopback ports, and stopped by pid
# at the end.  Core Perl only.

use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
use Getopt::Long;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

my $ROOT = abs_path(dirname(__FILE__) . '/..');
my %opt = (rounds => 5, duration => 5, connections => 64,
           'rss-requests' => 2_000_000, delay => 1000, lease => 20,
           out => "$ROOT/build/bench/latest.md",
           peer => abs_path("$ROOT/../shared/peers/openresty-lua.conf.in")
                   // "$ROOT/../shared/peers/openresty-lua.conf.in");
GetOptions(\%opt, 'rounds=i', 'duration=f', 'connections=i', 'quick',
           'rss-requests=i', 'delay=i', 'lease=i', 'out=s', 'peer=s')
    or die "usage: bench/run [--rounds N] [--duration S] [--connections C] "
         . "[--quick] [--rss-requests N] [--delay US] [--lease MS] "
         . "[--out FILE]\n";
if ($opt{quick}) {
    $opt{duration} = 1;
    $opt{'rss-requests'} = 200_000;
}

my $DIR = "$ROOT/build/bench/run";
remove_tree($DIR);
make_path($DIR);

my $MODULE = $ENV{MAINT_MODULE} || "$ROOT/build/ngx_maint_module.so";
my $LEASE_MS = $opt{lease};
my $DELAYPROXY = "$ROOT/build/delayproxy";
my $LUA_MODULES = '/usr/lib/nginx/modules';
my $LUA_PATH = '/usr/share/lua/5.1';
my $SID = 'bench0session0cookie0value0a1b2c3d4e5f6';

# ---------------------------------------------------------------------------
# processes

my %children;

sub spawn {
    my ($name, @cmd) = @_;
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>>', "$DIR/$name.out");
        open(STDERR, '>&', \*STDOUT);
        exec(@cmd) or POSIX::_exit(127);
    }
    $children{$pid} = $name;
    return $pid;
}

sub stop_all {
    for my $pid (keys %children) {
        kill 'CONT', $pid;
        kill 'TERM', $pid;
    }
    my $deadline = time + 10;
    while (%children && time < $deadline) {
        for my $pid (keys %children) {
            delete $children{$pid} if waitpid($pid, WNOHANG) != 0;
        }
        sleep 0.05;
    }
    kill 'KILL', $_ for keys %children;
}

END { local $?; stop_all() }
$SIG{$_} = sub { stop_all(); exit 1 } for qw(INT TERM HUP);

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Listen => 1, ReuseAddr => 1) or die $!;
    return $s->sockport;
}

sub wait_port {
    my ($port, $what) = @_;
    for (1 .. 200) {
        return 1 if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
        sleep 0.05;
    }
    die "$what did not start on port $port (see $DIR)\n";
}

# the workers of an nginx master, by their parent pid
sub workers {
    my ($master) = @_;
    my @w;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open(my $f, '<', $stat) or next;
        my $line = <$f> // next;
        my ($pid, $ppid) = $line =~ /^(\d+) \(.*\) \S+ (\d+)/ or next;
        push @w, $pid if $ppid == $master;
    }
    return @w;
}

sub rss_kib {
    my ($pid) = @_;
    open(my $f, '<', "/proc/$pid/status") or return 0;
    while (my $line = <$f>) { return $1 if $line =~ /^VmRSS:\s+(\d+)/ }
    return 0;
}

# ---------------------------------------------------------------------------
# Redis: direct, and behind the delaying proxy

my $redis_port = free_port();
my $redis_pid = spawn('redis', 'redis-server', '--port', $redis_port, '--bind',
                      '127.0.0.1', '--save', '', '--appendonly', 'no');
wait_port($redis_port, 'Redis');

my $far_port = free_port();
spawn('delayproxy', $DELAYPROXY, $far_port, $redis_port, $opt{delay});
wait_port($far_port, 'the delaying proxy');

sub redis {
    my (@cmd) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$redis_port", Timeout => 5) or die $!;
    print {$s} '*' . scalar(@cmd) . "\r\n" . join('', map { '$' . length($_) . "\r\n$_\r\n" } @cmd);
    return read_reply($s);
}

sub read_reply {
    my ($s) = @_;
    my $line = <$s> // return undef;
    $line =~ s/\r\n$//;
    my ($t, $rest) = (substr($line, 0, 1), substr($line, 1));
    return $rest if $t eq '+' || $t eq ':';
    return "ERR $rest" if $t eq '-';
    if ($t eq '$') {
        return undef if $rest < 0;
        read($s, my $buf, $rest + 2);
        return substr($buf, 0, $rest);
    }
    return [ map { read_reply($s) } 1 .. $rest ] if $t eq '*';
    return undef;
}

# every command Redis executed, all clients together
sub redis_calls {
    my $info = redis('INFO', 'commandstats') // '';
    my $n = 0;
    while ($info =~ /^cmdstat_(\w+):calls=(\d+)/mg) {
        $n += $2 unless $1 eq 'info' || $1 eq 'config';
    }
    return $n;
}

sub redis_now {
    my $t = redis('TIME');
    return $t->[0];
}

# the state the admin API would write (docs/redis-schema.md), and the
# peer's key for the same thing
sub set_state {
    my (%o) = @_;
    my $now = redis_now();
    my @w;
    if ($o{window}) {
        my ($start, $end) = $o{window} eq 'active' ? ($now - 60, $now + 3600)
                                                    : ($now + 600, $now + 4200);
        push @w, sprintf('{"id":"bench","title":"Benchmark window","apps":["demo"],'
                         . '"start":%d,"end":%d,"login_message":"Back soon.",'
                         . '"notify_message":"Maintenance tonight.","notify_before_minutes":30}',
                         $start, $end);
    }
    my $snap = '{"schema":1,"settings":{"notify_before_minutes":30},"windows":['
               . join(',', @w) . ']}';
    redis('MULTI');
    redis('HINCRBY', 'maint:state', 'version', 1);
    # lease_ms: what maint-admind writes with every change by default
    redis('HSET', 'maint:state', 'schema', 1, 'snapshot', $snap,
          'lease_ms', $LEASE_MS);
    redis('EXEC');
    redis('SET', 'maint:app:demo:state',
          ($o{window} // '') eq 'active' ? '{"active":true}' : '{"active":false}');
    # as maint-admind does before it answers a change: the lease runs out
    sleep(($LEASE_MS + 1) / 1000);
}

# ---------------------------------------------------------------------------
# the upstream and the gateways

my $up_port = free_port();
my %ports;

sub nginx_conf {
    my ($name, $port, $body, %o) = @_;
    my $dir = "$DIR/$name";
    make_path("$dir/logs", "$dir/html/static");
    my $load = $o{module} ? "load_module $MODULE;\n" : '';
    open(my $f, '>', "$dir/nginx.conf") or die $!;
    print {$f} <<"CONF";
${load}worker_processes 1;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    default_type text/plain;
$body
}
CONF
    close $f;
    return $dir;
}

sub start_nginx {
    my ($name, $dir, $port) = @_;
    my $pid = spawn($name, 'nginx', '-p', $dir, '-c', "$dir/nginx.conf",
                    '-e', "$dir/logs/error.log", '-g', 'daemon off;');
    wait_port($port, $name);
    my @w;
    for (1 .. 100) { @w = workers($pid); last if @w; sleep 0.05 }
    return { name => $name, pid => $pid, port => $port, dir => $dir, workers => \@w };
}

# the upstream: an nginx answering "ok"
{
    my $dir = nginx_conf('upstream', $up_port, <<"B");
    server {
        listen 127.0.0.1:$up_port backlog=4096;
        keepalive_requests 100000;
        location / { return 200 "ok\\n"; }
    }
B
    start_nginx('upstream', $dir, $up_port);
}

my $PROXY = <<"P";
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass http://app/;
P

my %gw;

sub gateway {
    my ($name, $redis, %o) = @_;
    my $port = free_port();
    my $maint = '';
    if ($o{module}) {
        $maint = <<"M";
        maint_redis_placeholder
        maint on;
        maint_app demo;
        maint_session_cookie sid;
        add_header X-Maint-Notice "\$maint_notice";
        location = /metrics { maint off; maint_metrics; }
M
    }
    my $dir = nginx_conf($name, $port, <<"B", %o);
    upstream app { server 127.0.0.1:$up_port; keepalive 64; }
    ${\ ($o{module} ? "maint_redis 127.0.0.1:$redis timeout=100ms;" : '') }
    server {
        listen 127.0.0.1:$port backlog=4096;
        keepalive_requests 100000;
${\ ($maint =~ s/ *maint_redis_placeholder\n//r) }
        location /proxy/ {
$PROXY        }
        location /static/ { root $DIR/$name/html; }
    }
B
    write_file("$dir/html/static/ok.txt", "ok\n");
    return $gw{$name} = start_nginx($name, $dir, $port);
}

sub write_file {
    my ($path, $text) = @_;
    open(my $f, '>', $path) or die "$path: $!";
    print {$f} $text;
    close $f;
}

sub peer {
    my ($name, $redis) = @_;
    my $port = free_port();
    my $dir = "$DIR/$name";
    make_path($dir);
    open(my $in, '<', $opt{peer}) or die "the peer configuration $opt{peer}: $!\n";
    my $conf = do { local $/; <$in> };
    my %v = (PREFIX => $dir, LISTEN => "127.0.0.1:$port", REDIS_PORT => $redis,
             UPSTREAM => "127.0.0.1:$up_port", MODULES => $LUA_MODULES, LUA_PATH => $LUA_PATH);
    $conf =~ s/\@(\w+)\@/$v{$1} \/\/ "\@$1\@"/ge;
    # run in the foreground, as our child (the only change to the peer)
    $conf =~ s/^daemon on;\n//m;
    write_file("$dir/nginx.conf", $conf);
    return $gw{$name} = start_nginx($name, $dir, $port);
}

gateway('plain', $redis_port);
gateway('module', $redis_port, module => 1);
gateway('module-far', $far_port, module => 1);
peer('peer', $redis_port);
peer('peer-far', $far_port);

# ---------------------------------------------------------------------------
# wrk

sub http_get {
    my ($port, $path, %h) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 5) or return {};
    print {$s} "GET $path HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
               . join('', map { "$_: $h{$_}\r\n" } sort keys %h) . "\r\n";
    local $/;
    my $raw = <$s> // '';
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($status) = ($head // '') =~ m{^HTTP/1\.\d (\d+)};
    return { status => $status // 0, body => $body // '', head => $head // '' };
}

my $redis_stopped = 0;

sub wrk {
    my ($port, $path, $cookie, $duration) = @_;
    my @cmd = ('wrk', '-t1', "-c$opt{connections}", "-d${duration}s", '--latency',
               '--timeout', '5s');
    push @cmd, '-H', "Cookie: sid=$SID" if $cookie;
    my $calls0 = $redis_stopped ? 0 : redis_calls();
    my $out = `@{[ join ' ', map { "'$_'" } @cmd ]} 'http://127.0.0.1:$port$path' 2>&1`;
    my $calls1 = $redis_stopped ? 0 : redis_calls();
    my %r = (raw => $out);
    ($r{rps}) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    ($r{requests}) = $out =~ /(\d+) requests in/;
    $r{p50} = lat($out =~ /^\s+50%\s+(\S+)/m);
    $r{p99} = lat($out =~ /^\s+99%\s+(\S+)/m);
    ($r{max}) = map { lat($_) } $out =~ /Latency\s+\S+\s+\S+\s+(\S+)/;
    ($r{non2xx}) = $out =~ /Non-2xx or 3xx responses: (\d+)/;
    ($r{errors}) = $out =~ /Socket errors: (.*)/;
    $r{cmds} = $r{requests} ? ($calls1 - $calls0) / $r{requests} : 0;
    die "wrk failed: $out" unless defined $r{rps};
    return \%r;
}

# "1.23ms" / "512.00us" / "1.2s" -> ms
sub lat {
    my ($v) = @_;
    return undef unless defined $v;
    my ($n, $u) = $v =~ /^([\d.]+)(\w+)$/ or return undef;
    return $u eq 'us' ? $n / 1000 : $u eq 'ms' ? $n : $u eq 's' ? $n * 1000 : $n * 60000;
}

sub median {
    my @v = sort { $a <=> $b } grep { defined } @_;
    return undef unless @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# ---------------------------------------------------------------------------
# the runs: each scenario is a list of cases, run in interleaved rounds

my @rows;
my %result;     # "scenario/case" => { rps, p50, p99, cmds, ... } (medians)

sub run_cases {
    my ($scenario, @cases) = @_;
    my %runs;
    for my $round (1 .. $opt{rounds}) {
        for my $c (@cases) {
            my $g = $gw{ $c->{gw} };
            my $r = wrk($g->{port}, $c->{path}, $c->{cookie}, $opt{duration});
            push @{ $runs{ $c->{id} } }, $r;
            printf STDERR "  %-16s round %d %-22s %9.0f req/s  p99 %6.2f ms  %.3f cmd/req%s\n",
                $scenario, $round, $c->{id}, $r->{rps}, $r->{p99} // -1, $r->{cmds},
                $r->{non2xx} ? "  ($r->{non2xx} non-2xx)" : '';
        }
    }
    for my $c (@cases) {
        my $rs = $runs{ $c->{id} };
        my %m = (map({ my $k = $_; ($k => median(map { $_->{$k} } @$rs)) } qw(rps p50 p99 cmds max)),
                 non2xx => median(map { $_->{non2xx} // 0 } @$rs),
                 requests => median(map { $_->{requests} } @$rs));
        $result{"$scenario/$c->{id}"} = { %m, case => $c, scenario => $scenario };
        push @rows, "$scenario/$c->{id}";
    }
}

sub cases {
    my ($mode, $cookie) = @_;
    my $proxy = $mode eq 'proxy';
    my $tag = "$mode" . ($cookie ? '+sid' : '');
    return (
        { id => "plain $tag", gw => 'plain', path => $proxy ? '/proxy/x' : '/static/ok.txt', cookie => $cookie },
        { id => "module $tag", gw => 'module', path => $proxy ? '/proxy/x' : '/static/ok.txt', cookie => $cookie },
        { id => "peer/strict $tag", gw => 'peer', path => $proxy ? '/proxy/strict' : '/strict', cookie => $cookie },
        { id => "peer/cached $tag", gw => 'peer', path => $proxy ? '/proxy/cached' : '/cached', cookie => $cookie },
    );
}

my %rss0;
$rss0{$_} = rss_kib($gw{$_}{workers}[0] // 0) for keys %gw;

printf STDERR "bench: %d rounds of %ss, wrk -t1 -c%d, %d cores; work in %s\n",
    $opt{rounds}, $opt{duration}, $opt{connections}, `nproc` + 0, $DIR;

# warm up every gateway (and the module's connection and state)
set_state();
for my $g (values %gw) {
    wrk($g->{port}, $g->{name} =~ /^peer/ ? '/proxy/strict' : '/proxy/x', 1, 1);
}

# 1. normal traffic
set_state();
run_cases('normal', map { cases($_->[0], $_->[1]) }
                    (['proxy', 1], ['proxy', 0], ['static', 1], ['static', 0]));

# 2. an upcoming window: the notice variable in every response
set_state(window => 'upcoming');
{
    my $r = http_get($gw{module}{port}, '/proxy/x', Cookie => "sid=$SID");
    die "upcoming window: no notice header\n" unless $r->{head} =~ /X-Maint-Notice: Maintenance tonight/;
}
run_cases('upcoming', grep { $_->{gw} ne 'peer' } cases('proxy', 1));

# 3. an active window: the maintenance page, against NGINX serving the same
# bytes as a static file
set_state(window => 'active');
{
    my $r = http_get($gw{module}{port}, '/proxy/x', Cookie => "sid=$SID", Accept => 'text/html');
    die "active window: expected 503, got $r->{status}\n" unless $r->{status} == 503;
    write_file("$gw{plain}{dir}/html/static/maintenance.html", $r->{body});
}
run_cases('active',
    { id => 'plain static page', gw => 'plain', path => '/static/maintenance.html', cookie => 1 },
    { id => 'module maintenance', gw => 'module', path => '/proxy/x', cookie => 1 },
    { id => 'peer/strict 503', gw => 'peer', path => '/proxy/strict', cookie => 1 },
    { id => 'peer/cached 503', gw => 'peer', path => '/proxy/cached', cookie => 1 });
set_state();

# 4. Redis farther away
run_cases('redis+latency',
    { id => 'plain proxy+sid', gw => 'plain', path => '/proxy/x', cookie => 1 },
    { id => 'module proxy+sid', gw => 'module-far', path => '/proxy/x', cookie => 1 },
    { id => 'peer/strict proxy+sid', gw => 'peer-far', path => '/proxy/strict', cookie => 1 },
    { id => 'peer/cached proxy+sid', gw => 'peer-far', path => '/proxy/cached', cookie => 1 });

# 5. Redis stopped: the first requests wait at most the timeout, then the
# failure policy (open) decides at once
# every gateway on the current (window-less) state first
http_get($gw{$_}{port}, '/proxy/x', Cookie => "sid=$SID") for qw(module peer);
kill 'STOP', $redis_pid;
$redis_stopped = 1;
# past the lease of the last read: the next request waits for one
sleep(($LEASE_MS + 1) / 1000);
{
    my $t0 = time;
    my $r = http_get($gw{module}{port}, '/proxy/x', Cookie => "sid=$SID");
    $result{stopped_first} = (time - $t0) * 1000;
}
run_cases('redis stopped',
    { id => 'plain proxy+sid', gw => 'plain', path => '/proxy/x', cookie => 1 },
    { id => 'module proxy+sid', gw => 'module', path => '/proxy/x', cookie => 1 },
    { id => 'peer/cached proxy+sid', gw => 'peer', path => '/proxy/cached', cookie => 1 });
{
    # the peer's strict check: one short run is enough to see it
    my $r = wrk($gw{peer}{port}, '/proxy/strict', 1, $opt{duration});
    $result{'redis stopped/peer/strict proxy+sid'} = { %$r, scenario => 'redis stopped',
                                                        case => { id => 'peer/strict proxy+sid', gw => 'peer' } };
    push @rows, 'redis stopped/peer/strict proxy+sid';
}
kill 'CONT', $redis_pid;
$redis_stopped = 0;
sleep 1;

# 6. memory: a long run on the module, proxy mode with a session cookie
{
    my $g = $gw{module};
    my $w = $g->{workers}[0];
    my $before = rss_kib($w);
    # until the requests are done: a shared machine may run slower now
    # than in the rounds the rate comes from (at most 3 times as long)
    my $rate = $result{'normal/module proxy+sid'}{rps} || 20000;
    my ($requests, $secs, $rps) = (0, 0, 0);
    my $limit = 3 * $opt{'rss-requests'} / $rate + 10;
    while ($requests < $opt{'rss-requests'} && $secs < $limit) {
        my $s = int(($opt{'rss-requests'} - $requests) / $rate * 1.1) + 1;
        my $r = wrk($g->{port}, '/proxy/x', 1, $s);
        $requests += $r->{requests};
        $secs += $s;
        $rps = $r->{rps};
        last unless $r->{requests};
    }
    $result{rss} = { before => $before, after => rss_kib($w), requests => $requests,
                     rps => $rps };
}

my %rss1;
$rss1{$_} = rss_kib($gw{$_}{workers}[0] // 0) for keys %gw;

# ---------------------------------------------------------------------------
# the table

sub ratio {
    my ($a, $b) = @_;
    return '' unless $a && $b && $b > 0;
    return sprintf('%.2f', $a / $b);
}

my @out;
push @out, sprintf('Machine: %s, %d cores; nginx %s; wrk -t1 -c%d, %d rounds of %ss, medians.',
                   (`uname -sr` =~ s/\s+$//r), `nproc` + 0, (`nginx -v 2>&1` =~ m{nginx/(\S+)})[0] // '?',
                   $opt{connections}, $opt{rounds}, $opt{duration});
push @out, "Command: bench/run" . ($opt{quick} ? ' --quick' : '')
         . ($opt{rounds} != 5 ? " --rounds $opt{rounds}" : '')
         . ($opt{lease} != 20 ? " --lease $opt{lease}" : '')
         . " (lease_ms $opt{lease}).";
push @out, '';
push @out, '| scenario | gateway and case | req/s | p50 ms | p99 ms | ×plain | ×strict | ×cached | Redis cmd/req |';
push @out, '|---|---|---:|---:|---:|---:|---:|---:|---:|';

for my $key (@rows) {
    my $r = $result{$key};
    my ($scenario, $id) = ($r->{scenario}, $r->{case}{id});
    my ($tag) = $id =~ / (\S+)$/;
    my $plain = $scenario eq 'active' ? $result{'active/plain static page'}
              : $result{"$scenario/plain $tag"} // $result{"$scenario/plain proxy+sid"};
    my $strict = $result{"$scenario/peer/strict $tag"};
    my $cached = $result{"$scenario/peer/cached $tag"};
    if ($scenario eq 'active') {
        $strict = $result{'active/peer/strict 503'};
        $cached = $result{'active/peer/cached 503'};
    }
    push @out, sprintf('| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s | %.3f |',
                       $scenario, $id, $r->{rps}, $r->{p50} // 0, $r->{p99} // 0,
                       ratio($r->{rps}, $plain && $plain->{rps}),
                       ratio($r->{rps}, $strict && $strict->{rps}),
                       ratio($r->{rps}, $cached && $cached->{rps}),
                       $r->{cmds} // 0);
}

push @out, '';
push @out, '| worker RSS (KiB) | start | end |';
push @out, '|---|---:|---:|';
push @out, sprintf('| %s | %d | %d |', $_, $rss0{$_}, $rss1{$_}) for sort keys %gw;

# ---------------------------------------------------------------------------
# the targets

my $m = $result{'normal/module proxy+sid'};
my $p = $result{'normal/plain proxy+sid'};
my $s = $result{'normal/peer/strict proxy+sid'};
my $c = $result{'normal/peer/cached proxy+sid'};
my $sm = $result{'redis stopped/module proxy+sid'};
my $sp = $result{'redis stopped/plain proxy+sid'};
my $am = $result{'active/module maintenance'};
my $ap = $result{'active/plain static page'};
my $rss = $result{rss};
my $growth = ($rss->{after} - $rss->{before}) / 1024;

my @targets = (
    [ sprintf('module ≥ 0.90 × plain (proxy, session cookie): %.3f', $m->{rps} / $p->{rps}),
      $m->{rps} >= 0.90 * $p->{rps} ],
    [ sprintf('module ≥ 2.0 × peer /strict: %.2f', $m->{rps} / $s->{rps}), $m->{rps} >= 2 * $s->{rps} ],
    [ sprintf('module ≥ 1.0 × peer /cached (not fresh): %.2f', $m->{rps} / $c->{rps}),
      $m->{rps} >= $c->{rps} ],
    [ sprintf('Redis commands per request ≤ 0.1: %.3f', $m->{cmds}), $m->{cmds} <= 0.1 ],
    [ sprintf('p99 ≤ plain p99 + 1 ms: %.2f ms vs %.2f ms', $m->{p99}, $p->{p99}),
      $m->{p99} <= $p->{p99} + 1 ],
    [ sprintf('worker RSS growth < 1 MiB over %d requests: %+.2f MiB (%d → %d KiB)',
              $rss->{requests}, $growth, $rss->{before}, $rss->{after}),
      $growth < 1 && $rss->{requests} >= $opt{'rss-requests'} ],
    [ sprintf('Redis stopped: first request %.0f ms, slowest %.0f ms ≤ timeout 100 ms (+ 20 ms slack)',
              $result{stopped_first}, $sm->{max} // 0),
      $result{stopped_first} <= 120 && ($sm->{max} // 0) <= 120 ],
    [ sprintf('Redis stopped, policy engaged: module ≥ 0.9 × plain: %.3f', $sm->{rps} / $sp->{rps}),
      $sm->{rps} >= 0.9 * $sp->{rps} ],
    [ sprintf('maintenance page ≥ 0.9 × the same bytes as a static file: %.3f', $am->{rps} / $ap->{rps}),
      $am->{rps} >= 0.9 * $ap->{rps} ],
);

push @out, '';
push @out, '| target | met |';
push @out, '|---|---|';
push @out, sprintf('| %s | %s |', $_->[0], $_->[1] ? 'yes' : '**no**') for @targets;

my $text = join("\n", @out) . "\n";
print $text;
make_path(dirname($opt{out}));
write_file($opt{out}, $text);
print STDERR "written to $opt{out}\n";

exit(grep({ !$_->[1] } @targets) ? 1 : 0);
