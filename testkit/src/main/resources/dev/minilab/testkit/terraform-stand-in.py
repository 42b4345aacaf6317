# MiniLab TERRAFORM STAND-IN -- this is NOT terraform.
#
# A small test double that honours the parts of terraform's CLI contract MiniLab relies on: the subcommands
# init/validate/fmt/plan/show/output/apply/destroy/version, the flags -input=false -no-color -out=FILE -destroy -json
# -raw -check -auto-approve, a plan file that `apply FILE` executes (refused when stale), exit codes (0 ok, 1 error,
# 3 fmt -check found unformatted files), and output shaped like terraform 1.x. It understands only modules without
# providers: `resource "terraform_data" "name" {}` blocks and `output "name" { value = "literal" }` blocks.
#
# Faults for tests (environment): TF_STANDIN_FAIL=<subcommand> makes that subcommand fail with exit 1;
# TF_STANDIN_SLEEP=<seconds> sleeps before any work; TF_STANDIN_LOG=<file> appends each argv as one line;
# TF_STANDIN_APPLY_ERROR_FILE=<file>: the next apply prints that file to stderr as it is (e.g. a bpg/proxmox error
# in terraform's ruler), changes nothing and exits 1; the file is removed, so the apply after it works.
import hashlib
import json
import os
import re
import sys
import time
import uuid

PLAN_MAGIC = "MINILAB-TERRAFORM-STANDIN-PLAN v1"
STATE_FILE = "terraform.tfstate"
GLOBAL_FLAGS = {"-input=false", "-input=true", "-no-color"}


def out(text=""):
    sys.stdout.write(text + "\n")


def err(text):
    sys.stderr.write(text + "\n")


def fail(summary, detail=""):
    err("\nError: " + summary + ("\n\n" + detail if detail else "") + "\n")
    sys.exit(1)


def config_files():
    return sorted(f for f in os.listdir(".") if f.endswith(".tf") and os.path.isfile(f))


def read_config():
    text = ""
    for name in config_files():
        with open(name, encoding="utf-8") as fh:
            body = fh.read()
        depth = 0
        for lineno, line in enumerate(body.splitlines(), 1):
            stripped = re.sub(r'"(\\.|[^"\\])*"', '""', line.split("#")[0])
            depth += stripped.count("{") - stripped.count("}")
            if depth < 0:
                fail("Argument or block definition required",
                     "  on %s line %d:\n\nAn argument or block definition is required here." % (name, lineno))
        if depth != 0:
            fail("Unclosed configuration block",
                 "  on %s:\n\nThere is no closing brace for this block before the end of the file." % name)
        text += body + "\n"
    resources = re.findall(r'^\s*resource\s+"([A-Za-z0-9_]+)"\s+"([A-Za-z0-9_-]+)"', text, re.M)
    for rtype, _ in resources:
        if rtype != "terraform_data":
            fail("Failed to query available provider packages",
                 "The stand-in knows only terraform_data (no registry access): %s" % rtype)
    outputs = dict(re.findall(r'output\s+"([A-Za-z0-9_-]+)"\s*\{[^}]*?value\s*=\s*"([^"]*)"', text, re.S))
    digest = hashlib.sha256(text.encode()).hexdigest()
    return ["%s.%s" % r for r in resources], outputs, digest


