package dev.minilab.console.status;

import org.junit.jupiter.api.Test;

import dev.minilab.runtime.discipline.DisciplineSettings;
import dev.minilab.runtime.llm.PriceTable;

import java.util.List;
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
    void readsTheCounterFieldsAgentsRaiseWithHincrbyAlongsideTheOlderJsonForm() {
        UsageReport.Usage usage = UsageReport.parse(Map.of(
                "QA_Tester|llama3.1:8b|input", "10",
                "QA_Tester|llama3.1:8b|output", "5",
                "QA_Tester|llama3.1:8b|calls", "1",
                "QA_Tester|llama3.1:8b", "{\"input\":1,\"output\":1,\"calls\":1}",
                "Architect_Zero|gpt-5-mini|calls", "x"));

        assertThat(usage.rows()).containsExactly(new UsageReport.Row("QA_Tester", "llama3.1:8b", 11, 6, 2));
        assertThat(usage.bad()).containsExactly("Architect_Zero|gpt-5-mini|calls");
    }

    @Test
    void costColumnShowsDollarsPerAgentAndModelAndPriceUnknownForUnpricedModels() {
        UsageReport.Usage usage = UsageReport.parse(Map.of(
                "DevOps_Builder|gpt-4o-mini", "{\"input\":1000000,\"output\":100000,\"calls\":3}",
                "QA_Tester|llama3.1:8b", "{\"input\":10,\"output\":5,\"calls\":1}"));

        List<String> lines = UsageReport.format(usage, PriceTable.builtIn());

        // 1M × $0.15 + 0.1M × $0.60 per 1M tokens = $0.21
        assertThat(lines).anyMatch(l -> l.matches("\\s+DevOps_Builder\\s+gpt-4o-mini\\s+1,000,000\\s+100,000\\s+"
                + "1,100,000\\s+3\\s+\\$0\\.2100"))
                .anyMatch(l -> l.matches("\\s+QA_Tester\\s+llama3\\.1:8b\\s+10\\s+5\\s+15\\s+1\\s+price unknown"))
                .anyMatch(l -> l.matches("\\s+total\\s+1,000,010\\s+100,005\\s+1,100,015\\s+4\\s+\\$0\\.2100"))
                .anyMatch(l -> l.contains("15 tokens on models with an unknown price"));
    }

    @Test
    void requestLineShowsHopsTokensAndDollarsAgainstTheLimitsAndTheHalt() {
        List<String> lines = UsageReport.request(Map.of("hops", "7", "tokens", "12345", "cost", "0.5",
                "halted", "hops", "halted_by", "Architect_Zero"), DisciplineSettings.defaults());

        assertThat(lines.getFirst()).contains("7 of MAX_HOPS 30 hops").contains("12,345 of MAX_TOKENS 3,000,000")
                .contains("$0.5000 of MAX_COST_USD $5.00");
        assertThat(lines.getLast()).contains("HALTED (hops) by Architect_Zero");
    }

    @Test
    void emptyHashSaysSo() {
        assertThat(UsageReport.format(UsageReport.parse(Map.of()))).singleElement().asString().startsWith("No token usage");
    }
}
