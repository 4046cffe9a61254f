package io.kcdc.streams.codec;

import static io.kcdc.tidb.MysqlType.*;

import io.kcdc.avro.Ddl;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.ColumnValues;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import io.kcdc.tidb.ColumnFlag;
import io.kcdc.tidb.MysqlType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * TiCDC's open protocol (docs/output-formats.md#open-protocol). A record is a batch: the key is
 * {@code version u64 BE (1)} then per row {@code len u64 BE + key JSON}; the value is per row
 * {@code len u64 BE + value JSON}. A new batch starts after {@code max-batch-size} rows or when the row would push
 * the record over {@code max-message-bytes}. DDL and resolved events are single-item records of the same framing;
 * DDLs go to every partition.
 */
public final class OpenProtocolEncoder implements RowEventEncoder {
  static final long BATCH_VERSION = 1;
  /** The key and value length prefixes of one row. */
  private static final int ROW_FRAMING = 16;
  /** The version header of a record's key. */
  private static final int VERSION_HEADER = 8;

  static final int TYPE_ROW = 1;
  static final int TYPE_DDL = 2;
  static final int TYPE_RESOLVED = 3;

  private final EncoderConfig config;
  private final ClaimCheckStorage claimCheck;
  private final MessageCompression compression;
  private final List<EncodedMessage> done = new ArrayList<>();
  private ByteArrayOutputStream key;
  private ByteArrayOutputStream value;
  private int rows;

  public OpenProtocolEncoder(EncoderConfig config) {
    this.config = config;
    this.claimCheck = config.largeMessageHandle().claimCheck() ? ClaimCheckStorage.of(config.largeMessageHandle()) : null;
    this.compression = config.largeMessageHandle().codec();
  }

  @Override
  public boolean broadcastDdl() {
    return true;
  }

  @Override
  public void appendRow(String topic, RowEvent e) {
    byte[] k = rowKey(e, false, null);
    byte[] v = compression.compress(rowValue(e, false));
    if (k.length + v.length + EncodedMessage.RECORD_OVERHEAD + ROW_FRAMING + VERSION_HEADER > config.maxMessageBytes()) {
      LargeMessageHandle handle = config.largeMessageHandle();
      if (handle.disabled()) {
        throw EncodeException.messageTooLarge(k.length + v.length + EncodedMessage.RECORD_OVERHEAD + ROW_FRAMING
            + VERSION_HEADER, e.table(), config.maxMessageBytes());
      }
      if (handle.claimCheck()) {
        EncodedMessage whole = single(k, v);
        String location = claimCheck.write(whole.key(), whole.value());
        k = rowKey(e, false, location);
        v = compression.compress(rowValue(e, true));
      } else {
        k = rowKey(e, true, null);
        v = compression.compress(rowValue(e, true));
        int length = k.length + v.length + EncodedMessage.RECORD_OVERHEAD + ROW_FRAMING + VERSION_HEADER;
        if (length > config.maxMessageBytes()) {
          throw EncodeException.messageTooLarge(length, e.table(), config.maxMessageBytes());
        }
      }
    }
    push(k, v);
  }

  private void push(byte[] k, byte[] v) {
    int length = k.length + v.length + EncodedMessage.RECORD_OVERHEAD + ROW_FRAMING;
    if (key == null || rows >= config.maxBatchSize()
        || key.size() + value.size() + EncodedMessage.RECORD_OVERHEAD + length > config.maxMessageBytes()) {
      finishBatch();
      key = new ByteArrayOutputStream(256);
      value = new ByteArrayOutputStream(256);
      key.writeBytes(u64(BATCH_VERSION));
      rows = 0;
    }
    key.writeBytes(u64(k.length));
    key.writeBytes(k);
    value.writeBytes(u64(v.length));
    value.writeBytes(v);
    rows++;
  }

  private void finishBatch() {
    if (key != null) {
      done.add(new EncodedMessage(key.toByteArray(), value.toByteArray()));
      key = null;
      value = null;
    }
  }

  @Override
  public List<EncodedMessage> build() {
    finishBatch();
    List<EncodedMessage> out = List.copyOf(done);
    done.clear();
    return out;
  }

  @Override
  public Optional<EncodedMessage> encodeDdl(Ddl ddl) {
    GoJsonWriter k = new GoJsonWriter();
    k.raw("{\"ts\":").unsigned(ddl.getCommitTs());
    names(k, ddl.getSchemaName(), ddl.getTableName());
    k.raw(",\"t\":").number(TYPE_DDL).raw('}');
    GoJsonWriter v = new GoJsonWriter();
    v.raw("{\"q\":").string(ddl.getQuery()).raw(",\"t\":").number(ddl.getActionType()).raw('}');
    return Optional.of(single(k.toBytes(), compression.compress(v.toBytes())));
  }

  @Override
  public Optional<EncodedMessage> encodeCheckpoint(long ts) {
    GoJsonWriter k = new GoJsonWriter();
    k.raw("{\"ts\":").unsigned(ts).raw(",\"t\":").number(TYPE_RESOLVED).raw('}');
    byte[] kb = k.toBytes();
    ByteBuffer keyBuf = ByteBuffer.allocate(VERSION_HEADER + 8 + kb.length).putLong(BATCH_VERSION).putLong(kb.length).put(kb);
    return Optional.of(new EncodedMessage(keyBuf.array(), new byte[8]));
  }

  /** A one-row record: version header and framed key, framed value. */
  static EncodedMessage single(byte[] k, byte[] v) {
    ByteBuffer kb = ByteBuffer.allocate(VERSION_HEADER + 8 + k.length).putLong(BATCH_VERSION).putLong(k.length).put(k);
    ByteBuffer vb = ByteBuffer.allocate(8 + v.length).putLong(v.length).put(v);
    return new EncodedMessage(kb.array(), vb.array());
  }

