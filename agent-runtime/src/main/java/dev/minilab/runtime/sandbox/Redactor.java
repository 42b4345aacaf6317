package dev.minilab.runtime.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in any text before it leaves the process (tool results, logs, bus messages, LLM requests).
 *
 * <p>Masks the values of secret variables (names containing KEY, SECRET, PASSWORD, PASSWD, TOKEN or CREDENTIAL, plus a
 * configured list of names; names ending in {@code _PATH}, {@code _FILE}, {@code _DIR}, {@code _NAME} or containing
 * {@code PUBLIC} hold locations or names, not secrets, and are kept), PEM private-key blocks (also when cut off),
 * bearer tokens, HTTP basic credentials, {@code PVEAPIToken=} headers, passwords in URLs (and the password of any
 * variable holding a URL with one, e.g. {@code REDIS_URL}, also where it appears alone), OpenAI-style {@code sk-}
 * keys and long mixed-case base64 runs (key material printed line by line; SSH public keys are kept). A secret value
 * cut in half by output capping is masked on both sides of the cut marker too. Thread-safe and immutable.
 *
 * <p>A value from the environment is masked only when it is long or random enough to be a secret
 * ({@link #maskable}): masking {@code OPENAI_API_KEY=anything} would turn every "anything" in prompts, messages and
 * tool output into {@code [REDACTED:...]}. {@link #tooWeakToMask} names those values, for a warning at start.
 */
public final class Redactor {

    /** Names whose values are secret (case-insensitive substring match). */
    public static final Pattern SECRET_NAME = Pattern.compile("(?i)KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL");

    private static final Pattern LOCATION_NAME = Pattern.compile("(?i)(_PATH|_FILE|_DIR|_DIRS|_NAME)$|PUBLIC");
    private static final int MIN_SECRET_LENGTH = 4;

    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(-----END \\1PRIVATE KEY-----|\\z)", Pattern.DOTALL);
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9\\-._~+/]{8,}=*");
    private static final Pattern BASIC = Pattern.compile("(?i)(authorization:\\s*basic\\s+)[A-Za-z0-9+/=]{4,}");
    private static final Pattern PVE_TOKEN = Pattern.compile("(PVEAPIToken\\s*=\\s*)[^\\s\"',;]+");
    /** The password of a URL's user info (group 1), e.g. {@code rediss://default:pw@host:6380}. */
    private static final Pattern URL_USERINFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]*:([^@\\s/]+)@");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@]*:)[^@\\s/]+@");
    /**
     * Long base64 runs with mixed case and digits: key material shown line by line (grep on a key file) escapes the
     * PEM pattern. SSH public keys (after their type word) are kept; hex digests and words do not match.
     */
    private static final Pattern BASE64_BLOB = Pattern.compile(
            "(?<!(?:ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp\\d{3}|sk-ssh-ed25519@openssh\\.com) )"
                    + "(?<![A-Za-z0-9+/=])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[0-9])"
                    + "[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])");
    private static final Pattern OPENAI_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{16,}");
    private static final Pattern CUT_MARKER =
            Pattern.compile("\\s*\\[\\.\\.\\. \\d+ (?:bytes|characters) cut \\.\\.\\.\\]\\s*");

    private static final Redactor NONE = new Redactor(Map.of(), false);

    /** value → name of the variable it came from, longest values first so overlapping secrets mask fully. */
    private final Map<String, String> secretValues;
    private final boolean patterns;

    private Redactor(Map<String, String> secretValues, boolean patterns) {
        this.secretValues = secretValues;
        this.patterns = patterns;
    }

    /**
     * Builds a redactor from the process environment (or any env map).
     *
     * @param env        variable name to value
     * @param extraNames names of further variables whose values are secret whatever their name says
     */
    public static Redactor fromEnv(Map<String, String> env, Collection<String> extraNames) {
        Set<String> extra = Set.copyOf(extraNames.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList());
        List<Map.Entry<String, String>> secrets = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String value = e.getValue();
            // A password inside a URL (REDIS_URL=rediss://user:pw@host) is a secret whatever the variable's name:
            // mask it on its own too, as written and percent-decoded, wherever it shows up without its URL.
            for (String password : urlPasswords(value)) {
                if (maskable(password)) {
                    secrets.add(Map.entry(password, e.getKey() + " password"));
                }
            }
            if (value == null || !maskable(value)) {
                continue;
            }
            if (extra.contains(e.getKey().toUpperCase(Locale.ROOT)) || isSecretName(e.getKey())) {
                secrets.add(Map.entry(value, e.getKey()));
                if (!value.strip().equals(value)) {
                    secrets.add(Map.entry(value.strip(), e.getKey()));
                }
            }
        }
        secrets.sort(Comparator.comparingInt((Map.Entry<String, String> s) -> s.getKey().length()).reversed());
        Map<String, String> ordered = new LinkedHashMap<>();
        secrets.forEach(s -> ordered.putIfAbsent(s.getKey(), s.getValue()));
        return new Redactor(ordered, true);
    }

    /** The password of a {@code scheme://[user]:password@host} value, as written and percent-decoded; else none. */
    static List<String> urlPasswords(String value) {
        if (value == null) {
            return List.of();
        }
        Matcher m = URL_USERINFO.matcher(value.strip());
        if (!m.find()) {
            return List.of();
        }
        String raw = m.group(1);
        String decoded;
        try {
            decoded = java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = raw;
        }
        return decoded.equals(raw) ? List.of(raw) : List.of(raw, decoded);
    }

    /**
     * Whether {@code value} is long or random enough to mask: 16 characters or more, or 8 or more that mix at least
     * two of lower case, upper case, digits and other characters. Shorter or plainer values are ordinary words too.
     */
    public static boolean maskable(String value) {
        String v = value == null ? "" : value.strip();
        if (v.length() >= 16) {
            return true;
        }
        if (v.length() < 8) {
            return false;
        }
        boolean lower = v.chars().anyMatch(Character::isLowerCase);
        boolean upper = v.chars().anyMatch(Character::isUpperCase);
        boolean digit = v.chars().anyMatch(Character::isDigit);
        boolean other = v.chars().anyMatch(c -> !Character.isLetterOrDigit(c));
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0) >= 2;
    }

    /** The secret variables of {@code env} whose (non-blank) values are too short or plain to be masked, sorted. */
    public static List<String> tooWeakToMask(Map<String, String> env) {
        Set<String> extra = Set.copyOf(extraNames(env).stream().map(n -> n.toUpperCase(Locale.ROOT)).toList());
        return env.entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().isBlank() && !maskable(e.getValue()))
                .filter(e -> extra.contains(e.getKey().toUpperCase(Locale.ROOT)) || isSecretName(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** One warning line for {@link #tooWeakToMask}, empty when every secret can be masked. */
    public static java.util.Optional<String> weakSecretWarning(Map<String, String> env) {
        List<String> weak = tooWeakToMask(env);
        return weak.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(", ", weak)
                + (weak.size() == 1 ? " is" : " are") + " too short or plain to be masked safely, so "
                + (weak.size() == 1 ? "it is" : "they are") + " NOT masked in logs, messages and tool output: use a"
                + " long random value (16+ characters)");
    }

    /** Variable naming further secret variables (comma separated), read by {@link #fromEnv(Map)}. */
    public static final String EXTRA_NAMES_VARIABLE = "MINILAB_REDACT_VARS";

    /** Builds a redactor from the env; extra secret names come from {@value #EXTRA_NAMES_VARIABLE} in the env. */
    public static Redactor fromEnv(Map<String, String> env) {
        return fromEnv(env, extraNames(env));
    }

    /** The names listed in {@value #EXTRA_NAMES_VARIABLE} (comma separated; empty when unset). */
    public static List<String> extraNames(Map<String, String> env) {
        String value = env.getOrDefault(EXTRA_NAMES_VARIABLE, "");
        return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A redactor that changes nothing (tests only). */
    public static Redactor none() {
        return NONE;
    }

    /** True when a variable of this name holds a secret (and is not just a path to one). */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).find() && !LOCATION_NAME.matcher(name).find();
    }

    /**
     * Returns a copy that also masks every line (16+ characters) of the private key file at {@code keyFile}, so its
     * content never shows even when printed piecemeal; a missing or unreadable file changes nothing.
     */
    public Redactor withKeyFile(java.nio.file.Path keyFile) {
        Redactor out = this;
        try {
            if (keyFile != null && java.nio.file.Files.isRegularFile(keyFile)) {
                for (String line : java.nio.file.Files.readAllLines(keyFile)) {
                    String l = line.strip();
                    if (l.length() >= 16 && !l.startsWith("-----")) {
                        out = out.withSecret("SSH_KEY", l);
                    }
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return out;
        }
        return out;
    }

    /** Returns a copy that also masks {@code value} as the secret {@code label} (e.g. a key file's content). */
    public Redactor withSecret(String label, String value) {
        if (value == null || value.strip().length() < MIN_SECRET_LENGTH) {
            return this;
        }
        List<Map.Entry<String, String>> all = new ArrayList<>(secretValues.entrySet());
        all.add(Map.entry(value, label));
        all.sort(Comparator.comparingInt((Map.Entry<String, String> s) -> s.getKey().length()).reversed());
        Map<String, String> ordered = new LinkedHashMap<>();
        all.forEach(s -> ordered.putIfAbsent(s.getKey(), s.getValue()));
        return new Redactor(ordered, true);
    }

    /** Returns {@code text} with every known secret masked as {@code [REDACTED:NAME]}; null stays null. */
    public String redact(String text) {
        if (text == null || text.isEmpty() || (!patterns && secretValues.isEmpty())) {
            return text;
        }
        boolean cacheable = text.length() <= CACHED_TEXT_CHARS;
        if (cacheable) {
            synchronized (recent) {
                String known = recent.get(text);
                if (known != null) {
                    return known;
                }
            }
        }
        String out = redactUncached(text);
        if (cacheable) {
            synchronized (recent) {
                recent.put(text, out);
            }
        }
        return out;
    }

    /**
     * Texts redacted lately and their results: every turn redacts the whole history window again (issue 12: seven
     * regular expressions over up to HISTORY_WINDOW messages per turn); the same text always redacts the same way.
     */
    private final Map<String, String> recent = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHED_TEXTS;
        }
    };
    private static final int CACHED_TEXTS = 1024;
    private static final int CACHED_TEXT_CHARS = 64 * 1024;

    private String redactUncached(String text) {
        String out = text;
        for (Map.Entry<String, String> secret : secretValues.entrySet()) {
            if (out.contains(secret.getKey())) {
                out = out.replace(secret.getKey(), "[REDACTED:" + secret.getValue() + "]");
            }
        }
        if (patterns) {
            out = PEM_PRIVATE_KEY.matcher(out).replaceAll("[REDACTED:PRIVATE KEY]");
            out = BEARER.matcher(out).replaceAll("$1[REDACTED]");
            out = BASIC.matcher(out).replaceAll("$1[REDACTED]");
            out = PVE_TOKEN.matcher(out).replaceAll("$1[REDACTED]");
            out = URL_PASSWORD.matcher(out).replaceAll("$1[REDACTED]@");
            out = OPENAI_KEY.matcher(out).replaceAll("[REDACTED:API KEY]");
            out = BASE64_BLOB.matcher(out).replaceAll("[REDACTED:BASE64]");
            out = maskAroundCuts(out);
        }
        return out;
    }

    /** A secret split by a "[... N bytes cut ...]" marker survives plain matching; mask its halves too. */
    private String maskAroundCuts(String text) {
        if (secretValues.isEmpty()) {
            return text;
        }
        Matcher cut = CUT_MARKER.matcher(text);
        List<String> parts = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        int last = 0;
        while (cut.find()) {
            parts.add(text.substring(last, cut.start()));
            markers.add(cut.group());
            last = cut.end();
        }
        if (markers.isEmpty()) {
            return text;
        }
        parts.add(text.substring(last));
        for (int i = 0; i < markers.size(); i++) {
            parts.set(i, maskSecretPrefixAtEnd(parts.get(i)));
            parts.set(i + 1, maskSecretSuffixAtStart(parts.get(i + 1)));
        }
        StringBuilder out = new StringBuilder(parts.getFirst());
        for (int i = 0; i < markers.size(); i++) {
            out.append(markers.get(i)).append(parts.get(i + 1));
        }
        return out.toString();
    }

    private String maskSecretPrefixAtEnd(String before) {
        for (String secret : secretValues.keySet()) {
            for (int n = secret.length() - 1; n >= MIN_SECRET_LENGTH; n--) {
                if (before.endsWith(secret.substring(0, n))) {
                    return before.substring(0, before.length() - n) + "[REDACTED:" + secretValues.get(secret) + "]";
                }
            }
        }
        return before;
    }

    private String maskSecretSuffixAtStart(String after) {
        for (String secret : secretValues.keySet()) {
            for (int n = secret.length() - 1; n >= MIN_SECRET_LENGTH; n--) {
                if (after.startsWith(secret.substring(secret.length() - n))) {
                    return "[REDACTED:" + secretValues.get(secret) + "]" + after.substring(n);
                }
            }
        }
        return after;
    }

    /** Number of secret values this redactor masks (for a start-up log line; never the values). */
    public int secretCount() {
        return secretValues.size();
    }
}
