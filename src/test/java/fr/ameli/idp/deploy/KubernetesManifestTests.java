package fr.ameli.idp.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders every kustomization under {@code k8s/} with the real kustomize ({@link KubectlKustomize}: what
 * {@code kubectl apply -k} would apply), reads the result with fabric8's Kubernetes model, and fails on what would
 * break or weaken the deployment: a probe on a path the service does not serve or off the management port, the
 * management or operator port reachable through a Service, an Ingress or the NetworkPolicy, metrics scraped
 * elsewhere than on the management port, container ports that are not the application's, a container without
 * requests and limits or that may run as root, an
 * environment variable the application does not read, a credential outside a Secret reference or a Secret
 * with inline data, the replica count, the autoscaler and disruption budget, the PostgreSQL cluster's
 * instances and synchronous replication, R2DBC and Flyway through PgBouncer, and copies of config/ that
 * drifted. Each rule is a static method returning the violations; {@link BrokenManifests} shows that each
 * one fails on a small broken manifest.
 */
class KubernetesManifestTests {

    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path K8S = PROJECT.resolve("k8s");
    static final Path CONFIG = PROJECT.resolve("config");

    /** The container ports, by name: the public one, the actuator's and the operator API's (README, "Operations"). */
    static final String HTTP = "http";
    static final String MANAGEMENT = "management";
    static final String OPERATOR = "operator";

    /** The namespace of Prometheus, the only peer admitted on the management port. */
    static final String MONITORING_NAMESPACE = "monitoring";

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";

    /**
     * The paths the service serves for probes: the actuator health endpoint and its probe groups
     * (management.endpoint.health.probes.enabled and .group.* in config/application.yml; readiness includes
     * the database). OperationsTests checks that they answer.
     */
    static final Set<String> SERVED_PROBE_PATHS = Set.of("/actuator/health", LIVENESS, READINESS);

    /**
     * Every environment variable the application reads. All but JAVA_TOOL_OPTIONS (read by the JVM) bind to
     * a property by Spring Boot's relaxed binding: SERVER_PORT to server.port, SPRING_R2DBC_URL to
     * spring.r2dbc.url, SPRING_FLYWAY_USER to spring.flyway.user, SPRING_MAIL_HOST to spring.mail.host,
     * LOGGING_STRUCTURED_FORMAT_CONSOLE to logging.structured.format.console,
     * SPRING_CONFIG_ADDITIONAL_LOCATION to spring.config.additional-location, and each IDP_* to an idp.*
     * property of config/application.yml or of {@link #ANNOUNCED_PROPERTIES}
     * ({@link #idpVariablesWhenBoundThenEachMapsToAKnownProperty()} checks it with Spring's own binding).
     * A variable missing here is a variable the manifests may not set: add it only once the application
     * reads it.
     */
    static final Set<String> APPLICATION_ENVIRONMENT = Set.of(
            "SERVER_PORT", "MANAGEMENT_SERVER_PORT", "IDP_OPERATOR_PORT", "IDP_OPERATOR_TOKEN",
            "SPRING_R2DBC_URL", "SPRING_R2DBC_USERNAME", "SPRING_R2DBC_PASSWORD",
            "SPRING_FLYWAY_URL", "SPRING_FLYWAY_USER", "SPRING_FLYWAY_PASSWORD",
            "IDP_ISSUER",
            "IDP_KEYS_ENCRYPTION_KEY",
            "IDP_SUBJECT_PAIRWISE_SECRET",
            "IDP_FEDERATION_ISSUER_URI", "IDP_FEDERATION_CLIENT_ID", "IDP_FEDERATION_CLIENT_SECRET",
            "SPRING_MAIL_HOST", "SPRING_MAIL_PORT", "SPRING_MAIL_USERNAME", "SPRING_MAIL_PASSWORD",
            "IDP_EMBEDDED_ENABLED",
            "IDP_DEMO_ENABLED",
            "LOGGING_STRUCTURED_FORMAT_CONSOLE",
            "JAVA_TOOL_OPTIONS",
            "SPRING_CONFIG_ADDITIONAL_LOCATION");

    /**
     * Properties the application reads that config/application.yml does not list yet: they come with the
     * signing keys, pairwise subjects and federation features (README, "Production", "Secrets").
     */
    static final Set<String> ANNOUNCED_PROPERTIES = Set.of(
            "idp.keys.encryption-key",
            "idp.subject.pairwise-secret",
            "idp.federation.issuer-uri",
            "idp.federation.client-id",
            "idp.federation.client-secret");

    /** Credentials: only ever from a Secret (secretKeyRef), never a literal in a manifest. */
    static final Set<String> SECRET_ENVIRONMENT = Set.of(
            "SPRING_R2DBC_PASSWORD", "SPRING_FLYWAY_PASSWORD", "SPRING_MAIL_PASSWORD",
            "IDP_KEYS_ENCRYPTION_KEY", "IDP_SUBJECT_PAIRWISE_SECRET", "IDP_FEDERATION_CLIENT_SECRET", "IDP_OPERATOR_TOKEN");

    /** The variable that sets each named container port, and the property giving its default in config/. */
    static final Map<String, String> PORT_VARIABLES = Map.of(HTTP, "SERVER_PORT", MANAGEMENT, "MANAGEMENT_SERVER_PORT",
            OPERATOR, "IDP_OPERATOR_PORT");
    static final Map<String, String> PORT_PROPERTIES = Map.of(HTTP, "server.port", MANAGEMENT, "management.server.port",
            OPERATOR, "idp.operator.port");

    /** spring.lifecycle.timeout-per-shutdown-phase in config/application.yml. */
    static final int SHUTDOWN_PHASE_SECONDS = 20;
    static final int MINIMUM_GRACE_PERIOD_SECONDS = 40;

