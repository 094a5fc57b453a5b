package dev.manimgrpo.core.policy.openai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Everything this package logs, at DEBUG and above, while it is open (messages and stack traces). */
final class LogCapture implements AutoCloseable {

  private static final String PACKAGE = "dev.manimgrpo.core.policy.openai";

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final AbstractAppender appender;

  LogCapture() {
    appender = new AbstractAppender("openai-capture", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        StringBuilder s = new StringBuilder(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
          s.append(" | ").append(t);
        }
        lines.add(s.toString());
      }
    };
    appender.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration cfg = ctx.getConfiguration();
    LoggerConfig logger = new LoggerConfig(PACKAGE, Level.DEBUG, true);
    logger.addAppender(appender, Level.DEBUG, null);
    cfg.addLogger(PACKAGE, logger);
    ctx.updateLoggers();
  }

  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().removeLogger(PACKAGE);
    ctx.updateLoggers();
    appender.stop();
  }
}
