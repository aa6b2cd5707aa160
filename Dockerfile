# syntax=docker/dockerfile:1
# The ameli-idp image: built from source in a Maven + JDK stage, run on a JRE only, as a non-root user,
# from the layered jar (dependencies change less often than the code, so their layers stay cached).
#   docker build -t registry.example.fr/ameli/ameli-idp:0.1.0 .
# The tests are not run here (CI runs `mvn verify`).

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# -DwithoutEmbeddedPostgres: no embedded PostgreSQL binaries in the image (it always uses an external database).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests -DwithoutEmbeddedPostgres
# Spring Boot 4: split the jar into its layers, with the launcher.
RUN java -Djarmode=tools -jar target/ameli-idp-*.jar extract --layers --launcher --destination /extracted

FROM eclipse-temurin:25-jre
# Fixed ids, so that runAsUser/runAsGroup in the Deployment match the image.
RUN groupadd --system --gid 10001 ameli \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin ameli
# Working directory: the service reads ./config/application.yml from it (in Kubernetes, a ConfigMap is
# mounted over /app/config). Files belong to root and are read-only for the service.
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
COPY config/application.yml ./config/application.yml
USER 10001:10001
# Public (8080), management: probes and metrics (8081), operator API (8082, only with IDP_OPERATOR_TOKEN).
EXPOSE 8080 8081 8082
# Container-aware memory: the heap is a share of the container's memory limit, not of the host's.
# Override JAVA_TOOL_OPTIONS as a whole (the Deployment sets it). No embedded database in an image: set
# SPRING_R2DBC_URL and friends (README, "An external PostgreSQL"); JSON logs.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError" \
    IDP_EMBEDDED_ENABLED=false \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs
# Native access: JNA loads the Argon2 library (Argon2idEncoder) without a warning (JEP 472).
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "org.springframework.boot.loader.launch.JarLauncher"]
