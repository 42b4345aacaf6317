package dev.minilab.runtime.tools.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;
import dev.minilab.runtime.MiniLabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Vector;

/**
 * The one key of SSH_KEY_PATH, signed by the ssh-agent at SSH_AGENT_SOCK: whatever else the agent holds is never
 * offered to a server (as OpenSSH's {@code IdentitiesOnly=yes}).
 */
final class AgentKey implements IdentityRepository {

    private final IdentityRepository agent;
    private final SshKey key;

    private AgentKey(IdentityRepository agent, SshKey key) {
        this.agent = agent;
        this.key = key;
    }

    /**
     * The agent's identity for {@code key}.
     *
     * @throws MiniLabException when the agent cannot be reached or does not hold the key
     */
    static IdentityRepository repository(Path socket, SshKey key) {
        if (!Files.exists(socket)) {
            throw new MiniLabException("the ssh-agent socket " + socket + " (SSH_AGENT_SOCK) does not exist: start the "
                    + "agent with ssh-agent -a " + socket + " and load the key with SSH_AUTH_SOCK=" + socket
                    + " ssh-add " + key.path());
        }
        IdentityRepository agent;
        try {
            agent = new AgentIdentityRepository(new SSHAgentConnector(new UnixDomainSocketFactory(), socket));
        } catch (AgentProxyException e) {
            throw new MiniLabException("cannot talk to the ssh-agent at " + socket + " (SSH_AGENT_SOCK): "
                    + e.getMessage());
        }
        AgentKey repository = new AgentKey(agent, key);
        if (repository.getIdentities().isEmpty()) {
            throw new MiniLabException("the ssh-agent at " + socket + " (SSH_AGENT_SOCK) does not hold the key "
                    + key.path() + " (SSH_KEY_PATH); load it with SSH_AUTH_SOCK=" + socket + " ssh-add " + key.path()
                    + " (agents forget keys when they restart)");
        }
        return repository;
    }

    @Override
    public String getName() {
        return "ssh-agent (" + key.path().getFileName() + " only)";
    }

    @Override
    public int getStatus() {
        return agent.getStatus();
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> mine = new Vector<>();
        for (Identity identity : agent.getIdentities()) {
            if (Arrays.equals(identity.getPublicKeyBlob(), key.publicBlob())) {
                mine.add(identity);
            }
        }
        return mine;
    }

    @Override
    public boolean add(byte[] identity) {
        return false;
    }

    @Override
    public boolean remove(byte[] blob) {
        return false;
    }

    @Override
    public void removeAll() {
        // MiniLab never changes the user's agent
    }
}
