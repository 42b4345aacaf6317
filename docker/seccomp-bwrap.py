#!/usr/bin/env python3
"""Writes MiniLab's seccomp profile for the agent containers: a base profile plus exactly what bubblewrap needs.

Docker's default seccomp profile lets a container create user namespaces only with CAP_SYS_ADMIN, so bubblewrap cannot
build the sandbox every tool process of MiniLab runs in (measured: docs/TOOLS.md, "Isolation in containers"). This
script adds ONE rule to the base profile: clone, unshare, mount, umount2 and pivot_root are allowed without
CAP_SYS_ADMIN. Inside a new user namespace they only act on namespaces the process itself owns; the container keeps
no capabilities. Everything else stays as the base profile says (kexec_load, init_module, bpf, keyctl, setns, ... are
still refused unless the container holds the capability the base profile names).

Usage: docker/seccomp-bwrap.py [--check] [BASE.json [OUT.json]]
  BASE.json  default: docker/seccomp-base/docker-default.json, Docker's default profile as committed in this
             repository (moby/profiles seccomp/default.json, tag seccomp/v0.2.3; docker/seccomp-base/README.md).
             To follow your own engine instead, pass its default profile (Docker's is seccomp/default.json in the
             moby/profiles repository for your engine's version; podman's ships as /usr/share/containers/seccomp.json)
  OUT.json   default: docker/seccomp-bwrap.json next to this script (docker-compose.yml uses it)
  --check    write nothing; exit 1 when OUT.json differs from what would be written (the unit test
             e2e-tests SeccompProfileTest does the same comparison)

Runs offline with the Python standard library only; the output is a pure function of BASE.json (same bytes every run).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BASE = os.path.join(HERE, "seccomp-base", "docker-default.json")
DEFAULT_OUT = os.path.join(HERE, "seccomp-bwrap.json")

RULE = {
    "names": ["clone", "unshare", "mount", "umount2", "pivot_root"],
    "action": "SCMP_ACT_ALLOW",
    "comment": "MiniLab: bubblewrap builds each tool sandbox in a new user namespace (no capability needed)",
}


def render(base_path):
    """The profile text for BASE.json, or raises ValueError when BASE.json is not a seccomp profile."""
    with open(base_path, encoding="utf-8") as f:
        profile = json.load(f)
    if "syscalls" not in profile or "defaultAction" not in profile:
        raise ValueError(f"{base_path} is not a seccomp profile (no defaultAction/syscalls)")
    profile["syscalls"] = [s for s in profile["syscalls"] if s.get("comment") != RULE["comment"]] + [RULE]
    return json.dumps(profile, indent=1) + "\n"


def main(argv):
    args = argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if any(a in ("-h", "--help") for a in args) or len(args) > 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    base_path = args[0] if args else DEFAULT_BASE
    out_path = args[1] if len(args) > 1 else DEFAULT_OUT
    try:
        text = render(base_path)
    except (OSError, ValueError) as e:
        print(e, file=sys.stderr)
        return 1
    if check:
        try:
            with open(out_path, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print(f"{out_path} is not what {base_path} gives: run docker/seccomp-bwrap.py to regenerate it",
                  file=sys.stderr)
            return 1
        print(f"{out_path} is up to date with {base_path}")
        return 0
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {out_path}: {base_path} + {', '.join(RULE['names'])} without CAP_SYS_ADMIN")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
