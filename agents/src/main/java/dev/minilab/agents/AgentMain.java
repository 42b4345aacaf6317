package dev.minilab.agents;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.BusException;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.RoleLease;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.discipline.DisciplineSettings;
import dev.minilab.runtime.discipline.Mode;
import dev.minilab.runtime.metrics.MetricsServer;
import dev.minilab.runtime.metrics.MetricsSettings;
import dev.minilab.runtime.metrics.PushGateway;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.runtime.tools.proxmox.ProxmoxToolkit;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one agent: {@code java -jar minilab-agent.jar <Role>} (or the role from {@code AGENT_ROLE}).
 *
 * <p>Exit codes: 2 bad usage or configuration, 3 Redis unreachable. Otherwise it runs until SIGTERM/SIGINT.
 */
public final class AgentMain {

    /** Printed on stdout once the agent listens (scripts and tests wait for it). */
    public static final String READY = "ready";
    static final int EXIT_USAGE = 2;
    static final int EXIT_REDIS = 3;
    /** Exit code when another process took this role's lease (the supervisor restarts this one as a standby). */
    static final int EXIT_LEASE_LOST = 4;
    /** How long a role's lease lasts without a refresh: a standby takes over at most this long after a crash. */
    static final Duration LEASE_TTL = Duration.ofSeconds(15);

    private AgentMain() {
    }

