package io.kcdc.tidb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BinaryJsonTest {

  @Test
  void objectLayout() {
    byte[] b = BinaryJson.fromText("{\"key1\":\"value1\"}");
    // type, count=1, size, key entry (off 19, len 4), value entry (string @ 23), key, uvarint 6 + value
    assertThat(Hex.of(b)).isEqualTo("01 01 00 00 00 1e 00 00 00 13 00 00 00 04 00 0c 17 00 00 00"
        + " 6b 65 79 31 06 76 61 6c 75 65 31");
    assertThat(BinaryJson.toText(b)).isEqualTo("{\"key1\": \"value1\"}");
  }

  @Test
  void literalsAreInlined() {
    byte[] b = BinaryJson.fromText("[true,false,null]");
    assertThat(Hex.of(b)).isEqualTo("03 03 00 00 00 17 00 00 00 04 01 00 00 00 04 02 00 00 00 04 00 00 00 00");
    assertThat(BinaryJson.toText(b)).isEqualTo("[true, false, null]");
  }

  @Test
  void scalarsAndNumbers() {
    assertThat(Hex.of(BinaryJson.fromText("1"))).isEqualTo("09 01 00 00 00 00 00 00 00");
    assertThat(Hex.of(BinaryJson.fromText("18446744073709551615"))).isEqualTo("0a ff ff ff ff ff ff ff ff");
    assertThat(BinaryJson.toText(BinaryJson.fromText("18446744073709551615"))).isEqualTo("18446744073709551615");
    assertThat(BinaryJson.fromText("1.5")[0]).isEqualTo((byte) BinaryJson.TYPE_FLOAT64);
    assertThat(BinaryJson.toText(BinaryJson.fromText("1.0"))).isEqualTo("1.0");
    assertThat(BinaryJson.toText(BinaryJson.fromText("-2.5"))).isEqualTo("-2.5");
    assertThat(BinaryJson.toText(BinaryJson.fromText("1e20"))).isEqualTo("1e20");
    assertThat(BinaryJson.toText(BinaryJson.fromText("1.5e-20"))).isEqualTo("1.5e-20");
    assertThat(BinaryJson.toText(BinaryJson.fromText("123456789012345.5"))).isEqualTo("123456789012345.5");
    assertThat(BinaryJson.toText(BinaryJson.fromText("\"a\"")))
        .isEqualTo("\"a\"");
    assertThat(BinaryJson.toText(BinaryJson.fromText("null"))).isEqualTo("null");
  }

  @Test
  void keysAreSortedAndNestedOffsetsAreRelative() {
    String text = "{\"b\": [1, {\"z\": null, \"a\": \"x\"}], \"a\": {}, \"aa\": []}";
    assertThat(BinaryJson.toText(BinaryJson.fromText(text)))
        .isEqualTo("{\"a\": {}, \"aa\": [], \"b\": [1, {\"a\": \"x\", \"z\": null}]}");
  }

  @Test
  void stringsEscapeLikeTiDb() {
    assertThat(BinaryJson.toText(BinaryJson.fromText("\"<a&b>\\n\\u0001\\\"\\u2028é\"")))
        .isEqualTo("\"<a&b>\\n\\u0001\\\"\\u2028é\"");
  }

  @Test
  void sizesOfValues() {
    byte[] obj = BinaryJson.fromText("{\"k\": [1, 2]}");
    assertThat(1 + BinaryJson.valueSize(obj[0], obj, 1)).isEqualTo(obj.length);
    byte[] str = BinaryJson.fromText("\"hello\"");
    assertThat(1 + BinaryJson.valueSize(str[0], str, 1)).isEqualTo(str.length);
  }

  @Test
  void invalidTextIsRejected() {
    assertThatThrownBy(() -> BinaryJson.fromText("{\"a\": }")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinaryJson.fromText("1 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinaryJson.fromText("")).isInstanceOf(IllegalArgumentException.class);
  }
}
