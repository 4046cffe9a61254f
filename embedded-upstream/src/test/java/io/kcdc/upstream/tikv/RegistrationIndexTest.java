package io.kcdc.upstream.tikv;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdc.tidb.Codec;
import io.kcdc.tidb.KeySpan;
import io.kcdc.tidb.MetaCodec;
import io.kcdc.tidb.TableCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationIndexTest {
  private static byte[] enc(byte[] raw) {
    return Codec.encodeBytes(raw);
  }

  private static Registration reg(long request, KeySpan span) {
    return new Registration(new Registration.Key(request, request), request, request, span, false);
  }

  private static KeySpan table(long id) {
    return new KeySpan(enc(TableCodec.tablePrefix(id)), enc(TableCodec.tablePrefix(id + 1)));
  }

  private static KeySpan records(long id) {
    return new KeySpan(enc(TableCodec.recordPrefix(id)), enc(MetaCodec.prefixEnd(TableCodec.recordPrefix(id))));
  }

  private static List<Long> observers(RegistrationIndex index, byte[] raw) {
    List<Long> out = new ArrayList<>();
    index.forEachObserving(raw, enc(raw), r -> out.add(r.requestId));
    return out;
  }

  @Test
  void aSpanInsideOneTableIsIndexedByItsTableOthersAreWide() {
    assertThat(RegistrationIndex.tableOf(table(42))).isEqualTo(42);
    assertThat(RegistrationIndex.tableOf(records(42))).isEqualTo(42);
    assertThat(RegistrationIndex.tableOf(new KeySpan(new byte[0], new byte[0]))).isEqualTo(Long.MIN_VALUE);
    assertThat(RegistrationIndex.tableOf(new KeySpan(enc(TableCodec.tablePrefix(42)), new byte[0])))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(RegistrationIndex.tableOf(new KeySpan(enc(TableCodec.tablePrefix(42)),
        enc(TableCodec.tablePrefix(44))))).isEqualTo(Long.MIN_VALUE);
    assertThat(RegistrationIndex.tableOf(new KeySpan(enc("m".getBytes()), enc("n".getBytes()))))
        .isEqualTo(Long.MIN_VALUE);
  }

  /** What scanning every registration found, the index finds: overlapping ranges included. */
  @Test
  void findsEveryRegistrationWhoseRangeHoldsTheKeyAndNoOther() {
    RegistrationIndex index = new RegistrationIndex();
    List<Registration> all = List.of(
        reg(1, records(42)),
        reg(2, table(42)),
        reg(3, records(43)),
        reg(4, new KeySpan(new byte[0], new byte[0])), // a whole region
        reg(5, new KeySpan(enc(TableCodec.tablePrefix(40)), enc(TableCodec.tablePrefix(43)))), // tables 40-42
        reg(6, new KeySpan(enc("m".getBytes()), enc("n".getBytes()))), // meta keys
        reg(7, null)); // outside its region: observes nothing
    all.forEach(index::add);
    List<byte[]> keys = List.of(TableCodec.recordKey(42, 7), TableCodec.recordKey(43, 1),
        TableCodec.indexPrefix(42, 1), TableCodec.recordKey(41, 3), TableCodec.recordKey(99, 1),
        MetaCodec.stringKey(MetaCodec.SCHEMA_VERSION_KEY));
    for (byte[] key : keys) {
      List<Long> scanned = all.stream().filter(r -> r.span != null && r.span.contains(enc(key)))
          .map(r -> r.requestId).toList();
      assertThat(observers(index, key)).containsExactlyInAnyOrderElementsOf(scanned);
    }
    assertThat(observers(index, TableCodec.recordKey(42, 7))).containsExactlyInAnyOrder(1L, 2L, 4L, 5L);

    index.remove(all.get(0));
    index.remove(all.get(3));
    assertThat(observers(index, TableCodec.recordKey(42, 7))).containsExactlyInAnyOrder(2L, 5L);
    index.remove(all.get(1));
    index.remove(all.get(4));
    assertThat(observers(index, TableCodec.recordKey(42, 7))).isEmpty();
    assertThat(observers(index, TableCodec.recordKey(43, 1))).containsExactly(3L);
  }
}
