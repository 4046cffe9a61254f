package io.kcdc.capture;

/** What this build reports as its version (TiCDC-compatible release line). */
public final class Version {
  /** TiCDC version we are compatible with; captures and changefeeds report it. */
  public static final String VERSION = "v8.5.0-kcdc";
  public static final String GIT_HASH = "";

  private Version() {}
}
