package dev.retention.activities.testing;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityExecutionContextBase;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code TestActivityEnvironment} runs every activity call as if from a new workflow run: workflow
 * id {@code test-workflow-id} and a fresh random run id per call. A real Temporal retry keeps the
 * run id, and our activities key their effects by run id + step. This interceptor records the run
 * id each call saw and, once {@link #pin pinned}, gives every call the same run id, so a test can
 * repeat a call exactly as a retry of the same run would.
 */
public final class RunIdInterceptor extends WorkerInterceptorBase {

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile String pinned;

  /** From now on every activity call runs in the workflow run {@code runId}. */
  public void pin(String runId) {
    this.pinned = runId;
  }

  /** Back to the test environment's fresh run id per call. */
  public void unpin() {
    this.pinned = null;
  }

  /** The run ids the activity calls saw, in order. */
  public List<String> seen() {
    return List.copyOf(seen);
  }

  /** The run id of the last activity call. */
  public String last() {
    return seen.getLast();
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      @Override
      public void init(ActivityExecutionContext context) {
        String runId = pinned;
        ActivityExecutionContext effective = runId == null ? context : inRun(context, runId);
        seen.add(effective.getInfo().getWorkflowRunId());
        super.init(effective);
      }
    };
  }

  private static ActivityExecutionContext inRun(ActivityExecutionContext context, String runId) {
    ActivityInfo original = context.getInfo();
    ActivityInfo info =
        (ActivityInfo)
            Proxy.newProxyInstance(
                ActivityInfo.class.getClassLoader(),
                new Class<?>[] {ActivityInfo.class},
                (proxy, method, args) -> {
                  if (method.getParameterCount() == 0
                      && (method.getName().equals("getRunId")
                          || method.getName().equals("getWorkflowRunId"))) {
                    return runId;
                  }
                  try {
                    return method.invoke(original, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return new ActivityExecutionContextBase(context) {
      @Override
      public ActivityInfo getInfo() {
        return info;
      }
    };
  }
}
