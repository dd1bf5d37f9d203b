#!/usr/bin/env perl
# The structure rules of docs/architecture.md, checked from what the
# compiler and the linker see, not from reading names:
#
#   1. no cycles between files: a file and its header are one unit; unit A
#      depends on unit B when A includes B's header (gcc -MM) or calls or
#      reads a symbol B defines (nm: A's object leaves it undefined, B's
#      defines it); every strongly connected set of more than one unit is
#      a cycle, printed with the edges that close it;
#   2. no source file over 1000 lines;
#   3. no function over 120 lines (Universal Ctags' start and end lines);
#      data tables are variables, not functions, and are not counted;
#   4. in the module, ngx_config.h comes before any other header, as NGINX
#      requires (it sets the feature macros the system headers read: a
#      glibc that hides in6_pktinfo otherwise fails only some builds): the
#      first header each file names is ngx_config.h or one of the module's
#      own, whose first is ngx_config.h in turn.
#
# Usage: scripts/check-structure.pl [--list] [--tree DIR]  (after make all)
#   --list       also print every unit's dependencies
#   --tree DIR   check another tree laid out alike (t/005-structure.t
#                gives it one with known faults)
# Exits 0 when all holds, 1 otherwise.
use strict;
use warnings;
use File::Temp qw(tempdir);
use FindBin;
use Getopt::Long;

my ($list, $tree) = (0, "$FindBin::Bin/..");
GetOptions('list' => \$list, 'tree=s' => \$tree) or exit 2;
chdir $tree or die "$tree: $!\n";
my $MAX_FILE = 1000;
my $MAX_FUNC = 120;

# The parts and how each is compiled (the Makefile's and config's flags).
my $ngx = 'build/nginx';
-d "$ngx/objs" || !glob('ngx_maint_module/*.c')
    or die "$ngx/objs is missing: run `make all` first\n";
# NGINX's include directories as its configure chose them (QUIC, HTTP/3
# and others come and go with the version and its options)
my @ngx_inc;
if (open my $mk, '<', "$ngx/objs/Makefile") {
    local $/;
    my ($incs) = <$mk> =~ /^ALL_INCS\s*=\s*((?:.*\\\n)*.*)$/m;
    @ngx_inc = map { m{^/} ? "-I$_" : "-I$ngx/$_" }
               grep { $_ ne '-I' && $_ ne '\\' } split ' ', $incs // '';
}
my @parts = (
    [ 'core',     [ glob('core/*.c') ],           [ '-Icore' ] ],
    [ 'module',   [ glob('ngx_maint_module/*.c') ],
                  [ '-Ingx_maint_module', '-Icore', @ngx_inc ] ],
    [ 'admin',    [ glob('admin-api/*.c admin-api/*/*.c') ],
                  [ '-D_GNU_SOURCE', '-Iadmin-api', '-Icore',
                    map { "-I$_" } grep { -d } glob('admin-api/*') ] ],
    [ 'maintctl', [ glob('maintctl/*.c') ], [ '-Imaintctl', '-Icore' ] ],
);
my $tls = -e 'build/hiredis-ssl.yes';

my $tmp = tempdir(CLEANUP => 1);
my (%deps, %why, %defs, %undef);

