package io.kcdc.connector;

import io.kcdc.avro.InternalEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** Key and value bytes of the internal topic: 8-byte big-endian table id, Avro binary {@link InternalEvent}. */
public final class InternalEvents {
  private static final SpecificDatumWriter<InternalEvent> WRITER = new SpecificDatumWriter<>(InternalEvent.class);
  private static final SpecificDatumReader<InternalEvent> READER = new SpecificDatumReader<>(InternalEvent.class);

  private InternalEvents() {}

  public static byte[] key(long tableId) {
    return ByteBuffer.allocate(Long.BYTES).putLong(tableId).array();
  }

  public static long tableIdOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  /** Avro binary without any header. */
  public static byte[] serialize(Object payload) {
    InternalEvent event = InternalEvent.newBuilder().setPayload(payload).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null); // no 2 KiB buffer per record
    try {
      synchronized (WRITER) {
        WRITER.write(event, enc);
      }
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static InternalEvent deserialize(byte[] value) {
    try {
      synchronized (READER) {
        return READER.read(null, DecoderFactory.get().binaryDecoder(value, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The partition of the internal topic that holds every record of {@code tableId}. */
  public static int partitionOf(long tableId, int partitions) {
    return slot(tableId, partitions);
  }

  /**
   * Spreads table ids over {@code n} slots. TiDB takes a table's id and its DDL job's id from one
   * allocator, so tables created one after another get ids two apart: a plain modulo would leave
   * every other slot empty; the ids are mixed first (SplitMix64's finalizer).
   */
  public static int slot(long tableId, int n) {
    long z = tableId;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z = z ^ (z >>> 31);
    return (int) Math.floorMod(z, (long) n);
  }
}