def load_state():
    if not os.path.exists(STATE_FILE):
        return {"serial": 0, "resources": [], "outputs": {}}
    with open(STATE_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def save_state(state):
    state["serial"] = state.get("serial", 0) + 1
    with open(STATE_FILE, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=2)


def parse_flags(args, allowed_bool, allowed_value):
    flags, positional = {}, []
    for a in args:
        if a in GLOBAL_FLAGS:
            continue
        if a.startswith("-"):
            name, _, value = a.partition("=")
            if name in allowed_bool and not value:
                flags[name] = True
            elif name in allowed_value or (name in allowed_bool and value in ("true", "false")):
                flags[name] = value if value else True
            else:
                err("Error: Failed to parse command-line flags\n\nflag provided but not defined: " + name)
                sys.exit(1)
        else:
            positional.append(a)
    return flags, positional


def require_init():
    if not os.path.isdir(".terraform"):
        fail("Module not installed",
             "This module is not yet installed. Run \"terraform init\" to install all modules required by this "
             "configuration.")


def print_actions(creates, destroys):
    out("Terraform used the selected providers to generate the following execution plan. Resource actions are")
    out("indicated with the following symbols:")
    if creates:
        out("  + create")
    if destroys:
        out("  - destroy")
    out("")
    out("Terraform will perform the following actions:")
    out("")
    for r in creates:
        rtype, name = r.split(".", 1)
        out("  # %s will be created" % r)
        out('  + resource "%s" "%s" {' % (rtype, name))
        out("      + id = (known after apply)")
        out("    }")
        out("")
    for r in destroys:
        rtype, name = r.split(".", 1)
        out("  # %s will be destroyed" % r)
        out('  - resource "%s" "%s" {' % (rtype, name))
        out("    }")
        out("")
    out("Plan: %d to add, 0 to change, %d to destroy." % (len(creates), len(destroys)))


def cmd_version(args):
    out("Terraform v1.11.0 (MiniLab stand-in, not real terraform)")
    out("on linux_amd64")


def cmd_init(args):
    parse_flags(args, {"-upgrade", "-reconfigure"}, {"-backend", "-get", "-lockfile"})
    read_config()
    out("Initializing the backend...")
    os.makedirs(".terraform", exist_ok=True)
    out("Initializing provider plugins...")
    out("")
    out("Terraform has been successfully initialized!")
    out("")
    out("You may now begin working with Terraform. Try running \"terraform plan\" to see")
    out("any changes that are required for your infrastructure. All Terraform commands")
    out("should now work.")


def cmd_validate(args):
    flags, _ = parse_flags(args, {"-json"}, set())
    read_config()
    if flags.get("-json"):
        out(json.dumps({"format_version": "1.0", "valid": True, "error_count": 0, "warning_count": 0,
                        "diagnostics": []}))
    else:
        out("Success! The configuration is valid.")
        out("")


def cmd_fmt(args):
    flags, _ = parse_flags(args, {"-check", "-diff", "-recursive"}, {"-list", "-write"})
    bad = []
    for name in config_files():
        with open(name, encoding="utf-8") as fh:
            body = fh.read()
        if "\t" in body or re.search(r"[ \t]+$", body, re.M):
            bad.append(name)
            if not flags.get("-check"):
                fixed = re.sub(r"[ \t]+$", "", body.replace("\t", "  "), flags=re.M)
                with open(name, "w", encoding="utf-8") as fh:
                    fh.write(fixed)
    for name in bad:
        out(name)
    if flags.get("-check") and bad:
        sys.exit(3)


def cmd_plan(args):
    flags, _ = parse_flags(args, {"-destroy", "-refresh-only", "-compact-warnings"},
                           {"-out", "-var", "-var-file", "-target", "-refresh", "-replace", "-parallelism", "-lock",
                            "-lock-timeout"})
    require_init()
    resources, outputs, digest = read_config()
    state = load_state()
    if flags.get("-destroy"):
        creates, destroys, new_outputs = [], list(state["resources"]), {}
    else:
        creates = [r for r in resources if r not in state["resources"]]
        destroys = [r for r in state["resources"] if r not in resources]
        new_outputs = outputs
    if not creates and not destroys and new_outputs == state.get("outputs", {}):
        out("")
        out("No changes. Your infrastructure matches the configuration.")
        out("")
        out("Terraform has compared your real infrastructure against your configuration and found no differences,")
        out("so no changes are needed.")
    else:
        print_actions(creates, destroys)
        changed = {k: v for k, v in new_outputs.items() if state.get("outputs", {}).get(k) != v}
        if changed:
            out("")
            out("Changes to Outputs:")
            for k, v in sorted(changed.items()):
                out('  + %s = "%s"' % (k, v))
    if flags.get("-out"):
        plan = {"magic": PLAN_MAGIC, "config": digest, "serial": state.get("serial", 0), "create": creates,
                "destroy": destroys, "outputs": new_outputs, "nonce": uuid.uuid4().hex}
        with open(flags["-out"], "w", encoding="utf-8") as fh:
            fh.write(PLAN_MAGIC + "\n" + json.dumps(plan) + "\n")
        out("")
        out("─" * 77)
        out("")
        out("Saved the plan to: " + flags["-out"])
        out("")
        out("To perform exactly these actions, run the following command to apply:")
        out('    terraform apply "%s"' % flags["-out"])
    else:
        out("")
        out("─" * 77)
        out("")
        out("Note: You didn't use the -out option to save this plan, so Terraform can't")
        out("guarantee to take exactly these actions if you run \"terraform apply\" now.")


def read_plan(path):
    try:
        with open(path, encoding="utf-8") as fh:
            magic, body = fh.read().split("\n", 1)
        if magic != PLAN_MAGIC:
            raise ValueError(magic)
        return json.loads(body)
    except (OSError, ValueError):
        fail("Failed to load \"%s\" as a plan file" % path,
             "Error: zip: not a valid zip file")


def cmd_show(args):
    flags, positional = parse_flags(args, {"-json"}, set())
    if positional:
        plan = read_plan(positional[0])
        if flags.get("-json"):
            out(json.dumps({"format_version": "1.2", "resource_changes": [
                {"address": r, "change": {"actions": ["create"]}} for r in plan["create"]] + [
                {"address": r, "change": {"actions": ["delete"]}} for r in plan["destroy"]]}))
        else:
            print_actions(plan["create"], plan["destroy"])
        return
    state = load_state()
    if flags.get("-json"):
        out(json.dumps({"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": r} for r in state["resources"]]}}}))
    elif not state["resources"]:
        out("The state file is empty. No resources are represented.")
    else:
        for r in state["resources"]:
            rtype, name = r.split(".", 1)
            out("# %s:" % r)
            out('resource "%s" "%s" {' % (rtype, name))
            out('    id = "%s"' % hashlib.sha1(r.encode()).hexdigest()[:8])
            out("}")
        if state.get("outputs"):
            out("")
            out("Outputs:")
            out("")
            for k, v in sorted(state["outputs"].items()):
                out('%s = "%s"' % (k, v))


