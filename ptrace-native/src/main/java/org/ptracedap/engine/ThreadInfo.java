package org.ptracedap.engine;

/** A thread as the engine knows it now: its tid, name ({@code comm}) and whether it is stopped. */
public record ThreadInfo(int pid, int tid, String name, boolean stopped) {}
