#!/usr/bin/python3
"""Reference reader of a Cutover backup repository, written from docs/backup-format.md and
docs/value-encoding.md alone (repository format version 1, manifest versions 1 to 8).

    read_backup.py REPO list
    read_backup.py REPO dump SNAPSHOT OUTDIR        entities to OUTDIR, files to OUTDIR/files/
    read_backup.py REPO files SNAPSHOT DIR          restore only the snapshot's files into DIR
    read_backup.py REPO check [SNAPSHOT]            read and prove everything (all snapshots)

SNAPSHOT is `latest`, an id prefix (4+ hex digits) or `tag:NAME` (the latest with that tag).
The passphrase is $CUTOVER_PASSWORD, else it is asked for.  `--lock` takes a read lock while
reading.  Output of dump:
  <entity>.copy   COPY-text entities: the table's rows as COPY text lines, change layers applied,
                  in key order (see `layered_lines`)
  <entity>.jsonl  record-stream entities: one JSON object a record, {"key": [...], "fields": {...}},
                  each value tagged with its kind: {"int64": "5"}, {"text": "a"}, ... (`to_json`)
  schema.json     the manifest's `schema` (version 8): what the source held beside its tables,
                  {"format": ..., "body": ...} (a PostgreSQL schema's functions, views, triggers, ...)
An entity name is made a file name by percent-escaping `/`, `%` and NUL.
Anything that fails a check raises CorruptError (exit status 2) naming what failed.
Needs Python 3 with `cryptography` and `zstandard`.
"""
import base64, datetime, decimal, getpass, hashlib, hmac, json, os, socket, struct, sys
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
import zstandard

REPO_VERSION = 1                 # config "version" this reader knows
MAX_MANIFEST_VERSION = 8
COPY_FORMATS = {"postgresql/copy-text/1"}
INT_TYPES = {"int2", "int4", "int8"}        # a "one-column integer key" of the bucket rule ("Change layers")


class CorruptError(Exception):
    """A check the format document asks for failed (Cutover: BACKUP_CORRUPT and friends)."""


def sha256(b):
    return hashlib.sha256(b).digest()