    static final String CONFIG_MAP = "ameli-idp-config";
    static final String CONFIG_MOUNT = "/app/config";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    // ------------------------------------------------------------------------------------------------
    // The manifests of k8s/

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenEveryContainerThenRequestsAndLimitsForCpuAndMemory(String kustomization) {
        assertThat(resourceViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenEveryContainerThenNonRootReadOnlyNoEscalationNoCapabilities(String kustomization) {
        assertThat(securityViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenEveryProbeThenServedPathOnContainerPort(String kustomization) {
        Rendered rendered = render(kustomization);

        assertThat(probeViolations(rendered)).isEmpty();
        assertThat(probeGroupViolations(rendered)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenServiceAndIngressThenOnlyThePublicPortExposed(String kustomization) {
        assertThat(exposureViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenNetworkPolicyThenManagementPortForMonitoringOnlyAndOperatorPortForNoOne(String kustomization) {
        assertThat(networkPolicyViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenScrapedThenPrometheusOnTheManagementPort(String kustomization) {
        assertThat(scrapeViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenContainerPortsThenTheApplicationsPorts(String kustomization) {
        assertThat(portViolations(render(kustomization), configuredPorts())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenEveryEnvironmentVariableThenReadByTheApplication(String kustomization) {
        assertThat(environmentViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenCredentialsThenOnlySecretReferencesAndNoSecretWithData(String kustomization) {
        Rendered rendered = render(kustomization);

        assertThat(secretReferenceViolations(rendered)).isEmpty();
        assertThat(secretDataViolations(rendered)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenDeploymentThenAutoscalerAndDisruptionBudgetTargetIt(String kustomization) {
        assertThat(scalingViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenPodsStopThenPreStopAndGracePeriodCoverTheGracefulShutdown(String kustomization) {
        assertThat(shutdownViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenDatabaseThenThreeInstancesWithSynchronousReplication(String kustomization) {
        assertThat(databaseViolations(render(kustomization), 3)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void renderWhenPgBouncerTransactionModeThenR2dbcWithoutCachedStatementsAndFlywayDirect(String kustomization) {
        assertThat(connectionViolations(render(kustomization))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "overlays/prod"})
    void renderWhenBaseOrProdThenThreeReplicas(String kustomization) {
        assertThat(replicaViolations(render(kustomization), 3)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"base, false", "overlays/dev, true", "overlays/prod, false"})
    void renderWhenAnyEnvironmentThenNoEmbeddedDatabaseJsonLogsAndDemoDataOnlyInDev(String kustomization,
            String demo) {
        Map<String, String> expected = Map.of(
                "IDP_EMBEDDED_ENABLED", "false",
                "IDP_DEMO_ENABLED", demo,
                "LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");

        assertThat(requiredValueViolations(render(kustomization), expected)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void renderWhenOverlayThenImagesPinned(String kustomization) {
        assertThat(imageViolations(render(kustomization))).isEmpty();
    }

    @Test
    void configMapWhenRenderedThenApplicationYmlIsConfigApplicationYmlMountedAtAppConfig() {
        assertThat(configMapViolations(render("base"), Map.of("application.yml", CONFIG.resolve("application.yml"))))
                .isEmpty();
        assertThat(configMapViolations(render("overlays/prod"),
                Map.of("application.yml", CONFIG.resolve("application.yml")))).isEmpty();
    }

    @Test
    void configMapWhenDevThenDemoFilesAreConfigDemo() {
        assertThat(configMapViolations(render("overlays/dev"), Map.of(
                "application.yml", CONFIG.resolve("application.yml"),
                "registry.csv", CONFIG.resolve("demo/registry.csv"),
                "accounts.csv", CONFIG.resolve("demo/accounts.csv"),
                "provisional-codes.csv", CONFIG.resolve("demo/provisional-codes.csv")))).isEmpty();
    }

    @Test
    void idpVariablesWhenBoundThenEachMapsToAKnownProperty() {
        Set<String> known = new TreeSet<>(propertyNames(CONFIG.resolve("application.yml")));
        known.addAll(ANNOUNCED_PROPERTIES);

        assertThat(unmappedVariables(APPLICATION_ENVIRONMENT, known)).isEmpty();
    }

    @Test
    void k8sWhenEveryKustomizationListedThenEveryFileIsUsed() {
        Set<Path> referenced = new LinkedHashSet<>();
        for (Path dir : kustomizations(K8S)) {
            referenced.addAll(referencedFiles(dir));
        }

        assertThat(unusedFiles(K8S, referenced)).isEmpty();
    }

    @Test
    void k8sWhenListedThenBaseAndBothOverlays() {
        assertThat(kustomizations(K8S)).containsExactlyInAnyOrder(
                K8S.resolve("base"), K8S.resolve("overlays/dev"), K8S.resolve("overlays/prod"));
    }

    // ------------------------------------------------------------------------------------------------
    // Each rule fails on a small broken manifest

    @Nested
    class BrokenManifests {

        /** A manifest set that satisfies every rule; each test below breaks one thing. */
        static final String VALID = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: app}
                  template:
                    metadata:
                      labels: {app: app, tier: web}
                      annotations: {prometheus.io/scrape: "true", prometheus.io/path: /actuator/prometheus, prometheus.io/port: "8081"}
                    spec:
                      enableServiceLinks: false
                      terminationGracePeriodSeconds: 45
                      securityContext:
                        runAsNonRoot: true
                        runAsUser: 10001
                      containers:
                        - name: app
                          image: registry.example/app:1.0
                          ports:
                            - {name: http, containerPort: 8080}
                            - {name: management, containerPort: 8081}
                            - {name: operator, containerPort: 8082}
                          env:
                            - {name: SERVER_PORT, value: "8080"}
                            - {name: IDP_EMBEDDED_ENABLED, value: "false"}
                            - name: SPRING_R2DBC_URL
                              value: r2dbc:postgresql://db-pooler-rw:5432/app?preparedStatementCacheQueries=0
                            - name: SPRING_R2DBC_PASSWORD
                              valueFrom:
                                secretKeyRef: {name: db, key: password}
                            - {name: SPRING_FLYWAY_URL, value: "jdbc:postgresql://db-rw:5432/app"}
                          resources:
                            requests: {cpu: 500m, memory: 1Gi}
                            limits: {cpu: "2", memory: 1Gi}
                          startupProbe:
                            httpGet: {path: /actuator/health/liveness, port: management}
                          livenessProbe:
                            httpGet: {path: /actuator/health/liveness, port: 8081}
                          readinessProbe:
                            httpGet: {path: /actuator/health/readiness, port: management}
                          lifecycle:
                            preStop:
                              sleep: {seconds: 10}
                          securityContext:
                            allowPrivilegeEscalation: false
                            readOnlyRootFilesystem: true
                            capabilities:
                              drop: [ALL]
                          volumeMounts:
                            - {name: config, mountPath: /app/config}
                      volumes:
                        - name: config
                          configMap: {name: ameli-idp-config}
                ---
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata:
                  name: app
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
                  minReplicas: 3
                  maxReplicas: 6
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: app
                spec:
                  maxUnavailable: 1
                  selector:
                    matchLabels: {app: app}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ameli-idp-config
                data:
                  application.yml: "server.port: 8080"
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                ---
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: db
                spec:
                  instances: 3
                  postgresql:
                    synchronous: {method: any, number: 1, dataDurability: required}
                ---
                apiVersion: postgresql.cnpg.io/v1
                kind: Pooler
                metadata:
                  name: db-pooler-rw
                spec:
                  cluster: {name: db}
                  type: rw
                  pgbouncer: {poolMode: transaction}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: app
                spec:
                  selector: {app: app}
                  ports:
                    - {name: http, port: 80, targetPort: http}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: app
                spec:
                  rules:
                    - host: app.example
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service: {name: app, port: {name: http}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: app
                spec:
                  podSelector:
                    matchLabels: {tier: web}
                  policyTypes: [Ingress]
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
                      ports:
                        - {protocol: TCP, port: 8080}
                    - from:
                        - namespaceSelector:
                            matchLabels: {kubernetes.io/metadata.name: monitoring}
                      ports:
                        - {protocol: TCP, port: management}
                """;

        /** The ports config/application.yml would give the VALID container (it sets only SERVER_PORT). */
        static final Map<String, Integer> PORTS = Map.of(HTTP, 8080, MANAGEMENT, 8081, OPERATOR, 8082);

        static Rendered broken(String from, String to) {
            assertThat(VALID.split(java.util.regex.Pattern.quote(from), -1)).as("'%s' occurs once", from).hasSize(2);
            return Rendered.of(KubectlKustomize.parse(VALID.replace(from, to)));
        }

        @TempDir
        Path temp;

        @Test
        void validWhenCheckedThenNoRuleFails() throws IOException {
            Rendered valid = Rendered.of(KubectlKustomize.parse(VALID));
            Path configYml = Files.writeString(temp.resolve("application.yml"), "server.port: 8080");

            assertThat(Stream.of(resourceViolations(valid), securityViolations(valid), probeViolations(valid),
                    probeGroupViolations(valid), environmentViolations(valid), secretReferenceViolations(valid),
                    secretDataViolations(valid), scalingViolations(valid), shutdownViolations(valid),
                    databaseViolations(valid, 3), connectionViolations(valid), replicaViolations(valid, 3),
                    requiredValueViolations(valid, Map.of("IDP_EMBEDDED_ENABLED", "false")), imageViolations(valid),
                    configMapViolations(valid, Map.of("application.yml", configYml)), exposureViolations(valid),
                    networkPolicyViolations(valid), scrapeViolations(valid), portViolations(valid, PORTS))
                    .flatMap(List::stream))
                    .isEmpty();
        }

        static Stream<Arguments> missingResources() {
            return Stream.of(
                    Arguments.of("limits: {cpu: \"2\", memory: 1Gi}", "limits: {cpu: \"2\"}"),
                    Arguments.of("limits: {cpu: \"2\", memory: 1Gi}", "limits: {memory: 1Gi}"),
                    Arguments.of("requests: {cpu: 500m, memory: 1Gi}", "requests: {memory: 1Gi}"),
                    Arguments.of("requests: {cpu: 500m, memory: 1Gi}", "requests: {}"));
        }

        @ParameterizedTest
        @MethodSource("missingResources")
        void resourcesWhenMissingThenViolation(String from, String to) {
            assertThat(resourceViolations(broken(from, to))).singleElement().asString()
                    .contains("Deployment/app container app: no ");
        }

        static Stream<Arguments> weakenedSecurity() {
            return Stream.of(
                    Arguments.of("runAsNonRoot: true", "runAsNonRoot: false", "may run as root"),
                    Arguments.of("runAsUser: 10001", "runAsUser: 0", "may run as root"),
                    Arguments.of("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation"),
                    Arguments.of("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"),
                    Arguments.of("drop: [ALL]", "drop: [NET_RAW]", "drop ALL"),
                    // indentation of VALID's container securityContext fields (12) and capabilities (14)
                    Arguments.of("drop: [ALL]", "drop: [ALL]\n" + " ".repeat(14) + "add: [NET_ADMIN]", "adds capabilities"),
                    Arguments.of("allowPrivilegeEscalation: false",
                            "allowPrivilegeEscalation: false\n" + " ".repeat(12) + "privileged: true", "privileged"));
        }

        @ParameterizedTest
        @MethodSource("weakenedSecurity")
        void securityWhenWeakenedThenViolation(String from, String to, String violation) {
            assertThat(securityViolations(broken(from, to))).singleElement().asString().contains(violation);
        }

        @Test
        void securityWhenRunAsNonRootOnlyMissingThenViolation() {
            assertThat(securityViolations(broken("runAsNonRoot: true", "fsGroup: 10001"))).singleElement().asString()
                    .contains("may run as root");
        }

        @Test
        void probeWhenPathNotServedThenViolation() {
            assertThat(probeViolations(broken("path: /actuator/health/readiness", "path: /ready")))
                    .singleElement().asString().contains("/ready");
        }

        @Test
        void probeWhenPortNotTheContainerPortThenViolation() {
            assertThat(probeViolations(broken("port: 8081}", "port: 9090}"))).singleElement().asString()
                    .contains("9090");
        }

        @Test
        void probeWhenNamedPortUnknownThenViolation() {
            assertThat(probeViolations(broken("{path: /actuator/health/readiness, port: management}",
                    "{path: /actuator/health/readiness, port: admin}"))).singleElement().asString()
                    .contains("admin");
        }

        @Test
        void probeWhenOnThePublicPortThenViolation() {
            assertThat(probeViolations(broken("{path: /actuator/health/readiness, port: management}",
                    "{path: /actuator/health/readiness, port: http}"))).singleElement().asString()
                    .contains("not the management port");
        }

        @Test
        void probeWhenNotHttpThenViolation() {
            assertThat(probeViolations(broken("httpGet: {path: /actuator/health/readiness, port: management}",
                    "tcpSocket: {port: management}"))).singleElement().asString().contains("httpGet");
        }

        @Test
        void probeWhenMissingThenViolation() {
            assertThat(probeViolations(broken("readinessProbe:", "unusedProbe:"))).singleElement().asString()
                    .contains("readinessProbe");
        }

        @Test
        void probeGroupWhenLivenessChecksTheDatabaseThenViolation() {
            assertThat(probeGroupViolations(broken("{path: /actuator/health/liveness, port: 8081}",
                    "{path: /actuator/health/readiness, port: 8081}"))).singleElement().asString()
                    .contains("livenessProbe");
        }

        @Test
        void environmentWhenVariableNotReadThenViolation() {
            assertThat(environmentViolations(broken("{name: SERVER_PORT, value: \"8080\"}",
                    "{name: SERVERPORT, value: \"8080\"}"))).singleElement().asString().contains("SERVERPORT");
        }

        @Test
        void environmentWhenEnvFromThenViolation() {
            assertThat(environmentViolations(broken("          env:\n",
                    "          envFrom:\n            - configMapRef: {name: more}\n          env:\n")))
                    .singleElement().asString().contains("envFrom");
        }

        @Test
        void environmentWhenServiceLinksThenViolation() {
            assertThat(environmentViolations(broken("enableServiceLinks: false", "enableServiceLinks: true")))
                    .singleElement().asString().contains("enableServiceLinks");
        }

        @Test
        void secretReferenceWhenCredentialInlineThenViolation() {
            assertThat(secretReferenceViolations(broken(
                    "secretKeyRef: {name: db, key: password}", "configMapKeyRef: {name: db, key: password}")))
                    .singleElement().asString().contains("SPRING_R2DBC_PASSWORD");
        }

        @ParameterizedTest
        @ValueSource(strings = {"data:\n  password: aHVudGVyMg==", "stringData:\n  password: hunter2"})
        void secretWhenInlineDataThenViolation(String data) {
            assertThat(secretDataViolations(broken("kind: Secret\nmetadata:\n  name: db\n",
                    "kind: Secret\nmetadata:\n  name: db\n" + data + "\n"))).singleElement().asString()
                    .contains("Secret/db");
        }

        @Test
        void replicasWhenNotThreeThenViolation() {
            assertThat(replicaViolations(broken("replicas: 3", "replicas: 2"), 3)).singleElement().asString()
                    .contains("2");
        }

        @Test
        void scalingWhenAutoscalerTargetsAnotherDeploymentThenViolation() {
            assertThat(scalingViolations(broken("kind: Deployment, name: app}", "kind: Deployment, name: other}")))
                    .isNotEmpty().anySatisfy(v -> assertThat(v).contains("HorizontalPodAutoscaler"));
        }

        @Test
        void scalingWhenDisruptionBudgetSelectsOtherPodsThenViolation() {
            assertThat(scalingViolations(broken("matchLabels: {app: app}\n---\napiVersion: v1",
                    "matchLabels: {app: other}\n---\napiVersion: v1"))).isNotEmpty()
                    .anySatisfy(v -> assertThat(v).contains("PodDisruptionBudget"));
        }

        @Test
        void shutdownWhenGracePeriodShortThenViolation() {
            assertThat(shutdownViolations(broken("terminationGracePeriodSeconds: 45",
                    "terminationGracePeriodSeconds: 30"))).isNotEmpty();
        }

        @Test
        void shutdownWhenNoPreStopThenViolation() {
            assertThat(shutdownViolations(broken("preStop:", "postStart:"))).singleElement().asString()
                    .contains("preStop");
        }

        @Test
        void databaseWhenTwoInstancesThenViolation() {
            assertThat(databaseViolations(broken("instances: 3", "instances: 2"), 3)).singleElement().asString()
                    .contains("instances");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{method: any, number: 0, dataDurability: required}",
                "{method: any, number: 1, dataDurability: preferred}", "{}"})
        void databaseWhenReplicationNotSynchronousThenViolation(String synchronous) {
            assertThat(databaseViolations(broken("{method: any, number: 1, dataDurability: required}", synchronous), 3))
                    .singleElement().asString().contains("synchronous");
        }

        @Test
        void connectionWhenR2dbcCachesStatementsThroughTransactionPoolerThenViolation() {
            assertThat(connectionViolations(broken("?preparedStatementCacheQueries=0", ""))).singleElement()
                    .asString().contains("preparedStatementCacheQueries");
        }

        @Test
        void connectionWhenFlywayThroughPoolerThenViolation() {
            assertThat(connectionViolations(broken("jdbc:postgresql://db-rw:5432/app",
                    "jdbc:postgresql://db-pooler-rw:5432/app"))).singleElement().asString().contains("Flyway");
        }

        @Test
        void requiredValueWhenEmbeddedDatabaseEnabledThenViolation() {
            assertThat(requiredValueViolations(broken("{name: IDP_EMBEDDED_ENABLED, value: \"false\"}",
                    "{name: IDP_EMBEDDED_ENABLED, value: \"true\"}"), Map.of("IDP_EMBEDDED_ENABLED", "false")))
                    .singleElement().asString().contains("IDP_EMBEDDED_ENABLED");
        }

        @ParameterizedTest
        @ValueSource(strings = {"registry.example/app:latest", "registry.example/app"})
        void imageWhenNotPinnedThenViolation(String image) {
            assertThat(imageViolations(broken("registry.example/app:1.0", image))).singleElement().asString()
                    .contains(image);
        }

        @Test
        void configMapWhenCopyDriftedThenViolation() throws IOException {
            Path configYml = Files.writeString(temp.resolve("application.yml"), "server.port: 9090");

            assertThat(configMapViolations(Rendered.of(KubectlKustomize.parse(VALID)), Map.of("application.yml", configYml)))
                    .singleElement().asString().contains("application.yml");
        }

        @Test
        void configMapWhenNotMountedAtAppConfigThenViolation() throws IOException {
            Path configYml = Files.writeString(temp.resolve("application.yml"), "server.port: 8080");

            assertThat(configMapViolations(broken("mountPath: /app/config", "mountPath: /etc/app"),
                    Map.of("application.yml", configYml))).singleElement().asString().contains(CONFIG_MOUNT);
        }

        @Test
        void variablesWhenIdpVariableMapsToNoPropertyThenViolation() {
            assertThat(unmappedVariables(Set.of("IDP_ISSUER", "IDP_KEYS_ENCRYPTIONKEY_OLD"), Set.of("idp.issuer")))
                    .containsExactly("IDP_KEYS_ENCRYPTIONKEY_OLD");
        }

        @Test
        void filesWhenNotUsedByAnyKustomizationThenViolation() throws IOException {
            Files.createDirectories(temp.resolve("base"));
            Files.writeString(temp.resolve("base/kustomization.yaml"), "resources:\n  - used.yaml\n");
            Files.writeString(temp.resolve("base/used.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n");
            Files.writeString(temp.resolve("base/forgotten.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n");

            assertThat(unusedFiles(temp, referencedFiles(temp.resolve("base")))).singleElement().asString()
                    .contains("forgotten.yaml");
        }

        @Test
        void exposureWhenServiceReachesTheManagementPortThenViolation() {
            assertThat(exposureViolations(broken("- {name: http, port: 80, targetPort: http}",
                    "- {name: http, port: 80, targetPort: http}\n    - {name: metrics, port: 81, targetPort: management}")))
                    .singleElement().asString().contains("Service/app").contains("management");
        }

        @Test
        void exposureWhenServiceReachesTheOperatorPortByNumberThenViolation() {
            assertThat(exposureViolations(broken("- {name: http, port: 80, targetPort: http}",
                    "- {name: http, port: 80, targetPort: 8082}"))).singleElement().asString().contains("operator");
        }

        @Test
        void exposureWhenIngressBackendIsNoServiceHereThenViolation() {
            assertThat(exposureViolations(broken("service: {name: app, port: {name: http}}",
                    "service: {name: app-admin, port: {name: http}}"))).singleElement().asString().contains("app-admin");
        }

        @Test
        void networkPolicyWhenManagementPortOpenToTheIngressControllerThenViolation() {
            assertThat(networkPolicyViolations(broken("- {protocol: TCP, port: 8080}",
                    "- {protocol: TCP, port: 8080}\n        - {protocol: TCP, port: 8081}"))).singleElement().asString()
                    .contains("management");
        }

        @Test
        void networkPolicyWhenOperatorPortAdmittedThenViolation() {
            assertThat(networkPolicyViolations(broken("- {protocol: TCP, port: management}",
                    "- {protocol: TCP, port: operator}"))).singleElement().asString().contains("operator");
        }

        @Test
        void networkPolicyWhenRuleListsNoPortThenViolation() {
            assertThat(networkPolicyViolations(broken("      ports:\n        - {protocol: TCP, port: 8080}\n", "")))
                    .singleElement().asString().contains("every port");
        }

        @Test
        void networkPolicyWhenNoneSelectsThePodsThenViolation() {
            assertThat(networkPolicyViolations(broken("matchLabels: {tier: web}", "matchLabels: {tier: db}")))
                    .singleElement().asString().contains("no NetworkPolicy");
        }

        @Test
        void scrapeWhenOnThePublicPortThenViolation() {
            assertThat(scrapeViolations(broken("prometheus.io/port: \"8081\"", "prometheus.io/port: \"8080\"")))
                    .singleElement().asString().contains("8080");
        }

        @Test
        void portsWhenContainerPortIsNotTheApplicationsThenViolation() {
            assertThat(portViolations(broken("{name: management, containerPort: 8081}",
                    "{name: management, containerPort: 9000}"), PORTS)).singleElement().asString().contains("management");
            assertThat(portViolations(broken("{name: SERVER_PORT, value: \"8080\"}", "{name: SERVER_PORT, value: \"8090\"}"),
                    PORTS)).singleElement().asString().contains("SERVER_PORT");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Rules: each returns the violations it finds, one line each

    static List<String> resourceViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.containers().forEach((where, container) -> {
            ResourceRequirements resources = Objects.requireNonNullElseGet(container.getResources(), ResourceRequirements::new);
            List<String> missing = new ArrayList<>();
            for (String resource : List.of("cpu", "memory")) {
                if (resources.getRequests() == null || resources.getRequests().get(resource) == null) {
                    missing.add("requests." + resource);
                }
                if (resources.getLimits() == null || resources.getLimits().get(resource) == null) {
                    missing.add("limits." + resource);
                }
            }
            if (!missing.isEmpty()) {
                violations.add(where + ": no " + String.join(", ", missing));
            }
        });
        return violations;
    }

    static List<String> securityViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.pods().forEach((owner, pod) -> {
            PodSecurityContext podContext = Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
            for (Container container : containersOf(pod)) {
                String where = owner + " container " + container.getName();
                SecurityContext context = Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
                Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : podContext.getRunAsNonRoot();
                Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
                if (!Boolean.TRUE.equals(nonRoot) || Long.valueOf(0).equals(user)) {
                    violations.add(where + ": may run as root (runAsNonRoot must be true, runAsUser not 0)");
                }
                if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
                    violations.add(where + ": allowPrivilegeEscalation must be false");
                }
                if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
                    violations.add(where + ": readOnlyRootFilesystem must be true");
                }
                if (Boolean.TRUE.equals(context.getPrivileged())) {
                    violations.add(where + ": privileged");
                }
                var capabilities = context.getCapabilities();
                if (capabilities == null || capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
                    violations.add(where + ": capabilities must drop ALL");
                }
                if (capabilities != null && capabilities.getAdd() != null && !capabilities.getAdd().isEmpty()) {
                    violations.add(where + ": adds capabilities " + capabilities.getAdd());
                }
            }
        });
        return violations;
    }

    static List<String> probeViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.mainContainers().forEach((where, container) -> probes(container).forEach((name, probe) -> {
            if (probe == null) {
                violations.add(where + ": no " + name);
                return;
            }
            HTTPGetAction http = probe.getHttpGet();
            if (http == null) {
                violations.add(where + ": " + name + " must be an httpGet on an actuator health path");
                return;
            }
            if (!SERVED_PROBE_PATHS.contains(http.getPath())) {
                violations.add(where + ": " + name + " path " + http.getPath() + " is not served (" + SERVED_PROBE_PATHS + ")");
            }
            ContainerPort port = containerPort(container, http.getPort());
            if (port == null) {
                violations.add(where + ": " + name + " port " + portText(http.getPort()) + " is not a port of the container");
            } else if (!MANAGEMENT.equals(port.getName())) {
                violations.add(where + ": " + name + " port " + portText(http.getPort())
                        + " is not the management port (the actuator listens only there)");
            }
        }));
        return violations;
    }

    /** Liveness must not depend on the database (a database outage would restart every replica). */
    static List<String> probeGroupViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.mainContainers().forEach((where, container) -> {
            Map<String, String> expected = Map.of("livenessProbe", LIVENESS, "readinessProbe", READINESS);
            probes(container).forEach((name, probe) -> {
                String path = probe == null || probe.getHttpGet() == null ? null : probe.getHttpGet().getPath();
                if (expected.containsKey(name) && path != null && !expected.get(name).equals(path)) {
                    violations.add(where + ": " + name + " must probe " + expected.get(name) + ", not " + path);
                }
            });
        });
        return violations;
    }

    static List<String> environmentViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.pods().forEach((owner, pod) -> {
            if (!Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
                violations.add(owner + ": enableServiceLinks must be false (no variables injected by Kubernetes)");
            }
        });
        rendered.containers().forEach((where, container) -> {
            if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
                violations.add(where + ": envFrom injects variables that cannot be checked; list them in env");
            }
            for (EnvVar variable : envOf(container)) {
                if (!APPLICATION_ENVIRONMENT.contains(variable.getName())) {
                    violations.add(where + ": " + variable.getName() + " is not read by the application");
                }
            }
        });
        return violations;
    }

    static List<String> secretReferenceViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.containers().forEach((where, container) -> {
            for (EnvVar variable : envOf(container)) {
                boolean fromSecret = variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null;
                if (SECRET_ENVIRONMENT.contains(variable.getName()) && (variable.getValue() != null || !fromSecret)) {
                    violations.add(where + ": " + variable.getName() + " must come from a Secret (secretKeyRef)");
                }
            }
        });
        return violations;
    }

    static List<String> secretDataViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        for (Secret secret : rendered.all(Secret.class)) {
            boolean data = secret.getData() != null && !secret.getData().isEmpty();
            boolean stringData = secret.getStringData() != null && !secret.getStringData().isEmpty();
            if (data || stringData) {
                violations.add("Secret/" + secret.getMetadata().getName()
                        + ": values in a manifest; create the Secret with kubectl (README, \"Secrets\")");
            }
        }
        return violations;
    }

    static List<String> replicaViolations(Rendered rendered, int expected) {
        List<String> violations = new ArrayList<>();
        List<Deployment> deployments = rendered.all(Deployment.class);
        if (deployments.isEmpty()) {
            violations.add("no Deployment");
        }
        for (Deployment deployment : deployments) {
            Integer replicas = deployment.getSpec().getReplicas();
            if (!Integer.valueOf(expected).equals(replicas)) {
                violations.add("Deployment/" + deployment.getMetadata().getName() + ": replicas " + replicas
                        + ", expected " + expected);
            }
        }
        return violations;
    }

    static List<String> scalingViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        List<Deployment> deployments = rendered.all(Deployment.class);
        List<HorizontalPodAutoscaler> autoscalers = rendered.all(HorizontalPodAutoscaler.class);
        List<PodDisruptionBudget> budgets = rendered.all(PodDisruptionBudget.class);
        for (HorizontalPodAutoscaler autoscaler : autoscalers) {
            var target = autoscaler.getSpec().getScaleTargetRef();
            boolean found = deployments.stream().anyMatch(d -> "Deployment".equals(target.getKind())
                    && "apps/v1".equals(target.getApiVersion()) && d.getMetadata().getName().equals(target.getName()));
            if (!found) {
                violations.add("HorizontalPodAutoscaler/" + autoscaler.getMetadata().getName() + ": targets "
                        + target.getKind() + "/" + target.getName() + ", which is not a Deployment here");
            }
        }
        for (PodDisruptionBudget budget : budgets) {
            if (deployments.stream().noneMatch(d -> selects(budget.getSpec().getSelector(), d))) {
                violations.add("PodDisruptionBudget/" + budget.getMetadata().getName() + ": selects no Deployment's pods");
            }
        }
        for (Deployment deployment : deployments) {
            String name = deployment.getMetadata().getName();
            if (autoscalers.stream().noneMatch(a -> name.equals(a.getSpec().getScaleTargetRef().getName()))) {
                violations.add("Deployment/" + name + ": no HorizontalPodAutoscaler");
            }
            if (budgets.stream().noneMatch(b -> selects(b.getSpec().getSelector(), deployment))) {
                violations.add("Deployment/" + name + ": no PodDisruptionBudget");
            }
        }
        return violations;
    }

    static List<String> shutdownViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.pods().forEach((owner, pod) -> {
            long grace = Objects.requireNonNullElse(pod.getTerminationGracePeriodSeconds(), 30L);
            if (grace < MINIMUM_GRACE_PERIOD_SECONDS) {
                violations.add(owner + ": terminationGracePeriodSeconds " + grace + " < " + MINIMUM_GRACE_PERIOD_SECONDS);
            }
            for (Container container : pod.getContainers()) {
                Lifecycle lifecycle = container.getLifecycle();
                if (lifecycle == null || lifecycle.getPreStop() == null) {
                    violations.add(owner + " container " + container.getName()
                            + ": no preStop (traffic would still arrive after SIGTERM)");
                    continue;
                }
                var sleep = lifecycle.getPreStop().getSleep();
                if (sleep != null && grace < sleep.getSeconds() + SHUTDOWN_PHASE_SECONDS) {
                    violations.add(owner + ": terminationGracePeriodSeconds " + grace + " < preStop "
                            + sleep.getSeconds() + " s + graceful shutdown " + SHUTDOWN_PHASE_SECONDS + " s");
                }
            }
        });
        return violations;
    }

    static List<String> databaseViolations(Rendered rendered, int instances) {
        List<String> violations = new ArrayList<>();
        List<GenericKubernetesResource> clusters = rendered.custom("postgresql.cnpg.io/v1", "Cluster");
        if (clusters.isEmpty()) {
            violations.add("no CloudNativePG Cluster");
        }
        for (GenericKubernetesResource cluster : clusters) {
            String where = "Cluster/" + cluster.getMetadata().getName();
            Object count = cluster.get("spec", "instances");
            if (!Integer.valueOf(instances).equals(count)) {
                violations.add(where + ": instances " + count + ", expected " + instances);
            }
            Map<String, Object> synchronous = cluster.get("spec", "postgresql", "synchronous");
            Object legacyMinimum = cluster.get("spec", "minSyncReplicas");
            boolean modern = synchronous != null && synchronous.get("number") instanceof Integer number && number >= 1
                    && Set.of("any", "first").contains(synchronous.get("method"))
                    && Set.of("required").contains(Objects.requireNonNullElse(synchronous.get("dataDurability"), "required"));
            boolean legacy = legacyMinimum instanceof Integer minimum && minimum >= 1;
            if (!modern && !legacy) {
                violations.add(where + ": no synchronous replication (spec.postgresql.synchronous: method any|first, "
                        + "number >= 1, dataDurability required)");
            }
        }
        return violations;
    }

    /**
     * Through PgBouncer in transaction mode, R2DBC must not cache named prepared statements (they live on a
     * server connection the next transaction may not get), and Flyway must not go through it at all (its
     * session-level advisory lock); Flyway goes to the cluster's read-write service.
     */
    static List<String> connectionViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        List<GenericKubernetesResource> poolers = rendered.custom("postgresql.cnpg.io/v1", "Pooler");
        Set<String> poolerNames = poolers.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> transactionPoolers = poolers.stream()
                .filter(p -> "transaction".equals(p.get("spec", "pgbouncer", "poolMode")))
                .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> readWriteServices = rendered.custom("postgresql.cnpg.io/v1", "Cluster").stream()
                .map(c -> c.getMetadata().getName() + "-rw").collect(Collectors.toSet());
        rendered.containers().forEach((where, container) -> {
            for (EnvVar variable : envOf(container)) {
                if (variable.getValue() == null) {
                    continue;
                }
                if (variable.getName().equals("SPRING_R2DBC_URL")) {
                    ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(variable.getValue());
                    String host = serviceName((String) options.getValue(ConnectionFactoryOptions.HOST));
                    Object cache = options.getValue(Option.valueOf("preparedStatementCacheQueries"));
                    if (transactionPoolers.contains(host) && !"0".equals(String.valueOf(cache))) {
                        violations.add(where + ": SPRING_R2DBC_URL goes through the transaction-mode Pooler " + host
                                + " without preparedStatementCacheQueries=0");
                    }
                }
                if (variable.getName().equals("SPRING_FLYWAY_URL")) {
                    String host = serviceName(URI.create(variable.getValue().substring("jdbc:".length())).getHost());
                    if (poolerNames.contains(host) || !readWriteServices.contains(host)) {
                        violations.add(where + ": Flyway must migrate through a Cluster's read-write service "
                                + readWriteServices + ", not " + host);
                    }
                }
            }
        });
        return violations;
    }

    static List<String> requiredValueViolations(Rendered rendered, Map<String, String> expected) {
        List<String> violations = new ArrayList<>();
        rendered.mainContainers().forEach((where, container) -> expected.forEach((name, value) -> {
            String actual = envOf(container).stream().filter(v -> v.getName().equals(name))
                    .map(EnvVar::getValue).findFirst().orElse(null);
            if (!value.equals(actual)) {
                violations.add(where + ": " + name + " is " + actual + ", expected " + value);
            }
        }));
        return violations;
    }

    static List<String> imageViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        rendered.containers().forEach((where, container) -> {
            String image = container.getImage();
            String lastPart = image.substring(image.lastIndexOf('/') + 1);
            boolean digest = image.contains("@sha256:");
            boolean tagged = lastPart.contains(":") && !lastPart.endsWith(":latest");
            if (!digest && !tagged) {
                violations.add(where + ": image " + image + " is not pinned to a version");
            }
        });
        return violations;
    }

    /**
     * The ConfigMap mounted at /app/config (generated: kustomize adds a hash of its content to its name) holds
     * exactly the given files' content.
     */
    static List<String> configMapViolations(Rendered rendered, Map<String, Path> expected) {
        List<String> violations = new ArrayList<>();
        Map<String, ConfigMap> configMaps = rendered.all(ConfigMap.class).stream()
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
        if (rendered.pods().isEmpty()) {
            violations.add("no workload mounts " + CONFIG_MAP);
        }
        rendered.pods().forEach((owner, pod) -> {
            VolumeMount mount = pod.getContainers().stream()
                    .flatMap(c -> Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of()).stream())
                    .filter(m -> CONFIG_MOUNT.equals(m.getMountPath())).findFirst().orElse(null);
            Volume volume = mount == null ? null : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of()).stream()
                    .filter(v -> v.getName().equals(mount.getName())).findFirst().orElse(null);
            if (volume == null || volume.getConfigMap() == null) {
                violations.add(owner + ": ConfigMap " + CONFIG_MAP + " not mounted at " + CONFIG_MOUNT);
                return;
            }
            String name = volume.getConfigMap().getName();
            ConfigMap configMap = configMaps.get(name);
            if (!(name.equals(CONFIG_MAP) || name.startsWith(CONFIG_MAP + "-")) || configMap == null) {
                violations.add(owner + ": mounts " + name + " at " + CONFIG_MOUNT + ", not a ConfigMap " + CONFIG_MAP + " of these manifests");
                return;
            }
            Map<String, String> data = Objects.requireNonNullElse(configMap.getData(), Map.of());
            expected.forEach((key, file) -> {
                if (!read(file).equals(data.get(key))) {
                    violations.add("ConfigMap/" + name + ": " + key + " differs from "
                            + PROJECT.relativize(file.toAbsolutePath()) + " (copy it again)");
                }
            });
        });
        return violations;
    }

    /**
     * The pods' management and operator ports are reached through no Service (and so no Ingress): every Service
     * port that selects the pods targets the public container port, and every Ingress backend is a Service port
     * of these manifests.
     */
    static List<String> exposureViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        List<Service> services = rendered.all(Service.class);
        for (Service service : services) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<Container> containers = rendered.all(Deployment.class).stream()
                    .filter(d -> selector != null && !selector.isEmpty()
                            && labels(d).entrySet().containsAll(selector.entrySet()))
                    .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()).toList();
            for (ServicePort port : Objects.requireNonNullElse(service.getSpec().getPorts(), List.<ServicePort>of())) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                for (Container container : containers) {
                    ContainerPort reached = containerPort(container, target);
                    if (reached != null && !HTTP.equals(reached.getName())) {
                        violations.add("Service/" + service.getMetadata().getName() + " port " + port.getPort()
                                + " exposes the container port " + reached.getName() + " (only " + HTTP + " may be exposed)");
                    }
                }
            }
        }
        for (Ingress ingress : rendered.all(Ingress.class)) {
            List<IngressBackend> backends = new ArrayList<>();
            if (ingress.getSpec().getDefaultBackend() != null) {
                backends.add(ingress.getSpec().getDefaultBackend());
            }
            for (IngressRule rule : Objects.requireNonNullElse(ingress.getSpec().getRules(), List.<IngressRule>of())) {
                if (rule.getHttp() != null) {
                    rule.getHttp().getPaths().forEach(path -> backends.add(path.getBackend()));
                }
            }
            for (IngressBackend backend : backends) {
                IngressServiceBackend target = backend.getService();
                String where = "Ingress/" + ingress.getMetadata().getName();
                Service service = target == null ? null : services.stream()
                        .filter(s -> s.getMetadata().getName().equals(target.getName())).findFirst().orElse(null);
                if (service == null) {
                    violations.add(where + ": backend " + (target == null ? "(not a Service)" : "Service " + target.getName())
                            + " is not a Service of these manifests");
                    continue;
                }
                boolean known = service.getSpec().getPorts().stream().anyMatch(p -> target.getPort() != null
                        && (Objects.equals(p.getName(), target.getPort().getName())
                        || Objects.equals(p.getPort(), target.getPort().getNumber())));
                if (!known) {
                    violations.add(where + ": backend port of Service " + target.getName() + " is not one of its ports");
                }
            }
        }
        return violations;
    }

    /**
     * Every NetworkPolicy rule that lets traffic into the pods names its ports; the management port is admitted
     * from the namespace {@value #MONITORING_NAMESPACE} only (Prometheus), and the operator port from no one
     * (operators use {@code kubectl port-forward}, which NetworkPolicy does not see). Pods that no policy
     * restricts are a violation too.
     */
    static List<String> networkPolicyViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        List<NetworkPolicy> policies = rendered.all(NetworkPolicy.class);
        for (Deployment deployment : rendered.all(Deployment.class)) {
            List<NetworkPolicy> selecting = policies.stream()
                    .filter(p -> selectsLabels(p.getSpec().getPodSelector(), labels(deployment)))
                    .filter(p -> p.getSpec().getPolicyTypes() == null || p.getSpec().getPolicyTypes().isEmpty()
                            || p.getSpec().getPolicyTypes().contains("Ingress"))
                    .toList();
            if (selecting.isEmpty()) {
                violations.add("Deployment/" + deployment.getMetadata().getName()
                        + ": no NetworkPolicy restricts who reaches its pods");
            }
            List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
            for (NetworkPolicy policy : selecting) {
                List<NetworkPolicyIngressRule> rules =
                        Objects.requireNonNullElse(policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of());
                for (int i = 0; i < rules.size(); i++) {
                    NetworkPolicyIngressRule rule = rules.get(i);
                    String where = "NetworkPolicy/" + policy.getMetadata().getName() + " ingress rule " + (i + 1);
                    List<NetworkPolicyPort> ports = Objects.requireNonNullElse(rule.getPorts(), List.<NetworkPolicyPort>of());
                    if (ports.isEmpty() || ports.stream().anyMatch(p -> p.getPort() == null)) {
                        violations.add(where + ": admits every port (the management and operator ports with them); list them");
                        continue;
                    }
                    Set<String> admitted = new TreeSet<>();
                    for (NetworkPolicyPort port : ports) {
                        for (Container container : containers) {
                            for (ContainerPort containerPort : Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of())) {
                                if (covers(port, containerPort) && containerPort.getName() != null) {
                                    admitted.add(containerPort.getName());
                                }
                            }
                        }
                    }
                    if (admitted.contains(OPERATOR)) {
                        violations.add(where + ": admits the operator port (operators use kubectl port-forward)");
                    }
                    if (admitted.contains(MANAGEMENT) && !onlyFromMonitoring(rule.getFrom())) {
                        violations.add(where + ": admits the management port from others than the namespace "
                                + MONITORING_NAMESPACE);
                    }
                }
            }
        }
        return violations;
    }

    /** Prometheus scrapes the pods' management port, on the actuator's path (prometheus.io/* annotations). */
    static List<String> scrapeViolations(Rendered rendered) {
        List<String> violations = new ArrayList<>();
        for (Deployment deployment : rendered.all(Deployment.class)) {
            String where = "Deployment/" + deployment.getMetadata().getName();
            Map<String, String> annotations = Objects.requireNonNullElse(
                    deployment.getSpec().getTemplate().getMetadata().getAnnotations(), Map.of());
            Integer management = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream())
                    .filter(p -> MANAGEMENT.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(null);
            if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
                violations.add(where + ": metrics not scraped (prometheus.io/scrape)");
            }
            if (management == null || !String.valueOf(management).equals(annotations.get("prometheus.io/port"))) {
                violations.add(where + ": Prometheus scrapes port " + annotations.get("prometheus.io/port")
                        + ", not the management port " + management);
            }
            if (!"/actuator/prometheus".equals(annotations.get("prometheus.io/path"))) {
                violations.add(where + ": Prometheus scrapes " + annotations.get("prometheus.io/path")
                        + ", not /actuator/prometheus");
            }
        }
        return violations;
    }

    /**
     * The named container ports are the ports the application listens on: {@link #PORT_VARIABLES} when the
     * container sets them, the defaults of config/application.yml otherwise ({@code defaults}, by port name).
     */
    static List<String> portViolations(Rendered rendered, Map<String, Integer> defaults) {
        List<String> violations = new ArrayList<>();
        rendered.mainContainers().forEach((where, container) -> {
            for (String name : List.of(HTTP, MANAGEMENT, OPERATOR)) {
                String variable = PORT_VARIABLES.get(name);
                String value = envOf(container).stream().filter(v -> v.getName().equals(variable)).map(EnvVar::getValue)
                        .filter(Objects::nonNull).findFirst().orElse(null);
                int expected = value != null ? Integer.parseInt(value) : defaults.get(name);
                ContainerPort port = Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of()).stream()
                        .filter(p -> name.equals(p.getName())).findFirst().orElse(null);
                if (port == null) {
                    if (!OPERATOR.equals(name)) {
                        violations.add(where + ": no container port named " + name);
                    }
                } else if (port.getContainerPort() != expected) {
                    violations.add(where + ": container port " + name + " is " + port.getContainerPort()
                            + " but the application listens on " + expected + " ("
                            + (value != null ? variable : PORT_PROPERTIES.get(name) + " in config/application.yml") + ")");
                }
            }
        });
        return violations;
    }

    /**
     * The IDP_* variables that Spring Boot's relaxed binding maps to none of the known properties (so the
     * application would never see them).
     */
    static List<String> unmappedVariables(Set<String> variables, Set<String> knownProperties) {
        List<String> unmapped = new ArrayList<>();
        for (String variable : new TreeSet<>(variables)) {
            if (!variable.startsWith("IDP_")) {
                continue;
            }
            StandardEnvironment environment = new StandardEnvironment();
            MutablePropertySources sources = environment.getPropertySources();
            sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
            sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
            sources.addFirst(new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "bound")));
            ConfigurationPropertySources.attach(environment);
            if (knownProperties.stream().noneMatch(p -> "bound".equals(environment.getProperty(p)))) {
                unmapped.add(variable);
            }
        }
        return unmapped;
    }

    /** Files under {@code k8s} that no kustomization reads (a manifest that would never be applied). */
    static List<String> unusedFiles(Path k8s, Set<Path> read) {
        try (Stream<Path> files = Files.walk(k8s)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.toAbsolutePath().normalize())
                    .filter(p -> !read.contains(p))
                    .map(p -> k8s.relativize(p) + " is used by no kustomization")
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Reading

    /** Rendered manifests in fabric8's typed model (GenericKubernetesResource for custom resources). */
    record Rendered(List<HasMetadata> resources) {

        static Rendered of(List<Map<String, Object>> documents) {
            return new Rendered(documents.stream()
                    .map(d -> (HasMetadata) SERIALIZATION.convertValue(d, KubernetesResource.class))
                    .toList());
        }

        <T> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<GenericKubernetesResource> custom(String apiVersion, String kind) {
            return all(GenericKubernetesResource.class).stream()
                    .filter(r -> apiVersion.equals(r.getApiVersion()) && kind.equals(r.getKind())).toList();
        }

        /** The pod templates of every workload, by "Kind/name". */
        Map<String, PodSpec> pods() {
            Map<String, PodSpec> pods = new LinkedHashMap<>();
            for (HasMetadata resource : resources) {
                PodSpec spec = null;
                if (resource instanceof Deployment d) {
                    spec = d.getSpec().getTemplate().getSpec();
                } else if (resource instanceof StatefulSet s) {
                    spec = s.getSpec().getTemplate().getSpec();
                } else if (resource instanceof DaemonSet d) {
                    spec = d.getSpec().getTemplate().getSpec();
                } else if (resource instanceof ReplicaSet r) {
                    spec = r.getSpec().getTemplate().getSpec();
                } else if (resource instanceof Job j) {
                    spec = j.getSpec().getTemplate().getSpec();
                } else if (resource instanceof CronJob c) {
                    spec = c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
                } else if (resource instanceof Pod p) {
                    spec = p.getSpec();
                }
                if (spec != null) {
                    pods.put(resource.getKind() + "/" + resource.getMetadata().getName(), spec);
                }
            }
            return pods;
        }

        /** Every container, init containers included, by "Kind/name container name". */
        Map<String, Container> containers() {
            Map<String, Container> containers = new LinkedHashMap<>();
            pods().forEach((owner, pod) -> containersOf(pod)
                    .forEach(c -> containers.put(owner + " container " + c.getName(), c)));
            return containers;
        }

        /** The long-running containers (init containers left out). */
        Map<String, Container> mainContainers() {
            Map<String, Container> containers = new LinkedHashMap<>();
            pods().forEach((owner, pod) -> pod.getContainers()
                    .forEach(c -> containers.put(owner + " container " + c.getName(), c)));
            return containers;
        }
    }

    static Rendered render(String kustomization) {
        return Rendered.of(KubectlKustomize.build(K8S.resolve(kustomization)));
    }

    /** The ports config/application.yml sets, by container port name. */
    static Map<String, Integer> configuredPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        PORT_PROPERTIES.forEach((name, property) -> ports.put(name,
                Integer.valueOf(String.valueOf(propertyValue(CONFIG.resolve("application.yml"), property)))));
        return ports;
    }

    /**
     * The files a kustomization reads: itself, its resources (directories recursively), its patches and the files
     * of its generators. Not a renderer: kustomize itself fails on a reference that does not resolve.
     */
    @SuppressWarnings("unchecked")
    static Set<Path> referencedFiles(Path dir) {
        Set<Path> files = new LinkedHashSet<>();
        Path file = dir.resolve("kustomization.yaml");
        files.add(file.toAbsolutePath().normalize());
        Map<String, Object> kustomization = KubectlKustomize.parse(read(file)).get(0);
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = dir.resolve(String.valueOf(entry)).toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                files.addAll(referencedFiles(path));
            } else {
                files.add(path);
            }
        }
        for (Object patch : list(kustomization.get("patches"))) {
            if (patch instanceof Map<?, ?> map && map.get("path") != null) {
                files.add(dir.resolve(String.valueOf(map.get("path"))).toAbsolutePath().normalize());
            }
        }
        for (String generators : List.of("configMapGenerator", "secretGenerator")) {
            for (Object generator : list(kustomization.get(generators))) {
                Map<String, Object> map = (Map<String, Object>) generator;
                List<Object> sources = new ArrayList<>(list(map.get("files")));
                sources.addAll(list(map.get("envs")));
                for (Object source : sources) {
                    String name = String.valueOf(source);
                    files.add(dir.resolve(name.substring(name.indexOf('=') + 1)).toAbsolutePath().normalize());
                }
            }
        }
        return files;
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    /** The directories of k8s/ that hold a kustomization. */
    static List<Path> kustomizations(Path k8s) {
        try (Stream<Path> files = Files.walk(k8s)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The property names a YAML configuration file sets (nested keys joined by dots). */
    @SuppressWarnings("unchecked")
    static Set<String> propertyNames(Path yaml) {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Object> document : KubectlKustomize.parse(read(yaml))) {
            collect("", document, names);
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static void collect(String prefix, Map<String, Object> map, Set<String> names) {
        map.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            names.add(name);
            if (value instanceof Map<?, ?> nested) {
                collect(name, (Map<String, Object>) nested, names);
            }
        });
    }

    private static List<Container> containersOf(PodSpec pod) {
        List<Container> containers = new ArrayList<>(Objects.requireNonNullElse(pod.getInitContainers(), List.of()));
        containers.addAll(pod.getContainers());
        return containers;
    }

    private static List<EnvVar> envOf(Container container) {
        return Objects.requireNonNullElse(container.getEnv(), List.of());
    }

    private static Map<String, Probe> probes(Container container) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startupProbe", container.getStartupProbe());
        probes.put("livenessProbe", container.getLivenessProbe());
        probes.put("readinessProbe", container.getReadinessProbe());
        return probes;
    }

    /** The container port a probe, a Service or a NetworkPolicy designates (by name or number), or null. */
    private static ContainerPort containerPort(Container container, IntOrString port) {
        if (port == null) {
            return null;
        }
        return Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of()).stream()
                .filter(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort())
                        : port.getStrVal().equals(p.getName()))
                .findFirst().orElse(null);
    }

    /** Whether a NetworkPolicy port (a name, a number or a range up to endPort) admits this container port. */
    private static boolean covers(NetworkPolicyPort rule, ContainerPort port) {
        IntOrString admitted = rule.getPort();
        if (admitted.getIntVal() == null) {
            return admitted.getStrVal().equals(port.getName());
        }
        int last = rule.getEndPort() != null ? rule.getEndPort() : admitted.getIntVal();
        return port.getContainerPort() >= admitted.getIntVal() && port.getContainerPort() <= last;
    }

    private static boolean onlyFromMonitoring(List<NetworkPolicyPeer> from) {
        return from != null && !from.isEmpty() && from.stream().allMatch(peer -> peer.getIpBlock() == null
                && peer.getNamespaceSelector() != null && peer.getNamespaceSelector().getMatchLabels() != null
                && MONITORING_NAMESPACE.equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")));
    }

    private static Map<String, String> labels(Deployment deployment) {
        return Objects.requireNonNullElse(deployment.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
    }

    /** A pod selector selects these labels; an empty one selects every pod, expressions are assumed to match. */
    private static boolean selectsLabels(LabelSelector selector, Map<String, String> labels) {
        return selector == null || selector.getMatchLabels() == null
                || labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    /** The value of a dotted property in a YAML configuration file (nested keys), or null. */
    @SuppressWarnings("unchecked")
    static Object propertyValue(Path yaml, String property) {
        Object node = KubectlKustomize.parse(read(yaml)).get(0);
        for (String key : property.split("\\.")) {
            node = node instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(key) : null;
        }
        return node;
    }

    private static String portText(IntOrString port) {
        return port == null ? "(none)" : port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }

    private static boolean selects(LabelSelector selector, Deployment deployment) {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        return selector != null && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
                && selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
                && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    /** "db-pooler-rw.ns.svc.cluster.local" → "db-pooler-rw". */
    private static String serviceName(String host) {
        return host == null ? null : host.split("\\.", 2)[0];
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
