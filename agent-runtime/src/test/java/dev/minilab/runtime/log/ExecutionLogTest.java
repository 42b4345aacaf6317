package dev.minilab.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path docs;

    @Test
    void jsonLinesParseAndMatchTheMarkdownEntries() throws Exception {
        ExecutionLog log = new ExecutionLog("DevOps_Builder", docs, text -> text.replace("hunter2", "[REDACTED:PW]"),
                Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

        log.startTurn("Architect_Zero", "@DevOps_Builder build web1\nwith password hunter2");
        log.toolCall("save_file", "{\"path\":\"generated_iac/infra/web1/main.tf\"}",
                ToolResult.ok("saved 120 bytes"));
        log.toolCall("run_terraform", "{\"module_dir\":\"generated_iac/infra/web1\",\"command\":\"plan\"}",
                ToolResult.ofProcess(1, Duration.ofMillis(2345), "Error: ```invalid``` provider hunter2"));
        log.outcome("answered", "@Architect_Zero plan failed");
        log.startTurn("Architect_Zero", "retry");
        log.toolCall("read_file", "{\"path\":\"docs/plan.md\"}", ToolResult.ok("1. plan"));

        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(log.jsonLinesPath())) {
            events.add(JSON.readTree(line));
        }
        String md = Files.readString(log.markdownPath());

        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("turn", "tool", "tool", "outcome", "turn", "tool");
        assertThat(events).extracting(e -> e.get("turn").asInt()).containsExactly(1, 1, 1, 1, 2, 2);
        List<JsonNode> tools = events.stream().filter(e -> e.get("type").asText().equals("tool")).toList();
        List<MarkdownEntry> entries = MarkdownEntry.parse(md);
        assertThat(entries).hasSameSizeAs(tools);
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            MarkdownEntry entry = entries.get(i);
            assertThat(entry.tool()).isEqualTo(tool.get("tool").asText());
            assertThat(entry.args()).isEqualTo(tool.get("args").asText());
            assertThat(entry.status()).isEqualTo(tool.get("status").asText());
            assertThat(entry.result()).isEqualTo(tool.get("result").asText().replace("```", "'''"));
            assertThat(entry.durationMs()).isEqualTo(tool.get("duration_ms").asLong());
        }
        assertThat(tools.get(1).get("exit_code").asInt()).isEqualTo(1);
        assertThat(tools.get(0).get("exit_code").isNull()).isTrue();
        assertThat(md).contains("## Turn 1 — 2026-11-22T10:00:00Z — from Architect_Zero")
                .contains("> with password [REDACTED:PW]").contains("- status: ERROR (exit code 1), 2345 ms")
                .contains("## Turn 2");
        assertThat(md + Files.readString(log.jsonLinesPath())).doesNotContain("hunter2");
    }

    @Test
    void longResultsKeepHeadAndTailAndSayHowMuchWasCut() {
        String huge = "HEAD" + "x".repeat(50_000) + "TAIL";

        String excerpt = ExecutionLog.excerpt(huge);

        assertThat(excerpt).startsWith("HEAD").endsWith("TAIL").contains("characters cut");
        assertThat(excerpt.length()).isLessThan(ExecutionLog.EXCERPT_CHARS + 100);
    }

    @Test
    void anUnwritableLogNeverStopsTheAgent() throws Exception {
        Path file = docs.resolve("not-a-dir");
        Files.writeString(file, "x");
        ExecutionLog log = new ExecutionLog("QA_Tester", file, text -> text);

        log.startTurn("User", "hi");
        log.toolCall("read_file", "{}", ToolResult.ok("x"));

        assertThat(log.markdownPath()).doesNotExist();
    }

    @Test
    void everyEventIsInTheFilesAsSoonAsItIsLoggedWithoutClosingTheLog() throws Exception {
        ExecutionLog log = new ExecutionLog("DevOps_Builder", docs, text -> text);

        log.startTurn("Architect_Zero", "save 500 files");
        for (int i = 0; i < 500; i++) {
            log.toolCall("save_file", "{\"path\":\"f" + i + "\"}", ToolResult.ok("saved " + i));
        }
        log.outcome("answered", "done");

        // read by another reader while the log is still open, as the console's `logs -f` and an agent killed now
        // would leave it: nothing may wait in a buffer of the agent
        List<String> lines = Files.readAllLines(log.jsonLinesPath());
        assertThat(lines).hasSize(502);
        assertThat(JSON.readTree(lines.get(500)).get("result").asText()).isEqualTo("saved 499");
        assertThat(JSON.readTree(lines.getLast()).get("type").asText()).isEqualTo("outcome");
        String md = Files.readString(log.markdownPath());
        assertThat(md).startsWith("# Execution log of DevOps_Builder\n");
        assertThat(MarkdownEntry.parse(md)).hasSize(500);
        assertThat(md).endsWith("done\n\n");
    }

    @Test
    void aLogDeletedWhileTheAgentRunsStartsAgain() throws Exception {
        ExecutionLog log = new ExecutionLog("QA_Tester", docs, text -> text);
        log.startTurn("User", "first");

        Files.delete(log.markdownPath());
        Files.delete(log.jsonLinesPath());
        log.toolCall("read_file", "{}", ToolResult.ok("after the delete"));

        assertThat(Files.readString(log.markdownPath())).startsWith("# Execution log of QA_Tester\n")
                .contains("after the delete").doesNotContain("first");
        assertThat(Files.readAllLines(log.jsonLinesPath())).singleElement()
                .satisfies(line -> assertThat(line).contains("after the delete"));
    }

    @Test
    void aClosedLogOpensAgainForTheNextEventAndAppends() throws Exception {
        ExecutionLog log = new ExecutionLog("QA_Tester", docs, text -> text);
        log.startTurn("User", "one");
        log.close();
        log.outcome("answered", "two");

        assertThat(Files.readAllLines(log.jsonLinesPath())).hasSize(2);
        assertThat(Files.readString(log.markdownPath())).containsOnlyOnce("# Execution log of QA_Tester");
    }

    /** One {@code ### tool} entry of the Markdown log, read back. */
    record MarkdownEntry(String tool, String args, String status, long durationMs, String result) {
        private static final Pattern ENTRY = Pattern.compile(
                "### (\\S+) — \\S+\\n- args: `([^\\n]*)`\\n- status: (OK|ERROR)(?: \\(exit code -?\\d+\\))?, (\\d+) ms\\n\\n"
                        + "```text\\n(.*?)\\n```\\n", Pattern.DOTALL);

        static List<MarkdownEntry> parse(String md) {
            List<MarkdownEntry> entries = new ArrayList<>();
            Matcher matcher = ENTRY.matcher(md);
            while (matcher.find()) {
                entries.add(new MarkdownEntry(matcher.group(1), matcher.group(2), matcher.group(3),
                        Long.parseLong(matcher.group(4)), matcher.group(5)));
            }
            return entries;
        }
    }
}