# ---------------------------------------------------------------- keys and envelopes
class Repo:
    def __init__(self, path, passphrase):
        self.path = path
        cfg = json.load(open(os.path.join(path, "config"), encoding="utf-8"))
        # The version is checked before the passphrase is tried (BACKUP_VERSION).
        if cfg.get("version") != REPO_VERSION:
            raise CorruptError(f"BACKUP_VERSION: repository version {cfg.get('version')} (written by a newer Cutover?)")
        self.config = cfg
        kdf = cfg["kdf"]
        if kdf["algorithm"] != "scrypt":
            raise CorruptError(f"unknown KDF {kdf['algorithm']}")
        kek = hashlib.scrypt(passphrase.encode("utf-8"), salt=base64.b64decode(kdf["salt"]),
                             n=kdf["N"], r=kdf["r"], p=kdf["p"], dklen=32,
                             maxmem=256 * kdf["r"] * kdf["N"] * kdf["p"] + (64 << 20))
        aad = f"cutover-backup config v{cfg['version']} {cfg['id']}".encode("ascii")
        try:
            master = self._open(kek, base64.b64decode(cfg["masterKey"]["envelope"]), aad)
        except CorruptError:
            raise CorruptError("BACKUP_PASSPHRASE: the master key does not open (wrong passphrase, or config changed)")
        # HKDF-Expand with the master key as PRK, one block: HMAC-SHA-256(master, info || 0x01)
        self.enc_key = hmac.new(master, b"cutover-backup/v1/encryption\x01", "sha256").digest()
        self.id_key = hmac.new(master, b"cutover-backup/v1/chunk-id\x01", "sha256").digest()
        self.index = None                     # chunk id (hex) -> (pack id, offset, length, rawLength)
        self.proven_packs = set()

    @staticmethod
    def _open(key, env, aad):
        """Open an envelope: nonce (12) || ciphertext || tag (16), AES-256-GCM with `aad`."""
        if len(env) < 28:
            raise CorruptError("envelope shorter than 28 bytes")
        try:
            return AESGCM(key).decrypt(env[:12], env[12:], aad)
        except InvalidTag:
            raise CorruptError("authentication tag does not match")

    def read_named(self, folder, name):
        """The bytes of a file named by its SHA-256 (data/, index/, snapshots/, lists/), proven."""
        sub = os.path.join("data", name[:2]) if folder == "data" else folder
        path = os.path.join(self.path, sub, name)
        try:
            b = open(path, "rb").read()
        except FileNotFoundError:
            raise CorruptError(f"missing file {sub}/{name}")
        if sha256(b).hex() != name:
            raise CorruptError(f"{sub}/{name} does not hash to its name")
        return b

    def open_json(self, folder, name, aad):
        """Index files, manifests, chunk lists: envelope of one zstd frame (with size) of JSON."""
        raw = self.read_named(folder, name)
        try:
            plain = self._open(self.enc_key, raw, aad)
        except CorruptError as e:
            raise CorruptError(f"{folder}/{name}: {e}")
        return json.loads(zstd_frame(plain, None, f"{folder}/{name}"))

    # ------------------------------------------------------------ index and chunks
    def load_index(self):
        self.index = {}
        for name in sorted(os.listdir(os.path.join(self.path, "index"))):   # first name wins
            ix = self.open_json("index", name, b"cutover-backup index")
            if ix.get("version") != 1:
                raise CorruptError(f"index/{name}: unknown version {ix.get('version')}")
            for pack in ix["packs"]:
                for b in pack["blobs"]:
                    self.index.setdefault(b["id"], (pack["id"], b["offset"], b["length"], b["rawLength"]))

    def prove_pack(self, pack_id):
        """Whole pack: hashes to its name; its header opens and agrees with the index."""
        data = self.read_named("data", pack_id)
        (hlen,) = struct.unpack(">I", data[-4:])          # length of the *sealed* header
        if hlen + 4 > len(data):
            raise CorruptError(f"pack {pack_id}: header length {hlen} too large")
        try:
            header = self._open(self.enc_key, data[-4 - hlen:-4], b"cutover-backup pack header")
        except CorruptError as e:
            raise CorruptError(f"pack {pack_id}: header: {e}")
        if len(header) % 40:
            raise CorruptError(f"pack {pack_id}: header is not a whole number of 40-byte entries")
        offset = 0
        for i in range(0, len(header), 40):
            cid, stored, raw = header[i:i + 32].hex(), *struct.unpack(">II", header[i + 32:i + 40])
            listed = self.index.get(cid)
            if listed and listed[0] == pack_id and listed[1:] != (offset, stored, raw):
                raise CorruptError(f"pack {pack_id}: header disagrees with the index for chunk {cid}")
            offset += stored
        if offset != len(data) - 4 - hlen:
            raise CorruptError(f"pack {pack_id}: blobs do not end where the header starts")
        self.proven_packs.add(pack_id)
        return data

    def chunk(self, cid):
        """One chunk: read the blob, open it (AAD = chunk id), unzstd, check sizes and HMAC."""
        if cid not in self.index:
            raise CorruptError(f"chunk {cid} is in no index file")
        pack_id, offset, length, raw = self.index[cid]
        if pack_id not in self.proven_packs:
            self._pack_cache = (pack_id, self.prove_pack(pack_id))
        elif getattr(self, "_pack_cache", (None,))[0] != pack_id:
            self._pack_cache = (pack_id, self.read_named("data", pack_id))
        blob = self._pack_cache[1][offset:offset + length]
        if len(blob) != length:
            raise CorruptError(f"chunk {cid}: blob runs past the end of pack {pack_id}")
        try:
            plain = zstd_frame(self._open(self.enc_key, blob, bytes.fromhex(cid)), raw, f"chunk {cid}")
        except CorruptError as e:
            raise CorruptError(f"chunk {cid} in pack {pack_id}: {e}")
        if hmac.new(self.id_key, plain, "sha256").hexdigest() != cid:
            raise CorruptError(f"chunk {cid}: content does not hash to its id")
        return plain

    # ------------------------------------------------------------ snapshots
    def snapshots(self):
        """All manifests, sorted by time: list of (id, manifest)."""
        out = []
        for name in os.listdir(os.path.join(self.path, "snapshots")):
            m = self.open_json("snapshots", name, b"cutover-backup snapshot")
            if not 1 <= m.get("version", 0) <= MAX_MANIFEST_VERSION:
                raise CorruptError(f"BACKUP_VERSION: snapshot {name} has manifest version {m.get('version')}")
            out.append((name, m))
        return sorted(out, key=lambda s: (parse_time(s[1]["time"]), s[0]))

    def find(self, which):
        snaps = self.snapshots()
        if which == "latest":
            hits = snaps[-1:]
        elif which.startswith("tag:"):
            hits = [s for s in snaps if which[4:] in s[1].get("tags", [])][-1:]
        else:
            hits = [s for s in snaps if len(which) >= 4 and s[0].startswith(which.lower())]
        if len(hits) != 1:
            raise SystemExit(f"snapshot {which!r}: {len(hits)} match")
        return hits[0]

    def entity_chunks(self, sid, e):
        """The entity's chunk list: a list file's N ids (version 6 `chunkList`), then `chunks`."""
        ids = list(e.get("chunks", []))
        if "chunkList" in e:
            cl = e["chunkList"]
            try:
                listed = self.open_json("lists", cl["id"], b"cutover-backup chunk list")["chunks"]
            except CorruptError as err:
                raise CorruptError(f"snapshot {sid[:8]}, entity {e['name']}: list {cl['id']}: {err}")
            if len(listed) != cl["chunks"]:
                raise CorruptError(f"snapshot {sid[:8]}, entity {e['name']}: list {cl['id']} holds "
                                   f"{len(listed)} ids, the manifest says {cl['chunks']}")
            ids = listed + ids
        return ids

    def parts(self, sid, e):
        """Check that the parts add up, then yield each part's stream, proven (length, SHA-256)."""
        where = f"snapshot {sid[:8]}, entity {e['name']}"
        chunks = self.entity_chunks(sid, e)
        parts = e.get("parts")
        if parts is None:       # version 1 manifest: one part, digest = SHA-256 of the stream
            parts = [{"records": e["records"], "bytes": e["bytes"], "digest": e["digest"], "chunks": len(chunks)}]
            entity_digest = bytes.fromhex(e["digest"])
        else:
            entity_digest = sha256(b"".join(bytes.fromhex(p["digest"]) for p in parts))
        records = e.get("changes", {}).get("storedRecords", e["records"])
        if (sum(p["records"] for p in parts) != records or sum(p["bytes"] for p in parts) != e["bytes"]
                or sum(p["chunks"] for p in parts) != len(chunks) or entity_digest.hex() != e["digest"]):
            raise CorruptError(f"{where}: the parts do not add up to the entity")
        at = 0
        for i, p in enumerate(parts):
            try:
                stream = b"".join(self.chunk(c) for c in chunks[at:at + p["chunks"]])
            except CorruptError as err:
                raise CorruptError(f"{where}, part {i}: {err}")
            at += p["chunks"]
            if len(stream) != p["bytes"] or sha256(stream).hex() != p["digest"]:
                raise CorruptError(f"{where}, part {i}: length or SHA-256 differs from the manifest")
            yield i, p, stream


