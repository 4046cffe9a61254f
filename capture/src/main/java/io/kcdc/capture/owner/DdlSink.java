package io.kcdc.capture.owner;

import io.kcdc.avro.Barrier;
import io.kcdc.avro.Ddl;
import io.kcdc.avro.DdlWritten;
import io.kcdc.common.errors.CdcError;
import io.kcdc.connector.InternalEvents;
import io.kcdc.streams.dispatcher.EventRouter;
import io.kcdc.streams.model.AvroBinary;
import io.kcdc.streams.progress.CheckpointEmitter;
import io.kcdc.streams.progress.OwnerSinkRecords;
import io.kcdc.streams.progress.ProgressKeys;
import io.kcdc.streams.sink.KafkaSinkOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the owner writes for one changefeed (TiCDC's owner DDL sink), through one transactional producer whose
 * {@code transactional.id} belongs to the changefeed, so a new owner fences the one before it: when the new
 * owner's producer starts, the old one's open transaction is aborted and nothing it sends afterwards is accepted.
 * <ul>
 *   <li>{@link #writeBarrier barriers} to every partition of the internal rows topic;
 *   <li>{@link #writeDdl DDL events} and, in the same transaction, a {@code DdlWritten} mark on the progress topic:
 *       an owner that dies between writing a DDL and persisting the checkpoint leaves the mark, and the next owner
 *       ({@link #ddlWrittenTs()}) skips that DDL instead of writing it again after rows that followed it;
 *   <li>{@link #writeCheckpoint checkpoint events} (canal-json WATERMARK, ...) to the sink topics.
 * </ul>
 * A Kafka sink on the capture's own cluster is written in those transactions (exactly once for read_committed
 * consumers). A sink on another cluster cannot join them: its DDL and checkpoint events are written at least once by
 * a {@link CheckpointEmitter}, before the mark.
 */
public final class DdlSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DdlSink.class);
  private static final AvroBinary<DdlWritten> DDL_WRITTEN = new AvroBinary<>(DdlWritten.class);
  /** How long one owner write may block the owner's loop before it is reported and retried. */
  private static final int MAX_BLOCK_MS = 10_000;

  /**
   * Where the owner writes.
   *
   * @param bootstrapServers the capture's Kafka cluster, holding the internal topics
   * @param transactionalId one per changefeed (and cluster and namespace)
   * @param sink the Kafka sink; empty for the blackhole sink
   * @param sinkOnSameCluster the sink's topics are on {@code bootstrapServers}' cluster
   * @param clientId the client id of the sink's clients
   * @param sinkUri the changefeed's sink URI, kept in the {@code DdlWritten} mark
   */
  public record Target(String bootstrapServers, String transactionalId, String rowsTopic, int rowPartitions,
      String progressTopic, Optional<KafkaSinkOptions> sink, boolean sinkOnSameCluster, String clientId,
      String sinkUri) {}

  private final Target target;
  private final OwnerSinkRecords records;
  /** The at-least-once writer of a sink on another cluster; null otherwise. */
  private final CheckpointEmitter otherCluster;
  private KafkaProducer<byte[], byte[]> producer;
  private EventRouter router;
  private long ddlWrittenTs;

  /**
   * Starts the changefeed's transactional producer (fencing the previous owner's) and reads the last
   * {@code DdlWritten} mark.
   */
  public DdlSink(Target target) {
    this.target = target;
    KafkaSinkOptions sink = target.sink().orElse(null);
    this.records = sink != null && target.sinkOnSameCluster()
        ? new OwnerSinkRecords(sink, sink.client().adminProperties(target.clientId()))
        : null;
    this.otherCluster = sink != null && !target.sinkOnSameCluster()
        ? new CheckpointEmitter(sink, target.clientId(), Map.of())
        : null;
    try {
      producer = newProducer();
      ddlWrittenTs = readDdlWritten();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Every DDL with a commit ts at or below this is in the sink already (0 if none was written). */
  public long ddlWrittenTs() {
    return ddlWrittenTs;
  }

  /** Writes the barrier to every partition of the internal rows topic. */
  public void writeBarrier(long ts) {
    byte[] value = InternalEvents.serialize(Barrier.newBuilder().setBarrierTs(ts).build());
    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
    for (int p = 0; p < target.rowPartitions(); p++) {
      batch.add(new ProducerRecord<>(target.rowsTopic(), p, null, value));
    }
    inTransaction(batch, "barrier " + Long.toUnsignedString(ts));
  }

  /** Writes the events of one DDL job (finished at {@code commitTs}) and marks it written. */
  public void writeDdl(long commitTs, List<Ddl> events) {
    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
    if (records != null) {
      for (Ddl ddl : events) {
        batch.addAll(records.ddl(ddl, router()));
      }
    } else if (otherCluster != null) {
      events.forEach(ddl -> otherCluster.emitDdl(ddl, router()));
    }
    batch.add(new ProducerRecord<>(target.progressTopic(), 0, ProgressKeys.ddlWritten(),
        DDL_WRITTEN.encode(new DdlWritten(commitTs, target.sinkUri()))));
    inTransaction(batch, "DDL at " + Long.toUnsignedString(commitTs));
    ddlWrittenTs = commitTs;
  }

  /** Writes the checkpoint event to every partition of {@code topics} and of the default topic. */
  public void writeCheckpoint(long ts, Collection<String> topics) {
    if (records != null) {
      inTransaction(records.checkpoint(ts, topics), "checkpoint " + Long.toUnsignedString(ts));
    } else if (otherCluster != null) {
      otherCluster.emit(ts, topics);
    }
  }

  private EventRouter router() {
    if (router == null) {
      router = EventRouter.of(target.sink().orElseThrow());
    }
    return router;
  }

  /**
   * One transaction. A fenced producer means another owner took over: {@code CDC:ErrNotOwner}. Any other failure
   * closes the producer (a new one, with the same id, aborts what is left of the transaction) and is thrown for
   * the owner to report and retry.
   */
  private void inTransaction(List<ProducerRecord<byte[], byte[]>> batch, String what) {
    if (batch.isEmpty()) {
      return;
    }
    if (producer == null) {
      producer = newProducer();
    }
    try {
      producer.beginTransaction();
      batch.forEach(producer::send);
      producer.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      closeProducer();
      throw CdcError.NOT_OWNER.wrap(e);
    } catch (KafkaException e) {
      closeProducer();
      throw new IllegalStateException("cannot write " + what + " of " + target.transactionalId() + ": " + e, e);
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Map<String, Object> p = new HashMap<>();
    if (records != null) {
      // the sink's own settings (TLS, SASL...) reach the shared cluster; transactions need acks=all
      p.putAll(target.sink().orElseThrow().producerProperties(target.clientId()));
    } else {
      p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    }
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, target.transactionalId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.remove(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      created.initTransactions();
    } catch (ProducerFencedException e) {
      created.close(Duration.ZERO);
      throw CdcError.NOT_OWNER.wrap(e);
    } catch (KafkaException e) {
      created.close(Duration.ZERO);
      throw new IllegalStateException("cannot start the owner's producer " + target.transactionalId() + ": " + e, e);
    }
    LOG.info("owner producer {} started; earlier owners are fenced", target.transactionalId());
    return created;
  }

  /**
   * The last {@code DdlWritten} mark. Read after this owner's producer fenced the earlier ones, and up to the
   * partition's end as it was then: a mark committed behind a Streams transaction still open is only visible to
   * read_committed readers once that transaction ends, so the read waits for it.
   */
  private long readDdlWritten() {
    TopicPartition tp = new TopicPartition(target.progressTopic(), 0);
    Map<String, Object> base = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    long end;
    try (Admin admin = Admin.create(base)) {
      ListOffsetsResult r = admin.listOffsets(Map.of(tp, OffsetSpec.latest()));
      end = r.partitionResult(tp).get().offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return 0; // a new changefeed: no owner wrote anything yet
      }
      throw new IllegalStateException("cannot read " + target.progressTopic() + ": " + e.getCause(), e.getCause());
    }
    Map<String, Object> c = new HashMap<>(base);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long written = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (consumer.position(tp) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read " + target.progressTopic() + " to offset " + end
              + ": a transaction on it stays open");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null && ProgressKeys.isDdlWritten(r.key())) {
            DdlWritten mark = DDL_WRITTEN.decode(r.value());
            written = mark.getSinkUri().equals(target.sinkUri()) ? mark.getCommitTs() : 0;
          }
        }
      }
    }
    return written;
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  @Override
  public void close() {
    closeProducer();
    if (records != null) {
      records.close();
    }
    if (otherCluster != null) {
      otherCluster.close();
    }
  }
}
