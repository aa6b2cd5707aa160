package fr.ameli.idp.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id (RFC 9106) in the PHC string format that Spring Security's {@code Argon2PasswordEncoder} writes and reads
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded Base64), so every stored hash stays valid either
 * way. The hash is computed by the reference C implementation (libargon2, bundled for Linux, macOS and Windows by
 * argon2-jvm, called through JNA) when it loads, else by Bouncy Castle in Java. Same function, same bytes
 * ({@code Argon2idEncoderTests}); the C code cost a quarter to a third of the Java one's CPU in a side-by-side timing
 * (bench/LOG.md): the strength of a hash is its parameters, and an attacker uses the fastest code anyway.
 *
 * <p>Blocking and CPU-bound: call it only on the hashing scheduler ({@link PasswordHasher}).
 */
public final class Argon2idEncoder implements PasswordEncoder {

    private static final Logger log = LoggerFactory.getLogger(Argon2idEncoder.class);
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    /** Cost parameters: memory in KiB, passes, lanes. */
    public record Parameters(int memoryKiB, int iterations, int parallelism) {

        /** OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
        public static final Parameters OWASP_MINIMUM = new Parameters(19 * 1024, 2, 1);

        boolean weakerThan(Parameters other) {
            return memoryKiB < other.memoryKiB || iterations < other.iterations;
        }
    }

    private final Parameters parameters;
    private final @Nullable NativeArgon2 reference;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param concurrentHashes how many hashes run at once (the hashing threads): the C implementation keeps that many
     *                         blocks of working memory between hashes ({@link NativeArgon2})
     */
    public Argon2idEncoder(Parameters parameters, int concurrentHashes) {
        this(parameters, concurrentHashes, true);
    }

    Argon2idEncoder(Parameters parameters, int concurrentHashes, boolean nativeIfAvailable) {
        this.parameters = parameters;
        this.reference = nativeIfAvailable ? loadReference(parameters, concurrentHashes) : null;
    }

    private static @Nullable NativeArgon2 loadReference(Parameters parameters, int concurrentHashes) {
        try {
            return new NativeArgon2(parameters.memoryKiB(), concurrentHashes); // loads the library now, not at a login
        } catch (LinkageError | RuntimeException e) {
            log.warn("Argon2id: the native library did not load on this platform ({}); hashing in Java (Bouncy Castle)",
                    e.toString());
            return null;
        }
    }

    /** Whether hashes are computed by the C implementation (false: Bouncy Castle). */
    public boolean isNative() {
        return reference != null;
    }

    @Override
    public String encode(@Nullable CharSequence rawPassword) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = hash(bytes(rawPassword), salt, parameters, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p="
                + parameters.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    @Override
    public boolean matches(@Nullable CharSequence rawPassword, @Nullable String encodedPassword) {
        Stored stored = Stored.parse(encodedPassword);
        if (stored == null) {
            return false;
        }
        byte[] computed = hash(bytes(rawPassword), stored.salt(), stored.parameters(), stored.hash().length);
        return MessageDigest.isEqual(computed, stored.hash());
    }

    /** True when the stored hash was made with weaker parameters than today's (rehash it at the next login). */
    @Override
    public boolean upgradeEncoding(@Nullable String encodedPassword) {
        Stored stored = Stored.parse(encodedPassword);
        return stored == null || stored.parameters().weakerThan(parameters);
    }

    private byte[] hash(byte[] password, byte[] salt, Parameters p, int length) {
        if (reference != null) {
            return reference.hash(password, salt, p.memoryKiB(), p.iterations(), p.parallelism(), length);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism())
                .withSalt(salt).build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] bytes(@Nullable CharSequence raw) {
        return raw == null ? new byte[0] : raw.toString().getBytes(StandardCharsets.UTF_8);
    }

    private record Stored(Parameters parameters, byte[] salt, byte[] hash) {

        static @Nullable Stored parse(@Nullable String encoded) {
            if (encoded == null) {
                return null;
            }
            Matcher m = PHC.matcher(encoded);
            if (!m.matches()) {
                return null;
            }
            Parameters p = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            // Bounds of RFC 9106 (memory at least 8 KiB per lane), and no more than 1 GiB: a stored value is data.
            if (p.parallelism() < 1 || p.iterations() < 1 || p.memoryKiB() < 8 * p.parallelism() || p.memoryKiB() > 1 << 20) {
                return null;
            }
            try {
                return new Stored(p, Base64.getDecoder().decode(m.group(4)), Base64.getDecoder().decode(m.group(5)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
