package dev.manimgrpo.core.agent.docs;

import dev.manimgrpo.core.agent.ApiDoc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** 64 real entries of manim 0.21.0's API (docstrings cut to about 220 characters), read once. */
final class ApiDocFixture {

  static final String RESOURCE = "api_dump_sample.json";
  private static final ApiDump DUMP = load();

  private ApiDocFixture() {}

  static String manimVersion() {
    return DUMP.manimVersion();
  }

  static List<ApiDoc> entries() {
    return DUMP.entries();
  }

  private static ApiDump load() {
    try (InputStream in = ApiDocFixture.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + RESOURCE);
      }
      return ApiDump.read(in, RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
