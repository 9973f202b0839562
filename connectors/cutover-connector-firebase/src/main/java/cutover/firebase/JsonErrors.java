package cutover.firebase;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import cutover.error.CutoverException;
import cutover.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Path;

/** Turns parser failures into errors that name the file, line and column. */
final class JsonErrors {
    private JsonErrors() {}

    static CutoverException of(Path file, IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation at = jpe.getLocation();
            String where = at == null ? "" : " line " + at.getLineNr() + " column " + at.getColumnNr();
            return new CutoverException(ErrorCode.SOURCE_PARSE_ERROR,
                    file + where + ": malformed JSON: " + jpe.getOriginalMessage().lines().findFirst().orElse("")
                            + " (a truncated or hand-edited export? export it again)", e);
        }
        return new CutoverException(ErrorCode.SOURCE_IO, "cannot read " + file + ": " + e.getMessage(), e);
    }

    /** Well-formed JSON that does not have the shape of the format. */
    static CutoverException shape(Path file, JsonParser p, ExportFormat format, String what) {
        JsonLocation at = p.currentTokenLocation();
        return new CutoverException(ErrorCode.SOURCE_PARSE_ERROR,
                file + " line " + at.getLineNr() + " column " + at.getColumnNr() + ": " + what
                        + " (the file was taken for the " + format.label() + " format)");
    }
}
