package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusKeysTest {

    @Test
    void everyKeyAndChannelOfATeamIsUnderItsPrefix() {
        BusKeys blue = BusKeys.forTeam("blue");

        assertThat(List.of(blue.channel(), blue.thinkChannel(), blue.history(), blue.sequence(),
                blue.publishedSequence(), blue.status(), blue.status("QA_Tester"), blue.usage(), blue.usage("QA_Tester"),
                blue.requirements(), blue.sessionEpoch(), blue.handledControls(), blue.leases(), blue.progress(),
                blue.progress("QA_Tester"))).allMatch(name -> name.startsWith("blue:"));
        assertThat(dev.minilab.runtime.discipline.DisciplineKeys.of(blue).all()).allMatch(n -> n.startsWith("blue:"));
    }

    @Test
    void prefixesThatWouldWidenAnAclPatternOrBreakTheAclLineAreRefused() {
        for (String bad : List.of("blue*", "bl?e:", "[ab]:", "blue team:", "blue.", "agent_status:", "x".repeat(65))) {
            assertThatThrownBy(() -> new BusKeys(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new BusKeys("t1234abcd:5f0e-uuid:").prefix()).isEqualTo("t1234abcd:5f0e-uuid:");
        assertThatThrownBy(() -> BusKeys.forTeam("Blue")).hasMessageContaining("team name 'Blue' is not valid");
        assertThatThrownBy(() -> BusKeys.forTeam("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBadMinilabKeyPrefixFailsAtStartNamingTheVariable(@TempDir Path dir) {
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("MINILAB_KEY_PREFIX", "team*"), dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MINILAB_KEY_PREFIX");
        assertThat(MiniLabConfig.from(Map.of("MINILAB_KEY_PREFIX", "blue:"), dir).busKeys())
                .isEqualTo(BusKeys.forTeam("blue"));
        assertThat(MiniLabConfig.from(Map.of(), dir).busKeys()).isEqualTo(BusKeys.DEFAULT);
    }

    @Test
    void teamUsersAreNamedAfterThePrefixAndTheirAclLinesReachOnlyIt() {
        BusKeys blue = BusKeys.forTeam("blue");
        String line = RedisAcl.teamUserLine("DevOps_Builder", "pw", blue, false, List.of());

        assertThat(line).startsWith("user blue.devops_builder on #");
        assertThat(line.split(" ")).filteredOn(t -> t.matches("\\(?(%R)?[~&].*"))
                .isNotEmpty().allMatch(t -> t.replaceFirst("^\\(?(%R)?[~&]", "").startsWith("blue:"));
        assertThat(RedisAcl.username("User", new BusKeys("a:b:"))).isEqualTo("a.b.user");
        assertThat(RedisAcl.aclLoaderLine("pw")).contains("-@all", "+acl|load").doesNotContain("~", "&", "pw ");
    }
}
