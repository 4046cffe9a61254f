package io.kcdc.gateway;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.election.LeaderKey;
import io.kcdc.gateway.api.ApiServer;
import io.kcdc.gateway.api.ChangefeedService;
import io.kcdc.gateway.api.ClusterView;
import io.kcdc.gateway.api.OwnerForwarder;
import io.kcdc.gateway.etcd.CaptureSession;
import io.kcdc.gateway.etcd.EtcdKeys;
import io.kcdc.gateway.etcd.MetaStore;
import io.kcdc.gateway.etcd.SessionFile;
import io.kcdc.gateway.etcd.Versioned;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.owner.ChangefeedProgress;
import io.kcdc.gateway.owner.ChangefeedRuntime;
import io.kcdc.gateway.owner.LocalProcessors;
import io.kcdc.gateway.owner.Owner;
import io.kcdc.gateway.owner.ProcessorManager;
import io.kcdc.gateway.owner.UpstreamClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture process's control plane: the etcd session and capture key, the v2 API server, the
 * owner campaign loop (running the {@link Owner} while elected) and the {@link ProcessorManager}.
 * The {@code cdc server} command constructs it with the data path's implementations.
 */
public final class Capture implements ClusterView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Capture.class);
  /** Liveness values of {@code GET /status}. */
  public static final int ALIVE = 0;

  public static final int STOPPING = 1;

  private final CaptureConfig config;
  private final ChangefeedRuntime runtime;
  private final UpstreamClient upstream;
  private final LocalProcessors local;
  private final Clock clock = Clock.systemDefaultZone();
  private final AtomicInteger liveness = new AtomicInteger(ALIVE);
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Kept across ownerships: TiCDC's ownership counter only grows. */
  private final io.kcdc.gateway.owner.OwnerMetrics ownerMetrics = new io.kcdc.gateway.owner.OwnerMetrics(metrics);
  private io.kcdc.gateway.metrics.ProcessMetrics processMetrics;

  private Client client;
  private EtcdKeys keys;
  private MetaStore meta;
  private ApiServer api;
  private ProcessorManager processors;
  private Watch.Watcher watcher;
  private Thread campaignThread;
  private String advertiseAddr;
  private String gcServiceId;
  private volatile CaptureSession session;
  private volatile Owner owner;
  private volatile boolean ready;
  private volatile boolean closing;
  private volatile String connectWorkerId;
  private static final long WORKER_CACHE_NANOS = TimeUnit.SECONDS.toNanos(2);
  private final Map<String, Map.Entry<Long, String>> workerCaptures = new java.util.concurrent.ConcurrentHashMap<>();
  /** This capture's Streams app instances: process id → the capture id it is recorded under in etcd (null: not yet). */
  private final Map<String, String> streamsProcesses = new java.util.HashMap<>();
  private boolean streamsRecordFailed;

  public Capture(CaptureConfig config, ChangefeedRuntime runtime, UpstreamClient upstream, LocalProcessors local) {
    this.config = config;
    this.runtime = runtime;
    this.upstream = upstream;
    this.local = local;
  }

  /** Starts the API server, registers the capture in etcd, and starts campaigning and the processor manager. */
  public synchronized Capture start() {
    client = io.kcdc.gateway.etcd.EtcdClients.connect(config.etcdEndpoints(), config.security());
    keys = new EtcdKeys(config.clusterId());
    meta = new MetaStore(client, keys);
    // The connector and the Streams apps of this process report to Micrometer's global registry (docs/metrics.md).
    processMetrics = io.kcdc.gateway.metrics.ProcessMetrics.join(metrics);
    Gauge.builder("ticdc_owner_is_owner", () -> isOwner() ? 1 : 0).register(metrics);
    Gauge.builder("ticdc_server_liveness", liveness::get).register(metrics);
    ChangefeedService service = new ChangefeedService(meta, upstream, runtime, this, clock, Duration.ofSeconds(30));
    api = new ApiServer(this, service, upstream, metrics, new OwnerForwarder(this, config.security()))
        .start(config.host(), config.port(), config.security());
    advertiseAddr = config.advertiseAddr() != null ? config.advertiseAddr() : config.host() + ":" + api.port();
    try {
      register();
      long etcdClusterId = client.getKVClient().get(io.etcd.jetcd.ByteSequence.from(keys.metaVersion(), StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS).getHeader().getClusterId();
      gcServiceId = "ticdc-" + config.clusterId() + "-" + etcdClusterId;
    } catch (Exception e) {
      close();
      throw new IllegalStateException("capture could not register in etcd: " + e.getMessage(), e);
    }
    ready = true;
    processors = new ProcessorManager(meta, local, Duration.ofMillis(500), Duration.ofSeconds(10), this::captureId)
        .onEachPass(this::syncStreamsProcesses);
    watcher = meta.watch(this::onEtcdChange, e -> LOG.warn("etcd watch failed", e));
    processors.start();
    campaignThread = new Thread(this::campaignLoop, "capture-campaign");
    campaignThread.setDaemon(true);
    campaignThread.start();
    LOG.info("capture {} started at {}", captureId(), advertiseAddr);
    return this;
  }

  /**
   * Registers with a new session, a few times if need be: on a starved machine a short lease can expire between
   * its grant and the first key put under it ("requested lease not found"); a capture that gave up at once was
   * restarted by its supervisor into the same race.
   */
  private void register() {
    for (int attempt = 1; ; attempt++) {
      try {
        newSession();
        return;
      } catch (RuntimeException e) {
        if (attempt >= 5) {
          throw e;
        }
        LOG.warn("registering in etcd failed (attempt {}), trying again with a new lease: {}", attempt, e.getMessage());
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** This capture's registry, the one {@code /metrics} shows; the embedded Connect worker binds its metrics here. */
  public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return metrics;
  }

  private void newSession() {
    CaptureInfo info = new CaptureInfo(UUID.randomUUID().toString(), advertiseAddr, config.version(),
        config.gitHash(), config.deployPath(), Instant.now().getEpochSecond());
    CaptureSession s = new CaptureSession(client, keys, info, config.sessionTtlSeconds());
    try {
      s.start(this::onSessionDone);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    session = s;
    if (connectWorkerId != null) {
      meta.putConnectWorker(connectWorkerId, info.id(), s.leaseId());
    }
    syncStreamsProcesses(); // under the new id: the owner counts the old one as dead
    if (config.sessionFile() != null) {
      SessionFile.write(config.sessionFile(), s.leaseId());
    }
  }

  /**
   * This capture runs the Streams app instance {@code processId}: recorded under the capture's id, so that once the
   * capture is gone the owner fences that instance's open transactions (docs/crash-recovery.md#fencing-a-dead-captures-transactions).
   * Called before the app joins its group. A failed write is tried again on every pass of the processor manager.
   */
  public void registerStreamsProcess(String processId) {
    synchronized (streamsProcesses) {
      streamsProcesses.put(processId, null);
    }
    syncStreamsProcesses();
  }

  /** The Streams app instance {@code processId} stopped here. */
  public void unregisterStreamsProcess(String processId) {
    synchronized (streamsProcesses) {
      streamsProcesses.remove(processId);
      try {
        meta.deleteStreamsProcess(processId);
      } catch (RuntimeException e) {
        LOG.warn("forgetting Streams process {} in etcd failed (the owner forgets it later)", processId, e);
      }
    }
  }

  /** Records every Streams app instance not recorded under the current capture id yet. */
  private void syncStreamsProcesses() {
    synchronized (streamsProcesses) {
      CaptureSession s = session;
      if (s == null || s.isDone()) {
        return;
      }
      for (Map.Entry<String, String> e : streamsProcesses.entrySet()) {
        if (s.captureId().equals(e.getValue())) {
          continue;
        }
        try {
          meta.putStreamsProcess(e.getKey(), s.captureId());
          e.setValue(s.captureId());
        } catch (RuntimeException ex) {
          if (!streamsRecordFailed) {
            LOG.warn("recording Streams process {} in etcd failed, trying again: until it is recorded, its "
                + "transactions are not fenced early if this capture dies", e.getKey(), ex);
          }
          streamsRecordFailed = true;
          return;
        }
      }
      streamsRecordFailed = false;
    }
  }

  /** The capture of every Streams app instance recorded in etcd, by process id. */
  public Map<String, Versioned<String>> streamsProcesses() {
    return meta.streamsProcesses();
  }

  /** Forgets a Streams app instance's record unless it changed since it was read. */
  public boolean forgetStreamsProcess(String processId, long modRevision) {
    return meta.deleteStreamsProcess(processId, modRevision);
  }

  /** This capture runs the embedded Connect worker {@code workerId}; call before {@link #start()}. */
  public Capture withConnectWorker(String workerId) {
    this.connectWorkerId = workerId;
    return this;
  }

  /**
   * The capture id of a Connect worker's tasks (the worker's own id when no capture claims it: an external
   * Connect cluster).
   */
  public String captureOfWorker(String workerId) {
    MetaStore m = meta;
    if (m == null) {
      return workerId;
    }
    // The owner asks for every task on every tick: answers are reused for a moment (a restarted capture may
    // bring a new id to the same worker address).
    long now = System.nanoTime();
    Map.Entry<Long, String> cached = workerCaptures.get(workerId);
    if (cached != null && now - cached.getKey() < WORKER_CACHE_NANOS) {
      return cached.getValue();
    }
    try {
      String capture = m.captureOfWorker(workerId).orElse(workerId);
      workerCaptures.put(workerId, Map.entry(now, capture));
      return capture;
    } catch (RuntimeException e) {
      return workerId;
    }
  }

  private void onSessionDone() {
    Owner o = owner;
    if (o != null) {
      o.stop();
    }
  }

  private void onEtcdChange() {
    Owner o = owner;
    if (o != null) {
      o.wake();
    }
    ProcessorManager p = processors;
    if (p != null) {
      p.wake();
    }
  }

  /** Campaigns, runs the owner while elected, and starts over; nothing that goes wrong ends the loop. */
  private void campaignLoop() {
    while (!closing && liveness.get() == ALIVE && !Thread.currentThread().isInterrupted()) {
      try {
        campaignOnce();
      } catch (RuntimeException | Error e) {
        LOG.error("capture {}: campaign round failed", captureId(), e);
        pause(1000);
      }
    }
  }

  private void campaignOnce() {
    CaptureSession s = session;
    if (s.isDone()) {
      // The lease is gone: TiCDC's capture "suicides" and comes back with a new id.
      LOG.warn("capture {} lost its etcd session, registering again", s.captureId());
      try {
        newSession();
      } catch (RuntimeException e) {
        LOG.warn("re-registering the capture failed", e);
        pause(1000);
      }
      return;
    }
    Optional<LeaderKey> key;
    try {
      key = s.campaign();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.warn("campaign of capture {} failed", s.captureId(), e);
        pause(1000);
      }
      return;
    }
    if (key.isEmpty()) {
      return;
    }
    if (closing || liveness.get() != ALIVE) {
      s.resign(key.get());
      return;
    }
    LeaderKey leader = key.get();
    Owner o = new Owner(meta.guardedBy(leader.getKey(), leader.getRevision()), runtime, upstream,
        Owner.Config.defaults(advertiseAddr, gcServiceId), clock, () -> !s.isDone() && s.isLeaderKeyAlive(leader),
        ownerMetrics);
    owner = o;
    LOG.info("capture {} is the owner", s.captureId());
    try {
      o.run();
    } catch (RuntimeException | Error e) {
      LOG.error("the owner of capture {} stopped with an error", s.captureId(), e);
    } finally {
      owner = null;
      runtime.ownerStopped();
    }
    if (!s.isDone()) {
      s.resign(leader);
    }
    LOG.info("capture {} is no longer the owner", s.captureId());
    pause(1000); // campaign at most once a second
  }

  private void pause(long ms) {
    long end = System.currentTimeMillis() + ms;
    while (!closing && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String captureId() {
    CaptureSession s = session;
    return s == null ? "" : s.captureId();
  }

  @Override
  public String advertiseAddr() {
    return advertiseAddr;
  }

  /** The port the API listens on. */
  public int apiPort() {
    return api.port();
  }

  @Override
  public String clusterId() {
    return config.clusterId();
  }

  @Override
  public String version() {
    return config.version();
  }

  @Override
  public String gitHash() {
    return config.gitHash();
  }

  @Override
  public int liveness() {
    return liveness.get();
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public boolean isOwner() {
    Owner o = owner;
    return o != null && !o.isStopped();
  }

  @Override
  public Optional<String> ownerId() {
    return CaptureSession.ownerId(client, keys);
  }

  @Override
  public List<CaptureInfo> captures() {
    return meta.listCaptures();
  }

  @Override
  public void resignOwner() {
    Owner o = owner;
    if (o != null) {
      o.stop();
    }
  }

  @Override
  public boolean ownerHealthy() {
    Owner o = owner;
    return o != null && o.hasTicked();
  }

  @Override
  public Optional<ChangefeedProgress> progress(ChangefeedId id) {
    Owner o = owner;
    return o == null ? Optional.empty() : o.progress(id);
  }

  @Override
  public void wakeOwner() {
    Owner o = owner;
    if (o != null) {
      o.wake();
    }
  }

  @Override
  public String gcServiceId() {
    return gcServiceId;
  }

  @Override
  public java.util.Map<String, String> metadata() {
    return meta.dump();
  }

  /** Liveness becomes stopping, the owner resigns, the lease is revoked and everything stops. */
  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    liveness.set(STOPPING);
    closing = true;
    Owner o = owner;
    if (o != null) {
      o.stop();
      long deadline = System.currentTimeMillis() + 5000;
      while (owner != null && System.currentTimeMillis() < deadline) {
        pauseUninterruptibly();
      }
    }
    CaptureSession s = session;
    if (s != null) {
      try {
        meta.clearDraining(captureId()); // the id dies with this process
      } catch (RuntimeException e) {
        LOG.debug("clearing the drain mark failed", e);
      }
      // The Streams apps stop after the session ends: the owner must not fence them while they commit and leave.
      synchronized (streamsProcesses) {
        for (String processId : List.copyOf(streamsProcesses.keySet())) {
          unregisterStreamsProcess(processId);
        }
      }
      s.close();
    }
    if (campaignThread != null) {
      try {
        campaignThread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcher != null) {
      watcher.close();
    }
    if (processors != null) {
      processors.close();
    }
    if (api != null) {
      api.close();
    }
    if (client != null) {
      client.close();
    }
    if (processMetrics != null) {
      processMetrics.close();
    }
    metrics.close();
    LOG.info("capture {} stopped", captureId());
  }

  private static void pauseUninterruptibly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
