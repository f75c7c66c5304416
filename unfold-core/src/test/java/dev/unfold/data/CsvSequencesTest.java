package dev.unfold.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV in long form: rows grouped by id and ordered, targets per step or per sequence, and bad cells named by line and column. */
class CsvSequencesTest {
    @TempDir
    Path tmp;

    private Path csv(String... lines) throws IOException {
        Path f = tmp.resolve("data.csv");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static CsvSequences.Columns columns(String target, CsvSequences.TargetType type) {
        return new CsvSequences.Columns(Optional.of("id"), Optional.of("t"), List.of("a", "b"), Optional.ofNullable(target), type);
    }

    @Test
    void rowsAreGroupedByIdAndOrdered() throws IOException {
        Path f = csv("id,t,a,b,kind", "s1,2,0.2,20,x", "s2,1,5,50,y", "s1,1,0.1,10,x", "\"s2\",2,6,60,y");
        SequenceFile file = CsvSequences.read(f, columns("kind", CsvSequences.TargetType.CLASS_PER_SEQUENCE));
        assertEquals(2, file.size());
        assertEquals(SequenceFile.TargetKind.LABEL, file.target());
        double[][] s1 = ((SequenceExample.Vectors) file.examples().get(0).steps()).x();
        assertArrayEquals(new double[] {0.1, 10}, s1[0]);
        assertArrayEquals(new double[] {0.2, 20}, s1[1]);
        assertEquals("y", ((SequenceExample.Label) file.examples().get(1).target()).name());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumn() throws IOException {
        Path f = csv("\uFEFFid,t,a,b,kind", "s1,1,0.1,10,x");
        assertEquals(1, CsvSequences.read(f, columns("kind", CsvSequences.TargetType.CLASS_PER_SEQUENCE)).size());
        Path j = tmp.resolve("bom.jsonl");
        Files.writeString(j, "\uFEFF{\"text\": \"ab\", \"label\": \"x\"}\n");
        assertEquals(1, JsonlSequences.read(j).size());
        assertEquals(1, JsonlIndex.of(j).size());
    }

    @Test
    void aSingleSeriesWithValuesPerStep() throws IOException {
        Path f = csv("month,co2", "1,315.7", "2,317.5", "3,-1.5e2");
        SequenceFile file = CsvSequences.read(f, new CsvSequences.Columns(Optional.empty(), Optional.of("month"), List.of("co2"), Optional.of("co2"),
                CsvSequences.TargetType.VALUE_PER_STEP));
        assertEquals(1, file.size());
        assertEquals(3, file.steps());
        assertArrayEquals(new double[] {-150}, ((SequenceExample.Values) file.examples().get(0).target()).ys()[2]);
    }

    @Test
    void badCellsAndColumnsAreNamed() throws IOException {
        assertMessage(csv("id,t,a,b", "s,1,0.1,abc"), null, ":2: column 'b' holds 'abc', not a number");
        assertMessage(csv("id,t,a,b", "s,1,0.1,NaN"), null, ":2: column 'b' holds 'NaN', not a number");
        assertMessage(csv("id,t,a,b", "s,1,0.1,1e999"), null, ":2: column 'b' holds '1e999', not a finite number");
        assertMessage(csv("id,t,a,b", "s,1,0.1,"), null, ":2: column 'b' is empty");
        assertMessage(csv("id,t,a", "s,1,0.1"), null, ": has no feature column 'b' (its header names: id, t, a)");
        assertMessage(csv("id,t,a,b", "s,1,0.1"), null, ":2: has 3 cells, and the header 4");
        assertMessage(csv("id,t,a,b"), null, ": holds a header and no rows");
        assertMessage(csv("id,t,a,b", "s,1,1,2", "s,1,3,4"), null, ":3: sequence 's' already has a row of order 1.0 (line 2)");
        assertMessage(csv("id,t,a,b,y", "s,1,1,2,p", "s,2,3,4,q"), "y", ":3: sequence 's' has target 'q' here and 'p' on line 2; a sequence has one target");
        assertMessage(csv("id,t,a,b,y", "s,1,1,2,"), "y", ":2: the target column 'y' is empty");
    }

    private void assertMessage(Path f, String target, String expected) {
        IOException e = assertThrows(IOException.class, () -> CsvSequences.read(f, columns(target, CsvSequences.TargetType.CLASS_PER_SEQUENCE)));
        assertEquals(f + expected, e.getMessage());
    }
}
