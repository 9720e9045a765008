//! A minimal HTTP/1.1 client over `TcpStream` for tests that talk to real servers on loopback.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response: status and body.
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one request (`Connection: close`) and reads the whole response.
pub fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Response {
    // assert_cmd's timeouts install a SIGCHLD handler, so system calls may be interrupted.
    let mut stream = loop {
        match TcpStream::connect(addr) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            connected => break connected.unwrap(),
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    // Read the head, then exactly the body: some servers keep the connection open.
    let mut raw = Vec::new();
    let mut buffer = [0u8; 8192];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let read = read_some(&mut stream, &mut buffer, path);
        assert!(read > 0, "connection closed before the end of the headers");
        raw.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let mut rest = raw[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("no status");
    let length = head.lines().find_map(|line| {
        line.strip_prefix("content-length:")
            .and_then(|value| value.trim().parse::<usize>().ok())
    });
    if let Some(length) = length {
        while rest.len() < length {
            let read = read_some(&mut stream, &mut buffer, path);
            assert!(read > 0, "connection closed before the end of the body");
            rest.extend_from_slice(&buffer[..read]);
        }
        rest.truncate(length);
    } else if head.contains("transfer-encoding: chunked") {
        while !rest.ends_with(b"0\r\n\r\n") {
            let read = read_some(&mut stream, &mut buffer, path);
            assert!(read > 0, "connection closed inside a chunked body");
            rest.extend_from_slice(&buffer[..read]);
        }
        rest = dechunk(&rest);
    } else {
        stream
            .read_to_end(&mut rest)
            .unwrap_or_else(|e| panic!("reading the answer to {path}: {e}"));
    }
    Response {
        status,
        body: String::from_utf8(rest).unwrap(),
    }
}

/// One `read`, retried when a signal interrupted it.
fn read_some(stream: &mut TcpStream, buffer: &mut [u8], path: &str) -> usize {
    loop {
        match stream.read(buffer) {
            Ok(read) => return read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("reading the answer to {path}: {e} ({:?})", e.kind()),
        }
    }
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, None)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}
