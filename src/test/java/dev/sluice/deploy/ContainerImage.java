package dev.sluice.deploy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** The image Jib writes (target/jib-image.tar, docker-archive format): its configuration and its files, layer by layer. */
final class ContainerImage {

    static final Path TAR = Path.of("target", "jib-image.tar");

    private final JsonNode config;
    /** Every path in the image (no leading slash), with its content for regular files under app/routes-yaml/. */
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private ContainerImage(JsonNode config) {
        this.config = config;
    }

    static ContainerImage read() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, byte[]> outer = outerEntries(name -> name.endsWith(".json"));
        JsonNode manifest = json.readTree(outer.get("manifest.json")).get(0);
        ContainerImage image = new ContainerImage(json.readTree(outer.get(manifest.path("Config").asText())));
        for (JsonNode layer : manifest.path("Layers")) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(TAR))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    if (entry.getName().equals(layer.asText())) {
                        image.files.putAll(entries(layerStream(tar), name -> name.startsWith("app/routes-yaml/")));
                        break;
                    }
                }
            }
        }
        return image;
    }

    JsonNode config() {
        return config.path("config");
    }

    Set<String> paths() {
        return files.keySet();
    }

    byte[] content(String path) {
        return files.get(path);
    }

    /** Unpacks every layer into a directory, with modes and symbolic links, as a container runtime would. */
    static void unpack(Path root) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest = json.readTree(outerEntries(name -> name.equals("manifest.json")).get("manifest.json")).get(0);
        for (JsonNode layer : manifest.path("Layers")) {
            try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(TAR))) {
                for (TarArchiveEntry entry = outer.getNextEntry(); entry != null; entry = outer.getNextEntry()) {
                    if (entry.getName().equals(layer.asText())) {
                        extract(layerStream(outer), root);
                        break;
                    }
                }
            }
        }
    }

    private static void extract(TarArchiveInputStream tar, Path root) throws IOException {
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            Path target = root.resolve(entry.getName()).normalize();
            if (!target.startsWith(root)) {
                throw new IOException("layer entry outside the root: " + entry.getName());
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                continue;
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    private static Map<String, byte[]> outerEntries(java.util.function.Predicate<String> keep) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(TAR))) {
            return entries(tar, keep);
        }
    }

    /** The entries of a tar stream: every name, and the bytes of regular files the filter keeps. */
    private static Map<String, byte[]> entries(TarArchiveInputStream tar, java.util.function.Predicate<String> keep) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            entries.put(name, entry.isFile() && keep.test(name) ? tar.readAllBytes() : null);
        }
        return entries;
    }

    /** A layer is a tar, gzipped or not. */
    private static TarArchiveInputStream layerStream(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        return new TarArchiveInputStream(gzip ? new GZIPInputStream(buffered) : buffered);
    }

    static List<String> entrypoint(JsonNode config) {
        return new ObjectMapper().convertValue(config.path("Entrypoint"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
    }
}
