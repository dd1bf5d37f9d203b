# The admin page and the edge pages in a real browser: Debian's chromium,
# driven headless by playwright-core (t/browser/, pinned by its
# package-lock.json; no browser download), against a real maint-admind,
# Redis, and nginx with the module in front of the sample app.  The Node
# side (t/browser/run.mjs) reports each check as one line; each becomes one
# assertion here.  Screenshots go to build/artefacts/browser/.  Without
# chromium, node or playwright-core it fails (not bails out: the other
# test files still run).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use CheckServer;
use Test::More;
use JSON::PP;
use File::Path qw(make_path);

my $dir = "$ROOT/t/browser";
my ($chromium, $missing) = browser_tools();
ok($chromium, 'chromium, node and playwright-core are there')
    or do { diag("missing: $missing"); done_testing(); exit 1 };

my $redis = start_redis();
# two custom prechecks for the window detail's checks (t/browser/detail.mjs)
# against a real HTTP service: "backups" fails, its body lacking a text
# that would be markup if the page parsed it, and "db-lag" passes.  The
# browser run is many people at once from one address (separate browser
# contexts, up to six connections each), as an office behind one NAT is:
# sized for them as docs/admin-api.md says
my $check_server = CheckServer->new_started;
my $admin = start_admin(redis => $redis, extra => join('',
    "max_connections_per_client 64\n",
    'precheck backups ' . $check_server->url('/nobody')
        . " body=\"<b>now</b>\" apps=detail-app3,detail-app4\n",
    'precheck db-lag ' . $check_server->url('/pass') . " apps=detail-app3,detail-app4\n"));
my ($app_port) = start_app();

my $banner = do {
    open(my $f, '<', "$ROOT/ngx_maint_module/ngx_maint_directives.c") or die $!;
    local $/;
    my $src = <$f>;
    $src =~ /"maint_banner"/ ? 1 : 0;
};

my %vars = (APP => $app_port, BANNER => $banner ? 'maint_banner on;' : '');
my $nginx = start_nginx(redis => $redis, vars => \%vars, http => <<'HTTP');
    maint_redis 127.0.0.1:%%REDIS_PORT%% heartbeat=1s;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name localhost;
        maint on;
        maint_app crm;
        maint_session_cookie sid;
        maint_session_user $upstream_http_x_user;
        %%BANNER%%

        location / { proxy_pass http://127.0.0.1:%%APP%%; }
    }
HTTP

my $artefacts = "$ROOT/build/artefacts/browser";
make_path($artefacts);

my %env = (
    ADMIN_URL     => $admin->url,
    ADMIN_TOKEN   => $admin->token('admin'),
    VIEWER_TOKEN  => $admin->token('viewer'),
    GATEWAY_URL   => 'http://127.0.0.1:' . $nginx->port,
    APP           => 'crm',
    ARTEFACTS     => $artefacts,
    CHROMIUM      => $chromium,
    BANNER        => $banner,
);

my $out = "$MaintTest::SERVROOT/300-browser-$$.out";
{
    local @ENV{ keys %env } = values %env;
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>', $out) or POSIX::_exit(127);
        open(STDERR, '>&', \*STDOUT);
        exec('node', "$dir/run.mjs") or POSIX::_exit(127);
    }
    $MaintTest::children{$pid} = 'node';
    waitpid($pid, 0);
    delete $MaintTest::children{$pid};
    is($? >> 8, 0, 'the browser run exited 0');
}

# one assertion per check the browser run reported
open(my $f, '<', $out) or die "$out: $!";
my ($checks, $done, @other) = (0, 0);
while (my $line = <$f>) {
    if ($line =~ /^CHECK (\{.*\})$/) {
        my $c = decode_json($1);
        $checks++;
        ok($c->{ok}, "browser: $c->{name}") or diag($c->{detail} // '');
    } elsif ($line =~ /^DONE (\d+)$/) {
        $done = $1;
    } else {
        push @other, $line;
    }
}
close $f;

ok($done && $done == $checks,
   "the browser run finished and reported every check ($checks)")
    or diag(join '', @other[0 .. ($#other > 40 ? 40 : $#other)]);
ok($checks >= 20, 'the browser run made its checks');

my @shots = glob("$artefacts/*.png");
ok(@shots >= 8, 'screenshots saved under build/artefacts/browser/ ('
               . scalar(@shots) . ')');

check_error_log($nginx);
$check_server->stop;

done_testing();
