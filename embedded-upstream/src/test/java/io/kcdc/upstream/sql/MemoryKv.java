package io.kcdc.upstream.sql;

import io.kcdc.upstream.kv.TxnKv;
import java.util.ArrayList;
import java.util.List;

/** Test access to {@link MemoryTxnKv} from other test packages. */
public final class MemoryKv {
  private MemoryKv() {}

  /** A committed put ({@code value} null = delete). */
  public record Write(long commitTs, byte[] key, byte[] value) {}

  /** The store and its commit log. */
  public record Handle(MemoryTxnKv store) {
    public TxnKv txnKv() {
      return store;
    }

    public List<Write> writes() {
      List<Write> out = new ArrayList<>();
      synchronized (store) {
        for (MemoryTxnKv.Commit c : store.log) {
          c.mutations().forEach((k, v) -> out.add(new Write(c.commitTs(), k, v)));
        }
      }
      return out;
    }
  }

  public static Handle create() {
    return new Handle(new MemoryTxnKv());
  }
}
