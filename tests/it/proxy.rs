//! A loopback TCP proxy that records when each side's bytes pass, to find the waits a client
//! makes on itself: two writes in a row with nothing from the server between them, the second
//! held back for tens of milliseconds (Nagle's algorithm waiting for a delayed ACK).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What passed through the proxy, in the order it passed.
#[derive(Clone)]
pub struct Passage {
    pub connection: usize,
    pub at: Instant,
    pub from_client: bool,
    pub bytes: Vec<u8>,
}

pub struct Proxy {
    /// `127.0.0.1:port` to connect to instead of the server.
    pub address: String,
    log: Arc<Mutex<Vec<Passage>>>,
}

/// A client write that came at least this long after the client's previous write, with
/// nothing from the server in between. A delayed ACK holds a write back 40 ms or more on
/// Linux; a client that is merely busy writes again within a millisecond.
pub const STALL: Duration = Duration::from_millis(30);

impl Proxy {
    /// Forwards every connection made to it to `upstream` (`host:port`), until the test ends.
    pub fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let address = listener.local_addr().expect("address").to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.to_string();
        let shared = log.clone();
        std::thread::spawn(move || {
            for (connection, client) in listener.incoming().enumerate() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                // The proxy itself must never hold a write back.
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                pump(connection, &client, &server, true, shared.clone());
                pump(connection, &server, &client, false, shared.clone());
            }
        });
        Proxy { address, log }
    }

    pub fn passages(&self) -> Vec<Passage> {
        self.log.lock().expect("log").clone()
    }

    /// Forgets what passed so far.
    pub fn clear(&self) {
        self.log.lock().expect("log").clear();
    }

    /// Each stall: a client write that followed the client's previous write on the same
    /// connection by at least [`STALL`], with no server bytes in between (connection, gap).
    pub fn stalls(&self) -> Vec<(usize, Duration)> {
        let passages = self.passages();
        let mut stalls = Vec::new();
        let mut last: std::collections::HashMap<usize, (Instant, bool)> = Default::default();
        for p in &passages {
            if let Some((at, from_client)) = last.get(&p.connection)
                && *from_client
                && p.from_client
                && p.at.duration_since(*at) >= STALL
            {
                stalls.push((p.connection, p.at.duration_since(*at)));
            }
            last.insert(p.connection, (p.at, p.from_client));
        }
        stalls
    }

    /// Whether any server reply on any connection began a TLS record (a handshake record,
    /// content type 22, version 3.x): the session was encrypted.
    pub fn saw_tls(&self) -> bool {
        self.passages()
            .iter()
            .any(|p| !p.from_client && p.bytes.windows(2).any(|w| w == [22, 3]))
    }

    /// How many times a server asked the client for another key share (a TLS 1.3
    /// HelloRetryRequest: a ServerHello whose random is the fixed HRR value).
    pub fn hello_retries(&self) -> usize {
        const HRR: [u8; 8] = [0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11];
        self.passages()
            .iter()
            .filter(|p| !p.from_client && p.bytes.windows(HRR.len()).any(|w| w == HRR))
            .count()
    }
}

fn pump(
    connection: usize,
    from: &TcpStream,
    to: &TcpStream,
    from_client: bool,
    log: Arc<Mutex<Vec<Passage>>>,
) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            log.lock().expect("log").push(Passage {
                connection,
                at: Instant::now(),
                from_client,
                bytes: buffer[..n].to_vec(),
            });
            if to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
