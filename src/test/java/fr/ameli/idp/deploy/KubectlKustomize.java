package fr.ameli.idp.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization with the real kustomize: {@code kubectl kustomize DIR} (kubectl 1.27+ embeds kustomize
 * v5), or a standalone {@code kustomize build DIR}. The tool is {@code $KUBECTL} or {@code $KUSTOMIZE} when set,
 * else {@code kubectl}, else {@code kustomize} on the PATH. CI installs kubectl when it is missing ({@code .ci/run});
 * on a developer machine without either, the rendering tests are skipped with that message, never passed.
 */
final class KubectlKustomize {

    private static final Map<Path, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    private KubectlKustomize() {
    }

    /** The resources {@code dir} renders to, as YAML maps in kustomize's order (rendered once per JVM). */
    static List<Map<String, Object>> build(Path dir) {
        List<String> command = command().orElse(null);
        if (command == null) {
            String message = "neither kubectl nor kustomize is on the PATH: install kubectl (.ci/run shows how) to check "
                    + "what k8s/ renders";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> run(command, d));
    }

    private static List<Map<String, Object>> run(List<String> command, Path dir) {
        List<String> full = new ArrayList<>(command);
        full.add(dir.toString());
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(full).redirectError(errors.toFile()).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", full) + " failed: " + Files.readString(errors));
                }
                return parse(out);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<List<String>> command() {
        String kubectl = System.getenv("KUBECTL");
        if (kubectl != null && !kubectl.isBlank()) {
            return Optional.of(List.of(kubectl, "kustomize"));
        }
        String kustomize = System.getenv("KUSTOMIZE");
        if (kustomize != null && !kustomize.isBlank()) {
            return Optional.of(List.of(kustomize, "build"));
        }
        return onPath("kubectl").map(k -> List.of(k.toString(), "kustomize"))
                .or(() -> onPath("kustomize").map(k -> List.of(k.toString(), "build")));
    }

    private static Optional<Path> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    /** The documents of a multi-document YAML stream (empty documents left out). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }
}
