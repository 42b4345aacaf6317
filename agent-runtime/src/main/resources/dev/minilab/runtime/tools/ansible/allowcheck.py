# MiniLab SSH allowlist check for ansible's ssh connections (used from ssh_config "Match !exec").
# Exit 0 when the host in argv[1] is allowed by SSH_ALLOWED_HOSTS, 1 otherwise. Mirrors HostAllowlist.java:
# hostnames (exact or *.suffix), IP addresses and CIDR blocks; a hostname not listed by name is allowed only when
# every address it resolves to lies in a listed block. The allowlist is substituted below when the file is written.
import ipaddress
import socket
import sys

ALLOWED = "@ALLOWED@"


def main():
    if len(sys.argv) < 2:
        return 1
    host = sys.argv[1].strip().strip("[]").lower().rstrip(".")
    names, nets = [], []
    for entry in [e.strip() for e in ALLOWED.split(",") if e.strip()]:
        try:
            nets.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.append(entry.lower().rstrip("."))
    try:
        address = ipaddress.ip_address(host)
        return 0 if any(address in net for net in nets) else 1
    except ValueError:
        pass
    for name in names:
        if name == host or (name.startswith("*.") and host.endswith(name[1:])):
            return 0
    if not nets:
        return 1
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return 1
    ok = bool(addresses)
    for a in addresses:
        ok = ok and any(ipaddress.ip_address(a.split("%")[0]) in net for net in nets)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
