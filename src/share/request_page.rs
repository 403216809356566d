//! The page a sender opens to send files: one self-contained HTML file (no external scripts,
//! styles or fonts), locked down by a Content-Security-Policy, that uploads each chosen file
//! with a form POST signed by the owner's POST policy. Everything the owner typed is
//! HTML-escaped; nothing in the page's URL or in file names is ever treated as HTML.

use sha2::Digest;

/// What the page needs to know; serialized into it as JSON (with `<`, `>` and `&` escaped).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PageConfig {
    /// Where the form is posted: the bucket's URL (same origin as the page).
    pub action: String,
    /// The folder every key starts with.
    pub prefix: String,
    pub max_size: u64,
    /// When the page stops working, in milliseconds since the epoch.
    pub ends_at_ms: u64,
    /// Form fields shared by every upload (algorithm, credential, date, token, status).
    pub fields: Vec<(String, String)>,
    /// One signed policy per accepted type; a single `accepted: null` entry takes any type.
    pub variants: Vec<PolicyVariant>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyVariant {
    pub accepted: Option<super::request_form::AcceptedType>,
    pub policy: String,
    pub signature: String,
}

/// The whole page.
pub fn render(title: &str, message: &str, config: &PageConfig) -> String {
    // serde_json cannot fail on this plain data; an empty object would only disable uploads.
    let json = serde_json::to_string(config).unwrap_or_else(|_| "{}".to_owned());
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let head = page_head(&escape(title), SCRIPT, STYLE, "connect-src 'self'; ");
    let message_html = escape(message).replace('\n', "<br>");
    format!(
        r#"{head}
<body>
<main>
<h1>{title}</h1>
<p class="message">{message_html}</p>
<p class="limits" id="limits"></p>
<label class="drop" id="drop" for="files">
<input type="file" id="files" multiple>
<span>Choose files, or drop them here</span>
</label>
<ul id="list" aria-live="polite"></ul>
<p id="summary" role="status"></p>
</main>
<script type="application/json" id="config">{json}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        title = escape(title),
    )
}

