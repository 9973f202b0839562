package cutover.firebase;

/**
 * The JSON export formats the {@code firestore-export} source reads. {@link #label()} is the name
 * shown in a split's description, so a user sees which format a file was taken for.
 */
public enum ExportFormat {
    /**
     * node-firestore-import-export and its forks: one object, collections under
     * {@code __collections__} at the root and inside each document, typed values as
     * {@code {"__datatype__": "timestamp" | "geopoint" | "documentReference", "value": ...}}.
     */
    NODE_FIRESTORE_IMPORT_EXPORT("node-firestore-import-export"),

    /**
     * supabase-community firebase-to-supabase {@code firestore2json}: one file per collection named
     * {@code <collection>.json}, an array of documents, the id in {@code firestore_id} (or
     * {@code firestoreid}, {@code original_id}, {@code originalid} when the document already had that
     * field), values as {@code JSON.stringify} left them.
     */
    FIRESTORE2JSON("firestore2json");

    private final String label;

    ExportFormat(String label) { this.label = label; }

    public String label() { return label; }
}
