package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SshExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshExtensionIT {

    private static SshTarget first;
    private final SshTarget injected;

    SshExtensionIT(SshTarget sshd) {
        this.injected = sshd;
    }

    @Test
    @Order(1)
    void injectsARunningSshdIntoTheConstructorAndTheMethod(SshTarget sshd) throws Exception {
        first = sshd;
        assertThat(injected).isSameAs(sshd);
        assertThat(accepts(sshd)).isTrue();
    }

    @Test
    @Order(2)
    void everyTestOfTheClassGetsTheSameSshd(SshTarget sshd) {
        assertThat(sshd).isSameAs(first);
    }

    @AfterAll
    static void sshdIsStillUpUntilTheClassEnds(SshTarget sshd) throws Exception {
        assertThat(accepts(sshd)).isTrue();
    }

    private static boolean accepts(SshTarget sshd) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", sshd.port()), 2_000);
            return socket.isConnected();
        }
    }
}
