package dev.minilab.console.status;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UsageReportTest {

    @Test
    void parsesRoleAndModelFieldsAndSkipsMalformedOnes() {
        UsageReport.Usage usage = UsageReport.parse(Map.of(
                "QA_Tester|llama3.1:8b", "{\"input\":10,\"output\":5,\"calls\":1}",
                "Architect_Zero|gpt-5-mini", "{\"input\":100,\"output\":20,\"calls\":2,\"extra\":true}",
                "nobar", "{\"input\":1}",
                "DevOps_Builder|gpt-5-mini", "{broken"));

        assertThat(usage.rows()).extracting(UsageReport.Row::role).containsExactly("Architect_Zero", "QA_Tester");
        assertThat(usage.rows().getFirst()).isEqualTo(new UsageReport.Row("Architect_Zero", "gpt-5-mini", 100, 20, 2));
        assertThat(usage.bad()).containsExactlyInAnyOrder("nobar", "DevOps_Builder|gpt-5-mini");
        assertThat(UsageReport.format(usage)).anyMatch(l -> l.matches("\\s+total\\s+110\\s+25\\s+135\\s+3"))
                .anyMatch(l -> l.contains("skipped malformed"));
    }

    @Test
    void emptyHashSaysSo() {
        assertThat(UsageReport.format(UsageReport.parse(Map.of()))).singleElement().asString().startsWith("No token usage");
    }
}
