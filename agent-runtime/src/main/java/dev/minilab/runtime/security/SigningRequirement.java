package dev.minilab.runtime.security;

import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whether this process must sign and verify ({@value #VARIABLE}): fail-closed once a team has keys.
 *
 * <p>{@code true}/{@code false} when set; otherwise {@code true} as soon as keys exist for this team:
 * {@value KeyRing#PRIVATE_KEY_VARIABLE} or {@value KeyRing#PUBLIC_KEYS_VARIABLE} is set, or
 * {@value #KEYS_DIR_VARIABLE} names a folder holding public keys. A process that must sign but has no key refuses to
 * start (it would otherwise accept forged messages from anyone who can reach Redis); the message gives the command
 * that creates the keys.
 */
public final class SigningRequirement {

    /** {@code true}: refuse to start without a signing key; {@code false}: allow an unsigned team (loud warning). */
    public static final String VARIABLE = "MINILAB_REQUIRE_SIGNATURES";
    /** The team's key folder (default of the launcher: {@code ~/.config/minilab/keys}). */
    public static final String KEYS_DIR_VARIABLE = "MINILAB_KEYS_DIR";

    private SigningRequirement() {
    }

    /**
     * Returns whether signatures are required by {@code env}.
     *
     * @throws ConfigException when {@value #VARIABLE} is set to something other than true or false
     */
    public static boolean required(Map<String, String> env) {
        String value = env.get(VARIABLE);
        if (value != null && !value.isBlank()) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw ConfigException.invalid(VARIABLE, value, "true or false (default: true when keys "
                        + "exist)");
            };
        }
        return keysExist(env);
    }

    /** Returns whether {@code env} points at keys of this team. */
    static boolean keysExist(Map<String, String> env) {
        if (isSet(env, KeyRing.PRIVATE_KEY_VARIABLE) || isSet(env, KeyRing.PUBLIC_KEYS_VARIABLE)) {
            return true;
        }
        if (!isSet(env, KEYS_DIR_VARIABLE)) {
            return false;
        }
        Path publicDir = KeyGenerator.publicKeysDir(Path.of(env.get(KEYS_DIR_VARIABLE).strip()));
        try (Stream<Path> files = Files.list(publicDir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".pub"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Throws the start-up refusal of {@code self} when signatures are required but {@code ring} holds no key.
     *
     * @throws ConfigException naming {@value KeyRing#PRIVATE_KEY_VARIABLE} and the command that creates keys
     */
    static void check(Map<String, String> env, KeyRing ring, String self) {
        if (ring.configured() || !required(env)) {
            return;
        }
        String dir = isSet(env, KEYS_DIR_VARIABLE) ? env.get(KEYS_DIR_VARIABLE).strip() : "~/.config/minilab/keys";
        throw ConfigException.missing(KeyRing.PRIVATE_KEY_VARIABLE, "signatures are required (" + VARIABLE + "="
                + env.getOrDefault(VARIABLE, "default: keys exist") + ") but " + self + " has no signing key, so it "
                + "refuses to start. Create the keys with `./minilab keys " + dir + "` (./minilab up, agent and console "
                + "do it on first use), then set " + KeyRing.PRIVATE_KEY_VARIABLE + "=" + dir + "/private/" + self + "/"
                + self + ".pem and " + KeyRing.PUBLIC_KEYS_VARIABLE + "=" + dir + "/public");
    }

    private static boolean isSet(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value != null && !value.isBlank();
    }
}
