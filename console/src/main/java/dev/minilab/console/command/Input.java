package dev.minilab.console.command;

import java.util.Objects;

/** One line typed at the console, classified. Produced by {@link CommandParser}. */
public sealed interface Input {

    /** A blank line: nothing happens. */
    record Empty() implements Input {
    }

    /** Text for the team, published as a User chat message. */
    record Chat(String text) implements Input {
        public Chat {
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code STOP} or {@code CLEAR}, published as a User control message. */
    record Control(ControlCommand command) implements Input {
        public Control {
            Objects.requireNonNull(command, "command");
        }
    }

    /** {@code exit} or {@code quit}: leave the console (the team keeps running). */
    record Exit() implements Input {
    }

    /** {@code /help}. */
    record Help() implements Input {
    }

    /** {@code /status}. */
    record Status() implements Input {
    }

    /** {@code /log <role> [n]}: the last {@code count} tool entries of a role's execution log. */
    record Log(String role, int count) implements Input {
        public Log {
            Objects.requireNonNull(role, "role");
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1, was " + count);
            }
        }
    }

    /** {@code /cost}. */
    record Cost() implements Input {
    }

    /** {@code /verbose on|off}; {@code on == null} asks for the current setting. */
    record Verbose(Boolean on) implements Input {
    }

    /** {@code /history [n]}: the last {@code count} messages of the conversation. */
    record History(int count) implements Input {
        public History {
            if (count < 1) {
                throw new IllegalArgumentException("count must be >= 1, was " + count);
            }
        }
    }

    /** {@code /approve <plan_id>}: the User's APPROVED verdict on a terraform plan (APPROVER=user or escalated). */
    record Approve(String planId) implements Input {
        public Approve {
            Objects.requireNonNull(planId, "planId");
        }
    }

    /** {@code /reject <plan_id> <why>}: the User's CHANGES_REQUESTED verdict, with the reasons. */
    record Reject(String planId, String why) implements Input {
        public Reject {
            Objects.requireNonNull(planId, "planId");
            Objects.requireNonNull(why, "why");
        }
    }

    /** A {@code /command} the console does not know; never sent to the team. */
    record Unknown(String command) implements Input {
    }

    /** A known command used wrongly; {@code problem} says what is expected. */
    record Invalid(String problem) implements Input {
    }

    /** The two control words. */
    enum ControlCommand { STOP, CLEAR }
}
