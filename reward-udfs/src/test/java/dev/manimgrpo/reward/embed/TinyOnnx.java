package dev.manimgrpo.reward.embed;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small ONNX models for tests, encoding the ONNX protobuf messages by hand (field
 * numbers from onnx.proto): ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto. Opset 13, IR version 7.
 */
final class TinyOnnx {

  static final int FLOAT = 1;
  static final int INT64 = 7;

  private TinyOnnx() {}

  /** Image model: pixel_values [N, 3, 8, 8] -> ReduceMean over H, W -> [N, 3] -> MatMul W [3, 4] -> image_embeds [N, 4]. */
  static Path imageModel(Path file, float[] weights3x4) throws Exception {
    byte[] reduce = node(new String[] {"pixel_values"}, new String[] {"pooled"}, "ReduceMean",
        attrInts("axes", 2, 3), attrInt("keepdims", 0));
    byte[] matmul = node(new String[] {"pooled", "W"}, new String[] {"image_embeds"}, "MatMul");
    byte[] graph = concat(
        field(1, reduce), field(1, matmul), str(2, "tiny-image"),
        field(5, floatTensor("W", new long[] {3, 4}, weights3x4)),
        field(11, valueInfo("pixel_values", FLOAT, -1, 3, 8, 8)),
        field(12, valueInfo("image_embeds", FLOAT, -1, 4)));
    return write(file, graph);
  }

  /** Text model: input_ids [1, T] -> Gather(E [V, D]) -> [1, T, D] -> last_hidden_state; attention_mask unused. */
  static Path textModel(Path file, float[] embeddings, int vocab, int dim) throws Exception {
    byte[] gather = node(new String[] {"E", "input_ids"}, new String[] {"last_hidden_state"}, "Gather", attrInt("axis", 0));
    byte[] graph = concat(
        field(1, gather), str(2, "tiny-text"),
        field(5, floatTensor("E", new long[] {vocab, dim}, embeddings)),
        field(11, valueInfo("input_ids", INT64, 1, -1)),
        field(12, valueInfo("last_hidden_state", FLOAT, 1, -1, dim)));
    return write(file, graph);
  }

  private static Path write(Path file, byte[] graph) throws Exception {
    byte[] opset = concat(str(1, ""), varintField(2, 13));
    byte[] model = concat(varintField(1, 7), str(2, "manim-grpo-tests"), field(7, graph), field(8, opset));
    Files.write(file, model);
    return file;
  }

  private static byte[] node(String[] inputs, String[] outputs, String op, byte[]... attrs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String i : inputs) {
      out.writeBytes(str(1, i));
    }
    for (String o : outputs) {
      out.writeBytes(str(2, o));
    }
    out.writeBytes(str(3, op + "_node"));
    out.writeBytes(str(4, op));
    for (byte[] a : attrs) {
      out.writeBytes(field(5, a));
    }
    return out.toByteArray();
  }

  private static byte[] attrInts(String name, long... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(str(1, name));
    for (long v : values) {
      out.writeBytes(varintField(8, v));
    }
    out.writeBytes(varintField(20, 7)); // AttributeType.INTS
    return out.toByteArray();
  }

  private static byte[] attrInt(String name, long value) {
    return concat(str(1, name), varintField(3, value), varintField(20, 2)); // AttributeType.INT
  }

  private static byte[] floatTensor(String name, long[] dims, float[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long d : dims) {
      out.writeBytes(varintField(1, d));
    }
    out.writeBytes(varintField(2, FLOAT));
    out.writeBytes(str(8, name));
    ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : data) {
      raw.putFloat(f);
    }
    out.writeBytes(field(9, raw.array()));
    return out.toByteArray();
  }

  /** A tensor value info; a negative dimension is symbolic ("N"). */
  private static byte[] valueInfo(String name, int elemType, long... dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : dims) {
      shape.writeBytes(field(1, d < 0 ? str(2, "N") : varintField(1, d)));
    }
    byte[] tensor = concat(varintField(1, elemType), field(2, shape.toByteArray()));
    byte[] type = field(1, tensor);
    return concat(str(1, name), field(2, type));
  }

  private static byte[] str(int field, String s) {
    return field(field, s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] field(int field, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, ((long) field << 3) | 2);
    varint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] varintField(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (long) field << 3);
    varint(out, value);
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
