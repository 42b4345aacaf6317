#!/usr/bin/env bash
# Builds the two base images the Dockerfile needs, without any image registry: Debian (debootstrap from Debian's
# package mirror) plus a JDK >= 21 taken from this machine, imported into the local image store.
#
#   docker/offline-base.sh [--engine podman|docker] [--jdk DIR] [--suite bookworm] [--mirror URL] [--work DIR]
#
# Then build MiniLab from them (docs/DOCKER.md, "Building without a registry"):
#   docker build --build-arg BUILD_IMAGE=localhost/minilab-base-build:<tag> \
#                --build-arg RUNTIME_IMAGE=localhost/minilab-base-runtime:<tag> \
#                --build-arg TERRAFORM_SOURCE=context -t minilab:0.1.0 .
#
# Images: localhost/minilab-base-build:<suite>-jdk<N> (the JDK) and localhost/minilab-base-runtime:<suite>-jdk<N>
# (a runtime made from it with jlink). Both have JAVA_HOME=/opt/java/openjdk on the PATH, apt-get, curl and
# ca-certificates, and trust what this machine trusts (its CA bundle and its Java cacerts are copied in, so a
# TLS-intercepting proxy that the host trusts works in the build too). An image whose inputs (suite, mirror, JDK,
# CA bundle, this script) are unchanged is kept: a second run takes about a second. Needs root and debootstrap.
# Prints the two image names on the last two lines of stdout.
set -euo pipefail

engine=podman
jdk="${JAVA_HOME:-}"
suite=bookworm
mirror=http://deb.debian.org/debian
work="${TMPDIR:-/tmp}/minilab-offline-base"
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --suite) suite="$2"; shift 2 ;;
    --mirror) mirror="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "offline-base.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done

die() { echo "offline-base.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap and the image import); run it with sudo"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
command -v "$engine" >/dev/null || die "$engine is missing"
[ -n "$jdk" ] && [ -x "$jdk/bin/javac" ] && [ -x "$jdk/bin/jlink" ] \
  || die "no JDK: pass --jdk DIR or set JAVA_HOME to a JDK >= 21 (with javac and jlink)"
major="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
[ -n "$major" ] && [ "${major%%.*}" -ge 21 ] || die "$jdk is Java ${major:-?}; MiniLab needs 21 or newer"

host_ca=/etc/ssl/certs/ca-certificates.crt
host_java_ca="$jdk/lib/security/cacerts"
[ -f "$host_ca" ] || die "$host_ca is missing: apt-get install ca-certificates"

# Everything that changes the images goes into the key; an image labelled with the same key is reused.
# Contents only (sha256sum < file): with file names in it, every clone of the repository at another path made a new
# key and imported both images again, which also threw away the image build's cached layers (apt-get install).
key="$( { echo "$suite $mirror"; cat "$jdk/release"; sha256sum < "$host_ca"; sha256sum < "$0"; sha256sum < "$(readlink -f "$host_java_ca")"; } \
        | sha256sum | cut -c1-16)"
tag="$suite-jdk${major%%.*}"
build_image="localhost/minilab-base-build:$tag"
runtime_image="localhost/minilab-base-runtime:$tag"

label_of() { "$engine" image inspect --format '{{ index .Config.Labels "dev.minilab.base-key" }}' "$1" 2>/dev/null || true; }
if [ "$(label_of "$build_image")" = "$key" ] && [ "$(label_of "$runtime_image")" = "$key" ]; then
  echo "offline-base.sh: $build_image and $runtime_image are up to date (key $key)" >&2
  echo "$build_image"
  echo "$runtime_image"
  exit 0
fi

rootfs="$work/rootfs-$suite"
if [ ! -f "$rootfs/.minilab-debootstrap-done" ] || [ "$(cat "$rootfs/.minilab-debootstrap-done")" != "$suite $mirror" ]; then
  rm -rf "$rootfs"
  mkdir -p "$work"
  echo "offline-base.sh: debootstrap $suite from $mirror into $rootfs (a few minutes)" >&2
  debootstrap --variant=minbase --include=ca-certificates,curl,unzip "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (full log: $work/debootstrap.log)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  echo "$suite $mirror" > "$rootfs/.minilab-debootstrap-done"
fi

# This machine's CA certificates, one file each, so update-ca-certificates keeps them when ca-certificates is
# reconfigured inside the image.
rm -rf "$rootfs/usr/local/share/ca-certificates/minilab-host"
mkdir -p "$rootfs/usr/local/share/ca-certificates/minilab-host"
awk -v dir="$rootfs/usr/local/share/ca-certificates/minilab-host" '
  /-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/host-%03d.crt", dir, n) }
  file { print > file }
  /-----END CERTIFICATE-----/ { close(file); file = "" }' "$host_ca"
# A clean environment: the caller's TMPDIR or PATH may not exist inside the new root.
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-ca-certificates >"$work/update-ca.log" 2>&1 \
  || { tail -n 20 "$work/update-ca.log" >&2; die "update-ca-certificates failed in $rootfs (log: $work/update-ca.log)"; }

import() { # $1 image, $2 java home to put at /opt/java/openjdk
  local image="$1" java="$2"
  rm -rf "$rootfs/opt/java"
  mkdir -p "$rootfs/opt/java"
  cp -a "$java" "$rootfs/opt/java/openjdk"
  # The JDK's cacerts is often a symlink into the host's /etc; copy the file itself.
  rm -f "$rootfs/opt/java/openjdk/lib/security/cacerts"
  cp -L "$host_java_ca" "$rootfs/opt/java/openjdk/lib/security/cacerts"
  tar -C "$rootfs" --exclude=./.minilab-debootstrap-done -c . | "$engine" import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL dev.minilab.base-key=$key" \
    --change 'CMD ["/bin/bash"]' \
    - "$image" >"$work/import.log" 2>&1 \
    || { tail -n 20 "$work/import.log" >&2; die "$engine import of $image failed (log: $work/import.log)"; }
  rm -rf "$rootfs/opt/java"
}

echo "offline-base.sh: importing $build_image (JDK from $jdk)" >&2
import "$build_image" "$jdk"

jre="$work/jre-$key"
if [ ! -x "$jre/bin/java" ]; then
  rm -rf "$work"/jre-*
  modules="$("$jdk/bin/java" --list-modules | sed 's/@.*//' \
    | grep -vE '^jdk\.(hotspot\.agent|internal\.le|jshell|jdeps|jlink|jpackage|javadoc|compiler|incubator\..*)$' | paste -sd, -)"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$jre" >&2
fi
echo "offline-base.sh: importing $runtime_image (jlink runtime)" >&2
import "$runtime_image" "$jre"

echo "$build_image"
echo "$runtime_image"
