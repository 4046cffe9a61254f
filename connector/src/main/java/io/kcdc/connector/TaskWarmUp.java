package io.kcdc.connector;

import io.kcdc.common.security.Credential;
import io.kcdc.connector.schema.SchemaLoader;
import io.kcdc.connector.schema.SchemaSnapshot;
import io.kcdc.connector.tikv.Backoff;
import io.kcdc.connector.tikv.ChannelPool;
import io.kcdc.connector.tikv.KvClient;
import io.kcdc.connector.tikv.PdClient;
import io.kcdc.connector.tikv.RegionCache;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a task's start path once — PD, a TiKV snapshot scan of the schema, the table decoding — before the process
 * takes any task. In a fresh JVM that path is cold (class loading, gRPC's and Jackson's first use) and a task took
 * 3–5 s to start instead of 0.3–0.7 s; a task that moves to a capture that was just started again is part of a
 * recovery (docs/crash-recovery.md#task-start). Failures only cost the warm-up: the task itself reports them.
 */
public final class TaskWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(TaskWarmUp.class);

  private TaskWarmUp() {}

  /** Runs the warm-up against {@code pdAddresses}, waiting at most {@code limit} for it. */
  public static void run(List<String> pdAddresses, Credential credential, Duration limit) {
    long began = System.nanoTime();
    CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> loadSchema(pdAddresses, credential));
    try {
      int tables = f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("task start path warmed up in {} ms ({} tables read)", (System.nanoTime() - began) / 1_000_000, tables);
    } catch (TimeoutException e) {
      f.cancel(true);
      LOG.warn("task start path warm-up did not finish within {}; going on without it", limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("task start path warm-up failed; going on without it: {}", e.toString());
    }
  }

  private static int loadSchema(List<String> pdAddresses, Credential credential) {
    try (ChannelPool channels = new ChannelPool(credential)) {
      PdClient pd = new PdClient(pdAddresses, channels, Backoff.DEFAULT);
      try {
        SchemaSnapshot snapshot = new SchemaLoader(new KvClient(new RegionCache(pd), channels, Backoff.DEFAULT))
            .load(pd.currentTs());
        return snapshot.tables().size();
      } finally {
        pd.close();
      }
    }
  }
}
