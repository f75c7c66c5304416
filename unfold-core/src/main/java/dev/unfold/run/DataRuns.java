package dev.unfold.run;

import dev.unfold.data.CsvSequences;
import dev.unfold.data.DataTables;
import dev.unfold.data.DatasetSource;
import dev.unfold.data.EncodedSequences;
import dev.unfold.data.ForecastWindows;
import dev.unfold.data.JsonlIndex;
import dev.unfold.data.JsonlSequences;
import dev.unfold.data.SequenceExample;
import dev.unfold.data.SequenceFile;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.StreamedSequences;
import dev.unfold.nn.SequenceModel;
import dev.unfold.train.DataSpec;
import dev.unfold.train.RunConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A data file's run: the file read (CSV by its columns, else JSON Lines), split by sequence (seeded) unless a
 * file of its own validates, the tables built from the training split alone, and the model for the task.
 */
public final class DataRuns {
    private DataRuns() {
    }

    /** The sequences of {@code file}: CSV read by {@code csv}'s columns when given, else JSON Lines. */
    public static SequenceFile read(Path file, Optional<CsvSequences.Columns> csv) throws IOException {
        return csv.isPresent() ? CsvSequences.read(file, csv.get()) : JsonlSequences.read(file);
    }

    /** JSON Lines files larger than this many bytes are streamed rather than held (system property {@code unfold.data.streamAbove}). */
    public static final long STREAM_ABOVE = 64L << 20;

    /** Whether a run on {@code d} streams its training sequences from disk: a JSON Lines file above {@link #STREAM_ABOVE}, not a forecast. */
    static boolean streams(DataSpec.Data d) throws IOException {
        long above = Long.getLong("unfold.data.streamAbove", STREAM_ABOVE);
        return d.csv().isEmpty() && d.forecast().isEmpty() && java.nio.file.Files.isRegularFile(d.file()) && java.nio.file.Files.size(d.file()) > above;
    }

    static RunData prepare(RunConfig config, DataSpec.Data d) throws IOException {
        if (streams(d)) {
            return streamed(config, d);
        }
        SequenceFile all = read(d.file(), d.csv());
        requireTargets(all, d);
        SequenceFile train;
        SequenceFile validation;
        if (d.forecast().isPresent()) {
            ForecastWindows.Shape shape = d.forecast().get();
            if (d.validationFile().isPresent()) {
                train = ForecastWindows.cut(all, shape, ForecastWindows.Part.ALL, 0).file();
                SequenceFile other = read(d.validationFile().get(), d.csv());
                requireTargets(other, d);
                validation = ForecastWindows.cut(other, shape, ForecastWindows.Part.ALL, 0).file();
            } else {
                train = ForecastWindows.cut(all, shape, ForecastWindows.Part.TRAINING, d.validationFraction()).file();
                validation = ForecastWindows.cut(all, shape, ForecastWindows.Part.VALIDATION, d.validationFraction()).file();
            }
        } else if (d.validationFile().isPresent()) {
            train = all;
            validation = read(d.validationFile().get(), d.csv());
        } else {
            Split split = split(d, all.size(), config.plan().seed());
            validation = subset(all, split.validation());
            train = subset(all, split.training());
        }
        DataTables tables = DataTables.of(train, d.task(), d.forecast());
        EncodedSequences encoded = EncodedSequences.of(train, tables, true);
        EncodedSequences checked = EncodedSequences.of(validation, tables, true);
        DatasetSource source = new DatasetSource(encoded, config.plan().batch(), config.plan().seed());
        SequenceModel model = config.model().model(source.input(config.model().embedding()), source.output(), true);
        String name = String.format(java.util.Locale.ROOT, "%s, %s, %d sequences (%d validate), %.1f%% of batched steps padding", d.file().getFileName(),
                d.task().id(), train.size(), validation.size(), 100 * source.paddedShare());
        RunData.DataRun run = new RunData.DataRun(tables, d.task(), checked, train.longest(), source.paddedShare());
        return new RunData(name, source, Optional.empty(), Optional.empty(), List.of(), source.batch(), model, Optional.of(sha256(d.file())),
                Optional.of(run));
    }

