package dev.minilab.console.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "stop", "  Stop  "})
    void stopInAnyCaseIsControl(String line) {
        assertThat(CommandParser.parse(line)).isEqualTo(new Input.Control(Input.ControlCommand.STOP));
    }

    @Test
    void clearInCapitalsIsControl() {
        assertThat(CommandParser.parse("  CLEAR ")).isEqualTo(new Input.Control(Input.ControlCommand.CLEAR));
    }

    @Test
    void lowerCaseClearFromShellHabitIsRefusedWithAHint() {
        // Issue 18: "clear" typed out of shell habit wiped the conversation twice in one session.
        for (String line : java.util.List.of("clear", "Clear", " cLeAr ")) {
            assertThat(CommandParser.parse(line)).isInstanceOfSatisfying(Input.Invalid.class, invalid ->
                    assertThat(invalid.problem()).contains("nothing was wiped").contains("capitals").contains("Ctrl-L"));
        }
    }

    @Test
    void stopInsideASentenceIsChat() {
        assertThat(CommandParser.parse("please stop the VM")).isEqualTo(new Input.Chat("please stop the VM"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "quit", "EXIT", "/exit", "/quit"})
    void exitWords(String line) {
        assertThat(CommandParser.parse(line)).isInstanceOf(Input.Exit.class);
    }

    @Test
    void logTakesRoleByPrefixAndCount() {
        assertThat(CommandParser.parse("/log devops 5")).isEqualTo(new Input.Log("DevOps_Builder", 5));
        assertThat(CommandParser.parse("/log @QA_Tester")).isEqualTo(new Input.Log("QA_Tester", CommandParser.DEFAULT_LOG_ENTRIES));
    }

    @Test
    void logWithUnknownRoleOrBadCountIsInvalidWithUsage() {
        assertThat(CommandParser.parse("/log nobody")).isInstanceOfSatisfying(Input.Invalid.class,
                i -> assertThat(i.problem()).contains("unknown role 'nobody'").contains("Architect_Zero"));
        assertThat(CommandParser.parse("/log qa zero")).isInstanceOf(Input.Invalid.class);
        assertThat(CommandParser.parse("/log qa 0")).isInstanceOf(Input.Invalid.class);
        assertThat(CommandParser.parse("/log")).isInstanceOf(Input.Invalid.class);
    }

    @Test
    void verboseOnOffAndQuery() {
        assertThat(CommandParser.parse("/verbose on")).isEqualTo(new Input.Verbose(true));
        assertThat(CommandParser.parse("/verbose OFF")).isEqualTo(new Input.Verbose(false));
        assertThat(CommandParser.parse("/verbose")).isEqualTo(new Input.Verbose(null));
        assertThat(CommandParser.parse("/verbose loud")).isInstanceOf(Input.Invalid.class);
    }

    @Test
    void historyDefaultsAndCount() {
        assertThat(CommandParser.parse("/history")).isEqualTo(new Input.History(CommandParser.DEFAULT_HISTORY));
        assertThat(CommandParser.parse("/history 3")).isEqualTo(new Input.History(3));
        assertThat(CommandParser.parse("/history many")).isInstanceOf(Input.Invalid.class);
    }

    @Test
    void unknownSlashCommandIsNeverChat() {
        assertThat(CommandParser.parse("/etc/hosts is broken")).isEqualTo(new Input.Unknown("/etc/hosts"));
    }

    @Test
    void doubleSlashSendsTextStartingWithSlash() {
        assertThat(CommandParser.parse("//etc/hosts is broken")).isEqualTo(new Input.Chat("/etc/hosts is broken"));
    }

    @Test
    void blankIsEmpty() {
        assertThat(CommandParser.parse("   ")).isInstanceOf(Input.Empty.class);
    }

    @Test
    void simpleCommands() {
        assertThat(CommandParser.parse("/help")).isInstanceOf(Input.Help.class);
        assertThat(CommandParser.parse("/STATUS")).isInstanceOf(Input.Status.class);
        assertThat(CommandParser.parse("/cost")).isInstanceOf(Input.Cost.class);
    }
}
