package cutover.postgres;

import cutover.postgres.TableDefinition.Attribute;
import cutover.postgres.TableDefinition.CompositeType;
import cutover.postgres.TableDefinition.DefinedConstraint;
import cutover.postgres.TableDefinition.Domain;
import cutover.postgres.TableDefinition.EnumType;
import cutover.postgres.TableDefinition.Extension;
import cutover.postgres.TableDefinition.RangeType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes the enum, domain, composite and range types a target lacks, in the caller's transaction
 * with the target schema alone on the search path (the types' names as the source's schema printed
 * them): a table's columns' before the table ({@link DefinedTable}), a schema's that no column uses
 * before its functions ({@link SchemaObjectsMaking}). A type the target has of the name is left as
 * it is.
 */
final class TypesMaking {
    private TypesMaking() {}

    /**
     * Creates the types the target lacks, the enums first, then each domain, composite or range type
     * after those it is made of (a domain over a composite, a composite with an attribute of a
     * domain). Returns, by name, with why, those it did not make (one they are made of not made, a
     * function a domain's check calls missing here) and those the target has otherwise: an enum
     * without the source's labels, a composite of other attributes, a range of another subtype,
     * whose values the source's text would not fill rightly. A domain the target has is taken as it is.
     */
    static Map<String, String> make(Connection c, List<EnumType> enums, List<Domain> domains, List<CompositeType> composites, List<RangeType> ranges)
            throws SQLException {
        Map<String, String> notMade = new LinkedHashMap<>();
        for (EnumType e : enums) {
            List<String> labels = enumLabels(c, e.name());
            if (labels == null) {
                String ddl = "CREATE TYPE " + e.name() + " AS ENUM (" + String.join(", ", e.labels().stream().map(DefinedTable::literal).toList()) + ")";
                String failed = DefinedTable.attempt(c, ddl);
                if (failed != null) notMade.put(e.name(), failed);
            } else if (enumAnother(e, labels) != null) {
                notMade.put(e.name(), enumAnother(e, labels));
            }
        }
        for (Object type : madeOfFirst(domains, composites, ranges)) {
            if (type instanceof Domain d) {
                if (typeExists(c, d.name())) continue;
                String part = elementType(d.baseType());
                if (notMade.containsKey(part)) {
                    notMade.put(d.name(), partWhy("its base type ", part, notMade));
                    continue;
                }
                StringBuilder ddl = new StringBuilder("CREATE DOMAIN ").append(d.name()).append(" AS ").append(d.baseType());
                if (d.defaultExpression() != null) ddl.append(" DEFAULT ").append(d.defaultExpression());
                if (d.notNull()) ddl.append(" NOT NULL");
                for (DefinedConstraint k : d.constraints()) ddl.append(" CONSTRAINT ").append(TableName.quote(k.name())).append(' ').append(k.definition());
                // a function its check calls, missing here: a column of it then takes its plan's type, and a warning says so
                String failed = DefinedTable.attempt(c, ddl.toString());
                if (failed != null) notMade.put(d.name(), failed);
            } else if (type instanceof RangeType r) {
                String subtype = rangeSubtype(c, r.name());
                String part = elementType(r.subtype());
                if (notMade.containsKey(part)) {
                    notMade.put(r.name(), partWhy("its subtype ", part, notMade));
                } else if (subtype == null) {
                    String failed = DefinedTable.attempt(c, rangeDdl(r, true));
                    // a server before PostgreSQL 14 has no multiranges, nor their option
                    if (failed != null && r.multirange() != null && c.getMetaData().getDatabaseMajorVersion() < 14) failed = DefinedTable.attempt(c, rangeDdl(r, false));
                    if (failed != null) notMade.put(r.name(), failed);
                } else if (rangeAnother(r, subtype) != null) { // another type of the name: its values would not read alike
                    notMade.put(r.name(), rangeAnother(r, subtype));
                }
            } else if (type instanceof CompositeType t) {
                String part = t.attributes().stream().map(a -> elementType(a.type())).filter(notMade::containsKey).findFirst().orElse(null);
                List<Attribute> there = compositeAttributes(c, t.name());
                if (part != null) {
                    notMade.put(t.name(), partWhy("the type of an attribute, ", part, notMade));
                } else if (there == null) {
                    StringBuilder ddl = new StringBuilder("CREATE TYPE ").append(t.name()).append(" AS (");
                    for (Attribute a : t.attributes()) {
                        ddl.append(TableName.quote(a.name())).append(' ').append(a.type());
                        // a collation the target lacks: its type's instead, said by collationDifferences (a column does the same)
                        if (a.collation() != null && collationExists(c, a.collation())) ddl.append(" COLLATE ").append(a.collation());
                        ddl.append(", ");
                    }
                    ddl.setLength(ddl.length() - 2);
                    String failed = DefinedTable.attempt(c, ddl.append(')').toString());
                    if (failed != null) notMade.put(t.name(), failed);
                } else if (compositeAnother(t, there) != null) {
                    notMade.put(t.name(), compositeAnother(t, there));
                }
            }
        }
        return notMade;
    }

