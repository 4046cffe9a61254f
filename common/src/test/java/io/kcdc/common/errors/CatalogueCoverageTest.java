package io.kcdc.common.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every TiCDC code the code base names (raised, caught or cited) is in the catalogue with TiCDC's
 * spelling, and no module but this one spells a code out as a string to raise it.
 */
class CatalogueCoverageTest {
  private static final Pattern CODE = Pattern.compile("\\b(?:CDC|DFLOW):Err[A-Za-z0-9]+");
  /** A code in a string literal: raising by string bypasses the catalogue. */
  private static final Pattern LITERAL = Pattern.compile("\"\\[?(?:CDC|DFLOW):Err[A-Za-z0-9]+");
  private static final Path CATALOGUE = Path.of("src/main/java/io/kcdc/common/errors/CdcError.java");

  private static Path repository() {
    return Path.of("").toAbsolutePath().getParent();
  }

  private static List<Path> mainSources() {
    try (Stream<Path> files = Files.walk(repository())) {
      return files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyCodeTheSourcesNameIsCatalogued() {
    List<Path> sources = mainSources();
    assertThat(sources).as("the scan must see the other modules").anySatisfy(
        p -> assertThat(p.toString()).contains("/streams-app/"));
    Set<String> unknown = new TreeSet<>();
    int seen = 0;
    for (Path p : sources) {
      Matcher m = CODE.matcher(read(p));
      while (m.find()) {
        seen++;
        if (CdcError.byCode(m.group()).isEmpty()) {
          unknown.add(m.group() + " in " + repository().relativize(p));
        }
      }
    }
    assertThat(seen).isGreaterThan(50);
    assertThat(unknown).isEmpty();
  }

  @Test
  void onlyTheCatalogueSpellsCodesAsStrings() {
    List<String> literals = new ArrayList<>();
    for (Path p : mainSources()) {
      if (p.endsWith(CATALOGUE)) {
        continue;
      }
      Matcher m = LITERAL.matcher(read(p));
      while (m.find()) {
        literals.add(m.group() + " in " + repository().relativize(p));
      }
    }
    assertThat(literals).isEmpty();
  }
}
