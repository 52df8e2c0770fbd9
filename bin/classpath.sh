# Sourced by the launchers: builds the project once and sets CP to its classes and dependencies.
set -e
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$ROOT/target/classpath.txt" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$ROOT/target/classpath.txt" -print -quit)" ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2)
fi
CP="$ROOT/target/classes:$(cat "$ROOT/target/classpath.txt")"
JAVA_OPTS="${JAVA_OPTS:--Xss4m} -Dstylegan.root=$ROOT -Dai.djl.offline=${DJL_OFFLINE:-true} -DDJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai}"
export CP JAVA_OPTS ROOT
