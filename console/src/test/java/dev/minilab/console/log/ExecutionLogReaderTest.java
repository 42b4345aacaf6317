package dev.minilab.console.log;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader against fixture files in the execution-log format (Markdown sections per turn, {@code ### tool}
 * entries; JSON lines with type turn|tool). Both files describe the same three tool calls.
 */
class ExecutionLogReaderTest {

    private static final String ROLE = "DevOps_Builder";

    @TempDir
    Path workspace;

    private ExecutionLogReader reader;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(workspace.resolve("docs"));
        reader = new ExecutionLogReader(workspace);
    }

    private void fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/execlog/" + name)) {
            Files.copy(in, workspace.resolve("docs").resolve(name));
        }
    }

    @Test
    void jsonlToolLinesParseAndDamagedLinesAreCounted() throws IOException {
        fixture("execution_log_DevOps_Builder.jsonl");

        ExecutionLogReader.Read read = reader.lastToolEntries(ROLE, 10);

        assertThat(read.source()).isEqualTo(reader.jsonlPath(ROLE));
        assertThat(read.skipped()).isEqualTo(1);
        assertThat(read.entries()).extracting(ToolEntry::tool).containsExactly("save_file", "run_shell", "read_file");
        ToolEntry shell = read.entries().get(1);
        assertThat(shell.status()).isEqualTo("ERROR");
        assertThat(shell.exitCode()).isEqualTo(4);
        assertThat(shell.durationMs()).isEqualTo(1530L);
        assertThat(shell.turn()).isEqualTo(1);
        assertThat(shell.args()).contains("--syntax-check");
    }

    @Test
    void jsonlAndMarkdownDescribeTheSameToolCalls() throws IOException {
        fixture("execution_log_DevOps_Builder.jsonl");
        fixture("execution_log_DevOps_Builder.md");

        List<ToolEntry> json = ExecutionLogReader.readJsonl(ROLE, reader.jsonlPath(ROLE)).entries();
        List<ToolEntry> md = ExecutionLogReader.readMarkdown(ROLE, reader.markdownPath(ROLE)).entries();

        assertThat(md).hasSameSizeAs(json);
        for (int i = 0; i < json.size(); i++) {
            ToolEntry j = json.get(i);
            ToolEntry m = md.get(i);
            assertThat(m.tool()).isEqualTo(j.tool());
            assertThat(m.turn()).isEqualTo(j.turn());
            assertThat(m.status()).isEqualTo(j.status());
            assertThat(m.exitCode()).isEqualTo(j.exitCode());
            assertThat(m.durationMs()).isEqualTo(j.durationMs());
            assertThat(m.args()).isEqualTo(j.args());
            assertThat(m.result()).isEqualTo(j.result());
        }
    }

    @Test
    void markdownIsTheFallbackWhenThereIsNoJsonl() throws IOException {
        fixture("execution_log_DevOps_Builder.md");

        ExecutionLogReader.Read read = reader.lastToolEntries(ROLE, 2);

        assertThat(read.source()).isEqualTo(reader.markdownPath(ROLE));
        assertThat(read.entries()).extracting(ToolEntry::tool).containsExactly("run_shell", "read_file");
    }

    @Test
    void formatShowsLastEntriesWithStatusExitCodeAndDuration() throws IOException {
        fixture("execution_log_DevOps_Builder.jsonl");

        List<String> lines = ToolEntryFormat.format(ROLE, reader.lastToolEntries(ROLE, 2), 2, ZoneOffset.UTC);

        assertThat(lines.getFirst()).startsWith("DevOps_Builder — last 2 tool call(s)");
        assertThat(lines).anyMatch(l -> l.contains("02:10:03") && l.contains("run_shell") && l.contains("ERROR")
                && l.contains("exit 4") && l.contains("1.5 s"));
        assertThat(lines).anyMatch(l -> l.contains("-> ERROR! the playbook"));
    }

    @Test
    void missingLogSaysWhenItWillAppear() {
        List<String> lines = ToolEntryFormat.format("QA_Tester", reader.lastToolEntries("QA_Tester", 5), 5, ZoneOffset.UTC);

        assertThat(lines).singleElement().asString().contains("no execution log yet");
    }
}
