#!/usr/bin/env perl
# Runs every test: the C unit tests (cmocka, TAP output) and the integration
# tests in t/, through one TAP harness, and ends with "N passed, N failed"
# (assertions).  Arguments, if any, select test files.
#
# Before it starts it reaps servers a killed earlier run may have left
# behind: the harness records every pid it spawns in t/servroot/pids
# (MAINT_SERVROOT, if set, names another directory: runs side by side).

use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(remove_tree make_path);
use TAP::Harness;

my $root = abs_path(dirname(__FILE__) . '/..');
chdir $root or die "$root: $!";

my $servroot = $ENV{MAINT_SERVROOT} || "$root/t/servroot";

if (open(my $f, '<', "$servroot/pids")) {
    while (<$f>) {
        my ($pid) = /^(\d+) / or next;
        open(my $c, '<', "/proc/$pid/cmdline") or next;
        my $cmd = <$c> // '';
        close $c;
        next unless $cmd =~ /^(redis-server|redis-sentinel|nginx)/;
        my $cwd = readlink("/proc/$pid/cwd") // '';
        next unless $cmd =~ /\Q$servroot\E/ || $cwd =~ /^\Q$servroot\E/;
        kill 'KILL', $pid;
        print "reaped a leftover $1 (pid $pid)\n";
    }
    close $f;
}

remove_tree($servroot);
make_path($servroot);

# MAINT_BUILD: where the unit tests are (build/asan for scripts/test.sh --asan)
my $build = $ENV{MAINT_BUILD} || 'build';
my @tests = @ARGV ? @ARGV : (sort(glob("$build/tests/test_*")), sort(glob('t/*.t')));
@tests = grep { !/\.(c|o|dSYM)$/ } @tests;

$ENV{CMOCKA_MESSAGE_OUTPUT} = 'TAP';

my $harness = TAP::Harness->new({
    verbosity => $ENV{TEST_VERBOSE} ? 1 : 0,
    lib => ["$root/t/lib"],
    exec => sub {
        my ($h, $file) = @_;
        return $file =~ /\.t$/ ? undef : [$file];
    },
    timer => 1,
});

my $agg = $harness->runtests(@tests);

my ($passed, $failed) = (0, 0);
my @bad;        # "file: what failed", for the summary at the very end

for my $desc ($agg->descriptions) {
    my ($p) = $agg->parsers($desc);
    my @f = $p->failed;
    $passed += scalar $p->passed;
    $failed += @f;
    push @bad, "$desc: assertions " . join(', ', @f) . " failed" if @f;

    # a crash, a wrong plan or a bad exit is a failure even if no
    # assertion said so
    if (!@f && $p->has_problems) {
        $failed++;
        push @bad, sprintf('%s: exit %s, %d of %s planned ran', $desc,
                           $p->exit // '?', $p->tests_run,
                           $p->tests_planned // '?');
    }
}

# Under valgrind (scripts/test.sh --valgrind) the verdict is valgrind's:
# at its speed timing and freshness assertions cannot hold, so they are
# only reported; each process it watched is a check, failed by an invalid
# access, an uninitialised value or a definite leak of ours
# (MaintTest::valgrind_reports).
if ($ENV{MAINT_VALGRIND}) {
    require lib;
    lib->import("$root/t/lib");
    require MaintTest;
    my ($clean, @found) = (0);
    for my $dir (sort glob("$servroot/*")) {
        my @logs = glob("$dir/valgrind.*.log") or next;
        my @v = MaintTest::valgrind_reports($dir);
        push @found, @v;
        $clean += @logs - @v;
    }
    print "suite assertions under valgrind: $passed passed, $failed failed "
        . "(not the verdict)\n";
    print "valgrind findings:\n", join("\n", @found), "\n" if @found;
    print "valgrind, one check per process it watched:\n";
    ($passed, $failed) = ($clean, scalar @found);
    @bad = @found;
    # nothing watched (valgrind missing, nothing started) is no verdict
    unless ($clean + @found) {
        print "valgrind watched no process\n";
        $failed = 1;
    }
}

# scripts/test.sh runs the suite in several passes and sums: each pass is
# labelled and leaves in MAINT_SUMMARY its counts, then a line per test
# file that failed, so that the run's last lines say where it failed
if ($ENV{MAINT_SUMMARY}) {
    open(my $f, '>', $ENV{MAINT_SUMMARY}) or die "$ENV{MAINT_SUMMARY}: $!";
    print {$f} "$passed $failed\n", map { "$_\n" } @bad;
    close $f;
}

print $ENV{MAINT_PASS} ? "$ENV{MAINT_PASS}: " : '', "$passed passed, $failed failed\n";
exit($failed ? 1 : 0);
