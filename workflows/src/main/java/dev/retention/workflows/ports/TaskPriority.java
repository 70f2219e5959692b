package dev.retention.workflows.ports;

public enum TaskPriority {
  NORMAL,
  HIGH,
  URGENT
}
