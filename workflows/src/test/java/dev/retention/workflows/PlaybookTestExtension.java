package dev.retention.workflows;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The SDK's {@link TestWorkflowExtension} (a time-skipping environment of its own per test), except
 * that each test's environment is closed in the background, so the next test starts at once.
 *
 * <p>Closing an environment stops its worker, and the SDK's shutdown looks every 250 ms whether its
 * pollers and slots are done: most tests of this module spent more time waiting on that than
 * running, with the CPU idle (0.25 to 1 s each). The test's outcome is settled by then and nothing
 * of a closed environment is shared, so nothing is lost by not waiting: a close that fails is
 * printed, and a failed test's histories are printed before its environment closes. An environment
 * the test never asked for as a parameter is closed as the SDK closes it.
 */
public final class PlaybookTestExtension
    implements ParameterResolver, TestWatcher, BeforeEachCallback, AfterEachCallback {

  private static final ExecutorService CLOSING =
      Executors.newThreadPerTaskExecutor(
          Thread.ofPlatform().daemon().name("test-environment-close-", 0).factory());

  private static final ExtensionContext.Namespace OWN =
      ExtensionContext.Namespace.create(PlaybookTestExtension.class);

  private final TestWorkflowExtension sdk;

  private PlaybookTestExtension(TestWorkflowExtension sdk) {
    this.sdk = sdk;
  }

  /** {@code sdk}'s environments, closed in the background after each test. */
  public static PlaybookTestExtension of(TestWorkflowExtension sdk) {
    return new PlaybookTestExtension(sdk);
  }

  /** Closes {@code env} in the background (for the tests that make their own environments). */
  public static void closeInBackground(TestWorkflowEnvironment env) {
    var unused =
        CLOSING.submit(
            () -> {
              try {
                env.close();
              } catch (RuntimeException e) {
                System.err.println("closing a test's Temporal environment failed: " + e);
              }
            });
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    sdk.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestWorkflowEnvironment env =
        context.getStore(OWN).get(context.getUniqueId(), TestWorkflowEnvironment.class);
    if (env == null) {
      sdk.afterEach(context);
      return;
    }
    if (context.getExecutionException().isPresent()) {
      // The failed test's histories, while its environment still answers (the SDK prints them in
      // testFailed, after the close).
      System.err.println("Workflow execution histories:\n" + env.getDiagnostics());
      context.getStore(OWN).put(context.getUniqueId() + "#printed", true);
    }
    closeInBackground(env);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return sdk.supportsParameter(parameter, context);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Object resolved = sdk.resolveParameter(parameter, context);
    if (resolved instanceof TestWorkflowEnvironment env) {
      context.getStore(OWN).put(context.getUniqueId(), env);
    }
    return resolved;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (context.getStore(OWN).get(context.getUniqueId() + "#printed") == null) {
      sdk.testFailed(context, cause);
    }
  }
}
