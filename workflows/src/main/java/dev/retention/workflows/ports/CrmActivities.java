package dev.retention.workflows.ports;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The CRM: tasks for the CSM (or their manager), notes and tags. Each call is idempotent. */
@ActivityInterface
public interface CrmActivities {

  @ActivityMethod
  CrmTaskReceipt createTask(CrmTask task);

  @ActivityMethod
  void addNote(CrmNote note);

  @ActivityMethod
  void addTag(CrmTag tag);
}
