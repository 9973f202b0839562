package cutover.backup;

/** Where a blob is: in which pack, at which byte offset, how many bytes stored, and its length before compression. */
record BlobLocation(BlobId pack, long offset, int length, int rawLength) {}