def zstd_frame(data, expected_size, what):
    """Decompress one zstd frame that carries its content size (checked against expected_size)."""
    try:
        size = zstandard.get_frame_parameters(data).content_size
        if size == zstandard.CONTENTSIZE_UNKNOWN or size < 0:
            raise CorruptError(f"{what}: zstd frame without content size")
        if expected_size is not None and size != expected_size:
            raise CorruptError(f"{what}: zstd frame size {size}, expected {expected_size}")
        out = zstandard.ZstdDecompressor().decompress(data)
    except zstandard.ZstdError as e:
        raise CorruptError(f"{what}: zstd: {e}")
    if len(out) != size:
        raise CorruptError(f"{what}: decompressed to {len(out)} bytes, frame says {size}")
    return out


def parse_time(s):
    """Manifest time: ISO-8601 UTC with up to nanoseconds, e.g. 2025-05-01T10:00:00.123456789Z."""
    head, _, frac = s.rstrip("Z").partition(".")
    secs = datetime.datetime.fromisoformat(head).replace(tzinfo=datetime.timezone.utc).timestamp()
    return (int(secs), int((frac + "000000000")[:9]))


# ---------------------------------------------------------------- value encoding
class Decoder:
    """docs/value-encoding.md: varint (LEB128), int32/int64 big-endian, blob, tagged values."""

    def __init__(self, data):
        self.b, self.i = data, 0

    def take(self, n):
        if self.i + n > len(self.b):
            raise CorruptError("record stream ends inside a value")
        self.i += n
        return self.b[self.i - n:self.i]

    def varint(self):
        v = shift = 0
        while True:
            (c,) = self.take(1)
            v |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                return v
            if shift > 35:
                raise CorruptError("varint too long")

    def int(self, n):
        return int.from_bytes(self.take(n), "big", signed=True)

    def blob(self):
        return self.take(self.varint())

    def text(self):
        return self.blob().decode("utf-8", "surrogatepass")     # lone surrogates as WTF-8

    def value(self):
        (tag,) = self.take(1)
        if tag == 0x00: return ("null", None)
        if tag in (0x01, 0x02): return ("bool", tag == 0x02)
        if tag == 0x03: return ("int64", self.int(8))
        if tag == 0x04: return ("float64", struct.unpack(">d", self.take(8))[0])
        if tag == 0x05:
            scale = self.int(4)
            return ("decimal", decimal.Decimal(int.from_bytes(self.blob(), "big", signed=True)).scaleb(-scale))
        if tag == 0x06: return ("timestamp", (self.int(8), self.int(4)))
        if tag == 0x07: return ("date", self.int(8))
        if tag == 0x08: return ("text", self.text())
        if tag == 0x09: return ("bytes", bytes(self.blob()))
        if tag == 0x0A: return ("reference", self.text())
        if tag == 0x0B: return ("geopoint", struct.unpack(">dd", self.take(16)))
        if tag == 0x0C: return ("array", [self.value() for _ in range(self.varint())])
        if tag == 0x0D: return ("map", self.fields())
        if tag == 0x0E: return ("json-null", None)
        raise CorruptError(f"unknown value tag 0x{tag:02x} at byte {self.i - 1}")

    def fields(self):
        """A map's payload: varint count, then (blob name, value) sorted by name."""
        out = {}
        for _ in range(self.varint()):
            name = self.text()
            out[name] = self.value()
        return out


