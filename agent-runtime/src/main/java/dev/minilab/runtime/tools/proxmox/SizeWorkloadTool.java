package dev.minilab.runtime.tools.proxmox;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.proxmox.Sizer;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.List;
import java.util.TreeSet;

/** {@code size_workload(workload, environment, users, cores?, memory_mb?, disk_gb?)}: the size from sizing.yaml. */
final class SizeWorkloadTool implements Tool {

    private final Sizer sizer;

    SizeWorkloadTool(Sizer sizer) {
        this.sizer = sizer;
    }

    @Override
    public ToolSpecification specification() {
        List<String> workloads = List.copyOf(new TreeSet<>(sizer.rules().workloads().keySet()));
        List<String> environments = List.copyOf(new TreeSet<>(sizer.rules().environments().keySet()));
        return Specs.of("size_workload", "Compute the cores, memory and disk of a workload from MiniLab's sizing "
                        + "rules (prompts/sizing.yaml): tier by users, environment factor and floor. Sizes the user "
                        + "gave explicitly win. Returns the size and a one-line justification; then call "
                        + "place_workload with it. Do not invent sizes.",
                JsonObjectSchema.builder()
                        .addStringProperty("workload", "one of " + workloads + " (aliases like postgres, nginx, "
                                + "redis work)")
                        .addStringProperty("environment", "one of " + environments + " (production, development "
                                + "work too)")
                        .addIntegerProperty("users", "concurrent users the workload serves")
                        .addIntegerProperty("cores", "optional: cores the user asked for")
                        .addIntegerProperty("memory_mb", "optional: memory in MB the user asked for")
                        .addIntegerProperty("disk_gb", "optional: disk in GB the user asked for")
                        .required("workload", "environment", "users")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        Sizer.Sized sized;
        try {
            sized = sizer.size(new Sizer.Request(arguments.requireString("workload"),
                    arguments.requireString("environment"),
                    arguments.optionalInt("users").orElseThrow(() -> new MiniLabException(
                            "missing required argument 'users' (a number)")),
                    arguments.optionalInt("cores"), arguments.optionalInt("memory_mb"),
                    arguments.optionalInt("disk_gb")));
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
        return ToolResult.ok("size: " + sized.workload() + ", " + sized.environment() + ", " + sized.users()
                + " users -> " + sized.cores() + " cores, " + sized.memoryMb() + " MB memory, " + sized.diskGb()
                + " GB disk (suggested kind: " + sized.kind() + ")\n"
                + "justification: " + sized.justification() + "\n"
                + "values: cores = " + sized.cores() + ", memory_mb = " + sized.memoryMb() + ", disk_gb = "
                + sized.diskGb() + "\n"
                + "next: place_workload(kind=\"" + sized.kind() + "\", cores=" + sized.cores() + ", memory_mb="
                + sized.memoryMb() + ", disk_gb=" + sized.diskGb() + ", environment=\"" + sized.environment()
                + "\") — add template=<VMID or volid> when you know the template");
    }
}
