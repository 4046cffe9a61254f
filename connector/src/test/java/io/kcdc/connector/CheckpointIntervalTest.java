package io.kcdc.connector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How often a task writes its checkpoint: every resolved-ts interval while it has work, at most once a second idle. */
class CheckpointIntervalTest {
  @Test
  void aTaskWithRowsOrASchemaChangeCheckpointsEveryResolvedTsInterval() {
    assertThat(TiCdcSourceTask.checkpointInterval(true, 200)).isEqualTo(200);
  }

  @Test
  void anIdleTaskCheckpointsAtMostOnceASecond() {
    assertThat(TiCdcSourceTask.checkpointInterval(false, 200)).isEqualTo(TiCdcSourceTask.IDLE_CHECKPOINT_INTERVAL_MS);
    assertThat(TiCdcSourceTask.checkpointInterval(false, 3000)).isEqualTo(3000); // never faster than the interval
  }
}
