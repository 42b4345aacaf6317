package dev.minilab.testkit.proxmox;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time (like a Proxmox cluster's {@code pve-root-ca.pem}) and a server
 * certificate it signs for {@code 127.0.0.1} and {@code localhost}. Nothing is written to disk unless asked.
 */
public final class TestCa {

    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final KeyPair serverKeys;
    private final X509Certificate serverCert;

    private TestCa(KeyPair caKeys, X509Certificate caCert, KeyPair serverKeys, X509Certificate serverCert) {
        this.caKeys = caKeys;
        this.caCert = caCert;
        this.serverKeys = serverKeys;
        this.serverCert = serverCert;
    }

    /** Creates a fresh CA ("Proxmox Virtual Environment" style) and a server certificate for the loopback address. */
    public static TestCa create() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair caKeys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name caName = new X500Name("CN=MiniLab Test Proxmox CA,OU=" + Long.toHexString(new SecureRandom()
                    .nextLong()) + ",O=PVE Cluster Manager CA");
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(
                    Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(ca, caKeys);
            KeyPair serverKeys = generator.generateKeyPair();
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minus(
                    Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))),
                    new X500Name("CN=127.0.0.1,OU=PVE Cluster Node,O=Proxmox Virtual Environment"),
                    serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}));
            return new TestCa(caKeys, caCert, serverKeys, sign(server, caKeys));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not create the test CA", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** The CA certificate as PEM (what PM_CA_FILE holds). */
    public String caPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(caCert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes {@link #caPem()} to {@code file} and returns it. */
    public Path writeCaPem(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, caPem());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the test CA to " + file, e);
        }
    }

    public X509Certificate caCertificate() {
        return caCert;
    }

    /** A server-side TLS context presenting the server certificate (chain: server, CA). */
    public SSLContext serverContext() {
        try {
            char[] password = "test-only".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", serverKeys.getPrivate(), password, new Certificate[] {serverCert, caCert});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build the fixture's TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "TestCa[" + caCert.getSubjectX500Principal() + ", CA key " + caKeys.getPublic().getAlgorithm() + "]";
    }
}
