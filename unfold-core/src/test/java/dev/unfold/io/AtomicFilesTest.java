package dev.unfold.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aWriteReplacesTheFileWholeAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        AtomicFiles.write(f, new byte[] {4});
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(f));
        assertEquals(0, temporaries());
    }

    @Test
    void aFailedWriteKeepsThePreviousFile() throws IOException {
        Path f = dir.resolve("a.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(9);
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(0, temporaries());
    }

    @Test
    void temporariesOfKilledWritesGoAtTheNextWriteIntoTheFolder() throws IOException {
        long self = ProcessHandle.current().pid();
        Path sameFile = touch(".a.bin.123-abc.tmp");
        Path deadWriter = touch(".other.bin." + Long.MAX_VALUE + "-def.tmp");
        Path liveWriter = touch(".other.bin." + self + "-0a1.tmp");
        Path unnamedYoung = touch(".old.bin.beef.tmp");
        Path unnamedOld = touch(".older.bin.cafe.tmp");
        Files.setLastModifiedTime(unnamedOld, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000L));
        Path notOurs = touch("notes.tmp");
        AtomicFiles.write(dir.resolve("a.bin"), new byte[] {1});
        assertFalse(Files.exists(sameFile), "a temporary of the same file");
        assertFalse(Files.exists(deadWriter), "a temporary whose writer is gone");
        assertTrue(Files.exists(liveWriter), "a write still under way in a running process");
        assertTrue(Files.exists(unnamedYoung), "no writer named, less than an hour old");
        assertFalse(Files.exists(unnamedOld), "no writer named, over an hour old");
        assertTrue(Files.exists(notOurs), "a file that is not a temporary of ours");
    }

    private Path touch(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[] {0});
    }

    private long temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
