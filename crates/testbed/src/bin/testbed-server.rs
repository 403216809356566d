//! The test bed's S3 server as a process, for suites driven from outside Rust (the browser
//! test of the file request page). Serves DIR on 127.0.0.1 with the given keys, prints
//! `http://127.0.0.1:PORT` on stdout, and stops when stdin closes (so it never outlives
//! the script that started it).
//!
//! Usage: testbed-server DIR ACCESS_KEY SECRET_KEY [--sts] [--synthetic BUCKET/FOLDER/=COUNT]
//!        [--request-log FILE] [BUCKET ...]
//! With `--sts` it also answers STS AssumeRole and the SSO portal's GetRoleCredentials
//! (credentials that end after an hour).

use std::io::Read;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, access, secret, buckets @ ..] = args.as_slice() else {
        eprintln!("usage: testbed-server DIR ACCESS_KEY SECRET_KEY [BUCKET ...]");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let sts = buckets.iter().any(|b| b == "--sts");
    // --synthetic bench/n1000000/=1000000: a folder of generated keys (list benchmark).
    let mut synthetic = Vec::new();
    let mut request_log = None;
    let mut names = Vec::new();
    let mut rest = buckets.iter();
    while let Some(arg) = rest.next() {
        if arg == "--synthetic" {
            let spec = rest.next().map(String::as_str).unwrap_or("");
            let parsed = spec.split_once('=').and_then(|(path, count)| {
                let (bucket, prefix) = path.split_once('/')?;
                Some((bucket.to_owned(), prefix.to_owned(), count.parse().ok()?))
            });
            let Some((bucket, prefix, count)) = parsed else {
                eprintln!("--synthetic wants BUCKET/FOLDER/=COUNT, not {spec:?}");
                std::process::exit(2);
            };
            names.push(bucket.clone());
            synthetic.push(testbed::SyntheticFolder {
                bucket,
                prefix,
                count,
            });
        } else if arg == "--request-log" {
            request_log = rest.next().map(std::path::PathBuf::from);
        } else if arg != "--sts" {
            names.push(arg.clone());
        }
    }
    let options = testbed::LocalS3Options {
        buckets: names,
        synthetic,
        sts,
        sso: sts.then_some(std::time::Duration::from_secs(3600)),
        request_log,
        ..testbed::LocalS3Options::default()
    };
    let server = runtime.block_on(testbed::LocalS3::start(
        std::path::Path::new(dir),
        access,
        secret,
        options,
    ))?;
    println!("{}", server.endpoint());
    // Serve until whoever started us closes stdin.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(server);
    Ok(())
}