def records(stream):
    """A record stream: version byte 0x01, then records (key parts, fields) to its end."""
    if stream[:1] != b"\x01":
        raise CorruptError(f"record stream version {stream[:1].hex() or 'missing'}, expected 01")
    d = Decoder(stream)
    d.i = 1
    while d.i < len(stream):
        key = [d.value() for _ in range(d.varint())]
        yield key, d.fields()


def to_json(v):
    """A decoded value as JSON, tagged with its kind."""
    kind, x = v
    if kind == "int64": return {kind: str(x)}
    if kind == "float64":
        if x != x: return {kind: "NaN"}
        if x in (float("inf"), float("-inf")): return {kind: "Infinity" if x > 0 else "-Infinity"}
        return {kind: x}                                  # -0.0 is written as -0.0
    if kind == "decimal": return {kind: str(x)}
    if kind == "timestamp": return {kind: format_timestamp(*x)}
    if kind == "date": return {kind: format_date(x)}
    if kind == "bytes": return {kind: base64.b64encode(x).decode()}
    if kind == "geopoint": return {kind: {"latitude": x[0], "longitude": x[1]}}
    if kind == "array": return {kind: [to_json(e) for e in x]}
    if kind == "map": return {kind: {k: to_json(e) for k, e in x.items()}}
    return {kind: x}                                      # null, bool, text, reference


EPOCH = datetime.datetime(1970, 1, 1)


def format_timestamp(secs, nanos):
    """RFC 3339 UTC, fraction without trailing zeros; outside years 1-9999 `<secs>.<nanos>s`."""
    try:
        d = EPOCH + datetime.timedelta(seconds=secs)
        t = f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"
    except OverflowError:
        return f"{secs}.{nanos:09d}s"
    frac = f"{nanos:09d}".rstrip("0")
    return t + ("." + frac if frac else "") + "Z"


