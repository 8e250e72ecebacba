package org.ptracedap.engine;

/**
 * Whom to follow when a traced process forks, as gdb's {@code follow-fork-mode}: the parent (the
 * child is let go at once and runs untraced), the child (the parent is let go and runs on), or
 * both. A followed child starts held before its first instruction ({@code Stopped(ENTRY)}).
 */
public enum FollowFork {
    PARENT, CHILD, BOTH;

    /** "parent", "child" or "both" (any case); null if it is none of them. */
    public static FollowFork parse(String s) {
        for (FollowFork f : values()) {
            if (f.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return f;
            }
        }
        return null;
    }
}
