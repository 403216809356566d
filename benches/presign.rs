//! Presigns per second, in-process, for the comparison with boto3 in
//! `benches/compare_links.py`. Prints figures; asserts nothing (not a timed test).

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use s3share::with_content_disposition;
use s3share::{Expiry, content_disposition};
use s3share::{object_url, presign_url};

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
    // Warm up, then measure: build the URL, add the disposition, sign.
    let run = |n: u32| {
        let start = Instant::now();
        for i in 0..n {
            let key = format!("folder/file-{i}.pdf");
            let url = object_url(Some("http://127.0.0.1:9000"), "us-east-1", "bench", &key);
            let url = with_content_disposition(&url, &disposition);
            let signed = presign_url(
                "GET",
                &url,
                &[],
                "us-east-1",
                &creds,
                SystemTime::now(),
                expiry,
            )
            .expect("presign");
            black_box(signed);
        }
        start.elapsed()
    };
    run(iterations / 10);
    let elapsed: Duration = run(iterations);
    let per_sec = f64::from(iterations) / elapsed.as_secs_f64();
    println!(
        "s3share presign: {iterations} links in {:.3} s = {per_sec:.0} links/s ({:.2} us each)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / f64::from(iterations)
    );
}