def format_date(days):
    try:
        d = EPOCH + datetime.timedelta(days=days)
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    except OverflowError:
        return f"{days}d"


# ---------------------------------------------------------------- COPY text and change layers
COPY_ESCAPES = {ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11}


def copy_unescape(field):
    """A COPY text field (bytes) to its text form (bytes); None for \\N."""
    if field == b"\\N":
        return None
    if b"\\" not in field:
        return field
    out, i = bytearray(), 0
    while i < len(field):
        c = field[i]
        if c != 0x5C or i + 1 == len(field):
            out.append(c); i += 1; continue
        n = field[i + 1]
        if n in COPY_ESCAPES:
            out.append(COPY_ESCAPES[n]); i += 2
        elif 0x30 <= n <= 0x37:                          # \ooo, 1-3 octal digits
            j = i + 1
            while j < min(i + 4, len(field)) and 0x30 <= field[j] <= 0x37: j += 1
            out.append(int(field[i + 1:j], 8) & 0xFF); i = j
        elif n == ord("x") and i + 2 < len(field) and chr(field[i + 2]) in "0123456789abcdefABCDEF":
            j = i + 2                                    # \xhh, 1-2 hex digits
            while j < min(i + 4, len(field)) and chr(field[j]) in "0123456789abcdefABCDEF": j += 1
            out.append(int(field[i + 2:j], 16)); i = j
        else:                                            # any other char stands for itself
            out.append(n); i += 2
    return bytes(out)


class Layering:
    """The `changes` of a COPY-text entity: key fields, buckets and key order of its lines."""

    def __init__(self, e):
        cols = [c["name"] for c in e["copyText"]["columns"]]
        self.types = [next(c["type"] for c in e["copyText"]["columns"] if c["name"] == k) for k in e["keyColumns"]]
        self.key_idx = [cols.index(k) for k in e["keyColumns"]]
        ch = e["changes"]
        self.shift, self.buckets = ch["shift"], len(ch["counts"])
        self.int_key = len(self.key_idx) == 1 and self.types[0] in INT_TYPES

    def key(self, line, keys_only=False):
        """The key fields of a line, as written (escaped) bytes: `byte for byte` comparison."""
        f = line.split(b"\t")
        return tuple(f) if keys_only else tuple(f[i] for i in self.key_idx)

    def bucket(self, key):
        if self.int_key:
            return (int(key[0]) >> self.shift) & (self.buckets - 1)
        text = b"\t".join(copy_unescape(k) for k in key)
        return int.from_bytes(hashlib.md5(text).digest()[:4], "big") & (self.buckets - 1)

    def order(self, key):
        """A sort key for the rows of a layered entity, which come in no defined order ("The order
        of the rows"). Integers numerically; uuid, date and timestamp by their text (ISO forms sort
        as their values in years 1-9999 AD); text by code point. A part's own order is the source's
        (a text key's by its collation, which the manifest does not hold), so where a part's keys
        are not in code point order the rows are left in part order."""
        return tuple(int(k) if t in INT_TYPES else k.decode("utf-8") for k, t in zip(key, self.types))


def split_lines(stream):
    if stream and not stream.endswith(b"\n"):
        raise CorruptError("COPY text part does not end with a newline")
    return stream.split(b"\n")[:-1] if stream else []


