package dev.flotilla.registry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WatchEventFoldTest {

    @Test
    void aSnapshotReplacesWhatTheMapHeldAndChangesFollowIt() {
        Map<String, String> items = new HashMap<>(Map.of("stale", "x"));
        new WatchEvent.Snapshot<>(Map.of("a", "1", "b", "2"), 10).applyTo(items);
        assertEquals(Map.of("a", "1", "b", "2"), items);
        new WatchEvent.Updated<>("c", "3", 11).applyTo(items);
        new WatchEvent.Updated<>("a", "4", 11).applyTo(items);
        new WatchEvent.Removed<>("b", "2", 12).applyTo(items);
        assertEquals(Map.of("a", "4", "c", "3"), items);
    }

    @Test
    void valuesAreConvertedOnTheWayIn() {
        Map<String, Integer> lengths = new HashMap<>();
        new WatchEvent.Snapshot<>(Map.of("a", "xyz"), 1).applyTo(lengths, String::length);
        new WatchEvent.Updated<>("b", "xy", 2).applyTo(lengths, String::length);
        assertEquals(Map.of("a", 3, "b", 2), lengths);
    }

    @Test
    void aFoldHearsTheRemovedValue() {
        List<String> heard = new ArrayList<>();
        WatchEvent.Fold<String> fold = new WatchEvent.Fold<>() {
            @Override
            public void clear() {
                heard.add("clear");
            }

            @Override
            public void put(String key, String value) {
                heard.add("put " + key + "=" + value);
            }

            @Override
            public void remove(String key, String previous) {
                heard.add("remove " + key + " was " + previous);
            }
        };
        new WatchEvent.Snapshot<>(Map.of("a", "1"), 1).foldInto(fold);
        new WatchEvent.Removed<>("a", "1", 2).foldInto(fold);
        new WatchEvent.Removed<String>("b", null, 3).foldInto(fold);
        assertEquals(List.of("clear", "put a=1", "remove a was 1", "remove b was null"), heard);
    }
}
