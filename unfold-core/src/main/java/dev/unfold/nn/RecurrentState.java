package dev.unfold.nn;

import dev.unfold.graph.Direction;
import dev.unfold.graph.Role;
import dev.unfold.kernel.Layout;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The carried state of a recurrent network for a batch: for each layer and direction, each of its cell's
 * states (h; h and c for an LSTM; o for a Jordan network), a (B, width) tensor. Immutable.
 */
public final class RecurrentState {
    /** One carried state: its layer and direction, and which of the cell's states it is. */
    public record Slot(Role.Layer layer, StateSpec state) {
        /** The name of its initial value in graphs and checkpoints: {@code h0_l0}, {@code c0_l1_reverse}. */
        public String label() {
            return state.name() + "0" + RecurrentSpec.suffix(layer.index(), layer.direction().index());
        }

        public Shape shape(int batch) {
            return Shape.of(batch, state.size());
        }
    }

    private final List<Slot> slots;
    private final int batch;
    private Map<Slot, Tensor> values;
    private Supplier<RecurrentState> fetch;

    private RecurrentState(Map<Slot, Tensor> values) {
        this.values = Collections.unmodifiableMap(values);
        this.slots = List.copyOf(values.keySet());
        this.batch = values.isEmpty() ? 0 : values.values().iterator().next().shape().dim(0);
    }

    private RecurrentState(List<Slot> slots, int batch, Supplier<RecurrentState> fetch) {
        this.slots = List.copyOf(slots);
        this.batch = batch;
        this.fetch = fetch;
    }

    /**
     * A state held elsewhere (on a cluster's executors, say) that is fetched the first time its values are read:
     * its slots and batch are known without it, so it can be passed on to where it lives without moving.
     */
    public static RecurrentState deferred(List<Slot> slots, int batch, Supplier<RecurrentState> fetch) {
        return new RecurrentState(slots, batch, fetch);
    }

    /** Whether its values are here (always, but for a {@link #deferred} state not yet read). */
    public synchronized boolean present() {
        return fetch == null;
    }

    private synchronized Map<Slot, Tensor> held() {
        if (fetch != null) {
            RecurrentState s = fetch.get();
            if (!s.slots.equals(slots) || s.batch() != batch) {
                throw new IllegalStateException("a fetched state does not have the slots and batch it was deferred with");
            }
            values = s.held();
            fetch = null;
        }
        return values;
    }

    /** The state holding {@code values}, in their order; every tensor must be (B, width) for one batch size B. */
    public static RecurrentState of(Map<Slot, Tensor> values) {
        Map<Slot, Tensor> copy = new LinkedHashMap<>(values);
        int batch = -1;
        for (Map.Entry<Slot, Tensor> e : copy.entrySet()) {
            Shape s = e.getValue().shape();
            if (s.rank() != 2 || s.dim(1) != e.getKey().state().size() || (batch >= 0 && s.dim(0) != batch)) {
                throw new IllegalArgumentException("state " + e.getKey().label() + " must be (B, " + e.getKey().state().size() + ") for one batch size B, got " + s);
            }
            batch = s.dim(0);
        }
        return new RecurrentState(copy);
    }

    /** Zeros for every slot, as the state of a sequence's first step. */
    public static RecurrentState zeros(List<Slot> slots, int batch, DType dtype) {
        Map<Slot, Tensor> v = new LinkedHashMap<>();
        for (Slot s : slots) {
            v.put(s, Tensor.zeros(dtype, s.shape(batch)));
        }
        return new RecurrentState(v);
    }

    public List<Slot> slots() {
        return slots;
    }

    public Tensor get(Slot s) {
        Tensor t = held().get(s);
        if (t == null) {
            throw new IllegalArgumentException("the state has no " + s.label() + "; it has " + slots.stream().map(Slot::label).toList());
        }
        return t;
    }

    /** The hidden state h of layer {@code layer} in direction {@code d} (o for a Jordan network). */
    public Tensor h(int layer, Direction d) {
        return held().entrySet().stream().filter(e -> e.getKey().layer().equals(new Role.Layer(layer, d))).findFirst()
                .map(Map.Entry::getValue).orElseThrow(() -> new IllegalArgumentException("the state has no layer " + layer + " " + d));
    }

    /** The cell state c of an LSTM layer. */
    public Optional<Tensor> c(int layer, Direction d) {
        return held().entrySet().stream().filter(e -> e.getKey().layer().equals(new Role.Layer(layer, d)) && e.getKey().state().name().equals("c"))
                .findFirst().map(Map.Entry::getValue);
    }

    /** Rows (sequences) per tensor; 0 for a network without state. */
    public int batch() {
        return batch;
    }

    /** Rows {@code [from, to)} of every tensor. */
    public RecurrentState rows(int from, int to) {
        Map<Slot, Tensor> out = new LinkedHashMap<>();
        held().forEach((k, v) -> out.put(k, Layout.slice(v, 0, from, to)));
        return new RecurrentState(out);
    }

    /** The states of consecutive row blocks joined back into one batch. */
    public static RecurrentState concatRows(List<RecurrentState> parts) {
        Map<Slot, Tensor> out = new LinkedHashMap<>();
        for (Slot s : parts.get(0).slots()) {
            List<Tensor> blocks = new ArrayList<>();
            int rows = 0;
            for (RecurrentState p : parts) {
                blocks.add(p.get(s));
                rows += p.get(s).shape().dim(0);
            }
            out.put(s, Layout.concat(blocks, 0, s.shape(rows)));
        }
        return new RecurrentState(out);
    }

    /** This state in {@code dtype}. */
    public RecurrentState to(DType dtype) {
        Map<Slot, Tensor> out = new LinkedHashMap<>();
        held().forEach((k, v) -> out.put(k, v.to(dtype)));
        return new RecurrentState(out);
    }

    /** The tensors by slot, in slot order. */
    public Map<Slot, Tensor> values() {
        return held();
    }
}