sub unit { my $f = shift; $f =~ s/\.[ch]$//; return $f }

my $n = 0;
for my $p (@parts) {
    my ($part, $srcs, $flags) = @$p;
    my @f = (@$flags, $tls ? ('-DNGX_MAINT_HAVE_HIREDIS_SSL=1',
                              '-DMAINT_HAVE_HIREDIS_SSL=1') : ());
    for my $c (@$srcs) {
        next if !$tls && $c =~ /maint_tls\.c$/;
        my $u = unit($c);
        $deps{$u} //= {};
        # includes: the project's own headers only
        my $mm = `gcc -MM @f $c 2>&1`;
        $? == 0 or die "gcc -MM $c:\n$mm";
        $mm =~ s/\\\n//g;
        $mm =~ s/^[^:]*://;
        for my $h (split ' ', $mm) {
            next if $h eq $c || $h =~ m{^(/|build/)};
            next unless $h =~ /\.(h|def)$/;
            my $hu = unit($h);
            next if $hu eq $u;
            $deps{$u}{$hu} = 1;
            push @{ $why{"$u $hu"} }, "includes $h";
            $deps{$hu} //= {};
        }
        # symbols
        my $o = "$tmp/" . ++$n . '.o';
        my $err = `gcc -c -O0 -w @f -o $o $c 2>&1`;
        $? == 0 or die "gcc -c $c:\n$err";
        for (`nm $o`) {
            if (/^\s+U (\S+)/) { push @{ $undef{$u} }, $1 }
            elsif (/^\S+ [TDBRC] (\S+)/) { $defs{$1} = $u }
        }
    }
}

# a header's unit depends on what its own file defines only through the
# file; a header without a file of its own (module.h, admin.h) stays a unit
for my $u (keys %undef) {
    for my $s (@{ $undef{$u} }) {
        my $v = $defs{$s} or next;
        next if $v eq $u;
        $deps{$u}{$v} = 1;
        push @{ $why{"$u $v"} }, "calls $s";
    }
}

# Tarjan's strongly connected components
my ($index, @stack, %idx, %low, %on, @sccs) = (0);
sub strong {
    my $v = shift;
    $idx{$v} = $low{$v} = $index++;
    push @stack, $v; $on{$v} = 1;
    for my $w (sort keys %{ $deps{$v} }) {
        if (!defined $idx{$w}) {
            strong($w);
            $low{$v} = $low{$w} if $low{$w} < $low{$v};
        } elsif ($on{$w}) {
            $low{$v} = $idx{$w} if $idx{$w} < $low{$v};
        }
    }
    if ($low{$v} == $idx{$v}) {
        my @c;
        while (1) { my $w = pop @stack; $on{$w} = 0; push @c, $w;
                    last if $w eq $v }
        push @sccs, [ sort @c ] if @c > 1;
    }
}
strong($_) for grep { !defined $idx{$_} } sort keys %deps;

my $bad = 0;
if ($list) {
    for my $u (sort keys %deps) {
        print "$u -> ", join(' ', sort keys %{ $deps{$u} }), "\n";
    }
}
for my $c (@sccs) {
    $bad++;
    my %in = map { $_ => 1 } @$c;
    print "cycle: @$c\n";
    for my $u (@$c) {
        for my $v (sort grep { $in{$_} } keys %{ $deps{$u} }) {
            my @w = @{ $why{"$u $v"} };
            my $more = @w > 3 ? ', ...' : '';
            print "    $u -> $v (", join(', ', @w[0 .. ($#w > 2 ? 2 : $#w)]),
                  "$more)\n";
        }
    }
}

# rule 4, from the text: the first #include of every module file
for my $f (sort glob('ngx_maint_module/*.[ch]')) {
    open my $fh, '<', $f or die "$f: $!";
    while (<$fh>) {
        next unless /^#\s*include\s*([<"])([^>"]+)/;
        my ($kind, $h) = ($1, $2);
        unless (($kind eq '<' && $h eq 'ngx_config.h')
                || ($kind eq '"' && $h =~ /^ngx_maint_\w+\.h$/))
        {
            $bad++;
            print "ngx_config.h not first: $f includes $h first\n";
        }
        last;
    }
}

my @all = map { @{ $_->[1] } } @parts;
push @all, map { glob } qw(core/*.h ngx_maint_module/*.h admin-api/*.h
                           admin-api/*/*.h maintctl/*.h);
for my $f (sort @all) {
    open my $fh, '<', $f or die "$f: $!";
    my $lines = () = <$fh>;
    if ($lines > $MAX_FILE) {
        $bad++;
        print "long file: $f has $lines lines (at most $MAX_FILE)\n";
    }
}

my @c = grep { /\.c$/ } @all;
for (`ctags -x --c-kinds=f --_xformat='%N %n %{end} %F' @c`) {
    my ($name, $start, $end, $file) = split;
    next unless $end && $end =~ /^\d+$/;
    my $len = $end - $start + 1;
    if ($len > $MAX_FUNC) {
        $bad++;
        print "long function: $file:$start $name, $len lines",
              " (at most $MAX_FUNC)\n";
    }
}

my $units = keys %deps;
print "structure: $units units, ", scalar(@sccs), " cycles, ",
      $bad - @sccs, " other findings (long files or functions, include",
      " order)\n";
exit($bad ? 1 : 0);
