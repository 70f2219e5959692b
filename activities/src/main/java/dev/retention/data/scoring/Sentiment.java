package dev.retention.data.scoring;

public enum Sentiment {
  NEGATIVE,
  NEUTRAL,
  POSITIVE
}
