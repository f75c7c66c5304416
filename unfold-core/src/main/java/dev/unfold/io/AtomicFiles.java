package dev.unfold.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes whole files through a temporary file in the same folder, synced to disk, and a rename: a crash at
 * any moment leaves the previous file whole. Temporary files left by a write that was killed are removed by
 * the next write of the same file. New files get the permissions the umask gives.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** How the content is produced. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code content} to {@code target}; on any failure the previous file, if any, is untouched. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        String prefix = "." + absolute.getFileName();
        removeStale(dir, prefix);
        Path tmp = dir.resolve(prefix + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(ch)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + InputFiles.reason(e), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Temporary files that killed writes left behind in the folder: those of the same file at once, those of
     * other files once they are an hour old (a write still under way in another process is never that old).
     */
    private static void removeStale(Path dir, String prefix) throws IOException {
        java.util.regex.Pattern same = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "\\.[0-9a-f]+\\.tmp");
        java.util.regex.Pattern any = java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, p -> any.matcher(p.getFileName().toString()).matches())) {
            for (Path p : stale) {
                if (same.matcher(p.getFileName().toString()).matches() || Files.getLastModifiedTime(p).toMillis() < hourAgo) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot write into " + dir + ": " + InputFiles.reason(e), e);
        }
    }
}
