# `nginx -t` accepts good configurations and rejects bad directive values
# with a message that names the directive (and never echoes a password).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use File::Temp qw(tempdir);

ok(-f $MODULE, "module built at $MODULE");

my $tmp = tempdir(CLEANUP => 1);
open(my $f, '>', "$tmp/bad.html") or die;
print {$f} "<h1>{{title}}</h1>\n<p>{{ nope }}</p>\n";
close $f;
open($f, '>', "$tmp/open.html") or die;
print {$f} "<h1>{{title</h1>\n";
close $f;
open($f, '>', "$tmp/good.html") or die;
print {$f} "<h1>{{ title }}</h1><p>{{message}}</p>\n";
close $f;

my $srv = "server { listen 127.0.0.1:%%PORT%%; location / { maint on; } }";

my @good = (
    [ 'minimal', "maint_redis 127.0.0.1:6379; $srv" ],
    [ 'every parameter',
      'maint_redis 127.0.0.1:6379 db=3 user=gw password=s3cret '
      . 'connect_timeout=150ms timeout=80ms backoff=50ms:2s prefix=acme:maint: '
      . "heartbeat=15s; $srv" ],
    [ 'host name resolved at configuration time', "maint_redis localhost:6379; $srv" ],
    [ 'default port', "maint_redis 127.0.0.1; $srv" ],
    [ 'unix socket', "maint_redis unix:/run/redis/redis.sock; $srv" ],
    [ 'every location directive',
      "maint_redis 127.0.0.1:6379 heartbeat=off;
       server { listen 127.0.0.1:%%PORT%%;
         maint on; maint_app crm; maint_api on; maint_status_code 429;
         maint_page $tmp/good.html; maint_on_redis_error closed stale=30s;
         maint_max_staleness 250ms; maint_on_upstream_error on;
         location /m { maint off; maint_metrics; }
         location /p { maint_page off; maint_on_redis_error open stale=off; } }" ],
    [ 'module loaded, nothing used', "server { listen 127.0.0.1:%%PORT%%; }" ],
    [ 'automatic activation without maint_redis',
      "server { listen 127.0.0.1:%%PORT%%; maint_on_upstream_error on; }" ],
);

for my $g (@good) {
    my ($rc, $out) = nginx_t($g->[1]);
    is($rc, 0, "accepted: $g->[0]") or diag($out);
}

my @bad = (
    [ 'maint on without maint_redis', $srv,
      qr/"maint on" requires a "maint_redis" directive/ ],
    [ 'unknown maint_redis parameter', "maint_redis 127.0.0.1:6379 bogus=1; $srv",
      qr/invalid parameter "bogus=1" in "maint_redis"/ ],
    [ 'bad port', "maint_redis 127.0.0.1:99999; $srv",
      qr/invalid port in "maint_redis" address "127\.0\.0\.1:99999"/ ],
    [ 'zero timeout', "maint_redis 127.0.0.1:6379 timeout=0; $srv",
      qr/invalid "timeout" value "0" in "maint_redis", it must be a time between 1ms and 60s/ ],
    [ 'bad connect_timeout', "maint_redis 127.0.0.1:6379 connect_timeout=soon; $srv",
      qr/invalid "connect_timeout" value "soon"/ ],
    [ 'backoff upside down', "maint_redis 127.0.0.1:6379 backoff=5s:1s; $srv",
      qr/invalid parameter "backoff=5s:1s" in "maint_redis"/ ],
    [ 'heartbeat too often', "maint_redis 127.0.0.1:6379 heartbeat=100ms; $srv",
      qr/invalid parameter "heartbeat=100ms"/ ],
    [ 'bad prefix', "maint_redis 127.0.0.1:6379 prefix=a/b; $srv",
      qr/invalid "prefix" "a\/b" in "maint_redis"/ ],
    [ 'bad db', "maint_redis 127.0.0.1:6379 db=x; $srv",
      qr/invalid parameter "db=x" in "maint_redis"/ ],
    [ 'duplicate maint_redis', "maint_redis 127.0.0.1:6379; maint_redis 127.0.0.1:6380; $srv",
      qr/"maint_redis" directive is duplicate/ ],
    [ 'maint_redis in a server', "server { listen 127.0.0.1:%%PORT%%; maint_redis 127.0.0.1; }",
      qr/"maint_redis" directive is not allowed here/ ],
    [ 'maint not a flag', "maint_redis 127.0.0.1; server { listen 127.0.0.1:%%PORT%%; maint yes; }",
      qr/invalid value "yes" in "maint" directive, it must be "on" or "off"/ ],
    [ 'bad app name', "maint_redis 127.0.0.1; server { listen 127.0.0.1:%%PORT%%; maint_app 'a b'; }",
      qr/invalid app name "a b" in "maint_app"/ ],
    [ 'status code not an error', "server { listen 127.0.0.1:%%PORT%%; maint_status_code 200; }",
      qr/"maint_status_code" directive must be a status code between 400 and 599/ ],
    [ 'status code not a number', "server { listen 127.0.0.1:%%PORT%%; maint_status_code abc; }",
      qr/"maint_status_code" directive invalid number/ ],
    [ 'unknown policy', "server { listen 127.0.0.1:%%PORT%%; maint_on_redis_error maybe; }",
      qr/invalid value "maybe" in "maint_on_redis_error", it must be "open" or "closed"/ ],
    [ 'bad stale', "server { listen 127.0.0.1:%%PORT%%; maint_on_redis_error open stale=later; }",
      qr/invalid stale time "later" in "maint_on_redis_error"/ ],
    [ 'bad policy parameter', "server { listen 127.0.0.1:%%PORT%%; maint_on_redis_error open max=1s; }",
      qr/invalid parameter "max=1s" in "maint_on_redis_error", expected "stale=TIME"/ ],
    [ 'bad max staleness', "server { listen 127.0.0.1:%%PORT%%; maint_max_staleness often; }",
      qr/"maint_max_staleness" directive invalid value/ ],
    [ 'missing template', "server { listen 127.0.0.1:%%PORT%%; maint_page $tmp/none.html; }",
      qr/"maint_page" cannot open "\Q$tmp\E\/none\.html"/ ],
    [ 'unknown placeholder', "server { listen 127.0.0.1:%%PORT%%; maint_page $tmp/bad.html; }",
      qr/invalid template "\Q$tmp\E\/bad\.html" in "maint_page": unknown placeholder "\{\{nope\}\}" at line 2/ ],
    [ 'unterminated placeholder', "server { listen 127.0.0.1:%%PORT%%; maint_page $tmp/open.html; }",
      qr/unterminated "\{\{" at line 1/ ],
    [ 'metrics outside a location', "server { listen 127.0.0.1:%%PORT%%; maint_metrics; }",
      qr/"maint_metrics" directive is not allowed here/ ],
);

for my $b (@bad) {
    my ($rc, $out) = nginx_t($b->[1]);
    isnt($rc, 0, "rejected: $b->[0]");
    like($out, qr/\[emerg\].*$b->[2]/, "message: $b->[0]") or diag($out);
    like($out, qr/nginx\.conf:\d+/, "message names the line: $b->[0]");
}

# a password never appears in an error message
{
    my ($rc, $out) = nginx_t("maint_redis 127.0.0.1:6379 password=hunter2 db=x; $srv");
    isnt($rc, 0, 'bad line with a password rejected');
    unlike($out, qr/hunter2/, 'the password is not echoed');
}

done_testing();
