# The structure rules of docs/architecture.md hold for the tree as built:
# no cycles between files (includes and linked symbols), no file over 1000
# lines, no function over 120, ngx_config.h first in the module's files
# (scripts/check-structure.pl).  The checker is
# first shown a small tree with one fault of each kind, so a checker that
# found nothing could not pass.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use MaintTest;
use Test::More;
use File::Temp qw(tempdir);
use File::Path qw(make_path);

plan skip_all => 'needs Universal Ctags (scripts/install-deps.sh --tests)'
    unless `ctags --version 2>/dev/null` =~ /Universal Ctags/;

my $check = "$ROOT/scripts/check-structure.pl";

sub put {
    my ($path, $text) = @_;
    open(my $f, '>', $path) or die "$path: $!";
    print {$f} $text;
    close $f;
}

# a.c calls b(), b.c includes a.h: a cycle of two units; c.c is long and
# holds a long function; d.c depends on a but nothing depends on d
my $t = tempdir(CLEANUP => 1);
make_path("$t/core");
put("$t/core/a.h", "int a(void);\n");
put("$t/core/b.h", "int b(void);\n");
put("$t/core/a.c", "#include \"a.h\"\n#include \"b.h\"\nint a(void) { return b(); }\n");
put("$t/core/b.c", "#include \"a.h\"\n#include \"b.h\"\nint b(void) { return 1; }\n");
put("$t/core/c.c", "int c(void)\n{\n    int x = 0;\n"
    . ("    x++;\n" x 130) . "    return x;\n}\n" . ("/* filler */\n" x 880));
put("$t/core/d.c", "#include \"a.h\"\nint d(void) { return a(); }\n");
make_path("$t/ngx_maint_module");
put("$t/ngx_maint_module/ngx_maint_x.h", "#include <stddef.h>\n");

my $out = `$check --tree $t 2>&1`;
isnt($? >> 8, 0, 'a tree with faults: the checker fails');
like($out, qr{^cycle: core/a core/b$}m, 'the include-and-call cycle a <-> b found');
like($out, qr{core/a -> core/b \(includes core/b\.h, calls b\)}, 'its edges named: a includes b.h and calls b');
like($out, qr{core/b -> core/a \(includes core/a\.h\)}, 'b includes a.h');
unlike($out, qr{cycle:.*core/d}, 'd, which only depends, is in no cycle');
like($out, qr{^long file: core/c\.c has 1015 lines}m, 'the 1015-line file found');
like($out, qr{^long function: core/c\.c:1 c, 135 lines}m, 'the 135-line function found');
like($out, qr{^ngx_config\.h not first: ngx_maint_module/ngx_maint_x\.h includes stddef\.h first$}m,
     'a module header naming a system header before ngx_config.h found');

# the project itself
$out = `$check 2>&1`;
my $rc = $? >> 8;
my @cycles = $out =~ /^(cycle: .*)$/mg;
my @files = $out =~ /^(long file: .*)$/mg;
my @funcs = $out =~ /^(long function: .*)$/mg;
my @order = $out =~ /^(ngx_config\.h not first: .*)$/mg;
ok(!@cycles, 'no cycles between files') or diag($out);
ok(!@files, 'no source file over 1000 lines') or diag(join "\n", @files);
ok(!@funcs, 'no function over 120 lines') or diag(join "\n", @funcs);
ok(!@order, "the module's files name ngx_config.h first") or diag(join "\n", @order);
is($rc, 0, 'scripts/check-structure.pl exits 0') or diag($out);
like($out, qr/^structure: \d+ units, 0 cycles, 0 other findings/m, 'its summary line');

done_testing();
