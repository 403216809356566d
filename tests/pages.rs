//! One link for many files: `s3share link s3://bucket/folder/ --page` against a real S3
//! server (in-process, or rclone serve s3 in CI); the page and every link on it opened with
//! a plain HTTP client and no credentials.

mod common;

use std::path::Path;

use common::cli::{s3share, text, write_profile};
use common::{bed, http_get, local_bed};
use testbed::{LocalS3Options, SyntheticFolder};

/// The links on a page, in order (the only `&` entity a URL holds is `&amp;`).
fn links_on(page: &str) -> Vec<String> {
    page.split("<a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

async fn page_link(dir: &Path, args: &[&str]) -> (String, String) {
    let out = s3share(dir, args).await;
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    (
        text(&out.stdout).trim().to_owned(),
        text(&out.stderr).to_owned(),
    )
}

/// The id `link --page` named for closing the page.
fn close_id(stderr: &str) -> String {
    stderr
        .split("s3share revoke ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no close command in: {stderr}"))
        .to_owned()
}

const FILES: [(&str, &[u8]); 5] = [
    ("team/plan <b>&.txt", b"the plan"),
    ("team/\"quoted\" 'name'.txt", b"quoted"),
    ("team/Gr\u{f6}\u{df}e M\u{e4}rz.txt", b"umlauts"),
    ("team/sub/line\nbreak.txt", b"a newline in the key"),
    ("team/sub/deep.bin", &[0, 1, 2, 255]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_lists_every_file_with_a_working_link_and_closes() {
    let bed = bed().await;
    let bucket = bed.bucket("page").await;
    for (key, body) in FILES {
        bed.put(&bucket, key, body).await;
    }
    bed.put(&bucket, "elsewhere.txt", b"not in the folder")
        .await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let folder = format!("s3://{bucket}/team/");

    let (url, stderr) = page_link(
        dir.path(),
        &[
            "link",
            &folder,
            "--page",
            "--recursive",
            "--title",
            "Q3 <docs> & more",
            "--expires",
            "2h",
        ],
    )
    .await;
    assert!(stderr.contains("page of 5 files"), "{stderr}");
    let page = http_get(&url).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("<h1>Q3 &lt;docs&gt; &amp; more</h1>"));
    assert!(
        html.contains("plan &lt;b&gt;&amp;.txt</a>"),
        "names are escaped"
    );
    assert!(!html.contains("<b>"));
    assert!(html.contains("&quot;quoted&quot; &#39;name&#39;.txt</a>"));
    assert!(html.contains("Gr\u{f6}\u{df}e M\u{e4}rz.txt</a>"));
    assert!(
        html.contains("line\\nbreak.txt</a>"),
        "a newline is shown, not obeyed"
    );
    assert!(html.contains("<div class=\"folder\">sub/</div>"));
    assert!(html.contains("default-src 'none'"));
    assert!(!html.contains("elsewhere.txt"));
    let links = links_on(&html);
    assert_eq!(links.len(), 5);
    // The page lists the files in S3's order (by the key's bytes).
    let mut files = FILES.to_vec();
    files.sort_by_key(|(key, _)| key.as_bytes().to_vec());
    for ((key, body), link) in files.iter().zip(&links) {
        let got = http_get(link).await;
        assert_eq!(got.status, 200, "{key:?}");
        assert_eq!(&got.body, body, "{key:?}");
        let name = key.rsplit('/').next().unwrap();
        let shown = name
            .replace('\n', "\\n")
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(
            html.contains(&format!("{shown}</a>")),
            "{shown} is on the page"
        );
        assert!(
            link.contains("X-Amz-Expires=7200"),
            "every link has the page's lifetime"
        );
    }

    // Without --recursive: the folder's own files only.
    let (one_level, _) = page_link(dir.path(), &["link", &folder, "--page"]).await;
    let html = String::from_utf8(http_get(&one_level).await.body).unwrap();
    assert_eq!(links_on(&html).len(), 3);

    let id = close_id(&stderr);
    let out = s3share(dir.path(), &["revoke", &id]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("closed page"),
        "{}",
        text(&out.stderr)
    );
    assert!(matches!(http_get(&url).await.status, 403 | 404));
    // A file's link already taken from the page works until its end, as the message says.
    assert_eq!(http_get(&links[0]).await.status, 200);
    let history = s3share(dir.path(), &["history", "--json", "--all"]).await;
    let row = text(&history.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["kind"], "page");
    assert!(
        row["status"].as_str().unwrap().starts_with("closed"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_revocable_page_stops_every_link_on_it() {
    let bed = bed().await;
    let bucket = bed.bucket("page-revocable").await;
    // More files than copies are made at once: each link must still point at its own file.
    let names: Vec<String> = (0..20).map(|i| format!("f{i:02}.txt")).collect();
    for name in &names {
        bed.put(
            &bucket,
            &format!("out/{name}"),
            format!("body of {name}").as_bytes(),
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let (url, stderr) = page_link(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/out/"),
            "--page",
            "--revocable",
        ],
    )
    .await;
    let html = String::from_utf8(http_get(&url).await.body).unwrap();
    let links = links_on(&html);
    assert_eq!(links.len(), names.len());
    for link in &links {
        assert!(link.contains("/.s3share/links/"), "{link}");
        let got = http_get(link).await;
        assert_eq!(got.status, 200);
        let name = link.split('?').next().unwrap().rsplit('/').next().unwrap();
        assert_eq!(
            String::from_utf8(got.body).unwrap(),
            format!("body of {name}")
        );
    }
    let mut linked: Vec<&str> = links
        .iter()
        .map(|l| l.split('?').next().unwrap().rsplit('/').next().unwrap())
        .collect();
    linked.sort_unstable();
    assert_eq!(linked, names, "one link per file");
    let out = s3share(dir.path(), &["revoke", &close_id(&stderr)]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("every file's link on it is revoked"));
    assert!(matches!(http_get(&url).await.status, 403 | 404));
    for link in &links {
        assert!(matches!(http_get(link).await.status, 403 | 404), "{link}");
    }
    // The files themselves stay.
    let ls = s3share(dir.path(), &["ls", &format!("s3://{bucket}/out/")]).await;
    assert_eq!(
        text(&ls.stdout).lines().count(),
        names.len(),
        "{}",
        text(&ls.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_files_or_a_file_instead_of_a_folder_store_nothing() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["huge".into()],
        synthetic: vec![SyntheticFolder {
            bucket: "huge".into(),
            prefix: "photos/".into(),
            count: 10_001,
        }],
        ..LocalS3Options::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let out = s3share(dir.path(), &["link", "s3://huge/photos/", "--page"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("10001 files are more than one page carries (10000"),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty());
    let out = s3share(dir.path(), &["link", "s3://huge/photos", "--page"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("trailing slash"));
    let stored = bed
        .client()
        .list_objects_v2()
        .bucket("huge")
        .prefix(".s3share/")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.key_count(), Some(0), "nothing was stored");
}

/// A page that has ended is deleted with the copies of ended links (its end is in its key),
/// a live one stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_page_is_deleted_with_the_ended_copies() {
    let bed = bed().await;
    let bucket = bed.bucket("page-ended").await;
    bed.put(&bucket, "f/a.txt", b"a").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let folder = format!("s3://{bucket}/f/");
    page_link(dir.path(), &["link", &folder, "--page", "--expires", "3s"]).await;
    let (live, _) = page_link(dir.path(), &["link", &folder, "--page", "--expires", "1h"]).await;
    let pages = || async {
        bed.client()
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(".s3share/pages/")
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(pages().await.len(), 2);
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let out = s3share(dir.path(), &["revoke", "--ended"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let left = pages().await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        live.contains(&left[0].replace(' ', "%20")),
        "the live page stays"
    );
    assert_eq!(http_get(&live).await.status, 200);
}
