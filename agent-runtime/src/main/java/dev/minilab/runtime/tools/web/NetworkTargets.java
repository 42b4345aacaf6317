package dev.minilab.runtime.tools.web;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which addresses fetch_webpage and QA_Tester's network probes may connect to (SSRF guard).
 *
 * <p>Never: the unspecified address, link-local addresses, cloud metadata addresses (169.254.169.254,
 * fd00:ec2::254, 100.100.100.200, 168.63.129.16), multicast and reserved ranges, and the Redis and LLM endpoints of the
 * team (address and port), in any form (IPv4-mapped, IPv4-compatible and NAT64 IPv6 forms are unwrapped first).
 * Loopback only for an exact {@code 127.0.0.1:PORT}, {@code [::1]:PORT} or {@code localhost:PORT} entry of
 * {@code WEB_ALLOWED_HOSTS}. Private, CGNAT, unique-local and documentation ranges only when the address or the
 * name is in {@code SSH_ALLOWED_HOSTS} or {@code WEB_ALLOWED_HOSTS}. Public addresses are allowed. A name is
 * resolved once; every address it resolves to must pass, and callers connect to exactly those addresses.
 */
public final class NetworkTargets {

    /** The variable that lists further web targets. */
    public static final String VARIABLE = "WEB_ALLOWED_HOSTS";

    /** Resolves names (a seam for tests; production uses the system resolver). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** What an address is, as far as the guard cares. */
    enum Kind { PUBLIC, PRIVATE, LOOPBACK, UNSPECIFIED, LINK_LOCAL, METADATA, RESERVED }

    private static final Set<String> METADATA = Set.of("169.254.169.254", "100.100.100.200", "168.63.129.16");
    private static final byte[] METADATA_V6 = literal("fd00:ec2::254").getAddress();

    private final HostAllowlist ssh;
    private final HostAllowlist web;
    private final Set<Integer> loopbackPorts4;
    private final Set<Integer> loopbackPorts6;
    private final List<URI> protectedEndpoints;
    private final Resolver resolver;

    private NetworkTargets(HostAllowlist ssh, HostAllowlist web, Set<Integer> loopbackPorts4,
                           Set<Integer> loopbackPorts6, List<URI> protectedEndpoints, Resolver resolver) {
        this.ssh = ssh;
        this.web = web;
        this.loopbackPorts4 = Set.copyOf(loopbackPorts4);
        this.loopbackPorts6 = Set.copyOf(loopbackPorts6);
        this.protectedEndpoints = List.copyOf(protectedEndpoints);
        this.resolver = resolver;
    }

    /**
     * Builds the guard from {@code WEB_ALLOWED_HOSTS}, the SSH allowlist and the team's Redis and LLM endpoints
     * ({@code REDIS_URL} or {@code REDIS_HOST}/{@code REDIS_PORT}, {@code OPENAI_API_BASE}).
     *
     * @throws ConfigException naming {@code WEB_ALLOWED_HOSTS} when an entry is malformed
     */
    public static NetworkTargets fromEnv(Map<String, String> env, HostAllowlist ssh) {
        String raw = env.getOrDefault(VARIABLE, "");
        List<String> plain = new ArrayList<>();
        Set<Integer> ports4 = new HashSet<>();
        Set<Integer> ports6 = new HashSet<>();
        for (String part : raw.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            java.util.regex.Matcher loop = java.util.regex.Pattern
                    .compile("(?i)(127\\.0\\.0\\.1|\\[::1]|localhost):([0-9]{1,5})").matcher(entry);
            if (loop.matches()) {
                int port = Integer.parseInt(loop.group(2));
                if (port < 1 || port > 65535) {
                    throw ConfigException.invalid(VARIABLE, raw, "ports between 1 and 65535 ('" + entry + "')");
                }
                String host = loop.group(1).toLowerCase(Locale.ROOT);
                if (!host.equals("[::1]")) {
                    ports4.add(port);
                }
                if (!host.equals("127.0.0.1")) {
                    ports6.add(port);
                }
            } else if (entry.matches("(?i)(127\\.[0-9.]+|::1|\\[::1]|localhost)(/[0-9]+)?")) {
                throw ConfigException.invalid(VARIABLE, raw, "loopback only with its port, e.g. 127.0.0.1:8080 "
                        + "(never a whole loopback range: Redis and other local services live there); bad entry '"
                        + entry + "'");
            } else {
                plain.add(entry);
            }
        }
        HostAllowlist web;
        try {
            web = HostAllowlist.parse(String.join(",", plain));
        } catch (ConfigException e) {
            throw ConfigException.invalid(VARIABLE, raw, "comma-separated hostnames, IP addresses, CIDR blocks and "
                    + "127.0.0.1:PORT entries (e.g. 10.0.0.0/24,web1.lab,127.0.0.1:8080)");
        }
        List<URI> endpoints = new ArrayList<>();
        String redisUrl = env.get("REDIS_URL");
        if (redisUrl != null && !redisUrl.isBlank()) {
            endpoints.add(safeUri(redisUrl.strip().replaceAll("//[^@/]*@", "//")));
        } else {
            endpoints.add(safeUri("redis://" + env.getOrDefault("REDIS_HOST", "localhost").strip() + ":"
                    + env.getOrDefault("REDIS_PORT", "6379").strip()));
        }
        endpoints.add(safeUri(env.getOrDefault("OPENAI_API_BASE", "https://api.openai.com/v1").strip()));
        endpoints.removeIf(Objects::isNull);
        return new NetworkTargets(ssh, web, ports4, ports6, endpoints, InetAddress::getAllByName);
    }

