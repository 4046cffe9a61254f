package io.kcdc.capture.runtime;

import io.kcdc.common.errors.CdcError;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.owner.LocalProcessors;
import io.kcdc.streams.ChangefeedStreams;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This capture's Streams app instances, one per running changefeed. Every capture runs one for
 * each changefeed; Kafka Streams spreads the internal topic's partitions over them.
 */
public final class StreamsProcessors implements LocalProcessors, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsProcessors.class);
  private final SinkSupport sinks;
  private final Path stateRoot;
  /** How long a stopped app's error stays reported after the app is restarted, so the owner sees it. */
  static final Duration ERROR_REPORT_PERIOD = Duration.ofSeconds(30);
  private final Map<String, Running> running = new HashMap<>();
  private final Map<ChangefeedId, RunningError> recentErrors = new HashMap<>();
  private final Supplier<String> captureAddr;
  private final Clock clock;

  private final ProcessRecords records;

  private record Running(ChangefeedInfo info, ChangefeedStreams streams) {}

  /**
   * Where the Streams app instances that run here are recorded, so that the owner can fence a dead capture's open
   * transactions (docs/crash-recovery.md#fencing-a-dead-captures-transactions).
   *
   * @param started told an instance's process id before it joins its group
   * @param stopped told an instance's process id once it stopped
   */
  public record ProcessRecords(Consumer<String> started, Consumer<String> stopped) {
    /** Nothing recorded: a dead instance's transactions end with their timeout. */
    public static final ProcessRecords NONE = new ProcessRecords(id -> { }, id -> { });
  }

  /** @param captureAddr this capture's advertised address, for the errors it reports */
  public StreamsProcessors(SinkSupport sinks, Path stateRoot, Supplier<String> captureAddr) {
    this(sinks, stateRoot, captureAddr, ProcessRecords.NONE);
  }

  /** @param records where the app instances started here are recorded */
  public StreamsProcessors(SinkSupport sinks, Path stateRoot, Supplier<String> captureAddr, ProcessRecords records) {
    this(sinks, stateRoot, captureAddr, records, Clock.systemUTC());
  }

  StreamsProcessors(SinkSupport sinks, Path stateRoot, Supplier<String> captureAddr, Clock clock) {
    this(sinks, stateRoot, captureAddr, ProcessRecords.NONE, clock);
  }

  private StreamsProcessors(SinkSupport sinks, Path stateRoot, Supplier<String> captureAddr, ProcessRecords records,
      Clock clock) {
    this.sinks = sinks;
    this.stateRoot = stateRoot;
    this.captureAddr = captureAddr;
    this.records = records;
    this.clock = clock;
  }

  /**
   * The errors of this capture's Streams apps: those stopped now, and those restarted less than
   * {@link #ERROR_REPORT_PERIOD} ago. The code is the TiCDC code the error carries
   * ({@code [CDC:Err...]} at the start of a message in its cause chain), else
   * {@code CDC:ErrProcessorUnknown}.
   */
  @Override
  public synchronized Map<ChangefeedId, RunningError> errors() {
    collectErrors();
    OffsetDateTime horizon = OffsetDateTime.now(clock).minus(ERROR_REPORT_PERIOD);
    recentErrors.values().removeIf(e -> e.time().isBefore(horizon) && !stillFailing(e));
    return Map.copyOf(recentErrors);
  }

  private boolean stillFailing(RunningError e) {
    return running.values().stream().anyMatch(r -> r.streams().error().isPresent()
        && runningError(r.streams().error().get()).message().equals(e.message()));
  }

  /** Remembers the error of every stopped app (before a reconcile restarts it). */
  private void collectErrors() {
    for (Running r : running.values()) {
      r.streams().error().ifPresent(t -> recentErrors.merge(ChangefeedId.of(r.info()), runningError(t),
          (old, now) -> old.message().equals(now.message()) ? old : now));
    }
  }

  private RunningError runningError(Throwable t) {
    String code = CdcError.PROCESSOR_UNKNOWN.code();
    String message = String.valueOf(t.getMessage());
    for (Throwable c = t; c != null; c = c.getCause()) {
      Matcher m = CODE.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        code = m.group(1);
        message = c.getMessage();
        break;
      }
    }
    return new RunningError(OffsetDateTime.now(clock), captureAddr.get(), code, message);
  }

  private static final Pattern CODE = Pattern.compile("^\\[(CDC:Err[A-Za-z]+)\\]");

  @Override
  public synchronized boolean reconcile(List<ChangefeedInfo> desired) {
    collectErrors();
    Map<String, ChangefeedInfo> want =
        desired.stream().collect(Collectors.toMap(i -> i.namespace() + "/" + i.id(), i -> i, (a, b) -> b));
    for (String key : Set.copyOf(running.keySet())) {
      ChangefeedInfo w = want.get(key);
      Running r = running.get(key);
      if (w == null || !sameDataPath(w, r.info()) || r.streams().error().isPresent()) {
        stop(key);
      }
    }
    boolean settled = true;
    for (Map.Entry<String, ChangefeedInfo> e : want.entrySet()) {
      if (running.containsKey(e.getKey())) {
        continue;
      }
      ChangefeedInfo info = e.getValue();
      try {
        ChangefeedStreams streams = new ChangefeedStreams(sinks.streamsConfig(info,
            stateRoot.resolve(sinks.names(info.namespace(), info.id()).stateDirName())));
        streams.start(records.started());
        running.put(e.getKey(), new Running(info, streams));
        LOG.info("streams app of changefeed {} started", e.getKey());
      } catch (RuntimeException ex) {
        // Usually the owner has not created the internal topics yet; the next reconcile retries.
        LOG.info("streams app of changefeed {} not started yet: {}", e.getKey(), ex.getMessage());
        settled = false;
      }
    }
    return settled;
  }

  /** The error that stopped a changefeed's Streams app on this capture, if any. */
  public synchronized Optional<Throwable> error(String namespace, String id) {
    Running r = running.get(namespace + "/" + id);
    return r == null ? Optional.empty() : r.streams().error();
  }

  private static boolean sameDataPath(ChangefeedInfo a, ChangefeedInfo b) {
    return a.sinkUri().equals(b.sinkUri())
        && java.util.Objects.equals(a.config(), b.config())
        && a.epoch() == b.epoch();
  }

  private void stop(String key) {
    Running r = running.remove(key);
    if (r != null) {
      r.streams().close();
      r.streams().processId().ifPresent(records.stopped());
      LOG.info("streams app of changefeed {} stopped", key);
    }
  }

  @Override
  public synchronized void close() {
    for (String key : Set.copyOf(running.keySet())) {
      stop(key);
    }
  }
}
