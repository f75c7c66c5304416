package dev.unfold.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph being written: nodes in order, initializers, inputs and outputs with their element types and
 * dimensions (a number, or a name such as {@code "B"} for a dynamic axis). Every value name is unique;
 * {@link #fresh} makes one from a readable stem.
 */
final class OnnxGraph {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Set<String> nodeNames = new HashSet<>();

    /** A graph whose outputs will be named {@code outputs}: no other value takes those names. */
    OnnxGraph(String name, List<String> outputs) {
        graph.setName(name);
        names.addAll(outputs);
    }

    /** A value name not yet used: {@code stem}, or {@code stem_2}, {@code stem_3}, ... */
    String fresh(String stem) {
        return unique(names, stem);
    }

    private static String unique(Set<String> taken, String stem) {
        String name = stem;
        for (int i = 2; !taken.add(name); i++) {
            name = stem + "_" + i;
        }
        return name;
    }

    /**
     * A node of operator {@code op} reading {@code inputs} ("" for an omitted optional input) and writing fresh outputs
     * named after {@code outputs}; the node is named {@code name} (ONNX keeps node names apart from value names).
     */
    List<String> node(String op, String name, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        List<String> out = outputs.stream().map(o -> o.isEmpty() ? "" : fresh(o)).toList();
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(unique(nodeNames, name)).addAllInput(inputs).addAllOutput(out)
                .addAllAttribute(Arrays.asList(attributes)).build());
        return out;
    }

    /** A node with one output, named {@code name}. */
    String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
        return node(op, name, inputs, List.of(name), attributes).get(0);
    }

    /** A float initializer of shape {@code dims}. */
    String floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = tensor(TensorProto.DataType.FLOAT_VALUE, dims);
        for (float v : values) {
            t.addFloatData(v);
        }
        return initializer(name, t);
    }

    /** An int64 initializer of shape {@code dims}. */
    String longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = tensor(TensorProto.DataType.INT64_VALUE, dims);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return initializer(name, t);
    }

    private static TensorProto.Builder tensor(int type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(type);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private String initializer(String name, TensorProto.Builder t) {
        String n = fresh(name);
        graph.addInitializer(t.setName(n).build());
        return n;
    }

    /** A one-dimensional int64 initializer, as Reshape, Slice and Unsqueeze read their shapes and axes. */
    String longs(String name, long... values) {
        return longs(name, values, values.length);
    }

    /** A scalar int32 initializer (what {@code lengths} is compared with). */
    String int32(String name, int value) {
        return initializer(name, tensor(TensorProto.DataType.INT32_VALUE).addInt32Data(value));
    }

    /** A scalar int64 initializer. */
    String scalar(String name, long value) {
        return longs(name, new long[] {value}, new long[0]);
    }

    void input(String name, int elementType, Object... dims) {
        names.add(name);
        graph.addInput(valueInfo(name, elementType, dims));
    }

    void output(String name, int elementType, Object... dims) {
        graph.addOutput(valueInfo(name, elementType, dims));
    }

    /** Renames value {@code from}, already written by a node, to the graph output name {@code to} (through an Identity). */
    String identity(String from, String to) {
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(unique(nodeNames, to)).addInput(from).addOutput(to).build());
        return to;
    }

    GraphProto build() {
        return graph.build();
    }

    private static ValueInfoProto valueInfo(String name, int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto strings(String name, List<String> values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(com.google.protobuf.ByteString.copyFromUtf8(v));
        }
        return a.build();
    }
}
