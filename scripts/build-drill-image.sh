#!/usr/bin/env bash
# build-drill-image.sh [TAG] - builds the local, offline base image of the failover drills: the host's own Java
# runtime (17+) copied into a minimal root file system, imported with `docker import`. No registry, no download,
# no Dockerfile. The image holds: the JRE under /opt/java (JDK-only parts left out), the shared libraries it links
# against (found with ldd), /bin/sh and /bin/sleep. Containers run it as: java -jar /zreliable.jar ...
# Idempotent: when TAG exists and was built from the same runtime it only says so (~0.1 s). FORCE=1 rebuilds.
# Needs a running engine (scripts/docker-up.sh). Env: JAVA_HOME (default: the java on PATH).
# Hermetic alternative on a machine with a registry: any stock JRE 17 image, via -Ddrills.image=IMAGE.
set -euo pipefail

TAG=${1:-zreliable-drills/jre:local}
t0=$(date +%s%N)
ms() { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JH=$(readlink -f "$JAVA_HOME")
else
  JH=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
[ -x "$JH/bin/java" ] || { echo "build-drill-image: no Java runtime found (set JAVA_HOME)" >&2; exit 1; }
version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$JH/release" 2>/dev/null || true)
[ -n "$version" ] || version=$("$JH/bin/java" -version 2>&1 | head -1)
# Which runtime the image holds: rebuilt when the host's runtime changes (or this script's layout does).
FINGERPRINT="layout-1 $JH $version"

existing=$(docker image inspect "$TAG" --format '{{index .Config.Labels "io.zreliable.drills.jre"}}' 2>/dev/null || true)
if [ "$existing" = "$FINGERPRINT" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "build-drill-image: $TAG is up to date ($FINGERPRINT), checked in $(ms)"
  exit 0
fi

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/drill-rootfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{opt/java,bin,tmp,var/tmp,etc,proc,sys,dev,run,root}
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"

# The runtime, symlinks resolved (Debian points conf/ and cacerts into /etc). Left out: what a JRE does not run.
tar -C "$JH" -h -c \
    --exclude=./jmods --exclude=./include --exclude=./man --exclude=./legal --exclude=./docs --exclude=./demo \
    --exclude=./lib/src.zip --exclude=./lib/ct.sym --exclude='./lib/libatk-wrapper.so' \
    . | tar -C "$ROOT/opt/java" -x

# Tools for the harness self-test and for debugging a container by hand.
cp -L /bin/sh "$ROOT/bin/sh"
cp -L "$(command -v sleep)" "$ROOT/bin/sleep"

# Every shared library those binaries need, at the path the loader looks for it. GUI libraries of the JDK
# (AWT, fonts, sound) are not loaded by a headless server, so their X11 dependencies are not copied.
libs=$( { find "$ROOT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
            ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' \
            ! -name 'libfontmanager.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' \
            ! -name 'libawt.so' ! -name 'libawt_headless.so' ;
          echo "$ROOT/bin/sh"; echo "$ROOT/bin/sleep"; } |
        while read -r f; do ldd "$f" 2>/dev/null || true; done |
        awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}' | sort -u)
for lib in $libs; do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
# A minimal account database: the JVM asks for the user's name and home.
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"

tar -C "$ROOT" --numeric-owner -c . | docker import \
    -c 'ENV JAVA_HOME=/opt/java' \
    -c 'ENV PATH=/opt/java/bin:/bin' \
    -c "LABEL io.zreliable.drills.jre=\"$FINGERPRINT\"" \
    -c 'CMD ["java", "-version"]' \
    - "$TAG" >/dev/null
# Smoke test: the copied runtime starts with nothing but the image's files (no network needed).
if ! out=$(docker run --rm --network none "$TAG" java -version 2>&1); then
  docker image rm -f "$TAG" >/dev/null 2>&1 || true
  echo "build-drill-image: the copied runtime does not start in a container:" >&2; echo "$out" >&2; exit 1
fi
size=$(docker image inspect "$TAG" --format '{{.Size}}')
echo "build-drill-image: $TAG built from $JH ($version), $(( size / 1000000 )) MB, in $(ms)"
