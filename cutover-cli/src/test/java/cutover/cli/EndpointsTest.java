package cutover.cli;

import cutover.error.CutoverException;
import cutover.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where both sides are read as sources (verify, a restore's dry run), a failure whose message names
 * the target is the target's: a table dropped from the target while verify read it was called the
 * source's change, exit code and all.
 */
class EndpointsTest {
    private static final String SOURCE = "postgresql://postgres@127.0.0.1:5432/app", TARGET = "postgresql://postgres@127.0.0.1:5432/copy";

    @Test
    void aTableGoneFromTheTargetWhileReadIsTheTargets() {
        CutoverException gone = new CutoverException(ErrorCode.SOURCE_CHANGED, "reading table posts of schema public on " + TARGET
                + " failed: it is not there; was it renamed or dropped while Cutover read it (or since the run it resumes started)?");
        CutoverException said = Endpoints.asTargetWhereNamed(gone, SOURCE, TARGET);
        assertThat(said.code()).isEqualTo(ErrorCode.TARGET_READ_FAILED);
        assertThat(said.getMessage()).isEqualTo(gone.getMessage());
        assertThat(said.retryable()).isFalse();
    }

    @Test
    void oneNamingTheSourceStaysTheSources() {
        CutoverException gone = new CutoverException(ErrorCode.SOURCE_CHANGED, "reading table posts of schema public on " + SOURCE + " failed: it is not there");
        assertThat(Endpoints.asTargetWhereNamed(gone, SOURCE, TARGET)).isSameAs(gone);
        CutoverException io = new CutoverException(ErrorCode.SOURCE_IO, "reading the columns of posts on " + TARGET + " failed: lost", null, true);
        assertThat(Endpoints.asTargetWhereNamed(io, SOURCE, TARGET).code()).isEqualTo(ErrorCode.TARGET_READ_FAILED);
    }
}
