package dev.minilab.runtime.tools.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.CappedBuffer;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one command on an allowlisted host over SSH (JSch) with the configured key (or the ssh-agent serving it) and
 * user; known_hosts works as OpenSSH's accept-new, stricter ({@link PinnedHostKeys}: a recorded key of any type that
 * does not match is a changed key; first contact appended under a lock). The command runs on a "dumb" pty, so stdout
 * and stderr arrive merged; on timeout or STOP the remote command gets SIGKILL (when the server honours signal
 * requests) and the channel is closed, which hangs up the pty and kills the remote process group. Knows nothing of
 * models.
 */
public final class Ssh {

    private static final Duration POLL = Duration.ofMillis(20);

    private final SshSettings settings;

    public Ssh(SshSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SshSettings settings() {
        return settings;
    }

    /**
     * Runs {@code command} on {@code target}.
     *
     * @throws MiniLabException when the host is not allowed, the key is missing, the host key changed, or the
     *                          connection or login fails (the message says what to do)
     */
    public ExecResult exec(HostPort target, String command, Cancellation cancellation) {
        String refusal = settings.allowlist().refusal(target.host());
        if (refusal != null) {
            throw new MiniLabException("SSH to " + target.host() + " refused: " + refusal);
        }
        SshKey key = SshKey.check(settings);
        long start = System.nanoTime();
        Session session = connect(target, key);
        AtomicBoolean cancelled = new AtomicBoolean();
        boolean timedOut = false;
        ChannelExec channel = null;
        try {
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            channel.setInputStream(null);
            // A pty makes the remote session's process group die of SIGHUP when the channel closes; that is the only
            // way to kill a remote command tree that works for every user (OpenSSH refuses signal requests for root
            // logins). "dumb" keeps colours and pagers off. Cost: stderr arrives merged into stdout.
            channel.setPty(true);
            channel.setPtyType("dumb", 200, 50, 0, 0);
            CappedBuffer out = new CappedBuffer(ExecRequest.DEFAULT_OUTPUT_CAP_BYTES);
            CappedBuffer err = new CappedBuffer(ExecRequest.DEFAULT_OUTPUT_CAP_BYTES);
            Thread outPump = out.fillFrom(channel.getInputStream());
            Thread errPump = err.fillFrom(channel.getErrStream());
            channel.connect((int) settings.connectTimeout().toMillis());
            ChannelExec open = channel;
            long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
            try (Cancellation.Registration ignored = cancellation.onCancel(() -> {
                cancelled.set(true);
                kill(open, session);
            })) {
                while (!channel.isClosed() && !cancelled.get()) {
                    if (System.nanoTime() > deadline) {
                        timedOut = true;
                        kill(channel, session);
                        break;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            }
            outPump.join(2000);
            errPump.join(2000);
            int exit = channel.getExitStatus();
            // No exit status (-1) means the remote command died without one (e.g. by a signal): report 255 like ssh.
            return new ExecResult(exit < 0 ? 255 : exit, fromTerminal(out.toString()), fromTerminal(err.toString()),
                    Duration.ofNanos(System.nanoTime() - start), timedOut,
                    cancelled.get());
        } catch (JSchException | IOException e) {
            throw new MiniLabException("SSH to " + target + " failed while running the command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(channel, session);
            return new ExecResult(130, "", "", Duration.ofNanos(System.nanoTime() - start), false, true);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
            session.disconnect();
        }
    }

    private Session connect(HostPort target, SshKey key) {
        settings.ensureKnownHostsFile();
        JSch jsch = new JSch();
        PinnedHostKeys pins = new PinnedHostKeys(settings.knownHosts());
        try {
            if (key.useAgent()) {
                jsch.setIdentityRepository(AgentKey.repository(settings.agent().orElseThrow(), key));
            } else {
                jsch.addIdentity(settings.keyPath().toString());
            }
            jsch.setHostKeyRepository(pins);
            Session session = jsch.getSession(settings.user(), target.host(), target.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(15_000);
            session.connect((int) settings.connectTimeout().toMillis());
            return session;
        } catch (JSchChangedHostKeyException e) {
            throw new MiniLabException("SSH to " + target + " refused: host key CHANGED. The server presented a "
                    + PinnedHostKeys.typeOf(pins.lastPresented()) + " key, but " + settings.knownHosts()
                    + " (SSH_KNOWN_HOSTS) records for " + target.knownHostsName() + ": "
                    + String.join("; ", pins.recordedKeys(target.knownHostsName())) + ". Any recorded key that does "
                    + "not match counts, whatever its type. This may be an attack or a reinstalled machine; nothing "
                    + "was run. If the machine was reinstalled, ask the user to remove the line(s) of "
                    + target.knownHostsName() + " from that file (MiniLab never rewrites it)");
        } catch (JSchException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Auth fail") || message.contains("Auth cancel")) {
                throw new MiniLabException("SSH login to " + target + " as " + settings.user() + " failed with the key "
                        + settings.keyPath().getFileName() + (key.useAgent() ? " (signed by the ssh-agent at "
                        + "SSH_AGENT_SOCK)" : "") + ": make sure its public key is in ~" + settings.user()
                        + "/.ssh/authorized_keys on the host (SSH_USER, SSH_KEY_PATH)");
            }
            if (message.contains("UnknownHostKey") || message.contains("reject HostKey")) {
                throw new MiniLabException("SSH to " + target + " refused: its host key could not be recorded in "
                        + settings.knownHosts() + " (SSH_KNOWN_HOSTS); check that the file is writable. Nothing was run");
            }
            throw new MiniLabException("SSH connection to " + target + " failed (" + message + "); check that the host "
                    + "is up and sshd listens on port " + target.port() + " (connect timeout "
                    + settings.connectTimeout().toSeconds() + " s)");
        } catch (RuntimeException e) {
            if (e instanceof MiniLabException m) {
                throw m;
            }
            throw new MiniLabException("SSH connection to " + target + " failed: " + e);
        }
    }

    /** Asks the server to kill the remote command, then closes channel and session. */
    private static void kill(ChannelExec channel, Session session) {
        if (channel != null) {
            try {
                channel.sendSignal("KILL");
            } catch (Exception e) { // best effort: closing the channel below is what ends the call
                // the server may not support signal requests or the channel is already closed
            }
            channel.disconnect();
        }
        session.disconnect();
    }

    /** Turns the terminal's CR LF line ends back into LF. */
    private static String fromTerminal(String text) {
        return text.replace("\r\n", "\n");
    }

}
