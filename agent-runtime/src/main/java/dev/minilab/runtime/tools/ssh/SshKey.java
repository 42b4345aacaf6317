package dev.minilab.runtime.tools.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The team's SSH key (SSH_KEY_PATH) as run_ssh and run_ansible use it, checked before any connection: it must exist,
 * be a private key, and either carry no passphrase (MiniLab cannot type one) or be served by the ssh-agent named in
 * SSH_AGENT_SOCK, which then signs with this key only.
 *
 * @param path        the key file
 * @param publicBlob  its public key (SSH wire format), to pick this key out of the agent
 * @param useAgent    true when signatures come from the agent at {@link SshSettings#agentSocket()}
 */
public record SshKey(Path path, byte[] publicBlob, boolean useAgent) {

    /**
     * Checks the key of {@code settings} up front.
     *
     * @throws MiniLabException saying what to do when the key is missing, not a key, or passphrase-protected without
     *                          an agent
     */
    public static SshKey check(SshSettings settings) {
        Path path = settings.keyPath();
        if (!Files.isReadable(path)) {
            throw new MiniLabException("the SSH key " + path + " (SSH_KEY_PATH) does not exist or is not readable; ask "
                    + "the user to provide it (and to install its public key on the host)");
        }
        KeyPair pair;
        try {
            pair = KeyPair.load(new JSch(), path.toString());
        } catch (JSchException e) {
            throw new MiniLabException("the SSH key " + path + " (SSH_KEY_PATH) cannot be read as a private key: "
                    + e.getMessage() + ". Give MiniLab an OpenSSH or PEM private key file");
        }
        try {
            boolean locked = pair.isEncrypted();
            byte[] blob = publicBlob(pair, path);
            if (settings.agent().isPresent()) {
                if (blob == null) {
                    throw new MiniLabException("the public key of " + path + " is unknown, so MiniLab cannot pick it "
                            + "out of the ssh-agent (SSH_AGENT_SOCK): put its public key next to it as "
                            + path.getFileName() + ".pub");
                }
                return new SshKey(path, blob, true);
            }
            if (locked) {
                throw new MiniLabException(passphraseProblem(path));
            }
            return new SshKey(path, blob, false);
        } finally {
            pair.dispose();
        }
    }

    /** What to do about a passphrase-protected key. */
    static String passphraseProblem(Path path) {
        return "the SSH key " + path + " (SSH_KEY_PATH) is protected by a passphrase, which MiniLab cannot type, so "
                + "nothing was connected to. Ask the user to either (1) give MiniLab a key without a passphrase made "
                + "for the lab (ssh-keygen -t ed25519 -N '' -f <file>, its .pub in the targets' authorized_keys), or "
                + "(2) keep this key and serve it from a dedicated ssh-agent: ssh-agent -a <socket>, then "
                + "SSH_AUTH_SOCK=<socket> ssh-add " + path + ", then set SSH_AGENT_SOCK=<socket> in .env and restart "
                + "the agents (docs/TOOLS.md, SSH setup)";
    }

    private static byte[] publicBlob(KeyPair pair, Path path) {
        byte[] blob = pair.getPublicKeyBlob();
        if (blob != null && blob.length > 0) {
            return blob;
        }
        Path pub = Path.of(path + ".pub");
        try {
            if (Files.isReadable(pub)) {
                String[] fields = Files.readString(pub, StandardCharsets.UTF_8).strip().split("\\s+");
                return fields.length >= 2 ? Base64.getDecoder().decode(fields[1]) : null;
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
