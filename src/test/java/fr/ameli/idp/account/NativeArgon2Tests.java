package fr.ameli.idp.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** libargon2 with pooled working memory: the same bytes as the library's own entry point, at most N blocks kept. */
class NativeArgon2Tests {

    static final byte[] SALT = "sel-de-16-octets".getBytes(StandardCharsets.US_ASCII);

    final Argon2Advanced library = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);

    @Test
    void hashWhenPooledMemoryThenSameBytesAsTheLibrarysOwnAllocation() {
        NativeArgon2 pooled = new NativeArgon2(1024, 2);
        for (int i = 0; i < 5; i++) { // reused blocks hold the previous hash's memory: it must not leak into the next
            byte[] password = ("Motdepasse-" + i).getBytes(StandardCharsets.UTF_8);

            assertThat(pooled.hash(password, SALT, 1024, 2, 1, 32))
                    .isEqualTo(library.rawHashAdvanced(2, 1024, 1, password, SALT, null, null, 32, Argon2Version.V13));
        }
        assertThat(pooled.hash("x".getBytes(), SALT, 512, 3, 2, 16))
                .isEqualTo(library.rawHashAdvanced(3, 512, 2, "x".getBytes(), SALT, null, null, 16, Argon2Version.V13));
    }

    @Test
    void hashWhenMoreMemoryThanThePooledBlocksThenComputedAndNotKept() {
        NativeArgon2 pooled = new NativeArgon2(1024, 2);
        pooled.hash("a".getBytes(), SALT, 1024, 1, 1, 32);
        int kept = pooled.idleBlocks();

        assertThat(pooled.hash("a".getBytes(), SALT, 4096, 1, 1, 32))
                .isEqualTo(library.rawHashAdvanced(1, 4096, 1, "a".getBytes(), SALT, null, null, 32, Argon2Version.V13));
        assertThat(pooled.idleBlocks()).isEqualTo(kept);
    }

    @Test
    void hashWhenMoreThreadsThanBlocksThenAllComputedAndAtMostTheBoundKept() throws Exception {
        NativeArgon2 pooled = new NativeArgon2(1024, 2);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<byte[]>> hashes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] password = ("pw" + i).getBytes();
                hashes.add(threads.submit(() -> {
                    start.await();
                    return pooled.hash(password, SALT, 1024, 2, 1, 32);
                }));
            }
            start.countDown();
            for (int i = 0; i < 6; i++) {
                assertThat(hashes.get(i).get()).isEqualTo(library.rawHashAdvanced(2, 1024, 1, ("pw" + i).getBytes(), SALT,
                        null, null, 32, Argon2Version.V13));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(pooled.idleBlocks()).isBetween(1, 2);
    }

    @Test
    void hashWhenParametersOutOfTheLibrarysBoundsThenRefused() {
        NativeArgon2 pooled = new NativeArgon2(1024, 1);

        assertThatThrownBy(() -> pooled.hash("a".getBytes(), new byte[4], 1024, 1, 1, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Salt is too short");
        assertThat(pooled.idleBlocks()).isEqualTo(1);
    }
}
