package org.ptracedap.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compile paths to local ones: the longest rule, whole components, both ways; files located with symlinks resolved. */
class SourceMapTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void theLongestRuleByWholeComponents() {
        SourceMap map = new SourceMap(List.of(new SourceMap.Rule("/build", "/home/me/b"), new SourceMap.Rule("/build/src/", "/src")));
        assertEquals("/src/a.c", map.toLocal("/build/src/a.c"));
        assertEquals("/home/me/b/srcx/a.c", map.toLocal("/build/srcx/a.c"));
        assertEquals("/elsewhere/a.c", map.toLocal("/elsewhere/a.c"));
        assertEquals("/build/src/a.c", map.toCompiled("/src/a.c"));
        assertEquals("/build/y.c", map.toCompiled("/home/me/b/x/../y.c"), "normalised");
    }

    @Test
    void aFileHereIsLocatedWithSymlinksResolvedOneNotHereAsMapped(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("share/src"));
        Files.writeString(real.resolve("a.c"), "int a;\n");
        Files.createDirectories(dir.resolve("lib"));
        Files.createSymbolicLink(dir.resolve("lib/src"), real);
        assertEquals(real.toRealPath().resolve("a.c").toString(), SourceMap.NONE.locate(dir.resolve("lib/src/a.c").toString(), SELF));
        SourceMap map = new SourceMap(List.of(new SourceMap.Rule("/build", dir.resolve("lib").toString())));
        assertEquals(real.toRealPath().resolve("a.c").toString(), map.locate("/build/src/a.c", SELF));
        assertEquals(dir.resolve("lib/src/missing.c").toString(), map.locate("/build/src/missing.c", SELF), "not here: as mapped");
    }
}
