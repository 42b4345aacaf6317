package dev.minilab.runtime.tools.shell;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.tools.shell.CommandRules.Checked;
import dev.minilab.runtime.tools.shell.OptionSpec.Parsed;
import dev.minilab.runtime.tools.shell.OptionSpec.Positionals;
import dev.minilab.runtime.tools.shell.OptionSpec.Refused;
import dev.minilab.runtime.tools.web.NetworkTargets;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QA_Tester's network probes (curl, ping, nc) against {@link NetworkTargets}: the target is resolved and checked in
 * the agent, and the command is rewritten to connect to exactly the checked address (ping and nc get the address
 * literal, curl gets {@code --resolve host:port:address}). Hosts must be written unambiguously (a name with a letter
 * in its last label, four decimal numbers, or a bracketed IPv6 address), so that the probe cannot read a host
 * differently from the check ({@code 0177.0.0.1} is 127.0.0.1 to curl and ping, 177.0.0.1 to Java). curl always
 * gets {@code -q --proto =http,https --proto-redir =http,https --noproxy * --globoff --max-redirs 0}.
 */
final class NetworkProbes {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern NAME = Pattern.compile(
            "(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?\\.?");
    private static final Pattern IPV6 = Pattern.compile("\\[([0-9A-Fa-f:.]+)]");
    private static final Pattern URL = Pattern.compile(
            "(?i)(https?)://(\\[[0-9a-f:.]+]|[a-z0-9.-]+)(:([0-9]{1,5}))?([/?][!-~&&[^\\\\{}\\[\\]`\"'<>|^]]*)?");

    private final NetworkTargets targets;

    NetworkProbes(NetworkTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    /** A host as written, checked on {@code port}: the one address the probe may use. */
    private InetAddress address(String command, String host, int port) {
        String literal = host;
        Matcher v6 = IPV6.matcher(host);
        if (v6.matches()) {
            literal = v6.group(1);
        } else if (!IPV4.matcher(host).matches() && !NAME.matcher(host).matches()) {
            throw new Refused(command + ": '" + host + "' is not a plain host name or address (write IPv4 as four "
                    + "decimal numbers such as 10.0.0.5, IPv6 in brackets, names with letters)");
        }
        try {
            return targets.check(literal, port).getFirst();
        } catch (MiniLabException e) {
            throw new Refused(command + ": " + e.getMessage() + "; nothing was sent");
        }
    }

    private static String literal(InetAddress address) {
        return address instanceof Inet6Address ? address.getHostAddress().replaceAll("%.*", "")
                : address.getHostAddress();
    }

    private static final OptionSpec CURL = OptionSpec.of("sSIkvif46").valued("mHwA")
            .longs("--silent --show-error --head --insecure --verbose --include --fail --compressed --ipv4 --ipv6 "
                    + "--http1.1 --fail-with-body")
            .longValued("--max-time --connect-timeout --header --write-out --user-agent")
            .positionals(Positionals.TEXT).build();

    static Checked curl(String command, List<String> args, NetworkProbes probes) {
        Parsed parsed;
        try {
            parsed = CURL.parse(command, args);
        } catch (Refused e) {
            throw new Refused(e.getMessage() + ". curl here makes GET/HEAD probes only: no -o/-O, -X, -d, -T, -F, "
                    + "-K, no --resolve/--connect-to/--proxy, no -L (redirects cannot be re-checked: curl the "
                    + "Location yourself, or use fetch_webpage, which re-checks each one)");
        }
        for (OptionSpec.Option o : parsed.options()) {
            if (o.value() != null && o.value().startsWith("@")) {
                throw new Refused("curl: " + o.name() + " @FILE reads a file; give the value itself");
            }
            if (o.value() != null && Set.of("-m", "--max-time", "--connect-timeout").contains(o.name())
                    && !o.value().matches("[0-9]{1,4}(\\.[0-9]{1,3})?")) {
                throw new Refused("curl: " + o.name() + " takes a number of seconds");
            }
        }
        if (parsed.positionals().isEmpty()) {
            throw new Refused("curl: give an http:// or https:// URL");
        }
        List<String> pins = new ArrayList<>();
        for (String url : parsed.positionals()) {
            Matcher m = URL.matcher(url);
            if (!m.matches()) {
                throw new Refused("curl: '" + url + "' is not an explicit http:// or https:// URL with a plain host "
                        + "(no user@, no other scheme, no spaces, braces or brackets in the path)");
            }
            String host = m.group(2);
            int port = m.group(4) != null ? Integer.parseInt(m.group(4))
                    : m.group(1).equalsIgnoreCase("https") ? 443 : 80;
            if (port < 1 || port > 65535) {
                throw new Refused("curl: port " + port + " is not a port");
            }
            InetAddress address = probes.address("curl", host, port);
            if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
                String pinned = address instanceof Inet6Address ? "[" + literal(address) + "]" : literal(address);
                pins.addAll(List.of("--resolve", host.replaceAll("\\.$", "") + ":" + port + ":" + pinned));
            }
            URI.create(url); // the matcher is stricter; this only guards against surprises
        }
        List<String> rewritten = new ArrayList<>(List.of("-q", "--proto", "=http,https", "--proto-redir",
                "=http,https", "--noproxy", "*", "--globoff", "--max-redirs", "0"));
        rewritten.addAll(pins);
        rewritten.addAll(args);
        return new Checked(rewritten, List.of());
    }

