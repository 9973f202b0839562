package cutover.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The name of a collection or table: {@code users}, {@code users/*&#47;posts} (a subcollection: the
 * {@code posts} of every user), {@code public.orders} (a table in a schema).
 */
public record EntityName(String value) implements Comparable<EntityName> {
    public EntityName {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) throw new IllegalArgumentException("an entity name cannot be empty");
    }

    public static EntityName of(String value) { return new EntityName(value); }

    /** The collection pattern of a document path: {@code posts/p1/comments/c1} is in {@code posts/*&#47;comments}. */
    public static EntityName ofDocumentPath(String documentPath) {
        String[] parts = documentPath.split("/", -1);
        if (parts.length < 2 || parts.length % 2 != 0) {
            throw new IllegalArgumentException("not a document path (collection/id[/collection/id...]): " + documentPath);
        }
        StringBuilder name = new StringBuilder(parts[0]);
        for (int i = 2; i < parts.length; i += 2) name.append("/*/").append(parts[i]);
        return new EntityName(name.toString());
    }

    /** The collection pattern for a subcollection of this one: {@code users} + {@code posts} = {@code users/*&#47;posts}. */
    public EntityName child(String collectionId) { return new EntityName(value + "/*/" + collectionId); }

    /** True for a subcollection ({@code users/*&#47;posts}). */
    public boolean isSubcollection() { return value.contains("/*/"); }

    /** The parent collection of a subcollection; empty for a top-level one. */
    public java.util.Optional<EntityName> parent() {
        int i = value.lastIndexOf("/*/");
        return i < 0 ? java.util.Optional.empty() : java.util.Optional.of(new EntityName(value.substring(0, i)));
    }

    /** The last collection id ({@code posts} for {@code users/*&#47;posts}); the table name for {@code public.orders}. */
    public String leaf() {
        int i = value.lastIndexOf('/');
        String last = i < 0 ? value : value.substring(i + 1);
        int dot = last.indexOf('.');
        return !isSubcollection() && dot >= 0 ? last.substring(dot + 1) : last;
    }

    /** Collection ids from the root: {@code [users, posts]}. */
    public List<String> collectionIds() {
        List<String> ids = new ArrayList<>();
        for (String part : value.split("/\\*/")) ids.add(part);
        return ids;
    }

    /** How many key parts a document of this entity has: one per level. */
    public int depth() { return collectionIds().size(); }

    @Override public int compareTo(EntityName o) { return ValueOrder.compareCodePoints(value, o.value); }
    @Override public String toString() { return value; }
}
