//! RFC 8188 "aes128gcm" content encoding, byte-exact, for the encrypted share: a header
//! (16-byte salt, record size, key id), then records of at most `rs` bytes, each AES-128-GCM
//! with a nonce that counts records, its plaintext ended by 0x01 (more follow) or 0x02 (the
//! last). A cut-off file therefore fails: its last record says 0x01.
//!
//! The key id holds a key check (16 bytes derived from the key and salt), so that a wrong key
//! or passphrase is told apart from a changed file before any record is opened. Any RFC 8188
//! decoder given the key ignores it.
//!
//! Records are independent given their number, so any byte range of the encoded stream can be
//! made from the plaintext records under it: parts of a multipart upload are encoded in
//! parallel, straight from the file, and nothing holds the whole file.

use aes_gcm::aead::{AeadInOut, KeyInit, Tag};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// The record size S3 Share writes (the RFC's largest sensible choice for streaming).
pub const RECORD_SIZE: u32 = 65_536;
/// The largest record a reader accepts (as the page does): a header asking for more would
/// only make the reader hold that much before it can check anything.
pub const MAX_RECORD_SIZE: u32 = 16 * 1024 * 1024;
/// AES-GCM's tag.
pub const TAG_LEN: usize = 16;
/// The input keying material in a link (`k`), and the salts.
pub const KEY_LEN: usize = 16;
pub const SALT_LEN: usize = 16;
/// The key check S3 Share puts in the header's key id.
pub const KEY_CHECK_LEN: usize = 16;
/// PBKDF2-SHA256 rounds for a passphrase (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
pub const PBKDF2_ROUNDS: u32 = 600_000;

const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";
const CHECK_INFO: &[u8] = b"S3 Share key check\0";

/// Why an encoded stream was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EceError {
    #[error("it is not an encrypted S3 Share file (its header is not RFC 8188 aes128gcm)")]
    BadHeader,
    #[error("the key does not fit this file (a wrong passphrase, or a link cut or changed)")]
    WrongKey,
    #[error("record {0} failed its check: the file was changed after it was encrypted")]
    Tampered(u64),
    #[error("the file is cut off: its last record is missing")]
    Truncated,
    #[error("the file goes on after its last record: it was changed after it was encrypted")]
    TrailingData,
}

/// The keys of one encoded stream.
#[derive(Clone)]
struct Keys {
    cipher: Aes128Gcm,
    nonce: [u8; 12],
    check: [u8; KEY_CHECK_LEN],
}

impl Keys {
    fn derive(ikm: &[u8], salt: &[u8]) -> Keys {
        let hkdf = Hkdf::<Sha256>::new(Some(salt), ikm);
        let mut cek = [0u8; 16];
        let mut nonce = [0u8; 12];
        let mut check = [0u8; KEY_CHECK_LEN];
        // Lengths below 255 * 32 cannot fail.
        hkdf.expand(CEK_INFO, &mut cek).expect("16 bytes");
        hkdf.expand(NONCE_INFO, &mut nonce).expect("12 bytes");
        hkdf.expand(CHECK_INFO, &mut check).expect("16 bytes");
        Keys {
            cipher: Aes128Gcm::new(&cek.into()),
            nonce,
            check,
        }
    }

    /// The nonce of record `seq`: the derived nonce XOR the record number (big-endian).
    fn nonce(&self, seq: u64) -> Nonce<aes_gcm::aead::consts::U12> {
        let mut nonce = self.nonce;
        for (i, byte) in seq.to_be_bytes().iter().enumerate() {
            nonce[4 + i] ^= byte;
        }
        nonce.into()
    }
}

/// The key from a passphrase: PBKDF2-HMAC-SHA256, `rounds` rounds, 16 bytes.
pub fn passphrase_key(passphrase: &str, salt: &[u8], rounds: u32) -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(passphrase.as_bytes(), salt, rounds, &mut key);
    key
}

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// Encodes one plaintext of a known length, a record (or any byte range) at a time.
#[derive(Clone)]
pub struct Sealer {
    keys: Keys,
    header: Vec<u8>,
    plain_len: u64,
    rs: u32,
}

