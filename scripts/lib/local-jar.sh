# Shared by scripts/dbre and scripts/run-local (sourced, not run): finds a JDK 21+ and builds the
# local runtime's jar when it is missing or older than the sources.
#
# Environment:
#   JAVA_HOME        used when it is a JDK 21 or newer; else /usr/lib/jvm/temurin-25-jdk-amd64
#   DBRE_NO_BUILD=1  never build: fail if the jar is missing (the tests set it)

DBRE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DBRE_JAR="$DBRE_ROOT/functions/local/target/dbre-local.jar"
DBRE_FALLBACK_JDK=/usr/lib/jvm/temurin-25-jdk-amd64

# The Java feature version (21, 25, ...) of the JDK at $1, or nothing if it is not a JDK.
dbre_jdk_version() {
  local home="$1"
  [[ -n "$home" && -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

# Sets JAVA_HOME to a JDK 21+ or exits with a message saying what to install.
dbre_find_jdk() {
  local v
  v="$(dbre_jdk_version "${JAVA_HOME:-}")"
  if [[ -n "$v" && "$v" -ge 21 ]]; then
    export JAVA_HOME
    return
  fi
  v="$(dbre_jdk_version "$DBRE_FALLBACK_JDK")"
  if [[ -n "$v" && "$v" -ge 21 ]]; then
    export JAVA_HOME="$DBRE_FALLBACK_JDK"
    return
  fi
  echo "dbre: needs a JDK 21 or newer: set JAVA_HOME to one (JAVA_HOME='${JAVA_HOME:-}' is not;" \
    "$DBRE_FALLBACK_JDK is not there either)" >&2
  exit 1
}

# True when a source file of the modules the jar is built from is newer than the jar.
dbre_jar_stale() {
  [[ -f "$DBRE_JAR" ]] || return 0
  local newer
  newer="$(find "$DBRE_ROOT/pom.xml" "$DBRE_ROOT/shared" "$DBRE_ROOT/functions" \
    -name target -prune -o -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$DBRE_JAR" -print -quit)"
  [[ -n "$newer" ]]
}

# Builds the jar (and the modules it needs) when missing or stale.
dbre_ensure_jar() {
  if ! dbre_jar_stale; then
    return
  fi
  if [[ "${DBRE_NO_BUILD:-}" == 1 ]]; then
    echo "dbre: $DBRE_JAR is missing or older than the sources, and DBRE_NO_BUILD=1" >&2
    exit 1
  fi
  echo "dbre: building the local runtime (first use or sources changed) ..." >&2
  (cd "$DBRE_ROOT" && ./mvnw -B -q -pl functions/local -am package -DskipTests -DallowTelemetry=false) >&2 || {
    echo "dbre: the build failed (see above)" >&2
    exit 1
  }
  # The jar plugin keeps an up-to-date jar as it was: mark it built now, or it looks stale forever.
  touch "$DBRE_JAR"
}
