//! `hero-intake sandbox`: the demo Hero API on 127.0.0.1 until Ctrl-C.

use std::io::Write;
use std::process::ExitCode;

use crate::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use crate::sandbox::{self, DEMO_API_KEY, DEMO_PATIENTS, DEMO_PRACTICE_GROUP_ID, SandboxOptions};

pub(super) async fn run_sandbox(port: u16, rate_limit: Option<f64>) -> ExitCode {
    let options = SandboxOptions {
        rate_limit_per_second: rate_limit.filter(|r| *r > 0.0),
        ..SandboxOptions::default()
    };
    let running = match sandbox::spawn(port, options).await {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "The sandbox couldn't listen on 127.0.0.1:{port}: {e}"
            );
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Hero demo sandbox listening on {}",
        running.base_url.as_str()
    );
    let _ = writeln!(
        out,
        "  {HERO_BASE_URL}={} {HERO_API_KEY}={DEMO_API_KEY} {HERO_PRACTICE_GROUP_ID}={DEMO_PRACTICE_GROUP_ID}",
        running.base_url.as_str()
    );
    let _ = writeln!(out, "Demo patients:");
    for p in DEMO_PATIENTS {
        let _ = writeln!(out, "  {}  {}  {}", p.nhs_number, p.dob, p.what_happens);
    }
    let _ = writeln!(out, "Press Ctrl-C to stop.");
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
