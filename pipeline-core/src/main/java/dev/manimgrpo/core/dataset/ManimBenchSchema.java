package dev.manimgrpo.core.dataset;

import java.util.List;

/** Column names of ManimBench v1's Parquet, the one place they are spelled. */
public final class ManimBenchSchema {

  public static final String GENERATED_DESCRIPTION = "Generated Description";
  public static final String REVIEWED_DESCRIPTION = "Reviewed Description";
  public static final String CODE = "Code";
  public static final String TYPE = "Type";
  public static final String SPLIT = "Split";

  /** The columns a ManimBench file must have; others are ignored. */
  public static final List<String> COLUMNS = List.of(GENERATED_DESCRIPTION, REVIEWED_DESCRIPTION, CODE, TYPE, SPLIT);

  private ManimBenchSchema() {}
}