/// The keys stay out of logs.
impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("plain_len", &self.plain_len)
            .field("rs", &self.rs)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    pub fn new(ikm: &[u8], salt: [u8; SALT_LEN], plain_len: u64) -> Sealer {
        Sealer::with_key_id(ikm, salt, plain_len, RECORD_SIZE, None)
    }

    /// `key_id` None: S3 Share's key check. Tests pass the RFC's own.
    fn with_key_id(
        ikm: &[u8],
        salt: [u8; SALT_LEN],
        plain_len: u64,
        rs: u32,
        key_id: Option<&[u8]>,
    ) -> Sealer {
        let keys = Keys::derive(ikm, &salt);
        let key_id = key_id.unwrap_or(&keys.check).to_vec();
        let mut header = Vec::with_capacity(21 + key_id.len());
        header.extend_from_slice(&salt);
        header.extend_from_slice(&rs.to_be_bytes());
        header.push(key_id.len() as u8);
        header.extend_from_slice(&key_id);
        Sealer {
            keys,
            header,
            plain_len,
            rs,
        }
    }

    /// Plaintext bytes per record: the record less its tag and delimiter.
    fn chunk(&self) -> u64 {
        u64::from(self.rs) - TAG_LEN as u64 - 1
    }

    /// The plaintext's length the stream was laid out for.
    pub fn plain_len(&self) -> u64 {
        self.plain_len
    }

    /// Records in the stream: at least one (an empty file is one record holding 0x02).
    pub fn records(&self) -> u64 {
        self.plain_len.div_ceil(self.chunk()).max(1)
    }

    /// The encoded stream's length.
    pub fn sealed_len(&self) -> u64 {
        self.header.len() as u64 + self.plain_len + self.records() * (TAG_LEN as u64 + 1)
    }

    /// The plaintext range record `seq` holds: (offset, length).
    pub fn plain_range(&self, seq: u64) -> (u64, u64) {
        let start = seq * self.chunk();
        (
            start,
            self.chunk().min(self.plain_len - start.min(self.plain_len)),
        )
    }

    /// The plaintext bytes (offset, length) that bytes `start..start + len` of the stream
    /// are made from: the records under them (none for the header alone).
    pub fn plain_span(&self, start: u64, len: u64) -> (u64, u64) {
        let header = self.header.len() as u64;
        let end = (start + len).min(self.sealed_len());
        if end <= header {
            return (0, 0);
        }
        let rs = u64::from(self.rs);
        let first = (start.max(header) - header) / rs;
        let last = (end - 1 - header) / rs;
        let from = self.plain_range(first).0;
        let (last_start, last_len) = self.plain_range(last);
        (from, last_start + last_len - from)
    }

    /// Record `seq` of the stream, from its plaintext (`plain_range(seq)`'s bytes).
    pub fn seal(&self, seq: u64, plain: &[u8]) -> Vec<u8> {
        let last = seq + 1 == self.records();
        let mut record = Vec::with_capacity(plain.len() + 1 + TAG_LEN);
        record.extend_from_slice(plain);
        record.push(if last { 2 } else { 1 });
        let tag = self
            .keys
            .cipher
            .encrypt_inout_detached(&self.keys.nonce(seq), b"", record.as_mut_slice().into())
            .expect("a record is far below AES-GCM's limit");
        record.extend_from_slice(&tag);
        record
    }

    /// Bytes `start..start + len` of the encoded stream; `read(offset, len)` gives plaintext.
    pub fn range<E>(
        &self,
        start: u64,
        len: u64,
        mut read: impl FnMut(u64, u64) -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        let end = (start + len).min(self.sealed_len());
        let mut out = Vec::with_capacity((end - start.min(end)) as usize);
        let header = self.header.len() as u64;
        let mut at = start;
        if at < header {
            let upto = end.min(header);
            out.extend_from_slice(&self.header[at as usize..upto as usize]);
            at = upto;
        }
        let rs = u64::from(self.rs);
        while at < end {
            let seq = (at - header) / rs;
            let (offset, plain_len) = self.plain_range(seq);
            let record = self.seal(seq, &read(offset, plain_len)?);
            let record_start = header + seq * rs;
            let from = (at - record_start) as usize;
            let to = ((end - record_start) as usize).min(record.len());
            out.extend_from_slice(&record[from..to]);
            at = record_start + to as u64;
        }
        Ok(out)
    }
}

