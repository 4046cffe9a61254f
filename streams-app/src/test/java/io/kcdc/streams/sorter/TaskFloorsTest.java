package io.kcdc.streams.sorter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskFloorsTest {
  @Test
  void theFloorIsTheMinimumOverEveryTaskOfACount() {
    TaskFloors f = new TaskFloors();
    assertThat(f.update(0, 3, 100)).isTrue();
    assertThat(f.update(2, 3, 80)).isTrue();
    assertThat(f.floor()).isZero(); // task 1 of 3 unknown
    f.update(1, 3, 90);
    assertThat(f.floor()).isEqualTo(80);
    f.update(2, 3, 120);
    assertThat(f.floor()).isEqualTo(90);
  }

  @Test
  void aCheckpointThatDoesNotAdvanceChangesNothing() {
    TaskFloors f = new TaskFloors();
    f.update(0, 1, 100);
    assertThat(f.update(0, 1, 100)).isFalse();
    assertThat(f.update(0, 1, 90)).isFalse();
    assertThat(f.floor()).isEqualTo(100);
  }

  @Test
  void ofSeveralCompleteTaskCountsTheLargestMinimumHoldsAndTheFloorNeverGoesBack() {
    TaskFloors f = new TaskFloors();
    f.update(0, 1, 100);
    f.update(0, 2, 150);
    assertThat(f.floor()).isEqualTo(100); // the count of 2 is not complete
    f.update(1, 2, 130);
    assertThat(f.floor()).isEqualTo(130);
    f.update(0, 1, 120); // the old count moves on but stays below
    assertThat(f.floor()).isEqualTo(130);
  }

  @Test
  void unsignedTimestampsAndInvalidTasks() {
    TaskFloors f = new TaskFloors();
    assertThat(f.update(1, 1, 5)).isFalse();
    assertThat(f.update(0, 0, 5)).isFalse();
    f.update(0, 1, 0x8000_0000_0000_0010L);
    assertThat(f.floor()).isEqualTo(0x8000_0000_0000_0010L);
  }

  @Test
  void entriesAreStoredAndLoadedBack() {
    TaskFloors stored = new TaskFloors();
    assertThat(stored.load(TaskFloors.key(1, 2), TaskFloors.value(70))).isTrue();
    assertThat(stored.load(TaskFloors.key(0, 2), TaskFloors.value(60))).isTrue();
    assertThat(stored.floor()).isEqualTo(60);
    assertThat(stored.load(new byte[8], TaskFloors.value(1))).isFalse();
  }
}
