package dev.minilab.provisioning.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeSetTest {

    @Test
    void normalisedFormIgnoresSpacingNumberSpellingAndKeyOrder() {
        ChangeSet a = ChangeSet.ofPlain(Map.of("datastore_id", " local-lvm ", "cores", "2", "memory", 1024.0));
        ChangeSet b = ChangeSet.ofPlain(Map.of("memory", 1024, "cores", 2, "datastore_id", "local-lvm"));

        assertThat(a.normalised()).isEqualTo(b.normalised())
                .isEqualTo("{\"cores\":2,\"datastore_id\":\"local-lvm\",\"memory\":1024}");
    }

    @Test
    void differentValuesAreDifferentChangeSets() {
        assertThat(ChangeSet.ofPlain(Map.of("bridge", "vmbr0")).normalised())
                .isNotEqualTo(ChangeSet.ofPlain(Map.of("bridge", "vmbr1")).normalised());
        assertThat(ChangeSet.ofPlain(Map.of("tags", List.of("a", "b"))).normalised())
                .isNotEqualTo(ChangeSet.ofPlain(Map.of("tags", List.of("b", "a"))).normalised());
    }

    @Test
    void effectiveChangesDropValuesEqualToTheCurrentOnes() {
        Variables current = Variables.ofPlain(Map.of("datastore_id", "local-zfs", "cores", 2));
        ChangeSet proposal = ChangeSet.ofPlain(Map.of("datastore_id", "local-lvm", "cores", "2"));

        assertThat(proposal.effectiveAgainst(current).normalised()).isEqualTo("{\"datastore_id\":\"local-lvm\"}");
        assertThat(current.with(proposal).text("datastore_id")).isEqualTo("local-lvm");
    }
}
