package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.RedisNode;
import dev.minilab.testkit.TlsCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the bus over {@code rediss://} against a real redis-server with TLS, certificates made at test time.
 * Verification is on (the default); a wrong CA and a missing client certificate are refused with a message that
 * says what to check.
 */
class RedisTlsIT {

    private static final String PASSWORD = "tls-test-password-1";

    @TempDir
    static Path dir;
    private static TlsCertificates certs;
    private static TlsCertificates otherCa;
    private static RedisNode server;
    private static RedisNode mutualServer;
    private static int tlsPort;
    private static int mutualPort;

    @BeforeAll
    static void start() {
        certs = TlsCertificates.create(dir.resolve("certs"), "team");
        otherCa = TlsCertificates.create(dir.resolve("other"), "other");
        tlsPort = FreePort.find();
        server = RedisNode.startTls(dir, "tls", certs, tlsPort, false, PASSWORD);
        mutualPort = FreePort.find();
        mutualServer = RedisNode.startTls(dir, "mtls", certs, mutualPort, true, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (mutualServer != null) {
            mutualServer.close();
        }
    }

    private static BusSettings settings(String host, int port, RedisTls tls) {
        return new BusSettings("rediss://:" + PASSWORD + "@" + host + ":" + port, 20, new BusKeys("tls:"),
                Duration.ofSeconds(5)).withTls(tls);
    }

    @Test
    void messagesTravelOverVerifiedTls() {
        RedisTls tls = new RedisTls(certs.caCert(), null, null, false);
        try (TeamBus a = TeamBus.connect(settings("localhost", tlsPort, tls));
             TeamBus b = TeamBus.connect(settings("127.0.0.1", tlsPort, tls))) {
            List<Message> received = new CopyOnWriteArrayList<>();
            b.subscribe(received::add);
            Message sent = a.publish(Message.chat("User", "over tls"));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.getFirst()).isEqualTo(sent);
            assertThat(String.valueOf(server.command("INFO", "clients"))).contains("connected_clients:");
        }
    }

    @Test
    void aBrokerSignedByAnotherCaIsRefusedWithWhatToCheck() {
        RedisTls wrongCa = new RedisTls(otherCa.caCert(), null, null, false);
        assertThatThrownBy(() -> TeamBus.connect(settings("127.0.0.1", tlsPort, wrongCa)))
                .isInstanceOf(BusException.class)
                .hasMessageContaining("TLS handshake with Redis at 127.0.0.1:" + tlsPort + " (TLS) failed")
                .hasMessageContaining("REDIS_TLS_CA_FILE (" + otherCa.caCert() + ") holds the CA that signed")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void insecureModeSkipsVerificationOfAnUnknownCa() {
        RedisTls insecure = new RedisTls(otherCa.caCert(), null, null, true);
        try (TeamBus bus = TeamBus.connect(settings("127.0.0.1", tlsPort, insecure))) {
            assertThat(bus.ping()).isTrue();
        }
    }

    @Test
    void mutualTlsWorksWithTheClientCertificate() {
        RedisTls mutual = new RedisTls(certs.caCert(), certs.clientCert(), certs.clientKey(), false);
        try (TeamBus a = TeamBus.connect(settings("localhost", mutualPort, mutual))) {
            List<Message> received = new CopyOnWriteArrayList<>();
            a.subscribe(received::add);
            Message sent = a.publish(Message.chat("User", "mutual"));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.getFirst()).isEqualTo(sent);
        }
    }

    @Test
    void aBrokerDemandingClientCertificatesRefusesAClientWithout() {
        RedisTls noClientCert = new RedisTls(certs.caCert(), null, null, false);
        assertThatThrownBy(() -> TeamBus.connect(settings("127.0.0.1", mutualPort, noClientCert)))
                .isInstanceOf(BusException.class)
                .hasMessageContaining("REDIS_TLS_CERT_FILE/REDIS_TLS_KEY_FILE are set")
                .hasMessageContaining("(now: not set)");
    }
}
