#!/bin/sh
# The AOT cache of the image (Dockerfile, stage "aot"; README, "Starting faster: the AOT cache"): starts a throw-away
# PostgreSQL, then the service as the image starts it, with -XX:AOTCacheOutput and spring.context.exit=onRefresh:
# the JVM records the classes loaded and linked while the context starts (migrations, beans; it exits before the
# servers start) and writes
# /app/ameli-idp.aot as it exits. The database and its random secrets are discarded with this stage.
set -eu
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | tail -1)"
PGDATA=/tmp/pg
mkdir -p "$PGDATA" && chown postgres "$PGDATA"
su postgres -s /bin/sh -c "$PGBIN/initdb -D $PGDATA -U postgres --auth=trust >/dev/null && $PGBIN/pg_ctl -D $PGDATA -o '-k /tmp -p 5432' -w start >/dev/null"
su postgres -s /bin/sh -c "$PGBIN/psql -h /tmp -p 5432 -U postgres -c 'create database ameli_training' >/dev/null"
secret() { head -c 32 /dev/urandom | base64; }
SPRING_R2DBC_URL=r2dbc:postgresql://localhost:5432/ameli_training SPRING_R2DBC_USERNAME=postgres SPRING_R2DBC_PASSWORD=postgres \
SPRING_FLYWAY_URL=jdbc:postgresql://localhost:5432/ameli_training SPRING_FLYWAY_USER=postgres SPRING_FLYWAY_PASSWORD=postgres \
IDP_SUBJECT_PAIRWISE_SECRET="$(secret)" IDP_KEYS_ENCRYPTION_KEY="$(secret)" IDP_EMBEDDED_ENABLED=false \
  java @jvm.options -Dspring.aot.enabled=true -XX:AOTCacheOutput=/app/ameli-idp.aot -Dspring.context.exit=onRefresh -jar ameli-idp.jar
su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGDATA -w stop >/dev/null"
test -s /app/ameli-idp.aot
