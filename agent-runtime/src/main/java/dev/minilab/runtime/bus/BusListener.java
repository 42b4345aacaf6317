package dev.minilab.runtime.bus;

/**
 * Receives what arrives on the bus. Calls come from the bus's I/O thread: keep them short (enqueue, print).
 * An exception thrown by one listener is logged and never stops delivery to the others.
 */
public interface BusListener {

    /** A valid message on {@code agent_channel}. */
    void onMessage(Message message);

    /** A think note on {@code agent_think} (verbose feed). */
    default void onThink(ThinkNote note) {
    }

    /**
     * The bus lost its connection and has subscribed again: messages published meanwhile did not arrive live.
     * Called on the delivery thread, in order with {@link #onMessage}; catch up from the history here.
     */
    default void onReconnected() {
    }
}
