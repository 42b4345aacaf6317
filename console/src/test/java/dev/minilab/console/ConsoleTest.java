package dev.minilab.console;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import dev.minilab.console.log.ExecutionLogReader;
import dev.minilab.console.render.PlainOutput;
import dev.minilab.console.session.ConversationLog;
import dev.minilab.console.status.StatusBoard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleTest {

    @TempDir
    Path workspace;

    private final FakeConsoleBus bus = new FakeConsoleBus();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private ConversationLog log;
    private Console console;

    @BeforeEach
    void setUp() {
        log = ConversationLog.open(workspace, Clock.systemUTC());
        console = console(true, Duration.ofMillis(300));
    }

    private Console console(boolean echoOwn, Duration clearWait) {
        Console c = new Console(bus, new PlainOutput(new PrintStream(stdout, true, StandardCharsets.UTF_8)), log,
                new ExecutionLogReader(workspace), new StatusBoard(Clock.systemUTC()),
                new Console.Options(echoOwn, clearWait, ZoneOffset.UTC));
        c.start();
        return c;
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    private List<String> lines() {
        return stdout.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void chatLineIsPublishedAsUserChatAndEchoedPlain() {
        assertThat(console.handle("please build a VM")).isTrue();

        assertThat(bus.published).singleElement().satisfies(m -> {
            assertThat(m.sender()).isEqualTo("User");
            assertThat(m.kind()).isEqualTo(MessageKind.CHAT);
            assertThat(m.content()).isEqualTo("please build a VM");
        });
        assertThat(lines()).containsExactly("[User]: please build a VM");
    }

    @Test
    void unknownSlashCommandAnswersWithTheListAndSendsNothing() {
        console.handle("/deploy now");

        assertThat(bus.published).isEmpty();
        assertThat(lines().getFirst()).isEqualTo("Unknown command /deploy (not sent to the team). Commands:");
        assertThat(lines()).anyMatch(l -> l.contains("/status")).anyMatch(l -> l.contains("/log <role> [n]"));
    }

    @Test
    void stopIsPublishedAsUserControlMessage() {
        console.handle("  stop ");

        assertThat(bus.published).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MessageKind.CONTROL);
            assertThat(m.content()).isEqualTo("STOP");
        });
    }

    @Test
    void clearWaitsForHaltedThenWipesAndNamesAgentsThatDidNotConfirm() {
        bus.onPublish = m -> {
            if (m.kind() == MessageKind.CONTROL) {
                bus.deliver(Message.status("Architect_Zero", "halted"));
                bus.deliver(Message.status("QA_Tester", "QA_Tester halted (CLEAR)"));
            }
        };
        bus.history.add(Message.chat("User", "old request"));

        console.handle("CLEAR");

        assertThat(bus.clears).isEqualTo(1);
        assertThat(bus.history).isEmpty();
        assertThat(lines()).anyMatch(l -> l.startsWith("CLEAR done")
                && l.contains("Reset confirmed by Architect_Zero, QA_Tester")
                && l.contains("no confirmation from DevOps_Builder, Security_Sentinel"));
    }

    @Test
    void clearReturnsAsSoonAsAllFourConfirm() {
        Console patient = console(true, Duration.ofSeconds(30));
        bus.onPublish = m -> {
            if (m.kind() == MessageKind.CONTROL) {
                Roles.ALL.forEach(r -> bus.deliver(Message.status(r, "halted")));
            }
        };
        long start = System.nanoTime();

        patient.handle("CLEAR");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(lines()).anyMatch(l -> l.startsWith("CLEAR done") && !l.contains("no confirmation"));
    }

    @Test
    void exitAndQuitEndTheSession() {
        assertThat(console.handle("exit")).isFalse();
        assertThat(console.handle("QUIT")).isFalse();
        assertThat(bus.published).isEmpty();
    }

    @Test
    void thinkFeedIsShownOnlyInVerboseMode() {
        bus.think("DevOps_Builder", "hidden note");
        console.handle("/verbose on");
        bus.think("DevOps_Builder", "visible note");
        console.handle("/verbose off");
        bus.think("DevOps_Builder", "hidden again");

        assertThat(lines()).contains("(think) [DevOps_Builder]: visible note")
                .noneMatch(l -> l.contains("hidden"));
    }

    @Test
    void terminalModeDoesNotRepeatTheUsersOwnLineButShowsOtherConsoles() {
        Console tty = console(false, Duration.ofMillis(100));
        stdout.reset();

        tty.handle("my request");
        bus.deliver(Message.chat("User", "from another console"));

        assertThat(lines()).containsExactly("[User]: from another console");
    }

    @Test
    void costPrintsTokensPerAgentAndModelAndTotal() {
        bus.usage.put("DevOps_Builder|gpt-5-mini", "{\"input\":1000,\"output\":200,\"calls\":3}");
        bus.usage.put("Architect_Zero|gpt-5", "{\"input\":500,\"output\":50,\"calls\":1}");

        console.handle("/cost");

        String text = stdout.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("DevOps_Builder").contains("gpt-5-mini").contains("1,200")
                .containsPattern("total\\s+1,500\\s+250\\s+1,750\\s+4");
    }

    @Test
    void historyPrintsTheLastMessagesAsPlainLines() {
        bus.history.add(Message.chat("User", "one"));
        bus.history.add(Message.chat("Architect_Zero", "two"));
        bus.history.add(Message.chat("User", "three"));

        console.handle("/history 2");

        assertThat(lines()).containsExactly("Last 2 message(s) of the conversation:", "[Architect_Zero]: two",
                "[User]: three");
    }

    @Test
    void conversationLogRecordsMessagesAndConsoleNotes() throws Exception {
        console.handle("hello");
        console.handle("STOP");

        assertThat(Files.readAllLines(log.path())).anyMatch(l -> l.endsWith("[User]: hello"))
                .anyMatch(l -> l.endsWith("(console) STOP sent"))
                .anyMatch(l -> l.endsWith("[User] (control): STOP"));
        assertThat(log.path().getParent()).isEqualTo(workspace.resolve("console/logs"));
    }

    @Test
    void failingBusCallIsReportedAndTheConsoleGoesOn() {
        FakeConsoleBus broken = new FakeConsoleBus() {
            @Override
            public java.util.Map<String, String> usage() {
                throw new IllegalStateException("Redis went away");
            }
        };
        Console c = new Console(broken, new PlainOutput(new PrintStream(stdout, true, StandardCharsets.UTF_8)), log,
                new ExecutionLogReader(workspace), new StatusBoard(Clock.systemUTC()),
                new Console.Options(true, Duration.ofMillis(10), ZoneOffset.UTC));

        assertThat(c.handle("/cost")).isTrue();
        assertThat(lines()).containsExactly("error: /cost failed: Redis went away");
    }

    @Test
    void awaitReplyToUserReturnsOnceArchitectAnswersTheUserButNotOnDelegation() throws Exception {
        assertThat(console.awaitReplyToUser(Duration.ZERO)).as("nothing sent, nothing to wait for").isTrue();
        console.handle("list the nodes");

        bus.deliver(Message.chat("Architect_Zero", "@DevOps_Builder list them"));
        assertThat(console.awaitReplyToUser(Duration.ofMillis(100))).isFalse();

        bus.deliver(new Message("x", 9, "Architect_Zero", "pve1 and pve2", java.time.Instant.now(),
                MessageKind.CHAT, List.of("User"), null));
        assertThat(console.awaitReplyToUser(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void afterAReconnectMissedChatMessagesAreReplayedOnce() {
        bus.deliver(new Message("a", 5, "Architect_Zero", "seen live", java.time.Instant.now(), MessageKind.CHAT, List.of(), null));
        bus.history.add(new Message("a", 5, "Architect_Zero", "seen live", java.time.Instant.now(), MessageKind.CHAT, List.of(), null));
        // seq 1: Redis restarted without its data and counts again; the id still tells the message is new.
        bus.history.add(new Message("b", 1, "DevOps_Builder", "sent while down", java.time.Instant.now(), MessageKind.CHAT, List.of(), null));
        stdout.reset();

        bus.reconnected();

        assertThat(lines()).containsExactly(
                "(reconnected to Redis; replaying 1 chat message(s) sent meanwhile; status lines of that time are lost)",
                "[DevOps_Builder]: sent while down");
        stdout.reset();
        bus.reconnected();
        assertThat(lines()).containsExactly("(reconnected to Redis; no chat message was missed)");
    }
}