/// The `<head>` of a page S3 Share stores in a bucket: self-contained, its one `script`
/// allowed by hash, `connect` (a CSP directive and "; ", or "") what it may fetch, no
/// referrer sent. `title_html` is already escaped.
pub fn page_head(title_html: &str, script: &str, style: &str, connect: &str) -> String {
    let script_hash = aws_smithy_types::base64::encode(sha2::Sha256::digest(script.as_bytes()));
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; {connect}img-src data:; form-action 'none'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<title>{title_html}</title>
<style>{style}</style>
</head>"#
    )
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d1f23}\
main{max-width:42rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin:0 0 .5rem}.message{white-space:normal}.limits{color:#555;font-size:.9rem}\
.drop{display:block;border:2px dashed #8a94a6;border-radius:8px;padding:1.5rem;text-align:center;cursor:pointer}\
.drop.over{background:#eef3ff;border-color:#3b6fd8}.drop input{display:block;margin:0 auto .5rem}\
ul{list-style:none;padding:0}li{margin:.6rem 0}.name{font-weight:600;word-break:break-all}\
progress{width:100%}.ok{color:#1a7f37}.bad{color:#b42318}";

/// The page's behaviour. Reads its configuration from the JSON element; writes only
/// text (textContent), never HTML.
const SCRIPT: &str = r#"(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("config").textContent);
  var list = document.getElementById("list");
  var summary = document.getElementById("summary");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  function size(n) {
    var u = ["bytes", "KB", "MB", "GB"], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + " " + u[i];
  }
  var ends = new Date(cfg.ends_at_ms);
  var kinds = cfg.variants.filter(function (v) { return v.accepted; })
    .map(function (v) { return words(v.accepted); });
  document.getElementById("limits").textContent =
    "Files up to " + size(cfg.max_size) + " each" +
    (kinds.length ? "; accepted: " + kinds.join(", ") : "") +
    ". This page works until " + ends.toLocaleString() + ".";
  // Types said the way people say them ("images, PDF"), not as MIME types.
  function words(a) {
    var names = { "image/": "images", "video/": "videos", "audio/": "audio", "text/": "text files",
      "application/pdf": "PDF", "application/zip": "ZIP archives", "text/csv": "CSV" };
    return names[a.value] || (a.prefix ? a.value.replace(/\/$/, "") + " files" : a.value.split("/").pop().toUpperCase() + " files");
  }
  var pending = 0, failed = 0, sent = 0;
  // Each sender (each opening of the page) sends into a folder of its own, named by 128
  // random bits: no other sender can guess it, so none can write over these files.
  var rnd = new Uint8Array(16);
  crypto.getRandomValues(rnd);
  var sender = Array.prototype.map.call(rnd, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  var used = {};
  function unique(name) {
    if (!used[name]) { used[name] = 1; return name; }
    var dot = name.lastIndexOf("."), n = ++used[name];
    var stem = dot > 0 ? name.slice(0, dot) : name, ext = dot > 0 ? name.slice(dot) : "";
    return unique(stem + " (" + n + ")" + ext);
  }
  function done() {
    if (pending) { return; }
    summary.textContent = failed ? sent + " sent, " + failed + " not sent." : "Done: " + sent + " sent.";
  }
  function variantFor(type) {
    for (var i = 0; i < cfg.variants.length; i++) {
      var a = cfg.variants[i].accepted;
      if (!a || (a.prefix ? type.indexOf(a.value) === 0 : type === a.value)) { return cfg.variants[i]; }
    }
    return null;
  }
  function reason(xhr) {
    var code = "", message = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "application/xml");
      code = (doc.getElementsByTagName("Code")[0] || {}).textContent || "";
      message = (doc.getElementsByTagName("Message")[0] || {}).textContent || "";
    } catch (e) { /* not XML */ }
    var m = message.toLowerCase();
    if (code === "EntityTooLarge" || m.indexOf("content-length") >= 0) { return "Too large: files may be up to " + size(cfg.max_size) + "."; }
    if (code === "EntityTooSmall") { return "Empty files are not accepted."; }
    if (m.indexOf("expired") >= 0) { return "This page has expired: ask for a new link."; }
    if (m.indexOf("content-type") >= 0) { return "This type of file is not accepted here."; }
    if (code === "AccessDenied" || code === "InvalidPolicyDocument") { return "Refused by the rules of this request (" + (message || code) + ")."; }
    return "The server refused the file (" + (code || "HTTP " + xhr.status) + ").";
  }
  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("div"); name.className = "name"; name.textContent = file.name;
    var bar = document.createElement("progress"); bar.max = 1; bar.value = 0;
    var note = document.createElement("div");
    li.appendChild(name); li.appendChild(bar); li.appendChild(note); list.appendChild(li);
    return { bar: bar, note: note };
  }
  function fail(r, text) { r.note.className = "bad"; r.note.textContent = text; r.bar.remove(); failed++; }
  function send(file) {
    var r = row(file);
    if (Date.now() >= cfg.ends_at_ms) { return fail(r, "This page has expired: ask for a new link."); }
    if (file.size > cfg.max_size) { return fail(r, "Too large: files may be up to " + size(cfg.max_size) + "."); }
    if (file.size === 0) { return fail(r, "Empty files are not accepted."); }
    var type = file.type || "application/octet-stream";
    var v = variantFor(type);
    if (!v) { return fail(r, "This type of file is not accepted here (accepted: " + kinds.join(", ") + ")."); }
    // The name is a key below the sender's folder, never a path: separators become "_".
    var key = cfg.prefix + sender + "/" + unique(file.name.replace(/[\/\\]/g, "_"));
    var form = new FormData();
    form.append("key", key);
    form.append("Content-Type", type);
    cfg.fields.forEach(function (f) { form.append(f[0], f[1]); });
    form.append("policy", v.policy);
    form.append("x-amz-signature", v.signature);
    form.append("file", file);
    var xhr = new XMLHttpRequest();
    pending++;
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { r.bar.value = e.loaded / e.total; } };
    xhr.onload = function () {
      pending--;
      if (xhr.status >= 200 && xhr.status < 300) {
        r.bar.value = 1; r.note.className = "ok"; r.note.textContent = "Done"; sent++;
      } else { fail(r, reason(xhr)); }
      done();
    };
    xhr.onerror = function () { pending--; fail(r, "Could not reach the server: check the connection and try again."); done(); };
    xhr.open("POST", cfg.action);
    xhr.send(form);
  }
  function sendAll(files) { summary.textContent = ""; for (var i = 0; i < files.length; i++) { send(files[i]); } done(); }
  input.addEventListener("change", function () { sendAll(input.files); input.value = ""; });
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.className = "drop over"; });
  drop.addEventListener("dragleave", function () { drop.className = "drop"; });
  drop.addEventListener("drop", function (e) { e.preventDefault(); drop.className = "drop"; sendAll(e.dataTransfer.files); });
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_text_and_json_cannot_break_out_of_the_page() {
        let config = PageConfig {
            action: "http://h/b".into(),
            prefix: "in/</script><script>alert(1)</script>/".into(),
            max_size: 10,
            ends_at_ms: 1,
            fields: vec![],
            variants: vec![],
        };
        let page = render("<img src=x onerror=alert(1)>", "a & b\n<b>", &config);
        assert!(page.contains("<h1>&lt;img src=x onerror=alert(1)&gt;</h1>"));
        assert!(page.contains("a &amp; b<br>&lt;b&gt;"));
        assert!(!page.contains("</script><script>alert(1)"));
        assert!(page.contains("\\u003c/script\\u003e"));
        // Only the page's own script may run.
        let hash = aws_smithy_types::base64::encode(sha2::Sha256::digest(SCRIPT.as_bytes()));
        assert!(page.contains(&format!("script-src 'sha256-{hash}'")));
    }
}
