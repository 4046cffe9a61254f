package io.kcdc.streams;

import io.kcdc.common.config.ReplicaConfig.FilterConfig;
import io.kcdc.common.config.ReplicaConfig.SinkConfig;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.filter.EventFilter;
import io.kcdc.streams.progress.ReadFromStartTopics;
import io.kcdc.streams.selector.ColumnSelector;
import io.kcdc.streams.sink.DmlProducer;
import io.kcdc.streams.sink.KafkaSinkOptions;
import io.kcdc.streams.sink.SinkConfigException;
import io.kcdc.streams.sink.SinkRecordKey;
import io.kcdc.streams.sink.SinkUri;
import io.kcdc.streams.sink.TopicManager;
import io.kcdc.streams.sorter.ReleaseBudget;
import io.kcdc.streams.sorter.SorterProcessor;
import io.kcdc.streams.tablesink.SinkPlan;
import io.kcdc.streams.tablesink.TableSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams app of one changefeed: internal topic {@code _cdc.<changefeed>.rows} → {@link SorterProcessor}
 * (sorter, update splitting) → its {@link TableSink} ({@link EventRouter}, column selectors, encoder) → sink
 * topics, plus {@code TableProgress} records on {@code _cdc.<changefeed>.progress} in the same transaction
 * ({@code exactly_once_v2} by default).
 *
 * <p>A Kafka sink on the app's own cluster is written by the Streams sink node inside the transaction (exactly
 * once for {@code read_committed} consumers). A sink on another cluster (another cluster id) is written by each
 * task's {@link DmlProducer}, at-least-once; its topics are managed on that cluster. The internal topic is created
 * by the connector and must exist before {@link #start()}.
 *
 * <p>The sink's client options ({@link io.kcdc.streams.sink.KafkaClientOptions}: TLS, SASL, acks, compression, ...)
 * apply to every client that talks to the brokers the sink URI names: the topic admin client, the task producers of
 * a sink on another cluster, and the owner's {@link io.kcdc.streams.progress.CheckpointEmitter}. When the sink is
 * the app's own cluster the rows go through the Streams producer, which has the app's own settings
 * ({@link Config#bootstrapServers()}, {@link Config#overrides()}); the capture's Kafka security is configured there,
 * not by the sink URI.
 */
public final class ChangefeedStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangefeedStreams.class);

  /** TiCDC's default namespace. */
  public static final String DEFAULT_NAMESPACE = ChangefeedNames.DEFAULT_NAMESPACE;

  private static final FilterConfig NO_FILTER = new FilterConfig(null, null, null);

  /**
   * The largest record on a changefeed's internal paths: the rows topic, the sorter's changelog and the producers
   * that write them. A row change carries the row's new and old values, each up to TiDB's
   * {@code txn-entry-size-limit} (6 MiB by default), so 32 MiB leaves room for both plus their framing
   * (docs/large-rows.md).
   */
  public static final int INTERNAL_RECORD_MAX_BYTES = 32 << 20;

  /**
   * Settings of one changefeed's app.
   *
   * @param replicationFactor of the Streams changelog and the progress topic; -1 = the broker default
   * @param overrides extra Streams/client properties, applied last
   * @param eventFilter the changefeed's {@code filter}: its {@code ignore_txn_start_ts} and {@code event_filters}
   *     apply here (the table {@code rules} upstream, in the connector)
   * @param namespace the changefeed's namespace, for the sink's default {@code client.id}
   * @param captureAddress this capture's advertised address, for the sink's default {@code client.id}; "" if unknown
   */
  public record Config(String bootstrapServers, String clusterId, String changefeedId, Path stateDir, SinkUri sinkUri,
      SinkConfig sinkConfig, boolean caseSensitive, String processingGuarantee, short replicationFactor,
      Map<String, Object> overrides, FilterConfig eventFilter, String namespace, String captureAddress) {

    public Config {
      overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
      sinkConfig = sinkConfig == null ? SinkConfig.empty() : sinkConfig;
      eventFilter = eventFilter == null ? NO_FILTER : eventFilter;
      namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
      captureAddress = captureAddress == null ? "" : captureAddress;
    }

    /** Settings without event filters, in the default namespace, capture address unknown. */
    public Config(String bootstrapServers, String clusterId, String changefeedId, Path stateDir, SinkUri sinkUri,
        SinkConfig sinkConfig, boolean caseSensitive, String processingGuarantee, short replicationFactor,
        Map<String, Object> overrides) {
      this(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, caseSensitive, processingGuarantee,
          replicationFactor, overrides, NO_FILTER, DEFAULT_NAMESPACE, "");
    }

    /** Defaults: exactly_once_v2, broker-default replication, case-insensitive matchers. */
    public static Config of(String bootstrapServers, String clusterId, String changefeedId, Path stateDir,
        SinkUri sinkUri, SinkConfig sinkConfig) {
      return new Config(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, false,
          StreamsConfig.EXACTLY_ONCE_V2, (short) -1, Map.of());
    }

    public Config withReplicationFactor(short rf) {
      return new Config(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, caseSensitive,
          processingGuarantee, rf, overrides, eventFilter, namespace, captureAddress);
    }

    public Config withOverrides(Map<String, Object> extra) {
      return new Config(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, caseSensitive,
          processingGuarantee, replicationFactor, extra, eventFilter, namespace, captureAddress);
    }

    public Config withEventFilter(FilterConfig filter) {
      return new Config(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, caseSensitive,
          processingGuarantee, replicationFactor, overrides, filter, namespace, captureAddress);
    }

    /** The changefeed's namespace and this capture's address, which name the sink's clients. */
    public Config withClientIdentity(String ns, String address) {
      return new Config(bootstrapServers, clusterId, changefeedId, stateDir, sinkUri, sinkConfig, caseSensitive,
          processingGuarantee, replicationFactor, overrides, eventFilter, ns, address);
    }

    /**
     * The {@code client.id} of the sink's admin client and producers: {@code kafka-client-id}, else TiCDC's
     * {@code TiCDC_producer_<capture address>_<namespace>_<changefeed>}.
     */
    public String sinkClientId(KafkaSinkOptions options) {
      return options.client().clientId(captureAddress, namespace, changefeedId);
    }

    /** The changefeed's Kafka-side names. */
    public ChangefeedNames names() {
      return new ChangefeedNames(clusterId, namespace, changefeedId);
    }

    /** {@code cdc-<cluster>.<namespace>.<changefeed>.0-0}, unless the overrides name another. */
    public String applicationId() {
      Object overridden = overrides.get(StreamsConfig.APPLICATION_ID_CONFIG);
      return overridden != null ? overridden.toString() : names().applicationId(0, 0);
    }

    public String internalTopic() {
      return names().rowsTopic();
    }

    public String progressTopic() {
      return names().progressTopic();
    }

    /** The effective Kafka sink settings; empty for {@code blackhole://}. */
    public Optional<KafkaSinkOptions> kafkaSink() {
      return sinkUri.isBlackhole() ? Optional.empty() : Optional.of(KafkaSinkOptions.of(sinkUri, sinkConfig, caseSensitive));
    }

    Properties streamsProperties() {
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
      p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
      p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
      // Each exactly-once commit waits for every record to be acknowledged; 500 ms instead of 100 ms gave
      // ~18% more rows/s in PipelineBenchmark for ~150 ms more latency (rows wait for resolved ts anyway).
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
      p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), INTERNAL_RECORD_MAX_BYTES);
      // the sink rows and the sorter's changelog in larger batches: fewer requests for the broker per row; a batch is
      // allocated per partition written in a commit, so 128 KiB rather than more (docs/catch-up.md)
      p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
      p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 10);
      // A large release goes on in punctuations between polls; a poll that waits 100 ms (the default) for input that
      // does not come left the thread idle a third of the time while a release was under way.
      p.put(StreamsConfig.POLL_MS_CONFIG, 20);
      p.putAll(overrides);
      return p;
    }
  }

  private final Config config;
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private TopicManager topics;
  private KafkaStreams streams;
  private String processId;
  /** Kafka Streams' own metrics and its clients' (Micrometer's binder), bound while the app runs. */
  private io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics kafkaMetrics;

  public ChangefeedStreams(Config config) {
    this.config = config;
  }

  /**
   * The topology: source → sorter processor (with its three stores; its table sink forwards) → sink and progress
   * nodes.
   *
   * @throws SinkConfigException for invalid event filters (they are parsed here, once)
   */
  public static Topology topology(Config config, SinkPlan plan) {
    return topology(config, plan, ReleaseBudget.DEFAULT);
  }

  /** The topology with the sorter releasing at most {@code budget} per turn. */
  public static Topology topology(Config config, SinkPlan plan, ReleaseBudget budget) {
    EventFilter filter = EventFilter.of(config.eventFilter());
    Topology t = new Topology();
    t.addSource("rows", new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.internalTopic());
    ChangefeedMetrics metrics = ChangefeedMetrics.of(config.namespace(), config.changefeedId());
    t.addProcessor("sorter", () -> new SorterProcessor(plan, filter, budget, metrics), "rows");
    // a buffered row is a record of the changelog: it takes what the rows topic takes
    Map<String, String> changelog = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(INTERNAL_RECORD_MAX_BYTES));
    for (String store : List.of(SorterProcessor.SCHEMA_STORE, SorterProcessor.SORTER_STORE, SorterProcessor.RESOLVED_STORE)) {
      t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray())
          .withCachingDisabled().withLoggingEnabled(changelog), "sorter");
    }
    t.addSink(TableSink.SINK_NODE, SinkRecordKey.TOPIC, SinkRecordKey.SERIALIZER, new ByteArraySerializer(),
        SinkRecordKey.PARTITIONER, "sorter");
    t.addSink(TableSink.PROGRESS_NODE, config.progressTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
        "sorter");
    return t;
  }

  /**
   * Validates the sink and the event filters, creates the default sink topic and the progress topic if missing, and
   * starts the app.
   *
   * @throws SinkConfigException for an invalid or unsupported sink
   */
  public synchronized void start() {
    start(id -> { });
  }

  /**
   * {@link #start()}, telling {@code beforeStart} this instance's Streams process id (when Kafka Streams wrote it)
   * before the app joins its group and opens a transaction (see {@link StreamsProcess}).
   */
  public synchronized void start(java.util.function.Consumer<String> beforeStart) {
    if (streams != null) {
      throw new IllegalStateException("already started");
    }
    EventFilter.of(config.eventFilter()); // fails early for invalid event filters
    requireInternalTopic();
    SinkPlan plan = SinkPlan.blackhole();
    Map<String, Object> sinkProducer = new HashMap<>();
    Optional<KafkaSinkOptions> sink = config.kafkaSink();
    if (sink.isPresent()) {
      KafkaSinkOptions configured = sink.get();
      configured.encoderFactory(Clock.systemUTC()).get(); // fails early for an unsupported protocol
      String clientId = config.sinkClientId(configured);
      // the sink's own security settings: they describe how to reach the brokers the sink URI names
      topics = new TopicManager(configured, configured.client().adminProperties(clientId));
      boolean inTransactions = writesInStreamsTransactions(topics.isOn(config.bootstrapServers()), configured);
      KafkaSinkOptions options = configured.withMaxMessageBytes(
          topics.maxMessageBytes(configured.defaultTopic(), configured.encoder().maxMessageBytes()));
      var encoders = options.encoderFactory(Clock.systemUTC());
      EventRouter router = EventRouter.of(options);
      ColumnSelector selector = new ColumnSelector(options.columnSelectors(), options.caseSensitive());
      plan = new SinkPlan(router, encoders, topics, options.splitUpdates(), selector,
          options.encoderConcurrency(), null);
      if (inTransactions) {
        sinkProducer.putAll(streamsProducerProperties(options, clientId));
      } else {
        plan = plan.withDmlProducer(task -> DmlProducer.create(options, dmlClientId(options, clientId, task),
            changefeedTags()));
      }
    }
    createProgressTopic();
    Properties props = config.streamsProperties();
    props.putAll(sinkProducer);
    streams = new KafkaStreams(topology(config, plan), props);
    ThreadFailurePolicy failures = new ThreadFailurePolicy(Clock.systemUTC());
    streams.setUncaughtExceptionHandler(e -> {
      StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = failures.onFailure(e);
      if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
        LOG.warn("changefeed {}/{}: a stream thread lost its transaction and is replaced; what it held is redone",
            config.namespace(), config.changefeedId(), e);
      } else {
        error.set(e);
      }
      return response;
    });
    processId = StreamsProcess.processId(config.stateDir(), config.applicationId()).orElse(null);
    if (processId != null) {
      beforeStart.accept(processId);
    } else {
      LOG.warn("changefeed {}/{}: no Streams process id found under {}; a crash of this capture leaves its open "
          + "transaction to the transaction timeout", config.namespace(), config.changefeedId(), config.stateDir());
    }
    // Local state is only a cache of the changelog (exactly-once restores it from there anyway after a crash): a
    // store left by an earlier run of the same application id, e.g. before the changefeed was reset to the same
    // start ts, must not come back.
    streams.cleanUp();
    streams.start();
    KafkaStreams started = streams;
    ChangefeedMetrics.registerApp(config.namespace(), config.changefeedId(),
        config.stateDir().resolve(config.applicationId()), started::metrics);
    kafkaMetrics = new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(started, changefeedTags());
    kafkaMetrics.bindTo(io.micrometer.core.instrument.Metrics.globalRegistry);
  }

  /**
   * Whether the rows go through the Streams producer, in the app's exactly-once transactions: only for a sink on the
   * app's own cluster, and only with producer settings a transaction allows ({@code required-acks=-1} and retries).
   * Otherwise each task's own {@link DmlProducer} writes them with exactly the sink's settings, at least once, as
   * TiCDC's producer would.
   */
  static boolean writesInStreamsTransactions(boolean sameCluster, KafkaSinkOptions options) {
    return sameCluster && options.client().requiredAcks() == -1 && options.client().maxRetry() > 0;
  }

  /**
   * The sink's producer settings that the Streams producer takes over when it writes the rows: compression,
   * {@code max-message-bytes}, the request timeout, and the client id ({@code kafka-client-id} or TiCDC's, the prefix
   * of every client of the app).
   */
  static Map<String, Object> streamsProducerProperties(KafkaSinkOptions options, String clientId) {
    Map<String, Object> sink = options.producerProperties(clientId);
    Map<String, Object> p = new HashMap<>();
    for (String key : List.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      if (sink.containsKey(key)) {
        p.put(StreamsConfig.producerPrefix(key), sink.get(key));
      }
    }
    // the same producer writes the sorter's changelog: never below what the internal records need
    Object sinkMax = p.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (sinkMax instanceof Integer max && max < INTERNAL_RECORD_MAX_BYTES) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), INTERNAL_RECORD_MAX_BYTES);
    }
    if (clientId != null) {
      p.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
    }
    return p;
  }

  /**
   * A task producer's {@code client.id}: {@code kafka-client-id} as given (so broker quotas on it apply to every
   * producer; Kafka then warns that the producers' metrics MBean exists already), else the default with the task id.
   */
  static String dmlClientId(KafkaSinkOptions options, String clientId, String taskId) {
    return options.client().kafkaClientId() != null ? clientId : clientId + "_" + taskId;
  }

  /**
   * The owner creates the internal topic; an app started before it would stop with a missing
   * source topic, which is no changefeed error: the caller starts it again later.
   */
  private void requireInternalTopic() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      admin.describeTopics(List.of(config.internalTopic())).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the internal topic " + config.internalTopic() + " is not there yet: "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for " + config.internalTopic(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out looking for " + config.internalTopic(), e);
    }
  }

  private void createProgressTopic() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      NewTopic topic = new NewTopic(config.progressTopic(), Optional.of(1),
          config.replicationFactor() > 0 ? Optional.of(config.replicationFactor()) : Optional.empty())
          .configs(ReadFromStartTopics.configs());
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + config.progressTopic(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + config.progressTopic(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating " + config.progressTopic(), e);
    }
  }

  /** Tags of the app's Kafka meters and its clients', so two changefeeds' clients stay apart. */
  private io.micrometer.core.instrument.Tags changefeedTags() {
    return io.micrometer.core.instrument.Tags.of("namespace", config.namespace(), "changefeed", config.changefeedId());
  }

  /** The app's state; {@code CREATED} before {@link #start()}. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /** The error that stopped the app, if any (reported by the owner as the changefeed's error). */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error.get());
  }

  public Config config() {
    return config;
  }

  /** This instance's Streams process id, once started (empty if Kafka Streams did not write it). */
  public synchronized Optional<String> processId() {
    return Optional.ofNullable(processId);
  }

  @Override
  public synchronized void close() {
    if (streams != null) {
      ChangefeedMetrics.unregisterApp(config.namespace(), config.changefeedId());
      if (kafkaMetrics != null) {
        kafkaMetrics.close(); // removes the app's Kafka meters: a removed changefeed leaves no series behind
        kafkaMetrics = null;
      }
      // leave the group: another instance takes the tasks over now, not after the session timeout
      streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
    if (topics != null) {
      topics.close();
    }
  }
}
