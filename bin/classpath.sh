# Sourced by the launchers: builds the project once and sets CP to its classes and dependencies.
set -e
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$ROOT/target/classpath.txt" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$ROOT/target/classpath.txt" -print -quit)" ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2)
fi
CP="$ROOT/target/classes:$(cat "$ROOT/target/classpath.txt")"
# -Xms64m: the tensors live in native memory and the Java heap needs little; with the JVM's default
# initial heap (1/64 of RAM) G1 spreads its young generation over ≈ 400 MiB and touches all of it
# within a few hundred training iterations (issue 17: resident memory rose by 150 MiB that way).
# The heap still grows on demand up to the default maximum.
JAVA_OPTS="${JAVA_OPTS:--Xss4m -Xms64m} -Dstylegan.root=$ROOT -Dai.djl.offline=${DJL_OFFLINE:-true} -DDJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai}"
export CP JAVA_OPTS ROOT
