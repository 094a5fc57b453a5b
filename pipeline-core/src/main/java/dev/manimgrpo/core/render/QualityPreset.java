package dev.manimgrpo.core.render;

import java.util.Locale;

/**
 * Manim CE's quality presets ({@code manim.constants.QUALITIES}): the pixel size and frame rate
 * a render must have, against which the host checks what a worker sends.
 */
enum QualityPreset {
  FOURK_QUALITY(3840, 2160, 60),
  PRODUCTION_QUALITY(2560, 1440, 60),
  HIGH_QUALITY(1920, 1080, 60),
  MEDIUM_QUALITY(1280, 720, 30),
  LOW_QUALITY(854, 480, 15),
  EXAMPLE_QUALITY(854, 480, 30);

  final int pixelWidth;
  final int pixelHeight;
  final int frameRate;

  QualityPreset(int pixelWidth, int pixelHeight, int frameRate) {
    this.pixelWidth = pixelWidth;
    this.pixelHeight = pixelHeight;
    this.frameRate = frameRate;
  }

  static QualityPreset of(String configName) {
    return valueOf(configName.toUpperCase(Locale.ROOT));
  }

  /** {width, height} of reward-profile frames: the worker subsamples to {@code width} columns. */
  int[] frameSize(int width) {
    if (width > 0 && width < pixelWidth) {
      double step = (double) pixelWidth / width;
      return new int[] {width, (int) Math.rint(pixelHeight / step)};
    }
    return new int[] {pixelWidth, pixelHeight};
  }

  /** {width, height} of frames decoded from a video: scaled to {@code width}, height rounded half up. */
  int[] videoSize(int width) {
    if (width > 0 && width < pixelWidth) {
      return new int[] {width, (int) Math.floor(pixelHeight * (double) width / pixelWidth + 0.5)};
    }
    return new int[] {pixelWidth, pixelHeight};
  }
}