  private static void names(GoJsonWriter w, String schema, String table) {
    if (schema != null && !schema.isEmpty()) {
      w.raw(",\"scm\":").string(schema);
    }
    if (table != null && !table.isEmpty()) {
      w.raw(",\"tbl\":").string(table);
    }
  }

  /** {@code MessageKey} JSON of a row: ts, scm, tbl, rid, ptn, t, ohk, ccl (Go's omitempty). */
  static byte[] rowKey(RowEvent e, boolean onlyHandleKey, String claimCheckLocation) {
    TableInfo t = e.table();
    GoJsonWriter w = new GoJsonWriter();
    w.raw("{\"ts\":").unsigned(e.commitTs());
    names(w, t.schemaName(), t.tableName());
    OptionalLong rid = e.rowId();
    if (rid.isPresent() && rid.getAsLong() != 0) {
      w.raw(",\"rid\":").number(rid.getAsLong());
    }
    if (t.isPartition()) {
      w.raw(",\"ptn\":").number(e.physicalTableId());
    }
    w.raw(",\"t\":").number(TYPE_ROW);
    if (onlyHandleKey) {
      w.raw(",\"ohk\":true");
    }
    if (claimCheckLocation != null) {
      w.raw(",\"ccl\":").string(claimCheckLocation);
    }
    return w.raw('}').toBytes();
  }

  /** {@code messageRow} JSON: {@code u} (new image), {@code p} (old image of an update), {@code d} (deleted row). */
  private byte[] rowValue(RowEvent e, boolean largeOnlyHandleKey) {
    TableInfo t = e.table();
    GoJsonWriter w = new GoJsonWriter();
    w.raw('{');
    boolean[] first = {true};
    if (e.isDelete()) {
      boolean onlyHandleKey = largeOnlyHandleKey || config.deleteOnlyOutputHandleKeyColumns();
      columns(w, "d", t, e.preColumns(), null, onlyHandleKey, first);
    } else {
      columns(w, "u", t, e.columns(), null, largeOnlyHandleKey, first);
      if (e.isUpdate() && config.openOutputOldValue()) {
        columns(w, "p", t, e.preColumns(), config.outputOnlyUpdatedColumns() ? e.columns() : null, largeOnlyHandleKey, first);
      }
    }
    return w.raw('}').toBytes();
  }

  private static void columns(GoJsonWriter w, String field, TableInfo t, List<Object> values, List<Object> newValues,
      boolean onlyHandleKey, boolean[] firstField) {
    List<Integer> order = new ArrayList<>(values.size());
    boolean anyKept = false;
    for (int i = 0; i < values.size(); i++) {
      if (onlyHandleKey && !t.isHandleKey(i)) {
        continue;
      }
      anyKept = true;
      // only-output-updated-columns: an old value equal to the new one is left out of "p"
      if (newValues != null && ColumnValues.equal(values.get(i), newValues.get(i))) {
        continue;
      }
      order.add(i);
    }
    if (order.isEmpty()) {
      if (onlyHandleKey && !anyKept) {
        throw new EncodeException(CdcError.OPEN_PROTOCOL_CODEC_INVALID_DATA, "not found handle key columns for the "
            + field + " image of a row of " + t.schemaName() + "." + t.tableName());
      }
      return; // omitempty
    }
    order.sort(Comparator.comparing(i -> t.column(i).getName()));
    if (!firstField[0]) {
      w.raw(',');
    }
    firstField[0] = false;
    w.raw('"').raw(field).raw("\":{");
    boolean first = true;
    for (int i : order) {
      if (!first) {
        w.raw(',');
      }
      first = false;
      w.string(t.column(i).getName()).raw(':');
      column(w, t, i, values.get(i));
    }
    w.raw('}');
  }

  /** {@code internal.Column}: {@code {"t":type,"h":true,"f":flags,"v":value}}. */
  static void column(GoJsonWriter w, TableInfo t, int i, Object v) {
    int tp = t.column(i).getType();
    int flag = t.column(i).getFlag();
    w.raw("{\"t\":").number(tp);
    if (ColumnFlag.has(flag, ColumnFlag.HANDLE_KEY)) {
      w.raw(",\"h\":true");
    }
    w.raw(",\"f\":").number(flag).raw(",\"v\":");
    value(w, t, i, tp, v);
    w.raw('}');
  }

  private static void value(GoJsonWriter w, TableInfo t, int i, int tp, Object v) {
    if (v == null) {
      w.raw("null");
    } else if (v instanceof byte[] b) {
      if (tp == TYPE_STRING || tp == TYPE_VAR_STRING || tp == TYPE_VARCHAR) {
        w.string(t.isBinary(i) ? GoFormat.quote(b) : new String(b, java.nio.charset.StandardCharsets.UTF_8));
      } else {
        w.raw('"').raw(Base64.getEncoder().encodeToString(b)).raw('"'); // Go marshals []byte as base64
      }
    } else if (v instanceof Long l) {
      boolean unsigned = t.isUnsigned(i) || MysqlType.isAlwaysUnsigned(tp);
      if (unsigned) {
        w.unsigned(l);
      } else {
        w.number(l);
      }
    } else if (v instanceof Float f) {
      w.raw(GoFormat.jsonFloat32(f));
    } else if (v instanceof Double d) {
      w.raw(GoFormat.jsonFloat64(d));
    } else {
      w.string(v.toString());
    }
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
