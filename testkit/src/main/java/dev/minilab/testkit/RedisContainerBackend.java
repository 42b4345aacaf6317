package dev.minilab.testkit;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.redis.testcontainers.RedisContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.BindMode;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis container (testcontainers-redis) whose port is bound on 127.0.0.1 at a fixed host port, so a restart keeps
 * the port and clients need no new address. Not exercised on machines without a Docker engine.
 */
final class RedisContainerBackend implements RedisBackend {

    private static final int REDIS_PORT = 6379;

    private final RedisContainer container;
    private final int hostPort;

    private RedisContainerBackend(RedisContainer container, int hostPort) {
        this.container = container;
        this.hostPort = hostPort;
    }

    @SuppressWarnings("resource") // closed by close()
    static RedisContainerBackend start(RedisServer.Options options) {
        int hostPort = FreePort.find();
        List<String> command = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly",
                options.appendOnly() ? "yes" : "no", "--appendfsync", options.appendFsync(), "--dir", "/data"));
        if (options.password() != null) {
            command.add("--requirepass");
            command.add(options.password());
        }
        RedisContainer container = new RedisContainer(DockerImageName.parse(options.containerImage()))
                .withCommand(command.toArray(String[]::new))
                .withStartupTimeout(options.startupTimeout().plus(Duration.ofSeconds(50)))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(REDIS_PORT))));
        Path dataDir = options.dataDir();
        if (dataDir != null) {
            container.withFileSystemBind(dataDir.toAbsolutePath().toString(), "/data", BindMode.READ_WRITE);
        }
        container.start();
        return new RedisContainerBackend(container, hostPort);
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public void kill9() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    }

    @Override
    public void restart() {
        // Docker keeps the container's filesystem (and so the AOF) and its fixed port binding across a start.
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public String describe() {
        return "container " + container.getContainerId() + " (" + container.getDockerImageName() + ") on 127.0.0.1:"
                + hostPort;
    }

    @Override
    public void close() {
        container.stop();
    }
}
