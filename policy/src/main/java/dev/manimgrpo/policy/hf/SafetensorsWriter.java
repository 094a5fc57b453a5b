package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes one safetensors file the way the format's reference implementation lays it out: an
 * 8-byte little-endian header length, the header JSON ({@code __metadata__} first, then each tensor's
 * {@code dtype}, {@code shape} and {@code data_offsets}) padded with spaces to a multiple of 8 so
 * the data starts aligned, then the tensors back to back in the order they were added (callers that
 * want the reference writer's order add them sorted by name).
 *
 * <p>Arrays are converted while written, a chunk at a time, so a file costs no heap copy of its
 * data: F32 bit for bit, BF16 and F16 rounded to nearest even as torch's {@code .to(dtype)} does.
 * {@link #raw} adds bytes as they are (tests use it for any dtype name, even an invalid one).
 */
public final class SafetensorsWriter {

  /** The metadata transformers writes and checks for: {@code {"format": "pt"}}. */
  public static final String FORMAT_KEY = "format";
  public static final String FORMAT_PT = "pt";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_VALUES = 1 << 18;

  /** One tensor: an array converted on write, or raw bytes under a dtype name. */
  private record Entry(String dtype, long[] shape, INDArray array, byte[] raw) {
    long bytes() {
      if (raw != null) {
        return raw.length;
      }
      return array.length() * (SafetensorsDtype.parse(dtype).bits() / 8);
    }
  }

  private final Map<String, Entry> tensors = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** A tensor written as {@code dtype} (F32, BF16 or F16), converted from the array's values. */
  public SafetensorsWriter tensor(String name, SafetensorsDtype dtype, INDArray a) {
    if (!dtype.readable()) {
      throw new IllegalArgumentException("cannot write " + name + " as " + dtype + "; writable: "
          + SafetensorsDtype.readableNames());
    }
    return put(name, new Entry(dtype.name(), a.shape().clone(), a, null));
  }

  public SafetensorsWriter f32(String name, INDArray a) {
    return tensor(name, SafetensorsDtype.F32, a);
  }

  public SafetensorsWriter bf16(String name, INDArray a) {
    return tensor(name, SafetensorsDtype.BF16, a);
  }

  public SafetensorsWriter f16(String name, INDArray a) {
    return tensor(name, SafetensorsDtype.F16, a);
  }

  /** A tensor's raw little-endian bytes under any dtype name, unchecked. */
  public SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] bytes) {
    return put(name, new Entry(dtype, shape.clone(), null, bytes));
  }

  private SafetensorsWriter put(String name, Entry e) {
    if (name.equals(SafetensorsFile.METADATA_KEY) || tensors.containsKey(name)) {
      throw new IllegalArgumentException("tensor name \"" + name + "\" is reserved or added twice");
    }
    tensors.put(name, e);
    return this;
  }

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** The bytes of tensor data (the file less its header). */
  public long dataBytes() {
    return tensors.values().stream().mapToLong(Entry::bytes).sum();
  }

  /** The header as the reference writer makes it (offsets back to back). */
  public ObjectNode header() {
    ObjectNode h = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = h.putObject(SafetensorsFile.METADATA_KEY);
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, Entry> e : tensors.entrySet()) {
      ObjectNode t = h.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      ArrayNode offsets = t.putArray("data_offsets");
      offsets.add(offset);
      offset += e.getValue().bytes();
      offsets.add(offset);
    }
    return h;
  }

  /** The length prefix and the header, padded with spaces to a multiple of 8 as the reference does. */
  public static byte[] headerBytes(String headerJson) {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(h);
    while (b.hasRemaining()) {
      b.put((byte) ' ');
    }
    return b.array();
  }

  /** Writes the whole file to a stream (left open). */
  public void writeTo(OutputStream out) throws IOException {
    out.write(headerBytes(JSON.writeValueAsString(header())));
    for (Entry e : tensors.values()) {
      if (e.raw() != null) {
        out.write(e.raw());
      } else {
        writeConverted(e.array(), SafetensorsDtype.parse(e.dtype()), out);
      }
    }
  }

  /** Writes the file next to its destination and renames it there, so a reader never sees half. */
  public Path write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        writeTo(out);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The tensor data as one array (small files in tests). */
  byte[] data() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Entry e : tensors.values()) {
        if (e.raw() != null) {
          out.write(e.raw());
        } else {
          writeConverted(e.array(), SafetensorsDtype.parse(e.dtype()), out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A file with the given header and data, however inconsistent they are (tests damage files so). */
  static Path write(Path file, ObjectNode header, byte[] data) throws IOException {
    return write(file, JSON.writeValueAsString(header), data);
  }

  static Path write(Path file, String headerJson, byte[] data) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(headerBytes(headerJson));
      out.write(data);
    }
    return file;
  }

  private static void writeConverted(INDArray a, SafetensorsDtype dtype, OutputStream out)
      throws IOException {
    INDArray flat = (a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT)).reshape('c', new long[] {a.length()});
    long n = flat.length();
    int width = dtype.bits() / 8;
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, CHUNK_VALUES) * width)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (long from = 0; from < n; from += CHUNK_VALUES) {
      int count = (int) Math.min(CHUNK_VALUES, n - from);
      float[] v = count == n ? flat.toFloatVector()
          : flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + count)).toFloatVector();
      b.clear();
      encode(v, dtype, b);
      out.write(b.array(), 0, b.position());
    }
  }

  /** Appends the values as little-endian {@code dtype} (F32, BF16, F16). */
  static void encode(float[] values, SafetensorsDtype dtype, ByteBuffer out) {
    switch (dtype) {
      case F32 -> {
        for (float f : values) {
          out.putFloat(f);
        }
      }
      case BF16 -> {
        for (float f : values) {
          out.putShort(floatToBf16(f));
        }
      }
      case F16 -> {
        for (float f : values) {
          out.putShort(floatToHalf(f));
        }
      }
      default -> throw new IllegalArgumentException("cannot write " + dtype);
    }
  }

  /** float32 to bfloat16, rounded to nearest even; NaN stays a quiet NaN (as torch does). */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /**
   * float32 to IEEE 754 binary16, rounded to nearest even: subnormal halves for tiny values,
   * infinity past 65504 (rounded), NaN kept quiet.
   */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      // value = m * 2^(e - 38); a subnormal half counts units of 2^-24.
      int m = mantissa | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++; // may carry into the smallest normal: the right encoding
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into infinity: the right encoding
    }
    return (short) (sign | half);
  }
}
