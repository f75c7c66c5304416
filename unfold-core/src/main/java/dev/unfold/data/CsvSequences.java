package dev.unfold.data;

import dev.unfold.io.InputFiles;
import dev.unfold.io.SafeText;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Sequences from CSV in long form: a header row, then one row per time step. An id column names the
 * sequence a row belongs to (without one, the whole file is one series); an order column, when named,
 * orders each sequence's rows (else they keep the file's order); the feature columns are numbers; the target
 * column, when named, is a class or a number per step, or per sequence when it is the same on all of a
 * sequence's rows. A problem is one {@link IOException} naming the file, line and column.
 */
public final class CsvSequences {
    /** A number as CSV files write one: decimal digits, an optional point and exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private CsvSequences() {
    }

    /** What the target column holds and how much of it there is. */
    public enum TargetType {
        /** A class per step ({@code labels}). */
        CLASS_PER_STEP,
        /** A class per sequence, the same on each of its rows ({@code label}). */
        CLASS_PER_SEQUENCE,
        /** A number per step ({@code ys}). */
        VALUE_PER_STEP,
        /** A number per sequence, the same on each of its rows ({@code y}). */
        VALUE_PER_SEQUENCE
    }

    /** The columns to read, by their header names. */
    public record Columns(Optional<String> id, Optional<String> order, List<String> features, Optional<String> target, TargetType targetType) {
        public Columns {
            features = List.copyOf(features);
            if (features.isEmpty()) {
                throw new IllegalArgumentException("name at least one feature column");
            }
        }
    }

    /** The sequences of {@code file}, read as {@code columns} says. */
    public static SequenceFile read(Path file, Columns columns) throws IOException {
        long size = InputFiles.requireRegular(file, "data", JsonlSequences.MAX_BYTES);
        InputFiles.requireMemory(file, (long) (size * JsonlSequences.MEMORY_PER_BYTE), "to hold its sequences");
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).setTrim(true).get();
        Map<String, List<Row>> sequences = new LinkedHashMap<>();
        try (Reader in = withoutByteOrderMark(new InputStreamReader(Files.newInputStream(file), decoder)); CSVParser parser = CSVParser.parse(in, format)) {
            Header header = Header.of(file, parser.getHeaderNames(), columns);
            try {
                for (CSVRecord r : parser) {
                    long line = parser.getCurrentLineNumber();
                    Row row = header.row(r, line);
                    sequences.computeIfAbsent(row.id, k -> new ArrayList<>()).add(row);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause() instanceof CharacterCodingException ? new IOException(file + ":" + (parser.getCurrentLineNumber() + 1) + ": not UTF-8 text")
                        : new IOException(file + ":" + (parser.getCurrentLineNumber() + 1) + ": " + SafeText.clip(String.valueOf(e.getCause().getMessage())));
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(file + ": " + SafeText.clip(String.valueOf(e.getMessage())));
        }
        if (sequences.isEmpty()) {
            throw new IOException(file + ": holds a header and no rows");
        }
        List<SequenceExample> examples = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : sequences.entrySet()) {
            examples.add(example(file, e.getKey(), e.getValue(), columns));
        }
        SequenceFile.TargetKind kind = columns.target().isEmpty() ? SequenceFile.TargetKind.NONE : switch (columns.targetType()) {
            case CLASS_PER_STEP -> SequenceFile.TargetKind.LABELS;
            case CLASS_PER_SEQUENCE -> SequenceFile.TargetKind.LABEL;
            case VALUE_PER_STEP -> SequenceFile.TargetKind.VALUES;
            case VALUE_PER_SEQUENCE -> SequenceFile.TargetKind.VALUE;
        };
        boolean values = kind == SequenceFile.TargetKind.VALUE || kind == SequenceFile.TargetKind.VALUES;
        return new SequenceFile(file, examples, SequenceFile.InputKind.VECTORS, kind, columns.features().size(), values ? 1 : 0);
    }

    /** The reader past a leading byte-order mark, which spreadsheet programs write and which is not part of the first column's name. */
    private static Reader withoutByteOrderMark(Reader in) throws IOException {
        java.io.PushbackReader r = new java.io.PushbackReader(in, 1);
        int first = r.read();
        if (first >= 0 && first != '\uFEFF') {
            r.unread(first);
        }
        return r;
    }

    private record Row(String id, double order, double[] x, String target, long line) {
    }

    /** Where the named columns are. */
    private record Header(Path file, int id, int order, int[] features, int target, List<String> names, Columns columns) {
        static Header of(Path file, List<String> names, Columns c) throws IOException {
            int[] features = new int[c.features().size()];
            for (int i = 0; i < features.length; i++) {
                features[i] = column(file, names, c.features().get(i), "feature");
            }
            return new Header(file, c.id().isPresent() ? column(file, names, c.id().get(), "id") : -1,
                    c.order().isPresent() ? column(file, names, c.order().get(), "order") : -1, features,
                    c.target().isPresent() ? column(file, names, c.target().get(), "target") : -1, names, c);
        }

