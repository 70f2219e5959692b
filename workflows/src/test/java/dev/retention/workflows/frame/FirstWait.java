package dev.retention.workflows.frame;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * What a run's history holds before its first durable wait (its first timer): the round trips to
 * the server a started run takes before it waits. A local activity is a marker, no round trip.
 */
record FirstWait(long workflowTasks, long activities, long localActivities) {

  static FirstWait of(List<HistoryEvent> events) {
    long tasks = 0;
    long activities = 0;
    long local = 0;
    for (HistoryEvent event : events) {
      EventType type = event.getEventType();
      if (type == EventType.EVENT_TYPE_TIMER_STARTED) {
        return new FirstWait(tasks, activities, local);
      }
      if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        tasks++;
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        activities++;
      } else if (type == EventType.EVENT_TYPE_MARKER_RECORDED
          && "LocalActivity".equals(event.getMarkerRecordedEventAttributes().getMarkerName())) {
        local++;
      }
    }
    throw new AssertionError("the run never waited");
  }
}
