package io.kcdc.upstream.tikv;

/**
 * The TiKV release whose ChangeData behaviour the embedded stores follow. The differences that
 * matter to a CDC client are written down in docs/tikv-eventfeed.md:
 *
 * <ul>
 *   <li>{@link #V7_1} ("old"): no EventFeedV2 (UNIMPLEMENTED); a stream holds one registration per
 *       region whatever its request id, and every request is a registration (no Deregister);
 *   <li>{@link #V7_5}, {@link #V8_1}: EventFeedV2 with {@code stream-multiplexing}; registrations
 *       keyed by (request id, region); Deregister of a region or a whole request; one resolved ts
 *       per region, from the locks of the whole region;
 *   <li>{@link #V8_5}: as 8.1, but each registration's resolved ts comes from the locks in its own
 *       key range (since 8.3).
 * </ul>
 */
public enum TikvVersion {
  V7_1("7.1.5"),
  V7_5("7.5.0"),
  V8_1("8.1.0"),
  V8_5("8.5.0");

  private final String version;

  TikvVersion(String version) {
    this.version = version;
  }

  /** The version string the store reports to PD. */
  public String version() {
    return version;
  }

  /** EventFeedV2 and the {@code features} header exist since 7.3. */
  public boolean servesEventFeedV2() {
    return this != V7_1;
  }

  /**
   * Since 7.3 a stream keys registrations by (request id, region) and understands Deregister;
   * before, by region alone, and every request registers.
   */
  public boolean keysRegistrationsByRequest() {
    return this != V7_1;
  }

  /** Since 8.3 each downstream's resolved ts is bounded only by the locks in its own key range. */
  public boolean resolvesPerDownstream() {
    return this == V8_5;
  }
}
