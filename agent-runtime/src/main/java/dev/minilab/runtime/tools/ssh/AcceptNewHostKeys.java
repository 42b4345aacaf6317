package dev.minilab.runtime.tools.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSSH's {@code StrictHostKeyChecking=accept-new} for JSch: a host seen for the first time is recorded in the
 * known_hosts file and accepted; a host whose key differs from the recorded one is refused (CHANGED).
 */
final class AcceptNewHostKeys implements HostKeyRepository {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptNewHostKeys.class);

    private final HostKeyRepository delegate;

    AcceptNewHostKeys(HostKeyRepository delegate) {
        this.delegate = delegate;
    }

    @Override
    public int check(String host, byte[] key) {
        int result = delegate.check(host, key);
        if (result == NOT_INCLUDED) {
            try {
                delegate.add(new HostKey(host, key), null);
                LOG.info("First contact with {}: its host key was recorded in {}", host,
                        delegate.getKnownHostsRepositoryID());
                return OK;
            } catch (JSchException e) {
                LOG.warn("Could not record the host key of {}; refusing the connection", host, e);
                return NOT_INCLUDED;
            }
        }
        return result;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        delegate.add(hostkey, ui);
    }

    @Override
    public void remove(String host, String type) {
        delegate.remove(host, type);
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        delegate.remove(host, type, key);
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return delegate.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
        return delegate.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return delegate.getHostKey(host, type);
    }
}
