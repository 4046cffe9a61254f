package io.kcdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsProcessTest {
  @Test
  void takesAThreadProducersTransactionalIdApart() {
    // as listed by the broker for an exactly_once_v2 app (application.id-processId-thread index)
    String id = "cdc-default.default.demo.1796419234867-470920523869323264-2397f5c1-0a43-4da8-9130-bd953aac5b94-12";

    StreamsProcess.TransactionalId parsed = StreamsProcess.TransactionalId.parse(id).orElseThrow();

    assertThat(parsed.applicationId()).isEqualTo("cdc-default.default.demo.1796419234867-470920523869323264");
    assertThat(parsed.processId()).isEqualTo("2397f5c1-0a43-4da8-9130-bd953aac5b94");
    assertThat(parsed.thread()).isEqualTo(12);
  }

  @Test
  void otherTransactionalIdsAreNotThreadProducers() {
    assertThat(StreamsProcess.TransactionalId.parse("cdc-default.default.demo.owner")).isEmpty();
    assertThat(StreamsProcess.TransactionalId.parse("cdc-default-cdc-demo-0")).isEmpty();
    assertThat(StreamsProcess.TransactionalId.parse("app-2397f5c1-0a43-4da8-9130-bd953aac5b94")).isEmpty();
  }

  @Test
  void readsTheProcessIdKafkaStreamsKeepsInTheStateDirectory(@TempDir Path stateDir) throws Exception {
    Path appDir = Files.createDirectories(stateDir.resolve("app-1"));
    Files.writeString(appDir.resolve(StreamsProcess.PROCESS_FILE), "{\"processId\":\"17a1d83d-a13c-4f55-b51d-9c016e6235da\"}");

    assertThat(StreamsProcess.processId(stateDir, "app-1")).contains("17a1d83d-a13c-4f55-b51d-9c016e6235da");
    assertThat(StreamsProcess.processId(stateDir, "app-2")).isEmpty();
  }
}
