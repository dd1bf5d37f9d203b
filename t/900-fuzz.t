# The libFuzzer harnesses (tests/fuzz/, make fuzz-build): each replays its
# committed corpus, the inputs that once broke something among them, then
# fuzzes for a few seconds (MAINT_FUZZ_SECONDS, default 3) from it.  Any
# crash, sanitizer report or broken property fails; the input is left in
# build/fuzz/crash/.  Skipped when clang or libFuzzer is not installed.

use strict;
use warnings;
use lib 't/lib';
use MaintTest;
use Test::More;

chdir $ROOT or die "$ROOT: $!";

my $seconds = $ENV{MAINT_FUZZ_SECONDS} // 3;

mkdir 'build/fuzz';
open(my $probe, '>', 'build/fuzz/probe.c') or die $!;
print {$probe} "int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n";
close $probe;
plan skip_all => 'clang with libFuzzer is not installed'
    if system('clang -fsanitize=fuzzer -o build/fuzz/probe build/fuzz/probe.c '
              . '>/dev/null 2>&1');

is(system('make -s -j2 fuzz-build >build/fuzz-build.log 2>&1'), 0, 'the harnesses build')
    or BAIL_OUT(`tail -30 build/fuzz-build.log`);

my @names = map { m{tests/fuzz/fuzz_(\w+)\.c$} } sort glob('tests/fuzz/fuzz_*.c');
ok(@names >= 6, 'every harness found: ' . join(', ', @names));

mkdir 'build/fuzz/crash';

for my $n (@names) {
    my @corpus = glob("tests/fuzz/corpus/$n/*");
    ok(@corpus, "$n: a seed corpus is committed");

    my $log = "build/fuzz/replay_$n.log";
    is(system("build/fuzz/fuzz_$n @corpus >$log 2>&1"), 0,
       "$n: its corpus (" . scalar(@corpus) . ' inputs) replays cleanly')
        or diag(`tail -40 $log`);

    my $work = "build/fuzz/work/$n";
    system('mkdir', '-p', $work);
    $log = "build/fuzz/fuzz_$n.log";
    # the admin API's bodies: as large as the daemon takes (64 KiB)
    my $len = $n =~ /^admin_/ ? 65536 : 8192;
    my $rc = system("build/fuzz/fuzz_$n -max_total_time=$seconds -timeout=10 "
                    . "-rss_limit_mb=2048 -max_len=$len -print_final_stats=1 "
                    . "-dict=tests/fuzz/fuzz.dict "
                    . "-artifact_prefix=build/fuzz/crash/$n- $work "
                    . "tests/fuzz/corpus/$n >$log 2>&1");
    my ($runs) = `grep -h number_of_executed_units $log` =~ /(\d+)/;
    is($rc, 0, "$n: ${seconds}s of fuzzing, " . ($runs // 0) . ' inputs, no finding')
        or diag(`grep -v '^#' $log | tail -40`);
    ok(($runs // 0) > 100, "$n: the fuzzer really ran");
}

done_testing;
