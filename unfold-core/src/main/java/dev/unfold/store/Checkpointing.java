package dev.unfold.store;

import dev.unfold.io.InputFiles;
import dev.unfold.io.SafeTensors;
import dev.unfold.io.SafeText;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.optim.OptimizerState;
import dev.unfold.tensor.Tensor;
import dev.unfold.train.DataSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A checkpoint is one safetensors file, {@code checkpoint.safetensors}: parameters under {@code param/},
 * optimizer slots under {@code optim/<slot>/<parameter>}, carried states under {@code carry/<step>/<state>},
 * and a JSON {@link Manifest} in the metadata. One file written to a temporary name and renamed: a crash at
 * any moment leaves the previous checkpoint whole. Loading checks every tensor and every manifest field
 * against each other; a problem is an {@link IOException} naming the file, "checkpoint damaged: " and what.
 */
public final class Checkpointing {
    public static final String FILE = "checkpoint.safetensors";
    /** The checkpoint of a run's best validation so far, kept beside the last one. */
    public static final String BEST_FILE = "best.safetensors";

    /** Which checkpoint of a run folder to read: the best validation's (when there is one yet), or the last. */
    public enum Choice { BEST, LAST }
    private static final String MANIFEST_KEY = "unfold.manifest";

    private Checkpointing() {
    }

    /** A loaded, checked checkpoint. */
    public record Checkpoint(Manifest manifest, SequenceModel model, Weights weights, Optional<Vocabulary> vocabulary,
            OptimizerState optimizer, Map<Integer, RecurrentState> carried) {
    }

    public static void save(Path dir, Manifest manifest, Weights weights, OptimizerState optimizer, Map<Integer, RecurrentState> carried)
            throws IOException {
        saveFile(dir.resolve(FILE), manifest, weights, optimizer, carried);
    }

