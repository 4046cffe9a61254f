package io.kcdc.streams.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Avro binary without header for one generated record type (the internal and progress topics' values). */
public final class AvroBinary<T extends SpecificRecord> {
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;

  public AvroBinary(Class<T> type) {
    this.writer = new SpecificDatumWriter<>(type);
    this.reader = new SpecificDatumReader<>(type);
  }

  public byte[] encode(T value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(value, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public T decode(byte[] bytes) {
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException("not a valid Avro record of " + reader.getSchema().getFullName(), e);
    }
  }
}
