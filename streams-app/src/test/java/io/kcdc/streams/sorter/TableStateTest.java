package io.kcdc.streams.sorter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class TableStateTest {
  @Test
  void statesOfEveryLayoutAreRead() {
    assertThat(TableState.decode(ByteBuffer.allocate(16).putLong(30).putLong(20).array()))
        .isEqualTo(new TableState(30, 20, 0, 0, null));
    assertThat(TableState.decode(ByteBuffer.allocate(24).putLong(30).putLong(20).putLong(15).array()))
        .isEqualTo(new TableState(30, 20, 15, 0, null));
    TableState underWay = new TableState(30, 20, 15, 30, SorterKey.of(1, 25, 24, SorterKey.INSERT, new byte[] {7}));
    assertThat(TableState.decode(underWay.encode())).isEqualTo(underWay);
  }

  @Test
  void aReleaseUnderWayMovesTheCheckpointBelowItsLastRowAndToItsEndWhenComplete() {
    TableState s = new TableState(10, 10, 0, 0, null).advancedTo(50, 40);
    assertThat(s.releaseTo()).isEqualTo(40);
    Bytes last = SorterKey.of(1, 30, 29, SorterKey.INSERT, new byte[] {1});
    s = s.wroteThrough(last, 30);
    assertThat(s.checkpointTs()).isEqualTo(29);
    assertThat(s.written(SorterKey.of(1, 30, 29, SorterKey.INSERT, new byte[] {0}), 30)).isTrue();
    assertThat(s.written(SorterKey.of(1, 30, 29, SorterKey.INSERT, new byte[] {2}), 30)).isFalse();
    assertThat(s.advancedTo(60, 60).releaseTo()).isEqualTo(60); // extended, the cursor kept
    assertThat(s.advancedTo(60, 20).releaseTo()).isEqualTo(40); // a lower barrier never shortens it
    TableState done = s.released(35);
    assertThat(done).isEqualTo(new TableState(50, 40, 35, 0, null));
    assertThat(done.advancedTo(50, 40).releasing()).isFalse();
  }
}
