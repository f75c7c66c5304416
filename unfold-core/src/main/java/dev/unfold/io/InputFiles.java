package dev.unfold.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reading input files safely: only regular files (never a FIFO, a device, a socket or a folder, which can
 * block or never end), of at most a documented size, and only when the memory to hold what they decode to
 * is there. Every problem is an {@link IOException} naming the file and saying what is wrong.
 */
public final class InputFiles {
    /** The largest text read for training or evaluation: 256 MiB. */
    public static final long MAX_TEXT_BYTES = 256L << 20;
    /** The largest safetensors file (weights, inputs, checkpoints): what one Java array holds, just under 2 GiB. */
    public static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 16L;
    /** The largest metrics file read back: 512 MiB. */
    public static final long MAX_METRICS_BYTES = 512L << 20;

    private InputFiles() {
    }

    /**
     * The size of {@code file}, which must be a regular file: {@code what} says what it is for messages
     * ("text", "weights"), {@code limit} is the largest size accepted.
     */
    public static long requireRegular(Path file, String what, long limit) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + reason(e));
        }
        if (a.isDirectory()) {
            throw new IOException("cannot read " + file + ": it is a folder, not a " + what + " file");
        }
        if (!a.isRegularFile()) {
            throw new IOException("cannot read " + file + ": it is not a regular file (a FIFO, device or socket is not read)");
        }
        if (a.size() > limit) {
            throw new IOException(file + " has " + mib(a.size()) + " MiB; " + what + " files of at most " + mib(limit) + " MiB are read");
        }
        return a.size();
    }

    /**
     * The bytes of {@code file} (checked as {@link #requireRegular}), when the heap can hold {@code factor}
     * times its size besides what is in use: what the bytes decode to, as well as the bytes.
     */
    public static byte[] read(Path file, String what, long limit, double factor) throws IOException {
        long size = requireRegular(file, what, limit);
        requireMemory(file, (long) (size * factor), "to read it");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 16L) + 1);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + reason(e));
        }
        if (bytes.length > limit) {
            throw new IOException(file + " grew past " + mib(limit) + " MiB while it was read");
        }
        return bytes;
    }

    /** Fails when {@code bytes} more do not fit in the heap. */
    public static void requireMemory(Path file, long bytes, String purpose) throws IOException {
        long free = Memory.available();
        if (bytes > free) {
            throw new IOException(file + " needs about " + mib(bytes) + " MiB of memory " + purpose + ", and " + mib(free)
                    + " MiB are free (" + Memory.advice() + ")");
        }
    }

    /** A file system's complaint in words: the JDK's own messages are often only the path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : SafeText.clip(m);
    }

    static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
