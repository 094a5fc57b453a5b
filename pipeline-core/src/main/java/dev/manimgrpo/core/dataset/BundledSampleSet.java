package dev.manimgrpo.core.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's own sample set in ManimBench's schema, written for this project (ManimBench
 * itself is CC BY-NC-SA and not shipped). Its sources are {@code manimbench-sample/samples.yaml}
 * and one scene file per sample on the class path; {@code data/manimbench-sample.parquet} in
 * the repository is the same set exported as Parquet.
 */
public final class BundledSampleSet {

  static final String INDEX = "/manimbench-sample/samples.yaml";

  private BundledSampleSet() {}

  /** All bundled samples, validated like any ManimBench file. */
  public static List<ManimBenchSample> load() {
    List<Map<String, String>> rows = new ArrayList<>();
    for (Entry e : entries()) {
      Map<String, String> m = new HashMap<>();
      m.put(ManimBenchSchema.GENERATED_DESCRIPTION, e.generatedDescription());
      m.put(ManimBenchSchema.REVIEWED_DESCRIPTION, e.reviewedDescription());
      m.put(ManimBenchSchema.CODE, e.code());
      m.put(ManimBenchSchema.TYPE, e.type());
      m.put(ManimBenchSchema.SPLIT, e.split());
      rows.add(m);
    }
    return ManimBenchValidator.validate("bundled sample set", rows, ManimBenchSchema.REVIEWED_DESCRIPTION);
  }

  /**
   * One entry of the index with its readable name.
   *
   * @param name the file's stem, e.g. {@code basic_01_hello_text}
   */
  public record Entry(String name, String type, String split, String generatedDescription,
      String reviewedDescription, String code) {}

  /** The index entries with their code, in index order. */
  public static List<Entry> entries() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode index;
    try (InputStream in = BundledSampleSet.class.getResourceAsStream(INDEX)) {
      if (in == null) {
        throw new IllegalStateException("bundled sample index " + INDEX + " is missing from the class path");
      }
      index = yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Entry> out = new ArrayList<>();
    for (JsonNode n : index) {
      String file = n.path("file").asText();
      String resource = "/manimbench-sample/" + file;
      try (InputStream in = BundledSampleSet.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("sample " + n.path("id").asText() + " names " + file + ", which is missing");
        }
        out.add(new Entry(n.path("id").asText(), n.path("type").asText(), n.path("split").asText(),
            n.path("generated_description").asText(), n.path("reviewed_description").asText(),
            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
