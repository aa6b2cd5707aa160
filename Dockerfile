# syntax=docker/dockerfile:1
# The ameli-idp image: built from source in a Maven + JDK stage, run on a JRE only, as a non-root user,
# from the extracted jar in layers (dependencies change less often than the code, so their layers stay cached),
# with the AOT cache of a training start (stage "aot"; README, "Starting faster: the AOT cache").
#   docker build -t registry.example.fr/ameli/ameli-idp:0.1.0 .
# The tests are not run here (CI runs `mvn verify`).

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
# The build's Spring AOT processing evaluates the conditions with the service's configuration (pom.xml, process-aot).
COPY config/application.yml ./config/application.yml
# -DwithoutEmbeddedPostgres: no embedded PostgreSQL binaries in the image (it always uses an external database).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests -DwithoutEmbeddedPostgres
# Spring Boot 4: extract the jar into its layers: the application's classes in ameli-idp.jar, the libraries in lib/
# (jars on a class path, which an AOT cache needs; classes in directories, as the launcher layout has them, cannot be
# cached). A layer with nothing in it still gets its folder, for the COPY lines below.
RUN java -Djarmode=tools -jar target/ameli-idp-*.jar extract --layers --destination /extracted \
      --application-filename ameli-idp.jar \
 && mkdir -p /extracted/dependencies /extracted/spring-boot-loader /extracted/snapshot-dependencies /extracted/application

# The AOT cache (JDK 25, JEP 483/514): the service started once on the runtime image, on a throw-away PostgreSQL,
# at the same paths as in the final stage (a cache is valid only for the same JVM and the same class path).
FROM eclipse-temurin:25-jre AS aot
RUN apt-get update && apt-get install -y --no-install-recommends postgresql && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
COPY config/application.yml ./config/application.yml
COPY jvm.options docker/aot-training.sh ./
# The same JVM options as the final stage's (a cache records the collector and heap mode it was made with).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25"
RUN ./aot-training.sh

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
COPY jvm.options ./
COPY --from=aot /app/ameli-idp.aot ./
USER 10001:10001
# Public (8080), management: probes and metrics (8081), operator API (8082, only with IDP_OPERATOR_TOKEN).
EXPOSE 8080 8081 8082
# Container-aware memory: the heap is a share of the container's memory limit, not of the host's (the other JVM
# options are in jvm.options). Override JAVA_TOOL_OPTIONS as a whole (the Deployment sets it). No embedded database
# in an image: set SPRING_R2DBC_URL and friends (README, "An external PostgreSQL"); JSON logs.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25" \
    IDP_EMBEDDED_ENABLED=false \
    LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs
# jvm.options: the Serial collector, metaspace bounds, exit on OutOfMemoryError, native access (JNA loads the Argon2 library),
# Netty's leak detection off (the tests look for leaks; SPRING_NETTY_LEAK_DETECTION=simple turns it on for a diagnosis).
# spring.aot.enabled: the bean definitions Spring AOT computed at build time for the production configuration (pom.xml,
# process-aot; README, "Starting faster"), instead of evaluating every configuration class and condition at each start.
ENTRYPOINT ["java", "@jvm.options", "-Dspring.aot.enabled=true", "-XX:AOTCache=ameli-idp.aot", "-jar", "ameli-idp.jar"]