    /** Writes a checkpoint to {@code file} (a run's last or best checkpoint). */
    public static void saveFile(Path file, Manifest manifest, Weights weights, OptimizerState optimizer, Map<Integer, RecurrentState> carried)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        weights.values().forEach((p, t) -> tensors.put("param/" + p.name(), t));
        optimizer.slots().entrySet().stream()
                .sorted((a, b) -> key(a.getKey()).compareTo(key(b.getKey())))
                .forEach(e -> tensors.put("optim/" + key(e.getKey()), e.getValue()));
        new TreeMap<>(carried).forEach((pos, state) -> state.values().forEach((slot, t) -> tensors.put("carry/" + pos + "/" + slot.label(), t)));
        SafeTensors.write(file, tensors, Map.of(MANIFEST_KEY, manifest.toJson()));
    }

    private static String key(OptimizerState.Slot s) {
        return s.name() + "/" + s.parameter().name();
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Loads and checks the checkpoint of run folder {@code dir}; a parameter or slot that is not finite is damage. */
    public static Checkpoint load(Path dir) throws IOException {
        return load(dir, false);
    }

    /** As {@link #load(Path)}, accepting parameters that hold NaN or infinite values when {@code allowNonFinite}. */
    public static Checkpoint load(Path dir, boolean allowNonFinite) throws IOException {
        return load(dir, Choice.LAST, allowNonFinite);
    }

    /** The checkpoint {@code choice} names: the best one, when the run has validated yet, else the last. */
    public static Checkpoint load(Path dir, Choice choice, boolean allowNonFinite) throws IOException {
        Path file = choice == Choice.BEST && Files.isRegularFile(dir.resolve(BEST_FILE)) ? dir.resolve(BEST_FILE) : dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException(dir + " holds no checkpoint (" + FILE + ")" + (Files.isDirectory(dir) ? "" : "; it is not a folder of a run"));
        }
        byte[] bytes = InputFiles.read(file, "checkpoint", InputFiles.MAX_TENSOR_BYTES, 3);
        SafeTensors.Contents c;
        try {
            c = SafeTensors.parseContents(bytes);
        } catch (IOException e) {
            throw new IOException(file + ": checkpoint damaged: " + e.getMessage());
        }
        try {
            return check(c, allowNonFinite);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": checkpoint damaged: " + e.getMessage());
        }
    }

    private static Checkpoint check(SafeTensors.Contents c, boolean allowNonFinite) {
        String json = c.metadata().get(MANIFEST_KEY);
        if (json == null) {
            throw new IllegalArgumentException("not an unfold checkpoint (no manifest)");
        }
        Manifest m = Manifest.parse(json);
        SequenceModel model = new SequenceModel(m.model());
        Optional<Vocabulary> vocab = m.vocabulary().map(symbols -> vocabulary(symbols, m.model()));
        if (vocab.isEmpty() && m.run().isPresent() && m.run().get().data() instanceof DataSpec.Text) {
            throw new IllegalArgumentException("the vocabulary of the text run is missing");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> slots = new LinkedHashMap<>();
        Map<String, Tensor> carry = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("param/")) {
                params.put(k.substring(6), e.getValue());
            } else if (k.startsWith("optim/")) {
                slots.put(k.substring(6), e.getValue());
            } else if (k.startsWith("carry/")) {
                carry.put(k.substring(6), e.getValue());
            } else {
                throw new IllegalArgumentException("unexpected tensor '" + SafeText.clip(k) + "'");
            }
        }
        Weights weights = Weights.fromNames(model.parameters(), params);
        if (!allowNonFinite) {
            weights.values().forEach((p, t) -> requireFinite("parameter '" + p.name() + "'", t));
        }
        OptimizerState optimizer = optimizer(m, model, slots);
        Map<Integer, RecurrentState> carried = carried(m, model, carry);
        return new Checkpoint(m, model, weights, vocab, optimizer, carried);
    }

    private static Vocabulary vocabulary(List<String> symbols, SequenceModelSpec spec) {
        Vocabulary v;
        try {
            v = Vocabulary.fromSymbols(symbols);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the vocabulary is damaged: " + e.getMessage());
        }
        if (spec.input().kind() != SequenceModelSpec.InputKind.TOKENS || spec.input().size() != v.size() || spec.output().size() != v.size()) {
            throw new IllegalArgumentException("the vocabulary has " + v.size() + " symbols, but the model reads " + spec.input().size()
                    + " and writes " + spec.output().size());
        }
        return v;
    }

    private static OptimizerState optimizer(Manifest m, SequenceModel model, Map<String, Tensor> named) {
        Manifest.Counters counters = m.counters();
        java.util.List<String> slotNames = null;
        if (m.run().isPresent()) {
            dev.unfold.optim.Optimizer o = m.run().get().plan().optimizer().create();
            if (!o.name().equals(counters.optimizer())) {
                throw new IllegalArgumentException("the optimizer state is for " + SafeText.clip(counters.optimizer()) + ", not " + o.name()
                        + ", the run's optimizer");
            }
            slotNames = o.slotNames();
        }
        Map<String, Parameter> byName = new HashMap<>();
        model.parameters().forEach(p -> byName.put(p.name(), p));
        Map<OptimizerState.Slot, Tensor> slots = new HashMap<>();
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            int slash = e.getKey().indexOf('/');
            Parameter p = slash < 0 ? null : byName.get(e.getKey().substring(slash + 1));
            if (p == null) {
                throw new IllegalArgumentException("optimizer slot 'optim/" + SafeText.clip(e.getKey()) + "' belongs to no parameter of the model");
            }
            if (slotNames != null && !slotNames.contains(e.getKey().substring(0, slash))) {
                throw new IllegalArgumentException(counters.optimizer() + " keeps no slot '" + SafeText.clip(e.getKey().substring(0, slash)) + "'; its slots are "
                        + slotNames);
            }
            Tensor t = e.getValue();
            if (t.size() != p.shape().size()) {
                throw new IllegalArgumentException("optimizer slot 'optim/" + SafeText.clip(e.getKey()) + "' has " + t.size()
                        + " elements; parameter '" + p.name() + "' has " + p.shape().size());
            }
            requireFinite("optimizer slot 'optim/" + SafeText.clip(e.getKey()) + "'", t);
            slots.put(new OptimizerState.Slot(e.getKey().substring(0, slash), p), t);
        }
        return new OptimizerState(counters.optimizer(), counters.optimizerSteps(), slots);
    }

    private static Map<Integer, RecurrentState> carried(Manifest m, SequenceModel model, Map<String, Tensor> named) {
        Map<String, RecurrentState.Slot> byLabel = new HashMap<>();
        model.stateSlots().forEach(s -> byLabel.put(s.label(), s));
        Map<Integer, Map<RecurrentState.Slot, Tensor>> byStep = new TreeMap<>();
        int batch = m.run().map(r -> r.plan().batch()).orElse(-1);
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            String name = "carry/" + SafeText.clip(e.getKey());
            String[] parts = e.getKey().split("/", 2);
            int pos;
            try {
                pos = Integer.parseInt(parts[0]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("carried state '" + name + "' has no step number");
            }
            RecurrentState.Slot slot = parts.length == 2 ? byLabel.get(parts[1]) : null;
            if (slot == null) {
                throw new IllegalArgumentException("carried state '" + name + "' is no state of the model (" + byLabel.keySet() + ")");
            }
            if (pos < 1 || pos > m.counters().position()) {
                throw new IllegalArgumentException("carried state '" + name + "' is at step " + pos + ", outside 1.." + m.counters().position());
            }
            Tensor t = e.getValue();
            if (batch > 0 && !t.shape().equals(slot.shape(batch))) {
                throw new IllegalArgumentException("carried state '" + name + "' has shape " + t.shape() + "; the run needs " + slot.shape(batch));
            }
            requireFinite("carried state '" + name + "'", t);
            byStep.computeIfAbsent(pos, k -> new LinkedHashMap<>()).put(slot, t);
        }
        Map<Integer, RecurrentState> out = new TreeMap<>();
        byStep.forEach((pos, states) -> {
            if (states.size() != byLabel.size()) {
                throw new IllegalArgumentException("the carried state at step " + pos + " has " + states.size() + " of the model's " + byLabel.size() + " states");
            }
            Map<RecurrentState.Slot, Tensor> ordered = new LinkedHashMap<>();
            model.stateSlots().forEach(s -> ordered.put(s, states.get(s)));
            out.put(pos, RecurrentState.of(ordered));
        });
        return out;
    }

    private static void requireFinite(String what, Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.get(i))) {
                throw new IllegalArgumentException(what + " holds " + t.get(i) + " at element " + i);
            }
        }
    }
}
