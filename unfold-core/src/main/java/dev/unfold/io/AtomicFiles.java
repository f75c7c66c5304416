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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes whole files through a temporary file in the same folder, synced to disk, and a rename: a crash at
 * any moment leaves the previous file whole. Temporary files left by a write that was killed are removed by
 * the next write into the folder (the writing process's id is part of a temporary's name). New files get the
 * permissions the umask gives.
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
        Path tmp = dir.resolve(prefix + "." + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp");
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
     * Temporary files that killed writes left behind in the folder: those of the same file, and those of any
     * file whose writing process (named in the temporary's name) is no longer running, or that are an hour old.
     */
    private static void removeStale(Path dir, String prefix) throws IOException {
        Pattern same = Pattern.compile(Pattern.quote(prefix) + "\\.([0-9]+-)?[0-9a-f]+\\.tmp");
        Pattern any = Pattern.compile("\\..+\\.(?:([0-9]{1,19})-)?[0-9a-f]{1,16}\\.tmp");
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(dir, p -> any.matcher(p.getFileName().toString()).matches())) {
            for (Path p : temporaries) {
                String name = p.getFileName().toString();
                Matcher m = any.matcher(name);
                boolean writerGone = m.matches() && m.group(1) != null && !running(m.group(1));
                if (same.matcher(name).matches() || writerGone || Files.getLastModifiedTime(p).toMillis() < hourAgo) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot write into " + dir + ": " + InputFiles.reason(e), e);
        }
    }

    private static boolean running(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
