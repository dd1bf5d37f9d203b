package MaintNotify;

# MaintNotify: the receivers of the notification tests.  Starts the real
# SMTP server (t/lib/smtp_sink.py, Debian's python3-aiosmtpd) and the
# webhook receiver (t/lib/webhook_sink.py) on loopback ports, through
# MaintTest's spawner so that they are stopped by pid with everything else
# the test started; reads what they received (messages parsed by
# t/lib/mail_inspect.py, webhook requests as records with their signature
# verdict); waits for conditions on them and on the admin API's delivery
# state with a deadline; counts events, attempts and duplicates.

use strict;
use warnings;

use Exporter qw(import);
use File::Basename qw(basename);
use JSON::PP;
use MaintCerts;
use MaintTest ();
use Test::More ();
use Time::HiRes qw(time);

our @EXPORT = qw(
    start_smtp_sink start_webhook_sink inspect_mail python3_has
    deliveries delivery wait_deliveries webhook_summary
);

our $PYTHON = $ENV{MAINT_PYTHON3} || '/usr/bin/python3';
my $LIB = "$MaintTest::ROOT/t/lib";

# python3_has('aiosmtpd', 'icalendar'): true when Debian's python3 can
# import every module named (the tests skip, naming the package, if not)
sub python3_has {
    my $imports = join(', ', @_);
    return system("$PYTHON -c 'import $imports' 2>/dev/null") == 0;
}

sub _read {
    my ($file) = @_;
    open(my $f, '<', $file) or return '';
    local $/;
    my $v = <$f>;
    return $v // '';
}

# the "ready port N" line a sink prints once it listens
sub _wait_ready {
    my ($what, $log, $pid) = @_;
    my $port;
    MaintTest::wait_until(sub {
        die "$what exited\n" unless kill 0, $pid;
        ($port) = _read($log) =~ /^\S+ ready port (\d+)/m;
        $port;
    }, 10, "$what ready") or do {
        Test::More::diag("$what did not start:\n" . _read($log));
        die "$what did not start\n";
    };
    return $port;
}

sub start_smtp_sink { MaintNotify::SmtpSink->new_started(@_) }
sub start_webhook_sink { MaintNotify::WebhookSink->new_started(@_) }

# inspect_mail(@eml_files): mail_inspect.py's view of each, an array ref
sub inspect_mail {
    my @files = @_;
    return [] unless @files;
    my $out = `$PYTHON $LIB/mail_inspect.py @files 2>&1`;
    my $v = eval { JSON::PP->new->utf8->decode($out) };
    die "mail_inspect.py: $out\n" unless ref $v;
    return $v;
}

# deliveries($admin, QUERY...): GET /v1/notify/deliveries's items (or []),
# QUERY as key => value (window, state, target, limit, offset)
sub deliveries {
    my ($admin, %q) = @_;
    $q{limit} //= 500;
    my $qs = join('&', map { "$_=$q{$_}" } sort keys %q);
    my $r = $admin->api('GET', "/v1/notify/deliveries?$qs", token => 'viewer');
    return [] unless $r->{status} == 200 && ref $r->{json};
    return $r->{json}{items} // [];
}

sub delivery {
    my ($admin, $id) = @_;
    my $r = $admin->api('GET', "/v1/notify/deliveries/$id", token => 'viewer');
    return $r->{status} == 200 ? $r->{json} : undef;
}

