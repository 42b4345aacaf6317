package dev.minilab.runtime.tools.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.tools.ToolArgumentException;
import org.junit.jupiter.api.Test;

class HostAllowlistTest {

    @Test
    void matchesHostnamesWildcardsIpsAndCidrs() {
        HostAllowlist allow = HostAllowlist.parse("web1, *.lab.example, 10.0.0.0/24, 192.168.1.7, fd00::/64");

        assertThat(allow.refusal("web1")).isNull();
        assertThat(allow.refusal("WEB1")).isNull();
        assertThat(allow.refusal("db.lab.example")).isNull();
        assertThat(allow.refusal("10.0.0.254")).isNull();
        assertThat(allow.refusal("192.168.1.7")).isNull();
        assertThat(allow.refusal("fd00::5")).isNull();
        assertThat(allow.refusal("10.0.1.1")).contains("not in SSH_ALLOWED_HOSTS");
        assertThat(allow.refusal("192.168.1.8")).isNotNull();
        assertThat(allow.refusal("lab.example")).isNotNull();
        assertThat(allow.refusal("web10")).isNotNull();
        assertThat(allow.refusal("fd01::5")).isNotNull();
    }

    @Test
    void emptyAllowlistDeniesAllAndSaysHowToAllow() {
        assertThat(HostAllowlist.parse("").refusal("10.0.0.5"))
                .contains("SSH_ALLOWED_HOSTS is empty").contains(".env");
    }

    @Test
    void malformedEntriesFailAtStartUpNamingTheVariable() {
        assertThatThrownBy(() -> HostAllowlist.parse("10.0.0.0/33"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SSH_ALLOWED_HOSTS");
        assertThatThrownBy(() -> HostAllowlist.parse("user@host"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad entry 'user@host'");
    }

    @Test
    void hostPortParsesEveryAcceptedForm() {
        assertThat(HostPort.parse("10.0.0.5")).isEqualTo(new HostPort("10.0.0.5", 22));
        assertThat(HostPort.parse("10.0.0.5:2222")).isEqualTo(new HostPort("10.0.0.5", 2222));
        assertThat(HostPort.parse("[::1]:2222")).isEqualTo(new HostPort("::1", 2222));
        assertThat(HostPort.parse("[fd00::5]")).isEqualTo(new HostPort("fd00::5", 22));
        assertThat(HostPort.parse("fd00::5")).isEqualTo(new HostPort("fd00::5", 22));
        assertThat(HostPort.parse("web1.lab:22")).isEqualTo(new HostPort("web1.lab", 22));
        assertThat(new HostPort("10.0.0.5", 2222).knownHostsName()).isEqualTo("[10.0.0.5]:2222");
    }

    @Test
    void hostPortRejectsUsersSchemesAndOptions() {
        for (String bad : new String[] {"root@10.0.0.5", "ssh://10.0.0.5", "-oProxyCommand=x", "10.0.0.5 -p 22",
            "10.0.0.5:0", "10.0.0.5:70000", ""}) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(ToolArgumentException.class);
        }
    }
}
