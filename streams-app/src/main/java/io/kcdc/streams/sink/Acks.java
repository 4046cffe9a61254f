package io.kcdc.streams.sink;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Synchronous writes: flush a producer and wait until every record of a batch is acknowledged. */
public final class Acks {
  public static final long TIMEOUT_SECONDS = 60;

  private Acks() {}

  /** @throws IllegalStateException naming {@code what} when a record failed or no ack came in time */
  public static void await(Producer<?, ?> producer, List<Future<RecordMetadata>> acks, String what) {
    producer.flush();
    try {
      for (Future<RecordMetadata> ack : acks) {
        ack.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write " + what + ": " + e.getMessage(), e);
    }
  }
}
