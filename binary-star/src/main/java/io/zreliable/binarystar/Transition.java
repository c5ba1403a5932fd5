package io.zreliable.binarystar;

/**
 * What one event did to the Binary Star state machine.
 *
 * @param from     the state before the event
 * @param to       the state after it (equal to {@code from} when nothing changed)
 * @param event    the event applied
 * @param accepted for {@link BstarEvent#CLIENT_REQUEST}: whether this server may serve the request; always true for
 *                 peer events
 */
public record Transition(BstarState from, BstarState to, BstarEvent event, boolean accepted) {

    /** True when the event moved the machine to another state. */
    public boolean changed() {
        return from != to;
    }

    /** True when the event made this server active. */
    public boolean becameActive() {
        return changed() && to == BstarState.ACTIVE;
    }

    /** True when the event made this server passive. */
    public boolean becamePassive() {
        return changed() && to == BstarState.PASSIVE;
    }
}
