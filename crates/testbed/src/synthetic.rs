//! A folder of generated keys, for listing benchmarks at a million objects: the server
//! (s3s) still checks each request's signature against the real, empty bucket, then the
//! page is cut from `prefix + IMG_0000000.jpg ...` by index, in O(1) per page (s3s-fs
//! re-reads the bucket per page and rclone serve s3 re-lists the directory, both
//! O(n) per page: a million objects there take an hour).

use percent_encoding::percent_decode_str;

/// `count` objects named `{prefix}IMG_{i:07}.jpg`, of 0-63 bytes, in one bucket.
#[derive(Debug, Clone)]
pub struct SyntheticFolder {
    pub bucket: String,
    pub prefix: String,
    pub count: usize,
}

impl SyntheticFolder {
    fn key(&self, i: usize) -> String {
        format!("{}IMG_{i:07}.jpg", self.prefix)
    }

    /// The first index after `key` (keys sort as their numbers do).
    fn after(&self, key: &str) -> usize {
        if key < self.prefix.as_str() {
            return 0;
        }
        match key
            .strip_prefix(&self.prefix)
            .and_then(|rest| rest.strip_prefix("IMG_"))
            .and_then(|rest| rest.strip_suffix(".jpg"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(i) => i + 1,
            None => self.count,
        }
    }

    /// The ListObjects (V1) or ListObjectsV2 page the query asks for, when it lists this
    /// folder.
    pub fn page(&self, bucket: &str, query: &str) -> Option<String> {
        let params: Vec<(String, String)> = query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let decode = |s: &str| {
                    percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (decode(name), decode(value))
            })
            .collect();
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        if bucket != self.bucket || get("prefix") != Some(self.prefix.as_str()) {
            return None;
        }
        let v2 = get("list-type") == Some("2");
        let start = match (
            v2,
            get("continuation-token"),
            get("start-after"),
            get("marker"),
        ) {
            (true, Some(token), _, _) => token.parse().ok()?,
            (true, None, Some(after), _) => self.after(after),
            (false, _, _, Some(marker)) => self.after(marker),
            _ => 0,
        };
        let max = get("max-keys")
            .and_then(|m| m.parse().ok())
            .unwrap_or(1000usize)
            .min(1000);
        let end = (start + max).min(self.count);
        let truncated = end < self.count;
        let mut xml = String::with_capacity(300 * (end - start) + 500);
        xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#);
        xml.push_str(&format!(
            "<Name>{bucket}</Name><Prefix>{}</Prefix><MaxKeys>{max}</MaxKeys>",
            self.prefix
        ));
        if let Some(delimiter) = get("delimiter") {
            xml.push_str(&format!("<Delimiter>{delimiter}</Delimiter>"));
        }
        if get("encoding-type") == Some("url") {
            xml.push_str("<EncodingType>url</EncodingType>");
        }
        xml.push_str(&format!("<IsTruncated>{truncated}</IsTruncated>"));
        if v2 {
            xml.push_str(&format!("<KeyCount>{}</KeyCount>", end - start));
            if let Some(token) = get("continuation-token") {
                xml.push_str(&format!("<ContinuationToken>{token}</ContinuationToken>"));
            }
            if truncated {
                xml.push_str(&format!(
                    "<NextContinuationToken>{end}</NextContinuationToken>"
                ));
            }
        } else {
            xml.push_str(&format!("<Marker>{}</Marker>", get("marker").unwrap_or("")));
            if truncated {
                xml.push_str(&format!("<NextMarker>{}</NextMarker>", self.key(end - 1)));
            }
        }
        for i in start..end {
            xml.push_str(&format!(
                "<Contents><Key>{}</Key><LastModified>2026-01-{:02}T{:02}:{:02}:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                self.key(i),
                1 + i % 28,
                i / 60 % 24,
                i % 60,
                i * 7919 % 64
            ));
        }
        xml.push_str("</ListBucketResult>");
        Some(xml)
    }
}