    /** The same rules with another resolver (tests simulate DNS answers with it). */
    public NetworkTargets withResolver(Resolver newResolver) {
        return new NetworkTargets(ssh, web, loopbackPorts4, loopbackPorts6, protectedEndpoints, newResolver);
    }

    /**
     * Resolves {@code host} once and returns the addresses that may be connected to on {@code port}: all of them,
     * or none (then it throws).
     *
     * @throws MiniLabException saying which address was refused and why, or that the name does not resolve
     */
    public List<InetAddress> check(String host, int port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h);
        } catch (UnknownHostException e) {
            throw new MiniLabException("host '" + host + "' does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new MiniLabException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(h, address, port);
            if (refusal != null) {
                throw new MiniLabException(refusal);
            }
        }
        return List.of(addresses);
    }

    /** Returns null when {@code address}:{@code port} (reached as {@code host}) may be connected to, else why not. */
    public String refusal(String host, InetAddress address, int port) {
        InetAddress effective = unwrap(address);
        String shown = "'" + host + "'" + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress()
                + ")");
        Kind kind = classify(effective);
        switch (kind) {
            case UNSPECIFIED -> {
                return shown + " is the unspecified address (it reaches this machine); it is never a target";
            }
            case LINK_LOCAL, METADATA -> {
                return shown + " is a link-local or cloud metadata address (instance credentials live there); it is "
                        + "never a target";
            }
            case RESERVED -> {
                return shown + " is a multicast, broadcast or reserved address; it is never a target";
            }
            default -> {
            }
        }
        for (URI endpoint : protectedEndpoints) {
            if (isEndpoint(endpoint, effective, port)) {
                return shown + " port " + port + " is the team's own " + (endpoint.getScheme().startsWith("redis")
                        ? "Redis" : "LLM endpoint") + "; tools never connect to it";
            }
        }
        if (kind == Kind.LOOPBACK) {
            boolean listed = effective instanceof Inet4Address ? loopbackPorts4.contains(port)
                    : loopbackPorts6.contains(port);
            return listed ? null : shown + " is a loopback address (this machine: Redis, the agents and other local "
                    + "services listen there); only exact entries such as 127.0.0.1:" + port + " in " + VARIABLE
                    + " are reachable. Ask the user to add one if this service must be checked";
        }
        if (kind == Kind.PRIVATE) {
            boolean listed = ssh.contains(effective) || web.contains(effective) || ssh.names(host) || web.names(host);
            return listed ? null : shown + " is a private-network address that is in neither " + HostAllowlist.VARIABLE
                    + " nor " + VARIABLE + "; ask the user to add it (or its network, e.g. 10.0.0.0/24) to "
                    + VARIABLE + " if the team built a service there";
        }
        return null;
    }

    private boolean isEndpoint(URI endpoint, InetAddress address, int port) {
        int endpointPort = endpoint.getPort() >= 0 ? endpoint.getPort()
                : switch (endpoint.getScheme().toLowerCase(Locale.ROOT)) {
                    case "https" -> 443;
                    case "http" -> 80;
                    default -> 6379;
                };
        if (endpointPort != port || endpoint.getHost() == null) {
            return false;
        }
        try {
            for (InetAddress a : resolver.resolve(stripBrackets(endpoint.getHost()))) {
                InetAddress e = unwrap(a);
                if (e.equals(address) || (classify(e) == Kind.LOOPBACK && classify(address) == Kind.LOOPBACK)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return false;
    }

    /** The IPv4 address inside IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms; else the address itself. */
    static InetAddress unwrap(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0
                && (b[15] == 0 || b[15] == 1));
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b;
        if (mapped || compatible || nat64) {
            return v4(b[12], b[13], b[14], b[15]);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 6to4: 2002:AABB:CCDD::/48 embeds AA.BB.CC.DD
            return v4(b[2], b[3], b[4], b[5]);
        }
        return address;
    }

    static Kind classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            if (METADATA.contains(address.getHostAddress())) {
                return Kind.METADATA;
            }
            if (a0 == 0) {
                return Kind.UNSPECIFIED;
            }
            if (a0 == 127) {
                return Kind.LOOPBACK;
            }
            if (a0 == 169 && a1 == 254) {
                return Kind.LINK_LOCAL;
            }
            if (a0 >= 224) {
                return Kind.RESERVED;
            }
            if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                    || (a0 == 100 && a1 >= 64 && a1 <= 127) || (a0 == 198 && (a1 == 18 || a1 == 19))
                    || (a0 == 192 && a1 == 0 && (b[2] == 0 || b[2] == 2)) || (a0 == 198 && a1 == 51 && b[2] == 100)
                    || (a0 == 203 && a1 == 0 && b[2] == 113)) {
                return Kind.PRIVATE;
            }
            return Kind.PUBLIC;
        }
        if (java.util.Arrays.equals(b, METADATA_V6)) {
            return Kind.METADATA;
        }
        if (address.isAnyLocalAddress()) {
            return Kind.UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return Kind.LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return Kind.LINK_LOCAL;
        }
        if (address.isMulticastAddress()) {
            return Kind.RESERVED;
        }
        int b0 = b[0] & 0xff;
        if ((b0 & 0xfe) == 0xfc || address.isSiteLocalAddress()
                || (b0 == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8)) {
            return Kind.PRIVATE; // unique-local fc00::/7, site-local fec0::/10, documentation 2001:db8::/32
        }
        if (b0 == 0) {
            return Kind.RESERVED; // the rest of ::/8 (the forms that embed IPv4 were unwrapped before)
        }
        return Kind.PUBLIC;
    }

    private static InetAddress v4(byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static URI safeUri(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
