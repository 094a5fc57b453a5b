package dev.manimgrpo.policy.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One safetensors file, read tensor by tensor through a {@link RandomAccessInput}.
 *
 * <pre>
 * header length   8 bytes, unsigned little-endian N
 * header          N bytes of UTF-8 JSON (possibly padded with spaces):
 *                 {"__metadata__": {string: string}?,
 *                  name: {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
 * data            the tensors' bytes, little-endian, C (row-major) order; offsets are relative
 *                 to the start of this section
 * </pre>
 *
 * <p>Opening reads and checks only the header, as the format's reference implementation does:
 * a known dtype per tensor, a byte range of exactly {@code elements * width}, ranges that neither
 * overlap nor leave gaps, the last one ending at the end of the file, no duplicate names, a header
 * of at most {@value #MAX_HEADER_BYTES} bytes. Every error names the file and the tensor.
 *
 * <p>{@link #readFloat32} streams one tensor in {@value #CHUNK_BYTES}-byte chunks straight into a
 * {@code float[]} (the only heap copy) and hands it to ND4J; F32, BF16 and F16 are converted
 * exactly, every other type is refused.
 */
public final class SafetensorsFile implements Closeable {

  /** The reference implementation's limit on the header, which also bounds a damaged length. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  static final String METADATA_KEY = "__metadata__";
  private static final int CHUNK_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final RandomAccessInput input;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsFile(RandomAccessInput input, long dataStart, Map<String, String> metadata,
      Map<String, TensorInfo> tensors) {
    this.input = input;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  public static SafetensorsFile open(Path file) throws IOException {
    return open(LocalFileInput.open(file));
  }

  /** Reads and checks the header; the file then owns {@code input} and closes it. */
  public static SafetensorsFile open(RandomAccessInput input) throws IOException {
    try {
      return readHeader(input);
    } catch (IOException | RuntimeException e) {
      input.close();
      throw e;
    }
  }

  private static SafetensorsFile readHeader(RandomAccessInput input) throws IOException {
    String where = input.location();
    long size = input.size();
    if (size < 8) {
      throw new SafetensorsFormatException(where + " is not a safetensors file: " + size
          + " bytes, shorter than the 8-byte header length");
    }
    byte[] lengthBytes = new byte[8];
    input.readFully(0, lengthBytes, 0, 8);
    long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
      throw new SafetensorsFormatException(where + " is not a safetensors file: its header length "
          + Long.toUnsignedString(headerLength) + " is impossible (file of " + size
          + " bytes, at most " + MAX_HEADER_BYTES + " header bytes)");
    }
    byte[] headerBytes = new byte[(int) headerLength];
    input.readFully(8, headerBytes, 0, headerBytes.length);
    if (headerBytes[0] != '{') {
      throw new SafetensorsFormatException(where + " is not a safetensors file: its header does "
          + "not start with '{'");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new SafetensorsFormatException(where + ": the safetensors header is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new SafetensorsFormatException(where + ": the safetensors header is not a JSON object");
    }
    long dataStart = 8 + headerLength;
    long dataLength = size - dataStart;
    Map<String, String> metadata = Map.of();
    List<TensorInfo> list = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals(METADATA_KEY)) {
        metadata = metadata(where, e.getValue());
      } else {
        list.add(tensorInfo(where, e.getKey(), e.getValue(), dataLength));
      }
    }
    checkLayout(where, list, dataLength);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (TensorInfo t : list) {
      tensors.put(t.name(), t);
    }
    return new SafetensorsFile(input, dataStart, metadata, Collections.unmodifiableMap(tensors));
  }

  private static Map<String, String> metadata(String where, JsonNode node) throws IOException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(where + ": \"" + METADATA_KEY
          + "\" must be an object of strings, got " + node.getNodeType());
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new SafetensorsFormatException(where + ": metadata entry \"" + e.getKey()
            + "\" must be a string, got " + e.getValue().getNodeType());
      }
      m.put(e.getKey(), e.getValue().asText());
    }
    return Collections.unmodifiableMap(m);
  }

  private static TensorInfo tensorInfo(String where, String name, JsonNode node, long dataLength)
      throws IOException {
    String prefix = where + ": tensor \"" + name + "\"";
    if (!node.isObject()) {
      throw new SafetensorsFormatException(prefix + " must be an object with dtype, shape and "
          + "data_offsets");
    }
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsetsNode = node.get("data_offsets");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new SafetensorsFormatException(prefix + " has no dtype string");
    }
    SafetensorsDtype dtype;
    try {
      dtype = SafetensorsDtype.parse(dtypeNode.asText());
    } catch (IllegalArgumentException e) {
      throw new SafetensorsFormatException(prefix + ": " + e.getMessage());
    }
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new SafetensorsFormatException(prefix + " has no shape array");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
        throw new SafetensorsFormatException(prefix + " has shape " + shapeNode
            + ": dimensions must be non-negative integers");
      }
      shape[i] = d.asLong();
    }
    if (offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2
        || !offsetsNode.get(0).canConvertToExactIntegral()
        || !offsetsNode.get(1).canConvertToExactIntegral()
        || !offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()) {
      throw new SafetensorsFormatException(prefix + " has data_offsets " + offsetsNode
          + ", expected [begin, end]");
    }
    long begin = offsetsNode.get(0).asLong();
    long end = offsetsNode.get(1).asLong();
    if (begin < 0 || end < begin) {
      throw new SafetensorsFormatException(prefix + " has data_offsets [" + begin + ", " + end
          + "]: need 0 <= begin <= end");
    }
    if (end > dataLength) {
      throw new SafetensorsFormatException(prefix + " ends at data byte " + end
          + " but the data section has " + dataLength + " bytes (truncated file?)");
    }
    long bits;
    try {
      long elements = 1;
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      bits = Math.multiplyExact(elements, (long) dtype.bits());
    } catch (ArithmeticException e) {
      throw new SafetensorsFormatException(prefix + " has an impossibly large shape "
          + shapeNode);
    }
    if (bits % 8 != 0 || bits / 8 != end - begin) {
      throw new SafetensorsFormatException(prefix + " is " + dtype + shapeNode + " = "
          + (bits / 8.0) + " bytes but data_offsets [" + begin + ", " + end + "] hold "
          + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** Ranges sorted by offset must tile the data section exactly, as the format requires. */
  private static void checkLayout(String where, List<TensorInfo> list, long dataLength)
      throws IOException {
    list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : list) {
      if (t.begin() < expected) {
        throw new SafetensorsFormatException(where + ": tensor \"" + t.name() + "\" [" + t.begin()
            + ", " + t.end() + ") overlaps tensor \"" + previous.name() + "\" [" + previous.begin()
            + ", " + previous.end() + ")");
      }
      if (t.begin() > expected) {
        throw new SafetensorsFormatException(where + ": " + (t.begin() - expected)
            + " unused bytes before tensor \"" + t.name() + "\" (data offset " + expected + " to "
            + t.begin() + "); the format allows no gaps");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataLength) {
      throw new SafetensorsFormatException(where + ": " + (dataLength - expected)
          + " bytes follow the last tensor" + (previous == null ? "" : " \"" + previous.name()
          + "\"") + "; the data section has " + dataLength + " bytes, the tensors cover "
          + expected);
    }
  }

  public String location() {
    return input.location();
  }

  /** The header's {@code __metadata__} (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensor names in data order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tensor \"" + name + "\" in " + location());
    }
    return t;
  }

  /**
   * The tensor as a float32 array of its shape (a scalar for shape {@code []}). F32 is copied
   * bit for bit; BF16 and F16 are widened exactly.
   *
   * @throws SafetensorsFormatException for any other dtype, naming it and the readable ones
   */
  public INDArray readFloat32(String name) throws IOException {
    TensorInfo t = info(name);
    if (!t.dtype().readable()) {
      throw new SafetensorsFormatException(location() + ": tensor \"" + name + "\" is "
          + t.dtype() + "; only " + SafetensorsDtype.readableNames()
          + " tensors can be read as float32");
    }
    long elements = t.elements();
    if (elements > Integer.MAX_VALUE - 8) {
      throw new SafetensorsFormatException(location() + ": tensor \"" + name + "\" has "
          + elements + " elements, more than one Java array holds");
    }
    long[] shape = t.shape();
    if (elements == 0) {
      return Nd4j.create(DataType.FLOAT, shape);
    }
    float[] values = new float[(int) elements];
    int width = t.dtype().bits() / 8;
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, t.byteLength())];
    long position = dataStart + t.begin();
    int done = 0;
    while (done < values.length) {
      int n = Math.min(chunk.length / width, values.length - done);
      input.readFully(position, chunk, 0, n * width);
      decode(t.dtype(), chunk, n, values, done);
      position += (long) n * width;
      done += n;
    }
    return shape.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c');
  }

  private static void decode(SafetensorsDtype dtype, byte[] bytes, int n, float[] out, int at) {
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, n * (dtype.bits() / 8)).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> b.asFloatBuffer().get(out, at, n);
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = halfToFloat(b.getShort() & 0xffff);
        }
      }
      default -> throw new IllegalStateException("not readable: " + dtype);
    }
  }

  /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN payloads kept). */
  static float halfToFloat(int half) {
    int sign = (half >>> 15) & 1;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0) {
      float magnitude = Math.scalb((float) mantissa, -24);
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat((sign << 31) | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat((sign << 31) | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