    /**
     * Creates the extensions the target lacks, in the source's schema (as on Supabase,
     * {@code extensions}), made where the target lacks it: the definition names the extension's types
     * and functions there ({@code extensions.citext}), and one made in the default schema left them
     * unresolved, the columns text (a Supabase table restored into a plain PostgreSQL). Where the
     * schema cannot be made (no CREATE on the database), in the default schema, as before; one that
     * cannot be created (not available, not allowed) is left for {@link DefinedTable#differences} or the schema's objects to name.
     */
    static void createExtensions(Connection c, List<Extension> extensions) throws SQLException {
        for (Extension e : extensions) {
            if (DefinedTable.extensionThere(c, e.name())) continue;
            String create = "CREATE EXTENSION IF NOT EXISTS " + TableName.quote(e.name());
            boolean schemaThere = DefinedTable.holds(c, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", e.schema());
            if (schemaThere) DefinedTable.attempt(c, create + " SCHEMA " + TableName.quote(e.schema()));
            else if (DefinedTable.attempt(c, "CREATE SCHEMA IF NOT EXISTS " + TableName.quote(e.schema()), create + " SCHEMA " + TableName.quote(e.schema())) != null) {
                DefinedTable.attempt(c, create);
            }
        }
    }

    /**
     * Of the types the target has, those that are not the source's (an enum without all its labels,
     * a composite of other attributes, a range of another subtype), with why: what {@link #make}
     * would leave as they are, for a dry run to foresee. A domain the target has is taken as it is.
     */
    static Map<String, String> differing(Connection c, List<EnumType> enums, List<CompositeType> composites, List<RangeType> ranges) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnumType e : enums) {
            List<String> labels = enumLabels(c, e.name());
            if (labels != null && enumAnother(e, labels) != null) out.put(e.name(), enumAnother(e, labels));
        }
        for (CompositeType t : composites) {
            List<Attribute> there = compositeAttributes(c, t.name());
            if (there != null && compositeAnother(t, there) != null) out.put(t.name(), compositeAnother(t, there));
        }
        for (RangeType r : ranges) {
            String subtype = rangeSubtype(c, r.name());
            if (subtype != null && rangeAnother(r, subtype) != null) out.put(r.name(), rangeAnother(r, subtype));
        }
        return out;
    }

    /** How every reason that the target's type of the name is another than the source's begins. */
    private static final String ANOTHER = "the target's type of the name ";

    /** Whether the reason {@link #make} gives for a type is that the target's of the name is another (kept), not that it was not made. */
    static boolean another(String why) {
        return why.startsWith(ANOTHER);
    }

    /** Why the target's enum of the name (its {@code labels}) is not the source's: it lacks some of its labels; null where it has them all. */
    private static String enumAnother(EnumType e, List<String> labels) {
        List<String> lacking = e.labels().stream().filter(l -> !labels.contains(l)).toList();
        return lacking.isEmpty() ? null : ANOTHER + "lacks labels of the source's (" + String.join(", ", lacking) + ")";
    }

    /** Why the target's composite of the name is not the source's: other attributes (their collations aside: {@link #collationDifferences}); else null. */
    private static String compositeAnother(CompositeType t, List<Attribute> there) {
        return withoutCollations(there).equals(withoutCollations(t.attributes())) ? null : ANOTHER + "has other attributes";
    }

    /** Why the target's range of the name (of {@code subtype}) is not the source's; null where it is a range of the same subtype. */
    private static String rangeAnother(RangeType r, String subtype) {
        return subtype.equals(r.subtype()) ? null : ANOTHER + "is not a range of " + r.subtype();
    }

    /** Why a type made of {@code part} was not made: the part was not, or the target's of its name is another. */
    private static String partWhy(String what, String part, Map<String, String> notMade) {
        return what + part + (another(notMade.get(part)) ? ", is not the source's here" : ", was not made");
    }

    /** The attributes by name and type: their collations do not change how a value's text loads (collationDifferences names them). */
    private static List<Attribute> withoutCollations(List<Attribute> attributes) {
        return attributes.stream().map(a -> new Attribute(a.name(), a.type())).toList();
    }

    /**
     * Sentences naming the composite types the target has of these names, with the same attributes,
     * whose attributes' collations are not the source's (made where the target lacked the collation,
     * or by a restore before 2026-12-07, which kept none): text sorts and compares otherwise.
     */
    static List<String> collationDifferences(Connection c, List<CompositeType> composites) throws SQLException {
        List<String> out = new ArrayList<>();
        for (CompositeType t : composites) {
            List<Attribute> there = compositeAttributes(c, t.name());
            if (there == null || there.equals(t.attributes()) || !withoutCollations(there).equals(withoutCollations(t.attributes()))) continue;
            List<String> differ = new ArrayList<>();
            for (int i = 0; i < there.size(); i++) {
                String source = t.attributes().get(i).collation(), here = there.get(i).collation();
                if (!java.util.Objects.equals(source, here)) {
                    differ.add(TableName.shown(there.get(i).name()) + " " + (here == null ? "its type's" : here) + " (" + (source == null ? "its type's" : source)
                            + " in the source" + (source != null && !collationExists(c, source) ? ", which the target lacks" : "") + ")");
                }
            }
            out.add("type " + t.name() + "'s attributes are of other collations than in the source: " + String.join(", ", differ));
        }
        return out;
    }

    /** Whether the target has the collation, named as {@link TableDefinitions} prints it. */
    static boolean collationExists(Connection c, String collation) throws SQLException {
        return DefinedTable.holds(c, "SELECT EXISTS (SELECT 1 FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.collencoding IN (-1,"
                + " pg_char_to_encoding(current_setting('server_encoding'))) AND ((pg_collation_is_visible(co.oid) AND quote_ident(co.collname) = ?)"
                + " OR quote_ident(n.nspname) || '.' || quote_ident(co.collname) = ?))", collation, collation);
    }

    /** {@code CREATE TYPE … AS RANGE} of the range type, with the options it had other than their defaults ({@code withMultirange}: its multirange's name too). */
    private static String rangeDdl(RangeType r, boolean withMultirange) {
        StringBuilder ddl = new StringBuilder("CREATE TYPE ").append(r.name()).append(" AS RANGE (SUBTYPE = ").append(r.subtype());
        if (r.subtypeOpclass() != null) ddl.append(", SUBTYPE_OPCLASS = ").append(r.subtypeOpclass());
        if (r.collation() != null) ddl.append(", COLLATION = ").append(r.collation());
        if (r.canonical() != null) ddl.append(", CANONICAL = ").append(r.canonical());
        if (r.subtypeDiff() != null) ddl.append(", SUBTYPE_DIFF = ").append(r.subtypeDiff());
        if (withMultirange && r.multirange() != null) ddl.append(", MULTIRANGE_TYPE_NAME = ").append(r.multirange());
        return ddl.append(')').toString();
    }

    /**
     * The subtype, as {@code format_type} prints it, of the range type of that name; null when the
     * target has no type of that name, "" when it has one that is not a range type (or only a shell).
     */
    private static String rangeSubtype(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regtype(?) IS NOT NULL, coalesce((SELECT format_type(r.rngsubtype, NULL) FROM pg_range r"
                + " JOIN pg_type t ON t.oid = r.rngtypid WHERE r.rngtypid = to_regtype(?) AND t.typisdefined), '')")) {
            ps.setString(1, type);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? rs.getString(2) : null;
            }
        }
    }

    /** The domains, composite and range types, each after the others of them it is made of (else in the order given). */
    private static List<Object> madeOfFirst(List<Domain> domains, List<CompositeType> composites, List<RangeType> ranges) {
        Map<String, Object> pending = new LinkedHashMap<>();
        Map<String, Set<String>> madeOf = new HashMap<>();
        for (Domain d : domains) {
            pending.put(d.name(), d);
            madeOf.put(d.name(), Set.of(elementType(d.baseType())));
        }
        for (CompositeType t : composites) {
            pending.put(t.name(), t);
            madeOf.put(t.name(), t.attributes().stream().map(a -> elementType(a.type())).collect(Collectors.toSet()));
        }
        for (RangeType r : ranges) {
            pending.put(r.name(), r);
            madeOf.put(r.name(), Set.of(elementType(r.subtype())));
        }
        List<Object> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            String next = pending.keySet().stream().filter(n -> madeOf.get(n).stream().noneMatch(pending::containsKey)).findFirst()
                    .orElse(pending.keySet().iterator().next()); // a cycle, which PostgreSQL does not allow: the server will say
            out.add(pending.remove(next));
        }
        return out;
    }

    /** Whether the target has the type, as a column can take it: a shell type (one a function's definition named before it was made) is not. */
    static boolean typeExists(Connection c, String type) throws SQLException {
        return DefinedTable.holds(c, "SELECT EXISTS (SELECT 1 FROM pg_type WHERE oid = to_regtype(?) AND typisdefined)", type);
    }

    /**
     * The attributes, in order, of the composite type of that name, their types as {@code format_type}
     * prints them and their own collations (the search path as the definition was read); null when
     * the target has no type of that name, none when it has one that is not a composite type.
     */
    private static List<Attribute> compositeAttributes(Connection c, String type) throws SQLException {
        String attributes = " FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid WHERE t.oid = to_regtype(?) AND t.typtype = 'c'"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)";
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regtype(?) IS NOT NULL, array(SELECT a.attname::text" + attributes
                + ", array(SELECT format_type(a.atttypid, a.atttypmod)" + attributes
                + ", array(SELECT coalesce(" + TableDefinitions.OWN_COLLATION.formatted("a") + ", '')" + attributes)) {
            for (int i = 1; i <= 4; i++) ps.setString(i, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) return null;
                List<String> names = Catalog.texts(rs.getArray(2)), types = Catalog.texts(rs.getArray(3)), collations = Catalog.texts(rs.getArray(4));
                List<Attribute> out = new ArrayList<>();
                for (int i = 0; i < names.size(); i++) out.add(new Attribute(names.get(i), types.get(i), collations.get(i).isEmpty() ? null : collations.get(i)));
                return out;
            }
        }
    }

    /** The enum's labels in order, or null when the target has no type of that name. */
    private static List<String> enumLabels(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regtype(?) IS NOT NULL, array(SELECT enumlabel::text FROM pg_enum "
                + "WHERE enumtypid = to_regtype(?) ORDER BY enumsortorder)")) {
            ps.setString(1, type);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? List.of((String[]) rs.getArray(2).getArray()) : null;
            }
        }
    }

    /** {@code mood} for {@code mood[]}: an array column needs its element's type. */
    static String elementType(String type) {
        return type.endsWith("[]") ? elementType(type.substring(0, type.length() - 2)) : type;
    }
}
