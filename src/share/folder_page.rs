//! The page that shares many files with one link: one self-contained HTML file (no external
//! script, style or font) listing each file with its own download link, locked down by a
//! Content-Security-Policy. The list is plain HTML (readable without JavaScript); the one
//! script only shows the end in the reader's local time and offers "Download all". Every
//! name is HTML-escaped, and its control characters shown as visible escapes.

use super::request_page::{escape, page_head};

/// More files than this make no page: every link is about 1 KB (2 KB with a session token),
/// so 10,000 files are a page of 10 to 20 MB, about what a phone's browser still opens.
pub const MAX_PAGE_FILES: usize = 10_000;

/// One file on the page.
#[derive(Debug, Clone)]
pub struct PageFile {
    /// The key, relative to the folder shared (shown as folder and name).
    pub path: String,
    pub size: u64,
    /// Last modified, in milliseconds since the epoch (0: unknown).
    pub modified_ms: i64,
    /// The file's own presigned link.
    pub url: String,
}

/// The whole page. `ends_at_ms`: when it and every link on it stop working.
pub fn render(title: &str, files: &[PageFile], ends_at_ms: u64) -> String {
    let head = page_head(&shown(title), SCRIPT, STYLE, "");
    let total: u64 = files.iter().map(|f| f.size).sum();
    let ends_utc = utc_text(ends_at_ms as i64);
    let mut rows = String::with_capacity(files.len() * 1200);
    for file in files {
        let (folder, name) = match file.path.rsplit_once('/') {
            Some((folder, name)) => (format!("{folder}/"), name),
            None => (String::new(), file.path.as_str()),
        };
        rows.push_str(&format!(
            "<tr><td><a href=\"{url}\" download>{name}</a><div class=\"folder\">{folder}</div></td><td class=\"n\">{size}</td><td class=\"d\" data-ms=\"{ms}\">{date}</td></tr>\n",
            url = escape(&file.url),
            name = shown(name),
            folder = shown(&folder),
            size = size_text(file.size),
            ms = file.modified_ms,
            date = if file.modified_ms > 0 { utc_text(file.modified_ms) } else { String::new() },
        ));
    }
    let count = match files.len() {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    format!(
        r#"{head}
<body>
<main>
<h1>{title}</h1>
<p>{count}, {total_size}. These links work until <time id="ends" data-ms="{ends_at_ms}">{ends_utc}</time>.</p>
<p><button type="button" id="all" hidden>Download all</button> <span id="progress" role="status"></span></p>
<p class="note" id="allnote" hidden>Download all saves the files one after another (a browser cannot zip files from another site without holding them all in memory); your browser may ask once to allow several downloads.</p>
<table>
<thead><tr><th>Name</th><th class="n">Size</th><th class="d">Modified</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        title = shown(title),
        total_size = size_text(total),
    )
}

/// A name for the page: control and direction characters as visible escapes (a key may
/// hold a newline or a right-to-left override), then HTML-escaped.
fn shown(text: &str) -> String {
    escape(&super::escape::text(text))
}

/// "1.5 MB", "512 bytes".
fn size_text(bytes: u64) -> String {
    super::human_size(bytes).replace(" B", " bytes")
}

/// "2026-12-02 14:05 UTC" (the script shows it in the reader's own time zone).
fn utc_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d1f23}\
main{max-width:56rem;margin:1.5rem auto;padding:1.25rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin:0 0 .5rem;overflow-wrap:anywhere}table{width:100%;border-collapse:collapse}\
th,td{text-align:left;padding:.45rem .3rem;border-bottom:1px solid #e3e6ea;vertical-align:top}\
td a{font-weight:600;white-space:pre-wrap;overflow-wrap:anywhere}.folder{color:#667;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}\
.n{text-align:right;white-space:nowrap}.d{white-space:nowrap;color:#555}.note{color:#555;font-size:.9rem}\
button{font-size:1rem;padding:.45rem 1rem}@media (max-width:36rem){.d{display:none}main{margin:0;border-radius:0}}";

/// Local times, and "Download all": each file's link followed in turn (text only, never
/// HTML, is written).
const SCRIPT: &str = r#"(function () {
  "use strict";
  function local(ms) { return new Date(ms).toLocaleString(); }
  var ends = document.getElementById("ends");
  ends.textContent = local(Number(ends.getAttribute("data-ms")));
  Array.prototype.forEach.call(document.querySelectorAll("td.d"), function (td) {
    var ms = Number(td.getAttribute("data-ms"));
    if (ms > 0) { td.textContent = local(ms); }
  });
  var links = document.querySelectorAll("tbody a[download]");
  var all = document.getElementById("all"), progress = document.getElementById("progress");
  if (!links.length) { return; }
  all.hidden = false;
  document.getElementById("allnote").hidden = false;
  all.addEventListener("click", function () {
    if (Date.now() > Number(ends.getAttribute("data-ms"))) {
      progress.textContent = "These links have ended: ask for a new page.";
      return;
    }
    all.disabled = true;
    var i = 0;
    (function next() {
      if (i >= links.length) {
        progress.textContent = "Started " + links.length + " downloads.";
        all.disabled = false;
        return;
      }
      progress.textContent = "Downloading " + (i + 1) + " of " + links.length + "\u2026";
      links[i++].click();
      setTimeout(next, 700);
    })();
  });
})();"#;

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn file(path: &str) -> PageFile {
        PageFile {
            path: path.into(),
            size: 1536,
            modified_ms: 1_800_000_000_000,
            url: format!("http://h/b/{path}?X-Amz-Signature=ab&x=1"),
        }
    }

    #[test]
    fn names_are_escaped_and_links_kept_whole() {
        let page = render(
            "Q3 <b>&",
            &[file("a/<script>x.pdf"), file("b/\"it's\"\nnew.txt")],
            1_800_000_000_000,
        );
        assert!(page.contains("<h1>Q3 &lt;b&gt;&amp;</h1>"));
        assert!(page.contains("&lt;script&gt;x.pdf</a>"));
        assert!(!page.contains("<script>x.pdf"));
        assert!(page.contains("&quot;it&#39;s&quot;\\nnew.txt</a>"));
        assert!(
            page.contains("href=\"http://h/b/a/&lt;script&gt;x.pdf?X-Amz-Signature=ab&amp;x=1\"")
        );
        assert!(page.contains("<div class=\"folder\">a/</div>"));
        assert!(page.contains("2 files, 3.0 KiB"));
        assert!(page.contains("2027-01-15 08:00 UTC"));
    }

    #[test]
    fn the_one_script_is_the_one_the_policy_allows() {
        let page = render("t", &[file("x")], 0);
        let hash = aws_smithy_types::base64::encode(sha2::Sha256::digest(SCRIPT.as_bytes()));
        assert!(page.contains(&format!("script-src 'sha256-{hash}'")));
        assert_eq!(page.matches("<script").count(), 1);
        assert!(page.contains("default-src 'none'"));
    }
}
