#!/usr/bin/env bash
# Stages the executor image's build context (everything Containerfile names) and builds the image
# with buildah, podman or docker, whichever is installed (buildah needs no daemon: `apt-get install
# buildah`). The image starts FROM scratch on a debootstrapped root (rootfs.sh), so nothing is pulled.
#
# Usage: build.sh [--context DIR] [--tag TAG] [--stage-only] [--rootfs TAR] [--runtime DIR]
#                 [--k8s-jars DIR] [--lib DIR] [--jar FILE]
#   --context DIR   the build context (default ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/image/context)
#   --tag TAG       image name (default manim-grpo-executor:0.1.0)
#   --stage-only    stage the context and stop (no image tool needed)
#   --rootfs TAR    base root tarball (default: rootfs.sh's, built when missing; needs root)
#   --runtime DIR   the Manim runtime root (default: $MANIM_GRPO_RUNTIME or the provisioned one;
#                   cluster-conf/provision/manim-runtime.sh builds it)
#   --k8s-jars DIR  spark-kubernetes and its Kubernetes client jars (default: copied from Maven
#                   with spark-kubernetes.pom.xml into ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/image/k8s-jars)
#   --lib DIR       Spark's and the project's dependency jars (default pipeline-jobs/target/lib)
#   --jar FILE      the cluster jar (default pipeline-jobs/target/pipeline-jobs-*-cluster.jar)
# Environment: MANIM_GRPO_IMAGE_TOOL=buildah|podman|docker picks the tool.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/image"
CONTEXT="$CACHE/context"; TAG="manim-grpo-executor:0.1.0"; STAGE_ONLY=0
ROOTFS=""; RUNTIME=""; K8S=""; LIB="$REPO/pipeline-jobs/target/lib"; JAR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --context) CONTEXT="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --stage-only) STAGE_ONLY=1; shift ;;
    --rootfs) ROOTFS="$2"; shift 2 ;;
    --runtime) RUNTIME="$2"; shift 2 ;;
    --k8s-jars) K8S="$2"; shift 2 ;;
    --lib) LIB="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '[image] %s\n' "$*"; }
fail() { say "$*"; exit 1; }

JAR="${JAR:-$(ls "$REPO"/pipeline-jobs/target/pipeline-jobs-*-cluster.jar 2>/dev/null | head -1)}"
[ -f "$JAR" ] || fail "no cluster jar: run mvn -q package -DskipTests first (or pass --jar)"
[ -d "$LIB" ] || fail "no dependency jars at $LIB: run mvn -q package -DskipTests first (or pass --lib)"
RUNTIME="${RUNTIME:-${MANIM_GRPO_RUNTIME:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/runtime/manim-sid}}"
[ -f "$RUNTIME/.manim-grpo-runtime" ] || fail "no Manim runtime at $RUNTIME: run cluster-conf/provision/manim-runtime.sh"
if [ -z "$ROOTFS" ]; then
  ROOTFS="$CACHE/rootfs-bookworm.tar"
  "$HERE/rootfs.sh" --out "$ROOTFS"
fi
[ -f "$ROOTFS" ] || fail "no base root tarball at $ROOTFS"
if [ -z "$K8S" ]; then
  K8S="$CACHE/k8s-jars"
  if [ ! -f "$K8S/.complete" ]; then
    SPARK_VERSION=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$REPO/pom.xml" | head -1)
    say "copying spark-kubernetes_2.13 $SPARK_VERSION and its Kubernetes client from Maven into $K8S"
    rm -rf "$K8S"; mkdir -p "$K8S"
    # A private local repository: the user's ~/.m2 is left as it is.
    mvn -B -q -f "$HERE/spark-kubernetes.pom.xml" -Dspark.version="$SPARK_VERSION" -Dmaven.repo.local="$CACHE/m2" \
      dependency:copy-dependencies -DoutputDirectory="$K8S" || fail "could not copy the spark-kubernetes jars"
    touch "$K8S/.complete"
  fi
fi
ls "$K8S"/spark-kubernetes_2.13-*.jar >/dev/null 2>&1 || fail "no spark-kubernetes_2.13 jar in $K8S"

say "staging the build context in $CONTEXT"
rm -rf "$CONTEXT"; mkdir -p "$CONTEXT/spark/jars" "$CONTEXT/manim-grpo/lib" "$CONTEXT/manim-grpo/conf" "$CONTEXT/manim-grpo/bin"
# Hard links where the context shares a file system with the jars (no copy of half a gigabyte).
link() { cp -l "$@" 2>/dev/null || cp "$@"; }
cp "$HERE/Containerfile" "$CONTEXT/"
link "$ROOTFS" "$CONTEXT/rootfs.tar"
# Spark's jars: the build's class path, less the project's own modules (the cluster jar carries them).
for j in "$LIB"/*.jar; do
  case "$(basename "$j")" in pipeline-core-*|reward-udfs-*|policy-*|trainer-*|pipeline-jobs-*) continue ;; esac
  link "$j" "$CONTEXT/spark/jars/"
done
# Kubernetes jars the class path does not have already (same artifact, any version: the build's wins).
for j in "$K8S"/*.jar; do
  base=$(basename "$j" .jar); artifact="${base%-[0-9]*}"
  if ! compgen -G "$CONTEXT/spark/jars/$artifact-[0-9]*.jar" >/dev/null; then link "$j" "$CONTEXT/spark/jars/"; fi
done
link "$JAR" "$CONTEXT/manim-grpo/lib/"
cp "$REPO/cluster-conf/spark/spark-defaults.conf" "$REPO/cluster-conf/spark/log4j2.properties" "$CONTEXT/manim-grpo/conf/"
install -m 0755 "$HERE/manim-grpo.sh" "$CONTEXT/manim-grpo/bin/manim-grpo"
install -m 0755 "$HERE/entrypoint.sh" "$CONTEXT/entrypoint.sh"
say "packing the Manim runtime ($(du -sh "$RUNTIME" | cut -f1))"
tar -C "$RUNTIME" --numeric-owner -cf "$CONTEXT/runtime.tar" .
say "context ready: $(du -sh "$CONTEXT" | cut -f1), $(ls "$CONTEXT/spark/jars" | wc -l) Spark jars"
[ "$STAGE_ONLY" = 1 ] && exit 0

TOOL="${MANIM_GRPO_IMAGE_TOOL:-}"
if [ -z "$TOOL" ]; then
  for t in buildah podman docker; do command -v "$t" >/dev/null && { TOOL=$t; break; }; done
fi
[ -n "$TOOL" ] || fail "no buildah, podman or docker here: the context in $CONTEXT is ready for one elsewhere"
say "building $TAG with $TOOL"
case "$TOOL" in
  # No RUN step: buildah needs neither a daemon nor namespaces (chroot isolation, any storage driver).
  buildah) buildah ${BUILDAH_OPTS:-} bud --isolation chroot -f "$CONTEXT/Containerfile" -t "$TAG" "$CONTEXT" ;;
  podman) podman build -f "$CONTEXT/Containerfile" -t "$TAG" "$CONTEXT" ;;
  docker) docker build -f "$CONTEXT/Containerfile" -t "$TAG" "$CONTEXT" ;;
  *) fail "unknown MANIM_GRPO_IMAGE_TOOL $TOOL" ;;
esac
say "built $TAG"
