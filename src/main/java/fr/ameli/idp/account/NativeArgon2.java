package fr.ameli.idp.account;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import de.mkammerer.argon2.jna.Argon2Library;
import de.mkammerer.argon2.jna.Argon2_context;
import de.mkammerer.argon2.jna.Argon2_version;
import de.mkammerer.argon2.jna.JnaUint32;
import de.mkammerer.argon2.jna.Size_t;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Argon2id by the reference C implementation (libargon2, as bundled by argon2-jvm), with its working memory kept
 * between hashes: libargon2 asks for the memory through the context's allocation callbacks, and gets one of at most
 * {@code pooled} blocks of the configured size, reused from one hash to the next.
 *
 * <p>Why: with the library's own {@code malloc}/{@code free}, glibc kept the freed 19 MiB blocks in the arena of each
 * thread that had hashed, up to twice a block each (its mmap and trim thresholds rise to the largest block freed), so
 * that a burst of logins left about 90 MB of the service's resident memory idle for good. Giving the memory back to the
 * system at each free instead (a fixed mmap threshold) cost 6 ms more per hash, the 19 MiB of fresh pages to fault in
 * and zero (measured: 20.6 → 26.6 ms of CPU). Here the resident cost is {@code pooled} × the block (2 × 19 MiB with
 * the default two hashing threads), and a hash costs what it cost with a warm arena. libargon2 wipes the block before
 * it hands it back ({@code clear_internal_memory}); a block asked larger than the pooled size (a hash stored with more
 * memory) is allocated for that hash only.
 */
final class NativeArgon2 {

    private static final int ARGON2_OK = 0;
    private static final int ARGON2_MEMORY_ALLOCATION_ERROR = -22;
    private static final int VERSION_13 = 0x13;

    /** libargon2's {@code allocate_fptr}: {@code int (*)(uint8_t **memory, size_t bytes_to_allocate)}. */
    public interface Allocate extends Callback {
        int invoke(PointerByReference memory, Size_t bytes);
    }

    /** libargon2's {@code deallocate_fptr}: {@code void (*)(uint8_t *memory, size_t bytes_to_allocate)}. */
    public interface Deallocate extends Callback {
        void invoke(Pointer memory, Size_t bytes);
    }

    private final long blockBytes;
    private final BlockingQueue<Memory> idle;
    /** The block handed to libargon2 by this thread: the library allocates and frees on the thread that called it. */
    private final ThreadLocal<@Nullable Memory> inUse = new ThreadLocal<>();
    // Kept in fields: JNA keeps a callback's native stub only as long as the callback object is reachable.
    private final Allocate allocate = this::allocate;
    private final Deallocate deallocate = this::deallocate;
    private final Pointer allocatePointer;
    private final Pointer deallocatePointer;

    /**
     * @param memoryKiB the memory of the hashes this service makes (blocks of this size are pooled)
     * @param pooled    how many blocks are kept, the number of threads that hash at once
     * @throws LinkageError where the library does not load on this platform
     */
    NativeArgon2(int memoryKiB, int pooled) {
        this.blockBytes = memoryKiB * 1024L;
        this.idle = new ArrayBlockingQueue<>(Math.max(1, pooled));
        this.allocatePointer = CallbackReference.getFunctionPointer(allocate);
        this.deallocatePointer = CallbackReference.getFunctionPointer(deallocate);
        // Loads the library (or throws) and binds the native functions now, at start-up, not at the first login.
        hash(new byte[] {1}, new byte[16], 8, 1, 1, 32);
    }

    /** The raw Argon2id (version 1.3) hash of {@code password}; the password's native copy is wiped after. */
    byte[] hash(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int length) {
        try (Memory out = new Memory(length); Memory pwd = password.length == 0 ? null : new Memory(password.length);
                Memory saltMemory = new Memory(salt.length)) {
            Argon2_context.ByReference context = new Argon2_context.ByReference();
            context.out = out;
            context.outlen = new JnaUint32(length);
            if (pwd != null) {
                pwd.write(0, password, 0, password.length);
            }
            context.pwd = pwd; // NULL with a length of 0 is how libargon2 takes an empty password
            context.pwdlen = new JnaUint32(password.length);
            saltMemory.write(0, salt, 0, salt.length);
            context.salt = saltMemory;
            context.saltlen = new JnaUint32(salt.length);
            context.t_cost = new JnaUint32(iterations);
            context.m_cost = new JnaUint32(memoryKiB);
            context.lanes = new JnaUint32(parallelism);
            context.threads = new JnaUint32(1);
            context.version = new Argon2_version(VERSION_13);
            context.allocate_cbk = allocatePointer;
            context.free_cbk = deallocatePointer;
            context.flags = new JnaUint32(0);
            try {
                int result = Argon2Library.INSTANCE.argon2id_ctx(context);
                if (result != ARGON2_OK) {
                    throw new IllegalArgumentException("Argon2id: " + Argon2Library.INSTANCE.argon2_error_message(result));
                }
                return out.getByteArray(0, length);
            } finally {
                if (pwd != null) {
                    pwd.clear();
                }
                out.clear();
            }
        }
    }

    /** How many blocks are kept between hashes (for the tests). */
    int idleBlocks() {
        return idle.size();
    }

    private int allocate(PointerByReference memory, Size_t bytes) {
        long size = bytes.longValue();
        Memory block = size <= blockBytes ? idle.poll() : null;
        try {
            if (block == null) {
                block = new Memory(Math.max(size, blockBytes));
            }
        } catch (OutOfMemoryError e) {
            return ARGON2_MEMORY_ALLOCATION_ERROR;
        }
        inUse.set(block);
        memory.setValue(block);
        return ARGON2_OK;
    }

    private void deallocate(Pointer memory, Size_t bytes) {
        Memory block = inUse.get();
        inUse.remove();
        if (block == null) {
            return;
        }
        if (block.size() != blockBytes || !idle.offer(block)) {
            block.close();
        }
    }
}
