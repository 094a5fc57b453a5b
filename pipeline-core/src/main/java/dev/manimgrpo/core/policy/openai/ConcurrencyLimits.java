package dev.manimgrpo.core.policy.openai;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One semaphore per server (base URL) per JVM, shared by every client of that server, so the
 * requests an executor has in flight stay within {@code policy.openai.max-concurrency} however
 * many task threads and clients it runs. The llama-cpp backend shares them too.
 */
public final class ConcurrencyLimits {

  private static final Logger LOG = LoggerFactory.getLogger(ConcurrencyLimits.class);
  private static final ConcurrentMap<String, Limit> LIMITS = new ConcurrentHashMap<>();

  /** A server's semaphore and the size it was made with. */
  record Limit(Semaphore permits, int size) {}

  private ConcurrencyLimits() {}

  /**
   * The semaphore of a server. The first client of a base URL sets its size; a later client asking
   * for another size shares the existing one (logged), since two limits for one server would add up.
   */
  public static Semaphore forServer(String baseUrl, int maxConcurrency) {
    Limit limit = LIMITS.computeIfAbsent(baseUrl, u -> new Limit(new Semaphore(maxConcurrency, true), maxConcurrency));
    if (limit.size() != maxConcurrency) {
      LOG.warn("{} already has a limit of {} requests in flight in this JVM; keeping it (asked for {})",
          baseUrl, limit.size(), maxConcurrency);
    }
    return limit.permits();
  }
}
