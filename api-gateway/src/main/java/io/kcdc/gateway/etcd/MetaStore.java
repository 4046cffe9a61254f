package io.kcdc.gateway.etcd;

import static io.kcdc.gateway.etcd.Etcd.await;
import static io.kcdc.gateway.etcd.Etcd.bytes;
import static io.kcdc.gateway.etcd.Etcd.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.kcdc.common.errors.CdcError;
import io.kcdc.gateway.model.CaptureInfo;
import io.kcdc.gateway.model.ChangefeedId;
import io.kcdc.gateway.model.ChangefeedInfo;
import io.kcdc.gateway.model.RunningError;
import io.kcdc.gateway.model.ChangefeedStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Changefeed metadata in etcd: info and status keys with compare-and-swap transactions, capture
 * registrations, and a watch over the whole cluster prefix.
 *
 * <p>The owner writes through a {@link #guardedBy guarded} view: every write it makes is an etcd
 * transaction that also requires its election key to still exist with the creation revision it won
 * with (TiCDC's owner key guard), so a capture that lost ownership — paused, cut off, replaced —
 * changes nothing even if it has not noticed yet.
 */
public final class MetaStore {
  private static final GetOption PREFIX = GetOption.builder().isPrefix(true).build();

  private final Client client;
  private final KV kv;
  private final EtcdKeys keys;
  /** Conditions every write of this view also needs; empty for the unguarded store. */
  private final List<Cmp> guard;

  public MetaStore(Client client, EtcdKeys keys) {
    this(client, keys, List.of());
  }

  private MetaStore(Client client, EtcdKeys keys, List<Cmp> guard) {
    this.client = client;
    this.kv = client.getKVClient();
    this.keys = keys;
    this.guard = guard;
  }

  /**
   * A view whose writes succeed only while {@code ownerKey} (the owner's election key) exists with
   * {@code createRevision}; a write refused for that throws {@code CDC:ErrNotOwner}.
   */
  public MetaStore guardedBy(ByteSequence ownerKey, long createRevision) {
    return new MetaStore(client, keys, List.of(new Cmp(ownerKey, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision))));
  }

  /** Commits a transaction with the guard added; false when its own conditions failed. */
  private boolean commit(List<Cmp> ifs, List<Op> thens) {
    List<Cmp> all = new ArrayList<>(guard);
    all.addAll(ifs);
    boolean ok = await(kv.txn().If(all.toArray(Cmp[]::new)).Then(thens.toArray(Op[]::new)).commit()).isSucceeded();
    if (!ok && !guard.isEmpty() && !guardHolds()) {
      throw CdcError.NOT_OWNER.gen();
    }
    return ok;
  }

  private boolean guardHolds() {
    return await(kv.txn().If(guard.toArray(Cmp[]::new)).commit()).isSucceeded();
  }

  public EtcdKeys keys() {
    return keys;
  }

  public Optional<Versioned<ChangefeedInfo>> getInfo(ChangefeedId id) {
    return getOne(keys.changefeedInfo(id))
        .map(kvp -> new Versioned<>(EtcdCodec.decodeInfo(kvp.getValue().getBytes()), kvp.getModRevision()));
  }

  public Optional<Versioned<ChangefeedStatus>> getStatus(ChangefeedId id) {
    return getOne(keys.changefeedStatus(id))
        .map(kvp -> new Versioned<>(
            EtcdCodec.decode(kvp.getValue().getBytes(), ChangefeedStatus.class), kvp.getModRevision()));
  }

  /** All changefeed infos of the cluster, ordered by (namespace, id). */
  public Map<ChangefeedId, Versioned<ChangefeedInfo>> listInfos() {
    Map<ChangefeedId, Versioned<ChangefeedInfo>> out = new TreeMap<>();
    for (KeyValue kvp : getPrefix(keys.clusterPrefix()).getKvs()) {
      keys.parseInfo(string(kvp.getKey()))
          .ifPresent(id -> out.put(id, new Versioned<>(
              EtcdCodec.decodeInfo(kvp.getValue().getBytes()), kvp.getModRevision())));
    }
    return out;
  }

  /** All changefeed statuses of the cluster. */
  public Map<ChangefeedId, Versioned<ChangefeedStatus>> listStatuses() {
    Map<ChangefeedId, Versioned<ChangefeedStatus>> out = new TreeMap<>();
    for (KeyValue kvp : getPrefix(keys.clusterPrefix()).getKvs()) {
      keys.parseStatus(string(kvp.getKey()))
          .ifPresent(id -> out.put(id, new Versioned<>(
              EtcdCodec.decode(kvp.getValue().getBytes(), ChangefeedStatus.class),
              kvp.getModRevision())));
    }
    return out;
  }

  /**
   * Creates a changefeed in one transaction: only if neither its info nor its status key exists;
   * also writes the upstream key when given and absent.
   *
   * @return false if the transaction's comparison failed (a concurrent create)
   */
  public boolean createChangefeed(ChangefeedInfo info, Optional<UpstreamInfo> upstream) {
    ChangefeedId id = ChangefeedId.of(info);
    List<Cmp> ifs = new ArrayList<>();
    List<Op> thens = new ArrayList<>();
    ifs.add(new Cmp(bytes(keys.changefeedInfo(id)), Cmp.Op.EQUAL, CmpTarget.modRevision(0)));
    ifs.add(new Cmp(bytes(keys.changefeedStatus(id)), Cmp.Op.EQUAL, CmpTarget.modRevision(0)));
    if (upstream.isPresent()) {
      String key = keys.upstream(info.namespace(), upstream.get().id());
      if (getOne(key).isEmpty()) {
        ifs.add(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(0)));
        thens.add(Op.put(bytes(key), bytes(EtcdCodec.encode(upstream.get())), PutOption.DEFAULT));
      }
    }
    thens.add(Op.put(bytes(keys.changefeedInfo(id)), bytes(EtcdCodec.encodeInfo(info)), PutOption.DEFAULT));
    return commit(ifs, thens);
  }

  /** Replaces an info if its key still has {@code expectedModRevision}. */
  public boolean updateInfo(ChangefeedInfo info, long expectedModRevision) {
    return casPut(keys.changefeedInfo(ChangefeedId.of(info)), EtcdCodec.encodeInfo(info), expectedModRevision);
  }

  /** Writes a status if its key still has {@code expectedModRevision} (0 = must not exist). */
  public boolean putStatus(ChangefeedId id, ChangefeedStatus status, long expectedModRevision) {
    return casPut(keys.changefeedStatus(id), EtcdCodec.encode(status), expectedModRevision);
  }

  private boolean casPut(String key, byte[] value, long expectedModRevision) {
    return commit(List.of(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision))),
        List.of(Op.put(bytes(key), bytes(value), PutOption.DEFAULT)));
  }

  /** Deletes a changefeed's info, status and task positions. */
  public void deleteChangefeed(ChangefeedId id) {
    List<Op> deletes = new ArrayList<>();
    deletes.add(Op.delete(bytes(keys.changefeedInfo(id)), DeleteOption.DEFAULT));
    deletes.add(Op.delete(bytes(keys.changefeedStatus(id)), DeleteOption.DEFAULT));
    for (KeyValue kvp : getPrefix(keys.taskPositionPrefix(id.namespace())).getKvs()) {
      if (string(kvp.getKey()).endsWith("/" + id.id())) {
        deletes.add(Op.delete(kvp.getKey(), DeleteOption.DEFAULT));
      }
    }
    commit(List.of(), deletes);
  }

  /** A processor's position key ({@code checkpoint-ts}/{@code resolved-ts} are deprecated in TiCDC: 0). */
  public record TaskPosition(
      @com.fasterxml.jackson.annotation.JsonProperty("checkpoint-ts") long checkpointTs,
      @com.fasterxml.jackson.annotation.JsonProperty("resolved-ts") long resolvedTs,
      @com.fasterxml.jackson.annotation.JsonProperty("count") long count,
      @com.fasterxml.jackson.annotation.JsonProperty("error") RunningError error,
      @com.fasterxml.jackson.annotation.JsonProperty("warning") RunningError warning) {}

  /** Writes this capture's position of a changefeed (its error), or deletes it for {@code null}. */
  public void putTaskPosition(ChangefeedId id, String captureId, TaskPosition position) {
    String key = keys.taskPosition(id.namespace(), captureId, id.id());
    if (position == null) {
      await(kv.delete(bytes(key)));
    } else {
      await(kv.put(bytes(key), ByteSequence.from(EtcdCodec.encode(position))));
    }
  }

  /** The errors processors reported for a changefeed, by capture id. */
  public Map<String, RunningError> taskErrors(ChangefeedId id) {
    Map<String, RunningError> out = new LinkedHashMap<>();
    String prefix = keys.taskPositionPrefix(id.namespace());
    for (KeyValue kvp : getPrefix(prefix).getKvs()) {
      String rest = string(kvp.getKey()).substring(prefix.length());
      if (rest.endsWith("/" + id.id())) {
        TaskPosition p = EtcdCodec.decode(kvp.getValue().getBytes(), TaskPosition.class);
        if (p.error() != null) {
          out.put(rest.substring(0, rest.length() - id.id().length() - 1), p.error());
        }
      }
    }
    return out;
  }

  /** Deletes a status key whose changefeed info is gone. */
  public void deleteStatus(ChangefeedId id) {
    commit(List.of(), List.of(Op.delete(bytes(keys.changefeedStatus(id)), DeleteOption.DEFAULT)));
  }

  /** Records that a capture's session runs the Connect worker {@code workerId}. */
  public void putConnectWorker(String workerId, String captureId, long leaseId) {
    await(kv.put(bytes(keys.connectWorker(workerId)), bytes(captureId),
        PutOption.builder().withLeaseId(leaseId).build()));
  }

  /** The capture whose embedded Connect worker this is, if a live session said so. */
  public Optional<String> captureOfWorker(String workerId) {
    return getOne(keys.connectWorker(workerId)).map(k -> string(k.getValue()));
  }

  /** Records that capture {@code captureId} runs the Streams app instance {@code processId}. */
  public void putStreamsProcess(String processId, String captureId) {
    await(kv.put(bytes(keys.streamsProcess(processId)), bytes(captureId)));
  }

  /** Forgets a Streams app instance. */
  public void deleteStreamsProcess(String processId) {
    await(kv.delete(bytes(keys.streamsProcess(processId))));
  }

  /** Forgets a Streams app instance unless its record changed since {@code modRevision}. */
  public boolean deleteStreamsProcess(String processId, long modRevision) {
    ByteSequence key = bytes(keys.streamsProcess(processId));
    return commit(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision))),
        List.of(Op.delete(key, DeleteOption.DEFAULT)));
  }

  /** The capture of every recorded Streams app instance, by process id. */
  public Map<String, Versioned<String>> streamsProcesses() {
    Map<String, Versioned<String>> out = new LinkedHashMap<>();
    String prefix = keys.streamsProcessPrefix();
    for (KeyValue kvp : getPrefix(prefix).getKvs()) {
      out.put(string(kvp.getKey()).substring(prefix.length()),
          new Versioned<>(string(kvp.getValue()), kvp.getModRevision()));
    }
    return out;
  }

  /** Marks a capture as being drained. */
  public void markDraining(String captureId) {
    await(kv.put(bytes(keys.drain(captureId)), ByteSequence.from(new byte[0])));
  }

  /** Whether a capture was asked to drain. */
  public boolean isDraining(String captureId) {
    return getOne(keys.drain(captureId)).isPresent();
  }

  /** Forgets a capture's drain mark (it stops for good). */
  public void clearDraining(String captureId) {
    await(kv.delete(bytes(keys.drain(captureId))));
  }

  /** Registered captures, ordered by id. */
  public List<CaptureInfo> listCaptures() {
    List<CaptureInfo> out = new ArrayList<>();
    for (KeyValue kvp : getPrefix(keys.capturePrefix()).getKvs()) {
      out.add(EtcdCodec.decode(kvp.getValue().getBytes(), CaptureInfo.class));
    }
    return out;
  }

  /** Every key and value under the cluster prefix, in key order. */
  public Map<String, String> dump() {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kvp : getPrefix(keys.clusterPrefix()).getKvs()) {
      out.put(string(kvp.getKey()), string(kvp.getValue()));
    }
    return out;
  }

  /** Calls {@code onChange} after any change under the cluster prefix; close the watcher to stop. */
  public Watch.Watcher watch(Runnable onChange, Consumer<Throwable> onError) {
    return client.getWatchClient().watch(
        bytes(keys.clusterPrefix()),
        WatchOption.builder().isPrefix(true).build(),
        response -> onChange.run(),
        onError);
  }

  private Optional<KeyValue> getOne(String key) {
    List<KeyValue> kvs = await(kv.get(bytes(key))).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }

  private GetResponse getPrefix(String prefix) {
    return await(kv.get(bytes(prefix), PREFIX));
  }
}