# wait_deliveries($admin, \%query, sub { my ($items) = @_; ... }, $timeout,
# $what): polls the delivery list until the condition holds; the last
# list seen (whether or not it held) and the verdict
sub wait_deliveries {
    my ($admin, $q, $cond, $timeout, $what) = @_;
    my $items = [];
    my $ok = MaintTest::wait_until(sub {
        $items = deliveries($admin, %$q);
        $cond->($items);
    }, $timeout // 20, $what // 'deliveries');
    return ($ok, $items);
}

# webhook_summary(\@records): what a receiver that deduplicates by
# webhook-id sees: requests, distinct ids, duplicates (requests whose id
# was seen before: retries included), after_ok (requests whose id had
# already been answered 2xx: what deduplication is for), ids answered 2xx
# (delivered from its side), invalid signatures, and per id its requests
# in order
sub webhook_summary {
    my ($records) = @_;
    my (%by_id, @order, %done);
    my ($invalid, $after_ok) = (0, 0);
    for my $r (@$records) {
        my $id = $r->{id} // '(none)';
        push @order, $id unless $by_id{$id};
        push @{ $by_id{$id} }, $r;
        $invalid++ unless $r->{sig_valid};
        $after_ok++ if $done{$id};
        $done{$id} = 1 if $r->{answer} =~ /^2\d\d$/;
    }
    my %ok = map { $_ => 1 }
             grep { grep { $_->{answer} =~ /^2\d\d$/ } @{ $by_id{$_} } } keys %by_id;
    return {
        requests   => scalar @$records,
        ids        => scalar keys %by_id,
        duplicates => scalar(@$records) - scalar(keys %by_id),
        after_ok   => $after_ok,
        acked_ids  => \%ok,
        invalid    => $invalid,
        by_id      => \%by_id,
        order      => \@order,
    };
}


# ---------------------------------------------------------------------------
# The SMTP server: tls => 'starttls' (default), 'implicit' or 'none';
# user/password (default a made-up pair; user => '' for no AUTH);
# fail_first => N (the first N messages answered 451).

package MaintNotify::SmtpSink;

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { tls => 'starttls', fail_first => 0, %opt }, $class;
    $self->{port} //= MaintTest::free_port();
    $self->{dir} //= MaintTest::_test_dir("smtp$self->{port}");
    $self->{mail} = "$self->{dir}/mail";
    $self->{user} //= 'notify-bot';
    $self->{password} //= 'pw-' . join('', map { ('a' .. 'z')[rand 26] } 1 .. 16);
    if ($self->{tls} ne 'none') {
        MaintCerts::ca($self->{dir}, 'smtp-ca');
        @$self{qw(cert key)} = MaintCerts::issue($self->{dir}, 'smtp-ca', 'smtp');
        $self->{ca} = "$self->{dir}/smtp-ca.crt";
    }
    $self->start;
    return $self;
}

sub start {
    my ($self) = @_;
    my $log = "$self->{dir}/smtp_sink.log";
    unlink $log;
    my @cmd = ($PYTHON, "$LIB/smtp_sink.py", '--dir', $self->{mail},
               '--port', $self->{port},
               $self->{tls} ne 'none' ? ('--tls-cert', $self->{cert},
                                         '--tls-key', $self->{key}) : (),
               $self->{tls} eq 'implicit' ? ('--implicit-tls') : (),
               length $self->{user} ? ('--user', $self->{user},
                                       '--password', $self->{password}) : (),
               $self->{fail_first} ? ('--fail-first', $self->{fail_first}) : ());
    $self->{pid} = MaintTest::_spawn('smtp_sink', $log, @cmd);
    MaintNotify::_wait_ready('smtp_sink', $log, $self->{pid});
}

sub stop {
    my ($self) = @_;
    MaintTest::_stop_pid($self->{pid}, 'TERM') if $self->{pid};
    delete $self->{pid};
}

sub port { $_[0]{port} }
sub pid { $_[0]{pid} }
sub dir { $_[0]{mail} }
sub ca { $_[0]{ca} }

sub url {
    my ($self) = @_;
    return ($self->{tls} eq 'implicit' ? 'smtps' : 'smtp') . "://127.0.0.1:$self->{port}";
}

