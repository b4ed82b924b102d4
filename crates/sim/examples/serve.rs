//! Runs a simulator and writes its kubeconfig: `cargo run -p slipway-sim --example serve -- PATH`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "kubeconfig".into());
    let sim = slipway_sim::Sim::start(slipway_sim::SimOptions::default()).await?;
    sim.write_kubeconfig(std::path::Path::new(&path))?;
    eprintln!("serving at {}; kubeconfig in {path}", sim.url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await?;
    Ok(())
}
