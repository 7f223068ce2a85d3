package dev.nfe.dissect.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The resolver on directory trees made for the case: a repository with shared/ beside it, one
 * without, a worktree ({@code .git} as a file), a tree with only poms, and the override.
 */
class SharedDirTest {

    @TempDir
    Path tmp;

    /** tmp/repo with a root pom, .git and a module dir; returns the module dir. */
    private Path repository(boolean gitAsFile) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        if (gitAsFile) {
            Files.writeString(repo.resolve(".git"), "gitdir: /elsewhere/.git/worktrees/repo\n");
        } else {
            Files.createDirectories(repo.resolve(".git"));
        }
        Path module = Files.createDirectories(repo.resolve("dissect"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        return module;
    }

    @Test
    void findsSharedBesideTheRepositoryFromAModuleDirectory() throws IOException {
        Path module = repository(false);
        Path corpus = Files.createDirectories(tmp.resolve("shared/corpus"));
        assertEquals(corpus, SharedDir.require("corpus", null, module, true));
        // from deeper inside the module too (a test that changed its working directory)
        Path deep = Files.createDirectories(module.resolve("src/test/java"));
        assertEquals(corpus, SharedDir.require("corpus", null, deep, true));
    }

    @Test
    void aWorktreeHasGitAsAFile() throws IOException {
        Path module = repository(true);
        Path labels = tmp.resolve("shared/captures/loopback-small/labels.tsv");
        Files.createDirectories(labels.getParent());
        Files.writeString(labels, "conn_id\n");
        assertEquals(labels, SharedDir.require("captures/loopback-small/labels.tsv", null, module, true));
    }

    @Test
    void withoutGitTheTopmostPomIsTheRoot() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("src-tarball"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path module = Files.createDirectories(repo.resolve("dissect"));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        assertEquals(repo, SharedDir.repositoryRoot(module));
        assertNull(SharedDir.repositoryRoot(Files.createDirectories(tmp.resolve("loose"))));
    }

    @Test
    void theOverrideWinsWhenItHoldsTheDataAndIsPassedOverWhenItDoesNot() throws IOException {
        Path module = repository(false);
        Path beside = Files.createDirectories(tmp.resolve("shared/corpus"));
        Path other = Files.createDirectories(tmp.resolve("elsewhere/corpus"));
        assertEquals(other, SharedDir.require("corpus", tmp.resolve("elsewhere").toString(), module, true));
        // a property computed from the wrong directory (Maven started inside a module)
        assertEquals(beside, SharedDir.require("corpus", module.resolve("../shared").toString(), module, true));
    }

    @Test
    void missingSkipsLocallyAndNamesWhereItLooked() throws IOException {
        Path module = repository(false);
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> SharedDir.require("corpus", "/no/such/dir", module, false));
        assertTrue(e.getMessage().contains("corpus not found"), e.getMessage());
        assertTrue(e.getMessage().contains("/no/such/dir (-Dnfe.shared)"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("shared") + " (beside the repository " + tmp.resolve("repo")),
                e.getMessage());
        assertTrue(e.getMessage().contains("under CI=true this fails"), e.getMessage());
    }

    @Test
    void missingFailsUnderCi() throws IOException {
        Path module = repository(false);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> SharedDir.require("corpus", null, module, true));
        assertTrue(e.getMessage().contains("corpus not found in " + tmp.resolve("shared")), e.getMessage());
        assertTrue(e.getMessage().contains("because CI=true"), e.getMessage());
        // the property surefire sets usually names the same place: listed once, with both reasons
        AssertionFailedError same = assertThrows(AssertionFailedError.class,
                () -> SharedDir.require("corpus", tmp.resolve("shared").toString(), module, true));
        assertTrue(same.getMessage().contains("corpus not found in " + tmp.resolve("shared")
                + " (-Dnfe.shared; beside the repository " + tmp.resolve("repo") + ");"), same.getMessage());
    }

    @Test
    void aSharedDirWithoutWhatTheTestNeedsIsMissing() throws IOException {
        Path module = repository(false);
        Files.createDirectories(tmp.resolve("shared/tools"));
        assertThrows(AssertionFailedError.class, () -> SharedDir.require("corpus", null, module, true));
    }

    @Test
    void noRepositoryAndNoPropertyIsMissing() throws IOException {
        Path loose = Files.createDirectories(tmp.resolve("loose"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> SharedDir.require("corpus", null, loose, true));
        assertTrue(e.getMessage().contains("no repository above " + loose), e.getMessage());
    }

    /** The real tree: this module's working directory finds the shared corpus beside the repository. */
    @Test
    void theRealRepositoryFindsTheRealCorpus() {
        Path root = SharedDir.repositoryRoot(Path.of("").toAbsolutePath());
        assertTrue(root != null && Files.isRegularFile(root.resolve("dissect/pom.xml")), "repository root " + root);
        Path corpus = SharedDir.require("corpus", null, Path.of("").toAbsolutePath(),
                "true".equalsIgnoreCase(System.getenv("CI")));
        assertEquals(root.resolveSibling("shared").resolve("corpus"), corpus);
        assertTrue(Files.isDirectory(corpus.resolve("zeek+zeek")), "corpus at " + corpus);
    }
}
