//! A simulated Kubernetes API server with controllers and a kubelet, for tests and rehearsals.
//!
//! [`Sim::start`] serves the Kubernetes API over plain HTTP on loopback. Real `kubectl` and
//! `helm` work against it: discovery, CRUD, watch, patches, server-side apply, garbage
//! collection, CRDs; Deployments, StatefulSets, DaemonSets and Jobs run simulated pods whose
//! behaviour pod-template annotations script (see the crate README).
//!
//! ```no_run
//! # async fn demo() -> Result<(), slipway_sim::SimError> {
//! let sim = slipway_sim::Sim::start(slipway_sim::SimOptions::default()).await?;
//! sim.write_kubeconfig(std::path::Path::new("/tmp/kubeconfig"))?;
//! // ... run kubectl --kubeconfig /tmp/kubeconfig ...
//! sim.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod api;
mod controllers;
mod defaults;
mod discovery;
mod logs;
pub mod patch;
mod protobuf;
pub mod registry;
mod schema;
pub mod selectors;
mod server;
pub mod ssa;
mod state;
pub mod status;
pub mod store;
mod table;
mod validation;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use api::Cluster;
pub use controllers::annotations;

/// Errors starting, running or stopping a simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Binding, serving or file I/O failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The state file is not a saved simulator state.
    #[error("state file {path}: {message}")]
    State {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Number of simulated Nodes.
    pub nodes: usize,
    /// A file to load state from at start and save it to at shutdown.
    pub state_file: Option<PathBuf>,
    /// How long a pod takes from scheduling to running (before any `ready-after`).
    pub pod_start_delay: Duration,
    /// Interval of watch bookmarks for watches that allow them.
    pub bookmark_interval: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            nodes: 1,
            state_file: None,
            pod_start_delay: Duration::from_millis(50),
            bookmark_interval: Duration::from_secs(10),
        }
    }
}

/// Entry point: starts simulators.
pub struct Sim;

impl Sim {
    /// Starts a simulator: binds, loads state, starts the controllers and serves requests.
    /// Returns once the server accepts connections.
    pub async fn start(options: SimOptions) -> Result<SimHandle, SimError> {
        let cluster = Arc::new(Cluster::new());
        if let Some(path) = &options.state_file
            && path.exists()
        {
            state::load(&cluster, path)?;
        }
        controllers::bootstrap(&cluster, options.nodes);
        let controller_task = controllers::spawn(cluster.clone(), options.clone());
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|source| SimError::Io {
                context: format!("binding {}", options.listen),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Io {
            context: "reading the bound address".into(),
            source,
        })?;
        let state = Arc::new(server::ServerState {
            cluster: cluster.clone(),
            counts: server::RequestCounts::default(),
            bookmark_interval: options.bookmark_interval,
        });
        let app = axum::Router::new()
            .fallback(server::handle)
            .with_state(state.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server_task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await
        });
        Ok(SimHandle {
            addr,
            state,
            stop: Some(stop_tx),
            server_task,
            controller_task,
            state_file: options.state_file,
        })
    }
}

/// A running simulator.
pub struct SimHandle {
    addr: SocketAddr,
    state: Arc<server::ServerState>,
    stop: Option<oneshot::Sender<()>>,
    server_task: JoinHandle<std::io::Result<()>>,
    controller_task: JoinHandle<()>,
    state_file: Option<PathBuf>,
}

impl SimHandle {
    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulated cluster, for in-process inspection.
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.state.cluster
    }

    /// A kubeconfig pointing at this simulator (context `slipway-sim`, namespace `default`).
    pub fn kubeconfig_yaml(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: slipway-sim\n  cluster:\n    server: {}\ncontexts:\n- name: slipway-sim\n  context:\n    cluster: slipway-sim\n    user: slipway-sim\n    namespace: default\ncurrent-context: slipway-sim\nusers:\n- name: slipway-sim\n  user: {{}}\npreferences: {{}}\n",
            self.url()
        )
    }

    /// Writes [`SimHandle::kubeconfig_yaml`] to a file.
    pub fn write_kubeconfig(&self, path: &Path) -> Result<(), SimError> {
        std::fs::write(path, self.kubeconfig_yaml()).map_err(|source| SimError::Io {
            context: format!("writing {}", path.display()),
            source,
        })
    }

    /// Requests served so far, per verb (`get`, `list`, `watch`, `create`, `update`, `patch`,
    /// `apply`, `delete`, `deletecollection`, `discovery`, `log`, `other`).
    pub fn request_count(&self) -> BTreeMap<String, u64> {
        self.state.counts.snapshot()
    }

    /// Total requests served so far.
    pub fn total_requests(&self) -> u64 {
        self.request_count().values().sum()
    }

    /// Stops serving, stops the controllers and saves the state file, if any.
    pub async fn shutdown(mut self) -> Result<(), SimError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.controller_task.abort();
        // Open watches keep connections alive; give them a moment, then stop regardless.
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.server_task).await;
        self.server_task.abort();
        if let Some(path) = &self.state_file {
            state::save(&self.state.cluster, path)?;
        }
        Ok(())
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.controller_task.abort();
        self.server_task.abort();
    }
}