        private static int column(Path file, List<String> names, String name, String role) throws IOException {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IOException(file + ": has no " + role + " column '" + SafeText.clip(name) + "' (its header names: "
                        + SafeText.clip(String.join(", ", names)) + ")");
            }
            return i;
        }

        Row row(CSVRecord r, long line) throws IOException {
            if (r.size() != names.size()) {
                throw new IOException(file + ":" + line + ": has " + r.size() + " cells, and the header " + names.size());
            }
            double[] x = new double[features.length];
            for (int i = 0; i < features.length; i++) {
                x[i] = number(r, features[i], line);
            }
            String id = this.id >= 0 ? r.get(this.id) : "";
            double order = this.order >= 0 ? order(r, this.order, line) : r.getRecordNumber();
            String target = null;
            if (this.target >= 0) {
                target = r.get(this.target);
                if (target.isEmpty()) {
                    throw new IOException(file + ":" + line + ": the target column '" + SafeText.clip(names.get(this.target)) + "' is empty");
                }
                boolean value = columns.targetType() == TargetType.VALUE_PER_STEP || columns.targetType() == TargetType.VALUE_PER_SEQUENCE;
                if (value) {
                    number(r, this.target, line);
                }
            }
            return new Row(id, order, x, target, line);
        }

        /** An order cell: a number, or an ISO date ({@code 1958-03-29}), month ({@code 1950-01}) or date and time. */
        private double order(CSVRecord r, int column, long line) throws IOException {
            String cell = r.get(column);
            if (DECIMAL.matcher(cell).matches()) {
                return number(r, column, line);
            }
            try {
                if (cell.matches("\\d{4}-\\d{2}")) {
                    return java.time.YearMonth.parse(cell).atDay(1).toEpochDay();
                }
                if (cell.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    return java.time.LocalDate.parse(cell).toEpochDay();
                }
                return java.time.LocalDateTime.parse(cell).toEpochSecond(java.time.ZoneOffset.UTC) / 86400.0;
            } catch (java.time.format.DateTimeParseException e) {
                throw new IOException(file + ":" + line + ": column '" + SafeText.clip(names.get(column)) + "' holds '" + SafeText.clip(cell)
                        + "', neither a number nor an ISO date (such as 1958-03-29, 1950-01 or 1958-03-29T12:00)");
            }
        }

        private double number(CSVRecord r, int column, long line) throws IOException {
            String cell = r.get(column);
            String where = file + ":" + line + ": column '" + SafeText.clip(names.get(column)) + "'";
            if (cell.isEmpty()) {
                throw new IOException(where + " is empty");
            }
            if (!DECIMAL.matcher(cell).matches()) {
                throw new IOException(where + " holds '" + SafeText.clip(cell) + "', not a number");
            }
            double v = Double.parseDouble(cell);
            if (!Double.isFinite(v)) {
                throw new IOException(where + " holds '" + SafeText.clip(cell) + "', not a finite number");
            }
            return v;
        }
    }

    private static SequenceExample example(Path file, String id, List<Row> rows, Columns columns) throws IOException {
        if (columns.order().isPresent()) {
            rows = new ArrayList<>(rows);
            rows.sort(Comparator.comparingDouble(Row::order));
            for (int i = 1; i < rows.size(); i++) {
                if (rows.get(i).order() == rows.get(i - 1).order()) {
                    throw new IOException(file + ":" + rows.get(i).line() + ": " + sequence(id) + " already has a row of order " + rows.get(i).order()
                            + " (line " + rows.get(i - 1).line() + ")");
                }
            }
        }
        double[][] x = rows.stream().map(Row::x).toArray(double[][]::new);
        SequenceExample.Steps steps = new SequenceExample.Vectors(x);
        long line = rows.get(0).line();
        if (columns.target().isEmpty()) {
            return new SequenceExample(line, steps, new SequenceExample.None());
        }
        List<String> targets = rows.stream().map(Row::target).toList();
        return new SequenceExample(line, steps, switch (columns.targetType()) {
            case CLASS_PER_STEP -> new SequenceExample.Labels(targets);
            case VALUE_PER_STEP -> new SequenceExample.Values(targets.stream().map(t -> new double[] {Double.parseDouble(t)}).toArray(double[][]::new));
            case CLASS_PER_SEQUENCE -> new SequenceExample.Label(same(file, id, rows));
            case VALUE_PER_SEQUENCE -> new SequenceExample.Value(new double[] {Double.parseDouble(same(file, id, rows))});
        });
    }

    private static String same(Path file, String id, List<Row> rows) throws IOException {
        for (Row r : rows) {
            if (!r.target().equals(rows.get(0).target())) {
                throw new IOException(file + ":" + r.line() + ": " + sequence(id) + " has target '" + SafeText.clip(r.target()) + "' here and '"
                        + SafeText.clip(rows.get(0).target()) + "' on line " + rows.get(0).line() + "; a sequence has one target");
            }
        }
        return rows.get(0).target();
    }

    private static String sequence(String id) {
        return id.isEmpty() ? "the series" : "sequence '" + SafeText.clip(id) + "'";
    }
}
