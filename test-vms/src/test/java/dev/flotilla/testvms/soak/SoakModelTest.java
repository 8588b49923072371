package dev.flotilla.testvms.soak;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakModelTest {
    private static final Map<String, Map<String, String>> MD = Map.of(
            "m1", Map.of("az", "a"), "m2", Map.of("az", "b"), "m3", Map.of("az", "a"));

    private static SoakModel model() {
        SoakModel m = new SoakModel();
        m.add(new SoakModel.Unit("p.service", SoakModel.Kind.PLAIN, null, Map.of()), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("db@1.service", SoakModel.Kind.PLAIN, null, Map.of()), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("bk@1.service", SoakModel.Kind.PAIRED, "db@1.service", Map.of()), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("web@1.service", SoakModel.Kind.CONFLICTING, "web@", Map.of()), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("web@2.service", SoakModel.Kind.CONFLICTING, "web@", Map.of()), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("z.service", SoakModel.Kind.ZONED, null, Map.of("az", "a")), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("g.service", SoakModel.Kind.GLOBAL, null, Map.of("az", "a")), SoakModel.Desired.LAUNCHED);
        m.add(new SoakModel.Unit("gone.service", SoakModel.Kind.PLAIN, null, Map.of()), SoakModel.Desired.DESTROYED);
        m.add(new SoakModel.Unit("idle.service", SoakModel.Kind.PLAIN, null, Map.of()), SoakModel.Desired.LOADED);
        return m;
    }

    private static final Set<String> LISTED = Set.of("p.service", "db@1.service", "bk@1.service", "web@1.service",
            "web@2.service", "z.service", "g.service", "idle.service");

    @Test
    void aClusterThatKeepsEveryRuleHasNoViolations() {
        Map<String, Set<String>> active = Map.of(
                "m1", Set.of("p.service", "db@1.service", "bk@1.service", "web@1.service", "g.service"),
                "m2", Set.of("web@2.service"),
                "m3", Set.of("z.service", "g.service"));
        assertEquals(List.of(), model().violations(active, MD, LISTED));
    }

    @Test
    void everyBrokenRuleIsNamed() {
        Map<String, Set<String>> active = Map.of(
                "m1", Set.of("p.service", "db@1.service", "web@1.service", "web@2.service", "g.service", "gone.service"),
                "m2", Set.of("p.service", "bk@1.service", "z.service", "idle.service"),
                "m3", Set.of());
        List<String> v = model().violations(active, MD, Set.of("p.service", "gone.service"));
        String all = String.join("\n", v);
        assertTrue(all.contains("p.service runs on 2 machines"), all);
        assertTrue(all.contains("bk@1.service runs on m2 but its MachineOf peer db@1.service on [m1]"), all);
        assertTrue(all.contains("web@1.service and web@2.service conflict but both run on m1"), all);
        assertTrue(all.contains("z.service runs on m2 whose metadata"), all);
        assertTrue(all.contains("global g.service runs on [m1], should on [m1, m3]"), all);
        assertTrue(all.contains("gone.service is destroyed but runs on [m1]"), all);
        assertTrue(all.contains("gone.service was destroyed but the cluster still lists it"), all);
        assertTrue(all.contains("idle.service is loaded but runs on [m2]"), all);
        assertTrue(all.contains("db@1.service was acknowledged but the cluster does not list it"), all);
    }
}
