package BenchLib;
# What the benchmarks share: the module at another revision, Redis's
# command counters.

use strict;
use warnings;
use Exporter qw(import);
use File::Path qw(make_path remove_tree);
use File::Basename qw(dirname);
use File::Spec;

our @EXPORT_OK = qw(build_before commandstats total);

my $ROOT = File::Spec->rel2abs(dirname(__FILE__) . '/..');

# The module at git revision $rev, built from `git archive` under
# build/bench/before-REV (kept for the next run); its .so
sub build_before {
    my ($rev) = @_;
    my $dir = "$ROOT/build/bench/before-$rev";
    my $so = "$dir/build/ngx_maint_module.so";
    return $so if -e $so;
    remove_tree($dir);
    make_path($dir);
    system("cd '$ROOT' && git archive '$rev' | tar -x -C '$dir'") == 0
        or die "git archive $rev failed\n";
    system("make -s -C '$dir' module >'$dir/build.log' 2>&1") == 0
        or die "building $rev failed: see $dir/build.log\n";
    return $so;
}

# Redis's calls per command so far (INFO commandstats), without the
# benchmark's own INFO and CONFIG
sub commandstats {
    my ($redis) = @_;
    my $info = $redis->cmd('INFO', 'commandstats');
    my %n;
    while ($info =~ /^cmdstat_(\w+):calls=(\d+)/mg) {
        $n{$1} = $2 unless $1 eq 'info' || $1 eq 'config';
    }
    return \%n;
}

sub total { my $n = 0; $n += $_ for values %{ $_[0] }; $n }

1;
