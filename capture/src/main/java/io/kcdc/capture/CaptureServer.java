package io.kcdc.capture;

import io.kcdc.capture.connect.ConnectRestClient;
import io.kcdc.capture.connect.ConnectWorker;
import io.kcdc.capture.runtime.InternalTopics;
import io.kcdc.capture.runtime.Failover;
import io.kcdc.capture.runtime.KafkaChangefeedRuntime;
import io.kcdc.capture.runtime.PdUpstreamClient;
import io.kcdc.capture.runtime.SinkSupport;
import io.kcdc.capture.runtime.StreamsFencer;
import io.kcdc.capture.runtime.StreamsProcessors;
import io.kcdc.common.security.Credential;
import io.kcdc.connector.TaskWarmUp;
import io.kcdc.gateway.Capture;
import io.kcdc.gateway.CaptureConfig;
import io.kcdc.gateway.etcd.SessionFile;
import io.kcdc.gateway.owner.LocalProcessors;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture ({@code cdc server}): an embedded Kafka Connect worker (runs the connector tasks,
 * TiCDC's processors), this capture's Streams apps (sorter, dispatcher, encoder, sink), and the
 * control plane (etcd session, owner election, OpenAPI v2).
 */
public final class CaptureServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureServer.class);
  /** How often the owner looks for open transactions of dead captures' Streams apps. */
  private static final Duration STREAMS_FENCE_INTERVAL = Duration.ofMillis(500);

  /**
   * @param pdAddresses upstream PD endpoints ({@code host:port}, an {@code http://} prefix is dropped)
   * @param replicationFactor of the internal and Connect topics; -1 = the broker default
   * @param rowPartitions partitions of each changefeed's internal rows topic
   * @param tasksMax connector tasks per changefeed
   * @param sessionTtlSeconds the etcd lease TTL ({@code --capture-session-ttl})
   * @param failover the Kafka group timeouts ({@code --kafka-session-timeout})
   * @param security {@code --ca/--cert/--key/--cert-allowed-cn}: TLS to PD, TiKV and etcd, HTTPS for the API
   */
  public record Settings(
      String clusterId,
      String addr,
      String advertiseAddr,
      List<String> pdAddresses,
      List<String> etcdEndpoints,
      String kafkaBootstrap,
      Path dataDir,
      String connectHost,
      int connectPort,
      short replicationFactor,
      int rowPartitions,
      int tasksMax,
      long sessionTtlSeconds,
      Failover failover,
      Credential security) {
    public Settings {
      pdAddresses = pdAddresses.stream().map(a -> a.replaceFirst("^https?://", "")).toList();
      security = security == null ? Credential.NONE : security;
    }

    /** Plain-text settings. */
    public Settings(String clusterId, String addr, String advertiseAddr, List<String> pdAddresses,
        List<String> etcdEndpoints, String kafkaBootstrap, Path dataDir, String connectHost, int connectPort,
        short replicationFactor, int rowPartitions, int tasksMax, long sessionTtlSeconds, Failover failover) {
      this(clusterId, addr, advertiseAddr, pdAddresses, etcdEndpoints, kafkaBootstrap, dataDir, connectHost,
          connectPort, replicationFactor, rowPartitions, tasksMax, sessionTtlSeconds, failover, Credential.NONE);
    }

    /** The same settings with TLS. */
    public Settings withSecurity(Credential credential) {
      return new Settings(clusterId, addr, advertiseAddr, pdAddresses, etcdEndpoints, kafkaBootstrap, dataDir,
          connectHost, connectPort, replicationFactor, rowPartitions, tasksMax, sessionTtlSeconds, failover,
          credential);
    }

    /** Settings with the default session TTL. */
    public Settings(String clusterId, String addr, String advertiseAddr, List<String> pdAddresses,
        List<String> etcdEndpoints, String kafkaBootstrap, Path dataDir, String connectHost, int connectPort,
        short replicationFactor, int rowPartitions, int tasksMax) {
      this(clusterId, addr, advertiseAddr, pdAddresses, etcdEndpoints, kafkaBootstrap, dataDir, connectHost,
          connectPort, replicationFactor, rowPartitions, tasksMax, CaptureConfig.DEFAULT_SESSION_TTL_SECONDS,
          Failover.DEFAULT);
    }
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Capture capture;
  private final List<URI> connectUrls;

  private CaptureServer(Capture capture, List<URI> connectUrls) {
    this.capture = capture;
    this.connectUrls = connectUrls;
  }

  /** A capture with its own embedded Connect worker. */
  public static CaptureServer start(Settings s) throws Exception {
    return start(s, List.of(), true);
  }

  /** A capture that runs its Streams apps; {@code connectUrls} as in {@link #start(Settings, List, boolean)}. */
  public static CaptureServer start(Settings s, List<URI> connectUrls) throws Exception {
    return start(s, connectUrls, true);
  }

  /**
   * @param connectUrls REST URLs of an existing Connect cluster that runs the connectors
   *     ({@code --connect-url}); empty = start an embedded worker (docs/connect-plugin.md)
   * @param streams whether this capture runs the changefeeds' Streams apps; false ({@code --no-streams})
   *     when {@code cdc streams} processes run them
   */
  public static CaptureServer start(Settings s, List<URI> connectUrls, boolean streams) throws Exception {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      opened.add(DataDirLock.acquire(s.dataDir()));
      // The directory is ours, so its previous user is dead: free its etcd keys (ownership) now.
      SessionFile.revokePrevious(s.etcdEndpoints(), s.security(), sessionFile(s));
      // cert-allowed-cn is for the HTTP API; PD and TiKV are reached without it, as TiCDC does.
      Credential upstreamTls = s.security().withoutAllowedCn();
      PdUpstreamClient upstream = new PdUpstreamClient(s.pdAddresses(), upstreamTls);
      opened.add(upstream);
      List<URI> connect = connectUrls;
      String embeddedWorkerId = null;
      ConnectWorker embedded = null;
      AutoCloseable leaveConnect = () -> { };
      if (connect.isEmpty()) {
        // before the worker joins its group and may be handed a task (docs/crash-recovery.md#task-start)
        TaskWarmUp.run(s.pdAddresses(), upstreamTls, Duration.ofSeconds(10));
        ConnectWorker worker =
            ConnectWorker.start(
                new ConnectWorker.Settings(
                    s.kafkaBootstrap(), s.clusterId(), s.connectHost(), s.connectPort(), s.replicationFactor(),
                    s.failover()));
        embedded = worker;
        // Closed on drain or on shutdown, whichever comes first.
        leaveConnect = once(worker);
        opened.add(leaveConnect);
        connect = List.of(worker.restUrl());
        embeddedWorkerId = worker.restUrl().getHost() + ":" + worker.restUrl().getPort();
      } else {
        LOG.info("connectors run in the Connect cluster at {}", connect);
      }
      Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap()));
      opened.add(admin);
      SinkSupport sinks = new SinkSupport(s.kafkaBootstrap(), s.clusterId(), s.replicationFactor(),
          s.advertiseAddr() != null ? s.advertiseAddr() : s.addr(), s.failover());
      Capture[] self = new Capture[1];
      LocalProcessors apps = running -> true;
      if (streams) {
        StreamsProcessors streamsApps = new StreamsProcessors(sinks, s.dataDir().resolve("streams"),
            () -> self[0] == null ? "" : self[0].advertiseAddr(),
            // apps start once the capture is registered
            new StreamsProcessors.ProcessRecords(id -> self[0].registerStreamsProcess(id),
                id -> self[0].unregisterStreamsProcess(id)));
        opened.add(streamsApps);
        apps = streamsApps;
      }
      LocalProcessors local = new DrainableProcessors(apps, leaveConnect);
      // The embedded worker's tasks are this capture's processors; an external worker keeps its own id.
      String workerId = embeddedWorkerId;
      CaptureConfig cc =
          new CaptureConfig(
              s.clusterId(), s.addr(), s.advertiseAddr(), s.etcdEndpoints(), Version.VERSION, Version.GIT_HASH,
              s.dataDir().toString(), s.sessionTtlSeconds(), sessionFile(s), s.security());
      KafkaChangefeedRuntime runtime =
          new KafkaChangefeedRuntime(
              new KafkaChangefeedRuntime.Settings(
                  s.kafkaBootstrap(), s.pdAddresses(), s.rowPartitions(), s.tasksMax(), s.advertiseAddr(),
                  upstreamTls),
              new ConnectRestClient(connect),
              new InternalTopics(admin, s.replicationFactor()),
              upstream,
              sinks,
              w -> self[0] == null ? w : self[0].captureOfWorker(w));
      opened.add(runtime);
      Capture capture = new Capture(cc, runtime, upstream, local).withConnectWorker(workerId);
      self[0] = capture;
      capture.start();
      opened.add(capture);
      if (embedded != null) {
        opened.add(embedded.bindMetrics(capture.meterRegistry()));
      }
      opened.add(new StreamsFencer(admin, s.clusterId(), capture).start(STREAMS_FENCE_INTERVAL));
      CaptureServer server = new CaptureServer(capture, connect);
      server.closeables.addAll(opened);
      LOG.info("capture {} serving the v2 API on {}", capture.captureId(), capture.advertiseAddr());
      return server;
    } catch (Exception | Error e) {
      closeAll(opened);
      throw e;
    }
  }

  /** Closes {@code c} the first time only. */
  private static AutoCloseable once(AutoCloseable c) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        c.close();
      }
    };
  }

  /**
   * This capture's Streams apps; on drain (docs/api-v2.md#drain-a-capture) the embedded Connect worker also leaves
   * its group, so its connector tasks go to the other captures' workers.
   */
  private record DrainableProcessors(LocalProcessors apps, AutoCloseable leaveConnect) implements LocalProcessors {
    @Override
    public boolean reconcile(List<io.kcdc.gateway.model.ChangefeedInfo> running) {
      return apps.reconcile(running);
    }

    @Override
    public Map<io.kcdc.gateway.model.ChangefeedId, io.kcdc.gateway.model.RunningError> errors() {
      return apps.errors();
    }

    @Override
    public void drain() {
      try {
        leaveConnect.close();
      } catch (Exception e) {
        LOG.warn("leaving the Connect group failed", e);
      }
    }
  }

  private static Path sessionFile(Settings s) {
    return s.dataDir().resolve("etcd-session");
  }

  public Capture capture() {
    return capture;
  }

  /** REST base URL of the Connect worker the capture uses (the embedded one, or the first given). */
  public String connectUrl() {
    return connectUrls.get(0).toString();
  }

  @Override
  public void close() {
    closeAll(closeables);
    closeables.clear();
  }

  /** Closes in reverse order of opening; one failure does not keep the rest open. */
  private static void closeAll(List<AutoCloseable> opened) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", opened.get(i).getClass().getSimpleName(), e);
      }
    }
  }
}
