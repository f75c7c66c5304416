package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.op.OneHot;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence model: what comes in at each step (token indices through an embedding or one-hot code, or
 * vectors), a recurrent network, and a linear decoder at every step or once per sequence on its final states
 * (class logits or values). It declares
 * its parameters as {@link Parameter} handles ({@code embed.weight}, the network's PyTorch names,
 * {@code decoder.weight}, {@code decoder.bias}); their values live in {@link Weights}. Built with
 * {@link #builder()}; {@link #unfold} writes its unfolded graph over T steps.
 */
public final class SequenceModel implements RecurrentModel {
    private final SequenceModelSpec spec;
    private final RecurrentNetwork network;
    private final Embedding embedding;
    private final Linear decoder;
    private final List<Parameter> parameters;

    public SequenceModel(SequenceModelSpec spec) {
        this.spec = spec;
        this.network = new RecurrentNetwork(spec.rnn());
        this.embedding = new Embedding("embed.", spec.input().size(), spec.input().embedding());
        this.decoder = new Linear("decoder.", spec.rnn().outputSize(), spec.output().size(), Role.Part.OUTPUT_WEIGHT);
        List<Parameter> all = new ArrayList<>();
        if (spec.input().embedding() > 0) {
            all.add(embedding.weight());
        }
        all.addAll(network.parameters());
        all.addAll(decoder.parameters());
        this.parameters = List.copyOf(all);
    }

    /** A builder whose defaults are a one-layer LSTM of 128 units. */
    public static Builder builder() {
        return new Builder();
    }

    public SequenceModelSpec spec() {
        return spec;
    }

    public RecurrentNetwork network() {
        return network;
    }

    /** All parameters, embedding first, then the network's, then the decoder's. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter named {@code name}. */
    public Parameter parameter(String name) {
        return parameters().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the model has no parameter '" + name + "'"));
    }

    /** Every carried state of the network. */
    @Override
    public List<RecurrentState.Slot> stateSlots() {
        return network.stateSlots();
    }

    @Override
    public SequenceModelSpec.OutputKind outputKind() {
        return spec.output().kind();
    }

    @Override
    public boolean weighsSteps() {
        return spec.lengths() && spec.output().reads() == SequenceModelSpec.Reads.EVERY_STEP;
    }

    /**
     * Unfolds the model over {@code steps} steps for batches of {@code batch}: input leaves at each step
     * (token indices (B) or vectors (B, F)), the network, and the decoder's outputs (B, classes or values).
     */
    /**
     * In training, with dropout, the embedding's output and the last layer's output pass through a mask of
     * their own at each step, and the network applies its own masks (see {@link RecurrentNetwork#unfold(GraphBuilder,
     * List, Regularization, Phase, List)}).
     */
    @Override
    public Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype, Phase phase) {
        Regularization reg = spec.regularization();
        boolean dropout = phase == Phase.TRAINING && reg.dropout() > 0;
        List<MaskLeaf> masks = new ArrayList<>();
        Map<Parameter, Var> params = new LinkedHashMap<>();
        Role saved = b.role();
        b.at(Node.NO_STEP);
        Var table = null;
        if (spec.input().embedding() > 0) {
            table = leaf(b, own(embedding.weight()), dtype, params);
        }
        List<Var> inputs = new ArrayList<>();
        List<Var> features = new ArrayList<>();
        boolean tokens = spec.input().kind() == SequenceModelSpec.InputKind.TOKENS;
        b.as(Role.of(Role.Kind.INPUT));
        for (int t = 0; t < steps; t++) {
            b.at(t);
            Var in = b.input("in[" + t + "]", tokens ? Shape.of(batch) : Shape.of(batch, spec.input().size()), dtype, Role.of(Role.Kind.INPUT));
            inputs.add(in);
            if (!tokens) {
                features.add(in);
            } else if (table != null) {
                features.add(embedding.apply(b, in, table));
            } else {
                features.add(b.apply("one-hot", new OneHot(spec.input().size()), in));
            }
        }
        b.at(Node.NO_STEP);
        if (dropout && table != null) {
            features = RecurrentNetwork.dropped(b, features, reg.dropout(), Role.of(Role.Kind.INPUT), "embed/dropout", masks);
        }
        List<Var> valid = spec.lengths() ? SequenceLengths.leaves(b, steps, batch, dtype) : List.of();
        RecurrentNetwork.Unfolded net = network.unfold(b, features, valid, reg, phase, masks);
        params.putAll(net.params());
        boolean perSequence = spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE;
        List<Var> outputs = new ArrayList<>();
        if (perSequence) {
            Head h = head(b, finalStates(net), steps - 1, phase, params, masks);
            outputs.addAll(java.util.Collections.nCopies(steps, h.output()));
        } else {
            List<Var> top = net.outputs();
            if (dropout) {
                top = RecurrentNetwork.dropped(b, top, reg.dropout(), Role.of(Role.Kind.OUTPUT), "decoder/dropout", masks);
            }
            Var w = leaf(b, own(decoder.weight()), dtype, params);
            Var bias = leaf(b, own(decoder.bias()), dtype, params);
            b.as(Role.of(Role.Kind.OUTPUT));
            for (int t = 0; t < steps; t++) {
                outputs.add(b.name(decoder.apply(b.at(t), top.get(t), w, bias), "decoder/y"));
            }
        }
        b.at(Node.NO_STEP).as(saved);
        return new Unfolded(inputs, net, outputs, params, List.copyOf(masks), valid);
    }

    /** The top layer's h_n, one per direction: what a per-sequence decoder reads. */
    private List<Var> finalStates(RecurrentNetwork.Unfolded net) {
        List<RecurrentNetwork.Run> runs = net.runs();
        return runs.subList(runs.size() - spec.rnn().directions().count(), runs.size()).stream().map(r -> r.finalState().get(0)).toList();
    }

    /** A per-sequence decoder's output and what it read: its parameters' leaves and its dropout mask. */
    public record Head(Var output, Map<Parameter, Var> params, List<MaskLeaf> masks) {
    }

    /**
     * The decoder of a model read at its final states, alone: at step {@code step} (a window's last), on the top
     * layer's final hidden states {@code finals} (forward, then reverse), both directions side by side, under a
     * dropout mask in training. Memory-bounded BPTT runs it apart from the units its window is cut into.
     */
    public Head head(GraphBuilder b, List<Var> finals, int step, Phase phase) {
        Map<Parameter, Var> params = new LinkedHashMap<>();
        List<MaskLeaf> masks = new ArrayList<>();
        Head h = head(b, finals, step, phase, params, masks);
        return new Head(h.output(), params, List.copyOf(masks));
    }

    private Head head(GraphBuilder b, List<Var> finals, int step, Phase phase, Map<Parameter, Var> params, List<MaskLeaf> masks) {
        int savedStep = b.step();
        Role saved = b.role();
        Var top = finals.size() == 1 ? finals.get(0)
                : b.at(step).as(Role.of(Role.Kind.OUTPUT)).apply("h_n", new dev.unfold.op.Concat(1), finals.toArray(Var[]::new));
        Regularization reg = spec.regularization();
        if (phase == Phase.TRAINING && reg.dropout() > 0) {
            top = RecurrentNetwork.dropped(b, List.of(top), step, reg.dropout(), Role.of(Role.Kind.OUTPUT), "decoder/dropout", masks).get(0);
        }
        b.at(Node.NO_STEP);
        Var w = leaf(b, own(decoder.weight()), top.dtype(), params);
        Var bias = leaf(b, own(decoder.bias()), top.dtype(), params);
        Var y = b.as(Role.of(Role.Kind.OUTPUT)).name(decoder.apply(b.at(step), top, w, bias), "decoder/y");
        b.at(savedStep).as(saved);
        return new Head(y, params, masks);
    }

    /** The model's own instance of a parameter, so that every map it keys shares one handle. */
    private Parameter own(Parameter p) {
        return parameters.get(parameters.indexOf(p));
    }

    private static Var leaf(GraphBuilder b, Parameter p, DType dtype, Map<Parameter, Var> params) {
        Var v = b.parameter(p.name(), p.shape(), dtype, p.role());
        params.put(p, v);
        return v;
    }

    /**
     * Builds a {@link SequenceModel}. Give the input ({@link #tokens} with an optional {@link #embedding}, or
     * {@link #vectors}) and the output ({@link #classes} or {@link #values}); the network defaults to one
     * forward LSTM layer of 128 units.
     */
    public static final class Builder {
        private SequenceModelSpec.InputKind inputKind;
        private int inputSize;
        private int embedding;
        private CellType cell = CellType.LSTM;
        private int hidden = 128;
        private int layers = 1;
        private RecurrentSpec.Directions directions = RecurrentSpec.Directions.ONE;
        private SequenceModelSpec.OutputKind outputKind;
        private int outputSize;
        private Regularization regularization = Regularization.NONE;
        private SequenceModelSpec.Reads reads = SequenceModelSpec.Reads.EVERY_STEP;
        private boolean lengths;

        private Builder() {
        }

        /** One output per sequence, read from the top layer's final states, rather than one per step. */
        public Builder perSequence() {
            this.reads = SequenceModelSpec.Reads.FINAL_STATE;
            return this;
        }

        /** Batches of sequences of their own lengths, padded after them (a validity leaf per step). */
        public Builder variableLengths() {
            this.lengths = true;
            return this;
        }

        /** Token indices in [0, vocabulary) at each step, one-hot unless an {@link #embedding} is given. */
        public Builder tokens(int vocabulary) {
            this.inputKind = SequenceModelSpec.InputKind.TOKENS;
            this.inputSize = vocabulary;
            return this;
        }

        /** Tokens enter through an embedding of this width (0: one-hot). */
        public Builder embedding(int width) {
            this.embedding = width;
            return this;
        }

        /** Vectors of {@code features} values at each step. */
        public Builder vectors(int features) {
            this.inputKind = SequenceModelSpec.InputKind.VECTORS;
            this.inputSize = features;
            return this;
        }

        public Builder cell(CellType type) {
            this.cell = type;
            return this;
        }

        /** Hidden units per layer and direction. */
        public Builder hidden(int units) {
            this.hidden = units;
            return this;
        }

        public Builder layers(int count) {
            this.layers = count;
            return this;
        }

        /** A second chain in every layer, from the last step to the first. */
        public Builder bidirectional(boolean both) {
            this.directions = both ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE;
            return this;
        }

        /** Logits over {@code count} classes at each step, scored by softmax cross-entropy. */
        public Builder classes(int count) {
            this.outputKind = SequenceModelSpec.OutputKind.CLASSES;
            this.outputSize = count;
            return this;
        }

        /** {@code count} values at each step, scored by mean squared error. */
        public Builder values(int count) {
            this.outputKind = SequenceModelSpec.OutputKind.VALUES;
            this.outputSize = count;
            return this;
        }

        /** Non-recurrent dropout with probability {@code p}: on the embedding's output, between layers, before the decoder. */
        public Builder dropout(double p) {
            regularization = new Regularization(p, regularization.variational(), regularization.zoneout());
            return this;
        }

        /** Variational dropout with probability {@code p}: one mask per sequence and window on each layer's input and recurrent state. */
        public Builder variationalDropout(double p) {
            regularization = new Regularization(regularization.dropout(), p, regularization.zoneout());
            return this;
        }

        /** Zoneout with probability {@code p}: each unit of the carried state keeps its previous value. */
        public Builder zoneout(double p) {
            regularization = new Regularization(regularization.dropout(), regularization.variational(), p);
            return this;
        }

        public SequenceModel build() {
            if (inputKind == null) {
                throw new IllegalArgumentException("a model needs an input: tokens(vocabulary) or vectors(features)");
            }
            if (outputKind == null) {
                throw new IllegalArgumentException("a model needs an output: classes(count) or values(count)");
            }
            if (inputKind == SequenceModelSpec.InputKind.VECTORS && embedding != 0) {
                throw new IllegalArgumentException("only token inputs take an embedding");
            }
            SequenceModelSpec.Input in = new SequenceModelSpec.Input(inputKind, inputSize, embedding);
            RecurrentSpec rnn = new RecurrentSpec(cell, in.networkWidth(), hidden, layers, directions);
            return new SequenceModel(new SequenceModelSpec(in, rnn, new SequenceModelSpec.Output(outputKind, outputSize, reads), regularization, lengths));
        }
    }
}