# the daemon's configuration lines that send mail here (NOTIFY.md's keys);
# the password goes in a file of mode 0600, as smtp_password_file wants
sub admin_conf {
    my ($self, %opt) = @_;
    my $pw = "$self->{dir}/smtp.password";
    open(my $f, '>', $pw) or die "$pw: $!";
    print {$f} "$self->{password}\n";
    close $f;
    chmod 0600, $pw;
    return "smtp_url " . $self->url . "\n"
        . ($self->{tls} eq 'none' ? "smtp_starttls off\n" : '')
        . (length $self->{user} ? "smtp_user $self->{user}\nsmtp_password_file $pw\n" : '')
        . 'smtp_from ' . ($opt{from} // 'maintenance@maint.example.org') . "\n"
        . ($self->{ca} ? "smtp_ca_file $self->{ca}\n" : '');
}

# the messages kept so far, as .eml paths in the order received
sub messages {
    my ($self) = @_;
    my @f = sort { (File::Basename::basename($a) =~ /(\d+)/)[0] <=> (File::Basename::basename($b) =~ /(\d+)/)[0] }
            glob("$self->{mail}/*.eml");
    return @f;                      # a count in scalar context
}

sub envelope {
    my ($self, $eml) = @_;
    (my $j = $eml) =~ s/\.eml\z/.json/;
    return JSON::PP::decode_json(MaintNotify::_read($j));
}

# lines of refused.log, "<epoch.ms> <code> <what>": refused AUTH (535) and
# --fail-first's 451s (match the code's field: the time may hold "535")
sub refused { grep { length } split /\n/, MaintNotify::_read("$_[0]{mail}/refused.log") }

# wait_messages($n, $timeout): true once at least $n messages are kept
sub wait_messages {
    my ($self, $n, $timeout) = @_;
    return MaintTest::wait_until(sub { $self->messages >= $n }, $timeout // 20,
                                 "$n messages at the SMTP sink");
}


# ---------------------------------------------------------------------------
# The webhook receiver: secrets => [whsec_...] (more later through
# control()), tls => 1 for HTTPS (its CA in ca()); answers as control()
# says (webhook_sink.py's header tells the words).

package MaintNotify::WebhookSink;

use JSON::PP;

sub new_started {
    my ($class, %opt) = @_;
    my $self = bless { secrets => [], %opt }, $class;
    $self->{port} //= MaintTest::free_port();
    $self->{dir} //= MaintTest::_test_dir("hook$self->{port}");
    $self->{log} = "$self->{dir}/requests.jsonl";
    $self->{control_file} = "$self->{dir}/control.json";
    if ($self->{tls}) {
        MaintCerts::ca($self->{dir}, 'hook-ca');
        @$self{qw(cert key)} = MaintCerts::issue($self->{dir}, 'hook-ca', 'hook');
        $self->{ca} = "$self->{dir}/hook-ca.crt";
    }
    $self->control($opt{control} // {});
    $self->start;
    return $self;
}

# start again after stop() (the receiver "down" and back): same port, same
# record file, the control file as it is
sub start {
    my ($self) = @_;
    my $log = "$self->{dir}/webhook_sink.log";
    unlink $log;
    my @cmd = ($PYTHON, "$LIB/webhook_sink.py", '--port', $self->{port},
               '--log', $self->{log}, '--control', $self->{control_file},
               (map { ('--secret', $_) } @{ $self->{secrets} }),
               $self->{tls} ? ('--tls-cert', $self->{cert}, '--tls-key', $self->{key}) : ());
    $self->{pid} = MaintTest::_spawn('webhook_sink', $log, @cmd);
    MaintNotify::_wait_ready('webhook_sink', $log, $self->{pid});
}

sub stop {
    my ($self) = @_;
    MaintTest::_stop_pid($self->{pid}, 'TERM') if $self->{pid};
    delete $self->{pid};
}

sub port { $_[0]{port} }
sub pid { $_[0]{pid} }
sub ca { $_[0]{ca} }

sub url {
    my ($self, $path) = @_;
    return ($self->{tls} ? 'https' : 'http') . "://127.0.0.1:$self->{port}" . ($path // '/hook');
}

# control({paths => {"/a" => ["500", "200"]}, default => "200"}):
# replaces the answers' script, by rename, so that the sink never reads
# half of it; its counters start again from this script.  The secrets
# added with add_secret() stay.
sub control {
    my ($self, $c) = @_;
    $self->{control} = $c;
    my $tmp = "$self->{control_file}.tmp";
    open(my $f, '>', $tmp) or die "$tmp: $!";
    # a serial makes every call a change, even to the same script
    print {$f} JSON::PP->new->canonical->encode({
        %$c, secrets => $self->{added} // [], serial => ++$self->{serial} });
    close $f;
    rename $tmp, $self->{control_file} or die "rename: $!";
}

# add_secret($whsec...): more secrets the signatures may match
sub add_secret {
    my ($self, @s) = @_;
    push @{ $self->{added} }, @s;
    $self->control($self->{control});
}

# every secret the sink checks with, in the order of the records'
# sig_matched indices
sub secrets { @{ $_[0]{secrets} }, @{ $_[0]{added} // [] } }

# every request received so far (across restarts), decoded; the body's
# JSON decoded as "json" when it is JSON
sub records {
    my ($self, %opt) = @_;
    my @r;
    for my $line (split /\n/, MaintNotify::_read($self->{log})) {
        my $r = eval { decode_json($line) } or next;
        $r->{json} = eval { JSON::PP->new->decode($r->{body}) } if $r->{json_ok};
        next if $opt{path} && $r->{path} ne $opt{path};
        push @r, $r;
    }
    return @r;
}

# wait_records(sub { my @r = @_; ... }, $timeout, $what, path => P): polls
# the records until the condition holds; returns the verdict
sub wait_records {
    my ($self, $cond, $timeout, $what, %opt) = @_;
    return MaintTest::wait_until(sub { $cond->($self->records(%opt)) },
                                 $timeout // 20, $what // 'webhook requests');
}

1;
