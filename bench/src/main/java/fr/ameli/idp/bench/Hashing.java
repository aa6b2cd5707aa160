package fr.ameli.idp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The CPU of one password check, measured apart: Argon2id with each server's parameters and implementation (the
 * product: the reference C implementation through argon2-jvm, as its Argon2idEncoder; Keycloak: Bouncy Castle) on one
 * thread of this JVM. A fresh login's CPU minus this is what the server spends on the rest of the flow.
 */
final class Hashing {

    /** The product's PasswordHasher: OWASP's minimum, computed by the reference C implementation. */
    static final Parameters PRODUCT = new Parameters("Argon2id, 19 MiB, 2 passes, 1 lane, C", 19 * 1024, 2, 1, true);
    /** Keycloak 26's default password hashing provider (argon2): memory 7168 KiB, 5 iterations, parallelism 1. */
    static final Parameters KEYCLOAK = new Parameters("Argon2id, 7 MiB, 5 passes, 1 lane, Bouncy Castle", 7168, 5, 1, false);

    record Parameters(String label, int memoryKiB, int iterations, int parallelism, boolean reference) {
    }

    private static final de.mkammerer.argon2.Argon2Advanced C =
            de.mkammerer.argon2.Argon2Factory.createAdvanced(de.mkammerer.argon2.Argon2Factory.Argon2Types.ARGON2id);

    private Hashing() {
    }

    /** CPU milliseconds of one hash: the mean of {@code n} runs after {@code n} warm-up runs. */
    static double cpuMillisPerHash(Parameters p, int n) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < n; i++) {
            hash(p);
        }
        long before = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            hash(p);
        }
        return (threads.getCurrentThreadCpuTime() - before) / 1e6 / n;
    }

    private static byte[] hash(Parameters p) {
        byte[] salt = new byte[16];
        if (p.reference()) {
            return C.rawHashAdvanced(p.iterations(), p.memoryKiB(), p.parallelism(),
                    "Ameli-Demo-2026".getBytes(StandardCharsets.UTF_8), salt, null, null, 32,
                    de.mkammerer.argon2.Argon2Version.V13);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism())
                .build());
        byte[] out = new byte[32];
        generator.generateBytes("Ameli-Demo-2026".getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
