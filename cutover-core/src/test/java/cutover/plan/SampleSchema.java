package cutover.plan;

import cutover.analyze.EntitySchema;
import cutover.analyze.FieldStats;
import cutover.analyze.Schema;
import cutover.model.EntityName;
import cutover.model.Value.Kind;

import java.util.List;
import java.util.Map;

/** A hand-built analysis of a FlutterFlow-like app, as the analyzer would report it. */
final class SampleSchema {
    private SampleSchema() {}

    static FieldStats field(String name, long present, Map<Kind, Long> kinds) {
        return new FieldStats(List.of(name), present, kinds, 0, 0, 0, 0, List.of(), List.of());
    }

    static FieldStats nested(List<String> path, long present, Map<Kind, Long> kinds) {
        return new FieldStats(path, present, kinds, 0, 0, 0, 0, List.of(), List.of());
    }

    static FieldStats reference(String name, long present, String target, long dangling) {
        return new FieldStats(List.of(name), present, Map.of(Kind.REFERENCE, present), 0, 0, 0, 0,
                List.of(new FieldStats.ReferenceStats(EntityName.of(target), present, dangling)), List.of());
    }

    static EntitySchema documents(String name, long count, FieldStats... fields) {
        return new EntitySchema(EntityName.of(name), count, count * 100, List.of(), List.of(), 0, List.of(fields));
    }

    static Schema flutterFlow() {
        return new Schema("firestore-export:./export.json", List.of(
                documents("users", 100,
                        field("displayName", 100, Map.of(Kind.TEXT, 100L)),
                        field("age", 100, Map.of(Kind.INT64, 92L, Kind.TEXT, 8L)),
                        field("email", 95, Map.of(Kind.TEXT, 95L)),
                        field("createdAt", 100, Map.of(Kind.TIMESTAMP, 100L)),
                        field("tags", 100, Map.of(Kind.ARRAY, 100L)),
                        field("address", 60, Map.of(Kind.MAP, 60L)),
                        nested(List.of("address", "city"), 60, Map.of(Kind.TEXT, 60L)),
                        field("location", 100, Map.of(Kind.GEOPOINT, 90L, Kind.NULL, 10L)),
                        field("id", 100, Map.of(Kind.TEXT, 100L))),
                documents("posts/*/comments", 200,
                        field("text", 200, Map.of(Kind.TEXT, 200L)),
                        reference("author", 200, "users", 0)),
                documents("posts", 50,
                        field("title", 50, Map.of(Kind.TEXT, 50L)),
                        field("likes", 50, Map.of(Kind.INT64, 30L, Kind.FLOAT64, 20L)),
                        field("meta", 50, Map.of(Kind.MAP, 10L, Kind.TEXT, 40L))),
                documents("videos", 5, field("title", 5, Map.of(Kind.TEXT, 5L))),
                documents("videos/*/comments", 7,
                        field("text", 7, Map.of(Kind.TEXT, 7L)),
                        reference("replyTo", 7, "posts/*/comments", 0)),
                documents("orders", 40,
                        field("total", 40, Map.of(Kind.FLOAT64, 40L)),
                        field("status", 40, Map.of(Kind.TEXT, 40L)),
                        reference("user", 40, "users", 0),
                        reference("coupon", 3, "coupons", 0))));
    }
}