/// Decodes a stream pushed in pieces of any size; each record is checked before its
/// plaintext is given out, and `finish` says whether the stream ended where it should.
pub struct Opener {
    ikm: Vec<u8>,
    keys: Option<Keys>,
    rs: usize,
    buffer: Vec<u8>,
    seq: u64,
    done: bool,
}

impl Opener {
    pub fn new(ikm: &[u8]) -> Opener {
        Opener {
            ikm: ikm.to_vec(),
            keys: None,
            rs: 0,
            buffer: Vec::new(),
            seq: 0,
            done: false,
        }
    }

    /// Takes the next bytes; returns the plaintext of the records they completed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<u8>, EceError> {
        self.buffer.extend_from_slice(bytes);
        let mut out = Vec::new();
        if self.keys.is_none() && !self.read_header()? {
            return Ok(out);
        }
        let mut at = 0;
        while self.buffer.len() - at >= self.rs {
            let end = at + self.rs;
            self.open_record(at, end, &mut out)?;
            at = end;
        }
        self.buffer.drain(..at);
        Ok(out)
    }

    /// The end of the stream: the plaintext of a last, shorter record.
    pub fn finish(mut self) -> Result<Vec<u8>, EceError> {
        if self.keys.is_none() {
            return Err(EceError::BadHeader);
        }
        let mut out = Vec::new();
        if !self.buffer.is_empty() {
            let end = self.buffer.len();
            self.open_record(0, end, &mut out)?;
        }
        if self.done {
            Ok(out)
        } else {
            Err(EceError::Truncated)
        }
    }

    /// Parses the header once enough bytes are in; false while more are needed.
    fn read_header(&mut self) -> Result<bool, EceError> {
        if self.buffer.len() < 21 {
            return Ok(false);
        }
        let id_len = usize::from(self.buffer[20]);
        if self.buffer.len() < 21 + id_len {
            return Ok(false);
        }
        let rs = u32::from_be_bytes(self.buffer[16..20].try_into().expect("4 bytes"));
        if !(18..=MAX_RECORD_SIZE).contains(&rs) {
            return Err(EceError::BadHeader);
        }
        let keys = Keys::derive(&self.ikm, &self.buffer[..SALT_LEN]);
        let key_id = &self.buffer[21..21 + id_len];
        // Only S3 Share's own key check is checked; another writer's key id is a label.
        if id_len == KEY_CHECK_LEN && key_id != keys.check {
            return Err(EceError::WrongKey);
        }
        self.rs = rs as usize;
        self.keys = Some(keys);
        self.buffer.drain(..21 + id_len);
        Ok(true)
    }

    fn open_record(&mut self, from: usize, to: usize, out: &mut Vec<u8>) -> Result<(), EceError> {
        if self.done {
            return Err(EceError::TrailingData);
        }
        let keys = self.keys.as_ref().expect("header read");
        let record = &mut self.buffer[from..to];
        if record.len() <= TAG_LEN {
            return Err(EceError::Truncated);
        }
        let (body, tag) = record.split_at_mut(record.len() - TAG_LEN);
        let tag: [u8; TAG_LEN] = (&*tag).try_into().expect("16 bytes");
        keys.cipher
            .decrypt_inout_detached(
                &keys.nonce(self.seq),
                b"",
                body.into(),
                &Tag::<Aes128Gcm>::from(tag),
            )
            .map_err(|_| EceError::Tampered(self.seq))?;
        // Padding is zeros after the delimiter.
        let Some(delimiter) = body.iter().rposition(|&b| b != 0) else {
            return Err(EceError::Tampered(self.seq));
        };
        match body[delimiter] {
            1 if to - from == self.rs => {}
            1 => return Err(EceError::Truncated),
            2 => self.done = true,
            _ => return Err(EceError::Tampered(self.seq)),
        }
        out.extend_from_slice(&body[..delimiter]);
        self.seq += 1;
        Ok(())
    }
}

