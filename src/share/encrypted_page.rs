//! The page of an encrypted share: stored in the bucket beside the ciphertext, it fetches the
//! ciphertext from its own origin and decrypts it with WebCrypto alone (RFC 8188 aes128gcm,
//! as `ece` writes it). The key comes from the link's `#fragment` (never sent to a server) or
//! from a passphrase typed into the page. Self-contained: one script allowed by its hash, no
//! external request, `connect-src 'self'`, no referrer.
//!
//! The page says nothing of the file but the ciphertext's size. Its name and type come from
//! the fragment. A file is saved only once every record has passed its check: in memory up
//! to `MEMORY_LIMIT`, above it streamed to a file the colleague picks where the browser
//! allows (`showSaveFilePicker`: aborted, so nothing is kept, when a record fails), else in
//! memory with a warning.

use serde::Serialize;

use super::request_page::{escape, page_head};

/// Above this, the page streams to a picked file where it can (said on the page).
pub const MEMORY_LIMIT: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct PageConfig {
    /// The ciphertext's presigned URL (same origin as the page).
    pub url: String,
    /// The ciphertext's size.
    pub size: u64,
    pub ends_ms: u64,
}

pub fn render(config: &PageConfig) -> String {
    #[derive(Serialize)]
    struct Json<'a> {
        #[serde(flatten)]
        config: &'a PageConfig,
        memory_limit: u64,
    }
    let json = serde_json::to_string(&Json {
        config,
        memory_limit: MEMORY_LIMIT,
    })
    .unwrap_or_else(|_| "{}".to_owned())
    .replace('<', "\\u003c")
    .replace('>', "\\u003e")
    .replace('&', "\\u0026");
    let head = page_head("Encrypted file", SCRIPT, STYLE, "connect-src 'self'; ");
    let size = escape(&super::human_size(config.size));
    format!(
        r#"{head}
<body>
<main>
<h1 id="title">Encrypted file</h1>
<p>{size}, encrypted end to end: it is decrypted in this browser, <span id="how">with the key in the link (the part after #, which is never sent to any server)</span>.</p>
<p id="until"></p>
<p id="ask" hidden><label for="pass">Passphrase</label> <input type="password" id="pass" autocomplete="off"></p>
<p><button type="button" id="download">Download</button></p>
<progress id="progress" max="1" value="0" hidden></progress>
<p id="status" role="status"></p>
</main>
<script type="application/json" id="config">{json}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#
    )
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d1f23}\
main{max-width:42rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin:0 0 .5rem;word-break:break-all}button{font-size:1.1rem;padding:.5rem 1.5rem}\
progress{width:100%}.ok{color:#1a7f37}.bad{color:#b42318}.warn{color:#8a5a00}";

/// The page's behaviour: parse the fragment, fetch, check the key, decrypt record by record,
/// save only what passed every check.
const SCRIPT: &str = r#"(function () {
"use strict";
var cfg = JSON.parse(document.getElementById("config").textContent);
function $(id) { return document.getElementById(id); }
var subtle = window.crypto && window.crypto.subtle;
var params = {};
location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
  var i = pair.indexOf("=");
  if (i > 0) { try { params[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1)); } catch (e) {} }
});
var name = (params.n || "download").replace(/[\/\\]/g, "_");
var type = params.t || "application/octet-stream";
var passMode = !params.k && !!params.s;
var button = $("download"), status = $("status"), bar = $("progress");
function say(text, cls) { status.textContent = text; status.className = cls || ""; }
function size(n) {
  var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
}
$("title").textContent = params.n ? "Encrypted file: " + params.n : "Encrypted file";
if (cfg.ends_ms) { $("until").textContent = "This link works until " + new Date(cfg.ends_ms).toLocaleString() + "."; }
if (!subtle) { say("This browser cannot decrypt here (WebCrypto needs an https:// page or a current browser).", "bad"); button.disabled = true; return; }
if (!params.k && !params.s) { say("This link is missing its key (the part after #). Ask the sender for the whole link.", "bad"); button.disabled = true; return; }
if (passMode) { $("ask").hidden = false; $("how").textContent = "with the passphrase the sender gave you (it never leaves this browser)"; }
function b64(text) {
  var s = text.replace(/-/g, "+").replace(/_/g, "/");
  while (s.length % 4) { s += "="; }
  var bin = atob(s), out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
  return out;
}
function Failure(text, retry) { this.text = text; this.retry = retry; }
var enc = new TextEncoder();
async function hkdf(ikm, salt, info, bits) {
  var key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt, info: enc.encode(info) }, key, bits));
}
async function inputKey() {
  if (!passMode) { return b64(params.k); }
  var pass = $("pass").value;
  if (!pass) { throw new Failure("Type the passphrase the sender gave you, then press Download.", true); }
  var base = await subtle.importKey("raw", enc.encode(pass), "PBKDF2", false, ["deriveBits"]);
  var rounds = parseInt(params.i || "600000", 10);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: b64(params.s), iterations: rounds }, base, 128));
}
function concat(a, b) { var out = new Uint8Array(a.length + b.length); out.set(a); out.set(b, a.length); return out; }
function same(a, b) { if (a.length !== b.length) { return false; } for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } } return true; }
function nonceFor(base, seq) {
  var nonce = base.slice();
  for (var i = 0; i < 6; i++) { nonce[11 - i] ^= Math.floor(seq / Math.pow(256, i)) % 256; }
  return nonce;
}
async function memorySink() {
  var parts = [];
  return { write: function (chunk) { parts.push(chunk); }, close: function () {
    var url = URL.createObjectURL(new Blob(parts, { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }, abort: function () { parts = []; } };
}
async function fileSink() {
  var handle = await window.showSaveFilePicker({ suggestedName: name });
  var writable = await handle.createWritable();
  return { write: function (chunk) { return writable.write(chunk); }, close: function () { return writable.close(); }, abort: function () { return writable.abort(); } };
}
async function run() {
  var sink = null;
  try {
    if (cfg.size > cfg.memory_limit) {
      if (window.showSaveFilePicker) { sink = await fileSink(); }
      else { say("This browser keeps the file in memory until it is saved: " + size(cfg.size) + " may not fit. Chrome or Edge save large files as they decrypt.", "warn"); }
    }
    var ikm = await inputKey();
    if (!sink) { sink = await memorySink(); }
    say("Downloading and decrypting…");
    bar.hidden = false; bar.value = 0;
    var response;
    try { response = await fetch(cfg.url, { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" }); }
    catch (e) { throw new Failure("Could not reach the server: check the connection, then try again.", true); }
    if (!response.ok) {
      throw new Failure(response.status === 403 || response.status === 400 || response.status === 404
        ? "This link has ended or was taken back (the server answered " + response.status + "). Ask the sender for a new link."
        : "The server answered " + response.status + ". Try again in a moment.", response.status >= 500);
    }
    var reader = response.body.getReader();
    var pending = new Uint8Array(0), received = 0, keys = null, rs = 0, seq = 0, done = false, written = 0;
    async function open(record, full) {
      if (done) { throw new Failure("The file goes on after its last record: it was changed after it was encrypted. Nothing was saved.", false); }
      if (record.length <= 16) { throw new Failure("The file is cut off: its last part is missing. Nothing was saved.", false); }
      var plain;
      try { plain = new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: nonceFor(keys.nonce, seq), tagLength: 128 }, keys.cek, record)); }
      catch (e) { throw new Failure("The file was changed after it was encrypted (part " + (seq + 1) + " failed its check). Nothing was saved.", false); }
      var end = plain.length - 1;
      while (end >= 0 && plain[end] === 0) { end--; }
      if (end < 0 || (plain[end] !== 1 && plain[end] !== 2)) { throw new Failure("The file was changed after it was encrypted. Nothing was saved.", false); }
      if (plain[end] === 1 && !full) { throw new Failure("The file is cut off: its last part is missing. Nothing was saved.", false); }
      if (plain[end] === 2) { done = true; }
      seq++;
      written += end;
      await sink.write(plain.subarray(0, end));
    }
    for (;;) {
      var step = await reader.read();
      if (step.done) { break; }
      received += step.value.length;
      bar.value = cfg.size ? received / cfg.size : 1;
      pending = concat(pending, step.value);
      if (!keys && pending.length >= 21 && pending.length >= 21 + pending[20]) {
        var idLen = pending[20], salt = pending.slice(0, 16);
        rs = ((pending[16] << 24) >>> 0) + (pending[17] << 16) + (pending[18] << 8) + pending[19];
        if (rs < 18 || rs > 16777216) { throw new Failure("This is not an encrypted S3 Share file. Nothing was saved.", false); }
        var check = await hkdf(ikm, salt, "S3 Share key check\0", 128);
        if (idLen === 16 && !same(check, pending.slice(21, 37))) {
          throw passMode ? new Failure("Wrong passphrase. Check it and try again.", true)
            : new Failure("The key in this link does not fit the file: the link was cut or changed. Ask the sender for the whole link.", false);
        }
        keys = { cek: await subtle.importKey("raw", await hkdf(ikm, salt, "Content-Encoding: aes128gcm\0", 128), "AES-GCM", false, ["decrypt"]),
                 nonce: await hkdf(ikm, salt, "Content-Encoding: nonce\0", 96) };
        pending = pending.slice(21 + idLen);
      }
      while (keys && pending.length >= rs) {
        await open(pending.subarray(0, rs), true);
        pending = pending.slice(rs);
      }
    }
    if (!keys) { throw new Failure("The file is cut off or is not an encrypted S3 Share file. Nothing was saved.", false); }
    if (pending.length) { await open(pending, false); }
    if (!done) { throw new Failure("The file is cut off: its last part is missing. Nothing was saved.", false); }
    await sink.close();
    bar.value = 1;
    say("Decrypted and saved: " + name + ", " + size(written) + ".", "ok");
  } catch (e) {
    if (sink) { try { await sink.abort(); } catch (ignored) {} }
    bar.hidden = true;
    if (e instanceof Failure) { say(e.text, "bad"); button.disabled = !e.retry; }
    else if (e && e.name === "AbortError") { say("No file was chosen: nothing was saved."); }
    else { say("Decryption failed: nothing was saved (" + (e && e.message ? e.message : e) + ").", "bad"); }
    return;
  }
  button.disabled = false;
}
var running = false;
button.addEventListener("click", function () {
  if (running) { return; }
  running = true; button.disabled = true;
  run().finally(function () { running = false; });
});
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_no_key_and_allows_only_its_own_script() {
        let html = render(&PageConfig {
            url: "http://127.0.0.1:9/b/.s3share/links/1-x/data?X-Amz-Signature=s&a=<b>".into(),
            size: 2048,
            ends_ms: 1,
        });
        assert!(html.contains("default-src 'none'"));
        assert!(html.contains("connect-src 'self'"));
        assert!(html.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
        assert!(html.contains(">Download</button>"));
        // The URL cannot close the JSON's script element.
        assert!(!html.contains("<b>"));
        assert!(html.contains("2.0 KiB"));
        assert!(!html.contains("k="));
    }
}
