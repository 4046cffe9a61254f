package io.kcdc.gateway.etcd;

import static io.kcdc.gateway.etcd.Etcd.await;
import static io.kcdc.gateway.etcd.Etcd.bytes;
import static io.kcdc.gateway.etcd.Etcd.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.kcdc.gateway.model.CaptureInfo;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture's etcd session: a lease kept alive, the capture key attached to it, and the owner
 * election on {@code __cdc_meta__/owner} (etcd's v3election service, the same keys as Go's
 * {@code concurrency.Election}). When the lease dies the session is done and the capture must start
 * a new one.
 */
public final class CaptureSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureSession.class);

  private final Client client;
  private final EtcdKeys keys;
  private final CaptureInfo capture;
  private final long ttlSeconds;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile long leaseId;
  private volatile CloseableClient keepAlive;
  private volatile CompletableFuture<?> campaign;
  private volatile Runnable onDone = () -> {};

  public CaptureSession(Client client, EtcdKeys keys, CaptureInfo capture, long ttlSeconds) {
    this.client = client;
    this.keys = keys;
    this.capture = capture;
    this.ttlSeconds = ttlSeconds;
  }

  /** Grants the lease, starts keep-alive and registers the capture key and the meta version. */
  public void start(Runnable onSessionDone) {
    this.onDone = onSessionDone;
    leaseId = await(client.getLeaseClient().grant(ttlSeconds)).getID();
    keepAlive = client.getLeaseClient().keepAlive(leaseId, new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse value) {
        if (value.getTTL() <= 0) {
          markDone(null);
        }
      }

      @Override
      public void onError(Throwable t) {
        markDone(t);
      }

      @Override
      public void onCompleted() {
        markDone(null);
      }
    });
    await(client.getKVClient().put(
        bytes(keys.capture(capture.id())),
        bytes(EtcdCodec.encode(capture)),
        PutOption.builder().withLeaseId(leaseId).build()));
    ByteSequence version = bytes(keys.metaVersion());
    await(client.getKVClient().txn()
        .If(new Cmp(version, Cmp.Op.EQUAL, CmpTarget.version(0)))
        .Then(Op.put(version, bytes(EtcdKeys.META_VERSION), PutOption.DEFAULT))
        .commit());
  }

  private void markDone(Throwable cause) {
    if (done.compareAndSet(false, true)) {
      LOG.warn("etcd session of capture {} is done", capture.id(), cause);
      CompletableFuture<?> c = campaign;
      if (c != null) {
        c.cancel(true);
      }
      onDone.run();
    }
  }

  public String captureId() {
    return capture.id();
  }

  public CaptureInfo capture() {
    return capture;
  }

  public long leaseId() {
    return leaseId;
  }

  /** True once the lease is lost (expired, revoked or keep-alive failed). */
  public boolean isDone() {
    return done.get();
  }

  /**
   * Campaigns with this capture's id and blocks until it is the owner.
   *
   * @return the leader key, or empty if the session ended first
   */
  public Optional<LeaderKey> campaign() throws InterruptedException {
    if (done.get()) {
      return Optional.empty();
    }
    CompletableFuture<io.etcd.jetcd.election.CampaignResponse> f =
        client.getElectionClient().campaign(bytes(keys.ownerElection()), leaseId, bytes(capture.id()));
    campaign = f;
    try {
      if (done.get()) {
        f.cancel(true);
        return Optional.empty();
      }
      return Optional.of(f.get().getLeader());
    } catch (CancellationException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      if (done.get()) {
        return Optional.empty();
      }
      throw new IllegalStateException("campaign failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      campaign = null;
    }
  }

  /** Gives up ownership; another capture's campaign wins. */
  public void resign(LeaderKey leader) {
    try {
      client.getElectionClient().resign(leader).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("resign of capture {} failed", capture.id(), e);
    }
  }

  /** True while {@code leader}'s key still exists (this capture is still the owner). */
  public boolean isLeaderKeyAlive(LeaderKey leader) {
    return !await(client.getKVClient().get(leader.getKey())).getKvs().isEmpty();
  }

  /** The current owner's capture id: the campaign key with the smallest create revision. */
  public Optional<String> ownerId() {
    return ownerId(client, keys);
  }

  /** The current owner's capture id as any etcd client sees it. */
  public static Optional<String> ownerId(Client client, EtcdKeys keys) {
    List<KeyValue> kvs = await(client.getKVClient().get(
            bytes(keys.ownerElection() + "/"),
            GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .withLimit(1)
                .build()))
        .getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(string(kvs.get(0).getValue()));
  }

  /** Stops keep-alive and revokes the lease, which deletes the capture and campaign keys. */
  @Override
  public void close() {
    done.set(true);
    CompletableFuture<?> c = campaign;
    if (c != null) {
      c.cancel(true);
    }
    CloseableClient k = keepAlive;
    if (k != null) {
      k.close();
    }
    if (leaseId != 0) {
      try {
        client.getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("revoking lease of capture {} failed", capture.id(), e);
      }
    }
  }
}