def apply_changes(creates, destroys, outputs):
    state = load_state()
    for r in destroys:
        out("%s: Destroying..." % r)
        out("%s: Destruction complete after 0s" % r)
        state["resources"].remove(r)
    for r in creates:
        out("%s: Creating..." % r)
        out("%s: Creation complete after 0s [id=%s]" % (r, uuid.uuid4()))
        state["resources"].append(r)
    state["outputs"] = outputs
    save_state(state)
    return state


def cmd_apply(args):
    flags, positional = parse_flags(args, {"-auto-approve", "-compact-warnings"},
                                    {"-var", "-var-file", "-target", "-parallelism", "-lock", "-lock-timeout"})
    require_init()
    error_file = os.environ.get("TF_STANDIN_APPLY_ERROR_FILE")
    if error_file and os.path.exists(error_file):
        with open(error_file, encoding="utf-8") as fh:
            text = fh.read()
        os.remove(error_file)
        sys.stderr.write(text)
        sys.exit(1)
    if positional:
        plan = read_plan(positional[0])
        _, _, digest = read_config()
        if plan["config"] != digest or plan["serial"] != load_state().get("serial", 0):
            fail("Saved plan is stale",
                 "The given plan file can no longer be applied because the state was changed by another operation "
                 "after the plan was created.")
        state = apply_changes(plan["create"], plan["destroy"], plan["outputs"])
        creates, destroys = plan["create"], plan["destroy"]
    else:
        resources, outputs, _ = read_config()
        state0 = load_state()
        creates = [r for r in resources if r not in state0["resources"]]
        destroys = [r for r in state0["resources"] if r not in resources]
        if (creates or destroys) and not flags.get("-auto-approve"):
            fail("Apply cancelled",
                 "Terraform needs approval: -input=false was given, so no prompt can be shown. Use a saved plan "
                 "file or -auto-approve.")
        state = apply_changes(creates, destroys, outputs)
    out("")
    out("Apply complete! Resources: %d added, 0 changed, %d destroyed." % (len(creates), len(destroys)))
    if state.get("outputs"):
        out("")
        out("Outputs:")
        out("")
        for k, v in sorted(state["outputs"].items()):
            out('%s = "%s"' % (k, v))


