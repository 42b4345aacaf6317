package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and the certificates a TLS test needs, made with {@code openssl} at test time
 * (nothing is committed): a server certificate for {@code localhost} and {@code 127.0.0.1} and a client certificate,
 * both signed by the CA, with PKCS#8 PEM keys (EC P-256: quick to make on a busy machine) (what Java's TLS stack reads).
 *
 * @param dir        where the files are
 * @param caCert     the CA's certificate (what a client trusts)
 * @param serverCert the server's certificate (SAN DNS:localhost, IP:127.0.0.1)
 * @param serverKey  its private key
 * @param clientCert a client certificate for mutual TLS
 * @param clientKey  its private key
 */
public record TlsCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path clientCert,
                              Path clientKey) {

    private static final int DAYS = 2;

    /**
     * Makes a CA named {@code name} and its server and client certificates in {@code dir} (created when missing).
     *
     * @throws IllegalStateException when openssl is missing or fails, with what it printed
     */
    public static TlsCertificates create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + dir, e);
        }
        Path caKey = dir.resolve(name + "-ca.key");
        Path caCert = dir.resolve(name + "-ca.crt");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey.toString(), "-out",
                caCert.toString(), "-days", String.valueOf(DAYS), "-subj", "/CN=MiniLab test CA " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path serverKey = dir.resolve(name + "-server.key");
        Path serverCert = dir.resolve(name + "-server.crt");
        signed(dir, caCert, caKey, serverKey, serverCert, "localhost",
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        Path clientKey = dir.resolve(name + "-client.key");
        Path clientCert = dir.resolve(name + "-client.crt");
        signed(dir, caCert, caKey, clientKey, clientCert, "minilab-client", "extendedKeyUsage=clientAuth\n");
        return new TlsCertificates(dir, caCert, serverCert, serverKey, clientCert, clientKey);
    }

    private static void signed(Path dir, Path caCert, Path caKey, Path key, Path cert, String cn, String extensions) {
        Path csr = dir.resolve(cn + "-" + System.nanoTime() + ".csr");
        Path ext = dir.resolve(cn + "-" + System.nanoTime() + ".ext");
        try {
            Files.writeString(ext, extensions, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + ext, e);
        }
        // genpkey writes PKCS#8 ("BEGIN PRIVATE KEY"), which the JDK reads without BouncyCastle.
        openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", key.toString());
        openssl(dir, "req", "-new", "-key", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", String.valueOf(DAYS), "-sha256", "-extfile",
                ext.toString());
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " did not finish in 60 s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed with exit code "
                        + process.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run openssl (install it: apt-get install openssl): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running openssl", e);
        }
    }
}