    private static final OptionSpec PING = OptionSpec.of("nq46OD").valued("cWw").positionals(Positionals.TEXT)
            .max(1).build();

    static Checked ping(String command, List<String> args, NetworkProbes probes) {
        Parsed parsed = PING.parse(command, args);
        String count = parsed.value("-c");
        if (count == null || !count.matches("[1-9]|1[0-9]|20")) {
            throw new Refused("ping: give a count of 1 to 20 with -c (e.g. ping -c 3 10.0.0.5)");
        }
        for (String limited : List.of("-W", "-w")) {
            String v = parsed.value(limited);
            if (v != null && !v.matches("[1-9]|[1-5][0-9]|60")) {
                throw new Refused("ping: " + limited + " takes 1 to 60 seconds");
            }
        }
        if (parsed.positionals().size() != 1) {
            throw new Refused("ping: give exactly one host");
        }
        String host = parsed.positionals().getFirst();
        InetAddress address = probes.address("ping", host, 0);
        List<String> out = new ArrayList<>(args);
        out.set(args.lastIndexOf(host), literal(address));
        return new Checked(out, List.of());
    }

    private static final OptionSpec NC = OptionSpec.of("zvnu46").valued("w").positionals(Positionals.TEXT).build();

    static Checked nc(String command, List<String> args, NetworkProbes probes) {
        Parsed parsed = NC.parse(command, args);
        if (!parsed.has("-z")) {
            throw new Refused("nc: only port checks with -z are allowed (e.g. nc -z -w 3 10.0.0.5 22)");
        }
        String wait = parsed.value("-w");
        if (wait != null && !wait.matches("[1-9]|[1-5][0-9]|60")) {
            throw new Refused("nc: -w takes 1 to 60 seconds");
        }
        List<String> pos = parsed.positionals();
        if (pos.size() < 2) {
            throw new Refused("nc: give a host and a port (e.g. nc -z -w 3 10.0.0.5 22)");
        }
        String host = pos.getFirst();
        InetAddress address = null;
        for (String ports : pos.subList(1, pos.size())) {
            Matcher range = Pattern.compile("([0-9]{1,5})(-([0-9]{1,5}))?").matcher(ports);
            if (!range.matches()) {
                throw new Refused("nc: '" + ports + "' is not a port or a range such as 20-25");
            }
            int from = Integer.parseInt(range.group(1));
            int to = range.group(3) == null ? from : Integer.parseInt(range.group(3));
            if (from < 1 || to > 65535 || to < from || to - from > 100) {
                throw new Refused("nc: ports go from 1 to 65535, at most 100 in one range");
            }
            for (int port = from; port <= to; port++) {
                address = probes.address("nc", host, port);
            }
        }
        List<String> out = new ArrayList<>(args);
        out.set(args.indexOf(host), literal(address));
        return new Checked(out, List.of());
    }
}
