//! A small HTTP server on 127.0.0.1 that misbehaves on purpose, where no real S3 server can
//! be made to: an error body that never ends, an answer that trickles a byte at a time, a
//! listing that hands back the continuation token it gave before. Every request gets the
//! same treatment; the server stops with the test process (its threads are detached).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub enum Misbehaviour {
    /// 500, then bytes forever.
    EndlessErrorBody,
    /// 200 with a listing, one byte every 500 ms.
    Trickle,
    /// A truncated listing whose next token is always the same.
    RepeatedToken,
    /// 301 PermanentRedirect to another host, naming no region.
    Redirect,
}

/// Starts the server; returns its endpoint (`http://127.0.0.1:PORT`).
pub fn start(how: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                // The request head; a body (none for GET/HEAD) is not read.
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let _ = answer(stream.try_clone().unwrap(), how);
                // One request per connection (the answers say Connection: close).
                let _ = stream.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    endpoint
}

fn answer(mut stream: std::net::TcpStream, how: Misbehaviour) -> std::io::Result<()> {
    match how {
        Misbehaviour::EndlessErrorBody => {
            stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nConnection: close\r\n\r\n<Error><Code>InternalError</Code><Message>")?;
            let chunk = vec![b'x'; 64 * 1024];
            loop {
                stream.write_all(&chunk)?;
            }
        }
        Misbehaviour::Trickle => {
            let body = listing("a.txt", None);
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )?;
            for byte in body.bytes() {
                stream.write_all(&[byte])?;
                std::thread::sleep(Duration::from_millis(500));
            }
            Ok(())
        }
        Misbehaviour::Redirect => {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>elsewhere.example.com</Endpoint></Error>";
            write!(
                stream,
                "HTTP/1.1 301 Moved Permanently\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            Ok(())
        }
        Misbehaviour::RepeatedToken => {
            let body = listing("again.txt", Some("same-token"));
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            Ok(())
        }
    }
}

fn listing(key: &str, next: Option<&str>) -> String {
    let (truncated, token) = match next {
        Some(token) => (
            "true",
            format!("<NextContinuationToken>{token}</NextContinuationToken>"),
        ),
        None => ("false", String::new()),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>{truncated}</IsTruncated>{token}<Contents><Key>{key}</Key><Size>1</Size><LastModified>2026-11-30T00:00:00.000Z</LastModified></Contents></ListBucketResult>"
    )
}
