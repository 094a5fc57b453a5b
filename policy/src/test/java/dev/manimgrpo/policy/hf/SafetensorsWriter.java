package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes safetensors files for the tests, the way the format's reference implementation lays them
 * out (header padded with spaces to a multiple of 8, tensors back to back in insertion order),
 * and lets a test damage the header or the data.
 */
final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor: its dtype name, shape and raw little-endian bytes. */
  record Raw(String dtype, long[] shape, byte[] bytes) {}

  private final Map<String, Raw> tensors = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  SafetensorsWriter f32(String name, INDArray a) {
    float[] v = a.dup('c').data().asFloat();
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return raw(name, "F32", a.shape(), b.array());
  }

  /** BF16 by truncating float32 (exact for values that are bf16 already). */
  SafetensorsWriter bf16(String name, INDArray a) {
    float[] v = a.dup('c').data().asFloat();
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
    }
    return raw(name, "BF16", a.shape(), b.array());
  }

  SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] bytes) {
    tensors.put(name, new Raw(dtype, shape, bytes));
    return this;
  }

  SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** The header as the reference writer makes it (offsets back to back). */
  ObjectNode header() {
    ObjectNode h = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode m = h.putObject(SafetensorsFile.METADATA_KEY);
      metadata.forEach(m::put);
    }
    long offset = 0;
    for (Map.Entry<String, Raw> e : tensors.entrySet()) {
      ObjectNode t = h.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype());
      ArrayNode shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      ArrayNode offsets = t.putArray("data_offsets");
      offsets.add(offset);
      offset += e.getValue().bytes().length;
      offsets.add(offset);
    }
    return h;
  }

  byte[] data() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tensors.values().forEach(r -> out.writeBytes(r.bytes()));
    return out.toByteArray();
  }

  Path write(Path file) throws IOException {
    return write(file, header(), data());
  }

  /** A file with the given header and data, however inconsistent they are. */
  static Path write(Path file, ObjectNode header, byte[] data) throws IOException {
    return write(file, JSON.writeValueAsString(header), data);
  }

  static Path write(Path file, String headerJson, byte[] data) throws IOException {
    byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    out.writeBytes(h);
    for (int i = h.length; i < padded; i++) {
      out.write(' ');
    }
    out.writeBytes(data);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, out.toByteArray());
    return file;
  }
}
