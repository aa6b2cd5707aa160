package fr.ameli.idp.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The subset of {@code kustomize build} that {@code k8s/} uses, so that the tests check what an overlay
 * renders without kubectl: resources (files and directories), {@code configMapGenerator} (files,
 * {@code behavior: merge}), {@code patches} by path (strategic merge: maps merged, lists of named items
 * merged by name, other lists replaced, {@code null} removes a field), {@code images} and {@code namespace}.
 * Anything else in a kustomization fails, so a feature this class does not render is never silently skipped.
 * Generated ConfigMaps keep their plain name (kustomize adds a content hash and rewrites the references).
 */
final class Kustomize {

    private static final Set<String> KNOWN_KEYS =
            Set.of("apiVersion", "kind", "resources", "namespace", "images", "configMapGenerator", "patches");

    /** Every file read while rendering, to find files under k8s/ that no kustomization uses. */
    private final Set<Path> read = new LinkedHashSet<>();

    Set<Path> filesRead() {
        return read;
    }

    /** Renders the kustomization in {@code dir}: the resources as YAML maps, in order. */
    List<Map<String, Object>> build(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        Map<String, Object> kustomization = only(loadAll(file), file);
        for (String key : kustomization.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not rendered by the tests' Kustomize");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (String entry : strings(kustomization.get("resources"))) {
            Path path = dir.resolve(entry).normalize();
            if (Files.isDirectory(path)) {
                resources.addAll(build(path));
            } else {
                resources.addAll(loadAll(path));
            }
        }
        for (Map<String, Object> generator : maps(kustomization.get("configMapGenerator"))) {
            generateConfigMap(dir, generator, resources);
        }
        for (Map<String, Object> patch : maps(kustomization.get("patches"))) {
            if (patch.keySet().size() != 1 || !patch.containsKey("path")) {
                throw new IllegalArgumentException(file + ": only patches given by 'path' are rendered: " + patch);
            }
            Path path = dir.resolve((String) patch.get("path"));
            for (Map<String, Object> document : loadAll(path)) {
                Map<String, Object> target = resources.stream()
                        .filter(r -> Objects.equals(r.get("kind"), document.get("kind"))
                                && Objects.equals(name(r), name(document)))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(
                                path + ": patch of " + document.get("kind") + " " + name(document) + " matches no resource"));
                merge(target, document);
            }
        }
        for (Map<String, Object> image : maps(kustomization.get("images"))) {
            for (Map<String, Object> resource : resources) {
                setImage(resource, (String) image.get("name"), (String) image.get("newName"), (String) image.get("newTag"));
            }
        }
        Object namespace = kustomization.get("namespace");
        if (namespace != null) {
            for (Map<String, Object> resource : resources) {
                if (!"Namespace".equals(resource.get("kind"))) {
                    metadata(resource).put("namespace", namespace);
                }
            }
        }
        return resources;
    }

    /** The YAML documents of a file, empty documents left out. */
    List<Map<String, Object>> loadAll(Path file) {
        read.add(file.toAbsolutePath().normalize());
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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

    private void generateConfigMap(Path dir, Map<String, Object> generator, List<Map<String, Object>> resources) {
        for (String key : generator.keySet()) {
            if (!Set.of("name", "behavior", "files").contains(key)) {
                throw new IllegalArgumentException(dir + ": configMapGenerator '" + key + "' is not rendered");
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (String entry : strings(generator.get("files"))) {
            Path path = dir.resolve(entry);
            read.add(path.toAbsolutePath().normalize());
            try {
                data.put(path.getFileName().toString(), Files.readString(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String name = (String) generator.get("name");
        if ("merge".equals(generator.get("behavior"))) {
            Map<String, Object> existing = resources.stream()
                    .filter(r -> "ConfigMap".equals(r.get("kind")) && name.equals(name(r)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(dir + ": no ConfigMap " + name + " to merge into"));
            merge(existing, Map.of("data", data));
            return;
        }
        Map<String, Object> configMap = new LinkedHashMap<>();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        configMap.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        configMap.put("data", data);
        resources.add(configMap);
    }

    /** Strategic merge, as far as k8s/ needs it. */
    @SuppressWarnings("unchecked")
    static Object merge(Object target, Object patch) {
        if (patch instanceof Map<?, ?> patchMap && patchMap.containsKey("$patch")) {
            throw new IllegalArgumentException("$patch directives are not rendered: " + patch);
        }
        if (target instanceof Map<?, ?> && patch instanceof Map<?, ?>) {
            Map<String, Object> into = (Map<String, Object>) target;
            ((Map<String, Object>) patch).forEach((key, value) -> {
                if (value == null) {
                    into.remove(key);
                } else if (into.containsKey(key)) {
                    into.put(key, merge(into.get(key), value));
                } else {
                    into.put(key, value);
                }
            });
            return into;
        }
        if (target instanceof List<?> targetList && patch instanceof List<?> patchList
                && named(targetList) && named(patchList)) {
            List<Object> into = (List<Object>) targetList;
            for (Object item : patchList) {
                Object itemName = ((Map<?, ?>) item).get("name");
                into.stream()
                        .filter(existing -> itemName.equals(((Map<?, ?>) existing).get("name")))
                        .findFirst()
                        .ifPresentOrElse(existing -> merge(existing, item), () -> into.add(item));
            }
            return into;
        }
        return patch;
    }

    private static boolean named(List<?> list) {
        return !list.isEmpty() && list.stream().allMatch(item -> item instanceof Map<?, ?> map && map.get("name") != null);
    }

    @SuppressWarnings("unchecked")
    private static void setImage(Map<String, Object> resource, String name, String newName, String newTag) {
        Object spec = resource.get("spec");
        if (!(spec instanceof Map<?, ?> specMap) || !(specMap.get("template") instanceof Map<?, ?> template)
                || !(template.get("spec") instanceof Map<?, ?> podSpec)) {
            return;
        }
        for (String list : List.of("containers", "initContainers")) {
            for (Map<String, Object> container : maps(podSpec.get(list))) {
                String image = (String) container.get("image");
                if (image == null) {
                    continue;
                }
                String imageName = image.split("[:@]", 2)[0];
                if (imageName.equals(name)) {
                    container.put("image", (newName != null ? newName : name) + (newTag != null ? ":" + newTag : ""));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> resource) {
        return (Map<String, Object>) resource.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    }

    static String name(Map<String, Object> resource) {
        return (String) metadata(resource).get("name");
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static Map<String, Object> only(List<Map<String, Object>> documents, Path file) {
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one document, found " + documents.size());
        }
        return documents.get(0);
    }
}
