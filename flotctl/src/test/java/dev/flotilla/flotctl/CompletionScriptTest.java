package dev.flotilla.flotctl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionScriptTest {
    @Test
    void everySubcommandAndGlobalFlagIsCompleted() {
        String script = CompletionScript.bash();
        var cl = FlotctlMain.commandLine();
        assertTrue(cl.getSubcommands().size() >= 4, cl.getSubcommands().keySet().toString());
        for (String name : cl.getSubcommands().keySet()) {
            assertTrue(script.contains(name), "no completion for " + name);
        }
        assertTrue(script.contains("--endpoint"));
        assertTrue(script.contains("complete -F _complete_flotctl"), "not a bash completion script");
    }
}
