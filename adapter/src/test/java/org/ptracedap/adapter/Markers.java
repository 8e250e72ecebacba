package org.ptracedap.adapter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The marker comments ({@code /* BP:name *}{@code /}) of a sample's source, as tests find their lines. */
final class Markers {
    private Markers() {}

    /** The line of marker comment {@code BP:name} in {@code source}. */
    static int line(Path source, String marker) throws Exception {
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(".*/\\* BP:" + marker + "[ :].*")) {
                return i + 1;
            }
        }
        throw new AssertionError("no marker " + marker + " in " + source);
    }
}
