package dev.minilab.agents;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.security.KeyGenerator;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./minilab keys [dir]}: creates one Ed25519 key pair per role and one for the User under {@code dir}
 * (default {@code keys}), keeping every pair that already exists, and prints what it did.
 * Exit code 0 on success, 1 when a key could not be created (the message says what to do).
 */
public final class KeysMain {

    /** Every sender that signs bus messages: the four roles and the User (the console). */
    static final List<String> SENDERS = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester",
            "User");

    private KeysMain() {
    }

    public static void main(String[] args) {
        String prefix = System.getenv("MINILAB_KEY_PREFIX");
        BusKeys keys;
        try {
            keys = new BusKeys(prefix == null ? "" : prefix.strip());
        } catch (IllegalArgumentException e) {
            System.err.println("minilab keys: MINILAB_KEY_PREFIX: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(args, keys, System.out, System.err));
    }

    /** Runs the command with {@code args} and returns the exit code; testable without exiting the JVM. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, BusKeys.DEFAULT, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the Redis key names the ACL users are limited to. */
    static int run(String[] args, BusKeys keyNames, PrintStream out, PrintStream err) {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            out.println("usage: minilab keys [dir]   create missing Ed25519 signing keys under dir (default: keys)");
            return args.length > 1 ? 2 : 0;
        }
        Path dir = Path.of(args.length == 1 ? args[0] : "keys");
        KeyGenerator.Result result;
        try {
            result = KeyGenerator.generate(dir, SENDERS);
        } catch (MiniLabException | UncheckedIOException e) {
            err.println("minilab keys: " + e.getMessage());
            return 1;
        }
        for (String sender : result.created()) {
            out.println("created  " + KeyGenerator.privateKeyFile(dir, sender) + " (mode 600) and "
                    + KeyGenerator.publicKeysDir(dir).resolve(sender + ".pub"));
        }
        for (String sender : result.kept()) {
            out.println("kept     existing key pair of " + sender);
        }
        try {
            List<String> passwords = RedisAclFiles.write(dir, SENDERS, keyNames);
            if (!passwords.isEmpty()) {
                out.println("created  Redis ACL users " + passwords + " in " + RedisAclFiles.passwordDir(dir, keyNames)
                        + " (used when ./minilab up starts its own Redis)");
            }
        } catch (UncheckedIOException e) {
            err.println("minilab keys: " + e.getMessage());
            return 1;
        }
        out.println("Each process gets MINILAB_PRIVATE_KEY=" + dir + "/private/<Role>/<Role>.pem (its own only) and "
                + "MINILAB_PUBLIC_KEYS=" + KeyGenerator.publicKeysDir(dir) + ". Never commit " + dir + "/.");
        return 0;
    }
}
