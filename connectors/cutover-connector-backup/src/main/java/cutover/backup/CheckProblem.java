package cutover.backup;

/**
 * One thing {@link Repository#check} found broken, named as precisely as it can be: the snapshot
 * (short id) and entity it affects, the chunk and the file; null where it does not apply.
 */
public record CheckProblem(String snapshot, String entity, String chunk, String file, String message) {
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (snapshot != null) s.append("snapshot ").append(snapshot).append(", ");
        if (entity != null) s.append("entity ").append(entity).append(", ");
        if (chunk != null) s.append("chunk ").append(chunk, 0, Math.min(16, chunk.length())).append(", ");
        if (file != null) s.append(file).append(": ");
        return s.append(message).toString();
    }
}