    public static void main(String[] args) {
        // Netty (under Lettuce) would print sun.misc.Unsafe deprecation warnings on JDK 24+; it works without Unsafe.
        System.setProperty("io.netty.noUnsafe", "true");
        int code = run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err);
        System.exit(code);
    }

    /**
     * Returns once this process holds the role's lease; while another process holds it, waits as a hot standby
     * (connected, configured, tools built), says so in the log and keeps the health file fresh.
     */
    private static void awaitLease(RoleLease lease, Logger log, Optional<Path> healthFile)
            throws InterruptedException {
        String activeHolder = null;
        while (true) {
            try {
                if (lease.tryAcquire()) {
                    if (activeHolder != null) {
                        log.info("The lease of the active process ({}) lapsed: this process ({}) takes over and "
                                + "resumes from agent_progress", activeHolder, lease.owner());
                    }
                    return;
                }
                if (activeHolder == null) {
                    activeHolder = lease.holder();
                    log.info("Another process ({}) is active for this role: waiting as hot standby; this process "
                            + "({}) takes over within {} s of it ending", lease.holder(), lease.owner(),
                            LEASE_TTL.toSeconds());
                }
            } catch (RuntimeException e) {
                log.warn("Could not check this role's lease in Redis ({}); retrying", e.getMessage());
            }
            healthFile.ifPresent(Heartbeat::touch);
            Thread.sleep(LEASE_TTL.dividedBy(3));
        }
    }

    static int run(String[] args, Map<String, String> processEnv, Path cwd, PrintStream out, PrintStream err) {
        Optional<String> roleText = args.length > 0 ? Optional.of(args[0])
                : Optional.ofNullable(processEnv.get("AGENT_ROLE"));
        if (roleText.isEmpty()) {
            err.println("minilab-agent: which role? Usage: minilab-agent <Role> (or set AGENT_ROLE); roles: "
                    + Role.validNames());
            return EXIT_USAGE;
        }
        Optional<Role> parsed = Role.parse(roleText.get());
        if (parsed.isEmpty()) {
            err.println("minilab-agent: unknown role '" + roleText.get() + "'; use one of " + Role.validNames());
            return EXIT_USAGE;
        }
        Role role = parsed.get();
        Map<String, String> env;
        MiniLabConfig config;
        String prompt;
        SignatureGuard guard;
        DisciplineSettings guardrails;
        MetricsSettings metricsSettings;
        BusSettings busSettings;
        try {
            env = MiniLabConfig.load(processEnv, cwd);
            config = MiniLabConfig.from(env, cwd);
            ToolboxSettings.fromEnv(config.workspace(), env); // validates the tool settings before connecting
            ProxmoxToolkit.fromEnv(env, config.workspace()); // PM_* and the sizing rules, before connecting
            prompt = Prompts.load(role, Prompts.searchPath(config.get("MINILAB_PROMPTS"), config.workspace(),
                    config.get("MINILAB_HOME")));
            guard = SignatureGuard.fromEnv(env, role.displayName());
            guardrails = DisciplineSettings.fromEnv(env);
            metricsSettings = MetricsSettings.fromEnv(env, role.displayName(), role.ordinal());
            busSettings = BusSettings.from(config, config.busKeys(),
                    BusSettings.DEFAULT_COMMAND_TIMEOUT);
        } catch (ConfigException e) {
            err.println("minilab-agent: " + e.getMessage());
            return EXIT_USAGE;
        }
        Logger log = LoggerFactory.getLogger("agent." + role.displayName());
        String name = role.displayName();
        TeamBus bus;
        try {
            bus = TeamBus.connect(busSettings, guard);
            bus.adoptSessionEpoch();
        } catch (BusException e) {
            err.println("minilab-agent " + name + ": " + e.getMessage());
            return EXIT_REDIS;
        }
        String model = config.modelFor(name);
        ChatModel chatModel = ChatModels.openAiCompatible(new LlmSettings(config.apiBase(),
                config.apiKey().orElse(null), model, config.llmTimeout(), config.llmMaxRetries()));
        if (config.apiKey().isEmpty() && config.apiBase().equals(MiniLabConfig.DEFAULT_API_BASE)) {
            log.warn("OPENAI_API_KEY is not set and OPENAI_API_BASE is OpenAI: every LLM call will fail. Set "
                    + "OPENAI_API_KEY in .env, or point OPENAI_API_BASE at a local server (e.g. Ollama).");
        }
        AgentAssembly.Assembled assembled = AgentAssembly.assembleWithGuardrails(role, config, prompt, bus, chatModel,
                model);
        TeamAgent agent = assembled.agent();
        MetricsServer metricsServer = null;
        if (metricsSettings.port().isPresent()) {
            try {
                metricsServer = MetricsServer.start(assembled.discipline().metrics(), new java.net.InetSocketAddress(
                        metricsSettings.host(), metricsSettings.port().getAsInt()));
                log.info("Metrics at http://{}:{}/metrics", metricsSettings.host(), metricsServer.port());
            } catch (java.io.UncheckedIOException e) {
                err.println("minilab-agent " + name + ": " + e.getMessage());
                bus.close();
                return EXIT_USAGE;
            }
        }
        PushGateway push = metricsSettings.pushGateway() == null ? null
                : PushGateway.start(assembled.discipline().metrics(), metricsSettings.pushGateway());
        MetricsServer servedMetrics = metricsServer;
        CountDownLatch stopped = new CountDownLatch(1);
        Optional<Path> healthFile = config.get("MINILAB_HEALTH_FILE").map(Path::of);
        RoleLease lease = new RoleLease(bus, name, LEASE_TTL);
        Heartbeat[] heartbeats = new Heartbeat[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (push != null) {
                push.close();
            }
            if (servedMetrics != null) {
                servedMetrics.close();
            }
            if (heartbeats[0] != null) {
                heartbeats[0].close();
            }
            agent.close();
            lease.release(); // a standby takes over at once instead of after the lease lapses
            bus.close();
            stopped.countDown();
        }, name + "-shutdown"));
        try {
            awaitLease(lease, log, healthFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        // Before it listens: the first message after start then runs warm code (issue 12).
        Duration warm = WarmUp.run(name, guard, dev.minilab.runtime.sandbox.Redactor.fromEnv(env)::redact);
        log.info("Warmed up in {} ms", warm.toMillis());
        heartbeats[0] = Heartbeat.start(agent, bus, healthFile, lease);
        HeapTrim.start();
        agent.start();
        if (guard.signing()) {
            log.info(guard.startupNotice());
        } else {
            log.warn(guard.startupNotice());
        }
        log.info("{} uses model {} at {}; workspace {}", name, model, config.apiBase(), config.workspace());
        dev.minilab.runtime.sandbox.Redactor.weakSecretWarning(env).ifPresent(log::warn);
        log.info("Guardrails: MAX_HOPS={}, MAX_COST_USD={}, MAX_TOKENS={}, CONTEXT_BUDGET_TOKENS={}, MINILAB_MODE={}; "
                + "APPROVER={}; price of {}: {}", guardrails.maxHops(), guardrails.maxCostUsd(), guardrails.maxTokens(),
                guardrails.contextBudgetTokens(), guardrails.mode().wire(), guardrails.approver().wire(), model,
                guardrails.prices().priceOf(model).map(p -> "$" + p + " per 1M input:output tokens")
                        .orElse("unknown (tokens are counted, dollars are not; set LLM_PRICES)"));
        if (!guard.signing()) {
            log.warn("The approval gate cannot authenticate verdicts on an unsigned team: anyone who can write to "
                    + "Redis could approve a plan. Create keys with ./minilab keys (./minilab up does it) to sign them.");
        }
        if (guardrails.mode() == Mode.PLAN_ONLY) {
            log.warn("PLAN-ONLY MODE: terraform apply/destroy are refused, ansible runs only with --check --diff, "
                    + "run_ssh and run_shell accept only read-only commands");
        }
        out.println(name + " " + READY);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String version() {
        String version = AgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