    /**
     * A run whose training sequences stay on disk: the file is indexed (every line checked), split as a held file
     * is, its tables built by reading the training lines again, its validation sequences held, and each training
     * batch read from disk when it is drawn. It trains exactly as the same file held in memory does.
     */
    private static RunData streamed(RunConfig config, DataSpec.Data d) throws IOException {
        JsonlIndex index = JsonlIndex.of(d.file());
        SequenceFile header = index.header();
        requireTargets(header, d);
        int[] train;
        SequenceFile validation;
        if (d.validationFile().isPresent()) {
            train = java.util.stream.IntStream.range(0, index.size()).toArray();
            validation = read(d.validationFile().get(), d.csv());
            requireTargets(validation, d);
        } else {
            Split split = split(d, index.size(), config.plan().seed());
            int[] validate = split.validation();
            train = split.training();
            long bytes = 0;
            for (int i : validate) {
                bytes += index.length(i);
            }
            dev.unfold.io.InputFiles.requireMemory(d.file(), bytes * 64, "to hold its validation sequences");
            validation = new SequenceFile(d.file(), index.read(validate), header.input(), header.target(), header.featureWidth(), header.targetWidth());
        }
        DataTables tables;
        try {
            tables = DataTables.of(index.stream(train), header.input(), header.featureWidth(), header.targetWidth(), d.task(), Optional.empty());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        StreamedSequences store = new StreamedSequences(index, train, tables);
        EncodedSequences checked = EncodedSequences.of(validation, tables, true);
        DatasetSource source = new DatasetSource(store, config.plan().batch(), config.plan().seed());
        SequenceModel model = config.model().model(source.input(config.model().embedding()), source.output(), true);
        int longest = java.util.Arrays.stream(store.lengths()).max().orElse(1);
        String name = String.format(java.util.Locale.ROOT, "%s, %s, %d sequences streamed from disk (%d validate), %.1f%% of batched steps padding",
                d.file().getFileName(), d.task().id(), train.length, validation.size(), 100 * source.paddedShare());
        RunData.DataRun run = new RunData.DataRun(tables, d.task(), checked, longest, source.paddedShare());
        return new RunData(name, source, Optional.empty(), Optional.empty(), List.of(), source.batch(), model, Optional.of(sha256(d.file())),
                Optional.of(run));
    }

    private static void requireTargets(SequenceFile f, DataSpec.Data d) throws IOException {
        if (d.task() == SequenceTask.LM) {
            if (f.input() == SequenceFile.InputKind.VECTORS) {
                throw new IOException(f.file() + ": holds vectors; a language model learns the next symbol of a \"text\" or of \"tokens\"");
            }
            return;
        }
        if (f.target() != d.task().fileTarget()) {
            throw new IOException(f.file() + ": " + (f.target() == SequenceFile.TargetKind.NONE ? "has no targets" : "has \"" + f.target().field() + "\" targets")
                    + "; the " + d.task().id() + " task trains on \"" + d.task().fileTarget().field() + "\"");
        }
    }

    /** A split by sequence: the validation share and the rest, each in the file's order. */
    private record Split(int[] validation, int[] training) {
    }

    /** The seeded split of a file's {@code n} sequences, the same whether the file is held or streamed. */
    private static Split split(DataSpec.Data d, int n, long seed) throws IOException {
        if (n < 2) {
            throw new IOException(d.file() + ": holds " + n + " sequence; a run needs at least 2, to validate on some (or give a validation file)");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int held = Math.max(1, (int) Math.round(n * d.validationFraction()));
        return new Split(order.subList(0, held).stream().mapToInt(Integer::intValue).sorted().toArray(),
                order.subList(held, n).stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    private static SequenceFile subset(SequenceFile f, int[] rows) {
        List<SequenceExample> picked = new ArrayList<>();
        for (int i : rows) {
            picked.add(f.examples().get(i));
        }
        return new SequenceFile(f.file(), picked, f.input(), f.target(), f.featureWidth(), f.targetWidth());
    }

    /** The SHA-256 of the file's bytes, hex. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            StringBuilder sb = new StringBuilder();
            for (byte b : ((DigestInputStream) in).getMessageDigest().digest()) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
