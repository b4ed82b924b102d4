//! `slipway sim` as a process: the kubeconfig appears once the API answers, SIGTERM stops it
//! and `--state` keeps objects across restarts.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("slipway-sim-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn start(dir: &Path) -> (Child, String) {
    let kubeconfig = dir.join("kubeconfig");
    let _ = std::fs::remove_file(&kubeconfig);
    let child = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("sim")
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .arg("--state")
        .arg(dir.join("state.json"))
        .arg("--nodes")
        .arg("2")
        .spawn()
        .expect("slipway sim starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let server = loop {
        if let Ok(text) = std::fs::read_to_string(&kubeconfig)
            && let Some(line) = text
                .lines()
                .find(|l| l.trim_start().starts_with("server: http://"))
        {
            break line
                .trim()
                .trim_start_matches("server: http://")
                .to_string();
        }
        assert!(Instant::now() < deadline, "kubeconfig written within 30s");
        std::thread::sleep(Duration::from_millis(50));
    };
    (child, server)
}

/// A plain HTTP/1.1 request; returns status code and body.
fn http(server: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream =
        TcpStream::connect(server).expect("the API accepts connections once the kubeconfig exists");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let code = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

fn stop(child: &mut Child) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "slipway sim exits cleanly on SIGTERM");
            return;
        }
        assert!(Instant::now() < deadline, "slipway sim stops within 30s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serves_until_sigterm_and_keeps_state() {
    let dir = scratch();
    let (mut child, server) = start(&dir);
    let (code, version) = http(&server, "GET", "/version", "");
    assert_eq!(code, 200);
    assert!(version.contains("\"gitVersion\":\"v1.35"), "{version}");
    let (code, nodes) = http(&server, "GET", "/api/v1/nodes", "");
    assert_eq!(code, 200);
    assert_eq!(
        nodes.matches("\"kind\":\"Node\"").count(),
        2,
        "--nodes 2 creates two Nodes"
    );
    let (code, _) = http(
        &server,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"kept"},"data":{"k":"v"}}"#,
    );
    assert_eq!(code, 201);
    stop(&mut child);
    assert!(dir.join("state.json").exists(), "state saved on shutdown");

    let (mut child, server) = start(&dir);
    let (code, cm) = http(
        &server,
        "GET",
        "/api/v1/namespaces/default/configmaps/kept",
        "",
    );
    assert_eq!(code, 200);
    assert!(cm.contains("\"k\":\"v\""), "{cm}");
    stop(&mut child);
    let _ = std::fs::remove_dir_all(&dir);
}
