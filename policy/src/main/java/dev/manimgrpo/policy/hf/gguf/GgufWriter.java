package dev.manimgrpo.policy.hf.gguf;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a GGUF version 3 file (the layout of llama.cpp's {@code docs/gguf.md} and {@code gguf-py}):
 * magic {@code GGUF}, version, tensor and key-value counts, the typed key-values, one info per tensor
 * (name, dimensions innermost first, type, offset into the data section), padding to {@link
 * #ALIGNMENT}, then each tensor's data padded to {@link #ALIGNMENT}. All little-endian. Tensor data is
 * read from its {@link TensorData} only while the file is written, one tensor at a time.
 */
public final class GgufWriter {

  /** {@code general.alignment}'s default, which this writer uses (and so does not write). */
  public static final int ALIGNMENT = 32;
  static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
  static final int VERSION = 3;

  /** GGUF metadata value types ({@code GGUFValueType}). */
  enum ValueType {
    UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64
  }

  /** ggml tensor types this writer stores ({@code GGMLQuantizationType}: F32 = 0, F16 = 1). */
  public enum TensorType {
    F32(0, 4), F16(1, 2);

    final int id;
    final int bytes;

    TensorType(int id, int bytes) {
      this.id = id;
      this.bytes = bytes;
    }
  }

  /** A tensor's values, row-major in its (numpy-order) shape, read when the file is written. */
  @FunctionalInterface
  public interface TensorData {
    float[] read() throws IOException;
  }

  private record Tensor(String name, long[] shape, TensorType type, TensorData data) {
    long elements() {
      return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    long bytes() {
      return elements() * type.bytes;
    }
  }

  private final Le kv = new Le();
  private final Set<String> keys = new LinkedHashSet<>();
  private final List<Tensor> tensors = new ArrayList<>();
  private final Set<String> tensorNames = new LinkedHashSet<>();

  public GgufWriter putString(String key, String value) {
    key(key, ValueType.STRING);
    kv.string(value);
    return this;
  }

  public GgufWriter putUint32(String key, long value) {
    if (value < 0 || value > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(key + ": " + value + " is not a uint32");
    }
    key(key, ValueType.UINT32);
    kv.i32((int) value);
    return this;
  }

  public GgufWriter putFloat32(String key, double value) {
    key(key, ValueType.FLOAT32);
    kv.f32((float) value);
    return this;
  }

  public GgufWriter putBool(String key, boolean value) {
    key(key, ValueType.BOOL);
    kv.u8(value ? 1 : 0);
    return this;
  }

  public GgufWriter putStrings(String key, List<String> values) {
    key(key, ValueType.ARRAY);
    kv.i32(ValueType.STRING.ordinal());
    kv.i64(values.size());
    values.forEach(kv::string);
    return this;
  }

  public GgufWriter putInt32s(String key, int[] values) {
    key(key, ValueType.ARRAY);
    kv.i32(ValueType.INT32.ordinal());
    kv.i64(values.length);
    for (int v : values) {
      kv.i32(v);
    }
    return this;
  }

  /**
   * Adds a tensor.
   *
   * @param shape its shape as numpy / safetensors write it (outermost first); GGUF stores it reversed
   */
  public GgufWriter tensor(String name, long[] shape, TensorType type, TensorData data) {
    if (!tensorNames.add(name)) {
      throw new IllegalArgumentException("tensor " + name + " added twice");
    }
    if (shape.length == 0 || shape.length > 4) {
      throw new IllegalArgumentException("tensor " + name + " has " + shape.length + " dimensions; ggml has 1 to 4");
    }
    tensors.add(new Tensor(name, shape.clone(), type, data));
    return this;
  }

  private void key(String key, ValueType type) {
    if (!keys.add(key)) {
      throw new IllegalArgumentException("metadata key " + key + " set twice");
    }
    kv.string(key);
    kv.i32(type.ordinal());
  }

  /** Writes the file (replacing one that is there). */
  public void write(Path file) throws IOException {
    Le head = new Le();
    head.i32(MAGIC);
    head.i32(VERSION);
    head.i64(tensors.size());
    head.i64(keys.size());
    head.bytes(kv.toByteArray());
    long offset = 0;
    for (Tensor t : tensors) {
      head.string(t.name());
      head.i32(t.shape().length);
      for (int d = t.shape().length - 1; d >= 0; d--) {
        head.i64(t.shape()[d]);
      }
      head.i32(t.type().id);
      head.i64(offset);
      offset = align(offset + t.bytes());
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      byte[] h = head.toByteArray();
      out.write(h);
      long written = pad(out, h.length);
      for (Tensor t : tensors) {
        float[] values = t.data().read();
        if (values.length != t.elements()) {
          throw new IllegalArgumentException("tensor " + t.name() + " has " + values.length + " values, its shape "
              + Arrays.toString(t.shape()) + " needs " + t.elements());
        }
        byte[] bytes = encode(values, t.type());
        out.write(bytes);
        written = pad(out, written + bytes.length);
      }
    }
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static long pad(OutputStream out, long position) throws IOException {
    long aligned = align(position);
    out.write(new byte[(int) (aligned - position)]);
    return aligned;
  }

  private static byte[] encode(float[] values, TensorType type) {
    ByteBuffer b = ByteBuffer.allocate(values.length * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (type == TensorType.F32) {
      b.asFloatBuffer().put(values);
    } else {
      for (float v : values) {
        b.putShort(Half.fromFloat(v));
      }
    }
    return b.array();
  }

  /** A growing little-endian byte buffer. */
  private static final class Le {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void u8(int v) {
      out.write(v);
    }

    void i32(int v) {
      scratch.clear();
      out.write(scratch.putInt(v).array(), 0, 4);
    }

    void i64(long v) {
      scratch.clear();
      out.write(scratch.putLong(v).array(), 0, 8);
    }

    void f32(float v) {
      i32(Float.floatToRawIntBits(v));
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i64(b.length);
      out.write(b, 0, b.length);
    }

    void bytes(byte[] b) {
      out.write(b, 0, b.length);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
