#!/usr/bin/env bash
# Builds the container image's base here, where no registry but Debian's and Maven Central's answers: a Java runtime
# cut by jlink from this machine's JDK 17, the few Debian libraries it links to (apt-get download, unpacked; no
# package manager, no shell), and a non-root user. Writes target/image-base/base.tar, which Jib takes as
# `tar://` base: `mvn package -Pimage -Dsluice.image.base=tar://$PWD/target/image-base/base.tar`. Where Docker Hub
# answers, the pom's default base (eclipse-temurin's JRE) needs none of this. docs/kubernetes.md#the-image.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/image-base
say() { printf '[base-image] %s\n' "$*"; }

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -d "$java_home/jmods" ] || { say "no jmods in $java_home: install openjdk-17-jmods or set JAVA_HOME to a full JDK"; exit 1; }
# glibc, the C++ runtime HotSpot links to, and zlib: everything java, libjvm and the headless libraries need.
packages=(libc6 libgcc-s1 libstdc++6 zlib1g)

rm -rf "$out/rootfs" "$out/base.tar" "$out/layer.tar" && mkdir -p "$out/rootfs" "$out/debs"
say "jlink: a headless runtime from $java_home"
# java.se for the platform, jdk.unsupported for Netty/Spring internals, the EC ciphers for TLS to Kafka and
# PostgreSQL, JFR and JMX for operators (Hawtio, docs/performance.md's profiles), DNS for the JDK's resolver.
# --generate-cds-archive: the runtime's own classes shared and pre-parsed, as a full JDK ships them; without it every
# start parses them again (docs/performance.md#start-up-and-memory-the-lean-jvm).
"$java_home/bin/jlink" --module-path "$java_home/jmods" \
    --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.management,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.localedata,jdk.charsets,jdk.net \
    --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive --output "$out/rootfs/opt/java"
# Only the launcher: no keytool, jrunscript or jfr inside the image.
find "$out/rootfs/opt/java/bin" -type f ! -name java -delete

say "Debian packages: ${packages[*]}"
if ! (cd "$out/debs" && apt-get download "${packages[@]}" > /dev/null 2>&1); then
  apt-get update -qq && (cd "$out/debs" && apt-get download "${packages[@]}" > /dev/null)
fi
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out/rootfs"; done
# The packages' documentation, locales and helper programs are not needed to run Java.
rm -rf "$out/rootfs/usr/share" "$out/rootfs/usr/bin" "$out/rootfs/sbin" "$out/rootfs/usr/sbin" "$out/rootfs/usr/libexec" "$out/rootfs/etc"
mkdir -p "$out/rootfs/etc" "$out/rootfs/tmp" "$out/rootfs/app" "$out/rootfs/proc" "$out/rootfs/dev" "$out/rootfs/sys"
# Mount points: a container runtime (and the kubelet) mounts these files over the read-only root.
touch "$out/rootfs/etc/hosts" "$out/rootfs/etc/resolv.conf" "$out/rootfs/etc/hostname"
chmod 1777 "$out/rootfs/tmp"
printf 'root:x:0:0:root:/root:/nonexistent\nsluice:x:10001:10001:sluice:/tmp:/nonexistent\n' > "$out/rootfs/etc/passwd"
printf 'root:x:0:\nsluice:x:10001:\n' > "$out/rootfs/etc/group"

say "packing $out/base.tar (a docker-archive Jib reads as tar://)"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out/rootfs" -cf "$out/layer.tar" .
layer_sha=$(sha256sum "$out/layer.tar" | cut -d' ' -f1)
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["sluice-base:local"],"Layers":["layer.tar"]}]' > "$out/manifest.json"
tar -C "$out" -cf "$out/base.tar" manifest.json config.json layer.tar
rm "$out/layer.tar"
say "done: $(du -h "$out/base.tar" | cut -f1) ($(dpkg-query -W -f='${Package} ${Version}, ' "${packages[@]}" 2>/dev/null || true)JDK $("$java_home/bin/java" -version 2>&1 | head -1))"
