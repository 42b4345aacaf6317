#!/bin/sh
# Entry point of the MiniLab image.
#   minilab-entrypoint agent      one agent; the role comes from AGENT_ROLE (Architect_Zero, DevOps_Builder,
#                                 Security_Sentinel, QA_Tester)
#   minilab-entrypoint console    the user console (run with a TTY: docker attach user-console)
#   minilab-entrypoint keys [dir] create the Ed25519 signing keys under dir (default /keys) when missing
#   minilab-entrypoint functions  load MiniLab's Redis function library (as REDIS_USERNAME, the User's ACL user)
#   minilab-entrypoint health     exit 0 when this agent's heartbeat file is fresh (the container healthcheck)
set -eu

home="${MINILAB_HOME:-/opt/minilab}"
agent_jar="$home/minilab-agent.jar"
console_jar="$home/minilab-console.jar"

# Prompts: a mounted /app/prompts wins; otherwise the prompts shipped in the image.
if [ -z "${MINILAB_PROMPTS:-}" ]; then
  if [ -d "${MINILAB_WORKSPACE:-/app}/prompts" ] && [ -n "$(ls -A "${MINILAB_WORKSPACE:-/app}/prompts" 2>/dev/null)" ]; then
    MINILAB_PROMPTS="${MINILAB_WORKSPACE:-/app}/prompts"
  else
    MINILAB_PROMPTS="$home/prompts"
  fi
  export MINILAB_PROMPTS
fi

cmd="${1:-agent}"
[ $# -gt 0 ] && shift

case "$cmd" in
  agent)
    if [ -z "${AGENT_ROLE:-}" ]; then
      echo "minilab-entrypoint: AGENT_ROLE is not set: expected one of Architect_Zero, DevOps_Builder, Security_Sentinel, QA_Tester" >&2
      exit 64
    fi
    # The image's AppCDS archive (Dockerfile), when present: the JVM ignores one that does not match this JDK/jar.
    cache=""
    [ -f "$home/minilab-agent.jsa" ] && cache="-XX:SharedArchiveFile=$home/minilab-agent.jsa -Xshare:auto -Xlog:cds=off"
    # shellcheck disable=SC2086
    exec java ${MINILAB_AGENT_JVM_OPTS:-} $cache ${JAVA_OPTS:-} -jar "$agent_jar" "$@"
    ;;
  console)
    exec java ${JAVA_OPTS:-} -jar "$console_jar" "$@"
    ;;
  keys)
    dir="${1:-/keys}"
    java ${JAVA_OPTS:-} -cp "$agent_jar" dev.minilab.agents.KeysMain "$dir"
    # Redis's copy of the ACL file (docker-compose.yml mounts keys/redis-server into redis-broker): readable by the
    # Redis container's own user, whatever its uid; it holds SHA-256 hashes of the passwords, never a password.
    mkdir -p "$dir/redis-server"
    chmod 0755 "$dir/redis-server"
    cp "$dir/redis/users.acl" "$dir/redis-server/users.acl.new"
    chmod 0644 "$dir/redis-server/users.acl.new"
    mv -f "$dir/redis-server/users.acl.new" "$dir/redis-server/users.acl"
    # Run as root (the compose `keys` service does, because Docker creates missing bind-mount folders owned by
    # root), hand the keys to the uid the agents run as; private keys stay 0600.
    if [ "$(id -u)" = 0 ] && [ -n "${MINILAB_UID:-}" ]; then
      chown -R "${MINILAB_UID}:${MINILAB_GID:-$MINILAB_UID}" "$dir"
    fi
    ;;
  functions)
    exec java ${JAVA_OPTS:-} -cp "$agent_jar" dev.minilab.agents.FunctionsMain
    ;;
  health)
    file="${MINILAB_HEALTH_FILE:-/tmp/minilab-health}"
    max_age="${MINILAB_HEALTH_MAX_AGE_SECONDS:-90}"
    if [ ! -f "$file" ]; then
      echo "no heartbeat file $file yet (the agent writes it once it is connected to Redis)" >&2
      exit 1
    fi
    age=$(( $(date +%s) - $(stat -c %Y "$file") ))
    if [ "$age" -gt "$max_age" ]; then
      echo "heartbeat $file is ${age}s old (limit ${max_age}s): the agent is stuck or has lost Redis" >&2
      exit 1
    fi
    echo "ok: heartbeat ${age}s old"
    ;;
  *)
    exec "$cmd" "$@"
    ;;
esac
