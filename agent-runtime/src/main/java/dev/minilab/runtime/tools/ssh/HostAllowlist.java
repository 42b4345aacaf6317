package dev.minilab.runtime.tools.ssh;

import dev.minilab.runtime.config.ConfigException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts SSH and Ansible may reach ({@code SSH_ALLOWED_HOSTS}): comma-separated hostnames ({@code web1},
 * {@code *.lab.example}), IP addresses and CIDR blocks ({@code 10.0.0.0/24}, {@code fd00::/64}). Empty means nothing is
 * allowed. A hostname that no hostname entry names is allowed only when every address it resolves to lies inside an
 * IP/CIDR entry.
 */
public final class HostAllowlist {

    /** The variable users set to allow hosts; named in every refusal. */
    public static final String VARIABLE = "SSH_ALLOWED_HOSTS";

    private static final Pattern HOSTNAME =
            Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9\\-]{0,62})(\\.[A-Za-z0-9\\-]{1,63})*\\.?");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String raw;
    private final List<String> hostnames;
    private final List<Cidr> blocks;

    private HostAllowlist(String raw, List<String> hostnames, List<Cidr> blocks) {
        this.raw = raw;
        this.hostnames = List.copyOf(hostnames);
        this.blocks = List.copyOf(blocks);
    }

    /** Parses the variable's value; throws {@link ConfigException} naming the bad entry. */
    public static HostAllowlist parse(String value) {
        String text = value == null ? "" : value.strip();
        List<String> names = new ArrayList<>();
        List<Cidr> cidrs = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String part : text.split(",")) {
                String entry = part.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                String address = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
                if (IP_LITERAL.matcher(address).matches()) {
                    cidrs.add(Cidr.parse(entry));
                } else if (HOSTNAME.matcher(entry).matches() && !entry.contains("/")) {
                    names.add(entry.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
                } else {
                    throw ConfigException.invalid(VARIABLE, value,
                            "comma-separated hostnames, IP addresses or CIDR blocks (e.g. 10.0.0.0/24,web1); bad entry '"
                                    + entry + "'");
                }
            }
        }
        return new HostAllowlist(text, names, cidrs);
    }

    /** Nothing allowed. */
    public static HostAllowlist denyAll() {
        return new HostAllowlist("", List.of(), List.of());
    }

    public boolean isEmpty() {
        return hostnames.isEmpty() && blocks.isEmpty();
    }

    /** The value as configured (for messages). */
    public String raw() {
        return raw;
    }

    /** Returns null when {@code host} is allowed, else the reason and how to allow it. */
    public String refusal(String host) {
        if (isEmpty()) {
            return "no host is allowed: " + VARIABLE + " is empty. Ask the user to add this host (or its network as a "
                    + "CIDR, e.g. 10.0.0.0/24) to " + VARIABLE + " in .env and restart the agents";
        }
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (IP_LITERAL.matcher(h).matches()) {
            InetAddress address = literal(h);
            if (address != null && blocks.stream().anyMatch(b -> b.contains(address))) {
                return null;
            }
            return notAllowed(host);
        }
        for (String name : hostnames) {
            if (name.equals(h) || (name.startsWith("*.") && h.endsWith(name.substring(1)))) {
                return null;
            }
        }
        if (!blocks.isEmpty()) {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(h);
                boolean all = addresses.length > 0;
                for (InetAddress a : addresses) {
                    all &= blocks.stream().anyMatch(b -> b.contains(a));
                }
                if (all) {
                    return null;
                }
            } catch (UnknownHostException e) {
                return "host '" + host + "' does not resolve and is not named in " + VARIABLE + " (" + raw + ")";
            }
        }
        return notAllowed(host);
    }

    /** Whether {@code host} is listed by name (exactly or by a {@code *.domain} entry); no DNS lookup. */
    public boolean names(String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        return hostnames.stream().anyMatch(name -> name.equals(h) || (name.startsWith("*.") && h.endsWith(name.substring(1))));
    }

    /** Whether {@code address} lies in a listed IP address or CIDR block; no DNS lookup. */
    public boolean contains(InetAddress address) {
        return blocks.stream().anyMatch(b -> b.contains(address));
    }

    private String notAllowed(String host) {
        return "host '" + host + "' is not in " + VARIABLE + " (" + raw + "); only listed hosts may be reached. If the "
                + "user wants it, they add it to " + VARIABLE + " in .env and restart the agents";
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address block. */
    private record Cidr(BigInteger network, int prefix, int bits) {
        static Cidr parse(String entry) {
            String[] parts = entry.split("/", 2);
            InetAddress address = literal(parts[0]);
            if (address == null) {
                throw ConfigException.invalid(VARIABLE, entry, "an IP address or CIDR block such as 10.0.0.0/24");
            }
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw ConfigException.invalid(VARIABLE, entry, "a prefix length between 0 and " + bits);
                }
            }
            return new Cidr(mask(new BigInteger(1, address.getAddress()), prefix, bits), prefix, bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length * 8 != bits) {
                return false;
            }
            return mask(new BigInteger(1, bytes), prefix, bits).equals(network);
        }

        private static BigInteger mask(BigInteger value, int prefix, int bits) {
            return value.shiftRight(bits - prefix);
        }
    }

    @Override
    public String toString() {
        return raw.isEmpty() ? "(deny all)" : raw;
    }
}
