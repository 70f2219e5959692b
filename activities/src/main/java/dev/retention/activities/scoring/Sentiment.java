package dev.retention.activities.scoring;

public enum Sentiment {
  NEGATIVE,
  NEUTRAL,
  POSITIVE
}
