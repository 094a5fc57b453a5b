package dev.manimgrpo.core.code;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds top-level classes whose bases name a Scene ({@code Scene}, {@code ThreeDScene},
 * {@code MovingCameraScene}, ...) without running the code. The render worker makes the
 * authoritative choice with the real interpreter (it also sees scenes built by inheritance
 * chains); this static view serves extraction and pre-checks.
 */
public final class SceneClassFinder {

  private static final Pattern CLASS = Pattern.compile("(?m)^class\\s+([A-Za-z_]\\w*)\\s*\\(([^)]*)\\)\\s*:");

  private SceneClassFinder() {}

  /** Names of the top-level Scene subclasses, in source order. */
  public static List<String> find(String code) {
    List<String> names = new ArrayList<>();
    Matcher m = CLASS.matcher(code);
    while (m.find()) {
      for (String base : m.group(2).split(",")) {
        String b = base.strip();
        int dot = b.lastIndexOf('.');
        if (dot >= 0) {
          b = b.substring(dot + 1);
        }
        if (b.endsWith("Scene")) {
          names.add(m.group(1));
          break;
        }
      }
    }
    return names;
  }
}
