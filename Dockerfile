#
# One image for the four MiniLab agents and the user console.
#   docker build -t minilab:0.1.0 .
#   docker run --rm -e AGENT_ROLE=DevOps_Builder minilab:0.1.0 agent
#   docker run --rm -it minilab:0.1.0 console
#   docker run --rm -v "$PWD/keys:/keys" minilab:0.1.0 keys /keys
# docker-compose.yml wires it up; docs/DOCKER.md explains it (including building without a registry or internet).
#
# No `# syntax=` line on purpose: it would make BuildKit pull the docker/dockerfile frontend image from Docker Hub
# on every cold build. Nothing here needs more than the frontend built into Docker 23+ (BuildKit, RUN --mount);
# Podman/Buildah read the file directly.

# Base images, pinned by exact tag. Override both to build from local images (docs/DOCKER.md, "Offline build"):
# the build image needs a JDK >= 21 on the PATH plus apt-get (Debian/Ubuntu), the runtime image a Java >= 21 on
# the PATH plus apt-get.
ARG BUILD_IMAGE=eclipse-temurin:21.0.8_9-jdk-noble
ARG RUNTIME_IMAGE=eclipse-temurin:21.0.8_9-jre-noble

# --- 1. The shaded jars: built here with the Maven Wrapper (default), or taken from the build context ------------
# JARS_SOURCE=build:   compile agents and console inside the build image (needs Maven Central, or a warm cache).
# JARS_SOURCE=context: take docker/local-jars/minilab-agent.jar and minilab-console.jar from the build context, i.e.
#                      the jars `./mvnw package` (or `./minilab build`) already made; nothing is compiled or
#                      downloaded then (the container test in CI builds this way; docs/DOCKER.md).
FROM ${BUILD_IMAGE} AS build
ARG JARS_SOURCE=build
WORKDIR /src
# The whole (filtered, see .dockerignore) context: every module's pom must be there for the reactor, and a new
# module needs no edit here. Dependencies survive source edits in the ~/.m2 cache mount.
COPY . /src/
# Tests run in CI (./mvnw verify), not in the image build: they need redis-server, sshd and ansible.
# One stage with a switch rather than a stage per source: Buildah (Podman 4) neither resolves `FROM stage-${ARG}`
# nor skips the stages it does not need.
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    mkdir -p /jars; \
    case "$JARS_SOURCE" in \
    build) \
      chmod +x mvnw; \
      ./mvnw -B -Dmaven.test.skip=true -pl agents,console -am package; \
      cp agents/target/minilab-agent.jar console/target/minilab-console.jar /jars/; \
      ;; \
    context) \
      for jar in minilab-agent.jar minilab-console.jar; do \
        if [ ! -f "docker/local-jars/$jar" ]; then \
          echo "JARS_SOURCE=context but docker/local-jars/$jar is missing: run ./mvnw -B -DskipTests -pl agents,console -am package, copy agents/target/minilab-agent.jar and console/target/minilab-console.jar to docker/local-jars/, or build with JARS_SOURCE=build." >&2; \
          exit 1; \
        fi; \
      done; \
      cp docker/local-jars/minilab-agent.jar docker/local-jars/minilab-console.jar /jars/; \
      ;; \
    *) \
      echo "JARS_SOURCE=$JARS_SOURCE is not one of: build, context." >&2; \
      exit 1; \
      ;; \
    esac

# --- 2. Terraform: the official release, checksum-verified (default), or a binary from the build context ----------
FROM ${BUILD_IMAGE} AS terraform
# Version and SHA-256 from https://releases.hashicorp.com/terraform/1.11.4/terraform_1.11.4_SHA256SUMS
# (line for terraform_1.11.4_linux_amd64.zip). Changing the version means changing the checksum with it.
ARG TERRAFORM_VERSION=1.11.4
ARG TERRAFORM_SHA256=1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc
# download: fetch the release above and verify its checksum.
# context:  install docker/local-terraform/terraform from the build context (for builds without internet); it must
#           report TERRAFORM_VERSION. Nothing is downloaded then.
ARG TERRAFORM_SOURCE=download
ARG TARGETARCH=amd64
# Holds only a README unless you put a terraform binary there (git-ignored).
COPY docker/local-terraform/ /tmp/local-terraform/
RUN set -eu; \
    case "$TERRAFORM_SOURCE" in \
    download) \
      if [ "$TARGETARCH" != "amd64" ]; then \
        echo "This Dockerfile pins the Terraform checksum for linux_amd64 only (TARGETARCH=$TARGETARCH). Build with --platform linux/amd64 or add the checksum for your platform." >&2; \
        exit 1; \
      fi; \
      if [ -z "$TERRAFORM_SHA256" ]; then \
        echo "TERRAFORM_SHA256 is empty: refusing to install an unverified Terraform. Pass --build-arg TERRAFORM_SHA256=<sha256 from the release's SHA256SUMS>." >&2; \
        exit 1; \
      fi; \
      apt-get update -q; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl unzip ca-certificates; \
      zip="terraform_${TERRAFORM_VERSION}_linux_amd64.zip"; \
      curl -fsSL --retry 3 -o "/tmp/$zip" "https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/$zip"; \
      echo "${TERRAFORM_SHA256}  /tmp/$zip" | sha256sum -c -; \
      unzip -q "/tmp/$zip" terraform -d /usr/local/bin; \
      ;; \
    context) \
      if [ ! -f /tmp/local-terraform/terraform ]; then \
        echo "TERRAFORM_SOURCE=context but docker/local-terraform/terraform is missing: copy a linux terraform binary there (e.g. cp \"\$(command -v terraform)\" docker/local-terraform/) or build with TERRAFORM_SOURCE=download." >&2; \
        exit 1; \
      fi; \
      install -m 0755 /tmp/local-terraform/terraform /usr/local/bin/terraform; \
      found="$(/usr/local/bin/terraform version | head -n 1)"; \
      if [ "$found" != "Terraform v${TERRAFORM_VERSION}" ]; then \
        echo "docker/local-terraform/terraform reports '$found', expected 'Terraform v${TERRAFORM_VERSION}': use that release or pass --build-arg TERRAFORM_VERSION=<its version>." >&2; \
        exit 1; \
      fi; \
      ;; \
    *) \
      echo "TERRAFORM_SOURCE=$TERRAFORM_SOURCE is not one of: download, context." >&2; \
      exit 1; \
      ;; \
    esac; \
    rm -rf /tmp/local-terraform; \
    /usr/local/bin/terraform version

