//! Presigns per second, in-process, for the comparison with boto3 in
//! `benches/compare_links.py`: the whole link (object URL, download filename, signature),
//! and its two parts apart (where the time goes). Prints figures; asserts nothing (not a
//! timed test).

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use s3share::with_content_disposition;
use s3share::{Expiry, content_disposition};
use s3share::{object_url, presign_url};

/// Runs `one` `n` times (after a tenth as warm-up) and prints the rate.
fn measure(what: &str, n: u32, mut one: impl FnMut(u32)) {
    for i in 0..n / 10 {
        one(i);
    }
    let start = Instant::now();
    for i in 0..n {
        one(i);
    }
    let elapsed: Duration = start.elapsed();
    let per_sec = f64::from(n) / elapsed.as_secs_f64();
    println!(
        "s3share {what}: {n} in {:.3} s = {per_sec:.0}/s ({:.2} us each)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / f64::from(n)
    );
}

fn main() {
    let iterations: u32 = std::env::var("PRESIGN_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "bench",
    );
    let expiry = Expiry::from_secs(3600).expect("valid expiry");
    let disposition = content_disposition("report.pdf").expect("valid name");
    let endpoint = Some("http://127.0.0.1:9000");
    let url_of = |i: u32| {
        let key = format!("folder/file-{i}.pdf");
        let url = object_url(endpoint, "us-east-1", "bench", &key);
        with_content_disposition(&url, &disposition)
    };
    let sign = |url: &str| {
        presign_url(
            "GET",
            url,
            &[],
            "us-east-1",
            &creds,
            SystemTime::now(),
            expiry,
        )
        .expect("presign")
    };
    // The figure compared with boto3: build the URL, add the disposition, sign.
    measure("presign (whole link)", iterations, |i| {
        black_box(sign(&url_of(i)));
    });
    measure("object URL + filename only", iterations, |i| {
        black_box(url_of(i));
    });
    let urls: Vec<String> = (0..1000).map(url_of).collect();
    measure("signature only", iterations, |i| {
        black_box(sign(&urls[i as usize % urls.len()]));
    });
}
