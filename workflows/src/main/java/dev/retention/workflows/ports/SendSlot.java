package dev.retention.workflows.ports;

import java.time.Instant;

/** When the email may go out; {@code waitingFor} says why it is later than asked (else null). */
public record SendSlot(Instant at, String waitingFor) {}
