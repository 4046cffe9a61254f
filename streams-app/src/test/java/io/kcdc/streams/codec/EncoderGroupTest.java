package io.kcdc.streams.codec;

import static io.kcdc.streams.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdc.avro.Ddl;
import io.kcdc.common.errors.CdcError;
import io.kcdc.streams.codec.EncoderGroup.Target;
import io.kcdc.streams.model.RowEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The encoder group's contract besides byte-identical output (see EncoderConcurrencyTest). */
class EncoderGroupTest {
  private static final RowEvent ROW = event(testT(1, 1), insert(1, 5, 10, 1));

  @Test
  void anEncoderFailureIsThrownAfterEveryTargetHasFinished() {
    AtomicBoolean slowDone = new AtomicBoolean();
    try (EncoderGroup group = new EncoderGroup(() -> new FakeEncoder(slowDone), 4, "test-encoder")) {
      Map<Target, List<RowEvent>> chunk = new LinkedHashMap<>();
      chunk.put(new Target("bad", 0), List.of(ROW));
      chunk.put(new Target("slow", 1), List.of(ROW));
      assertThatThrownBy(() -> group.encode(chunk)).isInstanceOf(EncodeException.class)
          .hasMessageContaining("too large");
      assertThat(slowDone).isTrue();
    }
  }

  @Test
  void recordsComeBackInTheChunksTargetOrder() {
    try (EncoderGroup group = new EncoderGroup(() -> new FakeEncoder(new AtomicBoolean()), 3, "test-encoder")) {
      Map<Target, List<RowEvent>> chunk = new LinkedHashMap<>();
      for (int p = 5; p >= 0; p--) {
        chunk.put(new Target("slow", p), List.of(ROW, ROW));
      }
      assertThat(group.encode(chunk).keySet()).containsExactlyElementsOf(chunk.keySet());
      assertThat(group.encode(chunk).values()).allSatisfy(records -> assertThat(records).hasSize(2));
    }
    assertThatThrownBy(() -> new EncoderGroup(() -> null, 0, "x")).isInstanceOf(IllegalArgumentException.class);
  }

  /** Fails for topic "bad"; takes a while for "slow"; one record per row. */
  private static final class FakeEncoder implements RowEventEncoder {
    private final AtomicBoolean slowDone;
    private int rows;

    FakeEncoder(AtomicBoolean slowDone) {
      this.slowDone = slowDone;
    }

    @Override
    public void appendRow(String topic, RowEvent row) {
      if (topic.equals("bad")) {
        throw new EncodeException(CdcError.MESSAGE_TOO_LARGE, "row too large");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      slowDone.set(true);
      rows++;
    }

    @Override
    public List<EncodedMessage> build() {
      List<EncodedMessage> out = java.util.Collections.nCopies(rows, new EncodedMessage(null, new byte[] {1}));
      rows = 0;
      return out;
    }

    @Override
    public Optional<EncodedMessage> encodeDdl(Ddl ddl) {
      return Optional.empty();
    }

    @Override
    public Optional<EncodedMessage> encodeCheckpoint(long ts) {
      return Optional.empty();
    }

    @Override
    public boolean broadcastDdl() {
      return false;
    }
  }
}
