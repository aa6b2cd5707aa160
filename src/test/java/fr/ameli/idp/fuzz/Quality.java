package fr.ameli.idp.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Figures of the quality tests: printed, and written under {@code target/quality/} (kept as CI artifacts). */
public final class Quality {

    private Quality() {
    }

    public static void write(String file, String text) {
        System.out.println(text);
        try {
            Path dir = Path.of("target", "quality");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
