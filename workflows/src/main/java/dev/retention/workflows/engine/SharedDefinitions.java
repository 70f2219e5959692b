package dev.retention.workflows.engine;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each definition version the worker's runs play, and its expressions and templates
 * parsed once. Every run carries its whole definition in its input (pinned per run), so every run
 * the worker holds in its cache used to hold a copy of its own: about 55 steps and their texts,
 * some 60 KB a run, most of what a cached run weighs. Runs of the same version now share one (equal
 * by value: a record of records, lists, maps and strings), as they share its parsed expressions.
 * Sharing changes nothing a run does: the copy is equal to what it replaces, and parsing is a pure
 * function of the text.
 *
 * <p>Weak: a version no run in memory plays any more (a draft dry-run once, a version retired) is
 * collected with its parsed texts.
 */
final class SharedDefinitions {

  private static final Map<PlaybookDefinition, WeakReference<Compiled>> SHARED =
      new WeakHashMap<>();

  private SharedDefinitions() {}

  /**
   * The one copy of {@code definition} (equal to it) with its parsed texts. The caller keeps the
   * answer as long as it plays the definition: that keeps the entry.
   */
  static Compiled of(PlaybookDefinition definition) {
    synchronized (SHARED) {
      WeakReference<Compiled> known = SHARED.get(definition);
      Compiled shared = known == null ? null : known.get();
      if (shared == null) {
        shared = new Compiled(definition);
        // Keyed by the shared definition itself (a put would keep an older, equal key).
        SHARED.remove(definition);
        SHARED.put(definition, new WeakReference<>(shared));
      }
      return shared;
    }
  }

  /** The one copy of {@code definition}. */
  static PlaybookDefinition canonical(PlaybookDefinition definition) {
    return definition == null ? null : of(definition).definition();
  }

  /** A shared definition and its expressions, templates and times, each parsed once. */
  static final class Compiled {
    private final PlaybookDefinition definition;
    private final Map<String, Expressions.Expr> exprs = new ConcurrentHashMap<>();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();
    private final Map<String, Expressions.Expr> times = new ConcurrentHashMap<>();

    private Compiled(PlaybookDefinition definition) {
      this.definition = definition;
    }

    /** The shared definition. */
    PlaybookDefinition definition() {
      return definition;
    }

    Expressions.Expr expr(String text) {
      return exprs.computeIfAbsent(text, Expressions::parse);
    }

    Template template(String text) {
      return templates.computeIfAbsent(text, Template::parse);
    }

    Expressions.Expr time(String text) {
      return times.computeIfAbsent(text, Template::time);
    }
  }
}