def cmd_destroy(args):
    flags, _ = parse_flags(args, {"-auto-approve"}, {"-var", "-var-file", "-target"})
    require_init()
    if not flags.get("-auto-approve"):
        fail("Destroy cancelled", "-input=false was given and -auto-approve was not; nothing was destroyed.")
    state = load_state()
    gone = list(state["resources"])
    apply_changes([], gone, {})
    out("")
    out("Destroy complete! Resources: %d destroyed." % len(gone))


def cmd_output(args):
    flags, positional = parse_flags(args, {"-json", "-raw"}, set())
    outputs = load_state().get("outputs", {})
    if positional:
        name = positional[0]
        if name not in outputs:
            fail("Output \"%s\" not found" % name,
                 "The output variable requested could not be found in the state file. If you recently added this "
                 "to your configuration, be sure to run `terraform apply`, since the state won't be updated with "
                 "new output variables until that command is run.")
        value = outputs[name]
        out(json.dumps(value) if flags.get("-json") else (value if flags.get("-raw") else '"%s"' % value))
        return
    if flags.get("-json"):
        out(json.dumps({k: {"sensitive": False, "type": "string", "value": v} for k, v in outputs.items()}))
        return
    if not outputs:
        err("\nWarning: No outputs found\n\nThe state file either has no outputs defined, or all the defined outputs "
            "are empty.\n")
        return
    for k, v in sorted(outputs.items()):
        out('%s = "%s"' % (k, v))


COMMANDS = {"version": cmd_version, "-version": cmd_version, "--version": cmd_version, "init": cmd_init,
            "validate": cmd_validate, "fmt": cmd_fmt, "plan": cmd_plan, "show": cmd_show, "apply": cmd_apply,
            "destroy": cmd_destroy, "output": cmd_output}


def main(argv):
    if os.environ.get("TF_STANDIN_LOG"):
        with open(os.environ["TF_STANDIN_LOG"], "a", encoding="utf-8") as fh:
            fh.write(" ".join(argv) + "\n")
    if os.environ.get("TF_STANDIN_SLEEP"):
        time.sleep(float(os.environ["TF_STANDIN_SLEEP"]))
    args = list(argv)
    while args and args[0].startswith("-chdir="):
        os.chdir(args.pop(0).split("=", 1)[1])
    if not args:
        out("Usage: terraform [global options] <subcommand> [args]")
        sys.exit(127)
    sub = args.pop(0)
    if sub not in COMMANDS:
        err('Terraform has no command named "%s".\n\nTo see all of Terraform\'s top-level commands, run:\n'
            '  terraform -help\n' % sub)
        sys.exit(1)
    if os.environ.get("TF_STANDIN_FAIL") == sub:
        fail("Injected fault in %s" % sub, "TF_STANDIN_FAIL=%s made this stand-in fail on purpose." % sub)
    COMMANDS[sub](args)


if __name__ == "__main__":
    main(sys.argv[1:])
