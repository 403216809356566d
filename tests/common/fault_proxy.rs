//! A fault-injecting proxy on 127.0.0.1 in front of a real S3 server: the first requests
//! that match are answered 503 SlowDown or cut off in the middle of their body; everything
//! else is forwarded, one request per connection (it asks the server to close after each
//! answer, so the client opens a new connection and every request is seen). Stops when
//! dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do to the first `times` requests whose first line contains `matching`.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer 503 SlowDown (S3's "reduce your request rate").
    SlowDown { matching: String, times: usize },
    /// Read the head and a few body bytes, then close the connection.
    DropMidBody { matching: String, times: usize },
}

pub struct FaultProxy {
    pub endpoint: String,
    /// Requests the proxy interfered with.
    pub injected: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    pub async fn start(upstream: &str, fault: Fault) -> FaultProxy {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let injected = Arc::new(AtomicUsize::new(0));
        let counter = injected.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let (upstream, fault, counter) = (upstream.clone(), fault.clone(), counter.clone());
                tokio::spawn(async move {
                    let _ = handle(client, &upstream, &fault, &counter).await;
                });
            }
        });
        FaultProxy {
            endpoint,
            injected,
            task,
        }
    }
}

async fn handle(
    mut client: TcpStream,
    upstream: &str,
    fault: &Fault,
    counter: &AtomicUsize,
) -> std::io::Result<()> {
    // Read the request head of the connection's first request.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let first_line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let (matching, times) = match fault {
        Fault::SlowDown { matching, times } | Fault::DropMidBody { matching, times } => {
            (matching, *times)
        }
    };
    let hit = first_line.contains(matching.as_str())
        && counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < times).then_some(n + 1)
            })
            .is_ok();
    if hit {
        match fault {
            Fault::SlowDown { .. } => {
                let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                let response = format!(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                client.write_all(response.as_bytes()).await?;
                client.shutdown().await?;
            }
            Fault::DropMidBody { .. } => {
                let mut some = [0u8; 4096];
                let _ = client.read(&mut some).await?;
                // Dropping the socket cuts the request off in the middle of its body.
            }
        }
        return Ok(());
    }
    // One request per connection, so every request's first line passes through here.
    let head = String::from_utf8_lossy(&head);
    let kept: Vec<&str> = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    let head = format!("{}\r\nConnection: close\r\n\r\n", kept.join("\r\n"));
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(head.as_bytes()).await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}
