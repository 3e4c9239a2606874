package dev.sluice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.springframework.util.FileSystemUtils;

/**
 * A directory laid out as the kubelet lays out a mounted ConfigMap (its AtomicWriter), and updated as it updates one:
 * the files live in a hidden {@code ..<timestamp>} directory, {@code ..data} is a symbolic link to it, and each
 * top-level name is a symbolic link into {@code ..data}. An update writes a new timestamped directory, points a new
 * {@code ..data_tmp} link at it, renames that over {@code ..data} (the one atomic step), then deletes the old
 * directory. No file the application opened by its path is ever written in place.
 */
final class ConfigMapVolume {

    private final Path root;
    private int version;

    private ConfigMapVolume(Path root) {
        this.root = root;
    }

    /** The files (relative path: content) mounted at root. */
    static ConfigMapVolume mount(Path root, Map<String, String> files) throws IOException {
        FileSystemUtils.deleteRecursively(root);
        Files.createDirectories(root);
        ConfigMapVolume volume = new ConfigMapVolume(root);
        volume.update(files);
        return volume;
    }

    Path root() {
        return root;
    }

    /** The kubelet's update: the whole new content appears at once under every top-level name. */
    void update(Map<String, String> files) throws IOException {
        Path previous = Files.exists(root.resolve("..data")) ? root.resolve(Files.readSymbolicLink(root.resolve("..data"))) : null;
        Path next = root.resolve(String.format("..2026_12_06_00_00_%02d.%d", ++version, ProcessHandle.current().pid()));
        Set<String> topLevel = new TreeSet<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = next.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
            topLevel.add(Path.of(file.getKey()).getName(0).toString());
        }
        Path swap = root.resolve("..data_tmp");
        Files.deleteIfExists(swap);
        Files.createSymbolicLink(swap, next.getFileName());
        Files.move(swap, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : topLevel) {
            if (!Files.isSymbolicLink(root.resolve(name))) {
                Files.createSymbolicLink(root.resolve(name), Path.of("..data", name));
            }
        }
        if (previous != null) {
            FileSystemUtils.deleteRecursively(previous);
        }
    }

    /**
     * routes-yaml/ as the sluice-routes ConfigMap carries it, every file but the kustomization, at the paths the
     * Deployment mounts them: under routes-yaml/ (SLUICE_ROUTES_DIR is ROOT/routes-yaml).
     */
    static Map<String, String> shippedRoutes() throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(DeployInvariants.ROUTES)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String path = DeployInvariants.ROUTES.relativize(file).toString();
                if (!path.equals("kustomization.yaml")) {
                    files.put("routes-yaml/" + path, Files.readString(file));
                }
            }
        }
        return files;
    }
}