/// base64url without padding (the link's fragment).
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn from_b64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal_all(sealer: &Sealer, plain: &[u8]) -> Vec<u8> {
        sealer
            .range(0, sealer.sealed_len(), |offset, len| {
                Ok::<_, ()>(plain[offset as usize..(offset + len) as usize].to_vec())
            })
            .unwrap()
    }

    fn open_all(ikm: &[u8], sealed: &[u8], piece: usize) -> Result<Vec<u8>, EceError> {
        let mut opener = Opener::new(ikm);
        let mut out = Vec::new();
        for chunk in sealed.chunks(piece.max(1)) {
            out.extend(opener.push(chunk)?);
        }
        out.extend(opener.finish()?);
        Ok(out)
    }

    #[test]
    fn the_rfc_8188_example_is_encoded_byte_for_byte() {
        // RFC 8188 section 3.1: "I am the walrus", rs 4096, no key id.
        let ikm = from_b64("yqdlZ-tYemfogSmv7Ws5PQ").unwrap();
        let salt: [u8; 16] = from_b64("I1BsxtFttlv3u_Oo94xnmw")
            .unwrap()
            .try_into()
            .unwrap();
        let plain = b"I am the walrus";
        let sealer = Sealer::with_key_id(&ikm, salt, plain.len() as u64, 4096, Some(b""));
        let sealed = seal_all(&sealer, plain);
        assert_eq!(
            b64(&sealed),
            "I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg"
        );
        assert_eq!(sealed.len() as u64, sealer.sealed_len());
        assert_eq!(open_all(&ikm, &sealed, 7).unwrap(), plain);
    }

    #[test]
    fn the_rfc_8188_example_with_two_records_and_padding_is_read() {
        // RFC 8188 section 3.2: rs 25, key id "a1", records padded.
        let ikm = from_b64("BO3ZVPxUlnLORbVGMpbT1Q").unwrap();
        let sealed = from_b64(
            "uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA",
        )
        .unwrap();
        assert_eq!(open_all(&ikm, &sealed, 1).unwrap(), b"I am the walrus");
    }

    #[test]
    fn round_trips_at_record_boundaries() {
        let ikm = random::<KEY_LEN>();
        let chunk = (RECORD_SIZE as usize) - TAG_LEN - 1;
        for len in [0, 1, chunk, chunk + 1, chunk + 2, 3 * chunk, 3_000_000] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7 + len) as u8).collect();
            let sealer = Sealer::new(&ikm, random(), len as u64);
            let sealed = seal_all(&sealer, &plain);
            assert_eq!(sealed.len() as u64, sealer.sealed_len(), "length {len}");
            for piece in [1000, 65_536, 1 << 20] {
                assert_eq!(
                    open_all(&ikm, &sealed, piece).unwrap(),
                    plain,
                    "length {len}"
                );
            }
        }
    }

    #[test]
    fn any_range_is_the_same_bytes_as_the_whole_stream() {
        let ikm = random::<KEY_LEN>();
        let plain: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let sealer = Sealer::new(&ikm, random(), plain.len() as u64);
        let whole = seal_all(&sealer, &plain);
        for (start, len) in [(0, 10), (5, 70_000), (65_570, 65_536), (200_000, 200_000)] {
            let part = sealer
                .range(start, len, |o, l| {
                    Ok::<_, ()>(plain[o as usize..(o + l) as usize].to_vec())
                })
                .unwrap();
            let end = (start + len).min(whole.len() as u64) as usize;
            assert_eq!(part, whole[start as usize..end], "range {start}+{len}");
        }
    }

    #[test]
    fn a_range_needs_only_the_plaintext_of_its_records() {
        let plain: Vec<u8> = (0..300_000u32).map(|i| (i % 13) as u8).collect();
        let sealer = Sealer::new(&random::<KEY_LEN>(), random(), plain.len() as u64);
        for (start, len) in [
            (0, 10),
            (0, 37),
            (5, 70_000),
            (65_573, 65_536),
            (250_000, 99_999),
        ] {
            let (from, span) = sealer.plain_span(start, len);
            let part = sealer
                .range(start, len, |o, l| {
                    assert!(
                        o >= from && o + l <= from + span,
                        "{o}+{l} outside {from}+{span}"
                    );
                    Ok::<_, ()>(plain[o as usize..(o + l) as usize].to_vec())
                })
                .unwrap();
            assert!(!part.is_empty());
        }
        assert_eq!(
            sealer.plain_span(0, 37),
            (0, 0),
            "the header alone needs nothing"
        );
    }

    #[test]
    fn a_changed_cut_or_reordered_stream_is_refused() {
        let ikm = random::<KEY_LEN>();
        let chunk = (RECORD_SIZE as usize) - TAG_LEN - 1;
        let plain = vec![7u8; 3 * chunk + 10];
        let sealer = Sealer::new(&ikm, random(), plain.len() as u64);
        let sealed = seal_all(&sealer, &plain);
        let header = 21 + KEY_CHECK_LEN;
        let rs = RECORD_SIZE as usize;

        let mut flipped = sealed.clone();
        flipped[header + rs + 100] ^= 1;
        assert_eq!(open_all(&ikm, &flipped, 4096), Err(EceError::Tampered(1)));

        let dropped_last = &sealed[..header + 3 * rs];
        assert_eq!(open_all(&ikm, dropped_last, 4096), Err(EceError::Truncated));

        let mut swapped = sealed[..header].to_vec();
        swapped.extend_from_slice(&sealed[header + rs..header + 2 * rs]);
        swapped.extend_from_slice(&sealed[header..header + rs]);
        swapped.extend_from_slice(&sealed[header + 2 * rs..]);
        assert_eq!(open_all(&ikm, &swapped, 4096), Err(EceError::Tampered(0)));

        let mut longer = sealed.clone();
        longer.extend_from_slice(&sealed[header..header + rs]);
        assert!(open_all(&ikm, &longer, 4096).is_err());

        // A header asking for 1 GiB records is refused before anything is held.
        let mut huge = sealed[..header].to_vec();
        huge[16..20].copy_from_slice(&(1u32 << 30).to_be_bytes());
        assert_eq!(Opener::new(&ikm).push(&huge), Err(EceError::BadHeader));

        let wrong = random::<KEY_LEN>();
        assert_eq!(open_all(&wrong, &sealed, 4096), Err(EceError::WrongKey));
        assert_eq!(
            open_all(&ikm, &sealed[..10], 4096),
            Err(EceError::BadHeader)
        );
    }

    #[test]
    fn a_passphrase_key_is_pbkdf2_sha256() {
        // RFC 7914 section 11's PBKDF2-HMAC-SHA256 vector ("passwd", "salt", 1 round).
        let key = passphrase_key("passwd", b"salt", 1);
        assert_eq!(
            key[..],
            [
                0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44,
                0xb6, 0x05
            ]
        );
    }
}
