package dev.minilab.runtime.discipline;

/** Where {@code ask_user} puts a question to the User. */
public interface Questions {

    /**
     * Sends {@code question} to the User (highlighted by the console) and marks it open: until the User writes
     * again no agent starts a turn or calls its LLM.
     */
    void ask(String question);
}
