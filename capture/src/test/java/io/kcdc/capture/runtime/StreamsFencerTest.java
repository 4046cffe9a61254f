package io.kcdc.capture.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.gateway.etcd.Versioned;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsFencerTest {
  private static final String PREFIX = "cdc-default.";
  private static final String APP = "cdc-default.default.cf1.1796419517918-470920598069968896";
  private static final String DEAD = "2397f5c1-0a43-4da8-9130-bd953aac5b94";
  private static final String ALIVE = "17a1d83d-a13c-4f55-b51d-9c016e6235da";
  private static final String UNKNOWN = "f744c315-e9a5-41ca-bdbb-f63b720c6022";

  @Test
  void fencesEveryThreadOfAnInstanceWhoseCaptureIsGoneAndNothingElse() {
    List<String> open = List.of(APP + "-" + DEAD + "-1", APP + "-" + DEAD + "-2", APP + "-" + ALIVE + "-1",
        APP + "-" + UNKNOWN + "-1", "cdc-default.default.cf1.owner", "cdc-default-cdc-cf1-0");
    Map<String, Versioned<String>> records = Map.of(DEAD, new Versioned<>("capture-a", 7),
        ALIVE, new Versioned<>("capture-b", 8));

    StreamsFencer.Decision d = StreamsFencer.decide(open, PREFIX, records, Set.of("capture-b"));

    assertThat(d.fence()).containsOnlyKeys(DEAD);
    assertThat(d.fence().get(DEAD)).containsExactly(APP + "-" + DEAD + "-1", APP + "-" + DEAD + "-2");
    assertThat(d.forget()).isEmpty();
  }

  @Test
  void aRecordedInstanceOfALiveCaptureIsNeverFenced() {
    List<String> open = List.of(APP + "-" + ALIVE + "-1");
    StreamsFencer.Decision d = StreamsFencer.decide(open, PREFIX, Map.of(ALIVE, new Versioned<>("capture-b", 8)),
        Set.of("capture-b"));

    assertThat(d.isEmpty()).isTrue();
  }

  @Test
  void anotherClustersAppIsNotTouchedEvenWithARecordedProcessId() {
    String other = "cdc-other.default.cf1.1-2-" + DEAD + "-1";
    StreamsFencer.Decision d = StreamsFencer.decide(List.of(other), PREFIX,
        Map.of(DEAD, new Versioned<>("capture-a", 7)), Set.of());

    assertThat(d.fence()).isEmpty();
    assertThat(d.forget()).containsEntry(DEAD, 7L);
  }

  @Test
  void aDeadCapturesInstanceWithoutAnOpenTransactionIsForgotten() {
    StreamsFencer.Decision d = StreamsFencer.decide(List.of(), PREFIX,
        Map.of(DEAD, new Versioned<>("capture-a", 7), ALIVE, new Versioned<>("capture-b", 8)), Set.of("capture-b"));

    assertThat(d.fence()).isEmpty();
    assertThat(d.forget()).containsOnlyKeys(DEAD);
  }
}
