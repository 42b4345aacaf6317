package dev.minilab.runtime.tools.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.MiniLabException;
import org.junit.jupiter.api.Test;

class PlanActionsTest {

    @Test
    void everyDeleteCountsAReplacementBothWaysAndNoOpsNotAtAll() {
        PlanActions changes = PlanActions.parse("""
                {"format_version":"1.2","resource_changes":[
                  {"address":"a.new","change":{"actions":["create"]}},
                  {"address":"a.same","change":{"actions":["no-op"]}},
                  {"address":"a.tags","change":{"actions":["update"]}},
                  {"address":"a.gone","change":{"actions":["delete"]}},
                  {"address":"a.cbd","change":{"actions":["create","delete"]}},
                  {"address":"a.dbc","change":{"actions":["delete","create"]}},
                  {"address":"data.a.read","change":{"actions":["read"]}},
                  {"address":"a.forgotten","change":{"actions":["forget"]}}]}
                """);

        assertThat(changes.toAdd()).isEqualTo(3);
        assertThat(changes.toChange()).isEqualTo(1);
        assertThat(changes.toDestroy()).isEqualTo(3);
        assertThat(changes.destroyed()).containsExactly("a.gone", "a.cbd (replace)", "a.dbc (replace)");
    }

    @Test
    void aPlanWithoutResourceChangesChangesNothing() {
        assertThat(PlanActions.parse("{\"format_version\":\"1.2\"}")).isEqualTo(new PlanActions(0, 0, 0,
                java.util.List.of()));
    }

    @Test
    void textThatIsNotAJsonPlanIsRefused() {
        assertThatThrownBy(() -> PlanActions.parse("Error: zip: not a valid zip file"))
                .isInstanceOf(MiniLabException.class).hasMessageContaining("did not print a JSON plan");
    }
}
