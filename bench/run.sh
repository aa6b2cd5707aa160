#!/usr/bin/env bash
# The CPU benchmark of the product against Keycloak (bench/README.md).
#   bench/run.sh                       # both servers, taking turns window by window (about 10 minutes, plus the builds)
#   bench/run.sh --only product        # the product alone (under 5 minutes)
#   bench/run.sh --only product --scenarios sso,userinfo --window 5 --passes 1   # a quick look while developing
# Other options: --users 8 --warmup 5 --window 15 --passes 2 --heap "-Xms64m -Xmx512m" --jfr --out FILE
#   --no-build (reuse target/ameli-idp-*.jar as it is)
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd .. && pwd)"
KEYCLOAK_VERSION=26.5.6

# Java 25 for everything: the servers, the load generator and Maven.
for jdk in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-*; do
  if [ -n "$jdk" ] && [ -x "$jdk/bin/java" ] && "$jdk/bin/java" -version 2>&1 | grep -q '"25'; then
    export JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH"; break
  fi
done
java -version 2>&1 | grep -q '"25' || { echo "A JDK 25 is needed (JAVA_HOME or /usr/lib/jvm)." >&2; exit 1; }

build=true
only=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    --only) only="$2"; args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

# On the shared development machines every Maven build takes /tmp/idp-build.lock (idp-mvn); the measured run takes
# it too, so that no build or test suite runs beside the servers being measured.
LOCK=/tmp/idp-build.lock
locked() { if command -v flock >/dev/null 2>&1; then flock "$LOCK" "$@"; else "$@"; fi; }
MVN="mvn -B -ntp -q"

if $build; then
  echo "[bench] building the product jar" >&2
  if command -v idp-mvn >/dev/null 2>&1; then (cd "$ROOT" && idp-mvn -q package -DskipTests); else (cd "$ROOT" && locked $MVN package -DskipTests); fi
fi
JAR="$(ls "$ROOT"/target/ameli-idp-*.jar | grep -v -- '-plain\|\.original' | head -1)"

if [ "$only" != "product" ]; then
  KC_HOME="target/keycloak-$KEYCLOAK_VERSION"
  if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
    echo "[bench] fetching Keycloak $KEYCLOAK_VERSION from Maven Central" >&2
    $MVN dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip -DoutputDirectory=target
    (cd target && unzip -q -o "keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip")
  fi
  # Build-time options, once: PostgreSQL and the health endpoints (readiness is how the start is timed).
  if [ ! -f "$KC_HOME/.bench-built" ]; then
    echo "[bench] kc.sh build" >&2
    locked env JAVA_HOME="$JAVA_HOME" "$KC_HOME/bin/kc.sh" build --db=postgres --health-enabled=true >target/keycloak-build.log 2>&1
    touch "$KC_HOME/.bench-built"
  fi
  args+=(--keycloak-home "$KC_HOME")
fi

# Under the lock as well: compiling this project beside a run that measures would land in its windows.
locked $MVN package
echo "[bench] waiting for $LOCK, then measuring" >&2
locked java -cp "target/classes:$(cat target/classpath.txt)" fr.ameli.idp.bench.Bench --product-jar "$JAR" --jvm-options "$ROOT/jvm.options" "${args[@]}"
