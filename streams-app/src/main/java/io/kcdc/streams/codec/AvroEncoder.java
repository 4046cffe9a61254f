package io.kcdc.streams.codec;

import io.kcdc.avro.Ddl;
import io.kcdc.common.Tso;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.model.RowEvent;
import io.kcdc.streams.model.TableInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * TiCDC's avro protocol (docs/output-formats.md#avro): one record per row in the Confluent wire format ({@code 0x00},
 * schema id int32 BE, Avro binary). The key holds the handle-key columns (subject {@code <topic>-key}), the value
 * every column plus the optional {@code _tidb_*} fields (subject {@code <topic>-value}); a DELETE is a tombstone
 * (key, null value). Updates of a handle key arrive split into delete + insert. DDLs and checkpoints are only written
 * with {@code avro-enable-watermark} and the TiDB extension.
 */
public final class AvroEncoder implements RowEventEncoder {
  static final byte MAGIC = 0;
  static final byte DDL_BYTE = 1;
  static final byte CHECKPOINT_BYTE = 2;

  private final EncoderConfig config;
  private final AvroConfig avro;
  private final AvroSchemaCache cache;
  private final List<EncodedMessage> messages = new ArrayList<>();
  private BinaryEncoder reuse;

  public AvroEncoder(EncoderConfig config, AvroConfig avro, AvroSchemaCache cache) {
    this.config = config;
    this.avro = avro;
    this.cache = cache;
  }

  @Override
  public boolean broadcastDdl() {
    return true;
  }

  @Override
  public void appendRow(String topic, RowEvent e) {
    String subjectBase = AvroSchemas.sanitizeTopic(topic);
    TableInfo t = e.table();
    byte[] value = null;
    if (!e.isDelete()) {
      AvroSchemaCache.Entry entry = cache.getOrRegister(subjectBase + "-value", t.tableId(), t.version(),
          () -> AvroSchemas.valueSchema(t, avro, config.enableTidbExtension()));
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < t.columnCount(); i++) {
        all.add(i);
      }
      Map<String, Object> datums = AvroSchemas.datums(t, e.columns(), all, avro);
      if (config.enableTidbExtension()) {
        datums.put(AvroSchemas.TIDB_OP, e.isInsert() ? "c" : "u");
        datums.put(AvroSchemas.TIDB_COMMIT_TS, e.commitTs());
        datums.put(AvroSchemas.TIDB_PHYSICAL_TIME, Tso.physical(e.commitTs()));
      }
      value = envelope(entry, datums);
    }
    byte[] key = null;
    List<Integer> keyCols = AvroSchemas.handleKeyColumns(t);
    if (!keyCols.isEmpty()) {
      AvroSchemaCache.Entry entry = cache.getOrRegister(subjectBase + "-key", t.tableId(), t.version(),
          () -> AvroSchemas.keySchema(t, avro));
      key = envelope(entry, AvroSchemas.datums(t, e.keyColumns(), keyCols, avro));
    }
    EncodedMessage m = new EncodedMessage(key, value);
    if (m.length() > config.maxMessageBytes()) {
      throw EncodeException.messageTooLarge(m.length(), t, config.maxMessageBytes());
    }
    messages.add(m);
  }

  /** Confluent's envelope: magic byte, schema id, Avro binary of the record. */
  private byte[] envelope(AvroSchemaCache.Entry entry, Map<String, Object> datums) {
    GenericData.Record record = new GenericData.Record(entry.schema());
    datums.forEach(record::put);
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(entry.id()).array());
    reuse = EncoderFactory.get().directBinaryEncoder(out, reuse);
    try {
      entry.writer().write(record, reuse);
      reuse.flush();
    } catch (IOException | RuntimeException ex) {
      throw new EncodeException(CdcError.AVRO_TO_ENVELOPE_ERROR, "cannot encode a row of "
          + entry.schema().getFullName() + ": " + ex.getMessage(), ex);
    }
    return out.toByteArray();
  }

  @Override
  public List<EncodedMessage> build() {
    List<EncodedMessage> out = new ArrayList<>(messages);
    messages.clear();
    return out;
  }

  @Override
  public Optional<EncodedMessage> encodeDdl(Ddl ddl) {
    if (!config.enableTidbExtension() || !avro.enableWatermark()) {
      return Optional.empty();
    }
    GoJsonWriter w = new GoJsonWriter();
    w.raw("{\"query\":").string(ddl.getQuery()).raw(",\"type\":").number(ddl.getActionType())
        .raw(",\"schema\":").string(ddl.getSchemaName()).raw(",\"table\":").string(ddl.getTableName())
        .raw(",\"commitTs\":").unsigned(ddl.getCommitTs()).raw('}');
    byte[] json = w.toBytes();
    byte[] value = ByteBuffer.allocate(1 + json.length).put(DDL_BYTE).put(json).array();
    return Optional.of(new EncodedMessage(null, value));
  }

  @Override
  public Optional<EncodedMessage> encodeCheckpoint(long ts) {
    if (!config.enableTidbExtension() || !avro.enableWatermark()) {
      return Optional.empty();
    }
    return Optional.of(new EncodedMessage(null, ByteBuffer.allocate(9).put(CHECKPOINT_BYTE).putLong(ts).array()));
  }
}