def layered_lines(repo, sid, e, warn):
    """The lines of a COPY-text entity, its change layers applied, in key order.
    A line of the base or of a layer's rowsPart is a row unless a later layer's rowsPart has a line
    with the same key fields (replaced), or a later layer moved its bucket and its keysPart does not
    list its key (deleted).  keysParts are never rows."""
    layers = e.get("changes", {}).get("layers", [])
    base_end = layers[0]["rowsPart"] if layers else len(e.get("parts") or [0])
    role = {}                                  # part index -> ("rows", layer no) / ("keys", layer no)
    for n, l in enumerate(layers):
        role[l["rowsPart"]] = ("rows", n)
        if l["keysPart"] >= 0:
            role[l["keysPart"]] = ("keys", n)
    lay = Layering(e) if layers else None
    groups = [[] for _ in range(len(layers) + 1)]     # lines of the base (0) and of each layer
    kept_keys = [set() for _ in layers]
    check_order, last = True, None
    for i, p, stream in repo.parts(sid, e):
        lines = split_lines(stream)
        if len(lines) != p["records"]:
            raise CorruptError(f"snapshot {sid[:8]}, entity {e['name']}, part {i}: "
                               f"{len(lines)} lines, the manifest says {p['records']}")
        kind, n = role.get(i, ("rows", -1))
        if i >= base_end and i not in role:
            raise CorruptError(f"entity {e['name']}: part {i} is neither base nor a layer's part")
        if kind == "keys":
            kept_keys[n] = {lay.key(l, keys_only=True) for l in lines}
        else:
            groups[n + 1].extend(lines)
        if lay and kind == "rows":             # every part is in key order: check it
            if n >= 0: last = None             # each layer starts again; base parts run on
            for l in lines:
                k = lay.order(lay.key(l))
                if last is not None and k <= last:
                    if lay.int_key or all(t in INT_TYPES for t in lay.types):
                        raise CorruptError(f"entity {e['name']}, part {i}: key {k} does not follow {last}")
                    check_order = False
                last = k
    if not layers:
        return groups[0]
    replaced = [{lay.key(l) for l in g} for g in groups[1:]]
    moved = [set(l["movedBuckets"]) for l in layers]
    out = []
    for g, lines in enumerate(groups):         # g - 1 is the layer the lines came from (-1: base)
        for l in lines:
            k = lay.key(l)
            later = range(g, len(layers))
            if any(k in replaced[j] for j in later):
                continue
            if any(moved[j] and lay.bucket(k) in moved[j] and k not in kept_keys[j] for j in later):
                continue
            out.append((lay.order(k), l))
    if check_order:
        out.sort(key=lambda x: x[0])
    else:
        warn(f"entity {e['name']}: text keys are not in code point order; rows left in part order")
    if len(out) != e["records"]:
        raise CorruptError(f"entity {e['name']}: {len(out)} rows after the layers, the manifest says {e['records']}")
    return [l for _, l in out]


# ---------------------------------------------------------------- commands
def file_name(entity):
    return entity.replace("%", "%25").replace("/", "%2F").replace("\0", "%00")


