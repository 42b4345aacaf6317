package dev.minilab.runtime.config;

import dev.minilab.runtime.MiniLabException;

/** A configuration variable is missing or malformed; the message names the variable and what is expected. */
public class ConfigException extends MiniLabException {

    private final String variable;

    private ConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** Creates the one-line error for {@code variable} holding {@code value} when {@code expected} was wanted. */
    public static ConfigException invalid(String variable, String value, String expected) {
        return new ConfigException(variable, variable + "=" + value + " is not valid: expected " + expected);
    }

    /** Creates the error for a required variable that is not set. */
    public static ConfigException missing(String variable, String hint) {
        return new ConfigException(variable, variable + " is not set: " + hint);
    }

    /** A configuration file line that cannot be read. */
    public static final class Malformed extends ConfigException {
        public Malformed(String message) {
            super(null, message);
        }
    }

    public String variable() {
        return variable;
    }
}
