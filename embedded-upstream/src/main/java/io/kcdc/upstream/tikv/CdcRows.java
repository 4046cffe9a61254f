package io.kcdc.upstream.tikv;

import com.google.protobuf.ByteString;
import io.kcdc.kvproto.Cdcpb;
import io.kcdc.upstream.kv.MvccChange;

/** Maps store changes to cdcpb rows the way TiKV fills them. */
final class CdcRows {
  private CdcRows() {}

  static Cdcpb.Event.Row row(MvccChange c, boolean withOldValue) {
    Cdcpb.Event.Row.Builder b = Cdcpb.Event.Row.newBuilder()
        .setStartTs(c.startTs())
        .setKey(ByteString.copyFrom(c.rawKey()));
    switch (c.kind()) {
      case PREWRITE -> {
        b.setType(Cdcpb.Event.LogType.PREWRITE).setOpType(op(c)).setValue(ByteString.copyFrom(c.value()));
        if (withOldValue) {
          b.setOldValue(ByteString.copyFrom(c.oldValue()));
        }
      }
      case COMMIT -> b.setType(Cdcpb.Event.LogType.COMMIT).setOpType(op(c)).setCommitTs(c.commitTs());
      case ROLLBACK -> b.setType(Cdcpb.Event.LogType.ROLLBACK);
      case COMMITTED -> {
        b.setType(Cdcpb.Event.LogType.COMMITTED).setOpType(op(c)).setCommitTs(c.commitTs())
            .setValue(ByteString.copyFrom(c.value()));
        if (withOldValue) {
          b.setOldValue(ByteString.copyFrom(c.oldValue()));
        }
      }
      default -> throw new IllegalArgumentException("unknown change kind " + c.kind());
    }
    return b.build();
  }

  private static Cdcpb.Event.Row.OpType op(MvccChange c) {
    return c.delete() ? Cdcpb.Event.Row.OpType.DELETE : Cdcpb.Event.Row.OpType.PUT;
  }

  static Cdcpb.Event.Row initialized() {
    return Cdcpb.Event.Row.newBuilder().setType(Cdcpb.Event.LogType.INITIALIZED).build();
  }
}