def read_entity(repo, sid, e, out, warn):
    """Write one entity to `out` (a binary file), or only prove it when out is None. Returns rows."""
    if "copyText" in e:
        if e["copyText"]["format"] not in COPY_FORMATS:
            raise CorruptError(f"BACKUP_VERSION: entity {e['name']}: COPY format {e['copyText']['format']}")
        lines = layered_lines(repo, sid, e, warn)
        if out:
            out.writelines(l + b"\n" for l in lines)
        return len(lines)
    n = 0
    for i, p, stream in repo.parts(sid, e):
        count = 0
        for key, fields in records(stream):
            count += 1
            if out:
                rec = {"key": [to_json(k) for k in key], "fields": {k: to_json(v) for k, v in fields.items()}}
                out.write(json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n")
        if count != p["records"]:
            raise CorruptError(f"snapshot {sid[:8]}, entity {e['name']}, part {i}: "
                               f"{count} records, the manifest says {p['records']}")
        n += count
    return n


def restore_files(repo, sid, m, folder):
    """Each file: chunks concatenated, size and SHA-256 checked, written beside its name, renamed."""
    for f in m.get("files") or []:
        parts = f["path"].split("/")
        if f["path"].startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise CorruptError(f"snapshot {sid[:8]}: unsafe file path {f['path']!r}")
        try:
            data = b"".join(repo.chunk(c) for c in f["chunks"])
        except CorruptError as err:
            raise CorruptError(f"snapshot {sid[:8]}: file {f['path']}: {err}")
        if len(data) != f["size"] or sha256(data).hex() != f["digest"]:
            raise CorruptError(f"snapshot {sid[:8]}: file {f['path']}: size or SHA-256 differs")
        if folder is None:
            continue
        target = os.path.join(folder, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target + ".reading", "wb") as out:
            out.write(data)
        if f.get("mode", -1) >= 0:
            os.chmod(target + ".reading", f["mode"])
        t = parse_time(f["mtime"])
        os.utime(target + ".reading", ns=(t[0] * 10**9 + t[1],) * 2)
        os.replace(target + ".reading", target)
    return len(m.get("files") or [])


def take_read_lock(repo):
    """A `read` lock (locks/<32 hex>), refused if an exclusive lock is there. Returns its path."""
    folder = os.path.join(repo.path, "locks")
    os.makedirs(folder, exist_ok=True)
    body = {"host": socket.gethostname(), "pid": os.getpid(), "operation": "read-backup.py",
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"), "mode": "read"}
    frame = zstandard.ZstdCompressor(write_content_size=True).compress(json.dumps(body).encode())
    nonce = os.urandom(12)
    name = os.urandom(16).hex()
    tmp = os.path.join(repo.path, "tmp", "lock-" + name)
    os.makedirs(os.path.dirname(tmp), exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(nonce + AESGCM(repo.enc_key).encrypt(nonce, frame, b"cutover-backup lock"))
        f.flush(); os.fsync(f.fileno())
    os.replace(tmp, os.path.join(folder, name))
    for other in os.listdir(folder):
        if other == name:
            continue
        try:
            raw = open(os.path.join(folder, other), "rb").read()
            mode = json.loads(zstd_frame(repo._open(repo.enc_key, raw, b"cutover-backup lock"), None, other)).get("mode")
        except (CorruptError, OSError, ValueError):
            mode = None                                   # unreadable: counts as exclusive
        if mode not in ("read", "append"):
            os.remove(os.path.join(folder, name))
            raise SystemExit(f"BACKUP_LOCKED: lock {other} ({mode or 'exclusive'}) is held")
    return os.path.join(folder, name)


def main(argv):
    lock = "--lock" in argv
    args = [a for a in argv if a != "--lock"]
    if len(args) < 2 or args[1] not in ("list", "dump", "files", "check"):
        raise SystemExit(__doc__)
    path, cmd, rest = args[0], args[1], args[2:]
    passphrase = os.environ.get("CUTOVER_PASSWORD") or getpass.getpass("passphrase: ")
    repo = Repo(path, passphrase)
    warn = lambda msg: print("warning: " + msg, file=sys.stderr)
    if cmd == "list":                                     # listing takes no lock, reads no data
        for sid, m in repo.snapshots():
            print(f"{sid[:8]}  {m['time']}  {m['source']}  tags={','.join(m.get('tags', []))}"
                  f"  v{m['version']}  files={len(m.get('files') or [])}")
            for e in m["entities"]:
                layers = len(e.get("changes", {}).get("layers", []))
                print(f"    {e['name']}: {e['records']} records, {len(e.get('parts') or [0])} parts"
                      f"{', ' + str(layers) + ' layers' if layers else ''}{', COPY text' if 'copyText' in e else ''}")
        return
    held = take_read_lock(repo) if lock else None
    try:
        repo.load_index()
        if cmd == "check":
            snaps = [repo.find(rest[0])] if rest else repo.snapshots()
            for sid, m in snaps:
                n = sum(read_entity(repo, sid, e, None, warn) for e in m["entities"])
                print(f"{sid[:8]}: {len(m['entities'])} entities, {n} rows, "
                      f"{restore_files(repo, sid, m, None)} files: ok")
            return
        sid, m = repo.find(rest[0])
        outdir = rest[1]
        os.makedirs(outdir, exist_ok=True)
        if cmd == "files":
            print(f"{restore_files(repo, sid, m, outdir)} files restored")
            return
        for e in m["entities"]:
            ext = ".copy" if "copyText" in e else ".jsonl"
            with open(os.path.join(outdir, file_name(e["name"]) + ext), "wb") as out:
                print(f"{e['name']}: {read_entity(repo, sid, e, out, warn)} rows")
        if m.get("files"):
            print(f"{restore_files(repo, sid, m, os.path.join(outdir, 'files'))} files restored")
        if m.get("schema"):
            with open(os.path.join(outdir, "schema.json"), "w", encoding="utf-8") as out:
                json.dump(m["schema"], out, ensure_ascii=False, indent=1)
            print(f"schema objects ({m['schema']['format']}): schema.json")
    finally:
        if held:
            os.remove(held)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except CorruptError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
