/**
 * Test fixtures shared by every MiniLab module (use with test scope).
 *
 * <ul>
 *   <li>{@link dev.minilab.testkit.RedisServer} and {@link dev.minilab.testkit.RedisExtension}: a real Redis per
 *       test class (container, {@code redis-server} child process, or {@code REDIS_URL}), with AOF, password,
 *       {@code kill9()} and same-port {@code restart()}.</li>
 *   <li>{@link dev.minilab.testkit.ScriptedLlmServer} with {@link dev.minilab.testkit.Rule} and
 *       {@link dev.minilab.testkit.Reply}: an OpenAI-compatible chat-completions server answering from a script
 *       and recording every {@link dev.minilab.testkit.RecordedRequest}.</li>
 *   <li>{@link dev.minilab.testkit.ChildProcess}: a started process with a log file, output waits and a
 *       process-tree kill on close; {@link dev.minilab.testkit.TempWorkspace}; {@link dev.minilab.testkit.FreePort}.</li>
 * </ul>
 */
package dev.minilab.testkit;