# --- 3. Runtime: JRE + terraform + ansible + ssh client, running as a non-root user ---------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# The uid/gid the processes run as. Bind-mounted folders (generated_iac/, docs/, keys/) must be writable by it:
# build with --build-arg MINILAB_UID=$(id -u) --build-arg MINILAB_GID=$(id -g) when your host user is not 1000.
ARG MINILAB_UID=1000
ARG MINILAB_GID=1000
RUN set -eu; \
    apt-get update -q; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        ansible openssh-client ca-certificates tini bubblewrap; \
    rm -rf /var/lib/apt/lists/*; \
    # Ubuntu images ship a user "ubuntu" with uid 1000; MiniLab's own user takes its place.
    if id ubuntu >/dev/null 2>&1; then userdel --remove ubuntu; fi; \
    if getent group "$MINILAB_GID" >/dev/null; then groupdel "$(getent group "$MINILAB_GID" | cut -d: -f1)"; fi; \
    groupadd --gid "$MINILAB_GID" minilab; \
    useradd --uid "$MINILAB_UID" --gid "$MINILAB_GID" --home-dir /home/minilab --create-home --shell /usr/sbin/nologin minilab; \
    mkdir -p /app/generated_iac/infra /app/generated_iac/config /app/docs /app/tmp /app/prompts /opt/minilab /keys; \
    chown -R minilab:minilab /app /keys

COPY --from=terraform /usr/local/bin/terraform /usr/local/bin/terraform
COPY --from=build /jars/minilab-agent.jar /jars/minilab-console.jar /opt/minilab/
COPY prompts/ /opt/minilab/prompts/
COPY docker/minilab-entrypoint.sh /usr/local/bin/minilab-entrypoint
RUN chmod 0755 /usr/local/bin/minilab-entrypoint

# Agent JVM: a small-heap daemon (docs/BENCHMARKS.md, "JVM flags"), and an AppCDS archive from a training run that
# needs no Redis, LLM or network (dev.minilab.agents.AotTraining). The runtime JDK is 21, so AppCDS; JDK 25's AOT cache
# (what ./minilab build makes) would need a JDK 25 runtime image. The entrypoint uses the archive when it is there.
ENV MINILAB_AGENT_JVM_OPTS="-XX:+UseSerialGC -Xms16m -Xmx256m -XX:MaxNewSize=8m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps -Xss512k -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000" \
    MALLOC_ARENA_MAX=2
RUN java $MINILAB_AGENT_JVM_OPTS -XX:ArchiveClassesAtExit=/opt/minilab/minilab-agent.jsa -Xlog:cds=warning \
        -cp /opt/minilab/minilab-agent.jar dev.minilab.agents.AotTraining >/dev/null; \
    if [ -f /opt/minilab/minilab-agent.jsa ]; then chmod 0644 /opt/minilab/minilab-agent.jsa; \
    else echo "No AppCDS archive was made (this Java runtime has no base CDS archive, e.g. a jlink image): agents start without it." >&2; fi

ENV MINILAB_WORKSPACE=/app \
    MINILAB_HOME=/opt/minilab \
    MINILAB_HEALTH_FILE=/tmp/minilab-health \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
WORKDIR /app
USER minilab
# tini reaps terraform/ansible/ssh grandchildren and forwards SIGTERM so `docker stop` halts an agent cleanly.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/minilab-entrypoint"]
CMD ["agent"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/minilab-entrypoint", "health"]
