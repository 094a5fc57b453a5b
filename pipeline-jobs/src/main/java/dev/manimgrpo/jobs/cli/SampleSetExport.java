package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Writes samples as exactly one Parquet file (Spark writes folders of parts). */
final class SampleSetExport {

  private SampleSetExport() {}

  static int writeSingleFile(SparkSession spark, List<ManimBenchSample> samples, Path out) throws IOException {
    Path tmp = Files.createTempDirectory("manimbench-export");
    try {
      Path dir = tmp.resolve("parts");
      ManimBenchLoader.toDataFrame(spark, samples).coalesce(1).write().mode(SaveMode.Overwrite)
          .option("compression", "zstd").parquet(dir.toString());
      Path part;
      try (Stream<Path> files = Files.list(dir)) {
        part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
            .orElseThrow(() -> new IOException("Spark wrote no Parquet part in " + dir));
      }
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.copy(part, out, StandardCopyOption.REPLACE_EXISTING);
      return samples.size();
    } finally {
      try (Stream<Path> walk = Files.walk(tmp)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
