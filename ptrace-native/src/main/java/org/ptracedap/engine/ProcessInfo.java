package org.ptracedap.engine;

/** A process the engine traces: its pid, program name, and the number of threads found when it was taken on. */
public record ProcessInfo(int pid, String name, int threads) {}
