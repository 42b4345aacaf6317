#!/usr/bin/env python3
"""Writes MiniLab's seccomp profile for the agent containers: a base profile plus exactly what bubblewrap needs.

Docker's default seccomp profile lets a container create user namespaces only with CAP_SYS_ADMIN, so bubblewrap cannot
build the sandbox every tool process of MiniLab runs in (measured: docs/TOOLS.md, "Isolation in containers"). This
script adds ONE rule to the base profile: clone, unshare, mount, umount2 and pivot_root are allowed without
CAP_SYS_ADMIN. Inside a new user namespace they only act on namespaces the process itself owns; the container keeps
no capabilities. Everything else stays as the base profile says.

Usage: docker/seccomp-bwrap.py BASE.json [OUT.json]
  BASE.json  the default seccomp profile of your container engine (Docker's is seccomp/default.json in the
             moby/profiles repository, for the version of your engine; podman's ships as
             /usr/share/containers/seccomp.json)
  OUT.json   default: docker/seccomp-bwrap.json next to this script (docker-compose.yml uses it)
"""
import json
import os
import sys

RULE = {
    "names": ["clone", "unshare", "mount", "umount2", "pivot_root"],
    "action": "SCMP_ACT_ALLOW",
    "comment": "MiniLab: bubblewrap builds each tool sandbox in a new user namespace (no capability needed)",
}


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    base_path = argv[1]
    out_path = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "seccomp-bwrap.json")
    with open(base_path, encoding="utf-8") as f:
        profile = json.load(f)
    if "syscalls" not in profile or "defaultAction" not in profile:
        print(f"{base_path} is not a seccomp profile (no defaultAction/syscalls)", file=sys.stderr)
        return 1
    profile["syscalls"] = [s for s in profile["syscalls"] if s.get("comment") != RULE["comment"]] + [RULE]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(profile, f, indent=1)
        f.write("\n")
    print(f"wrote {out_path}: {base_path} + {', '.join(RULE['names'])} without CAP_SYS_ADMIN")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
