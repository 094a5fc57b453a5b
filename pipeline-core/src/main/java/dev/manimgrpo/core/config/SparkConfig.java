package dev.manimgrpo.core.config;

/** Spark settings used when a job is started without spark-submit; see {@code spark.*}. */
public record SparkConfig(String master, String appName) implements java.io.Serializable {}
