package MaintCerts;

# MaintCerts: throw-away X.509 material for the TLS tests, made with the
# openssl command in a test's directory: a CA, and certificates it issues
# for names and addresses (subjectAltName), each with its own key.

use strict;
use warnings;

sub _openssl {
    my $out = `openssl @_ 2>&1`;
    die "openssl @_: $out" if $?;
    return $out;
}

# ca($dir, $name): "$dir/$name.crt" and "$dir/$name.key"; returns the
# certificate's path
sub ca {
    my ($dir, $name) = @_;
    _openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
             . " -subj /CN=maint-test-$name -keyout $dir/$name.key -out $dir/$name.crt"
             . " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
    return "$dir/$name.crt";
}

# issue($dir, $ca, $name, %opt): "$dir/$name.crt" (the certificate, then
# the CA's when chain => 1) and "$dir/$name.key", issued by $ca (a name
# given to ca()) for sans (default DNS:localhost,IP:127.0.0.1); key => 'rsa'
# for an RSA key, else P-256.  Returns ($cert, $key).
sub issue {
    my ($dir, $ca, $name, %opt) = @_;
    my $sans = $opt{sans} // 'DNS:localhost,IP:127.0.0.1';
    my $newkey = ($opt{key} // '') eq 'rsa' ? 'rsa:2048' : 'ec -pkeyopt ec_paramgen_curve:P-256';
    open(my $f, '>', "$dir/$name.ext") or die $!;
    print {$f} "subjectAltName=$sans\nbasicConstraints=CA:FALSE\n"
        . "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n";
    close $f;
    _openssl("req -newkey $newkey -nodes -subj /CN=$name -keyout $dir/$name.key -out $dir/$name.csr");
    _openssl("x509 -req -days 2 -in $dir/$name.csr -CA $dir/$ca.crt -CAkey $dir/$ca.key"
             . " -set_serial 0x" . join('', map { sprintf '%02x', int rand 256 } 1 .. 8)
             . " -extfile $dir/$name.ext -out $dir/$name.crt");
    if ($opt{chain}) {
        open(my $c, '>>', "$dir/$name.crt") or die $!;
        open(my $a, '<', "$dir/$ca.crt") or die $!;
        local $/;
        print {$c} <$a>;
    }
    return ("$dir/$name.crt", "$dir/$name.key");
}

# the SHA-256 fingerprint of a PEM certificate file, "AB:CD:..."
sub fingerprint {
    my ($file) = @_;
    my $out = _openssl("x509 -noout -fingerprint -sha256 -in $file");
    return $out =~ /=([0-9A-F:]+)/ ? $1 : '';
}

# base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as chromium's
# --ignore-certificate-errors-spki-list takes it
sub spki_hash {
    my ($file) = @_;
    my $out = `openssl x509 -in $file -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A`;
    die "spki_hash $file" if $? || $out eq '';
    return $out;
}

1;
