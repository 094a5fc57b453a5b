package dev.manimgrpo.policy.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The binary format of {@code weights.bin} and {@code optimizer.bin}: named float32/float64
 * tensors (and int64 ones, such as an optimizer's step counter), loaded back bit for bit. All integers are little-endian.
 *
 * <pre>
 * magic    8 bytes   ASCII "MGTENSR1" (format name and version)
 * count    int32     number of tensors
 * then per tensor, in the map's order:
 *   nameLen  int32     length of the name in bytes
 *   name     nameLen   UTF-8
 *   dtype    uint8     1 = float32, 2 = float64, 3 = int64
 *   rank     int32     0 for a scalar
 *   shape    rank x int64
 *   data     product(shape) x 4 or 8 bytes, IEEE 754 little-endian, C (row-major) order
 * </pre>
 *
 * An empty tensor (a 0 in its shape) has no data bytes. Nothing follows the last tensor.
 * Reading is bounded by the file's size, so a damaged count or shape cannot allocate wildly.
 */
public final class NamedTensorFormat {

  static final byte[] MAGIC = "MGTENSR1".getBytes(StandardCharsets.US_ASCII);
  static final int FLOAT32 = 1;
  static final int FLOAT64 = 2;
  static final int INT64 = 3;
  private static final int MAX_RANK = 32;
  private static final int MAX_NAME_BYTES = 1 << 16;
  private static final int CHUNK = 1 << 16;

  private NamedTensorFormat() {}

  /** Writes the tensors in the map's iteration order. Views and 'f'-order arrays are written in C order. */
  public static void write(Map<String, INDArray> tensors, OutputStream out) throws IOException {
    out.write(MAGIC);
    writeInt(out, tensors.size());
    for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
      String name = e.getKey();
      INDArray a = e.getValue();
      if (name == null || a == null) {
        throw new IllegalArgumentException("tensor map holds a null name or tensor (" + name + ")");
      }
      int dtype = switch (a.dataType()) {
        case FLOAT -> FLOAT32;
        case DOUBLE -> FLOAT64;
        case LONG -> INT64;
        default -> throw new IllegalArgumentException("tensor '" + name + "' is " + a.dataType()
            + "; checkpoints hold FLOAT, DOUBLE or LONG tensors: cast it with castTo(DataType.FLOAT)");
      };
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      writeInt(out, n.length);
      out.write(n);
      out.write(dtype);
      long[] shape = a.shape();
      writeInt(out, shape.length);
      ByteBuffer dims = ByteBuffer.allocate(8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
      for (long d : shape) {
        dims.putLong(d);
      }
      out.write(dims.array());
      if (a.length() > 0) {
        writeData(out, a, dtype);
      }
    }
  }

  /**
   * Reads tensors written by {@link #write}.
   *
   * @param size the file's size in bytes, bounding what a damaged header may ask for
   * @return the tensors in file order, unmodifiable
   */
  public static Map<String, INDArray> read(InputStream in, long size) throws IOException {
    byte[] magic = readFully(in, MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a named-tensor file: it starts with " + Arrays.toString(magic) + ", expected \"MGTENSR1\"");
    }
    long remaining = size - MAGIC.length;
    int count = readInt(in);
    if (count < 0 || count > remaining) {
      throw new IOException("tensor count " + count + " is impossible for a file of " + size + " bytes");
    }
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (int t = 0; t < count; t++) {
      int nameLen = readInt(in);
      if (nameLen < 0 || nameLen > MAX_NAME_BYTES) {
        throw new IOException("tensor " + t + " has a name of " + nameLen + " bytes");
      }
      String name = new String(readFully(in, nameLen), StandardCharsets.UTF_8);
      int dtype = readFully(in, 1)[0];
      if (dtype != FLOAT32 && dtype != FLOAT64 && dtype != INT64) {
        throw new IOException("tensor '" + name + "' has dtype code " + dtype + " (1 = float32, 2 = float64, 3 = int64)");
      }
      int rank = readInt(in);
      if (rank < 0 || rank > MAX_RANK) {
        throw new IOException("tensor '" + name + "' has rank " + rank);
      }
      ByteBuffer dims = ByteBuffer.wrap(readFully(in, 8 * rank)).order(ByteOrder.LITTLE_ENDIAN);
      long[] shape = new long[rank];
      long length = 1;
      for (int i = 0; i < rank; i++) {
        shape[i] = dims.getLong();
        if (shape[i] < 0) {
          throw new IOException("tensor '" + name + "' has shape " + Arrays.toString(shape));
        }
        length = shape[i] == 0 ? 0 : (length == 0 ? 0 : Math.multiplyExact(length, shape[i]));
      }
      int width = dtype == FLOAT32 ? 4 : 8;
      if (length > remaining / width || length > Integer.MAX_VALUE - 8) {
        throw new IOException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " cannot fit in a file of " + size + " bytes");
      }
      if (out.put(name, readData(in, shape, (int) length, dtype)) != null) {
        throw new IOException("tensor name '" + name + "' appears twice");
      }
    }
    if (in.read() != -1) {
      throw new IOException("bytes follow the last of " + count + " tensors");
    }
    return Collections.unmodifiableMap(out);
  }

  private static void writeData(OutputStream out, INDArray a, int dtype) throws IOException {
    // dup('c') gives a dense row-major copy with its own buffer, whatever view or order 'a' is
    INDArray c = a.dup('c');
    int len = Math.toIntExact(a.length());
    ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
    if (dtype == FLOAT32) {
      float[] v = c.data().asFloat();
      for (int off = 0; off < len; off += CHUNK) {
        int n = Math.min(CHUNK, len - off);
        buf.clear();
        buf.asFloatBuffer().put(v, off, n);
        out.write(buf.array(), 0, n * 4);
      }
    } else if (dtype == INT64) {
      long[] v = c.data().asLong();
      for (int off = 0; off < len; off += CHUNK) {
        int n = Math.min(CHUNK, len - off);
        buf.clear();
        buf.asLongBuffer().put(v, off, n);
        out.write(buf.array(), 0, n * 8);
      }
    } else {
      double[] v = c.data().asDouble();
      for (int off = 0; off < len; off += CHUNK) {
        int n = Math.min(CHUNK, len - off);
        buf.clear();
        buf.asDoubleBuffer().put(v, off, n);
        out.write(buf.array(), 0, n * 8);
      }
    }
  }

  private static INDArray readData(InputStream in, long[] shape, int length, int dtype) throws IOException {
    DataType type = dtype == FLOAT32 ? DataType.FLOAT : dtype == INT64 ? DataType.LONG : DataType.DOUBLE;
    if (length == 0) {
      return Nd4j.create(type, shape);
    }
    byte[] chunk = new byte[CHUNK * 8];
    if (dtype == INT64) {
      long[] v = new long[length];
      for (int off = 0; off < length; off += CHUNK) {
        int n = Math.min(CHUNK, length - off);
        readFully(in, chunk, n * 8);
        ByteBuffer.wrap(chunk, 0, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v, off, n);
      }
      return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape('c', shape);
    }
    if (dtype == FLOAT32) {
      float[] v = new float[length];
      for (int off = 0; off < length; off += CHUNK) {
        int n = Math.min(CHUNK, length - off);
        readFully(in, chunk, n * 4);
        ByteBuffer.wrap(chunk, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v, off, n);
      }
      return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, 'c');
    }
    double[] v = new double[length];
    for (int off = 0; off < length; off += CHUNK) {
      int n = Math.min(CHUNK, length - off);
      readFully(in, chunk, n * 8);
      ByteBuffer.wrap(chunk, 0, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v, off, n);
    }
    return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, 'c');
  }

  private static void writeInt(OutputStream out, int v) throws IOException {
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
  }

  private static int readInt(InputStream in) throws IOException {
    return ByteBuffer.wrap(readFully(in, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = new byte[n];
    readFully(in, b, n);
    return b;
  }

  private static void readFully(InputStream in, byte[] b, int n) throws IOException {
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("file ends inside a tensor (" + off + " of " + n + " bytes read)");
      }
      off += r;
    }
  }
}
