package dev.minilab.console.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.tools.ToolResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The execution log as the runtime's writer ({@link ExecutionLog}) produces it: every JSON line parses, and the tool
 * entries read from the JSON lines match those read from the Markdown, field by field.
 */
class ExecutionLogFormatTest {

    private static final String ROLE = "DevOps_Builder";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workspace;

    /** A clock that advances one second per reading, so every event has its own time stamp. */
    private static Clock ticking() {
        AtomicLong seconds = new AtomicLong(Instant.parse("2026-11-22T02:10:00Z").getEpochSecond());
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(seconds.getAndIncrement());
            }
        };
    }

    private void writeSample() {
        ExecutionLog log = new ExecutionLog(ROLE, workspace.resolve("docs"), s -> s, ticking());
        log.startTurn("Architect_Zero", "@DevOps_Builder please write generated_iac/config/site.yml\nand check it");
        log.toolCall("save_file", "{\"path\":\"generated_iac/config/site.yml\",\"content\":\"- hosts: all\"}",
                ToolResult.ok("saved 12 bytes to generated_iac/config/site.yml").withDuration(Duration.ofMillis(12)));
        log.toolCall("run_shell", "{\"command\":\"ansible-playbook --syntax-check generated_iac/config/site.yml\"}",
                ToolResult.ofProcess(4, Duration.ofMillis(1530), "ERROR! the playbook could not be found\n\nsecond line"));
        log.outcome("answered", "reported the failure to @Architect_Zero");
        log.startTurn("Architect_Zero", "@DevOps_Builder retry");
        log.toolCall("read_file", "{\"path\":\"generated_iac/config/missing.yml\"}",
                ToolResult.error("no such file: generated_iac/config/missing.yml"));
        log.toolCall("run_shell", "{\"command\":\"true\"}", ToolResult.ofProcess(0, Duration.ofMillis(3), ""));
    }

    @Test
    void everyJsonLineParsesWithTheCommonFields() throws Exception {
        writeSample();

        List<String> lines = Files.readAllLines(workspace.resolve("docs/execution_log_" + ROLE + ".jsonl"));

        assertThat(lines).hasSize(7);
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(Instant.parse(node.get("ts").asText())).isNotNull();
            assertThat(node.get("role").asText()).isEqualTo(ROLE);
            assertThat(node.get("turn").asInt()).isPositive();
            assertThat(node.get("type").asText()).isIn("turn", "tool", "outcome");
        }
    }

    @Test
    void jsonLinesAndMarkdownDescribeTheSameToolCalls() {
        writeSample();
        ExecutionLogReader reader = new ExecutionLogReader(workspace);

        List<ToolEntry> json = ExecutionLogReader.readJsonl(ROLE, reader.jsonlPath(ROLE)).entries();
        List<ToolEntry> md = ExecutionLogReader.readMarkdown(ROLE, reader.markdownPath(ROLE)).entries();

        assertThat(json).extracting(ToolEntry::tool).containsExactly("save_file", "run_shell", "read_file", "run_shell");
        assertThat(md).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(json);
        ToolEntry failed = json.get(1);
        assertThat(failed.status()).isEqualTo("ERROR");
        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.durationMs()).isEqualTo(1530L);
        assertThat(failed.turn()).isEqualTo(1);
        assertThat(failed.result()).isEqualTo("ERROR! the playbook could not be found\n\nsecond line");
        assertThat(json.get(2).exitCode()).isNull();
        assertThat(json.get(2).turn()).isEqualTo(2);
    }

    @Test
    void slashLogShowsTheWritersEntries() {
        writeSample();
        ExecutionLogReader reader = new ExecutionLogReader(workspace);

        List<String> lines = ToolEntryFormat.format(ROLE, reader.lastToolEntries(ROLE, 3), 3, ZoneOffset.UTC);

        assertThat(lines.getFirst()).contains("last 3 tool call(s)").contains(".jsonl");
        assertThat(lines).anyMatch(l -> l.contains("02:10:02") && l.contains("run_shell") && l.contains("ERROR")
                && l.contains("exit 4") && l.contains("1.5 s") && l.contains("--syntax-check"));
        assertThat(lines).anyMatch(l -> l.contains("read_file") && l.contains("ERROR") && !l.contains("exit"));
        assertThat(lines).anyMatch(l -> l.contains("-> no such file"));
    }
}
